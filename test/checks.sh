# test/checks.sh: the assertions of the shell tests that count their own
# checks (upgrade, rag_lifecycle, rag_chronos_alone, backup_roundtrip,
# crash_recovery, rollup_citus_statement).  Source it after test/lib.sh.
#
#   pass WHAT, fail WHAT       count a check that passed or failed
#   same WHAT EXPECTED ACTUAL  a check that two files are equal (the diff when not)
#   run_file DB FILE OUT [PSQL_OPTION...]
#                              psql -f FILE in DB (with t0 = $T0 when set), its
#                              rows to OUT; false, the error shown, when it fails
#   new_db NAME                an empty database (from template0), dropped at
#                              the end (shell_test_created)
#   checks_summary NAME [NOTE] the totals; false when a check failed

checks=0
failures=0

pass() { checks=$((checks + 1)); printf 'ok    %s\n' "$*"; }
fail() { checks=$((checks + 1)); failures=$((failures + 1)); printf 'FAIL  %s\n' "$*"; }

same() {
	local n
	if cmp -s "$2" "$3"; then
		pass "$1 ($(wc -l <"$2") lines)"
	else
		n=$(diff "$2" "$3" | grep -c '^[<>]' || true)
		fail "$1: $n lines differ (- $(basename "$2"), + $(basename "$3")):"
		diff -U 1 --label "$(basename "$2")" --label "$(basename "$3")" "$2" "$3" |
			head -n 150 | cut -c -400 | sed 's/^/      /' || true
	fi
}

run_file() {
	local db=$1 file=$2 out=$3
	shift 3
	if ! "$PGBIN/psql" -X -q -At -v ON_ERROR_STOP=1 -v t0="${T0:-}" "$@" -d "$db" -f "$file" >"$out" 2>"$out.err"; then
		sed 's/^/      /' "$out.err" | head -n 30
		return 1
	fi
}

new_db() {
	q postgres "SET client_min_messages = warning" "DROP DATABASE IF EXISTS \"$1\" WITH (FORCE)"
	"$PGBIN/createdb" -T template0 "$1"
	shell_test_created "$1"
}

checks_summary() {
	echo
	if [ "$failures" -eq 0 ]; then
		echo "$1: all $checks checks passed${2:+ ($2)}"
	else
		echo "$1: $failures of $checks checks FAILED"
		return 1
	fi
}
