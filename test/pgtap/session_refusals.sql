-- Every refusal of the watch-session functions, with its errcode, as the
-- service (this superuser): missing arguments (22004), bad values and
-- ranges, ranges past the end, ended sessions, the speed guard (22023),
-- unknown or foreign references (23503), the 1024-range limit (54000); and
-- that a refused call writes nothing, neither to the sessions nor to the
-- event stream.  The messages are in test/sql/session_errors.sql; refusals
-- of the caller (42501) in session_security.sql.  Ids: prefix 5e2.
SET client_min_messages = warning;
BEGIN;
SELECT plan(49);

\set ids '5e200000-0000-4000-800%s-%s'
\set kinds 012346
\set creators 'a b'
\set students 'a1 b1'
\set videos 'a1=100 a3=3000 a0 b1=100'
\set courses 'a1 a2 b1'
\set modules 'a1 a2 b1'
\ir ../fixtures/people.sql
\ir ../fixtures/catalog.sql

-- open: an hour old, [0,10) played; ended: ended; fresh: started now;
-- many: 1024 separate ranges on the 3000 s video
SELECT chronos.start_watch_session('5e200000-0000-4000-8001-0000000000a1', '5e200000-0000-4000-8002-0000000000a1') AS open \gset
UPDATE chronos.video_watch_sessions SET session_start = now() - interval '1 hour' WHERE id = :'open';
SELECT chronos.record_watch_progress(:'open', 0, 10) \g /dev/null
SELECT chronos.start_watch_session('5e200000-0000-4000-8001-0000000000a1', '5e200000-0000-4000-8002-0000000000a1') AS ended \gset
SELECT chronos.end_watch_session(:'ended') \g /dev/null
SELECT chronos.start_watch_session('5e200000-0000-4000-8001-0000000000a1', '5e200000-0000-4000-8002-0000000000a1') AS fresh \gset
SELECT chronos.start_watch_session('5e200000-0000-4000-8001-0000000000a1', '5e200000-0000-4000-8002-0000000000a3') AS many \gset
UPDATE chronos.video_watch_sessions SET session_start = now() - interval '1 hour',
       watched = (SELECT '{' || string_agg(format('[%s,%s)', 2 * k, 2 * k + 1), ',') || '}'
                    FROM generate_series(0, 1023) AS k)::chronos.watch_ranges
 WHERE id = :'many';

-- snapshot(): every session and event, to show that nothing was written
CREATE FUNCTION pg_temp.snapshot() RETURNS text LANGUAGE sql AS $$
    SELECT (SELECT md5(string_agg(w::text, '|' ORDER BY id)) FROM chronos.video_watch_sessions w) || ' ' ||
           (SELECT count(*) || ' ' || md5(coalesce(string_agg(e::text, '|' ORDER BY id), ''))
              FROM chronos.video_analytics_events e)
$$;
SELECT pg_temp.snapshot() AS before \gset

CREATE TEMP TABLE refusals (ord serial, sql text, errcode text, what text);
CREATE FUNCTION pg_temp.refuse(p_sql text, p_errcode text, p_what text) RETURNS void LANGUAGE sql AS $$
    INSERT INTO refusals (sql, errcode, what) VALUES (p_sql, p_errcode, p_what)
$$;
CREATE FUNCTION pg_temp.start_sql(p_args text) RETURNS text LANGUAGE sql AS $$
    SELECT format('SELECT chronos.start_watch_session(%s)', p_args)
$$;
CREATE FUNCTION pg_temp.beat_sql(p_session text, p_from text, p_to text) RETURNS text LANGUAGE sql AS $$
    SELECT format('SELECT chronos.record_watch_progress(%s, %s, %s)',
                  coalesce(quote_literal(p_session), 'NULL'), p_from, p_to)
$$;

\o /dev/null
-- start_watch_session
SELECT pg_temp.refuse(pg_temp.start_sql($$NULL, '5e200000-0000-4000-8002-0000000000a1'$$), '22004',
    'start_watch_session: p_student_id NULL');
SELECT pg_temp.refuse(pg_temp.start_sql($$'5e200000-0000-4000-8001-0000000000a1', NULL$$), '22004',
    'start_watch_session: p_video_id NULL');
SELECT pg_temp.refuse(pg_temp.start_sql($$'5e200000-0000-4000-8001-0000000000a1', '5e200000-0000-4000-8002-0000000000a1', 'tv'$$),
    '22023', 'start_watch_session: an unknown device type');
SELECT pg_temp.refuse(pg_temp.start_sql($$'5e200000-0000-4000-8001-0000000000a1', '5e200000-0000-4000-8002-0000000000a1', 'Desktop'$$),
    '22023', 'start_watch_session: device types are lowercase');
SELECT pg_temp.refuse(pg_temp.start_sql($$'5e200000-0000-4000-8001-0000000000a1', '5e200000-0000-4000-8002-0000000000a1', p_referrer_type => 'email'$$),
    '22023', 'start_watch_session: an unknown referrer type');
SELECT pg_temp.refuse(pg_temp.start_sql($$'5e200000-0000-4000-8001-0000000000a1', '5e200000-0000-4000-8002-0000000000a1', p_metadata => '[]'$$),
    '22023', 'start_watch_session: metadata that is an array');
SELECT pg_temp.refuse(pg_temp.start_sql($$'5e200000-0000-4000-8001-0000000000a1', '5e200000-0000-4000-8002-0000000000a1', p_metadata => 'null'$$),
    '22023', 'start_watch_session: metadata that is JSON null');
SELECT pg_temp.refuse(pg_temp.start_sql($$'5e200000-0000-4000-8001-0000000000a1', '5e200000-0000-4000-8002-0000000000ff'$$),
    '23503', 'start_watch_session: an unknown video');
SELECT pg_temp.refuse(pg_temp.start_sql($$'5e200000-0000-4000-8001-0000000000ff', '5e200000-0000-4000-8002-0000000000a1'$$),
    '23503', 'start_watch_session: an unknown student');
SELECT pg_temp.refuse(pg_temp.start_sql($$'5e200000-0000-4000-8001-0000000000b1', '5e200000-0000-4000-8002-0000000000a1'$$),
    '23503', 'start_watch_session: a student of another creator');
SELECT pg_temp.refuse(pg_temp.start_sql($$'5e200000-0000-4000-8001-0000000000a1', '5e200000-0000-4000-8002-0000000000b1'$$),
    '23503', 'start_watch_session: a video of another creator');
SELECT pg_temp.refuse(pg_temp.start_sql($$'5e200000-0000-4000-8001-0000000000a1', '5e200000-0000-4000-8002-0000000000a1', p_course_id => '5e200000-0000-4000-8003-0000000000b1'$$),
    '23503', 'start_watch_session: a course of another creator');
SELECT pg_temp.refuse(pg_temp.start_sql($$'5e200000-0000-4000-8001-0000000000a1', '5e200000-0000-4000-8002-0000000000a1', p_course_id => '5e200000-0000-4000-8003-0000000000ff'$$),
    '23503', 'start_watch_session: an unknown course');
SELECT pg_temp.refuse(pg_temp.start_sql($$'5e200000-0000-4000-8001-0000000000a1', '5e200000-0000-4000-8002-0000000000a1', p_module_id => '5e200000-0000-4000-8004-0000000000b1'$$),
    '23503', 'start_watch_session: a module of another creator');
SELECT pg_temp.refuse(pg_temp.start_sql($$'5e200000-0000-4000-8001-0000000000a1', '5e200000-0000-4000-8002-0000000000a1', p_course_id => '5e200000-0000-4000-8003-0000000000a1', p_module_id => '5e200000-0000-4000-8004-0000000000a2'$$),
    '23503', 'start_watch_session: a module of another course than the one given');
-- record_watch_progress
SELECT pg_temp.refuse(pg_temp.beat_sql(NULL, '0', '1'), '22004', 'record_watch_progress: p_session_id NULL');
SELECT pg_temp.refuse(pg_temp.beat_sql(:'open', 'NULL', '1'), '22004', 'record_watch_progress: p_from_seconds NULL');
SELECT pg_temp.refuse(pg_temp.beat_sql(:'open', '0', 'NULL'), '22004', 'record_watch_progress: p_to_seconds NULL');
SELECT pg_temp.refuse(pg_temp.beat_sql(:'open', '20', '10'), '22023', 'record_watch_progress: from > to');
SELECT pg_temp.refuse(pg_temp.beat_sql(:'open', '10.002', '10.001'), '22023', 'record_watch_progress: from > to by a millisecond');
SELECT pg_temp.refuse(pg_temp.beat_sql(:'open', '-1', '10'), '22023', 'record_watch_progress: a negative from');
SELECT pg_temp.refuse(pg_temp.beat_sql(:'open', '-5', '-1'), '22023', 'record_watch_progress: a negative range');
SELECT pg_temp.refuse(pg_temp.beat_sql(:'open', '0', '-0.001'), '22023', 'record_watch_progress: a negative to');
SELECT pg_temp.refuse(pg_temp.beat_sql(:'open', $$'NaN'$$, '1'), '22023', 'record_watch_progress: NaN');
SELECT pg_temp.refuse(pg_temp.beat_sql(:'open', '0', $$'Infinity'$$), '22023', 'record_watch_progress: infinity');
SELECT pg_temp.refuse(pg_temp.beat_sql(:'open', '10', '101.001'), '22023',
    'record_watch_progress: ending more than 1 s past the end of the video');
SELECT pg_temp.refuse(pg_temp.beat_sql(:'open', '150', '160'), '22023', 'record_watch_progress: entirely past the end');
SELECT pg_temp.refuse(pg_temp.beat_sql(:'ended', '0', '1'), '22023', 'record_watch_progress: an ended session');
SELECT pg_temp.refuse(pg_temp.beat_sql(:'fresh', '0', '30.001'), '22023',
    'record_watch_progress: a fresh session claiming more than 30 s (speed guard)');
SELECT pg_temp.refuse(pg_temp.beat_sql(:'fresh', '0', '100'), '22023',
    'record_watch_progress: a fresh session claiming the whole video (speed guard)');
SELECT pg_temp.refuse(pg_temp.beat_sql(:'many', '2048', '2049'), '54000',
    'record_watch_progress: a 1025th separate range (program_limit_exceeded)');
SELECT pg_temp.refuse(pg_temp.beat_sql('5e200000-0000-4000-8006-0000000000ff', '0', '1'), '23503',
    'record_watch_progress: an unknown session');
SELECT pg_temp.refuse(pg_temp.beat_sql('5e200000-0000-4000-8006-0000000000ff', '20', '10'), '22023',
    'record_watch_progress: the range is checked before the session is looked up');
-- end_watch_session
SELECT pg_temp.refuse('SELECT chronos.end_watch_session(NULL)', '22004', 'end_watch_session: NULL');
SELECT pg_temp.refuse($$SELECT chronos.end_watch_session('5e200000-0000-4000-8006-0000000000ff')$$, '23503',
    'end_watch_session: an unknown session');
-- close_stale_watch_sessions
SELECT pg_temp.refuse($$SELECT chronos.close_stale_watch_sessions('-1 second')$$, '22023',
    'close_stale_watch_sessions: a negative p_idle');
SELECT pg_temp.refuse($$SELECT chronos.close_stale_watch_sessions('-1 day')$$, '22023',
    'close_stale_watch_sessions: a negative p_idle in days');
-- video_retention
SELECT pg_temp.refuse('SELECT * FROM chronos.video_retention(NULL)', '22004', 'video_retention: p_video_id NULL');
SELECT pg_temp.refuse($$SELECT * FROM chronos.video_retention('5e200000-0000-4000-8002-0000000000a1', NULL)$$, '22004',
    'video_retention: p_buckets NULL');
SELECT pg_temp.refuse($$SELECT * FROM chronos.video_retention('5e200000-0000-4000-8002-0000000000a1', 0)$$, '22023',
    'video_retention: 0 buckets');
SELECT pg_temp.refuse($$SELECT * FROM chronos.video_retention('5e200000-0000-4000-8002-0000000000a1', 1001)$$, '22023',
    'video_retention: 1001 buckets');
SELECT pg_temp.refuse($$SELECT * FROM chronos.video_retention('5e200000-0000-4000-8002-0000000000a1', -1)$$, '22023',
    'video_retention: a negative number of buckets');
SELECT pg_temp.refuse($$SELECT * FROM chronos.video_retention('5e200000-0000-4000-8002-0000000000a0')$$, '22023',
    'video_retention: the duration is not known yet');
SELECT pg_temp.refuse($$SELECT * FROM chronos.video_retention('5e200000-0000-4000-8002-0000000000ff')$$, '23503',
    'video_retention: an unknown video');
\o

SELECT throws_ok(sql, errcode, NULL, what) FROM refusals ORDER BY ord;
SELECT is(pg_temp.snapshot(), :'before', 'the refused calls wrote nothing: every session and event is as it was');

-- what is accepted right at the edges
SELECT is((SELECT count(*) FROM chronos.video_retention('5e200000-0000-4000-8002-0000000000a1', 1000)), 1000::bigint,
    'video_retention: 1000 buckets are accepted');
SELECT is((SELECT last_position_seconds FROM chronos.record_watch_progress(:'open', 10, 101)), 101::numeric,
    'record_watch_progress: ending exactly 1 s past the end is accepted');
SELECT is((SELECT watch_time_seconds FROM chronos.record_watch_progress(:'fresh', 0, 30)), 30,
    'record_watch_progress: a fresh session may claim 30 s');

SELECT lives_ok($$SELECT chronos.close_stale_watch_sessions('1 day -1 hour')$$,
    'close_stale_watch_sessions: a positive p_idle with a negative part (1 day -1 hour, 23 hours) is not negative');

SELECT * FROM finish();
ROLLBACK;
