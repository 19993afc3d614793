SELECT COALESCE(MAX(percent_complete), 0) FROM chronos.video_watch_sessions WHERE student_id = bench.student(:s) AND video_id = bench.video(:v);
