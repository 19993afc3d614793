--
-- Errors of track_video_event and track_video_events: every refusal with its
-- SQLSTATE, message, detail, hint and context, and proof that it wrote
-- nothing (events_written stays 0: nothing here deletes events, so an
-- unchanged count means no refused call wrote a row).
--
-- Order of checks (docs/architecture.md, order of checks): arguments (22004, 22023), then the
-- caller's right to track the event (42501), then the references (23503),
-- then the idempotency key (23505).  Ids: prefix e1.
--
\set VERBOSITY default
\set SHOW_CONTEXT errors
\set creator_a e1100000-0000-4000-8000-00000000000a
\set creator_b e1100000-0000-4000-8000-00000000000b
\set creator_none e1100000-0000-4000-8000-0000000000ff
\set student_a1 e1200000-0000-4000-8000-0000000000a1
\set student_a2 e1200000-0000-4000-8000-0000000000a2
\set student_b1 e1200000-0000-4000-8000-0000000000b1
\set video_a1 e1300000-0000-4000-8000-0000000000a1
\set video_a2 e1300000-0000-4000-8000-0000000000a2
\set video_b1 e1300000-0000-4000-8000-0000000000b1
\set video_none e1300000-0000-4000-8000-0000000000ff
\set course_a1 e1400000-0000-4000-8000-0000000000a1
\set course_a2 e1400000-0000-4000-8000-0000000000a2
\set course_b1 e1400000-0000-4000-8000-0000000000b1
\set module_a1 e1500000-0000-4000-8000-0000000000a1
\set module_a2 e1500000-0000-4000-8000-0000000000a2
\set module_b1 e1500000-0000-4000-8000-0000000000b1
\set session_a1_v1 e1700000-0000-4000-8000-0000000000a1
\set session_a1_v2 e1700000-0000-4000-8000-0000000000a2
\set session_a2_v1 e1700000-0000-4000-8000-0000000000a3
\set session_none e1700000-0000-4000-8000-0000000000ff
\set ids 'e1%s00000-0000-4000-8000-%s'
\set whop ingest_errors_
\set storage e1/
\set creators 'a b'
\set students 'a1 a2 b1'
\set videos 'a1 a2 b1'
\set courses 'a1 a2 b1'
\set modules 'a1 a2 b1'
\set sessions 'a1=a1/a1 a2=a2/a1 a3=a1/a2'
\getenv abs_srcdir PG_ABS_SRCDIR
\ir :abs_srcdir/fixtures/people.sql
\ir :abs_srcdir/fixtures/catalog.sql
\ir :abs_srcdir/fixtures/sessions.sql
-- events_written: rows added to the events table since the baseline
\ir :abs_srcdir/fixtures/events_written.sql

--
-- track_video_event: arguments
--
-- unknown event type: 22023, the hint lists the twelve
SELECT chronos.track_video_event('video_liked', :'video_a1', :'creator_a');
SELECT chronos.track_video_event('Video_Started', :'video_a1', :'creator_a');
SELECT chronos.track_video_event('', :'video_a1', :'creator_a');
TABLE events_written;
-- required arguments: 22004
SELECT chronos.track_video_event(NULL, :'video_a1', :'creator_a');
SELECT chronos.track_video_event('video_started', NULL, :'creator_a');
SELECT chronos.track_video_event('video_started', :'video_a1', NULL);
-- a session needs its student
SELECT chronos.track_video_event('video_progress', :'video_a1', :'creator_a',
                                 p_session_id => :'session_a1_v1');
TABLE events_written;
-- metadata must be an object (SQL NULL is taken as {}, JSON null is not)
SELECT chronos.track_video_event('video_started', :'video_a1', :'creator_a', p_metadata => '[]');
SELECT chronos.track_video_event('video_started', :'video_a1', :'creator_a', p_metadata => '"web"');
SELECT chronos.track_video_event('video_started', :'video_a1', :'creator_a', p_metadata => '42');
SELECT chronos.track_video_event('video_started', :'video_a1', :'creator_a', p_metadata => 'null');
TABLE events_written;
-- arguments are checked before the references: a bad type with a bad video
-- is reported as the bad type
SELECT chronos.track_video_event('video_liked', :'video_none', :'creator_none');
SELECT chronos.track_video_event('video_started', :'video_none', :'creator_none', p_metadata => '[]');
TABLE events_written;

--
-- track_video_event: references (23503), each naming which one is wrong
--
-- the creator does not exist
SELECT chronos.track_video_event('video_started', :'video_a1', :'creator_none');
-- the video does not exist, or is another creator's
SELECT chronos.track_video_event('video_started', :'video_none', :'creator_a');
SELECT chronos.track_video_event('video_started', :'video_b1', :'creator_a');
-- the student does not exist, or is another creator's
SELECT chronos.track_video_event('video_started', :'video_a1', :'creator_a', 'e1200000-0000-4000-8000-0000000000ff');
SELECT chronos.track_video_event('video_started', :'video_a1', :'creator_a', :'student_b1');
-- the course is another creator's
SELECT chronos.track_video_event('video_added_to_course', :'video_a1', :'creator_a',
                                 p_course_id => :'course_b1');
-- the module is another creator's (with and without a course), or of another
-- course of the same creator
SELECT chronos.track_video_event('video_added_to_course', :'video_a1', :'creator_a',
                                 p_module_id => :'module_b1');
SELECT chronos.track_video_event('video_added_to_course', :'video_a1', :'creator_a',
                                 p_course_id => :'course_a1', p_module_id => :'module_b1');
SELECT chronos.track_video_event('video_added_to_course', :'video_a1', :'creator_a',
                                 p_course_id => :'course_a1', p_module_id => :'module_a2');
SELECT chronos.track_video_event('video_added_to_course', :'video_a1', :'creator_a',
                                 p_module_id => 'e1500000-0000-4000-8000-0000000000ff');
-- the session does not exist, is another student's, or of another video
SELECT chronos.track_video_event('video_progress', :'video_a1', :'creator_a', :'student_a1',
                                 p_session_id => :'session_none');
SELECT chronos.track_video_event('video_progress', :'video_a1', :'creator_a', :'student_a1',
                                 p_session_id => :'session_a2_v1');
SELECT chronos.track_video_event('video_progress', :'video_a1', :'creator_a', :'student_a1',
                                 p_session_id => :'session_a1_v2');
TABLE events_written;

--
-- track_video_event: the idempotency key, per creator (23505, the detail
-- names the first field that differs; "timestamp" is not part of the content)
--
SELECT chronos.track_video_event('video_progress', :'video_a1', :'creator_a', :'student_a1',
                                 :'course_a1', :'module_a1', '{"position": 10}',
                                 '2026-03-01 10:00:00+00', 'e1900000-0000-4000-8000-000000000001',
                                 :'session_a1_v1');
UPDATE events_written_baseline SET n = n + 1;
-- the same event again, at another time: its id, nothing written
SELECT chronos.track_video_event('video_progress', :'video_a1', :'creator_a', :'student_a1',
                                 :'course_a1', :'module_a1', '{"position": 10}',
                                 '2026-03-01 10:05:00+00', 'e1900000-0000-4000-8000-000000000001',
                                 :'session_a1_v1');
TABLE events_written;
-- each field changed in turn
SELECT chronos.track_video_event('video_paused', :'video_a1', :'creator_a', :'student_a1',
                                 :'course_a1', :'module_a1', '{"position": 10}',
                                 '2026-03-01 10:00:00+00', 'e1900000-0000-4000-8000-000000000001',
                                 :'session_a1_v1');
SELECT chronos.track_video_event('video_progress', :'video_a2', :'creator_a', :'student_a1',
                                 :'course_a1', :'module_a1', '{"position": 10}',
                                 '2026-03-01 10:00:00+00', 'e1900000-0000-4000-8000-000000000001',
                                 :'session_a1_v1');
-- (idempotency is per creator: creator b's event under that id is another
-- event, refused here only because its course is creator a's)
SELECT chronos.track_video_event('video_progress', :'video_b1', :'creator_b', :'student_a1',
                                 :'course_a1', :'module_a1', '{"position": 10}',
                                 '2026-03-01 10:00:00+00', 'e1900000-0000-4000-8000-000000000001',
                                 :'session_a1_v1');
SELECT chronos.track_video_event('video_progress', :'video_a1', :'creator_a', :'student_a2',
                                 :'course_a1', :'module_a1', '{"position": 10}',
                                 '2026-03-01 10:00:00+00', 'e1900000-0000-4000-8000-000000000001',
                                 :'session_a1_v1');
SELECT chronos.track_video_event('video_progress', :'video_a1', :'creator_a', NULL,
                                 :'course_a1', :'module_a1', '{"position": 10}',
                                 '2026-03-01 10:00:00+00', 'e1900000-0000-4000-8000-000000000001');
SELECT chronos.track_video_event('video_progress', :'video_a1', :'creator_a', :'student_a1',
                                 :'course_a2', :'module_a1', '{"position": 10}',
                                 '2026-03-01 10:00:00+00', 'e1900000-0000-4000-8000-000000000001',
                                 :'session_a1_v1');
SELECT chronos.track_video_event('video_progress', :'video_a1', :'creator_a', :'student_a1',
                                 :'course_a1', NULL, '{"position": 10}',
                                 '2026-03-01 10:00:00+00', 'e1900000-0000-4000-8000-000000000001',
                                 :'session_a1_v1');
SELECT chronos.track_video_event('video_progress', :'video_a1', :'creator_a', :'student_a1',
                                 :'course_a1', :'module_a1', '{"position": 10}',
                                 '2026-03-01 10:00:00+00', 'e1900000-0000-4000-8000-000000000001');
SELECT chronos.track_video_event('video_progress', :'video_a1', :'creator_a', :'student_a1',
                                 :'course_a1', :'module_a1', '{"position": 11}',
                                 '2026-03-01 10:00:00+00', 'e1900000-0000-4000-8000-000000000001',
                                 :'session_a1_v1');
SELECT chronos.track_video_event('video_progress', :'video_a1', :'creator_a', :'student_a1',
                                 :'course_a1', :'module_a1', NULL,
                                 '2026-03-01 10:00:00+00', 'e1900000-0000-4000-8000-000000000001',
                                 :'session_a1_v1');
-- several fields differ: the first in column order is named
SELECT chronos.track_video_event('video_paused', :'video_a1', :'creator_a', NULL, NULL, NULL,
                                 '{"position": 99}', p_event_id => 'e1900000-0000-4000-8000-000000000001');
TABLE events_written;

--
-- track_video_event: who may track (42501), checked before any reference
--
CREATE ROLE ingest_errors_app;
SET ROLE ingest_errors_app;
-- nobody: no identity set
SELECT chronos.track_video_event('video_started', :'video_a1', :'creator_a');
-- nor for a creator that does not exist (nothing is looked up first)
SELECT chronos.track_video_event('video_started', :'video_none', :'creator_none');
-- creator a: not for creator b, even with b's own video
SET chronos.creator_id = :'creator_a';
SELECT chronos.track_video_event('video_started', :'video_b1', :'creator_b');
SELECT chronos.track_video_events(jsonb_build_array(
    jsonb_build_object('event_type', 'video_started', 'video_id', :'video_a1', 'creator_id', :'creator_a'),
    jsonb_build_object('event_type', 'video_started', 'video_id', :'video_b1', 'creator_id', :'creator_b')));
-- creator a, on its own: the reference checks come after
SELECT chronos.track_video_event('video_started', :'video_b1', :'creator_a');
RESET chronos.creator_id;
-- student a1: player events only, and only as itself
SET chronos.student_id = :'student_a1';
SELECT chronos.track_video_event('video_imported', :'video_a1', :'creator_a', :'student_a1');
SELECT chronos.track_video_event('video_added_to_course', :'video_a1', :'creator_a', :'student_a1',
                                 :'course_a1');
SELECT chronos.track_video_event('video_started', :'video_a1', :'creator_a', :'student_a2');
SELECT chronos.track_video_event('video_started', :'video_a1', :'creator_a');
SELECT chronos.track_video_events(jsonb_build_array(
    jsonb_build_object('event_type', 'video_started', 'video_id', :'video_a1', 'creator_id', :'creator_a',
                       'student_id', :'student_a1'),
    jsonb_build_object('event_type', 'video_transcribed', 'video_id', :'video_a1', 'creator_id', :'creator_a',
                       'student_id', :'student_a1')));
RESET chronos.student_id;
RESET ROLE;
DROP ROLE ingest_errors_app;
TABLE events_written;

--
-- track_video_events: the argument
--
SELECT chronos.track_video_events(NULL);
SELECT chronos.track_video_events('{}');
SELECT chronos.track_video_events('"[]"');
SELECT chronos.track_video_events('null');
TABLE events_written;

--
-- track_video_events: each element (the context names it, from 0)
--
\set ev '{"event_type": "video_started", "video_id": "e1300000-0000-4000-8000-0000000000a1", "creator_id": "e1100000-0000-4000-8000-00000000000a"}'
-- not an object
SELECT chronos.track_video_events(jsonb_build_array(:'ev'::jsonb, 1));
SELECT chronos.track_video_events(jsonb_build_array(:'ev'::jsonb, :'ev'::jsonb, '[]'::jsonb));
SELECT chronos.track_video_events('[null]');
-- unknown keys, even when null or named like a column or parameter
SELECT chronos.track_video_events(jsonb_build_array(:'ev'::jsonb || '{"colour": "red"}'));
SELECT chronos.track_video_events(jsonb_build_array(:'ev'::jsonb || '{"colour": null}'));
SELECT chronos.track_video_events(jsonb_build_array(:'ev'::jsonb || '{"p_event_type": "video_started"}'));
SELECT chronos.track_video_events(jsonb_build_array(:'ev'::jsonb || '{"created_at": "2026-01-01T00:00:00Z"}'));
SELECT chronos.track_video_events(jsonb_build_array(:'ev'::jsonb || '{"id": "e1900000-0000-4000-8000-0000000000aa"}'));
SELECT chronos.track_video_events(jsonb_build_array(:'ev'::jsonb || '{"Event_Type": "video_started"}'));
TABLE events_written;
-- required keys: missing or null
SELECT chronos.track_video_events(jsonb_build_array(:'ev'::jsonb, :'ev'::jsonb - 'event_type'));
SELECT chronos.track_video_events(jsonb_build_array(:'ev'::jsonb || '{"event_type": null}'));
SELECT chronos.track_video_events(jsonb_build_array(:'ev'::jsonb - 'video_id'));
SELECT chronos.track_video_events(jsonb_build_array(:'ev'::jsonb || '{"video_id": null}'));
SELECT chronos.track_video_events(jsonb_build_array(:'ev'::jsonb - 'creator_id'));
SELECT chronos.track_video_events(jsonb_build_array(:'ev'::jsonb || '{"creator_id": null}'));
SELECT chronos.track_video_events('[{}]');
-- a session needs its student
SELECT chronos.track_video_events(jsonb_build_array(
    :'ev'::jsonb || '{"session_id": "e1700000-0000-4000-8000-0000000000a1"}'));
SELECT chronos.track_video_events(jsonb_build_array(
    :'ev'::jsonb || '{"session_id": "e1700000-0000-4000-8000-0000000000a1", "student_id": null}'));
TABLE events_written;
-- event_type: a known name, as a string
SELECT chronos.track_video_events(jsonb_build_array(:'ev'::jsonb || '{"event_type": "video_liked"}'));
SELECT chronos.track_video_events(jsonb_build_array(:'ev'::jsonb || '{"event_type": 3}'));
SELECT chronos.track_video_events(jsonb_build_array(:'ev'::jsonb || '{"event_type": ["video_started"]}'));
TABLE events_written;
-- uuids: strings in a form uuid_in accepts
SELECT chronos.track_video_events(jsonb_build_array(:'ev'::jsonb || '{"video_id": "not-a-uuid"}'));
SELECT chronos.track_video_events(jsonb_build_array(:'ev'::jsonb || '{"video_id": ""}'));
SELECT chronos.track_video_events(jsonb_build_array(:'ev'::jsonb || '{"video_id": "e1300000-0000-4000-8000-0000000000a"}'));
SELECT chronos.track_video_events(jsonb_build_array(:'ev'::jsonb || '{"video_id": "e1300000-0000-4000-8000-0000000000a1a"}'));
SELECT chronos.track_video_events(jsonb_build_array(:'ev'::jsonb || '{"video_id": "e1300000-0000-4000-8000-0000000000a1-"}'));
SELECT chronos.track_video_events(jsonb_build_array(:'ev'::jsonb || '{"video_id": "e13-00000-0000-4000-8000-0000000000a1"}'));
SELECT chronos.track_video_events(jsonb_build_array(:'ev'::jsonb || '{"video_id": "{e1300000-0000-4000-8000-0000000000a1"}'));
SELECT chronos.track_video_events(jsonb_build_array(:'ev'::jsonb || '{"video_id": "e1300000-0000-4000-8000-0000000000a1}"}'));
SELECT chronos.track_video_events(jsonb_build_array(:'ev'::jsonb || '{"video_id": " e1300000-0000-4000-8000-0000000000a1"}'));
SELECT chronos.track_video_events(jsonb_build_array(:'ev'::jsonb || '{"video_id": "g1300000-0000-4000-8000-0000000000a1"}'));
SELECT chronos.track_video_events(jsonb_build_array(:'ev'::jsonb || '{"creator_id": "{}"}'));
SELECT chronos.track_video_events(jsonb_build_array(:'ev'::jsonb || '{"student_id": "x"}'));
SELECT chronos.track_video_events(jsonb_build_array(:'ev'::jsonb || '{"course_id": "x"}'));
SELECT chronos.track_video_events(jsonb_build_array(:'ev'::jsonb || '{"module_id": "x"}'));
SELECT chronos.track_video_events(jsonb_build_array(:'ev'::jsonb || '{"session_id": "x"}'));
SELECT chronos.track_video_events(jsonb_build_array(:'ev'::jsonb || '{"event_id": "x"}'));
-- uuids: not strings
SELECT chronos.track_video_events(jsonb_build_array(:'ev'::jsonb || '{"video_id": 12}'));
SELECT chronos.track_video_events(jsonb_build_array(:'ev'::jsonb || '{"creator_id": true}'));
SELECT chronos.track_video_events(jsonb_build_array(:'ev'::jsonb || '{"student_id": {"id": "e1200000-0000-4000-8000-0000000000a1"}}'));
SELECT chronos.track_video_events(jsonb_build_array(:'ev'::jsonb || '{"event_id": ["e1900000-0000-4000-8000-0000000000aa"]}'));
TABLE events_written;
-- metadata: an object (null is taken as {})
SELECT chronos.track_video_events(jsonb_build_array(:'ev'::jsonb || '{"metadata": [1, 2]}'));
SELECT chronos.track_video_events(jsonb_build_array(:'ev'::jsonb || '{"metadata": "{}"}'));
SELECT chronos.track_video_events(jsonb_build_array(:'ev'::jsonb || '{"metadata": false}'));
-- timestamp: a string in a form timestamptz accepts
SELECT chronos.track_video_events(jsonb_build_array(:'ev'::jsonb || '{"timestamp": "yesterday-ish"}'));
SELECT chronos.track_video_events(jsonb_build_array(:'ev'::jsonb || '{"timestamp": "2026-02-30T10:00:00Z"}'));
SELECT chronos.track_video_events(jsonb_build_array(:'ev'::jsonb || '{"timestamp": 1767225600}'));
SELECT chronos.track_video_events(jsonb_build_array(:'ev'::jsonb || '{"timestamp": {}}'));
-- an event happens at a finite time
SELECT chronos.track_video_events(jsonb_build_array(:'ev'::jsonb || '{"timestamp": "infinity"}'));
SELECT chronos.track_video_event('video_started', :'video_a1', :'creator_a', p_timestamp => '-infinity');
TABLE events_written;
-- references: checked after every element parsed; the first bad element is named
SELECT chronos.track_video_events(jsonb_build_array(
    :'ev'::jsonb, :'ev'::jsonb, :'ev'::jsonb || jsonb_build_object('video_id', :'video_b1')));
SELECT chronos.track_video_events(jsonb_build_array(
    :'ev'::jsonb, :'ev'::jsonb || jsonb_build_object('creator_id', :'creator_none'),
    :'ev'::jsonb || jsonb_build_object('video_id', :'video_b1')));
SELECT chronos.track_video_events(jsonb_build_array(
    :'ev'::jsonb, :'ev'::jsonb || jsonb_build_object('student_id', :'student_b1')));
SELECT chronos.track_video_events(jsonb_build_array(
    :'ev'::jsonb, :'ev'::jsonb || jsonb_build_object('course_id', :'course_b1')));
SELECT chronos.track_video_events(jsonb_build_array(
    :'ev'::jsonb, :'ev'::jsonb || jsonb_build_object('module_id', :'module_b1')));
SELECT chronos.track_video_events(jsonb_build_array(
    :'ev'::jsonb, :'ev'::jsonb || jsonb_build_object('course_id', :'course_a1', 'module_id', :'module_a2')));
SELECT chronos.track_video_events(jsonb_build_array(
    :'ev'::jsonb, :'ev'::jsonb || jsonb_build_object('student_id', :'student_a1', 'session_id', :'session_a2_v1')));
SELECT chronos.track_video_events(jsonb_build_array(
    :'ev'::jsonb, :'ev'::jsonb || jsonb_build_object('student_id', :'student_a1', 'session_id', :'session_a1_v2')));
TABLE events_written;
-- a bad argument is reported before a bad reference, whatever their order
SELECT chronos.track_video_events(jsonb_build_array(
    :'ev'::jsonb || jsonb_build_object('video_id', :'video_b1'), :'ev'::jsonb || '{"event_type": "video_liked"}'));
TABLE events_written;
-- idempotency: the same event_id twice in one batch with different content
SELECT chronos.track_video_events(jsonb_build_array(
    :'ev'::jsonb || '{"event_id": "e1900000-0000-4000-8000-000000000002"}',
    :'ev'::jsonb,
    :'ev'::jsonb || '{"event_id": "e1900000-0000-4000-8000-000000000002", "metadata": {"retry": true}}'));
SELECT chronos.track_video_events(jsonb_build_array(
    :'ev'::jsonb || '{"event_id": "e1900000-0000-4000-8000-000000000002"}',
    :'ev'::jsonb || '{"event_id": "e1900000-0000-4000-8000-000000000002", "timestamp": "2026-03-01T10:00:00Z"}',
    :'ev'::jsonb || '{"event_id": "E1900000000040008000000000000002"}'));
UPDATE events_written_baseline SET n = n + 1;
SELECT chronos.track_video_events(jsonb_build_array(
    :'ev'::jsonb || '{"event_id": "e1900000-0000-4000-8000-000000000002"}',
    :'ev'::jsonb || '{"event_id": "e1900000-0000-4000-8000-000000000002", "timestamp": "2026-03-01T10:00:00Z"}',
    :'ev'::jsonb || '{"event_id": "{E1900000-0000-4000-8000-000000000002}", "event_type": "video_paused"}'));
-- idempotency: an event_id already stored with different content (after a
-- new event and an exact replay)
SELECT chronos.track_video_events(jsonb_build_array(
    :'ev'::jsonb,
    :'ev'::jsonb || '{"event_id": "e1900000-0000-4000-8000-000000000002"}',
    jsonb_build_object('event_type', 'video_progress', 'video_id', :'video_a1', 'creator_id', :'creator_a',
                       'student_id', :'student_a1', 'course_id', :'course_a1', 'module_id', :'module_a1',
                       'metadata', '{"position": 12}'::jsonb, 'session_id', :'session_a1_v1',
                       'event_id', 'e1900000-0000-4000-8000-000000000001')));
TABLE events_written;
-- the stored event replayed through a batch ("timestamp" null): nothing new
SELECT chronos.track_video_events(jsonb_build_array(
    jsonb_build_object('event_type', 'video_progress', 'video_id', :'video_a1', 'creator_id', :'creator_a',
                       'student_id', :'student_a1', 'course_id', :'course_a1', 'module_id', :'module_a1',
                       'metadata', '{"position": 10}'::jsonb, 'session_id', :'session_a1_v1',
                       'event_id', 'e1900000-0000-4000-8000-000000000001', 'timestamp', null)));
TABLE events_written;

--
-- An error can be caught, and the caller is itself again afterwards (the
-- write runs as the extension's owner)
--
CREATE ROLE ingest_errors_catcher;
SET ROLE ingest_errors_catcher;
SET chronos.creator_id = :'creator_a';
DO $$
BEGIN
    PERFORM chronos.track_video_events(jsonb_build_array(
        jsonb_build_object('event_type', 'video_started', 'video_id', 'e1300000-0000-4000-8000-0000000000a1',
                           'creator_id', 'e1100000-0000-4000-8000-00000000000a'),
        jsonb_build_object('event_type', 'video_started', 'video_id', 'e1300000-0000-4000-8000-0000000000b1',
                           'creator_id', 'e1100000-0000-4000-8000-00000000000a')));
EXCEPTION WHEN foreign_key_violation THEN
    RAISE NOTICE 'caught: %; current_user is %', SQLERRM, current_user;
END
$$;
DO $$
BEGIN
    PERFORM chronos.track_video_event('video_started', 'e1300000-0000-4000-8000-0000000000b1',
                                      'e1100000-0000-4000-8000-00000000000a');
EXCEPTION WHEN foreign_key_violation THEN
    RAISE NOTICE 'caught: %; current_user is %', SQLERRM, current_user;
END
$$;
SELECT current_user;
-- still no direct INSERT for this role: only the functions write past RLS
INSERT INTO chronos.video_analytics_events (event_type, video_id, creator_id)
VALUES ('video_started', :'video_a1', :'creator_a');
RESET chronos.creator_id;
RESET ROLE;
DROP ROLE ingest_errors_catcher;
TABLE events_written;

-- clean up
DELETE FROM chronos.creators WHERE whop_company_id LIKE 'ingest_errors_%';
SELECT count(*) AS events_left FROM chronos.video_analytics_events WHERE video_id::text LIKE 'e1300000-0000-4000-8000-%';
