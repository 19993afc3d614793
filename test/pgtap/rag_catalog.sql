-- chronos_rag's catalog: a comment on every table, column, index of its
-- own and function; every function with its search_path fixed; the one
-- SECURITY DEFINER function not callable by PUBLIC; the embedding column
-- of the installation's dimension; every table kept by pg_dump.
BEGIN;
SELECT plan(8);
SET client_min_messages = warning;
CREATE EXTENSION vector;
SET chronos_rag.embedding_dimensions = 5;
CREATE EXTENSION chronos_rag;
RESET chronos_rag.embedding_dimensions;
RESET client_min_messages;

SELECT is((SELECT array_agg(c.relname::text ORDER BY c.relname) FROM pg_class c
            WHERE c.relnamespace = 'chronos_rag'::regnamespace AND c.relkind IN ('r', 'i')
              AND obj_description(c.oid, 'pg_class') IS NULL
              AND NOT EXISTS (SELECT FROM pg_constraint k WHERE k.conindid = c.oid)),
          NULL, 'every table and every index not made by a constraint has a comment');
SELECT is((SELECT array_agg(c.relname || '.' || a.attname ORDER BY c.relname, a.attname) FROM pg_class c
             JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
            WHERE c.relnamespace = 'chronos_rag'::regnamespace AND c.relkind = 'r'
              AND col_description(c.oid, a.attnum) IS NULL),
          NULL, 'every column has a comment');
SELECT is((SELECT array_agg(p.proname::text ORDER BY p.proname) FROM pg_proc p
            WHERE p.pronamespace = 'chronos_rag'::regnamespace AND obj_description(p.oid, 'pg_proc') IS NULL),
          NULL, 'every function has a comment');
SELECT is((SELECT array_agg(p.proname::text ORDER BY p.proname) FROM pg_proc p
            WHERE p.pronamespace = 'chronos_rag'::regnamespace
              AND NOT coalesce('search_path=pg_catalog, pg_temp' = ANY (p.proconfig), false)),
          NULL, 'every function runs with search_path pg_catalog, pg_temp');
SELECT is((SELECT array_agg(p.proname::text ORDER BY p.proname) FROM pg_proc p
            WHERE p.pronamespace = 'chronos_rag'::regnamespace AND p.prosecdef),
          ARRAY['count_ai_interactions'], 'one SECURITY DEFINER function: the counting trigger');
SELECT ok(NOT has_function_privilege('public', 'chronos_rag.count_ai_interactions()', 'EXECUTE'),
          'which PUBLIC may not call');
SELECT is(format_type(atttypid, atttypmod), 'vector(5)', 'the embedding column has the dimension set at CREATE EXTENSION')
  FROM pg_attribute WHERE attrelid = 'chronos_rag.video_chunks'::regclass AND attname = 'embedding';
SELECT is((SELECT array_agg(c.relname::text ORDER BY c.relname) FROM pg_extension e, unnest(e.extconfig) t
             JOIN pg_class c ON c.oid = t WHERE e.extname = 'chronos_rag'),
          ARRAY['chat_messages', 'chat_sessions', 'video_chunks'], 'pg_dump keeps the rows of every table');

SELECT * FROM finish();
ROLLBACK;
