--
-- chronos can be dropped and created again in one session, and a CREATE
-- EXTENSION rolled back leaves nothing behind.  After each step the same rows
-- go in and the C parts (is_valid_timezone, fill_creator_id, set_updated_at)
-- work: fill_creator_id keeps prepared lookups for the life of the backend,
-- which must not outlive the tables they read.  Ids: prefix f0.  The
-- extension is left installed, and empty, for the files that follow.
--
\set VERBOSITY terse
-- the rows of each step: test/fixtures (creator 1 in Asia/Tokyo, its student,
-- video, course, module and a session), then a lesson and an event
\set ids 'f0%s00000-0000-4000-8000-%s'
\set whop lifecycle_
\set video_source youtube
\getenv abs_srcdir PG_ABS_SRCDIR
-- installed by pg_regress (--load-extension=chronos)
SELECT extversion, extnamespace::regnamespace AS schema, cardinality(extconfig) >= 9 AS dumps_tables
  FROM pg_extension WHERE extname = 'chronos';
CREATE EXTENSION chronos;
-- installed: rows go in, the C checks and triggers work
\set creators 1
\set creators_with '{"1": {"timezone": "Asia/Tokyo"}}'
\set students 1
\set videos 1
\set courses 1
\set modules 1
\set sessions '1=1/1'
\ir :abs_srcdir/fixtures/people.sql
INSERT INTO chronos.creators (whop_company_id, whop_user_id, timezone)
VALUES ('lifecycle_co_bad_zone', 'lifecycle_user', 'Asia/Atlantis');
\ir :abs_srcdir/fixtures/catalog.sql
\ir :abs_srcdir/fixtures/sessions.sql
INSERT INTO chronos.module_lessons (module_id, video_id, lesson_order)
VALUES ('f0500000-0000-4000-8000-000000000001', 'f0300000-0000-4000-8000-000000000001', 1);
INSERT INTO chronos.video_analytics_events (event_type, video_id, creator_id, student_id, session_id)
VALUES ('video_started', 'f0300000-0000-4000-8000-000000000001', 'f0100000-0000-4000-8000-000000000001',
        'f0200000-0000-4000-8000-000000000001', 'f0700000-0000-4000-8000-000000000001');
SELECT (SELECT creator_id FROM chronos.course_modules) = 'f0100000-0000-4000-8000-000000000001' AS module_filled,
       (SELECT creator_id FROM chronos.module_lessons) = 'f0100000-0000-4000-8000-000000000001' AS lesson_filled,
       (SELECT creator_id FROM chronos.video_watch_sessions) = 'f0100000-0000-4000-8000-000000000001' AS session_filled,
       (SELECT count(*) FROM chronos.video_analytics_events) AS events;
UPDATE chronos.creators SET updated_at = '2000-01-01', name = 'renamed' WHERE id = 'f0100000-0000-4000-8000-000000000001';
SELECT name, updated_at > '2000-01-02' AS updated_at_kept_by_trigger FROM chronos.creators;

-- DROP EXTENSION removes every object, rows included
DROP EXTENSION chronos;
SELECT (SELECT count(*) FROM pg_extension WHERE extname = 'chronos') AS installed,
       to_regclass('chronos.creators') IS NULL AS no_table,
       to_regtype('chronos.video_event_type') IS NULL AS no_type,
       to_regprocedure('chronos.is_valid_timezone(text)') IS NULL AS no_function,
       (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = 'chronos') AS relations_left;

-- CREATE EXTENSION in the same session
CREATE EXTENSION chronos;
SELECT extversion, extnamespace::regnamespace AS schema, cardinality(extconfig) >= 9 AS dumps_tables
  FROM pg_extension WHERE extname = 'chronos';
SELECT count(*) FROM chronos.creators;
-- created again: rows go in, the C checks and triggers work
\set creators 1
\set creators_with '{"1": {"timezone": "Asia/Tokyo"}}'
\set students 1
\set videos 1
\set courses 1
\set modules 1
\set sessions '1=1/1'
\ir :abs_srcdir/fixtures/people.sql
INSERT INTO chronos.creators (whop_company_id, whop_user_id, timezone)
VALUES ('lifecycle_co_bad_zone', 'lifecycle_user', 'Asia/Atlantis');
\ir :abs_srcdir/fixtures/catalog.sql
\ir :abs_srcdir/fixtures/sessions.sql
INSERT INTO chronos.module_lessons (module_id, video_id, lesson_order)
VALUES ('f0500000-0000-4000-8000-000000000001', 'f0300000-0000-4000-8000-000000000001', 1);
INSERT INTO chronos.video_analytics_events (event_type, video_id, creator_id, student_id, session_id)
VALUES ('video_started', 'f0300000-0000-4000-8000-000000000001', 'f0100000-0000-4000-8000-000000000001',
        'f0200000-0000-4000-8000-000000000001', 'f0700000-0000-4000-8000-000000000001');
SELECT (SELECT creator_id FROM chronos.course_modules) = 'f0100000-0000-4000-8000-000000000001' AS module_filled,
       (SELECT creator_id FROM chronos.module_lessons) = 'f0100000-0000-4000-8000-000000000001' AS lesson_filled,
       (SELECT creator_id FROM chronos.video_watch_sessions) = 'f0100000-0000-4000-8000-000000000001' AS session_filled,
       (SELECT count(*) FROM chronos.video_analytics_events) AS events;
UPDATE chronos.creators SET updated_at = '2000-01-01', name = 'renamed' WHERE id = 'f0100000-0000-4000-8000-000000000001';
SELECT name, updated_at > '2000-01-02' AS updated_at_kept_by_trigger FROM chronos.creators;

-- and once more: DROP and CREATE back to back
DROP EXTENSION chronos;
CREATE EXTENSION chronos;
-- created a third time: rows go in, the C checks and triggers work
\set creators 1
\set creators_with '{"1": {"timezone": "Asia/Tokyo"}}'
\set students 1
\set videos 1
\set courses 1
\set modules 1
\set sessions '1=1/1'
\ir :abs_srcdir/fixtures/people.sql
INSERT INTO chronos.creators (whop_company_id, whop_user_id, timezone)
VALUES ('lifecycle_co_bad_zone', 'lifecycle_user', 'Asia/Atlantis');
\ir :abs_srcdir/fixtures/catalog.sql
\ir :abs_srcdir/fixtures/sessions.sql
INSERT INTO chronos.module_lessons (module_id, video_id, lesson_order)
VALUES ('f0500000-0000-4000-8000-000000000001', 'f0300000-0000-4000-8000-000000000001', 1);
INSERT INTO chronos.video_analytics_events (event_type, video_id, creator_id, student_id, session_id)
VALUES ('video_started', 'f0300000-0000-4000-8000-000000000001', 'f0100000-0000-4000-8000-000000000001',
        'f0200000-0000-4000-8000-000000000001', 'f0700000-0000-4000-8000-000000000001');
SELECT (SELECT creator_id FROM chronos.course_modules) = 'f0100000-0000-4000-8000-000000000001' AS module_filled,
       (SELECT creator_id FROM chronos.module_lessons) = 'f0100000-0000-4000-8000-000000000001' AS lesson_filled,
       (SELECT creator_id FROM chronos.video_watch_sessions) = 'f0100000-0000-4000-8000-000000000001' AS session_filled,
       (SELECT count(*) FROM chronos.video_analytics_events) AS events;
UPDATE chronos.creators SET updated_at = '2000-01-01', name = 'renamed' WHERE id = 'f0100000-0000-4000-8000-000000000001';
SELECT name, updated_at > '2000-01-02' AS updated_at_kept_by_trigger FROM chronos.creators;

-- CREATE EXTENSION rolled back, after using the new tables in the transaction
DROP EXTENSION chronos;
BEGIN;
CREATE EXTENSION chronos;
-- inside the transaction: rows go in, the C checks and triggers work
SELECT chronos.is_valid_timezone('Asia/Tokyo') AS tokyo, chronos.is_valid_timezone('Asia/Atlantis') AS atlantis;
\set creators 1
\set creators_with '{"1": {"timezone": "Asia/Tokyo"}}'
\set students 1
\set videos 1
\set courses 1
\set modules 1
\set sessions '1=1/1'
\ir :abs_srcdir/fixtures/people.sql
\ir :abs_srcdir/fixtures/catalog.sql
\ir :abs_srcdir/fixtures/sessions.sql
INSERT INTO chronos.module_lessons (module_id, video_id, lesson_order)
VALUES ('f0500000-0000-4000-8000-000000000001', 'f0300000-0000-4000-8000-000000000001', 1);
INSERT INTO chronos.video_analytics_events (event_type, video_id, creator_id, student_id, session_id)
VALUES ('video_started', 'f0300000-0000-4000-8000-000000000001', 'f0100000-0000-4000-8000-000000000001',
        'f0200000-0000-4000-8000-000000000001', 'f0700000-0000-4000-8000-000000000001');
SELECT (SELECT creator_id FROM chronos.course_modules) = 'f0100000-0000-4000-8000-000000000001' AS module_filled,
       (SELECT creator_id FROM chronos.module_lessons) = 'f0100000-0000-4000-8000-000000000001' AS lesson_filled,
       (SELECT creator_id FROM chronos.video_watch_sessions) = 'f0100000-0000-4000-8000-000000000001' AS session_filled,
       (SELECT count(*) FROM chronos.video_analytics_events) AS events;
UPDATE chronos.creators SET updated_at = '2000-01-01', name = 'renamed' WHERE id = 'f0100000-0000-4000-8000-000000000001';
SELECT name, updated_at > '2000-01-02' AS updated_at_kept_by_trigger FROM chronos.creators;
ROLLBACK;
SELECT (SELECT count(*) FROM pg_extension WHERE extname = 'chronos') AS installed,
       to_regclass('chronos.creators') IS NULL AS no_table,
       to_regtype('chronos.video_event_type') IS NULL AS no_type,
       to_regprocedure('chronos.is_valid_timezone(text)') IS NULL AS no_function,
       (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = 'chronos') AS relations_left;
CREATE EXTENSION chronos;
SELECT extversion, extnamespace::regnamespace AS schema, cardinality(extconfig) >= 9 AS dumps_tables
  FROM pg_extension WHERE extname = 'chronos';
-- created after the rollback: rows go in, the C checks and triggers work
\set creators 1
\set creators_with '{"1": {"timezone": "Asia/Tokyo"}}'
\set students 1
\set videos 1
\set courses 1
\set modules 1
\set sessions '1=1/1'
\ir :abs_srcdir/fixtures/people.sql
INSERT INTO chronos.creators (whop_company_id, whop_user_id, timezone)
VALUES ('lifecycle_co_bad_zone', 'lifecycle_user', 'Asia/Atlantis');
\ir :abs_srcdir/fixtures/catalog.sql
\ir :abs_srcdir/fixtures/sessions.sql
INSERT INTO chronos.module_lessons (module_id, video_id, lesson_order)
VALUES ('f0500000-0000-4000-8000-000000000001', 'f0300000-0000-4000-8000-000000000001', 1);
INSERT INTO chronos.video_analytics_events (event_type, video_id, creator_id, student_id, session_id)
VALUES ('video_started', 'f0300000-0000-4000-8000-000000000001', 'f0100000-0000-4000-8000-000000000001',
        'f0200000-0000-4000-8000-000000000001', 'f0700000-0000-4000-8000-000000000001');
SELECT (SELECT creator_id FROM chronos.course_modules) = 'f0100000-0000-4000-8000-000000000001' AS module_filled,
       (SELECT creator_id FROM chronos.module_lessons) = 'f0100000-0000-4000-8000-000000000001' AS lesson_filled,
       (SELECT creator_id FROM chronos.video_watch_sessions) = 'f0100000-0000-4000-8000-000000000001' AS session_filled,
       (SELECT count(*) FROM chronos.video_analytics_events) AS events;
UPDATE chronos.creators SET updated_at = '2000-01-01', name = 'renamed' WHERE id = 'f0100000-0000-4000-8000-000000000001';
SELECT name, updated_at > '2000-01-02' AS updated_at_kept_by_trigger FROM chronos.creators;

-- DROP EXTENSION rolled back: the extension and its rows are still there
BEGIN;
DROP EXTENSION chronos;
ROLLBACK;
SELECT count(*) FROM chronos.creators;
INSERT INTO chronos.video_watch_sessions (video_id, student_id)
VALUES ('f0300000-0000-4000-8000-000000000001', 'f0200000-0000-4000-8000-000000000001');
SELECT count(*) FROM chronos.video_watch_sessions WHERE creator_id = 'f0100000-0000-4000-8000-000000000001';
-- chronos is not relocatable: it lives in schema chronos only
DROP EXTENSION chronos;
CREATE SCHEMA lifecycle_elsewhere;
CREATE EXTENSION chronos SCHEMA lifecycle_elsewhere;
DROP SCHEMA lifecycle_elsewhere;
-- untrusted (it loads C code): an ordinary role can neither create nor drop it
CREATE ROLE chronos_lifecycle_nobody;
SET ROLE chronos_lifecycle_nobody;
CREATE EXTENSION chronos;
RESET ROLE;
CREATE EXTENSION chronos;
SET ROLE chronos_lifecycle_nobody;
DROP EXTENSION chronos;
RESET ROLE;
DROP ROLE chronos_lifecycle_nobody;
-- left installed and empty
SELECT extversion, extnamespace::regnamespace AS schema, cardinality(extconfig) >= 9 AS dumps_tables
  FROM pg_extension WHERE extname = 'chronos';
SELECT (SELECT count(*) FROM chronos.creators) + (SELECT count(*) FROM chronos.videos)
       + (SELECT count(*) FROM chronos.video_watch_sessions)
       + (SELECT count(*) FROM chronos.video_analytics_events) AS rows_left;
