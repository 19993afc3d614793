--
-- chronos.watch_ranges: text and binary forms, canonical merging, appends,
-- repeated plays, the + and = operators, coverage and plays, and the limit
-- of 1024 stored ranges.  Error texts are in test/sql/coverage_errors.sql.
--
BEGIN;
SELECT plan(87);
SET LOCAL search_path = chronos, public;

-- The COPY BINARY stream of one watch_ranges column holding p_fields (each
-- the bytes of one value), as a shell command that prints it: COPY FROM
-- PROGRAM then reads it through watch_ranges_recv, and no file is left.
CREATE FUNCTION pg_temp.copy_program(p_fields bytea[]) RETURNS text LANGUAGE sql AS $$
SELECT 'printf ''' || string_agg('\' || (get_byte(s, i) >> 6)::text || ((get_byte(s, i) >> 3) & 7)::text
                                 || (get_byte(s, i) & 7)::text, '' ORDER BY i) || ''''
  FROM (SELECT '\x5047434f50590aff0d0a00'::bytea || '\x0000000000000000'::bytea
               || coalesce((SELECT string_agg('\x0001'::bytea || int4send(length(f)) || f, ''::bytea ORDER BY o)
                              FROM unnest(p_fields) WITH ORDINALITY AS u (f, o)), ''::bytea)
               || '\xffff'::bytea AS s) AS b,
       generate_series(0, length(s) - 1) AS i
$$;

-- the type and its functions ----------------------------------------------
SELECT has_type('chronos', 'watch_ranges', 'type chronos.watch_ranges exists');
SELECT is((SELECT format('%s %s %s %s', typlen, typalign, typstorage, (typmodin = 0)::text)
             FROM pg_catalog.pg_type WHERE oid = 'chronos.watch_ranges'::regtype),
    '-1 i x true', 'watch_ranges is a varlena, int4-aligned, storage extended, without typmod');
SELECT isnt(obj_description('chronos.watch_ranges'::regtype, 'pg_type'), NULL, 'type watch_ranges has a comment');
SELECT function_returns('chronos', 'coverage', ARRAY['watch_ranges'], 'numeric', 'coverage(watch_ranges) returns numeric');
SELECT function_returns('chronos', 'watch_ranges_plays', ARRAY['watch_ranges'], 'numeric', 'watch_ranges_plays(watch_ranges) returns numeric');
SELECT function_returns('chronos', 'range_count', ARRAY['watch_ranges'], 'integer', 'range_count(watch_ranges) returns integer');
SELECT function_returns('chronos', 'watch_ranges_add', ARRAY['watch_ranges', 'numeric', 'numeric'], 'watch_ranges',
    'watch_ranges_add(watch_ranges, numeric, numeric) returns watch_ranges');
SELECT is((SELECT proargnames FROM pg_catalog.pg_proc
            WHERE oid = 'chronos.watch_ranges_add(chronos.watch_ranges, numeric, numeric)'::regprocedure),
    ARRAY['', 'p_from', 'p_to'], 'watch_ranges_add names its positions p_from and p_to');
SELECT is_empty(
    $$SELECT p.oid::regprocedure::text FROM pg_catalog.pg_proc p
       WHERE p.oid IN ('chronos.watch_ranges_in(cstring)'::regprocedure,
                       'chronos.watch_ranges_out(chronos.watch_ranges)'::regprocedure,
                       'chronos.watch_ranges_recv(internal)'::regprocedure,
                       'chronos.watch_ranges_send(chronos.watch_ranges)'::regprocedure,
                       'chronos.coverage(chronos.watch_ranges)'::regprocedure,
                       'chronos.watch_ranges_plays(chronos.watch_ranges)'::regprocedure,
                       'chronos.range_count(chronos.watch_ranges)'::regprocedure,
                       'chronos.watch_ranges_add(chronos.watch_ranges, numeric, numeric)'::regprocedure,
                       'chronos.watch_ranges_union(chronos.watch_ranges, chronos.watch_ranges)'::regprocedure,
                       'chronos.watch_ranges_eq(chronos.watch_ranges, chronos.watch_ranges)'::regprocedure,
                       'chronos.watch_ranges_ne(chronos.watch_ranges, chronos.watch_ranges)'::regprocedure)
         AND NOT (p.provolatile = 'i' AND p.proisstrict AND p.proparallel = 's' AND NOT p.prosecdef
                  AND p.prolang = (SELECT oid FROM pg_catalog.pg_language WHERE lanname = 'c'))$$,
    'the eleven functions of watch_ranges are C, IMMUTABLE, STRICT, PARALLEL SAFE and not SECURITY DEFINER');
SELECT is_empty(
    $$SELECT o.oid::regoperator::text FROM pg_catalog.pg_operator o
       WHERE o.oprleft = 'chronos.watch_ranges'::regtype AND obj_description(o.oid, 'pg_operator') IS NULL$$,
    'every operator on watch_ranges has a comment');
SELECT is((SELECT string_agg(format('%s %s', o.oprname, o.oprresult::regtype), ', ' ORDER BY o.oprname)
             FROM pg_catalog.pg_operator o
            WHERE o.oprleft = 'chronos.watch_ranges'::regtype AND o.oprright = 'chronos.watch_ranges'::regtype),
    '+ watch_ranges, <> boolean, = boolean', 'operators +, = and <> take two watch_ranges');

-- text form: round trips and canonical form --------------------------------
SELECT is('{}'::watch_ranges::text, '{}', 'nothing played is {}');
SELECT is('{[0,12.5),[20,31)}'::watch_ranges::text, '{[0,12.5),[20,31)}', 'canonical text reads back the same');
SELECT is(' { [ 0 , 10 ) x2 , [10,30) } '::watch_ranges::text, '{[0,10)x2,[10,30)}', 'whitespace is tolerated between tokens');
SELECT is(E'{\t[0,1)\n}'::watch_ranges::text, '{[0,1)}', 'tabs and newlines count as whitespace');
SELECT is('{[1.500,2.0)}'::watch_ranges::text, '{[1.5,2)}', 'positions are printed without trailing zeros');
SELECT is('{[1.5000000,2.000000000)}'::watch_ranges::text, '{[1.5,2)}', 'zeros past the third decimal are accepted');
SELECT is('{[0.001,0.002)}'::watch_ranges::text, '{[0.001,0.002)}', 'a millisecond is the smallest range');
SELECT is('{[0,10)x1}'::watch_ranges::text, '{[0,10)}', 'a play count of 1 is not written');
SELECT is('{[0,10)x007}'::watch_ranges::text, '{[0,10)x7}', 'a play count may have leading zeros');
SELECT is('{[0,10),[10,20)}'::watch_ranges::text, '{[0,20)}', 'touching ranges with equal plays are merged');
SELECT is('{[10,20),[0,10)}'::watch_ranges::text, '{[0,20)}', 'ranges may be listed in any order');
SELECT is('{[0,10),[5,15)}'::watch_ranges::text, '{[0,5),[5,10)x2,[10,15)}', 'overlapping input ranges are repeated plays');
SELECT is('{[0,10),[0,10)}'::watch_ranges::text, '{[0,10)x2}', 'the same range twice is played twice');
SELECT is('{[0,10)x2,[0,10)x3}'::watch_ranges::text, '{[0,10)x5}', 'counts of repeated ranges add up');
SELECT is('{[0,10)x2,[10,20)}'::watch_ranges::text, '{[0,10)x2,[10,20)}', 'touching ranges with different plays stay apart');
SELECT is(range_count('{[0,10)x2,[10,20)}'), 2, '... and count as two stored ranges');

-- appends ------------------------------------------------------------------
SELECT is(watch_ranges_add(watch_ranges_add('{}', 0, 10), 10, 20)::text, '{[0,20)}',
    'appending [0,10) then [10,20) gives one range [0,20)');
SELECT is(watch_ranges_add(watch_ranges_add('{}', 0, 10), 5, 15)::text, '{[0,5),[5,10)x2,[10,15)}',
    'appending overlapping ranges splits them and counts the overlap twice');
SELECT is(watch_ranges_add('{[0,10)}', 20, 30)::text, '{[0,10),[20,30)}', 'appending a disjoint range adds a range');
SELECT is(watch_ranges_add('{[20,30)}', 0, 10)::text, '{[0,10),[20,30)}', 'a range before the others goes first');
SELECT is(watch_ranges_add('{[0,5),[10,15)}', 0, 15)::text, '{[0,5)x2,[5,10),[10,15)x2}',
    'appending over a gap adds the gap once and the played parts once more');
SELECT is(watch_ranges_add('{[0,5)x2,[5,10)}', 5, 10)::text, '{[0,10)x2}',
    'a part brought to its neighbour''s plays merges with it');
SELECT is(watch_ranges_add(watch_ranges_add(watch_ranges_add('{}', 3, 4), 3, 4), 3, 4)::text, '{[3,4)x3}',
    'the same range three times has play count 3');
SELECT is(watch_ranges_add('{[0,10)}', 5, 5)::text, '{[0,10)}', 'p_from = p_to returns the value unchanged');
SELECT is(watch_ranges_add('{}', 1.0004, 2.0005)::text, '{[1,2.001)}', 'positions are rounded to the millisecond, halves up');
SELECT is(watch_ranges_add('{[0,1)}', 5.0001, 5.0004)::text, '{[0,1)}', 'a range that rounds to nothing adds nothing');
SELECT is(watch_ranges_add('{}', 0, 2147483.647)::text, '{[0,2147483.647)}', 'positions go up to 2147483.647 seconds');
SELECT is(watch_ranges_add(NULL, 0, 1), NULL, 'watch_ranges_add is strict');

-- coverage and plays --------------------------------------------------------
SELECT is(coverage('{[0,12.5),[20,30)x2}'), 22.5, 'coverage is the seconds of the union');
SELECT is(watch_ranges_plays('{[0,12.5),[20,30)x2}'), 32.5, 'plays counts repeated seconds');
SELECT is(range_count('{[0,12.5),[20,30)x2}'), 2, 'range_count counts the stored ranges');
SELECT is(coverage('{[0,5),[5,10)x2,[10,15)}'), 15::numeric, 'coverage counts a rewatched part once');
SELECT is(watch_ranges_plays('{[0,5),[5,10)x2,[10,15)}'), 20::numeric, 'plays counts it twice');
SELECT is(coverage('{[0,0.001)}')::text, '0.001', 'coverage keeps milliseconds');
SELECT is(coverage('{[0,10)}')::text, '10', 'coverage has no trailing zeros');
SELECT is(format('%s %s %s', coverage('{}'), watch_ranges_plays('{}'), range_count('{}')), '0 0 0',
    'the empty value covers 0 seconds in 0 ranges');

-- huge counts ---------------------------------------------------------------
SELECT is('{[0,2147483.647)x2147483647}'::watch_ranges::text, '{[0,2147483.647)x2147483647}',
    'the largest position and play count read back');
SELECT is(coverage('{[0,2147483.647)x2147483647}'), 2147483.647, '... cover 2147483.647 seconds');
SELECT is(watch_ranges_plays('{[0,2147483.647)x2147483647}'), 4611686014132420.609,
    '... and play 2147483.647 seconds 2147483647 times, without overflow');
SELECT is(('{[0,10)x2147483646}'::watch_ranges + '{[5,20)}')::text, '{[0,5)x2147483646,[5,10)x2147483647,[10,20)}',
    'plays may reach 2147483647');
SELECT throws_ok($$SELECT '{[0,10)x2147483647}'::chronos.watch_ranges OPERATOR(chronos.+) '{[5,20)}'$$, '22003', NULL,
    'plays past 2147483647 are refused (numeric_value_out_of_range)');
SELECT throws_ok($$SELECT chronos.watch_ranges_add('{[0,10)x2147483647}', 9, 10)$$, '22003', NULL,
    '... also when appending');

-- operators -------------------------------------------------------------------
SELECT is(('{[0,10)x2}'::watch_ranges + '{[5,20)}')::text, '{[0,5)x2,[5,10)x3,[10,20)}', '+ adds the plays of two values');
SELECT is(('{[5,20)}'::watch_ranges + '{[0,10)x2}')::text, '{[0,5)x2,[5,10)x3,[10,20)}', '+ is commutative');
SELECT is(('{[0,10)x2,[30,31)}'::watch_ranges + '{}')::text, '{[0,10)x2,[30,31)}', 'a + {} = a');
SELECT is(('{}'::watch_ranges + '{}')::text, '{}', '{} + {} = {}');
SELECT is(('{[0,10)}'::watch_ranges + '{[10,20)}')::text, '{[0,20)}', '+ merges touching ranges of equal plays');
SELECT is((('{[0,3)}'::watch_ranges + '{[2,5)}') + '{[4,6)x2}')::text,
    ('{[0,3)}'::watch_ranges + ('{[2,5)}'::watch_ranges + '{[4,6)x2}'))::text, '+ is associative');
SELECT ok('{[0,1)}'::watch_ranges = '{[0,1)x1}', '= compares values');
SELECT ok('{[0,10)}'::watch_ranges = '{[0,5),[5,10)}', '= sees through the written form (canonical values)');
SELECT ok(NOT ('{[0,1)}'::watch_ranges = '{[0,1)x2}'), '= tells play counts apart');
SELECT ok('{[0,1)}'::watch_ranges <> '{[0,2)}', '<> tells ranges apart');
SELECT ok(NOT ('{}'::watch_ranges <> '{}'), '<> is false for equal values');

-- the limit of 1024 stored ranges ---------------------------------------------
SELECT is((SELECT range_count(v) FROM (
             SELECT ('{' || string_agg(format('[%s,%s)', 2 * i, 2 * i + 1), ',') || '}')::watch_ranges AS v
               FROM generate_series(0, 1023) AS i) AS t),
    1024, '1024 separate ranges fit');
CREATE FUNCTION pg_temp.disjoint_appends(p_n integer) RETURNS chronos.watch_ranges LANGUAGE plpgsql AS $$
DECLARE
    v chronos.watch_ranges := '{}';
BEGIN
    FOR i IN 0 .. p_n - 1 LOOP
        v := chronos.watch_ranges_add(v, 2 * i, 2 * i + 1);
    END LOOP;
    RETURN v;
END
$$;
SELECT is(range_count(pg_temp.disjoint_appends(1024)), 1024, '1024 disjoint appends give 1024 ranges');
SELECT throws_ok('SELECT pg_temp.disjoint_appends(1025)', '54000',
    'watch_ranges value would hold 1025 separate ranges',
    'the 1025th disjoint range is refused (program_limit_exceeded), never silently dropped');
SELECT throws_ok($$SELECT pg_temp.disjoint_appends(600) OPERATOR(chronos.+) chronos.watch_ranges_add('{}', 5000, 5001)
                   OPERATOR(chronos.+) (SELECT ('{' || string_agg(format('[%s,%s)', 2 * i + 1.5, 2 * i + 1.75), ',') || '}')
                                              ::chronos.watch_ranges FROM generate_series(0, 599) AS i)$$,
    '54000', 'watch_ranges value would hold 1201 separate ranges', '+ is refused past the limit too');
-- 2000 touching ranges of alternating plays 1 and 2
CREATE TEMP TABLE touching AS
SELECT ('{' || string_agg(format('[%s,%s)x%s', i, i + 1, 1 + i % 2), ',') || '}')::chronos.watch_ranges AS v
  FROM generate_series(0, 1999) AS i;
SELECT is((SELECT range_count(v) FROM touching), 1024, 'touching ranges of different plays are merged down to 1024');
SELECT is((SELECT coverage(v) FROM touching), 2000::numeric, '... coverage stays exact');
SELECT is((SELECT watch_ranges_plays(v) FROM touching), 2512::numeric,
    '... the merged ranges keep the lower plays (rewatches undercounted, never overcounted)');
SELECT is((SELECT left(v::text, 40) FROM touching), '{[0,977),[977,978)x2,[978,979),[979,980)',
    '... the cheapest merges go first, leftmost on ties');
SELECT is((SELECT v::text::chronos.watch_ranges = v FROM touching), true, '... and the result is canonical');
SELECT is((SELECT format('%s %s %s', range_count(w), coverage(w), watch_ranges_plays(w))
             FROM (SELECT watch_ranges_add(v, 5000, 5001) AS w FROM touching) AS t),
    '1023 2001 2512', 'a disjoint append to a full value merges the cheapest touching pair (and the neighbour it now equals)');
-- 1021 separate seconds, plus two touching pairs: [0,100)x5|[100,101) and [3000,3000.001)x6|[3000.001,3001)
SELECT is((SELECT format('%s %s %s', range_count(v), left(v::text, 28), right(v::text, 25)) FROM (
             SELECT ('{[0,100)x5,[100,101),' || string_agg(format('[%s,%s)', 200 + 2 * i, 201 + 2 * i), ',')
                     || ',[3000,3000.001)x6,[3000.001,3001)}')::watch_ranges AS v
               FROM generate_series(0, 1020) AS i) AS t),
    '1024 {[0,100)x5,[100,101),[200,20 ,[2240,2241),[3000,3001)}',
    'the merge that undercounts the fewest play-seconds is chosen (5 ms, not 400 s)');

-- binary form -------------------------------------------------------------------
SELECT is(watch_ranges_send('{[0,1)x3}'), '\x0000000100000000000003e800000003'::bytea,
    'send: count, then start ms, end ms and plays, as int4');
SELECT is(watch_ranges_send('{}'), '\x00000000'::bytea, 'send of {} is a zero count');
CREATE TEMP TABLE sent (id integer, v chronos.watch_ranges);
INSERT INTO sent VALUES (1, '{}'), (2, '{[0,12.5),[20,31)x2}'), (3, '{[0,2147483.647)x2147483647}'),
    (4, (SELECT ('{' || string_agg(format('[%s,%s)x%s', i, i + 0.5, 1 + i % 7), ',') || '}')::chronos.watch_ranges
           FROM generate_series(0, 1023) AS i));
CREATE TEMP TABLE received (v chronos.watch_ranges);
SELECT lives_ok(format('COPY received FROM PROGRAM %L (FORMAT binary)',
                       pg_temp.copy_program(ARRAY(SELECT watch_ranges_send(v) FROM sent ORDER BY id))),
    'COPY BINARY reads what watch_ranges_send wrote');
SELECT is((SELECT count(*) FROM received r JOIN sent s ON s.v = r.v), 4::bigint,
    'send then receive gives every value back ({}, fractions, huge counts, 1024 ranges)');
SELECT is((SELECT string_agg(v::text, ' ' ORDER BY v::text) FROM received WHERE range_count(v) < 3),
    '{[0,12.5),[20,31)x2} {[0,2147483.647)x2147483647} {}', 'the received values print as sent');
SELECT throws_ok(format('COPY received FROM PROGRAM %L (FORMAT binary)',
                        pg_temp.copy_program(ARRAY['\x00000002000000000000000a00000001000000050000000f00000001'::bytea])),
    '22P03', NULL, 'receive refuses overlapping ranges (invalid_binary_representation)');
SELECT throws_ok(format('COPY received FROM PROGRAM %L (FORMAT binary)',
                        pg_temp.copy_program(ARRAY['\x00000001000000000000000a00000000'::bytea])),
    '22P03', NULL, 'receive refuses a play count of 0');
SELECT throws_ok(format('COPY received FROM PROGRAM %L (FORMAT binary)',
                        pg_temp.copy_program(ARRAY['\x00000002000000000000000a000000010000000a0000001400000001'::bytea])),
    '22P03', NULL, 'receive refuses touching ranges of equal plays (not canonical)');
SELECT throws_ok(format('COPY received FROM PROGRAM %L (FORMAT binary)',
                        pg_temp.copy_program(ARRAY['\x00000401'::bytea])),
    '22P03', NULL, 'receive refuses more than 1024 ranges');

-- storage -------------------------------------------------------------------
CREATE TEMP TABLE stored (v chronos.watch_ranges);
INSERT INTO stored SELECT v FROM sent;
SELECT is((SELECT count(*) FROM stored JOIN sent USING (v)), 4::bigint,
    'values read back from a table equal what was stored');
SELECT cmp_ok((SELECT pg_column_size(v) FROM stored WHERE range_count(v) = 1024), '<', 12296,
    'a 1024-range value is compressed in storage');
SELECT is((SELECT pg_column_size('{[0,1)}'::watch_ranges)), 20, 'one range takes 20 bytes (header, count, 3 x int4)');

SELECT * FROM finish();
ROLLBACK;
