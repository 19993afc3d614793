-- test/reference.sql: docs/reference.md, from the catalog.
--
-- Run by psql -X -At (make docs, through test/reference.sh; and
-- test/shell/reference.sh, which fails when the committed file differs) as a
-- superuser in a database where CREATE EXTENSION chronos has just run.  Prints
-- the whole file: every function of schema chronos with its signature,
-- language and comment; every table (not the partitions maintenance makes)
-- with its columns and their comments; the types; the settings of pg_settings
-- named chronos.*.  Nothing in it depends on the PostgreSQL version or the
-- server's own settings (defaults are boot values).
\set ON_ERROR_STOP on
SET client_min_messages = warning;
-- the settings exist once the library is loaded: call one of its functions
SELECT chronos.is_valid_timezone('UTC') \g /dev/null

-- md(text): a comment or value on one line, safe in a table cell
CREATE FUNCTION pg_temp.md(t text) RETURNS text LANGUAGE sql IMMUTABLE
AS $$ SELECT replace(regexp_replace(coalesce(t, ''), '\s*\n\s*', ' ', 'g'), '|', '\|') $$;

SELECT string_agg(rtrim(line, E'\n'), E'\n\n' ORDER BY n) FROM (
SELECT 1 AS n, $$# chronos reference

Generated from the catalog by `make docs` (`test/reference.sh`, the query
`test/reference.sql`) from the `COMMENT`s of chronos's objects; do not edit by
hand. `test/shell/reference.sh` fails when this file is not what `make docs`
makes. What each function does in full, with examples: the pages linked from
the [README](../README.md#functions).

- [Functions](#functions)
- [Tables](#tables)
- [Types](#types)
- [Operators](#operators)
- [Settings](#settings)
$$ AS line
UNION ALL
SELECT 2, E'## Functions\n\n'
       || 'Language: `c` is chronos''s shared library; `plpgsql` and `sql` are written in '
       || '`sql/chronos--*.sql`. "definer" marks `SECURITY DEFINER`.' || E'\n\n'
       || '| function | returns | language |' || E'\n' || '|---|---|---|' || E'\n'
       || string_agg(format('| [`%s`](#%s) | `%s` | %s |', p.proname,
                            lower(p.proname || '-' || row_number::text), pg_temp.md(
                              CASE WHEN p.prokind = 'a' THEN 'aggregate: ' ELSE '' END
                              || pg_catalog.pg_get_function_result(p.oid)),
                            CASE WHEN p.prokind = 'a' THEN 'c (aggregate)' ELSE l.lanname END
                            || CASE WHEN p.prosecdef THEN ', definer' ELSE '' END),
                     E'\n' ORDER BY p.proname, p.oid::regprocedure::text)
FROM (SELECT p.*, row_number() OVER (ORDER BY p.proname, p.oid::regprocedure::text)
      FROM pg_catalog.pg_proc p WHERE p.pronamespace = 'chronos'::regnamespace) AS p
JOIN pg_catalog.pg_language l ON l.oid = p.prolang
UNION ALL
SELECT 3, string_agg(format(E'### %s\n<a id="%s"></a>\n\n```\nchronos.%s(%s)\n    RETURNS %s\n```\n\n%s%s',
                            p.proname, lower(p.proname || '-' || row_number::text), p.proname,
                            pg_catalog.pg_get_function_arguments(p.oid),
                            pg_catalog.pg_get_function_result(p.oid),
                            format('%s, %s%s%s. ',
                                   CASE WHEN p.prokind = 'a' THEN 'Aggregate of C functions' ELSE 'Language ' || l.lanname END,
                                   CASE p.provolatile WHEN 'i' THEN 'immutable' WHEN 's' THEN 'stable' ELSE 'volatile' END,
                                   CASE WHEN p.proisstrict THEN ', strict' ELSE '' END,
                                   CASE WHEN p.prosecdef THEN ', security definer' ELSE '' END),
                            coalesce(pg_catalog.obj_description(p.oid, 'pg_proc'), '(no comment)')),
                     E'\n\n' ORDER BY p.proname, p.oid::regprocedure::text)
FROM (SELECT p.*, row_number() OVER (ORDER BY p.proname, p.oid::regprocedure::text)
      FROM pg_catalog.pg_proc p WHERE p.pronamespace = 'chronos'::regnamespace) AS p
JOIN pg_catalog.pg_language l ON l.oid = p.prolang
UNION ALL
SELECT 4, E'## Tables\n\n' || string_agg(t.section, E'\n\n' ORDER BY t.relname)
FROM (
    SELECT c.relname,
           format(E'### %s\n\n%s%s\n\n| column | type | null | comment |\n|---|---|---|---|\n%s',
                  c.relname,
                  coalesce(pg_catalog.obj_description(c.oid, 'pg_class'), '(no comment)'),
                  CASE WHEN c.relkind = 'p' THEN ' (Partitioned by range of `"timestamp"`.)' ELSE '' END,
                  (SELECT string_agg(format('| `%s` | `%s` | %s | %s |', a.attname,
                                            pg_catalog.format_type(a.atttypid, a.atttypmod),
                                            CASE WHEN a.attnotnull THEN 'not null' ELSE '' END,
                                            pg_temp.md(pg_catalog.col_description(c.oid, a.attnum))),
                                     E'\n' ORDER BY a.attnum)
                     FROM pg_catalog.pg_attribute a
                    WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped)) AS section
    FROM pg_catalog.pg_class c
    WHERE c.relnamespace = 'chronos'::regnamespace AND c.relkind IN ('r', 'p')
      AND (NOT c.relispartition OR pg_catalog.obj_description(c.oid, 'pg_class') IS NOT NULL)
) AS t
UNION ALL
SELECT 5, E'## Types\n\n' || string_agg(format(E'### %s\n\n%s%s', t.typname,
                                               coalesce(pg_catalog.obj_description(t.oid, 'pg_type'), '(no comment)'),
                                               CASE WHEN t.typtype = 'e' THEN E'\n\nValues: '
                                                    || (SELECT string_agg(format('`%s`', e.enumlabel), ', ' ORDER BY e.enumsortorder)
                                                          FROM pg_catalog.pg_enum e WHERE e.enumtypid = t.oid)
                                                    ELSE '' END),
                                        E'\n\n' ORDER BY t.typname)
FROM pg_catalog.pg_type t
WHERE t.typnamespace = 'chronos'::regnamespace AND t.typtype IN ('b', 'e', 'd')
UNION ALL
SELECT 6, E'## Operators\n\n| operator | left | right | result | comment |\n|---|---|---|---|---|\n'
          || string_agg(format('| `%s` | `%s` | `%s` | `%s` | %s |', o.oprname,
                               pg_catalog.format_type(o.oprleft, NULL), pg_catalog.format_type(o.oprright, NULL),
                               pg_catalog.format_type(o.oprresult, NULL),
                               pg_temp.md(pg_catalog.obj_description(o.oid, 'pg_operator'))),
                        E'\n' ORDER BY o.oprname)
FROM pg_catalog.pg_operator o WHERE o.oprnamespace = 'chronos'::regnamespace
UNION ALL
SELECT 7, E'## Settings\n\nFrom `pg_settings` (`name LIKE ''chronos.%''`); "who" is its context: '
          || E'`user` settings anyone may change, `superuser` ones only a superuser.\n\n'
          || E'| setting | type | default | range | who | description |\n|---|---|---|---|---|---|\n'
          || string_agg(format('| `%s` | %s | %s | %s | %s | %s |', s.name, s.vartype,
                               CASE WHEN s.boot_val = '' THEN '(empty)' ELSE '`' || s.boot_val || coalesce(' ' || s.unit, '') || '`' END,
                               CASE WHEN s.min_val IS NULL THEN '' ELSE s.min_val || ' .. ' || s.max_val END,
                               s.context,
                               pg_temp.md(s.short_desc || coalesce(' ' || s.extra_desc, ''))),
                        E'\n' ORDER BY s.name)
FROM pg_catalog.pg_settings s WHERE s.name LIKE 'chronos.%'
) AS doc;
