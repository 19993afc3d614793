-- usage_metrics and record_usage: the table's definition, its row-level
-- security for every kind of caller (anonymous, a creator on its own rows
-- and another's, a student of the creator and of another, the service by
-- its claims and as a BYPASSRLS role) verb by verb, and record_usage: a
-- retried report counts once, other figures are refused unless replaced,
-- what makes two reports different, the SQLSTATE of each refusal, and that
-- a refusal writes nothing.  Every attempted write runs in a
-- subtransaction that is undone afterwards.  The races of two connections
-- are in usage_concurrency.sql, the dashboard's figures in
-- dashboard_usage.sql.  Ids: prefix c2.
SET client_min_messages = warning;
BEGIN;
SELECT plan(149);

CREATE ROLE chronos_usage_tester NOLOGIN;
CREATE ROLE chronos_usage_bypass NOLOGIN BYPASSRLS;

\set ids 'c2%s00000-0000-4000-8000-%s'
\set creators 'a=usage_alice b=usage_bob'
\set students 'a1=usage_sam b1=usage_tess'
\set videos 'a1 a2 b1'
\set videos_with '{"a2": {"source_type": "youtube", "youtube_video_id": "yt_a2", "storage_path": null}}'
\ir ../fixtures/people.sql
\ir ../fixtures/catalog.sql
\set a '''c2100000-0000-4000-8000-00000000000a'''
\set b '''c2100000-0000-4000-8000-00000000000b'''
\set va1 '''c2300000-0000-4000-8000-0000000000a1'''
\set va2 '''c2300000-0000-4000-8000-0000000000a2'''
\set vb1 '''c2300000-0000-4000-8000-0000000000b1'''

--
-- The table
--
SELECT has_table('chronos', 'usage_metrics', 'table chronos.usage_metrics exists');
SELECT columns_are('chronos', 'usage_metrics',
    ARRAY['creator_id', 'date', 'kind', 'video_id', 'source', 'method', 'quantity', 'cost', 'created_at', 'updated_at']::name[],
    'usage_metrics has exactly its 10 columns');
SELECT col_not_null('chronos', 'usage_metrics', c, format('usage_metrics.%s is NOT NULL', c))
  FROM unnest(ARRAY['creator_id', 'date', 'kind', 'quantity', 'cost', 'created_at', 'updated_at']) AS c;
SELECT col_is_null('chronos', 'usage_metrics', c, format('usage_metrics.%s may be NULL', c))
  FROM unnest(ARRAY['video_id', 'source', 'method']) AS c;
SELECT is((SELECT pg_get_constraintdef(oid) FROM pg_constraint
            WHERE conrelid = 'chronos.usage_metrics'::regclass AND conname = 'usage_metrics_report_key'),
    'UNIQUE NULLS NOT DISTINCT (creator_id, date, kind, video_id, source, method) INCLUDE (quantity, cost)',
    'one report per creator, day, kind, video, source and method, NULLs equal; the figures in the index (index-only reads)');
SELECT fk_ok('chronos', 'usage_metrics', ARRAY['video_id', 'creator_id'], 'chronos', 'videos', ARRAY['id', 'creator_id'],
    'a video''s usage belongs to the video''s creator (composite foreign key)');
SELECT is((SELECT (relrowsecurity, relforcerowsecurity)::text FROM pg_class WHERE oid = 'chronos.usage_metrics'::regclass),
    '(t,f)', 'row-level security is enabled (not forced: the extension''s owner writes, like every chronos table)');
SELECT is((SELECT array_agg(extcondition IS NOT NULL) FROM pg_extension, unnest(extconfig) AS c
            WHERE extname = 'chronos' AND c = 'chronos.usage_metrics'::regclass), ARRAY[true],
    'pg_dump keeps its rows (pg_extension_config_dump)');
SELECT policies_are('chronos', 'usage_metrics',
    ARRAY['usage_metrics_select', 'usage_metrics_insert', 'usage_metrics_update', 'usage_metrics_delete'],
    'one policy per command');
SELECT table_privs_are('chronos', 'usage_metrics', 'chronos_usage_tester', ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE'],
    'every role holds SELECT, INSERT, UPDATE, DELETE (never TRUNCATE): the policies decide');
SELECT has_trigger('chronos', 'usage_metrics', 'usage_metrics_set_updated_at', 'updated_at follows every update');
SELECT is((SELECT count(*)::int FROM pg_class c
            WHERE c.relnamespace = 'chronos'::regnamespace AND c.relkind IN ('r', 'i')
              AND c.relname LIKE 'usage_metrics%' AND obj_description(c.oid, 'pg_class') IS NULL), 0,
    'the table and its index have comments');
SELECT is((SELECT count(*)::int FROM pg_attribute
            WHERE attrelid = 'chronos.usage_metrics'::regclass AND attnum > 0
              AND col_description(attrelid, attnum) IS NULL), 0, 'every column has a comment');

-- record_usage
SELECT function_returns('chronos', 'record_usage',
    ARRAY['uuid', 'date', 'text', 'numeric', 'numeric', 'uuid', 'text', 'text', 'boolean'], 'chronos.usage_metrics',
    'record_usage returns the row as recorded');
SELECT isnt_definer('chronos', 'record_usage', ARRAY['uuid', 'date', 'text', 'numeric', 'numeric', 'uuid', 'text', 'text', 'boolean'],
    'record_usage runs as its caller (the policies let only the service write)');
SELECT volatility_is('chronos', 'record_usage', ARRAY['uuid', 'date', 'text', 'numeric', 'numeric', 'uuid', 'text', 'text', 'boolean'],
    'volatile', 'record_usage is VOLATILE');
SELECT function_privs_are('chronos', 'record_usage', ARRAY['uuid', 'date', 'text', 'numeric', 'numeric', 'uuid', 'text', 'text', 'boolean'],
    'chronos_usage_tester', ARRAY['EXECUTE'], 'anyone may call it: it refuses whoever is not the service');
SELECT ok(obj_description('chronos.record_usage(uuid, date, text, numeric, numeric, uuid, text, text, boolean)'::regprocedure,
                          'pg_proc') IS NOT NULL, 'record_usage has a comment');
SELECT is((SELECT proconfig FROM pg_proc
            WHERE oid = 'chronos.record_usage(uuid, date, text, numeric, numeric, uuid, text, text, boolean)'::regprocedure),
    ARRAY['search_path=pg_catalog, pg_temp'], 'record_usage sets its search_path');

--
-- Row-level security, for every kind of caller
--
-- The rows: creator A's chat and storage of video a1, creator B's chat.
INSERT INTO chronos.usage_metrics (creator_id, "date", kind, video_id, quantity, cost) VALUES
    (:a, '2025-03-03', 'chat', NULL, 10, 0.05),
    (:a, '2025-03-03', 'storage', :va1, 1048576, 0.02),
    (:b, '2025-03-03', 'chat', NULL, 4, 0.02);

-- as_caller(role, setting, value, sql): what sql does when role runs it with
-- the identity setting = value: for a query its text, for a write "ok N"
-- (rows written), or the SQLSTATE it failed with; undone afterwards.
CREATE FUNCTION pg_temp.as_caller(p_role text, p_setting text, p_value text, p_sql text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    v_result text;
    v_n bigint;
BEGIN
    BEGIN
        PERFORM set_config(p_setting, p_value, true);
        EXECUTE format('SET LOCAL ROLE %I', p_role);
        IF p_sql LIKE 'SELECT%' THEN
            EXECUTE p_sql INTO v_result;
        ELSE
            EXECUTE p_sql;
            GET DIAGNOSTICS v_n = ROW_COUNT;
            v_result := 'ok ' || v_n;
        END IF;
        RAISE EXCEPTION USING ERRCODE = 'P0099';
    EXCEPTION WHEN OTHERS THEN
        IF SQLSTATE <> 'P0099' THEN
            v_result := SQLSTATE;
        END IF;
    END;
    RETURN v_result;
END
$$;

CREATE TEMP TABLE callers (ord int, caller text, db_role text, setting text, value text);
INSERT INTO callers VALUES
    (1,  'anonymous, nothing set',        'chronos_usage_tester', 'request.jwt.claims', ''),
    (2,  'anonymous, the anon role',      'chronos_usage_tester', 'request.jwt.claims', '{"role": "anon"}'),
    (3,  'creator A (own rows) by sub',   'chronos_usage_tester', 'request.jwt.claims', '{"sub": "usage_alice", "role": "authenticated"}'),
    (4,  'creator A by chronos.creator_id', 'chronos_usage_tester', 'chronos.creator_id', 'c2100000-0000-4000-8000-00000000000a'),
    (5,  'creator B (another''s rows)',   'chronos_usage_tester', 'request.jwt.claims', '{"sub": "usage_bob", "role": "authenticated"}'),
    (6,  'student of A by sub',           'chronos_usage_tester', 'request.jwt.claims', '{"sub": "learner_sam", "role": "authenticated"}'),
    (7,  'student of A by chronos.student_id', 'chronos_usage_tester', 'chronos.student_id', 'c2200000-0000-4000-8000-0000000000a1'),
    (8,  'student of B',                  'chronos_usage_tester', 'chronos.student_id', 'c2200000-0000-4000-8000-0000000000b1'),
    (9,  'service by its role claim',     'chronos_usage_tester', 'request.jwt.claims', '{"role": "service_role"}'),
    (10, 'service as a BYPASSRLS role',   'chronos_usage_bypass', 'request.jwt.claims', '');

-- What each caller gets: the rows it sees ("creator.kind"), then its writes
-- on A's rows and on B's, and record_usage.
CREATE TEMP TABLE expected (ord int, sees text, insert_a text, insert_b text, update_a text, update_b text,
                            delete_a text, delete_b text, record text);
INSERT INTO expected VALUES
    (1,  '',                      '42501', '42501', 'ok 0', 'ok 0', 'ok 0', 'ok 0', '42501'),
    (2,  '',                      '42501', '42501', 'ok 0', 'ok 0', 'ok 0', 'ok 0', '42501'),
    (3,  'a.chat a.storage',      '42501', '42501', 'ok 0', 'ok 0', 'ok 0', 'ok 0', '42501'),
    (4,  'a.chat a.storage',      '42501', '42501', 'ok 0', 'ok 0', 'ok 0', 'ok 0', '42501'),
    (5,  'b.chat',                '42501', '42501', 'ok 0', 'ok 0', 'ok 0', 'ok 0', '42501'),
    (6,  '',                      '42501', '42501', 'ok 0', 'ok 0', 'ok 0', 'ok 0', '42501'),
    (7,  '',                      '42501', '42501', 'ok 0', 'ok 0', 'ok 0', 'ok 0', '42501'),
    (8,  '',                      '42501', '42501', 'ok 0', 'ok 0', 'ok 0', 'ok 0', '42501'),
    (9,  'a.chat a.storage b.chat', 'ok 1', 'ok 1',   'ok 2', 'ok 1', 'ok 2', 'ok 1', 'ok 1'),
    (10, 'a.chat a.storage b.chat', 'ok 1', 'ok 1',   'ok 2', 'ok 1', 'ok 2', 'ok 1', 'ok 1');

CREATE TEMP TABLE statements (verb text, sql text);
INSERT INTO statements VALUES
    ('sees', $$SELECT coalesce(string_agg(CASE creator_id WHEN 'c2100000-0000-4000-8000-00000000000a' THEN 'a' ELSE 'b' END
                                          || '.' || kind, ' ' ORDER BY creator_id, kind), '') FROM chronos.usage_metrics$$),
    ('insert_a', $$INSERT INTO chronos.usage_metrics (creator_id, "date", kind, quantity) VALUES ('c2100000-0000-4000-8000-00000000000a', '2025-03-04', 'chat', 1)$$),
    ('insert_b', $$INSERT INTO chronos.usage_metrics (creator_id, "date", kind, quantity) VALUES ('c2100000-0000-4000-8000-00000000000b', '2025-03-04', 'chat', 1)$$),
    ('update_a', $$UPDATE chronos.usage_metrics SET cost = cost + 1 WHERE creator_id = 'c2100000-0000-4000-8000-00000000000a'$$),
    ('update_b', $$UPDATE chronos.usage_metrics SET cost = cost + 1 WHERE creator_id = 'c2100000-0000-4000-8000-00000000000b'$$),
    ('delete_a', $$DELETE FROM chronos.usage_metrics WHERE creator_id = 'c2100000-0000-4000-8000-00000000000a'$$),
    ('delete_b', $$DELETE FROM chronos.usage_metrics WHERE creator_id = 'c2100000-0000-4000-8000-00000000000b'$$),
    ('record', $$SELECT (chronos.record_usage('c2100000-0000-4000-8000-00000000000a', '2025-03-04', 'embedding', 5000, 0.01)).kind$$);

SELECT is(CASE WHEN s.verb = 'record' AND r = 'embedding' THEN 'ok 1' ELSE r END,
          (to_jsonb(e) ->> s.verb), format('%s: %s', c.caller, s.verb))
  FROM callers c
  JOIN expected e USING (ord)
 CROSS JOIN statements s
 CROSS JOIN LATERAL pg_temp.as_caller(c.db_role, c.setting, c.value, s.sql) AS r
 ORDER BY c.ord, s.verb;
SELECT is((SELECT count(*)::int FROM chronos.usage_metrics), 3, 'every attempt was undone: the three rows are left');

--
-- record_usage: a retried report counts once
--
DELETE FROM chronos.usage_metrics;
SELECT is((SELECT to_jsonb(r) - 'created_at' - 'updated_at'
             FROM chronos.record_usage(:a, '2025-03-03', 'transcription', 12.5, 0.075, :va1, NULL, 'whisper') AS r),
    jsonb_build_object('creator_id', 'c2100000-0000-4000-8000-00000000000a', 'date', '2025-03-03', 'kind', 'transcription',
                       'video_id', 'c2300000-0000-4000-8000-0000000000a1', 'source', 'upload', 'method', 'whisper',
                       'quantity', 12.5, 'cost', 0.075),
    'a transcription of video a1: its source is the video''s (upload)');
SELECT created_at AS first_created FROM chronos.usage_metrics \gset
SELECT is((SELECT (r.quantity, r.cost, r.created_at)::text
             FROM chronos.record_usage(:a, '2025-03-03', 'transcription', 12.5, 0.075, :va1, NULL, 'whisper') AS r),
    (SELECT (12.5, 0.075, :'first_created'::timestamptz)::text), 'a retry returns the row recorded');
SELECT is((SELECT (r.quantity, r.cost)::text
             FROM chronos.record_usage(:a, '2025-03-03', 'transcription', 12.50, 0.0750, :va1, 'upload', 'whisper') AS r),
    '(12.5,0.075)', 'so does one with the same numbers written otherwise (12.50, 0.0750) and the source named');
SELECT is((SELECT count(*)::int FROM chronos.usage_metrics), 1, '... and it counts once');
SELECT is((SELECT updated_at = created_at FROM chronos.usage_metrics), true, '... and changes nothing');

-- a correction: refused without p_replace, replaces with it
SELECT throws_ok($$SELECT chronos.record_usage('c2100000-0000-4000-8000-00000000000a', '2025-03-03', 'transcription', 13, 0.078,
                                               'c2300000-0000-4000-8000-0000000000a1', NULL, 'whisper')$$,
    '23505', NULL, 'other figures for a recorded report: unique_violation');
SELECT is((SELECT (quantity, cost)::text FROM chronos.usage_metrics), '(12.5,0.075)', '... which leaves the figures');
SELECT is((SELECT (r.quantity, r.cost)::text
             FROM chronos.record_usage(:a, '2025-03-03', 'transcription', 13, 0.078, :va1, NULL, 'whisper', p_replace => true) AS r),
    '(13,0.078)', 'with p_replace the figures are replaced');
SELECT is((SELECT (count(*), min(quantity), min(cost))::text FROM chronos.usage_metrics), '(1,13,0.078)',
    '... in the one row');
SELECT is((SELECT (r.quantity, r.cost)::text
             FROM chronos.record_usage(:a, '2025-03-03', 'transcription', 13, 0.078, :va1, NULL, 'whisper') AS r),
    '(13,0.078)', 'a retry of the correction counts once too');
SELECT throws_ok($$SELECT chronos.record_usage('c2100000-0000-4000-8000-00000000000a', '2025-03-03', 'transcription', 12.5, 0.075,
                                               'c2300000-0000-4000-8000-0000000000a1', NULL, 'whisper')$$,
    '23505', NULL, 'a late retry of the original report cannot undo the correction');
SELECT is((SELECT (r.quantity, r.cost)::text
             FROM chronos.record_usage(:a, '2025-03-05', 'chat', 3, 0.01, p_replace => true) AS r),
    '(3,0.01)', 'p_replace on a report not recorded yet records it');

-- what makes another report: the day, the kind, the video, the source, the method, the creator
DELETE FROM chronos.usage_metrics;
SELECT is((SELECT count(*)::int FROM (VALUES
        (chronos.record_usage(:a, '2025-03-03', 'storage', 100, 0.01)),
        (chronos.record_usage(:a, '2025-03-04', 'storage', 100, 0.01)),
        (chronos.record_usage(:a, '2025-03-03', 'storage', 100, 0.01, :va1)),
        (chronos.record_usage(:a, '2025-03-03', 'storage', 100, 0.01, :va2)),
        (chronos.record_usage(:a, '2025-03-03', 'embedding', 100, 0.01)),
        (chronos.record_usage(:a, '2025-03-03', 'transcription', 1, 0.01, NULL, 'upload', 'whisper')),
        (chronos.record_usage(:a, '2025-03-03', 'transcription', 1, 0.01, NULL, 'mux', 'whisper')),
        (chronos.record_usage(:a, '2025-03-03', 'transcription', 1, 0.01, NULL, 'upload', 'manual')),
        (chronos.record_usage(:a, '2025-03-03', 'transcription', 1, 0.01, :va2, NULL, 'captions')),
        (chronos.record_usage(:b, '2025-03-03', 'storage', 100, 0.01))) AS x (r)), 10, 'ten different reports');
SELECT is((SELECT count(*)::int FROM chronos.usage_metrics), 10, '... are ten rows');
SELECT is((SELECT count(*)::int FROM chronos.usage_metrics WHERE kind = 'transcription' AND video_id IS NULL), 3,
    'a transcription without a video keeps the source given');
SELECT is((SELECT source FROM chronos.usage_metrics WHERE video_id = :va2 AND kind = 'transcription'), 'youtube',
    'one of video a2 has the video''s source, youtube');

-- days: tomorrow in UTC may have begun somewhere, the day after has not
SELECT lives_ok(format($$SELECT chronos.record_usage('c2100000-0000-4000-8000-00000000000a', %L, 'chat', 1)$$,
                       (now() AT TIME ZONE 'UTC')::date + 1), 'a day that has begun east of UTC is accepted');
SELECT throws_ok(format($$SELECT chronos.record_usage('c2100000-0000-4000-8000-00000000000a', %L, 'chat', 1)$$,
                        (now() AT TIME ZONE 'UTC')::date + 2),
    '22023', format('p_date %s is in the future', to_char((now() AT TIME ZONE 'UTC')::date + 2, 'YYYY-MM-DD')),
    'the day after has begun nowhere: 22023');
SELECT lives_ok($$SELECT chronos.record_usage('c2100000-0000-4000-8000-00000000000a', '1999-12-31', 'chat', 1)$$,
    'an old day is accepted (a backfill)');
SELECT lives_ok($$SELECT chronos.record_usage('c2100000-0000-4000-8000-00000000000a', '2025-03-03', 'chat', 0, 0)$$,
    'zero is a quantity and a cost');

--
-- The SQLSTATE of each refusal, and that it writes nothing
--
SELECT count(*) AS rows_before FROM chronos.usage_metrics \gset
SELECT throws_ok(format('SELECT chronos.record_usage(%s)', x.args), x.state, NULL, x.description)
  FROM (VALUES
    ($$NULL, '2025-03-03', 'chat', 1$$, '22004', 'a NULL creator: 22004'),
    ($$'c2100000-0000-4000-8000-00000000000a', '2025-03-03', 'chat', NULL$$, '22004', 'a NULL quantity: 22004'),
    ($$'c2100000-0000-4000-8000-00000000000a', '2025-03-03', 'transcription', 1, 0, NULL, NULL, 'whisper'$$, '22004',
     'a transcription without source or video: 22004'),
    ($$'c2100000-0000-4000-8000-00000000000a', '2025-03-03', 'chats', 1$$, '22023', 'an unknown kind: 22023'),
    ($$'c2100000-0000-4000-8000-00000000000a', '2025-03-03', 'chat', -1$$, '22023', 'a negative quantity: 22023'),
    ($$'c2100000-0000-4000-8000-00000000000a', '2025-03-03', 'chat', 1, -1$$, '22023', 'a negative cost: 22023'),
    ($$'c2100000-0000-4000-8000-00000000000a', '2025-03-03', 'chat', 'NaN'$$, '22023', 'NaN: 22023'),
    ($$'c2100000-0000-4000-8000-00000000000a', '2025-03-03', 'transcription', 1, 0, NULL, 'tiktok', 'whisper'$$, '22023',
     'an unknown source: 22023'),
    ($$'c2100000-0000-4000-8000-00000000000a', '2025-03-03', 'transcription', 1, 0, NULL, 'upload', 'ocr'$$, '22023',
     'an unknown method: 22023'),
    ($$'c2100000-0000-4000-8000-00000000000a', '2025-03-03', 'transcription', 1, 0, 'c2300000-0000-4000-8000-0000000000a2', 'upload', 'whisper'$$,
     '22023', 'a source that is not the video''s: 22023'),
    ($$'c2100000-0000-4000-8000-0000000000ff', '2025-03-03', 'chat', 1$$, '23503', 'a creator that does not exist: 23503'),
    ($$'c2100000-0000-4000-8000-00000000000a', '2025-03-03', 'storage', 1, 0, 'c2300000-0000-4000-8000-0000000000b1'$$, '23503',
     'another creator''s video: 23503'),
    ($$'c2100000-0000-4000-8000-00000000000a', '2025-03-03', 'chat', 5$$, '23505', 'other figures for a recorded report: 23505')
  ) AS x (args, state, description);
SELECT is((SELECT count(*) FROM chronos.usage_metrics), :'rows_before'::bigint, 'the refusals wrote nothing');
SELECT is(pg_temp.as_caller('chronos_usage_tester', 'request.jwt.claims', '{"sub": "usage_alice", "role": "authenticated"}',
                            $$SELECT chronos.record_usage('c2100000-0000-4000-8000-0000000000ff', '2025-03-03', 'chat', 1)::text$$),
    '42501', 'a creator asking for a creator that does not exist: 42501 as for one that does (nothing revealed)');

-- the table's own rules hold for whoever writes it directly (the service)
SELECT throws_ok($$INSERT INTO chronos.usage_metrics (creator_id, "date", kind, quantity, source, method)
                   VALUES ('c2100000-0000-4000-8000-00000000000a', '2025-03-06', 'chat', 1, 'upload', 'whisper')$$,
    '23514', NULL, 'a chat with a source: 23514 (usage_metrics_dimensions_check)');
SELECT throws_ok($$INSERT INTO chronos.usage_metrics (creator_id, "date", kind, quantity, cost)
                   VALUES ('c2100000-0000-4000-8000-00000000000a', '2025-03-06', 'embedding', 1.5, 'NaN')$$,
    '23514', NULL, 'a fractional token count and a NaN cost: 23514 (usage_metrics_amounts_check)');
SELECT throws_ok($$INSERT INTO chronos.usage_metrics (creator_id, "date", kind, quantity)
                   VALUES ('c2100000-0000-4000-8000-00000000000a', '2025-03-03', 'chat', 0)$$,
    '23505', NULL, 'a second row of one report: 23505 (usage_metrics_report_key, NULLs equal)');

-- a video's usage goes with the video, a creator's with the creator
SELECT is((SELECT count(*)::int FROM chronos.usage_metrics WHERE video_id = :va2), 2, 'video a2 has two reports');
DELETE FROM chronos.videos WHERE id = :va2;
SELECT is((SELECT count(*)::int FROM chronos.usage_metrics WHERE video_id = :va2), 0, '... gone with the video');
DELETE FROM chronos.creators WHERE id = :b;
SELECT is((SELECT count(*)::int FROM chronos.usage_metrics WHERE creator_id = :b), 0, 'creator B''s usage is gone with B');

SELECT * FROM finish();
ROLLBACK;
