-- video_retention over real sessions: a curve computed by hand from
-- sessions played through heartbeats (in 4, 2, 1 and 3 buckets, bucket
-- edges, rewatches, a session that played nothing), a video nobody
-- watched, and 300 random sessions checked against a plain-SQL
-- computation of the same definitions.  reach = the share of the sessions
-- that played something which played any part of the bucket; plays = the
-- mean over them of the highest play count in the bucket.  Refusals are
-- in session_refusals.sql, row-level security in session_security.sql.
-- Ids: prefix 5e5.
SET client_min_messages = warning;
BEGIN;
SELECT plan(14);

\set ids '5e500000-0000-4000-800%s-%s'
\set kinds 012346
\set creators a
\set students 'a1 a2 a3 a4 a5 a6'
-- r1 (a1): 40 s; r2 (a2): 40 s, nobody played it; r3 (a3): 600 s, random sessions
\set videos 'a1=40 a2=40 a3=600'
\ir ../fixtures/people.sql
\ir ../fixtures/catalog.sql

-- play(student, video, ranges): a session of student aN on video aN that
-- plays each [from, to) in order, one heartbeat each; returns its id.
CREATE FUNCTION pg_temp.play(p_student int, p_video int, VARIADIC p_ranges numeric[]) RETURNS uuid
LANGUAGE plpgsql AS $$
DECLARE
    s uuid := chronos.start_watch_session(('5e500000-0000-4000-8001-0000000000a' || p_student)::uuid,
                                          ('5e500000-0000-4000-8002-0000000000a' || p_video)::uuid);
BEGIN
    UPDATE chronos.video_watch_sessions SET session_start = now() - interval '1 hour' WHERE id = s;
    FOR i IN 1 .. coalesce(array_length(p_ranges, 1), 0) / 2 LOOP
        PERFORM chronos.record_watch_progress(s, p_ranges[2 * i - 1], p_ranges[2 * i]);
    END LOOP;
    RETURN s;
END
$$;
CREATE FUNCTION pg_temp.curve(p_video int, p_buckets int) RETURNS TABLE (bucket int, start_seconds numeric, reach numeric, plays numeric)
LANGUAGE sql AS $$
    SELECT * FROM chronos.video_retention(('5e500000-0000-4000-8002-0000000000a' || p_video)::uuid, p_buckets)
$$;

-- The sessions of video r1 (40 s):
--   A  [0,40), then [10,20) again      {[0,10),[10,20)x2,[20,40)}
--   B  [0,15)                          {[0,15)}
--   C  [0,5), [30,35) twice            {[0,5),[30,35)x2}
--   D  started, played nothing         {}            (does not count)
--   E  [12,18) three times             {[12,18)x3}
--   F  [20,30)                         {[20,30)}
-- and one session of video r2 by A's student (not counted for r1).
SELECT pg_temp.play(1, 1, 0, 40, 10, 20) \g /dev/null
SELECT pg_temp.play(2, 1, 0, 15) \g /dev/null
SELECT pg_temp.play(3, 1, 0, 5, 30, 35, 30, 35) \g /dev/null
SELECT pg_temp.play(4, 1, VARIADIC '{}') \g /dev/null
SELECT pg_temp.play(5, 1, 12, 18, 12, 18, 12, 18) \g /dev/null
SELECT pg_temp.play(6, 1, 20, 30) \g /dev/null
SELECT pg_temp.play(1, 3, 0, 600) \g /dev/null
SELECT is((SELECT array_agg(watched::text ORDER BY student_id) FROM chronos.video_watch_sessions
            WHERE video_id = '5e500000-0000-4000-8002-0000000000a1'),
    ARRAY['{[0,10),[10,20)x2,[20,40)}', '{[0,15)}', '{[0,5),[30,35)x2}', '{}', '{[12,18)x3}', '{[20,30)}'],
    'the six sessions of r1 played what the heartbeats said');

-- 4 buckets of 10 s; N = 5 sessions played something (not D)
--   [0,10)   A 1, B 1, C 1                reach 3/5  plays 3/5
--   [10,20)  A 2, B 1, E 3                reach 3/5  plays 6/5
--   [20,30)  A 1, F 1 (ends at 30: not in the next bucket)
--                                         reach 2/5  plays 2/5
--   [30,40)  A 1, C 2                     reach 2/5  plays 3/5
SELECT results_eq($$SELECT * FROM pg_temp.curve(1, 4)$$,
    $$VALUES (0, 0::numeric, 0.6::numeric, 0.6::numeric), (1, 10, 0.6, 1.2), (2, 20, 0.4, 0.4), (3, 30, 0.4, 0.6)$$,
    '4 buckets: the hand-computed curve');
-- 2 buckets of 20 s
--   [0,20)   A 2, B 1, C 1, E 3           reach 4/5  plays 7/5
--   [20,40)  A 1, C 2, F 1                reach 3/5  plays 4/5
SELECT results_eq($$SELECT * FROM pg_temp.curve(1, 2)$$,
    $$VALUES (0, 0::numeric, 0.8::numeric, 1.4::numeric), (1, 20, 0.6, 0.8)$$,
    '2 buckets: the hand-computed curve');
-- 1 bucket: everyone; plays the mean of each session's highest count (2, 1, 2, 3, 1)
SELECT results_eq($$SELECT * FROM pg_temp.curve(1, 1)$$,
    $$VALUES (0, 0::numeric, 1::numeric, 1.8::numeric)$$,
    '1 bucket: reach 1, plays 9/5');
-- 3 buckets of 13.333 s: [0,13.333) [13.333,26.667) [26.667,40)
--   b0  A 2, B 1, C 1, E 3                reach 4/5  plays 7/5
--   b1  A 2, B 1, E 3, F 1                reach 4/5  plays 7/5
--   b2  A 1, C 2, F 1                     reach 3/5  plays 4/5
SELECT results_eq($$SELECT * FROM pg_temp.curve(1, 3)$$,
    $$VALUES (0, 0::numeric, 0.8::numeric, 1.4::numeric), (1, 13.333, 0.8, 1.4), (2, 26.667, 0.6, 0.8)$$,
    '3 buckets: bucket starts to the millisecond, the hand-computed curve');
SELECT is((SELECT count(*) FROM pg_temp.curve(1, 100) WHERE plays >= reach AND reach BETWEEN 0 AND 1), 100::bigint,
    '100 buckets by default: plays >= reach and 0 <= reach <= 1 in each');
SELECT is((SELECT array_agg(format('%s@%s', bucket, start_seconds)) FROM chronos.video_retention('5e500000-0000-4000-8002-0000000000a1')),
    (SELECT array_agg(format('%s@%s', k, trim_scale(k * 0.4))) FROM generate_series(0, 99) AS k),
    'by default 100 buckets, numbered from 0 in order, of 0.4 s each');

-- nobody watched r2 yet: every bucket at 0
SELECT results_eq($$SELECT * FROM pg_temp.curve(2, 4)$$,
    $$VALUES (0, 0::numeric, 0::numeric, 0::numeric), (1, 10, 0, 0), (2, 20, 0, 0), (3, 30, 0, 0)$$,
    'a video without sessions: every bucket at 0');
SELECT pg_temp.play(4, 2, VARIADIC '{}') \g /dev/null
SELECT results_eq($$SELECT * FROM pg_temp.curve(2, 2)$$,
    $$VALUES (0, 0::numeric, 0::numeric, 0::numeric), (1, 20, 0, 0)$$,
    'a session that played nothing does not count');

-- a shorter duration: what lies past the end is left out
UPDATE chronos.videos SET duration_seconds = 20 WHERE id = '5e500000-0000-4000-8002-0000000000a1';
--   [0,10)   A 1, B 1, C 1                reach 3/4 (F played only past 20 now)  plays 3/4
--   [10,20)  A 2, B 1, E 3                reach 3/4  plays 6/4
SELECT results_eq($$SELECT * FROM pg_temp.curve(1, 2)$$,
    $$VALUES (0, 0::numeric, 0.75::numeric, 0.75::numeric), (1, 10, 0.75, 1.5)$$,
    'when the duration shrinks to 20 s, F (which played [20, 30)) no longer counts');
UPDATE chronos.videos SET duration_seconds = 40 WHERE id = '5e500000-0000-4000-8002-0000000000a1';

-- 300 random sessions of r3 (600 s), against the definition in plain SQL
SELECT setseed(0.42) \g /dev/null
INSERT INTO chronos.video_watch_sessions (video_id, student_id, watched)
SELECT '5e500000-0000-4000-8002-0000000000a3', ('5e500000-0000-4000-8001-0000000000a' || (1 + n % 6))::uuid,
       ('{' || string_agg(format('[%s,%s)x%s', st, st + len, plays), ',') || '}')::chronos.watch_ranges
  FROM (SELECT n, round((random() * 620)::numeric, 3) AS st, round((1 + random() * 120)::numeric, 3) AS len,
               1 + (random() * random() * 4)::int AS plays
          FROM generate_series(1, 300) AS n, generate_series(1, 1 + (n % 5)) AS k) AS r
 GROUP BY n;
-- the segments of each session, parsed from the text form
CREATE TEMP TABLE segs AS
SELECT w.id, m[1]::numeric AS st, m[2]::numeric AS en, coalesce(m[4], '1')::int AS plays
  FROM chronos.video_watch_sessions w,
       regexp_matches(w.watched::text, '\[([0-9.]+),([0-9.]+)\)(x([0-9]+))?', 'g') AS m
 WHERE w.video_id = '5e500000-0000-4000-8002-0000000000a3';
CREATE FUNCTION pg_temp.naive(p_buckets int) RETURNS TABLE (bucket int, start_seconds numeric, reach numeric, plays numeric)
LANGUAGE sql AS $$
    WITH counted AS (SELECT DISTINCT id FROM segs WHERE st < 600),
         b AS (SELECT k, round(600.0 * k / p_buckets, 3) AS lo, 600.0 * k / p_buckets AS lo_exact,
                      600.0 * (k + 1) / p_buckets AS hi_exact
                 FROM generate_series(0, p_buckets - 1) AS k),
         per AS (SELECT b.k, s.id, max(s.plays) AS mx
                   FROM b JOIN segs s ON s.st < b.hi_exact AND least(s.en, 600) > b.lo_exact
                  GROUP BY b.k, s.id)
    SELECT b.k, b.lo,
           round(count(per.id)::numeric / (SELECT count(*) FROM counted), 6),
           round(coalesce(sum(per.mx), 0)::numeric / (SELECT count(*) FROM counted), 6)
      FROM b LEFT JOIN per ON per.k = b.k
     GROUP BY b.k, b.lo ORDER BY b.k
$$;
SELECT is((SELECT count(DISTINCT id) FROM segs), 301::bigint, '300 random sessions of r3, and the one that played it all');
SELECT results_eq($$SELECT * FROM pg_temp.curve(3, 100)$$, $$SELECT * FROM pg_temp.naive(100)$$,
    '100 buckets: video_retention agrees with the definition computed in plain SQL');
SELECT results_eq($$SELECT * FROM pg_temp.curve(3, 7)$$, $$SELECT * FROM pg_temp.naive(7)$$,
    '7 buckets (starts that are not whole): it agrees too');
SELECT results_eq($$SELECT * FROM pg_temp.curve(3, 1000)$$, $$SELECT * FROM pg_temp.naive(1000)$$,
    '1000 buckets: it agrees too');

SELECT * FROM finish();
ROLLBACK;
