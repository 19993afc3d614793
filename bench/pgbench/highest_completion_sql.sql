SELECT bench.get_student_highest_completion_sql(bench.student(:s), bench.video(:v));
