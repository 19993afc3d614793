--
-- The limits of event ingestion and of partition maintenance, with their
-- exact errors: a student's event too far ahead (chronos.max_event_clock_skew),
-- metadata too large (chronos.max_event_metadata_bytes), an event before the
-- retention horizon (chronos.event_retention); invalid values of the
-- interval settings; the settings and maintain_event_partitions() refused to
-- ordinary callers.  Every refusal writes nothing (events_written stays 0).
-- Messages that print a time computed from now() go through
-- pg_temp.refusal, which prints that time as <now-dependent>.  Ids: prefix e6.
--
\set VERBOSITY default
\set SHOW_CONTEXT errors
SET TimeZone = 'UTC';
\set creator_a e6100000-0000-4000-8000-00000000000a
\set student_a1 e6200000-0000-4000-8000-0000000000a1
\set video_a1 e6300000-0000-4000-8000-0000000000a1
\set ids 'e6%s00000-0000-4000-8000-%s'
\set whop event_limits_
\set storage e6/
\set creators 'a'
\set students 'a1'
\set videos 'a1'
\getenv abs_srcdir PG_ABS_SRCDIR
\ir :abs_srcdir/fixtures/people.sql
\ir :abs_srcdir/fixtures/catalog.sql
-- events_written: rows added to the events table since the baseline
\ir :abs_srcdir/fixtures/events_written.sql
-- refusal(sql): runs sql and prints its error (SQLSTATE, message, detail,
-- first line of context) with the times of the form 'YYYY-MM-DD hh:mm:ss...'
-- that follow "horizon", "that is" or "event timestamp" replaced by <now-dependent>.
CREATE FUNCTION pg_temp.refusal(p_sql text) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    st text;
    msg text;
    det text;
    ctx text;
BEGIN
    EXECUTE p_sql;
    RAISE NOTICE 'no error';
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, det = PG_EXCEPTION_DETAIL,
                            ctx = PG_EXCEPTION_CONTEXT;
    RAISE NOTICE E'%: %\nDETAIL: %\nCONTEXT: %', st,
        regexp_replace(msg, '(horizon|that is|event timestamp) \d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)?\+00', '\1 <now-dependent>', 'g'),
        regexp_replace(det, '(horizon|that is|event timestamp) \d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)?\+00', '\1 <now-dependent>', 'g'),
        split_part(ctx, E'\n', 1);
END
$$;
CREATE ROLE chronos_event_limits_app;

--
-- A student's event dated too far ahead (default: 600 seconds)
--
SHOW chronos.max_event_clock_skew;
SET ROLE chronos_event_limits_app;
SET chronos.student_id = :'student_a1';
SELECT pg_temp.refusal(format($$SELECT chronos.track_video_event('video_started', %L, %L, %L,
    p_timestamp => '2999-01-01 00:00:00+00')$$, :'video_a1', :'creator_a', :'student_a1'));
SELECT pg_temp.refusal(format($$SELECT chronos.track_video_events(%L)$$, jsonb_build_array(
    jsonb_build_object('event_type', 'video_started', 'video_id', :'video_a1', 'creator_id', :'creator_a',
                       'student_id', :'student_a1'),
    jsonb_build_object('event_type', 'video_paused', 'video_id', :'video_a1', 'creator_id', :'creator_a',
                       'student_id', :'student_a1', 'timestamp', '2999-01-01T00:00:00Z'))));
-- dated a few seconds ahead: accepted
SELECT chronos.track_video_event('video_started', :'video_a1', :'creator_a', :'student_a1',
    p_timestamp => now() + interval '5 seconds') IS NOT NULL AS accepted;
RESET chronos.student_id;
RESET ROLE;
-- the service's event: accepted
SELECT chronos.track_video_event('video_started', :'video_a1', :'creator_a', :'student_a1',
    p_timestamp => '2999-01-01 00:00:00+00', p_event_id => 'e6900000-0000-4000-8000-000000000001');
-- a skew of 0: a student's event a minute ahead is refused too
SET chronos.max_event_clock_skew = 0;
SET ROLE chronos_event_limits_app;
SET chronos.student_id = :'student_a1';
SELECT pg_temp.refusal(format($$SELECT chronos.track_video_event('video_started', %L, %L, %L,
    p_timestamp => now() + interval '1 minute')$$, :'video_a1', :'creator_a', :'student_a1'));
RESET chronos.student_id;
RESET ROLE;
RESET chronos.max_event_clock_skew;
UPDATE events_written_baseline SET n = n + 2;
TABLE events_written;

--
-- Metadata too large (54000)
--
SET chronos.max_event_metadata_bytes = 64;
SELECT pg_column_size(jsonb_build_object('note', repeat('x', 100))) - 4 AS jsonb_bytes;
-- the service
SELECT chronos.track_video_event('video_started', :'video_a1', :'creator_a',
    p_metadata => jsonb_build_object('note', repeat('x', 100)));
SELECT chronos.track_video_events(jsonb_build_array(
    jsonb_build_object('event_type', 'video_started', 'video_id', :'video_a1', 'creator_id', :'creator_a'),
    jsonb_build_object('event_type', 'video_started', 'video_id', :'video_a1', 'creator_id', :'creator_a',
                       'metadata', jsonb_build_object('note', repeat('x', 100)))));
-- a student
SET ROLE chronos_event_limits_app;
SET chronos.student_id = :'student_a1';
SELECT chronos.track_video_event('video_progress', :'video_a1', :'creator_a', :'student_a1',
    p_metadata => jsonb_build_object('note', repeat('x', 100)));
SELECT chronos.track_video_events(jsonb_build_array(
    jsonb_build_object('event_type', 'video_progress', 'video_id', :'video_a1', 'creator_id', :'creator_a',
                       'student_id', :'student_a1', 'metadata', jsonb_build_object('note', repeat('x', 100)))));
RESET chronos.student_id;
RESET ROLE;
-- a byte over the limit: refused; at the limit: accepted
SELECT pg_column_size(jsonb_build_object('note', repeat('x', 49))) - 4 AS jsonb_bytes;
SELECT chronos.track_video_event('video_started', :'video_a1', :'creator_a',
    p_metadata => jsonb_build_object('note', repeat('x', 49)));
SELECT pg_column_size(jsonb_build_object('note', repeat('x', 48))) - 4 AS jsonb_bytes;
SELECT chronos.track_video_event('video_started', :'video_a1', :'creator_a',
    p_metadata => jsonb_build_object('note', repeat('x', 48)),
    p_event_id => 'e6900000-0000-4000-8000-000000000002');
RESET chronos.max_event_metadata_bytes;
UPDATE events_written_baseline SET n = n + 1;
TABLE events_written;

--
-- Before the retention horizon (22023)
--
SET chronos.event_retention = '400 days';
-- the service
SELECT pg_temp.refusal(format($$SELECT chronos.track_video_event('video_started', %L, %L,
    p_timestamp => '2001-01-01 00:00:00+00')$$, :'video_a1', :'creator_a'));
SELECT pg_temp.refusal(format($$SELECT chronos.track_video_events(%L)$$, jsonb_build_array(
    jsonb_build_object('event_type', 'video_started', 'video_id', :'video_a1', 'creator_id', :'creator_a'),
    jsonb_build_object('event_type', 'video_started', 'video_id', :'video_a1', 'creator_id', :'creator_a',
                       'timestamp', '2001-01-01T00:00:00Z'))));
-- a student
SET ROLE chronos_event_limits_app;
SET chronos.student_id = :'student_a1';
SELECT pg_temp.refusal(format($$SELECT chronos.track_video_event('video_started', %L, %L, %L,
    p_timestamp => '2001-01-01 00:00:00+00')$$, :'video_a1', :'creator_a', :'student_a1'));
SELECT pg_temp.refusal(format($$SELECT chronos.track_video_events(%L)$$, jsonb_build_array(
    jsonb_build_object('event_type', 'video_started', 'video_id', :'video_a1', 'creator_id', :'creator_a',
                       'student_id', :'student_a1', 'timestamp', '2001-01-01T00:00:00Z'))));
RESET chronos.student_id;
RESET ROLE;
-- within the retention: accepted
SELECT chronos.track_video_event('video_started', :'video_a1', :'creator_a',
    p_timestamp => now() - interval '399 days') IS NOT NULL AS accepted;
RESET chronos.event_retention;
UPDATE events_written_baseline SET n = n + 1;
TABLE events_written;

--
-- Invalid values of the interval settings
--
SET chronos.event_partition_interval = '1 month 2 days';
SET chronos.event_partition_interval = 'abc';
SET chronos.event_partition_interval = '-1 day';
SET chronos.event_partition_interval = '0 days';
SET chronos.event_partition_interval = '12 hours';
SET chronos.event_partition_interval = '1 week 1 hour';
SET chronos.event_partition_interval = '11 years';
SET chronos.event_partition_interval = '';
SET chronos.event_retention = 'abc';
SET chronos.event_retention = '-1 day';
SET chronos.event_retention = '0';
SET chronos.event_retention = '1 year -1 day';
SET chronos.event_partitions_ahead = -1;
SET chronos.event_partitions_ahead = 1001;
SHOW chronos.event_partition_interval;
SHOW chronos.event_retention;
-- valid values
SET chronos.event_partition_interval = '3 months';
SET chronos.event_partition_interval = '1 week';
SET chronos.event_partition_interval = '1 year';
SET chronos.event_retention = '13 months';
SET chronos.event_retention = '36 hours';
SHOW chronos.event_partition_interval;
SHOW chronos.event_retention;
RESET chronos.event_partition_interval;
RESET chronos.event_retention;

--
-- Ordinary callers: no settings, no maintenance
--
SET ROLE chronos_event_limits_app;
SET chronos.event_partition_interval = '1 day';
SET chronos.event_partitions_ahead = 0;
SET chronos.event_retention = '1 day';
SET chronos.max_event_clock_skew = 999999;
SET chronos.max_event_metadata_bytes = 1000000;
SELECT * FROM chronos.maintain_event_partitions();
SET chronos.creator_id = :'creator_a';
SELECT * FROM chronos.maintain_event_partitions();
RESET chronos.creator_id;
RESET ROLE;
SELECT count(*) AS partitions FROM pg_inherits WHERE inhparent = 'chronos.video_analytics_events'::regclass;
TABLE events_written;

-- clean up
DELETE FROM chronos.creators WHERE whop_company_id LIKE 'event_limits_%';
DROP ROLE chronos_event_limits_app;
