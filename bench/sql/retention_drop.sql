-- bench/sql/retention_drop.sql: removing the oldest month of events, two ways,
-- on the same rows: a DELETE of every event before the month's end (timed,
-- then rolled back), and maintain_event_partitions() with a retention that
-- puts that month wholly before its horizon (timed, kept).  Prints one line:
-- rows | delete ms | size after delete | maintenance ms | size after maintenance | size before
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
CREATE TEMP TABLE sizes AS
SELECT (SELECT pg_catalog.min("timestamp") FROM chronos.video_analytics_events) AS oldest;
-- the oldest partition holding events, and its upper bound
CREATE TEMP TABLE oldest AS
SELECT c.oid::regclass AS part,
       substring(pg_get_expr(c.relpartbound, c.oid), 'TO \(''([^'']*)''\)')::timestamptz AS upper
FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
WHERE i.inhparent = 'chronos.video_analytics_events'::regclass
  AND pg_get_expr(c.relpartbound, c.oid) <> 'DEFAULT'
  AND EXISTS (SELECT FROM chronos.video_analytics_events e
              WHERE e.tableoid = c.oid)
ORDER BY 2 LIMIT 1;
CREATE TEMP TABLE result (rows bigint, delete_ms numeric, delete_size bigint, drop_ms numeric,
                          drop_size bigint, before_size bigint);
CREATE FUNCTION pg_temp.events_size() RETURNS bigint LANGUAGE sql AS
$$SELECT sum(pg_total_relation_size(relid))::bigint FROM pg_partition_tree('chronos.video_analytics_events')$$;
INSERT INTO result (before_size, rows)
SELECT pg_temp.events_size(), (SELECT count(*) FROM chronos.video_analytics_events, oldest
                               WHERE "timestamp" < oldest.upper);

-- DELETE, then the size (dead rows keep their space until VACUUM, and VACUUM
-- gives it back to the table, not the disk), rolled back
BEGIN;
SELECT clock_timestamp() AS t0 \gset
DELETE FROM chronos.video_analytics_events USING oldest WHERE "timestamp" < oldest.upper;
UPDATE result SET delete_ms = extract(epoch FROM clock_timestamp() - :'t0') * 1000,
                  delete_size = pg_temp.events_size();
SELECT * FROM result \gset r_
ROLLBACK;
-- the rollback undid the UPDATE of result too: keep the figures
UPDATE result SET delete_ms = :r_delete_ms, delete_size = :r_delete_size;

-- the retention that puts the oldest month (and nothing newer) before the horizon
SELECT format('%s seconds', floor(extract(epoch FROM now() - upper)))
  FROM oldest \gset r_
SET chronos.event_retention = :'r_format';
SELECT clock_timestamp() AS t0 \gset
SELECT * FROM chronos.maintain_event_partitions();
UPDATE result SET drop_ms = extract(epoch FROM clock_timestamp() - :'t0') * 1000,
                  drop_size = pg_temp.events_size();
RESET chronos.event_retention;
SELECT rows, round(delete_ms, 1), delete_size, round(drop_ms, 1), drop_size, before_size FROM result;
