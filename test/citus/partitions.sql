-- test/citus/partitions.sql: maintain_event_partitions() (as the service):
-- events of 2020 and of last month land in the default partition; a run
-- makes the partitions (now and the ones ahead, and those the rows need)
-- and empties the default partition; with a retention of two years a second
-- run drops the 2020 partitions; a third has nothing to do.  Prints each
-- run's counts and each partition with its rows.
SELECT 'events', chronos.track_video_events(jsonb_build_array(
       jsonb_build_object('event_type', 'video_imported', 'video_id', '70000000-0000-4000-8000-0000000000a2',
                          'creator_id', 'c0000000-0000-4000-8000-00000000000a',
                          'timestamp', '2020-03-15T12:00:00Z'),
       jsonb_build_object('event_type', 'video_imported', 'video_id', '70000000-0000-4000-8000-0000000000b2',
                          'creator_id', 'c0000000-0000-4000-8000-00000000000b',
                          'timestamp', '2020-04-02T08:00:00Z'),
       jsonb_build_object('event_type', 'video_embedded', 'video_id', '70000000-0000-4000-8000-0000000000b2',
                          'creator_id', 'c0000000-0000-4000-8000-00000000000b',
                          'timestamp', date_trunc('month', now()) - interval '10 days')));
\set partition_rows 'SELECT format(''SELECT %L, count(*) FROM %s'', relid, relid) FROM pg_partition_tree(''chronos.video_analytics_events'') WHERE isleaf ORDER BY relid::text'
:partition_rows \gexec
SELECT 'run 1', * FROM chronos.maintain_event_partitions();
:partition_rows \gexec
SET chronos.event_retention = '2 years';
SELECT 'run 2', * FROM chronos.maintain_event_partitions();
:partition_rows \gexec
SELECT 'run 3', * FROM chronos.maintain_event_partitions();
RESET chronos.event_retention;
SELECT 'events', count(*) FROM chronos.video_analytics_events;
