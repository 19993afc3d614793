#!/usr/bin/env bash
# test/shell/rag_chronos_alone.sh: chronos needs nothing of pgvector.
#
#   bash test/run.sh shell/rag_chronos_alone
#
# What can be shown on a server where pgvector is installed (the rag suite
# needs it there); CHRONOS_RAG=0 bash test/run.sh runs the rest of the suite
# without building or installing pgvector at all (test/run.sh):
#
#   1. chronos's control file requires nothing (no vector);
#   2. chronos's library neither links vector.so nor uses a symbol it defines;
#   3. no test file but the rag_* ones creates the vector extension: the
#      rest of the suite runs in databases without it;
#   4. in a database with chronos, vector and chronos_rag, no object of
#      chronos (member, column, constraint, index, policy, trigger ...)
#      depends, directly or not, on anything of vector;
#   5. DROP EXTENSION vector CASCADE takes chronos_rag and leaves chronos
#      whole: its catalog snapshot equals that of a database where vector
#      never was, and it works (a refresh, a dashboard).

set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=test/lib.sh
source "$here/../lib.sh"
# shellcheck source=test/checks.sh
source "$here/../checks.sh"

shell_test_begin rag_chronos_alone chronos_s_rag_chronos_alone 55442
pgvector_ensure "$PG_MAJOR"
PREFIX=${PGDATABASE:0:40}


# 1. the control file
requires=$(q postgres "SELECT coalesce(array_to_string(requires, ','), '') FROM pg_available_extension_versions
	WHERE name = 'chronos' AND version = (SELECT default_version FROM pg_available_extensions WHERE name = 'chronos')")
[ -z "$requires" ] && pass "chronos.control requires no extension" || fail "chronos requires: $requires"
rag_requires=$(q postgres "SELECT array_to_string(requires, ',') FROM pg_available_extension_versions WHERE name = 'chronos_rag'")
[ "$rag_requires" = "chronos,vector" ] && pass "chronos_rag.control requires chronos and vector" ||
	fail "chronos_rag requires: $rag_requires"

# 2. the library
libdir=$("$PGBIN/pg_config" --pkglibdir)
if readelf -d "$libdir/chronos.so" | grep -q 'NEEDED.*vector'; then
	fail "chronos.so links vector.so"
else
	pass "chronos.so does not link vector.so"
fi
comm -12 <(nm -D --undefined-only "$libdir/chronos.so" | awk '{ print $NF }' | sort -u) \
	<(nm -D --defined-only "$libdir/vector.so" | awk '{ print $NF }' | sort -u) |
	grep -vxE '_init|_fini|Pg_magic_func|_PG_init' >"$WORK/shared_symbols" || true
[ ! -s "$WORK/shared_symbols" ] && pass "chronos.so uses no symbol that vector.so defines" ||
	fail "chronos.so uses symbols of vector.so: $(paste -sd' ' "$WORK/shared_symbols")"

# 3. the test files
users=$(grep -liE 'create extension (if not exists )?"?vector' "$CHRONOS_ROOT"/test/{sql,pgtap,shell}/*.{sql,sh} \
	"$CHRONOS_ROOT"/test/fixtures/*.sql 2>/dev/null | xargs -r -n 1 basename | grep -v '^rag[_.]' || true)
[ -z "$users" ] && pass "only the rag_* test files (and fixtures/rag.sql) create the vector extension" ||
	fail "other test files create vector: $users"
[ "$(q "$PGDATABASE" "SELECT count(*) FROM pg_extension WHERE extname = 'vector'")" = 0 ] &&
	pass "the suite's template database (chronos, pgtap, dblink) has no vector" ||
	fail "the suite's template database has vector"

# 4. dependencies
ALONE=${PREFIX}_alone
BOTH=${PREFIX}_both
new_db "$ALONE"
new_db "$BOTH"
q "$ALONE" "SET client_min_messages = warning" "CREATE EXTENSION chronos" >/dev/null
q "$BOTH" "SET client_min_messages = warning" "CREATE EXTENSION chronos" "CREATE EXTENSION vector" \
	"SET chronos_rag.embedding_dimensions = 4" "CREATE EXTENSION chronos_rag" >/dev/null
q "$BOTH" >"$WORK/deps" <<'SQL'
WITH RECURSIVE vec AS (
    SELECT classid, objid, objsubid FROM pg_depend
     WHERE refclassid = 'pg_extension'::regclass AND deptype = 'e'
       AND refobjid = (SELECT oid FROM pg_extension WHERE extname = 'vector')
    UNION
    SELECT 'pg_extension'::regclass, (SELECT oid FROM pg_extension WHERE extname = 'vector'), 0
), dependents AS (
    SELECT d.classid, d.objid, d.objsubid FROM pg_depend d JOIN vec v
        ON d.refclassid = v.classid AND d.refobjid = v.objid
    UNION
    SELECT d.classid, d.objid, d.objsubid FROM pg_depend d JOIN dependents x
        ON d.refclassid = x.classid AND d.refobjid = x.objid
)
SELECT count(*) FILTER (WHERE i.schema = 'chronos'
                           OR EXISTS (SELECT FROM pg_depend e WHERE e.classid = x.classid AND e.objid = x.objid
                                         AND e.deptype = 'e'
                                         AND e.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'chronos'))),
       count(*) FILTER (WHERE i.schema = 'chronos_rag'),
       string_agg(DISTINCT i.identity, ', ') FILTER (WHERE i.schema = 'chronos')
  FROM dependents x, LATERAL pg_identify_object(x.classid, x.objid, x.objsubid) i
SQL
IFS='|' read -r n_chronos n_rag names <"$WORK/deps"
[ "$n_chronos" = 0 ] && pass "no object of chronos depends on vector ($n_rag of chronos_rag's do)" ||
	fail "$n_chronos objects of chronos depend on vector: $names"
[ "$n_rag" -gt 0 ] && pass "the dependency search finds chronos_rag's ($n_rag objects)" ||
	fail "the dependency search found nothing of chronos_rag: it proves nothing"

# 5. DROP EXTENSION vector CASCADE
# (the schema chronos_rag, made by CREATE EXTENSION for the control file's
# schema, is not a member and stays, as schema chronos does; dropped here)
q "$BOTH" "SET client_min_messages = warning" "DROP EXTENSION vector CASCADE" "DROP SCHEMA chronos_rag" >/dev/null
[ "$(q "$BOTH" "SELECT string_agg(extname, ',' ORDER BY extname) FROM pg_extension WHERE extname <> 'plpgsql'")" = chronos ] &&
	pass "DROP EXTENSION vector CASCADE drops chronos_rag, not chronos" || fail "after DROP EXTENSION vector CASCADE: wrong extensions"
"$PGBIN/psql" -X -q -At -v ON_ERROR_STOP=1 -d "$ALONE" -f "$CHRONOS_ROOT/test/upgrade/catalog_snapshot.sql" >"$WORK/alone.catalog"
"$PGBIN/psql" -X -q -At -v ON_ERROR_STOP=1 -d "$BOTH" -f "$CHRONOS_ROOT/test/upgrade/catalog_snapshot.sql" >"$WORK/both.catalog"
if cmp -s "$WORK/alone.catalog" "$WORK/both.catalog"; then
	pass "chronos's catalog after it equals that of a database where vector never was ($(wc -l <"$WORK/alone.catalog") lines)"
else
	fail "chronos's catalog differs after DROP EXTENSION vector CASCADE:"
	diff "$WORK/alone.catalog" "$WORK/both.catalog" | head -n 20 | sed 's/^/      /'
fi
if q "$BOTH" "INSERT INTO chronos.creators (id, whop_company_id, whop_user_id) VALUES ('a1000000-0000-4000-8000-000000000001', 'co_alone', 'user_alone')" \
	"SELECT chronos.refresh_video_analytics('2026-01-01')" \
	"SELECT chronos.creator_dashboard('a1000000-0000-4000-8000-000000000001', '2026-01-01', '2026-01-07') IS NOT NULL" >/dev/null; then
	pass "chronos works there (a creator, a refresh, a dashboard)"
else
	fail "chronos does not work after DROP EXTENSION vector CASCADE"
fi

checks_summary rag_chronos_alone
