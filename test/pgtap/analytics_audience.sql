-- Audience analytics (chronos 1.1, issue 17) over hand-computed fixtures:
-- video_dropoff (where viewings start and stop), video_relative_retention
-- (reach against the median of the creator's videos of similar length),
-- peak_concurrent_viewers and concurrent_viewers_series (sessions watching
-- at once), and the dashboard's drop-off points and peak.  The fixture has
-- rewatches, seeks backwards and forwards, a one-second viewing, sessions
-- that played nothing, open sessions with and without a heartbeat, a
-- session that ended at its start and a video whose duration is unknown.
-- Then who may read each: the creator, its students, another creator, an
-- anonymous caller and the service.  Error messages are in
-- test/sql/analytics_errors.sql.  Ids: prefix a17.
SET client_min_messages = warning;
SET timezone = 'UTC';
BEGIN;
SELECT plan(58);

\set ids 'a1700000-0000-4000-800%s-%s'
\set kinds 012346
\set creators 'a=user_ana b=user_ben'
\set students 'a1=user_sam a2 a3 a4 a5 a6 a7 a8 a9 b1=user_tess'
-- a1 40 s; a2 40 s, nobody watched it; a3 50 s and a4 30 s, within 25 %
-- of 40 s (the bounds); a5 29 s, just outside; a6 duration unknown; a7
-- 40 s but deleted; b1 40 s, another creator's
\set videos 'a1=40 a2=40 a3=50 a4=30 a5=29 a6 a7=40 b1=40'
\set videos_with '{"a7": {"is_deleted": true}}'
\ir ../fixtures/people.sql
\ir ../fixtures/catalog.sql

-- session(key, video, student, start minute, end minute or NULL, last
-- heartbeat minute or NULL, watched): minutes after 2026-01-01 10:00 UTC.
CREATE FUNCTION pg_temp.session(p_key text, p_video text, p_student text, p_start numeric, p_end numeric,
                                p_beat numeric, p_watched text) RETURNS void
LANGUAGE sql AS $$
    INSERT INTO chronos.video_watch_sessions (id, video_id, student_id, session_start, session_end,
                                              last_heartbeat_at, watched)
    VALUES (format('a1700000-0000-4000-8006-%s', lpad(p_key, 12, '0'))::uuid,
            format('a1700000-0000-4000-8002-%s', lpad(p_video, 12, '0'))::uuid,
            format('a1700000-0000-4000-8001-%s', lpad(p_student, 12, '0'))::uuid,
            '2026-01-01 10:00+00'::timestamptz + make_interval(secs => p_start * 60),
            '2026-01-01 10:00+00'::timestamptz + make_interval(secs => p_end * 60),
            '2026-01-01 10:00+00'::timestamptz + make_interval(secs => p_beat * 60),
            p_watched::chronos.watch_ranges)
$$;
-- Video a1 (40 s).  Played (positions), and when (minutes):
--   1 A  [0,40), [10,20) again: a rewatch      {[0,10),[10,20)x2,[20,40)}  0 to 30
--   2 B  [0,15)                                {[0,15)}                    10 to 20
--   3 C  [0,5), then seeks forward to [30,35)
--        and plays it twice                    {[0,5),[30,35)x2}           20 to 40
--   4 D  open, no heartbeat, nothing played    {}                          from 5
--   5 E  [12,18) three times, still open       {[12,18)x3}                 15, last beat 25
--   6 F  [20,30)                               {[20,30)}                   50 to 60
--   7 G  one second, [5,6)                     {[5,6)}                     35 to 35 + 1 s
--   8 H  [25,35), then seeks back to [10,20)   {[10,20),[25,35)}           20 to 45
--   9 I  [0,8), still open                     {[0,8)}                     60, last beat 70
--  10 Z  ended at its start, nothing played    {}                          50 to 50
SELECT pg_temp.session('1', 'a1', 'a1', 0, 30, 30, '{[0,10),[10,20)x2,[20,40)}') \g /dev/null
SELECT pg_temp.session('2', 'a1', 'a2', 10, 20, 20, '{[0,15)}') \g /dev/null
SELECT pg_temp.session('3', 'a1', 'a3', 20, 40, 40, '{[0,5),[30,35)x2}') \g /dev/null
SELECT pg_temp.session('4', 'a1', 'a4', 5, NULL, NULL, '{}') \g /dev/null
SELECT pg_temp.session('5', 'a1', 'a5', 15, NULL, 25, '{[12,18)x3}') \g /dev/null
SELECT pg_temp.session('6', 'a1', 'a6', 50, 60, 60, '{[20,30)}') \g /dev/null
SELECT pg_temp.session('7', 'a1', 'a7', 35, 35 + 1 / 60.0, 35 + 1 / 60.0, '{[5,6)}') \g /dev/null
SELECT pg_temp.session('8', 'a1', 'a8', 20, 45, 45, '{[10,20),[25,35)}') \g /dev/null
SELECT pg_temp.session('9', 'a1', 'a9', 60, NULL, 70, '{[0,8)}') \g /dev/null
SELECT pg_temp.session('10', 'a1', 'a1', 50, 50, NULL, '{}') \g /dev/null
-- Video a3 (50 s): J {[0,50)} 12 to 18; K {[0,12.5)} 0 to 100.
SELECT pg_temp.session('11', 'a3', 'a1', 12, 18, 18, '{[0,50)}') \g /dev/null
SELECT pg_temp.session('12', 'a3', 'a2', 0, 100, 100, '{[0,12.5)}') \g /dev/null
-- Video a4 (30 s), the day before: {[0,30)}, {[0,7.5)}, {[15,30)}, {[0,1)}.
SELECT pg_temp.session('13', 'a4', 'a1', -1440, -1430, -1430, '{[0,30)}') \g /dev/null
SELECT pg_temp.session('14', 'a4', 'a2', -1440, -1430, -1430, '{[0,7.5)}') \g /dev/null
SELECT pg_temp.session('15', 'a4', 'a3', -1440, -1430, -1430, '{[15,30)}') \g /dev/null
SELECT pg_temp.session('16', 'a4', 'a4', -1440, -1430, -1430, '{[0,1)}') \g /dev/null
-- Video a5 (29 s): one session that played nothing.  Video a7 (deleted): one
-- that played it all.  Video b1 (creator B): one at minute 15.
SELECT pg_temp.session('17', 'a5', 'a1', -1440, -1430, -1430, '{}') \g /dev/null
SELECT pg_temp.session('18', 'a7', 'a1', -1440, -1430, -1430, '{[0,40)}') \g /dev/null
SELECT pg_temp.session('19', 'b1', 'b1', 15, 30, 30, '{[0,40)}') \g /dev/null

--
-- video_dropoff.  Video a1 in 4 buckets of 10 s; 8 sessions played
-- something (not D nor Z).  started: the bucket of the first position
-- played; stopped: of the last one (a position, not a moment: H, which
-- seeked back, started at 10 and stopped at 35).
--   bucket  started            stopped          reach
--   [0,10)  A B C G I   5      G I      2       A B C G I  5/8
--   [10,20) E H         2      B E      2       A B E H    4/8
--   [20,30) F           1      F        1       A F H      3/8
--   [30,40)             0      A C H    3       A C H      3/8
--
SELECT results_eq($$SELECT * FROM chronos.video_dropoff('a1700000-0000-4000-8002-0000000000a1', 4)$$,
    $$VALUES (0, 0::numeric, 5::bigint, 2::bigint, 0.625::numeric), (1, 10, 2, 2, 0.5),
             (2, 20, 1, 1, 0.375), (3, 30, 0, 3, 0.375)$$,
    'video_dropoff, 4 buckets: the hand-computed starts, stops and reach');
SELECT results_eq($$SELECT reach FROM chronos.video_dropoff('a1700000-0000-4000-8002-0000000000a1', 4)$$,
    $$SELECT reach FROM chronos.video_retention('a1700000-0000-4000-8002-0000000000a1', 4)$$,
    'its reach is video_retention''s');
SELECT results_eq($$SELECT * FROM chronos.video_dropoff('a1700000-0000-4000-8002-0000000000a1', 1)$$,
    $$VALUES (0, 0::numeric, 8::bigint, 8::bigint, 1::numeric)$$,
    '1 bucket: every viewing starts and stops in it');
-- 3 buckets of 13.333 s: [0,13.333) [13.333,26.667) [26.667,40)
--   started: A B C G I, H (10 s), E (12 s) in b0; F (20 s) in b1
--   stopped: G (6 s), I (8 s) in b0; B (15 s), E (18 s) in b1; F (30 s), A, C, H in b2
SELECT results_eq($$SELECT bucket, start_seconds, started, stopped FROM chronos.video_dropoff('a1700000-0000-4000-8002-0000000000a1', 3)$$,
    $$VALUES (0, 0::numeric, 7::bigint, 2::bigint), (1, 13.333, 1, 2), (2, 26.667, 0, 4)$$,
    '3 buckets: bucket starts to the millisecond; a stop at 30 s falls in [26.667, 40)');
-- 100 buckets of 0.4 s: where each stopped (the position just before its last)
SELECT results_eq($$SELECT bucket, stopped FROM chronos.video_dropoff('a1700000-0000-4000-8002-0000000000a1') WHERE stopped > 0$$,
    $$VALUES (14, 1::bigint), (19, 1), (37, 1), (44, 1), (74, 1), (87, 2), (99, 1)$$,
    '100 buckets by default: G stopped at 6 s (bucket 14), I at 8, B at 15, E at 18, F at 30, C and H at 35, A at the end');
SELECT is((SELECT sum(started) FROM chronos.video_dropoff('a1700000-0000-4000-8002-0000000000a1', 7)), 8::numeric,
    'every viewing that played something starts once');
SELECT results_eq($$SELECT * FROM chronos.video_dropoff('a1700000-0000-4000-8002-0000000000a2', 2)$$,
    $$VALUES (0, 0::numeric, 0::bigint, 0::bigint, 0::numeric), (1, 20, 0, 0, 0)$$,
    'a video nobody watched: every bucket at 0');
SELECT results_eq($$SELECT * FROM chronos.video_dropoff('a1700000-0000-4000-8002-0000000000a5', 2)$$,
    $$VALUES (0, 0::numeric, 0::bigint, 0::bigint, 0::numeric), (1, 14.5, 0, 0, 0)$$,
    'a session that played nothing does not count');
SELECT throws_ok($$SELECT * FROM chronos.video_dropoff('a1700000-0000-4000-8002-0000000000a6')$$, '22023',
    'the duration of video a1700000-0000-4000-8002-0000000000a6 is not known yet',
    'a video whose duration is unknown has no drop-off');
-- a shorter duration: what lies past the end is left out; A, C and H stop at the end
UPDATE chronos.videos SET duration_seconds = 20 WHERE id = 'a1700000-0000-4000-8002-0000000000a1';
-- F played only past 20 s: 7 viewings count
--   [0,10)  started A B C G I       stopped G I, C (at 5 s: [30,35) is past the end)
--   [10,20) started E H (at 10 s)   stopped A B E H (A and H at 20 s, the end)
SELECT results_eq($$SELECT * FROM chronos.video_dropoff('a1700000-0000-4000-8002-0000000000a1', 2)$$,
    $$VALUES (0, 0::numeric, 5::bigint, 3::bigint, 0.714286::numeric), (1, 10, 2, 4, 0.571429)$$,
    'when the duration shrinks to 20 s: F no longer counts, C stops at 5 s');
UPDATE chronos.videos SET duration_seconds = 40 WHERE id = 'a1700000-0000-4000-8002-0000000000a1';

-- dropoff_agg at scale: 20,000 values against the definition in plain SQL
-- (each value's first position, and the end of its last range that starts
-- before the end, clipped), then in parallel against serial.
CREATE TABLE analytics_dropoff_values AS
SELECT i, chronos.watch_ranges_add(chronos.watch_ranges_add('{}', a, a + l), b, b + 30) AS v
  FROM (SELECT i, (i * 7919 % 500)::numeric / 2 AS a, (i * 104729 % 400)::numeric AS l,
               (i * 31 % 620)::numeric AS b
          FROM generate_series(1, 20000) AS i) AS g;
ANALYZE analytics_dropoff_values;
CREATE TEMP TABLE dserial AS SELECT chronos.dropoff_agg(v, 600, 97) AS curve FROM analytics_dropoff_values;
CREATE TEMP TABLE dsegs AS
SELECT t.i, m[1]::numeric AS st, m[2]::numeric AS en
  FROM analytics_dropoff_values t, regexp_matches(t.v::text, '\[([0-9.]+),([0-9.]+)\)', 'g') AS m;
CREATE TEMP TABLE dnaive AS
SELECT i, floor(min(st) * 97 / 600)::int AS first_bucket,
       ceil((array_agg(least(en, 600) ORDER BY st DESC))[1] * 97 / 600)::int - 1 AS last_bucket
  FROM dsegs WHERE st < 600 GROUP BY i;
SELECT results_eq(
    $$SELECT r.bucket, r.started FROM jsonb_to_recordset((SELECT curve FROM dserial)) AS r (bucket int, started bigint) ORDER BY 1$$,
    $$SELECT k, count(n.i) FROM generate_series(0, 96) AS k LEFT JOIN dnaive n ON n.first_bucket = k GROUP BY k ORDER BY k$$,
    'dropoff_agg: started agrees with the definition in plain SQL over 20,000 values');
SELECT results_eq(
    $$SELECT r.bucket, r.stopped FROM jsonb_to_recordset((SELECT curve FROM dserial)) AS r (bucket int, stopped bigint) ORDER BY 1$$,
    $$SELECT k, count(n.i) FROM generate_series(0, 96) AS k LEFT JOIN dnaive n ON n.last_bucket = k GROUP BY k ORDER BY k$$,
    'dropoff_agg: stopped agrees too (ranges past the end clipped away)');
SET LOCAL max_parallel_workers_per_gather = 2;
SET LOCAL parallel_setup_cost = 0;
SET LOCAL parallel_tuple_cost = 0;
SET LOCAL min_parallel_table_scan_size = 0;
SELECT is((SELECT chronos.dropoff_agg(v, 600, 97) FROM analytics_dropoff_values), (SELECT curve FROM dserial),
    'dropoff_agg in parallel (partial states serialized and combined) equals the serial curve');
RESET max_parallel_workers_per_gather;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;

--
-- video_relative_retention.  Similar to a1 (40 s): 30 to 50 s, not
-- deleted, watched: a3 (50 s) and a4 (30 s); not a2 (nobody watched), a5
-- (29 s), a6 (unknown), a7 (deleted), b1 (another creator).
--   a3 in 4 buckets of 12.5 s, 2 sessions:  1, 0.5, 0.5, 0.5
--   a4 in 4 buckets of 7.5 s, 4 sessions:   0.75, 0.25, 0.5, 0.5
--   median (the mean of two):               0.875, 0.375, 0.5, 0.5
--   a1:                                     0.625, 0.5, 0.375, 0.375
--   ratio:                                  0.714286, 1.333333, 0.75, 0.75
--
SELECT results_eq($$SELECT * FROM chronos.video_relative_retention('a1700000-0000-4000-8002-0000000000a1', 4)$$,
    $$VALUES (0, 0::numeric, 0.625::numeric, 0.875::numeric, 0.714286::numeric, 2),
             (1, 10, 0.5, 0.375, 1.333333, 2), (2, 20, 0.375, 0.5, 0.75, 2), (3, 30, 0.375, 0.5, 0.75, 2)$$,
    'video_relative_retention, 4 buckets: against the median of a3 and a4');
-- a3 (50 s): similar 37.5 to 62.5 s: a1 only (a2 unwatched, a7 deleted): the median of one.
-- In 2 buckets a3 reaches 1 and 1/2; a1 7/8 (A B C E G H I) and 4/8 (A C F H)
SELECT results_eq($$SELECT reach, median_reach, ratio, similar_videos FROM chronos.video_relative_retention('a1700000-0000-4000-8002-0000000000a3', 2)$$,
    $$VALUES (1::numeric, 0.875::numeric, 1.142857::numeric, 1), (0.5, 0.5, 1, 1)$$,
    'a3 against a1 alone: the median of one video is its reach');
-- three similar videos: the middle one.  Give a2 a viewing of [0,20): reach 1, 0
SELECT pg_temp.session('20', 'a2', 'a3', -1440, -1430, -1430, '{[0,20)}') \g /dev/null
SELECT results_eq($$SELECT median_reach, similar_videos FROM chronos.video_relative_retention('a1700000-0000-4000-8002-0000000000a1', 2)$$,
    $$VALUES (1::numeric, 3), (0.5, 3)$$,
    'three similar videos: the median is the middle one (a3 1 and 0.5, a4 0.75 and 0.5, a2 1 and 0)');
DELETE FROM chronos.video_watch_sessions WHERE id = 'a1700000-0000-4000-8006-000000000020';
-- a4 (30 s): similar 22.5 to 37.5 s: a5 only, whose one session played nothing
SELECT results_eq($$SELECT reach, median_reach, ratio, similar_videos FROM chronos.video_relative_retention('a1700000-0000-4000-8002-0000000000a4', 2)$$,
    $$VALUES (0.75::numeric, NULL::numeric, NULL::numeric, 0), (0.5, NULL, NULL, 0)$$,
    'no other video qualifies: median and ratio are NULL');
SELECT throws_ok($$SELECT * FROM chronos.video_relative_retention('a1700000-0000-4000-8002-0000000000a6')$$, '22023',
    'the duration of video a1700000-0000-4000-8002-0000000000a6 is not known yet',
    'a video whose duration is unknown has no relative retention');
SELECT is((SELECT count(*) FROM chronos.video_relative_retention('a1700000-0000-4000-8002-0000000000a1')), 100::bigint,
    '100 buckets by default');

--
-- Concurrent viewers.  The spans of video a1's sessions, in minutes:
--   A [0,30) B [10,20) C [20,40) E [15,25) (open: until its last
--   heartbeat) G [35,35+1s) H [20,45) F [50,60) I [60,70) (open); D (open,
--   no heartbeat) and Z (ended at its start) watched for no time.
-- Watching at once: 0:1 10:2 15:3 20:4 (B ends as C and H start) 25:3 30:2
-- 35:3 35+1s:2 40:1 45:0 50:1 60:1 (F ends as I starts) 70:0.
-- Creator A adds a3's J [12,18) and K [0,100): 0:2 10:3 12:4 15:5 18:4 20:5 ...
--
SELECT is((SELECT row(peak, peak_at, peak_until)::text FROM chronos.peak_concurrent_viewers(
              'a1700000-0000-4000-8000-00000000000a', '2026-01-01 10:00+00', '2026-01-01 12:00+00',
              'a1700000-0000-4000-8002-0000000000a1')),
    row(4, '2026-01-01 10:20+00'::timestamptz, '2026-01-01 10:25+00'::timestamptz)::text,
    'peak of video a1: 4, from 10:20 (B ends as C and H start: half-open spans) to 10:25');
SELECT is((SELECT row(peak, peak_at, peak_until)::text FROM chronos.peak_concurrent_viewers(
              'a1700000-0000-4000-8000-00000000000a', '2026-01-01 10:00+00', '2026-01-01 12:00+00')),
    row(5, '2026-01-01 10:15+00'::timestamptz, '2026-01-01 10:18+00'::timestamptz)::text,
    'peak of creator A''s videos: 5, first from 10:15 to 10:18 (b1''s session is creator B''s)');
SELECT is((SELECT row(peak, peak_at, peak_until)::text FROM chronos.peak_concurrent_viewers(
              'a1700000-0000-4000-8000-00000000000a', '2026-01-01 10:21+00', '2026-01-01 10:24+00',
              'a1700000-0000-4000-8002-0000000000a1')),
    row(4, '2026-01-01 10:21+00'::timestamptz, '2026-01-01 10:24+00'::timestamptz)::text,
    'spans are clipped to the range');
SELECT is((SELECT row(peak, peak_at, peak_until)::text FROM chronos.peak_concurrent_viewers(
              'a1700000-0000-4000-8000-00000000000a', '2026-01-01 10:35+00', '2026-01-01 10:50+00',
              'a1700000-0000-4000-8002-0000000000a1')),
    row(3, '2026-01-01 10:35+00'::timestamptz, '2026-01-01 10:35:01+00'::timestamptz)::text,
    'a one-second viewing makes a one-second peak');
SELECT is((SELECT row(peak, peak_at, peak_until)::text FROM chronos.peak_concurrent_viewers(
              'a1700000-0000-4000-8000-00000000000a', '2026-01-01 10:00+00', '2026-01-01 12:00+00',
              'a1700000-0000-4000-8002-0000000000a2')),
    row(0, NULL::timestamptz, NULL::timestamptz)::text,
    'nobody watched: peak 0, no time');
SELECT is((SELECT peak FROM chronos.peak_concurrent_viewers(
              'a1700000-0000-4000-8000-00000000000a', '2026-01-01 10:05+00', '2026-01-01 10:10+00',
              'a1700000-0000-4000-8002-0000000000a1')),
    1, 'an open session without a heartbeat (D, from 10:05) watches no time');
SELECT is((SELECT peak FROM chronos.peak_concurrent_viewers(
              'a1700000-0000-4000-8000-00000000000a', '2026-01-01 10:50+00', '2026-01-01 11:05+00',
              'a1700000-0000-4000-8002-0000000000a1')),
    1, 'F ends at 11:00 as I starts, Z (ended at its start) never counts: 1');
SELECT results_eq($$SELECT * FROM chronos.concurrent_viewers_series('a1700000-0000-4000-8000-00000000000a',
                        '2026-01-01 10:00+00', '2026-01-01 11:00+00', '15 minutes', 'a1700000-0000-4000-8002-0000000000a1')$$,
    $$VALUES ('2026-01-01 10:00+00'::timestamptz, '2026-01-01 10:15+00'::timestamptz, 2, 2),
             ('2026-01-01 10:15+00', '2026-01-01 10:30+00', 5, 4),
             ('2026-01-01 10:30+00', '2026-01-01 10:45+00', 3, 3),
             ('2026-01-01 10:45+00', '2026-01-01 11:00+00', 1, 1)$$,
    'series of video a1 by quarter hour: sessions that watched in each (A B; A B E C H; C H G; F) and the peak');
SELECT results_eq($$SELECT * FROM chronos.concurrent_viewers_series('a1700000-0000-4000-8000-00000000000a',
                        '2026-01-01 10:00+00', '2026-01-01 10:50+00', '20 minutes', 'a1700000-0000-4000-8002-0000000000a1')$$,
    $$VALUES ('2026-01-01 10:00+00'::timestamptz, '2026-01-01 10:20+00'::timestamptz, 3, 3),
             ('2026-01-01 10:20+00', '2026-01-01 10:40+00', 5, 4),
             ('2026-01-01 10:40+00', '2026-01-01 10:50+00', 1, 1)$$,
    'the last interval is cut short at p_to; a session ending as one begins is not in it');
SELECT results_eq($$SELECT viewers, peak FROM chronos.concurrent_viewers_series('a1700000-0000-4000-8000-00000000000a',
                        '2026-01-01 10:00+00', '2026-01-01 10:30+00', '30 minutes')$$,
    $$VALUES (7, 5)$$,
    'creator A over one half hour: A B C E H of a1 and J K of a3 watched in it (G, at 10:35, did not)');
SELECT is((SELECT max(peak) FROM chronos.concurrent_viewers_series('a1700000-0000-4000-8000-00000000000a',
                '2026-01-01 09:00+00', '2026-01-01 13:00+00', '7 minutes')),
    (SELECT peak FROM chronos.peak_concurrent_viewers('a1700000-0000-4000-8000-00000000000a',
                '2026-01-01 09:00+00', '2026-01-01 13:00+00')),
    'the highest peak of a series is the peak');

--
-- The dashboard: drop-off points of the day's sessions (each video in 100
-- buckets, the last left out: stopping there is watching to the end), most
-- stopped first, then the larger share; and the peak of the day's sessions.
--   a1: C and H stopped at 35 s (bucket 87, [34.8, 35.2)): 2 of 8 = 25 %;
--       G 6 s (14), I 8 s (19), B 15 s (37), E 18 s (44), F 30 s (74):
--       1 of 8 each; A watched to the end
--   a3: K stopped at 12.5 s (bucket 24, [12, 12.5)): 1 of 2 = 50 %; J to the end
--
-- The dashboard's peak is that of the range's sessions (those that started
-- in it, like its other figures): a session of a4 from 23:00 the day before
-- to 10:16 counts for peak_concurrent_viewers, not for the dashboard.
SELECT pg_temp.session('21', 'a4', 'a5', -660, 16, 16, '{[0,30)}') \g /dev/null
SELECT is((SELECT row(peak, peak_at, peak_until)::text FROM chronos.peak_concurrent_viewers(
              'a1700000-0000-4000-8000-00000000000a', '2026-01-01 00:00+00', '2026-01-02 00:00+00')),
    row(6, '2026-01-01 10:15+00'::timestamptz, '2026-01-01 10:16+00'::timestamptz)::text,
    'peak_concurrent_viewers counts a session started the day before: 6 from 10:15 to 10:16');
CREATE TEMP TABLE dash AS
SELECT chronos.creator_dashboard('a1700000-0000-4000-8000-00000000000a', '2026-01-01', '2026-01-01') AS j;
DELETE FROM chronos.video_watch_sessions WHERE id = 'a1700000-0000-4000-8006-000000000021';
SELECT is((SELECT j->'dropoff_points' FROM dash),
    '[{"rank": 1, "video_id": "a1700000-0000-4000-8002-0000000000a1", "bucket": 87, "start_seconds": 34.8, "end_seconds": 35.2, "stopped": 2, "viewings": 8, "stopped_percent": 25.00},
      {"rank": 2, "video_id": "a1700000-0000-4000-8002-0000000000a3", "bucket": 24, "start_seconds": 12, "end_seconds": 12.5, "stopped": 1, "viewings": 2, "stopped_percent": 50.00},
      {"rank": 3, "video_id": "a1700000-0000-4000-8002-0000000000a1", "bucket": 14, "start_seconds": 5.6, "end_seconds": 6, "stopped": 1, "viewings": 8, "stopped_percent": 12.50},
      {"rank": 4, "video_id": "a1700000-0000-4000-8002-0000000000a1", "bucket": 19, "start_seconds": 7.6, "end_seconds": 8, "stopped": 1, "viewings": 8, "stopped_percent": 12.50},
      {"rank": 5, "video_id": "a1700000-0000-4000-8002-0000000000a1", "bucket": 37, "start_seconds": 14.8, "end_seconds": 15.2, "stopped": 1, "viewings": 8, "stopped_percent": 12.50},
      {"rank": 6, "video_id": "a1700000-0000-4000-8002-0000000000a1", "bucket": 44, "start_seconds": 17.6, "end_seconds": 18, "stopped": 1, "viewings": 8, "stopped_percent": 12.50},
      {"rank": 7, "video_id": "a1700000-0000-4000-8002-0000000000a1", "bucket": 74, "start_seconds": 29.6, "end_seconds": 30, "stopped": 1, "viewings": 8, "stopped_percent": 12.50}]'::jsonb,
    'dashboard: the drop-off points of the day, ranked');
SELECT is((SELECT j->'peak_concurrent_viewers' FROM dash),
    '{"peak": 5, "at": "2026-01-01T10:15:00+00:00", "until": "2026-01-01T10:18:00+00:00"}'::jsonb,
    'dashboard: the peak of the day''s sessions (not the one started the day before)');
SELECT is((SELECT j->'peak_concurrent_viewers' FROM chronos.creator_dashboard('a1700000-0000-4000-8000-00000000000a', '2025-06-01', '2025-06-02') AS j),
    '{"peak": 0, "at": null, "until": null}'::jsonb, 'dashboard: a range nobody watched in');
SELECT is((SELECT j->'dropoff_points' FROM chronos.creator_dashboard('a1700000-0000-4000-8000-00000000000a', '2025-06-01', '2025-06-02') AS j),
    '[]'::jsonb, 'dashboard: no drop-off points either');
-- Only the 10 largest are listed: five more viewings of a3 (50 s, buckets
-- of 0.5 s) stopping at 1, 2, 3, 4 and 5 s (buckets 1, 3, 5, 7, 9) make a3's
-- six points 1 of 7 (14.29 %), ahead of a1's single stops (12.5 %); a1's at
-- 18 and 30 s (buckets 44 and 74) fall off the list.
SELECT pg_temp.session(k::text, 'a3', 'a' || (k - 21), 200 + k, 201 + k, 201 + k, format('{[0,%s)}', k - 21))
  FROM generate_series(22, 26) AS k \g /dev/null
SELECT is((SELECT string_agg(format('%s:%s', right(p->>'video_id', 2), p->>'bucket'), ' ' ORDER BY (p->>'rank')::int)
             FROM chronos.creator_dashboard('a1700000-0000-4000-8000-00000000000a', '2026-01-01', '2026-01-01') AS d,
                  jsonb_array_elements(d->'dropoff_points') AS p),
    'a1:87 a3:1 a3:3 a3:5 a3:7 a3:9 a3:24 a1:14 a1:19 a1:37',
    'dashboard: only the 10 largest drop-off points, ranked by stops, then share, then video and bucket');
DELETE FROM chronos.video_watch_sessions
 WHERE id IN (SELECT format('a1700000-0000-4000-8006-%s', lpad(k::text, 12, '0'))::uuid FROM generate_series(22, 26) AS k);
SELECT ok((SELECT j ?& ARRAY['creator_id', 'from', 'to', 'timezone', 'totals', 'daily', 'videos', 'top_by_views',
                             'top_by_engagement', 'heatmap', 'costs', 'dropoff_points', 'peak_concurrent_viewers'] FROM dash),
    'the dashboard keeps its keys and adds dropoff_points and peak_concurrent_viewers');

--
-- Many sessions (beyond the few that a comparison sort handles alone): 2,000
-- of creator B's video b1 over a day, starts and ends to the microsecond,
-- 40 of them starting at the same instant, against a brute-force count at
-- every instant a span starts or ends.
CREATE TEMP TABLE many AS
SELECT '2026-02-01 00:00+00'::timestamptz + make_interval(secs => (i * 7919 % 86400) + (i * 104729 % 1000000) / 1e6) AS s,
       (i * 31 % 3600) + 1 + (i * 13 % 1000) / 1e3 AS len, i
  FROM generate_series(1, 2000) AS i;
UPDATE many SET s = '2026-02-01 12:00+00' WHERE i % 50 = 0;
INSERT INTO chronos.video_watch_sessions (video_id, student_id, session_start, session_end, last_heartbeat_at)
SELECT 'a1700000-0000-4000-8002-0000000000b1', 'a1700000-0000-4000-8001-0000000000b1',
       s, s + make_interval(secs => len), s + make_interval(secs => len) FROM many;
CREATE TEMP TABLE counted AS
WITH spans AS (SELECT s AS a, s + make_interval(secs => len) AS b FROM many),
     instants AS (SELECT a AS t FROM spans UNION SELECT b FROM spans)
SELECT t, (SELECT count(*) FROM spans WHERE a <= t AND b > t) AS n FROM instants;
SELECT is((SELECT row(peak, peak_at, peak_until)::text FROM chronos.peak_concurrent_viewers(
              'a1700000-0000-4000-8000-00000000000b', '2026-01-31 00:00+00', '2026-02-03 00:00+00')),
    (SELECT row(n, t, (SELECT min(c.t) FROM counted c WHERE c.t > p.t AND c.n < p.n))::text
       FROM counted p ORDER BY n DESC, t LIMIT 1),
    'peak_concurrent_viewers over 2,000 sessions: the brute-force peak, its first instant and when it ends');
SELECT is((SELECT j->'peak_concurrent_viewers' FROM chronos.creator_dashboard('a1700000-0000-4000-8000-00000000000b', '2026-02-01', '2026-02-01') AS j),
    (SELECT jsonb_build_object('peak', n, 'at', t, 'until', (SELECT min(c.t) FROM counted c WHERE c.t > p.t AND c.n < p.n))
       FROM counted p ORDER BY n DESC, t LIMIT 1),
    'the dashboard''s peak over the same 2,000 sessions');
DELETE FROM chronos.video_watch_sessions WHERE video_id = 'a1700000-0000-4000-8002-0000000000b1';

--
-- Who may read what.  video_dropoff and video_relative_retention answer as
-- the caller (row-level security): student a1 sees its own sessions (A of
-- a1, J of a3, the a4 and a5 ones), another creator's student and an
-- anonymous caller not even the video.  The concurrent viewers count other
-- people: the creator itself and the service only.
--
CREATE ROLE chronos_analytics_caller NOLOGIN;
\ir ../fixtures/call_as.sql
CREATE FUNCTION pg_temp.dropoff_as(p_setting text, p_value text) RETURNS jsonb
LANGUAGE sql AS $$
    SELECT pg_temp.call_as('chronos_analytics_caller', p_setting, p_value,
        $q$(SELECT string_agg(format('%s/%s/%s', started, stopped, reach), ' ' ORDER BY bucket)
              FROM chronos.video_dropoff('a1700000-0000-4000-8002-0000000000a1', 4))$q$)
$$;
SELECT is(pg_temp.dropoff_as('chronos.creator_id', 'a1700000-0000-4000-8000-00000000000a'),
    '"5/2/0.625 2/2/0.5 1/1/0.375 0/3/0.375"'::jsonb, 'video_dropoff: the creator sees every session');
SELECT is(pg_temp.dropoff_as('request.jwt.claims', '{"role": "service_role"}'),
    '"5/2/0.625 2/2/0.5 1/1/0.375 0/3/0.375"'::jsonb, 'video_dropoff: the service too');
SELECT is(pg_temp.dropoff_as('chronos.student_id', 'a1700000-0000-4000-8001-0000000000a1'),
    '"1/0/1 0/0/1 0/0/1 0/1/1"'::jsonb, 'video_dropoff: a student sees its own sessions only (A, and Z which played nothing)');
SELECT is(pg_temp.dropoff_as('chronos.student_id', 'a1700000-0000-4000-8001-0000000000b1'),
    '{"error": "23503", "message": "video a1700000-0000-4000-8002-0000000000a1 does not exist"}'::jsonb,
    'video_dropoff: another creator''s student does not see the video');
SELECT is(pg_temp.dropoff_as('chronos.creator_id', 'a1700000-0000-4000-8000-00000000000b'),
    '{"error": "23503", "message": "video a1700000-0000-4000-8002-0000000000a1 does not exist"}'::jsonb,
    'video_dropoff: nor does another creator');
SELECT is(pg_temp.dropoff_as('chronos.creator_id', ''),
    '{"error": "23503", "message": "video a1700000-0000-4000-8002-0000000000a1 does not exist"}'::jsonb,
    'video_dropoff: nor an anonymous caller');
CREATE FUNCTION pg_temp.relative_as(p_setting text, p_value text) RETURNS jsonb
LANGUAGE sql AS $$
    SELECT pg_temp.call_as('chronos_analytics_caller', p_setting, p_value,
        $q$(SELECT string_agg(format('%s/%s/%s', reach, median_reach, similar_videos), ' ' ORDER BY bucket)
              FROM chronos.video_relative_retention('a1700000-0000-4000-8002-0000000000a1', 2))$q$)
$$;
-- a1 in 2 buckets: 7/8, 4/8; a3: 1, 0.5; a4: 0.75, 0.5 -> medians 0.875, 0.5
SELECT is(pg_temp.relative_as('chronos.creator_id', 'a1700000-0000-4000-8000-00000000000a'),
    '"0.875/0.875/2 0.5/0.5/2"'::jsonb, 'video_relative_retention: the creator compares every session');
-- student a1: A on a1 (1, 1), J on a3 (1, 1), {[0,30)} on a4 (1, 1)
SELECT is(pg_temp.relative_as('chronos.student_id', 'a1700000-0000-4000-8001-0000000000a1'),
    '"1/1/2 1/1/2"'::jsonb, 'video_relative_retention: a student compares its own sessions only');
SELECT is(pg_temp.relative_as('chronos.student_id', 'a1700000-0000-4000-8001-0000000000b1'),
    '{"error": "23503", "message": "video a1700000-0000-4000-8002-0000000000a1 does not exist"}'::jsonb,
    'video_relative_retention: another creator''s student does not see the video');
CREATE FUNCTION pg_temp.peak_as(p_setting text, p_value text, p_video text DEFAULT 'a1') RETURNS jsonb
LANGUAGE sql AS $$
    SELECT pg_temp.call_as('chronos_analytics_caller', p_setting, p_value,
        format($q$(SELECT peak FROM chronos.peak_concurrent_viewers('a1700000-0000-4000-8000-00000000000a',
                      '2026-01-01 10:00+00', '2026-01-01 12:00+00', %L))$q$,
               'a1700000-0000-4000-8002-0000000000' || p_video))
$$;
SELECT is(pg_temp.peak_as('chronos.creator_id', 'a1700000-0000-4000-8000-00000000000a'), '4'::jsonb,
    'peak_concurrent_viewers: the creator itself');
SELECT is(pg_temp.peak_as('request.jwt.claims', '{"sub": "user_ana"}'), '4'::jsonb,
    'peak_concurrent_viewers: the creator by JWT sub');
SELECT is(pg_temp.peak_as('request.jwt.claims', '{"role": "service_role"}'), '4'::jsonb,
    'peak_concurrent_viewers: the service');
SELECT is(pg_temp.peak_as('chronos.student_id', 'a1700000-0000-4000-8001-0000000000a1'),
    '{"error": "42501", "message": "permission denied to read the peak concurrent viewers of creator a1700000-0000-4000-8000-00000000000a"}'::jsonb,
    'peak_concurrent_viewers: not its student');
SELECT is(pg_temp.peak_as('chronos.creator_id', 'a1700000-0000-4000-8000-00000000000b'),
    '{"error": "42501", "message": "permission denied to read the peak concurrent viewers of creator a1700000-0000-4000-8000-00000000000a"}'::jsonb,
    'peak_concurrent_viewers: not another creator');
SELECT is(pg_temp.peak_as('chronos.creator_id', ''),
    '{"error": "42501", "message": "permission denied to read the peak concurrent viewers of creator a1700000-0000-4000-8000-00000000000a"}'::jsonb,
    'peak_concurrent_viewers: not an anonymous caller');
SELECT is(pg_temp.peak_as('chronos.creator_id', 'a1700000-0000-4000-8000-00000000000a', 'b1'),
    '{"error": "23503", "message": "video a1700000-0000-4000-8002-0000000000b1 is not a video of creator a1700000-0000-4000-8000-00000000000a"}'::jsonb,
    'peak_concurrent_viewers: another creator''s video is refused like an unknown one');
SELECT is(pg_temp.peak_as('chronos.creator_id', 'a1700000-0000-4000-8000-00000000000a', 'ff'),
    '{"error": "23503", "message": "video a1700000-0000-4000-8002-0000000000ff is not a video of creator a1700000-0000-4000-8000-00000000000a"}'::jsonb,
    'peak_concurrent_viewers: an unknown video');
SELECT is(pg_temp.call_as('chronos_analytics_caller', 'chronos.student_id', 'a1700000-0000-4000-8001-0000000000a1',
        $q$(SELECT count(*) FROM chronos.concurrent_viewers_series('a1700000-0000-4000-8000-00000000000a',
               '2026-01-01 10:00+00', '2026-01-01 12:00+00', '1 hour'))$q$),
    '{"error": "42501", "message": "permission denied to read the concurrent viewers of creator a1700000-0000-4000-8000-00000000000a"}'::jsonb,
    'concurrent_viewers_series: not a student');
SELECT is(pg_temp.call_as('chronos_analytics_caller', 'chronos.creator_id', 'a1700000-0000-4000-8000-00000000000a',
        $q$(SELECT count(*) FROM chronos.concurrent_viewers_series('a1700000-0000-4000-8000-00000000000a',
               '2026-01-01 10:00+00', '2026-01-01 12:00+00', '1 hour'))$q$),
    '2'::jsonb, 'concurrent_viewers_series: the creator itself');

SELECT * FROM finish();
ROLLBACK;
