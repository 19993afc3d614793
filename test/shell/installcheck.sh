#!/usr/bin/env bash
# test/shell/installcheck.sh: make installcheck keeps working (the README's
# command for the pg_regress suite against a running server).
#
# Copies the repository (the files git knows of and does not ignore, as they
# are in the working tree) to a temporary folder and runs
# make installcheck PG_CONFIG=$PGBIN/pg_config there, against the harness's
# server (PGHOST, PGPORT and PGUSER; chronos is installed).  make installcheck
# works in the database contrib_regression, which is dropped at the end,
# whatever happens.  Exits 0 when every pg_regress test passed; otherwise
# shows the differences and exits 1.
set -euo pipefail
# shellcheck source=test/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

fail() { echo "FAIL: $*"; exit 1; }

command -v make >/dev/null || { echo "make is not installed"; exit 77; }
command -v git >/dev/null || { echo "git is not installed"; exit 77; }

copy=$(mktemp -d "${TMPDIR:-/tmp}/chronos-installcheck.XXXXXX")
cleanup() {
	"$PGBIN/dropdb" -h "$PGHOST" -p "$PGPORT" -U "$PGUSER" --if-exists contrib_regression >/dev/null 2>&1 || true
	rm -rf "$copy"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

# The tracked and the new (not ignored) files that exist, links as links.
(cd "$CHRONOS_ROOT" &&
	git ls-files -z --cached --others --exclude-standard |
	while IFS= read -r -d '' f; do
		if [ -e "$f" ] || [ -L "$f" ]; then printf '%s\0' "$f"; fi
	done |
	tar --null -T - -cf -) | tar -C "$copy" -xf -
[ -f "$copy/Makefile" ] || fail "the copy in $copy has no Makefile"

status=0
make -C "$copy" installcheck PG_CONFIG="$PGBIN/pg_config" >"$copy/installcheck.log" 2>&1 || status=$?
if [ "$status" -ne 0 ]; then
	tail -n 40 "$copy/installcheck.log"
	[ -f "$copy/regression.diffs" ] && head -n 200 "$copy/regression.diffs"
	fail "make installcheck exited $status"
fi
# chronos's own files; the rag_* ones are chronos_rag's (rag/Makefile)
n=$(ls "$copy"/test/sql/*.sql | grep -vc '/rag_[^/]*$')
grep -Eq "All $n tests passed|# All $n tests passed" "$copy/installcheck.log" ||
	{ tail -n 40 "$copy/installcheck.log"; fail "make installcheck did not pass all $n tests"; }
"$PGBIN/psql" -X -q -h "$PGHOST" -p "$PGPORT" -U "$PGUSER" -d postgres -v ON_ERROR_STOP=1 \
	-c 'DROP DATABASE IF EXISTS contrib_regression' >/dev/null ||
	fail "could not drop contrib_regression"
echo "make installcheck: all $n pg_regress tests passed"

# make -C rag installcheck: chronos_rag's, where pgvector is installed
# (test/run.sh installs it for the rag_* files; CHRONOS_RAG=0 does not)
if [ "$("$PGBIN/psql" -X -At -h "$PGHOST" -p "$PGPORT" -U "$PGUSER" -d postgres \
	-c "SELECT count(*) FROM pg_available_extensions WHERE name IN ('vector', 'chronos_rag')")" = 2 ]; then
	status=0
	make -C "$copy/rag" installcheck PG_CONFIG="$PGBIN/pg_config" >"$copy/rag-installcheck.log" 2>&1 || status=$?
	n=$(ls "$copy"/test/sql/rag_*.sql | wc -l)
	if [ "$status" -ne 0 ] || ! grep -Eq "All $n tests passed|# All $n tests passed" "$copy/rag-installcheck.log"; then
		tail -n 40 "$copy/rag-installcheck.log"
		[ -f "$copy/rag/regression.diffs" ] && head -n 200 "$copy/rag/regression.diffs"
		fail "make -C rag installcheck did not pass all $n tests"
	fi
	"$PGBIN/psql" -X -q -h "$PGHOST" -p "$PGPORT" -U "$PGUSER" -d postgres -v ON_ERROR_STOP=1 \
		-c 'DROP DATABASE IF EXISTS contrib_regression' >/dev/null ||
		fail "could not drop contrib_regression"
	echo "make -C rag installcheck: all $n pg_regress tests passed"
else
	echo "make -C rag installcheck: not run, pgvector is not installed in this server"
fi
