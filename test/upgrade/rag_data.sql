-- test/upgrade/rag_data.sql: chronos_rag's rows on top of a platform
-- (test/fixtures/platform_data.sql), for test/shell/rag_lifecycle.sh.
--
--   psql -X -v ON_ERROR_STOP=1 -v t0='2026-01-01 00:00+00' -f test/upgrade/rag_data.sql -d DB
--
-- Needs chronos_rag created with 8 dimensions.  Four chunks per video,
-- embeddings fixed by their rank; per student one chat with a question and
-- two replies citing chunks of its creator's first two videos (one reply a
-- day earlier), so that ai_interactions holds figures on two days.  As the
-- superuser (the service).
\if :{?t0}
\else
\set t0 '2026-01-01 00:00+00'
\endif

INSERT INTO chronos_rag.video_chunks (video_id, chunk_index, content, start_seconds, end_seconds, embedding, metadata)
SELECT v.id, i, format('chunk %s of %s', i, v.title), i * 30, i * 30 + 29.5,
       format('[%s]', (SELECT string_agg(round(0.1 + ((r * 7 + i * 3 + d * 5) % 11) / 11.0, 4)::text, ',' ORDER BY d)
                         FROM generate_series(1, 8) d))::vector,
       jsonb_build_object('model', 'test-embedding-8')
  FROM (SELECT v.*, row_number() OVER (ORDER BY v.creator_id, v.id) AS r FROM chronos.videos v) v,
       generate_series(0, 3) i;

INSERT INTO chronos_rag.chat_sessions (student_id, title, created_at)
SELECT s.id, 'questions of ' || s.whop_user_id, :'t0'::timestamptz - interval '2 hours'
  FROM chronos.students s;

INSERT INTO chronos_rag.chat_messages (session_id, role, content, created_at)
SELECT c.id, 'user', 'what is this about?', :'t0'::timestamptz - interval '2 hours' + interval '1 minute'
  FROM chronos_rag.chat_sessions c;
INSERT INTO chronos_rag.chat_messages (session_id, role, content, model, input_tokens, output_tokens, cost_usd,
                                       cited_chunk_ids, created_at)
SELECT c.id, 'assistant', 'this and that', 'test-model', 500 + n, 40 + n, 0.0001 * n,
       ARRAY(SELECT k.id FROM chronos_rag.video_chunks k
              WHERE k.creator_id = c.creator_id AND k.chunk_index = 0
              ORDER BY k.video_id LIMIT 2),
       :'t0'::timestamptz - interval '2 hours' + interval '2 minutes'
  FROM (SELECT c.*, row_number() OVER (ORDER BY c.id) AS n FROM chronos_rag.chat_sessions c) c;
INSERT INTO chronos_rag.chat_messages (session_id, role, content, cited_chunk_ids, created_at)
SELECT c.id, 'assistant', 'as I said yesterday',
       ARRAY(SELECT k.id FROM chronos_rag.video_chunks k
              WHERE k.creator_id = c.creator_id AND k.chunk_index = 1
              ORDER BY k.video_id LIMIT 1),
       :'t0'::timestamptz - interval '26 hours'
  FROM chronos_rag.chat_sessions c;
SELECT 'loaded', (SELECT count(*) FROM chronos_rag.video_chunks), (SELECT count(*) FROM chronos_rag.chat_messages);
