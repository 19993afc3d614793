-- bench/sql/refresh.sql: refresh_video_analytics, full and incremental, timed
-- inside the server (bench.timed), into bench.speed.  Run by bench/run.sh as
-- the superuser (the service).  psql variables: full_reps, reps, n (new
-- sessions per repetition), nc, nv, ns.
--
-- The generator writes sessions with triggers off and so logs no rollup
-- work: first a full refresh, refresh_video_analytics('2000-01-01'), which
-- recomputes every (video, day) and is timed :full_reps times.  Then, :reps
-- times: :n new sessions through start_watch_session, each with one
-- heartbeat of 20 s (record_watch_progress), on uniformly drawn videos by
-- students of their creators, committed; then the incremental refresh,
-- refresh_video_analytics(), which recomputes only the (video, day) rows the
-- session functions logged in video_analytics_pending.  Each statement is
-- its own transaction (\gexec in autocommit).

\set ON_ERROR_STOP 1
SET synchronous_commit = off;

SELECT format('SELECT bench.timed(%L, %s, %L)', 'full refresh', r,
              $q$SELECT chronos.refresh_video_analytics('2000-01-01')$q$)
FROM generate_series(1, :full_reps) r
\gexec

-- the sessions the full refresh read, for the comparison
INSERT INTO bench.speed SELECT 'sessions', 0, 0, (SELECT count(*) FROM chronos.video_watch_sessions) WHERE :full_reps > 0;

VACUUM (ANALYZE) chronos.video_analytics, chronos.video_analytics_pending;

SELECT unnest(ARRAY[
    format($q$SELECT count(chronos.record_watch_progress(
                  chronos.start_watch_session(
                      bench.student(bench.student_of(b.c, bench.h(i, 5) %% bench.students_of(b.c, %2$s, %3$s), %2$s, %3$s)),
                      bench.video(a.v), 'desktop', 'course_page'), 0, 20))
              FROM generate_series(%4$s, %5$s) i,
                   LATERAL (SELECT 1 + bench.h(i, 4) %% %1$s AS v) a,
                   LATERAL (SELECT bench.video_creator(a.v, %1$s, %3$s) AS c) b$q$,
           :nv, :ns, :nc, (r - 1) * :n + 1, r * :n),
    format('SELECT bench.timed(%L, %s, %L)', 'incremental refresh', r,
           'SELECT chronos.refresh_video_analytics()')])
FROM generate_series(1, :reps) r
\gexec
