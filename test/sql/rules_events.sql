--
-- Row rules of video_analytics_events and video_analytics (daily rollups).
--
-- event_type is the enum chronos.video_event_type with fifteen values.  An
-- event's video, student, course and module are the event creator's, its
-- module belongs to its course, its session is a session of the same student
-- and video (so a session needs a student); metadata is a JSON object.
-- Rollups: counts >= 0, completion_rate 0..100, one row per video and day.
-- Ids: prefix f5.
--
\set VERBOSITY terse
-- the fifteen event types (three since 1.1), in order
SELECT unnest(enum_range(NULL::chronos.video_event_type)) AS event_type;
\set ids 'f5%s00000-0000-4000-8000-%s'
\set whop rules_events_
\set storage f5/
\set creators 'a b'
\set students 'a1 a2 b1'
\set videos 'a1 a2 b1'
\set courses 'a1 a2 b1'
\set modules 'a1 a2 b1'
\set sessions 'a1=a1/a1 a2=a2/a1'
\getenv abs_srcdir PG_ABS_SRCDIR
\ir :abs_srcdir/fixtures/people.sql
\ir :abs_srcdir/fixtures/catalog.sql
\ir :abs_srcdir/fixtures/sessions.sql
-- one event of each type, written by name
INSERT INTO chronos.video_analytics_events (event_type, video_id, creator_id, student_id, metadata)
SELECT t::chronos.video_event_type, 'f5300000-0000-4000-8000-0000000000a1',
       'f5100000-0000-4000-8000-00000000000a', 'f5200000-0000-4000-8000-0000000000a1',
       jsonb_build_object('n', n)
  FROM unnest(ARRAY['video_imported', 'video_transcribed', 'video_embedded', 'video_added_to_course',
                    'video_started', 'video_progress', 'video_completed', 'video_rewatched',
                    'video_paused', 'video_resumed', 'video_seeked', 'playback_speed_changed'])
       WITH ORDINALITY AS u (t, n);
SELECT event_type, metadata FROM chronos.video_analytics_events
 WHERE video_id = 'f5300000-0000-4000-8000-0000000000a1' ORDER BY event_type;
-- any other type is refused, and so is none
INSERT INTO chronos.video_analytics_events (event_type, video_id, creator_id)
VALUES ('video_liked', 'f5300000-0000-4000-8000-0000000000a1', 'f5100000-0000-4000-8000-00000000000a');
INSERT INTO chronos.video_analytics_events (event_type, video_id, creator_id)
VALUES ('Video_Started', 'f5300000-0000-4000-8000-0000000000a1', 'f5100000-0000-4000-8000-00000000000a');
INSERT INTO chronos.video_analytics_events (event_type, video_id, creator_id)
VALUES (NULL, 'f5300000-0000-4000-8000-0000000000a1', 'f5100000-0000-4000-8000-00000000000a');
-- creator_id is required (events carry it; nothing fills it)
INSERT INTO chronos.video_analytics_events (event_type, video_id, creator_id)
VALUES ('video_started', 'f5300000-0000-4000-8000-0000000000a1', NULL);
-- the video must be the creator's
INSERT INTO chronos.video_analytics_events (event_type, video_id, creator_id)
VALUES ('video_started', 'f5300000-0000-4000-8000-0000000000b1', 'f5100000-0000-4000-8000-00000000000a');
INSERT INTO chronos.video_analytics_events (event_type, video_id, creator_id)
VALUES ('video_started', 'f5300000-0000-4000-8000-0000000000ff', 'f5100000-0000-4000-8000-00000000000a');
-- the student must be the creator's
INSERT INTO chronos.video_analytics_events (event_type, video_id, creator_id, student_id)
VALUES ('video_started', 'f5300000-0000-4000-8000-0000000000a1', 'f5100000-0000-4000-8000-00000000000a',
        'f5200000-0000-4000-8000-0000000000b1');
-- the course and module must be the creator's, and the module the course's
INSERT INTO chronos.video_analytics_events (event_type, video_id, creator_id, course_id)
VALUES ('video_added_to_course', 'f5300000-0000-4000-8000-0000000000a1', 'f5100000-0000-4000-8000-00000000000a',
        'f5400000-0000-4000-8000-0000000000b1');
INSERT INTO chronos.video_analytics_events (event_type, video_id, creator_id, module_id)
VALUES ('video_added_to_course', 'f5300000-0000-4000-8000-0000000000a1', 'f5100000-0000-4000-8000-00000000000a',
        'f5500000-0000-4000-8000-0000000000b1');
INSERT INTO chronos.video_analytics_events (event_type, video_id, creator_id, course_id, module_id)
VALUES ('video_added_to_course', 'f5300000-0000-4000-8000-0000000000a1', 'f5100000-0000-4000-8000-00000000000a',
        'f5400000-0000-4000-8000-0000000000a1', 'f5500000-0000-4000-8000-0000000000a2');
INSERT INTO chronos.video_analytics_events (event_type, video_id, creator_id, course_id, module_id)
VALUES ('video_added_to_course', 'f5300000-0000-4000-8000-0000000000a1', 'f5100000-0000-4000-8000-00000000000a',
        'f5400000-0000-4000-8000-0000000000a1', 'f5500000-0000-4000-8000-0000000000a1');
-- the session must be the same student's session of the same video
INSERT INTO chronos.video_analytics_events (event_type, video_id, creator_id, session_id)
VALUES ('video_progress', 'f5300000-0000-4000-8000-0000000000a1', 'f5100000-0000-4000-8000-00000000000a',
        'f5700000-0000-4000-8000-0000000000a1');
INSERT INTO chronos.video_analytics_events (event_type, video_id, creator_id, student_id, session_id)
VALUES ('video_progress', 'f5300000-0000-4000-8000-0000000000a1', 'f5100000-0000-4000-8000-00000000000a',
        'f5200000-0000-4000-8000-0000000000a2', 'f5700000-0000-4000-8000-0000000000a1');
INSERT INTO chronos.video_analytics_events (event_type, video_id, creator_id, student_id, session_id)
VALUES ('video_progress', 'f5300000-0000-4000-8000-0000000000a1', 'f5100000-0000-4000-8000-00000000000a',
        'f5200000-0000-4000-8000-0000000000a1', 'f5700000-0000-4000-8000-0000000000a2');
INSERT INTO chronos.video_analytics_events (event_type, video_id, creator_id, student_id, session_id)
VALUES ('video_progress', 'f5300000-0000-4000-8000-0000000000a1', 'f5100000-0000-4000-8000-00000000000a',
        'f5200000-0000-4000-8000-0000000000a1', 'f5700000-0000-4000-8000-0000000000a1');
-- metadata: a JSON object, required
INSERT INTO chronos.video_analytics_events (event_type, video_id, creator_id, metadata)
VALUES ('video_imported', 'f5300000-0000-4000-8000-0000000000a1', 'f5100000-0000-4000-8000-00000000000a', '["whisper"]');
INSERT INTO chronos.video_analytics_events (event_type, video_id, creator_id, metadata)
VALUES ('video_imported', 'f5300000-0000-4000-8000-0000000000a1', 'f5100000-0000-4000-8000-00000000000a', 'null');
INSERT INTO chronos.video_analytics_events (event_type, video_id, creator_id, metadata)
VALUES ('video_imported', 'f5300000-0000-4000-8000-0000000000a1', 'f5100000-0000-4000-8000-00000000000a', NULL);
SELECT count(*) AS events,
       count(*) FILTER (WHERE course_id IS NOT NULL) AS with_course,
       count(*) FILTER (WHERE session_id IS NOT NULL) AS with_session
  FROM chronos.video_analytics_events WHERE creator_id = 'f5100000-0000-4000-8000-00000000000a';
-- video_analytics: one row per video and day
INSERT INTO chronos.video_analytics (video_id, creator_id, "date", views, unique_viewers, completions, completion_rate)
VALUES ('f5300000-0000-4000-8000-0000000000a1', 'f5100000-0000-4000-8000-00000000000a', '2026-03-01', 10, 4, 2, 50);
SELECT to_char("date", 'YYYY-MM-DD') AS day, views, unique_viewers, total_watch_time_seconds, average_watch_time_seconds,
       completions, completion_rate, rewatches, ai_interactions, metadata
  FROM chronos.video_analytics WHERE video_id = 'f5300000-0000-4000-8000-0000000000a1';
INSERT INTO chronos.video_analytics (video_id, creator_id, "date")
VALUES ('f5300000-0000-4000-8000-0000000000a1', 'f5100000-0000-4000-8000-00000000000a', '2026-03-01');
INSERT INTO chronos.video_analytics (video_id, creator_id, "date")
VALUES ('f5300000-0000-4000-8000-0000000000a1', 'f5100000-0000-4000-8000-00000000000a', NULL);
-- the video must be the creator's
INSERT INTO chronos.video_analytics (video_id, creator_id, "date")
VALUES ('f5300000-0000-4000-8000-0000000000b1', 'f5100000-0000-4000-8000-00000000000a', '2026-03-02');
-- completion_rate 0..100
INSERT INTO chronos.video_analytics (video_id, creator_id, "date", completion_rate)
VALUES ('f5300000-0000-4000-8000-0000000000a1', 'f5100000-0000-4000-8000-00000000000a', '2026-03-02', 100.01);
INSERT INTO chronos.video_analytics (video_id, creator_id, "date", completion_rate)
VALUES ('f5300000-0000-4000-8000-0000000000a1', 'f5100000-0000-4000-8000-00000000000a', '2026-03-02', -0.01);
-- counts: never negative
INSERT INTO chronos.video_analytics (video_id, creator_id, "date", views)
VALUES ('f5300000-0000-4000-8000-0000000000a1', 'f5100000-0000-4000-8000-00000000000a', '2026-03-02', -1);
INSERT INTO chronos.video_analytics (video_id, creator_id, "date", unique_viewers)
VALUES ('f5300000-0000-4000-8000-0000000000a1', 'f5100000-0000-4000-8000-00000000000a', '2026-03-02', -1);
INSERT INTO chronos.video_analytics (video_id, creator_id, "date", total_watch_time_seconds)
VALUES ('f5300000-0000-4000-8000-0000000000a1', 'f5100000-0000-4000-8000-00000000000a', '2026-03-02', -1);
INSERT INTO chronos.video_analytics (video_id, creator_id, "date", average_watch_time_seconds)
VALUES ('f5300000-0000-4000-8000-0000000000a1', 'f5100000-0000-4000-8000-00000000000a', '2026-03-02', -0.5);
INSERT INTO chronos.video_analytics (video_id, creator_id, "date", completions)
VALUES ('f5300000-0000-4000-8000-0000000000a1', 'f5100000-0000-4000-8000-00000000000a', '2026-03-02', -1);
INSERT INTO chronos.video_analytics (video_id, creator_id, "date", rewatches)
VALUES ('f5300000-0000-4000-8000-0000000000a1', 'f5100000-0000-4000-8000-00000000000a', '2026-03-02', -1);
INSERT INTO chronos.video_analytics (video_id, creator_id, "date", ai_interactions)
VALUES ('f5300000-0000-4000-8000-0000000000a1', 'f5100000-0000-4000-8000-00000000000a', '2026-03-02', -1);
INSERT INTO chronos.video_analytics (video_id, creator_id, "date", views)
VALUES ('f5300000-0000-4000-8000-0000000000a1', 'f5100000-0000-4000-8000-00000000000a', '2026-03-02', NULL);
-- total_watch_time_seconds is a bigint: more than 68 years of watching fits
UPDATE chronos.video_analytics SET total_watch_time_seconds = 3000000000, completion_rate = 100
 WHERE video_id = 'f5300000-0000-4000-8000-0000000000a1' AND "date" = '2026-03-01';
-- metadata: a JSON object
INSERT INTO chronos.video_analytics (video_id, creator_id, "date", metadata)
VALUES ('f5300000-0000-4000-8000-0000000000a1', 'f5100000-0000-4000-8000-00000000000a', '2026-03-02', '"x"');
SELECT to_char("date", 'YYYY-MM-DD') AS day, views, total_watch_time_seconds, completion_rate
  FROM chronos.video_analytics WHERE creator_id = 'f5100000-0000-4000-8000-00000000000a';
-- clean up
DELETE FROM chronos.creators WHERE whop_company_id LIKE 'rules_events_%';
SELECT (SELECT count(*) FROM chronos.video_analytics_events WHERE video_id::text LIKE 'f5300000-0000-4000-8000-%') AS events,
       (SELECT count(*) FROM chronos.video_analytics WHERE video_id::text LIKE 'f5300000-0000-4000-8000-%') AS rollups;
