-- Partition maintenance while events are ingested, and retries of one event
-- id racing across partitions, with real connections (dblink).
--   1. Two connections ingest events (one transaction each, acknowledged in
--      the same transaction) over five years of months, many of which have
--      no partition yet (they land in the default partition), some ids sent
--      by both with different timestamps; a third runs
--      maintain_event_partitions() over and over.  Afterwards every
--      acknowledged id is stored exactly once and nothing else is.
--   2. The same event id from two connections, dated in different
--      partitions: the second waits for the first's lock and then returns the
--      id without writing (or writes its own when the first rolled back).
-- dblink connections see only committed rows, so this file commits; it runs
-- in a database of its own that is dropped afterwards.  Ids: prefix e8.
SET client_min_messages = warning;
SELECT plan(47);

\set ids 'e8%s00000-0000-4000-8000-%s'
\set whop evpart_conc_
\set creators a
\set students a1
\set videos a1
\ir ../fixtures/people.sql
\ir ../fixtures/catalog.sql
\ir ../fixtures/dblink.sql

-- month(k): the start (UTC) of the k-th month after the current one.
CREATE FUNCTION public.evpc_month(k integer) RETURNS timestamptz
LANGUAGE sql AS $$
    SELECT (date_trunc('month', now() AT TIME ZONE 'UTC') + k * interval '1 month') AT TIME ZONE 'UTC'
$$;
-- What the connections acknowledge and what fails them (committed rows).
CREATE TABLE public.evpc_ack (conn text NOT NULL, id uuid NOT NULL, ts timestamptz NOT NULL);
CREATE TABLE public.evpc_err (conn text NOT NULL, state text, message text);
CREATE TABLE public.evpc_runs (created integer, moved bigint, dropped integer);

-- The SQL an ingesting connection runs: p_n events, one transaction each;
-- event i has id md5(conn || i), or md5('shared' || i) for every fifth i (both
-- connections send those, with their own timestamps), and a timestamp in
-- one of 61 months around now.
CREATE FUNCTION pg_temp.ingest_sql(p_conn text, p_n integer, p_step integer) RETURNS text
LANGUAGE sql AS $body$
    SELECT format($f$
DO $d$
DECLARE
    v_id uuid;
    v_ts timestamptz;
BEGIN
    FOR i IN 1 .. %s LOOP
        v_id := md5(CASE WHEN i %% 5 = 0 THEN 'shared' ELSE %L END || i)::uuid;
        v_ts := public.evpc_month(((i * %s) %% 61) - 30) + (i %% 27) * interval '1 day' + i * interval '1 second';
        BEGIN
            PERFORM chronos.track_video_event('video_started', 'e8300000-0000-4000-8000-0000000000a1',
                                              'e8100000-0000-4000-8000-00000000000a', 'e8200000-0000-4000-8000-0000000000a1',
                                              p_timestamp => v_ts, p_event_id => v_id);
            INSERT INTO public.evpc_ack VALUES (%L, v_id, v_ts);
        EXCEPTION WHEN OTHERS THEN
            INSERT INTO public.evpc_err VALUES (%L, SQLSTATE, SQLERRM);
        END;
        COMMIT;
    END LOOP;
END
$d$$f$, p_n, p_conn, p_step, p_conn, p_conn)
$body$;
-- The SQL of the maintaining connection: p_n runs, one transaction each.
CREATE FUNCTION pg_temp.maintain_sql(p_n integer) RETURNS text
LANGUAGE sql AS $body$
    SELECT format($f$
DO $d$
BEGIN
    FOR i IN 1 .. %s LOOP
        BEGIN
            INSERT INTO public.evpc_runs SELECT * FROM chronos.maintain_event_partitions();
        EXCEPTION WHEN OTHERS THEN
            INSERT INTO public.evpc_err VALUES ('m', SQLSTATE, SQLERRM);
        END;
        COMMIT;
        PERFORM pg_sleep(0.01);
    END LOOP;
END
$d$$f$, p_n)
$body$;

SELECT is(pg_temp.connect('a'), 'OK', 'connection a');
SELECT is(pg_temp.connect('b'), 'OK', 'connection b');
SELECT is(pg_temp.connect('m'), 'OK', 'connection m');

--
-- 1. Ingestion during maintenance
--
SELECT is(dblink_send_query('m', pg_temp.maintain_sql(60)), 1, 'm starts maintaining, 60 times');
SELECT is(dblink_send_query('a', pg_temp.ingest_sql('a', 400, 7)), 1, 'a starts ingesting 400 events');
SELECT is(dblink_send_query('b', pg_temp.ingest_sql('b', 400, 11)), 1, 'b starts ingesting 400 events');
SELECT is((SELECT r FROM dblink_get_result('a') AS t (r text)), 'DO', 'a is done');
SELECT is((SELECT count(*) FROM dblink_get_result('a') AS t (r text)), 0::bigint, '... and idle');
SELECT is((SELECT r FROM dblink_get_result('b') AS t (r text)), 'DO', 'b is done');
SELECT is((SELECT count(*) FROM dblink_get_result('b') AS t (r text)), 0::bigint, '... and idle');
SELECT is((SELECT r FROM dblink_get_result('m') AS t (r text)), 'DO', 'm is done');
SELECT is((SELECT count(*) FROM dblink_get_result('m') AS t (r text)), 0::bigint, '... and idle');

-- An ingesting transaction that has read the events table (the idempotency
-- lookup of an explicit event id reads every partition) and then writes
-- into the default partition must not deadlock with maintenance: it takes
-- the default partition ACCESS EXCLUSIVE at once, never a weaker lock first.
SELECT is((SELECT count(*) FROM public.evpc_err WHERE conn IN ('a', 'b')), 0::bigint,
          'no ingestion failed')
    || coalesce(E'\n' || diag((SELECT string_agg(format('%s: %s %s', conn, state, message), E'\n')
                                  FROM (SELECT * FROM public.evpc_err WHERE conn IN ('a', 'b') LIMIT 5) e)), '');
SELECT is((SELECT count(*) FROM public.evpc_ack), 800::bigint, '... all 800 calls were acknowledged');
SELECT cmp_ok((SELECT count(*) FROM public.evpc_runs WHERE created > 0 OR moved > 0), '>', 0::bigint,
              'maintenance created partitions and moved rows while ingestion ran')
    || E'\n' || diag(format('%s runs: %s partitions created, %s rows moved; failed runs: %s', count(*),
                            sum(created), sum(moved),
                            (SELECT coalesce(string_agg(DISTINCT state || ' ' || message, '; '), 'none')
                               FROM public.evpc_err WHERE conn = 'm')))
  FROM public.evpc_runs;
SELECT is((SELECT count(*) FROM chronos.video_analytics_events WHERE creator_id = 'e8100000-0000-4000-8000-00000000000a'),
          (SELECT count(DISTINCT id) FROM public.evpc_ack),
          'as many events as distinct ids acknowledged');
SELECT is_empty($$SELECT id FROM public.evpc_ack
                  EXCEPT SELECT id FROM chronos.video_analytics_events WHERE creator_id = 'e8100000-0000-4000-8000-00000000000a'$$,
                'no acknowledged event is lost');
SELECT is_empty($$SELECT id FROM chronos.video_analytics_events WHERE creator_id = 'e8100000-0000-4000-8000-00000000000a'
                   GROUP BY id HAVING count(*) > 1$$, 'no event is stored twice (the shared ids once)');
SELECT cmp_ok((SELECT count(*) FROM public.evpc_ack a WHERE a.conn = 'a'
                  AND a.id IN (SELECT id FROM public.evpc_ack WHERE conn = 'b')), '>', 0::bigint,
              '... (of the 80 ids sent by both, with different timestamps, many were acknowledged to both)');
SELECT is_empty($$SELECT e."timestamp" FROM chronos.video_analytics_events e
                   WHERE e.creator_id = 'e8100000-0000-4000-8000-00000000000a'
                     AND NOT EXISTS (SELECT FROM public.evpc_ack a WHERE a.id = e.id AND a.ts = e."timestamp")$$,
                'every stored event carries the timestamp of an acknowledged call of its id');
SELECT results_eq($$SELECT rows_moved > 0 OR NOT EXISTS (SELECT FROM ONLY chronos.video_analytics_events_default)
                      FROM chronos.maintain_event_partitions()$$, $$VALUES (true)$$, 'a last run of maintenance');
SELECT is_empty('SELECT * FROM ONLY chronos.video_analytics_events_default', '... empties the default partition');
SELECT is((SELECT count(*) FROM chronos.video_analytics_events WHERE creator_id = 'e8100000-0000-4000-8000-00000000000a'),
          (SELECT count(DISTINCT id) FROM public.evpc_ack), '... and keeps every event');

--
-- 2. One event id, retried from two connections, in different partitions
--
-- The SQL of one call for id e89...<n> dated p_ts.
CREATE FUNCTION pg_temp.track_sql(p_n text, p_ts timestamptz) RETURNS text
LANGUAGE sql AS $$
    SELECT format($f$SELECT chronos.track_video_event('video_started', 'e8300000-0000-4000-8000-0000000000a1',
        'e8100000-0000-4000-8000-00000000000a', 'e8200000-0000-4000-8000-0000000000a1',
        p_timestamp => %L, p_event_id => %L)::text$f$, p_ts, 'e8900000-0000-4000-8000-' || lpad(p_n, 12, '0'))
$$;
-- where_is(n): the partitions holding event e89...<n>, by name.
\ir ../fixtures/where_is.sql
CREATE TABLE public.evpc_parts AS
SELECT 'video_analytics_events_p' || to_char(public.evpc_month(0) AT TIME ZONE 'UTC', 'YYYYMMDD') AS this_month,
       'video_analytics_events_p' || to_char(public.evpc_month(2) AT TIME ZONE 'UTC', 'YYYYMMDD') AS in_two_months;

-- a commits: b returns the id, writes nothing
SELECT is(dblink_exec('a', 'BEGIN'), 'BEGIN', 'a begins');
SELECT is((SELECT r FROM dblink('a', pg_temp.track_sql('1', now())) AS t (r text)),
          'e8900000-0000-4000-8000-000000000001', 'a tracks event 1 dated now and does not commit yet');
SELECT is(dblink_send_query('b', pg_temp.track_sql('1', public.evpc_month(2) + interval '3 days')), 1,
          'b sends event 1 dated in two months (another partition)');
SELECT ok(pg_temp.waits_for_lock('b'), 'b waits for a');
SELECT is(dblink_exec('a', 'COMMIT'), 'COMMIT', 'a commits');
SELECT is((SELECT r FROM dblink_get_result('b') AS t (r text)), 'e8900000-0000-4000-8000-000000000001',
          'b returns the id, without an error');
SELECT is((SELECT count(*) FROM dblink_get_result('b') AS t (r text)), 0::bigint, 'b is done');
SELECT is(pg_temp.where_is('1'), (SELECT this_month FROM public.evpc_parts),
          'exactly one row, a''s, in this month''s partition');

-- the first in the default partition, the retry in a partition: a batch
SELECT is(dblink_exec('a', 'BEGIN'), 'BEGIN', 'a begins');
SELECT is((SELECT r FROM dblink('a', pg_temp.track_sql('2', public.evpc_month(100))) AS t (r text)),
          'e8900000-0000-4000-8000-000000000002', 'a tracks event 2 dated far ahead (the default partition)');
SELECT is(dblink_send_query('b', format('SELECT chronos.track_video_events(%L)::text', jsonb_build_array(
              jsonb_build_object('event_type', 'video_started', 'video_id', 'e8300000-0000-4000-8000-0000000000a1',
                                 'creator_id', 'e8100000-0000-4000-8000-00000000000a',
                                 'student_id', 'e8200000-0000-4000-8000-0000000000a1',
                                 'event_id', 'e8900000-0000-4000-8000-000000000002', 'timestamp', now())))), 1,
          'b sends event 2 dated now in a batch');
SELECT ok(pg_temp.waits_for_lock('b'), 'b waits for a');
SELECT is(dblink_exec('a', 'COMMIT'), 'COMMIT', 'a commits');
SELECT is((SELECT r FROM dblink_get_result('b') AS t (r text)), '0', 'b writes nothing, without an error');
SELECT is((SELECT count(*) FROM dblink_get_result('b') AS t (r text)), 0::bigint, 'b is done');
SELECT is(pg_temp.where_is('2'), 'video_analytics_events_default', 'exactly one row, a''s, in the default partition');

-- a rolls back: b writes its own, in its own partition
SELECT is(dblink_exec('a', 'BEGIN'), 'BEGIN', 'a begins');
SELECT is((SELECT r FROM dblink('a', pg_temp.track_sql('3', now())) AS t (r text)),
          'e8900000-0000-4000-8000-000000000003', 'a tracks event 3 dated now');
SELECT is(dblink_send_query('b', pg_temp.track_sql('3', public.evpc_month(2))), 1,
          'b sends event 3 dated in two months');
SELECT ok(pg_temp.waits_for_lock('b'), 'b waits for a');
SELECT is(dblink_exec('a', 'ROLLBACK'), 'ROLLBACK', 'a rolls back');
SELECT is((SELECT r FROM dblink_get_result('b') AS t (r text)), 'e8900000-0000-4000-8000-000000000003',
          'b returns the id');
SELECT is((SELECT count(*) FROM dblink_get_result('b') AS t (r text)), 0::bigint, 'b is done');
SELECT is(pg_temp.where_is('3'), (SELECT in_two_months FROM public.evpc_parts),
          'exactly one row, b''s, in its partition');

SELECT dblink_disconnect('a'), dblink_disconnect('b'), dblink_disconnect('m') \g /dev/null
DELETE FROM chronos.creators WHERE id = 'e8100000-0000-4000-8000-00000000000a';
SELECT * FROM finish();
