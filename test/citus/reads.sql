-- test/citus/reads.sql: what the caller sees of every table, per creator
-- (a, b), one line per table; run by test/shell/citus.sh under each
-- identity, on one node and on the cluster, and the outputs compared.
SELECT 'creators', count(*) FILTER (WHERE id = 'c0000000-0000-4000-8000-00000000000a'),
       count(*) FILTER (WHERE id = 'c0000000-0000-4000-8000-00000000000b') FROM chronos.creators;
SELECT 'students', count(*) FILTER (WHERE creator_id = 'c0000000-0000-4000-8000-00000000000a'),
       count(*) FILTER (WHERE creator_id = 'c0000000-0000-4000-8000-00000000000b') FROM chronos.students;
SELECT 'videos', count(*) FILTER (WHERE creator_id = 'c0000000-0000-4000-8000-00000000000a'),
       count(*) FILTER (WHERE creator_id = 'c0000000-0000-4000-8000-00000000000b') FROM chronos.videos;
SELECT 'courses', count(*) FILTER (WHERE creator_id = 'c0000000-0000-4000-8000-00000000000a'),
       count(*) FILTER (WHERE creator_id = 'c0000000-0000-4000-8000-00000000000b') FROM chronos.courses;
SELECT 'course_modules', count(*) FILTER (WHERE creator_id = 'c0000000-0000-4000-8000-00000000000a'),
       count(*) FILTER (WHERE creator_id = 'c0000000-0000-4000-8000-00000000000b') FROM chronos.course_modules;
SELECT 'module_lessons', count(*) FILTER (WHERE creator_id = 'c0000000-0000-4000-8000-00000000000a'),
       count(*) FILTER (WHERE creator_id = 'c0000000-0000-4000-8000-00000000000b') FROM chronos.module_lessons;
SELECT 'video_watch_sessions', count(*) FILTER (WHERE creator_id = 'c0000000-0000-4000-8000-00000000000a'),
       count(*) FILTER (WHERE creator_id = 'c0000000-0000-4000-8000-00000000000b') FROM chronos.video_watch_sessions;
SELECT 'video_analytics_events', count(*) FILTER (WHERE creator_id = 'c0000000-0000-4000-8000-00000000000a'),
       count(*) FILTER (WHERE creator_id = 'c0000000-0000-4000-8000-00000000000b') FROM chronos.video_analytics_events;
SELECT 'video_analytics', count(*) FILTER (WHERE creator_id = 'c0000000-0000-4000-8000-00000000000a'),
       count(*) FILTER (WHERE creator_id = 'c0000000-0000-4000-8000-00000000000b') FROM chronos.video_analytics;
SELECT 'usage_metrics', count(*) FILTER (WHERE creator_id = 'c0000000-0000-4000-8000-00000000000a'),
       count(*) FILTER (WHERE creator_id = 'c0000000-0000-4000-8000-00000000000b') FROM chronos.usage_metrics;
-- a write past the policies: every session the caller may update (only the
-- service may); rolled back by the caller's transaction
WITH u AS (UPDATE chronos.video_watch_sessions SET metadata = '{"touched": true}' RETURNING 1)
SELECT 'sessions updated', count(*) FROM u;
