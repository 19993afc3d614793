#!/usr/bin/env bash
# test/run.sh: the README's test command.
#
#   bash test/run.sh [PATTERN...]        (or: make check-all)
#
# Installs the Debian packages it needs when they are missing, builds and
# installs chronos, starts a throwaway PostgreSQL cluster (removed on exit,
# whatever happens) and runs, in this order:
#
#   sql/NAME    pg_regress: test/sql/NAME.sql against expected/NAME.out, in a
#               fresh database chronos_regress with chronos loaded; one test
#               per file.
#   pgtap/NAME  pgTAP: test/pgtap/NAME.sql run by psql in a fresh database
#               copied from a template holding pgtap, chronos and dblink; one
#               test per assertion, plus one failure when the suite dies,
#               bails out or runs a different number of assertions than it
#               planned.
#   pgtap/rag_*, shell/rag_*: the chronos_rag extension's suite (rag/),
#               which needs pgvector: the first time, built from Debian's
#               source package into a cache and installed into the major's
#               folders (test/pgvector.sh); the other files never create
#               the vector extension.
#   shell/NAME  test/shell/NAME.sh with PGHOST, PGPORT, PGUSER and PGDATABASE
#               (a fresh database copied from the same template) exported;
#               one test, passed when it exits 0, skipped when it exits 77
#               (it cannot run here, say pg_cron on a PostgreSQL that Debian 12
#               has no pg_cron for; its last line says why).
#
# Each file runs alone, in its own database; roles a file leaves behind are
# dropped after it.  A file that crashes the server fails, and the run goes on
# once the server has recovered.  The last line is "N passed, N failed", or
# "N passed, N failed, N skipped" when a test was skipped (a skip is not a
# pass); the exit status is non-zero when anything failed.
#
# PATTERN selects files by id (sql/NAME, pgtap/NAME, shell/NAME), by kind
# (sql, pgtap, shell) or by glob (pgtap/sec*); a pattern without a slash
# matches NAME of every kind; test/ prefixes and .sql/.sh suffixes are
# ignored, so tab completion works.  CHRONOS_TESTS="pattern ..." does the same.
#
# Environment: PG=15, 17 or 18 (or PG_MAJOR; default 15): the PostgreSQL
# major version to build and test against (test/pg-versions.sh fetches 17
# and 18 the first time); CHRONOS_RAG=0 (leave out the chronos_rag suite and
# pgvector: chronos alone); CHRONOS_TEST_TIMEOUT (seconds per file, default
# 900), VERBOSE=1 (print the output of passing files too).

set -euo pipefail
# shellcheck source=test/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

TEST_DIR=$CHRONOS_ROOT/test
TIMEOUT=${CHRONOS_TEST_TIMEOUT:-900}
VERBOSE=${VERBOSE:-0}
REGRESS_DB=chronos_regress
TEMPLATE_DB=chronos_test_template

usage() {
	sed -n '2,/^$/s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"
}

# --- selection ------------------------------------------------------------

patterns=()
for arg in "$@"; do
	case $arg in
	-h | --help) usage; exit 0 ;;
	-*) echo "test/run.sh: unknown option $arg (try --help)" >&2; exit 2 ;;
	*) patterns+=("$arg") ;;
	esac
done
if [ ${#patterns[@]} -eq 0 ] && [ -n "${CHRONOS_TESTS:-}" ]; then
	read -r -a patterns <<<"$CHRONOS_TESTS"
fi
for i in "${!patterns[@]}"; do
	p=${patterns[$i]}
	p=${p#./}; p=${p#"$TEST_DIR"/}; p=${p#test/}; p=${p%.sql}; p=${p%.sh}; p=${p%/}
	case $p in
	sql | pgtap | shell) p="$p/*" ;;
	*/*) ;;
	*) p="*/$p" ;;
	esac
	patterns[i]=$p
done

# selected ID: whether the patterns (none: all) select the test file ID.
selected() {
	local p
	[ ${#patterns[@]} -eq 0 ] && return 0
	for p in "${patterns[@]}"; do
		# shellcheck disable=SC2053 # $p is a glob on purpose
		[[ $1 == $p ]] && return 0
	done
	return 1
}

# files KIND EXT: the names of test/KIND/*.EXT that are selected, sorted
# bytewise whatever the locale.
files() {
	local f name
	for f in "$TEST_DIR/$1"/*."$2"; do
		[ -f "$f" ] || continue
		name=$(basename "$f" ".$2")
		selected "$1/$name" && printf '%s\n' "$name"
	done | LC_ALL=C sort
}

mapfile -t regress_tests < <(files sql sql)
mapfile -t pgtap_tests < <(files pgtap sql)
mapfile -t shell_tests < <(files shell sh)
# CHRONOS_RAG=0: chronos alone, without the chronos_rag suite and without
# building or installing pgvector
without_rag() {
	local t
	for t in "$@"; do [[ $t == rag_* ]] || printf '%s\n' "$t"; done
}
if [ "${CHRONOS_RAG:-1}" = 0 ]; then
	mapfile -t regress_tests < <(without_rag "${regress_tests[@]}")
	mapfile -t pgtap_tests < <(without_rag "${pgtap_tests[@]}")
	mapfile -t shell_tests < <(without_rag "${shell_tests[@]}")
fi
total_files=$((${#regress_tests[@]} + ${#pgtap_tests[@]} + ${#shell_tests[@]}))
if [ "$total_files" -eq 0 ]; then
	if [ ${#patterns[@]} -gt 0 ]; then
		echo "test/run.sh: no test file matches ${patterns[*]}" >&2
	else
		echo "test/run.sh: no test files in test/sql, test/pgtap or test/shell" >&2
	fi
	exit 2
fi

# --- set-up -----------------------------------------------------------------

passed=0
failed=0
skipped=0
phase=setup
WORK=

cleanup() {
	local rc=$?
	stop_cluster
	if [ -n "$WORK" ]; then rm -rf "$WORK"; fi
	if [ "$phase" = setup ] && [ $rc -ne 0 ]; then
		echo "test/run.sh: set-up failed (see above)"
		echo "0 passed, 1 failed"
	fi
	exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

ensure_packages
build_and_install
# pgvector for the chronos_rag suite (rag_* files): built from Debian's
# source package once, installed into this major (test/pgvector.sh)
# (and for shell/examples: docs/rag.md's examples create chronos_rag)
for t in "${regress_tests[@]}" "${pgtap_tests[@]}" "${shell_tests[@]}"; do
	case $t in rag_* | examples) [ "${CHRONOS_RAG:-1}" = 0 ] || { pgvector_ensure "$PG_MAJOR"; break; } ;; esac
done
start_cluster
WORK=$(mktemp -d /tmp/chronos-test.XXXXXX)
SERVER_LOG=$CLUSTER_DIR/server.log
PG_REGRESS=$(dirname "$("$PGBIN/pg_config" --pgxs)")/../test/regress/pg_regress

admin() { psql_quiet -d postgres "$@"; }

# Roles are cluster-wide: remember the ones there are now, so that what a
# test file creates and forgets can be dropped after it.
admin -c "CREATE TABLE chronos_test_baseline_roles AS SELECT rolname FROM pg_catalog.pg_roles"
if [ ${#pgtap_tests[@]} -gt 0 ] || [ ${#shell_tests[@]} -gt 0 ]; then
	admin -c "CREATE DATABASE $TEMPLATE_DB"
	psql_quiet -d "$TEMPLATE_DB" -c "SET client_min_messages = warning" \
		-c "CREATE EXTENSION pgtap" -c "CREATE EXTENSION chronos" -c "CREATE EXTENSION dblink"
fi
phase=tests

# --- helpers ----------------------------------------------------------------

now_ms() { echo $((${EPOCHREALTIME/./} / 1000)); }

# line ID STATUS [DETAIL]: the one line a test file gets.
line() {
	local id=$1 status=$2 detail=${3:-} width=$((36 - ${#1})) dots
	[ $width -ge 2 ] || width=2
	dots=$(printf '%*s' $width '' | tr ' ' '.')
	printf '%s %s %-6s %s\n' "$id" "$dots" "$status" "$detail"
}

# show FILE [MAX_LINES]: a file's content, indented, cut after MAX_LINES lines.
show() {
	local max=${2:-400} n
	[ -s "$1" ] || return 0
	n=$(wc -l <"$1")
	head -n "$max" "$1" | sed 's/^/    /'
	[ "$n" -le "$max" ] || echo "    ... ($((n - max)) more lines in this output)"
}

# The server log's size before a test, to find what the test added to it.
log_mark() { stat -c %s "$SERVER_LOG"; }

# crashed MARK: whether a backend crashed since MARK; prints the log lines.
crashed() {
	local lines
	lines=$(tail -c +$(($1 + 1)) "$SERVER_LOG" |
		grep -E 'terminated by signal|was terminated by exception|PANIC:|all server processes terminated; reinitializing' || true)
	[ -n "$lines" ] || return 1
	echo "the server crashed; from its log:"
	printf '%s\n' "$lines" | head -n 20
	wait_ready 120 || echo "the server did not come back"
	return 0
}

# drop_db NAME: drop a test database, ending any connection left to it.
drop_db() {
	admin -c "SET client_min_messages = warning" \
		-c "DROP DATABASE IF EXISTS \"$1\" WITH (FORCE)" >/dev/null 2>&1 ||
		echo "    warning: could not drop database $1"
}

# Drop the roles a test file created and left behind.
drop_new_roles() {
	admin >/dev/null <<'SQL' || echo "    warning: could not drop the roles a test left behind"
SET client_min_messages = warning;
DO $$
DECLARE
	r name;
BEGIN
	FOR r IN SELECT rolname FROM pg_catalog.pg_roles
	         WHERE rolname NOT IN (SELECT rolname FROM chronos_test_baseline_roles)
	LOOP
		BEGIN
			EXECUTE pg_catalog.format('DROP OWNED BY %I', r);
			EXECUTE pg_catalog.format('DROP ROLE %I', r);
		EXCEPTION WHEN OTHERS THEN
			RAISE WARNING 'could not drop role %: %', r, SQLERRM;
		END;
	END LOOP;
END
$$;
SQL
}

# test_db NAME: a database name for a test file (at most 63 bytes).
test_db() {
	local db="chronos_${1//[^A-Za-z0-9_]/_}"
	echo "${db:0:63}"
}

new_db_from_template() {
	admin -c "CREATE DATABASE \"$1\" TEMPLATE $TEMPLATE_DB"
}

elapsed() {
	if [ "$1" -lt 1000 ]; then echo "${1}ms"; else printf '%d.%01ds' $(($1 / 1000)) $(($1 % 1000 / 100)); fi
}

# --- pg_regress -------------------------------------------------------------

# Failing pg_regress results are copied to test/results/ (ignored by git), so
# that a new expected file is one cp away.
RESULTS_DIR=$TEST_DIR/results

run_regress() {
	local name=$1 out=$WORK/regress/$1 rc=0 start mark status detail
	mkdir -p "$out"
	start=$(now_ms)
	mark=$(log_mark)
	timeout "$TIMEOUT" "$PG_REGRESS" --bindir="$PGBIN" --inputdir="$TEST_DIR" \
		--outputdir="$out" --host="$PGHOST" --port="$PGPORT" --user=postgres \
		--dbname="$REGRESS_DB" --load-extension=chronos "$name" >"$out/stdout" 2>&1 || rc=$?
	detail=$(elapsed $(($(now_ms) - start)))
	crashed "$mark" >"$out/crash" && [ $rc -eq 0 ] && rc=1
	if [ $rc -eq 0 ]; then
		passed=$((passed + 1))
		line "sql/$name" ok "$detail"
		rm -f "$RESULTS_DIR/$name.out" "$RESULTS_DIR/$name.diffs"
	else
		failed=$((failed + 1))
		[ $rc -eq 124 ] && detail="timed out after ${TIMEOUT}s"
		[ -f "$TEST_DIR/expected/$name.out" ] || detail="no expected/$name.out"
		line "sql/$name" FAILED "$detail"
		show "$out/crash"
		if [ ! -f "$TEST_DIR/expected/$name.out" ] && [ -f "$out/results/$name.out" ]; then
			show "$out/results/$name.out" 60
		elif [ -s "$out/regression.diffs" ]; then
			show "$out/regression.diffs" 1000
		else
			show "$out/stdout"
		fi
		if [ -f "$out/results/$name.out" ]; then
			mkdir -p "$RESULTS_DIR"
			cp "$out/results/$name.out" "$RESULTS_DIR/$name.out"
			if [ -s "$out/regression.diffs" ]; then
				cp "$out/regression.diffs" "$RESULTS_DIR/$name.diffs"
			else
				rm -f "$RESULTS_DIR/$name.diffs"
			fi
			echo "    actual output: test/results/$name.out (cp it to expected/ once it is right)"
		fi
	fi
	drop_db "$REGRESS_DB"
	drop_new_roles
}

# --- pgTAP ------------------------------------------------------------------

# parse_tap OUT FAILURES: reads psql's output of a pgTAP suite; prints
# "passed failed ran planned bailed" and writes failing assertions with their
# diagnostics to FAILURES.  "not ok ... # TODO" passes, as in TAP.
parse_tap() {
	awk -v failures="$2" '
	BEGIN { planned = -1; pass = 0; fail = 0; ran = 0; bail = 0; infail = 0; printf "" > failures }
	/^1\.\.[0-9]+/ { match($0, /^1\.\.[0-9]+/); planned = substr($0, 4, RLENGTH - 3) + 0; infail = 0; next }
	/^Bail out!/ { bail = 1; print > failures; infail = 0; next }
	/^not ok [0-9]+/ {
		ran++
		if ($0 ~ /#[ \t]*TODO/) { pass++; infail = 0 } else { fail++; infail = 1; print > failures }
		next
	}
	/^ok [0-9]+/ { ran++; pass++; infail = 0; next }
	/^#/ { if (infail) print > failures; next }
	{ infail = 0 }
	END { print pass, fail, ran, planned, bail }
	' "$1"
}

run_pgtap() {
	local name=$1 out=$WORK/pgtap/$1 db rc=0 start mark pass fail ran planned bail problem detail
	db=$(test_db "t_$name")
	mkdir -p "$out"
	drop_db "$db"
	new_db_from_template "$db"
	start=$(now_ms)
	mark=$(log_mark)
	timeout "$TIMEOUT" "$PGBIN/psql" -X -q -tA --pset pager=off -v ON_ERROR_STOP=1 \
		-d "$db" -f "$TEST_DIR/pgtap/$name.sql" >"$out/tap" 2>"$out/stderr" </dev/null || rc=$?
	read -r pass fail ran planned bail < <(parse_tap "$out/tap" "$out/failures")
	problem=
	if [ $rc -eq 124 ]; then
		problem="timed out after ${TIMEOUT}s"
	elif [ $rc -ne 0 ]; then
		problem="died (psql exit $rc) after $ran assertions"
	elif [ "$bail" -ne 0 ]; then
		problem="bailed out"
	elif [ "$planned" -lt 0 ]; then
		problem="no plan"
	elif [ "$planned" -ne "$ran" ]; then
		problem="planned $planned, ran $ran"
	fi
	crashed "$mark" >"$out/crash" && problem="crashed the server${problem:+; $problem}"
	passed=$((passed + pass))
	failed=$((failed + fail))
	[ -z "$problem" ] || failed=$((failed + 1))
	detail="$(elapsed $(($(now_ms) - start)))"
	if [ -z "$problem" ] && [ "$fail" -eq 0 ]; then
		line "pgtap/$name" ok "$pass assertions  $detail"
		if [ "$VERBOSE" = 1 ]; then show "$out/tap"; fi
	else
		line "pgtap/$name" FAILED "$pass passed, $fail failed${problem:+; $problem}  $detail"
		show "$out/crash"
		show "$out/failures" 1000
		if [ -n "$problem" ]; then
			show "$out/stderr" 100
			if [ -z "$(cat "$out/stderr")" ]; then
				echo "    last lines of its output:"
				tail -n 10 "$out/tap" | sed 's/^/    /'
			fi
		fi
	fi
	drop_db "$db"
	drop_new_roles
}

# --- shell ------------------------------------------------------------------

run_shell() {
	local name=$1 out=$WORK/shell/$1 file=$TEST_DIR/shell/$1.sh db rc=0 start mark detail
	local -a cmd=("$file")
	[ -x "$file" ] || cmd=(bash "$file")
	db=$(test_db "s_$name")
	mkdir -p "$out"
	drop_db "$db"
	new_db_from_template "$db"
	start=$(now_ms)
	mark=$(log_mark)
	(
		cd "$CHRONOS_ROOT"
		export PGHOST PGPORT PGUSER PGDATABASE="$db" PGBIN CHRONOS_ROOT PATH="$PGBIN:$PATH"
		exec timeout "$TIMEOUT" "${cmd[@]}"
	) >"$out/output" 2>&1 </dev/null || rc=$?
	detail=$(elapsed $(($(now_ms) - start)))
	crashed "$mark" >"$out/crash" && { [ $rc -eq 0 ] || [ $rc -eq 77 ]; } && rc=1
	if [ $rc -eq 0 ]; then
		passed=$((passed + 1))
		line "shell/$name" ok "$detail"
		if [ "$VERBOSE" = 1 ]; then show "$out/output"; fi
	elif [ $rc -eq 77 ]; then
		skipped=$((skipped + 1))
		line "shell/$name" skipped "$(tail -n 1 "$out/output")"
	else
		failed=$((failed + 1))
		[ $rc -eq 124 ] && detail="timed out after ${TIMEOUT}s" || detail="exit $rc  $detail"
		line "shell/$name" FAILED "$detail"
		show "$out/crash"
		show "$out/output" 200
	fi
	drop_db "$db"
	drop_new_roles
}

# summary: the last line.
summary() {
	if [ "$skipped" -gt 0 ]; then
		echo "$passed passed, $failed failed, $skipped skipped"
	else
		echo "$passed passed, $failed failed"
	fi
}

# --- run --------------------------------------------------------------------

echo "chronos tests on $("$PGBIN/postgres" --version | sed 's/^postgres (PostgreSQL)/PostgreSQL/'):" \
	"${#regress_tests[@]} pg_regress, ${#pgtap_tests[@]} pgTAP, ${#shell_tests[@]} shell files"
for t in "${regress_tests[@]}"; do run_regress "$t"; done
for t in "${pgtap_tests[@]}"; do run_pgtap "$t"; done
for t in "${shell_tests[@]}"; do run_shell "$t"; done

phase=finished
stop_cluster
summary
[ "$failed" -eq 0 ]
