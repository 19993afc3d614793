-- The privileges and policies themselves: what PUBLIC is granted, which
-- policies exist and what they may call, and that the planner answers them
-- from indexes, calling the identity functions once per scan, not per row.
BEGIN;
SELECT plan(50);

CREATE ROLE chronos_pol_tester NOLOGIN;
GRANT ALL ON ALL TABLES IN SCHEMA pg_temp TO chronos_pol_tester;
GRANT ALL ON ALL SEQUENCES IN SCHEMA pg_temp TO chronos_pol_tester;

-- Privileges: any role may use the schema, and is then governed by RLS alone.

SELECT schema_privs_are('chronos', 'chronos_pol_tester', ARRAY['USAGE'],
                        'any role may use schema chronos (through PUBLIC)');
SELECT table_privs_are('chronos', t, 'chronos_pol_tester', ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE'],
                       format('PUBLIC may SELECT, INSERT, UPDATE and DELETE on %s, under its policies', t))
  FROM unnest(ARRAY['creators', 'students', 'videos', 'courses', 'course_modules', 'module_lessons',
                    'video_watch_sessions', 'video_analytics']) AS t;
SELECT table_privs_are('chronos', 'video_analytics_events', 'chronos_pol_tester', ARRAY['SELECT', 'INSERT'],
                       'PUBLIC may only SELECT and INSERT events: nobody but the owner updates or deletes one');
SELECT is_empty(
  $$SELECT c.relname, a.privilege_type
      FROM pg_class c, aclexplode(c.relacl) a
     WHERE c.relnamespace = 'chronos'::regnamespace AND c.relkind = 'r'
       AND a.privilege_type IN ('TRUNCATE', 'REFERENCES', 'TRIGGER') AND a.grantee <> c.relowner$$,
  'nobody but the owner may TRUNCATE (which ignores policies), REFERENCES or TRIGGER');

-- Row-level security is on everywhere, with a policy per table and command.

SELECT is_empty(
  $$SELECT relname FROM pg_class
     WHERE relnamespace = 'chronos'::regnamespace AND relkind = 'r' AND NOT relrowsecurity$$,
  'every chronos table has row-level security enabled');
SELECT policies_are('chronos', t,
                    ARRAY[t || '_select', t || '_insert', t || '_update', t || '_delete'],
                    format('%s has one policy for each of SELECT, INSERT, UPDATE and DELETE', t))
  FROM unnest(ARRAY['creators', 'students', 'videos', 'courses', 'course_modules', 'module_lessons',
                    'video_watch_sessions', 'video_analytics']) AS t;
SELECT policies_are('chronos', 'video_analytics_events',
                    ARRAY['video_analytics_events_select', 'video_analytics_events_insert'],
                    'events have a SELECT and an INSERT policy and no UPDATE or DELETE one');
SELECT is_empty(
  $$SELECT tablename, policyname, cmd FROM pg_policies
     WHERE schemaname = 'chronos' AND policyname <> tablename || '_' || lower(cmd)$$,
  'each policy applies to the command its name says');
SELECT is_empty(
  $$SELECT tablename, policyname FROM pg_policies
     WHERE schemaname = 'chronos' AND (permissive <> 'PERMISSIVE' OR roles <> '{public}')$$,
  'every policy is permissive and applies to every role');
SELECT is_empty(
  $$SELECT policyname, qual, with_check FROM pg_policies
     WHERE schemaname = 'chronos'
       AND (btrim(qual, '() ') = 'true' OR btrim(with_check, '() ') = 'true')$$,
  'no policy is USING (true) or WITH CHECK (true)');
SELECT is_empty(
  $$SELECT policyname, clause FROM pg_policies,
           LATERAL (VALUES (qual), (with_check)) AS c (clause)
     WHERE schemaname = 'chronos' AND clause IS NOT NULL
       AND (clause !~ '(current_creator_ids|current_student_ids|current_student_creator_ids|is_service_role|service_id_floor)\(\)'
            OR clause ~* 'current_setting|current_user|session_user|auth\.')$$,
  'every clause is written with the identity functions, and with nothing else that says who the caller is');
SELECT is_empty(
  $$SELECT policyname, clause FROM pg_policies,
           LATERAL (VALUES (qual), (with_check)) AS c (clause)
     WHERE schemaname = 'chronos'
       AND tablename IN ('video_analytics_events', 'video_watch_sessions', 'video_analytics')
       AND clause ~* '\mselect\M'$$,
  'the policies of events, sessions and rollups are plain predicates: no subquery');

-- Plans: 50 creators, each with a student and a video; 20,000 events,
-- 5,000 sessions and 5,000 rollup rows.
INSERT INTO chronos.creators (id, whop_company_id, whop_user_id)
  SELECT ('00000000-0000-0000-0000-' || lpad(g::text, 12, '0'))::uuid, 'co_' || g, 'user_' || g
  FROM generate_series(1, 50) g;
INSERT INTO chronos.students (id, creator_id, whop_user_id)
  SELECT ('00000000-0000-0000-0001-' || lpad(g::text, 12, '0'))::uuid,
         ('00000000-0000-0000-0000-' || lpad(g::text, 12, '0'))::uuid, 'learner_' || g
  FROM generate_series(1, 50) g;
INSERT INTO chronos.videos (id, creator_id, title, source_type, youtube_video_id)
  SELECT ('00000000-0000-0000-0002-' || lpad(g::text, 12, '0'))::uuid,
         ('00000000-0000-0000-0000-' || lpad(g::text, 12, '0'))::uuid, 'video ' || g, 'youtube', 'yt_' || g
  FROM generate_series(1, 50) g;
INSERT INTO chronos.courses (id, creator_id, title, is_published)
  SELECT ('00000000-0000-0000-0003-' || lpad(g::text, 12, '0'))::uuid,
         ('00000000-0000-0000-0000-' || lpad(g::text, 12, '0'))::uuid, 'course ' || g, true
  FROM generate_series(1, 50) g;
INSERT INTO chronos.course_modules (id, course_id, title)
  SELECT ('00000000-0000-0000-0004-' || lpad(g::text, 12, '0'))::uuid,
         ('00000000-0000-0000-0003-' || lpad(g::text, 12, '0'))::uuid, 'module ' || g
  FROM generate_series(1, 50) g;
INSERT INTO chronos.module_lessons (module_id, video_id, lesson_order)
  SELECT ('00000000-0000-0000-0004-' || lpad(g::text, 12, '0'))::uuid,
         ('00000000-0000-0000-0002-' || lpad(g::text, 12, '0'))::uuid, 1
  FROM generate_series(1, 50) g;
INSERT INTO chronos.video_watch_sessions (video_id, student_id, creator_id, session_start)
  SELECT ('00000000-0000-0000-0002-' || lpad(g::text, 12, '0'))::uuid,
         ('00000000-0000-0000-0001-' || lpad(g::text, 12, '0'))::uuid,
         ('00000000-0000-0000-0000-' || lpad(g::text, 12, '0'))::uuid, now() - i * interval '1 hour'
  FROM generate_series(1, 50) g, generate_series(1, 100) i;
INSERT INTO chronos.video_analytics_events (event_type, video_id, creator_id, student_id)
  SELECT 'video_progress', ('00000000-0000-0000-0002-' || lpad(g::text, 12, '0'))::uuid,
         ('00000000-0000-0000-0000-' || lpad(g::text, 12, '0'))::uuid,
         ('00000000-0000-0000-0001-' || lpad(g::text, 12, '0'))::uuid
  FROM generate_series(1, 50) g, generate_series(1, 400) i;
INSERT INTO chronos.video_analytics (video_id, creator_id, "date")
  SELECT ('00000000-0000-0000-0002-' || lpad(g::text, 12, '0'))::uuid,
         ('00000000-0000-0000-0000-' || lpad(g::text, 12, '0'))::uuid, date '2024-01-01' + i
  FROM generate_series(1, 50) g, generate_series(1, 100) i;
ANALYZE chronos.creators, chronos.students, chronos.videos, chronos.courses, chronos.course_modules,
        chronos.module_lessons, chronos.video_watch_sessions, chronos.video_analytics_events,
        chronos.video_analytics;

-- The plan of a query, as one text.
CREATE FUNCTION pg_temp.plan_of(p_query text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  line text;
  plan text := '';
BEGIN
  FOR line IN EXECUTE 'EXPLAIN (COSTS OFF) ' || p_query LOOP
    plan := plan || line || E'\n';
  END LOOP;
  RETURN plan;
END $$;

SET LOCAL ROLE chronos_pol_tester;
SELECT set_config('request.jwt.claims', '{"sub": "user_7", "role": "authenticated"}', true);
SELECT matches(pg_temp.plan_of('SELECT * FROM chronos.video_analytics_events'),
               'Index Cond: \(creator_id = ANY \(chronos\.current_creator_ids\(\)\)\)',
               'a creator''s events are found through the creator_id index');
SELECT doesnt_match(pg_temp.plan_of('SELECT * FROM chronos.video_analytics_events'), 'Seq Scan',
                    '... without reading the whole table');
SELECT matches(pg_temp.plan_of('SELECT * FROM chronos.video_watch_sessions'),
               'Index Cond: \(creator_id = ANY \(chronos\.current_creator_ids\(\)\)\)',
               'a creator''s sessions are found through the creator_id index');
SELECT doesnt_match(pg_temp.plan_of('SELECT * FROM chronos.video_watch_sessions'), 'Seq Scan',
                    '... without reading the whole table');
SELECT matches(pg_temp.plan_of('SELECT * FROM chronos.video_analytics'),
               'Index Cond: \(creator_id = ANY \(chronos\.current_creator_ids\(\)\)\)',
               'a creator''s rollups are found through the creator_id index');
SELECT doesnt_match(pg_temp.plan_of('SELECT * FROM chronos.video_analytics'), 'Seq Scan',
                    '... without reading the whole table');
SELECT set_config('request.jwt.claims', '{"sub": "learner_7", "role": "authenticated"}', true);
SELECT matches(pg_temp.plan_of('SELECT * FROM chronos.video_watch_sessions'),
               'Index Cond: \(student_id = ANY \(chronos\.current_student_ids\(\)\)\)',
               'a student''s sessions are found through the student_id index');
SELECT doesnt_match(pg_temp.plan_of('SELECT * FROM chronos.video_watch_sessions'), 'Seq Scan',
                    '... without reading the whole table');
SELECT matches(pg_temp.plan_of('SELECT * FROM chronos.video_analytics_events'),
               'Index Cond: \(student_id = ANY \(chronos\.current_student_ids\(\)\)\)',
               'a student''s events are found through the student_id index');
SELECT doesnt_match(pg_temp.plan_of('SELECT * FROM chronos.video_analytics_events'), 'Seq Scan',
                    '... without reading the whole table');

-- The small tables are read sequentially at this size; the policies still
-- let the planner use an index for each of them once it is worth it.
SET LOCAL enable_seqscan = off;
SELECT set_config('request.jwt.claims', '{"sub": "user_7", "role": "authenticated"}', true);
SELECT doesnt_match(pg_temp.plan_of(format('SELECT * FROM chronos.%I', t)), 'Seq Scan',
                    format('the policy of %s can be answered from an index (as a creator)', t))
  FROM unnest(ARRAY['creators', 'students', 'videos', 'courses', 'course_modules', 'module_lessons']) AS t;
SELECT set_config('request.jwt.claims', '{"sub": "learner_7", "role": "authenticated"}', true);
SELECT doesnt_match(pg_temp.plan_of(format('SELECT * FROM chronos.%I', t)), 'Seq Scan',
                    format('the policy of %s can be answered from an index (as a student)', t))
  FROM unnest(ARRAY['students', 'videos', 'courses', 'course_modules', 'module_lessons']) AS t;
RESET enable_seqscan;

-- A statement over many rows calls the identity functions a handful of
-- times (when it is planned and when each index scan starts), never per row.
RESET ROLE;
SET LOCAL track_functions = 'all';
CREATE TEMP TABLE calls_before AS
  SELECT funcname, calls FROM pg_stat_xact_user_functions WHERE schemaname = 'chronos';
GRANT SELECT ON calls_before TO chronos_pol_tester;
SET LOCAL ROLE chronos_pol_tester;
SELECT set_config('request.jwt.claims', '{"sub": "user_7", "role": "authenticated"}', true);
SELECT is((SELECT count(*)::int FROM chronos.video_analytics_events), 400, 'a creator counts its 400 events');
RESET ROLE;
SELECT cmp_ok((SELECT max(s.calls - coalesce(b.calls, 0))::int
                 FROM pg_stat_xact_user_functions s LEFT JOIN calls_before b USING (funcname)
                WHERE s.schemaname = 'chronos'
                  AND s.funcname IN ('current_creator_ids', 'current_student_ids', 'service_id_floor')),
              '<=', 2, '... calling each identity function at most twice, not 400 times');
SET LOCAL ROLE chronos_pol_tester;
SET LOCAL enable_bitmapscan = off;
SET LOCAL enable_indexscan = off;
SELECT is((SELECT count(*)::int FROM chronos.video_analytics_events), 400,
          'read sequentially, the same 400 events (the identity is cached, not resolved per row)');
RESET ROLE;

SELECT * FROM finish();
ROLLBACK;
