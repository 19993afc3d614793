--
-- chronos's C triggers and row-rule function, by behaviour: set_updated_at on
-- the eight tables with updated_at, fill_creator_id on course_modules,
-- module_lessons and video_watch_sessions, and is_valid_timezone.
--
BEGIN;
SELECT plan(68);

-- Stays inline (not test/fixtures): the timestamps and creator_id written
-- here are what the triggers under test read and overwrite.
-- Fixture: every row is written with created_at and updated_at in 2001, so
-- that the trigger's now() (the transaction's start) is told apart from it;
-- creator_id is given everywhere (fill_creator_id is tested further down).
INSERT INTO chronos.creators (id, whop_company_id, whop_user_id, created_at, updated_at) VALUES
    ('d0000000-0000-4000-8000-0000000000ca', 'trig_a', 'user_a', '2001-02-03 04:05:06+00', '2001-02-03 04:05:06+00'), ('d0000000-0000-4000-8000-0000000000cb', 'trig_b', 'user_b', '2001-02-03 04:05:06+00', '2001-02-03 04:05:06+00');
INSERT INTO chronos.students (id, creator_id, whop_user_id, created_at, updated_at) VALUES
    ('d0000000-0000-4000-8000-00000000005a', 'd0000000-0000-4000-8000-0000000000ca', 'learner', '2001-02-03 04:05:06+00', '2001-02-03 04:05:06+00'), ('d0000000-0000-4000-8000-00000000005b', 'd0000000-0000-4000-8000-0000000000cb', 'learner', '2001-02-03 04:05:06+00', '2001-02-03 04:05:06+00');
INSERT INTO chronos.videos (id, creator_id, title, source_type, storage_path, created_at, updated_at) VALUES
    ('d0000000-0000-4000-8000-0000000000a1', 'd0000000-0000-4000-8000-0000000000ca', 'a1', 'upload', 'a1.mp4', '2001-02-03 04:05:06+00', '2001-02-03 04:05:06+00'), ('d0000000-0000-4000-8000-0000000000a2', 'd0000000-0000-4000-8000-0000000000ca', 'a2', 'upload', 'a2.mp4', '2001-02-03 04:05:06+00', '2001-02-03 04:05:06+00'),
    ('d0000000-0000-4000-8000-0000000000b1', 'd0000000-0000-4000-8000-0000000000cb', 'b1', 'upload', 'b1.mp4', '2001-02-03 04:05:06+00', '2001-02-03 04:05:06+00');
INSERT INTO chronos.courses (id, creator_id, title, created_at, updated_at) VALUES
    ('d0000000-0000-4000-8000-000000000ca1', 'd0000000-0000-4000-8000-0000000000ca', 'course a', '2001-02-03 04:05:06+00', '2001-02-03 04:05:06+00'), ('d0000000-0000-4000-8000-000000000cb1', 'd0000000-0000-4000-8000-0000000000cb', 'course b', '2001-02-03 04:05:06+00', '2001-02-03 04:05:06+00');
INSERT INTO chronos.course_modules (id, course_id, creator_id, title, created_at, updated_at) VALUES
    ('d0000000-0000-4000-8000-000000000da1', 'd0000000-0000-4000-8000-000000000ca1', 'd0000000-0000-4000-8000-0000000000ca', 'module a', '2001-02-03 04:05:06+00', '2001-02-03 04:05:06+00'), ('d0000000-0000-4000-8000-000000000db1', 'd0000000-0000-4000-8000-000000000cb1', 'd0000000-0000-4000-8000-0000000000cb', 'module b', '2001-02-03 04:05:06+00', '2001-02-03 04:05:06+00');
INSERT INTO chronos.module_lessons (id, module_id, creator_id, video_id, lesson_order, created_at, updated_at) VALUES
    ('d0000000-0000-4000-8000-000000000ea1', 'd0000000-0000-4000-8000-000000000da1', 'd0000000-0000-4000-8000-0000000000ca', 'd0000000-0000-4000-8000-0000000000a1', 1, '2001-02-03 04:05:06+00', '2001-02-03 04:05:06+00');
INSERT INTO chronos.video_watch_sessions (id, video_id, student_id, creator_id, created_at, updated_at) VALUES
    ('d0000000-0000-4000-8000-000000000fa1', 'd0000000-0000-4000-8000-0000000000a1', 'd0000000-0000-4000-8000-00000000005a', 'd0000000-0000-4000-8000-0000000000ca', '2001-02-03 04:05:06+00', '2001-02-03 04:05:06+00');
INSERT INTO chronos.video_analytics (video_id, creator_id, date, created_at, updated_at) VALUES
    ('d0000000-0000-4000-8000-0000000000a1', 'd0000000-0000-4000-8000-0000000000ca', '2026-01-01', '2001-02-03 04:05:06+00', '2001-02-03 04:05:06+00');


-- set_updated_at: UPDATE sets updated_at to now(), whatever the UPDATE gave 
SELECT is((SELECT updated_at FROM chronos.creators WHERE id = 'd0000000-0000-4000-8000-0000000000ca'), '2001-02-03 04:05:06+00'::timestamptz,
    'creators: INSERT keeps the updated_at it is given (the trigger is for UPDATE)');
UPDATE chronos.creators SET name = 'renamed' WHERE id = 'd0000000-0000-4000-8000-0000000000ca';
SELECT is((SELECT updated_at FROM chronos.creators WHERE id = 'd0000000-0000-4000-8000-0000000000ca'), now(),
    'creators: an UPDATE sets updated_at to now()');
UPDATE chronos.creators SET updated_at = '2099-12-31 00:00+00' WHERE id = 'd0000000-0000-4000-8000-0000000000ca';
SELECT is((SELECT updated_at FROM chronos.creators WHERE id = 'd0000000-0000-4000-8000-0000000000ca'), now(),
    'creators: an UPDATE cannot forge updated_at');
SELECT is((SELECT created_at FROM chronos.creators WHERE id = 'd0000000-0000-4000-8000-0000000000ca'), '2001-02-03 04:05:06+00'::timestamptz,
    'creators: created_at is left alone');
SELECT is((SELECT updated_at FROM chronos.students WHERE id = 'd0000000-0000-4000-8000-00000000005a'), '2001-02-03 04:05:06+00'::timestamptz,
    'students: INSERT keeps the updated_at it is given (the trigger is for UPDATE)');
UPDATE chronos.students SET name = 'renamed' WHERE id = 'd0000000-0000-4000-8000-00000000005a';
SELECT is((SELECT updated_at FROM chronos.students WHERE id = 'd0000000-0000-4000-8000-00000000005a'), now(),
    'students: an UPDATE sets updated_at to now()');
UPDATE chronos.students SET updated_at = '2099-12-31 00:00+00' WHERE id = 'd0000000-0000-4000-8000-00000000005a';
SELECT is((SELECT updated_at FROM chronos.students WHERE id = 'd0000000-0000-4000-8000-00000000005a'), now(),
    'students: an UPDATE cannot forge updated_at');
SELECT is((SELECT created_at FROM chronos.students WHERE id = 'd0000000-0000-4000-8000-00000000005a'), '2001-02-03 04:05:06+00'::timestamptz,
    'students: created_at is left alone');
SELECT is((SELECT updated_at FROM chronos.videos WHERE id = 'd0000000-0000-4000-8000-0000000000a1'), '2001-02-03 04:05:06+00'::timestamptz,
    'videos: INSERT keeps the updated_at it is given (the trigger is for UPDATE)');
UPDATE chronos.videos SET title = 'renamed' WHERE id = 'd0000000-0000-4000-8000-0000000000a1';
SELECT is((SELECT updated_at FROM chronos.videos WHERE id = 'd0000000-0000-4000-8000-0000000000a1'), now(),
    'videos: an UPDATE sets updated_at to now()');
UPDATE chronos.videos SET updated_at = '2099-12-31 00:00+00' WHERE id = 'd0000000-0000-4000-8000-0000000000a1';
SELECT is((SELECT updated_at FROM chronos.videos WHERE id = 'd0000000-0000-4000-8000-0000000000a1'), now(),
    'videos: an UPDATE cannot forge updated_at');
SELECT is((SELECT created_at FROM chronos.videos WHERE id = 'd0000000-0000-4000-8000-0000000000a1'), '2001-02-03 04:05:06+00'::timestamptz,
    'videos: created_at is left alone');
SELECT is((SELECT updated_at FROM chronos.courses WHERE id = 'd0000000-0000-4000-8000-000000000ca1'), '2001-02-03 04:05:06+00'::timestamptz,
    'courses: INSERT keeps the updated_at it is given (the trigger is for UPDATE)');
UPDATE chronos.courses SET title = 'renamed' WHERE id = 'd0000000-0000-4000-8000-000000000ca1';
SELECT is((SELECT updated_at FROM chronos.courses WHERE id = 'd0000000-0000-4000-8000-000000000ca1'), now(),
    'courses: an UPDATE sets updated_at to now()');
UPDATE chronos.courses SET updated_at = '2099-12-31 00:00+00' WHERE id = 'd0000000-0000-4000-8000-000000000ca1';
SELECT is((SELECT updated_at FROM chronos.courses WHERE id = 'd0000000-0000-4000-8000-000000000ca1'), now(),
    'courses: an UPDATE cannot forge updated_at');
SELECT is((SELECT created_at FROM chronos.courses WHERE id = 'd0000000-0000-4000-8000-000000000ca1'), '2001-02-03 04:05:06+00'::timestamptz,
    'courses: created_at is left alone');
SELECT is((SELECT updated_at FROM chronos.course_modules WHERE id = 'd0000000-0000-4000-8000-000000000da1'), '2001-02-03 04:05:06+00'::timestamptz,
    'course_modules: INSERT keeps the updated_at it is given (the trigger is for UPDATE)');
UPDATE chronos.course_modules SET title = 'renamed' WHERE id = 'd0000000-0000-4000-8000-000000000da1';
SELECT is((SELECT updated_at FROM chronos.course_modules WHERE id = 'd0000000-0000-4000-8000-000000000da1'), now(),
    'course_modules: an UPDATE sets updated_at to now()');
UPDATE chronos.course_modules SET updated_at = '2099-12-31 00:00+00' WHERE id = 'd0000000-0000-4000-8000-000000000da1';
SELECT is((SELECT updated_at FROM chronos.course_modules WHERE id = 'd0000000-0000-4000-8000-000000000da1'), now(),
    'course_modules: an UPDATE cannot forge updated_at');
SELECT is((SELECT created_at FROM chronos.course_modules WHERE id = 'd0000000-0000-4000-8000-000000000da1'), '2001-02-03 04:05:06+00'::timestamptz,
    'course_modules: created_at is left alone');
SELECT is((SELECT updated_at FROM chronos.module_lessons WHERE id = 'd0000000-0000-4000-8000-000000000ea1'), '2001-02-03 04:05:06+00'::timestamptz,
    'module_lessons: INSERT keeps the updated_at it is given (the trigger is for UPDATE)');
UPDATE chronos.module_lessons SET title = 'renamed' WHERE id = 'd0000000-0000-4000-8000-000000000ea1';
SELECT is((SELECT updated_at FROM chronos.module_lessons WHERE id = 'd0000000-0000-4000-8000-000000000ea1'), now(),
    'module_lessons: an UPDATE sets updated_at to now()');
UPDATE chronos.module_lessons SET updated_at = '2099-12-31 00:00+00' WHERE id = 'd0000000-0000-4000-8000-000000000ea1';
SELECT is((SELECT updated_at FROM chronos.module_lessons WHERE id = 'd0000000-0000-4000-8000-000000000ea1'), now(),
    'module_lessons: an UPDATE cannot forge updated_at');
SELECT is((SELECT created_at FROM chronos.module_lessons WHERE id = 'd0000000-0000-4000-8000-000000000ea1'), '2001-02-03 04:05:06+00'::timestamptz,
    'module_lessons: created_at is left alone');
SELECT is((SELECT updated_at FROM chronos.video_watch_sessions WHERE id = 'd0000000-0000-4000-8000-000000000fa1'), '2001-02-03 04:05:06+00'::timestamptz,
    'video_watch_sessions: INSERT keeps the updated_at it is given (the trigger is for UPDATE)');
UPDATE chronos.video_watch_sessions SET metadata = '{"player": "x"}' WHERE id = 'd0000000-0000-4000-8000-000000000fa1';
SELECT is((SELECT updated_at FROM chronos.video_watch_sessions WHERE id = 'd0000000-0000-4000-8000-000000000fa1'), now(),
    'video_watch_sessions: an UPDATE sets updated_at to now()');
UPDATE chronos.video_watch_sessions SET updated_at = '2099-12-31 00:00+00' WHERE id = 'd0000000-0000-4000-8000-000000000fa1';
SELECT is((SELECT updated_at FROM chronos.video_watch_sessions WHERE id = 'd0000000-0000-4000-8000-000000000fa1'), now(),
    'video_watch_sessions: an UPDATE cannot forge updated_at');
SELECT is((SELECT created_at FROM chronos.video_watch_sessions WHERE id = 'd0000000-0000-4000-8000-000000000fa1'), '2001-02-03 04:05:06+00'::timestamptz,
    'video_watch_sessions: created_at is left alone');
SELECT is((SELECT updated_at FROM chronos.video_analytics WHERE video_id = 'd0000000-0000-4000-8000-0000000000a1' AND date = '2026-01-01'), '2001-02-03 04:05:06+00'::timestamptz,
    'video_analytics: INSERT keeps the updated_at it is given (the trigger is for UPDATE)');
UPDATE chronos.video_analytics SET views = 1 WHERE video_id = 'd0000000-0000-4000-8000-0000000000a1' AND date = '2026-01-01';
SELECT is((SELECT updated_at FROM chronos.video_analytics WHERE video_id = 'd0000000-0000-4000-8000-0000000000a1' AND date = '2026-01-01'), now(),
    'video_analytics: an UPDATE sets updated_at to now()');
UPDATE chronos.video_analytics SET updated_at = '2099-12-31 00:00+00' WHERE video_id = 'd0000000-0000-4000-8000-0000000000a1' AND date = '2026-01-01';
SELECT is((SELECT updated_at FROM chronos.video_analytics WHERE video_id = 'd0000000-0000-4000-8000-0000000000a1' AND date = '2026-01-01'), now(),
    'video_analytics: an UPDATE cannot forge updated_at');
SELECT is((SELECT created_at FROM chronos.video_analytics WHERE video_id = 'd0000000-0000-4000-8000-0000000000a1' AND date = '2026-01-01'), '2001-02-03 04:05:06+00'::timestamptz,
    'video_analytics: created_at is left alone');

-- fill_creator_id: creator_id copied from the parent when omitted ---------
SELECT lives_ok(
    $$INSERT INTO chronos.course_modules (id, course_id, title) VALUES
      ('d0000000-0000-4000-8000-000000000da2', 'd0000000-0000-4000-8000-000000000ca1', 'a2'), ('d0000000-0000-4000-8000-000000000db2', 'd0000000-0000-4000-8000-000000000cb1', 'b2')$$,
    'course_modules: rows without creator_id go in');
SELECT lives_ok(
    $$INSERT INTO chronos.module_lessons (id, module_id, video_id, lesson_order) VALUES
      ('d0000000-0000-4000-8000-000000000ea2', 'd0000000-0000-4000-8000-000000000da1', 'd0000000-0000-4000-8000-0000000000a2', 2), ('d0000000-0000-4000-8000-000000000eb1', 'd0000000-0000-4000-8000-000000000db1', 'd0000000-0000-4000-8000-0000000000b1', 1)$$,
    'module_lessons: rows without creator_id go in');
SELECT lives_ok(
    $$INSERT INTO chronos.video_watch_sessions (id, video_id, student_id) VALUES
      ('d0000000-0000-4000-8000-000000000fa2', 'd0000000-0000-4000-8000-0000000000a1', 'd0000000-0000-4000-8000-00000000005a'), ('d0000000-0000-4000-8000-000000000fb1', 'd0000000-0000-4000-8000-0000000000b1', 'd0000000-0000-4000-8000-00000000005b')$$,
    'video_watch_sessions: rows without creator_id go in');
SELECT set_eq(
    $$SELECT id, creator_id FROM chronos.course_modules WHERE id IN ('d0000000-0000-4000-8000-000000000da2', 'd0000000-0000-4000-8000-000000000db2')$$,
    $$VALUES ('d0000000-0000-4000-8000-000000000da2'::uuid, 'd0000000-0000-4000-8000-0000000000ca'::uuid), ('d0000000-0000-4000-8000-000000000db2'::uuid, 'd0000000-0000-4000-8000-0000000000cb'::uuid)$$,
    'course_modules: each row of one INSERT gets its own course''s creator');
SELECT set_eq(
    $$SELECT id, creator_id FROM chronos.module_lessons WHERE id IN ('d0000000-0000-4000-8000-000000000ea2', 'd0000000-0000-4000-8000-000000000eb1')$$,
    $$VALUES ('d0000000-0000-4000-8000-000000000ea2'::uuid, 'd0000000-0000-4000-8000-0000000000ca'::uuid), ('d0000000-0000-4000-8000-000000000eb1'::uuid, 'd0000000-0000-4000-8000-0000000000cb'::uuid)$$,
    'module_lessons: each row of one INSERT gets its own module''s creator');
SELECT set_eq(
    $$SELECT id, creator_id FROM chronos.video_watch_sessions WHERE id IN ('d0000000-0000-4000-8000-000000000fa2', 'd0000000-0000-4000-8000-000000000fb1')$$,
    $$VALUES ('d0000000-0000-4000-8000-000000000fa2'::uuid, 'd0000000-0000-4000-8000-0000000000ca'::uuid), ('d0000000-0000-4000-8000-000000000fb1'::uuid, 'd0000000-0000-4000-8000-0000000000cb'::uuid)$$,
    'video_watch_sessions: each row of one INSERT gets its own video''s creator');

-- fill_creator_id: a given creator_id is kept, and must match the parent --
SELECT lives_ok(
    $$INSERT INTO chronos.video_watch_sessions (id, video_id, student_id, creator_id)
      VALUES ('d0000000-0000-4000-8000-000000000fa3', 'd0000000-0000-4000-8000-0000000000a1', 'd0000000-0000-4000-8000-00000000005a', 'd0000000-0000-4000-8000-0000000000ca')$$,
    'video_watch_sessions: the video''s own creator_id is accepted');
SELECT throws_ok(
    $$INSERT INTO chronos.course_modules (course_id, creator_id, title) VALUES ('d0000000-0000-4000-8000-000000000ca1', 'd0000000-0000-4000-8000-0000000000cb', 'x')$$,
    '23503', 'insert or update on table "course_modules" violates foreign key constraint "course_modules_course_id_creator_id_fkey"',
    'course_modules: another creator_id than the parents is refused');
SELECT throws_ok(
    $$INSERT INTO chronos.module_lessons (module_id, creator_id, video_id, lesson_order) VALUES ('d0000000-0000-4000-8000-000000000da1', 'd0000000-0000-4000-8000-0000000000cb', 'd0000000-0000-4000-8000-0000000000b1', 9)$$,
    '23503', 'insert or update on table "module_lessons" violates foreign key constraint "module_lessons_module_id_creator_id_fkey"',
    'module_lessons: another creator_id than the parents is refused');
SELECT throws_ok(
    $$INSERT INTO chronos.video_watch_sessions (video_id, student_id, creator_id) VALUES ('d0000000-0000-4000-8000-0000000000a1', 'd0000000-0000-4000-8000-00000000005b', 'd0000000-0000-4000-8000-0000000000cb')$$,
    '23503', 'insert or update on table "video_watch_sessions" violates foreign key constraint "video_watch_sessions_video_id_creator_id_fkey"',
    'video_watch_sessions: another creator_id than the parents is refused');

-- fill_creator_id: an unknown parent is refused ---------------------------
SELECT throws_ok(
    $$INSERT INTO chronos.course_modules (course_id, title) VALUES ('d0000000-0000-4000-8000-0000000000ff', 'x')$$,
    NULL, NULL,
    'course_modules: a row whose parent does not exist is refused');
SELECT throws_ok(
    $$INSERT INTO chronos.module_lessons (module_id, video_id, lesson_order) VALUES ('d0000000-0000-4000-8000-0000000000ff', 'd0000000-0000-4000-8000-0000000000a1', 9)$$,
    NULL, NULL,
    'module_lessons: a row whose parent does not exist is refused');
SELECT throws_ok(
    $$INSERT INTO chronos.video_watch_sessions (video_id, student_id) VALUES ('d0000000-0000-4000-8000-0000000000ff', 'd0000000-0000-4000-8000-00000000005a')$$,
    NULL, NULL,
    'video_watch_sessions: a row whose parent does not exist is refused');

-- the C triggers refuse to be misused -------------------------------------
CREATE TABLE pg_temp.no_updated_at (id int, creator_id uuid, parent_id uuid);
CREATE TRIGGER t BEFORE UPDATE ON pg_temp.no_updated_at FOR EACH ROW EXECUTE FUNCTION chronos.set_updated_at();
CREATE TABLE pg_temp.stamped (id int, updated_at timestamptz);
CREATE TRIGGER t BEFORE INSERT ON pg_temp.stamped FOR EACH ROW EXECUTE FUNCTION chronos.set_updated_at();
CREATE TABLE pg_temp.one_arg (id int, creator_id uuid, course_id uuid);
CREATE TRIGGER t BEFORE INSERT ON pg_temp.one_arg FOR EACH ROW EXECUTE FUNCTION chronos.fill_creator_id('courses');
CREATE TABLE pg_temp.after_fill (id int, creator_id uuid, course_id uuid);
CREATE TRIGGER t AFTER INSERT ON pg_temp.after_fill FOR EACH ROW EXECUTE FUNCTION chronos.fill_creator_id('courses', 'course_id');
INSERT INTO pg_temp.no_updated_at VALUES (1, NULL, NULL);
SELECT throws_ok('UPDATE pg_temp.no_updated_at SET id = 2', '42703', NULL,
    'set_updated_at on a table without updated_at: undefined_column');
SELECT throws_ok('INSERT INTO pg_temp.stamped VALUES (2, NULL)', '39P01', NULL,
    'set_updated_at fired BEFORE INSERT: trigger_protocol_violated');
SELECT throws_ok($$INSERT INTO pg_temp.one_arg VALUES (1, NULL, 'd0000000-0000-4000-8000-000000000ca1')$$, '39P01', NULL,
    'fill_creator_id with one argument: trigger_protocol_violated');
SELECT throws_ok($$INSERT INTO pg_temp.after_fill VALUES (1, NULL, 'd0000000-0000-4000-8000-000000000ca1')$$, '39P01', NULL,
    'fill_creator_id fired AFTER INSERT: trigger_protocol_violated');

-- is_valid_timezone -------------------------------------------------------
SELECT ok(chronos.is_valid_timezone('UTC'), 'is_valid_timezone: UTC is a zone');
SELECT ok(chronos.is_valid_timezone('Etc/UTC'), 'is_valid_timezone: Etc/UTC is a zone');
SELECT ok(chronos.is_valid_timezone('Europe/Paris'), 'is_valid_timezone: Europe/Paris is a zone');
SELECT ok(chronos.is_valid_timezone('America/New_York'), 'is_valid_timezone: America/New_York is a zone');
SELECT ok(chronos.is_valid_timezone('Asia/Kathmandu'), 'is_valid_timezone: Asia/Kathmandu is a zone');
SELECT ok(chronos.is_valid_timezone('Australia/Lord_Howe'), 'is_valid_timezone: Australia/Lord_Howe is a zone');
SELECT ok(chronos.is_valid_timezone('Pacific/Chatham'), 'is_valid_timezone: Pacific/Chatham is a zone');
SELECT is_empty(
    $$SELECT name FROM pg_catalog.pg_timezone_names WHERE NOT chronos.is_valid_timezone(name)$$,
    'is_valid_timezone: every name in pg_timezone_names is a zone');
SELECT ok(NOT chronos.is_valid_timezone('Mars/Olympus_Mons'), 'is_valid_timezone: an unknown zone is not a zone');
SELECT ok(NOT chronos.is_valid_timezone(''), 'is_valid_timezone: the empty string is not a zone');
SELECT ok(NOT chronos.is_valid_timezone(' UTC'), 'is_valid_timezone: a leading space is not a zone');
SELECT ok(NOT chronos.is_valid_timezone('Europe/Paris '), 'is_valid_timezone: a trailing space is not a zone');
SELECT ok(NOT chronos.is_valid_timezone('Europe'), 'is_valid_timezone: a directory of zones is not a zone');
SELECT ok(NOT chronos.is_valid_timezone('../zoneinfo/UTC'), 'is_valid_timezone: a relative path is not a zone');
SELECT ok(NOT chronos.is_valid_timezone('/usr/share/zoneinfo/UTC'), 'is_valid_timezone: an absolute path is not a zone');
SELECT ok(NOT chronos.is_valid_timezone('Europe/../UTC'), 'is_valid_timezone: a path through .. is not a zone');
SELECT ok(NOT chronos.is_valid_timezone(repeat('Europe/Paris', 100)), 'is_valid_timezone: a 1200-character name is not a zone (and does not raise)');
SELECT is(chronos.is_valid_timezone(NULL), NULL, 'is_valid_timezone(NULL) is NULL (STRICT)');
SELECT is_empty(
    $$SELECT z FROM unnest(ARRAY['UTC', 'Europe/Paris', 'America/New_York', 'Asia/Kathmandu', 'UTC+3', 'EST5EDT']) AS z
       WHERE chronos.is_valid_timezone(z)
         AND (timestamptz '2026-03-29 12:00+00' AT TIME ZONE z) IS NULL$$,
    'is_valid_timezone: accepted zones work with AT TIME ZONE, as rollups use them');

SELECT * FROM finish();
ROLLBACK;
