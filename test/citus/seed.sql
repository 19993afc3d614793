-- test/citus/seed.sql: the content of the Citus suite, inserted by the
-- service: creators a and b (b in Asia/Tokyo), two students of each (the
-- Whop user learner_both learns from both), two videos each, a published and
-- an unpublished course of a with a module and lessons, and a published
-- course of b.  Ids: c0..-a (creators), 51..- (students), 7..- (videos),
-- c5..- (courses), 3..- (modules).
INSERT INTO chronos.creators (id, whop_company_id, whop_user_id, timezone) VALUES
  ('c0000000-0000-4000-8000-00000000000a', 'co_a', 'user_a', 'UTC'),
  ('c0000000-0000-4000-8000-00000000000b', 'co_b', 'user_b', 'Asia/Tokyo');
INSERT INTO chronos.students (id, creator_id, whop_user_id) VALUES
  ('51000000-0000-4000-8000-0000000000a1', 'c0000000-0000-4000-8000-00000000000a', 'learner_both'),
  ('51000000-0000-4000-8000-0000000000a2', 'c0000000-0000-4000-8000-00000000000a', 'learner_a2'),
  ('51000000-0000-4000-8000-0000000000b1', 'c0000000-0000-4000-8000-00000000000b', 'learner_both'),
  ('51000000-0000-4000-8000-0000000000b2', 'c0000000-0000-4000-8000-00000000000b', 'learner_b2');
INSERT INTO chronos.videos (id, creator_id, title, source_type, storage_path, duration_seconds) VALUES
  ('70000000-0000-4000-8000-0000000000a1', 'c0000000-0000-4000-8000-00000000000a', 'a one', 'upload', 'a1.mp4', 100),
  ('70000000-0000-4000-8000-0000000000a2', 'c0000000-0000-4000-8000-00000000000a', 'a two', 'upload', 'a2.mp4', 200),
  ('70000000-0000-4000-8000-0000000000b1', 'c0000000-0000-4000-8000-00000000000b', 'b one', 'upload', 'b1.mp4', 60),
  ('70000000-0000-4000-8000-0000000000b2', 'c0000000-0000-4000-8000-00000000000b', 'b two', 'upload', 'b2.mp4', NULL);
INSERT INTO chronos.courses (id, creator_id, title, is_published) VALUES
  ('c5000000-0000-4000-8000-0000000000a1', 'c0000000-0000-4000-8000-00000000000a', 'a published', true),
  ('c5000000-0000-4000-8000-0000000000a2', 'c0000000-0000-4000-8000-00000000000a', 'a draft', false),
  ('c5000000-0000-4000-8000-0000000000b1', 'c0000000-0000-4000-8000-00000000000b', 'b published', true);
INSERT INTO chronos.course_modules (id, course_id, title, display_order) VALUES
  ('30000000-0000-4000-8000-0000000000a1', 'c5000000-0000-4000-8000-0000000000a1', 'a m1', 1),
  ('30000000-0000-4000-8000-0000000000a2', 'c5000000-0000-4000-8000-0000000000a2', 'a draft m1', 1),
  ('30000000-0000-4000-8000-0000000000b1', 'c5000000-0000-4000-8000-0000000000b1', 'b m1', 1);
INSERT INTO chronos.module_lessons (module_id, video_id, lesson_order) VALUES
  ('30000000-0000-4000-8000-0000000000a1', '70000000-0000-4000-8000-0000000000a1', 1),
  ('30000000-0000-4000-8000-0000000000a1', '70000000-0000-4000-8000-0000000000a2', 2),
  ('30000000-0000-4000-8000-0000000000a2', '70000000-0000-4000-8000-0000000000a1', 1),
  ('30000000-0000-4000-8000-0000000000b1', '70000000-0000-4000-8000-0000000000b1', 1);
-- Watch sessions (written directly by the service, as an import would) and
-- events of both creators: session 5e..a1 completed a1, 5e..a2 is open.
INSERT INTO chronos.video_watch_sessions (id, video_id, student_id, creator_id, course_id, module_id,
       session_start, session_end, last_heartbeat_at, watch_time_seconds, percent_complete,
       last_position_seconds, watched, device_type) VALUES
  ('5e000000-0000-4000-8000-0000000000a1', '70000000-0000-4000-8000-0000000000a1', '51000000-0000-4000-8000-0000000000a1',
   'c0000000-0000-4000-8000-00000000000a', 'c5000000-0000-4000-8000-0000000000a1', '30000000-0000-4000-8000-0000000000a1',
   now() - interval '2 hours', now() - interval '1 hour', now() - interval '1 hour', 95, 95, 95, '{[0,95)}', 'desktop'),
  ('5e000000-0000-4000-8000-0000000000a2', '70000000-0000-4000-8000-0000000000a2', '51000000-0000-4000-8000-0000000000a2',
   'c0000000-0000-4000-8000-00000000000a', NULL, NULL,
   now() - interval '10 minutes', NULL, now() - interval '10 seconds', 50, 25, 50, '{[0,50)}', 'mobile'),
  ('5e000000-0000-4000-8000-0000000000b1', '70000000-0000-4000-8000-0000000000b1', '51000000-0000-4000-8000-0000000000b1',
   'c0000000-0000-4000-8000-00000000000b', 'c5000000-0000-4000-8000-0000000000b1', NULL,
   now() - interval '3 hours', now() - interval '3 hours' + interval '30 seconds', NULL, 30, 50, 30, '{[0,30)x2}', NULL);
INSERT INTO chronos.video_analytics_events (event_type, video_id, creator_id, student_id, session_id, course_id) VALUES
  ('video_started', '70000000-0000-4000-8000-0000000000a1', 'c0000000-0000-4000-8000-00000000000a',
   '51000000-0000-4000-8000-0000000000a1', '5e000000-0000-4000-8000-0000000000a1', 'c5000000-0000-4000-8000-0000000000a1'),
  ('video_completed', '70000000-0000-4000-8000-0000000000a1', 'c0000000-0000-4000-8000-00000000000a',
   '51000000-0000-4000-8000-0000000000a1', '5e000000-0000-4000-8000-0000000000a1', NULL),
  ('video_started', '70000000-0000-4000-8000-0000000000b1', 'c0000000-0000-4000-8000-00000000000b',
   '51000000-0000-4000-8000-0000000000b1', '5e000000-0000-4000-8000-0000000000b1', NULL);
-- usage (1.1): a's yesterday, with a video (an upload: a transcription
-- names its video's source), and b's (not at 1.0, which the update check
-- (g) of test/shell/citus.sh seeds); constants only, as Citus inserts them
SELECT pg_catalog.to_regclass('chronos.usage_metrics') IS NOT NULL AS seed_usage \gset
\if :seed_usage
INSERT INTO chronos.usage_metrics (creator_id, "date", kind, video_id, source, method, quantity, cost) VALUES
  ('c0000000-0000-4000-8000-00000000000a', current_date - 1, 'storage', '70000000-0000-4000-8000-0000000000a1', NULL, NULL, 1000000, 0.01),
  ('c0000000-0000-4000-8000-00000000000a', current_date - 1, 'transcription', '70000000-0000-4000-8000-0000000000a1',
   'upload', 'whisper', 7.5, 0.045),
  ('c0000000-0000-4000-8000-00000000000a', current_date - 1, 'chat', NULL, NULL, NULL, 12, 0.024),
  ('c0000000-0000-4000-8000-00000000000b', current_date - 1, 'chat', NULL, NULL, NULL, 5, 0.01);
\endif
