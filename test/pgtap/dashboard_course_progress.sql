-- course_progress, against values computed by hand: lessons and required
-- lessons per module and for the course, a lesson counting once the student
-- has a completed session of its video, percent complete weighted by video
-- duration over the required lessons (a video without a duration weighs
-- the mean of the others), completion (nothing required: complete), modules
-- in display order; and who may ask, each answering through row-level
-- security.  Ids: prefix aa.
SET client_min_messages = warning;
BEGIN;
SELECT plan(26);

\set ids 'aa%s00000-0000-4000-8000-%s'
\set creators 'a b'
\set students 'a1=cp_st a2=cp_st2 b1=cp_st'
\set videos 'a1=100 a2=300 a3 a4=600 a5=50 a6 b1=100'
\set videos_with '{"a1": {"title": "x1"}, "a2": {"title": "x2"}, "a3": {"title": "x3"}, "a4": {"title": "x4"}, "a5": {"title": "x5"}, "a6": {"title": "x6"}, "b1": {"title": "y1"}}'
-- P: the course; U: unpublished; E: no modules; F: no durations; Q: creator O's
\set courses 'a1 a2 a3 a4 b1'
\set courses_with '{"*": {"is_published": true}, "a1": {"title": "P"}, "a2": {"title": "U", "is_published": false}, "a3": {"title": "E"}, "a4": {"title": "F"}, "b1": {"title": "Q"}}'
\set modules 'a1 a2=a1 a3=a1 a4=a1 a5=a2 a6=a4 b1'
\set modules_with '{"a1": {"title": "Basics", "display_order": 1}, "a2": {"title": "Advanced", "display_order": 2}, "a3": {"title": "Bonus", "display_order": 3}, "a4": {"title": "Appendix", "display_order": 3}, "a5": {"title": "Hidden", "display_order": 1}, "a6": {"title": "Streams", "display_order": 1}, "b1": {"title": "Other", "display_order": 1}}'
\ir ../fixtures/people.sql
\ir ../fixtures/catalog.sql
INSERT INTO chronos.module_lessons (module_id, video_id, lesson_order, is_required) VALUES
  ('aa500000-0000-4000-8000-0000000000a1', 'aa300000-0000-4000-8000-0000000000a1', 1, true),   -- L1 x1 100 s
  ('aa500000-0000-4000-8000-0000000000a1', 'aa300000-0000-4000-8000-0000000000a2', 2, true),   -- L2 x2 300 s
  ('aa500000-0000-4000-8000-0000000000a1', 'aa300000-0000-4000-8000-0000000000a3', 3, true),   -- L3 x3 no duration
  ('aa500000-0000-4000-8000-0000000000a1', 'aa300000-0000-4000-8000-0000000000a5', 4, false),  -- L4 x5 optional
  ('aa500000-0000-4000-8000-0000000000a2', 'aa300000-0000-4000-8000-0000000000a4', 1, true),   -- L5 x4 600 s
  ('aa500000-0000-4000-8000-0000000000a2', 'aa300000-0000-4000-8000-0000000000a1', 2, true),   -- L6 x1 again
  ('aa500000-0000-4000-8000-0000000000a3', 'aa300000-0000-4000-8000-0000000000a5', 1, false),  -- L7 x5 optional
  ('aa500000-0000-4000-8000-0000000000a5', 'aa300000-0000-4000-8000-0000000000a1', 1, true),
  ('aa500000-0000-4000-8000-0000000000a6', 'aa300000-0000-4000-8000-0000000000a3', 1, true),
  ('aa500000-0000-4000-8000-0000000000a6', 'aa300000-0000-4000-8000-0000000000a6', 2, true),
  ('aa500000-0000-4000-8000-0000000000b1', 'aa300000-0000-4000-8000-0000000000b1', 1, true);

-- st completed x1, x3 and x5; x2 only to 80 % (and 50 % once more); st2
-- watched nothing.
INSERT INTO chronos.video_watch_sessions (video_id, student_id, session_start, watch_time_seconds, percent_complete)
VALUES ('aa300000-0000-4000-8000-0000000000a1', 'aa200000-0000-4000-8000-0000000000a1', '2025-05-01 10:00+00', 95, 95),
       ('aa300000-0000-4000-8000-0000000000a3', 'aa200000-0000-4000-8000-0000000000a1', '2025-05-01 11:00+00', 600, 100),
       ('aa300000-0000-4000-8000-0000000000a5', 'aa200000-0000-4000-8000-0000000000a1', '2025-05-01 12:00+00', 50, 100),
       ('aa300000-0000-4000-8000-0000000000a2', 'aa200000-0000-4000-8000-0000000000a1', '2025-05-01 13:00+00', 240, 80),
       ('aa300000-0000-4000-8000-0000000000a2', 'aa200000-0000-4000-8000-0000000000a1', '2025-05-02 13:00+00', 150, 50);

SELECT function_returns('chronos', 'course_progress', ARRAY['uuid', 'uuid'], 'jsonb',
    'course_progress(uuid, uuid) returns jsonb');

-- p: st's progress in P, as the service
CREATE TEMP TABLE p AS
SELECT chronos.course_progress('aa200000-0000-4000-8000-0000000000a1', 'aa400000-0000-4000-8000-0000000000a1') AS j;

-- Course: required L1 100, L2 300, L3 (no duration: the mean of the
-- course's other required lessons, (100 + 300 + 600 + 100) / 4 = 275), L5
-- 600, L6 100 = 1375; completed L1, L3, L6 = 475: 34.55 %.
SELECT is((SELECT j - 'modules' FROM p),
    '{"course_id": "aa400000-0000-4000-8000-0000000000a1", "student_id": "aa200000-0000-4000-8000-0000000000a1",
      "lessons": 7, "required_lessons": 5, "completed_required_lessons": 3, "percent_complete": 34.55,
      "completed": false}'::jsonb,
    'the course: 3 of 5 required lessons, 34.55 % by duration');
-- Basics: L1 100, L2 300, L3 the module's mean 200: 300 of 600 = 50 %.
-- Advanced: L5 600, L6 100 (x1, completed in Basics too): 100 of 700.
-- Appendix (no lessons) and Bonus (only optional ones) are complete; both
-- come third, by title.
SELECT is((SELECT j->'modules' FROM p),
    '[{"module_id": "aa500000-0000-4000-8000-0000000000a1", "title": "Basics", "lessons": 4, "required_lessons": 3,
       "completed_required_lessons": 2, "percent_complete": 50.00, "completed": false},
      {"module_id": "aa500000-0000-4000-8000-0000000000a2", "title": "Advanced", "lessons": 2, "required_lessons": 2,
       "completed_required_lessons": 1, "percent_complete": 14.29, "completed": false},
      {"module_id": "aa500000-0000-4000-8000-0000000000a4", "title": "Appendix", "lessons": 0, "required_lessons": 0,
       "completed_required_lessons": 0, "percent_complete": 100, "completed": true},
      {"module_id": "aa500000-0000-4000-8000-0000000000a3", "title": "Bonus", "lessons": 1, "required_lessons": 0,
       "completed_required_lessons": 0, "percent_complete": 100, "completed": true}]'::jsonb,
    'per module, in display order');

SELECT is(chronos.course_progress('aa200000-0000-4000-8000-0000000000a2', 'aa400000-0000-4000-8000-0000000000a1')
            #> '{modules}' @> '[{"title": "Basics", "percent_complete": 0, "completed": false}]'::jsonb
          AND (chronos.course_progress('aa200000-0000-4000-8000-0000000000a2', 'aa400000-0000-4000-8000-0000000000a1')
               @> '{"percent_complete": 0, "completed_required_lessons": 0, "completed": false}'::jsonb),
    true, 'a student who watched nothing: 0 %');
SELECT is(chronos.course_progress('aa200000-0000-4000-8000-0000000000a1', 'aa400000-0000-4000-8000-0000000000a4') - 'modules',
    '{"course_id": "aa400000-0000-4000-8000-0000000000a4", "student_id": "aa200000-0000-4000-8000-0000000000a1",
      "lessons": 2, "required_lessons": 2, "completed_required_lessons": 1, "percent_complete": 50.00, "completed": false}'::jsonb,
    'no lesson with a duration: each weighs the same');
SELECT is(chronos.course_progress('aa200000-0000-4000-8000-0000000000a1', 'aa400000-0000-4000-8000-0000000000a3'),
    '{"course_id": "aa400000-0000-4000-8000-0000000000a3", "student_id": "aa200000-0000-4000-8000-0000000000a1",
      "lessons": 0, "required_lessons": 0, "completed_required_lessons": 0, "percent_complete": 100, "completed": true,
      "modules": []}'::jsonb,
    'a course without modules: nothing required, complete');

-- A session that reaches 85 % does not complete x2; one that reaches 90 % does.
INSERT INTO chronos.video_watch_sessions (video_id, student_id, session_start, watch_time_seconds, percent_complete)
VALUES ('aa300000-0000-4000-8000-0000000000a2', 'aa200000-0000-4000-8000-0000000000a1', '2025-05-03 10:00+00', 255, 85);
SELECT is(chronos.course_progress('aa200000-0000-4000-8000-0000000000a1', 'aa400000-0000-4000-8000-0000000000a1')->'completed_required_lessons',
    '3'::jsonb, 'x2 at 85 %: L2 does not count yet');
INSERT INTO chronos.video_watch_sessions (video_id, student_id, session_start, watch_time_seconds, percent_complete)
VALUES ('aa300000-0000-4000-8000-0000000000a2', 'aa200000-0000-4000-8000-0000000000a1', '2025-05-04 10:00+00', 270, 90);
SELECT is(chronos.course_progress('aa200000-0000-4000-8000-0000000000a1', 'aa400000-0000-4000-8000-0000000000a1') - 'modules',
    '{"course_id": "aa400000-0000-4000-8000-0000000000a1", "student_id": "aa200000-0000-4000-8000-0000000000a1",
      "lessons": 7, "required_lessons": 5, "completed_required_lessons": 4, "percent_complete": 56.36,
      "completed": false}'::jsonb,
    'x2 completed: 4 of 5, (475 + 300) / 1375');
SELECT is(chronos.course_progress('aa200000-0000-4000-8000-0000000000a1', 'aa400000-0000-4000-8000-0000000000a1')->'modules'->0,
    '{"module_id": "aa500000-0000-4000-8000-0000000000a1", "title": "Basics", "lessons": 4, "required_lessons": 3,
      "completed_required_lessons": 3, "percent_complete": 100.00, "completed": true}'::jsonb,
    'Basics is complete');
INSERT INTO chronos.video_watch_sessions (video_id, student_id, session_start, watch_time_seconds, percent_complete)
VALUES ('aa300000-0000-4000-8000-0000000000a4', 'aa200000-0000-4000-8000-0000000000a1', '2025-05-05 10:00+00', 600, 100);
SELECT is(chronos.course_progress('aa200000-0000-4000-8000-0000000000a1', 'aa400000-0000-4000-8000-0000000000a1') - 'modules',
    '{"course_id": "aa400000-0000-4000-8000-0000000000a1", "student_id": "aa200000-0000-4000-8000-0000000000a1",
      "lessons": 7, "required_lessons": 5, "completed_required_lessons": 5, "percent_complete": 100.00,
      "completed": true}'::jsonb,
    'x4 completed too: the course is complete (the optional lessons do not matter)');
DELETE FROM chronos.video_watch_sessions
 WHERE student_id = 'aa200000-0000-4000-8000-0000000000a1' AND session_start >= '2025-05-03';

--
-- Who may ask: the student itself, its creator, the service; each gets
-- the same answer through row-level security.
--
CREATE ROLE chronos_progress_caller NOLOGIN;
-- progress_as(setting, value, student, course): course_progress read by a
-- caller identified by setting = value, or the error (see call_as.sql).
\ir ../fixtures/call_as.sql
CREATE FUNCTION pg_temp.progress_as(p_setting text, p_value text, p_student uuid, p_course uuid) RETURNS jsonb
LANGUAGE sql AS $$
    SELECT pg_temp.call_as('chronos_progress_caller', p_setting, p_value,
                           format('chronos.course_progress(%L::uuid, %L::uuid)', p_student, p_course))
$$;
SELECT is(pg_temp.progress_as('chronos.student_id', 'aa200000-0000-4000-8000-0000000000a1',
                              'aa200000-0000-4000-8000-0000000000a1', 'aa400000-0000-4000-8000-0000000000a1'),
    (SELECT j FROM p), 'the student itself (chronos.student_id): the same answer as the service''s');
SELECT is(pg_temp.progress_as('request.jwt.claims', '{"sub": "cp_st"}',
                              'aa200000-0000-4000-8000-0000000000a1', 'aa400000-0000-4000-8000-0000000000a1'),
    (SELECT j FROM p), 'the student itself (JWT sub, a learner of two creators)');
SELECT is(pg_temp.progress_as('chronos.creator_id', 'aa100000-0000-4000-8000-00000000000a',
                              'aa200000-0000-4000-8000-0000000000a1', 'aa400000-0000-4000-8000-0000000000a1'),
    (SELECT j FROM p), 'its creator');
SELECT is(pg_temp.progress_as('request.jwt.claims', '{"role": "service_role"}',
                              'aa200000-0000-4000-8000-0000000000a1', 'aa400000-0000-4000-8000-0000000000a1'),
    (SELECT j FROM p), 'the service (role claim)');
SELECT is(pg_temp.progress_as('chronos.student_id', 'aa200000-0000-4000-8000-0000000000a2',
                              'aa200000-0000-4000-8000-0000000000a1', 'aa400000-0000-4000-8000-0000000000a1'),
    '{"error": "42501", "message": "permission denied to read the course progress of student aa200000-0000-4000-8000-0000000000a1"}'::jsonb,
    'another student of the same creator may not');
SELECT is(pg_temp.progress_as('chronos.creator_id', 'aa100000-0000-4000-8000-00000000000b',
                              'aa200000-0000-4000-8000-0000000000a1', 'aa400000-0000-4000-8000-0000000000a1'),
    '{"error": "42501", "message": "permission denied to read the course progress of student aa200000-0000-4000-8000-0000000000a1"}'::jsonb,
    'another creator may not');
SELECT is(pg_temp.progress_as('chronos.creator_id', '',
                              'aa200000-0000-4000-8000-0000000000a1', 'aa400000-0000-4000-8000-0000000000a1'),
    '{"error": "42501", "message": "permission denied to read the course progress of student aa200000-0000-4000-8000-0000000000a1"}'::jsonb,
    'an anonymous caller may not');
SELECT is(pg_temp.progress_as('chronos.student_id', 'aa200000-0000-4000-8000-0000000000a1',
                              'aa200000-0000-4000-8000-0000000000a1', 'aa400000-0000-4000-8000-0000000000a2'),
    '{"error": "23503", "message": "course aa400000-0000-4000-8000-0000000000a2 does not exist"}'::jsonb,
    'to a student, an unpublished course does not exist');
SELECT is(pg_temp.progress_as('chronos.creator_id', 'aa100000-0000-4000-8000-00000000000a',
                              'aa200000-0000-4000-8000-0000000000a1', 'aa400000-0000-4000-8000-0000000000a2')->'completed_required_lessons',
    '1'::jsonb, 'its creator sees the student''s progress in it');
SELECT is(pg_temp.progress_as('chronos.student_id', 'aa200000-0000-4000-8000-0000000000a1',
                              'aa200000-0000-4000-8000-0000000000a1', 'aa400000-0000-4000-8000-0000000000b1'),
    '{"error": "23503", "message": "course aa400000-0000-4000-8000-0000000000b1 does not exist"}'::jsonb,
    'another creator''s course does not exist for the student');

--
-- Arguments and references (as the service)
--
SELECT throws_ok($$SELECT chronos.course_progress(NULL, 'aa400000-0000-4000-8000-0000000000a1')$$, '22004',
    'p_student_id must not be null', 'p_student_id is required');
SELECT throws_ok($$SELECT chronos.course_progress('aa200000-0000-4000-8000-0000000000a1', NULL)$$, '22004',
    'p_course_id must not be null', 'p_course_id is required');
SELECT throws_ok($$SELECT chronos.course_progress('aa200000-0000-4000-8000-0000000000ff', 'aa400000-0000-4000-8000-0000000000a1')$$,
    '23503', 'student aa200000-0000-4000-8000-0000000000ff does not exist', 'an unknown student');
SELECT throws_ok($$SELECT chronos.course_progress('aa200000-0000-4000-8000-0000000000a1', 'aa400000-0000-4000-8000-0000000000ff')$$,
    '23503', 'course aa400000-0000-4000-8000-0000000000ff does not exist', 'an unknown course');
SELECT throws_ok($$SELECT chronos.course_progress('aa200000-0000-4000-8000-0000000000a1', 'aa400000-0000-4000-8000-0000000000b1')$$,
    '23503', 'course aa400000-0000-4000-8000-0000000000b1 does not belong to the creator of student aa200000-0000-4000-8000-0000000000a1',
    'another creator''s course');
SELECT is(chronos.course_progress('aa200000-0000-4000-8000-0000000000b1', 'aa400000-0000-4000-8000-0000000000b1')->'completed',
    'false'::jsonb, 'the same Whop user as a student of creator O: its own progress there');

SELECT * FROM finish();
ROLLBACK;
