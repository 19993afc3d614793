-- The assistant's replies that cite a video count in that video's
-- video_analytics.ai_interactions, per creator's local day, exactly: added,
-- moved and removed with the messages, kept by every refresh_video_analytics
-- (incremental and full), on days with sessions and without.
BEGIN;
SELECT plan(24);
\ir ../fixtures/rag.sql

-- ai(): the rollup rows with interactions or views, as "video day views ai".
CREATE FUNCTION pg_temp.ai() RETURNS text LANGUAGE sql AS $$
    SELECT coalesce(string_agg(v.title || ' ' || a."date" || ' ' || a.views || ' ' || a.ai_interactions, ' | '
                               ORDER BY v.title, a."date"), '(none)')
      FROM chronos.video_analytics a JOIN chronos.videos v ON v.id = a.video_id
$$;
\set reply '''INSERT INTO chronos_rag.chat_messages (id, session_id, role, content, cited_chunk_ids, created_at) VALUES'''

-- the fixture's replies: mAr cites vA1 twice (two chunks), mA2r vA2, mBr vB1,
-- all on 2 March (A's Tokyo day of 01:00 and 02:00 UTC; B's UTC day)
SELECT is(pg_temp.ai(), 'A one 2026-03-02 0 1 | A two 2026-03-02 0 1 | B one 2026-03-02 0 1',
          'each reply counts once for each video it cites, on its creator''s local day, in a row with no views');

-- 14:00 UTC is 23:00 in Tokyo (still the 2nd), 20:00 UTC the 3rd's 05:00
INSERT INTO chronos_rag.chat_messages (id, session_id, role, content, cited_chunk_ids, created_at) VALUES
  ('bb000000-0000-4000-8000-0000000000c1', :csA, 'assistant', 'late', ARRAY[:kA1b]::uuid[], '2026-03-02 14:00+00'),
  ('bb000000-0000-4000-8000-0000000000c2', :csA, 'assistant', 'later', ARRAY[:kA1a, :kA2]::uuid[], '2026-03-02 20:00+00');
SELECT is(pg_temp.ai(), 'A one 2026-03-02 0 2 | A one 2026-03-03 0 1 | A two 2026-03-02 0 1 | A two 2026-03-03 0 1 | B one 2026-03-02 0 1',
          'replies of one statement: counted by local day (Tokyo''s midnight, not UTC''s)');
INSERT INTO chronos_rag.chat_messages (session_id, role, content, created_at) VALUES
  (:csA, 'user', 'thanks', '2026-03-02 14:01+00');
INSERT INTO chronos_rag.chat_messages (session_id, role, content, created_at) VALUES
  (:csA, 'assistant', 'you are welcome', '2026-03-02 14:02+00');
SELECT is(pg_temp.ai(), 'A one 2026-03-02 0 2 | A one 2026-03-03 0 1 | A two 2026-03-02 0 1 | A two 2026-03-03 0 1 | B one 2026-03-02 0 1',
          'a question, or a reply citing nothing, counts nowhere');

-- refreshes keep them
SELECT is(chronos.refresh_video_analytics(), 0, 'an incremental refresh with nothing to do writes nothing');
SELECT is(pg_temp.ai(), 'A one 2026-03-02 0 2 | A one 2026-03-03 0 1 | A two 2026-03-02 0 1 | A two 2026-03-03 0 1 | B one 2026-03-02 0 1',
          'and keeps every figure');
SELECT chronos.refresh_video_analytics('2026-01-01') \g /dev/null
SELECT is(pg_temp.ai(), 'A one 2026-03-02 0 2 | A one 2026-03-03 0 1 | A two 2026-03-02 0 1 | A two 2026-03-03 0 1 | B one 2026-03-02 0 1',
          'a full refresh recomputes the days without sessions and keeps their rows and figures');

-- a session on a day with interactions: views computed, interactions kept
INSERT INTO chronos.video_watch_sessions (id, video_id, student_id, session_start, session_end, watch_time_seconds)
VALUES ('ca000000-0000-4000-8000-0000000000a1', :vA1, :sA, '2026-03-02 02:00+00', '2026-03-02 02:05+00', 300);
SELECT chronos.refresh_video_analytics('2026-01-01') \g /dev/null
SELECT is(pg_temp.ai(), 'A one 2026-03-02 1 2 | A one 2026-03-03 0 1 | A two 2026-03-02 0 1 | A two 2026-03-03 0 1 | B one 2026-03-02 0 1',
          'a full refresh writes the day''s views beside its interactions');
SELECT is((SELECT (unique_viewers, total_watch_time_seconds, average_watch_time_seconds)::text FROM chronos.video_analytics
            WHERE video_id = :vA1 AND "date" = '2026-03-02'),
          '(1,300,300.00)', 'with the other viewing figures');
DELETE FROM chronos.video_watch_sessions WHERE id = 'ca000000-0000-4000-8000-0000000000a1';
SELECT chronos.refresh_video_analytics('2026-01-01') \g /dev/null
SELECT is(pg_temp.ai(), 'A one 2026-03-02 0 2 | A one 2026-03-03 0 1 | A two 2026-03-02 0 1 | A two 2026-03-03 0 1 | B one 2026-03-02 0 1',
          'the session gone, a full refresh keeps the row for its interactions');
SELECT is((SELECT (unique_viewers, total_watch_time_seconds, average_watch_time_seconds, completion_rate)::text
             FROM chronos.video_analytics WHERE video_id = :vA1 AND "date" = '2026-03-02'),
          '(0,0,0,0)', 'its viewing figures zero');

-- today: a session through chronos's functions (incremental refresh) and a reply
SELECT chronos.start_watch_session(:sA, :vA2) AS today_session \gset
INSERT INTO chronos_rag.chat_messages (session_id, role, content, cited_chunk_ids) VALUES
  (:csA, 'assistant', 'today', ARRAY[:kA2]::uuid[]);
SELECT is(chronos.refresh_video_analytics(), 1, 'an incremental refresh writes today''s row of the session');
SELECT is((SELECT a.views || ' ' || a.ai_interactions FROM chronos.video_analytics a
            JOIN chronos.creators c ON c.id = a.creator_id
           WHERE a.video_id = :vA2 AND a."date" = (now() AT TIME ZONE c.timezone)::date),
          '1 1', 'with today''s reply counted beside the view');

-- moved, deleted
UPDATE chronos_rag.chat_messages SET created_at = '2026-03-04 12:00+00' WHERE id = :mAr;
SELECT is(pg_temp.ai() LIKE 'A one 2026-03-02 0 1 | A one 2026-03-03 0 1 | A one 2026-03-04 0 1 | %', true,
          'a reply moved to another day counts there, no longer on its first day');
UPDATE chronos_rag.chat_messages SET cited_chunk_ids = '{}' WHERE id = 'bb000000-0000-4000-8000-0000000000c1';
SELECT is(pg_temp.ai() LIKE 'A one 2026-03-03 0 1 | A one 2026-03-04 0 1 | %', true,
          'a reply that no longer cites the video: its day''s row, left with nothing, goes');
DELETE FROM chronos_rag.chat_messages WHERE id = :mAr;
SELECT is(pg_temp.ai() LIKE 'A one 2026-03-03 0 1 | A two %', true, 'a deleted reply no longer counts');
DELETE FROM chronos_rag.chat_sessions WHERE id = :csA2;
SELECT is((SELECT count(*)::int FROM chronos.video_analytics WHERE video_id = :vA2 AND "date" = '2026-03-02'), 0,
          'deleting a conversation removes its replies'' interactions (the cascade is counted)');
SELECT is((SELECT ai_interactions FROM chronos.video_analytics WHERE video_id = :vB1), 1, 'another creator''s figures unchanged');

-- recount: figures set wrong by hand come back right
UPDATE chronos.video_analytics SET ai_interactions = 99;
INSERT INTO chronos.video_analytics (video_id, creator_id, "date", ai_interactions) VALUES (:vB1, :B, '2026-02-01', 5);
SELECT is(chronos_rag.recount_ai_interactions(:A), 3, 'recount_ai_interactions(creator) sets each of its days');
SELECT is((SELECT string_agg(ai_interactions::text, ' ' ORDER BY "date", video_id) FROM chronos.video_analytics WHERE creator_id = :A),
          '1 1 1', 'to the count of its messages');
SELECT is(chronos_rag.recount_ai_interactions(), 5, 'recount_ai_interactions() does every creator');
SELECT is(pg_temp.ai() LIKE '%B one 2026-03-02 0 1', true, 'and removes a figure no message supports');

-- a video deleted: its rollups go with it; deleting a reply that cited it still works
DELETE FROM chronos.videos WHERE id = :vA2;
DELETE FROM chronos_rag.chat_messages WHERE id = 'bb000000-0000-4000-8000-0000000000c2';
SELECT is(pg_temp.ai(), 'B one 2026-03-02 0 1', 'a reply citing a deleted video deletes cleanly');

-- a creator deleted: its chats, messages and rollups go with it, the count trigger included
SELECT lives_ok($$DELETE FROM chronos.creators WHERE id = 'c0000000-0000-4000-8000-00000000000b'$$,
                'deleting a creator (its chats and replies by cascade) works');
SELECT is(pg_temp.ai(), '(none)', 'and leaves no figure behind');

SELECT * FROM finish();
ROLLBACK;
