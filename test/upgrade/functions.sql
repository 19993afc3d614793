-- test/upgrade/functions.sql: chronos's functions at work on the data
-- test/shell/upgrade.sh loads with test/fixtures/platform_data.sql (two
-- creators, four students and four videos each, role chronos_upgrade_app,
-- the same :t0), as text that test/shell/upgrade.sh compares between
-- a fresh database and an updated (and a restored) one holding the same data.
--
--   psql -X -At -v ON_ERROR_STOP=1 -v t0=... -f test/upgrade/functions.sql -d DB
--
-- First it writes through the functions (a new session from start to end, an
-- event, a batch of events, a replayed event id, a full rollup refresh), then
-- it prints what the read functions answer, keyed by names, never by the
-- random ids of sessions and events nor by the clock of the run: every
-- answer here depends on :t0 and on the data only.  Uses only what 1.0 has.

\set ON_ERROR_STOP on
SET client_min_messages = warning;
SELECT set_config('chronos_upgrade.t0', :'t0', false) IS NULL AS t0_set \gset

-- writes: a student's new session, as the student
SET ROLE chronos_upgrade_app;
SELECT set_config('request.jwt.claims', json_build_object('student_id', md5('student1-2')::uuid)::text, false)
    IS NULL AS claims_set \gset
SELECT set_config('chronos_upgrade.sid', chronos.start_watch_session(md5('student1-2')::uuid,
           md5('video1-1')::uuid, 'tablet', 'search')::text, false) IS NULL AS started \gset
RESET ROLE;
UPDATE chronos.video_watch_sessions
   SET session_start = current_setting('chronos_upgrade.t0')::timestamptz - interval '3 hours'
 WHERE id = current_setting('chronos_upgrade.sid')::uuid;
SET ROLE chronos_upgrade_app;
SELECT 'heartbeat', w.percent_complete, w.watch_time_seconds, w.last_position_seconds, w.completed, w.watched
  FROM chronos.record_watch_progress(current_setting('chronos_upgrade.sid')::uuid, 0, 30) w;
SELECT 'heartbeat', w.percent_complete, w.watch_time_seconds, w.last_position_seconds, w.completed, w.watched
  FROM chronos.record_watch_progress(current_setting('chronos_upgrade.sid')::uuid, 100, 160.5) w;
SELECT 'end_session', e.percent_complete, e.watch_time_seconds, e.session_end IS NOT NULL, e.watched
  FROM chronos.end_watch_session(current_setting('chronos_upgrade.sid')::uuid) e;
SELECT 'end_session_again', e.watch_time_seconds
  FROM chronos.end_watch_session(current_setting('chronos_upgrade.sid')::uuid) e;
SELECT 'batch', chronos.track_video_events(jsonb_build_array(
    jsonb_build_object('event_type', 'video_paused', 'video_id', md5('video1-1')::uuid,
                       'creator_id', md5('creator1')::uuid, 'student_id', md5('student1-2')::uuid,
                       'session_id', current_setting('chronos_upgrade.sid')::uuid,
                       'timestamp', current_setting('chronos_upgrade.t0')::timestamptz - interval '2 hours',
                       'event_id', md5('after-paused')::uuid),
    jsonb_build_object('event_type', 'video_resumed', 'video_id', md5('video1-1')::uuid,
                       'creator_id', md5('creator1')::uuid, 'student_id', md5('student1-2')::uuid,
                       'timestamp', current_setting('chronos_upgrade.t0')::timestamptz - interval '2 hours')));
-- a creator's event, and a replay of one loaded before
SELECT set_config('request.jwt.claims', json_build_object('creator_id', md5('creator2')::uuid)::text, false)
    IS NULL AS claims_set \gset
SELECT 'event', chronos.track_video_event('video_transcribed', md5('video2-4')::uuid, md5('creator2')::uuid,
           p_metadata => '{"transcript_method": "whisper", "cost_usd": 0.3}',
           p_timestamp => current_setting('chronos_upgrade.t0')::timestamptz - interval '1 hour',
           p_event_id => md5('after-transcribed')::uuid) = md5('after-transcribed')::uuid;
SELECT 'replay', chronos.track_video_event('video_imported', md5('video2-1')::uuid, md5('creator2')::uuid,
           p_metadata => '{"source": "youtube"}',
           p_timestamp => current_setting('chronos_upgrade.t0')::timestamptz - interval '40 days',
           p_event_id => md5('imported' || md5('video2-1')::uuid)::uuid) = md5('imported' || md5('video2-1')::uuid)::uuid;
-- row-level security: what a creator sees
SELECT 'creator_sees', (SELECT count(*) FROM chronos.videos), (SELECT count(*) FROM chronos.video_watch_sessions),
       (SELECT count(DISTINCT creator_id) FROM chronos.video_analytics_events);
RESET ROLE;
SELECT set_config('request.jwt.claims', '', false) IS NULL AS claims_reset \gset

-- the incremental refresh, then a full recompute: the same rollups
SELECT 'refresh_incremental', chronos.refresh_video_analytics() >= 0;
SELECT md5(string_agg(format('%s %s %s %s %s %s %s', video_id, "date", views, unique_viewers,
                             total_watch_time_seconds, completions, completion_rate), ',' ORDER BY video_id, "date"))
    AS incremental
  FROM chronos.video_analytics \gset
SELECT 'refresh_full', chronos.refresh_video_analytics(current_setting('chronos_upgrade.t0')::timestamptz - interval '60 days') > 0;
SELECT 'incremental_equals_full', md5(string_agg(format('%s %s %s %s %s %s %s', video_id, "date", views, unique_viewers,
                             total_watch_time_seconds, completions, completion_rate), ',' ORDER BY video_id, "date"))
       = :'incremental'
  FROM chronos.video_analytics;

-- reads, keyed by names
SELECT 'rollup', v.title, a."date", a.views, a.unique_viewers, a.total_watch_time_seconds,
       a.average_watch_time_seconds, a.completions, a.completion_rate, a.rewatches
  FROM chronos.video_analytics a JOIN chronos.videos v ON v.id = a.video_id
 ORDER BY v.title, a."date";

-- (less rollups_updated_at: when the last refresh ran; and 1.1's
-- peak_concurrent_viewers, whose stretch may end when the session written
-- above ended, at the clock of the run)
SELECT 'dashboard', c.name,
       chronos.creator_dashboard(c.id, (current_setting('chronos_upgrade.t0')::timestamptz - interval '45 days')::date,
                                 current_setting('chronos_upgrade.t0')::date) - 'rollups_updated_at'
           - 'peak_concurrent_viewers'
  FROM chronos.creators c ORDER BY c.name;

SELECT 'course_progress', s.email, co.title, chronos.course_progress(s.id, co.id)
  FROM chronos.students s JOIN chronos.courses co ON co.creator_id = s.creator_id
 ORDER BY s.email, co.title;

SELECT 'retention', v.title, r.bucket, r.start_seconds, r.reach, r.plays
  FROM chronos.videos v, chronos.video_retention(v.id, 8) r
 WHERE v.duration_seconds IS NOT NULL
 ORDER BY v.title, r.bucket;

SELECT 'retention_agg', v.title,
       chronos.retention_agg(w.watched, coalesce(v.duration_seconds, 400), 5)
  FROM chronos.videos v JOIN chronos.video_watch_sessions w ON w.video_id = v.id
 GROUP BY v.title ORDER BY v.title;

SELECT 'student_video', s.email, v.title,
       chronos.get_student_total_watch_time(s.id, v.id), chronos.get_student_highest_completion(s.id, v.id),
       chronos.has_student_completed_video(s.id, v.id), chronos.get_resume_position(s.id, v.id)
  FROM chronos.students s JOIN chronos.videos v ON v.creator_id = s.creator_id
 ORDER BY s.email, v.title;

SELECT 'sessions', v.title, s.email, w.percent_complete, w.watch_time_seconds, w.watch_time_ms, w.completed,
       w.last_position_seconds, w.watched, chronos.coverage(w.watched), chronos.watch_ranges_plays(w.watched),
       chronos.range_count(w.watched), w.session_end IS NULL AS open, w.session_start, w.device_type, w.referrer_type
  FROM chronos.video_watch_sessions w
  JOIN chronos.videos v ON v.id = w.video_id JOIN chronos.students s ON s.id = w.student_id
 ORDER BY v.title, s.email, w.session_start;

SELECT 'events', v.title, e.event_type, count(*), count(e.session_id), count(DISTINCT e.metadata)
  FROM chronos.video_analytics_events e JOIN chronos.videos v ON v.id = e.video_id
 GROUP BY v.title, e.event_type ORDER BY v.title, e.event_type::text;

SELECT 'pending', count(*) FROM chronos.video_analytics_pending;
