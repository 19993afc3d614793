-- test/citus/functions.sql: chronos's read functions, each on what the
-- seed and sessions.sql made; run under several identities (errors print
-- as their message: ON_ERROR_ROLLBACK keeps the transaction going).
SELECT 'total a1/a1', chronos.get_student_total_watch_time('51000000-0000-4000-8000-0000000000a1', '70000000-0000-4000-8000-0000000000a1');
SELECT 'highest a1/a1', chronos.get_student_highest_completion('51000000-0000-4000-8000-0000000000a1', '70000000-0000-4000-8000-0000000000a1');
SELECT 'completed a1/a1', chronos.has_student_completed_video('51000000-0000-4000-8000-0000000000a1', '70000000-0000-4000-8000-0000000000a1');
SELECT 'completed b1/b1', chronos.has_student_completed_video('51000000-0000-4000-8000-0000000000b1', '70000000-0000-4000-8000-0000000000b1');
SELECT 'resume a2/a2', chronos.get_resume_position('51000000-0000-4000-8000-0000000000a2', '70000000-0000-4000-8000-0000000000a2');
SELECT 'viewers a2', chronos.current_viewers('70000000-0000-4000-8000-0000000000a2');
SELECT 'retention a1', r.* FROM chronos.video_retention('70000000-0000-4000-8000-0000000000a1', 4) r;
SELECT 'retention b2', r.* FROM chronos.video_retention('70000000-0000-4000-8000-0000000000b2', 4) r;
SELECT 'progress a1', chronos.course_progress('51000000-0000-4000-8000-0000000000a1', 'c5000000-0000-4000-8000-0000000000a1');
SELECT 'progress a1 draft', chronos.course_progress('51000000-0000-4000-8000-0000000000a1', 'c5000000-0000-4000-8000-0000000000a2');
-- (rollups_updated_at is the time of the last refresh: only whether it is set)
-- (the peak's times are the sessions' own, made at a different moment on each)
SELECT 'dashboard a', d - 'rollups_updated_at' #- '{peak_concurrent_viewers,at}' #- '{peak_concurrent_viewers,until}',
       d ->> 'rollups_updated_at' IS NOT NULL
  FROM chronos.creator_dashboard('c0000000-0000-4000-8000-00000000000a', current_date - 1, current_date + 1) d;
SELECT 'dashboard b', d - 'rollups_updated_at' #- '{peak_concurrent_viewers,at}' #- '{peak_concurrent_viewers,until}',
       d ->> 'rollups_updated_at' IS NOT NULL
  FROM chronos.creator_dashboard('c0000000-0000-4000-8000-00000000000b', current_date - 1, current_date + 1) d;
-- chronos 1.1's audience analytics and xAPI export (issue 17)
SELECT 'dropoff a1', r.* FROM chronos.video_dropoff('70000000-0000-4000-8000-0000000000a1', 4) r;
SELECT 'relative retention a1', r.* FROM chronos.video_relative_retention('70000000-0000-4000-8000-0000000000a1', 4) r;
SELECT 'relative retention a2', r.* FROM chronos.video_relative_retention('70000000-0000-4000-8000-0000000000a2', 4) r;
-- (the times of peaks and intervals are the sessions' own or the clock's,
-- made at a different moment on each: only the counts)
SELECT 'peak a', p.peak FROM chronos.peak_concurrent_viewers('c0000000-0000-4000-8000-00000000000a',
       now() - interval '1 day', now() + interval '1 day') p;
SELECT 'peak a1', p.peak FROM chronos.peak_concurrent_viewers('c0000000-0000-4000-8000-00000000000a',
       now() - interval '1 day', now() + interval '1 day', '70000000-0000-4000-8000-0000000000a1') p;
SELECT 'peak b', p.peak FROM chronos.peak_concurrent_viewers('c0000000-0000-4000-8000-00000000000b',
       now() - interval '1 day', now() + interval '1 day') p;
SELECT 'series a', count(*), max(s.viewers), max(s.peak) FROM chronos.concurrent_viewers_series('c0000000-0000-4000-8000-00000000000a',
       now() - interval '1 day', now() + interval '1 day', '12 hours') s;
-- (the statements' timestamps are the sessions' own: ids, verbs, results
-- and contexts; the sessions sessions.sql made have ids of their own on
-- each: counts by verb)
SELECT 'xapi 5e..a1', x ->> 'id', x -> 'verb' ->> 'id', x -> 'actor', x -> 'object', x -> 'result', x -> 'context'
  FROM chronos.session_xapi('5e000000-0000-4000-8000-0000000000a1') WITH ORDINALITY AS t (x, n) ORDER BY n;
SELECT 'xapi 5e..a2', x ->> 'id', x -> 'verb' ->> 'id', x -> 'result', x -> 'context'
  FROM chronos.session_xapi('5e000000-0000-4000-8000-0000000000a2') WITH ORDINALITY AS t (x, n) ORDER BY n;
SELECT 'xapi 5e..b1', x ->> 'id', x -> 'verb' ->> 'id', x -> 'result'
  FROM chronos.session_xapi('5e000000-0000-4000-8000-0000000000b1') WITH ORDINALITY AS t (x, n) ORDER BY n;
SELECT 'xapi statements a', x -> 'verb' ->> 'id', count(*), count(DISTINCT x ->> 'id')
  FROM chronos.xapi_statements('c0000000-0000-4000-8000-00000000000a', '-infinity') x GROUP BY 2 ORDER BY 2;
SELECT 'xapi statements b', x -> 'verb' ->> 'id', count(*)
  FROM chronos.xapi_statements('c0000000-0000-4000-8000-00000000000b', now() - interval '1 day') x GROUP BY 2 ORDER BY 2;
-- record_usage (1.1, the service only): a report and its retry, one row
SELECT 'usage a', (chronos.record_usage('c0000000-0000-4000-8000-00000000000a', current_date, 'embedding', 4000, 0.0004)).quantity;
SELECT 'usage a retried', (chronos.record_usage('c0000000-0000-4000-8000-00000000000a', current_date, 'embedding', 4000, 0.0004)).quantity;
SELECT 'usage a rows', count(*) FROM chronos.usage_metrics WHERE creator_id = 'c0000000-0000-4000-8000-00000000000a' AND "date" = current_date;
SELECT 'usage a dashboard', d -> 'usage_totals', d -> 'video_costs'
  FROM chronos.creator_dashboard('c0000000-0000-4000-8000-00000000000a', current_date - 1, current_date + 1) d;
-- Last: a write through chronos (as the extension's owner).  On Citus, reads
-- as the caller after it in the same transaction (every function above that
-- answers as the caller) are refused: "cannot perform query on placements
-- that were modified in this transaction by a different user".
SELECT 'event by a', chronos.track_video_event('video_added_to_course', '70000000-0000-4000-8000-0000000000a2',
       'c0000000-0000-4000-8000-00000000000a', p_course_id => 'c5000000-0000-4000-8000-0000000000a1') IS NOT NULL;
