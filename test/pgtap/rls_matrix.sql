-- Row-level security, table by table and verb by verb, acted out by real
-- roles: a non-superuser role whose identity comes from each source chronos
-- reads (JWT claims with sub, with creator_id / student_id, the per-claim
-- settings, the chronos.* settings), and a BYPASSRLS role.  Every attempted
-- write runs in a subtransaction that is rolled back afterwards, so each
-- check starts from the same fixture; a refused or filtered write must also
-- have changed no row of any chronos table.
BEGIN;
SELECT plan(874);

CREATE ROLE chronos_rls_tester NOLOGIN;
CREATE ROLE chronos_rls_bypass NOLOGIN BYPASSRLS;

-- Fixture: creators A and B; A's students sA and sA2, B's student sB; each
-- row labelled in metadata so that a test can say which rows it sees.
-- cAd is a draft (unpublished) course; vAx and vBx are videos no row uses.
-- Keys: a student's, video's or course's first character is its creator.
\set ids '00000000-0000-0000-000%s-%s'
\set kinds 012346
\set video_source youtube
\set creators 'a=user_alice b=user_bob'
\set creators_with '{"a": {"metadata": {"label": "A"}}, "b": {"metadata": {"label": "B"}}}'
\set students 'a1=user_sam a2=user_ann b1=user_tess'
\set students_with '{"a1": {"metadata": {"label": "sA"}}, "a2": {"metadata": {"label": "sA2"}}, "b1": {"metadata": {"label": "sB"}}}'
\set videos 'a1 a2 b1 b2'
\set videos_with '{"a1": {"metadata": {"label": "vA"}}, "a2": {"metadata": {"label": "vAx"}}, "b1": {"metadata": {"label": "vB"}}, "b2": {"metadata": {"label": "vBx"}}}'
\set courses 'a1 a2 b1'
\set courses_with '{"*": {"is_published": true}, "a1": {"metadata": {"label": "cA"}}, "a2": {"is_published": false, "metadata": {"label": "cAd"}}, "b1": {"metadata": {"label": "cB"}}}'
\set modules 'a1 a2 b1'
\set modules_with '{"a1": {"metadata": {"label": "mA"}}, "a2": {"metadata": {"label": "mAd"}}, "b1": {"metadata": {"label": "mB"}}}'
\set sessions 'a1=a1/a1 a2=a1/a2 b1=b1/b1'
\set sessions_with '{"a1": {"metadata": {"label": "wA"}}, "a2": {"metadata": {"label": "wA2"}}, "b1": {"metadata": {"label": "wB"}}}'
\ir ../fixtures/people.sql
\ir ../fixtures/catalog.sql
\ir ../fixtures/sessions.sql
INSERT INTO chronos.module_lessons (id, module_id, video_id, lesson_order, metadata) VALUES
  ('00000000-0000-0000-0005-0000000000a1', '00000000-0000-0000-0004-0000000000a1', '00000000-0000-0000-0002-0000000000a1', 1, '{"label": "lA"}'),
  ('00000000-0000-0000-0005-0000000000a2', '00000000-0000-0000-0004-0000000000a2', '00000000-0000-0000-0002-0000000000a1', 1, '{"label": "lAd"}'),
  ('00000000-0000-0000-0005-0000000000b1', '00000000-0000-0000-0004-0000000000b1', '00000000-0000-0000-0002-0000000000b1', 1, '{"label": "lB"}');
INSERT INTO chronos.video_analytics_events (id, event_type, video_id, creator_id, student_id, metadata) VALUES
  ('00000000-0000-0000-0007-0000000000a1', 'video_started', '00000000-0000-0000-0002-0000000000a1', '00000000-0000-0000-0000-00000000000a', '00000000-0000-0000-0001-0000000000a1', '{"label": "eA"}'),
  ('00000000-0000-0000-0007-0000000000a2', 'video_started', '00000000-0000-0000-0002-0000000000a1', '00000000-0000-0000-0000-00000000000a', '00000000-0000-0000-0001-0000000000a2', '{"label": "eA2"}'),
  ('00000000-0000-0000-0007-0000000000a0', 'video_imported', '00000000-0000-0000-0002-0000000000a1', '00000000-0000-0000-0000-00000000000a', NULL, '{"label": "eA0"}'),
  ('00000000-0000-0000-0007-0000000000b1', 'video_started', '00000000-0000-0000-0002-0000000000b1', '00000000-0000-0000-0000-00000000000b', '00000000-0000-0000-0001-0000000000b1', '{"label": "eB"}');
INSERT INTO chronos.video_analytics (video_id, creator_id, "date", metadata) VALUES
  ('00000000-0000-0000-0002-0000000000a1', '00000000-0000-0000-0000-00000000000a', '2024-01-01', '{"label": "rA"}'),
  ('00000000-0000-0000-0002-0000000000b1', '00000000-0000-0000-0000-00000000000b', '2024-01-01', '{"label": "rB"}');

-- Who acts, and how the identity is given.  A setting that is not given is
-- set to the empty string, which counts as absent.
CREATE TEMP TABLE actors (
  ord int, actor text, kind text, db_role text,
  claims text DEFAULT '', claim_role text DEFAULT '', claim_sub text DEFAULT '',
  creator_setting text DEFAULT '', student_setting text DEFAULT '');
INSERT INTO actors (ord, actor, kind, db_role, claims, claim_role, claim_sub, creator_setting, student_setting) VALUES
  (1,  'anonymous, nothing set',               'anon',    'chronos_rls_tester', '', '', '', '', ''),
  (2,  'anonymous, claims of the anon role',   'anon',    'chronos_rls_tester', '{"role": "anon"}', '', '', '', ''),
  (3,  'creator A by sub',                     'creator', 'chronos_rls_tester', '{"sub": "user_alice", "role": "authenticated"}', '', '', '', ''),
  (4,  'creator A by creator_id claim',        'creator', 'chronos_rls_tester', '{"creator_id": "00000000-0000-0000-0000-00000000000a", "role": "authenticated"}', '', '', '', ''),
  (5,  'creator A by request.jwt.claim.sub',   'creator', 'chronos_rls_tester', '', 'authenticated', 'user_alice', '', ''),
  (6,  'creator A by chronos.creator_id',      'creator', 'chronos_rls_tester', '', '', '', '00000000-0000-0000-0000-00000000000a', ''),
  (7,  'student sA by sub',                    'student', 'chronos_rls_tester', '{"sub": "user_sam", "role": "authenticated"}', '', '', '', ''),
  (8,  'student sA by student_id claim',       'student', 'chronos_rls_tester', '{"student_id": "00000000-0000-0000-0001-0000000000a1", "role": "authenticated"}', '', '', '', ''),
  (9,  'student sA by request.jwt.claim.sub',  'student', 'chronos_rls_tester', '', 'authenticated', 'user_sam', '', ''),
  (10, 'student sA by chronos.student_id',     'student', 'chronos_rls_tester', '', '', '', '', '00000000-0000-0000-0001-0000000000a1'),
  (11, 'service by role claim',                'service', 'chronos_rls_tester', '{"role": "service_role"}', '', '', '', ''),
  (12, 'service by request.jwt.claim.role',    'service', 'chronos_rls_tester', '', 'service_role', '', '', ''),
  (13, 'service as a BYPASSRLS role',          'service', 'chronos_rls_bypass', '', '', '', '', '');

-- What each kind of actor must get from each check: for a select the labels
-- of the rows it sees, for a write "ok N" (N rows written), or the refusal.
CREATE TEMP TABLE checks (
  ord serial, tbl text, check_name text, sql text,
  anon text, creator text, student text, service text);

CREATE FUNCTION pg_temp.touch(p_table text, p_label text) RETURNS text LANGUAGE sql AS $$
  SELECT format('UPDATE chronos.%I SET metadata = metadata || ''{"touched": true}'' WHERE metadata->>''label'' = %L',
                p_table, p_label) $$;
CREATE FUNCTION pg_temp.remove(p_table text, p_label text) RETURNS text LANGUAGE sql AS $$
  SELECT format('DELETE FROM chronos.%I WHERE metadata->>''label'' = %L', p_table, p_label) $$;

INSERT INTO checks (tbl, check_name, sql, anon, creator, student, service) VALUES
  ('creators', 'select', NULL, '{}', '{A}', '{}', '{A,B}'),
  ('creators', 'insert a creator',
   $$INSERT INTO chronos.creators (whop_company_id, whop_user_id, metadata) VALUES ('co_new', 'user_new', '{"label": "new"}')$$,
   'refused by policy', 'refused by policy', 'refused by policy', 'ok 1'),
  ('creators', 'update A', pg_temp.touch('creators', 'A'), 'ok 0', 'ok 1', 'ok 0', 'ok 1'),
  ('creators', 'update B', pg_temp.touch('creators', 'B'), 'ok 0', 'ok 0', 'ok 0', 'ok 1'),
  ('creators', 'delete A', pg_temp.remove('creators', 'A'), 'ok 0', 'ok 0', 'ok 0', 'ok 1'),
  ('creators', 'delete B', pg_temp.remove('creators', 'B'), 'ok 0', 'ok 0', 'ok 0', 'ok 1'),

  ('students', 'select', NULL, '{}', '{sA,sA2}', '{sA}', '{sA,sA2,sB}'),
  ('students', 'insert a student of A',
   $$INSERT INTO chronos.students (creator_id, whop_user_id, metadata) VALUES ('00000000-0000-0000-0000-00000000000a', 'user_new', '{"label": "new"}')$$,
   'refused by policy', 'refused by policy', 'refused by policy', 'ok 1'),
  ('students', 'insert a student of B',
   $$INSERT INTO chronos.students (creator_id, whop_user_id, metadata) VALUES ('00000000-0000-0000-0000-00000000000b', 'user_new', '{"label": "new"}')$$,
   'refused by policy', 'refused by policy', 'refused by policy', 'ok 1'),
  ('students', 'update sA', pg_temp.touch('students', 'sA'), 'ok 0', 'ok 0', 'ok 0', 'ok 1'),
  ('students', 'update sA2', pg_temp.touch('students', 'sA2'), 'ok 0', 'ok 0', 'ok 0', 'ok 1'),
  ('students', 'update sB', pg_temp.touch('students', 'sB'), 'ok 0', 'ok 0', 'ok 0', 'ok 1'),
  ('students', 'delete sA', pg_temp.remove('students', 'sA'), 'ok 0', 'ok 0', 'ok 0', 'ok 1'),
  ('students', 'delete sB', pg_temp.remove('students', 'sB'), 'ok 0', 'ok 0', 'ok 0', 'ok 1'),

  ('videos', 'select', NULL, '{}', '{vA,vAx}', '{vA,vAx}', '{vA,vAx,vB,vBx}'),
  ('videos', 'insert a video of A',
   $$INSERT INTO chronos.videos (creator_id, title, source_type, youtube_video_id, metadata) VALUES ('00000000-0000-0000-0000-00000000000a', 'new', 'youtube', 'yt_new', '{"label": "new"}')$$,
   'refused by policy', 'ok 1', 'refused by policy', 'ok 1'),
  ('videos', 'insert a video of B',
   $$INSERT INTO chronos.videos (creator_id, title, source_type, youtube_video_id, metadata) VALUES ('00000000-0000-0000-0000-00000000000b', 'new', 'youtube', 'yt_new', '{"label": "new"}')$$,
   'refused by policy', 'refused by policy', 'refused by policy', 'ok 1'),
  ('videos', 'update vA', pg_temp.touch('videos', 'vA'), 'ok 0', 'ok 1', 'ok 0', 'ok 1'),
  ('videos', 'update vB', pg_temp.touch('videos', 'vB'), 'ok 0', 'ok 0', 'ok 0', 'ok 1'),
  ('videos', 'move vAx to creator B',
   $$UPDATE chronos.videos SET creator_id = '00000000-0000-0000-0000-00000000000b' WHERE metadata->>'label' = 'vAx'$$,
   'ok 0', 'refused by policy', 'ok 0', 'ok 1'),
  ('videos', 'delete vA', pg_temp.remove('videos', 'vA'), 'ok 0', 'ok 1', 'ok 0', 'ok 1'),
  ('videos', 'delete vB', pg_temp.remove('videos', 'vB'), 'ok 0', 'ok 0', 'ok 0', 'ok 1'),

  ('courses', 'select', NULL, '{}', '{cA,cAd}', '{cA}', '{cA,cAd,cB}'),
  ('courses', 'insert a course of A',
   $$INSERT INTO chronos.courses (creator_id, title, metadata) VALUES ('00000000-0000-0000-0000-00000000000a', 'new', '{"label": "new"}')$$,
   'refused by policy', 'ok 1', 'refused by policy', 'ok 1'),
  ('courses', 'insert a course of B',
   $$INSERT INTO chronos.courses (creator_id, title, metadata) VALUES ('00000000-0000-0000-0000-00000000000b', 'new', '{"label": "new"}')$$,
   'refused by policy', 'refused by policy', 'refused by policy', 'ok 1'),
  ('courses', 'update cA', pg_temp.touch('courses', 'cA'), 'ok 0', 'ok 1', 'ok 0', 'ok 1'),
  ('courses', 'update cB', pg_temp.touch('courses', 'cB'), 'ok 0', 'ok 0', 'ok 0', 'ok 1'),
  ('courses', 'delete cA', pg_temp.remove('courses', 'cA'), 'ok 0', 'ok 1', 'ok 0', 'ok 1'),
  ('courses', 'delete cB', pg_temp.remove('courses', 'cB'), 'ok 0', 'ok 0', 'ok 0', 'ok 1'),

  ('course_modules', 'select', NULL, '{}', '{mA,mAd}', '{mA}', '{mA,mAd,mB}'),
  ('course_modules', 'insert a module into cA',
   $$INSERT INTO chronos.course_modules (course_id, creator_id, title, metadata) VALUES ('00000000-0000-0000-0003-0000000000a1', '00000000-0000-0000-0000-00000000000a', 'new', '{"label": "new"}')$$,
   'refused by policy', 'ok 1', 'refused by policy', 'ok 1'),
  ('course_modules', 'insert a module into cB',
   $$INSERT INTO chronos.course_modules (course_id, creator_id, title, metadata) VALUES ('00000000-0000-0000-0003-0000000000b1', '00000000-0000-0000-0000-00000000000b', 'new', '{"label": "new"}')$$,
   'refused by policy', 'refused by policy', 'refused by policy', 'ok 1'),
  ('course_modules', 'update mA', pg_temp.touch('course_modules', 'mA'), 'ok 0', 'ok 1', 'ok 0', 'ok 1'),
  ('course_modules', 'update mB', pg_temp.touch('course_modules', 'mB'), 'ok 0', 'ok 0', 'ok 0', 'ok 1'),
  ('course_modules', 'delete mA', pg_temp.remove('course_modules', 'mA'), 'ok 0', 'ok 1', 'ok 0', 'ok 1'),
  ('course_modules', 'delete mB', pg_temp.remove('course_modules', 'mB'), 'ok 0', 'ok 0', 'ok 0', 'ok 1'),

  ('module_lessons', 'select', NULL, '{}', '{lA,lAd}', '{lA}', '{lA,lAd,lB}'),
  ('module_lessons', 'insert a lesson into mA',
   $$INSERT INTO chronos.module_lessons (module_id, creator_id, video_id, lesson_order, metadata) VALUES ('00000000-0000-0000-0004-0000000000a1', '00000000-0000-0000-0000-00000000000a', '00000000-0000-0000-0002-0000000000a2', 2, '{"label": "new"}')$$,
   'refused by policy', 'ok 1', 'refused by policy', 'ok 1'),
  ('module_lessons', 'insert a lesson into mB',
   $$INSERT INTO chronos.module_lessons (module_id, creator_id, video_id, lesson_order, metadata) VALUES ('00000000-0000-0000-0004-0000000000b1', '00000000-0000-0000-0000-00000000000b', '00000000-0000-0000-0002-0000000000b2', 2, '{"label": "new"}')$$,
   'refused by policy', 'refused by policy', 'refused by policy', 'ok 1'),
  ('module_lessons', 'update lA', pg_temp.touch('module_lessons', 'lA'), 'ok 0', 'ok 1', 'ok 0', 'ok 1'),
  ('module_lessons', 'update lB', pg_temp.touch('module_lessons', 'lB'), 'ok 0', 'ok 0', 'ok 0', 'ok 1'),
  ('module_lessons', 'delete lA', pg_temp.remove('module_lessons', 'lA'), 'ok 0', 'ok 1', 'ok 0', 'ok 1'),
  ('module_lessons', 'delete lB', pg_temp.remove('module_lessons', 'lB'), 'ok 0', 'ok 0', 'ok 0', 'ok 1'),

  ('video_watch_sessions', 'select', NULL, '{}', '{wA,wA2}', '{wA}', '{wA,wA2,wB}'),
  ('video_watch_sessions', 'insert a session of sA',
   $$INSERT INTO chronos.video_watch_sessions (video_id, student_id, creator_id, percent_complete, metadata) VALUES ('00000000-0000-0000-0002-0000000000a1', '00000000-0000-0000-0001-0000000000a1', '00000000-0000-0000-0000-00000000000a', 100, '{"label": "new"}')$$,
   'refused by policy', 'refused by policy', 'refused by policy', 'ok 1'),
  ('video_watch_sessions', 'insert a session of sA2',
   $$INSERT INTO chronos.video_watch_sessions (video_id, student_id, creator_id, metadata) VALUES ('00000000-0000-0000-0002-0000000000a1', '00000000-0000-0000-0001-0000000000a2', '00000000-0000-0000-0000-00000000000a', '{"label": "new"}')$$,
   'refused by policy', 'refused by policy', 'refused by policy', 'ok 1'),
  ('video_watch_sessions', 'insert a session of sB',
   $$INSERT INTO chronos.video_watch_sessions (video_id, student_id, creator_id, metadata) VALUES ('00000000-0000-0000-0002-0000000000b1', '00000000-0000-0000-0001-0000000000b1', '00000000-0000-0000-0000-00000000000b', '{"label": "new"}')$$,
   'refused by policy', 'refused by policy', 'refused by policy', 'ok 1'),
  ('video_watch_sessions', 'complete wA by writing the row',
   $$UPDATE chronos.video_watch_sessions SET percent_complete = 100, completed = true WHERE metadata->>'label' = 'wA'$$,
   'ok 0', 'ok 0', 'ok 0', 'ok 1'),
  ('video_watch_sessions', 'update wA2', pg_temp.touch('video_watch_sessions', 'wA2'), 'ok 0', 'ok 0', 'ok 0', 'ok 1'),
  ('video_watch_sessions', 'update wB', pg_temp.touch('video_watch_sessions', 'wB'), 'ok 0', 'ok 0', 'ok 0', 'ok 1'),
  ('video_watch_sessions', 'delete wA', pg_temp.remove('video_watch_sessions', 'wA'), 'ok 0', 'ok 0', 'ok 0', 'ok 1'),
  ('video_watch_sessions', 'delete wA2', pg_temp.remove('video_watch_sessions', 'wA2'), 'ok 0', 'ok 0', 'ok 0', 'ok 1'),
  ('video_watch_sessions', 'delete wB', pg_temp.remove('video_watch_sessions', 'wB'), 'ok 0', 'ok 0', 'ok 0', 'ok 1'),

  ('video_analytics_events', 'select', NULL, '{}', '{eA,eA0,eA2}', '{eA}', '{eA,eA0,eA2,eB}'),
  ('video_analytics_events', 'insert an event of sA on vA',
   $$INSERT INTO chronos.video_analytics_events (event_type, video_id, creator_id, student_id, metadata) VALUES ('video_completed', '00000000-0000-0000-0002-0000000000a1', '00000000-0000-0000-0000-00000000000a', '00000000-0000-0000-0001-0000000000a1', '{"label": "new"}')$$,
   'refused by policy', 'refused by policy', 'refused by policy', 'ok 1'),
  ('video_analytics_events', 'insert an event of sB on vB',
   $$INSERT INTO chronos.video_analytics_events (event_type, video_id, creator_id, student_id, metadata) VALUES ('video_completed', '00000000-0000-0000-0002-0000000000b1', '00000000-0000-0000-0000-00000000000b', '00000000-0000-0000-0001-0000000000b1', '{"label": "new"}')$$,
   'refused by policy', 'refused by policy', 'refused by policy', 'ok 1'),
  ('video_analytics_events', 'update eA', pg_temp.touch('video_analytics_events', 'eA'),
   'refused by privilege', 'refused by privilege', 'refused by privilege', 'refused by privilege'),
  ('video_analytics_events', 'update eB', pg_temp.touch('video_analytics_events', 'eB'),
   'refused by privilege', 'refused by privilege', 'refused by privilege', 'refused by privilege'),
  ('video_analytics_events', 'delete eA', pg_temp.remove('video_analytics_events', 'eA'),
   'refused by privilege', 'refused by privilege', 'refused by privilege', 'refused by privilege'),
  ('video_analytics_events', 'delete eB', pg_temp.remove('video_analytics_events', 'eB'),
   'refused by privilege', 'refused by privilege', 'refused by privilege', 'refused by privilege'),

  ('video_analytics', 'select', NULL, '{}', '{rA}', '{}', '{rA,rB}'),
  ('video_analytics', 'insert a rollup of vA',
   $$INSERT INTO chronos.video_analytics (video_id, creator_id, "date", views, metadata) VALUES ('00000000-0000-0000-0002-0000000000a1', '00000000-0000-0000-0000-00000000000a', '2024-01-02', 1000, '{"label": "new"}')$$,
   'refused by policy', 'refused by policy', 'refused by policy', 'ok 1'),
  ('video_analytics', 'insert a rollup of vB',
   $$INSERT INTO chronos.video_analytics (video_id, creator_id, "date", views, metadata) VALUES ('00000000-0000-0000-0002-0000000000b1', '00000000-0000-0000-0000-00000000000b', '2024-01-02', 1000, '{"label": "new"}')$$,
   'refused by policy', 'refused by policy', 'refused by policy', 'ok 1'),
  ('video_analytics', 'update rA', pg_temp.touch('video_analytics', 'rA'), 'ok 0', 'ok 0', 'ok 0', 'ok 1'),
  ('video_analytics', 'update rB', pg_temp.touch('video_analytics', 'rB'), 'ok 0', 'ok 0', 'ok 0', 'ok 1'),
  ('video_analytics', 'delete rA', pg_temp.remove('video_analytics', 'rA'), 'ok 0', 'ok 0', 'ok 0', 'ok 1'),
  ('video_analytics', 'delete rB', pg_temp.remove('video_analytics', 'rB'), 'ok 0', 'ok 0', 'ok 0', 'ok 1');

-- Every row of every chronos table, hashed; read as the superuser, whom no
-- policy filters.
CREATE FUNCTION pg_temp.fingerprint() RETURNS text LANGUAGE sql AS $$
  SELECT md5(string_agg(r, '|' ORDER BY r COLLATE "C")) FROM (
    SELECT 'creators' || t::text FROM chronos.creators t UNION ALL
    SELECT 'students' || t::text FROM chronos.students t UNION ALL
    SELECT 'videos' || t::text FROM chronos.videos t UNION ALL
    SELECT 'courses' || t::text FROM chronos.courses t UNION ALL
    SELECT 'course_modules' || t::text FROM chronos.course_modules t UNION ALL
    SELECT 'module_lessons' || t::text FROM chronos.module_lessons t UNION ALL
    SELECT 'video_watch_sessions' || t::text FROM chronos.video_watch_sessions t UNION ALL
    SELECT 'video_analytics_events' || t::text FROM chronos.video_analytics_events t UNION ALL
    SELECT 'video_analytics' || t::text FROM chronos.video_analytics t) AS rows (r) $$;

-- Become an actor for the rest of the current (sub)transaction: its role,
-- and its identity settings, set as PostgREST does with set_config(..., true).
CREATE FUNCTION pg_temp.act_as(p_actor text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  a record;
BEGIN
  SELECT * INTO STRICT a FROM actors WHERE actor = p_actor;
  PERFORM set_config('request.jwt.claims', a.claims, true);
  PERFORM set_config('request.jwt.claim.role', a.claim_role, true);
  PERFORM set_config('request.jwt.claim.sub', a.claim_sub, true);
  PERFORM set_config('chronos.creator_id', a.creator_setting, true);
  PERFORM set_config('chronos.student_id', a.student_setting, true);
  EXECUTE format('SET LOCAL ROLE %I', a.db_role);
END $$;

-- The labels of the rows of a table an actor sees.
CREATE FUNCTION pg_temp.visible(p_actor text, p_table text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  labels text;
BEGIN
  BEGIN
    PERFORM pg_temp.act_as(p_actor);
    EXECUTE format('SELECT coalesce(array_agg(metadata->>''label'' ORDER BY metadata->>''label'' COLLATE "C"), ''{}'')::text FROM chronos.%I', p_table)
      INTO labels;
    RAISE SQLSTATE 'XRBCK';
  EXCEPTION
    WHEN SQLSTATE 'XRBCK' THEN NULL;
    WHEN OTHERS THEN labels := SQLSTATE || ': ' || SQLERRM;
  END;
  RETURN labels;
END $$;

-- Try a write as an actor and undo it.  "ok N" when N rows were written and
-- the tables changed exactly when N > 0; the refusal otherwise.  Any change
-- left behind (there should never be one) is reported too.
CREATE FUNCTION pg_temp.attempt(p_actor text, p_sql text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  before text := pg_temp.fingerprint();
  n bigint;
  outcome text;
BEGIN
  BEGIN
    PERFORM pg_temp.act_as(p_actor);
    EXECUTE p_sql;
    GET DIAGNOSTICS n = ROW_COUNT;
    RESET ROLE;
    IF (pg_temp.fingerprint() <> before) = (n > 0) THEN
      outcome := 'ok ' || n;
    ELSE
      outcome := format('ok %s, but the tables %s', n,
                        CASE WHEN n > 0 THEN 'did not change' ELSE 'changed' END);
    END IF;
    RAISE SQLSTATE 'XRBCK';
  EXCEPTION
    WHEN SQLSTATE 'XRBCK' THEN NULL;
    WHEN insufficient_privilege THEN
      outcome := CASE
        WHEN SQLERRM LIKE 'new row violates row-level security policy%' THEN 'refused by policy'
        WHEN SQLERRM LIKE 'permission denied for table%' THEN 'refused by privilege'
        ELSE SQLSTATE || ': ' || SQLERRM END;
    WHEN OTHERS THEN
      outcome := SQLSTATE || ': ' || SQLERRM;
  END;
  IF pg_temp.fingerprint() <> before THEN
    outcome := outcome || ' (and left changes behind)';
  END IF;
  RETURN outcome;
END $$;

CREATE FUNCTION pg_temp.run_matrix() RETURNS SETOF text LANGUAGE plpgsql AS $$
DECLARE
  a record;
  c record;
BEGIN
  FOR a IN SELECT * FROM actors ORDER BY ord LOOP
    FOR c IN SELECT * FROM checks ORDER BY ord LOOP
      RETURN NEXT is(
        CASE WHEN c.check_name = 'select' THEN pg_temp.visible(a.actor, c.tbl)
             ELSE pg_temp.attempt(a.actor, c.sql) END,
        CASE a.kind WHEN 'anon' THEN c.anon WHEN 'creator' THEN c.creator
                    WHEN 'student' THEN c.student ELSE c.service END,
        format('%s: %s %s', a.actor, c.tbl, c.check_name));
    END LOOP;
  END LOOP;
END $$;

SELECT ok(NOT rolsuper AND NOT rolbypassrls, 'the tester is an ordinary role')
  FROM pg_roles WHERE rolname = 'chronos_rls_tester';
SELECT is((SELECT count(*)::int FROM actors) * (SELECT count(*)::int FROM checks), 871,
          'the matrix has 13 actors and 67 checks');

CREATE TEMP TABLE fixture_fingerprint AS SELECT pg_temp.fingerprint() AS f;
SELECT * FROM pg_temp.run_matrix();
SELECT is(pg_temp.fingerprint(), (SELECT f FROM fixture_fingerprint),
          'after the matrix every table holds exactly the fixture');

SELECT * FROM finish();
ROLLBACK;
