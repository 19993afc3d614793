--
-- Every refusal of the audience analytics of chronos 1.1 (issue 17), with
-- its message, detail and hint: video_dropoff, video_relative_retention,
-- peak_concurrent_viewers, concurrent_viewers_series and the dropoff_agg
-- aggregate.  Their behaviour and who may call them are in
-- test/pgtap/analytics_audience.sql.  Ids: prefix a18.
--
\set VERBOSITY default
\set SHOW_CONTEXT errors
SET client_min_messages = warning;
SET timezone = 'UTC';
\set ids 'a1800000-0000-4000-800%s-%s'
\set kinds 012346
\set whop analytics_errors_
\set creators 'a b'
\set students 'a1 b1'
\set videos 'a1=100 a0 b1=100'
\getenv abs_srcdir PG_ABS_SRCDIR
\ir :abs_srcdir/fixtures/people.sql
\ir :abs_srcdir/fixtures/catalog.sql
CREATE ROLE analytics_errors_role NOLOGIN;

--
-- video_dropoff and video_relative_retention: as video_retention
--
SELECT * FROM chronos.video_dropoff(NULL);
SELECT * FROM chronos.video_dropoff('a1800000-0000-4000-8002-0000000000a1', NULL);
SELECT * FROM chronos.video_dropoff('a1800000-0000-4000-8002-0000000000a1', 0);
SELECT * FROM chronos.video_dropoff('a1800000-0000-4000-8002-0000000000a1', 1001);
SELECT * FROM chronos.video_dropoff('a1800000-0000-4000-8002-0000000000a0');
SELECT * FROM chronos.video_dropoff('a1800000-0000-4000-8002-0000000000ff');
SELECT * FROM chronos.video_relative_retention(NULL);
SELECT * FROM chronos.video_relative_retention('a1800000-0000-4000-8002-0000000000a1', NULL);
SELECT * FROM chronos.video_relative_retention('a1800000-0000-4000-8002-0000000000a1', -1);
SELECT * FROM chronos.video_relative_retention('a1800000-0000-4000-8002-0000000000a0');
SELECT * FROM chronos.video_relative_retention('a1800000-0000-4000-8002-0000000000ff');
-- a video the caller may not see is unknown to it
BEGIN;
SET LOCAL ROLE analytics_errors_role;
SELECT set_config('request.jwt.claims', '{"creator_id": "a1800000-0000-4000-8000-00000000000b"}', true) \g /dev/null
SELECT * FROM chronos.video_dropoff('a1800000-0000-4000-8002-0000000000a1', 4);
ROLLBACK;
BEGIN;
SET LOCAL ROLE analytics_errors_role;
SELECT set_config('request.jwt.claims', '{"creator_id": "a1800000-0000-4000-8000-00000000000b"}', true) \g /dev/null
SELECT * FROM chronos.video_relative_retention('a1800000-0000-4000-8002-0000000000a1', 4);
ROLLBACK;
-- the aggregate's own checks
SELECT chronos.dropoff_agg('{[0,1)}', NULL, 4);
SELECT chronos.dropoff_agg('{[0,1)}', 10, NULL);
SELECT chronos.dropoff_agg('{[0,1)}', 0, 4);
SELECT chronos.dropoff_agg(w, d, 4) FROM (VALUES ('{[0,1)}'::chronos.watch_ranges, 10), ('{[0,2)}', 20)) AS v (w, d);

--
-- peak_concurrent_viewers
--
SELECT * FROM chronos.peak_concurrent_viewers(NULL, '2026-01-01', '2026-01-02');
SELECT * FROM chronos.peak_concurrent_viewers('a1800000-0000-4000-8000-00000000000a', NULL, '2026-01-02');
SELECT * FROM chronos.peak_concurrent_viewers('a1800000-0000-4000-8000-00000000000a', '2026-01-01', NULL);
SELECT * FROM chronos.peak_concurrent_viewers('a1800000-0000-4000-8000-00000000000a', '-infinity', '2026-01-02');
SELECT * FROM chronos.peak_concurrent_viewers('a1800000-0000-4000-8000-00000000000a', '2026-01-01', 'infinity');
SELECT * FROM chronos.peak_concurrent_viewers('a1800000-0000-4000-8000-00000000000a', '2026-01-02', '2026-01-01');
SELECT * FROM chronos.peak_concurrent_viewers('a1800000-0000-4000-8000-00000000000a', '2026-01-01', '2026-01-01');
SELECT * FROM chronos.peak_concurrent_viewers('a1800000-0000-4000-8000-0000000000ff', '2026-01-01', '2026-01-02');
SELECT * FROM chronos.peak_concurrent_viewers('a1800000-0000-4000-8000-00000000000a', '2026-01-01', '2026-01-02',
                                              'a1800000-0000-4000-8002-0000000000b1');
SELECT * FROM chronos.peak_concurrent_viewers('a1800000-0000-4000-8000-00000000000a', '2026-01-01', '2026-01-02',
                                              'a1800000-0000-4000-8002-0000000000ff');
-- who may ask: the creator itself or the service
BEGIN;
SET LOCAL ROLE analytics_errors_role;
SELECT * FROM chronos.peak_concurrent_viewers('a1800000-0000-4000-8000-00000000000a', '2026-01-01', '2026-01-02');
ROLLBACK;
BEGIN;
SET LOCAL ROLE analytics_errors_role;
SELECT set_config('request.jwt.claims', '{"creator_id": "a1800000-0000-4000-8000-00000000000b"}', true) \g /dev/null
SELECT * FROM chronos.peak_concurrent_viewers('a1800000-0000-4000-8000-00000000000a', '2026-01-01', '2026-01-02');
ROLLBACK;
BEGIN;
SET LOCAL ROLE analytics_errors_role;
SELECT set_config('request.jwt.claims', '{"student_id": "a1800000-0000-4000-8001-0000000000a1"}', true) \g /dev/null
SELECT * FROM chronos.peak_concurrent_viewers('a1800000-0000-4000-8000-00000000000a', '2026-01-01', '2026-01-02');
ROLLBACK;

--
-- concurrent_viewers_series
--
SELECT * FROM chronos.concurrent_viewers_series(NULL, '2026-01-01', '2026-01-02', '1 hour');
SELECT * FROM chronos.concurrent_viewers_series('a1800000-0000-4000-8000-00000000000a', '2026-01-01', '2026-01-02', NULL);
SELECT * FROM chronos.concurrent_viewers_series('a1800000-0000-4000-8000-00000000000a', '2026-01-01', '2026-01-02', '0');
SELECT * FROM chronos.concurrent_viewers_series('a1800000-0000-4000-8000-00000000000a', '2026-01-01', '2026-01-02', '-1 hour');
SELECT * FROM chronos.concurrent_viewers_series('a1800000-0000-4000-8000-00000000000a', '2026-01-01', '2026-03-01', '1 month');
SELECT * FROM chronos.concurrent_viewers_series('a1800000-0000-4000-8000-00000000000a', '2026-01-01', '2026-01-02', '1 second');
SELECT count(*) FROM chronos.concurrent_viewers_series('a1800000-0000-4000-8000-00000000000a', '2026-01-01', '2026-01-08', '1 minute 0.48 seconds');
SELECT * FROM chronos.concurrent_viewers_series('a1800000-0000-4000-8000-00000000000a', '2026-01-02', '2026-01-01', '1 hour');
SELECT * FROM chronos.concurrent_viewers_series('a1800000-0000-4000-8000-00000000000a', '2026-01-01', '2026-01-01 03:00', '1 hour',
                                                'a1800000-0000-4000-8002-0000000000b1');
BEGIN;
SET LOCAL ROLE analytics_errors_role;
SELECT * FROM chronos.concurrent_viewers_series('a1800000-0000-4000-8000-00000000000a', '2026-01-01', '2026-01-02', '1 hour');
ROLLBACK;
-- the intervals, the last one cut short
SELECT * FROM chronos.concurrent_viewers_series('a1800000-0000-4000-8000-00000000000a', '2026-01-01', '2026-01-01 02:30', '1 hour');



--
-- The quality-of-experience events (video_startup, video_rebuffer,
-- video_error): what their metadata must hold
--
SELECT chronos.track_video_event('video_startup', 'a1800000-0000-4000-8002-0000000000a1', 'a1800000-0000-4000-8000-00000000000a');
SELECT chronos.track_video_event('video_startup', 'a1800000-0000-4000-8002-0000000000a1', 'a1800000-0000-4000-8000-00000000000a',
                                 p_metadata => '{"startup_ms": "850"}');
SELECT chronos.track_video_event('video_startup', 'a1800000-0000-4000-8002-0000000000a1', 'a1800000-0000-4000-8000-00000000000a',
                                 p_metadata => '{"startup_ms": -5}');
SELECT chronos.track_video_event('video_startup', 'a1800000-0000-4000-8002-0000000000a1', 'a1800000-0000-4000-8000-00000000000a',
                                 p_metadata => '{"startup_ms": 850.1234}');
SELECT chronos.track_video_event('video_rebuffer', 'a1800000-0000-4000-8002-0000000000a1', 'a1800000-0000-4000-8000-00000000000a',
                                 p_metadata => '{"duration_ms": [1]}');
SELECT chronos.track_video_event('video_rebuffer', 'a1800000-0000-4000-8002-0000000000a1', 'a1800000-0000-4000-8000-00000000000a',
                                 p_metadata => '{"duration_ms": 86400001}');
SELECT chronos.track_video_event('video_error', 'a1800000-0000-4000-8002-0000000000a1', 'a1800000-0000-4000-8000-00000000000a',
                                 p_metadata => '{"code": null}');
SELECT chronos.track_video_event('video_error', 'a1800000-0000-4000-8002-0000000000a1', 'a1800000-0000-4000-8000-00000000000a',
                                 p_metadata => '{"code": ""}');
SELECT chronos.track_video_event('video_error', 'a1800000-0000-4000-8002-0000000000a1', 'a1800000-0000-4000-8000-00000000000a',
                                 p_metadata => '{"code": {"n": 1}}');
SELECT chronos.track_video_events('[{"event_type": "video_startup", "video_id": "a1800000-0000-4000-8002-0000000000a1",
                                    "creator_id": "a1800000-0000-4000-8000-00000000000a", "metadata": {"startup_ms": 20}},
                                   {"event_type": "video_rebuffer", "video_id": "a1800000-0000-4000-8002-0000000000a1",
                                    "creator_id": "a1800000-0000-4000-8000-00000000000a", "metadata": {"stall": 20}}]');
DROP ROLE analytics_errors_role;
