SELECT bench.get_student_total_watch_time_sql(bench.student(:s), bench.video(:v));
