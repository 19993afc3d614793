-- The quality-of-experience figures of the daily rollups (chronos 1.1,
-- issue 17 item 4), computed by refresh_video_analytics from the
-- video_startup and video_rebuffer events of each day's sessions, against a
-- fixture computed by hand.  Ids: prefix a1a.
SET client_min_messages = warning;
SET timezone = 'UTC';
BEGIN;
SELECT plan(16);

\set ids 'a1a00000-0000-4000-800%s-%s'
\set kinds 012346
\set whop qoe_rollups_
\set creators 'a'
\set students 'a1 a2 a3 a4 a5 a6'
\set videos 'a1=100 a2=100 a3=100'
\ir ../fixtures/people.sql
\ir ../fixtures/catalog.sql

-- session(key, video, student, ended, watched, watch ms): on 2026-02-01 at 10:00 UTC
CREATE FUNCTION pg_temp.session(p_key text, p_video text, p_student text, p_ended boolean, p_watched text,
                                p_watch_ms bigint) RETURNS void
LANGUAGE sql AS $$
    INSERT INTO chronos.video_watch_sessions (id, video_id, student_id, session_start, session_end,
                                              last_heartbeat_at, watched, watch_time_ms, watch_time_seconds)
    VALUES (format('a1a00000-0000-4000-8006-%s', lpad(p_key, 12, '0'))::uuid,
            format('a1a00000-0000-4000-8002-%s', lpad(p_video, 12, '0'))::uuid,
            format('a1a00000-0000-4000-8001-%s', lpad(p_student, 12, '0'))::uuid,
            '2026-02-01 10:00+00', CASE WHEN p_ended THEN '2026-02-01 10:30+00'::timestamptz END,
            '2026-02-01 10:20+00', p_watched::chronos.watch_ranges, p_watch_ms, p_watch_ms / 1000)
$$;
-- event(session, student, type, metadata, minute)
CREATE FUNCTION pg_temp.event(p_session text, p_student text, p_type text, p_metadata jsonb, p_minute int) RETURNS void
LANGUAGE sql AS $$
    SELECT NULL::void FROM chronos.track_video_event(p_type, 'a1a00000-0000-4000-8002-0000000000a1',
        'a1a00000-0000-4000-8000-00000000000a', format('a1a00000-0000-4000-8001-%s', lpad(p_student, 12, '0'))::uuid,
        p_metadata => p_metadata, p_timestamp => '2026-02-01 10:00+00'::timestamptz + p_minute * interval '1 minute',
        p_session_id => format('a1a00000-0000-4000-8006-%s', lpad(p_session, 12, '0'))::uuid)
$$;
-- Video a1, 2026-02-01:
--   1  ended, played [0,50), 50 s: startup 800 ms, stalls of 1000 and 500 ms
--   2  ended, played [0,20), 20 s: startup 1200, then another of 5000 (only the first counts)
--   3  ended, played nothing, no startup: an exit before the video started
--   4  open, played nothing, no startup: not (yet) an exit
--   5  ended, played nothing, but a startup of 3000: it started
--   6  ended, played [0,10), 10 s, reported nothing (a player without these events): it started
SELECT pg_temp.session('1', 'a1', 'a1', true, '{[0,50)}', 50000) \g /dev/null
SELECT pg_temp.session('2', 'a1', 'a2', true, '{[0,20)}', 20000) \g /dev/null
SELECT pg_temp.session('3', 'a1', 'a3', true, '{}', 0) \g /dev/null
SELECT pg_temp.session('4', 'a1', 'a4', false, '{}', 0) \g /dev/null
SELECT pg_temp.session('5', 'a1', 'a5', true, '{}', 0) \g /dev/null
SELECT pg_temp.session('6', 'a1', 'a6', true, '{[0,10)}', 10000) \g /dev/null
SELECT pg_temp.event('1', 'a1', 'video_startup', '{"startup_ms": 800}', 1) \g /dev/null
SELECT pg_temp.event('1', 'a1', 'video_rebuffer', '{"duration_ms": 1000}', 2) \g /dev/null
SELECT pg_temp.event('1', 'a1', 'video_rebuffer', '{"duration_ms": 500}', 3) \g /dev/null
SELECT pg_temp.event('2', 'a2', 'video_startup', '{"startup_ms": 1200}', 1) \g /dev/null
SELECT pg_temp.event('2', 'a2', 'video_startup', '{"startup_ms": 5000}', 9) \g /dev/null
SELECT pg_temp.event('5', 'a5', 'video_startup', '{"startup_ms": 3000}', 1) \g /dev/null
SELECT pg_temp.event('6', 'a6', 'video_paused', '{}', 1) \g /dev/null
-- Video a2: one session that played 30 s and reported nothing.
INSERT INTO chronos.video_watch_sessions (video_id, student_id, session_start, session_end, watched, watch_time_ms)
VALUES ('a1a00000-0000-4000-8002-0000000000a2', 'a1a00000-0000-4000-8001-0000000000a1', '2026-02-01 11:00+00',
        '2026-02-01 11:10+00', '{[0,30)}', 30000);

SELECT is(chronos.refresh_video_analytics('2026-01-01'), 2, 'the refresh writes the two (video, day) rows');
-- startups (each session's first): 800, 1200, 3000 -> median 1200, 95th percentile 3000
SELECT is((SELECT row(startup_p50_ms, startup_p95_ms)::text FROM chronos.video_analytics
            WHERE video_id = 'a1a00000-0000-4000-8002-0000000000a1' AND date = '2026-02-01'),
    row(1200::numeric, 3000::numeric)::text, 'startup p50 1200 ms and p95 3000 ms, of each session''s first startup');
SELECT is((SELECT startup_ms_values FROM chronos.video_analytics
            WHERE video_id = 'a1a00000-0000-4000-8002-0000000000a1' AND date = '2026-02-01'),
    '{800,1200,3000}'::float8[], 'the startup times themselves, ascending (session 2''s second startup left out)');
SELECT is((SELECT exits_before_start FROM chronos.video_analytics
            WHERE video_id = 'a1a00000-0000-4000-8002-0000000000a1' AND date = '2026-02-01'),
    1, 'one exit before the video started (session 3: ended, nothing played, no startup)');
-- stalls 1000 + 500 over 50 + 20 + 10 s played: 1500 / 80000 = 0.01875
SELECT is((SELECT row(rebuffer_count, rebuffer_ms, rebuffer_ratio)::text FROM chronos.video_analytics
            WHERE video_id = 'a1a00000-0000-4000-8002-0000000000a1' AND date = '2026-02-01'),
    row(2, 1500::bigint, 0.01875::numeric)::text, 'two stalls of 1500 ms in all, 0.01875 of the time played');
SELECT is((SELECT row(startup_p50_ms, startup_p95_ms, exits_before_start, rebuffer_count, rebuffer_ms, rebuffer_ratio)::text
             FROM chronos.video_analytics WHERE video_id = 'a1a00000-0000-4000-8002-0000000000a2'),
    row(NULL::numeric, NULL::numeric, 0, 0, 0::bigint, 0::numeric)::text,
    'a video whose sessions reported nothing: no startup times, no stalls, a ratio of 0');
SELECT is((SELECT startup_ms_values FROM chronos.video_analytics WHERE video_id = 'a1a00000-0000-4000-8002-0000000000a2'),
    NULL::float8[], '... and no list of startup times');
-- Session 4 ends having played nothing.  Ending a session logs no rollup
-- work (nor does an event), so the incremental refresh leaves the day as it
-- was; a refresh with p_since recomputes it (docs/audience.md).
SELECT chronos.end_watch_session('a1a00000-0000-4000-8006-000000000004') \g /dev/null
SELECT is(chronos.refresh_video_analytics(), 0, 'the incremental refresh has no work logged for an ended session');
SELECT is(chronos.refresh_video_analytics('2026-01-01'), 2, 'a refresh with p_since recomputes the days');
SELECT is((SELECT exits_before_start FROM chronos.video_analytics
            WHERE video_id = 'a1a00000-0000-4000-8002-0000000000a1' AND date = '2026-02-01'),
    2, 'session 4, ended without playing or starting, is an exit too');

-- The dashboard: the rollups summed over the range and per day, and the
-- startup times' exact percentiles over all the sessions of a day, and of
-- the range, whatever their video.  Video a3: sessions 7 and 8 on
-- 2026-02-01 (startups 1500.5 and 400 ms), 9 and 10 on 2026-01-31 (2500
-- each).  2026-02-01: {400, 800, 1200, 1500.5, 3000}: p50 the 3rd, 1200;
-- p95 the 5th, 3000.  2026-01-31: {2500, 2500}.  The range, 7 times:
-- p50 the 4th, 1500.5 (a median of the videos' medians would say 1200 or
-- 400); p95 the 7th, 3000.
INSERT INTO chronos.video_watch_sessions (id, video_id, student_id, session_start, session_end, watched, watch_time_ms)
SELECT format('a1a00000-0000-4000-8006-%s', lpad(k::text, 12, '0'))::uuid, 'a1a00000-0000-4000-8002-0000000000a3',
       format('a1a00000-0000-4000-8001-0000000000a%s', k - 4)::uuid, at, at + interval '10 minutes', '{[0,10)}', 10000
  FROM (VALUES (7, '2026-02-01 12:00+00'::timestamptz), (8, '2026-02-01 13:00+00'),
               (9, '2026-01-31 12:00+00'), (10, '2026-01-31 13:00+00')) AS s (k, at);
SELECT chronos.track_video_event('video_startup', 'a1a00000-0000-4000-8002-0000000000a3',
           'a1a00000-0000-4000-8000-00000000000a', format('a1a00000-0000-4000-8001-0000000000a%s', k - 4)::uuid,
           p_metadata => jsonb_build_object('startup_ms', ms), p_timestamp => at,
           p_session_id => format('a1a00000-0000-4000-8006-%s', lpad(k::text, 12, '0'))::uuid) IS NULL
  FROM (VALUES (7, 1500.5, '2026-02-01 12:00:01+00'::timestamptz), (8, 400, '2026-02-01 13:00:01+00'),
               (9, 2500, '2026-01-31 12:00:01+00'), (10, 2500, '2026-01-31 13:00:01+00')) AS e (k, ms, at) \g /dev/null
SELECT is(chronos.refresh_video_analytics('2026-01-01'), 4, 'a refresh writes a3''s two days too');
SELECT is((SELECT d->'quality_of_experience' FROM chronos.creator_dashboard('a1a00000-0000-4000-8000-00000000000a',
                                                                            '2026-01-31', '2026-02-01') AS d),
    '{"startup_p50_ms": 1500.5, "startup_p95_ms": 3000, "exits_before_start": 2, "rebuffer_count": 2, "rebuffer_ms": 1500,
      "daily": [{"date": "2026-01-31", "startup_p50_ms": 2500, "startup_p95_ms": 2500,
                 "exits_before_start": 0, "rebuffer_count": 0, "rebuffer_ms": 0},
                {"date": "2026-02-01", "startup_p50_ms": 1200, "startup_p95_ms": 3000,
                 "exits_before_start": 2, "rebuffer_count": 2, "rebuffer_ms": 1500}]}'::jsonb,
    'creator_dashboard: quality_of_experience over the range and per day, the startup percentiles of every session');
SELECT is((SELECT d->'quality_of_experience'->>'startup_p50_ms' FROM chronos.creator_dashboard('a1a00000-0000-4000-8000-00000000000a',
                                                                            '2026-01-31', '2026-02-01') AS d),
    (SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY x)::text FROM chronos.video_analytics, unnest(startup_ms_values) AS x
      WHERE creator_id = 'a1a00000-0000-4000-8000-00000000000a'),
    'the range''s median is percentile_disc over the rollups'' startup times');
SELECT is((SELECT d->'quality_of_experience' FROM chronos.creator_dashboard('a1a00000-0000-4000-8000-00000000000a',
                                                                            '2026-01-30', '2026-01-30') AS d),
    '{"startup_p50_ms": null, "startup_p95_ms": null, "exits_before_start": 0, "rebuffer_count": 0, "rebuffer_ms": 0,
      "daily": [{"date": "2026-01-30", "startup_p50_ms": null, "startup_p95_ms": null,
                 "exits_before_start": 0, "rebuffer_count": 0, "rebuffer_ms": 0}]}'::jsonb,
    'creator_dashboard: no startup reported, null percentiles');

-- Many startup times (the dashboard sorts more than a few by the bits of
-- their doubles): 600 sessions on 2026-02-03, 299 below 850 ms, three a
-- microsecond apart, each of another video so that they reach the
-- dashboard in the rollups' order, not theirs (850.125 of a1, 850.124 of
-- a2, 850.123 of a3), and 298 above: the median is the 300th, 850.123.
CREATE TEMP TABLE many AS
SELECT k, CASE k WHEN 300 THEN 'a1' WHEN 301 THEN 'a2' ELSE 'a3' END AS video,
       CASE WHEN k <= 299 THEN 100 + (k * 7919 % 700) + (k % 10) / 10.0
            WHEN k = 300 THEN 850.125
            WHEN k = 301 THEN 850.124
            WHEN k = 302 THEN 850.123
            ELSE 900 + (k * 104729 % 4000) + (k % 1000) / 1000.0 END AS ms
  FROM generate_series(1, 600) AS k;
INSERT INTO chronos.video_watch_sessions (id, video_id, student_id, session_start, session_end, watched, watch_time_ms)
SELECT format('a1a00000-0000-4000-8006-%s', lpad((1000 + k)::text, 12, '0'))::uuid,
       format('a1a00000-0000-4000-8002-0000000000%s', video)::uuid,
       format('a1a00000-0000-4000-8001-0000000000a%s', 1 + k % 6)::uuid,
       '2026-02-03 08:00+00'::timestamptz + k * interval '1 minute', '2026-02-03 08:00+00'::timestamptz + k * interval '1 minute' + interval '30 seconds',
       '{[0,10)}', 10000
  FROM many;
SELECT count(chronos.track_video_event('video_startup', format('a1a00000-0000-4000-8002-0000000000%s', video)::uuid,
           'a1a00000-0000-4000-8000-00000000000a', format('a1a00000-0000-4000-8001-0000000000a%s', 1 + k % 6)::uuid,
           p_metadata => jsonb_build_object('startup_ms', ms),
           p_timestamp => '2026-02-03 08:00:01+00'::timestamptz + k * interval '1 minute',
           p_session_id => format('a1a00000-0000-4000-8006-%s', lpad((1000 + k)::text, 12, '0'))::uuid))
  FROM many \g /dev/null
SELECT chronos.refresh_video_analytics('2026-01-01') \g /dev/null
SELECT is((SELECT d->'quality_of_experience'->>'startup_p50_ms' FROM chronos.creator_dashboard('a1a00000-0000-4000-8000-00000000000a',
                                                                            '2026-02-03', '2026-02-03') AS d),
    '850.123', 'the median of 600 startup times, three of them a microsecond apart in three videos');
-- against percentile_disc over the times as they were sent (numeric), every
-- one of the three days: the range's, and the day of 600's
CREATE TEMP TABLE sent AS
SELECT (e.metadata->>'startup_ms')::numeric AS ms, (e."timestamp" AT TIME ZONE 'UTC')::date AS day
  FROM chronos.video_analytics_events e
 WHERE e.creator_id = 'a1a00000-0000-4000-8000-00000000000a' AND e.event_type = 'video_startup'
   AND e.session_id IS NOT NULL
   AND e.id = (SELECT f.id FROM chronos.video_analytics_events f
                WHERE f.session_id = e.session_id AND f.event_type = 'video_startup'
                ORDER BY f."timestamp", f.id LIMIT 1);
SELECT is((SELECT row((d->'quality_of_experience'->>'startup_p50_ms')::numeric, (d->'quality_of_experience'->>'startup_p95_ms')::numeric,
                      (d->'quality_of_experience'->'daily'->2->>'startup_p50_ms')::numeric,
                      (d->'quality_of_experience'->'daily'->2->>'startup_p95_ms')::numeric)::text
             FROM chronos.creator_dashboard('a1a00000-0000-4000-8000-00000000000a', '2026-02-01', '2026-02-03') AS d),
    (SELECT row(trim_scale(percentile_disc(0.5) WITHIN GROUP (ORDER BY ms)), trim_scale(percentile_disc(0.95) WITHIN GROUP (ORDER BY ms)),
                (SELECT trim_scale(percentile_disc(0.5) WITHIN GROUP (ORDER BY ms)) FROM sent WHERE day = '2026-02-03'),
                (SELECT trim_scale(percentile_disc(0.95) WITHIN GROUP (ORDER BY ms)) FROM sent WHERE day = '2026-02-03'))::text
       FROM sent WHERE day BETWEEN '2026-02-01' AND '2026-02-03'),
    'over three days of 605 times: percentile_disc of the times sent, all of them and the day of 600');

SELECT * FROM finish();
ROLLBACK;
