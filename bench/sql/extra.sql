-- bench/sql/extra.sql: what the heartbeat pair and the speed measurements
-- need beyond the generated data set; run by bench/run.sh after the storage
-- is measured, before the copies of the sessions table are made (so that
-- they hold the same rows).  psql variables: nc, nv, ns, nsess.
--
-- 1. The heartbeat pool: ten one-hour videos of the largest creator (videos
--    nv + 1 .. nv + 10) and 1,000 open sessions of them (sessions nsess + 1
--    .. nsess + 1,000) by its students, started a day ago so that the speed
--    guard of record_watch_progress lets every heartbeat of the run through.
--    pgbench client c of 2 advances sessions nsess + 1 + c + 2 i only, so no
--    two clients ever touch the same session.
-- 2. A course for course_progress: creator 1's course 1 (module 1, which
--    the generator made, and modules 2 to 5) with 40 lessons, videos 1 to 40,
--    eight per module, the eighth of each optional.  Students 1 to 10 of
--    creator 1 have sessions of every one of its videos (bench/sql/generate.sql).
-- 3. Startup times: a video_startup event (startup_ms from 200 to 5,000, to
--    the tenth) for each of creator 1's sessions of the last 31 days, as a
--    player reports one per viewing, so that the rollups list them and the
--    dashboard's startup percentiles read as many as a real month holds.

\set ON_ERROR_STOP 1
SET synchronous_commit = off;

INSERT INTO chronos.videos (id, creator_id, title, duration_seconds, status, source_type, youtube_video_id)
SELECT bench.video(:nv + i), bench.creator(1), 'Heartbeat video ' || i, 3600, 'completed', 'youtube',
       'hb' || lpad(i::text, 9, '0')
FROM generate_series(1, 10) i;

INSERT INTO chronos.video_watch_sessions
    (id, video_id, student_id, creator_id, session_start, last_heartbeat_at, device_type, referrer_type)
SELECT bench.session(:nsess + i), bench.video(:nv + 1 + (i - 1) % 10),
       bench.student(bench.student_of(1, (i - 1) % bench.students_of(1, :ns, :nc), :ns, :nc)), bench.creator(1),
       now() - interval '1 day', now() - interval '1 day', 'desktop', 'course_page'
FROM generate_series(1, 1000) i;

INSERT INTO chronos.course_modules (id, course_id, creator_id, title, display_order)
SELECT bench.module(1000000 + j), bench.course(1), bench.creator(1), 'Module ' || j, j
FROM generate_series(2, 5) j;

INSERT INTO chronos.module_lessons (module_id, creator_id, video_id, lesson_order, is_required)
SELECT CASE WHEN i <= 8 THEN bench.module(1) ELSE bench.module(1000000 + 1 + (i - 1) / 8) END,
       bench.creator(1), bench.video(i), 1 + (i - 1) % 8, i % 8 <> 0
FROM generate_series(1, 40) i;

INSERT INTO chronos.video_analytics_events
    (event_type, video_id, creator_id, student_id, session_id, metadata, "timestamp")
SELECT 'video_startup', s.video_id, s.creator_id, s.student_id, s.id,
       jsonb_build_object('startup_ms', round(200 + (bench.h(row_number() OVER (ORDER BY s.id), 7) % 48000) / 10.0, 1)),
       s.session_start + interval '1 second'
FROM chronos.video_watch_sessions s
WHERE s.creator_id = bench.creator(1) AND s.session_start >= now() - interval '31 days';
