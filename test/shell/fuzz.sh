#!/usr/bin/env bash
# test/shell/fuzz.sh: calls every SQL-callable function of chronos with
# generated inputs, as every kind of caller, and checks that each call either
# succeeds or is refused with an errcode chronos documents, that a refused
# call writes nothing, and that nothing crashes the server.
#
#   bash test/shell/fuzz.sh                        # standalone: own throwaway cluster
#   bash test/run.sh shell/fuzz                    # in the test harness's cluster
#   FUZZ_SEED=42 FUZZ_CALLS=20000 bash test/shell/fuzz.sh
#
# The functions come from the catalog when it runs (every function of the
# extension, new ones included; only those taking type internal, which SQL
# cannot call, are left to their aggregate or type); test/fuzz/gen.py writes
# the calls from the seed, with a generator per argument type, and
# test/fuzz/setup.sql the fixture, the identities, the allowed errcodes (with
# why each is allowed) and fuzz.run, which makes one call and records its
# outcome.  The same seed gives the same calls: the run prints the seed, the
# count and the sha256 of the calls.
#
# Fails when a call raises an errcode that is not allowed (an internal error
# XX000 above all), when a refused call changed a chronos table (the table
# digests after it differ from those before it), when a call crashes the
# backend or never returns (the run goes on after it, up to FUZZ_MAX_CRASHES
# of them, and reports each), when the server log shows a crash, or when
# fewer than FUZZ_MIN_CALLS calls were made.
#
# Environment: FUZZ_SEED (default 20261127), FUZZ_CALLS (12000),
# FUZZ_MIN_CALLS (10000), FUZZ_MAX_CRASHES (3), FUZZ_CALL_TIMEOUT (30s, per
# call), FUZZ_KEEP=1 (keep the work folder: calls.sql, results.tsv),
# FUZZ_SELFTEST_CRASH=N (call N ends its own backend: the run must report it
# as a call that did not return, go on with the next, and fail).  Under
# test/run.sh: PGHOST, PGPORT, PGUSER, PGDATABASE, PGBIN and CHRONOS_ROOT.

set -euo pipefail

SEED=${FUZZ_SEED:-20261127}
CALLS=${FUZZ_CALLS:-12000}
MIN_CALLS=${FUZZ_MIN_CALLS:-10000}
MAX_CRASHES=${FUZZ_MAX_CRASHES:-3}
CALL_TIMEOUT=${FUZZ_CALL_TIMEOUT:-30s}
START=$SECONDS

if [ -n "${CHRONOS_ROOT:-}" ] && [ -n "${PGHOST:-}" ] && [ -n "${PGDATABASE:-}" ] && [ -n "${PGBIN:-}" ]; then
	MODE=harness
	ROOT=$CHRONOS_ROOT
	if [ "${PGPORT:-5432}" = 5432 ]; then
		echo "fuzz.sh: refusing to run against port 5432 (the machine's own cluster)" >&2
		exit 2
	fi
else
	MODE=standalone
	# shellcheck source=test/lib.sh
	source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
	ROOT=$CHRONOS_ROOT
fi

PY=/usr/bin/python3
[ -x "$PY" ] || PY=$(command -v python3)

WORK=$(mktemp -d /tmp/chronos-fuzz.XXXXXX)
chmod 755 "$WORK"
cleanup() {
	local rc=$?
	if [ "$MODE" = standalone ]; then stop_cluster; fi
	if [ "${FUZZ_KEEP:-0}" = 1 ]; then
		echo "fuzz.sh: work folder kept: $WORK" >&2
	else
		rm -rf "$WORK"
	fi
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

if [ "$MODE" = standalone ]; then
	ensure_packages
	build_and_install
	start_cluster
	export PGDATABASE=chronos_fuzz
	"$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -d postgres -c "CREATE DATABASE chronos_fuzz"
	"$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -c "SET client_min_messages = warning" -c "CREATE EXTENSION chronos"
fi

psql_() { "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 "$@"; }
query() { psql_ -At -c "$1"; }

# The server's log, when it can be read here (test/run.sh and lib.sh keep it
# beside the socket), to find crashes in.
SERVER_LOG=
if [ -r "$PGHOST/server.log" ]; then SERVER_LOG=$PGHOST/server.log; fi
LOG_MARK=0
if [ -n "$SERVER_LOG" ]; then LOG_MARK=$(stat -c %s "$SERVER_LOG"); fi

wait_server() {
	local deadline=$((SECONDS + 120))
	until "$PGBIN/pg_isready" -q && query "SELECT 1" >/dev/null 2>&1; do
		[ $SECONDS -lt $deadline ] || return 1
		sleep 0.5
	done
}

# --- set-up: schema fuzz, fixture, identities; what gen.py reads ------------

psql_ -f "$ROOT/test/fuzz/setup.sql" >/dev/null

query "SELECT coalesce(json_agg(f ORDER BY f.name, f.signature), '[]') FROM (
         SELECT p.proname AS name, p.prokind, p.proretset AS retset, p.proisstrict AS strict,
                format_type(p.prorettype, NULL) AS rettype, p.pronargdefaults AS ndefaults,
                pg_get_function_identity_arguments(p.oid) AS signature,
                (SELECT coalesce(json_agg(format_type(t, NULL) ORDER BY o), '[]')
                   FROM unnest(p.proargtypes::oid[]) WITH ORDINALITY AS a (t, o)) AS argtypes,
                (SELECT coalesce(json_agg(coalesce(n, '') ORDER BY o), '[]')
                   FROM unnest(coalesce(p.proargnames, array_fill(''::text, ARRAY[coalesce(cardinality(p.proallargtypes), p.pronargs)])),
                               coalesce(p.proargmodes, array_fill('i'::\"char\", ARRAY[coalesce(cardinality(p.proallargtypes), p.pronargs)])))
                        WITH ORDINALITY AS a (n, m, o)
                  WHERE m IN ('i', 'b', 'v')) AS argnames
           FROM pg_proc p
           JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
           JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'chronos') AS f" >"$WORK/catalog.json"
query "SELECT json_agg(p ORDER BY p.kind, p.id) FROM fuzz.pool AS p" >"$WORK/pool.json"
query "SELECT json_agg(i ORDER BY i.name) FROM fuzz.identities AS i" >"$WORK/identities.json"

"$PY" "$ROOT/test/fuzz/gen.py" --seed "$SEED" --calls "$CALLS" --catalog "$WORK/catalog.json" \
	--pool "$WORK/pool.json" --identities "$WORK/identities.json" --out "$WORK" \
	--selftest-crash "${FUZZ_SELFTEST_CRASH:-0}"
TOTAL=$(wc -l <"$WORK/calls.sql")
# the digest of the calls, without the work folder's name (in the paths of
# the binary inputs): the same for every run of a seed
SHA=$(sed "s|$WORK|WORK|g" "$WORK/calls.sql" | sha256sum | cut -c1-16)
NFUNCS=$("$PY" -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["functions"]))' "$WORK/plan.json")
echo "fuzz: seed $SEED, $TOTAL calls of $NFUNCS functions (calls.sql sha256 $SHA...), generated in $((SECONDS - START))s"
"$PY" -c '
import json, sys
p = json.load(open(sys.argv[1]))
for s in p["skipped"]:
    print("fuzz: not called directly: %s: %s" % (s["function"], s["why"]))
if p["types_without_generator"]:
    print("fuzz: WARNING: types without a generator (fuzzed with NULL only): " + ", ".join(p["types_without_generator"]))
' "$WORK/plan.json"

# Proof that the write check can fail: with the baseline tampered, a refused
# call must be reported as having changed a chronos table.
query "UPDATE fuzz.baseline SET checksum = 'tampered';
       SELECT fuzz.run(-1, 'self-test', '', 'plain', 'self-test', '', '', '', '', '', '', '{}',
                       'SELECT chronos.track_video_event(NULL, NULL, NULL)');
       UPDATE fuzz.baseline SET checksum = fuzz.checksum();" >/dev/null
if [ "$(query "SELECT changed FROM fuzz.results WHERE id = -1")" != t ]; then
	echo "fuzz: FAILED: the write check did not notice a changed digest" >&2
	exit 1
fi
query "DELETE FROM fuzz.results WHERE id = -1" >/dev/null

# --- the calls --------------------------------------------------------------

RUN_START=$SECONDS
next=1
aborted=0
while [ "$next" -le "$TOTAL" ]; do
	rc=0
	tail -n "+$next" "$WORK/calls.sql" |
		PGOPTIONS="-c statement_timeout=$CALL_TIMEOUT -c client_min_messages=error" \
			"$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 >"$WORK/psql.out" 2>"$WORK/psql.err" || rc=$?
	[ $rc -ne 0 ] || break

	# A call did not return: psql lost the connection (exit 2) or an error
	# escaped fuzz.run (exit 3).  Calls run one after the other, each
	# committed, so it is the one after the last recorded.
	aborted=$((aborted + 1))
	wait_server || { echo "fuzz: FAILED: the server did not come back" >&2; cat "$WORK/psql.err" >&2; exit 1; }
	last=$(query "SELECT coalesce(max(id), 0) FROM fuzz.results")
	failing=$((last + 1))
	state=ABORT
	[ $rc -eq 2 ] && state=CRASH
	message=$(tr '\n' ' ' <"$WORK/psql.err" | cut -c1-380)
	echo "fuzz: call $failing did not return (psql exit $rc): $message"
	{
		echo "SELECT set_config('fuzz.abort_state', :'state', false), set_config('fuzz.abort_message', :'message', false);"
		sed -n "${failing}p" "$WORK/calls.sql" | sed 's/^SELECT fuzz\.run(/SELECT fuzz.record_abort(/'
	} | "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -v state="$state" -v message="$message" >/dev/null
	if [ "$aborted" -ge "$MAX_CRASHES" ]; then
		echo "fuzz: stopping after $aborted calls that did not return"
		break
	fi
	next=$((failing + 1))
done
RUN_SECONDS=$((SECONDS - RUN_START))

# --- the verdict ------------------------------------------------------------

failed=0
made=$(query "SELECT count(*) FROM fuzz.results")
echo "fuzz: $made calls made in ${RUN_SECONDS}s ($(query "SELECT round(avg(ms)::numeric, 2) FROM fuzz.results") ms each on average inside fuzz.run)"
echo
echo "errcode histogram:"
psql_ -P footer=off -c "
  SELECT r.sqlstate AS errcode,
         CASE r.sqlstate WHEN '00000' THEN 'success' WHEN '22004' THEN 'null_value_not_allowed'
              WHEN '22023' THEN 'invalid_parameter_value' WHEN '23503' THEN 'foreign_key_violation'
              WHEN '23505' THEN 'unique_violation' WHEN '23514' THEN 'check_violation'
              WHEN '42501' THEN 'insufficient_privilege' WHEN '28000' THEN 'invalid_authorization_specification'
              WHEN '22P02' THEN 'invalid_text_representation' WHEN '22P03' THEN 'invalid_binary_representation'
              WHEN '08P01' THEN 'protocol_violation' WHEN '54000' THEN 'program_limit_exceeded'
              WHEN '54001' THEN 'stack_depth_limit_exceeded' WHEN '22003' THEN 'numeric_value_out_of_range'
              WHEN '22008' THEN 'datetime_field_overflow' WHEN '39P01' THEN 'trigger_protocol_violated'
              WHEN 'XX000' THEN 'internal_error' WHEN '57014' THEN 'query_canceled (timeout)'
              WHEN 'CRASH' THEN 'the connection was lost (the backend died)'
              WHEN 'ABORT' THEN 'an error escaped fuzz.run'
              ELSE '' END AS name,
         count(*) AS calls
    FROM fuzz.results AS r GROUP BY 1 ORDER BY 3 DESC, 1"
echo
echo "calls per function (ok = succeeded):"
psql_ -P footer=off -c "
  SELECT r.fn AS function, count(*) AS calls, count(*) FILTER (WHERE r.sqlstate = '00000') AS ok,
         string_agg(DISTINCT r.sqlstate, ' ' ORDER BY r.sqlstate) FILTER (WHERE r.sqlstate <> '00000') AS errcodes
    FROM fuzz.results AS r GROUP BY 1 ORDER BY 1"
echo
echo "calls per caller: $(query "SELECT string_agg(format('%s %s', n, c), ', ' ORDER BY c) FROM (
    SELECT CASE WHEN ident ~ '^(malformed|odd)' THEN 'malformed or odd identity' ELSE ident END AS c, count(*) AS n
      FROM fuzz.results GROUP BY 1) AS x")"
echo "slowest calls: $(query "SELECT string_agg(format('#%s %s %sms', id, fn, round(ms::numeric)), ', ' ORDER BY ms DESC)
    FROM (SELECT * FROM fuzz.results ORDER BY ms DESC NULLS LAST LIMIT 3) AS s")"

nviol=$(query "SELECT count(*) FROM fuzz.violations")
if [ "$nviol" -gt 0 ]; then
	failed=1
	echo
	echo "FAILED: $nviol calls broke the rules; by function and error, with the first call of each (FUZZ_SEED=$SEED reproduces them):"
	psql_ -At -c "
	  SELECT format(E'%s call%s: %s [%s] %s %s\\n    first: #%s as %s%s\\n    call: %s',
	                g.n, CASE WHEN g.n > 1 THEN 's' ELSE '' END, g.problem, g.fn, g.sqlstate, coalesce(g.message, ''),
	                g.id, g.ident, coalesce(E'\\n    context: ' || nullif(g.context, ''), ''), left(g.sql, 800))
	    FROM (SELECT DISTINCT ON (v.problem, v.fn, v.sqlstate, left(v.message, 40))
	                 v.*, count(*) OVER (PARTITION BY v.problem, v.fn, v.sqlstate, left(v.message, 40)) AS n,
	                 -- the context without fuzz.run's own lines
	                 (SELECT string_agg(l, ' / ') FROM regexp_split_to_table(v.context, E'\\n') AS l
	                   WHERE l !~ '^(PL/pgSQL function fuzz\\.run|SQL statement \"SELECT md5)') AS ctx
	            FROM fuzz.violations AS v
	           ORDER BY v.problem, v.fn, v.sqlstate, left(v.message, 40), v.id) AS g (id, fn, signature, kind, ident,
	             sqlstate, message, detail, context_full, ms, changed, sql, problem, n, context)
	   ORDER BY g.id LIMIT 40"
fi
if [ "$made" -lt "$MIN_CALLS" ]; then
	failed=1
	echo "FAILED: only $made calls were made, fewer than $MIN_CALLS"
fi
if [ -n "$SERVER_LOG" ]; then
	crash_lines=$(tail -c +$((LOG_MARK + 1)) "$SERVER_LOG" |
		grep -E 'terminated by signal|was terminated by exception|PANIC:|all server processes terminated' || true)
	if [ -n "$crash_lines" ]; then
		failed=1
		echo "FAILED: the server log shows a crash:"
		printf '%s\n' "$crash_lines" | head -n 20
	fi
else
	echo "fuzz: (the server log is not readable here; crashes are detected by lost connections only)"
fi

if [ "${FUZZ_KEEP:-0}" = 1 ]; then
	query "COPY (SELECT id, fn, ident, sqlstate, message FROM fuzz.results ORDER BY id) TO STDOUT" >"$WORK/results.tsv"
fi
echo
if [ $failed -eq 0 ]; then
	echo "fuzz: passed: seed $SEED, $made calls, every call succeeded or was refused with an allowed errcode, no refused call wrote anything, no crash (${SECONDS}s in all)"
else
	echo "fuzz: FAILED: seed $SEED, $made calls (${SECONDS}s in all)"
fi
exit $failed
