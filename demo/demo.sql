-- demo/demo.sql: the demo: chronos's data set, and what its users see.
--
-- demo/run.sh runs this file with psql as the superuser, in database
-- chronos_demo where CREATE EXTENSION chronos has already run.  It loads
-- demo/data.sql (the data set: creators, students, videos, courses,
-- sessions, events, and the calls the application makes), then prints what
-- three kinds of caller see: the service (the superuser, who sees
-- everything), a creator and a student, each of the latter two as the role
-- authenticated with JWT claims, exactly as PostgREST calls chronos, so that
-- row-level security decides what they see.  Pictures are drawn with text;
-- with -v svg_dir=DIR (bash demo/run.sh --svg DIR) the retention curve and the
-- weekly heatmap are also written to DIR/retention.svg and DIR/heatmap.svg.
--
-- Layout: data (\ir data.sql); 1. the service's view; 2. who sees what;
-- 3. the creator's view (dashboard, views per day, heatmap, retention);
-- 4. the student's view; 5. storage; 6. the SVG files.

\ir data.sql

\pset footer off
\pset null '-'

-- as CALLER: what PostgREST does at the start of a request's transaction
\set as_maya 'SELECT set_config(''role'', ''authenticated'', true), set_config(''request.jwt.claims'', ''{"role": "authenticated", "sub": "user_maya"}'', true) \\g /dev/null'
\set as_chloe 'SELECT set_config(''role'', ''authenticated'', true), set_config(''request.jwt.claims'', ''{"role": "authenticated", "sub": "user_chloe"}'', true) \\g /dev/null'
\set as_anon 'SELECT set_config(''role'', ''anon'', true) \\g /dev/null'

-- 1. the service's view ---------------------------------------------------------

\echo '1. The platform, as the service sees it (psql as postgres, a superuser)'
\echo '======================================================================='
\echo
\echo 'Creators'
\echo '--------'
SELECT c.name AS creator, c.whop_user_id AS "user", c.timezone, c.subscription_tier AS tier,
       (SELECT count(*) FROM chronos.students s WHERE s.creator_id = c.id) AS students,
       (SELECT count(*) FROM chronos.videos v WHERE v.creator_id = c.id) AS videos,
       (SELECT count(*) FROM chronos.courses co WHERE co.creator_id = c.id) AS courses,
       (SELECT count(*) FROM chronos.video_watch_sessions w WHERE w.creator_id = c.id) AS sessions,
       (SELECT count(*) FROM chronos.video_analytics_events e WHERE e.creator_id = c.id) AS events
FROM chronos.creators c
ORDER BY c.name;

\echo 'Students (one Whop user, user_ana, learns from both creators: two rows)'
\echo '-----------------------------------------------------------------------'
SELECT s.name AS student, s.whop_user_id AS "user", c.name AS creator, s.whop_membership_id AS membership
FROM chronos.students s
JOIN chronos.creators c ON c.id = s.creator_id
ORDER BY s.name, c.name;

\echo 'Course outline'
\echo '--------------'
SELECT co.title AS course, m.display_order || '. ' || m.title AS module,
       l.lesson_order AS lesson, coalesce(l.title, v.title) AS title,
       v.source_type AS source,
       coalesce(v.youtube_video_id, v.mux_playback_id, v.embed_id, v.storage_path) AS source_id,
       to_char(make_interval(secs => v.duration_seconds), 'MI:SS') AS length,
       CASE WHEN l.is_required THEN 'yes' ELSE 'no' END AS required
FROM chronos.courses co
JOIN chronos.creators c ON c.id = co.creator_id
JOIN chronos.course_modules m ON m.course_id = co.id
JOIN chronos.module_lessons l ON l.module_id = m.id
JOIN chronos.videos v ON v.id = l.video_id
ORDER BY c.name, co.display_order, co.title, m.display_order, l.lesson_order;

\echo 'Watch sessions (times in the creator''s time zone)'
\echo '--------------------------------------------------'
SELECT st.name AS student, v.title AS video,
       w.percent_complete || '%' AS covered,
       CASE WHEN w.completed THEN 'yes' ELSE 'no' END AS completed,
       to_char(make_interval(secs => w.watch_time_seconds), 'MI:SS') AS watch_time,
       w.device_type AS device,
       to_char(w.session_start AT TIME ZONE c.timezone, 'Dy Mon DD HH24:MI') AS started
FROM chronos.video_watch_sessions w
JOIN chronos.students st ON st.id = w.student_id
JOIN chronos.creators c ON c.id = w.creator_id
JOIN chronos.videos v ON v.id = w.video_id
ORDER BY st.name, c.name, w.session_start;

\echo 'Chloe''s live session, recorded by numbered heartbeats (heartbeat 3 was sent twice; it counted once)'
\echo '----------------------------------------------------------------------------------------------------'
SELECT w.watched, chronos.coverage(w.watched) AS distinct_seconds, w.watch_time_seconds,
       w.heartbeat_seqs, w.percent_complete || '%' AS covered, w.completed,
       w.last_position_seconds AS resume_at
FROM chronos.video_watch_sessions w WHERE w.id = :'live_session';
SELECT e.event_type, e.metadata
FROM chronos.video_analytics_events e WHERE e.session_id = :'live_session'
ORDER BY e.created_at, e.event_type, e.metadata->>'milestone';

-- 2. who sees what ---------------------------------------------------------------

\set count_rows 'SELECT (SELECT count(*) FROM chronos.students) AS students, (SELECT count(*) FROM chronos.videos) AS videos, (SELECT count(*) FROM chronos.courses) AS courses, (SELECT count(*) FROM chronos.video_watch_sessions) AS sessions, (SELECT count(*) FROM chronos.video_analytics_events) AS events, (SELECT count(*) FROM chronos.video_analytics) AS rollups'
:count_rows \gset svc_
BEGIN;
:as_maya
:count_rows \gset maya_
COMMIT;
BEGIN;
:as_chloe
:count_rows \gset chloe_
COMMIT;
BEGIN;
:as_anon
:count_rows \gset anon_
COMMIT;

\echo '2. Row-level security: the same six counts, run by four callers'
\echo '==============================================================='
\echo 'Maya and Chloe run as the role authenticated with their JWT claims (sub = their Whop user id), as PostgREST runs them.'
SELECT * FROM (VALUES
    ('the service (postgres)',          :svc_students,   :svc_videos,   :svc_courses,   :svc_sessions,   :svc_events,   :svc_rollups),
    ('Maya, creator {"sub": "user_maya"}', :maya_students,  :maya_videos,  :maya_courses,  :maya_sessions,  :maya_events,  :maya_rollups),
    ('Chloe, student {"sub": "user_chloe"}', :chloe_students, :chloe_videos, :chloe_courses, :chloe_sessions, :chloe_events, :chloe_rollups),
    ('anon (no claims)',                :anon_students,  :anon_videos,  :anon_courses,  :anon_sessions,  :anon_events,  :anon_rollups)
) AS t(caller, students, videos, courses, sessions, events, rollups);

-- 3. the creator's view ------------------------------------------------------------

BEGIN;
:as_maya
SELECT (now() AT TIME ZONE timezone)::date AS today FROM chronos.creators WHERE id = :'c_ny' \gset
SELECT chronos.creator_dashboard(:'c_ny', :'today'::date - 13, :'today'::date) AS d \gset

\echo '3. Maya''s view (role authenticated, claims {"sub": "user_maya"}): her dashboard for the last 14 days'
\echo '===================================================================================================='
\echo
\echo 'Totals'
\echo '------'
SELECT t.key AS measure, t.value AS value
FROM jsonb_each(:'d'::jsonb -> 'totals') AS t
ORDER BY array_position(ARRAY['views', 'unique_viewers', 'active_learners', 'videos_watched', 'watch_time_seconds',
                              'average_watch_time_seconds', 'completions', 'completion_rate', 'rewatches'], t.key), t.key;

\echo 'Her videos'
\echo '----------'
SELECT x.title, x.views, x.unique_viewers AS viewers, x.watch_time_seconds AS watch_s,
       x.completions, x.completion_rate AS "completion %", x.engagement_score AS engagement
FROM jsonb_to_recordset(:'d'::jsonb -> 'videos')
     AS x(title text, views int, unique_viewers int, watch_time_seconds int, completions int,
          completion_rate numeric, engagement_score numeric)
ORDER BY x.engagement_score DESC, x.title;

\echo 'Views per day (her local days)'
\echo '------------------------------'
SELECT to_char(x.date, 'Dy DD Mon') AS day, x.views,
       repeat('█', x.views * 4) AS " "
FROM jsonb_to_recordset(:'d'::jsonb -> 'daily') AS x(date date, views int)
ORDER BY x.date;

\echo 'When her students start watching: sessions by weekday and hour, America/New_York (· = none)'
\echo '--------------------------------------------------------------------------------------------'
SELECT day, hours FROM (
SELECT 'hour' AS day, string_agg(lpad(h::text, 3), '' ORDER BY h) AS hours, 0 AS dow
FROM generate_series(0, 23) AS h
UNION ALL
SELECT (ARRAY['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'])[r.dow],
       string_agg(CASE WHEN c.n = 0 THEN '  ·' ELSE lpad(c.n::text, 3) END, '' ORDER BY c.hour), r.dow
FROM jsonb_array_elements(:'d'::jsonb -> 'heatmap') WITH ORDINALITY AS r(hours, dow)
CROSS JOIN LATERAL jsonb_array_elements_text(r.hours) WITH ORDINALITY AS c0(n_text, hour)
CROSS JOIN LATERAL (SELECT c0.n_text::int AS n, c0.hour) AS c
GROUP BY r.dow
) AS t ORDER BY dow \g (tuples_only=on)
\echo

\echo 'Audience retention of "Variables and types" (13:00, 10 buckets): █ reach, the share of sessions that played the part; ░ plays above reach: rewatching'
\echo '------------------------------------------------------------------------------------------------------------------------------------------------------'
SELECT r.bucket, to_char(make_interval(secs => r.start_seconds), 'MI:SS') AS "from", r.reach, r.plays,
       repeat('█', round(r.reach * 30)::int) || repeat('░', round((r.plays - r.reach) * 30)::int) AS " "
FROM chronos.video_retention(:'v_mux', 10) AS r
ORDER BY r.bucket;
COMMIT;

-- 4. the student's view -------------------------------------------------------------

\echo '4. Chloe''s view (role authenticated, claims {"sub": "user_chloe"})'
\echo '=================================================================='
\echo
BEGIN;
:as_chloe
\echo 'Her sessions: she sees only her own, and resumes where she stopped'
\echo '------------------------------------------------------------------'
SELECT v.title AS video, w.percent_complete || '%' AS covered, w.completed,
       chronos.get_resume_position(w.student_id, w.video_id) AS resume_at
FROM chronos.video_watch_sessions w JOIN chronos.videos v ON v.id = w.video_id
ORDER BY v.title;

SELECT chronos.course_progress(:'s_chloe_ny', :'course_python') AS p \gset
\echo 'Her progress in "Python from Zero" (chronos.course_progress)'
\echo '------------------------------------------------------------'
SELECT 'the course' AS part, (:'p'::jsonb ->> 'lessons')::int AS lessons,
       (:'p'::jsonb ->> 'completed_required_lessons') || ' of ' || (:'p'::jsonb ->> 'required_lessons') AS "required done",
       (:'p'::jsonb ->> 'percent_complete') || '%' AS progress, (:'p'::jsonb ->> 'completed')::boolean AS completed
UNION ALL
SELECT x.title, x.lessons, x.completed_required_lessons || ' of ' || x.required_lessons,
       x.percent_complete || '%', x.completed
FROM jsonb_to_recordset(:'p'::jsonb -> 'modules')
     AS x(title text, lessons int, required_lessons int, completed_required_lessons int,
          percent_complete numeric, completed boolean);

\echo 'She asks for Maya''s dashboard: refused (42501), she is a student, not the creator'
\echo '---------------------------------------------------------------------------------'
\set ON_ERROR_STOP off
\set VERBOSITY terse
SAVEPOINT refused;
SELECT chronos.creator_dashboard(:'c_ny', current_date - 6, current_date) IS NOT NULL AS dashboard;
ROLLBACK TO SAVEPOINT refused;
\set VERBOSITY default
\set ON_ERROR_STOP on
COMMIT;
\echo

-- 5. storage -----------------------------------------------------------------------

\echo '5. Event storage: one partition per month (UTC), made by maintain_event_partitions()'
\echo '===================================================================================='
SELECT c.relname AS "partition", pg_catalog.pg_get_expr(c.relpartbound, c.oid) AS bounds,
       (SELECT count(*) FROM chronos.video_analytics_events e WHERE e.tableoid = c.oid) AS events
FROM pg_catalog.pg_inherits i JOIN pg_catalog.pg_class c ON c.oid = i.inhrelid
WHERE i.inhparent = 'chronos.video_analytics_events'::regclass
ORDER BY c.relname;

\echo 'Analytics events by type'
\echo '------------------------'
SELECT e.event_type, count(*) AS events,
       count(DISTINCT e.student_id) AS students,
       count(DISTINCT e.video_id) AS videos
FROM chronos.video_analytics_events e
GROUP BY e.event_type
ORDER BY e.event_type;

-- 6. the SVG files (bash demo/run.sh --svg DIR) ------------------------------------

\if :{?svg_dir}
\ir svg.sql
\endif
