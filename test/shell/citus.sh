#!/usr/bin/env bash
# test/shell/citus.sh: chronos distributed with Citus (chronos.distribute()).
#
# Builds Citus 13.2.2 once into its cache from ../shared/vendor (test/citus.sh),
# starts a coordinator and two workers of its own on unix sockets (ports
# 55460-55462 in a temporary folder, removed on exit whatever happens) and
# checks, with the SQL of test/citus/:
#
#   (a) distribute() on a database holding data (every row kept, the tables
#       reference or distributed as they should) and on an empty one followed
#       by ingestion; its refusals: Citus absent (the harness's own database),
#       a worker instead of the coordinator, a caller that is not the service;
#   (b) the same workload (test/citus/ingest.sql, sessions.sql, then
#       functions.sql as the service, a creator and a student) on one node
#       (the harness's database) and on the cluster, outputs (errors
#       included) compared line by line, then every table's rows;
#   (c) the role matrix (anonymous, creator a, student a1, the service) on
#       every table (test/citus/reads.sql: rows per creator, and a direct
#       UPDATE), for the identity sources that reach the workers (SET LOCAL
#       of chronos.*, of request.jwt.claims and of the per-claim settings,
#       with citus.propagate_set_commands = local, and claims set the
#       PostgREST way then chronos.propagate_identity(), PostgREST's
#       db-pre-request), compared with one node;
#       and claims set the PostgREST way (set_config(..., true)), which do
#       not reach the workers: there the distributed tables fail closed (no
#       row seen, none updated);
#   (d) EXPLAIN of a creator's dashboard read and of a student's helper read
#       is a single-shard (router) plan, and creator_dashboard and a helper
#       call send statements on one shard of each distributed table only;
#   (e) two creators whose shards are on different workers ingest at once
#       (sessions, heartbeats, events), without error;
#   (g) a database created at the oldest version, distributed, then
#       ALTER EXTENSION chronos UPDATE: every node at the newest version,
#       the same keys everywhere, and a retried heartbeat counted once;
#   (f) maintain_event_partitions() (test/citus/partitions.sql) creates,
#       fills and drops partitions on the cluster as on one node, the new
#       partitions distributed with the sessions, and a worker added
#       afterwards joins with the same keys and partitions; every node has
#       the keys Citus needs (made by CREATE EXTENSION where Citus was there
#       first, by distribute() where chronos came first);
# and that deleting a course that sessions name is refused on the cluster
# (README) while deleting a creator cascades.
#
# Skipped (exit 77) off PostgreSQL 15 (Citus 13.2 loads only into Debian's
# 15 here, see ../shared/vendor/README.md) and where the Citus source is
# absent.
set -euo pipefail
# shellcheck source=test/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
# shellcheck source=test/citus.sh
source "$CHRONOS_ROOT/test/citus.sh"

if [ "$PG_MAJOR" != 15 ]; then
	echo "Citus 13.2 runs here only on PostgreSQL 15 (this is $PG_MAJOR)"
	exit 77
fi
if ! citus_source_present; then
	echo "no Citus source ($CITUS_TARBALL is absent)"
	exit 77
fi

fail() { echo "FAIL: $*"; exit 1; }
# on failure, the end of each node's log, then the cluster goes
on_exit() {
	local rc=$? i
	if [ $rc -ne 0 ] && [ $rc -ne 77 ] && [ -n "${CITUS_DIR:-}" ]; then
		for i in 0 1 2; do
			[ -f "$CITUS_DIR/node$i.log" ] || continue
			echo "--- node$i.log (last lines)"
			grep -E 'ERROR|FATAL|PANIC|terminated by|STATEMENT' "$CITUS_DIR/node$i.log" | tail -n 12 | cut -c1-300
		done
	fi
	citus_stop_cluster
	exit $rc
}
trap on_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

citus_ensure
citus_start_cluster chronos
SQL_DIR=$CHRONOS_ROOT/test/citus
OUT=$CITUS_DIR/out
mkdir -p "$OUT"

# psql on the coordinator (database $DB, default chronos), on a node by port,
# and on one node (the harness's database).
DB=chronos
C() { "$PGBIN/psql" -X -q -At -v ON_ERROR_STOP=1 -h "$CITUS_DIR" -p "$CITUS_PORT" -U postgres -d "$DB" "$@"; }
N() { local port=$1; shift; "$PGBIN/psql" -X -q -At -v ON_ERROR_STOP=1 -h "$CITUS_DIR" -p "$port" -U postgres -d "$DB" "$@"; }
ONE() { "$PGBIN/psql" -X -q -At -v ON_ERROR_STOP=1 "$@"; }

# keys CONNECTION: the constraints of the sessions and events tables.
keys() {
	$1 -c "SELECT conrelid::regclass || ' ' || conname || ' ' || pg_get_constraintdef(oid)
	         FROM pg_constraint WHERE conrelid IN ('chronos.video_watch_sessions'::regclass,
	                                               'chronos.video_analytics_events'::regclass)
	        ORDER BY 1"
}
# same_keys_on_every_node: every node has the coordinator's keys.
same_keys_on_every_node() {
	local port
	keys C >"$OUT/keys.coordinator"
	for port in $(C -c "SELECT nodeport FROM pg_dist_node WHERE groupid <> 0 ORDER BY 1"); do
		keys "N $port" >"$OUT/keys.$port"
		diff -u "$OUT/keys.coordinator" "$OUT/keys.$port" || fail "node $port has other keys than the coordinator ($1)"
	done
}
sessions_pkey() {
	$1 -c "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = 'video_watch_sessions_pkey'"
}

# reads CONNECTION: test/citus/reads.sql as the service, rolled back.
reads() { $1 -c "BEGIN" -f "$SQL_DIR/reads.sql" -c "ROLLBACK"; }

# sqlstate_of CONNECTION SQL: the SQLSTATE the statement fails with, "none"
# when it succeeds.
sqlstate_of() {
	local conn=$1 sql=$2
	$conn -c "DO \$d\$ BEGIN EXECUTE \$s\$$sql\$s\$; RAISE NOTICE 'sqlstate none';
	          EXCEPTION WHEN OTHERS THEN RAISE NOTICE 'sqlstate %', SQLSTATE; END \$d\$" 2>&1 |
		sed -n 's/^NOTICE:  sqlstate //p'
}

# --- (a) distribute() -------------------------------------------------------

echo "(a) distribute()"
ONE -c "SET client_min_messages = warning" -c "CREATE EXTENSION IF NOT EXISTS chronos" >/dev/null
[ "$(sqlstate_of ONE "SELECT chronos.distribute()")" = 0A000 ] ||
	fail "distribute() where Citus is absent does not fail with 0A000"
out=$(ONE -c "SELECT chronos.distribute()" 2>&1 || true)
grep -q 'needs the citus extension' <<<"$out" ||
	fail "distribute() where Citus is absent does not say that Citus is missing"

C -c "SET client_min_messages = warning" -c "CREATE EXTENSION chronos"
# Citus was there first: CREATE EXTENSION made the keys Citus needs, here and
# on the workers (where Citus created chronos)
[ "$(sessions_pkey C)" = "PRIMARY KEY (id, creator_id)" ] ||
	fail "CREATE EXTENSION chronos where citus exists did not make the sessions' key (id, creator_id)"
same_keys_on_every_node "after CREATE EXTENSION"
C -c "CREATE ROLE chronos_citus_app LOGIN"
[ "$(sqlstate_of "N $((CITUS_PORT + 1))" "SELECT chronos.distribute()")" = 55000 ] ||
	fail "distribute() on a worker does not fail with 55000"
[ "$(sqlstate_of C "SET ROLE chronos_citus_app; SELECT chronos.distribute()")" = 42501 ] ||
	fail "distribute() by a caller that is not the service does not fail with 42501"

# With data: the seed on one node and on the coordinator, then distribute().
ONE -f "$SQL_DIR/seed.sql"
C -f "$SQL_DIR/seed.sql"
C -c "SELECT chronos.distribute()" >/dev/null 2>"$OUT/distribute.log" ||
	{ cat "$OUT/distribute.log"; fail "distribute() with data"; }
out=$(C -c "SELECT chronos.distribute()" 2>&1)
grep -q 'distributed already' <<<"$out" ||
	fail "a second distribute() does not say the tables are distributed already"
[ "$(C -c "SELECT sum(pg_catalog.pg_relation_size(('chronos.' || t)::regclass))
	FROM unnest(ARRAY['creators', 'students', 'videos', 'video_watch_sessions',
	                  'video_analytics_events_default']) t")" = 0 ] ||
	fail "distribute() left the rows in the coordinator's own tables"
C -f "$SQL_DIR/placement.sql" >"$OUT/placement"
diff -u "$SQL_DIR/placement.out" "$OUT/placement" || fail "the tables are not distributed as they should be"
same_keys_on_every_node "after distribute()"
reads ONE >"$OUT/seed.one"
reads C >"$OUT/seed.cluster"
diff -u "$OUT/seed.one" "$OUT/seed.cluster" || fail "distribute() did not keep every row"

# Empty: another database, where chronos came before Citus, distributed
# before anything is in it, then the same content and ingestion through
# chronos's functions.
DB=chronos_empty
for i in 0 1 2; do
	DB=postgres N $((CITUS_PORT + i)) -c "CREATE DATABASE chronos_empty"
	[ $i = 0 ] && N $CITUS_PORT -c "SET client_min_messages = warning" -c "CREATE EXTENSION chronos"
	N $((CITUS_PORT + i)) -c "SET client_min_messages = warning" -c "CREATE EXTENSION citus"
done
C -c "SELECT citus_set_coordinator_host('$CITUS_DIR', $CITUS_PORT)" \
	-c "SELECT citus_add_node('$CITUS_DIR', $((CITUS_PORT + 1)))" \
	-c "SELECT citus_add_node('$CITUS_DIR', $((CITUS_PORT + 2)))" >/dev/null
[ "$(sessions_pkey C)" = "PRIMARY KEY (id)" ] ||
	fail "chronos created before citus does not have the one-node keys"
C -c "SELECT chronos.distribute()" >/dev/null
same_keys_on_every_node "chronos before citus, after distribute()"
C -f "$SQL_DIR/placement.sql" >"$OUT/placement.empty"
diff -u "$SQL_DIR/placement.out" "$OUT/placement.empty" || fail "the empty tables are not distributed as they should be"
C -f "$SQL_DIR/seed.sql"
C -v ON_ERROR_STOP=1 -f "$SQL_DIR/ingest.sql" >"$OUT/ingest.empty" 2>&1 ||
	{ cat "$OUT/ingest.empty"; fail "ingestion after distributing an empty database"; }
reads C >"$OUT/reads.empty"
DB=chronos

# --- (b) the same workload on one node and on the cluster ------------------

echo "(b) workload"
ONE -f "$SQL_DIR/ingest.sql" >"$OUT/ingest.one" 2>&1 || true
C -f "$SQL_DIR/ingest.sql" >"$OUT/ingest.cluster" 2>&1 || true
diff -u "$OUT/ingest.one" "$OUT/ingest.cluster" || fail "ingest.sql: one node and the cluster differ"
diff -u "$OUT/ingest.one" "$OUT/ingest.empty" || fail "ingest.sql: one node and the cluster distributed empty differ"
reads ONE >"$OUT/reads.one"
diff -u "$OUT/reads.one" "$OUT/reads.empty" || fail "the rows differ after the same ingestion"
# the session functions, errors included (generated ids masked)
masked() { sed -E 's/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/<uuid>/g; s/^psql:[^:]*:[0-9]+: //'; }
ONE -v ON_ERROR_STOP=0 -f "$SQL_DIR/sessions.sql" 2>&1 | masked >"$OUT/sessions.one"
C -v ON_ERROR_STOP=0 -f "$SQL_DIR/sessions.sql" 2>&1 | masked >"$OUT/sessions.cluster"
diff -u "$OUT/sessions.one" "$OUT/sessions.cluster" || fail "sessions.sql: one node and the cluster differ"
reads ONE >"$OUT/reads.one"
reads C >"$OUT/reads.cluster"
diff -u "$OUT/reads.one" "$OUT/reads.cluster" || fail "the rows differ after the same session functions"

# --- (f) event partitions: maintenance and retention ---------------------------

echo "(f) event partitions"
ONE -f "$SQL_DIR/partitions.sql" >"$OUT/partitions.one" 2>&1 || { cat "$OUT/partitions.one"; fail "partitions.sql on one node"; }
C -f "$SQL_DIR/partitions.sql" >"$OUT/partitions.cluster" 2>&1 || { cat "$OUT/partitions.cluster"; fail "partitions.sql on the cluster"; }
diff -u "$OUT/partitions.one" "$OUT/partitions.cluster" || fail "partitions.sql: one node and the cluster differ"
grep -q '^run 1|[1-9][0-9]*|[1-9][0-9]*|0$' "$OUT/partitions.cluster" &&
	grep -q '^run 2|0|0|2$' "$OUT/partitions.cluster" && grep -q '^run 3|0|0|0$' "$OUT/partitions.cluster" &&
	[ "$(grep -c '^chronos.video_analytics_events_default|0$' "$OUT/partitions.cluster")" = 2 ] ||
	{ cat "$OUT/partitions.cluster"; fail "maintain_event_partitions() did not create, move and drop as it should"; }
[ "$(C -c "SELECT count(*) FROM pg_dist_partition WHERE logicalrelid::text LIKE 'chronos.video_analytics_events_p%'
	AND colocationid = (SELECT colocationid FROM pg_dist_partition
	                     WHERE logicalrelid = 'chronos.video_watch_sessions'::regclass)")" = \
	$(($(C -c "SELECT count(*) FROM pg_partition_tree('chronos.video_analytics_events') WHERE isleaf") - 1)) ] ||
	fail "the new partitions are not distributed with the sessions"
[ "$(C -c "SELECT sum(pg_catalog.pg_relation_size(relid)) FROM pg_partition_tree('chronos.video_analytics_events')")" = 0 ] ||
	fail "maintain_event_partitions() left rows in the coordinator's own tables"
reads ONE >"$OUT/reads.one"
reads C >"$OUT/reads.cluster"
diff -u "$OUT/reads.one" "$OUT/reads.cluster" || fail "the rows differ after maintenance"
# a worker added now gets chronos, with the same keys, and the partitions
citus_start_node 3 chronos
C -c "SELECT citus_add_node('$CITUS_DIR', $((CITUS_PORT + 3)))" >/dev/null 2>"$OUT/add_node.log" ||
	{ cat "$OUT/add_node.log"; fail "a worker added after maintenance cannot join"; }
same_keys_on_every_node "a worker added after maintenance"
[ "$(N $((CITUS_PORT + 3)) -c "SELECT count(*) FROM pg_partition_tree('chronos.video_analytics_events')")" = \
	"$(C -c "SELECT count(*) FROM pg_partition_tree('chronos.video_analytics_events')")" ] ||
	fail "the worker added after maintenance does not know every partition"

# --- (c) the role matrix, per identity source --------------------------------

A=c0000000-0000-4000-8000-00000000000a
A2=51000000-0000-4000-8000-0000000000a2

# identity SOURCE WHO: the statements that make the caller WHO (anon,
# creator: a, student: a2, service) from identity source SOURCE, inside a
# transaction; every source but settings-as-service acts as the LOGIN role
# chronos_citus_app (Citus connects to the workers as the current role).
identity() {
	local source=$1 who=$2 claims
	# the role before propagation is on: a propagated SET LOCAL ROLE would
	# make the workers run chronos's own statements (as the extension's
	# owner) as the caller
	if ! { [ "$source" = settings ] && [ "$who" = service ]; }; then
		echo "SET LOCAL ROLE chronos_citus_app;"
	fi
	echo "SET LOCAL citus.propagate_set_commands = 'local';"
	case $who in
	anon) claims='{"role": "anon"}' ;;
	creator) claims='{"role": "authenticated", "sub": "user_a"}' ;;
	student) claims='{"role": "authenticated", "sub": "learner_a2"}' ;;
	service) claims='{"role": "service_role"}' ;;
	esac
	case $source in
	settings)
		case $who in
		creator) echo "SET LOCAL chronos.creator_id = '$A';" ;;
		student) echo "SET LOCAL chronos.student_id = '$A2';" ;;
		esac ;;
	claims) echo "SET LOCAL request.jwt.claims = '$claims';" ;;
	claim)
		echo "SET LOCAL request.jwt.claim.role = '$(jq_role "$claims")';"
		case $who in creator) echo "SET LOCAL request.jwt.claim.sub = 'user_a';" ;;
		student) echo "SET LOCAL request.jwt.claim.sub = 'learner_a2';" ;; esac ;;
	postgrest) echo "SELECT pg_catalog.set_config('request.jwt.claims', '$claims', true) \\g /dev/null" ;;
	prerequest)
		echo "SELECT pg_catalog.set_config('request.jwt.claims', '$claims', true) \\g /dev/null"
		echo "SELECT chronos.propagate_identity() \\g /dev/null" ;;
	esac
}
jq_role() { sed 's/.*"role": "\([a-z_]*\)".*/\1/' <<<"$1"; }

# as SOURCE WHO CONNECTION FILE: FILE run by WHO, rolled back; errors print
# as their message and the transaction goes on.
as() {
	{
		echo "\\set ON_ERROR_STOP 0"
		echo "\\set VERBOSITY terse"
		echo "BEGIN;"
		identity "$1" "$2"
		# after the identity: Citus forgets a SET LOCAL made within a
		# savepoint (which psql makes around each statement from here on)
		echo "\\set ON_ERROR_ROLLBACK on"
		cat "$4"
		echo "ROLLBACK;"
	} | $3 -v ON_ERROR_STOP=0 2>&1
}

echo "(c) role matrix"
C -c "GRANT chronos_citus_app TO postgres" >/dev/null 2>&1 || true
ONE -c "DO \$\$BEGIN CREATE ROLE chronos_citus_app LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END\$\$"
for source in settings claims claim prerequest; do
	for who in anon creator student service; do
		as $source $who ONE "$SQL_DIR/reads.sql" >"$OUT/matrix.$source.$who.one"
		as $source $who C "$SQL_DIR/reads.sql" >"$OUT/matrix.$source.$who.cluster"
		diff -u "$OUT/matrix.$source.$who.one" "$OUT/matrix.$source.$who.cluster" ||
			fail "role matrix: $who from $source sees differently on the cluster"
	done
	cmp -s "$OUT/matrix.$source.creator.one" "$OUT/matrix.$source.service.one" &&
		fail "role matrix: $source makes the creator see what the service sees"
done
# Claims set the PostgREST way reach the coordinator only: the reference
# tables answer as on one node, the distributed ones fail closed.
for who in anon creator student service; do
	as postgrest $who ONE "$SQL_DIR/reads.sql" >"$OUT/matrix.postgrest.$who.one"
	as postgrest $who C "$SQL_DIR/reads.sql" >"$OUT/matrix.postgrest.$who.cluster"
	diff -u "$OUT/matrix.claims.$who.one" "$OUT/matrix.postgrest.$who.one" ||
		fail "role matrix: PostgREST-style claims differ from SET LOCAL claims on one node"
	grep -E '^(creators|students|videos|courses|course_modules|module_lessons)\|' "$OUT/matrix.postgrest.$who.one" >"$OUT/ref.one"
	grep -E '^(creators|students|videos|courses|course_modules|module_lessons)\|' "$OUT/matrix.postgrest.$who.cluster" >"$OUT/ref.cluster"
	diff -u "$OUT/ref.one" "$OUT/ref.cluster" || fail "role matrix: PostgREST-style claims, reference tables"
	grep -E '^(video_watch_sessions|video_analytics_events|video_analytics|usage_metrics|sessions updated)\|' \
		"$OUT/matrix.postgrest.$who.cluster" >"$OUT/dist.cluster"
	[ "$(wc -l <"$OUT/dist.cluster")" = 5 ] && ! grep -qvE '\|0(\|0)?$' "$OUT/dist.cluster" ||
		{ cat "$OUT/matrix.postgrest.$who.cluster"; fail "role matrix: PostgREST-style claims ($who) do not fail closed on the distributed tables"; }
done

# The functions, as the service, a creator and a student, on both.
for case in "settings service" "settings creator" "settings student" "claims student" "claim creator"; do
	set -- $case
	as "$1" "$2" ONE "$SQL_DIR/functions.sql" >"$OUT/functions.$1.$2.one"
	as "$1" "$2" C "$SQL_DIR/functions.sql" >"$OUT/functions.$1.$2.cluster"
	diff -u "$OUT/functions.$1.$2.one" "$OUT/functions.$1.$2.cluster" ||
		fail "functions.sql as $2 ($1): one node and the cluster differ"
done

# --- (d) single-shard plans ---------------------------------------------------

echo "(d) router plans"
B1=51000000-0000-4000-8000-0000000000b1
VB1=70000000-0000-4000-8000-0000000000b1
B=c0000000-0000-4000-8000-00000000000b
# a creator's dashboard read: its rollups over a range of days
C -c "BEGIN" -c "SET LOCAL ROLE chronos_citus_app" -c "SET LOCAL citus.propagate_set_commands = 'local'" \
	-c "SET LOCAL chronos.creator_id = '$A'" \
	-c "EXPLAIN (COSTS OFF) SELECT \"date\", sum(views) FROM chronos.video_analytics
	    WHERE creator_id = '$A' AND \"date\" BETWEEN current_date - 30 AND current_date GROUP BY 1" \
	-c "ROLLBACK" >"$OUT/explain.dashboard"
grep -q 'Task Count: 1$' "$OUT/explain.dashboard" ||
	{ cat "$OUT/explain.dashboard"; fail "a creator's dashboard read is not a router plan"; }
# creator_dashboard itself: the statements it sends to the workers read one
# shard of each distributed table
C -c "BEGIN" -c "SET LOCAL ROLE chronos_citus_app" -c "SET LOCAL citus.propagate_set_commands = 'local'" \
	-c "SET LOCAL chronos.creator_id = '$A'" -c "SET LOCAL citus.log_remote_commands = on" \
	-c "SELECT chronos.creator_dashboard('$A', current_date - 7, current_date) IS NOT NULL" \
	-c "ROLLBACK" >"$OUT/dashboard" 2>&1
grep 'issuing' "$OUT/dashboard" |
	grep -oE 'chronos\.(video_watch_sessions|video_analytics_events[a-z_0-9]*|video_analytics)_[0-9]+' |
	sort -u >"$OUT/dashboard.shards" || true
[ -s "$OUT/dashboard.shards" ] &&
	[ "$(sed -E 's/_[0-9]+$//' "$OUT/dashboard.shards" | sort | uniq -d | wc -l)" = 0 ] ||
	{ cat "$OUT/dashboard"; fail "creator_dashboard does not read a single shard of each distributed table"; }
# a student's helper call: the statements it sends to the workers
C -c "BEGIN" -c "SET LOCAL ROLE chronos_citus_app" -c "SET LOCAL citus.propagate_set_commands = 'local'" \
	-c "SET LOCAL chronos.student_id = '$B1'" -c "SET LOCAL citus.log_remote_commands = on" \
	-c "SELECT chronos.get_student_highest_completion('$B1', '$VB1')" -c "ROLLBACK" >"$OUT/helper" 2>&1
grep 'issuing' "$OUT/helper" | grep -E 'video_watch_sessions_[0-9]+' >"$OUT/helper.remote" || true
[ "$(wc -l <"$OUT/helper.remote")" = 1 ] ||
	{ cat "$OUT/helper"; fail "a student's helper call does not read a single shard"; }
C -c "BEGIN" -c "SET LOCAL ROLE chronos_citus_app" -c "SET LOCAL citus.propagate_set_commands = 'local'" \
	-c "SET LOCAL chronos.student_id = '$B1'" \
	-c "EXPLAIN (COSTS OFF) SELECT max(percent_complete) FROM chronos.video_watch_sessions
	    WHERE student_id = '$B1' AND video_id = '$VB1' AND creator_id = '$B'" \
	-c "ROLLBACK" >"$OUT/explain.helper"
grep -q 'Task Count: 1$' "$OUT/explain.helper" ||
	{ cat "$OUT/explain.helper"; fail "a student's helper statement is not a router plan"; }

# --- (e) concurrent ingestion on two workers ------------------------------------

echo "(e) concurrent ingestion"
# two new creators whose shards are on different workers, each with a
# student and a video
C -c "SELECT c FROM (SELECT format('c0000000-0000-4000-8000-%s', lpad(i::text, 12, '0'))::uuid AS c
	        FROM generate_series(100, 199) i) x
	  ORDER BY (SELECT n.nodeport FROM pg_dist_shard_placement n
	             WHERE n.shardid = get_shard_id_for_distribution_column('chronos.video_watch_sessions', c)), c" \
	>"$OUT/candidates"
X=$(head -n 1 "$OUT/candidates")
Y=$(tail -n 1 "$OUT/candidates")
for c in "$X" "$Y"; do
	C -c "INSERT INTO chronos.creators (id, whop_company_id, whop_user_id) VALUES ('$c', 'co_$c', 'user_$c')" \
		-c "INSERT INTO chronos.students (id, creator_id, whop_user_id) VALUES ('${c/c0000000/51000000}', '$c', 'learner_$c')" \
		-c "INSERT INTO chronos.videos (id, creator_id, title, source_type, storage_path, duration_seconds)
		    VALUES ('${c/c0000000/70000000}', '$c', 'v', 'upload', 'v.mp4', 600)"
done
[ "$(C -c "SELECT count(DISTINCT n.nodeport) FROM pg_dist_shard_placement n
	WHERE n.shardid IN (get_shard_id_for_distribution_column('chronos.video_watch_sessions', '$X'),
	                    get_shard_id_for_distribution_column('chronos.video_watch_sessions', '$Y'))")" = 2 ] ||
	fail "no two creators on different workers"
ingest() {
	local c=$1 i
	for i in $(seq 1 25); do
		echo "SELECT chronos.start_watch_session('${c/c0000000/51000000}', '${c/c0000000/70000000}') AS s \\gset"
		echo "SELECT (chronos.record_watch_progress(:'s', 0, 10)).percent_complete \\g /dev/null"
		echo "SELECT chronos.track_video_events((SELECT jsonb_agg(jsonb_build_object('event_type', 'video_embedded',
		        'video_id', '${c/c0000000/70000000}', 'creator_id', '$c')) FROM generate_series(1, 20))) \\g /dev/null"
	done | C -v ON_ERROR_STOP=1
}
ingest "$X" >"$OUT/ingest.x" 2>&1 &
px=$!
ingest "$Y" >"$OUT/ingest.y" 2>&1 &
py=$!
rx=0; ry=0
wait $px || rx=$?
wait $py || ry=$?
[ $rx = 0 ] && [ $ry = 0 ] || { cat "$OUT/ingest.x" "$OUT/ingest.y"; fail "concurrent ingestion failed"; }
[ "$(C -c "SELECT count(*) FROM chronos.video_analytics_events WHERE creator_id IN ('$X', '$Y')")" = $((2 * 25 * 21)) ] ||
	fail "concurrent ingestion: not every event was written"

# Deletions: a course that sessions name is refused on the cluster (no ON
# DELETE SET NULL there, README); a creator's deletion cascades to its shard.
echo "(a) deletions"
[ "$(sqlstate_of C "DELETE FROM chronos.courses WHERE id = 'c5000000-0000-4000-8000-0000000000b1'")" = 23503 ] ||
	fail "deleting a course that sessions name is not refused with 23503 on the cluster"
[ "$(C -c "BEGIN" -c "DELETE FROM chronos.creators WHERE id = '$B'" \
	-c "SELECT count(*) FROM chronos.video_watch_sessions WHERE creator_id = '$B'" -c "ROLLBACK")" = 0 ] ||
	fail "deleting a creator does not delete its sessions on the cluster"

# --- (g) ALTER EXTENSION chronos UPDATE on a distributed database ---------------

echo "(g) update"
oldest=$(C -c "SELECT min(version COLLATE \"C\") FROM pg_available_extension_versions WHERE name = 'chronos'")
newest=$(C -c "SELECT default_version FROM pg_available_extensions WHERE name = 'chronos'")
if [ "$oldest" != "$newest" ]; then
	DB=chronos_update
	for i in 0 1 2; do
		DB=postgres N $((CITUS_PORT + i)) -c "CREATE DATABASE chronos_update"
		N $((CITUS_PORT + i)) -c "SET client_min_messages = warning" -c "CREATE EXTENSION citus"
	done
	C -c "SELECT citus_set_coordinator_host('$CITUS_DIR', $CITUS_PORT)" \
		-c "SELECT citus_add_node('$CITUS_DIR', $((CITUS_PORT + 1)))" \
		-c "SELECT citus_add_node('$CITUS_DIR', $((CITUS_PORT + 2)))" >/dev/null
	C -c "SET client_min_messages = warning" -c "CREATE EXTENSION chronos VERSION '$oldest'"
	C -f "$SQL_DIR/seed.sql"
	C -c "SELECT chronos.distribute()" >/dev/null
	C -f "$SQL_DIR/ingest.sql" >/dev/null
	C -c "SET client_min_messages = warning" -c "ALTER EXTENSION chronos UPDATE" >"$OUT/update.log" 2>&1 ||
		{ cat "$OUT/update.log"; fail "ALTER EXTENSION chronos UPDATE ($oldest to $newest) on the cluster"; }
	for port in $CITUS_PORT $((CITUS_PORT + 1)) $((CITUS_PORT + 2)); do
		[ "$(N $port -c "SELECT extversion FROM pg_extension WHERE extname = 'chronos'")" = "$newest" ] ||
			fail "node $port is not at chronos $newest after the update"
	done
	same_keys_on_every_node "after the update"
	# usage_metrics (1.1) is made by the update: distribute() again
	# distributes it alone, with the others' placement
	C -c "SELECT chronos.distribute()" >/dev/null 2>"$OUT/distribute.updated.log" ||
		{ cat "$OUT/distribute.updated.log"; fail "distribute() after the update"; }
	C -f "$SQL_DIR/placement.sql" >"$OUT/placement.updated"
	diff -u "$SQL_DIR/placement.out" "$OUT/placement.updated" ||
		fail "after the update and distribute(), the tables are not distributed as they should be"
	same_keys_on_every_node "after the update and distribute()"
	[ "$(C <<-'SQL' | paste -sd' '
		SELECT (chronos.record_usage('c0000000-0000-4000-8000-00000000000a', current_date, 'chat', 3, 0.01)).quantity;
		SELECT (chronos.record_usage('c0000000-0000-4000-8000-00000000000a', current_date, 'chat', 3, 0.01)).quantity;
		SELECT count(*) FROM chronos.usage_metrics WHERE "date" = current_date;
	SQL
	)" = "3 3 1" ] ||
		fail "a retried usage report does not count once on the updated cluster"
	reads C >"$OUT/reads.updated"
	# a retried heartbeat (p_seq, 1.1) counts once on the updated cluster
	[ "$(C <<-'SQL' | paste -sd' '
		SELECT chronos.start_watch_session('51000000-0000-4000-8000-0000000000a1',
		                                   '70000000-0000-4000-8000-0000000000a1') AS s \gset
		SELECT watch_time_seconds FROM chronos.record_watch_progress(:'s', 0, 10, 1);
		SELECT watch_time_seconds FROM chronos.record_watch_progress(:'s', 0, 10, 1);
		SELECT heartbeat_seqs FROM chronos.video_watch_sessions WHERE id = :'s';
	SQL
	)" = "10 10 {[1,2)}" ] ||
		fail "a retried heartbeat does not count once on the updated cluster"
	DB=chronos
fi

echo "citus: all checks passed"
