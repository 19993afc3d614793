#!/usr/bin/env bash
# test/sanitize.sh: the whole test suite, fuzzer included, against a server
# running chronos built with AddressSanitizer and UndefinedBehaviorSanitizer.
#
#   bash test/sanitize.sh [PATTERN...]     (or: make sanitize-check)
#
# PATTERNs select test files as for test/run.sh (none: all of them).
#
# How: chronos is built apart from the checkout (in a temporary folder, so
# that neither the checkout's objects nor the installed chronos.so change)
# with gcc -fsanitize=address,undefined,float-cast-overflow -fno-wrapv (PostgreSQL
# builds with -fwrapv, which makes signed overflow defined; chronos's C must
# not rely on it, so the sanitized build takes it away and UBSan reports any).
# It is installed into a private copy of the PostgreSQL 15 installation: the
# postgres binary copied, its lib/ and share/ folders made of links to the
# system's, except chronos's own files.  PostgreSQL finds lib/ and share/
# relative to its binary, so that server loads the sanitized chronos while
# every other cluster on the machine keeps loading the installed one.  Its
# wrapper preloads gcc's ASan runtime (postgres itself is not instrumented,
# so the runtime must come first) with leak detection off (postgres frees
# its memory by ending processes, not by free) and a shim that starts the
# runtime before any other library's constructor (see below), then starts
# the binary.  test/run.sh starts its cluster with that wrapper
# (CHRONOS_POSTGRES_WRAPPER, test/lib.sh) and runs the selected tests as
# usual.  Before that, a cluster of its own checks that the server maps the
# sanitized chronos.so and that a planted heap overrun and signed overflow
# (a canary library built the same way) are reported.
#
# What it catches: reads and writes outside malloc'd blocks (PostgreSQL's
# memory contexts take their blocks from malloc: a chunk of 8 kB or more is a
# block of its own, smaller chunks share blocks, so an overrun is seen when it
# leaves its block), use after free of such blocks, overruns of chronos's
# stack and global arrays, and undefined behaviour in chronos's C: signed
# overflow, shifts, invalid casts of floating point, null pointers, misaligned
# access, out-of-bounds array indexes.  What it cannot catch: misuse of a
# palloc'd chunk inside its block (the Debian server is built without its
# own Valgrind or ASan hooks for memory contexts).
#
# Findings: an ASan error aborts the backend (the test that made it fails,
# the server log says "terminated by signal 6") and writes a report file;
# UBSan reports to the server log and goes on.  The reports and a copy of
# the server log are summarised at the end and copied to
# test/results/sanitize/ (ignored by git).  The exit status is non-zero when
# a test failed, a backend crashed or anything was reported.
#
# Environment: as test/run.sh (CHRONOS_TEST_TIMEOUT, VERBOSE...);
# SANITIZE_KEEP=1 keeps the temporary folder.

set -euo pipefail
# shellcheck source=test/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

SAN_FLAGS="-fsanitize=address,undefined,float-cast-overflow -fno-sanitize-recover=address -fno-wrapv -fno-omit-frame-pointer -g"
RESULTS=$CHRONOS_ROOT/test/results/sanitize
START=$SECONDS

ensure_packages libasan8 libubsan1 libgcc-12-dev
ASAN_RUNTIME=$(readlink -f "$(gcc -print-file-name=libasan.so)")
[ -f "$ASAN_RUNTIME" ] || { echo "sanitize.sh: gcc's ASan runtime is missing" >&2; exit 2; }

SAN=$(mktemp -d /tmp/chronos-sanitize.XXXXXX)
chmod 755 "$SAN"
cleanup() {
	local rc=$?
	stop_cluster
	if [ "${SANITIZE_KEEP:-0}" = 1 ]; then echo "sanitize.sh: kept $SAN" >&2; else rm -rf "$SAN"; fi
	exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

# --- the sanitized build, apart from the checkout ----------------------------

log "building chronos with $SAN_FLAGS"
mkdir -p "$SAN/build/src"
cp "$CHRONOS_ROOT/Makefile" "$CHRONOS_ROOT/chronos.control" "$SAN/build/"
cp "$CHRONOS_ROOT"/src/*.c "$CHRONOS_ROOT"/src/*.h "$SAN/build/src/"
cp -r "$CHRONOS_ROOT/sql" "$SAN/build/sql"
# with_llvm=no: no JIT bitcode (the server runs with jit off anyway)
make -C "$SAN/build" -s PG_CONFIG="$PGBIN/pg_config" with_llvm=no PROFILE="$SAN_FLAGS" >"$SAN/build.log" 2>&1 ||
	{ cat "$SAN/build.log" >&2; exit 1; }
[[ $(nm -D "$SAN/build/chronos.so") == *__asan_report* ]] ||
	{ echo "sanitize.sh: the build is not instrumented" >&2; exit 1; }

# --- a private installation: postgres copied, lib/ and share/ linked ---------

PG_LIB=$("$PGBIN/pg_config" --pkglibdir)
PG_SHARE=$("$PGBIN/pg_config" --sharedir)
case "$PGBIN:$PG_LIB:$PG_SHARE" in
"/usr/lib/postgresql/$PG_MAJOR/bin:/usr/lib/postgresql/$PG_MAJOR/lib:/usr/share/postgresql/$PG_MAJOR") ;;
*) echo "sanitize.sh: expects Debian's layout of PostgreSQL $PG_MAJOR" >&2; exit 2 ;;
esac
TREE=$SAN/pg
mkdir -p "$TREE/lib/postgresql/$PG_MAJOR/bin" "$TREE/lib/postgresql/$PG_MAJOR/lib" \
	"$TREE/share/postgresql/$PG_MAJOR/extension"
cp "$PGBIN/postgres" "$TREE/lib/postgresql/$PG_MAJOR/bin/postgres"
for f in "$PG_LIB"/*; do
	[ "$(basename "$f")" = chronos.so ] || ln -s "$f" "$TREE/lib/postgresql/$PG_MAJOR/lib/"
done
cp "$SAN/build/chronos.so" "$TREE/lib/postgresql/$PG_MAJOR/lib/chronos.so"
for f in "$PG_SHARE"/*; do
	[ "$(basename "$f")" = extension ] || ln -s "$f" "$TREE/share/postgresql/$PG_MAJOR/"
done
for f in "$PG_SHARE"/extension/*; do
	case "$(basename "$f")" in chronos.control | chronos--*) ;; *) ln -s "$f" "$TREE/share/postgresql/$PG_MAJOR/extension/" ;; esac
done
cp "$SAN/build/chronos.control" "$SAN"/build/sql/chronos--*.sql "$TREE/share/postgresql/$PG_MAJOR/extension/"

# The ASan runtime initialises itself on the first malloc.  Preloaded into
# postgres, that first malloc comes from the constructor of a library postgres
# links (libgpg-error), inside bindtextdomain, which holds glibc's gettext
# lock; the runtime's start-up then calls dlerror, which takes that lock
# again, and the process hangs before main.  A shim marked INITFIRST (its
# constructor runs before every other) starts the runtime first.
cat >"$SAN/asan_initfirst.c" <<'EOF'
extern void __asan_init(void);
__attribute__((constructor)) static void chronos_asan_initfirst(void) { __asan_init(); }
EOF
gcc -shared -fPIC -o "$SAN/asan_initfirst.so" "$SAN/asan_initfirst.c" -Wl,-z,initfirst \
	-L"$(dirname "$(gcc -print-file-name=libasan.so)")" -lasan

REPORTS=$SAN/reports
mkdir -p "$REPORTS"
chmod 1777 "$REPORTS"
# UBSan writes its reports to the server's stderr (its log_path is taken
# over by the ASan runtime preloaded before it), so the wrapper copies the
# server's stderr, the server log, to $REPORTS/server.log as well.
cat >"$SAN/postgres" <<EOF
#!/bin/bash
# postgres with the ASan runtime first; reports go to $REPORTS
exec 2> >(exec tee -a "$REPORTS/server.log" >&2)
export ASAN_OPTIONS=detect_leaks=0:abort_on_error=1:halt_on_error=1:detect_odr_violation=0:log_path=$REPORTS/asan
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=0
exec env LD_PRELOAD="$ASAN_RUNTIME $SAN/asan_initfirst.so" $TREE/lib/postgresql/$PG_MAJOR/bin/postgres "\$@" -c jit=off
EOF
chmod -R a+rX "$SAN"
chmod 755 "$SAN/postgres"
export CHRONOS_POSTGRES_WRAPPER=$SAN/postgres

# --- proof that it works: the server loads the sanitized chronos, and
# --- the sanitizers report a planted bug -------------------------------------

# A canary library built the same way: an overrun of a palloc'd chunk large
# enough to be a malloc'd block of its own, and a signed overflow.
mkdir -p "$SAN/canary"
cat >"$SAN/canary/chronos_canary.c" <<'EOF'
#include "postgres.h"
#include "fmgr.h"
PG_MODULE_MAGIC;
PG_FUNCTION_INFO_V1(chronos_canary_overrun);
Datum
chronos_canary_overrun(PG_FUNCTION_ARGS)
{
	int32		n = PG_GETARG_INT32(0);
	volatile char *p = palloc(n);

	p[n] = 1;
	PG_RETURN_INT32(p[0]);
}
PG_FUNCTION_INFO_V1(chronos_canary_overflow);
Datum
chronos_canary_overflow(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT32(PG_GETARG_INT32(0) + 1);
}
EOF
printf 'MODULES = chronos_canary\nPGXS := $(shell $(PG_CONFIG) --pgxs)\ninclude $(PGXS)\n' >"$SAN/canary/Makefile"
make -C "$SAN/canary" -s PG_CONFIG="$PGBIN/pg_config" with_llvm=no PROFILE="$SAN_FLAGS" >>"$SAN/build.log" 2>&1 ||
	{ cat "$SAN/build.log" >&2; exit 1; }
cp "$SAN/canary/chronos_canary.so" "$TREE/lib/postgresql/$PG_MAJOR/lib/"
chmod a+r "$TREE/lib/postgresql/$PG_MAJOR/lib/chronos_canary.so"

log "checking that the server loads the sanitized chronos and that the sanitizers report a planted bug"
CHRONOS_PGPORT=${CHRONOS_PGPORT:-55432} start_cluster
maps=$("$PGBIN/psql" -X -q -At -d postgres -c "CREATE EXTENSION chronos" -c "
	SELECT string_agg(DISTINCT substring(l FROM '(/\S+)$'), ' ')
	  FROM regexp_split_to_table(pg_read_file('/proc/self/maps'), E'\n') AS l
	 WHERE l ~ '(chronos\.so|libasan)'")
"$PGBIN/psql" -X -q -At -d postgres \
	-c "CREATE FUNCTION chronos_canary_overflow(int) RETURNS int AS '\$libdir/chronos_canary' LANGUAGE C STRICT" \
	-c "CREATE FUNCTION chronos_canary_overrun(int) RETURNS int AS '\$libdir/chronos_canary' LANGUAGE C STRICT" \
	-c "SELECT chronos_canary_overflow(2147483647)" >/dev/null 2>&1 || true
"$PGBIN/psql" -X -q -At -d postgres -c "SELECT chronos_canary_overrun(10000)" >/dev/null 2>&1 || true
wait_ready 120 || true
stop_cluster
case "$maps" in
*"$TREE/lib/postgresql/$PG_MAJOR/lib/chronos.so"*libasan* | *libasan*"$TREE/lib/postgresql/$PG_MAJOR/lib/chronos.so"*) ;;
*) echo "sanitize.sh: the server did not load the sanitized chronos.so with the ASan runtime (maps: $maps)" >&2; exit 1 ;;
esac
log "the server maps $maps"
if ! grep -qs 'runtime error: signed integer overflow' "$REPORTS/server.log" || ! grep -qs 'heap-buffer-overflow' "$REPORTS"/asan.*; then
	echo "sanitize.sh: the planted bugs were not both reported (reports: $(ls "$REPORTS"))" >&2
	exit 1
fi
log "the planted signed overflow and heap overrun were reported; starting afresh"
rm -f "$REPORTS"/*

# --- the suite --------------------------------------------------------------

log "running the test suite against it"
set +e
bash "$CHRONOS_ROOT/test/run.sh" "$@" 2>&1 | tee "$SAN/suite.log"
suite_rc=${PIPESTATUS[0]}
set -e

# --- the reports --------------------------------------------------------------

rm -rf "$RESULTS"
mkdir -p "$RESULTS"
cp "$SAN/suite.log" "$RESULTS/suite.log"
touch "$REPORTS/server.log"
cp "$REPORTS/server.log" "$RESULTS/server.log"
shopt -s nullglob
asan_reports=("$REPORTS"/asan.*)
asan_chronos=0
for r in "${asan_reports[@]}"; do
	cp "$r" "$RESULTS/"
	grep -qE 'chronos\.so|/build/src/[a-z_]+\.[ch]:' "$r" && asan_chronos=$((asan_chronos + 1))
done
ubsan=$(grep -c 'runtime error:' "$REPORTS/server.log" || true)
ubsan_chronos=$(grep -cE '^src/[a-z_]+\.[ch]:[0-9]+:[0-9]+: runtime error:' "$REPORTS/server.log" || true)
crashes=$(grep -cE 'terminated by signal|was terminated by exception' "$REPORTS/server.log" || true)
summary=$(tail -n 1 "$SAN/suite.log")
echo
echo "sanitize: $summary; AddressSanitizer: ${#asan_reports[@]} reports (${asan_chronos} in chronos code);" \
	"UndefinedBehaviorSanitizer: $ubsan runtime errors ($ubsan_chronos in chronos's own source); $crashes backend crashes" \
	"($((SECONDS - START))s in all; reports and the server log in test/results/sanitize/)"
for r in "${asan_reports[@]}"; do
	echo "--- $(basename "$r")"
	grep -E 'ERROR: AddressSanitizer|^    #[0-9]+ ' "$r" | head -n 20 | sed 's/^/    /'
done
if [ "$ubsan" -gt 0 ]; then
	echo "--- UBSan runtime errors (distinct places, with how many times each):"
	grep 'runtime error:' "$REPORTS/server.log" | sort | uniq -c | sort -rn | head -n 30
fi
[ "$suite_rc" -eq 0 ] && [ ${#asan_reports[@]} -eq 0 ] && [ "$ubsan" -eq 0 ] && [ "$crashes" -eq 0 ]
