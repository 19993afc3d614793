SELECT bench.has_student_completed_video_sql(bench.student(:s), bench.video(:v));
