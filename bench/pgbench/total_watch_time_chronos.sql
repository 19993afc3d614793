SELECT chronos.get_student_total_watch_time(bench.student(:s), bench.video(:v));
