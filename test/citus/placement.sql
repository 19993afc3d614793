-- test/citus/placement.sql: how chronos's tables are distributed: the
-- reference tables, the distributed ones with their column and whether they
-- are co-located with the sessions, and on how many workers their shards lie.
SELECT p.logicalrelid::text,
       CASE p.partmethod WHEN 'n' THEN 'reference' WHEN 'h' THEN 'hash' ELSE p.partmethod::text END,
       coalesce(column_to_column_name(p.logicalrelid, p.partkey), '-'),
       p.partmethod = 'n' OR p.colocationid = (SELECT colocationid FROM pg_dist_partition
                                               WHERE logicalrelid = 'chronos.video_watch_sessions'::regclass) AS colocated,
       (SELECT count(DISTINCT sp.groupid) FROM pg_dist_shard s JOIN pg_dist_placement sp USING (shardid)
         WHERE s.logicalrelid = p.logicalrelid AND sp.groupid <> 0) AS workers
  FROM pg_dist_partition p
 WHERE p.logicalrelid::text LIKE 'chronos.%'
 ORDER BY 1;
