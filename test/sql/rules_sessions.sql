--
-- Row rules of video_watch_sessions.
--
-- creator_id is copied from the video when omitted and must match it; the
-- student, course and module must be the same creator's.  percent_complete
-- 0..100, watch_time_seconds >= 0, session_end >= session_start,
-- last_position_seconds >= 0, device_type and referrer_type from their
-- lists, metadata a JSON object.  Ids: prefix f4.
--
\set VERBOSITY terse
\set ids 'f4%s00000-0000-4000-8000-%s'
\set whop rules_sessions_
\set video_source mux
\set creators 'a b'
\set students 'a1 b1'
\set videos 'a1 b1'
\set courses 'a1 b1'
\set modules 'a1 b1'
\getenv abs_srcdir PG_ABS_SRCDIR
\ir :abs_srcdir/fixtures/people.sql
\ir :abs_srcdir/fixtures/catalog.sql
-- creator_id copied from the video when omitted
INSERT INTO chronos.video_watch_sessions (id, video_id, student_id, course_id, module_id)
VALUES ('f4700000-0000-4000-8000-000000000001', 'f4300000-0000-4000-8000-0000000000a1',
        'f4200000-0000-4000-8000-0000000000a1', 'f4400000-0000-4000-8000-0000000000a1',
        'f4500000-0000-4000-8000-0000000000a1');
SELECT c.whop_company_id, s.watch_time_seconds, s.percent_complete, s.completed,
       s.session_end IS NULL AS open, s.session_start = s.created_at AS started_at_insert, s.metadata
  FROM chronos.video_watch_sessions s JOIN chronos.creators c ON c.id = s.creator_id
 WHERE s.id = 'f4700000-0000-4000-8000-000000000001';
-- a given creator_id is kept when it is the video's ...
INSERT INTO chronos.video_watch_sessions (id, video_id, student_id, creator_id)
VALUES ('f4700000-0000-4000-8000-000000000002', 'f4300000-0000-4000-8000-0000000000b1',
        'f4200000-0000-4000-8000-0000000000b1', 'f4100000-0000-4000-8000-00000000000b');
-- ... and refused when it is not
INSERT INTO chronos.video_watch_sessions (video_id, student_id, creator_id)
VALUES ('f4300000-0000-4000-8000-0000000000a1', 'f4200000-0000-4000-8000-0000000000b1',
        'f4100000-0000-4000-8000-00000000000b');
UPDATE chronos.video_watch_sessions SET creator_id = 'f4100000-0000-4000-8000-00000000000b'
 WHERE id = 'f4700000-0000-4000-8000-000000000001';
UPDATE chronos.video_watch_sessions SET video_id = 'f4300000-0000-4000-8000-0000000000b1'
 WHERE id = 'f4700000-0000-4000-8000-000000000001';
-- the student must be a student of the video's creator
INSERT INTO chronos.video_watch_sessions (video_id, student_id)
VALUES ('f4300000-0000-4000-8000-0000000000a1', 'f4200000-0000-4000-8000-0000000000b1');
INSERT INTO chronos.video_watch_sessions (video_id, student_id)
VALUES ('f4300000-0000-4000-8000-0000000000a1', 'f4200000-0000-4000-8000-0000000000ff');
INSERT INTO chronos.video_watch_sessions (video_id, student_id)
VALUES ('f4300000-0000-4000-8000-0000000000a1', NULL);
-- an unknown video: there is no creator to copy
INSERT INTO chronos.video_watch_sessions (video_id, student_id)
VALUES ('f4300000-0000-4000-8000-0000000000ff', 'f4200000-0000-4000-8000-0000000000a1');
-- course and module: optional, and the same creator's
INSERT INTO chronos.video_watch_sessions (video_id, student_id, course_id)
VALUES ('f4300000-0000-4000-8000-0000000000a1', 'f4200000-0000-4000-8000-0000000000a1',
        'f4400000-0000-4000-8000-0000000000b1');
INSERT INTO chronos.video_watch_sessions (video_id, student_id, module_id)
VALUES ('f4300000-0000-4000-8000-0000000000a1', 'f4200000-0000-4000-8000-0000000000a1',
        'f4500000-0000-4000-8000-0000000000b1');
-- the module must be a module of the course given (same creator, other course)
INSERT INTO chronos.courses (id, creator_id, title)
VALUES ('f4400000-0000-4000-8000-0000000000a2', 'f4100000-0000-4000-8000-00000000000a', 'course a2');
INSERT INTO chronos.course_modules (id, course_id, title)
VALUES ('f4500000-0000-4000-8000-0000000000a2', 'f4400000-0000-4000-8000-0000000000a2', 'module a2');
INSERT INTO chronos.video_watch_sessions (video_id, student_id, course_id, module_id)
VALUES ('f4300000-0000-4000-8000-0000000000a1', 'f4200000-0000-4000-8000-0000000000a1',
        'f4400000-0000-4000-8000-0000000000a1', 'f4500000-0000-4000-8000-0000000000a2');
-- percent_complete: 0..100
INSERT INTO chronos.video_watch_sessions (video_id, student_id, percent_complete)
VALUES ('f4300000-0000-4000-8000-0000000000a1', 'f4200000-0000-4000-8000-0000000000a1', 101);
INSERT INTO chronos.video_watch_sessions (video_id, student_id, percent_complete)
VALUES ('f4300000-0000-4000-8000-0000000000a1', 'f4200000-0000-4000-8000-0000000000a1', -1);
INSERT INTO chronos.video_watch_sessions (video_id, student_id, percent_complete)
VALUES ('f4300000-0000-4000-8000-0000000000a1', 'f4200000-0000-4000-8000-0000000000a1', NULL);
UPDATE chronos.video_watch_sessions SET percent_complete = 150
 WHERE id = 'f4700000-0000-4000-8000-000000000001';
UPDATE chronos.video_watch_sessions SET percent_complete = 100
 WHERE id = 'f4700000-0000-4000-8000-000000000001';
UPDATE chronos.video_watch_sessions SET percent_complete = 0
 WHERE id = 'f4700000-0000-4000-8000-000000000002';
-- watch_time_seconds: not negative, not NULL
INSERT INTO chronos.video_watch_sessions (video_id, student_id, watch_time_seconds)
VALUES ('f4300000-0000-4000-8000-0000000000a1', 'f4200000-0000-4000-8000-0000000000a1', -1);
INSERT INTO chronos.video_watch_sessions (video_id, student_id, watch_time_seconds)
VALUES ('f4300000-0000-4000-8000-0000000000a1', 'f4200000-0000-4000-8000-0000000000a1', NULL);
-- completed: not NULL
INSERT INTO chronos.video_watch_sessions (video_id, student_id, completed)
VALUES ('f4300000-0000-4000-8000-0000000000a1', 'f4200000-0000-4000-8000-0000000000a1', NULL);
-- session_end: NULL while open, then not before session_start
INSERT INTO chronos.video_watch_sessions (video_id, student_id, session_start, session_end)
VALUES ('f4300000-0000-4000-8000-0000000000a1', 'f4200000-0000-4000-8000-0000000000a1',
        '2026-03-01 10:00:00+00', '2026-03-01 09:59:59+00');
INSERT INTO chronos.video_watch_sessions (id, video_id, student_id, session_start, session_end)
VALUES ('f4700000-0000-4000-8000-000000000003', 'f4300000-0000-4000-8000-0000000000a1',
        'f4200000-0000-4000-8000-0000000000a1', '2026-03-01 10:00:00+00', '2026-03-01 10:00:00+00');
UPDATE chronos.video_watch_sessions SET session_end = session_start - interval '1 second'
 WHERE id = 'f4700000-0000-4000-8000-000000000003';
UPDATE chronos.video_watch_sessions SET session_end = session_start + interval '25 minutes'
 WHERE id = 'f4700000-0000-4000-8000-000000000003';
INSERT INTO chronos.video_watch_sessions (video_id, student_id, session_start)
VALUES ('f4300000-0000-4000-8000-0000000000a1', 'f4200000-0000-4000-8000-0000000000a1', NULL);
-- last_position_seconds: not negative
INSERT INTO chronos.video_watch_sessions (video_id, student_id, last_position_seconds)
VALUES ('f4300000-0000-4000-8000-0000000000a1', 'f4200000-0000-4000-8000-0000000000a1', -0.5);
UPDATE chronos.video_watch_sessions SET last_position_seconds = 95.25
 WHERE id = 'f4700000-0000-4000-8000-000000000003';
-- device_type: desktop, mobile or tablet
INSERT INTO chronos.video_watch_sessions (video_id, student_id, device_type)
VALUES ('f4300000-0000-4000-8000-0000000000a1', 'f4200000-0000-4000-8000-0000000000a1', 'tv');
INSERT INTO chronos.video_watch_sessions (video_id, student_id, device_type)
VALUES ('f4300000-0000-4000-8000-0000000000a1', 'f4200000-0000-4000-8000-0000000000a1', 'Mobile');
-- referrer_type: course_page, direct_link, search or chat_reference
INSERT INTO chronos.video_watch_sessions (video_id, student_id, referrer_type)
VALUES ('f4300000-0000-4000-8000-0000000000a1', 'f4200000-0000-4000-8000-0000000000a1', 'email');
INSERT INTO chronos.video_watch_sessions (video_id, student_id, referrer_type)
VALUES ('f4300000-0000-4000-8000-0000000000a1', 'f4200000-0000-4000-8000-0000000000a1', '');
-- every listed value is accepted (NULL too: both are optional)
INSERT INTO chronos.video_watch_sessions (video_id, student_id, device_type, referrer_type)
SELECT 'f4300000-0000-4000-8000-0000000000a1', 'f4200000-0000-4000-8000-0000000000a1', d, r
  FROM unnest(ARRAY['desktop', 'mobile', 'tablet', NULL]) AS d,
       unnest(ARRAY['course_page', 'direct_link', 'search', 'chat_reference', NULL]) AS r;
SELECT device_type, count(*) FROM chronos.video_watch_sessions
 WHERE student_id = 'f4200000-0000-4000-8000-0000000000a1' GROUP BY device_type ORDER BY device_type;
SELECT referrer_type, count(*) FROM chronos.video_watch_sessions
 WHERE student_id = 'f4200000-0000-4000-8000-0000000000a1' GROUP BY referrer_type ORDER BY referrer_type;
-- metadata: a JSON object
INSERT INTO chronos.video_watch_sessions (video_id, student_id, metadata)
VALUES ('f4300000-0000-4000-8000-0000000000a1', 'f4200000-0000-4000-8000-0000000000a1', '[]');
UPDATE chronos.video_watch_sessions SET metadata = '1.5'
 WHERE id = 'f4700000-0000-4000-8000-000000000001';
UPDATE chronos.video_watch_sessions SET metadata = '{"player": "hls.js"}'
 WHERE id = 'f4700000-0000-4000-8000-000000000001';
SELECT s.id, c.whop_company_id, s.percent_complete, extract(epoch FROM s.session_end - s.session_start) AS seconds_long,
       s.last_position_seconds, s.metadata
  FROM chronos.video_watch_sessions s JOIN chronos.creators c ON c.id = s.creator_id
 WHERE s.id::text LIKE 'f4700000-%' ORDER BY s.id;  -- the fixed ids (a generated one may start with f47)
-- clean up
DELETE FROM chronos.creators WHERE whop_company_id LIKE 'rules_sessions_%';
SELECT count(*) FROM chronos.video_watch_sessions
 WHERE student_id IN ('f4200000-0000-4000-8000-0000000000a1', 'f4200000-0000-4000-8000-0000000000b1');
