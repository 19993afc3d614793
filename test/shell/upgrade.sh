#!/usr/bin/env bash
# test/shell/upgrade.sh: a database updated from any older version of chronos
# (ALTER EXTENSION chronos UPDATE) equals a fresh one, keeps its data, and
# works; so does a dump and restore of it.
#
#   bash test/run.sh shell/upgrade     (in the harness's cluster)
#   bash test/shell/upgrade.sh         (alone: as root, builds chronos and runs
#                                       its own cluster)
#
# The versions come from the installed extension directory: the newest is
# default_version, and every other version in pg_available_extension_versions
# must have an update path to it (pg_extension_update_paths), so this file
# needs no edit when chronos--1.0--1.1.sql and default_version 1.1 appear.
#
#   (a) fresh     CREATE EXTENSION chronos (the newest version)
#   (b) updated   for each version V (the newest included): CREATE EXTENSION
#                 chronos VERSION 'V', data loaded through V's functions
#                 (test/fixtures/platform_data.sql, the loader
#                 backup_roundtrip.sh uses too: it uses only what 1.0 has),
#                 then ALTER EXTENSION chronos UPDATE
#                 (none when V is the newest)
#   (c) restored  pg_dump -Fc of (b), pg_restore into a new database as the
#                 superuser with session_replication_role = replica (README,
#                 "Backups and crash safety")
#
# Checks, for each V:
#   1. the catalog snapshot (test/upgrade/catalog_snapshot.sql) of (b) and of
#      (c) equals that of (a), line for line; a difference is printed as a
#      diff (- fresh, + updated or restored);
#   2. every row loaded before the update reads the same after it and after
#      the restore (each table's columns as they were before the update, rows
#      sorted);
#   0. every released script (test/upgrade/released.sha256) is unchanged
#      since its release (docs/architecture.md, "Changing the SQL after a
#      release");
#   3. chronos's functions (test/upgrade/functions.sql: writes through the
#      session and event functions, a refresh, then the read functions and
#      reports) answer the same on (b) and (c) as on (a) loaded with the same
#      data.
#
# Exit status 0 only when every check passes.
#
# To try a coming version without installing it into the shared extension
# directory (PostgreSQL 18): put its chronos.control, chronos--*.sql files and
# a copy of chronos--1.0.sql in DIR/extension, then
#   PGOPTIONS='-c extension_control_path=DIR:$system' PG=18 bash test/run.sh shell/upgrade

set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
UPGRADE_DIR=$(cd "$here/../upgrade" && pwd)
# shellcheck source=test/lib.sh
source "$here/../lib.sh"
# shellcheck source=test/checks.sh
source "$here/../checks.sh"

# From test/run.sh: its database, in its cluster; alone, a cluster of our
# own with database chronos_s_upgrade.
shell_test_begin upgrade chronos_s_upgrade 55439
PREFIX=${PGDATABASE:0:40}


# --- released scripts ---------------------------------------------------------

while read -r sum file; do
	if [ ! -f "$CHRONOS_ROOT/$file" ]; then
		fail "released script $file is missing"
	elif [ "$(sha256sum "$CHRONOS_ROOT/$file" | cut -d' ' -f1)" = "$sum" ]; then
		pass "released script $file is unchanged"
	else
		fail "released script $file has changed since its release: put the change in the next update script"
	fi
done <"$UPGRADE_DIR/released.sha256"

# --- versions ---------------------------------------------------------------

NEWEST=$(q postgres "SELECT default_version FROM pg_available_extensions WHERE name = 'chronos'")
if [ -z "$NEWEST" ]; then
	echo "chronos is not installed in $("$PGBIN/pg_config" --sharedir)/extension"
	exit 1
fi
mapfile -t VERSIONS < <(q postgres "SELECT version FROM pg_available_extension_versions
	WHERE name = 'chronos'" | sort -V)
echo "== chronos versions installed: ${VERSIONS[*]}; default_version (the newest): $NEWEST"
CASES=()
for v in "${VERSIONS[@]}"; do
	if [ "$v" = "$NEWEST" ]; then
		CASES+=("$v")
		continue
	fi
	path=$(q postgres "SELECT path FROM pg_extension_update_paths('chronos')
		WHERE source = '$v' AND target = '$NEWEST'")
	if [ -n "$path" ]; then
		pass "version $v updates to $NEWEST: $path"
		CASES+=("$v")
	else
		fail "version $v has no update path to $NEWEST (a chronos--$v--*.sql script is missing)"
	fi
done
if [ "$(printf '%s\n' "${VERSIONS[@]}" | sort -V | tail -n 1)" != "$NEWEST" ]; then
	fail "default_version $NEWEST is not the highest version installed (${VERSIONS[*]})"
fi
OLDEST=${CASES[0]}

# Every database gets the same anchor time: the loader and functions.sql place
# sessions and events relative to it, so that days and reports agree.
# The loader's other variables: the role the callers act as (functions.sql
# acts as it too), two creators (New York, and Chatham at UTC+12:45) of four
# students and four videos each (functions.sql names some of them; video2-4's
# duration is not known).
T0=$(q postgres "SELECT date_trunc('hour', now()) - interval '1 day'")
echo "   anchor time t0: $T0"
LOADER=$(cd "$here/../fixtures" && pwd)/platform_data.sql
LOAD_VARS=(-v app_role=chronos_upgrade_app -v creator_zones='America/New_York Pacific/Chatham'
	-v students_per_creator=4 -v videos_per_creator=4)

# --- (a) fresh ---------------------------------------------------------------

FRESH=${PREFIX}_fresh
echo "== (a) fresh: CREATE EXTENSION chronos in $FRESH"
new_db "$FRESH"
q "$FRESH" "SET client_min_messages = warning" "CREATE EXTENSION chronos" >/dev/null
run_file "$FRESH" "$UPGRADE_DIR/catalog_snapshot.sql" "$WORK/fresh.catalog"
echo "   catalog snapshot: $(wc -l <"$WORK/fresh.catalog") lines ($(cut -d'|' -f1 "$WORK/fresh.catalog" |
	sort | uniq -c | awk '{ printf "%s%s %s", sep, $1, $2; sep = ", " }'))"
[ "$(q "$FRESH" "SELECT extversion FROM pg_extension WHERE extname = 'chronos'")" = "$NEWEST" ] &&
	pass "fresh: chronos $NEWEST created" || fail "fresh: chronos is not at version $NEWEST"
start=$SECONDS
if run_file "$FRESH" "$LOADER" "$WORK/fresh.load" "${LOAD_VARS[@]}"; then
	pass "fresh: test/fixtures/platform_data.sql loaded ($((SECONDS - start)) s)"
else
	fail "fresh: test/fixtures/platform_data.sql"
	exit 1
fi
run_file "$FRESH" "$UPGRADE_DIR/functions.sql" "$WORK/fresh.functions" ||
	{ fail "fresh: test/upgrade/functions.sql"; exit 1; }
echo "   functions.sql on the fresh database: $(wc -l <"$WORK/fresh.functions") lines"

# --- (b) updated and (c) restored, for each version ----------------------------

# The rows of each table, as a script: its columns as they are now (before
# an update, so that columns an update adds are left out), rows sorted.
row_script() {
	q "$1" <<'SQL'
SELECT format('SELECT %L, replace(ROW(%s)::text, E''\n'', ''\n'') AS r FROM chronos.%I ORDER BY r;',
              c.relname, string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum), c.relname)
  FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
 WHERE c.relnamespace = 'chronos'::regnamespace AND c.relkind IN ('r', 'p')
 GROUP BY c.relname ORDER BY c.relname
SQL
}

for v in "${CASES[@]}"; do
	UPD=${PREFIX}_from_${v//[^A-Za-z0-9]/_}
	RES=${UPD}_restored
	if [ "$v" = "$NEWEST" ]; then
		echo "== (b) chronos $v (the newest: loaded, no update) in $UPD"
	else
		echo "== (b) chronos $v, loaded, updated to $NEWEST, in $UPD"
	fi
	new_db "$UPD"
	q "$UPD" "SET client_min_messages = warning" "CREATE EXTENSION chronos VERSION '$v'" >/dev/null
	start=$SECONDS
	if run_file "$UPD" "$LOADER" "$WORK/$UPD.load" "${LOAD_VARS[@]}"; then
		pass "$v: test/fixtures/platform_data.sql loaded ($((SECONDS - start)) s)"
	else
		fail "$v: test/fixtures/platform_data.sql"
		continue
	fi
	row_script "$UPD" >"$WORK/$v.rows.sql"
	run_file "$UPD" "$WORK/$v.rows.sql" "$WORK/$v.rows.before" || { fail "$v: reading the rows"; continue; }
	# tables without a row: in the script, not in its output
	empty=$(comm -23 <(q "$UPD" "SELECT relname FROM pg_class WHERE relnamespace = 'chronos'::regnamespace
		AND relkind IN ('r', 'p')" | LC_ALL=C sort) <(cut -d'|' -f1 "$WORK/$v.rows.before" | LC_ALL=C sort -u) | paste -sd' ')
	echo "   rows loaded: $(wc -l <"$WORK/$v.rows.before") in $(cut -d'|' -f1 "$WORK/$v.rows.before" | sort -u | wc -l) tables"
	if [ -z "$empty" ]; then
		pass "$v: every table holds rows"
	elif [ "$v" = "$OLDEST" ]; then
		fail "$v: tables left empty by platform_data.sql: $empty"
	else
		echo "   note: tables of $v that platform_data.sql (written for $OLDEST) leaves empty: $empty"
	fi

	if [ "$v" != "$NEWEST" ]; then
		start=$SECONDS
		if q "$UPD" "SET client_min_messages = warning" "LISTEN pgrst" "ALTER EXTENSION chronos UPDATE" >"$WORK/$UPD.update" 2>&1; then
			pass "$v: ALTER EXTENSION chronos UPDATE ($((SECONDS - start)) s)"
			grep -q 'Asynchronous notification "pgrst" with payload "reload schema"' "$WORK/$UPD.update" &&
				pass "$v: the update asked PostgREST to reload its schema cache (NOTIFY pgrst)" ||
				fail "$v: the update sent no NOTIFY pgrst, 'reload schema'"
		else
			fail "$v: ALTER EXTENSION chronos UPDATE:"
			sed 's/^/      /' "$WORK/$UPD.update" | head -n 20
			continue
		fi
	fi
	got=$(q "$UPD" "SELECT extversion FROM pg_extension WHERE extname = 'chronos'")
	[ "$got" = "$NEWEST" ] && pass "$v: the database is at chronos $NEWEST" ||
		fail "$v: the database is at chronos $got, not $NEWEST"

	run_file "$UPD" "$UPGRADE_DIR/catalog_snapshot.sql" "$WORK/updated-from-$v.catalog"
	same "$v: catalog of the updated database equals the fresh one" "$WORK/fresh.catalog" "$WORK/updated-from-$v.catalog"
	if run_file "$UPD" "$WORK/$v.rows.sql" "$WORK/$v.rows.after"; then
		same "$v: rows after the update equal the rows before" "$WORK/$v.rows.before" "$WORK/$v.rows.after"
	else
		fail "$v: reading the loaded rows after the update"
	fi

	echo "== (c) pg_dump -Fc of $UPD, pg_restore into $RES"
	"$PGBIN/pg_dump" -Fc -d "$UPD" -f "$WORK/$UPD.dump"
	new_db "$RES"
	rc=0
	PGOPTIONS="${PGOPTIONS:-} -c session_replication_role=replica" "$PGBIN/pg_restore" --exit-on-error -d "$RES" \
		"$WORK/$UPD.dump" >"$WORK/$RES.restore" 2>&1 || rc=$?
	if [ $rc -eq 0 ] && ! grep -qE 'ERROR|FATAL|WARNING' "$WORK/$RES.restore"; then
		pass "$v: restored without error or warning ($(stat -c %s "$WORK/$UPD.dump") bytes)"
		run_file "$RES" "$UPGRADE_DIR/catalog_snapshot.sql" "$WORK/restored-from-$v.catalog"
		same "$v: catalog of the restored database equals the fresh one" "$WORK/fresh.catalog" "$WORK/restored-from-$v.catalog"
		if run_file "$RES" "$WORK/$v.rows.sql" "$WORK/$v.rows.restored"; then
			same "$v: rows after the restore equal the rows before the update" "$WORK/$v.rows.before" "$WORK/$v.rows.restored"
		else
			fail "$v: reading the loaded rows in the restored database"
		fi
	else
		fail "$v: pg_restore (exit $rc):"
		sed 's/^/      /' "$WORK/$RES.restore" | head -n 30
		RES=
	fi

	# Functions last: they write.
	for db in "$UPD" ${RES:+"$RES"}; do
		[ "$db" = "$UPD" ] && what=updated || what=restored
		if run_file "$db" "$UPGRADE_DIR/functions.sql" "$WORK/$what-from-$v.functions"; then
			same "$v: functions on the $what database answer as on the fresh one" \
				"$WORK/fresh.functions" "$WORK/$what-from-$v.functions"
		else
			fail "$v: test/upgrade/functions.sql on the $what database"
		fi
	done
done

checks_summary upgrade "versions ${CASES[*]} to $NEWEST"
