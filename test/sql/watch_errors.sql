--
-- Errors of the watch helpers, the auto_complete_watch_session trigger and
-- the setting chronos.completion_threshold.  Ids: prefix e2.
--
\set VERBOSITY default
\set SHOW_CONTEXT errors
-- The setting exists once the library is loaded: a session that has not yet
-- called into chronos (and has no chronos in shared_preload_libraries or
-- session_preload_libraries) does not know it yet.
LOAD 'chronos';

--
-- chronos.completion_threshold: an integer from 1 to 100, default 90
--
SHOW chronos.completion_threshold;
SELECT name, setting, boot_val, min_val, max_val, vartype, context
  FROM pg_settings WHERE name = 'chronos.completion_threshold';
SET chronos.completion_threshold = 0;
SET chronos.completion_threshold = 101;
SET chronos.completion_threshold = -5;
SET chronos.completion_threshold = 'ninety';
SET chronos.completion_threshold = '';
SET LOCAL chronos.completion_threshold = 1000;
SELECT set_config('chronos.completion_threshold', '101', false);
SHOW chronos.completion_threshold;
-- the bounds themselves are accepted, and RESET goes back to 90
SET chronos.completion_threshold = 1;
SHOW chronos.completion_threshold;
SET chronos.completion_threshold = 100;
SHOW chronos.completion_threshold;
RESET chronos.completion_threshold;
SHOW chronos.completion_threshold;
-- a value stored for a role or database is checked too
CREATE ROLE watch_errors_role;
ALTER ROLE watch_errors_role SET chronos.completion_threshold = 101;
ALTER ROLE watch_errors_role SET chronos.completion_threshold = 75;
SELECT setconfig FROM pg_db_role_setting
 WHERE setrole = 'watch_errors_role'::regrole;
DROP ROLE watch_errors_role;
-- the prefix chronos is reserved: no made-up chronos.* settings
SET chronos.nonexistent = 1;
SET chronos.completion_treshold = 50;
SELECT set_config('chronos.nonexistent', '1', false);
SHOW chronos.nonexistent;

--
-- The helpers: both arguments are required (22004)
--
SELECT chronos.get_student_total_watch_time(NULL, 'e2300000-0000-4000-8000-0000000000a1');
SELECT chronos.get_student_total_watch_time('e2200000-0000-4000-8000-0000000000a1', NULL);
SELECT chronos.get_student_total_watch_time(NULL, NULL);
SELECT chronos.get_student_highest_completion(NULL, 'e2300000-0000-4000-8000-0000000000a1');
SELECT chronos.get_student_highest_completion('e2200000-0000-4000-8000-0000000000a1', NULL);
SELECT chronos.has_student_completed_video(NULL, 'e2300000-0000-4000-8000-0000000000a1');
SELECT chronos.has_student_completed_video('e2200000-0000-4000-8000-0000000000a1', NULL);
-- unknown ids are not errors: nothing watched
SELECT chronos.get_student_total_watch_time('e2200000-0000-4000-8000-0000000000ff', 'e2300000-0000-4000-8000-0000000000ff') AS seconds,
       chronos.get_student_highest_completion('e2200000-0000-4000-8000-0000000000ff', 'e2300000-0000-4000-8000-0000000000ff') AS percent,
       chronos.has_student_completed_video('e2200000-0000-4000-8000-0000000000ff', 'e2300000-0000-4000-8000-0000000000ff') AS completed;

--
-- auto_complete_watch_session is a BEFORE INSERT OR UPDATE FOR EACH ROW
-- trigger on a table with the columns of video_watch_sessions it looks up:
-- watch_time_seconds, percent_complete, completed and completed_at
--
SELECT chronos.auto_complete_watch_session();
CREATE TEMP TABLE watch_errors_sessions (
    watch_time_seconds integer NOT NULL DEFAULT 0,
    percent_complete integer NOT NULL DEFAULT 0,
    completed boolean NOT NULL DEFAULT false,
    completed_at timestamptz
);
CREATE TRIGGER watch_errors_after AFTER INSERT ON watch_errors_sessions
    FOR EACH ROW EXECUTE FUNCTION chronos.auto_complete_watch_session();
INSERT INTO watch_errors_sessions (percent_complete) VALUES (95);
DROP TRIGGER watch_errors_after ON watch_errors_sessions;
CREATE TRIGGER watch_errors_statement BEFORE INSERT ON watch_errors_sessions
    FOR EACH STATEMENT EXECUTE FUNCTION chronos.auto_complete_watch_session();
INSERT INTO watch_errors_sessions (percent_complete) VALUES (95);
DROP TRIGGER watch_errors_statement ON watch_errors_sessions;
CREATE TRIGGER watch_errors_delete BEFORE DELETE ON watch_errors_sessions
    FOR EACH ROW EXECUTE FUNCTION chronos.auto_complete_watch_session();
INSERT INTO watch_errors_sessions (percent_complete) VALUES (95);
DELETE FROM watch_errors_sessions;
DROP TRIGGER watch_errors_delete ON watch_errors_sessions;
-- on a table of the right shape it works (the row above was written without it)
CREATE TRIGGER watch_errors_before BEFORE INSERT OR UPDATE ON watch_errors_sessions
    FOR EACH ROW EXECUTE FUNCTION chronos.auto_complete_watch_session();
INSERT INTO watch_errors_sessions (percent_complete) VALUES (95), (10);
SELECT percent_complete, completed, completed_at IS NOT NULL AS has_completed_at
  FROM watch_errors_sessions ORDER BY percent_complete;
-- tables without those columns
CREATE TEMP TABLE watch_errors_other (percent integer);
CREATE TRIGGER watch_errors_other_before BEFORE INSERT ON watch_errors_other
    FOR EACH ROW EXECUTE FUNCTION chronos.auto_complete_watch_session();
INSERT INTO watch_errors_other VALUES (95);
CREATE TEMP TABLE watch_errors_partial (percent_complete integer, completed boolean);
CREATE TRIGGER watch_errors_partial_before BEFORE INSERT ON watch_errors_partial
    FOR EACH ROW EXECUTE FUNCTION chronos.auto_complete_watch_session();
INSERT INTO watch_errors_partial VALUES (95, false);
-- and video_watch_sessions still works after those (its columns are found again)
\set ids 'e2%s00000-0000-4000-8000-%s'
\set whop watch_errors_
\set storage e2/
\set creators a
\set students a1
\set videos a1
\getenv abs_srcdir PG_ABS_SRCDIR
\ir :abs_srcdir/fixtures/people.sql
\ir :abs_srcdir/fixtures/catalog.sql
INSERT INTO chronos.video_watch_sessions (id, video_id, student_id, percent_complete, watch_time_seconds)
VALUES ('e2700000-0000-4000-8000-000000000001', 'e2300000-0000-4000-8000-0000000000a1',
        'e2200000-0000-4000-8000-0000000000a1', 90, 300);
SELECT percent_complete, completed, completed_at IS NOT NULL AS has_completed_at
  FROM chronos.video_watch_sessions WHERE id = 'e2700000-0000-4000-8000-000000000001';
SELECT chronos.get_student_total_watch_time('e2200000-0000-4000-8000-0000000000a1', 'e2300000-0000-4000-8000-0000000000a1') AS seconds,
       chronos.get_student_highest_completion('e2200000-0000-4000-8000-0000000000a1', 'e2300000-0000-4000-8000-0000000000a1') AS percent,
       chronos.has_student_completed_video('e2200000-0000-4000-8000-0000000000a1', 'e2300000-0000-4000-8000-0000000000a1') AS completed;
-- completed stays true, even when an UPDATE says NULL
UPDATE chronos.video_watch_sessions SET completed = NULL
 WHERE id = 'e2700000-0000-4000-8000-000000000001';
SELECT percent_complete, completed, completed_at IS NOT NULL AS has_completed_at
  FROM chronos.video_watch_sessions WHERE id = 'e2700000-0000-4000-8000-000000000001';
-- a session below the threshold: an explicit NULL is left for NOT NULL to
-- refuse (terse: the failing row holds timestamps of this run)
\set VERBOSITY terse
INSERT INTO chronos.video_watch_sessions (video_id, student_id, percent_complete, completed)
VALUES ('e2300000-0000-4000-8000-0000000000a1', 'e2200000-0000-4000-8000-0000000000a1', 10, NULL);
\set VERBOSITY default

-- clean up
DROP TABLE watch_errors_sessions, watch_errors_other, watch_errors_partial;
DELETE FROM chronos.creators WHERE whop_company_id LIKE 'watch_errors_%';
SELECT count(*) AS sessions_left FROM chronos.video_watch_sessions WHERE video_id::text LIKE 'e2300000-0000-4000-8000-%';
