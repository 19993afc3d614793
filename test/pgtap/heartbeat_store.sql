-- record_watch_progress writes its session as an UPDATE statement would,
-- without one (src/session_store.c): the table's triggers, chronos's and a
-- user's (BEFORE, AFTER, AFTER UPDATE OF a column a heartbeat writes, and
-- not OF one it does not; statement-level ones and rules, which make it run
-- statements), CHECK constraints added and dropped after
-- heartbeats ran (the prepared expressions follow the table), a session
-- started earlier in the same statement, the rollup work log, and the
-- isolation of SELECT ... FOR NO KEY UPDATE: a heartbeat does not hold back
-- its session's player events; under REPEATABLE READ a session
-- changed since the snapshot is a serialization failure; under READ
-- COMMITTED a heartbeat waits for the session's lock and then builds on the
-- newest row, or finds none when it was deleted.  dblink connections see
-- only committed rows, so this file commits its data (its database is
-- dropped afterwards).  Sessions are made an hour old so that the speed
-- guard does not interfere.  Ids: prefix 5e8.
SET client_min_messages = warning;
SELECT plan(38);

\set ids '5e800000-0000-4000-800%s-%s'
\set kinds 012346
\set whop heartbeat_store_
\set creators a
\set students a1
\set videos a1=100
\ir ../fixtures/people.sql
\ir ../fixtures/catalog.sql
\ir ../fixtures/dblink.sql
\ir ../fixtures/heartbeats.sql

-- watch_time(session): as stored.
CREATE FUNCTION pg_temp.watch_time(p_session uuid) RETURNS integer
LANGUAGE sql AS $$
    SELECT watch_time_seconds FROM chronos.video_watch_sessions WHERE id = p_session
$$;

--
-- 1. Triggers: a user's BEFORE trigger changes the row written (and
-- returned); AFTER triggers fire once, UPDATE OF last_position_seconds (a
-- column the heartbeat writes) too, UPDATE OF device_type (one it does not)
-- not; chronos's own set updated_at.
--
SELECT pg_temp.new_session() AS s1 \gset
CREATE TABLE public.heartbeat_audit (what text, session_id uuid, watch_time integer);
CREATE FUNCTION public.heartbeat_count() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.metadata := NEW.metadata || jsonb_build_object('beats', coalesce((OLD.metadata->>'beats')::int, 0) + 1);
    RETURN NEW;
END
$$;
CREATE FUNCTION public.heartbeat_log() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO public.heartbeat_audit VALUES (TG_ARGV[0], NEW.id, NEW.watch_time_seconds);
    RETURN NULL;
END
$$;
CREATE TRIGGER heartbeat_count BEFORE UPDATE ON chronos.video_watch_sessions
    FOR EACH ROW EXECUTE FUNCTION public.heartbeat_count();
CREATE TRIGGER heartbeat_after AFTER UPDATE ON chronos.video_watch_sessions
    FOR EACH ROW EXECUTE FUNCTION public.heartbeat_log('after');
CREATE TRIGGER heartbeat_of_position AFTER UPDATE OF last_position_seconds ON chronos.video_watch_sessions
    FOR EACH ROW EXECUTE FUNCTION public.heartbeat_log('position');
CREATE TRIGGER heartbeat_of_device AFTER UPDATE OF device_type ON chronos.video_watch_sessions
    FOR EACH ROW EXECUTE FUNCTION public.heartbeat_log('device');

SELECT is((SELECT format('%s %s %s', watch_time_seconds, metadata->>'beats', updated_at = now())
             FROM chronos.record_watch_progress(:'s1', 0, 10)),
          '10 1 t', 'the row returned carries the BEFORE trigger''s change and chronos''s updated_at');
SELECT is((SELECT metadata->>'beats' FROM chronos.video_watch_sessions WHERE id = :'s1'), '1',
          'the BEFORE trigger''s change is stored');
SELECT is((SELECT string_agg(format('%s:%s', what, watch_time), ',' ORDER BY what) FROM public.heartbeat_audit),
          'after:10,position:10', 'AFTER triggers fired once, with the new row; UPDATE OF device_type did not');
DROP TRIGGER heartbeat_count ON chronos.video_watch_sessions;
DROP TRIGGER heartbeat_after ON chronos.video_watch_sessions;
DROP TRIGGER heartbeat_of_position ON chronos.video_watch_sessions;
DROP TRIGGER heartbeat_of_device ON chronos.video_watch_sessions;
SELECT is((SELECT watch_time_seconds FROM chronos.record_watch_progress(:'s1', 10, 20)), 20,
          'once they are dropped, a heartbeat goes on without them');
SELECT is((SELECT count(*) FROM public.heartbeat_audit), 2::bigint, 'and they fired no more');

-- What only a statement fires, a statement-level trigger with a transition
-- table and a rule: with them, the heartbeat runs statements, so they fire.
SELECT pg_temp.new_session() AS s0 \gset
CREATE FUNCTION public.heartbeat_rows() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO public.heartbeat_audit SELECT 'statement', n.id, n.watch_time_seconds FROM new_rows n;
    RETURN NULL;
END
$$;
CREATE TRIGGER heartbeat_statement AFTER UPDATE ON chronos.video_watch_sessions
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION public.heartbeat_rows();
SELECT is((SELECT watch_time_seconds FROM chronos.record_watch_progress(:'s0', 0, 10)), 10,
          'a heartbeat, with a statement-level trigger on the sessions');
SELECT is((SELECT string_agg(format('%s:%s', what, watch_time), ',') FROM public.heartbeat_audit
            WHERE session_id = :'s0'), 'statement:10', 'the trigger fired once, its transition table holding the row');
DROP TRIGGER heartbeat_statement ON chronos.video_watch_sessions;
CREATE RULE heartbeat_rule AS ON UPDATE TO chronos.video_watch_sessions
    DO ALSO INSERT INTO public.heartbeat_audit VALUES ('rule', NEW.id, NEW.watch_time_seconds);
SELECT is((SELECT watch_time_seconds FROM chronos.record_watch_progress(:'s0', 10, 20)), 20,
          'a heartbeat, with a rule on the sessions');
SELECT is((SELECT string_agg(format('%s:%s', what, watch_time), ',' ORDER BY watch_time) FROM public.heartbeat_audit
            WHERE session_id = :'s0'), 'statement:10,rule:20', 'the rule applied');
DROP RULE heartbeat_rule ON chronos.video_watch_sessions;
SELECT is((SELECT watch_time_seconds FROM chronos.record_watch_progress(:'s0', 20, 30)), 30,
          'without them, heartbeats go on');
SELECT is((SELECT count(*) FROM public.heartbeat_audit WHERE session_id = :'s0'), 2::bigint, 'and nothing more fired');

--
-- 2. CHECK constraints added and dropped between heartbeats
--
ALTER TABLE chronos.video_watch_sessions ADD CONSTRAINT heartbeat_cap CHECK (watch_time_seconds <= 30);
SELECT throws_ok(pg_temp.beat_sql(:'s1', 20, 40), '23514',
    'new row for relation "video_watch_sessions" violates check constraint "heartbeat_cap"',
    'a CHECK constraint added after heartbeats ran is enforced on the next');
SELECT is(pg_temp.watch_time(:'s1'), 20, 'and the refused heartbeat wrote nothing');
SELECT is((SELECT watch_time_seconds FROM chronos.record_watch_progress(:'s1', 20, 30)), 30,
          'a heartbeat within the constraint passes');
ALTER TABLE chronos.video_watch_sessions DROP CONSTRAINT heartbeat_cap;
SELECT is((SELECT watch_time_seconds FROM chronos.record_watch_progress(:'s1', 30, 40)), 40,
          'once the constraint is dropped, it is no longer checked');
ALTER TABLE chronos.video_watch_sessions ADD CONSTRAINT heartbeat_no_position CHECK (last_position_seconds IS NULL)
    NOT VALID;
SELECT throws_ok(pg_temp.beat_sql(:'s1', 40, 50), '23514',
    'new row for relation "video_watch_sessions" violates check constraint "heartbeat_no_position"',
    'a NOT VALID constraint is checked on the rows written, as by an UPDATE');
ALTER TABLE chronos.video_watch_sessions DROP CONSTRAINT heartbeat_no_position;

--
-- 3. A session started earlier in the same statement, and the work log
--
SELECT is((SELECT watch_time_seconds
             FROM chronos.record_watch_progress(
                      chronos.start_watch_session('5e800000-0000-4000-8001-0000000000a1',
                                                  '5e800000-0000-4000-8002-0000000000a1'), 0, 5)),
          5, 'a heartbeat finds the session its own statement started');
SELECT count(*) AS pending_before FROM chronos.video_analytics_pending
 WHERE video_id = '5e800000-0000-4000-8002-0000000000a1' \gset
SELECT is((SELECT watch_time_seconds FROM chronos.record_watch_progress(:'s1', 40, 50)), 50, 'a heartbeat');
SELECT is((SELECT count(*) FROM chronos.video_analytics_pending
            WHERE video_id = '5e800000-0000-4000-8002-0000000000a1') - :pending_before, 1::bigint,
          'it logs one entry of rollup work');
SELECT is((SELECT format('%s %s', p.creator_id = w.creator_id,
                         p.bucket_start = date_bin('15 minutes', w.session_start, '2000-01-01 00:00:00+00'))
             FROM chronos.video_analytics_pending p, chronos.video_watch_sessions w
            WHERE p.video_id = w.video_id AND w.id = :'s1'
            ORDER BY p.created_at DESC, p.ctid DESC LIMIT 1),
          't t', 'for the session''s creator and the quarter hour it started in');

--
-- 4. Isolation, with a second connection
--
SELECT is(pg_temp.connect('a'), 'OK', 'connection a');
-- REPEATABLE READ: the session changed after a's snapshot
SELECT is(dblink_exec('a', 'BEGIN ISOLATION LEVEL REPEATABLE READ'), 'BEGIN', 'a begins, REPEATABLE READ');
SELECT is((SELECT n FROM dblink('a', 'SELECT count(*) FROM chronos.video_watch_sessions') AS t (n bigint)) > 0, true,
          'a takes its snapshot');
SELECT is((SELECT watch_time_seconds FROM chronos.record_watch_progress(:'s1', 50, 60)), 60,
          'this connection records a heartbeat and commits');
SELECT throws_ok(format('SELECT * FROM dblink(%L, %L) AS t (w integer)', 'a', pg_temp.beat_sql(:'s1', 60, 70)),
    '40001', 'could not serialize access due to concurrent update',
    'a''s heartbeat of the changed session is a serialization failure');
SELECT is(dblink_exec('a', 'ROLLBACK'), 'ROLLBACK', 'a rolls back');
SELECT is(pg_temp.watch_time(:'s1'), 60, 'the session holds this connection''s heartbeat only');
-- READ COMMITTED: a heartbeat's lock leaves the session's player events alone
SELECT pg_temp.connect('b') AS b_connected \gset
SELECT is(dblink_exec('a', 'BEGIN'), 'BEGIN', 'a begins');
SELECT is((SELECT w FROM dblink('a', pg_temp.beat_sql(:'s0', 30, 40)) AS t (w integer)), 40,
          'a records a heartbeat of another session and does not commit yet');
SELECT is(dblink_send_query('b', format($q$SELECT chronos.track_video_event('video_paused',
              '5e800000-0000-4000-8002-0000000000a1', '5e800000-0000-4000-8000-00000000000a',
              '5e800000-0000-4000-8001-0000000000a1', p_session_id => %L) IS NOT NULL$q$, :'s0')), 1,
          'b tracks a player event of that session');
SELECT ok(NOT pg_temp.waits_for_lock('b', 2), 'b does not wait for a''s heartbeat');
-- (a commits before b is read, so that a b that waited would fail, not hang)
SELECT is(dblink_exec('a', 'COMMIT'), 'COMMIT', 'a commits');
SELECT is((SELECT x FROM dblink_get_result('b') AS t (x boolean)), true, 'b''s event is written');
SELECT count(*) AS b_done FROM dblink_get_result('b') AS t (x boolean) \gset
-- READ COMMITTED: the session deleted while a heartbeat waits for its lock
SELECT is(dblink_exec('a', 'BEGIN'), 'BEGIN', 'a begins');
SELECT is(dblink_exec('a', format('DELETE FROM chronos.video_watch_sessions WHERE id = %L', :'s1')), 'DELETE 1',
          'a deletes the session and does not commit yet');
SELECT is(dblink_send_query('b', pg_temp.beat_sql(:'s1', 60, 70)), 1, 'b sends a heartbeat of it');
SELECT is(pg_temp.waits_for_lock('b'), true, 'b waits for a''s lock');
SELECT dblink_exec('a', 'COMMIT') AS a_committed \gset
SELECT throws_ok(format('SELECT * FROM dblink_get_result(%L) AS t (w integer)', 'b'), '23503',
    format('watch session %s does not exist', :'s1'),
    'once a commits, b finds no session: the one a deleted');
SELECT dblink_disconnect('a'), dblink_disconnect('b');
