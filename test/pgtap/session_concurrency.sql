-- Races on one watch session between two real connections (dblink): two
-- heartbeats at once are both applied (no lost update: both ranges in
-- watched, watch time their sum); a heartbeat racing
-- close_stale_watch_sessions either lands before the close or, once the
-- close has committed, is refused with 22023 "has ended" -- never
-- half-applied; a heartbeat racing end_watch_session likewise.  Connection
-- a goes first and holds its transaction open; b's call waits for a's row
-- lock (checked in pg_stat_activity) and completes once a commits or rolls
-- back.  dblink connections see only committed rows, so this file commits
-- its data; it runs in a database of its own that is dropped afterwards.
-- Sessions are made an hour old (UPDATE of session_start as the superuser)
-- so that the speed guard does not interfere.  Ids: prefix 5e4.
SET client_min_messages = warning;
SELECT plan(74);

CREATE ROLE chronos_session_racer NOLOGIN;
\set ids '5e400000-0000-4000-800%s-%s'
\set kinds 012346
\set whop race_
\set creators a
\set students a1
\set videos a1=100
\ir ../fixtures/people.sql
\ir ../fixtures/catalog.sql
\ir ../fixtures/dblink.sql
\ir ../fixtures/heartbeats.sql

-- state(session): 'watched watch_time percent ended?' as committed.
CREATE FUNCTION pg_temp.state(p_session uuid) RETURNS text
LANGUAGE sql AS $$
    SELECT format('%s %s %s %s', watched, watch_time_seconds, percent_complete,
                  CASE WHEN session_end IS NULL THEN 'open' ELSE 'ended' END)
      FROM chronos.video_watch_sessions WHERE id = p_session
$$;

-- milestones(session): the video_progress milestones the session emitted, sorted.
CREATE FUNCTION pg_temp.milestones(p_session uuid) RETURNS text
LANGUAGE sql AS $$
    SELECT coalesce(string_agg(metadata->>'milestone', ',' ORDER BY (metadata->>'milestone')::int), '')
      FROM chronos.video_analytics_events WHERE session_id = p_session AND event_type = 'video_progress'
$$;

SELECT is(pg_temp.connect('a'), 'OK', 'connection a');
SELECT is(pg_temp.connect('b'), 'OK', 'connection b');
-- b acts as the student itself, through a role that is subject to row-level security
SELECT is(dblink_exec('b', 'SET ROLE chronos_session_racer'), 'SET', 'b acts as a plain role');
SELECT is(dblink_exec('b', $$SET request.jwt.claims = '{"student_id": "5e400000-0000-4000-8001-0000000000a1"}'$$), 'SET',
    'b is student a1');

--
-- 1. Two heartbeats of one session at once
--
SELECT pg_temp.new_session() AS s1 \gset
SELECT is(dblink_exec('a', 'BEGIN'), 'BEGIN', 'a begins');
SELECT is((SELECT w FROM dblink('a', pg_temp.beat_sql(:'s1', 0, 10)) AS t (w integer)), 10,
    'a sends the heartbeat [0, 10) and does not commit yet');
SELECT is(dblink_send_query('b', pg_temp.beat_sql(:'s1', 10, 25)), 1, 'b sends the heartbeat [10, 25)');
SELECT ok(pg_temp.waits_for_lock('b'), 'b waits for a');
SELECT is(pg_temp.state(:'s1'), '{} 0 0 open', 'meanwhile nothing is committed');
SELECT is(dblink_exec('a', 'COMMIT'), 'COMMIT', 'a commits');
SELECT is((SELECT w FROM dblink_get_result('b') AS t (w integer)), 25, 'b completes: watch time 10 + 15');
SELECT is((SELECT count(*) FROM dblink_get_result('b') AS t (w integer)), 0::bigint, 'b is done');
SELECT is(pg_temp.state(:'s1'), '{[0,25)} 25 25 open', 'both ranges are in watched; watch time is the sum');
SELECT is(pg_temp.milestones(:'s1'), '10,25', 'a emitted milestone 10, b milestone 25, each once');

-- overlapping heartbeats: both plays counted
SELECT pg_temp.new_session() AS s2 \gset
SELECT is(dblink_exec('a', 'BEGIN'), 'BEGIN', 'a begins');
SELECT is((SELECT w FROM dblink('a', pg_temp.beat_sql(:'s2', 0, 30)) AS t (w integer)), 30,
    'a sends [0, 30) and does not commit yet');
SELECT is(dblink_send_query('b', pg_temp.beat_sql(:'s2', 20, 40)), 1, 'b sends [20, 40), overlapping');
SELECT ok(pg_temp.waits_for_lock('b'), 'b waits for a');
SELECT is(dblink_exec('a', 'COMMIT'), 'COMMIT', 'a commits');
SELECT is((SELECT w FROM dblink_get_result('b') AS t (w integer)), 50, 'b completes: 30 + 20');
SELECT is((SELECT count(*) FROM dblink_get_result('b') AS t (w integer)), 0::bigint, 'b is done');
SELECT is(pg_temp.state(:'s2'), '{[0,20),[20,30)x2,[30,40)} 50 40 open',
    'the overlap is played twice, coverage is 40 s');

-- the first heartbeat rolls back: only the second is applied
SELECT pg_temp.new_session() AS s3 \gset
SELECT is(dblink_exec('a', 'BEGIN'), 'BEGIN', 'a begins');
SELECT is((SELECT w FROM dblink('a', pg_temp.beat_sql(:'s3', 0, 30)) AS t (w integer)), 30, 'a sends [0, 30)');
SELECT is(dblink_send_query('b', pg_temp.beat_sql(:'s3', 30, 35)), 1, 'b sends [30, 35)');
SELECT ok(pg_temp.waits_for_lock('b'), 'b waits for a');
SELECT is(dblink_exec('a', 'ROLLBACK'), 'ROLLBACK', 'a rolls back');
SELECT is((SELECT w FROM dblink_get_result('b') AS t (w integer)), 5, 'b completes on the row as it was: 5 s');
SELECT is((SELECT count(*) FROM dblink_get_result('b') AS t (w integer)), 0::bigint, 'b is done');
SELECT is(pg_temp.state(:'s3'), '{[30,35)} 5 5 open', 'only b''s range');
SELECT is(pg_temp.milestones(:'s3'), '', 'and no milestone of a''s');

--
-- 2. A heartbeat, then close_stale_watch_sessions: the heartbeat lands first
--
SELECT chronos.close_stale_watch_sessions('0 seconds') \g /dev/null
SELECT pg_temp.new_session() AS s4 \gset
SELECT chronos.record_watch_progress(:'s4', 0, 10) \g /dev/null
SELECT is(dblink_exec('a', 'BEGIN'), 'BEGIN', 'a begins');
SELECT is((SELECT w FROM dblink('a', pg_temp.beat_sql(:'s4', 10, 20)) AS t (w integer)), 20,
    'a sends the heartbeat [10, 20) and does not commit yet');
SELECT is(dblink_exec('b', 'RESET ROLE'), 'RESET', 'b is the service (the superuser)');
SELECT is(dblink_send_query('b', $$SELECT chronos.close_stale_watch_sessions('0 seconds')$$), 1,
    'b closes every session idle for any time');
SELECT ok(pg_temp.waits_for_lock('b'), 'b waits for a');
SELECT is(dblink_exec('a', 'COMMIT'), 'COMMIT', 'a commits');
SELECT is((SELECT n FROM dblink_get_result('b') AS t (n integer)), 1, 'b closes the session');
SELECT is((SELECT count(*) FROM dblink_get_result('b') AS t (n integer)), 0::bigint, 'b is done');
SELECT is(pg_temp.state(:'s4'), '{[0,20)} 20 20 ended', 'the heartbeat was applied in full, then the session closed');
SELECT is((SELECT session_end = last_heartbeat_at FROM chronos.video_watch_sessions WHERE id = :'s4'), true,
    'ending at a''s heartbeat, the last one');
SELECT is(dblink_exec('b', 'SET ROLE chronos_session_racer'), 'SET', 'b is the student again');

--
-- 3. close_stale_watch_sessions, then a heartbeat: refused once the close commits
--
SELECT pg_temp.new_session() AS s5 \gset
SELECT chronos.record_watch_progress(:'s5', 0, 10) \g /dev/null
SELECT is(dblink_exec('a', 'BEGIN'), 'BEGIN', 'a begins');
SELECT is((SELECT n FROM dblink('a', $$SELECT chronos.close_stale_watch_sessions('0 seconds')$$) AS t (n integer)), 1,
    'a closes the session and does not commit yet');
SELECT is(dblink_send_query('b', pg_temp.beat_sql(:'s5', 10, 20)), 1, 'b sends the heartbeat [10, 20)');
SELECT ok(pg_temp.waits_for_lock('b'), 'b waits for a');
SELECT is(dblink_exec('a', 'COMMIT'), 'COMMIT', 'a commits');
SELECT throws_ok($$SELECT * FROM dblink_get_result('b') AS t (w integer)$$, '22023',
    format('watch session %s has ended', :'s5'), 'b is refused: the session has ended');
SELECT is((SELECT count(*) FROM dblink_get_result('b', false) AS t (w integer)), 0::bigint, 'b is done');
SELECT is(pg_temp.state(:'s5'), '{[0,10)} 10 10 ended', 'nothing of the refused heartbeat was written');

-- the close rolls back: the heartbeat is applied
SELECT pg_temp.new_session() AS s6 \gset
SELECT chronos.record_watch_progress(:'s6', 0, 10) \g /dev/null
SELECT is(dblink_exec('a', 'BEGIN'), 'BEGIN', 'a begins');
SELECT is((SELECT n FROM dblink('a', $$SELECT chronos.close_stale_watch_sessions('0 seconds')$$) AS t (n integer)), 1,
    'a closes the session and does not commit yet');
SELECT is(dblink_send_query('b', pg_temp.beat_sql(:'s6', 10, 20)), 1, 'b sends the heartbeat [10, 20)');
SELECT ok(pg_temp.waits_for_lock('b'), 'b waits for a');
SELECT is(dblink_exec('a', 'ROLLBACK'), 'ROLLBACK', 'a rolls back');
SELECT is((SELECT w FROM dblink_get_result('b') AS t (w integer)), 20, 'b''s heartbeat is applied');
SELECT is((SELECT count(*) FROM dblink_get_result('b') AS t (w integer)), 0::bigint, 'b is done');
SELECT is(pg_temp.state(:'s6'), '{[0,20)} 20 20 open', 'the session is open with both ranges');

--
-- 4. A heartbeat, then end_watch_session by the student: both applied
--
SELECT is(dblink_exec('a', 'BEGIN'), 'BEGIN', 'a begins');
SELECT is((SELECT w FROM dblink('a', pg_temp.beat_sql(:'s6', 20, 30)) AS t (w integer)), 30,
    'a sends the heartbeat [20, 30) and does not commit yet');
SELECT is(dblink_send_query('b', format('SELECT watch_time_seconds FROM chronos.end_watch_session(%L)', :'s6')), 1,
    'b ends the session');
SELECT ok(pg_temp.waits_for_lock('b'), 'b waits for a');
SELECT is(dblink_exec('a', 'COMMIT'), 'COMMIT', 'a commits');
SELECT is((SELECT w FROM dblink_get_result('b') AS t (w integer)), 30, 'b ends the session as a left it: 30 s');
SELECT is((SELECT count(*) FROM dblink_get_result('b') AS t (w integer)), 0::bigint, 'b is done');
SELECT is(pg_temp.state(:'s6'), '{[0,30)} 30 30 ended', 'the heartbeat and the end both applied');

--
-- 5. A transaction that began before the session was started
--
-- (a connection pool or a batch job may hold one): its now() is earlier
-- than the session's start, and session_end must not be (CHECK
-- session_end >= session_start).  One such session must not stop
-- close_stale_watch_sessions from closing every other stale session.
SELECT is(dblink_exec('a', 'BEGIN'), 'BEGIN', 'a begins, before the next session starts');
SELECT pg_temp.new_session() AS s7 \gset
UPDATE chronos.video_watch_sessions SET session_start = now() WHERE id = :'s7';
SELECT pg_temp.new_session() AS s8 \gset
SELECT is((SELECT w FROM dblink('a', pg_temp.beat_sql(:'s7', 0, 5)) AS t (w integer)), 5,
    'a sends a heartbeat of the session started after a began');
SELECT is(dblink_exec('a', 'COMMIT'), 'COMMIT', 'a commits');
SELECT lives_ok($$SELECT chronos.close_stale_watch_sessions('0 seconds')$$,
    'close_stale_watch_sessions still works');
SELECT is((SELECT session_end IS NOT NULL FROM chronos.video_watch_sessions WHERE id = :'s8'), true,
    'and closes the other stale session');
SELECT is(dblink_exec('a', 'BEGIN'), 'BEGIN', 'a begins, before the next session starts');
SELECT chronos.start_watch_session('5e400000-0000-4000-8001-0000000000a1', '5e400000-0000-4000-8002-0000000000a1') AS s9 \gset
SELECT lives_ok(format('SELECT * FROM dblink(%L, %L) AS t (ended boolean)', 'a',
                       format('SELECT session_end IS NOT NULL FROM chronos.end_watch_session(%L)', :'s9')),
    'a ends the session started after a began');
SELECT is(dblink_exec('a', 'ROLLBACK'), 'ROLLBACK', 'a is done');

SELECT dblink_disconnect('a'), dblink_disconnect('b') \g /dev/null
DELETE FROM chronos.creators WHERE id = '5e400000-0000-4000-8000-00000000000a';
SELECT * FROM finish();
