#!/usr/bin/env bash
# demo/run.sh: the README's demo (or: make demo).
#
#   bash demo/run.sh [--keep] [--svg DIR]
#
# Installs the Debian packages it needs when they are missing, builds and
# installs chronos, starts a throwaway PostgreSQL cluster, creates database
# chronos_demo with the extension, and runs demo/demo.sql: it loads
# demo/data.sql (a small data set: two creators, their students, a video of
# each source type, courses, watch sessions and events, and the roles anon,
# authenticated and authenticator as PostgREST has them) and prints what the
# service, a creator and a student see, the latter two as the role
# authenticated with their JWT claims, under row-level security.
#
# --svg DIR also writes DIR/retention.svg and DIR/heatmap.svg (the retention
# curve and the weekly heatmap; demo/svg.sql), making DIR when missing.
#
# The cluster is stopped and removed at the end, unless --keep (or KEEP=1) is
# given: then it keeps running and the last lines say how to connect to it and
# how to stop it.  PG=17 or PG=18 runs it on that version; CHRONOS_PGPORT
# chooses the port (default 55432).

set -euo pipefail
# shellcheck source=test/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../test/lib.sh"

KEEP=${KEEP:-0}
SVG_DIR=
while [ $# -gt 0 ]; do
	case $1 in
	--keep) KEEP=1 ;;
	--svg)
		[ $# -ge 2 ] && [ -n "$2" ] || { echo "demo/run.sh: --svg needs a folder" >&2; exit 2; }
		SVG_DIR=$2
		shift
		;;
	--svg=*) SVG_DIR=${1#--svg=} ;;
	-h | --help) sed -n '2,/^$/s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"; exit 0 ;;
	*) echo "demo/run.sh: unknown argument $1 (try --help)" >&2; exit 2 ;;
	esac
	shift
done
svg_args=()
if [ -n "$SVG_DIR" ]; then
	mkdir -p "$SVG_DIR"
	SVG_DIR=$(cd "$SVG_DIR" && pwd)
	# psql runs as root and writes the files itself (\g file)
	svg_args=(-v "svg_dir=$SVG_DIR")
fi

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
log "loading demo/data.sql into $DB and showing it (demo/demo.sql)"
echo
echo "chronos $(psql_quiet -d "$DB" -Atc "SELECT extversion FROM pg_extension WHERE extname = 'chronos'") demo, PostgreSQL $("$PGBIN/pg_config" --version | awk '{print $2}')"
echo
psql_quiet -d "$DB" "${svg_args[@]}" -f "$CHRONOS_ROOT/demo/demo.sql"

if [ "$KEEP" = 1 ]; then
	kept=1
	cat <<EOF
The demo cluster keeps running in $CLUSTER_DIR.
  connect:  psql -h $CLUSTER_DIR -p $PGPORT -U postgres $DB
            (as postgres, the service; the README's "Try it" shows how to act as a
            student or a creator, the way PostgREST does)
  stop it:  runuser -u postgres -- $PGBIN/pg_ctl -D $CLUSTER_DIR/data stop && rm -rf $CLUSTER_DIR
EOF
else
	stop_cluster
	echo "Demo cluster stopped and removed (bash demo/run.sh --keep keeps it running)."
fi
