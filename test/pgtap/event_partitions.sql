-- The time partitions of video_analytics_events: maintain_event_partitions()
-- creates them ahead (UTC bounds on a fixed grid, whatever the session's
-- TimeZone), moves the rows of the default partition into partitions of
-- their own, drops the partitions wholly past chronos.event_retention; only
-- the service may run it and only a superuser may change the settings; the
-- partitions are read only through the parent (no grants, RLS enabled).
-- Ingestion limits (clock skew, metadata size, retention horizon) and
-- per-creator idempotency across partitions.  Everything is relative to
-- now(), so the suite holds whatever the day.  Run as the superuser (the
-- service); other callers through pg_temp.become.  Ids: prefix e7.
SET client_min_messages = warning;
BEGIN;
SELECT plan(89);

\set ids 'e7%s00000-0000-4000-8000-%s'
\set whop evpart_
\set creators 'a b'
\set students 'a1 b1'
\set videos 'a1 a2 b1'
\ir ../fixtures/people.sql
\ir ../fixtures/catalog.sql
\ir ../fixtures/n_events.sql

-- UTC+14: a session whose local date is often not the UTC date
SET TimeZone = 'Pacific/Kiritimati';

CREATE ROLE chronos_evpart_app;
CREATE ROLE chronos_evpart_bypass BYPASSRLS;

-- become(who), unbecome() and as_who(who, sql): see the fixture (anon,
-- creator:<uuid>, student:<uuid>, claims:<json>, bypassrls).
\set app_role chronos_evpart_app
\set bypass_role chronos_evpart_bypass
\ir ../fixtures/become.sql

-- refused(who, sql, sqlstate, message, description [, detail [, context]]):
-- one assertion that sql, run by who ('service': the superuser), fails so
-- and writes no event (a message starting with ~ is a regular expression;
-- a NULL detail or context: any); see the fixture.
\ir ../fixtures/refused.sql

-- The partitions (the default left out), by lower bound: pg_get_expr prints
-- the bounds with their offset, so they read back as the same instants.
CREATE FUNCTION pg_temp.parts() RETURNS TABLE (name text, lower timestamptz, upper timestamptz)
LANGUAGE sql AS $$
    SELECT c.relname::text, substring(b.expr, 'FROM \(''([^'']*)''\)')::timestamptz,
           substring(b.expr, 'TO \(''([^'']*)''\)')::timestamptz
      FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid,
           LATERAL (SELECT pg_get_expr(c.relpartbound, c.oid) AS expr) b
     WHERE i.inhparent = 'chronos.video_analytics_events'::regclass AND b.expr <> 'DEFAULT'
     ORDER BY 2
$$;
-- month(k): the start (UTC) of the k-th month after the current one (UTC).
CREATE FUNCTION pg_temp.month(k integer) RETURNS timestamptz
LANGUAGE sql AS $$
    SELECT (date_trunc('month', now() AT TIME ZONE 'UTC') + k * interval '1 month') AT TIME ZONE 'UTC'
$$;
-- pname(lower): the name of the partition from lower (UTC).
CREATE FUNCTION pg_temp.pname(p_lower timestamptz) RETURNS text
LANGUAGE sql AS $$
    SELECT 'video_analytics_events_p' || to_char(p_lower AT TIME ZONE 'UTC', 'YYYYMMDD')
$$;
-- months(k...): the expected partitions of those months, as parts() lists them.
CREATE FUNCTION pg_temp.months(VARIADIC k integer[]) RETURNS TABLE (name text, lower timestamptz, upper timestamptz)
LANGUAGE sql AS $$
    SELECT pg_temp.pname(pg_temp.month(m)), pg_temp.month(m), pg_temp.month(m + 1)
      FROM unnest(k) AS m ORDER BY m
$$;
-- drop_partitions(): drops every partition but the default (the superuser may).
CREATE FUNCTION pg_temp.drop_partitions() RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    p text;
BEGIN
    FOR p IN SELECT name FROM pg_temp.parts() LOOP
        EXECUTE format('DROP TABLE chronos.%I', p);
    END LOOP;
END
$$;
-- ev(id, timestamp [, creator [, video [, type [, metadata]]]]): tracks
-- an event by id suffix (e79...<id>) as the caller, for the creator's key.
CREATE FUNCTION pg_temp.ev(p_id text, p_ts timestamptz, p_creator text DEFAULT 'a', p_video text DEFAULT 'a1',
                           p_type text DEFAULT 'video_started', p_metadata jsonb DEFAULT '{}')
RETURNS uuid LANGUAGE sql AS $$
    SELECT chronos.track_video_event(p_type, ('e7300000-0000-4000-8000-0000000000' || p_video)::uuid,
                                     ('e7100000-0000-4000-8000-00000000000' || p_creator)::uuid,
                                     p_metadata => p_metadata, p_timestamp => p_ts,
                                     p_event_id => ('e7900000-0000-4000-8000-' || lpad(p_id, 12, '0'))::uuid)
$$;
-- where_is(id): the partitions (by name) that hold event id e79...<id>, as text.
\ir ../fixtures/where_is.sql

--
-- 0. A new installation has the default partition only
--
SELECT is_empty('SELECT * FROM pg_temp.parts()', 'at first only the default partition exists');

--
-- 1. Other intervals: '1 week' (Mondays, UTC), '3 months' (quarters from January 2000)
--
SET chronos.event_partition_interval = '1 week';
SET chronos.event_partitions_ahead = 2;
SELECT results_eq('SELECT * FROM chronos.maintain_event_partitions()', $$VALUES (3, 0::bigint, 0)$$,
                  '1 week, 2 ahead: three partitions created');
SELECT results_eq('SELECT * FROM pg_temp.parts()',
    $$SELECT pg_temp.pname(w), w, w + interval '7 days'
        FROM (SELECT (date_trunc('week', now() AT TIME ZONE 'UTC') + k * interval '7 days') AT TIME ZONE 'UTC' AS w
                FROM generate_series(0, 2) AS k) x ORDER BY w$$,
    '... this week and the two after it, Monday 00:00 UTC to Monday 00:00 UTC, named after their Monday');
SELECT ok((SELECT bool_and(extract(isodow FROM lower AT TIME ZONE 'UTC') = 1
                           AND (lower AT TIME ZONE 'UTC')::time = '00:00' AND upper - lower = interval '7 days')
             FROM pg_temp.parts()), '... each a Monday at midnight UTC, a week long');
SELECT pg_temp.drop_partitions();
SET chronos.event_partition_interval = '3 months';
SET chronos.event_partitions_ahead = 1;
SELECT results_eq('SELECT * FROM chronos.maintain_event_partitions()', $$VALUES (2, 0::bigint, 0)$$,
                  '3 months, 1 ahead: two partitions created');
SELECT results_eq('SELECT * FROM pg_temp.parts()',
    $$SELECT pg_temp.pname(q), q, (q AT TIME ZONE 'UTC' + interval '3 months') AT TIME ZONE 'UTC'
        FROM (SELECT (date_trunc('quarter', now() AT TIME ZONE 'UTC') + k * interval '3 months') AT TIME ZONE 'UTC' AS q
                FROM generate_series(0, 1) AS k) x ORDER BY q$$,
    '... this quarter and the next (January, April, July, October, UTC)');
SELECT pg_temp.drop_partitions();
RESET chronos.event_partition_interval;
RESET chronos.event_partitions_ahead;

--
-- 2. The default: '1 month', 3 ahead
--
SELECT results_eq('SELECT * FROM chronos.maintain_event_partitions()', $$VALUES (4, 0::bigint, 0)$$,
                  'the first run creates four partitions, moves and drops nothing');
SELECT results_eq('SELECT * FROM pg_temp.parts()', 'SELECT * FROM pg_temp.months(0, 1, 2, 3)',
                  '... this month and the three after it, named and bounded by the first of the month 00:00 UTC');
SELECT results_eq('SELECT * FROM chronos.maintain_event_partitions()', $$VALUES (0, 0::bigint, 0)$$,
                  'a second run does nothing');
SELECT results_eq('SELECT * FROM pg_temp.parts()', 'SELECT * FROM pg_temp.months(0, 1, 2, 3)',
                  '... the partitions are the same');
SET TimeZone = 'America/Los_Angeles';
SELECT results_eq('SELECT * FROM chronos.maintain_event_partitions()', $$VALUES (0, 0::bigint, 0)$$,
                  'in another TimeZone, still nothing to do: the bounds are UTC');
SET TimeZone = 'Pacific/Kiritimati';
SELECT is((SELECT count(*) FROM pg_class c JOIN pg_inherits i ON i.inhrelid = c.oid
            WHERE i.inhparent = 'chronos.video_analytics_events'::regclass
              AND c.relacl IS NULL AND c.relrowsecurity AND c.relnamespace = 'chronos'::regnamespace),
          5::bigint, 'the five partitions (the default too) have no grants and row-level security enabled');
SELECT ok(NOT EXISTS (SELECT FROM pg_temp.parts() p
                       WHERE has_table_privilege('chronos_evpart_app', 'chronos.' || quote_ident(p.name),
                                                 'SELECT, INSERT, UPDATE, DELETE, TRUNCATE')
                          OR has_table_privilege('chronos_evpart_app', 'chronos.video_analytics_events_default',
                                                 'SELECT, INSERT, UPDATE, DELETE, TRUNCATE')),
          '... an ordinary role has no privilege on any of them');

--
-- 3. Rows of the default partition move into partitions of their own
--
SELECT pg_temp.ev('101', '2024-03-10 12:00+00');
SELECT pg_temp.ev('102', '2024-03-31 23:59:59.999999+00');
SELECT pg_temp.ev('103', '2024-05-01 00:00+00');
SELECT pg_temp.ev('104', pg_temp.month(6) + interval '3 days');
SELECT pg_temp.ev('105', now());
SELECT results_eq($$SELECT pg_temp.where_is(i) FROM unnest('{101,102,103,104,105}'::text[]) WITH ORDINALITY AS u (i, n) ORDER BY n$$,
    $$VALUES ('video_analytics_events_default'), ('video_analytics_events_default'), ('video_analytics_events_default'),
             ('video_analytics_events_default'), (pg_temp.pname(pg_temp.month(0)))$$,
    'events no partition covers land in the default partition, the others in theirs');
CREATE TEMP TABLE n_before_move AS SELECT pg_temp.n_events() AS n;
SELECT results_eq('SELECT * FROM chronos.maintain_event_partitions()', $$VALUES (3, 4::bigint, 0)$$,
                  'maintenance creates the three months the default partition holds and moves its four rows');
SELECT results_eq($$SELECT pg_temp.where_is(i) FROM unnest('{101,102,103,104,105}'::text[]) WITH ORDINALITY AS u (i, n) ORDER BY n$$,
    $$VALUES ('video_analytics_events_p20240301'), ('video_analytics_events_p20240301'), ('video_analytics_events_p20240501'),
             (pg_temp.pname(pg_temp.month(6))), (pg_temp.pname(pg_temp.month(0)))$$,
    '... each row is now in the partition of its month (the last microsecond of March in March, 1 May 00:00 UTC in May)');
SELECT is_empty('SELECT * FROM ONLY chronos.video_analytics_events_default', '... the default partition is empty');
SELECT is(pg_temp.n_events(), (SELECT n FROM n_before_move), '... no event lost or duplicated');
SELECT results_eq('SELECT * FROM pg_temp.parts()',
    $$VALUES ('video_analytics_events_p20240301', '2024-03-01 00:00+00'::timestamptz, '2024-04-01 00:00+00'::timestamptz),
             ('video_analytics_events_p20240501', '2024-05-01 00:00+00', '2024-06-01 00:00+00')
      UNION ALL (SELECT * FROM pg_temp.months(0, 1, 2, 3, 6))$$,
    '... the new partitions are whole months; no partition for the empty months between');
SELECT results_eq('SELECT * FROM chronos.maintain_event_partitions()', $$VALUES (0, 0::bigint, 0)$$,
                  'then a run does nothing');

--
-- 4. Retention: partitions wholly before the horizon are dropped
--
SELECT pg_temp.ev('111', pg_temp.month(-5) + interval '10 days');
SELECT pg_temp.ev('112', pg_temp.month(-4) + interval '10 days');
SELECT pg_temp.ev('113', pg_temp.month(-3) + interval '10 days');
SELECT pg_temp.ev('114', pg_temp.month(-3) + interval '20 days');
SELECT pg_temp.ev('115', pg_temp.month(-2) + interval '10 days');
SELECT results_eq('SELECT * FROM chronos.maintain_event_partitions()', $$VALUES (4, 5::bigint, 0)$$,
                  'past events: four more months created, five rows moved');
-- the horizon: the middle of month -3 (retention in seconds: now() - horizon)
CREATE TEMP TABLE horizon AS SELECT pg_temp.month(-3) + interval '15 days' AS h;
SELECT set_config('chronos.event_retention',
                  extract(epoch FROM now() - (SELECT h FROM horizon)) || ' seconds', false) IS NOT NULL;
CREATE TEMP TABLE before_retention AS
SELECT count(*) FILTER (WHERE "timestamp" < h) AS old, count(*) FILTER (WHERE "timestamp" >= h) AS recent
  FROM chronos.video_analytics_events, horizon;
SELECT results_eq('SELECT * FROM chronos.maintain_event_partitions()', $$VALUES (0, 0::bigint, 4)$$,
                  'with chronos.event_retention set, the four partitions wholly before the horizon are dropped');
SELECT results_eq('SELECT * FROM pg_temp.parts()', 'SELECT * FROM pg_temp.months(-3, -2, 0, 1, 2, 3, 6)',
                  '... the partition the horizon cuts and every newer one stay');
SELECT is((SELECT count(*) FROM chronos.video_analytics_events, horizon WHERE "timestamp" >= h),
          (SELECT recent FROM before_retention), '... every event after the horizon stays');
SELECT results_eq($$SELECT id FROM chronos.video_analytics_events, horizon WHERE "timestamp" < h$$,
                  $$VALUES ('e7900000-0000-4000-8000-000000000113'::uuid)$$,
                  '... of the events before it only the one in the partition the horizon cuts stays');
SELECT is((SELECT old FROM before_retention), 6::bigint, '... (there were six)');
SELECT results_eq('SELECT * FROM chronos.maintain_event_partitions()', $$VALUES (0, 0::bigint, 0)$$,
                  'then a run does nothing');

--
-- 5. Only the service maintains; only a superuser sets the settings
--
CREATE TEMP TABLE parts_before AS SELECT * FROM pg_temp.parts();
SELECT is(pg_temp.as_who('creator:e7100000-0000-4000-8000-00000000000a',
                         'SELECT chronos.maintain_event_partitions()::text'),
          'ERROR 42501: permission denied to maintain event partitions', 'a creator may not maintain the partitions');
SELECT is(pg_temp.as_who('student:e7200000-0000-4000-8000-0000000000a1',
                         'SELECT chronos.maintain_event_partitions()::text'),
          'ERROR 42501: permission denied to maintain event partitions', 'nor a student');
SELECT is(pg_temp.as_who('anon', 'SELECT chronos.maintain_event_partitions()::text'),
          'ERROR 42501: permission denied to maintain event partitions', 'nor a role with no identity');
SELECT is(pg_temp.as_who('claims:{"role": "authenticated", "creator_id": "e7100000-0000-4000-8000-00000000000a"}',
                         'SELECT chronos.maintain_event_partitions()::text'),
          'ERROR 42501: permission denied to maintain event partitions', 'nor a creator''s claims');
-- with a setting that would create and drop partitions if it ran
SET chronos.event_partitions_ahead = 8;
SELECT is(pg_temp.as_who('anon', 'SELECT chronos.maintain_event_partitions()::text'),
          'ERROR 42501: permission denied to maintain event partitions',
          'refused even when there would be work to do');
SELECT results_eq('SELECT * FROM pg_temp.parts()', 'SELECT * FROM parts_before',
                  '... the refused calls changed no partition');
SELECT is(pg_temp.as_who('claims:{"role": "service_role"}', 'SELECT chronos.maintain_event_partitions()::text'),
          '(4,0,0)', 'the service_role claim may (four partitions more for 8 ahead)');
SELECT is(pg_temp.as_who('bypassrls', 'SELECT chronos.maintain_event_partitions()::text'),
          '(0,0,0)', 'a BYPASSRLS role may');
SELECT is((SELECT count(*) FROM pg_temp.parts() p JOIN pg_class c ON c.relname = p.name
            WHERE c.relnamespace = 'chronos'::regnamespace AND c.relacl IS NULL AND c.relrowsecurity
              AND c.relowner = (SELECT extowner FROM pg_extension WHERE extname = 'chronos')),
          (SELECT count(*) FROM pg_temp.parts()),
          'partitions the service_role claim made belong to the extension''s owner, without grants, with RLS');
RESET chronos.event_partitions_ahead;
SELECT is(pg_temp.as_who('anon', format('SELECT set_config(%L, %L, false)', s, v)),
          format('ERROR 42501: permission denied to set parameter "%s"', s),
          format('an ordinary role may not set %s', s))
  FROM (VALUES ('chronos.event_partition_interval', '1 day'), ('chronos.event_partitions_ahead', '0'),
               ('chronos.event_retention', ''), ('chronos.max_event_clock_skew', '999999'),
               ('chronos.max_event_metadata_bytes', '1000000')) AS x (s, v);
SELECT is(pg_temp.as_who('claims:{"role": "service_role"}', 'SELECT set_config(''chronos.event_retention'', '''', false)'),
          'ERROR 42501: permission denied to set parameter "chronos.event_retention"',
          'nor the service_role claim on an ordinary role');
SELECT is(current_setting('chronos.event_retention'), extract(epoch FROM now() - (SELECT h FROM horizon)) || ' seconds',
          '... the retention is unchanged');
SELECT is(pg_temp.as_who('anon', 'SELECT count(*)::text FROM chronos.video_analytics_events_default'),
          'ERROR 42501: permission denied for table video_analytics_events_default',
          'an ordinary role may not read the default partition directly');
SELECT is(pg_temp.as_who('creator:e7100000-0000-4000-8000-00000000000a',
                         format('SELECT count(*)::text FROM chronos.%I', pg_temp.pname(pg_temp.month(0)))),
          format('ERROR 42501: permission denied for table %s', pg_temp.pname(pg_temp.month(0))),
          'nor a creator a partition');
SELECT is(pg_temp.as_who('creator:e7100000-0000-4000-8000-00000000000a',
                         $$INSERT INTO chronos.video_analytics_events_default (event_type, video_id, creator_id, "timestamp")
                           VALUES ('video_started', 'e7300000-0000-4000-8000-0000000000a1',
                                   'e7100000-0000-4000-8000-00000000000a', '2020-01-01') RETURNING 'written'$$),
          'ERROR 42501: permission denied for table video_analytics_events_default',
          'nor write into one');

--
-- 6. Through the parent, a creator sees its own events in every partition
--
SELECT pg_temp.ev('121', pg_temp.month(-2) + interval '1 day', 'b', 'b1');
SELECT pg_temp.ev('122', now(), 'b', 'b1');
SELECT pg_temp.ev('123', pg_temp.month(6), 'b', 'b1');
SELECT pg_temp.ev('124', pg_temp.month(20), 'b', 'b1');
SELECT pg_temp.ev('125', pg_temp.month(20), 'a', 'a1');
SELECT is(pg_temp.where_is('124'), 'video_analytics_events_default', 'an event far ahead is in the default partition');
CREATE FUNCTION pg_temp.per_partition(p_creator text) RETURNS text
LANGUAGE sql AS $$
    SELECT string_agg(format('%s=%s', c.relname, e.n), ' ' ORDER BY c.relname)
      FROM (SELECT tableoid, count(*) AS n FROM chronos.video_analytics_events
             WHERE p_creator IS NULL OR creator_id = p_creator::uuid GROUP BY tableoid) e
      JOIN pg_class c ON c.oid = e.tableoid
$$;
SELECT is(pg_temp.as_who('creator:e7100000-0000-4000-8000-00000000000a', 'SELECT pg_temp.per_partition(NULL)'),
          pg_temp.per_partition('e7100000-0000-4000-8000-00000000000a'),
          'creator a sees exactly its events, partition by partition (default included)');
SELECT is(pg_temp.as_who('creator:e7100000-0000-4000-8000-00000000000b', 'SELECT pg_temp.per_partition(NULL)'),
          pg_temp.per_partition('e7100000-0000-4000-8000-00000000000b'),
          'creator b sees exactly its events, partition by partition (default included)');
SELECT cmp_ok((SELECT count(DISTINCT tableoid) FROM chronos.video_analytics_events
                WHERE creator_id = 'e7100000-0000-4000-8000-00000000000b'), '=', 4::bigint,
              '... (b''s events are in four partitions)');
SELECT is(pg_temp.as_who('anon', 'SELECT count(*)::text FROM chronos.video_analytics_events'), '0',
          'a role with no identity sees none');

--
-- 7. Ingestion limits
--
CREATE TEMP TABLE t AS SELECT now() + interval '1 hour' AS future, (SELECT h FROM horizon) - interval '1 day' AS too_old;
GRANT SELECT ON t, horizon TO PUBLIC;
-- a student's event dated too far ahead (chronos.max_event_clock_skew, 600 s)
SELECT pg_temp.refused('student:e7200000-0000-4000-8000-0000000000a1',
    $$SELECT chronos.track_video_event('video_started', 'e7300000-0000-4000-8000-0000000000a1',
        'e7100000-0000-4000-8000-00000000000a', 'e7200000-0000-4000-8000-0000000000a1',
        p_timestamp => (SELECT future FROM t))$$,
    '22023', format('event timestamp %s is too far in the future', (SELECT future FROM t)),
    'a student''s event an hour ahead is refused');
SELECT pg_temp.refused('student:e7200000-0000-4000-8000-0000000000a1',
    $$SELECT chronos.track_video_events(jsonb_build_array(jsonb_build_object('event_type', 'video_started',
        'video_id', 'e7300000-0000-4000-8000-0000000000a1', 'creator_id', 'e7100000-0000-4000-8000-00000000000a',
        'student_id', 'e7200000-0000-4000-8000-0000000000a1'),
        jsonb_build_object('event_type', 'video_started',
        'video_id', 'e7300000-0000-4000-8000-0000000000a1', 'creator_id', 'e7100000-0000-4000-8000-00000000000a',
        'student_id', 'e7200000-0000-4000-8000-0000000000a1', 'timestamp', (SELECT future FROM t))))$$,
    '22023', format('event timestamp %s is too far in the future', (SELECT future FROM t)),
    '... and in a batch (nothing of the batch written)', NULL, 'p_events element 1');
SELECT matches(pg_temp.as_who('student:e7200000-0000-4000-8000-0000000000a1',
    $$SELECT chronos.track_video_event('video_started', 'e7300000-0000-4000-8000-0000000000a1',
        'e7100000-0000-4000-8000-00000000000a', 'e7200000-0000-4000-8000-0000000000a1',
        p_timestamp => now() + interval '2 minutes')::text$$), '^[0-9a-f-]{36}$',
    'a student''s event two minutes ahead is accepted');
SELECT is(pg_temp.ev('131', (SELECT future FROM t)), 'e7900000-0000-4000-8000-000000000131'::uuid,
          'the service''s event an hour ahead is accepted');
SELECT is(pg_temp.as_who('creator:e7100000-0000-4000-8000-00000000000a',
                         $$SELECT pg_temp.ev('132', now() + interval '1 year')::text$$),
          'e7900000-0000-4000-8000-000000000132', 'a creator''s event a year ahead is accepted');
-- metadata too large
SET chronos.max_event_metadata_bytes = 100;
SELECT pg_temp.refused('student:e7200000-0000-4000-8000-0000000000a1',
    $$SELECT chronos.track_video_event('video_progress', 'e7300000-0000-4000-8000-0000000000a1',
        'e7100000-0000-4000-8000-00000000000a', 'e7200000-0000-4000-8000-0000000000a1',
        p_metadata => jsonb_build_object('note', repeat('x', 200)))$$,
    '54000', format('p_metadata is too large: %s bytes, the limit is 100',
                    pg_column_size(jsonb_build_object('note', repeat('x', 200))) - 4),
    'a student''s metadata over chronos.max_event_metadata_bytes is refused (54000)',
    'chronos.max_event_metadata_bytes limits an event''s metadata, measured in its jsonb form.');
SELECT pg_temp.refused('service', $$SELECT pg_temp.ev('133', now(), p_metadata => jsonb_build_object('note', repeat('x', 200)))$$,
    '54000', format('p_metadata is too large: %s bytes, the limit is 100',
                    pg_column_size(jsonb_build_object('note', repeat('x', 200))) - 4),
    'so is the service''s');
SELECT pg_temp.refused('service',
    $$SELECT chronos.track_video_events(jsonb_build_array(jsonb_build_object('event_type', 'video_started',
        'video_id', 'e7300000-0000-4000-8000-0000000000a1', 'creator_id', 'e7100000-0000-4000-8000-00000000000a',
        'metadata', jsonb_build_object('note', repeat('x', 200)))))$$,
    '54000', '~^"metadata" is too large: \d+ bytes, the limit is 100$',
    '... and in a batch', NULL, 'p_events element 0');
SELECT is(pg_temp.ev('134', now(), p_metadata => jsonb_build_object('note', repeat('x', 20))),
          'e7900000-0000-4000-8000-000000000134'::uuid, 'metadata under the limit is accepted');
RESET chronos.max_event_metadata_bytes;
-- before the retention horizon
SELECT pg_temp.refused('student:e7200000-0000-4000-8000-0000000000a1',
    $$SELECT chronos.track_video_event('video_started', 'e7300000-0000-4000-8000-0000000000a1',
        'e7100000-0000-4000-8000-00000000000a', 'e7200000-0000-4000-8000-0000000000a1',
        p_timestamp => (SELECT too_old FROM t))$$,
    '22023', format('p_timestamp %s is before the retention horizon %s', (SELECT too_old FROM t), (SELECT h FROM horizon)),
    'a student''s event before the retention horizon is refused',
    format('chronos.event_retention is %s: events older than that are dropped.', current_setting('chronos.event_retention')));
SELECT pg_temp.refused('service', $$SELECT pg_temp.ev('135', (SELECT too_old FROM t))$$,
    '22023', format('p_timestamp %s is before the retention horizon %s', (SELECT too_old FROM t), (SELECT h FROM horizon)),
    'so is the service''s');
SELECT pg_temp.refused('service',
    $$SELECT chronos.track_video_events(jsonb_build_array(jsonb_build_object('event_type', 'video_started',
        'video_id', 'e7300000-0000-4000-8000-0000000000a1', 'creator_id', 'e7100000-0000-4000-8000-00000000000a'),
        jsonb_build_object('event_type', 'video_started',
        'video_id', 'e7300000-0000-4000-8000-0000000000a1', 'creator_id', 'e7100000-0000-4000-8000-00000000000a',
        'timestamp', (SELECT too_old FROM t))))$$,
    '22023', format('"timestamp" %s is before the retention horizon %s', (SELECT too_old FROM t), (SELECT h FROM horizon)),
    '... and in a batch', NULL, 'p_events element 1');
SELECT is(pg_temp.ev('136', (SELECT h FROM horizon) + interval '1 second'), 'e7900000-0000-4000-8000-000000000136'::uuid,
          'an event just after the horizon is accepted');
SELECT is(pg_temp.where_is('136'), pg_temp.pname(pg_temp.month(-3)), '... into the partition the horizon cuts');

--
-- 8. Idempotency, per creator, across partitions
--
SELECT is(pg_temp.ev('201', now() - interval '1 minute'), 'e7900000-0000-4000-8000-000000000201'::uuid, 'event 201');
CREATE TEMP TABLE n_before_replay AS SELECT pg_temp.n_events() AS n;
SELECT is(pg_temp.ev('201', pg_temp.month(2) + interval '1 day'), 'e7900000-0000-4000-8000-000000000201'::uuid,
          'a retry with a timestamp in another partition returns the id');
SELECT is(pg_temp.ev('201', pg_temp.month(30)), 'e7900000-0000-4000-8000-000000000201'::uuid,
          'a retry with a timestamp in the default partition returns the id');
SELECT is(pg_temp.as_who('creator:e7100000-0000-4000-8000-00000000000a',
                         $$SELECT pg_temp.ev('201', pg_temp.month(-2))::text$$),
          'e7900000-0000-4000-8000-000000000201', 'a retry by the creator itself returns the id');
SELECT is(pg_temp.n_events(), (SELECT n FROM n_before_replay), '... the retries wrote nothing');
SELECT is(pg_temp.where_is('201'), pg_temp.pname(pg_temp.month(0)), '... the event stays in its partition');
SELECT is((SELECT "timestamp" FROM chronos.video_analytics_events WHERE id = 'e7900000-0000-4000-8000-000000000201'),
          now() - interval '1 minute', '... with its first timestamp');
SELECT is(pg_temp.ev('202', pg_temp.month(30)), 'e7900000-0000-4000-8000-000000000202'::uuid,
          'event 202, in the default partition');
SELECT is(pg_temp.ev('202', now()), 'e7900000-0000-4000-8000-000000000202'::uuid,
          'its retry dated now (another partition) returns the id');
SELECT is(pg_temp.where_is('202'), 'video_analytics_events_default', '... and writes nothing');
SELECT pg_temp.refused('service', $$SELECT pg_temp.ev('201', pg_temp.month(2), p_video => 'a2')$$,
    '23505', 'event e7900000-0000-4000-8000-000000000201 already exists with different content',
    'the same id with another video, dated in another partition, is refused',
    'Its video_id differs from the stored event''s.');
SELECT pg_temp.refused('service', $$SELECT pg_temp.ev('202', now(), p_metadata => '{"x": 1}')$$,
    '23505', 'event e7900000-0000-4000-8000-000000000202 already exists with different content',
    'the same id with other metadata than the event in the default partition is refused',
    'Its metadata differs from the stored event''s.');
SELECT is(pg_temp.ev('201', pg_temp.month(2), 'b', 'b1'), 'e7900000-0000-4000-8000-000000000201'::uuid,
          'another creator''s event under the same id is written');
SELECT is(pg_temp.where_is('201'), pg_temp.pname(pg_temp.month(0)) || ' ' || pg_temp.pname(pg_temp.month(2)),
          '... two events hold the id, one per creator');
-- batches
DELETE FROM n_before_replay;
INSERT INTO n_before_replay SELECT pg_temp.n_events();
CREATE FUNCTION pg_temp.batch_ev(p_id text, p_ts timestamptz, p_type text DEFAULT 'video_started') RETURNS jsonb
LANGUAGE sql AS $$
    SELECT jsonb_build_object('event_type', p_type, 'video_id', 'e7300000-0000-4000-8000-0000000000a1',
                              'creator_id', 'e7100000-0000-4000-8000-00000000000a',
                              'event_id', 'e7900000-0000-4000-8000-' || lpad(p_id, 12, '0'), 'timestamp', p_ts)
$$;
SELECT is(chronos.track_video_events(jsonb_build_array(
              pg_temp.batch_ev('201', pg_temp.month(3)), pg_temp.batch_ev('203', pg_temp.month(1)),
              pg_temp.batch_ev('203', pg_temp.month(-2)), pg_temp.batch_ev('202', now())))::bigint,
          1::bigint, 'a batch with replays of stored events and an id twice writes one event');
SELECT is(pg_temp.n_events(), (SELECT n + 1 FROM n_before_replay), '... one row more');
SELECT is(pg_temp.where_is('203'), pg_temp.pname(pg_temp.month(1)), '... the first of the two, once');
SELECT pg_temp.refused('service', $$SELECT chronos.track_video_events(jsonb_build_array(
        pg_temp.batch_ev('204', now()), pg_temp.batch_ev('204', pg_temp.month(1), 'video_paused')))$$,
    '23505', 'event_id e7900000-0000-4000-8000-000000000204 is used twice with different content',
    'a batch with an id twice with different types is refused, nothing written',
    'Elements 0 and 1 differ in event_type.', 'p_events element 1');
SELECT pg_temp.refused('service', $$SELECT chronos.track_video_events(jsonb_build_array(
        pg_temp.batch_ev('205', now()), pg_temp.batch_ev('201', pg_temp.month(1), 'video_paused')))$$,
    '23505', 'event e7900000-0000-4000-8000-000000000201 already exists with different content',
    'a batch replaying a stored id with another type is refused, nothing written',
    'Its event_type differs from the stored event''s.', 'p_events element 1');
SELECT is(pg_temp.n_events(), (SELECT n + 1 FROM n_before_replay), '... still one row more');

--
-- 9. DROP EXTENSION leaves no partition behind
--
SELECT cmp_ok((SELECT count(*) FROM pg_temp.parts()), '>', 5::bigint, 'there are partitions before the drop');
CREATE TEMP TABLE part_oids AS
SELECT inhrelid AS oid FROM pg_inherits WHERE inhparent = 'chronos.video_analytics_events'::regclass;
DROP EXTENSION chronos CASCADE;
SELECT is((SELECT count(*) FROM pg_class WHERE oid IN (SELECT oid FROM part_oids)), 0::bigint,
          'DROP EXTENSION drops every partition, the default too');
SELECT is((SELECT count(*) FROM pg_class WHERE relname LIKE 'video\_analytics\_events%'), 0::bigint,
          '... no table named video_analytics_events* is left');
SELECT is((SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'chronos'),
          0::bigint, '... nor any relation in schema chronos');

SELECT * FROM finish();
ROLLBACK;
