-- demo/svg.sql: the demo's two pictures as SVG files, written by
-- demo/demo.sql when psql has the variable svg_dir (bash demo/run.sh --svg DIR):
--   DIR/retention.svg  720 x 360: the audience retention of "Variables and
--                      types" in 50 buckets, reach and plays;
--   DIR/heatmap.svg    760 x 260: Maya's session starts over the last 28 days
--                      by weekday (7 rows, Monday first) and hour (24
--                      columns) of her time zone.
-- Both are read as Maya (role authenticated, her claims), like her view.
-- test/shell/demo.sh renders them in headless Chromium.

\set retention_file :svg_dir '/retention.svg'
\set heatmap_file :svg_dir '/heatmap.svg'

BEGIN;
:as_maya

-- the retention curve: x = position in the video, y = 0 .. top (1, or the
-- highest plays when people rewatched more); plot area 70..700 x 70..300
WITH r AS (
    SELECT bucket, reach, plays FROM chronos.video_retention(:'v_mux', 50)
), scale AS (
    SELECT greatest(1, ceil(max(plays) * 2) / 2) AS top, count(*) AS n FROM r
), pts AS (
    SELECT string_agg(format('%s,%s', round(70 + 630 * (r.bucket + 0.5) / s.n, 1),
                                      round(300 - 230 * r.reach / s.top, 1)), ' ' ORDER BY r.bucket) AS reach,
           string_agg(format('%s,%s', round(70 + 630 * (r.bucket + 0.5) / s.n, 1),
                                      round(300 - 230 * r.plays / s.top, 1)), ' ' ORDER BY r.bucket) AS plays
    FROM r, scale s
), ticks AS (
    SELECT string_agg(format('<line x1="66" y1="%1$s" x2="700" y2="%1$s" stroke="#dddddd"/>'
                             '<text x="60" y="%2$s" text-anchor="end">%3$s</text>',
                             round(300 - 230 * t / s.top, 1), round(304 - 230 * t / s.top, 1), t), '') AS y,
           (SELECT string_agg(format('<text x="%s" y="320" text-anchor="middle">%s</text>',
                                     round(70 + 630 * m / 13.0, 1), m || ':00'), '')
              FROM generate_series(0, 13) AS m) AS x
    FROM scale s, generate_series(0, (s.top * 2)::int) AS k, LATERAL (SELECT round(k / 2.0, 1) AS t) AS tt
)
SELECT '<svg xmlns="http://www.w3.org/2000/svg" width="720" height="360" viewBox="0 0 720 360" font-family="sans-serif" font-size="12">'
    || '<rect width="720" height="360" fill="#ffffff"/>'
    || '<text x="360" y="24" text-anchor="middle" font-size="15">Audience retention: Variables and types (13:00)</text>'
    || ticks.y || ticks.x
    || '<line x1="70" y1="300" x2="700" y2="300" stroke="#333333"/><line x1="70" y1="70" x2="70" y2="300" stroke="#333333"/>'
    || format('<polyline id="plays" fill="none" stroke="#e4572e" stroke-width="2.5" stroke-dasharray="6 3" points="%s"/>', pts.plays)
    || format('<polyline id="reach" fill="none" stroke="#2e86de" stroke-width="3" points="%s"/>', pts.reach)
    || '<text x="385" y="345" text-anchor="middle">position in the video (minutes)</text>'
    || '<rect x="480" y="36" width="14" height="4" fill="#2e86de"/><text x="500" y="42">reach (share of sessions)</text>'
    || '<rect x="480" y="50" width="14" height="4" fill="#e4572e"/><text x="500" y="56">plays per session</text>'
    || '</svg>'
FROM pts, ticks
\g (format=unaligned tuples_only=on) :retention_file

-- the weekly heatmap: cells of 26 x 26 from (60, 40); 0 is light grey, the
-- busiest hour full blue
SELECT (now() AT TIME ZONE timezone)::date AS svg_today, timezone AS svg_tz
  FROM chronos.creators WHERE id = :'c_ny' \gset
WITH d AS (
    SELECT chronos.creator_dashboard(:'c_ny', :'svg_today'::date - 27, :'svg_today'::date) -> 'heatmap' AS h
), cells AS (
    SELECT r.dow - 1 AS row, c.hour - 1 AS col, c.n::int AS n
    FROM d, jsonb_array_elements(d.h) WITH ORDINALITY AS r(hours, dow),
         jsonb_array_elements_text(r.hours) WITH ORDINALITY AS c(n, hour)
), top AS (SELECT greatest(max(n), 1) AS m FROM cells)
SELECT format('<svg xmlns="http://www.w3.org/2000/svg" width="760" height="260" viewBox="0 0 760 260" font-family="sans-serif" font-size="11">'
              '<rect width="760" height="260" fill="#ffffff"/>'
              '<text x="380" y="20" text-anchor="middle" font-size="14">Session starts by weekday and hour (%s), last 28 days</text>', :'svg_tz')
    || (SELECT string_agg(format('<text x="52" y="%s" text-anchor="end">%s</text>', 40 + 26 * i + 17,
                                 (ARRAY['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'])[i + 1]), '')
          FROM generate_series(0, 6) AS i)
    || (SELECT string_agg(format('<text x="%s" y="236" text-anchor="middle">%s</text>', 60 + 26 * h + 13, h), '')
          FROM generate_series(0, 23) AS h)
    || string_agg(format('<rect class="cell" x="%s" y="%s" width="24" height="24" fill="%s"><title>%s %s:00 %s</title></rect>',
                         60 + 26 * cells.col, 40 + 26 * cells.row,
                         CASE WHEN cells.n = 0 THEN '#eeeeee'
                              ELSE format('rgb(%s,%s,%s)', round(200 - 170 * cells.n / top.m), round(220 - 120 * cells.n / top.m), 255) END,
                         (ARRAY['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'])[cells.row + 1], cells.col, cells.n),
                  '' ORDER BY cells.row, cells.col)
    || '<text x="380" y="254" text-anchor="middle">hour of the day</text></svg>'
FROM cells, top
\g (format=unaligned tuples_only=on) :heatmap_file
COMMIT;
\echo 'The SVG pictures: ' :retention_file ' and ' :heatmap_file
