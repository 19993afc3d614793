# test/citus.sh: builds Citus for the distributed-mode tests (test/shell/citus.sh).
# shellcheck shell=bash
#
# Sourced after test/lib.sh.  Citus is not a dependency of chronos and no
# package registry reachable here provides it, so its release source is read
# from ../shared/vendor/ (next to the repository; CI has it) and built once
# into a cache folder, then installed into PostgreSQL 15 (Debian 12's: Citus
# 13.2 loads cleanly only into a server of the same minor release as the
# headers it was built with).  A stamp in the cache (the tarball's and the
# patch's checksums and the server's version) says whether the cached build
# is current; when it is, only `make install` runs again (cheap, and needed
# when the PostgreSQL packages were reinstalled).

CITUS_VERSION=13.2.2
CITUS_VENDOR=${CITUS_VENDOR:-$CHRONOS_ROOT/../shared/vendor}
CITUS_TARBALL=$CITUS_VENDOR/citus-$CITUS_VERSION.tar.gz
CITUS_PATCH=$CITUS_VENDOR/citus-$CITUS_VERSION-pg15.20.patch
CITUS_CACHE=${CHRONOS_CITUS_CACHE:-/var/cache/chronos-citus}

# citus_source_present: whether the vendored Citus source is there.
citus_source_present() { [ -f "$CITUS_TARBALL" ]; }

# citus_stamp: what the cached build was made from.
citus_stamp() {
	{
		sha256sum "$CITUS_TARBALL" | cut -d' ' -f1
		if [ -f "$CITUS_PATCH" ]; then sha256sum "$CITUS_PATCH" | cut -d' ' -f1; fi
		"$PGBIN/pg_config" --version
	} | tr '\n' ' '
}

# citus_ensure: Citus built (once, into the cache) and installed into PGBIN's
# PostgreSQL.  Takes a lock: several test runs may share the cache.
citus_ensure() {
	citus_source_present || { echo "no Citus source at $CITUS_TARBALL" >&2; return 1; }
	ensure_packages liblz4-dev libzstd-dev libkrb5-dev
	mkdir -p "$CITUS_CACHE"
	(
		flock 9 || exit 1
		local src=$CITUS_CACHE/citus-$CITUS_VERSION stamp
		stamp=$(citus_stamp)
		if [ ! -f "$CITUS_CACHE/stamp" ] || [ "$(cat "$CITUS_CACHE/stamp")" != "$stamp" ]; then
			log "building Citus $CITUS_VERSION into $CITUS_CACHE (once; about 2 minutes)"
			rm -rf "$src" "$CITUS_CACHE/stamp"
			tar xzf "$CITUS_TARBALL" -C "$CITUS_CACHE"
			if [ -f "$CITUS_PATCH" ]; then
				(cd "$src" && patch -s -p1 <"$CITUS_PATCH") || exit 1
			fi
			(cd "$src" && ./configure -q --without-libcurl PG_CONFIG="$PGBIN/pg_config" \
				>"$CITUS_CACHE/configure.log" 2>&1) ||
				{ tail -n 30 "$CITUS_CACHE/configure.log" >&2; exit 1; }
			make -C "$src" -s -j"$(nproc)" >"$CITUS_CACHE/build.log" 2>&1 ||
				{ tail -n 30 "$CITUS_CACHE/build.log" >&2; exit 1; }
			printf '%s\n' "$stamp" >"$CITUS_CACHE/stamp"
		fi
		make -C "$src" -s install >"$CITUS_CACHE/install.log" 2>&1 ||
			{ tail -n 30 "$CITUS_CACHE/install.log" >&2; exit 1; }
	) 9>"$CITUS_CACHE.lock"
}

# citus_start_cluster [DATABASE]: a coordinator and two workers, each its own
# data directory under CITUS_DIR (a new temporary folder), all on unix
# sockets in CITUS_DIR, ports CITUS_PORT (default 55460) to CITUS_PORT+2;
# run as the postgres user; DATABASE (default chronos) made on each with
# CREATE EXTENSION citus, and the nodes registered on the coordinator.
# citus_stop_cluster stops them (and any node citus_start_node added) and
# removes CITUS_DIR.
citus_start_cluster() {
	local db=${1:-chronos} i
	CITUS_PORT=${CITUS_PORT:-55460}
	CITUS_DIR=$(mktemp -d /tmp/chronos-citus.XXXXXX)
	CITUS_DB=$db
	chmod 755 "$CITUS_DIR"
	chown postgres:postgres "$CITUS_DIR"
	for i in 0 1 2; do
		citus_start_node "$i" "$db"
	done
	"$PGBIN/psql" -X -q -At -v ON_ERROR_STOP=1 -h "$CITUS_DIR" -p "$CITUS_PORT" -U postgres -d "$db" \
		-c "SELECT citus_set_coordinator_host('$CITUS_DIR', $CITUS_PORT)" \
		-c "SELECT citus_add_node('$CITUS_DIR', $((CITUS_PORT + 1)))" \
		-c "SELECT citus_add_node('$CITUS_DIR', $((CITUS_PORT + 2)))" >/dev/null
}

# citus_start_node I DATABASE: node I (data directory CITUS_DIR/nodeI, port
# CITUS_PORT+I) started, with DATABASE made and CREATE EXTENSION citus in it;
# not registered (citus_add_node on the coordinator does that).
citus_start_node() {
	local i=$1 db=$2 port=$((CITUS_PORT + $1))
	as_postgres "$PGBIN/initdb" -D "$CITUS_DIR/node$i" -U postgres \
		--auth=trust --encoding=UTF8 --locale=C.UTF-8 >"$CITUS_DIR/initdb$i.log" 2>&1 ||
		{ cat "$CITUS_DIR/initdb$i.log" >&2; return 1; }
	cat >>"$CITUS_DIR/node$i/postgresql.conf" <<-CONF
		listen_addresses = ''
		unix_socket_directories = '$CITUS_DIR'
		port = $port
		fsync = off
		synchronous_commit = off
		max_connections = 80
		max_prepared_transactions = 60
		shared_preload_libraries = 'citus'
		shared_buffers = 32MB
		citus.log_remote_commands = off
	CONF
	as_postgres "$PGBIN/pg_ctl" -D "$CITUS_DIR/node$i" -l "$CITUS_DIR/node$i.log" -w -t 60 start >/dev/null ||
		{ cat "$CITUS_DIR/node$i.log" >&2; return 1; }
	"$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$CITUS_DIR" -p "$port" -U postgres -d postgres \
		-c "CREATE DATABASE $db" >/dev/null
	"$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$CITUS_DIR" -p "$port" -U postgres -d "$db" \
		-c "SET client_min_messages = warning" -c "CREATE EXTENSION citus" >/dev/null
}

citus_stop_cluster() {
	[ -n "${CITUS_DIR:-}" ] && [ -d "$CITUS_DIR" ] || return 0
	local node
	for node in "$CITUS_DIR"/node*/; do
		[ -f "$node/postmaster.pid" ] &&
			as_postgres "$PGBIN/pg_ctl" -D "$node" -m immediate -w stop >/dev/null 2>&1
	done
	rm -rf "$CITUS_DIR"
	CITUS_DIR=
}
