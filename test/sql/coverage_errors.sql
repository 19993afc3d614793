--
-- Every error of chronos.watch_ranges and chronos.retention_agg, with its
-- detail and hint: syntax errors (22P02), bad values (22023), play counts
-- out of range (22003), the limit of 1024 ranges (54000), a bad binary form
-- (22P03) and bad aggregate arguments (22023, 22004).
--
SET search_path = chronos, public;
-- text input: syntax (invalid_text_representation)
SELECT ''::watch_ranges;
SELECT '[1,2)'::watch_ranges;
SELECT '{1,2)}'::watch_ranges;
SELECT '{[1 2)}'::watch_ranges;
SELECT '{[1,2]}'::watch_ranges;
SELECT '{[1,2)'::watch_ranges;
SELECT '{[1,2);[3,4)}'::watch_ranges;
SELECT '{[1,2)} x'::watch_ranges;
SELECT '{[1,2),}'::watch_ranges;
SELECT '{[,2)}'::watch_ranges;
SELECT '{[1.,2)}'::watch_ranges;
SELECT '{[.5,2)}'::watch_ranges;
SELECT '{[1e3,2000)}'::watch_ranges;
SELECT '{[1,2)x}'::watch_ranges;
SELECT '{[1,2)x1.5}'::watch_ranges;
SELECT '{[1,2)X2}'::watch_ranges;
-- text input: values (invalid_parameter_value), naming the range
SELECT '{[5,5)}'::watch_ranges;
SELECT '{[0,1),[6,5)x2}'::watch_ranges;
SELECT '{[-1,5)}'::watch_ranges;
SELECT '{[0,-5)}'::watch_ranges;
SELECT '{[1.0001,5)}'::watch_ranges;
SELECT '{[1,2147483.648)}'::watch_ranges;
SELECT '{[1,99999999999999999999)}'::watch_ranges;
SELECT '{[1,2)x0}'::watch_ranges;
SELECT '{[1,2) x -3}'::watch_ranges;
SELECT '{[1,2)x2147483648}'::watch_ranges;
-- play counts past 2147483647 (numeric_value_out_of_range)
SELECT '{[0,1)x2147483647,[0.5,1)}'::watch_ranges;
SELECT '{[0,10)x2147483647}'::watch_ranges + '{[5,20)}';
SELECT watch_ranges_add('{[0,10)x2147483647}', 9.5, 10);
-- watch_ranges_add: positions (invalid_parameter_value)
SELECT watch_ranges_add('{}', 5, 4);
SELECT watch_ranges_add('{}', 5.0004, 5.0001);
SELECT watch_ranges_add('{}', -1, 4);
SELECT watch_ranges_add('{}', 0, -0.001);
SELECT watch_ranges_add('{}', 'NaN', 4);
SELECT watch_ranges_add('{}', 1, 'Infinity');
SELECT watch_ranges_add('{}', '-Infinity', 1);
SELECT watch_ranges_add('{}', 1, 2147483.6475);
-- more than 1024 separate ranges (program_limit_exceeded)
SELECT ('{' || string_agg(format('[%s,%s)', 2 * i, 2 * i + 1), ',') || '}')::watch_ranges
  FROM generate_series(0, 1024) AS i;
SELECT range_count(v + watch_ranges_add('{}', 5000, 5001))
  FROM (SELECT ('{' || string_agg(format('[%s,%s)', 2 * i, 2 * i + 1), ',') || '}')::watch_ranges AS v
          FROM generate_series(0, 1023) AS i) AS t;
-- binary input (invalid_binary_representation): COPY BINARY of one column,
-- printed by a shell command so that no file is needed
CREATE FUNCTION pg_temp.copy_program(p_field bytea) RETURNS text LANGUAGE sql AS $$
SELECT 'printf ''' || string_agg('\' || (get_byte(s, i) >> 6)::text || ((get_byte(s, i) >> 3) & 7)::text
                                 || (get_byte(s, i) & 7)::text, '' ORDER BY i) || ''''
  FROM (SELECT '\x5047434f50590aff0d0a00'::bytea || '\x0000000000000000'::bytea
               || '\x0001'::bytea || int4send(length(p_field)) || p_field || '\xffff'::bytea AS s) AS b,
       generate_series(0, length(s) - 1) AS i
$$;
CREATE TEMP TABLE received (v watch_ranges);
SELECT pg_temp.copy_program('\x00000401') AS prog \gset
COPY received FROM PROGRAM :'prog' (FORMAT binary);
SELECT pg_temp.copy_program('\xffffffff') AS prog \gset
COPY received FROM PROGRAM :'prog' (FORMAT binary);
SELECT pg_temp.copy_program('\x00000001ffffffff0000000a00000001') AS prog \gset
COPY received FROM PROGRAM :'prog' (FORMAT binary);
SELECT pg_temp.copy_program('\x000000010000000a0000000a00000001') AS prog \gset
COPY received FROM PROGRAM :'prog' (FORMAT binary);
SELECT pg_temp.copy_program('\x00000001000000000000000a00000000') AS prog \gset
COPY received FROM PROGRAM :'prog' (FORMAT binary);
SELECT pg_temp.copy_program('\x00000002000000000000000a00000001000000050000000f00000002') AS prog \gset
COPY received FROM PROGRAM :'prog' (FORMAT binary);
SELECT pg_temp.copy_program('\x00000002000000000000000a000000020000000a0000001400000002') AS prog \gset
COPY received FROM PROGRAM :'prog' (FORMAT binary);
SELECT pg_temp.copy_program('\x00000002000000000000000a00000001') AS prog \gset
COPY received FROM PROGRAM :'prog' (FORMAT binary);
SELECT pg_temp.copy_program('\x00000001000000000000000a0000000100') AS prog \gset
COPY received FROM PROGRAM :'prog' (FORMAT binary);
-- ... and what watch_ranges_send writes reads back
SELECT pg_temp.copy_program(watch_ranges_send('{[0,10)x2,[10,12.5)}')) AS prog \gset
COPY received FROM PROGRAM :'prog' (FORMAT binary);
SELECT v FROM received;
-- retention_agg: arguments (invalid_parameter_value, null_value_not_allowed)
SELECT retention_agg('{[0,1)}', NULL, 10);
SELECT retention_agg('{[0,1)}', 0, 10);
SELECT retention_agg('{[0,1)}', -600, 10);
SELECT retention_agg('{[0,1)}', 0.0004, 10);
SELECT retention_agg('{[0,1)}', 'NaN', 10);
SELECT retention_agg('{[0,1)}', 'Infinity', 10);
SELECT retention_agg('{[0,1)}', 2147483.648, 10);
SELECT retention_agg('{[0,1)}', 600, 0);
SELECT retention_agg('{[0,1)}', 600, 1001);
SELECT retention_agg('{[0,1)}', 600, NULL);
-- the arguments are checked on rows whose value is NULL too
SELECT retention_agg(NULL, NULL, 10);
-- every row must give the same duration and number of buckets
SELECT retention_agg(v, d, 10) FROM (VALUES ('{[0,1)}'::watch_ranges, 600), ('{[0,2)}', 599.5)) AS t (v, d);
SELECT retention_agg(v, 600, b) FROM (VALUES ('{[0,1)}'::watch_ranges, 10), ('{[0,2)}', 20)) AS t (v, b);
SELECT retention_agg(v, 600, b) FROM (VALUES ('{[0,1)}'::watch_ranges, 10), ('{[0,2)}', 2000)) AS t (v, b);
-- the same duration written differently is the same duration
SELECT jsonb_array_length(retention_agg(v, d, 3))
  FROM (VALUES ('{[0,1)}'::watch_ranges, 600), ('{[0,2)}', 600.000)) AS t (v, d);
