--
-- Errors that reveal nothing they should not.
--   (a) malformed claims are reported as the claims' problem, with no
--       CONTEXT of the chronos statement that first read the identity
--       (a C helper's SQL, a PL/pgSQL function's, a policy's);
--   (b) to a student or an anonymous caller, another student's session and
--       a session that does not exist are refused alike (same errcode, same
--       message, no other person's id), and so are a video of a creator the
--       student does not learn from and a video that does not exist; the
--       session's creator, who can see the session, is refused without
--       another id;
--   (c) a retried heartbeat's p_seq out of range.
-- Ids: prefix 5e7.
--
\set VERBOSITY default
\set SHOW_CONTEXT errors
SET client_min_messages = warning;
\set ids '5e700000-0000-4000-800%s-%s'
\set kinds 012346
\set whop reveal_
\set creators 'a b'
\set students 'a1 a2 b1'
\set videos 'a1=100 b1=100'
\getenv abs_srcdir PG_ABS_SRCDIR
\ir :abs_srcdir/fixtures/people.sql
\ir :abs_srcdir/fixtures/catalog.sql
-- s1: a1's open session on video a1, an hour old
INSERT INTO chronos.video_watch_sessions (id, video_id, student_id, session_start) VALUES
  ('5e700000-0000-4000-8006-000000000001', '5e700000-0000-4000-8002-0000000000a1', '5e700000-0000-4000-8001-0000000000a1',
   now() - interval '1 hour');
CREATE ROLE reveal_nothing_role NOLOGIN;

--
-- (a) malformed claims, wherever chronos first reads the identity
--
BEGIN;
SET LOCAL ROLE reveal_nothing_role;
SELECT set_config('request.jwt.claims', '{"sub": "user_a", "role": ', true) \g /dev/null
-- a C helper that answers as the caller (its statement reads past a policy)
SELECT chronos.get_student_total_watch_time('5e700000-0000-4000-8001-0000000000a1', '5e700000-0000-4000-8002-0000000000a1');
ROLLBACK;
BEGIN;
SET LOCAL ROLE reveal_nothing_role;
SELECT set_config('request.jwt.claims', '["not", "an", "object"]', true) \g /dev/null
-- a PL/pgSQL function
SELECT chronos.current_viewers('5e700000-0000-4000-8002-0000000000a1');
ROLLBACK;
BEGIN;
SET LOCAL ROLE reveal_nothing_role;
SELECT set_config('request.jwt.claims', '{"sub": 42}', true) \g /dev/null
-- a direct read: the policy
SELECT count(*) FROM chronos.videos;
ROLLBACK;
BEGIN;
SET LOCAL ROLE reveal_nothing_role;
SELECT set_config('chronos.student_id', 'not-a-uuid', true) \g /dev/null
-- a C function that checks the caller first
SELECT chronos.record_watch_progress('5e700000-0000-4000-8006-000000000001', 0, 10);
ROLLBACK;

--
-- (b) refusals that tell nothing of other people
--
-- student a2: a1's session and a session that does not exist
BEGIN;
SET LOCAL ROLE reveal_nothing_role;
SELECT set_config('chronos.student_id', '5e700000-0000-4000-8001-0000000000a2', true) \g /dev/null
SELECT chronos.record_watch_progress('5e700000-0000-4000-8006-000000000001', 0, 10);
ROLLBACK;
BEGIN;
SET LOCAL ROLE reveal_nothing_role;
SELECT set_config('chronos.student_id', '5e700000-0000-4000-8001-0000000000a2', true) \g /dev/null
SELECT chronos.record_watch_progress('5e700000-0000-4000-8006-0000000000ff', 0, 10);
ROLLBACK;
BEGIN;
SET LOCAL ROLE reveal_nothing_role;
SELECT set_config('chronos.student_id', '5e700000-0000-4000-8001-0000000000a2', true) \g /dev/null
SELECT chronos.end_watch_session('5e700000-0000-4000-8006-000000000001');
ROLLBACK;
BEGIN;
SET LOCAL ROLE reveal_nothing_role;
SELECT set_config('chronos.student_id', '5e700000-0000-4000-8001-0000000000a2', true) \g /dev/null
SELECT chronos.end_watch_session('5e700000-0000-4000-8006-0000000000ff');
ROLLBACK;
-- anonymous (no identity at all; claims of the anon role)
BEGIN;
SET LOCAL ROLE reveal_nothing_role;
SELECT chronos.record_watch_progress('5e700000-0000-4000-8006-000000000001', 0, 10);
ROLLBACK;
BEGIN;
SET LOCAL ROLE reveal_nothing_role;
SELECT set_config('request.jwt.claims', '{"role": "anon"}', true) \g /dev/null
SELECT chronos.record_watch_progress('5e700000-0000-4000-8006-0000000000ff', 0, 10);
ROLLBACK;
-- creator b: a session of creator a's student
BEGIN;
SET LOCAL ROLE reveal_nothing_role;
SELECT set_config('chronos.creator_id', '5e700000-0000-4000-8000-00000000000b', true) \g /dev/null
SELECT chronos.end_watch_session('5e700000-0000-4000-8006-000000000001');
ROLLBACK;
-- creator a, who sees the session, may not act for the student: no other id
BEGIN;
SET LOCAL ROLE reveal_nothing_role;
SELECT set_config('chronos.creator_id', '5e700000-0000-4000-8000-00000000000a', true) \g /dev/null
SELECT count(*) AS sessions_creator_a_sees FROM chronos.video_watch_sessions;
SELECT chronos.record_watch_progress('5e700000-0000-4000-8006-000000000001', 0, 10);
ROLLBACK;
-- student a1 starting a session: a video of creator b, and one that does not exist
BEGIN;
SET LOCAL ROLE reveal_nothing_role;
SELECT set_config('chronos.student_id', '5e700000-0000-4000-8001-0000000000a1', true) \g /dev/null
SELECT chronos.start_watch_session('5e700000-0000-4000-8001-0000000000a1', '5e700000-0000-4000-8002-0000000000b1');
ROLLBACK;
BEGIN;
SET LOCAL ROLE reveal_nothing_role;
SELECT set_config('chronos.student_id', '5e700000-0000-4000-8001-0000000000a1', true) \g /dev/null
SELECT chronos.start_watch_session('5e700000-0000-4000-8001-0000000000a1', '5e700000-0000-4000-8002-0000000000ff');
ROLLBACK;
-- the service is told exactly what is wrong
SELECT chronos.start_watch_session('5e700000-0000-4000-8001-0000000000a1', '5e700000-0000-4000-8002-0000000000b1');

--
-- (c) p_seq
--
SELECT chronos.record_watch_progress('5e700000-0000-4000-8006-000000000001', 0, 10, -1);
SELECT chronos.record_watch_progress('5e700000-0000-4000-8006-000000000001', 0, 10, 9223372036854775807);

-- nothing was written
SELECT count(*) AS events FROM chronos.video_analytics_events
 WHERE creator_id IN ('5e700000-0000-4000-8000-00000000000a', '5e700000-0000-4000-8000-00000000000b');
SELECT count(*) AS sessions, sum(watch_time_seconds) AS watch_time, count(heartbeat_seqs) AS with_seqs
  FROM chronos.video_watch_sessions
 WHERE creator_id IN ('5e700000-0000-4000-8000-00000000000a', '5e700000-0000-4000-8000-00000000000b');

DELETE FROM chronos.creators
 WHERE id IN ('5e700000-0000-4000-8000-00000000000a', '5e700000-0000-4000-8000-00000000000b');
DROP ROLE reveal_nothing_role;
