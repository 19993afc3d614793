SELECT chronos.get_student_highest_completion(bench.student(:s), bench.video(:v));
