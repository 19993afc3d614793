# test/pgvector.sh: pgvector (the vector extension) for the chronos_rag
# suite, built from Debian's own sources.  Sourced by test/lib.sh, after
# test/pg-versions.sh.
# shellcheck shell=bash
#
# chronos never needs pgvector; chronos_rag (rag/) does.  Debian 12 has no
# pgvector package for its PostgreSQL 15, and the npm servers of 17 and 18
# come without it, but Debian trixie carries pgvector 0.8 as a source
# package.  So, once:
#
#   1. the source: apt-get source pgvector from Debian trixie (deb-src),
#      through a sources list and state folder of its own under the cache, as
#      test/pg-versions.sh fetches binary packages (apt checks the files
#      against the suite's signed index; dpkg-source, of dpkg-dev, unpacks
#      them and applies Debian's patches: no -march=native);
#   2. per major (15, 17, 18): built with PGXS against that major's
#      pg_config (15: /usr/lib/postgresql/15/bin/pg_config; 17, 18: the
#      cache's bin/pg_config) and installed with DESTDIR into the cache;
#      for 18, with test/pgvector-pg18.patch first: trixie's 0.8.0 predates
#      PostgreSQL 18 (two API changes, made as pgvector 0.8.1 makes them);
#   3. per major, every time: copied from the cache into that major's
#      library and extension folders when they do not hold the same files.
#
# The cache is $CHRONOS_PGVECTOR_CACHE (default /var/cache/chronos-pgvector):
# src/ (the unpacked source) and one folder per major (lib/vector.so,
# extension/vector.control and vector--*.sql), each complete or absent
# (assembled beside and moved into place, with a STAMP naming the recipe);
# a second run fetches, builds and copies nothing.  Removing a folder builds
# that major again; removing src/ fetches again.
#
# Users on their own servers install their distribution's pgvector instead
# (docs/rag.md).

CHRONOS_PGVECTOR_CACHE=${CHRONOS_PGVECTOR_CACHE:-/var/cache/chronos-pgvector}
case $CHRONOS_PGVECTOR_CACHE in /*) ;; *) CHRONOS_PGVECTOR_CACHE=$PWD/$CHRONOS_PGVECTOR_CACHE ;; esac

# The source package, the suite that carries it, and the upstream versions
# accepted (a Debian revision of 0.8.x, say 0.8.0-1).
PGVECTOR_SUITE=trixie
PGVECTOR_UPSTREAM='0.8.*'
# Bumped when the way a major is built changes: a cache of an older recipe is
# built again.
PGVECTOR_RECIPE=1
# For PostgreSQL 18: the two API changes 0.8.0 predates (as 0.8.1 makes them).
PGVECTOR_PG18_PATCH=$CHRONOS_ROOT/test/pgvector-pg18.patch

pgvec_log() { printf '==> %s\n' "$*" >&2; }
pgvec_die() {
	printf 'pgvector: %s\n' "$*" >&2
	return 1
}

# pgvector_pg_config MAJOR: the pg_config of a major.
pgvector_pg_config() {
	if [ "$1" = 15 ]; then
		echo "${CHRONOS_PG15_BIN:-/usr/lib/postgresql/15/bin}/pg_config"
	else
		echo "$(pg_cache_dir "$1")/bin/pg_config"
	fi
}

# pgvector_apt ARGS...: apt-get with the source suite's own sources list and state.
pgvector_apt() {
	local base=$CHRONOS_PGVECTOR_CACHE/apt
	apt-get -q -o Dir::Etc::SourceList="$base/sources.list" \
		-o Dir::Etc::SourceParts="$base/sources.list.d" \
		-o Dir::State::Lists="$base/lists" -o Dir::Cache="$base/cache" \
		-o Dir::State::Status=/dev/null -o APT::Sandbox::User=root \
		-o Acquire::Languages=none "$@"
}

# pgvector_src_ready: whether src/ holds an unpacked source of the accepted version.
pgvector_src_ready() {
	local dir=$CHRONOS_PGVECTOR_CACHE/src version
	[ -f "$dir/VERSION" ] && [ -f "$dir/pgvector/vector.control" ] && [ -f "$dir/pgvector/Makefile" ] || return 1
	version=$(cat "$dir/VERSION")
	# shellcheck disable=SC2053 # a glob on purpose
	[[ $version == $PGVECTOR_UPSTREAM-* ]]
}

# pgvector_fetch_source: src/, from Debian's source package (apt-get source).
pgvector_fetch_source() {
	local mirror base stage dir version
	mirror=$(debian_mirror) || return 1
	base=$CHRONOS_PGVECTOR_CACHE/apt
	rm -rf "$base"
	mkdir -p "$base/sources.list.d" "$base/lists/partial" "$base/cache/archives/partial"
	echo "deb-src $mirror $PGVECTOR_SUITE main" >"$base/sources.list"
	stage=$(mktemp -d "$CHRONOS_PGVECTOR_CACHE/.src.XXXXXX")
	pgvec_log "pgvector: fetching its source package (Debian $PGVECTOR_SUITE, apt-get source)"
	if ! pgvector_apt update >"$stage/apt.log" 2>&1 || grep -qE '^(E|W):' "$stage/apt.log"; then
		sed 's/^/    /' "$stage/apt.log" >&2
		pgvec_die "apt-get update of Debian $PGVECTOR_SUITE's sources from $mirror failed: is the Debian mirror reachable?"
		return 1
	fi
	if ! (cd "$stage" && pgvector_apt source pgvector) >"$stage/apt.log" 2>&1; then
		sed 's/^/    /' "$stage/apt.log" >&2
		pgvec_die "apt-get source pgvector from Debian $PGVECTOR_SUITE failed"
		return 1
	fi
	dir=$(find "$stage" -mindepth 1 -maxdepth 1 -type d -name 'pgvector-*' | head -n 1)
	version=$(sed -n 's/^Version: //p' "$stage"/pgvector_*.dsc | head -n 1)
	# shellcheck disable=SC2053 # a glob on purpose
	if [ -z "$dir" ] || [[ $version != $PGVECTOR_UPSTREAM-* ]]; then
		pgvec_die "Debian $PGVECTOR_SUITE's pgvector is '${version:-none}', not $PGVECTOR_UPSTREAM"
		return 1
	fi
	mv "$dir" "$stage/pgvector"
	echo "$version" >"$stage/VERSION"
	rm -f "$stage"/pgvector_* "$stage/apt.log"
	rm -rf "$base/lists" "$base/cache"	# 20 MB of indexes, needed again only to fetch again
	chmod -R a+rX "$stage"
	rm -rf "$CHRONOS_PGVECTOR_CACHE/src"
	mv "$stage" "$CHRONOS_PGVECTOR_CACHE/src"
	pgvec_log "pgvector: source $version in $CHRONOS_PGVECTOR_CACHE/src"
}

# pgvector_stamp MAJOR: what a built major is made of.
pgvector_stamp() {
	echo "recipe $PGVECTOR_RECIPE, pgvector $(cat "$CHRONOS_PGVECTOR_CACHE/src/VERSION") (Debian $PGVECTOR_SUITE), $("$(pgvector_pg_config "$1")" --version)$(
		[ "$1" -lt 18 ] || echo ", test/pgvector-pg18.patch $(sha256sum <"$PGVECTOR_PG18_PATCH" | cut -c 1-16)")"
}

# pgvector_ready MAJOR: whether the major's folder is complete and of this recipe and source.
pgvector_ready() {
	local dir=$CHRONOS_PGVECTOR_CACHE/$1
	pgvector_src_ready || return 1
	[ -f "$dir/STAMP" ] && [ "$(cat "$dir/STAMP")" = "$(pgvector_stamp "$1")" ] &&
		[ -f "$dir/lib/vector.so" ] && [ -f "$dir/extension/vector.control" ] &&
		compgen -G "$dir/extension/vector--*.sql" >/dev/null
}

# pgvector_build MAJOR: the major's folder, built from src/ in a copy beside it.
pgvector_build() {
	local major=$1 pg_config stage root
	pg_config=$(pgvector_pg_config "$major")
	stage=$(mktemp -d "$CHRONOS_PGVECTOR_CACHE/.$major.XXXXXX")
	cp -a "$CHRONOS_PGVECTOR_CACHE/src/pgvector" "$stage/build"
	pgvec_log "pgvector: building $(cat "$CHRONOS_PGVECTOR_CACHE/src/VERSION") for PostgreSQL $major"
	# 0.8.0 predates PostgreSQL 18's API: test/pgvector-pg18.patch, where
	# the source needs it (a newer source that has it is left as it is)
	if [ "$major" -ge 18 ] &&
		patch -d "$stage/build" -p1 --dry-run -s -f <"$PGVECTOR_PG18_PATCH" >/dev/null 2>&1; then
		patch -d "$stage/build" -p1 -s -f <"$PGVECTOR_PG18_PATCH" >"$stage/build.log" 2>&1 ||
			{ pgvec_die "test/pgvector-pg18.patch does not apply"; return 1; }
		pgvec_log "pgvector: patched for PostgreSQL 18 (test/pgvector-pg18.patch)"
	fi
	# OPTFLAGS empty: no -march=native (Debian's patch says so too), the
	# cache may be shared by other machines
	if ! make -C "$stage/build" PG_CONFIG="$pg_config" OPTFLAGS= >>"$stage/build.log" 2>&1 ||
		! make -C "$stage/build" PG_CONFIG="$pg_config" OPTFLAGS= DESTDIR="$stage/root" install \
			>>"$stage/build.log" 2>&1; then
		tail -n 30 "$stage/build.log" | sed 's/^/    /' >&2
		pgvec_die "building pgvector for PostgreSQL $major failed"
		return 1
	fi
	root=$stage/root
	mkdir -p "$stage/lib" "$stage/extension"
	cp "$root$("$pg_config" --pkglibdir)/vector.so" "$stage/lib/"
	cp "$root$("$pg_config" --sharedir)"/extension/vector* "$stage/extension/"
	rm -rf "$stage/build" "$root" "$stage/build.log"
	pgvector_stamp "$major" >"$stage/STAMP"
	chmod -R a+rX "$stage"
	rm -rf "${CHRONOS_PGVECTOR_CACHE:?}/$major"
	mv "$stage" "$CHRONOS_PGVECTOR_CACHE/$major"
}

# pgvector_install MAJOR: the cached files into the major's folders, where
# they differ; prints nothing when there is nothing to do.
pgvector_install() {
	local major=$1 pg_config libdir extdir f copied=0
	pg_config=$(pgvector_pg_config "$major")
	libdir=$("$pg_config" --pkglibdir)
	extdir=$("$pg_config" --sharedir)/extension
	f=$CHRONOS_PGVECTOR_CACHE/$major/lib/vector.so
	cmp -s "$f" "$libdir/vector.so" || { install -m 755 "$f" "$libdir/vector.so"; copied=1; }
	for f in "$CHRONOS_PGVECTOR_CACHE/$major"/extension/*; do
		cmp -s "$f" "$extdir/$(basename "$f")" || { install -m 644 "$f" "$extdir/"; copied=1; }
	done
	[ $copied = 0 ] || pgvec_log "pgvector: installed into PostgreSQL $major ($libdir, $extdir)"
}

# pgvector_ensure MAJOR: pgvector built for MAJOR and installed there.  One
# process fetches and builds at a time; the others wait and use its result.
pgvector_ensure() {
	local major=$1 rc=0
	if ! pgvector_ready "$major"; then
		mkdir -p "$CHRONOS_PGVECTOR_CACHE"
		chmod 755 "$CHRONOS_PGVECTOR_CACHE"
		(
			umask 022
			flock 8 || exit 1
			pgvector_ready "$major" && exit 0
			rm -rf "$CHRONOS_PGVECTOR_CACHE"/.[0-9a-z]*.*
			if ! pgvector_src_ready; then
				pgvector_fetch_source || { rm -rf "$CHRONOS_PGVECTOR_CACHE"/.src.*; exit 1; }
			fi
			pgvector_build "$major" || { rm -rf "$CHRONOS_PGVECTOR_CACHE/.$major".*; exit 1; }
			pgvector_ready "$major" || { pgvec_die "the cache of PostgreSQL $major is incomplete after building it"; exit 1; }
		) 8>"$CHRONOS_PGVECTOR_CACHE/.lock" || rc=$?
		[ $rc -eq 0 ] || {
			pgvec_die "could not build pgvector for PostgreSQL $major into $CHRONOS_PGVECTOR_CACHE (see above)"
			return $rc
		}
	fi
	pgvector_install "$major"
}
