SELECT EXISTS (SELECT 1 FROM chronos.video_watch_sessions WHERE student_id = bench.student(:s) AND video_id = bench.video(:v) AND completed);
