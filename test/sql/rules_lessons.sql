--
-- Row rules of courses, course_modules and module_lessons.
--
-- A module's creator_id is copied from its course when omitted and must
-- match it; a lesson's from its module.  A lesson's video must belong to the
-- creator of the module's course.  lesson_order > 0, one video once per
-- module, one lesson per position per module; the position rule is
-- DEFERRABLE INITIALLY IMMEDIATE, so lessons swap places in one statement, or
-- over several statements after SET CONSTRAINTS ... DEFERRED.  Ids: prefix f3.
--
\set VERBOSITY terse
\set ids 'f3%s00000-0000-4000-8000-%s'
\set whop rules_lessons_
\set video_source youtube
\set creators 'a b'
\getenv abs_srcdir PG_ABS_SRCDIR
\ir :abs_srcdir/fixtures/people.sql
-- videos a1..a4 of creator a, b1 of creator b; courses a1 and b1
\set videos 'a1 a2 a3 a4 b1'
\set courses 'a1 b1'
\ir :abs_srcdir/fixtures/catalog.sql
SELECT title, is_published, display_order, is_deleted, metadata FROM chronos.courses
 WHERE id = 'f3400000-0000-4000-8000-0000000000a1';
INSERT INTO chronos.courses (creator_id, title)
VALUES ('f3100000-0000-4000-8000-0000000000ff', 'nobody''s course');
INSERT INTO chronos.courses (creator_id, title)
VALUES ('f3100000-0000-4000-8000-00000000000a', NULL);
INSERT INTO chronos.courses (creator_id, title, metadata)
VALUES ('f3100000-0000-4000-8000-00000000000a', 'array metadata', '[]');
-- course_modules: creator_id copied from the course when omitted
\set modules 'a1 a2=a1'
\ir :abs_srcdir/fixtures/catalog.sql
INSERT INTO chronos.course_modules (id, course_id, creator_id, title)
VALUES ('f3500000-0000-4000-8000-0000000000b1', 'f3400000-0000-4000-8000-0000000000b1',
        'f3100000-0000-4000-8000-00000000000b', 'module b1');
SELECT m.title, c.whop_company_id, m.display_order, m.metadata
  FROM chronos.course_modules m JOIN chronos.creators c ON c.id = m.creator_id
 WHERE m.id::text LIKE 'f3500000-0000-4000-8000-%' ORDER BY m.id;
-- ... and must be the course's creator when given
INSERT INTO chronos.course_modules (course_id, creator_id, title)
VALUES ('f3400000-0000-4000-8000-0000000000a1', 'f3100000-0000-4000-8000-00000000000b', 'a module of b in a course of a');
UPDATE chronos.course_modules SET creator_id = 'f3100000-0000-4000-8000-00000000000b'
 WHERE id = 'f3500000-0000-4000-8000-0000000000a2';
UPDATE chronos.course_modules SET course_id = 'f3400000-0000-4000-8000-0000000000b1'
 WHERE id = 'f3500000-0000-4000-8000-0000000000a2';
-- an unknown course: there is no creator to copy
INSERT INTO chronos.course_modules (course_id, title)
VALUES ('f3400000-0000-4000-8000-0000000000ff', 'orphan module');
INSERT INTO chronos.course_modules (course_id, title)
VALUES ('f3400000-0000-4000-8000-0000000000a1', NULL);
INSERT INTO chronos.course_modules (course_id, title, metadata)
VALUES ('f3400000-0000-4000-8000-0000000000a1', 'string metadata', '"x"');
-- module_lessons: creator_id copied from the module
INSERT INTO chronos.module_lessons (id, module_id, video_id, lesson_order)
VALUES ('f3600000-0000-4000-8000-000000000001', 'f3500000-0000-4000-8000-0000000000a1', 'f3300000-0000-4000-8000-0000000000a1', 1),
       ('f3600000-0000-4000-8000-000000000002', 'f3500000-0000-4000-8000-0000000000a1', 'f3300000-0000-4000-8000-0000000000a2', 2),
       ('f3600000-0000-4000-8000-000000000003', 'f3500000-0000-4000-8000-0000000000a1', 'f3300000-0000-4000-8000-0000000000a3', 3);
SELECT l.lesson_order, v.title AS video, c.whop_company_id, l.is_required, l.metadata
  FROM chronos.module_lessons l
  JOIN chronos.videos v ON v.id = l.video_id
  JOIN chronos.creators c ON c.id = l.creator_id
 WHERE l.module_id = 'f3500000-0000-4000-8000-0000000000a1' ORDER BY l.lesson_order;
-- the video must belong to the creator of the module's course
INSERT INTO chronos.module_lessons (module_id, video_id, lesson_order)
VALUES ('f3500000-0000-4000-8000-0000000000a1', 'f3300000-0000-4000-8000-0000000000b1', 4);
INSERT INTO chronos.module_lessons (module_id, video_id, lesson_order)
VALUES ('f3500000-0000-4000-8000-0000000000b1', 'f3300000-0000-4000-8000-0000000000a4', 1);
INSERT INTO chronos.module_lessons (module_id, creator_id, video_id, lesson_order)
VALUES ('f3500000-0000-4000-8000-0000000000a1', 'f3100000-0000-4000-8000-00000000000b',
        'f3300000-0000-4000-8000-0000000000b1', 4);
UPDATE chronos.module_lessons SET video_id = 'f3300000-0000-4000-8000-0000000000b1'
 WHERE id = 'f3600000-0000-4000-8000-000000000003';
UPDATE chronos.module_lessons SET module_id = 'f3500000-0000-4000-8000-0000000000b1'
 WHERE id = 'f3600000-0000-4000-8000-000000000003';
INSERT INTO chronos.module_lessons (module_id, video_id, lesson_order)
VALUES ('f3500000-0000-4000-8000-0000000000a1', 'f3300000-0000-4000-8000-0000000000ff', 4);
-- so a course with lessons cannot be moved to another creator
UPDATE chronos.courses SET creator_id = 'f3100000-0000-4000-8000-00000000000b'
 WHERE id = 'f3400000-0000-4000-8000-0000000000a1';
-- lesson_order: required, from 1
INSERT INTO chronos.module_lessons (module_id, video_id, lesson_order)
VALUES ('f3500000-0000-4000-8000-0000000000a1', 'f3300000-0000-4000-8000-0000000000a4', 0);
INSERT INTO chronos.module_lessons (module_id, video_id, lesson_order)
VALUES ('f3500000-0000-4000-8000-0000000000a1', 'f3300000-0000-4000-8000-0000000000a4', -1);
INSERT INTO chronos.module_lessons (module_id, video_id, lesson_order)
VALUES ('f3500000-0000-4000-8000-0000000000a1', 'f3300000-0000-4000-8000-0000000000a4', NULL);
-- a video appears once per module ...
INSERT INTO chronos.module_lessons (module_id, video_id, lesson_order)
VALUES ('f3500000-0000-4000-8000-0000000000a1', 'f3300000-0000-4000-8000-0000000000a1', 4);
UPDATE chronos.module_lessons SET video_id = 'f3300000-0000-4000-8000-0000000000a1'
 WHERE id = 'f3600000-0000-4000-8000-000000000002';
-- ... and may be reused in another module
INSERT INTO chronos.module_lessons (id, module_id, video_id, lesson_order)
VALUES ('f3600000-0000-4000-8000-000000000004', 'f3500000-0000-4000-8000-0000000000a2', 'f3300000-0000-4000-8000-0000000000a1', 1);
-- one lesson per position per module
INSERT INTO chronos.module_lessons (module_id, video_id, lesson_order)
VALUES ('f3500000-0000-4000-8000-0000000000a1', 'f3300000-0000-4000-8000-0000000000a4', 2);
-- estimated_duration_minutes: NULL or positive; is_required: not NULL; metadata: an object
INSERT INTO chronos.module_lessons (module_id, video_id, lesson_order, estimated_duration_minutes)
VALUES ('f3500000-0000-4000-8000-0000000000a1', 'f3300000-0000-4000-8000-0000000000a4', 4, 0);
INSERT INTO chronos.module_lessons (module_id, video_id, lesson_order, is_required)
VALUES ('f3500000-0000-4000-8000-0000000000a1', 'f3300000-0000-4000-8000-0000000000a4', 4, NULL);
INSERT INTO chronos.module_lessons (module_id, video_id, lesson_order, metadata)
VALUES ('f3500000-0000-4000-8000-0000000000a1', 'f3300000-0000-4000-8000-0000000000a4', 4, '[1, 2]');
INSERT INTO chronos.module_lessons (id, module_id, video_id, lesson_order, estimated_duration_minutes, is_required)
VALUES ('f3600000-0000-4000-8000-000000000005', 'f3500000-0000-4000-8000-0000000000a1', 'f3300000-0000-4000-8000-0000000000a4', 4, 12, false);
-- reordering: two lessons swap places in one statement
UPDATE chronos.module_lessons SET lesson_order = 3 - lesson_order
 WHERE module_id = 'f3500000-0000-4000-8000-0000000000a1' AND lesson_order IN (1, 2);
-- a whole module shifted by one in one statement
UPDATE chronos.module_lessons SET lesson_order = lesson_order + 1
 WHERE module_id = 'f3500000-0000-4000-8000-0000000000a1';
SELECT l.lesson_order, v.title AS video FROM chronos.module_lessons l JOIN chronos.videos v ON v.id = l.video_id
 WHERE l.module_id = 'f3500000-0000-4000-8000-0000000000a1' ORDER BY l.lesson_order;
-- statement by statement the rule holds at once ...
UPDATE chronos.module_lessons SET lesson_order = 3
 WHERE id = 'f3600000-0000-4000-8000-000000000002';
-- ... unless deferred for the transaction
BEGIN;
SET CONSTRAINTS chronos.module_lessons_module_id_lesson_order_key DEFERRED;
UPDATE chronos.module_lessons SET lesson_order = 3
 WHERE id = 'f3600000-0000-4000-8000-000000000002';
UPDATE chronos.module_lessons SET lesson_order = 2
 WHERE id = 'f3600000-0000-4000-8000-000000000001';
COMMIT;
SELECT l.lesson_order, v.title AS video FROM chronos.module_lessons l JOIN chronos.videos v ON v.id = l.video_id
 WHERE l.module_id = 'f3500000-0000-4000-8000-0000000000a1' ORDER BY l.lesson_order;
-- a duplicate position still left at COMMIT is refused, and nothing is kept
BEGIN;
SET CONSTRAINTS chronos.module_lessons_module_id_lesson_order_key DEFERRED;
UPDATE chronos.module_lessons SET lesson_order = 5
 WHERE id = 'f3600000-0000-4000-8000-000000000002';
UPDATE chronos.module_lessons SET lesson_order = 2
 WHERE id = 'f3600000-0000-4000-8000-000000000003';
COMMIT;
-- SET CONSTRAINTS ... IMMEDIATE checks what is pending
BEGIN;
SET CONSTRAINTS ALL DEFERRED;
UPDATE chronos.module_lessons SET lesson_order = 2
 WHERE id = 'f3600000-0000-4000-8000-000000000003';
SET CONSTRAINTS ALL IMMEDIATE;
ROLLBACK;
-- one video once per module is not deferrable: it holds even in a deferred transaction
BEGIN;
SET CONSTRAINTS ALL DEFERRED;
UPDATE chronos.module_lessons SET video_id = 'f3300000-0000-4000-8000-0000000000a1'
 WHERE id = 'f3600000-0000-4000-8000-000000000002';
ROLLBACK;
SELECT l.lesson_order, v.title AS video FROM chronos.module_lessons l JOIN chronos.videos v ON v.id = l.video_id
 WHERE l.module_id = 'f3500000-0000-4000-8000-0000000000a1' ORDER BY l.lesson_order;
-- clean up
DELETE FROM chronos.creators WHERE whop_company_id LIKE 'rules_lessons_%';
SELECT (SELECT count(*) FROM chronos.courses WHERE id::text LIKE 'f3400000-0000-4000-8000-%') AS courses,
       (SELECT count(*) FROM chronos.course_modules WHERE id::text LIKE 'f3500000-0000-4000-8000-%') AS modules,
       (SELECT count(*) FROM chronos.module_lessons WHERE id::text LIKE 'f3600000-0000-4000-8000-%') AS lessons;
