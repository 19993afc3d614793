-- watch.c remembers the column numbers of video_watch_sessions for the
-- trigger and the helpers.  Using auto_complete_watch_session on another
-- table must not change what it remembers for video_watch_sessions: not
-- when that table has the columns (in other places), and not when the
-- lookup fails halfway because that table lacks one.  Ids: prefix e5.
SET client_min_messages = warning;
BEGIN;
SELECT plan(10);

\set ids 'e5%s00000-0000-4000-8000-%s'
\set creators a
\set students a1
\set videos a1
\ir ../fixtures/people.sql
\ir ../fixtures/catalog.sql
INSERT INTO chronos.video_watch_sessions (video_id, student_id, watch_time_seconds, percent_complete)
VALUES ('e5300000-0000-4000-8000-0000000000a1', 'e5200000-0000-4000-8000-0000000000a1', 100, 10);

CREATE FUNCTION pg_temp.helpers() RETURNS text
LANGUAGE sql AS $$
    SELECT format('%s %s %s',
        chronos.get_student_total_watch_time('e5200000-0000-4000-8000-0000000000a1', 'e5300000-0000-4000-8000-0000000000a1'),
        chronos.get_student_highest_completion('e5200000-0000-4000-8000-0000000000a1', 'e5300000-0000-4000-8000-0000000000a1'),
        chronos.has_student_completed_video('e5200000-0000-4000-8000-0000000000a1', 'e5300000-0000-4000-8000-0000000000a1'))
$$;
-- new_session(percent): whether a new session at percent is completed
CREATE FUNCTION pg_temp.new_session(p_percent integer) RETURNS boolean
LANGUAGE sql AS $$
    INSERT INTO chronos.video_watch_sessions (video_id, student_id, watch_time_seconds, percent_complete)
    VALUES ('e5300000-0000-4000-8000-0000000000a1', 'e5200000-0000-4000-8000-0000000000a1', 0, p_percent)
    RETURNING completed
$$;

SELECT is(pg_temp.helpers(), '100 10 f', 'the helpers, before');

-- a table of the right shape, its columns in other places
CREATE TEMP TABLE shuffled (note text, completed_at timestamptz, completed boolean NOT NULL DEFAULT false,
                            percent_complete integer NOT NULL, watch_time_seconds integer NOT NULL DEFAULT 0);
CREATE TRIGGER shuffled_auto_complete BEFORE INSERT OR UPDATE ON shuffled
    FOR EACH ROW EXECUTE FUNCTION chronos.auto_complete_watch_session();
INSERT INTO shuffled (note, percent_complete) VALUES ('x', 95);
SELECT is((SELECT (completed, completed_at = now()) FROM shuffled), (true, true),
          'the trigger works on another table of the right shape');
SELECT is(pg_temp.helpers(), '100 10 f', 'the helpers still read video_watch_sessions'' own columns');
SELECT is(ARRAY[pg_temp.new_session(10), pg_temp.new_session(95)], ARRAY[false, true],
          'the trigger still completes a session at 95% and not one at 10%');
DELETE FROM chronos.video_watch_sessions WHERE watch_time_seconds = 0;

-- a table with the first two columns looked up (in the places of id and
-- video_id) but not completed: the lookup fails halfway
CREATE TEMP TABLE partial (watch_time_seconds integer, percent_complete integer);
CREATE TRIGGER partial_auto_complete BEFORE INSERT ON partial
    FOR EACH ROW EXECUTE FUNCTION chronos.auto_complete_watch_session();
SELECT throws_ok($$INSERT INTO partial VALUES (1, 2)$$, '42703', 'table "partial" has no column "completed"',
                 'a table without completed is refused');
SELECT is(pg_temp.helpers(), '100 10 f', 'after that failure the helpers still read the right columns');
SELECT is(chronos.get_student_total_watch_time('e5200000-0000-4000-8000-0000000000a1', 'e5300000-0000-4000-8000-0000000000a1'),
          100, '... the total watch time is still 100');
SELECT is(ARRAY[pg_temp.new_session(10), pg_temp.new_session(95)], ARRAY[false, true],
          'after that failure a new session at 10% is not completed and one at 95% is');
DELETE FROM chronos.video_watch_sessions WHERE watch_time_seconds = 0;

-- and once the other table is gone
DROP TABLE shuffled, partial;
SELECT is(pg_temp.helpers(), '100 10 f', 'the helpers, after the other tables are dropped');
SELECT is(ARRAY[pg_temp.new_session(10), pg_temp.new_session(95)], ARRAY[false, true],
          'the trigger, after the other tables are dropped');

SELECT * FROM finish();
ROLLBACK;
