#!/usr/bin/env bash
# demo/run.sh: the README's demo (or: make demo).
#
#   bash demo/run.sh [--keep]
#
# Installs the Debian packages it needs when they are missing, builds and
# installs chronos, starts a throwaway PostgreSQL cluster, creates database
# chronos_demo with the extension, loads demo/demo.sql (a small data set:
# two creators, their students, a video of each source type, courses, watch
# sessions and events) and prints what a user would look at.
#
# The cluster is stopped and removed at the end, unless --keep (or KEEP=1) is
# given: then it keeps running and the last lines say how to connect to it and
# how to stop it.

set -euo pipefail
# shellcheck source=test/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../test/lib.sh"

KEEP=${KEEP:-0}
for arg in "$@"; do
	case $arg in
	--keep) KEEP=1 ;;
	-h | --help) sed -n '2,/^$/s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"; exit 0 ;;
	*) echo "demo/run.sh: unknown argument $arg (try --help)" >&2; exit 2 ;;
	esac
done

kept=0
cleanup() {
	local rc=$?
	[ "$kept" = 1 ] || stop_cluster
	exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

ensure_packages
build_and_install
start_cluster

DB=chronos_demo
psql_quiet -d postgres -c "CREATE DATABASE $DB"
psql_quiet -d "$DB" -c "CREATE EXTENSION chronos"
log "loading demo/demo.sql into $DB"
echo
echo "chronos $(psql_quiet -d "$DB" -Atc "SELECT extversion FROM pg_extension WHERE extname = 'chronos'") demo, PostgreSQL $("$PGBIN/pg_config" --version | awk '{print $2}')"
echo
psql_quiet -d "$DB" -f "$CHRONOS_ROOT/demo/demo.sql"

if [ "$KEEP" = 1 ]; then
	kept=1
	cat <<EOF
The demo cluster keeps running in $CLUSTER_DIR.
  connect:  psql -h $CLUSTER_DIR -p $PGPORT -U postgres $DB
  stop it:  runuser -u postgres -- $PGBIN/pg_ctl -D $CLUSTER_DIR/data stop && rm -rf $CLUSTER_DIR
EOF
else
	stop_cluster
	echo "Demo cluster stopped and removed (bash demo/run.sh --keep keeps it running)."
fi
