--
-- Every refusal of the xAPI export of chronos 1.1 (issue 17, item 5), with
-- its message, detail and hint: session_xapi, xapi_statements and the
-- setting chronos.xapi_base_iri.  Their behaviour and who may call them are
-- in test/pgtap/xapi_export.sql.  Ids: prefix c52.
--
\set VERBOSITY default
\set SHOW_CONTEXT errors
SET client_min_messages = warning;
SET timezone = 'UTC';
\set ids 'c5200000-0000-4000-800%s-%s'
\set kinds 012346
\set whop xapi_errors_
\set creators 'a b'
\set students 'a1 a2 b1'
\set videos 'a1=100 b1=100'
\getenv abs_srcdir PG_ABS_SRCDIR
\ir :abs_srcdir/fixtures/people.sql
\ir :abs_srcdir/fixtures/catalog.sql
CREATE ROLE xapi_errors_role NOLOGIN;
INSERT INTO chronos.video_watch_sessions (id, video_id, student_id, session_start, session_end)
VALUES ('c5200000-0000-4000-8006-000000000001', 'c5200000-0000-4000-8002-0000000000a1',
        'c5200000-0000-4000-8001-0000000000a1', '2026-01-01 10:00+00', '2026-01-01 10:10+00');

--
-- session_xapi
--
SELECT * FROM chronos.session_xapi(NULL);
SELECT * FROM chronos.session_xapi('c5200000-0000-4000-8006-0000000000ff');
-- a session the caller may not see does not exist for it: another student
-- of the creator, another creator, nobody
BEGIN;
SET LOCAL ROLE xapi_errors_role;
SELECT set_config('chronos.student_id', 'c5200000-0000-4000-8001-0000000000a2', true) \g /dev/null
SELECT * FROM chronos.session_xapi('c5200000-0000-4000-8006-000000000001');
ROLLBACK;
BEGIN;
SET LOCAL ROLE xapi_errors_role;
SELECT set_config('chronos.creator_id', 'c5200000-0000-4000-8000-00000000000b', true) \g /dev/null
SELECT * FROM chronos.session_xapi('c5200000-0000-4000-8006-000000000001');
ROLLBACK;
BEGIN;
SET LOCAL ROLE xapi_errors_role;
SELECT * FROM chronos.session_xapi('c5200000-0000-4000-8006-000000000001');
ROLLBACK;

--
-- xapi_statements
--
SELECT * FROM chronos.xapi_statements(NULL, '2026-01-01');
SELECT * FROM chronos.xapi_statements('c5200000-0000-4000-8000-00000000000a', NULL);
SELECT * FROM chronos.xapi_statements('c5200000-0000-4000-8000-0000000000ff', '2026-01-01');
-- the creator itself or the service only, checked before the creator is
-- looked up: the same refusal for an unknown creator
BEGIN;
SET LOCAL ROLE xapi_errors_role;
SELECT set_config('chronos.student_id', 'c5200000-0000-4000-8001-0000000000a1', true) \g /dev/null
SELECT * FROM chronos.xapi_statements('c5200000-0000-4000-8000-00000000000a', '2026-01-01');
ROLLBACK;
BEGIN;
SET LOCAL ROLE xapi_errors_role;
SELECT set_config('chronos.creator_id', 'c5200000-0000-4000-8000-00000000000b', true) \g /dev/null
SELECT * FROM chronos.xapi_statements('c5200000-0000-4000-8000-00000000000a', '2026-01-01');
ROLLBACK;
BEGIN;
SET LOCAL ROLE xapi_errors_role;
SELECT set_config('chronos.creator_id', 'c5200000-0000-4000-8000-00000000000b', true) \g /dev/null
SELECT * FROM chronos.xapi_statements('c5200000-0000-4000-8000-0000000000ff', '2026-01-01');
ROLLBACK;
BEGIN;
SET LOCAL ROLE xapi_errors_role;
SELECT * FROM chronos.xapi_statements('c5200000-0000-4000-8000-00000000000a', '2026-01-01');
ROLLBACK;

--
-- chronos.xapi_base_iri
--
SET chronos.xapi_base_iri = 'learn.example.com/';
SET chronos.xapi_base_iri = 'https://learn.example.com';
SET chronos.xapi_base_iri = 'https:///';
SET chronos.xapi_base_iri = 'https://learn example.com/';
SET chronos.xapi_base_iri = 'https://learn.example.com/{x}/';
SET chronos.xapi_base_iri = 'HTTPS://learn.example.com/école/';
SELECT chronos.xapi_base_iri();
RESET chronos.xapi_base_iri;
SELECT chronos.xapi_base_iri();

--
-- malformed claims are the claims' problem: no CONTEXT of the function's
-- statement that first read the identity
--
BEGIN;
SET LOCAL ROLE xapi_errors_role;
SELECT set_config('request.jwt.claims', '{"sub": "user_a", "role": ', true) \g /dev/null
SELECT * FROM chronos.session_xapi('c5200000-0000-4000-8006-000000000001');
ROLLBACK;
BEGIN;
SET LOCAL ROLE xapi_errors_role;
SELECT set_config('request.jwt.claims', '{"sub": "user_a", "role": ', true) \g /dev/null
SELECT * FROM chronos.xapi_statements('c5200000-0000-4000-8000-00000000000a', '2026-01-01');
ROLLBACK;
