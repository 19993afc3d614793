SELECT bench.get_student_total_watch_time_plpgsql(bench.student(:s), bench.video(:v));
