-- ai_interactions under concurrent writers, over real connections
-- (dblink): two replies citing the same video on the same day, written at
-- once, count two (the second writer waits for the first to commit, then
-- counts what it committed); replies about other videos do not wait; a reply
-- written while a refresh runs waits for it and is counted.  dblink
-- connections see only committed rows, so this file commits; it runs in a
-- database of its own that is dropped afterwards.
SET client_min_messages = warning;
SELECT plan(19);
\ir ../fixtures/rag.sql
\ir ../fixtures/dblink.sql

-- ai(video, day): the figure, or -1 without a row.
CREATE FUNCTION pg_temp.ai(p_video uuid, p_day date) RETURNS integer LANGUAGE sql AS $$
    SELECT coalesce((SELECT ai_interactions FROM chronos.video_analytics
                      WHERE video_id = p_video AND "date" = p_day), -1)
$$;

SELECT is(pg_temp.connect('a'), 'OK', 'connection a');
SELECT is(pg_temp.connect('b'), 'OK', 'connection b');
SELECT is(pg_temp.ai(:vA1, '2026-03-02'), 1, 'the fixture''s reply about vA1 on 2 March');

-- 1. the same video and day, at once
SELECT is(dblink_exec('a', 'BEGIN'), 'BEGIN', 'a begins');
SELECT is(dblink_exec('a', format($$INSERT INTO chronos_rag.chat_messages (session_id, role, content, cited_chunk_ids, created_at)
                                   VALUES (%L, 'assistant', 'from a', ARRAY[%L]::uuid[], '2026-03-02 03:00+00')$$, :csA, :kA1a)),
          'INSERT 0 1', 'a writes a reply citing vA1 on 2 March, not committed');
SELECT is(dblink_exec('b', 'BEGIN'), 'BEGIN', 'b begins');
SELECT is(dblink_send_query('b', format($$INSERT INTO chronos_rag.chat_messages (session_id, role, content, cited_chunk_ids, created_at)
                                         VALUES (%L, 'assistant', 'from b', ARRAY[%L]::uuid[], '2026-03-02 04:00+00')$$, :csA2, :kA1b)),
          1, 'b writes another reply citing vA1 on 2 March');
SELECT ok(pg_temp.waits_for_lock('b'), 'b waits for a');
SELECT is(dblink_exec('a', 'COMMIT'), 'COMMIT', 'a commits');
SELECT is((SELECT status FROM dblink_get_result('b') AS r (status text)), 'INSERT 0 1', 'b goes on');
SELECT is((SELECT count(*)::int FROM dblink_get_result('b') AS r (status text)), 0, '... and is idle');
SELECT is(dblink_exec('b', 'COMMIT'), 'COMMIT', 'b commits');
SELECT is(pg_temp.ai(:vA1, '2026-03-02'), 3, 'both replies counted: 3');

-- 2. other videos do not wait
SELECT is(dblink_exec('a', 'BEGIN'), 'BEGIN', 'a begins again');
SELECT dblink_exec('a', format($$INSERT INTO chronos_rag.chat_messages (session_id, role, content, cited_chunk_ids, created_at)
                                VALUES (%L, 'assistant', 'from a', ARRAY[%L]::uuid[], '2026-03-02 05:00+00')$$, :csA, :kA1a));
SELECT is(dblink_exec('b', format($$INSERT INTO chronos_rag.chat_messages (session_id, role, content, cited_chunk_ids, created_at)
                                   VALUES (%L, 'assistant', 'from b', ARRAY[%L]::uuid[], '2026-03-02 05:00+00')$$, :csA2, :kA2)),
          'INSERT 0 1', 'a reply about another video is written while a''s is open');
SELECT dblink_exec('a', 'ROLLBACK');

-- 3. while a refresh runs
SELECT dblink_exec('a', 'BEGIN');
SELECT dblink_exec('a', 'DO $d$ BEGIN PERFORM chronos.refresh_video_analytics(''2026-01-01''); END $d$');
SELECT dblink_send_query('b', format($$INSERT INTO chronos_rag.chat_messages (session_id, role, content, cited_chunk_ids, created_at)
                                     VALUES (%L, 'assistant', 'during', ARRAY[%L]::uuid[], '2026-03-02 06:00+00')$$, :csA, :kA1a));
SELECT ok(pg_temp.waits_for_lock('b'), 'a reply written during a refresh waits for it');
SELECT dblink_exec('a', 'COMMIT');
SELECT is((SELECT status FROM dblink_get_result('b') AS r (status text)), 'INSERT 0 1', 'and is written once it commits');
SELECT is((SELECT count(*)::int FROM dblink_get_result('b') AS r (status text)), 0, '... b is idle');
SELECT is(pg_temp.ai(:vA1, '2026-03-02'), 4, 'and counted: 4');

SELECT dblink_disconnect('a');
SELECT dblink_disconnect('b');
SELECT * FROM finish();
