--
-- chronos.retention_agg: the retention curve of a video from watch_ranges
-- values, checked against curves computed by hand, at bucket edges, with
-- clipping, at scale, and in parallel.  Error texts are in
-- test/sql/coverage_errors.sql.
--
BEGIN;
SELECT plan(21);
SET LOCAL search_path = chronos, public;

CREATE FUNCTION pg_temp.explain_lines(p_query text) RETURNS SETOF text LANGUAGE plpgsql AS $$
BEGIN
    RETURN QUERY EXECUTE 'EXPLAIN (COSTS OFF) ' || p_query;
END
$$;

-- the aggregate -------------------------------------------------------------
SELECT has_function('chronos', 'retention_agg', ARRAY['watch_ranges', 'numeric', 'integer'],
    'retention_agg(watch_ranges, numeric, integer) exists');
SELECT is((SELECT format('%s %s %s %s', p.prokind, p.prorettype::regtype, p.proparallel, (a.aggcombinefn <> 0)::text)
             FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_aggregate a ON a.aggfnoid = p.oid
            WHERE p.oid = 'chronos.retention_agg(chronos.watch_ranges, numeric, integer)'::regprocedure),
    'a jsonb s true', 'retention_agg is an aggregate returning jsonb, parallel safe with a combine function');
SELECT is((SELECT proargnames FROM pg_catalog.pg_proc
            WHERE oid = 'chronos.retention_agg(chronos.watch_ranges, numeric, integer)'::regprocedure),
    ARRAY['', 'p_duration_seconds', 'p_buckets'], 'its arguments are named p_duration_seconds and p_buckets');

-- by hand: a 100 s video in 4 buckets of 25 s ---------------------------------
--   A {[0,30),[40,45)x4}    buckets 0 (plays 1), 1 (max of 1 and 4: 4)
--   B {[0,10)x2,[10,60)}    buckets 0 (max 2), 1 (1), 2 (1)
--   C {[20,25)x3,[80,120)}  bucket 0 (3; [20,25) ends where bucket 1 starts),
--                           bucket 3 (1; clipped to [80,100))
--   {}, NULL and {[100,130)} (all past the end) do not count: N = 3
--   bucket 0: reach 3/3, plays (1 + 2 + 3) / 3      bucket 1: reach 2/3, plays (4 + 1) / 3
--   bucket 2: reach 1/3, plays 1/3                  bucket 3: reach 1/3, plays 1/3
CREATE TEMP TABLE viewings (v chronos.watch_ranges);
INSERT INTO viewings VALUES ('{[0,30),[40,45)x4}'), ('{[0,10)x2,[10,60)}'), ('{[20,25)x3,[80,120)}'),
    ('{}'), (NULL), ('{[100,130)}');
SELECT results_eq(
    $$SELECT * FROM jsonb_to_recordset((SELECT chronos.retention_agg(v, 100, 4) FROM viewings))
                 AS r (bucket integer, start_seconds numeric, reach numeric, plays numeric) ORDER BY bucket$$,
    $$VALUES (0, 0::numeric, 1::numeric, 2::numeric),
             (1, 25, 0.666667, 1.666667),
             (2, 50, 0.333333, 0.333333),
             (3, 75, 0.333333, 0.333333)$$,
    'every bucket of the hand-computed curve: reach and plays rounded to six decimals');
SELECT is((SELECT chronos.retention_agg(v, 100, 4) FROM viewings)::text,
    '[{"plays": 2, "reach": 1, "bucket": 0, "start_seconds": 0}, '
    '{"plays": 1.666667, "reach": 0.666667, "bucket": 1, "start_seconds": 25}, '
    '{"plays": 0.333333, "reach": 0.333333, "bucket": 2, "start_seconds": 50}, '
    '{"plays": 0.333333, "reach": 0.333333, "bucket": 3, "start_seconds": 75}]',
    'the result is a jsonb array of one object per bucket');
SELECT results_eq(
    $$SELECT * FROM jsonb_to_recordset((SELECT chronos.retention_agg(v, 100, 1) FROM viewings))
                 AS r (bucket integer, start_seconds numeric, reach numeric, plays numeric)$$,
    $$VALUES (0, 0::numeric, 1::numeric, 3::numeric)$$,
    'one bucket: everyone who played anything, plays the mean of each value''s highest count (4, 2, 3)');
SELECT results_eq(
    $$SELECT * FROM jsonb_to_recordset((SELECT chronos.retention_agg(v, 40, 2) FROM viewings))
                 AS r (bucket integer, start_seconds numeric, reach numeric, plays numeric)$$,
    $$VALUES (0, 0::numeric, 0.666667::numeric, 1::numeric), (1, 20, 1, 1.666667)$$,
    'a 40 s duration clips the ranges past it; C still counts, though it played nothing of bucket 0');

-- bucket edges ----------------------------------------------------------------
SELECT results_eq(
    $$SELECT * FROM jsonb_to_recordset((SELECT chronos.retention_agg('{[3.333,3.334)}', 10, 3)))
                 AS r (bucket integer, start_seconds numeric, reach numeric, plays numeric)$$,
    $$VALUES (0, 0::numeric, 1::numeric, 1::numeric), (1, 3.333, 1, 1), (2, 6.667, 0, 0)$$,
    'buckets of 10/3 s: starts rounded to the millisecond, edges exact ([3.333,3.334) straddles 3.3333...)');
SELECT results_eq(
    $$SELECT bucket, reach FROM jsonb_to_recordset((SELECT chronos.retention_agg('{[25,50)}', 100, 4)))
                 AS r (bucket integer, reach numeric)$$,
    $$VALUES (0, 0::numeric), (1, 1::numeric), (2, 0::numeric), (3, 0::numeric)$$,
    'a range is in the buckets it overlaps: start included, end excluded');
SELECT results_eq(
    $$SELECT bucket, reach, plays FROM jsonb_to_recordset((SELECT chronos.retention_agg('{[0,1)x2,[1,99)x3,[99,100)x2}', 100, 10)))
                 AS r (bucket integer, reach numeric, plays numeric) WHERE bucket IN (0, 1, 5, 9)$$,
    $$VALUES (0, 1::numeric, 3::numeric), (1, 1, 3), (5, 1, 3), (9, 1, 3)$$,
    'a bucket takes the highest play count of the value''s ranges in it');
SELECT is((SELECT jsonb_array_length(chronos.retention_agg(v, 600, 1000)) FROM viewings), 1000,
    '1000 buckets');
SELECT is_empty(
    $$SELECT * FROM jsonb_to_recordset((SELECT chronos.retention_agg(v, 100, 7) FROM viewings))
                 AS r (bucket integer, reach numeric, plays numeric)
       WHERE plays < reach OR reach > 1 OR reach < 0$$,
    'reach is a share from 0 to 1, and plays is never below reach');

-- nothing to count --------------------------------------------------------------
SELECT is((SELECT chronos.retention_agg(v, 100, 4) FROM viewings WHERE false), NULL, 'over no rows: NULL');
SELECT is((SELECT chronos.retention_agg(v, 10, 2) FROM viewings WHERE v IS NULL OR v = '{}')::text,
    '[{"plays": 0, "reach": 0, "bucket": 0, "start_seconds": 0}, {"plays": 0, "reach": 0, "bucket": 1, "start_seconds": 5}]',
    'over NULL and empty values only: every bucket at 0 (a LEFT JOIN of a video without viewings)');

-- at scale ------------------------------------------------------------------------
-- 100,000 viewings of a 600 s video: half watch it all, half the first 300 s twice
CREATE TABLE pg_temp.many AS
SELECT CASE WHEN i % 2 = 0 THEN '{[0,600)}' ELSE '{[0,300)x2}' END::chronos.watch_ranges AS v
  FROM generate_series(1, 100000) AS i;
SELECT results_eq(
    $$SELECT reach, plays, count(*) FROM jsonb_to_recordset((SELECT chronos.retention_agg(v, 600, 100) FROM pg_temp.many))
                 AS r (bucket integer, reach numeric, plays numeric) GROUP BY reach, plays ORDER BY reach DESC$$,
    $$VALUES (1::numeric, 1.5::numeric, 50::bigint), (0.5, 0.5, 50)$$,
    '100,000 values: the first 50 buckets reach everyone 1.5 times, the last 50 half of them once');

-- in parallel: partial states serialized by workers, combined by the leader ------------
CREATE TABLE coverage_retention_parallel AS
SELECT chronos.watch_ranges_add(chronos.watch_ranges_add('{}', a, a + l), b, b + 30) AS v
  FROM (SELECT (i * 7919 % 500)::numeric / 2 AS a, (i * 104729 % 400)::numeric AS l,
               (i * 31 % 560)::numeric AS b
          FROM generate_series(1, 20000) AS i) AS g;
ANALYZE coverage_retention_parallel;
SET LOCAL max_parallel_workers_per_gather = 0;
CREATE TEMP TABLE serial AS SELECT chronos.retention_agg(v, 600, 97) AS curve FROM coverage_retention_parallel;
SET LOCAL max_parallel_workers_per_gather = 2;
SET LOCAL parallel_setup_cost = 0;
SET LOCAL parallel_tuple_cost = 0;
SET LOCAL min_parallel_table_scan_size = 0;
SELECT ok((SELECT string_agg(line, ' ') FROM pg_temp.explain_lines(
              'SELECT chronos.retention_agg(v, 600, 97) FROM coverage_retention_parallel') AS line)
          LIKE '%Finalize Aggregate%Gather%Partial Aggregate%Parallel Seq Scan%',
    'the planner runs retention_agg as a parallel aggregate');
SELECT is((SELECT chronos.retention_agg(v, 600, 97) FROM coverage_retention_parallel), (SELECT curve FROM serial),
    'the parallel curve equals the serial one');
SELECT is((SELECT jsonb_array_length(curve) FROM serial), 97, '... which has its 97 buckets');
SELECT cmp_ok((SELECT max((b ->> 'reach')::numeric) FROM serial, jsonb_array_elements(curve) AS b), '>', 0::numeric,
    '... and is not all zeros');
RESET max_parallel_workers_per_gather;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;

-- a window: the curve so far, row by row (the final function does not change the state)
SELECT results_eq(
    $$SELECT (chronos.retention_agg(v, 100, 1) OVER (ORDER BY n) -> 0 ->> 'reach')::numeric
        FROM (VALUES (1, '{[0,10)}'::chronos.watch_ranges), (2, '{}'), (3, '{[5,6)}')) AS t (n, v) ORDER BY n$$,
    $$VALUES (1::numeric), (1), (1)$$,
    'retention_agg works as a window aggregate');
SELECT results_eq(
    $$SELECT (chronos.retention_agg(v, 100, 2) OVER (ORDER BY n) -> 1 ->> 'reach')::numeric
        FROM (VALUES (1, '{[0,10)}'::chronos.watch_ranges), (2, '{[60,70)}'), (3, '{[5,6)}'), (4, '{[50,51)}')) AS t (n, v) ORDER BY n$$,
    $$VALUES (0::numeric), (0.5), (0.333333), (0.5)$$,
    '... its running curve follows the rows');

SELECT * FROM finish();
ROLLBACK;
