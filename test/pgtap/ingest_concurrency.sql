-- Two real connections (dblink) send the same event id at once: exactly one
-- row is written and neither call fails; the second waits for the first and
-- then sees its event (the same content: a replay; different content:
-- 23505; the first rolled back: the second writes its own).  dblink
-- connections see only committed rows, so this file commits its data; it
-- runs in a database of its own that is dropped afterwards.  Ids: prefix e4.
SET client_min_messages = warning;
SELECT plan(46);

\set ids 'e4%s00000-0000-4000-8000-%s'
\set whop concurrency_
\set creators a
\set students a1
\set videos a1
\ir ../fixtures/people.sql
\ir ../fixtures/catalog.sql
\ir ../fixtures/dblink.sql

-- The SQL of one call of track_video_event for video a1 with id and type.
CREATE FUNCTION pg_temp.track_sql(p_type text, p_id text, p_metadata text DEFAULT '{}') RETURNS text
LANGUAGE sql AS $$
    SELECT format($f$SELECT chronos.track_video_event(%L, 'e4300000-0000-4000-8000-0000000000a1',
        'e4100000-0000-4000-8000-00000000000a', 'e4200000-0000-4000-8000-0000000000a1',
        p_metadata => %L, p_event_id => %L)::text$f$, p_type, p_metadata, p_id)
$$;

-- The SQL of one call of track_video_events with one video_started per id
-- (the same event as track_sql('video_started', id)).
CREATE FUNCTION pg_temp.batch_sql(VARIADIC p_ids text[]) RETURNS text
LANGUAGE sql AS $$
    SELECT format('SELECT chronos.track_video_events(%L)::text', jsonb_agg(jsonb_build_object(
        'event_type', 'video_started', 'video_id', 'e4300000-0000-4000-8000-0000000000a1',
        'creator_id', 'e4100000-0000-4000-8000-00000000000a', 'student_id', 'e4200000-0000-4000-8000-0000000000a1',
        'event_id', id)))
      FROM unnest(p_ids) AS id
$$;

SELECT is(pg_temp.connect('a'), 'OK', 'connection a');
SELECT is(pg_temp.connect('b'), 'OK', 'connection b');

--
-- 1. The same event from a and b at once
--
SELECT is(dblink_exec('a', 'BEGIN'), 'BEGIN', 'a begins');
SELECT is((SELECT r FROM dblink('a', pg_temp.track_sql('video_started', 'e4900000-0000-4000-8000-000000000001')) AS t (r text)),
          'e4900000-0000-4000-8000-000000000001', 'a tracks event 1 and does not commit yet');
SELECT is(dblink_send_query('b', pg_temp.track_sql('video_started', 'e4900000-0000-4000-8000-000000000001')), 1,
          'b sends the same event');
SELECT ok(pg_temp.waits_for_lock('b'), 'b waits for a');
SELECT is(dblink_exec('a', 'COMMIT'), 'COMMIT', 'a commits');
SELECT is((SELECT r FROM dblink_get_result('b') AS t (r text)), 'e4900000-0000-4000-8000-000000000001',
          'b returns the id, without an error');
SELECT is((SELECT count(*) FROM dblink_get_result('b') AS t (r text)), 0::bigint, 'b is done');
SELECT is((SELECT count(*) FROM chronos.video_analytics_events WHERE id = 'e4900000-0000-4000-8000-000000000001'),
          1::bigint, 'exactly one row was written');

--
-- 2. Different events under one id from a and b at once
--
SELECT is(dblink_exec('a', 'BEGIN'), 'BEGIN', 'a begins');
SELECT is((SELECT r FROM dblink('a', pg_temp.track_sql('video_started', 'e4900000-0000-4000-8000-000000000002')) AS t (r text)),
          'e4900000-0000-4000-8000-000000000002', 'a tracks event 2 and does not commit yet');
SELECT is(dblink_send_query('b', pg_temp.track_sql('video_paused', 'e4900000-0000-4000-8000-000000000002')), 1,
          'b sends another event under the same id');
SELECT ok(pg_temp.waits_for_lock('b'), 'b waits for a');
SELECT is(dblink_exec('a', 'COMMIT'), 'COMMIT', 'a commits');
SELECT throws_ok($$SELECT * FROM dblink_get_result('b') AS t (r text)$$, '23505',
                 'event e4900000-0000-4000-8000-000000000002 already exists with different content',
                 'b is refused: a unique_violation');
SELECT is((SELECT count(*) FROM dblink_get_result('b') AS t (r text)), 0::bigint, 'b is done');
SELECT results_eq($$SELECT event_type::text FROM chronos.video_analytics_events
                     WHERE id = 'e4900000-0000-4000-8000-000000000002'$$,
                  $$VALUES ('video_started')$$, 'one row, a''s');

--
-- 3. a rolls back: b writes its own event
--
SELECT is(dblink_exec('a', 'BEGIN'), 'BEGIN', 'a begins');
SELECT is((SELECT r FROM dblink('a', pg_temp.track_sql('video_started', 'e4900000-0000-4000-8000-000000000003', '{"by": "a"}')) AS t (r text)),
          'e4900000-0000-4000-8000-000000000003', 'a tracks event 3 and does not commit yet');
SELECT is(dblink_send_query('b', pg_temp.track_sql('video_started', 'e4900000-0000-4000-8000-000000000003', '{"by": "b"}')), 1,
          'b sends an event under the same id');
SELECT ok(pg_temp.waits_for_lock('b'), 'b waits for a');
SELECT is(dblink_exec('a', 'ROLLBACK'), 'ROLLBACK', 'a rolls back');
SELECT is((SELECT r FROM dblink_get_result('b') AS t (r text)), 'e4900000-0000-4000-8000-000000000003',
          'b returns the id');
SELECT is((SELECT count(*) FROM dblink_get_result('b') AS t (r text)), 0::bigint, 'b is done');
SELECT results_eq($$SELECT metadata FROM chronos.video_analytics_events WHERE id = 'e4900000-0000-4000-8000-000000000003'$$,
                  $$VALUES ('{"by": "b"}'::jsonb)$$, 'one row, b''s');

--
-- 4. Two batches that share an id
--
SELECT is(dblink_exec('a', 'BEGIN'), 'BEGIN', 'a begins');
SELECT is((SELECT r FROM dblink('a', pg_temp.batch_sql('e4900000-0000-4000-8000-000000000011',
                                                       'e4900000-0000-4000-8000-000000000012')) AS t (r text)),
          '2', 'a tracks events 11 and 12 in a batch and does not commit yet');
SELECT is(dblink_send_query('b', pg_temp.batch_sql('e4900000-0000-4000-8000-000000000013',
                                                   'e4900000-0000-4000-8000-000000000012')), 1,
          'b sends a batch of events 13 and 12');
SELECT ok(pg_temp.waits_for_lock('b'), 'b waits for a');
SELECT is(dblink_exec('a', 'COMMIT'), 'COMMIT', 'a commits');
SELECT is((SELECT r FROM dblink_get_result('b') AS t (r text)), '1', 'b counts only its new event, without an error');
SELECT is((SELECT count(*) FROM dblink_get_result('b') AS t (r text)), 0::bigint, 'b is done');
SELECT results_eq($$SELECT id::text, count(*) FROM chronos.video_analytics_events
                     WHERE id::text LIKE 'e4900000-0000-4000-8000-00000000001_' GROUP BY id ORDER BY id$$,
                  $$VALUES ('e4900000-0000-4000-8000-000000000011', 1::bigint), ('e4900000-0000-4000-8000-000000000012', 1),
                           ('e4900000-0000-4000-8000-000000000013', 1)$$,
                  'each event once');

--
-- 5. A single call and a batch that share an id
--
SELECT is(dblink_exec('a', 'BEGIN'), 'BEGIN', 'a begins');
SELECT is((SELECT r FROM dblink('a', pg_temp.track_sql('video_started', 'e4900000-0000-4000-8000-000000000031')) AS t (r text)),
          'e4900000-0000-4000-8000-000000000031', 'a tracks event 31 alone and does not commit yet');
SELECT is(dblink_send_query('b', pg_temp.batch_sql('e4900000-0000-4000-8000-000000000031',
                                                   'e4900000-0000-4000-8000-000000000032')), 1,
          'b sends a batch of events 31 and 32');
SELECT ok(pg_temp.waits_for_lock('b'), 'b waits for a');
SELECT is(dblink_exec('a', 'COMMIT'), 'COMMIT', 'a commits');
SELECT is((SELECT r FROM dblink_get_result('b') AS t (r text)), '1', 'b counts only event 32, without an error');
SELECT is((SELECT count(*) FROM dblink_get_result('b') AS t (r text)), 0::bigint, 'b is done');
SELECT is((SELECT count(*) FROM chronos.video_analytics_events
            WHERE id IN ('e4900000-0000-4000-8000-000000000031', 'e4900000-0000-4000-8000-000000000032')),
          2::bigint, 'each event once');

--
-- 6. Different ids do not wait for each other
--
SELECT is(dblink_exec('a', 'BEGIN'), 'BEGIN', 'a begins');
SELECT is((SELECT r FROM dblink('a', pg_temp.track_sql('video_started', 'e4900000-0000-4000-8000-000000000021')) AS t (r text)),
          'e4900000-0000-4000-8000-000000000021', 'a tracks event 21 and does not commit yet');
SELECT is((SELECT r FROM dblink('b', pg_temp.track_sql('video_started', 'e4900000-0000-4000-8000-000000000022')) AS t (r text)),
          'e4900000-0000-4000-8000-000000000022', 'b tracks event 22 at once');
SELECT is(dblink_exec('a', 'COMMIT'), 'COMMIT', 'a commits');

SELECT dblink_disconnect('a'), dblink_disconnect('b') \g /dev/null
DELETE FROM chronos.creators WHERE id = 'e4100000-0000-4000-8000-00000000000a';
SELECT * FROM finish();
