-- chronos_rag's row-level security: every table, every command, every kind
-- of caller (anonymous, the creator and another creator, the student and
-- another student, the service by its role claim), with chronos's identity.
-- Writes are rolled back after each assertion (fixtures/rag.sql's n()).
BEGIN;
SELECT plan(76);
\ir ../fixtures/rag.sql

\set anon '''anon'''
\set cA   '''creator:c0000000-0000-4000-8000-00000000000a'''
\set cB   '''creator:c0000000-0000-4000-8000-00000000000b'''
\set stA  '''student:d0000000-0000-4000-8000-0000000000a1'''
\set stA2 '''student:d0000000-0000-4000-8000-0000000000a2'''
\set stB  '''student:d0000000-0000-4000-8000-0000000000b1'''
\set svc  '''claims:{"role": "service_role"}'''

-- the tables: RLS enabled and forced; PUBLIC's privileges
SELECT is((SELECT array_agg(relname::text || ':' || relrowsecurity || ':' || relforcerowsecurity ORDER BY relname)
             FROM pg_class WHERE relnamespace = 'chronos_rag'::regnamespace AND relkind = 'r'),
          ARRAY['chat_messages:true:true', 'chat_sessions:true:true', 'video_chunks:true:true'],
          'row-level security is enabled and forced on every chronos_rag table');
SELECT is((SELECT array_agg(t || ':' || p ORDER BY t, p) FROM unnest(ARRAY['video_chunks', 'chat_sessions', 'chat_messages']) t,
                  unnest(ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER']) p
            WHERE has_table_privilege(:'app_role', 'chronos_rag.' || t, p)),
          ARRAY['chat_messages:DELETE', 'chat_messages:INSERT', 'chat_messages:SELECT', 'chat_messages:UPDATE',
                'chat_sessions:DELETE', 'chat_sessions:INSERT', 'chat_sessions:SELECT', 'chat_sessions:UPDATE',
                'video_chunks:DELETE', 'video_chunks:INSERT', 'video_chunks:SELECT', 'video_chunks:UPDATE'],
          'every role holds SELECT, INSERT, UPDATE and DELETE (policies decide), never TRUNCATE, REFERENCES or TRIGGER');
SELECT is((SELECT count(*)::int FROM pg_policies WHERE schemaname = 'chronos_rag'), 12,
          'one policy per command and table');

-- SELECT: video_chunks
SELECT is(pg_temp.seen(:anon, 'video_chunks'), '{}', 'chunks: anonymous sees none');
SELECT is(pg_temp.seen(:cA, 'video_chunks'), '{kA1a,kA1b,kA2,kA3}', 'chunks: creator A sees its own, of its deleted video too');
SELECT is(pg_temp.seen(:cB, 'video_chunks'), '{kB1}', 'chunks: creator B sees its own only');
SELECT is(pg_temp.seen(:stA, 'video_chunks'), '{kA1a,kA1b,kA2}', 'chunks: a student of A sees those of the videos it may watch (not the deleted one)');
SELECT is(pg_temp.seen(:stA2, 'video_chunks'), '{kA1a,kA1b,kA2}', 'chunks: another student of A the same');
SELECT is(pg_temp.seen(:stB, 'video_chunks'), '{kB1}', 'chunks: a student of B sees none of A''s');
SELECT is(pg_temp.seen(:svc, 'video_chunks'), '{kA1a,kA1b,kA2,kA3,kB1}', 'chunks: the service sees all');
-- SELECT: chat_sessions
SELECT is(pg_temp.seen(:anon, 'chat_sessions'), '{}', 'sessions: anonymous sees none');
SELECT is(pg_temp.seen(:cA, 'chat_sessions'), '{csA,csA2}', 'sessions: creator A sees its assistant''s');
SELECT is(pg_temp.seen(:cB, 'chat_sessions'), '{csB}', 'sessions: creator B sees its own only');
SELECT is(pg_temp.seen(:stA, 'chat_sessions'), '{csA}', 'sessions: a student sees its own');
SELECT is(pg_temp.seen(:stA2, 'chat_sessions'), '{csA2}', 'sessions: another student of the same creator sees only its own');
SELECT is(pg_temp.seen(:stB, 'chat_sessions'), '{csB}', 'sessions: a student of B sees its own only');
SELECT is(pg_temp.seen(:svc, 'chat_sessions'), '{csA,csA2,csB}', 'sessions: the service sees all');
-- SELECT: chat_messages
SELECT is(pg_temp.seen(:anon, 'chat_messages'), '{}', 'messages: anonymous sees none');
SELECT is(pg_temp.seen(:cA, 'chat_messages'), '{mA2r,mAq,mAr}', 'messages: creator A sees its assistant''s');
SELECT is(pg_temp.seen(:cB, 'chat_messages'), '{mBr}', 'messages: creator B sees its own only');
SELECT is(pg_temp.seen(:stA, 'chat_messages'), '{mAq,mAr}', 'messages: a student sees its own conversation''s');
SELECT is(pg_temp.seen(:stA2, 'chat_messages'), '{mA2r}', 'messages: another student only its own');
SELECT is(pg_temp.seen(:stB, 'chat_messages'), '{mBr}', 'messages: a student of B only its own');
SELECT is(pg_temp.seen(:svc, 'chat_messages'), '{mA2r,mAq,mAr,mBr}', 'messages: the service sees all');

-- INSERT: video_chunks (creator_id filled from the video the writer can see)
\set ins_chunk_vA1 '''INSERT INTO chronos_rag.video_chunks (video_id, chunk_index, content, start_seconds, end_seconds, embedding) VALUES (''''e0000000-0000-4000-8000-0000000000a1'''', 9, ''''x'''', 0, 1, ''''[0,0,1]'''')'''
\set ins_chunk_vB1_as_A '''INSERT INTO chronos_rag.video_chunks (video_id, creator_id, chunk_index, content, start_seconds, end_seconds, embedding) VALUES (''''e0000000-0000-4000-8000-0000000000b1'''', ''''c0000000-0000-4000-8000-00000000000a'''', 9, ''''x'''', 0, 1, ''''[0,0,1]'''')'''
\set ins_chunk_vB1 '''INSERT INTO chronos_rag.video_chunks (video_id, creator_id, chunk_index, content, start_seconds, end_seconds, embedding) VALUES (''''e0000000-0000-4000-8000-0000000000b1'''', ''''c0000000-0000-4000-8000-00000000000b'''', 9, ''''x'''', 0, 1, ''''[0,0,1]'''')'''
SELECT is(pg_temp.n(:anon, :ins_chunk_vA1), 'ERROR 23503', 'chunks: anonymous cannot add one (the video is not there for it)');
SELECT is(pg_temp.n(:anon, :ins_chunk_vB1), 'ERROR 42501', 'chunks: nor with the creator given');
SELECT is(pg_temp.n(:cA, :ins_chunk_vA1), '1', 'chunks: creator A adds one to its video');
SELECT is(pg_temp.n(:cA, :ins_chunk_vB1), 'ERROR 42501', 'chunks: creator A cannot add one to B''s video');
SELECT is(pg_temp.n(:cA, :ins_chunk_vB1_as_A), 'ERROR 23503', 'chunks: nor by naming itself as its creator (the composite key)');
SELECT is(pg_temp.n(:stA, :ins_chunk_vA1), 'ERROR 42501', 'chunks: a student cannot add one to its creator''s video');
SELECT is(pg_temp.n(:stB, :ins_chunk_vB1), 'ERROR 42501', 'chunks: nor a student of B to B''s');
SELECT is(pg_temp.n(:svc, :ins_chunk_vB1), '1', 'chunks: the service adds one');
-- UPDATE / DELETE: video_chunks
SELECT is(pg_temp.n(:anon, 'UPDATE chronos_rag.video_chunks SET content = content || ''!'''), '0', 'chunks: anonymous updates none');
SELECT is(pg_temp.n(:cA, 'UPDATE chronos_rag.video_chunks SET content = content || ''!'''), '4', 'chunks: creator A updates its four');
SELECT is(pg_temp.n(:cB, 'UPDATE chronos_rag.video_chunks SET content = content || ''!'' WHERE creator_id <> ''c0000000-0000-4000-8000-00000000000b'''), '0', 'chunks: creator B updates none of A''s');
SELECT is(pg_temp.n(:cA, 'UPDATE chronos_rag.video_chunks SET creator_id = ''c0000000-0000-4000-8000-00000000000b'', video_id = ''e0000000-0000-4000-8000-0000000000b1'', chunk_index = 7 WHERE chunk_index = 0 AND video_id = ''e0000000-0000-4000-8000-0000000000a1'''), 'ERROR 42501', 'chunks: creator A cannot give one to B');
SELECT is(pg_temp.n(:stA, 'UPDATE chronos_rag.video_chunks SET content = content || ''!'''), '0', 'chunks: a student updates none it sees');
SELECT is(pg_temp.n(:stB, 'UPDATE chronos_rag.video_chunks SET content = content || ''!'''), '0', 'chunks: a student of B updates none');
SELECT is(pg_temp.n(:svc, 'UPDATE chronos_rag.video_chunks SET content = content || ''!'''), '5', 'chunks: the service updates all');
SELECT is(pg_temp.n(:anon, 'DELETE FROM chronos_rag.video_chunks'), '0', 'chunks: anonymous deletes none');
SELECT is(pg_temp.n(:cB, 'DELETE FROM chronos_rag.video_chunks'), '1', 'chunks: creator B deletes its own only');
SELECT is(pg_temp.n(:cA, 'DELETE FROM chronos_rag.video_chunks'), '4', 'chunks: creator A deletes its own only');
SELECT is(pg_temp.n(:stA, 'DELETE FROM chronos_rag.video_chunks'), '0', 'chunks: a student deletes none');
SELECT is(pg_temp.n(:svc, 'DELETE FROM chronos_rag.video_chunks'), '5', 'chunks: the service deletes all');

-- chat_sessions: a student starts, renames and deletes its own
\set ins_cs_sA '''INSERT INTO chronos_rag.chat_sessions (student_id, title) VALUES (''''d0000000-0000-4000-8000-0000000000a1'''', ''''new'''')'''
\set ins_cs_sA2 '''INSERT INTO chronos_rag.chat_sessions (student_id, creator_id, title) VALUES (''''d0000000-0000-4000-8000-0000000000a2'''', ''''c0000000-0000-4000-8000-00000000000a'''', ''''new'''')'''
SELECT is(pg_temp.n(:anon, :ins_cs_sA2), 'ERROR 42501', 'sessions: anonymous cannot start one');
SELECT is(pg_temp.n(:stA, :ins_cs_sA), '1', 'sessions: a student starts its own (creator filled from the student)');
SELECT is(pg_temp.n(:stA, :ins_cs_sA2), 'ERROR 42501', 'sessions: a student cannot start one for another student');
SELECT is(pg_temp.n(:stB, :ins_cs_sA2), 'ERROR 42501', 'sessions: nor a student of another creator');
SELECT is(pg_temp.n(:cA, :ins_cs_sA2), 'ERROR 42501', 'sessions: a creator does not start its students'' chats');
SELECT is(pg_temp.n(:cB, :ins_cs_sA2), 'ERROR 42501', 'sessions: nor another creator');
SELECT is(pg_temp.n(:svc, :ins_cs_sA2), '1', 'sessions: the service starts one');
SELECT is(pg_temp.n(:stA, 'UPDATE chronos_rag.chat_sessions SET title = ''renamed'''), '1', 'sessions: a student renames its own only');
SELECT is(pg_temp.n(:stA, 'UPDATE chronos_rag.chat_sessions SET student_id = ''d0000000-0000-4000-8000-0000000000a2'''), 'ERROR 42501', 'sessions: a student cannot hand its chat to another');
SELECT is(pg_temp.n(:cA, 'UPDATE chronos_rag.chat_sessions SET title = ''renamed'''), '0', 'sessions: a creator renames none');
SELECT is(pg_temp.n(:anon, 'UPDATE chronos_rag.chat_sessions SET title = ''renamed'''), '0', 'sessions: anonymous renames none');
SELECT is(pg_temp.n(:svc, 'UPDATE chronos_rag.chat_sessions SET title = ''renamed'''), '3', 'sessions: the service renames all');
SELECT is(pg_temp.n(:stA2, 'DELETE FROM chronos_rag.chat_sessions'), '1', 'sessions: a student deletes its own only');
SELECT is(pg_temp.n(:cA, 'DELETE FROM chronos_rag.chat_sessions'), '0', 'sessions: a creator deletes none');
SELECT is(pg_temp.n(:anon, 'DELETE FROM chronos_rag.chat_sessions'), '0', 'sessions: anonymous deletes none');
SELECT is(pg_temp.n(:svc, 'DELETE FROM chronos_rag.chat_sessions'), '3', 'sessions: the service deletes all');

-- chat_messages: a student writes its questions; replies are the service's
\set ins_q_csA '''INSERT INTO chronos_rag.chat_messages (session_id, role, content) VALUES (''''ba000000-0000-4000-8000-0000000000a1'''', ''''user'''', ''''and a constant?'''')'''
\set ins_q_csA2 '''INSERT INTO chronos_rag.chat_messages (session_id, role, content) VALUES (''''ba000000-0000-4000-8000-0000000000a2'''', ''''user'''', ''''hello'''')'''
\set ins_q_csA2_as_sA '''INSERT INTO chronos_rag.chat_messages (session_id, creator_id, student_id, role, content) VALUES (''''ba000000-0000-4000-8000-0000000000a2'''', ''''c0000000-0000-4000-8000-00000000000a'''', ''''d0000000-0000-4000-8000-0000000000a1'''', ''''user'''', ''''hello'''')'''
\set ins_q_nowhere '''INSERT INTO chronos_rag.chat_messages (session_id, creator_id, student_id, role, content) VALUES (''''ba000000-0000-4000-8000-0000000000ff'''', ''''c0000000-0000-4000-8000-00000000000a'''', ''''d0000000-0000-4000-8000-0000000000a1'''', ''''user'''', ''''hello'''')'''
\set ins_r_csA '''INSERT INTO chronos_rag.chat_messages (session_id, role, content, cited_chunk_ids) VALUES (''''ba000000-0000-4000-8000-0000000000a1'''', ''''assistant'''', ''''see kA2'''', ''''{f0000000-0000-4000-8000-0000000a2000}'''')'''
\set ins_r_csA_costly '''INSERT INTO chronos_rag.chat_messages (session_id, role, content, cost_usd) VALUES (''''ba000000-0000-4000-8000-0000000000a1'''', ''''user'''', ''''free?'''', 1)'''
SELECT is(pg_temp.n(:anon, :ins_q_csA), 'ERROR 23503', 'messages: anonymous cannot write (the chat is not there for it)');
SELECT is(pg_temp.n(:stA, :ins_q_csA), '1', 'messages: a student asks in its own chat');
SELECT is(pg_temp.n(:stA, :ins_q_csA2), 'ERROR 23503', 'messages: not in another student''s chat, which is not there for it');
SELECT is(pg_temp.n(:stA, :ins_q_csA2_as_sA), 'ERROR 23503', 'messages: nor by naming itself, refused as a chat that does not exist');
SELECT is(pg_temp.n(:stA, :ins_q_nowhere), 'ERROR 23503', 'messages: the same refusal for a chat that does not exist');
SELECT is(pg_temp.n(:stA, :ins_r_csA), 'ERROR 42501', 'messages: a student cannot write the assistant''s reply');
SELECT is(pg_temp.n(:stA, :ins_r_csA_costly), 'ERROR 42501', 'messages: nor a question with a cost');
SELECT is(pg_temp.n(:cA, :ins_q_csA), 'ERROR 42501', 'messages: the creator does not write in its students'' chats');
SELECT is(pg_temp.n(:svc, :ins_r_csA), '1', 'messages: the service writes replies');
SELECT is(pg_temp.n(:stA, 'UPDATE chronos_rag.chat_messages SET content = ''edited'''), '0', 'messages: a student edits none, not its own');
SELECT is(pg_temp.n(:cA, 'UPDATE chronos_rag.chat_messages SET content = ''edited'''), '0', 'messages: a creator edits none');
SELECT is(pg_temp.n(:svc, 'UPDATE chronos_rag.chat_messages SET content = ''edited'''), '4', 'messages: the service edits all');
SELECT is(pg_temp.n(:stA, 'DELETE FROM chronos_rag.chat_messages'), '0', 'messages: a student deletes none (it deletes its chat)');
SELECT is(pg_temp.n(:cA, 'DELETE FROM chronos_rag.chat_messages'), '0', 'messages: a creator deletes none');
SELECT is(pg_temp.n(:anon, 'DELETE FROM chronos_rag.chat_messages'), '0', 'messages: anonymous deletes none');
SELECT is(pg_temp.n(:svc, 'DELETE FROM chronos_rag.chat_messages'), '4', 'messages: the service deletes all');

SELECT * FROM finish();
ROLLBACK;
