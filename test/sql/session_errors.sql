--
-- Every refusal of the watch-session functions, with its message, detail and
-- hint: start_watch_session, record_watch_progress, end_watch_session,
-- close_stale_watch_sessions, video_retention, and the settings
-- chronos.max_playback_rate and chronos.session_timeout.  The errcodes are
-- checked in test/pgtap/session_refusals.sql and session_security.sql.
-- Sessions that an error message names are inserted with fixed ids (as the
-- superuser, which is the service).  Ids: prefix 5e0.
--
\set VERBOSITY default
\set SHOW_CONTEXT errors
SET client_min_messages = warning;
\set ids '5e000000-0000-4000-800%s-%s'
\set kinds 012346
\set creators 'a b'
\set students 'a1 b1'
\set videos 'a1=100 a0 b1=100'
\set courses 'a1 a2 b1'
\set modules 'a1 a2 b1'
\getenv abs_srcdir PG_ABS_SRCDIR
\ir :abs_srcdir/fixtures/people.sql
\ir :abs_srcdir/fixtures/catalog.sql
-- s1: open, an hour old, [0,10) played; s2: ended
INSERT INTO chronos.video_watch_sessions (id, video_id, student_id, session_start, watched, last_position_seconds,
                                          watch_time_seconds, watch_time_ms) VALUES
  ('5e000000-0000-4000-8006-000000000001', '5e000000-0000-4000-8002-0000000000a1', '5e000000-0000-4000-8001-0000000000a1',
   now() - interval '1 hour', '{[0,10)}', 10, 10, 10000);
INSERT INTO chronos.video_watch_sessions (id, video_id, student_id, session_start, session_end) VALUES
  ('5e000000-0000-4000-8006-000000000002', '5e000000-0000-4000-8002-0000000000a1', '5e000000-0000-4000-8001-0000000000a1',
   now() - interval '1 hour', now() - interval '30 minutes');
CREATE ROLE session_errors_role NOLOGIN;

--
-- start_watch_session
--
-- missing arguments (null_value_not_allowed)
SELECT chronos.start_watch_session(NULL, '5e000000-0000-4000-8002-0000000000a1');
SELECT chronos.start_watch_session('5e000000-0000-4000-8001-0000000000a1', NULL);
-- bad values (invalid_parameter_value)
SELECT chronos.start_watch_session('5e000000-0000-4000-8001-0000000000a1', '5e000000-0000-4000-8002-0000000000a1', 'tv');
SELECT chronos.start_watch_session('5e000000-0000-4000-8001-0000000000a1', '5e000000-0000-4000-8002-0000000000a1',
                                   p_referrer_type => 'email');
SELECT chronos.start_watch_session('5e000000-0000-4000-8001-0000000000a1', '5e000000-0000-4000-8002-0000000000a1',
                                   p_metadata => '[1, 2]');
SELECT chronos.start_watch_session('5e000000-0000-4000-8001-0000000000a1', '5e000000-0000-4000-8002-0000000000a1',
                                   p_metadata => '"web"');
-- unknown or foreign references (foreign_key_violation)
SELECT chronos.start_watch_session('5e000000-0000-4000-8001-0000000000a1', '5e000000-0000-4000-8002-0000000000ff');
SELECT chronos.start_watch_session('5e000000-0000-4000-8001-0000000000ff', '5e000000-0000-4000-8002-0000000000a1');
SELECT chronos.start_watch_session('5e000000-0000-4000-8001-0000000000b1', '5e000000-0000-4000-8002-0000000000a1');
SELECT chronos.start_watch_session('5e000000-0000-4000-8001-0000000000a1', '5e000000-0000-4000-8002-0000000000a1',
                                   p_course_id => '5e000000-0000-4000-8003-0000000000b1');
SELECT chronos.start_watch_session('5e000000-0000-4000-8001-0000000000a1', '5e000000-0000-4000-8002-0000000000a1',
                                   p_course_id => '5e000000-0000-4000-8003-0000000000ff');
SELECT chronos.start_watch_session('5e000000-0000-4000-8001-0000000000a1', '5e000000-0000-4000-8002-0000000000a1',
                                   p_module_id => '5e000000-0000-4000-8004-0000000000b1');
SELECT chronos.start_watch_session('5e000000-0000-4000-8001-0000000000a1', '5e000000-0000-4000-8002-0000000000a1',
                                   p_course_id => '5e000000-0000-4000-8003-0000000000a1',
                                   p_module_id => '5e000000-0000-4000-8004-0000000000a2');
-- the caller (insufficient_privilege): another student, a creator, nobody
BEGIN;
SET LOCAL ROLE session_errors_role;
SELECT set_config('request.jwt.claims', '{"student_id": "5e000000-0000-4000-8001-0000000000b1"}', true) \g /dev/null
SELECT chronos.start_watch_session('5e000000-0000-4000-8001-0000000000a1', '5e000000-0000-4000-8002-0000000000a1');
ROLLBACK;
BEGIN;
SET LOCAL ROLE session_errors_role;
SELECT set_config('request.jwt.claims', '{"creator_id": "5e000000-0000-4000-8000-00000000000a"}', true) \g /dev/null
SELECT chronos.start_watch_session('5e000000-0000-4000-8001-0000000000a1', '5e000000-0000-4000-8002-0000000000a1');
ROLLBACK;
BEGIN;
SET LOCAL ROLE session_errors_role;
SELECT chronos.start_watch_session('5e000000-0000-4000-8001-0000000000a1', '5e000000-0000-4000-8002-0000000000a1');
ROLLBACK;
-- the checks come in order: arguments, then the caller, then the references
-- (an anonymous caller, an unknown video): a bad device type first, then the caller
BEGIN;
SET LOCAL ROLE session_errors_role;
SELECT chronos.start_watch_session('5e000000-0000-4000-8001-0000000000a1', '5e000000-0000-4000-8002-0000000000ff', 'tv');
ROLLBACK;
BEGIN;
SET LOCAL ROLE session_errors_role;
SELECT chronos.start_watch_session('5e000000-0000-4000-8001-0000000000a1', '5e000000-0000-4000-8002-0000000000ff');
ROLLBACK;
SELECT count(*) AS sessions FROM chronos.video_watch_sessions;
SELECT count(*) AS events FROM chronos.video_analytics_events;

--
-- record_watch_progress
--
-- missing arguments
SELECT chronos.record_watch_progress(NULL, 0, 1);
SELECT chronos.record_watch_progress('5e000000-0000-4000-8006-000000000001', NULL, 1);
SELECT chronos.record_watch_progress('5e000000-0000-4000-8006-000000000001', 0, NULL);
-- bad ranges
SELECT chronos.record_watch_progress('5e000000-0000-4000-8006-000000000001', 20, 10);
SELECT chronos.record_watch_progress('5e000000-0000-4000-8006-000000000001', 10.0005, 10.0004);
SELECT chronos.record_watch_progress('5e000000-0000-4000-8006-000000000001', -1, 10);
SELECT chronos.record_watch_progress('5e000000-0000-4000-8006-000000000001', -5, -1);
SELECT chronos.record_watch_progress('5e000000-0000-4000-8006-000000000001', 'NaN', 10);
SELECT chronos.record_watch_progress('5e000000-0000-4000-8006-000000000001', 0, 'Infinity');
SELECT chronos.record_watch_progress('5e000000-0000-4000-8006-000000000001', 0, 3000000);
-- past the end of the 100 s video (1 s tolerance)
SELECT chronos.record_watch_progress('5e000000-0000-4000-8006-000000000001', 10, 101.001);
SELECT chronos.record_watch_progress('5e000000-0000-4000-8006-000000000001', 150, 200);
-- an ended session
SELECT chronos.record_watch_progress('5e000000-0000-4000-8006-000000000002', 0, 10);
-- an unknown session
SELECT chronos.record_watch_progress('5e000000-0000-4000-8006-0000000000ff', 0, 10);
-- the speed guard: 10 s after the start, at most 10 x 2 + 30 = 50 s played
-- (10 s were, 40.001 more are too many; at rate 1.5, 36 more are)
BEGIN;
UPDATE chronos.video_watch_sessions SET session_start = now() - interval '10 seconds'
 WHERE id = '5e000000-0000-4000-8006-000000000001';
SELECT chronos.record_watch_progress('5e000000-0000-4000-8006-000000000001', 10, 50.001);
ROLLBACK;
BEGIN;
UPDATE chronos.video_watch_sessions SET session_start = now() - interval '10 seconds'
 WHERE id = '5e000000-0000-4000-8006-000000000001';
SET LOCAL chronos.max_playback_rate = 1.5;
SELECT chronos.record_watch_progress('5e000000-0000-4000-8006-000000000001', 0, 36);
ROLLBACK;
-- the caller
BEGIN;
SET LOCAL ROLE session_errors_role;
SELECT set_config('chronos.student_id', '5e000000-0000-4000-8001-0000000000b1', true) \g /dev/null
SELECT chronos.record_watch_progress('5e000000-0000-4000-8006-000000000001', 10, 11);
ROLLBACK;
BEGIN;
SET LOCAL ROLE session_errors_role;
SELECT set_config('chronos.creator_id', '5e000000-0000-4000-8000-00000000000a', true) \g /dev/null
SELECT chronos.record_watch_progress('5e000000-0000-4000-8006-000000000001', 10, 11);
ROLLBACK;
-- an unknown session is reported before the caller is checked
BEGIN;
SET LOCAL ROLE session_errors_role;
SELECT chronos.record_watch_progress('5e000000-0000-4000-8006-0000000000ff', 0, 10);
ROLLBACK;
-- 1024 separate ranges at most: a 1025th that touches none is refused
-- (program_limit_exceeded)
BEGIN;
UPDATE chronos.videos SET duration_seconds = 3000 WHERE id = '5e000000-0000-4000-8002-0000000000a1';
UPDATE chronos.video_watch_sessions
   SET watched = (SELECT '{' || string_agg(format('[%s,%s)', 2 * k, 2 * k + 1), ',') || '}'
                    FROM generate_series(0, 1023) AS k)::chronos.watch_ranges
 WHERE id = '5e000000-0000-4000-8006-000000000001';
SELECT chronos.record_watch_progress('5e000000-0000-4000-8006-000000000001', 2048, 2049);
ROLLBACK;
SELECT watched, watch_time_seconds, last_position_seconds, last_heartbeat_at
  FROM chronos.video_watch_sessions WHERE id = '5e000000-0000-4000-8006-000000000001';
SELECT count(*) AS events FROM chronos.video_analytics_events;

--
-- end_watch_session
--
SELECT chronos.end_watch_session(NULL);
SELECT chronos.end_watch_session('5e000000-0000-4000-8006-0000000000ff');
BEGIN;
SET LOCAL ROLE session_errors_role;
SELECT set_config('request.jwt.claims', '{"sub": "user_a"}', true) \g /dev/null
SELECT chronos.end_watch_session('5e000000-0000-4000-8006-000000000001');
ROLLBACK;
SELECT session_end FROM chronos.video_watch_sessions WHERE id = '5e000000-0000-4000-8006-000000000001';

--
-- close_stale_watch_sessions
--
SELECT chronos.close_stale_watch_sessions('-1 minute');
SELECT chronos.close_stale_watch_sessions('-1 day');
SELECT chronos.close_stale_watch_sessions('-1 mon');
BEGIN;
SET LOCAL ROLE session_errors_role;
SELECT set_config('request.jwt.claims', '{"student_id": "5e000000-0000-4000-8001-0000000000a1"}', true) \g /dev/null
SELECT chronos.close_stale_watch_sessions();
ROLLBACK;
BEGIN;
SET LOCAL ROLE session_errors_role;
SELECT set_config('request.jwt.claims', '{"creator_id": "5e000000-0000-4000-8000-00000000000a"}', true) \g /dev/null
SELECT chronos.close_stale_watch_sessions('1 hour');
ROLLBACK;

--
-- video_retention
--
SELECT * FROM chronos.video_retention(NULL);
SELECT * FROM chronos.video_retention('5e000000-0000-4000-8002-0000000000a1', NULL);
SELECT * FROM chronos.video_retention('5e000000-0000-4000-8002-0000000000a1', 0);
SELECT * FROM chronos.video_retention('5e000000-0000-4000-8002-0000000000a1', 1001);
SELECT * FROM chronos.video_retention('5e000000-0000-4000-8002-0000000000a0');
SELECT * FROM chronos.video_retention('5e000000-0000-4000-8002-0000000000ff');
-- a video the caller may not see is unknown to it
BEGIN;
SET LOCAL ROLE session_errors_role;
SELECT set_config('request.jwt.claims', '{"creator_id": "5e000000-0000-4000-8000-00000000000b"}', true) \g /dev/null
SELECT * FROM chronos.video_retention('5e000000-0000-4000-8002-0000000000a1', 4);
ROLLBACK;

--
-- get_resume_position and current_viewers refuse nothing: NULL, an unknown
-- video or student is simply no session
--
SELECT chronos.get_resume_position(NULL, NULL), chronos.current_viewers(NULL),
       chronos.get_resume_position('5e000000-0000-4000-8001-0000000000ff', '5e000000-0000-4000-8002-0000000000ff'),
       chronos.current_viewers('5e000000-0000-4000-8002-0000000000ff');

--
-- The settings
--
SELECT name, setting, unit, boot_val, min_val, max_val, vartype, context
  FROM pg_settings WHERE name IN ('chronos.max_playback_rate', 'chronos.session_timeout') ORDER BY name;
SET chronos.max_playback_rate = 0.5;
SET chronos.max_playback_rate = 17;
SET chronos.max_playback_rate = 'fast';
-- out of range: PostgreSQL gives the range with its units from version 16 on
-- ("(1 s .. 604800 s)", before "(1 .. 604800)"), so its message is shown up
-- to the range, which pg_settings gives above
DO $$ BEGIN SET chronos.session_timeout = 0;
EXCEPTION WHEN invalid_parameter_value THEN RAISE WARNING '%', regexp_replace(SQLERRM, ' \(.*\)$', ''); END $$;
DO $$ BEGIN SET chronos.session_timeout = '8d';
EXCEPTION WHEN invalid_parameter_value THEN RAISE WARNING '%', regexp_replace(SQLERRM, ' \(.*\)$', ''); END $$;
SET chronos.session_timeout = '10min';
SHOW chronos.session_timeout;
RESET chronos.session_timeout;
-- chronos.max_playback_rate is for superusers: a client cannot raise its own limit
BEGIN;
SET LOCAL ROLE session_errors_role;
SET chronos.max_playback_rate = 16;
ROLLBACK;
BEGIN;
SET LOCAL ROLE session_errors_role;
SELECT set_config('chronos.max_playback_rate', '16', true);
ROLLBACK;
SHOW chronos.max_playback_rate;

DROP ROLE session_errors_role;
