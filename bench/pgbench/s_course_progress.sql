\set cs random(1, 10)
SELECT chronos.course_progress(bench.student(:cs), bench.course(1));
