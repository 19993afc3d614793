SELECT bench.get_student_highest_completion_plpgsql(bench.student(:s), bench.video(:v));
