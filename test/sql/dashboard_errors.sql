--
-- Errors of refresh_video_analytics, creator_dashboard and course_progress:
-- arguments first (22004, 22023), then the caller (42501), then the rows
-- named (23503).  Ids: prefix ab.
--
\set VERBOSITY default
\set SHOW_CONTEXT never
LOAD 'chronos';
\set ids 'ab%s00000-0000-4000-8000-%s'
\set creators 'a=errors_user_a b=errors_user_b'
\set creators_with '{"a": {"timezone": "Europe/Paris"}, "b": {"timezone": "UTC"}}'
\set students 'a1=errors_learner b1=errors_learner'
\set courses 'a1 a2 b1'
\set courses_with '{"a1": {"title": "published", "is_published": true}, "a2": {"title": "draft", "is_published": false}, "b1": {"title": "of b", "is_published": true}}'
\getenv abs_srcdir PG_ABS_SRCDIR
\ir :abs_srcdir/fixtures/people.sql
\ir :abs_srcdir/fixtures/catalog.sql

--
-- refresh_video_analytics: p_since must be finite (22023); the service only
--
SELECT chronos.refresh_video_analytics('infinity');
SELECT chronos.refresh_video_analytics('-infinity');
SELECT chronos.refresh_video_analytics() AS written;

--
-- creator_dashboard: every argument is required (22004); the range must
-- run forwards (22023) over at most 366 days (22023); the creator must
-- exist (23503)
--
SELECT chronos.creator_dashboard(NULL, '2025-03-01', '2025-03-07');
SELECT chronos.creator_dashboard('ab100000-0000-4000-8000-00000000000a', NULL, '2025-03-07');
SELECT chronos.creator_dashboard('ab100000-0000-4000-8000-00000000000a', '2025-03-01', NULL);
SELECT chronos.creator_dashboard('ab100000-0000-4000-8000-00000000000a', '2025-03-07', '2025-03-01');
SELECT chronos.creator_dashboard('ab100000-0000-4000-8000-00000000000a', '2025-01-01', '2026-01-02');
SELECT chronos.creator_dashboard('ab100000-0000-4000-8000-00000000000a', '-infinity', '2025-03-07');
SELECT chronos.creator_dashboard('ab100000-0000-4000-8000-00000000000a', '2025-03-01', 'infinity');
SELECT chronos.creator_dashboard('ab100000-0000-4000-8000-0000000000ff', '2025-03-01', '2025-03-07');
-- the last day allowed: 366 days
SELECT jsonb_array_length(chronos.creator_dashboard('ab100000-0000-4000-8000-00000000000a', '2025-01-01', '2026-01-01')->'daily') AS days;

--
-- course_progress: both arguments are required (22004); the student and
-- the course must exist, the course belong to the student's creator (23503)
--
SELECT chronos.course_progress(NULL, 'ab400000-0000-4000-8000-0000000000a1');
SELECT chronos.course_progress('ab200000-0000-4000-8000-0000000000a1', NULL);
SELECT chronos.course_progress('ab200000-0000-4000-8000-0000000000ff', 'ab400000-0000-4000-8000-0000000000a1');
SELECT chronos.course_progress('ab200000-0000-4000-8000-0000000000a1', 'ab400000-0000-4000-8000-0000000000ff');
SELECT chronos.course_progress('ab200000-0000-4000-8000-0000000000a1', 'ab400000-0000-4000-8000-0000000000b1');

--
-- Callers: 42501 before anything is looked up
--
CREATE ROLE dashboard_errors_role;
SET ROLE dashboard_errors_role;
-- anonymous
SELECT chronos.refresh_video_analytics();
SELECT chronos.creator_dashboard('ab100000-0000-4000-8000-00000000000a', '2025-03-01', '2025-03-07');
SELECT chronos.course_progress('ab200000-0000-4000-8000-0000000000a1', 'ab400000-0000-4000-8000-0000000000a1');
-- creator B
SET chronos.creator_id = 'ab100000-0000-4000-8000-00000000000b';
SELECT chronos.refresh_video_analytics();
SELECT chronos.creator_dashboard('ab100000-0000-4000-8000-00000000000a', '2025-03-01', '2025-03-07');
SELECT chronos.course_progress('ab200000-0000-4000-8000-0000000000a1', 'ab400000-0000-4000-8000-0000000000a1');
-- arguments are checked before the caller
SELECT chronos.creator_dashboard('ab100000-0000-4000-8000-00000000000a', '2025-03-07', '2025-03-01');
-- creator B's own student, in creator A's course: the course is not B's
SELECT chronos.course_progress('ab200000-0000-4000-8000-0000000000b1', 'ab400000-0000-4000-8000-0000000000a1');
RESET chronos.creator_id;
-- student A1: its own progress in a draft course it cannot see
SET chronos.student_id = 'ab200000-0000-4000-8000-0000000000a1';
SELECT chronos.course_progress('ab200000-0000-4000-8000-0000000000a1', 'ab400000-0000-4000-8000-0000000000a2');
SELECT chronos.course_progress('ab200000-0000-4000-8000-0000000000a1', 'ab400000-0000-4000-8000-0000000000a1')->'completed' AS completed;
SELECT chronos.course_progress('ab200000-0000-4000-8000-0000000000b1', 'ab400000-0000-4000-8000-0000000000b1');
SELECT chronos.creator_dashboard('ab100000-0000-4000-8000-00000000000a', '2025-03-01', '2025-03-07');
RESET chronos.student_id;
RESET ROLE;
DROP ROLE dashboard_errors_role;
