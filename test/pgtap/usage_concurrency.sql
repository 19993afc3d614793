-- record_usage raced by two real connections (dblink): the same report sent
-- twice at once (a retry while the first is still running) is recorded
-- once, and both calls answer the row; a report with other figures waits
-- for the first and is then refused (23505); when the first rolls back the
-- second is recorded.  Connection a holds its transaction open, b's call
-- waits for a's row (checked in pg_stat_activity).  dblink connections see
-- only committed rows, so this file commits its data and removes it at the
-- end.  Ids: prefix c4.
SET client_min_messages = warning;
SELECT plan(27);

\set ids 'c4%s00000-0000-4000-8000-%s'
\set creators a
\ir ../fixtures/people.sql
\ir ../fixtures/dblink.sql

-- record_sql(day, cost): a's chat of 10 messages on that day at that cost.
CREATE FUNCTION pg_temp.record_sql(p_day date, p_cost numeric) RETURNS text
LANGUAGE sql AS $$
    SELECT format($f$SELECT (chronos.record_usage('c4100000-0000-4000-8000-00000000000a', %L, 'chat', 10, %s)).cost$f$,
                  p_day, p_cost)
$$;
CREATE FUNCTION pg_temp.rows_of(p_day date) RETURNS text
LANGUAGE sql AS $$
    SELECT coalesce(string_agg(cost::text, ' '), 'none') FROM chronos.usage_metrics WHERE "date" = p_day
$$;

SELECT is(pg_temp.connect('a'), 'OK', 'connection a');
SELECT is(pg_temp.connect('b'), 'OK', 'connection b');

-- 1. the same report twice at once
SELECT is(dblink_exec('a', 'BEGIN'), 'BEGIN', 'a begins');
SELECT is((SELECT c FROM dblink('a', pg_temp.record_sql('2025-03-03', 0.02)) AS t (c numeric)), 0.02,
    'a records the chat of 03-03 and does not commit yet');
SELECT is(dblink_send_query('b', pg_temp.record_sql('2025-03-03', 0.02)), 1, 'b sends the same report');
SELECT ok(pg_temp.waits_for_lock('b'), 'b waits for a');
SELECT is(dblink_exec('a', 'COMMIT'), 'COMMIT', 'a commits');
SELECT is((SELECT c FROM dblink_get_result('b') AS t (c numeric)), 0.02, 'b answers the row a recorded');
SELECT is((SELECT count(*)::int FROM dblink_get_result('b') AS t (c numeric)), 0, 'b is done');
SELECT is(pg_temp.rows_of('2025-03-03'), '0.02', 'one row');

-- 2. other figures at once: refused once the first commits
SELECT is(dblink_exec('a', 'BEGIN'), 'BEGIN', 'a begins');
SELECT is((SELECT c FROM dblink('a', pg_temp.record_sql('2025-03-04', 0.02)) AS t (c numeric)), 0.02,
    'a records the chat of 03-04');
SELECT is(dblink_send_query('b', pg_temp.record_sql('2025-03-04', 0.03)), 1, 'b sends other figures for it');
SELECT ok(pg_temp.waits_for_lock('b'), 'b waits for a');
SELECT is(dblink_exec('a', 'COMMIT'), 'COMMIT', 'a commits');
SELECT is((SELECT count(*)::int FROM dblink_get_result('b', false) AS t (c numeric)), 0, 'b gets no row');
SELECT alike(dblink_error_message('b'), '%chat usage of creator c4100000-0000-4000-8000-00000000000a on 2025-03-04 is recorded already with other figures%',
    'but the refusal of other figures for a recorded report');
SELECT is((SELECT count(*)::int FROM dblink_get_result('b') AS t (c numeric)), 0, 'b is done');
SELECT is(pg_temp.rows_of('2025-03-04'), '0.02', 'the first figures stand');


-- 3. the first rolls back: the second is recorded
SELECT is(dblink_exec('a', 'BEGIN'), 'BEGIN', 'a begins');
SELECT is((SELECT c FROM dblink('a', pg_temp.record_sql('2025-03-05', 0.02)) AS t (c numeric)), 0.02,
    'a records the chat of 03-05');
SELECT is(dblink_send_query('b', pg_temp.record_sql('2025-03-05', 0.03)), 1, 'b sends other figures for it');
SELECT ok(pg_temp.waits_for_lock('b'), 'b waits for a');
SELECT is(dblink_exec('a', 'ROLLBACK'), 'ROLLBACK', 'a rolls back');
SELECT is((SELECT c FROM dblink_get_result('b') AS t (c numeric)), 0.03, 'b records its figures');
SELECT is((SELECT count(*)::int FROM dblink_get_result('b') AS t (c numeric)), 0, 'b is done');
SELECT is(pg_temp.rows_of('2025-03-05'), '0.03', 'one row, b''s');

SELECT dblink_disconnect('a'), dblink_disconnect('b') \g /dev/null
DELETE FROM chronos.creators WHERE id = 'c4100000-0000-4000-8000-00000000000a';
SELECT * FROM finish();
