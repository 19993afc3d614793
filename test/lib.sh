# test/lib.sh: shared by the README's commands (demo/run.sh, test/run.sh, bench/run.sh).
# shellcheck shell=bash
#
# Installs the Debian packages chronos needs when they are missing, builds and
# installs the extension, and runs a throwaway PostgreSQL cluster as the
# postgres user on a unix socket in a temporary folder.  Never touches the
# Debian cluster on port 5432.
#
# PG (or PG_MAJOR) selects the PostgreSQL major version: 15 (the default,
# Debian 12's own), 17 or 18 (fetched once into a cache folder by
# test/pg-versions.sh).  PGBIN is then the folder of that version's programs,
# pg_config included.

set -euo pipefail

CHRONOS_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=test/pg-versions.sh
source "$CHRONOS_ROOT/test/pg-versions.sh"
# shellcheck source=test/pgvector.sh
source "$CHRONOS_ROOT/test/pgvector.sh"

PG_MAJOR=${PG_MAJOR:-${PG:-15}}
if ! pg_version_supported "$PG_MAJOR"; then
	echo "chronos: PostgreSQL '$PG_MAJOR' is not supported; PG= takes one of: $CHRONOS_PG_VERSIONS" >&2
	exit 2
fi
export PG_MAJOR
if [ "$PG_MAJOR" = 15 ]; then
	PG_SOURCE=debian			# Debian 12's packages
	# CHRONOS_PG15_BIN: another copy of it (docs/testing.md, "Several
	# worktrees at once"), so that two trees install and test side by side
	PGBIN=${CHRONOS_PG15_BIN:-/usr/lib/postgresql/$PG_MAJOR/bin}
else
	PG_SOURCE=cache				# test/pg-versions.sh
	PGBIN=$(pg_cache_dir "$PG_MAJOR")/bin
fi

log() { printf '==> %s\n' "$*" >&2; }

# Packages the build, the server and the tests need.  For a cached major
# (17, 18): the client and pgbench of Debian's 15, and what fetching takes.
chronos_packages() {
	if [ "$PG_SOURCE" = debian ]; then
		echo make gcc postgresql-$PG_MAJOR postgresql-server-dev-$PG_MAJOR \
			postgresql-$PG_MAJOR-pgtap libtap-parser-sourcehandler-pgtap-perl
	else
		echo make gcc postgresql-client-15 postgresql-15 openssl ca-certificates
	fi
	# apt-get source (dpkg-source): pgvector for the chronos_rag suite
	# (test/pgvector.sh), which CHRONOS_RAG=0 leaves out
	[ "${CHRONOS_RAG:-1}" = 0 ] || echo dpkg-dev
	if [ "$PG_SOURCE" = cache ]; then
		command -v npm >/dev/null || echo npm
	fi
}

# ensure_packages [PACKAGE...]: installs what is missing of chronos_packages
# and the packages named; for a cached major, fetches it when it is not
# cached yet.
ensure_packages() {
	local missing=() p
	for p in $(chronos_packages) "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
			missing+=("$p")
	done
	if [ ${#missing[@]} -gt 0 ]; then
		log "installing ${missing[*]}"
		export DEBIAN_FRONTEND=noninteractive
		apt-get update -qq
		apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
	fi
	if [ "$PG_SOURCE" = cache ]; then
		pg_cache_ensure "$PG_MAJOR"
	fi
}

# build_and_install: make && make install, of chronos and of chronos_rag
# (rag/: SQL only, installed whether pgvector is there or not).  Several people (and their test
# runs) share this tree and the system's extension directory, so builds take
# a lock: two makes in one tree at once would trample each other's objects.
# Written with && so that it also stops at the first error when called
# where errexit is off (in an if or after ||).
build_and_install() {
	log "building and installing chronos"
	(
		flock 9 &&
			make -C "$CHRONOS_ROOT" -s PG_CONFIG="$PGBIN/pg_config" >/dev/null &&
			make -C "$CHRONOS_ROOT" -s PG_CONFIG="$PGBIN/pg_config" install >/dev/null &&
			make -C "$CHRONOS_ROOT/rag" -s PG_CONFIG="$PGBIN/pg_config" install >/dev/null
	) 9>"${TMPDIR:-/tmp}/chronos-build.lock"
}

# as_postgres CMD...: run CMD as the postgres user, from / since the caller's
# folder (say a checkout under /root) may be closed to that user.
as_postgres() { (cd / && runuser -u postgres -- "$@"); }

# start_cluster [extra postgresql.conf lines...]: initdb and start a private
# server; sets PGHOST, PGPORT, PGUSER and CLUSTER_DIR.  CHRONOS_POSTGRES_WRAPPER,
# when set, is the program pg_ctl starts instead of postgres (pg_ctl -p), for
# example to run the server under sanitizers (test/sanitize.sh).
start_cluster() {
	CLUSTER_DIR=$(mktemp -d /tmp/chronos-pg.XXXXXX)
	chmod 755 "$CLUSTER_DIR"
	chown postgres:postgres "$CLUSTER_DIR"
	export PGHOST=$CLUSTER_DIR PGPORT=${CHRONOS_PGPORT:-55432} PGUSER=postgres PGDATABASE=postgres
	log "starting a throwaway PostgreSQL $PG_MAJOR cluster in $CLUSTER_DIR"
	as_postgres "$PGBIN/initdb" -D "$CLUSTER_DIR/data" -U postgres \
		--auth=trust --encoding=UTF8 --locale=C.UTF-8 >"$CLUSTER_DIR/initdb.log" 2>&1 ||
		{ cat "$CLUSTER_DIR/initdb.log" >&2; return 1; }
	{
		echo "listen_addresses = ''"
		echo "unix_socket_directories = '$CLUSTER_DIR'"
		echo "port = $PGPORT"
		echo "fsync = ${CHRONOS_FSYNC:-off}"
		echo "max_connections = 50"
		echo "shared_preload_libraries = '${CHRONOS_PRELOAD:-}'"
		local line
		for line in "$@"; do echo "$line"; done
	} >>"$CLUSTER_DIR/data/postgresql.conf"
	as_postgres "$PGBIN/pg_ctl" -D "$CLUSTER_DIR/data" -l "$CLUSTER_DIR/server.log" \
		${CHRONOS_POSTGRES_WRAPPER:+-p "$CHRONOS_POSTGRES_WRAPPER"} -w -t 60 start >/dev/null ||
		{ cat "$CLUSTER_DIR/server.log" >&2; return 1; }
}

stop_cluster() {
	[ -n "${CLUSTER_DIR:-}" ] && [ -d "$CLUSTER_DIR" ] || return 0
	as_postgres "$PGBIN/pg_ctl" -D "$CLUSTER_DIR/data" -m fast -w stop >/dev/null 2>&1 || true
	rm -rf "$CLUSTER_DIR"
	CLUSTER_DIR=
}

psql_quiet() { "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 "$@"; }

# wait_ready [seconds]: wait until the cluster accepts connections again (after
# a backend crash the postmaster restarts every backend and recovers).
# pg_isready answers at once while the server recovers, hence the loop.
wait_ready() {
	local deadline=$((SECONDS + ${1:-60}))
	until "$PGBIN/pg_isready" -q -h "$PGHOST" -p "$PGPORT"; do
		[ $SECONDS -lt $deadline ] || return 1
		sleep 0.2
	done
}

# --- shell tests that also run alone ------------------------------------------
#
# A test/shell/*.sh file run by test/run.sh gets its own fresh database
# (chronos_s_NAME) in the harness's cluster; run alone, it makes a cluster of
# its own.  shell_test_begin PREFIX DB PORT: sets WORK (a temporary folder
# named after PREFIX) and, alone, builds, installs and starts a cluster on
# PORT with database DB; shell_test_created DB records a database the test
# made, dropped at exit with the own cluster and WORK.

SHELL_TEST_DBS=()
OWN_CLUSTER=0

shell_test_created() { SHELL_TEST_DBS+=("$1"); }

shell_test_cleanup() {
	local rc=$? db
	set +e
	for db in "${SHELL_TEST_DBS[@]}"; do
		"$PGBIN/psql" -X -q -d postgres -c "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" >/dev/null 2>&1
	done
	[ "$OWN_CLUSTER" = 1 ] && stop_cluster
	[ -n "${WORK:-}" ] && rm -rf "$WORK"
	exit $rc
}

shell_test_begin() {
	WORK=$(mktemp -d "/tmp/chronos-$1.XXXXXX")
	trap shell_test_cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM HUP
	# whatever PG* variables say alone: never a cluster of the machine's own
	if ! { [[ ${PGDATABASE:-} == chronos_s_* ]] && [ -n "${PGHOST:-}" ] && [ "${PGPORT:-5432}" != 5432 ]; }; then
		OWN_CLUSTER=1
		build_and_install
		CHRONOS_PGPORT=${CHRONOS_PGPORT:-$3} start_cluster
		export PGDATABASE=$2
		psql_quiet -d postgres -c "CREATE DATABASE $PGDATABASE"
	fi
}

# q DB SQL...: the result of each statement, unaligned, tuples only; an
# error stops the test (ON_ERROR_STOP).
q() {
	local db=$1
	shift
	local args=() s
	for s in "$@"; do args+=(-c "$s"); done
	"$PGBIN/psql" -X -q -At -v ON_ERROR_STOP=1 -d "$db" "${args[@]}"
}
