-- test/upgrade/catalog_snapshot.sql: the catalog of extension chronos as
-- sorted text, for test/shell/upgrade.sh to diff between a fresh database, an
-- updated one and a restored one.
--
--   psql -X -At -v ON_ERROR_STOP=1 -f test/upgrade/catalog_snapshot.sql -d DB
--
-- Every line is "section|object|details" (newlines inside a value are
-- shown as \n or, in expressions, as spaces) and names objects by name,
-- never by OID, so that two databases compare.  What is covered: the
-- extension row and its member objects (pg_depend deptype 'e', described by
-- pg_describe_object), and for schema chronos: relations (kind, persistence,
-- row-level security enabled/forced, partition key and bounds, options),
-- columns (in order: their position among the live columns, so a column an
-- update adds must come last in the fresh script too; dropped columns leave
-- holes in attnum that a dump and restore removes, and are not a
-- difference), defaults, identity/generated, collation, constraints
-- (pg_get_constraintdef), indexes (pg_get_indexdef), policies (pg_policies),
-- triggers (pg_get_triggerdef and whether enabled), views, sequences,
-- functions, procedures and aggregates (identity signature, arguments with
-- defaults, result, language, volatility, strictness, parallel safety,
-- security definer, leakproof, cost, rows, SET options, and the whole
-- definition line by line), operators, types and enum labels (in
-- enumsortorder), privileges (schema, relations, columns, functions, types;
-- a NULL ACL is shown as its default so that NULL and an explicit default
-- compare equal), the initial privileges pg_dump compares against
-- (pg_init_privs), default privileges, comments on everything (pg_description
-- of every object created after initdb), and the tables registered with
-- pg_extension_config_dump with their conditions.

\set ON_ERROR_STOP on
\pset footer off
SET search_path = pg_catalog, pg_temp;
SET client_min_messages = warning;

-- the extension itself
SELECT 'extension', e.extname,
       format('version=%s relocatable=%s schema=%s owner=%s', e.extversion, e.extrelocatable,
              n.nspname, pg_get_userbyid(e.extowner))
  FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
 WHERE e.extname = 'chronos';

-- its member objects
SELECT 'member', pg_describe_object(d.classid, d.objid, d.objsubid), ''
  FROM pg_depend d
 WHERE d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e'
   AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'chronos')
 ORDER BY 2, 3;

-- what pg_dump keeps the rows of
SELECT 'config_dump', c.relname, format('condition=%L', x.cond)
  FROM pg_extension e,
       unnest(e.extconfig, e.extcondition) AS x (reloid, cond)
       JOIN pg_class c ON c.oid = x.reloid
 WHERE e.extname = 'chronos'
 ORDER BY 2, 3;

-- the schema
SELECT 'schema', n.nspname, format('owner=%s', pg_get_userbyid(n.nspowner))
  FROM pg_namespace n WHERE n.nspname = 'chronos';

-- relations of schema chronos
SELECT 'relation', c.relname,
       format('kind=%s persistence=%s am=%s owner=%s rls=%s force_rls=%s replident=%s options=%s'
              ' partkey=%s partition_of=%s bound=%s',
              c.relkind, c.relpersistence, coalesce(am.amname, '-'), pg_get_userbyid(c.relowner),
              c.relrowsecurity, c.relforcerowsecurity, c.relreplident, coalesce(c.reloptions::text, '-'),
              CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) ELSE '-' END,
              coalesce((SELECT string_agg(p.oid::regclass::text, ',' ORDER BY p.oid::regclass::text)
                          FROM pg_inherits i JOIN pg_class p ON p.oid = i.inhparent
                         WHERE i.inhrelid = c.oid), '-'),
              coalesce(pg_get_expr(c.relpartbound, c.oid), '-'))
  FROM pg_class c
  LEFT JOIN pg_am am ON am.oid = c.relam
 WHERE c.relnamespace = 'chronos'::regnamespace
 ORDER BY 2, 3;

-- columns, by position among the live columns
SELECT 'column', format('%s.%s', c.relname, a.attname),
       format('position=%s type=%s notnull=%s default=%s identity=%s generated=%s collation=%s'
              ' storage=%s compression=%s',
              row_number() OVER (PARTITION BY c.oid ORDER BY a.attnum),
              format_type(a.atttypid, a.atttypmod), a.attnotnull,
              regexp_replace(coalesce(pg_get_expr(ad.adbin, ad.adrelid), '-'), '\s*\n\s*', ' ', 'g'),
              nullif(a.attidentity, ''), nullif(a.attgenerated, ''),
              CASE WHEN a.attcollation <> 0 THEN (SELECT collname FROM pg_collation WHERE oid = a.attcollation) END,
              a.attstorage, nullif(a.attcompression, ''))
  FROM pg_class c
  JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
  LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
 WHERE c.relnamespace = 'chronos'::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'c')
 ORDER BY c.relname COLLATE "C", a.attnum;

-- constraints (of tables and of domains)
SELECT 'constraint', format('%s.%s', coalesce(c.relname, t.typname), con.conname),
       format('type=%s deferrable=%s deferred=%s validated=%s def=%s', con.contype,
              con.condeferrable, con.condeferred, con.convalidated, regexp_replace(pg_get_constraintdef(con.oid), '\s*\n\s*', ' ', 'g'))
  FROM pg_constraint con
  LEFT JOIN pg_class c ON c.oid = con.conrelid
  LEFT JOIN pg_type t ON t.oid = con.contypid
 WHERE con.connamespace = 'chronos'::regnamespace
 ORDER BY 2, 3;

-- indexes
SELECT 'index', format('%s.%s', t.relname, i.relname),
       format('%s clustered=%s replident=%s', regexp_replace(pg_get_indexdef(x.indexrelid), '\s*\n\s*', ' ', 'g'), x.indisclustered, x.indisreplident)
  FROM pg_index x
  JOIN pg_class i ON i.oid = x.indexrelid
  JOIN pg_class t ON t.oid = x.indrelid
 WHERE t.relnamespace = 'chronos'::regnamespace
 ORDER BY 2, 3;

-- row-level security policies
SELECT 'policy', format('%s.%s', p.tablename, p.policyname),
       format('permissive=%s roles=%s cmd=%s qual=%s with_check=%s', p.permissive,
              (SELECT string_agg(r, ',' ORDER BY r COLLATE "C") FROM unnest(p.roles) r),
              p.cmd, regexp_replace(coalesce(p.qual, '-'), '\s*\n\s*', ' ', 'g'),
              regexp_replace(coalesce(p.with_check, '-'), '\s*\n\s*', ' ', 'g'))
  FROM pg_policies p
 WHERE p.schemaname = 'chronos'
 ORDER BY 2, 3;

-- triggers
SELECT 'trigger', format('%s.%s', c.relname, tg.tgname),
       format('enabled=%s %s', tg.tgenabled, regexp_replace(pg_get_triggerdef(tg.oid), '\s*\n\s*', ' ', 'g'))
  FROM pg_trigger tg JOIN pg_class c ON c.oid = tg.tgrelid
 WHERE c.relnamespace = 'chronos'::regnamespace AND NOT tg.tgisinternal
 ORDER BY 2, 3;

-- views and materialized views
SELECT 'view', c.relname, regexp_replace(pg_get_viewdef(c.oid, true), '\s+', ' ', 'g')
  FROM pg_class c
 WHERE c.relnamespace = 'chronos'::regnamespace AND c.relkind IN ('v', 'm')
 ORDER BY 2, 3;

-- sequences
SELECT 'sequence', c.relname,
       format('type=%s start=%s increment=%s min=%s max=%s cache=%s cycle=%s owned_by=%s',
              format_type(s.seqtypid, NULL), s.seqstart, s.seqincrement, s.seqmin, s.seqmax,
              s.seqcache, s.seqcycle,
              coalesce((SELECT format('%s.%s', t.relname, a.attname)
                          FROM pg_depend d
                          JOIN pg_class t ON t.oid = d.refobjid
                          JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
                         WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
                           AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')), '-'))
  FROM pg_class c JOIN pg_sequence s ON s.seqrelid = c.oid
 WHERE c.relnamespace = 'chronos'::regnamespace
 ORDER BY 2, 3;

-- functions, procedures and aggregates
SELECT 'function', format('%s(%s)', p.proname, pg_get_function_identity_arguments(p.oid)),
       format('kind=%s args=%s returns=%s language=%s volatility=%s strict=%s parallel=%s'
              ' security_definer=%s leakproof=%s cost=%s rows=%s support=%s config=%s owner=%s',
              p.prokind, pg_get_function_arguments(p.oid),
              coalesce(pg_get_function_result(p.oid), '-'), l.lanname, p.provolatile,
              p.proisstrict, p.proparallel, p.prosecdef, p.proleakproof, p.procost, p.prorows,
              p.prosupport::regproc, coalesce(p.proconfig::text, '-'), pg_get_userbyid(p.proowner))
  FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang
 WHERE p.pronamespace = 'chronos'::regnamespace
 ORDER BY 2, 3;

-- each function's whole definition, line by line (a diff shows the lines
-- that differ); C functions show their library and symbol
SELECT 'function_def', format('%s(%s) %s', p.proname, pg_get_function_identity_arguments(p.oid),
                              to_char(d.n, 'FM0000')),
       d.line
  FROM pg_proc p,
       LATERAL regexp_split_to_table(pg_get_functiondef(p.oid), E'\n') WITH ORDINALITY AS d (line, n)
 WHERE p.pronamespace = 'chronos'::regnamespace AND p.prokind <> 'a'
 ORDER BY 2, 3;

SELECT 'aggregate', p.oid::regprocedure::text,
       format('kind=%s direct_args=%s transfn=%s finalfn=%s combinefn=%s serialfn=%s deserialfn=%s'
              ' mtransfn=%s minvtransfn=%s mfinalfn=%s finalextra=%s finalmodify=%s sortop=%s'
              ' stype=%s sspace=%s initval=%s mstype=%s minitval=%s',
              a.aggkind, a.aggnumdirectargs, a.aggtransfn::regprocedure, a.aggfinalfn::regproc,
              a.aggcombinefn::regproc, a.aggserialfn::regproc, a.aggdeserialfn::regproc,
              a.aggmtransfn::regproc, a.aggminvtransfn::regproc, a.aggmfinalfn::regproc,
              a.aggfinalextra, a.aggfinalmodify, a.aggsortop::regoperator,
              format_type(a.aggtranstype, NULL), a.aggtransspace, coalesce(a.agginitval, '-'),
              format_type(nullif(a.aggmtranstype, 0), NULL), coalesce(a.aggminitval, '-'))
  FROM pg_aggregate a JOIN pg_proc p ON p.oid = a.aggfnoid
 WHERE p.pronamespace = 'chronos'::regnamespace
 ORDER BY 2, 3;

-- operators
SELECT 'operator', o.oid::regoperator::text,
       format('result=%s code=%s commutator=%s negator=%s restrict=%s join=%s merges=%s hashes=%s',
              format_type(o.oprresult, NULL), o.oprcode::regproc, nullif(o.oprcom, 0)::regoperator,
              nullif(o.oprnegate, 0)::regoperator, o.oprrest::regproc, o.oprjoin::regproc,
              o.oprcanmerge, o.oprcanhash)
  FROM pg_operator o
 WHERE o.oprnamespace = 'chronos'::regnamespace
 ORDER BY 2, 3;

-- types (base, composite, domain, enum, range; array types included)
SELECT 'type', t.typname,
       format('type=%s len=%s byval=%s align=%s storage=%s category=%s preferred=%s in=%s out=%s'
              ' recv=%s send=%s modin=%s modout=%s analyze=%s subscript=%s elem=%s delim=%s'
              ' base=%s notnull=%s default=%s collation=%s owner=%s',
              t.typtype, t.typlen, t.typbyval, t.typalign, t.typstorage, t.typcategory, t.typispreferred,
              t.typinput, t.typoutput, t.typreceive, t.typsend, t.typmodin, t.typmodout, t.typanalyze,
              t.typsubscript, format_type(nullif(t.typelem, 0), NULL), t.typdelim,
              format_type(nullif(t.typbasetype, 0), t.typtypmod), t.typnotnull,
              coalesce(t.typdefault, '-'),
              (SELECT collname FROM pg_collation WHERE oid = t.typcollation), pg_get_userbyid(t.typowner))
  FROM pg_type t
 WHERE t.typnamespace = 'chronos'::regnamespace
 ORDER BY 2, 3;

-- enum labels, by their place in the order (not the float enumsortorder,
-- which ALTER TYPE ... ADD VALUE BEFORE leaves fractional)
SELECT 'enum_label', format('%s %s', t.typname,
                            to_char(row_number() OVER (PARTITION BY t.oid ORDER BY e.enumsortorder), 'FM000')),
       e.enumlabel
  FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid
 WHERE t.typnamespace = 'chronos'::regnamespace
 ORDER BY t.typname COLLATE "C", e.enumsortorder;

-- privileges: schema, relations, columns, functions, types; a NULL ACL as
-- the default it stands for
WITH acls AS (
    SELECT 'schema ' || n.nspname AS object, coalesce(n.nspacl, acldefault('n', n.nspowner)) AS acl
      FROM pg_namespace n WHERE n.nspname = 'chronos'
    UNION ALL
    SELECT 'relation ' || c.relname,
           coalesce(c.relacl, acldefault(CASE WHEN c.relkind = 'S' THEN 's' ELSE 'r' END::"char", c.relowner))
      FROM pg_class c
     WHERE c.relnamespace = 'chronos'::regnamespace AND c.relkind NOT IN ('i', 'I', 'c', 't')
    UNION ALL
    SELECT format('column %s.%s', c.relname, a.attname), a.attacl
      FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid
     WHERE c.relnamespace = 'chronos'::regnamespace AND a.attnum > 0 AND NOT a.attisdropped
       AND a.attacl IS NOT NULL
    UNION ALL
    SELECT format('function %s(%s)', p.proname, pg_get_function_identity_arguments(p.oid)),
           coalesce(p.proacl, acldefault('f', p.proowner))
      FROM pg_proc p WHERE p.pronamespace = 'chronos'::regnamespace
    UNION ALL
    SELECT 'type ' || t.typname, coalesce(t.typacl, acldefault('T', t.typowner))
      FROM pg_type t WHERE t.typnamespace = 'chronos'::regnamespace
)
SELECT 'grant', object,
       format('%s to %s by %s%s', x.privilege_type,
              CASE WHEN x.grantee = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(x.grantee) END,
              pg_get_userbyid(x.grantor), CASE WHEN x.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END)
  FROM acls, aclexplode(acl) x
 ORDER BY 2, 3;

-- the privileges the extension's scripts left, which pg_dump compares against
SELECT 'init_privs', format('%s (%s)', pg_describe_object(i.classoid, i.objoid, i.objsubid), i.privtype),
       format('%s to %s by %s%s', x.privilege_type,
              CASE WHEN x.grantee = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(x.grantee) END,
              pg_get_userbyid(x.grantor), CASE WHEN x.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END)
  FROM pg_init_privs i, aclexplode(i.initprivs) x
 WHERE i.objoid >= 16384
 ORDER BY 2, 3;

SELECT 'default_acl', format('%s for %s in %s', d.defaclobjtype, pg_get_userbyid(d.defaclrole),
                             coalesce(d.defaclnamespace::regnamespace::text, '-')),
       d.defaclacl::text
  FROM pg_default_acl d
 ORDER BY 2, 3;

-- comments on everything created after initdb (the extension, its schema and
-- objects, columns, constraints, indexes, triggers, policies)
SELECT 'comment', pg_describe_object(d.classoid, d.objoid, d.objsubid), replace(d.description, E'\n', '\n')
  FROM pg_description d
 WHERE d.objoid >= 16384
 ORDER BY 2, 3;
