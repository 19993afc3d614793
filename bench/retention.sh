#!/usr/bin/env bash
# bench/retention.sh: how long video_retention takes over the sessions of one
# video (docs/architecture.md, "Performance targets": 100,000 sessions, well under a second).
#
#   bash bench/retention.sh [--sessions N] [--runs N]
#
# Builds and installs chronos, starts a throwaway cluster (removed on exit),
# generates N sessions (default 100,000) of one 600 s video with realistic
# watched ranges as the superuser (bench/sql/retention.sql), and prints the
# EXPLAIN ANALYZE of one call and the median of --runs (default 5) timed
# calls, as the service and as the video's creator, beside a plain count(*)
# of the same rows.  The last line is "retention_ms=<median as the service>".
source "$(dirname "${BASH_SOURCE[0]}")/../test/lib.sh"

sessions=100000 runs=5
usage() { sed -n '5p' "${BASH_SOURCE[0]}" | sed 's/^# *//' >&2; exit 2; }
while [ $# -gt 0 ]; do
	case $1 in
	--sessions) sessions=${2:?}; shift 2 ;;
	--runs) runs=${2:?}; shift 2 ;;
	-h | --help) usage ;;
	*) echo "unknown argument: $1" >&2; usage ;;
	esac
done

ensure_packages
build_and_install
trap stop_cluster EXIT
trap 'exit 130' INT TERM
start_cluster "synchronous_commit = off" "shared_buffers = 512MB" "max_wal_size = 4GB" \
	"work_mem = 16MB" "autovacuum = off" "jit = off"
"$PGBIN/createdb" chronos_bench_retention
psql_quiet -d chronos_bench_retention -c 'CREATE EXTENSION chronos'
out=$(psql_quiet -d chronos_bench_retention -v nsess="$sessions" -v runs="$runs" \
	-f "$CHRONOS_ROOT/bench/sql/retention.sql")
printf '%s\n' "$out"
ms=$(printf '%s\n' "$out" | awk -F'|' '/^ *[0-9]+ *\|/ && NF == 5 { gsub(/ /, "", $2); v = $2 } END { print v }')
echo "retention_ms=$ms"
