-- test/citus/sessions.sql: watch sessions of both creators through chronos's
-- session functions, as the service: three sessions, heartbeats (after a
-- pause, so that the playback rate allows them; with sequence numbers, one
-- late and one delivered twice), one completed and ended, and a rewatch.  Prints only what does not depend on generated ids or the
-- clock.
SET chronos.max_playback_rate = 16;
SELECT chronos.start_watch_session('51000000-0000-4000-8000-0000000000a1', '70000000-0000-4000-8000-0000000000a1',
       'desktop', 'course_page', 'c5000000-0000-4000-8000-0000000000a1', '30000000-0000-4000-8000-0000000000a1') AS s1 \gset
SELECT chronos.start_watch_session('51000000-0000-4000-8000-0000000000a2', '70000000-0000-4000-8000-0000000000a2') AS s2 \gset
SELECT chronos.start_watch_session('51000000-0000-4000-8000-0000000000b1', '70000000-0000-4000-8000-0000000000b1', 'mobile') AS s3 \gset
SELECT pg_sleep(4.5) \g /dev/null
SELECT 'progress s1', (chronos.record_watch_progress(:'s1', 0, 40)).percent_complete;
SELECT 'progress s1', r.percent_complete, r.completed, r.watched FROM chronos.record_watch_progress(:'s1', 40, 96) r;
SELECT 'end s1', r.completed, r.session_end IS NOT NULL FROM chronos.end_watch_session(:'s1') r;
SELECT 'end s1 again', r.completed FROM chronos.end_watch_session(:'s1') r;
SELECT 'progress s2', r.percent_complete, r.watch_time_seconds, r.last_position_seconds FROM chronos.record_watch_progress(:'s2', 0, 50) r;
SELECT 'seq s2 2', r.watch_time_seconds, r.last_position_seconds, r.heartbeat_seqs FROM chronos.record_watch_progress(:'s2', 60, 70, 2) r;
SELECT 'seq s2 1 late', r.watch_time_seconds, r.last_position_seconds, r.heartbeat_seqs FROM chronos.record_watch_progress(:'s2', 50, 60, 1) r;
SELECT 'seq s2 2 again', r.watch_time_seconds, r.last_position_seconds, r.heartbeat_seqs FROM chronos.record_watch_progress(:'s2', 60, 70, 2) r;
SELECT 'progress s3', r.percent_complete, r.watched FROM chronos.record_watch_progress(:'s3', 0, 30) r;
SELECT 'progress s3 past end', (chronos.record_watch_progress(:'s3', 30, 61)).percent_complete;
SELECT 'progress on ended', (chronos.record_watch_progress(:'s1', 96, 99)).percent_complete;
SELECT 'rewatch', chronos.start_watch_session('51000000-0000-4000-8000-0000000000a1', '70000000-0000-4000-8000-0000000000a1') IS NOT NULL;
SELECT 'events', event_type, count(*) FROM chronos.video_analytics_events
 WHERE session_id IN (:'s1', :'s2', :'s3') OR event_type = 'video_rewatched' GROUP BY 2 ORDER BY 2;
SELECT 'pending', count(*) > 0 FROM chronos.video_analytics_pending;
SELECT 'stale none', chronos.close_stale_watch_sessions('1 hour');
SELECT 'stale all', chronos.close_stale_watch_sessions('0 seconds');
SELECT 'refresh', chronos.refresh_video_analytics();
SELECT 'refresh again', chronos.refresh_video_analytics();
SELECT 'rollup', v.title, a.views, a.unique_viewers, a.total_watch_time_seconds, a.completions, a.completion_rate, a.rewatches
  FROM chronos.video_analytics a JOIN chronos.videos v ON v.id = a.video_id ORDER BY v.title;
SELECT 'refresh since', chronos.refresh_video_analytics(now() - interval '3 days');
