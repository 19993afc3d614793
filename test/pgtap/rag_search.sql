-- chronos_rag.search_chunks: the nearest chunks in the right order, with
-- their video and times, under the same rules as a SELECT by the caller;
-- p_video_ids and p_limit; through the HNSW index too, where many chunks the
-- caller may not see come first.
BEGIN;
SELECT plan(17);
\ir ../fixtures/rag.sql

\set cA   '''creator:c0000000-0000-4000-8000-00000000000a'''
\set cB   '''creator:c0000000-0000-4000-8000-00000000000b'''
\set stA  '''student:d0000000-0000-4000-8000-0000000000a1'''
\set stB  '''student:d0000000-0000-4000-8000-0000000000b1'''
\set svc  '''claims:{"role": "service_role"}'''

-- found(who, sql): the labels of the chunks a search_chunks call by who
-- returns, in its order, with rounded distances.
CREATE FUNCTION pg_temp.found(p_who text, p_call text) RETURNS text LANGUAGE sql AS $$
    SELECT pg_temp.as_who(p_who, format(
        'SELECT coalesce(string_agg(k.metadata->>''label'' || ''@'' || round(s.distance::numeric, 4), '' '' ORDER BY n), ''(none)'')'
        '  FROM %s WITH ORDINALITY AS s (chunk_id, video_id, video_title, chunk_index, content, start_seconds, end_seconds, distance, n)'
        '  JOIN chronos_rag.video_chunks k ON k.id = s.chunk_id', p_call))
$$;

-- distances from [1,0,0] by cosine: kA1a 0, kA3 0.0061, kA1b 0.2929, kA2 1
SELECT is(pg_temp.found(:cA, 'chronos_rag.search_chunks(''[1,0,0]'', ''c0000000-0000-4000-8000-00000000000a'')'),
          'kA1a@0.0000 kA3@0.0061 kA1b@0.2929 kA2@1.0000',
          'the creator: its chunks nearest first, its deleted video''s included');
SELECT is(pg_temp.found(:stA, 'chronos_rag.search_chunks(''[1,0,0]'', ''c0000000-0000-4000-8000-00000000000a'')'),
          'kA1a@0.0000 kA1b@0.2929 kA2@1.0000',
          'a student of the creator: only chunks of videos it may watch, nearest first');
SELECT is(pg_temp.found(:stA, 'chronos_rag.search_chunks(''[0,1,0]'', ''c0000000-0000-4000-8000-00000000000a'')'),
          'kA2@0.0000 kA1b@0.2929 kA1a@1.0000',
          'another query, another order');
SELECT is(pg_temp.found(:stB, 'chronos_rag.search_chunks(''[1,0,0]'', ''c0000000-0000-4000-8000-00000000000a'')'),
          '(none)', 'a student of another creator: nothing of A''s');
SELECT is(pg_temp.found(:cB, 'chronos_rag.search_chunks(''[1,0,0]'', ''c0000000-0000-4000-8000-00000000000a'')'),
          '(none)', 'another creator: nothing of A''s');
SELECT is(pg_temp.found('anon', 'chronos_rag.search_chunks(''[1,0,0]'', ''c0000000-0000-4000-8000-00000000000a'')'),
          '(none)', 'anonymous: nothing');
SELECT is(pg_temp.found(:stB, 'chronos_rag.search_chunks(''[1,0,0]'', ''c0000000-0000-4000-8000-00000000000b'')'),
          'kB1@0.0000', 'a student of B: B''s');
SELECT is(pg_temp.found(:svc, 'chronos_rag.search_chunks(''[1,0,0]'', ''c0000000-0000-4000-8000-00000000000a'')'),
          'kA1a@0.0000 kA3@0.0061 kA1b@0.2929 kA2@1.0000', 'the service: all of the creator''s, only the creator''s');
SELECT is(pg_temp.found(:stA, 'chronos_rag.search_chunks(''[1,0,0]'', ''c0000000-0000-4000-8000-00000000000a'', 2)'),
          'kA1a@0.0000 kA1b@0.2929', 'p_limit: the first ones');
SELECT is(pg_temp.found(:stA, 'chronos_rag.search_chunks(''[1,0,0]'', ''c0000000-0000-4000-8000-00000000000a'', 10, ''{e0000000-0000-4000-8000-0000000000a2}'')'),
          'kA2@1.0000', 'p_video_ids: those videos only');
SELECT is(pg_temp.found(:stA, 'chronos_rag.search_chunks(''[1,0,0]'', ''c0000000-0000-4000-8000-00000000000a'', 10, ''{e0000000-0000-4000-8000-0000000000a3,e0000000-0000-4000-8000-0000000000b1}'')'),
          '(none)', 'p_video_ids naming videos the student may not watch: nothing');
SELECT is(pg_temp.found(:stA, 'chronos_rag.search_chunks(''[1,0,0]'', ''c0000000-0000-4000-8000-00000000000a'', 10, ''{}'')'),
          '(none)', 'p_video_ids empty: nothing');
SELECT is(pg_temp.as_who(:stA, $$SELECT string_agg(video_title || ' ' || start_seconds || '-' || end_seconds || ' ' || content, ' | ' ORDER BY distance)
                                   FROM chronos_rag.search_chunks('[1,1,0]', 'c0000000-0000-4000-8000-00000000000a', 2)$$),
          'A one 30-61.5 types of values | A one 0-30 variables hold values',
          'each chunk with its video, times and text');

-- Through the HNSW index: 300 chunks of a video the student may not watch
-- (deleted), most nearer the query than kA1b and all than kA2, many more
-- than the index's first candidates (hnsw.ef_search, 40); the scan goes
-- on past them (hnsw.iterative_scan) and the answer is the same as a
-- sequential scan's.
INSERT INTO chronos_rag.video_chunks (video_id, chunk_index, content, start_seconds, end_seconds, embedding, metadata)
SELECT :vA3, i, 'hidden ' || i, i, i + 1, format('[1,%s,0]', i / 100.0)::vector, jsonb_build_object('label', 'h' || i)
  FROM generate_series(1, 300) i;
ANALYZE chronos_rag.video_chunks;
SET LOCAL enable_seqscan = off;
-- plan(sql): the EXPLAIN of sql, in one line.
CREATE FUNCTION pg_temp.plan(p_sql text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    r record;
    v text := '';
BEGIN
    FOR r IN EXECUTE 'EXPLAIN (COSTS off) ' || p_sql LOOP
        v := v || ' ' || r."QUERY PLAN";
    END LOOP;
    RETURN v;
END
$$;
SELECT matches(pg_temp.as_who(:stA, $$SELECT pg_temp.plan('SELECT k.id FROM chronos_rag.video_chunks k WHERE k.creator_id = ''c0000000-0000-4000-8000-00000000000a'' ORDER BY k.embedding <=> ''[1,0,0]''::vector FETCH FIRST 3 ROWS WITH TIES')$$),
               'Index Scan using video_chunks_embedding_idx',
               'search_chunks''s query, as a student, is answered through the HNSW index');
-- (kA2, at the opposite end from the query, is not asked for: HNSW is
-- approximate, and after 300 inserts near [1,0,0] its graph may no longer
-- lead there)
SELECT is(pg_temp.found(:stA, 'chronos_rag.search_chunks(''[1,0,0]'', ''c0000000-0000-4000-8000-00000000000a'', 2)'),
          'kA1a@0.0000 kA1b@0.2929', 'through the index: the visible chunks behind about 100 hidden nearer ones');
SELECT is(pg_temp.found(:cA, 'chronos_rag.search_chunks(''[1,0,0]'', ''c0000000-0000-4000-8000-00000000000a'', 3)'),
          'kA1a@0.0000 h1@0.0001 h2@0.0002', 'through the index: the creator sees the hidden ones');
RESET enable_seqscan;
SELECT is(pg_temp.found(:cA, 'chronos_rag.search_chunks(''[1,0,0]'', ''c0000000-0000-4000-8000-00000000000a'', 3)'),
          'kA1a@0.0000 h1@0.0001 h2@0.0002', 'and without forcing it, the same');

SELECT * FROM finish();
ROLLBACK;
