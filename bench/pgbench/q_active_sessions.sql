SELECT * FROM chronos.video_watch_sessions WHERE video_id = bench.video(:v) AND session_end IS NULL ORDER BY last_heartbeat_at DESC;
