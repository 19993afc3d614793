--
-- Errors of the chronos_rag extension (rag/): its install-time checks,
-- search_chunks's arguments, cited chunks, chronos.set_ai_interactions.
-- Needs pgvector (test/run.sh builds it for the rag_* files).
--
\set VERBOSITY default
\set SHOW_CONTEXT never
SET client_min_messages = warning;
CREATE EXTENSION vector;
RESET client_min_messages;

--
-- CREATE EXTENSION: a dimension from 1 to 2000
--
SET chronos_rag.embedding_dimensions = 'many';
CREATE EXTENSION chronos_rag;
SET chronos_rag.embedding_dimensions = 0;
CREATE EXTENSION chronos_rag;
SET chronos_rag.embedding_dimensions = 2001;
CREATE EXTENSION chronos_rag;
SET chronos_rag.embedding_dimensions = 3;
CREATE EXTENSION chronos_rag;
RESET chronos_rag.embedding_dimensions;
SELECT chronos_rag.embedding_dimensions();

INSERT INTO chronos.creators (id, whop_company_id, whop_user_id) VALUES
  ('e7000000-0000-4000-8000-00000000000a', 'co_e7a', 'user_e7a'),
  ('e7000000-0000-4000-8000-00000000000b', 'co_e7b', 'user_e7b');
INSERT INTO chronos.students (id, creator_id, whop_user_id) VALUES
  ('e7000000-0000-4000-8000-0000000000a1', 'e7000000-0000-4000-8000-00000000000a', 'learner_e7');
INSERT INTO chronos.videos (id, creator_id, title, source_type, youtube_video_id) VALUES
  ('e7000000-0000-4000-8000-0000000001a1', 'e7000000-0000-4000-8000-00000000000a', 'a', 'youtube', 'yt_e7a'),
  ('e7000000-0000-4000-8000-0000000001b1', 'e7000000-0000-4000-8000-00000000000b', 'b', 'youtube', 'yt_e7b');
INSERT INTO chronos_rag.video_chunks (id, video_id, chunk_index, content, start_seconds, end_seconds, embedding) VALUES
  ('e7000000-0000-4000-8000-0000000002a1', 'e7000000-0000-4000-8000-0000000001a1', 0, 'a', 0, 10, '[1,0,0]'),
  ('e7000000-0000-4000-8000-0000000002b1', 'e7000000-0000-4000-8000-0000000001b1', 0, 'b', 0, 10, '[0,1,0]');

--
-- search_chunks: arguments
--
SELECT chunk_id FROM chronos_rag.search_chunks(NULL, 'e7000000-0000-4000-8000-00000000000a');
SELECT chunk_id FROM chronos_rag.search_chunks('[1,0,0]', NULL);
SELECT chunk_id FROM chronos_rag.search_chunks('[1,0,0]', 'e7000000-0000-4000-8000-00000000000a', NULL);
SELECT chunk_id FROM chronos_rag.search_chunks('[1,0,0]', 'e7000000-0000-4000-8000-00000000000a', 0);
SELECT chunk_id FROM chronos_rag.search_chunks('[1,0,0]', 'e7000000-0000-4000-8000-00000000000a', 1001);
SELECT chunk_id FROM chronos_rag.search_chunks('[1,0]', 'e7000000-0000-4000-8000-00000000000a');
SELECT chunk_id FROM chronos_rag.search_chunks('[1,0,0]', 'e7000000-0000-4000-8000-00000000000a', 10,
                                               ARRAY[NULL]::uuid[]);
SELECT chunk_id, distance FROM chronos_rag.search_chunks('[1,0,0]', 'e7000000-0000-4000-8000-00000000000a', 1000);

--
-- chunks: their rules (terse: the failing rows hold generated ids and times)
--
\set VERBOSITY terse
INSERT INTO chronos_rag.video_chunks (video_id, chunk_index, content, start_seconds, end_seconds, embedding)
VALUES ('e7000000-0000-4000-8000-0000000001a1', 1, 'a', 0, 10, '[1,0]');
INSERT INTO chronos_rag.video_chunks (video_id, chunk_index, content, start_seconds, end_seconds, embedding)
VALUES ('e7000000-0000-4000-8000-0000000001a1', 1, 'a', 10, 10, '[1,0,0]');
INSERT INTO chronos_rag.video_chunks (video_id, chunk_index, content, start_seconds, end_seconds, embedding)
VALUES ('e7000000-0000-4000-8000-0000000001a1', 0, 'again', 0, 10, '[1,0,0]');

\set VERBOSITY default

--
-- messages: citations
--
INSERT INTO chronos_rag.chat_sessions (id, student_id) VALUES
  ('e7000000-0000-4000-8000-0000000003a1', 'e7000000-0000-4000-8000-0000000000a1');
INSERT INTO chronos_rag.chat_messages (session_id, role, content, cited_chunk_ids) VALUES
  ('e7000000-0000-4000-8000-0000000003a1', 'assistant', 'see b', '{e7000000-0000-4000-8000-0000000002b1}');
INSERT INTO chronos_rag.chat_messages (session_id, role, content, cited_chunk_ids) VALUES
  ('e7000000-0000-4000-8000-0000000003a1', 'assistant', 'see nothing', '{e7000000-0000-4000-8000-0000000002ff}');
\set VERBOSITY terse
INSERT INTO chronos_rag.chat_messages (session_id, role, content, cited_chunk_ids) VALUES
  ('e7000000-0000-4000-8000-0000000003a1', 'user', 'see a', '{e7000000-0000-4000-8000-0000000002a1}');
\set VERBOSITY default
INSERT INTO chronos_rag.chat_messages (session_id, role, content) VALUES
  ('e7000000-0000-4000-8000-0000000003ff', 'user', 'anyone?');
INSERT INTO chronos_rag.chat_messages (session_id, role, content, cited_chunk_ids) VALUES
  ('e7000000-0000-4000-8000-0000000003a1', 'assistant', 'see a, twice', '{e7000000-0000-4000-8000-0000000002a1,e7000000-0000-4000-8000-0000000002a1}')
RETURNING role, cited_video_ids;

--
-- chronos.set_ai_interactions: arguments, the service only
--
SELECT chronos.set_ai_interactions(NULL, '2026-01-01', 1);
SELECT chronos.set_ai_interactions('e7000000-0000-4000-8000-0000000001a1', NULL, 1);
SELECT chronos.set_ai_interactions('e7000000-0000-4000-8000-0000000001a1', '2026-01-01', NULL);
SELECT chronos.set_ai_interactions('e7000000-0000-4000-8000-0000000001a1', 'infinity', 1);
SELECT chronos.set_ai_interactions('e7000000-0000-4000-8000-0000000001a1', '2026-01-01', -1);
SELECT chronos.set_ai_interactions('e7000000-0000-4000-8000-0000000001ff', '2026-01-01', 1);
CREATE ROLE chronos_rag_errors_app NOLOGIN;
SET ROLE chronos_rag_errors_app;
SET chronos.creator_id = 'e7000000-0000-4000-8000-00000000000a';
SELECT chronos.set_ai_interactions('e7000000-0000-4000-8000-0000000001a1', '2026-01-01', 1);
SELECT chronos_rag.recount_ai_interactions();
RESET chronos.creator_id;
RESET ROLE;
DROP ROLE chronos_rag_errors_app;

--
-- chronos_rag needs chronos 1.1: refused, and nothing made, on 1.0
--
DROP EXTENSION chronos_rag;
DROP EXTENSION chronos CASCADE;
CREATE EXTENSION chronos VERSION '1.0';
CREATE EXTENSION chronos_rag;
SELECT count(*) AS chronos_rag_relations
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'chronos_rag';
ALTER EXTENSION chronos UPDATE;
CREATE EXTENSION chronos_rag;
SELECT chronos_rag.embedding_dimensions();
