#!/usr/bin/env bash
# test/shell/examples.sh: every SQL example of README.md and docs/*.md runs as
# written against the demo database, and shows the output it really gives.
#
# Loads demo/data.sql (the demo's data set, as bash demo/run.sh loads it) into
# a database, then for each markdown file makes a fresh copy of it and runs
# the file's ```sql blocks in order, in one psql session (test/examples.py:
# which blocks, how outputs are shown, how a block is marked not run).  Fails
# when a block raises an error, when an output differs from the ```text block
# shown after it, when SQL hides in an indented code block, or when the
# checker itself would not notice a wrong output (checked first).
#
# Run by bash test/run.sh (shell/examples), or alone as root:
#     PG=17 bash test/shell/examples.sh
set -euo pipefail
# shellcheck source=test/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

fail() { echo "FAIL: $*"; exit 1; }

shell_test_begin examples chronos_s_examples 56510
cd "$CHRONOS_ROOT"
PY=$(command -v python3) || { ensure_packages python3 && PY=$(command -v python3); }
CHECK="$PY $CHRONOS_ROOT/test/examples.py"
psql_ex() { "$PGBIN/psql" -X -v ON_ERROR_STOP=1 "$@"; }

# The demo's data set, in a database the copies are made from.
TEMPLATE=chronos_examples_demo
"$PGBIN/psql" -X -q -d postgres -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS $TEMPLATE WITH (FORCE)" >/dev/null
psql_quiet -d postgres -c "CREATE DATABASE $TEMPLATE"
shell_test_created "$TEMPLATE"
psql_quiet -d "$TEMPLATE" -c "SET client_min_messages = warning" -c "CREATE EXTENSION chronos"
psql_quiet -d "$TEMPLATE" -f "$CHRONOS_ROOT/demo/data.sql" >"$WORK/load.out" ||
	{ cat "$WORK/load.out"; fail "demo/data.sql did not load"; }

# run_file MD: runs MD's examples in a fresh copy of the demo database;
# returns non-zero when one failed.
n_db=0
run_file() {
	local md=$1 dir db rc=0
	n_db=$((n_db + 1))
	dir=$WORK/ex$n_db
	db=chronos_examples_$n_db
	$CHECK extract "$md" "$dir" | tee "$dir.extract" || return 1
	"$PGBIN/psql" -X -q -d postgres -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null
	psql_quiet -d postgres -c "CREATE DATABASE $db TEMPLATE $TEMPLATE"
	shell_test_created "$db"
	psql_ex -d "$db" -f "$dir/script.sql" >"$dir/output" 2>"$dir/stderr" || rc=$?
	if [ $rc -ne 0 ]; then
		echo "psql stopped (exit $rc):"
		grep -v '^psql:.*NOTICE' "$dir/stderr" | sed 's/^/    /' | head -n 20
	fi
	$CHECK compare "$dir" "$dir/output" || rc=1
	psql_quiet -d postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)"
	return $rc
}

# The checker must catch a wrong output and an error: a file with both.
cat >"$WORK/selftest.md" <<'EOF'
```sql
SELECT 1 + 1 AS two;
```
```text
 two
-----
   3
(1 row)
```
EOF
if run_file "$WORK/selftest.md" >"$WORK/selftest.out" 2>&1; then
	cat "$WORK/selftest.out"; fail "the checker passed an example whose output is wrong"
fi
grep -q 'the output differs' "$WORK/selftest.out" || { cat "$WORK/selftest.out"; fail "no difference reported"; }
printf '```sql\nSELECT chronos.no_such_function();\n```\n' >"$WORK/selftest2.md"
if run_file "$WORK/selftest2.md" >"$WORK/selftest2.out" 2>&1; then
	cat "$WORK/selftest2.out"; fail "the checker passed an example that raises an error"
fi
printf 'Text.\n\n    SELECT 1;\n' >"$WORK/selftest3.md"
if $CHECK lint "$WORK/selftest3.md" >/dev/null; then fail "the lint passed SQL in an indented block"; fi
echo "self-test: a wrong output, an error and an indented SQL block are caught"

status=0 files=0
for md in "$CHRONOS_ROOT/README.md" "$CHRONOS_ROOT"/docs/*.md; do
	rel=${md#"$CHRONOS_ROOT"/}
	$CHECK lint "$md" || status=1
	grep -q '^ *```sql *$' "$md" || continue
	# docs/rag.md creates chronos_rag, which needs pgvector: test/run.sh
	# installs it for this file, CHRONOS_RAG=0 does not
	if [ "$rel" = docs/rag.md ] &&
		[ "$(q postgres "SELECT count(*) FROM pg_available_extensions WHERE name = 'vector'")" = 0 ]; then
		echo "$rel: not run, pgvector is not installed in this server (CHRONOS_RAG=0?)"
		continue
	fi
	files=$((files + 1))
	run_file "$rel" || status=1
done

# Not a test that passes on nothing: README and the reference pages have
# examples, most with their output.
read -r n_run n_cmp < <(cat /dev/null "$WORK"/ex*.extract | grep -v selftest |
	awk '/ examples to run, / { r += $2; c += $6 } END { print r + 0, c + 0 }')
echo "$files files: $n_run examples run, $n_cmp outputs compared"
[ "$n_run" -ge 15 ] || fail "only $n_run examples found (the extraction is broken?)"
[ "$n_cmp" -ge 10 ] || fail "only $n_cmp outputs compared (the extraction is broken?)"
[ $status -eq 0 ] || fail "some examples do not run as written (above)"
echo "every example runs as written"
