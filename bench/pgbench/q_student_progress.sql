SELECT * FROM chronos.video_watch_sessions WHERE student_id = bench.student(:s) AND video_id = bench.video(:v) ORDER BY session_start DESC;
