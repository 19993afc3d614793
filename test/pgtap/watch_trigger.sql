-- The trigger auto_complete_watch_session (BEFORE INSERT OR UPDATE on
-- video_watch_sessions) and the setting chronos.completion_threshold:
-- percent_complete at or above the threshold sets completed and, once,
-- completed_at; completed never goes back to false; the threshold is an
-- integer from 1 to 100, 90 by default, that any user may set; the prefix
-- chronos is reserved.  Ids: prefix e5.
SET client_min_messages = warning;
-- the settings exist once the library is loaded (see the TODO at the end)
LOAD 'chronos';
BEGIN;
SELECT plan(51);

\set ids 'e5%s00000-0000-4000-8000-%s'
\set creators a
\set students a1
\set videos a1
\ir ../fixtures/people.sql
\ir ../fixtures/catalog.sql

-- session(n, percent [, completed [, completed_at]]): inserts session n.
CREATE FUNCTION pg_temp.session(p_n integer, p_percent integer, p_completed boolean DEFAULT false,
                                p_completed_at timestamptz DEFAULT NULL) RETURNS void
LANGUAGE sql AS $$
    INSERT INTO chronos.video_watch_sessions (id, video_id, student_id, percent_complete, completed, completed_at)
    VALUES (('e5700000-0000-4000-8000-' || lpad(p_n::text, 12, '0'))::uuid, 'e5300000-0000-4000-8000-0000000000a1',
            'e5200000-0000-4000-8000-0000000000a1', p_percent, p_completed, p_completed_at)
$$;
-- state(n): 'completed completed_at' of session n (completed_at as 'now',
-- 'null' or its value).
CREATE FUNCTION pg_temp.state(p_n integer) RETURNS text
LANGUAGE sql AS $$
    SELECT format('%s %s', completed::text, CASE WHEN completed_at IS NULL THEN 'null'
                                           WHEN completed_at = now() THEN 'now'
                                           ELSE to_char(completed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') END)
      FROM chronos.video_watch_sessions WHERE id = ('e5700000-0000-4000-8000-' || lpad(p_n::text, 12, '0'))::uuid
$$;
CREATE FUNCTION pg_temp.set_percent(p_n integer, p_percent integer) RETURNS void
LANGUAGE sql AS $$
    UPDATE chronos.video_watch_sessions SET percent_complete = p_percent
     WHERE id = ('e5700000-0000-4000-8000-' || lpad(p_n::text, 12, '0'))::uuid
$$;

SELECT trigger_is('chronos', 'video_watch_sessions', 'video_watch_sessions_auto_complete', 'chronos',
                  'auto_complete_watch_session', 'video_watch_sessions has the trigger');
SELECT is((SELECT (tgtype & (2 | 4 | 16 | 8 | 1))::integer FROM pg_trigger
            WHERE tgname = 'video_watch_sessions_auto_complete' AND tgrelid = 'chronos.video_watch_sessions'::regclass),
          2 | 4 | 16 | 1, '... BEFORE INSERT OR UPDATE (not DELETE) FOR EACH ROW');

--
-- The default threshold: 90
--
SELECT is(current_setting('chronos.completion_threshold'), '90', 'the threshold is 90 by default');
SELECT pg_temp.session(1, 89);
SELECT is(pg_temp.state(1), 'false null', 'inserted at 89%: not completed');
SELECT pg_temp.session(2, 90);
SELECT is(pg_temp.state(2), 'true now', 'inserted at 90%: completed, completed_at now()');
SELECT pg_temp.session(3, 100);
SELECT is(pg_temp.state(3), 'true now', 'inserted at 100%: completed');
SELECT pg_temp.session(4, 0);
SELECT is(pg_temp.state(4), 'false null', 'inserted at 0%: not completed');
SELECT pg_temp.set_percent(1, 90);
SELECT is(pg_temp.state(1), 'true now', 'updated from 89% to 90%: completed, completed_at now()');
SELECT pg_temp.set_percent(4, 50);
SELECT is(pg_temp.state(4), 'false null', 'updated to 50%: still not completed');
INSERT INTO chronos.video_watch_sessions (video_id, student_id)
VALUES ('e5300000-0000-4000-8000-0000000000a1', 'e5200000-0000-4000-8000-0000000000a1');
SELECT is((SELECT count(*) FROM chronos.video_watch_sessions WHERE percent_complete = 0 AND NOT completed
              AND completed_at IS NULL AND id NOT IN ('e5700000-0000-4000-8000-000000000004')),
          1::bigint, 'inserted with every default: 0%, not completed');

--
-- Completed for good, completed_at set once
--
SELECT pg_temp.session(10, 95, false, '2020-05-05 00:00+00');
SELECT is(pg_temp.state(10), 'true 2020-05-05', 'completing on insert keeps a completed_at that is given');
SELECT pg_temp.set_percent(10, 100);
SELECT is(pg_temp.state(10), 'true 2020-05-05', 'a completed session reaching 100% keeps its first completed_at');
SELECT pg_temp.set_percent(10, 20);
SELECT is(pg_temp.state(10), 'true 2020-05-05', 'a completed session going down to 20% stays completed, completed_at kept');
UPDATE chronos.video_watch_sessions SET completed = false WHERE id = 'e5700000-0000-4000-8000-000000000010';
SELECT is(pg_temp.state(10), 'true 2020-05-05', 'completed = false is ignored on a completed session');
UPDATE chronos.video_watch_sessions SET completed = false, percent_complete = 0, completed_at = NULL
 WHERE id = 'e5700000-0000-4000-8000-000000000010';
SELECT is(pg_temp.state(10), 'true 2020-05-05', 'completed = false with 0% and no completed_at: ignored too');
UPDATE chronos.video_watch_sessions SET completed_at = '2021-01-01 00:00+00' WHERE id = 'e5700000-0000-4000-8000-000000000010';
SELECT is(pg_temp.state(10), 'true 2020-05-05', 'completed_at cannot be moved once set');
UPDATE chronos.video_watch_sessions SET completed = NULL WHERE id = 'e5700000-0000-4000-8000-000000000010';
SELECT is(pg_temp.state(10), 'true 2020-05-05', 'completed = NULL on a completed session: still completed');
UPDATE chronos.video_watch_sessions SET watch_time_seconds = 1234 WHERE id = 'e5700000-0000-4000-8000-000000000010';
SELECT is(pg_temp.state(10), 'true 2020-05-05', 'an update of other columns leaves completion alone');
-- not completed: no completed_at
SELECT pg_temp.session(11, 50, false, '2020-05-05 00:00+00');
SELECT is(pg_temp.state(11), 'false null', 'a session below the threshold has no completed_at, whatever is given');
UPDATE chronos.video_watch_sessions SET completed_at = '2020-05-05 00:00+00' WHERE id = 'e5700000-0000-4000-8000-000000000011';
SELECT is(pg_temp.state(11), 'false null', '... also when an update gives one');
-- completed given by the writer, below the threshold
SELECT pg_temp.session(12, 10, true);
SELECT is(pg_temp.state(12), 'true now', 'completed = true given below the threshold is kept, completed_at set');
SELECT pg_temp.session(13, 10);
UPDATE chronos.video_watch_sessions SET completed = true WHERE id = 'e5700000-0000-4000-8000-000000000013';
SELECT is(pg_temp.state(13), 'true now', 'completed = true set by an update is kept, completed_at set');
-- NOT NULL still applies where the trigger has nothing to say
SELECT throws_ok($$INSERT INTO chronos.video_watch_sessions (video_id, student_id, percent_complete, completed)
                   VALUES ('e5300000-0000-4000-8000-0000000000a1', 'e5200000-0000-4000-8000-0000000000a1', 10, NULL)$$,
                 '23502', NULL, 'completed NULL below the threshold is refused by NOT NULL');
SELECT lives_ok($$INSERT INTO chronos.video_watch_sessions (id, video_id, student_id, percent_complete, completed)
                  VALUES ('e5700000-0000-4000-8000-000000000014', 'e5300000-0000-4000-8000-0000000000a1',
                          'e5200000-0000-4000-8000-0000000000a1', 95, NULL)$$,
                'completed NULL at the threshold is completed by the trigger');
SELECT is(pg_temp.state(14), 'true now', '... with completed_at now()');
SELECT throws_ok($$UPDATE chronos.video_watch_sessions SET percent_complete = 101
                    WHERE id = 'e5700000-0000-4000-8000-000000000001'$$,
                 '23514', NULL, 'the percent_complete CHECK still applies');
-- many rows in one statement
UPDATE chronos.video_watch_sessions SET percent_complete = 91
 WHERE id IN ('e5700000-0000-4000-8000-000000000004', 'e5700000-0000-4000-8000-000000000011');
SELECT is(pg_temp.state(4) || ', ' || pg_temp.state(11), 'true now, true now', 'a multi-row update completes each row');

--
-- The threshold
--
SET LOCAL chronos.completion_threshold = 50;
SELECT is(current_setting('chronos.completion_threshold'), '50', 'SET LOCAL chronos.completion_threshold = 50');
SELECT pg_temp.session(20, 50);
SELECT is(pg_temp.state(20), 'true now', 'at 50 a session at 50% is completed');
SELECT pg_temp.session(21, 49);
SELECT is(pg_temp.state(21), 'false null', 'at 50 a session at 49% is not');
SET LOCAL chronos.completion_threshold = 100;
SELECT pg_temp.set_percent(21, 99);
SELECT is(pg_temp.state(21), 'false null', 'at 100, 99% is not completed');
SELECT pg_temp.set_percent(21, 100);
SELECT is(pg_temp.state(21), 'true now', 'at 100, 100% is');
SET LOCAL chronos.completion_threshold = 1;
SELECT pg_temp.session(22, 1);
SELECT pg_temp.session(23, 0);
SELECT is(pg_temp.state(22) || ', ' || pg_temp.state(23), 'true now, false null', 'at 1, 1% is completed and 0% is not');
RESET chronos.completion_threshold;
SELECT is(current_setting('chronos.completion_threshold'), '90', 'RESET goes back to 90');
SELECT pg_temp.session(24, 89);
SELECT is(pg_temp.state(24), 'false null', '... where 89% is not completed');
SELECT is(set_config('chronos.completion_threshold', '75', true), '75', 'set_config works as SET LOCAL does');
SELECT pg_temp.set_percent(24, 80);
SELECT is(pg_temp.state(24), 'true now', '... the trigger reads the threshold when it fires');
SELECT throws_ok($$SET chronos.completion_threshold = 0$$, '22023',
                 '0 is outside the valid range for parameter "chronos.completion_threshold" (1 .. 100)', '0 is refused');
SELECT throws_ok($$SET chronos.completion_threshold = 101$$, '22023',
                 '101 is outside the valid range for parameter "chronos.completion_threshold" (1 .. 100)', '101 is refused');
SELECT throws_ok($$SET chronos.completion_threshold = 'most'$$, '22023',
                 'invalid value for parameter "chronos.completion_threshold": "most"', 'a word is refused');
SELECT is(current_setting('chronos.completion_threshold'), '75', 'a refused SET changes nothing');
SELECT is((SELECT (vartype, min_val, max_val, boot_val, context) FROM pg_settings
            WHERE name = 'chronos.completion_threshold'),
          ('integer'::text, '1'::text, '100'::text, '90'::text, 'user'::text),
          'an integer from 1 to 100, 90 at boot, that any user may set');
CREATE ROLE chronos_watch_trigger_user;
\set app_role chronos_watch_trigger_user
\ir ../fixtures/become.sql
-- set_threshold(value): SET LOCAL chronos.completion_threshold = value, as
-- 'user set threshold'.
CREATE FUNCTION pg_temp.set_threshold(p_value text) RETURNS text
LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('SET LOCAL chronos.completion_threshold = %s', p_value);
    RETURN current_user || ' set ' || current_setting('chronos.completion_threshold');
END
$$;
CREATE FUNCTION pg_temp.set_as_ordinary_role(p_value text) RETURNS text
LANGUAGE sql AS $$
    SELECT pg_temp.as_who('anon', format('SELECT pg_temp.set_threshold(%L)', p_value))
$$;
SELECT is(pg_temp.set_as_ordinary_role('60'), 'chronos_watch_trigger_user set 60', 'an ordinary role may set the threshold');
SELECT throws_ok($$SET chronos.nonexistent = 1$$, '42602', 'invalid configuration parameter name "chronos.nonexistent"',
                 'the prefix chronos is reserved: SET chronos.nonexistent fails');
SELECT throws_ok($$SELECT set_config('chronos.completion_treshold', '50', false)$$, '42602', NULL,
                 '... and so does a misspelled setting');

-- An UPDATE that does not change percent_complete does not judge completion
-- again: a session recorded under a stricter threshold, then ended (or
-- closed as stale) under a laxer one, stays as it was recorded.
SET LOCAL chronos.completion_threshold = 95;
SELECT pg_temp.session(40, 92);
SELECT is(pg_temp.state(40), 'false null', 'at 92 percent under a threshold of 95: not completed');
RESET chronos.completion_threshold;
UPDATE chronos.video_watch_sessions SET session_end = session_start
 WHERE id = 'e5700000-0000-4000-8000-000000000040';
SELECT is(pg_temp.state(40), 'false null', 'ending it under the default threshold of 90 leaves it not completed');
SELECT pg_temp.set_percent(40, 93);
SELECT is(pg_temp.state(40), 'true now', 'a new percent_complete (93) is judged under the threshold in force');

--
-- A fresh session (another connection) that has not used chronos yet: the
-- library is not loaded there, so PostgreSQL does not know the settings and
-- takes any value for a placeholder.  Only preloading the library
-- (shared_preload_libraries or session_preload_libraries) makes these hold
-- in every session.
--
SELECT dblink_connect('fresh', format('host=%s port=%s dbname=%s user=%s',
    split_part(current_setting('unix_socket_directories'), ',', 1), current_setting('port'),
    current_database(), current_user)) \g /dev/null
SELECT todo('the library is loaded on first use only, unless preloaded', 3);
SELECT throws_ok($$SELECT dblink_exec('fresh', 'SET chronos.completion_threshold = 101')$$, '22023', NULL,
                 'a fresh session refuses an out-of-range threshold');
SELECT throws_ok($$SELECT dblink_exec('fresh', 'SET chronos.nonexistent = 1')$$, '42602', NULL,
                 'a fresh session refuses chronos.nonexistent');
SELECT is((SELECT r FROM dblink('fresh', 'SHOW chronos.completion_threshold') AS t (r text)), '90',
          'a fresh session shows the default threshold');
SELECT dblink_disconnect('fresh') \g /dev/null

SELECT * FROM finish();
ROLLBACK;
