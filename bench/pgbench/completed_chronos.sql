SELECT chronos.has_student_completed_video(bench.student(:s), bench.video(:v));
