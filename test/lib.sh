# test/lib.sh: shared by the README's commands (demo/run.sh, test/run.sh, bench/run.sh).
#
# Installs the Debian packages chronos needs when they are missing, builds and
# installs the extension, and runs a throwaway PostgreSQL cluster as the
# postgres user on a unix socket in a temporary folder.  Never touches the
# Debian cluster on port 5432.

set -euo pipefail

PG_MAJOR=${PG_MAJOR:-15}
CHRONOS_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PGBIN=/usr/lib/postgresql/$PG_MAJOR/bin

log() { printf '==> %s\n' "$*" >&2; }

# Packages the build, the server and the tests need.
chronos_packages() {
	echo make gcc postgresql-$PG_MAJOR postgresql-server-dev-$PG_MAJOR \
		postgresql-$PG_MAJOR-pgtap libtap-parser-sourcehandler-pgtap-perl
}

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
}

build_and_install() {
	log "building chronos"
	make -C "$CHRONOS_ROOT" -s PG_CONFIG="$PGBIN/pg_config" >/dev/null
	make -C "$CHRONOS_ROOT" -s PG_CONFIG="$PGBIN/pg_config" install >/dev/null
}

# start_cluster [extra postgresql.conf lines...]: initdb and start a private
# server; sets PGHOST, PGPORT, PGUSER and CLUSTER_DIR.
start_cluster() {
	CLUSTER_DIR=$(mktemp -d /tmp/chronos-pg.XXXXXX)
	chmod 755 "$CLUSTER_DIR"
	chown postgres:postgres "$CLUSTER_DIR"
	export PGHOST=$CLUSTER_DIR PGPORT=${CHRONOS_PGPORT:-55432} PGUSER=postgres PGDATABASE=postgres
	log "starting a throwaway PostgreSQL $PG_MAJOR cluster in $CLUSTER_DIR"
	runuser -u postgres -- "$PGBIN/initdb" -D "$CLUSTER_DIR/data" -U postgres \
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
	runuser -u postgres -- "$PGBIN/pg_ctl" -D "$CLUSTER_DIR/data" -l "$CLUSTER_DIR/server.log" \
		-w -t 60 start >/dev/null ||
		{ cat "$CLUSTER_DIR/server.log" >&2; return 1; }
}

stop_cluster() {
	[ -n "${CLUSTER_DIR:-}" ] && [ -d "$CLUSTER_DIR" ] || return 0
	runuser -u postgres -- "$PGBIN/pg_ctl" -D "$CLUSTER_DIR/data" -m fast -w stop >/dev/null 2>&1 || true
	rm -rf "$CLUSTER_DIR"
	CLUSTER_DIR=
}

psql_quiet() { "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 "$@"; }
