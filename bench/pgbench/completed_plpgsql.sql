SELECT bench.has_student_completed_video_plpgsql(bench.student(:s), bench.video(:v));
