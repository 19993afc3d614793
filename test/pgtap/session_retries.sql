-- Heartbeats that survive real networks (record_watch_progress's p_seq) and
-- the server's clock.  A heartbeat delivered again (the same p_seq) changes
-- nothing and returns the session as it stands; one that arrives after a
-- later one adds its range once and leaves the resume position alone; two
-- deliveries of one heartbeat from two connections at once count once; a
-- client without p_seq behaves as before.  Watch time, coverage, plays (the
-- x2 of watched) and milestones are each checked to count once.
-- Then the clock: a session whose start or last heartbeat lies ahead of the
-- server's clock is pulled back by a heartbeat, closed by
-- close_stale_watch_sessions, and not counted by current_viewers.
-- dblink connections see only committed rows, so this file commits its
-- data (its database is dropped afterwards).  Sessions are made an hour
-- old so that the speed guard does not interfere.  Ids: prefix 5e5.
SET client_min_messages = warning;
SELECT plan(65);

CREATE ROLE chronos_session_retrier NOLOGIN;
\set ids '5e500000-0000-4000-800%s-%s'
\set kinds 012346
\set whop retry_
\set creators a
\set students 'a1 a2'
\set videos a1=100
\ir ../fixtures/people.sql
\ir ../fixtures/catalog.sql
\ir ../fixtures/dblink.sql
\ir ../fixtures/heartbeats.sql

-- beat(session, from, to, seq): a heartbeat; 'watched watch_time percent position'
-- of the session it returns.
CREATE FUNCTION pg_temp.beat(p_session uuid, p_from numeric, p_to numeric, p_seq bigint) RETURNS text
LANGUAGE sql AS $$
    SELECT format('%s %s %s %s', watched, watch_time_seconds, percent_complete, last_position_seconds)
      FROM chronos.record_watch_progress(p_session, p_from, p_to, p_seq)
$$;

-- state(session): the same, as stored, with the recorded sequence numbers.
CREATE FUNCTION pg_temp.state(p_session uuid) RETURNS text
LANGUAGE sql AS $$
    SELECT format('%s %s %s %s %s', watched, watch_time_seconds, percent_complete, last_position_seconds,
                  coalesce(heartbeat_seqs::text, '-'))
      FROM chronos.video_watch_sessions WHERE id = p_session
$$;

-- events(session): the session's events, 'type[:milestone]' in order of kind.
CREATE FUNCTION pg_temp.events(p_session uuid) RETURNS text
LANGUAGE sql AS $$
    SELECT coalesce(string_agg(event_type || coalesce(':' || (metadata->>'milestone'), ''), ','
                               ORDER BY event_type::text, (metadata->>'milestone')::int), '')
      FROM chronos.video_analytics_events WHERE session_id = p_session
$$;

--
-- 1. A heartbeat delivered again
--
SELECT pg_temp.new_session() AS s1 \gset
SELECT is(pg_temp.beat(:'s1', 0, 10, 1), '{[0,10)} 10 10 10', 'heartbeat 1 plays [0, 10)');
SELECT is(pg_temp.beat(:'s1', 10, 20, 2), '{[0,20)} 20 20 20', 'heartbeat 2 plays [10, 20)');
SELECT xmin::text AS s1_xmin FROM chronos.video_watch_sessions WHERE id = :'s1' \gset
SELECT is(pg_temp.beat(:'s1', 10, 20, 2), '{[0,20)} 20 20 20',
    'heartbeat 2 again: no error, the session as it stands');
SELECT is(pg_temp.beat(:'s1', 0, 10, 1), '{[0,20)} 20 20 20', 'heartbeat 1 again: likewise');
SELECT is(pg_temp.state(:'s1'), '{[0,20)} 20 20 20 {[1,3)}',
    'watch time and coverage counted once, no range played twice; numbers 1 and 2 recorded');
SELECT is((SELECT xmin::text FROM chronos.video_watch_sessions WHERE id = :'s1'), :'s1_xmin',
    'the session row was not written again');
SELECT is(pg_temp.events(:'s1'), 'video_progress:10,video_started', 'milestone 10 emitted once');
SELECT is((SELECT count(*) FROM chronos.video_analytics_pending p
            JOIN chronos.video_watch_sessions w ON w.video_id = p.video_id
           WHERE w.id = :'s1'), 3::bigint, 'rollup work logged by the start and the two heartbeats only');

-- a retry that crosses a milestone the first time
SELECT is(pg_temp.beat(:'s1', 20, 50, 3), '{[0,50)} 50 50 50', 'heartbeat 3 reaches 50 %');
SELECT is(pg_temp.beat(:'s1', 20, 50, 3), '{[0,50)} 50 50 50', 'heartbeat 3 again');
SELECT is(pg_temp.events(:'s1'), 'video_progress:10,video_progress:25,video_progress:50,video_started',
    'milestones 25 and 50 emitted once');

--
-- 2. Out of order: heartbeat 5 before heartbeat 4
--
SELECT is(pg_temp.beat(:'s1', 60, 70, 5), '{[0,50),[60,70)} 60 60 70', 'heartbeat 5 arrives first');
SELECT is(pg_temp.beat(:'s1', 50, 60, 4), '{[0,70)} 70 70 70',
    'heartbeat 4 arrives late: its range is added, the resume position stays at 5''s');
SELECT is(pg_temp.beat(:'s1', 50, 60, 4), '{[0,70)} 70 70 70', 'heartbeat 4 again: nothing');
SELECT is(pg_temp.beat(:'s1', 60, 70, 5), '{[0,70)} 70 70 70', 'heartbeat 5 again: nothing');
SELECT is(pg_temp.state(:'s1'), '{[0,70)} 70 70 70 {[1,6)}', 'every range once; numbers 1 to 5 recorded');
-- a gap: heartbeat 8, then 6 (7 lost for good)
SELECT is(pg_temp.beat(:'s1', 90, 100, 8), '{[0,70),[90,100)} 80 80 100', 'heartbeat 8');
SELECT is(pg_temp.beat(:'s1', 70, 80, 6), '{[0,80),[90,100)} 90 90 100', 'heartbeat 6, late');
SELECT is(pg_temp.state(:'s1'), '{[0,80),[90,100)} 90 90 100 {[1,7),[8,9)}', 'numbers 1 to 6 and 8 recorded');
SELECT is(pg_temp.events(:'s1'),
    'video_completed,video_progress:10,video_progress:25,video_progress:50,video_progress:75,video_progress:90,video_started',
    'every milestone once, none twice, and the completion at 90 %');

--
-- 3. A client without p_seq: as before, a repeated heartbeat counts again
--
SELECT pg_temp.new_session() AS s2 \gset
SELECT is((SELECT watch_time_seconds FROM chronos.record_watch_progress(:'s2', 0, 10)), 10, 'three arguments');
SELECT is((SELECT watch_time_seconds FROM chronos.record_watch_progress(:'s2', 0, 10)), 20,
    'the same again counts again');
SELECT is(pg_temp.beat(:'s2', 10, 20, NULL), '{[0,10)x2,[10,20)} 30 20 20', 'p_seq NULL: likewise');
SELECT is(pg_temp.state(:'s2'), '{[0,10)x2,[10,20)} 30 20 20 -', 'no number recorded');
-- numbers may start later than 1 and mix with calls without one
SELECT is(pg_temp.beat(:'s2', 20, 30, 41), '{[0,10)x2,[10,30)} 40 30 30', 'heartbeat 41');
SELECT is(pg_temp.beat(:'s2', 20, 30, 41), '{[0,10)x2,[10,30)} 40 30 30', 'heartbeat 41 again');
SELECT is(pg_temp.state(:'s2'), '{[0,10)x2,[10,30)} 40 30 30 {[41,42)}', 'number 41 recorded');

--
-- 4. p_seq out of range; a retry after the session ended; someone else's retry
--
SELECT throws_ok(format('SELECT chronos.record_watch_progress(%L, 30, 31, -1)', :'s2'), '22023',
    'p_seq must be between 0 and 9223372036854775806, not -1', 'a negative p_seq is refused');
SELECT throws_ok(format('SELECT chronos.record_watch_progress(%L, 30, 31, 9223372036854775807)', :'s2'), '22023',
    'p_seq must be between 0 and 9223372036854775806, not 9223372036854775807', 'the largest bigint is refused');
SELECT is(pg_temp.beat(:'s2', 30, 31, 0), '{[0,10)x2,[10,31)} 41 31 30',
    'p_seq 0 is a number like any other: older than 41, it adds its range and leaves the position');
SELECT is((SELECT session_end IS NOT NULL FROM chronos.end_watch_session(:'s2')), true, 'the session ends');
SELECT is(pg_temp.beat(:'s2', 20, 30, 41), '{[0,10)x2,[10,31)} 41 31 30',
    'heartbeat 41 again after the end: the session as it stands, no error');
SELECT throws_ok(format('SELECT chronos.record_watch_progress(%L, 31, 32, 42)', :'s2'), '22023',
    format('watch session %s has ended', :'s2'), 'a new heartbeat after the end is refused');
-- another student retrying a's heartbeat learns nothing
SET ROLE chronos_session_retrier;
SELECT set_config('chronos.student_id', '5e500000-0000-4000-8001-0000000000a2', false) \g /dev/null
SELECT throws_ok(format('SELECT chronos.record_watch_progress(%L, 0, 10, 1)', :'s1'), '23503',
    format('watch session %s does not exist', :'s1'), 'another student''s retry: as for no such session');
RESET ROLE;
SELECT set_config('chronos.student_id', '', false) \g /dev/null
SELECT is(pg_temp.state(:'s1'), '{[0,80),[90,100)} 90 90 100 {[1,7),[8,9)}', 'and changes nothing');

--
-- 5. The same heartbeat from two connections at once counts once
--
SELECT is(pg_temp.connect('a'), 'OK', 'connection a');
SELECT is(pg_temp.connect('b'), 'OK', 'connection b');
SELECT is(dblink_exec('b', 'SET ROLE chronos_session_retrier'), 'SET', 'b acts as a plain role');
SELECT is(dblink_exec('b', $$SET chronos.student_id = '5e500000-0000-4000-8001-0000000000a1'$$), 'SET',
    'b is student a1');
SELECT pg_temp.new_session() AS s3 \gset
SELECT is(pg_temp.beat(:'s3', 0, 10, 1), '{[0,10)} 10 10 10', 'heartbeat 1');
SELECT is(dblink_exec('a', 'BEGIN'), 'BEGIN', 'a begins');
SELECT is((SELECT r FROM dblink('a', format('SELECT watch_time_seconds FROM chronos.record_watch_progress(%L, 10, 20, 2)', :'s3'))
                  AS t (r integer)), 20, 'a delivers heartbeat 2 and does not commit yet');
SELECT is(dblink_send_query('b', format('SELECT watch_time_seconds FROM chronos.record_watch_progress(%L, 10, 20, 2)', :'s3')), 1,
    'b delivers heartbeat 2 too');
SELECT ok(pg_temp.waits_for_lock('b'), 'b waits for a');
SELECT is(dblink_exec('a', 'COMMIT'), 'COMMIT', 'a commits');
SELECT is((SELECT w FROM dblink_get_result('b') AS t (w integer)), 20,
    'b returns the session as a left it: 20 s, not 30');
SELECT is((SELECT count(*) FROM dblink_get_result('b') AS t (w integer)), 0::bigint, 'b is done');
SELECT is(pg_temp.state(:'s3'), '{[0,20)} 20 20 20 {[1,3)}', 'heartbeat 2 counted once');
SELECT is(pg_temp.events(:'s3'), 'video_progress:10,video_rewatched,video_started',
    'milestone 10 once (a1 completed the video in s1: a rewatch)');
-- and when a rolls back, b's delivery is the one that counts
SELECT is(dblink_exec('a', 'BEGIN'), 'BEGIN', 'a begins');
SELECT is((SELECT r FROM dblink('a', format('SELECT watch_time_seconds FROM chronos.record_watch_progress(%L, 20, 30, 3)', :'s3'))
                  AS t (r integer)), 30, 'a delivers heartbeat 3');
SELECT is(dblink_send_query('b', format('SELECT watch_time_seconds FROM chronos.record_watch_progress(%L, 20, 30, 3)', :'s3')), 1,
    'b delivers heartbeat 3 too');
SELECT ok(pg_temp.waits_for_lock('b'), 'b waits for a');
SELECT is(dblink_exec('a', 'ROLLBACK'), 'ROLLBACK', 'a rolls back');
SELECT is((SELECT w FROM dblink_get_result('b') AS t (w integer)), 30, 'b applies heartbeat 3');
SELECT is((SELECT count(*) FROM dblink_get_result('b') AS t (w integer)), 0::bigint, 'b is done');
SELECT is(pg_temp.state(:'s3'), '{[0,30)} 30 30 30 {[1,4)}', 'heartbeat 3 counted once');
SELECT dblink_disconnect('a'), dblink_disconnect('b') \g /dev/null

--
-- 6. The server's clock governs (in one transaction: one now())
--
SELECT is((SELECT count(*) FROM (SELECT chronos.end_watch_session(id) FROM chronos.video_watch_sessions
                                   WHERE session_end IS NULL) x), 2::bigint, 'the sessions so far end (s1, s3)');
BEGIN;
-- a start ahead of the clock (written directly, or before the clock stepped back)
SELECT pg_temp.new_session() AS s4 \gset
UPDATE chronos.video_watch_sessions SET session_start = now() + interval '2 hours' WHERE id = :'s4';
SELECT lives_ok(format('SELECT chronos.record_watch_progress(%L, 0, 10, 1)', :'s4'),
    'a heartbeat of a session that starts in two hours');
SELECT is((SELECT (last_heartbeat_at = now(), session_start = now())::text
             FROM chronos.video_watch_sessions WHERE id = :'s4'), '(t,t)',
    'its last_heartbeat_at is when it was received, and the start moves back to it');
SELECT is((SELECT count(*) FROM chronos.video_analytics_pending
            WHERE bucket_start = date_bin('15 minutes', now() + interval '2 hours', '2000-01-01 00:00+00')),
    1::bigint, 'the quarter hour it left has its rollup recomputed');
-- a last heartbeat ahead of the clock: not a current viewer, and stale
SELECT pg_temp.new_session() AS s5 \gset
UPDATE chronos.video_watch_sessions SET last_heartbeat_at = now() + interval '2 hours' WHERE id = :'s5';
SELECT is(chronos.current_viewers('5e500000-0000-4000-8002-0000000000a1'), 1,
    'current_viewers counts s4 (a heartbeat now), not s5 (two hours ahead)');
-- a session that never had a heartbeat and starts ahead
SELECT pg_temp.new_session() AS s6 \gset
UPDATE chronos.video_watch_sessions SET session_start = now() + interval '3 hours' WHERE id = :'s6';
SELECT is(chronos.close_stale_watch_sessions('5 minutes'), 2,
    'close_stale_watch_sessions closes s5 and s6: their last sign of life is more than 5 minutes ahead');
SELECT is((SELECT string_agg(format('%s %s', CASE id WHEN :'s5' THEN 's5' ELSE 's6' END,
                                    CASE WHEN session_end = now() THEN 'now'
                                         WHEN session_end = session_start THEN 'at its start'
                                         ELSE session_end::text END), ', ' ORDER BY 1)
             FROM chronos.video_watch_sessions WHERE id IN (:'s5', :'s6')),
    's5 now, s6 at its start', 's5 ends now (not two hours ahead), s6 at its own start');
SELECT is(chronos.current_viewers('5e500000-0000-4000-8002-0000000000a1'), 1, 's4 is still watching');
COMMIT;

DELETE FROM chronos.creators WHERE id = '5e500000-0000-4000-8000-00000000000a';
SELECT * FROM finish();
