SELECT COALESCE(SUM(watch_time_seconds), 0)::integer FROM chronos.video_watch_sessions WHERE student_id = bench.student(:s) AND video_id = bench.video(:v);
