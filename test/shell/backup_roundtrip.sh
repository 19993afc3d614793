#!/usr/bin/env bash
# test/shell/backup_roundtrip.sh: pg_dump and restore keep every row of
# chronos, unchanged, and the restored database works.
#
#   bash test/run.sh shell/backup_roundtrip     (in the harness's cluster)
#   bash test/shell/backup_roundtrip.sh         (alone: as root, builds chronos
#                                                and runs its own cluster)
#
# 1. test/fixtures/platform_data.sql (the loader test/shell/upgrade.sh uses
#    too), for three creators (New York, Tokyo, Chatham) of six students and
#    five videos each, then test/shell/fill.sql (what this test adds), fill
#    every table of schema chronos through the public functions (content as
#    the service; events, sessions with watched ranges, open ones and one
#    under a stricter completion threshold, and rollups with pending work
#    through chronos's functions, as creators and students).  Then events in five past months and maintain_event_partitions(): the
#    events table has several partitions with rows (made by maintenance, not
#    members of the extension: pg_dump dumps them as tables of their own),
#    and, after it, events in two months without a partition, left in the
#    default partition.
# 2. Every table is registered with pg_extension_config_dump or is such a
#    partition, and holds rows (a new table fails here until
#    platform_data.sql fills it too).
# 3. pg_dump -Fc restored by pg_restore, and pg_dump (plain SQL) restored by
#    psql, each into a fresh database, both without any error.
# 4. Each table of each restored database is identical row for row: the same
#    count and the same md5 of its rows' text in order; the reports
#    (creator_dashboard, course_progress) answer the same.
#    The partitions are the same (names, bounds), with the same rows each
#    (the default partition's too), no grants and row-level security.
# 5. Each restored database works: maintain_event_partitions() creates the
#    partitions of the default partition's rows and moves them; ingestion (track_video_event, an
#    idempotent replay of a restored event id, track_video_events), a
#    heartbeat on a restored open session, a new session, an incremental
#    refresh_video_analytics that consumes the restored pending work and
#    equals a full recompute, the dashboard, and row-level security.
#
# Exit status 0 only when every check passes.

set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=test/lib.sh
source "$here/../lib.sh"
# shellcheck source=test/checks.sh
source "$here/../checks.sh"

# From test/run.sh: its fresh database, in its cluster; alone, a cluster
# of our own with database chronos_backup_src.
shell_test_begin backup chronos_backup_src 55438
[ "$OWN_CLUSTER" = 1 ] && psql_quiet -c "CREATE EXTENSION chronos"
SRC=$PGDATABASE

# check DESCRIPTION EXPECTED ACTUAL
check() { if [ "$2" = "$3" ]; then pass "$1"; else fail "$1: expected $2, got $3"; fi; }

# try DB SQL...: like q, but an error is the answer (its first line) rather
# than the end of the test; the last line of the output otherwise.
try() {
	local out
	if out=$(q "$@" 2>&1); then
		printf '%s\n' "$out" | tail -n 1
	else
		printf '%s\n' "$out" | grep -m 1 -E 'ERROR|FATAL' || echo "psql failed"
	fi
}

# A restored database's name, unique in the cluster, at most 63 bytes.
restored_name() { local n="${SRC:0:50}_$1"; echo "${n:0:63}"; }

has_function() {
	q "$1" "SELECT count(*) FROM pg_proc WHERE pronamespace = 'chronos'::regnamespace AND proname = '$2'"
}

# The loader's variables: the role the callers act as (works() below acts
# as it), the creators' time zones (one creator each), students and videos
# of each creator (works() counts a creator's 5 videos); t0, the time the
# data is placed before, is now().
echo "== fill: test/fixtures/platform_data.sql and test/shell/fill.sql in database $SRC"
fill_start=$SECONDS
psql_quiet -d "$SRC" -v app_role=chronos_fill_app \
	-v creator_zones='America/New_York Asia/Tokyo Pacific/Chatham' \
	-v students_per_creator=6 -v videos_per_creator=5 \
	-f "$here/../fixtures/platform_data.sql" -f "$here/fill.sql" >"$WORK/fill.out" 2>&1 ||
	{ cat "$WORK/fill.out"; echo "FAIL  platform_data.sql, fill.sql"; exit 1; }
echo "   (filled in $((SECONDS - fill_start)) s)"

# Partitions with rows: events in five past months (three each), partitions
# made for them (and for the current month and the ones ahead, and the
# months the loader dated events in), then two events no partition covers,
# which stay in the default partition.
echo "== partitions: events over five months, maintain_event_partitions(), two events in the default partition"
q "$SRC" "SELECT count(chronos.track_video_event('video_started', md5('video1-1')::uuid, md5('creator1')::uuid,
	p_metadata => jsonb_build_object('backup_month', k, 'n', n),
	p_timestamp => (date_trunc('month', now() AT TIME ZONE 'UTC') + k * interval '1 month'
	                + n * interval '7 days 1 hour') AT TIME ZONE 'UTC'))
	FROM generate_series(-14, -10) AS k, generate_series(1, 3) AS n" >/dev/null
r=$(q "$SRC" "SELECT format('%s %s %s', partitions_created, rows_moved, partitions_dropped)
	FROM chronos.maintain_event_partitions()")
read -r made moved dropped <<<"$r"
[ "$made" -ge 9 ] && [ "$moved" -ge 15 ] && [ "$dropped" = 0 ] &&
	pass "maintain_event_partitions(): $made partitions created, $moved rows moved" ||
	fail "maintain_event_partitions() in the source: expected at least 9 partitions and 15 rows moved, got $r"
q "$SRC" "SELECT chronos.track_video_event('video_paused', md5('video1-1')::uuid, md5('creator1')::uuid,
	p_metadata => '{\"in\": \"default\"}', p_timestamp => t)
	FROM unnest(ARRAY['2015-06-01 12:00+00'::timestamptz,
	                  (date_trunc('month', now() AT TIME ZONE 'UTC') + interval '24 months') AT TIME ZONE 'UTC']) AS t" >/dev/null
check "the default partition holds 2 events" 2 "$(q "$SRC" "SELECT count(*) FROM ONLY chronos.video_analytics_events_default")"

# partitions DB: one line per partition: name, bounds (UTC), rows, md5 of
# its rows, whether it has no grants and row-level security, its indexes
# (name, definition, the parent's index it is attached to, valid).
partitions() {
	q "$1" "SET TimeZone = 'UTC'" "SELECT c.relname, pg_get_expr(c.relpartbound, c.oid),
		(SELECT count(*) FROM chronos.video_analytics_events e WHERE e.tableoid = c.oid),
		(SELECT md5(coalesce(string_agg(e::text, ',' ORDER BY e::text), '')) FROM chronos.video_analytics_events e
		  WHERE e.tableoid = c.oid),
		c.relacl IS NULL AND c.relrowsecurity,
		(SELECT string_agg(x.indexrelid::regclass::text || ':' || pg_get_indexdef(x.indexrelid) || ':' ||
		                   (SELECT ip.inhparent::regclass::text FROM pg_inherits ip WHERE ip.inhrelid = x.indexrelid)
		                   || ':' || x.indisvalid, ',' ORDER BY x.indexrelid::regclass::text) FROM pg_index x WHERE x.indrelid = c.oid)
		FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
		WHERE i.inhparent = 'chronos.video_analytics_events'::regclass ORDER BY c.relname"
}
partitions "$SRC" >"$WORK/src.partitions"
echo "   partitions: $(cut -d'|' -f1,3 "$WORK/src.partitions" | sed 's/^video_analytics_events_//' | tr '\n' ' ')"

mapfile -t tables < <(q "$SRC" "SELECT c.relname FROM pg_class c
	WHERE c.relnamespace = 'chronos'::regnamespace AND c.relkind IN ('r', 'p') ORDER BY 1")
echo "== the tables of schema chronos: ${#tables[@]} (${tables[*]})"
[ "${#tables[@]}" -ge 10 ] && pass "${#tables[@]} tables in schema chronos" ||
	fail "expected at least 10 tables in schema chronos, found ${#tables[@]}"

# Every table must be a configuration table of the extension, or pg_dump
# leaves its rows out; or a partition of the events table that maintenance
# made, which is no member of the extension (pg_dump dumps it and its rows
# as any table's).
unregistered=$(q "$SRC" "SELECT coalesce(string_agg(c.relname, ', ' ORDER BY c.relname), '')
	FROM pg_class c
	WHERE c.relnamespace = 'chronos'::regnamespace AND c.relkind IN ('r', 'p')
	  AND c.oid <> ALL (SELECT unnest(e.extconfig) FROM pg_extension e WHERE e.extname = 'chronos')
	  AND c.oid NOT IN (SELECT i.inhrelid FROM pg_inherits i
	                     WHERE i.inhparent = 'chronos.video_analytics_events'::regclass)")
check "every chronos table is registered with pg_extension_config_dump (unregistered: '${unregistered}')" "" "$unregistered"
members=$(q "$SRC" "SELECT count(*) FROM pg_inherits i JOIN pg_depend d ON d.objid = i.inhrelid
	AND d.classid = 'pg_class'::regclass AND d.deptype = 'e'
	WHERE i.inhparent = 'chronos.video_analytics_events'::regclass")
check "of the partitions only the default is a member of the extension" 1 "$members"

for t in "${tables[@]}"; do
	n=$(q "$SRC" "SELECT count(*) FROM chronos.$t")
	if [ "$n" -gt 0 ]; then
		pass "fill: chronos.$t has $n rows"
	elif [[ $t == video_analytics_events_p* ]]; then
		pass "fill: chronos.$t is empty (a partition made ahead of time)"
	else
		fail "fill: chronos.$t is empty"
	fi
done
printf '   events by type: %s\n' "$(q "$SRC" "SELECT string_agg(event_type || '=' || n, ' ' ORDER BY event_type)
	FROM (SELECT event_type::text, count(*) AS n FROM chronos.video_analytics_events GROUP BY 1) e")"
printf '   sessions: %s\n' "$(q "$SRC" "SELECT format('%s, %s open, %s completed, %s with replays, %s ranges in all',
	count(*), count(*) FILTER (WHERE session_end IS NULL), count(*) FILTER (WHERE completed),
	count(*) FILTER (WHERE chronos.watch_ranges_plays(watched) > chronos.coverage(watched)),
	sum(chronos.range_count(watched))) FROM chronos.video_watch_sessions")"

# snapshot DB FILE: one line per table: name, row count, md5 of its rows' text
# in order.
snapshot() {
	local t
	for t in "${tables[@]}"; do
		q "$1" "SELECT '$t', count(*), coalesce(md5(string_agg(t::text, ',' ORDER BY t::text)), 'empty')
			FROM chronos.$t t"
	done >"$2"
}

# reports DB FILE: what the reports answer, per creator and per (student, course).
reports() {
	{
		if [ "$(has_function "$1" creator_dashboard)" -gt 0 ]; then
			q "$1" "SELECT 'creator_dashboard ' || c.name || ' ' ||
				md5(chronos.creator_dashboard(c.id, current_date - 60, current_date)::text)
				FROM chronos.creators c ORDER BY c.id"
		fi
		if [ "$(has_function "$1" course_progress)" -gt 0 ]; then
			q "$1" "SELECT 'course_progress ' || s.name || ' / ' || co.title || ' ' ||
				md5(chronos.course_progress(s.id, co.id)::text)
				FROM chronos.students s JOIN chronos.courses co ON co.creator_id = s.creator_id
				ORDER BY s.id, co.id"
		fi
	} >"$2"
}

snapshot "$SRC" "$WORK/src.snapshot"
reports "$SRC" "$WORK/src.reports"
[ "$(has_function "$SRC" creator_dashboard)" -gt 0 ] && have_dashboard=1 || have_dashboard=0
[ "$(has_function "$SRC" course_progress)" -gt 0 ] && have_progress=1 || have_progress=0
echo "   reports compared: creator_dashboard $([ "$have_dashboard" = 1 ] && echo present || echo absent)," \
	"course_progress $([ "$have_progress" = 1 ] && echo present || echo absent) ($(wc -l <"$WORK/src.reports") answers)"

echo "== pg_dump"
"$PGBIN/pg_dump" -Fc -d "$SRC" -f "$WORK/db.dump"
"$PGBIN/pg_dump" -Fp -d "$SRC" -f "$WORK/db.sql"
pass "pg_dump -Fc ($(stat -c %s "$WORK/db.dump") bytes) and plain SQL ($(stat -c %s "$WORK/db.sql") bytes)"
echo "   table data in the custom dump, in restore order:" \
	"$("$PGBIN/pg_restore" -l "$WORK/db.dump" | awk '/TABLE DATA chronos/ { printf "%s ", $7 }')"

# Restores run with chronos's triggers off (session_replication_role =
# replica, as the README advises): otherwise auto_complete_watch_session would
# judge each restored session again under the completion threshold in force
# during the restore, and the loader records one session under a stricter
# one.
RESTORE_OPTIONS="-c session_replication_role=replica"

# Partitions made by maintain_event_partitions() are not part of the
# extension: pg_dump dumps them (CREATE TABLE, ATTACH PARTITION, their
# indexes) and their rows, and the restore must take them without an error.

# restore KIND DB: a fresh database DB restored from the dump of KIND.
# restore_into KIND DB STRICT: one attempt (STRICT 1: stop at the first error).
restore_into() {
	local kind=$1 db=$2 strict=$3 rc=0
	"$PGBIN/psql" -X -q -d postgres -c "SET client_min_messages = warning" \
		-c "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)"
	"$PGBIN/createdb" -T template0 "$db"
	if [ "$kind" = custom ]; then
		PGOPTIONS="$RESTORE_OPTIONS" "$PGBIN/pg_restore" $([ "$strict" = 1 ] && echo --exit-on-error) \
			-d "$db" "$WORK/db.dump" >"$WORK/$db.restore" 2>&1 || rc=$?
	else
		PGOPTIONS="$RESTORE_OPTIONS" "$PGBIN/psql" -X -q -v ON_ERROR_STOP=$strict -d "$db" -f "$WORK/db.sql" \
			>"$WORK/$db.restore" 2>&1 || rc=$?
	fi
	return $rc
}
restore() {
	local kind=$1 db=$2 rc=0
	shell_test_created "$db"
	restore_into "$kind" "$db" 1 || rc=$?
	if [ $rc -eq 0 ] && ! grep -qE 'ERROR|FATAL' "$WORK/$db.restore"; then
		pass "$kind dump restored into $db without error"
		return 0
	fi
	fail "$kind dump restore into $db (exit $rc):"
	sed 's/^/      /' "$WORK/$db.restore" | head -n 30
	return 1
}

# compare DB: the restored database has the source's rows and reports.
compare() {
	local db=$1 t n h n2 h2
	snapshot "$db" "$WORK/$db.snapshot"
	while read -r t n h; do
		read -r _ n2 h2 < <(grep "^$t|" "$WORK/$db.snapshot" | tr '|' ' ')
		if [ "$n" = "${n2:-}" ] && [ "$h" = "${h2:-}" ]; then
			pass "$db: chronos.$t identical ($n rows)"
		else
			fail "$db: chronos.$t differs: $n rows ($h) in the source, ${n2:-?} rows (${h2:-?}) restored; rows that differ (< source, > restored):"
			diff <(q "$SRC" "SELECT t::text FROM chronos.$t t ORDER BY 1") \
				<(q "$db" "SELECT t::text FROM chronos.$t t ORDER BY 1") | grep '^[<>]' | head -n 10 | sed 's/^/      /' || true
		fi
	done < <(tr '|' ' ' <"$WORK/src.snapshot")
	partitions "$db" >"$WORK/$db.partitions"
	if cmp -s "$WORK/src.partitions" "$WORK/$db.partitions"; then
		pass "$db: the same $(wc -l <"$WORK/src.partitions") partitions of video_analytics_events (names, bounds, rows, no grants, RLS, indexes attached)"
	else
		fail "$db: the partitions differ (< source, > restored; name|bounds|rows|md5|no grants and RLS):"
		diff "$WORK/src.partitions" "$WORK/$db.partitions" | grep '^[<>]' | head -n 20 | sed 's/^/      /' || true
	fi
	check "$db: the default partition's 2 events are restored in it" 2 \
		"$(q "$db" "SELECT count(*) FROM ONLY chronos.video_analytics_events_default")"
	reports "$db" "$WORK/$db.reports"
	if cmp -s "$WORK/src.reports" "$WORK/$db.reports"; then
		pass "$db: the reports answer the same ($(wc -l <"$WORK/src.reports") answers)"
	else
		fail "$db: the reports answer differently (< source, > restored):"
		diff "$WORK/src.reports" "$WORK/$db.reports" | grep '^[<>]' | head -n 10 | sed 's/^/      /' || true
	fi
}

# partitions_work DB: maintenance on the restored database creates the
# partitions of the default partition's two events and moves them, then
# has nothing to do.
partitions_work() {
	local db=$1 n0 r
	n0=$(q "$db" "SELECT count(*) FROM chronos.video_analytics_events")
	r=$(try "$db" "SELECT format('%s %s %s', partitions_created, rows_moved, partitions_dropped)
		FROM chronos.maintain_event_partitions()")
	check "$db: maintain_event_partitions() moves the default partition's 2 events into 2 new partitions" "2 2 0" "$r"
	check "$db: ... the default partition is empty, no event lost" "0 $n0" \
		"$(q "$db" "SELECT (SELECT count(*) FROM ONLY chronos.video_analytics_events_default) || ' ' ||
		             (SELECT count(*) FROM chronos.video_analytics_events)")"
	check "$db: ... the partitions made on the restored database have no grants and RLS" t \
		"$(q "$db" "SELECT bool_and(c.relacl IS NULL AND c.relrowsecurity) FROM pg_inherits i
		             JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'chronos.video_analytics_events'::regclass")"
	r=$(try "$db" "SELECT format('%s %s %s', partitions_created, rows_moved, partitions_dropped)
		FROM chronos.maintain_event_partitions()")
	check "$db: ... a second run does nothing" "0 0 0" "$r"
}

# works DB: the restored database ingests, records, refreshes and reports.
works() {
	local db=$1 c1 v1 s1 open_session open_student w0 w1 id n0 n1 r
	c1=$(q "$db" "SELECT md5('creator1')::uuid")
	v1=$(q "$db" "SELECT md5('video1-1')::uuid")
	s1=$(q "$db" "SELECT md5('student1-3')::uuid")
	# as the application's role, with a creator's or student's claims
	local as_creator="SET ROLE chronos_fill_app; SELECT set_config('request.jwt.claims', '{\"creator_id\": \"$c1\"}', false) IS NULL"
	local as_student="SET ROLE chronos_fill_app; SELECT set_config('request.jwt.claims', '{\"student_id\": \"$s1\"}', false) IS NULL"

	n0=$(q "$db" "SELECT count(*) FROM chronos.video_analytics_events")
	id=$(try "$db" "$as_creator" "SELECT chronos.track_video_event('video_transcribed', '$v1', '$c1',
		p_metadata => '{\"transcript_method\": \"whisper\", \"cost_usd\": 0.05}')")
	n1=$(q "$db" "SELECT count(*) FROM chronos.video_analytics_events WHERE id = '$id'")
	check "$db: track_video_event as a creator writes its event" 1 "$n1"

	# a retry of a restored event (same id, same content) writes nothing
	r=$(try "$db" "$as_creator" "SELECT chronos.track_video_event('video_imported', '$v1', '$c1',
		p_metadata => '{\"source\": \"youtube\"}', p_event_id => md5('imported' || '$v1')::uuid)
		= md5('imported' || '$v1')::uuid")
	n1=$(q "$db" "SELECT count(*) FROM chronos.video_analytics_events")
	check "$db: replaying a restored event id is idempotent (same id, no new row)" "t $((n0 + 1))" "$r $n1"

	r=$(try "$db" "$as_student" "SELECT chronos.track_video_events(jsonb_build_array(
		jsonb_build_object('event_type', 'video_paused', 'video_id', '$v1', 'creator_id', '$c1',
		                   'student_id', '$s1', 'metadata', '{\"position_seconds\": 12}'::jsonb),
		jsonb_build_object('event_type', 'video_resumed', 'video_id', '$v1', 'creator_id', '$c1',
		                   'student_id', '$s1', 'event_id', gen_random_uuid())))")
	check "$db: track_video_events as a student writes a batch of 2" 2 "$r"

	# a heartbeat on a session that was open in the dump, as its student
	read -r open_session open_student < <(q "$db" "SELECT w.id, w.student_id FROM chronos.video_watch_sessions w
		JOIN chronos.videos v ON v.id = w.video_id
		WHERE w.session_end IS NULL AND v.duration_seconds IS NOT NULL ORDER BY w.id LIMIT 1" | tr '|' ' ')
	w0=$(q "$db" "SELECT watch_time_ms FROM chronos.video_watch_sessions WHERE id = '$open_session'")
	r=$(try "$db" "SET ROLE chronos_fill_app" \
		"SELECT set_config('request.jwt.claims', '{\"student_id\": \"$open_student\"}', false) IS NULL" \
		"SELECT format('%s %s', chronos.range_count(w.watched) > 0, w.last_position_seconds)
		   FROM chronos.record_watch_progress('$open_session', 1.5, 7.25) w")
	w1=$(q "$db" "SELECT watch_time_ms FROM chronos.video_watch_sessions WHERE id = '$open_session'")
	check "$db: record_watch_progress on a restored open session (watch_time_ms +5750, resume at 7.25)" \
		"t 7.25 $((w0 + 5750))" "$r $w1"

	# a new session, start to end, as a student
	r=$(try "$db" "$as_student" \
		"SELECT set_config('test.session', chronos.start_watch_session('$s1', '$v1', 'mobile', 'direct_link')::text, false) IS NULL" \
		"SELECT count(*) FROM chronos.record_watch_progress(current_setting('test.session')::uuid, 0, 12.5)" \
		"SELECT e.session_end IS NOT NULL AND e.watch_time_seconds = 13
		   FROM chronos.end_watch_session(current_setting('test.session')::uuid) e")
	check "$db: a new session as a student: start, heartbeat, end" t "$r"

	# rollups: the incremental refresh consumes the restored pending work and
	# the new heartbeat, and agrees with a full recompute
	n0=$(q "$db" "SELECT count(*) FROM chronos.video_analytics_pending")
	r=$(try "$db" "SELECT chronos.refresh_video_analytics()")
	n1=$(q "$db" "SELECT count(*) FROM chronos.video_analytics_pending")
	[[ $r =~ ^[0-9]+$ ]] && [ "$r" -gt 0 ] && [ "$n1" = 0 ] &&
		pass "$db: refresh_video_analytics() claimed $n0 pending entries and wrote $r rollup rows" ||
		fail "$db: refresh_video_analytics() wrote $r rows from $n0 pending entries, $n1 left pending"
	local rollup="SELECT md5(string_agg(format('%s %s %s %s %s %s %s %s %s', video_id, creator_id, date, views,
		unique_viewers, total_watch_time_seconds, average_watch_time_seconds, completions, completion_rate),
		',' ORDER BY video_id, date)) FROM chronos.video_analytics"
	h=$(q "$db" "$rollup")
	q "$db" "SELECT chronos.refresh_video_analytics(now() - interval '90 days')" >/dev/null
	check "$db: incremental rollups equal a full recompute" "$h" "$(q "$db" "$rollup")"

	if [ "$have_dashboard" = 1 ]; then
		r=$(try "$db" "$as_creator" "SELECT jsonb_typeof(chronos.creator_dashboard('$c1', current_date - 30, current_date))")
		check "$db: creator_dashboard as the creator" object "$r"
	fi
	if [ "$have_progress" = 1 ]; then
		r=$(try "$db" "$as_student" "SELECT jsonb_typeof(chronos.course_progress('$s1', md5('course1-1')::uuid))")
		check "$db: course_progress as the student" object "$r"
	fi

	# row-level security came back with the extension
	r=$(try "$db" "$as_creator" "SELECT format('%s %s', (SELECT count(*) FROM chronos.videos),
		(SELECT count(DISTINCT creator_id) FROM chronos.video_watch_sessions))")
	check "$db: a creator sees its 5 videos and its own sessions only" "5 1" "$r"
	r=$(try "$db" "SET ROLE chronos_fill_app" "SELECT count(*) FROM chronos.video_analytics_events")
	check "$db: an anonymous caller sees no event" 0 "$r"
}

for kind in custom plain; do
	db=$(restored_name "$kind")
	echo "== restore ($kind) into $db"
	if restore "$kind" "$db"; then
		compare "$db"
		partitions_work "$db"
		works "$db"
	fi
done

checks_summary backup_roundtrip
