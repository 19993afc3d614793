-- refresh_video_analytics while sessions are written, over real connections
-- (dblink): a refresh never waits for a heartbeat, and a heartbeat it cannot
-- see stays pending for the next refresh; a heartbeat never waits for a
-- refresh, nor for another student's heartbeat on the same video; two
-- refreshes at once run one after the other; and under writers and
-- refreshes running at the same time, nothing is lost or counted twice (the
-- rollups end up equal to a recomputation from scratch, and a full refresh
-- changes nothing).  dblink connections see only
-- committed rows, so this file commits; it runs in a database of its own
-- that is dropped afterwards.  Ids: prefix a8.
SET client_min_messages = warning;
SELECT plan(60);

\set ids 'a8%s00000-0000-4000-8000-%s'
\set creators 'a=rollup_race_user'
\set creators_with '{"a": {"timezone": "Asia/Tokyo"}}'
\set students 'a1=racer_1 a2=racer_2 a3=racer_3'
\set videos 'a1=10 a2=10'
\set videos_with '{"a1": {"title": "v1"}, "a2": {"title": "v2"}}'
\ir ../fixtures/people.sql
\ir ../fixtures/catalog.sql

\ir ../fixtures/dblink.sql

-- The rollups of this creator as 'video date views unique_viewers
-- watch_time completions completion_rate rewatches', sorted.
CREATE FUNCTION pg_temp.rollups() RETURNS SETOF text
LANGUAGE sql AS $$
    SELECT format('%s %s %s %s %s %s %s %s', v.title, a."date", a.views, a.unique_viewers,
                  a.total_watch_time_seconds, a.completions, a.completion_rate, a.rewatches)
      FROM chronos.video_analytics a JOIN chronos.videos v ON v.id = a.video_id
     ORDER BY v.title, a."date"
$$;

-- The same, recomputed from the sessions by the definitions.
\ir ../fixtures/rollups.sql
CREATE FUNCTION pg_temp.recomputed() RETURNS SETOF text
LANGUAGE sql AS $$
    SELECT format('%s %s %s %s %s %s %s %s', v.title, x.day, x.views, x.viewers, x.watch,
                  x.completions, round(100.0 * x.completers / x.viewers, 2), x.rewatches)
      FROM pg_temp.recomputed_rollups() AS x JOIN chronos.videos v ON v.id = x.video_id
     ORDER BY v.title, x.day
$$;

-- today: the creator's local day now.
CREATE FUNCTION pg_temp.today() RETURNS text
LANGUAGE sql AS $$ SELECT (now() AT TIME ZONE 'Asia/Tokyo')::date::text $$;

SELECT is(pg_temp.connect('a'), 'OK', 'connection a');
SELECT is(pg_temp.connect('b'), 'OK', 'connection b');
SELECT is(pg_temp.connect('c'), 'OK', 'connection c');

--
-- 1. A refresh while a heartbeat's transaction is open: the refresh does not
--    wait, and cannot see the heartbeat (nor its pending entry), which stays
--    for the next refresh.
--
SELECT chronos.start_watch_session('a8200000-0000-4000-8000-0000000000a1', 'a8300000-0000-4000-8000-0000000000a1') AS s1 \gset
SELECT is(chronos.refresh_video_analytics(), 1, 'the new session is counted');
SELECT is(dblink_exec('a', 'BEGIN'), 'BEGIN', 'a begins');
SELECT is((SELECT r FROM dblink('a', format($$SELECT (chronos.record_watch_progress(%L, 0, 5)).watch_time_seconds::text$$, :'s1'))
             AS t (r text)), '5', 'a records 5 seconds of s1 and does not commit yet');
SELECT is(dblink_send_query('b', 'SELECT chronos.refresh_video_analytics()::text'), 1, 'b refreshes');
SELECT ok(NOT pg_temp.waits_for_lock('b', 2), 'b does not wait for a');
SELECT is((SELECT r FROM dblink_get_result('b') AS t (r text)), '0', 'b finds nothing it can see pending');
SELECT is((SELECT count(*) FROM dblink_get_result('b') AS t (r text)), 0::bigint, 'b is done');
SELECT is(dblink_exec('a', 'COMMIT'), 'COMMIT', 'a commits');
SELECT results_eq('SELECT * FROM pg_temp.rollups()', format($$VALUES ('v1 %s 1 1 0 0 0.00 0')$$, pg_temp.today()),
    'the row does not count a''s heartbeat yet');
SELECT is(chronos.refresh_video_analytics(), 1, 'the next refresh takes a''s heartbeat in');
SELECT results_eq('SELECT * FROM pg_temp.rollups()', format($$VALUES ('v1 %s 1 1 5 0 0.00 0')$$, pg_temp.today()),
    'the row counts a''s 5 seconds');

--
-- 2. The same with a heartbeat that completes the session.
--
SELECT is(dblink_exec('a', 'BEGIN'), 'BEGIN', 'a begins');
SELECT is((SELECT r FROM dblink('a', format($$SELECT (chronos.record_watch_progress(%L, 5, 9)).completed::text$$, :'s1'))
             AS t (r text)), 'true', 'a completes s1 and does not commit yet');
SELECT is((SELECT r FROM dblink('b', 'SELECT chronos.refresh_video_analytics()::text') AS t (r text)), '0',
    'b refreshes meanwhile without waiting: nothing it can see is pending');
SELECT is(dblink_exec('a', 'COMMIT'), 'COMMIT', 'a commits');
SELECT is(chronos.refresh_video_analytics(), 1, 'the next refresh takes a''s heartbeat in');
SELECT results_eq('SELECT * FROM pg_temp.rollups()', format($$VALUES ('v1 %s 1 1 9 1 100.00 0')$$, pg_temp.today()),
    'the row counts the completion');

--
-- 3. Two refreshes at once: the second waits for the first, then finds the
--    work done.
--
SELECT is((chronos.start_watch_session('a8200000-0000-4000-8000-0000000000a2', 'a8300000-0000-4000-8000-0000000000a1') IS NOT NULL),
    true, 'another student starts a session');
SELECT is(dblink_exec('a', 'BEGIN'), 'BEGIN', 'a begins');
SELECT is((SELECT r FROM dblink('a', 'SELECT chronos.refresh_video_analytics()::text') AS t (r text)), '1',
    'a refreshes and does not commit yet');
SELECT is(dblink_send_query('b', 'SELECT chronos.refresh_video_analytics()::text'), 1, 'b refreshes');
SELECT ok(pg_temp.waits_for_lock('b'), 'b waits for a');
SELECT is(dblink_exec('a', 'COMMIT'), 'COMMIT', 'a commits');
SELECT is((SELECT r FROM dblink_get_result('b') AS t (r text)), '0', 'b writes nothing: a did the work');
SELECT is((SELECT count(*) FROM dblink_get_result('b') AS t (r text)), 0::bigint, 'b is done');
SELECT results_eq('SELECT * FROM pg_temp.rollups()', format($$VALUES ('v1 %s 2 2 9 1 50.00 0')$$, pg_temp.today()),
    'the session is counted once');

--
-- 4. A heartbeat while a refresh runs (and holds its transaction open, as a
--    long refresh with p_since would): the heartbeat only appends to the
--    pending log, so it does not wait, and the next refresh takes it in.
--
SELECT is((chronos.record_watch_progress(:'s1', 9, 10)).watch_time_seconds, 10, 'a heartbeat on s1 leaves its entry pending');
SELECT is(dblink_exec('a', 'BEGIN'), 'BEGIN', 'a begins');
SELECT is((SELECT r FROM dblink('a', 'SELECT chronos.refresh_video_analytics()::text') AS t (r text)), '1',
    'a refreshes (claiming s1''s entry) and does not commit yet, as a long refresh would not');
SELECT is(dblink_send_query('b', format($$SELECT (chronos.record_watch_progress(%L, 0, 1)).watch_time_seconds::text$$, :'s1')), 1,
    'b sends a heartbeat on s1');
SELECT ok(NOT pg_temp.waits_for_lock('b', 2), 'the heartbeat does not wait for the refresh');
SELECT is(dblink_exec('a', 'COMMIT'), 'COMMIT', 'a commits');
SELECT is((SELECT r FROM dblink_get_result('b') AS t (r text)), '11', 'b''s heartbeat is recorded');
SELECT is((SELECT count(*) FROM dblink_get_result('b') AS t (r text)), 0::bigint, 'b is done');
SELECT is(chronos.refresh_video_analytics(), 1, 'the next refresh takes b''s heartbeat in');

-- Two students' heartbeats on one video, for sessions started in the same
-- quarter hour, do not wait for each other: the viewers of a popular video
-- record their progress side by side.
SELECT chronos.start_watch_session('a8200000-0000-4000-8000-0000000000a3', 'a8300000-0000-4000-8000-0000000000a1') AS s3 \gset
SELECT is(dblink_exec('a', 'BEGIN'), 'BEGIN', 'a begins');
SELECT is((SELECT r FROM dblink('a', format($$SELECT (chronos.record_watch_progress(%L, 1, 2)).watch_time_seconds::text$$, :'s1'))
             AS t (r text)), '12', 'a records a heartbeat of s1 and does not commit yet');
SELECT is(dblink_send_query('b', format($$SELECT (chronos.record_watch_progress(%L, 0, 1)).watch_time_seconds::text$$, :'s3')), 1,
    'b sends a heartbeat of s3, another student''s session of the same video');
SELECT ok(NOT pg_temp.waits_for_lock('b', 2), 'b does not wait for a');
SELECT is(dblink_exec('a', 'COMMIT'), 'COMMIT', 'a commits');
SELECT is((SELECT r FROM dblink_get_result('b') AS t (r text)), '1', 'b''s heartbeat is recorded');
SELECT is((SELECT count(*) FROM dblink_get_result('b') AS t (r text)), 0::bigint, 'b is done');

--
-- 5. Writers and refreshes at the same time: a and b each run sessions of
--    their own student (ten one-second heartbeats each, committed one by
--    one, alternating between two videos), while c refreshes over and over.
--
CREATE TABLE public.rollup_race_done (writer uuid);
CREATE TABLE public.rollup_race_log (written integer);
CREATE PROCEDURE public.rollup_race_writer(p_student uuid, p_sessions integer)
LANGUAGE plpgsql AS $$
DECLARE
    v_session uuid;
BEGIN
    FOR i IN 1 .. p_sessions LOOP
        v_session := chronos.start_watch_session(p_student,
            CASE WHEN i % 2 = 0 THEN 'a8300000-0000-4000-8000-0000000000a1'::uuid
                 ELSE 'a8300000-0000-4000-8000-0000000000a2'::uuid END);
        COMMIT;
        FOR j IN 0 .. 9 LOOP
            PERFORM chronos.record_watch_progress(v_session, j, j + 1);
            COMMIT;
        END LOOP;
    END LOOP;
    INSERT INTO public.rollup_race_done VALUES (p_student);
END
$$;
-- refreshes until both writers are done (at most 60 seconds)
CREATE PROCEDURE public.rollup_race_refresher()
LANGUAGE plpgsql AS $$
DECLARE
    v_until timestamptz := clock_timestamp() + interval '60 seconds';
BEGIN
    LOOP
        INSERT INTO public.rollup_race_log VALUES (chronos.refresh_video_analytics());
        COMMIT;
        EXIT WHEN (SELECT count(*) FROM public.rollup_race_done) = 2 OR clock_timestamp() > v_until;
        PERFORM pg_sleep(0.002);
    END LOOP;
END
$$;
SELECT is(dblink_send_query('c', 'CALL public.rollup_race_refresher()'), 1, 'c refreshes until the writers are done');
SELECT is(dblink_send_query('a', $$CALL public.rollup_race_writer('a8200000-0000-4000-8000-0000000000a1', 12)$$), 1,
    'a writes 12 sessions');
SELECT is(dblink_send_query('b', $$CALL public.rollup_race_writer('a8200000-0000-4000-8000-0000000000a3', 12)$$), 1,
    'b writes 12 sessions');
SELECT is((SELECT r FROM dblink_get_result('a') AS t (r text)), 'CALL', 'a finishes without an error');
SELECT is((SELECT r FROM dblink_get_result('b') AS t (r text)), 'CALL', 'b finishes without an error');
SELECT is((SELECT r FROM dblink_get_result('c') AS t (r text)), 'CALL', 'c finishes without an error');
SELECT is((SELECT count(*) FROM dblink_get_result('a') AS t (r text)) + (SELECT count(*) FROM dblink_get_result('b') AS t (r text))
          + (SELECT count(*) FROM dblink_get_result('c') AS t (r text)), 0::bigint, 'all three are done');
SELECT cmp_ok((SELECT count(*) FROM public.rollup_race_log WHERE written > 0), '>', 0::bigint,
    'refreshes wrote rows while the sessions were being written');
SELECT is(chronos.refresh_video_analytics() >= 0, true, 'a last refresh takes in what was left');
SELECT results_eq('SELECT * FROM pg_temp.rollups()', 'SELECT * FROM pg_temp.recomputed()',
    'the rollups equal a recomputation from scratch: nothing lost, nothing counted twice');
SELECT is((SELECT count(*) FROM chronos.video_analytics_pending), 0::bigint, 'no work is left pending');
SELECT is((SELECT sum(views) FROM chronos.video_analytics), 27::bigint, 'views: the 3 sessions of sections 1 to 4 and the 24 written');
SELECT is(chronos.refresh_video_analytics('2000-01-01 00:00+00'), (SELECT count(*)::integer FROM chronos.video_analytics),
    'a full refresh rewrites every row ...');
SELECT results_eq('SELECT * FROM pg_temp.recomputed()', 'SELECT * FROM pg_temp.rollups()', '... and changes nothing');

SELECT is(dblink_disconnect('a') || dblink_disconnect('b') || dblink_disconnect('c'), 'OKOKOK', 'the connections close');
DROP PROCEDURE public.rollup_race_writer(uuid, integer);
DROP PROCEDURE public.rollup_race_refresher();
DROP TABLE public.rollup_race_done, public.rollup_race_log;
SELECT * FROM finish();
