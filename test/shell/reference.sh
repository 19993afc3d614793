#!/usr/bin/env bash
# test/shell/reference.sh: docs/reference.md is what make docs makes.
#
# Generates the reference from the catalog of a fresh CREATE EXTENSION
# chronos (test/reference.sql, the query make docs runs) and compares it with
# the committed docs/reference.md; a function, table, column, setting or
# comment added or changed without make docs fails here, with the difference.
# Also checks that the generated file names every function of the extension,
# so that a broken query cannot pass by writing less.
set -euo pipefail
# shellcheck source=test/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

fail() { echo "FAIL: $*"; exit 1; }

shell_test_begin reference chronos_s_reference 56511
db=chronos_reference_check
"$PGBIN/psql" -X -q -d postgres -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null
psql_quiet -d postgres -c "CREATE DATABASE $db"
shell_test_created "$db"
psql_quiet -d "$db" -c "SET client_min_messages = warning" -c "CREATE EXTENSION chronos"
psql_quiet -d "$db" -At -f "$CHRONOS_ROOT/test/reference.sql" >"$WORK/reference.md"

# every function and setting is in it
missing=0
while read -r name; do
	grep -q "^### $name\$" "$WORK/reference.md" || { echo "not in the reference: function $name"; missing=1; }
done < <(psql_quiet -d "$db" -At -c "SELECT DISTINCT proname FROM pg_proc WHERE pronamespace = 'chronos'::regnamespace")
while read -r name; do
	grep -q "| \`$name\` |" "$WORK/reference.md" || { echo "not in the reference: setting $name"; missing=1; }
done < <(psql_quiet -d "$db" -At -c "LOAD 'chronos'" -c "SELECT name FROM pg_settings WHERE name LIKE 'chronos.%'")
[ $missing -eq 0 ] || fail "the generated reference misses objects (test/reference.sql)"
n_settings=$(grep -c '^| `chronos\.' "$WORK/reference.md" || true)
[ "$n_settings" -ge 9 ] || fail "only $n_settings chronos.* settings in the reference"
n=$(grep -c '^### ' "$WORK/reference.md")
[ "$n" -ge 40 ] || fail "only $n sections generated"

if ! diff -u "$CHRONOS_ROOT/docs/reference.md" "$WORK/reference.md" >"$WORK/diff"; then
	head -n 80 "$WORK/diff"
	fail "docs/reference.md is stale: run make docs and commit it"
fi
echo "docs/reference.md is up to date ($n sections)"
