--
-- record_watch_progress's own writes (src/session_store.c): refused in a
-- read-only transaction, as an UPDATE would be; and a heartbeat refused
-- halfway through its write (by a CHECK constraint, after its session was
-- locked and its triggers ran), caught in a subtransaction, leaves nothing
-- behind: no leaked relation or snapshot (a WARNING would show here), and
-- the next heartbeat of the session works.  Ids: prefix 5e9.
--
\set VERBOSITY default
\set SHOW_CONTEXT errors
SET client_min_messages = notice;
\set ids '5e900000-0000-4000-800%s-%s'
\set kinds 012346
\set whop heartbeat_store_
\set creators a
\set students a1
\set videos a1=100
\getenv abs_srcdir PG_ABS_SRCDIR
\ir :abs_srcdir/fixtures/people.sql
\ir :abs_srcdir/fixtures/catalog.sql
-- s1: open, an hour old, [0,10) played
INSERT INTO chronos.video_watch_sessions (id, video_id, student_id, session_start, watched, last_position_seconds,
                                          watch_time_seconds, watch_time_ms) VALUES
  ('5e900000-0000-4000-8006-000000000001', '5e900000-0000-4000-8002-0000000000a1', '5e900000-0000-4000-8001-0000000000a1',
   now() - interval '1 hour', '{[0,10)}', 10, 10, 10000);

-- a read-only transaction (read_only_sql_transaction)
BEGIN READ ONLY;
SELECT watch_time_seconds FROM chronos.record_watch_progress('5e900000-0000-4000-8006-000000000001', 10, 20);
ROLLBACK;
SELECT watched, watch_time_seconds FROM chronos.video_watch_sessions WHERE id = '5e900000-0000-4000-8006-000000000001';

-- refused halfway, caught, then a heartbeat that passes, in one transaction
ALTER TABLE chronos.video_watch_sessions ADD CONSTRAINT heartbeat_cap CHECK (watch_time_seconds <= 30) NOT VALID;
BEGIN;
DO $$
BEGIN
    BEGIN
        PERFORM chronos.record_watch_progress('5e900000-0000-4000-8006-000000000001', 10, 40);
    EXCEPTION WHEN check_violation THEN
        RAISE NOTICE 'refused: %', SQLERRM;
    END;
    PERFORM chronos.record_watch_progress('5e900000-0000-4000-8006-000000000001', 10, 20);
END
$$;
SELECT watched, watch_time_seconds FROM chronos.video_watch_sessions WHERE id = '5e900000-0000-4000-8006-000000000001';
COMMIT;
ALTER TABLE chronos.video_watch_sessions DROP CONSTRAINT heartbeat_cap;
SELECT watched, watch_time_seconds
  FROM chronos.record_watch_progress('5e900000-0000-4000-8006-000000000001', 20, 40);
