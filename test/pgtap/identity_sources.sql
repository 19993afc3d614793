-- The identity functions: where the identity comes from (JWT claims, the
-- per-claim settings, the chronos.* settings), how sub is matched, who is
-- the service, what is refused as malformed, and that the per-statement
-- cache follows every change of the settings, the role and the data.
-- Runs as a non-superuser role unless a test says otherwise.
\set A   '''00000000-0000-0000-0000-00000000000a'''
\set B   '''00000000-0000-0000-0000-00000000000b'''
\set A2  '''00000000-0000-0000-0000-00000000000c'''
\set samA   '''00000000-0000-0000-0001-0000000000a1'''
\set annA   '''00000000-0000-0000-0001-0000000000a2'''
\set samB   '''00000000-0000-0000-0001-0000000000b1'''
\set aliceB '''00000000-0000-0000-0001-0000000000b2'''
BEGIN;
SELECT plan(86);

CREATE ROLE chronos_id_tester NOLOGIN;
CREATE ROLE chronos_id_bypass NOLOGIN BYPASSRLS;
CREATE ROLE chronos_id_owner NOLOGIN;
-- pgTAP keeps its state in temporary tables of this session.
GRANT ALL ON ALL TABLES IN SCHEMA pg_temp TO chronos_id_tester, chronos_id_bypass, chronos_id_owner;
GRANT ALL ON ALL SEQUENCES IN SCHEMA pg_temp TO chronos_id_tester, chronos_id_bypass, chronos_id_owner;

-- Alice owns companies A and A2 and learns from B; Bob owns B; Sam learns
-- from A and from B; Ann learns from A.
-- (keys: A is a, A2 c, B b; each student's first character is its creator)
\set ids '00000000-0000-0000-000%s-%s'
\set kinds 012346
\set creators 'a=user_alice c=user_alice b=user_bob'
\set students 'a1=user_sam a2=user_ann b1=user_sam b2=user_alice'
\ir ../fixtures/people.sql

-- Declarations ----------------------------------------------------------------

SELECT function_returns('chronos', 'current_creator_ids', ARRAY[]::text[], 'uuid[]');
SELECT function_returns('chronos', 'current_student_ids', ARRAY[]::text[], 'uuid[]');
SELECT function_returns('chronos', 'current_student_creator_ids', ARRAY[]::text[], 'uuid[]');
SELECT function_returns('chronos', 'is_service_role', ARRAY[]::text[], 'boolean');
SELECT function_returns('chronos', 'service_id_floor', ARRAY[]::text[], 'uuid');
SELECT is(
  (SELECT string_agg(format('%s %s %s %s', p.proname, p.provolatile, p.proparallel, p.prosecdef), ', '
                     ORDER BY p.proname)
     FROM pg_proc p
    WHERE p.pronamespace = 'chronos'::regnamespace
      AND p.proname IN ('current_creator_ids', 'current_student_ids', 'current_student_creator_ids',
                        'is_service_role', 'service_id_floor')),
  'current_creator_ids s s f, current_student_creator_ids s s f, current_student_ids s s f, '
  'is_service_role s s f, service_id_floor s s f',
  'the identity functions are STABLE, PARALLEL SAFE and not SECURITY DEFINER');

-- Nothing set: anonymous -----------------------------------------------------------

SELECT ok(current_setting('request.jwt.claims', true) IS NULL
          AND current_setting('request.jwt.claim.sub', true) IS NULL,
          'this session has never set a JWT setting');
SET LOCAL ROLE chronos_id_tester;
SELECT is(chronos.current_creator_ids(), '{}', 'no source set: no creator');
SELECT is(chronos.current_student_ids(), '{}', 'no source set: no student');
SELECT is(chronos.current_student_creator_ids(), '{}', 'no source set: no creator to learn from');
SELECT is(chronos.is_service_role(), false, 'no source set: not the service');
SELECT is(chronos.service_id_floor(), NULL, 'no source set: no service floor');

-- Empty settings count as absent ------------------------------------------------

SELECT set_config('request.jwt.claims', '', true), set_config('request.jwt.claim.role', '', true),
       set_config('request.jwt.claim.sub', '', true), set_config('chronos.creator_id', '', true),
       set_config('chronos.student_id', '', true);
SELECT is(chronos.current_creator_ids() || chronos.current_student_ids(), '{}', 'every setting empty: anonymous');
SELECT is(chronos.is_service_role(), false, 'every setting empty: not the service');
SELECT set_config('request.jwt.claim.sub', 'user_bob', true);
SELECT is(chronos.current_creator_ids(), ARRAY[:B]::uuid[], 'empty claims: the per-claim sub decides');
SELECT set_config('request.jwt.claim.sub', '', true), set_config('chronos.creator_id', :A2, true);
SELECT is(chronos.current_creator_ids(), ARRAY[:A2]::uuid[], 'empty claims and per-claim settings: chronos.creator_id decides');

-- The first source set decides -----------------------------------------------------

SELECT set_config('request.jwt.claims', '{"sub": "user_bob"}', true),
       set_config('request.jwt.claim.sub', 'user_sam', true),
       set_config('chronos.creator_id', :A, true);
SELECT is(chronos.current_creator_ids(), ARRAY[:B]::uuid[], 'the claims JSON wins over the other sources');
SELECT is(chronos.current_student_ids(), '{}', 'nothing of the per-claim sub leaks into a claims identity');
SELECT set_config('request.jwt.claims', '', true);
SELECT is(chronos.current_student_ids(), ARRAY[:samA, :samB]::uuid[], 'without claims, request.jwt.claim.sub wins over chronos.*');
SELECT is(chronos.current_creator_ids(), '{}', 'nothing of chronos.creator_id leaks into a per-claim identity');
SELECT set_config('request.jwt.claims', '{"role": "authenticated"}', true);
SELECT is(chronos.current_creator_ids() || chronos.current_student_ids(), '{}',
          'claims without an identity decide too: anonymous, whatever the other settings say');
SELECT set_config('request.jwt.claim.sub', '', true), set_config('chronos.creator_id', '', true);

-- Matching sub ------------------------------------------------------------------

SELECT set_config('request.jwt.claims', '{"sub": "user_alice", "role": "authenticated"}', true);
SELECT is(chronos.current_creator_ids(), ARRAY[:A, :A2]::uuid[], 'a Whop user with two companies is both creators');
SELECT is(chronos.current_student_ids(), ARRAY[:aliceB]::uuid[], 'a creator may also be a student elsewhere');
SELECT is(chronos.current_student_creator_ids(), ARRAY[:B]::uuid[], '... of the creator she learns from');
SELECT set_config('request.jwt.claims', '{"sub": "user_sam"}', true);
SELECT is(chronos.current_creator_ids(), '{}', 'a student only is no creator');
SELECT is(chronos.current_student_ids(), ARRAY[:samA, :samB]::uuid[], 'a student of two creators is both student rows');
SELECT is(chronos.current_student_creator_ids(), ARRAY[:A, :B]::uuid[], '... and learns from both creators');
SELECT set_config('request.jwt.claims', '{"sub": "user_nobody"}', true);
SELECT is(chronos.current_creator_ids() || chronos.current_student_ids(), '{}', 'an unknown sub is nobody');
SELECT set_config('request.jwt.claims', '{"sub": "USER_SAM"}', true);
SELECT is(chronos.current_student_ids(), '{}', 'sub is matched exactly');
SELECT set_config('request.jwt.claims',
  '{"sub": "user_bob", "aud": ["a", "b"], "app_metadata": {"sub": "user_alice", "creator_id": 7}, "exp": 1700000000}', true);
SELECT is(chronos.current_creator_ids(), ARRAY[:B]::uuid[], 'other claims, nested keys included, are ignored');
SELECT set_config('request.jwt.claims', '{"sub": "user_alice", "sub": "user_bob"}', true);
SELECT is(chronos.current_creator_ids(), ARRAY[:B]::uuid[], 'a repeated key: the last one counts, as in jsonb');
SELECT set_config('request.jwt.claims', '{"sub": null, "creator_id": null, "role": null}', true);
SELECT is(chronos.current_creator_ids() || chronos.current_student_ids(), '{}', 'null claims count as absent');
SELECT set_config('request.jwt.claims', '{"sub": "", "creator_id": ""}', true);
SELECT is(chronos.current_creator_ids() || chronos.current_student_ids(), '{}', 'empty claims count as absent');
SELECT set_config('request.jwt.claims', '', true), set_config('request.jwt.claim.sub', 'user_sam', true);
SELECT is(chronos.current_student_ids(), ARRAY[:samA, :samB]::uuid[], 'request.jwt.claim.sub is matched like the sub claim');
SELECT set_config('request.jwt.claim.sub', '', true);

-- Ids given directly -------------------------------------------------------------

SELECT set_config('request.jwt.claims', format('{"sub": "user_alice", "creator_id": "%s"}', :A2), true);
SELECT is(chronos.current_creator_ids(), ARRAY[:A2]::uuid[], 'a creator_id claim narrows the creators to that one');
SELECT is(chronos.current_student_ids(), ARRAY[:aliceB]::uuid[], '... while sub still gives the student rows');
SELECT set_config('request.jwt.claims', format('{"student_id": "%s"}', :samB), true);
SELECT is(chronos.current_student_ids(), ARRAY[:samB]::uuid[], 'a student_id claim is that student row');
SELECT is(chronos.current_student_creator_ids(), ARRAY[:B]::uuid[], '... whose creator is looked up');
SELECT set_config('request.jwt.claims', '{"student_id": "00000000-0000-0000-0001-0000000000ff"}', true);
SELECT is(chronos.current_student_creator_ids(), '{}', 'an unknown student row learns from nobody');
SELECT set_config('request.jwt.claims', '{"creator_id": "{0000000000000000000000000000000A}"}', true);
SELECT is(chronos.current_creator_ids(), ARRAY[:A]::uuid[], 'a uuid is read in every form uuid_in accepts');
SELECT set_config('request.jwt.claims', '', true), set_config('chronos.student_id', :annA, true);
SELECT is(chronos.current_student_ids(), ARRAY[:annA]::uuid[], 'chronos.student_id is that student row');
SELECT is(chronos.current_student_creator_ids(), ARRAY[:A]::uuid[], '... whose creator is looked up');
SELECT set_config('chronos.student_id', '', true);

-- The service --------------------------------------------------------------------

SELECT set_config('request.jwt.claims', '{"role": "service_role"}', true);
SELECT is(chronos.is_service_role(), true, 'the service_role claim is the service');
SELECT is(chronos.service_id_floor(), '00000000-0000-0000-0000-000000000000', '... whose floor is the nil uuid');
SELECT set_config('request.jwt.claims', '{"role": "authenticated", "sub": "user_bob"}', true);
SELECT is(chronos.is_service_role(), false, 'another role claim is not');
SELECT set_config('request.jwt.claims', '{"role": "SERVICE_ROLE"}', true);
SELECT is(chronos.is_service_role(), false, 'the role claim is matched exactly');
SELECT set_config('request.jwt.claims', '', true), set_config('request.jwt.claim.role', 'service_role', true);
SELECT is(chronos.is_service_role(), true, 'request.jwt.claim.role = service_role is the service');
SELECT set_config('request.jwt.claim.role', '', true);
SELECT is(chronos.is_service_role(), false, 'the tester itself is not the service');
RESET ROLE;
SELECT is(chronos.is_service_role(), true, 'a superuser is the service');
SET LOCAL ROLE chronos_id_bypass;
SELECT is(chronos.is_service_role(), true, 'a BYPASSRLS role is the service');
RESET ROLE;
SAVEPOINT owner_change;
ALTER SCHEMA chronos OWNER TO chronos_id_owner;
SELECT format('ALTER TABLE chronos.%I OWNER TO chronos_id_owner', relname)
  FROM pg_class WHERE relnamespace = 'chronos'::regnamespace AND relkind = 'r' \gexec
SET LOCAL ROLE chronos_id_owner;
SELECT is(chronos.is_service_role(), true, 'the owner of chronos''s tables is the service');
SELECT is((SELECT count(*)::int FROM chronos.students), 4, '... and, bypassing the policies, sees every row');
RESET ROLE;
ALTER TABLE chronos.students FORCE ROW LEVEL SECURITY;
SET LOCAL ROLE chronos_id_tester;
SELECT set_config('request.jwt.claims', '{"sub": "user_bob"}', true);
SELECT throws_ok('SELECT chronos.current_student_ids()', '42P19', NULL,
                 'policies forced on the owner would make the lookup recurse: refused, not looped');
RESET ROLE;
ROLLBACK TO SAVEPOINT owner_change;
SET LOCAL ROLE chronos_id_tester;

-- Malformed identities are refused, never read as anonymous ----------------------

SELECT set_config('request.jwt.claims', 'not json', true);
SELECT throws_ok('SELECT chronos.current_creator_ids()', '28000',
                 'malformed JWT claims in "request.jwt.claims"', 'claims that are not JSON: 28000');
SELECT throws_ok('SELECT count(*) FROM chronos.videos', '28000', NULL,
                 '... also when a policy asks, instead of an empty result');
SELECT set_config('request.jwt.claims', '{"sub": "user_bob"', true);
SELECT throws_ok('SELECT chronos.is_service_role()', '28000', NULL, 'truncated claims: 28000');
SELECT set_config('request.jwt.claims', '[{"sub": "user_bob"}]', true);
SELECT throws_ok('SELECT chronos.current_student_ids()', '28000', NULL, 'claims that are an array: 28000');
SELECT set_config('request.jwt.claims', '{"x": ' || repeat('[', 20000) || repeat(']', 20000) || '}', true);
SELECT throws_ok('SELECT chronos.current_creator_ids()', '28000',
                 'invalid JSON in "request.jwt.claims"', 'claims nested 20,000 levels deep: 28000, not a stack overflow');
SELECT set_config('request.jwt.claims', '"user_bob"', true);
SELECT throws_ok('SELECT chronos.current_creator_ids()', '28000', NULL, 'claims that are a string: 28000');
SELECT set_config('request.jwt.claims', 'null', true);
SELECT throws_ok('SELECT chronos.current_creator_ids()', '28000', NULL, 'claims that are null: 28000');
SELECT set_config('request.jwt.claims', '{"sub": 42}', true);
SELECT throws_ok('SELECT chronos.current_creator_ids()', '28000',
                 'invalid JWT claim "sub" in "request.jwt.claims"', 'a sub that is a number: 28000');
SELECT set_config('request.jwt.claims', '{"role": ["service_role"]}', true);
SELECT throws_ok('SELECT chronos.is_service_role()', '28000', NULL, 'a role that is an array: 28000');
SELECT set_config('request.jwt.claims', '{"creator_id": "A"}', true);
SELECT throws_ok('SELECT chronos.current_creator_ids()', '28000',
                 'invalid JWT claim "creator_id" in "request.jwt.claims": "A"', 'a creator_id that is no uuid: 28000');
SELECT set_config('request.jwt.claims', '{"student_id": {"id": 1}}', true);
SELECT throws_ok('SELECT chronos.current_student_ids()', '28000', NULL, 'a student_id that is an object: 28000');
SELECT set_config('request.jwt.claims', '', true), set_config('chronos.creator_id', 'co_a', true);
SELECT throws_ok('SELECT chronos.current_creator_ids()', '28000',
                 'invalid value for setting "chronos.creator_id": "co_a"', 'chronos.creator_id that is no uuid: 28000');
SELECT set_config('chronos.creator_id', '', true), set_config('chronos.student_id', '42', true);
SELECT throws_ok('SELECT count(*) FROM chronos.students', '28000',
                 'invalid value for setting "chronos.student_id": "42"', 'chronos.student_id that is no uuid: 28000');
SELECT set_config('chronos.student_id', '', true), set_config('request.jwt.claims', '{"sub": "user_bob"}', true);
SELECT is(chronos.current_creator_ids(), ARRAY[:B]::uuid[], 'after an error, the next identity resolves as usual');

-- The cache follows every change in one transaction ------------------------------

SELECT set_config('request.jwt.claims', '', true);
SET LOCAL chronos.creator_id = '00000000-0000-0000-0000-00000000000a';
SELECT is(chronos.current_creator_ids(), ARRAY[:A]::uuid[], 'SET LOCAL chronos.creator_id');
SET LOCAL chronos.creator_id = '00000000-0000-0000-0000-00000000000b';
SELECT is(chronos.current_creator_ids(), ARRAY[:B]::uuid[], 'a second SET LOCAL in the same transaction');
SAVEPOINT before_change;
SET LOCAL chronos.creator_id = '00000000-0000-0000-0000-00000000000c';
SELECT is(chronos.current_creator_ids(), ARRAY[:A2]::uuid[], 'a SET LOCAL inside a savepoint');
ROLLBACK TO SAVEPOINT before_change;
SELECT is(chronos.current_creator_ids(), ARRAY[:B]::uuid[], 'rolling back to the savepoint restores the identity');
RESET chronos.creator_id;
SELECT is(chronos.current_creator_ids(), '{}', 'RESET chronos.creator_id');
SET LOCAL "request.jwt.claims" = '{"sub": "user_sam"}';
SELECT is(chronos.current_student_ids(), ARRAY[:samA, :samB]::uuid[], 'SET LOCAL request.jwt.claims');
SELECT set_config('request.jwt.claims', '{"sub": "user_ann"}', true);
SELECT is(chronos.current_student_ids(), ARRAY[:annA]::uuid[], 'set_config(request.jwt.claims)');

-- Within one statement: a function that changes the settings between calls.
CREATE FUNCTION pg_temp.identities_in_one_statement() RETURNS text[] LANGUAGE plpgsql AS $$
DECLARE
  seen text[];
BEGIN
  PERFORM set_config('request.jwt.claims', '', true);
  PERFORM set_config('chronos.creator_id', '00000000-0000-0000-0000-00000000000a', true);
  seen := seen || chronos.current_creator_ids()::text;
  PERFORM set_config('chronos.creator_id', '00000000-0000-0000-0000-00000000000b', true);
  seen := seen || chronos.current_creator_ids()::text;
  PERFORM set_config('request.jwt.claims', '{"role": "service_role"}', true);
  seen := seen || chronos.is_service_role()::text;
  RESET "request.jwt.claims";
  RESET chronos.creator_id;
  seen := seen || chronos.current_creator_ids()::text || chronos.is_service_role()::text;
  RETURN seen;
END $$;
SELECT is(pg_temp.identities_in_one_statement(),
          ARRAY['{00000000-0000-0000-0000-00000000000a}', '{00000000-0000-0000-0000-00000000000b}',
                'true', '{}', 'false'],
          'the cache follows set_config and RESET within one statement');

-- A change of role, with the same settings.
SELECT set_config('request.jwt.claims', '', true);
RESET ROLE;
SELECT is(chronos.is_service_role(), true, 'as the superuser: the service');
SET LOCAL ROLE chronos_id_tester;
SELECT is(chronos.is_service_role(), false, 'SET LOCAL ROLE to the tester, same statement text: not the service');

-- Rows written after the identity was resolved.
SELECT set_config('request.jwt.claims', '{"sub": "user_new"}', true);
SELECT is(chronos.current_creator_ids(), '{}', 'user_new owns no company yet');
RESET ROLE;
INSERT INTO chronos.creators (id, whop_company_id, whop_user_id)
  VALUES ('00000000-0000-0000-0000-0000000000ee', 'co_new', 'user_new');
SET LOCAL ROLE chronos_id_tester;
SELECT is(chronos.current_creator_ids(), '{00000000-0000-0000-0000-0000000000ee}', 'the next statement sees the new company');
CREATE FUNCTION pg_temp.identity_around_writes() RETURNS text[] LANGUAGE plpgsql AS $$
DECLARE
  seen text[];
BEGIN
  PERFORM set_config('request.jwt.claims', '{"sub": "user_newer"}', true);
  seen := seen || chronos.current_creator_ids()::text;
  INSERT INTO chronos.creators (id, whop_company_id, whop_user_id)
    VALUES ('00000000-0000-0000-0000-0000000000ef', 'co_newer', 'user_newer');
  seen := seen || chronos.current_creator_ids()::text;
  BEGIN
    INSERT INTO chronos.creators (id, whop_company_id, whop_user_id)
      VALUES ('00000000-0000-0000-0000-0000000000f0', 'co_newest', 'user_newer');
    seen := seen || chronos.current_creator_ids()::text;
    RAISE SQLSTATE 'XRBCK';
  EXCEPTION WHEN SQLSTATE 'XRBCK' THEN
    NULL;
  END;
  seen := seen || chronos.current_creator_ids()::text;
  RETURN seen;
END $$;
RESET ROLE;
SELECT is(pg_temp.identity_around_writes(),
          ARRAY['{}', '{00000000-0000-0000-0000-0000000000ef}',
                '{00000000-0000-0000-0000-0000000000ef,00000000-0000-0000-0000-0000000000f0}',
                '{00000000-0000-0000-0000-0000000000ef}'],
          'within one statement the identity follows writes, and forgets rolled-back ones');
SET LOCAL ROLE chronos_id_tester;

-- The lookups run as the owner; the caller's role is restored -------------------

SELECT set_config('request.jwt.claims', '{"sub": "user_sam"}', true);
SELECT is(cardinality(chronos.current_student_ids()), 2, 'a lookup by sub as the tester');
SELECT is(current_user::text, 'chronos_id_tester', '... leaves the tester the current user');
RESET ROLE;
SAVEPOINT broken_lookup;
ALTER TABLE chronos.students RENAME TO students_elsewhere;
SET LOCAL ROLE chronos_id_tester;
SELECT set_config('request.jwt.claims', '{"sub": "user_ann"}', true);
SELECT throws_ok('SELECT chronos.current_student_ids()', '42P01', NULL, 'a lookup that fails raises its error');
SELECT is(current_user::text, 'chronos_id_tester', '... and the tester is the current user again');
RESET ROLE;
ROLLBACK TO SAVEPOINT broken_lookup;
-- In a parallel worker -------------------------------------------------------------

CREATE FUNCTION pg_temp.workers_launched(p_query text) RETURNS int LANGUAGE plpgsql AS $$
DECLARE
  plan json;
BEGIN
  EXECUTE 'EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF, FORMAT JSON) ' || p_query INTO plan;
  RETURN (plan -> 0 -> 'Plan' ->> 'Workers Launched')::int;
END $$;
-- force_parallel_mode is called debug_parallel_query from PostgreSQL 16 on
SELECT CASE WHEN current_setting('server_version_num')::int >= 160000
            THEN 'debug_parallel_query' ELSE 'force_parallel_mode' END AS parallel_setting \gset
SET LOCAL :parallel_setting = on;
SET LOCAL ROLE chronos_id_tester;
SELECT set_config('request.jwt.claims', '{"sub": "user_sam"}', true);
SELECT count(*) AS students_seen FROM chronos.students \gset
SELECT is(:students_seen::int, 2, 'a query run by a parallel worker resolves the same identity');
SELECT cmp_ok(pg_temp.workers_launched('SELECT count(*) FROM chronos.students'), '>=', 1,
              '... and a worker did run it');
RESET :parallel_setting;
RESET ROLE;

SELECT * FROM finish();
ROLLBACK;
