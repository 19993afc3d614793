-- bench/sql/retention.sql: video_retention over :nsess sessions of one 600 s
-- video (docs/architecture.md, "Performance targets": 100,000 sessions well under a second).  Run by
-- bench/retention.sh as the superuser, in a database with chronos:
--
--   psql -v nsess=100000 -v runs=5 -f bench/sql/retention.sql
--
-- The sessions' watched ranges imitate a real audience: most start at 0,
-- some skip the intro; how far they get falls off along the video, a
-- quarter watch to the end; some seek forward and resume later, some play a
-- part again (rewatch), a few started and played nothing.  Prints the
-- EXPLAIN ANALYZE of one call, then the median of :runs timed calls of
-- video_retention (100 buckets) as the service and as the video's creator
-- (through row-level security), beside the median of a plain count(*) of
-- the same rows (the cost of reading them) for scale; then the same for
-- the audience analytics of chronos 1.1 (video_dropoff,
-- video_relative_retention, peak_concurrent_viewers,
-- concurrent_viewers_series).

\set ON_ERROR_STOP 1
SET client_min_messages = warning;
SET synchronous_commit = off;

INSERT INTO chronos.creators (id, whop_company_id, whop_user_id)
VALUES ('00000000-0000-4000-8000-0000000000c1', 'bench_retention_co', 'bench_retention_user');
INSERT INTO chronos.students (id, creator_id, whop_user_id)
SELECT ('00000000-0000-4000-8001-' || lpad(to_hex(n), 12, '0'))::uuid, '00000000-0000-4000-8000-0000000000c1',
       'bench_learner_' || n
  FROM generate_series(1, 2000) AS n;
INSERT INTO chronos.videos (id, creator_id, title, source_type, storage_path, duration_seconds)
VALUES ('00000000-0000-4000-8002-0000000000f1', '00000000-0000-4000-8000-0000000000c1', 'ten minutes', 'upload',
        'bench/ten_minutes.mp4', 600);

\echo generating :nsess sessions of one 600 s video
SELECT setseed(0.6);
INSERT INTO chronos.video_watch_sessions (video_id, student_id, creator_id, session_start, session_end,
                                          last_heartbeat_at, watched, watch_time_seconds, percent_complete,
                                          last_position_seconds)
SELECT '00000000-0000-4000-8002-0000000000f1',
       ('00000000-0000-4000-8001-' || lpad(to_hex(1 + n % 2000), 12, '0'))::uuid,
       '00000000-0000-4000-8000-0000000000c1',
       now() - (n % 90) * interval '1 day', now() - (n % 90) * interval '1 day' + interval '20 minutes',
       now() - (n % 90) * interval '1 day' + interval '20 minutes',
       w, round(chronos.watch_ranges_plays(w))::int,
       least(100, floor(100 * chronos.coverage(w) / 600))::int, stop
  FROM (SELECT n, stop,
               CASE WHEN nothing THEN '{}'::chronos.watch_ranges
                    ELSE ('{' || concat_ws(',',
                        -- the main run, from 0 or after the intro, to where the viewer stopped
                        format('[%s,%s)', start, greatest(stop, start + 1)),
                        -- a seek forward: a later part, after a gap
                        CASE WHEN seek THEN format('[%s,%s)', least(stop + gap, 590), least(stop + gap + len2, 600)) END,
                        -- a rewatch: a part played again
                        CASE WHEN rewatch THEN format('[%s,%s)', rw, least(rw + rwlen, 600)) END
                    ) || '}')::chronos.watch_ranges END AS w
          FROM (SELECT n,
                       random() < 0.02 AS nothing,
                       CASE WHEN random() < 0.15 THEN round((20 + random() * 25)::numeric, 3) ELSE 0 END AS start,
                       CASE WHEN random() < 0.25 THEN 600
                            ELSE round((600 * (1 - sqrt(random())))::numeric, 3) END AS stop,
                       random() < 0.20 AS seek, round((10 + random() * 120)::numeric, 3) AS gap,
                       round((5 + random() * 90)::numeric, 3) AS len2,
                       random() < 0.25 AS rewatch, round((random() * 540)::numeric, 3) AS rw,
                       round((3 + random() * 60)::numeric, 3) AS rwlen
                  FROM generate_series(1, :nsess) AS n) AS r) AS s;
VACUUM (ANALYZE) chronos.video_watch_sessions;

SELECT count(*) AS sessions, count(*) FILTER (WHERE chronos.coverage(watched) > 0) AS played_something,
       round(avg(chronos.range_count(watched)), 2) AS avg_ranges,
       round(avg(percent_complete), 1) AS avg_percent,
       pg_size_pretty(pg_total_relation_size('chronos.video_watch_sessions')) AS table_size
  FROM chronos.video_watch_sessions;

\echo the curve, every tenth bucket
SELECT bucket, start_seconds, reach, plays
  FROM chronos.video_retention('00000000-0000-4000-8002-0000000000f1', 100) WHERE bucket % 10 = 0;

\echo one call, as the service
EXPLAIN (ANALYZE, COSTS OFF, SUMMARY ON)
SELECT * FROM chronos.video_retention('00000000-0000-4000-8002-0000000000f1', 100);
\echo the query inside it
EXPLAIN (ANALYZE, COSTS OFF, SUMMARY ON)
SELECT chronos.retention_agg(w.watched, 600, 100)
  FROM (VALUES (true)) AS one (x)
  LEFT JOIN chronos.video_watch_sessions w ON w.video_id = '00000000-0000-4000-8002-0000000000f1';

-- median_ms(sql, runs, role, claims): the median wall time of runs executions
-- of sql, after one warm-up, as role with request.jwt.claims (NULL: as is).
CREATE FUNCTION pg_temp.median_ms(p_sql text, p_runs int, p_role text DEFAULT NULL, p_claims text DEFAULT NULL)
RETURNS numeric LANGUAGE plpgsql AS $$
DECLARE
    t timestamptz;
    times numeric[] := '{}';
BEGIN
    IF p_role IS NOT NULL THEN
        PERFORM set_config('role', p_role, true);
        PERFORM set_config('request.jwt.claims', p_claims, true);
    END IF;
    EXECUTE p_sql;
    FOR i IN 1 .. p_runs LOOP
        t := clock_timestamp();
        EXECUTE p_sql;
        times := times || (extract(epoch FROM clock_timestamp() - t) * 1000)::numeric;
    END LOOP;
    IF p_role IS NOT NULL THEN
        PERFORM set_config('role', 'none', true);
        PERFORM set_config('request.jwt.claims', '', true);
    END IF;
    RETURN round((SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY x) FROM unnest(times) AS x)::numeric, 1);
END
$$;
CREATE ROLE bench_retention_app NOLOGIN;

\echo median of :runs runs, in milliseconds
BEGIN;
SELECT :nsess AS sessions,
       pg_temp.median_ms($$SELECT count(*) FROM chronos.video_retention('00000000-0000-4000-8002-0000000000f1', 100)$$,
                         :runs) AS video_retention_service_ms,
       pg_temp.median_ms($$SELECT count(*) FROM chronos.video_retention('00000000-0000-4000-8002-0000000000f1', 100)$$,
                         :runs, 'bench_retention_app', '{"creator_id": "00000000-0000-4000-8000-0000000000c1"}')
           AS video_retention_creator_ms,
       pg_temp.median_ms($$SELECT count(*) FROM chronos.video_retention('00000000-0000-4000-8002-0000000000f1', 1000)$$,
                         :runs) AS buckets_1000_ms,
       pg_temp.median_ms($$SELECT count(watched) FROM chronos.video_watch_sessions
                            WHERE video_id = '00000000-0000-4000-8002-0000000000f1'$$, :runs) AS plain_count_ms;
COMMIT;

-- The audience analytics of chronos 1.1 over the same 100,000 sessions, one
-- line of six columns (sessions, then medians in ms): video_dropoff (100
-- buckets), video_relative_retention (100 buckets; the creator has no other
-- video, so this is the video's own curve and the search for similar ones),
-- peak_concurrent_viewers of the video over its 90 days and of the creator,
-- and concurrent_viewers_series of the video by the hour over 90 days
-- (2,160 intervals).
\echo audience analytics: median of :runs runs, in milliseconds
BEGIN;
SELECT :nsess AS sessions,
       pg_temp.median_ms($$SELECT count(*) FROM chronos.video_dropoff('00000000-0000-4000-8002-0000000000f1', 100)$$,
                         :runs) AS video_dropoff_ms,
       pg_temp.median_ms($$SELECT count(*) FROM chronos.video_relative_retention('00000000-0000-4000-8002-0000000000f1', 100)$$,
                         :runs) AS video_relative_retention_ms,
       pg_temp.median_ms($$SELECT peak FROM chronos.peak_concurrent_viewers('00000000-0000-4000-8000-0000000000c1',
                             now() - interval '91 days', now(), '00000000-0000-4000-8002-0000000000f1')$$,
                         :runs) AS peak_video_ms,
       pg_temp.median_ms($$SELECT peak FROM chronos.peak_concurrent_viewers('00000000-0000-4000-8000-0000000000c1',
                             now() - interval '91 days', now())$$,
                         :runs) AS peak_creator_ms,
       pg_temp.median_ms($$SELECT count(*) FROM chronos.concurrent_viewers_series('00000000-0000-4000-8000-0000000000c1',
                             now() - interval '90 days', now(), '1 hour', '00000000-0000-4000-8002-0000000000f1')$$,
                         :runs) AS series_hourly_ms;
COMMIT;

-- video_relative_retention against similar videos: three more videos of the
-- creator (540, 600 and 720 s, within 25 % of 600 s) with :nsess / 5
-- sessions each, every one played from 0 to a random point; one line of
-- three columns (sessions of the video, sessions of the similar videos,
-- median ms).
INSERT INTO chronos.videos (id, creator_id, title, source_type, storage_path, duration_seconds)
SELECT ('00000000-0000-4000-8002-0000000000f' || k)::uuid, '00000000-0000-4000-8000-0000000000c1', 'similar ' || k,
       'upload', 'bench/similar_' || k || '.mp4', d
  FROM (VALUES (2, 540), (3, 600), (4, 720)) AS v (k, d);
INSERT INTO chronos.video_watch_sessions (video_id, student_id, creator_id, session_start, session_end,
                                          last_heartbeat_at, watched)
SELECT ('00000000-0000-4000-8002-0000000000f' || k)::uuid,
       ('00000000-0000-4000-8001-' || lpad(to_hex(1 + n % 2000), 12, '0'))::uuid,
       '00000000-0000-4000-8000-0000000000c1',
       now() - (n % 90) * interval '1 day', now() - (n % 90) * interval '1 day' + interval '20 minutes',
       now() - (n % 90) * interval '1 day' + interval '20 minutes',
       format('{[0,%s)}', round((1 + random() * (d - 1))::numeric, 3))::chronos.watch_ranges
  FROM (VALUES (2, 540), (3, 600), (4, 720)) AS v (k, d), generate_series(1, :nsess / 5) AS n;
VACUUM (ANALYZE) chronos.video_watch_sessions;
\echo video_relative_retention against three similar videos: median of :runs runs, in milliseconds
SELECT :nsess AS sessions, 3 * (:nsess / 5) AS similar_sessions,
       pg_temp.median_ms($$SELECT count(*) FROM chronos.video_relative_retention('00000000-0000-4000-8002-0000000000f1', 100)$$,
                         :runs) AS relative_with_similar_ms;
DROP ROLE bench_retention_app;
