#!/usr/bin/env bash
# bench/run.sh: chronos against plain PostgreSQL doing the same work on the
# same tables, in the same throwaway cluster, in the same run (docs/architecture.md, "Performance targets").
#
#   bash bench/run.sh [--scale quick|large] [--reps N] [--duration SECONDS] [--save]
#                     [--pairs REGEX] [--no-queries]
#
# quick (default, a few minutes):   100 creators,  1,000 videos,  11,000 students,
#                                    20,000 sessions,    200,000 events
# large:                           1,000 creators, 10,000 videos, 111,000 students,
#                                 1,000,000 sessions, 10,000,000 events
# In both, the largest creator (creator 1) holds a tenth of the videos, the
# students, and so of the sessions and events.
#
# Each pair runs pgbench as the superuser (which chronos treats as the
# service), 2 clients (-c 2 -j 2), -M prepared, for a fixed time; the
# variants of a pair run one after the other, in the order A B … on odd
# repetitions and … B A on even ones, and the ratio reported is the median
# of the per-repetition ratios A_i / B_i, which cancels most of the drift a
# shared, noisy machine adds.  Then it reports bytes per row on disk and the
# latency (p50, p95, one client) of the report's four reference queries
# (skipped with --no-queries), and the speed measurements of the largest
# creator: creator_dashboard over 30 days, course_progress, the incremental
# refresh_video_analytics after 10,000 new sessions against a full one, and
# video_retention over 100,000 sessions of one video.  --pairs REGEX selects
# the pairs and speed measurements whose names match (default: all), e.g.
# --pairs 'heartbeat|dashboard|course_progress|refresh|retention'.
#
# Prints a Markdown report and writes it to bench/results/latest.md and
# bench/results/<scale>.md (not committed); --save also replaces this
# scale's section of bench/RESULTS.md (committed).
source "$(dirname "${BASH_SOURCE[0]}")/../test/lib.sh"

BENCH=$CHRONOS_ROOT/bench
scale=quick reps= duration= save=false pairs=. with_queries=true
usage() { sed -n '4,6p' "${BASH_SOURCE[0]}" | sed 's/^# *//' >&2; exit 2; }
while [ $# -gt 0 ]; do
	case $1 in
	--scale) scale=${2:?}; shift 2 ;;
	--scale=*) scale=${1#*=}; shift ;;
	--reps) reps=${2:?}; shift 2 ;;
	--duration) duration=${2:?}; shift 2 ;;
	--save) save=true; shift ;;
	--pairs) pairs=${2:?}; shift 2 ;;
	--no-queries) with_queries=false; shift ;;
	-h | --help) usage ;;
	*) echo "unknown argument: $1" >&2; usage ;;
	esac
done
case $scale in
quick) nc=100 nv=1000 ns=11000 nsess=20000 nev=200000 duration=${duration:-3} reps=${reps:-5} lat=3 ;;
large) nc=1000 nv=10000 ns=111000 nsess=1000000 nev=10000000 duration=${duration:-10} reps=${reps:-5} lat=10 ;;
*) echo "unknown scale: $scale (quick or large)" >&2; exit 2 ;;
esac

ensure_packages
build_and_install

WORK=$(mktemp -d /tmp/chronos-bench.XXXXXX)
cleanup() { stop_cluster; rm -rf "$WORK"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

# synchronous_commit off: the CPU, not the disk flush, is measured (and
# lib.sh's fsync = off).  autovacuum off: the run vacuums explicitly after
# loading, so no worker wakes up in the middle of one side of a pair.
start_cluster "synchronous_commit = off" "shared_buffers = 1GB" "max_wal_size = 4GB" \
	"checkpoint_timeout = 30min" "maintenance_work_mem = 512MB" "work_mem = 16MB" \
	"autovacuum = off" "jit = off"
export PGDATABASE=chronos_bench
"$PGBIN/createdb" chronos_bench
psql() { psql_quiet -d chronos_bench "$@"; }
value() { psql -At -c "$1"; }

load_start=$(cut -d' ' -f1-3 /proc/loadavg)
started=$(date -u '+%Y-%m-%d %H:%M UTC')

log "loading the $scale data set ($nev events, $nsess sessions)"
t0=$SECONDS
psql -c 'CREATE EXTENSION chronos' -f "$BENCH/sql/schema.sql"
psql -v nc=$nc -v nv=$nv -v ns=$ns -v nsess=$nsess -v nev=$nev -f "$BENCH/sql/generate.sql" >/dev/null
psql -c 'VACUUM (ANALYZE) chronos.creators, chronos.students, chronos.videos, chronos.courses,
	chronos.course_modules, chronos.video_watch_sessions, chronos.video_analytics_events'
gen_seconds=$((SECONDS - t0))

# Storage, measured now: before the benchmarks add rows.
storage=$(psql -At <<'SQL'
-- a partitioned table's size is the sum of its partitions'; pg_partition_tree
-- lists no rows at all for a plain table (one that is not a partition), so
-- the table itself is added (a partitioned table's own size is 0)
SELECT format('| %s | %s | %s | %s | %s | %s | %s | **%s** | %s |', label, to_char(n, 'FM999,999,999,990'),
              pg_size_pretty(heap), pg_size_pretty(idx), pg_size_pretty(heap + idx),
              round(heap::numeric / n), round(idx::numeric / n), round((heap + idx)::numeric / n), report)
FROM (SELECT label, n, report,
             (SELECT sum(pg_table_size(relid)) FROM (SELECT rel AS relid UNION SELECT relid FROM pg_partition_tree(rel)) p) AS heap,
             (SELECT sum(pg_indexes_size(relid)) FROM (SELECT rel AS relid UNION SELECT relid FROM pg_partition_tree(rel)) p) AS idx
      FROM (SELECT 'video_analytics_events' AS label, 'chronos.video_analytics_events'::regclass AS rel,
                   (SELECT count(*) FROM chronos.video_analytics_events) AS n, '~300' AS report
            UNION ALL
            SELECT 'video_watch_sessions', 'chronos.video_watch_sessions'::regclass,
                   (SELECT count(*) FROM chronos.video_watch_sessions), '~400') t) s
SQL
)

# The heartbeat pool and course_progress's course (bench/sql/extra.sql),
# then the copies of the sessions table for the UPDATE and heartbeat pairs.
psql -v nc=$nc -v nv=$nv -v ns=$ns -v nsess=$nsess -f "$BENCH/sql/extra.sql" >/dev/null
psql -c 'VACUUM (ANALYZE) chronos.videos, chronos.course_modules, chronos.module_lessons,
	chronos.video_watch_sessions'

# The 1,000-event batch, the same rows as JSON (for track_video_events) and
# as CSV (for COPY), in the data directory: both sides read a server file.
datadir=$(value 'SHOW data_directory')
psql -v json="$datadir/bench_batch.json" -v csv="$datadir/bench_batch.csv" \
	-v nc=$nc -v nv=$nv -v ns=$ns <<'SQL'
CREATE TABLE bench.batch AS
SELECT i, (ARRAY['video_progress', 'video_progress', 'video_progress', 'video_started',
                 'video_paused', 'video_resumed', 'video_seeked', 'video_completed'])[1 + i % 8] AS event_type,
       bench.video(v) AS video_id, bench.creator(c) AS creator_id,
       bench.student(bench.student_of(c, i % bench.students_of(c, :ns, :nc), :ns, :nc)) AS student_id,
       jsonb_build_object('percent_complete', i % 101, 'watch_time_seconds', i * 7 % 3600) AS metadata,
       now() - i * interval '1 second' AS "timestamp"
FROM generate_series(1, 1000) i,
     LATERAL (SELECT 1 + bench.h(i, 99) % :nv AS v) a,
     LATERAL (SELECT bench.video_creator(a.v, :nv, :nc) AS c) b;
COPY (SELECT jsonb_agg(jsonb_build_object('event_type', event_type, 'video_id', video_id,
                                          'creator_id', creator_id, 'student_id', student_id,
                                          'metadata', metadata, 'timestamp', "timestamp") ORDER BY i)
      FROM bench.batch) TO :'json';
COPY (SELECT event_type, video_id, creator_id, student_id, metadata, "timestamp" FROM bench.batch ORDER BY i)
    TO :'csv' WITH (FORMAT csv);
CHECKPOINT;
SQL

# server_ticks: CPU time (clock ticks) the cluster has used so far: the
# postmaster, the children it has reaped (backends that exited) and those
# still running (WAL writer, checkpointer...).  Unlike throughput, this
# hardly moves when other work shares the machine.
server_ticks() {
	local pm t pid f
	pm=$(head -1 "$CLUSTER_DIR/data/postmaster.pid")
	read -r -a f <"/proc/$pm/stat"
	t=$((f[13] + f[14] + f[15] + f[16]))
	for pid in $(ps -o pid= --ppid "$pm"); do
		read -r -a f <"/proc/$pid/stat" 2>/dev/null || continue
		t=$((t + f[13] + f[14]))
	done
	echo "$t"
}
server_children() { ps -o pid= --ppid "$(head -1 "$CLUSTER_DIR/data/postmaster.pid")" | wc -l; }
clk_tck=$(getconf CLK_TCK)
warmup=$(((duration + 2) / 3))
idle_children=$(server_children)

# pgbench_run SCRIPT CLIENTS SECONDS [pgbench options...]: prints
# "tps transactions server-ticks".
pgbench_run() {
	local script=$1 clients=$2 seconds=$3 out t0 t1 i
	shift 3
	cat "$BENCH/pgbench/_prelude.pgbench" "$BENCH/pgbench/$script.sql" >"$WORK/$script.pgbench"
	t0=$(server_ticks)
	# hk (a per-client transaction counter) and run (the repetition, RUN)
	# are for the heartbeat scripts
	out=$("$PGBIN/pgbench" -n -M prepared -c "$clients" -j "$clients" -T "$seconds" \
		-D nc=$nc -D nv=$nv -D ns=$ns -D nsess=$nsess -D hk=0 -D run="${RUN:-0}" \
		"$@" -f "$WORK/$script.pgbench" 2>&1) ||
		{ printf '%s\n' "$out" >&2; return 1; }
	# wait for the backends to exit, so that their time is counted
	for i in $(seq 50); do [ "$(server_children)" -le "$idle_children" ] && break; sleep 0.05; done
	t1=$(server_ticks)
	grep -q '^number of failed transactions: 0 ' <<<"$out" ||
		{ printf 'pgbench %s: failed transactions\n%s\n' "$script" "$out" >&2; return 1; }
	echo "$(sed -n 's/^tps = \([0-9.]*\) .*/\1/p' <<<"$out")" \
		"$(sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p' <<<"$out")" \
		$((t1 - t0))
}

# Pair groups: name, then variant:script:rows-per-transaction, the first
# variant (chronos) being compared with each of the others.
groups=(
	"track_video_event|chronos:track_chronos:1|plain INSERT:track_insert:1|report PL/pgSQL:track_plpgsql:1"
	"track_video_events (1,000)|chronos batch:batch_chronos:1000|COPY:batch_copy:1000|single calls:track_chronos:1"
	"get_student_total_watch_time|chronos:total_watch_time_chronos:1|plain SELECT:total_watch_time_select:1|report sql:total_watch_time_sql:1|report PL/pgSQL:total_watch_time_plpgsql:1"
	"get_student_highest_completion|chronos:highest_completion_chronos:1|plain SELECT:highest_completion_select:1|report sql:highest_completion_sql:1|report PL/pgSQL:highest_completion_plpgsql:1"
	"has_student_completed_video|chronos:completed_chronos:1|plain SELECT:completed_select:1|report sql:completed_sql:1|report PL/pgSQL:completed_plpgsql:1"
	"UPDATE percent_complete|chronos triggers:update_chronos:1|no trigger:update_plain:1|PL/pgSQL triggers:update_plpgsql:1"
	"record_watch_progress (heartbeat)|chronos:heartbeat_chronos:1|plain UPDATE:heartbeat_update:1|UPDATE + PL/pgSQL triggers:heartbeat_plpgsql:1"
	"record_watch_progress with p_seq (heartbeat, retry-safe)|chronos, p_seq:heartbeat_seq_chronos:1|plain UPDATE:heartbeat_update:1|chronos, no p_seq:heartbeat_chronos:1"
)
runs=0
selected=()
for g in "${groups[@]}"; do
	[[ ${g%%|*} =~ $pairs ]] || continue
	selected+=("$g")
	IFS='|' read -r -a parts <<<"$g"
	runs=$((runs + (${#parts[@]} - 1) * reps))
done
# The UPDATE and heartbeat pairs need the copies of the sessions table.
if [[ ${selected[*]} == *update_* || ${selected[*]} == *heartbeat_* ]]; then
	log "copying the sessions table (bench.sessions_plain, bench.sessions_plpgsql)"
	psql -f "$BENCH/sql/copies.sql" >/dev/null
	psql -c 'VACUUM (ANALYZE) bench.sessions_plain, bench.sessions_plpgsql'
fi
log "running $runs pgbench runs of ${duration}s (-c 2 -j 2 -M prepared), $reps repetitions, interleaved, after a ${warmup}s warm-up of each"

gi=0
for g in "${selected[@]}"; do
	gi=$((gi + 1))
	IFS='|' read -r -a parts <<<"$g"
	name=${parts[0]}
	variants=("${parts[@]:1}")
	# warm-up, not counted: each variant once, so that no measured run pays
	# for loading what the others left cold (plans, catalog, index pages)
	for v in "${variants[@]}"; do
		IFS=':' read -r label script per_tx <<<"$v"
		pgbench_run "$script" 2 "$warmup" >/dev/null
	done
	for rep in $(seq 1 "$reps"); do
		order=$(seq 1 ${#variants[@]})
		[ $((rep % 2)) -eq 1 ] || order=$(seq ${#variants[@]} -1 1)
		for vi in $order; do
			IFS=':' read -r label script per_tx <<<"${variants[vi - 1]}"
			read -r tps ntx ticks <<<"$(RUN=$rep pgbench_run "$script" 2 "$duration")"
			log "$name / $label, rep $rep: $tps tps, $(((ticks * 1000000 / clk_tck) / (ntx * per_tx))) µs server CPU per event or transaction"
			psql -c "INSERT INTO bench.runs VALUES ($gi, '$name', $vi, '$label', $rep, $tps, $per_tx, $ntx, $ticks * 1000000.0 / $clk_tck)"
		done
	done
done

# latency NAME SCRIPT: one client for $lat seconds, every transaction's
# latency (client-observed, µs) logged into bench.latency under NAME.
latency() {
	mkdir -p "$WORK/lat_$1"
	(cd "$WORK/lat_$1" && pgbench_run "$2" 1 "$lat" --log --log-prefix=lat >/dev/null)
	cat "$WORK/lat_$1"/lat.* | awk -v q="$1" '{ print q "\t" $3 }' |
		psql -c '\copy bench.latency FROM STDIN'
}

# The report's four reference queries.
queries=(
	"video_events|a video's 100 latest events|50"
	"student_progress|a student's sessions of a video|30"
	"course_analytics|a course's events by type, last 30 days|100"
	"active_sessions|a video's open sessions|20"
)
plans=""
$with_queries || queries=()
for q in "${queries[@]}"; do
	IFS='|' read -r name what estimate <<<"$q"
	log "latency: $name"
	latency "$name" "q_$name"
	# A plan for creator 1's first video, course and student (the largest creator).
	sql=$(sed -e 's/:v\b/1/g; s/:s\b/1/g; s/:k\b/1/g' "$BENCH/pgbench/q_$name.sql")
	plans+=$'\n'"### $name: $what"$'\n\n```\n'"$sql"$'\n\n'"$(value "EXPLAIN (ANALYZE, BUFFERS) ${sql%;}")"$'\n```\n'
done

# The heartbeat pairs updated the pool's 1,000 sessions hundreds of thousands
# of times, and autovacuum is off (above): their dead versions would stay in
# the sessions' indexes that the reads below walk (the dashboard reads the
# pool's videos too), as a server's autovacuum would not let them.
if [[ ${selected[*]} == *heartbeat_* || ${selected[*]} == *update_* ]]; then
	psql -c 'VACUUM (ANALYZE) chronos.video_watch_sessions'
fi

# Speed of the largest creator's reads and of the rollup refresh.  The
# generator logged no rollup work, so a full refresh comes first (timed when
# refresh_video_analytics is selected); the dashboard reads its rollups.
speed=()
for s in creator_dashboard course_progress refresh_video_analytics video_retention; do
	[[ $s =~ $pairs ]] && speed+=("$s")
done
speed_on() { [[ " ${speed[*]} " == *" $1 "* ]]; }
full_reps=0 refresh_reps=0 new_sessions=10000
if speed_on refresh_video_analytics; then
	full_reps=3 refresh_reps=5
	[ "$scale" = quick ] || full_reps=2
fi
refresh() {
	psql -v full_reps="$1" -v reps="$2" -v n=$new_sessions -v nc=$nc -v nv=$nv -v ns=$ns \
		-f "$BENCH/sql/refresh.sql" >/dev/null
}
if [ ${#speed[@]} -gt 0 ] && { speed_on creator_dashboard || speed_on refresh_video_analytics; }; then
	log "refresh_video_analytics('2000-01-01'): full refresh, $((full_reps > 0 ? full_reps : 1)) time(s)"
	refresh $((full_reps > 0 ? full_reps : 1)) 0
fi
if speed_on creator_dashboard; then
	log "latency: creator_dashboard (creator 1, 30 days)"
	latency creator_dashboard s_creator_dashboard
	# the same call timed inside the server (n: the size of its JSON)
	psql -c "SELECT bench.timed('dashboard in the server', r, 'SELECT octet_length(chronos.creator_dashboard(bench.creator(1), current_date - 29, current_date)::text)') FROM generate_series(1, 9) r" >/dev/null
	dashboard_scope=$(value "SELECT format('%s of its sessions, %s rollup rows', to_char(count(*), 'FM999,999,990'),
		to_char((SELECT count(*) FROM chronos.video_analytics WHERE creator_id = bench.creator(1)
		         AND date >= current_date - 29), 'FM999,999,990'))
		FROM chronos.video_watch_sessions WHERE creator_id = bench.creator(1) AND session_start >= current_date - 30")
fi
if speed_on course_progress; then
	log "latency: course_progress (creator 1's course 1: 5 modules, 40 lessons)"
	latency course_progress s_course_progress
fi
if speed_on refresh_video_analytics; then
	log "refresh_video_analytics(): incremental, after $new_sessions new sessions, $refresh_reps times"
	refresh 0 $refresh_reps
fi
if speed_on video_retention; then
	log "video_retention: 100,000 sessions of one 600 s video (bench/sql/retention.sql)"
	psql -v nsess=100000 -v runs=9 -f "$BENCH/sql/retention.sql" >"$WORK/retention.out"
	# its last line: sessions | service | as the creator | 1,000 buckets | count(*), medians in ms
	read -r _ ret_service ret_creator ret_1000 ret_count <<<"$(awk -F'|' '/^ *[0-9]+ *\|/ && NF == 5 { v = $1 " " $2 " " $3 " " $4 " " $5 } END { print v }' "$WORK/retention.out")"
	# and the audience analytics' line: sessions | dropoff | relative | peak (video) | peak (creator) | series
	read -r _ aud_dropoff aud_relative aud_peak_video aud_peak_creator aud_series <<<"$(awk -F'|' '/^ *[0-9]+ *\|/ && NF == 6 { v = $1 " " $2 " " $3 " " $4 " " $5 " " $6 } END { print v }' "$WORK/retention.out")"
	log "latency: video_retention (100 buckets)"
	latency video_retention s_video_retention
fi

# Last, since it removes data: a month of events removed by DELETE (rolled
# back) and by maintain_event_partitions() (kept).
log "removing the oldest month of events: DELETE against maintain_event_partitions()"
read -r drop_rows drop_delete_ms drop_delete_size drop_ms drop_size drop_before <<<"$(psql -At -F' ' -f "$BENCH/sql/retention_drop.sql" | tail -n 1)"

load_end=$(cut -d' ' -f1-3 /proc/loadavg)
pgversion=$(value 'SHOW server_version')

# The report ------------------------------------------------------------------
report=$WORK/report.md
{
	echo "## Results: $scale scale"
	echo
	echo "- Date: $started; $(nproc) CPUs ($(lscpu | sed -n 's/^Model name: *//p' | head -1)), $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo) memory; PostgreSQL $pgversion."
	echo "- Data: $nc creators, $nv videos, $ns students, $nsess sessions, $nev events (the largest creator holds a tenth); generated in ${gen_seconds}s."
	echo "- pgbench as the superuser (the service), -c 2 -j 2 -M prepared, ${duration}s per run, $reps repetitions, variants interleaved (A B … then … B A), after an uncounted ${warmup}s warm-up of each variant."
	echo "- Server: synchronous_commit = off, fsync = off, shared_buffers = 1GB, autovacuum off (explicit VACUUM after loading)."
	echo "- Load average (1, 5, 15 min) at start: $load_start; at end: $load_end. Other work on this 2-CPU machine adds noise; ratios are medians of per-repetition ratios."
	echo
	echo "### Throughput: chronos vs the same work in plain PostgreSQL"
	echo
	psql -At <<'SQL'
WITH r AS (
    SELECT gi, grp, vi, variant, rep, tps * per_tx AS rate, cpu_us / (ntx * per_tx) AS cpu, per_tx
    FROM bench.runs
), pairs AS (  -- variant 1 (chronos) against each other variant of its group, repetition by repetition
    SELECT b.gi, b.vi, b.grp, a.variant AS chronos, b.variant,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY a.rate) AS a_rate,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY b.rate) AS b_rate,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY a.rate / b.rate) AS ratio,
           min(a.rate / b.rate) AS lo, max(a.rate / b.rate) AS hi,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY a.cpu) AS a_cpu,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY b.cpu) AS b_cpu,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY b.cpu / a.cpu) AS cpu_ratio,
           bool_or(a.per_tx > 1 OR b.per_tx > 1) AS events
    FROM r b JOIN r a ON a.gi = b.gi AND a.vi = 1 AND a.rep = b.rep
    WHERE b.vi > 1
    GROUP BY b.gi, b.vi, b.grp, a.variant, b.variant
), targets(grp, variant, target, label) AS (VALUES
    ('track_video_event', 'plain INSERT', 0.95, '≥ 0.95'),
    ('track_video_events (1,000)', 'COPY', 0.8, '≥ 0.8'),
    ('track_video_events (1,000)', 'single calls', 2.0, '≥ 2'),
    ('get_student_total_watch_time', 'plain SELECT', 1.0, '≥ 1.0'),
    ('get_student_total_watch_time', 'report sql', 2.5, '≥ 2.5'),
    ('get_student_highest_completion', 'plain SELECT', 1.0, '≥ 1.0'),
    ('get_student_highest_completion', 'report sql', 2.5, '≥ 2.5'),
    ('has_student_completed_video', 'plain SELECT', 1.0, '≥ 1.0'),
    ('has_student_completed_video', 'report sql', 2.5, '≥ 2.5'),
    ('UPDATE percent_complete', 'no trigger', 0.97, '≥ 0.97'),
    ('record_watch_progress (heartbeat)', 'plain UPDATE', 0.8, '≥ 0.80'),
    ('record_watch_progress with p_seq (heartbeat, retry-safe)', 'plain UPDATE', 0.8, '≥ 0.80'))
SELECT line FROM (
    SELECT 0 AS gi, 0 AS vi,
           '| pair | vs | chronos /s | baseline /s | **throughput ratio** | min–max | server CPU µs: chronos | baseline | CPU ratio | target | met |' AS line
    UNION ALL SELECT 0, 1, '|---|---|---:|---:|---:|---:|---:|---:|---:|---|---|'
    UNION ALL
    SELECT p.gi, p.vi,
           format('| %s | %s | %s | %s | **%s** | %s–%s | %s | %s | %s | %s | %s |', p.grp, p.variant,
                  to_char(p.a_rate, 'FM999,999,990') || CASE WHEN p.events THEN ' ev' ELSE '' END,
                  to_char(p.b_rate, 'FM999,999,990') || CASE WHEN p.events THEN ' ev' ELSE '' END,
                  to_char(p.ratio, 'FM990.00'), to_char(p.lo, 'FM990.00'), to_char(p.hi, 'FM990.00'),
                  to_char(p.a_cpu, 'FM9,990.0'), to_char(p.b_cpu, 'FM9,990.0'), to_char(p.cpu_ratio, 'FM990.00'),
                  coalesce(t.label, '—'),
                  CASE WHEN t.target IS NULL THEN '' WHEN p.ratio >= t.target THEN 'yes' ELSE '**no**' END)
    FROM pairs p LEFT JOIN targets t USING (grp, variant)
) x
ORDER BY gi, vi;
SQL
	echo
	echo "Rates are transactions per second, or events per second (ev) for the batch pairs (a chronos batch and a COPY write 1,000 events per transaction, a single call one), medians over the repetitions. The throughput ratio (chronos / baseline, the measure of docs/architecture.md, \"Performance targets\", judged against the target) is the median of the per-repetition ratios; min–max shows their spread. Server CPU is the CPU time the whole cluster (backends, WAL writer…) spent per transaction or event, read from /proc; the CPU ratio (baseline CPU / chronos CPU, so that above 1 means chronos is cheaper) is much less disturbed by other work on the machine than throughput, and excludes pgbench's own CPU, which shares the two cores."
	echo
	echo "### Storage (after loading and VACUUM, before the benchmarks)"
	echo
	echo "| table | rows | table | indexes | total | bytes/row: table | indexes | total | report's estimate |"
	echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
	echo "$storage"
	echo
	echo "### Removing the oldest month of events"
	echo
	echo "| how | rows | time ms | events table before | after |"
	echo "|---|---:|---:|---:|---:|"
	printf '| DELETE ... WHERE "timestamp" < the month'"'"'s end | %s | %s | %s MB | %s MB (dead rows stay until VACUUM, which keeps the space in the table) |\n' \
		"$drop_rows" "$drop_delete_ms" $((drop_before / 1048576)) $((drop_delete_size / 1048576))
	printf '| maintain_event_partitions() with a retention ending at the month'"'"'s end (DETACH + DROP) | %s | %s | %s MB | %s MB |\n' \
		"$drop_rows" "$drop_ms" $((drop_before / 1048576)) $((drop_size / 1048576))
	if $with_queries; then
		echo
		echo "### The report's four reference queries (one client, ${lat}s each, random video/student/course)"
		echo
		psql -At <<SQL
SELECT line FROM (
SELECT 0 AS o, '| query | transactions | p50 ms | p95 ms | report''s estimate at 1M events | target: p50 ≤ a tenth |' AS line
UNION ALL SELECT 0.5, '|---|---:|---:|---:|---:|---|'
UNION ALL
SELECT e.o, format('| %s | %s | **%s** | %s | %s ms | %s |', l.query, count(*),
              to_char(percentile_cont(0.5) WITHIN GROUP (ORDER BY us) / 1000, 'FM990.000'),
              to_char(percentile_cont(0.95) WITHIN GROUP (ORDER BY us) / 1000, 'FM990.000'),
              e.ms, CASE WHEN percentile_cont(0.5) WITHIN GROUP (ORDER BY us) / 1000 <= e.ms / 10.0
                         THEN 'yes' ELSE '**no**' END)
FROM bench.latency l
JOIN (VALUES ('video_events', 50, 1), ('student_progress', 30, 2), ('course_analytics', 100, 3),
             ('active_sessions', 20, 4)) e(query, ms, o) USING (query)
GROUP BY l.query, e.ms, e.o) x ORDER BY o;
SQL
		echo
		echo "Latency is measured by pgbench per transaction (client-observed, over the unix socket). The report estimated its times at 1M events; the target ($scale scale: $nev events) is a tenth of that."
	fi
	if [ ${#speed[@]} -gt 0 ]; then
		echo
		echo "### Speed: the largest creator's reads and the rollup refresh"
		echo
		psql -At -v dashboard_scope="${dashboard_scope:-}" -v new_sessions=$new_sessions \
			-v ret_service="${ret_service:-}" -v ret_creator="${ret_creator:-}" -v ret_1000="${ret_1000:-}" \
			-v ret_count="${ret_count:-}" -v aud_dropoff="${aud_dropoff:-}" -v aud_relative="${aud_relative:-}" \
			-v aud_peak_video="${aud_peak_video:-}" -v aud_peak_creator="${aud_peak_creator:-}" \
			-v aud_series="${aud_series:-}" <<'SQL'
WITH lat AS (
    SELECT query, count(*) AS n,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY us) / 1000 AS p50,
           percentile_cont(0.95) WITHIN GROUP (ORDER BY us) / 1000 AS p95
    FROM bench.latency GROUP BY query
), sp AS (
    SELECT item, count(*) AS n, percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) AS med,
           min(ms) AS lo, max(ms) AS hi, percentile_cont(0.5) WITHIN GROUP (ORDER BY n) AS rows
    FROM bench.speed GROUP BY item
), inc AS (SELECT * FROM sp WHERE item = 'incremental refresh'),
   full_ AS (SELECT * FROM sp WHERE item = 'full refresh'),
   srv AS (SELECT * FROM sp WHERE item = 'dashboard in the server'),
   tbl AS (SELECT rows AS sessions FROM sp WHERE item = 'sessions')
SELECT line FROM (
    SELECT 0 AS o, '| measurement | what | runs | **median ms** | spread | target | met |' AS line
    UNION ALL SELECT 0.5, '|---|---|---:|---:|---|---|---|'
    UNION ALL
    SELECT 1, format('| creator_dashboard | creator 1, last 30 days (%s); client-observed, JSON of %s bytes; in the server: median %s ms | %s | **%s** | p95 %s | < 50 ms | %s |',
                     :'dashboard_scope', to_char(srv.rows, 'FM999,999,990'), to_char(srv.med, 'FM990.0'),
                     l.n, to_char(l.p50, 'FM9,990.00'), to_char(l.p95, 'FM9,990.00'),
                     CASE WHEN l.p50 < 50 THEN 'yes' ELSE '**no**' END)
    FROM lat l LEFT JOIN srv ON true WHERE l.query = 'creator_dashboard'
    UNION ALL
    SELECT 2, format('| course_progress | creator 1''s course 1: 5 modules, 40 lessons (35 required); students 1–10, who have sessions of every lesson''s video | %s | **%s** | p95 %s | < 5 ms | %s |',
                     l.n, to_char(l.p50, 'FM9,990.00'), to_char(l.p95, 'FM9,990.00'),
                     CASE WHEN l.p50 < 5 THEN 'yes' ELSE '**no**' END)
    FROM lat l WHERE l.query = 'course_progress'
    UNION ALL
    SELECT 3, format('| refresh_video_analytics() | incremental, after %s new sessions (start_watch_session + one heartbeat each): %s (video, day) rows written | %s | **%s** | %s–%s | proportional to the change | %s |',
                     to_char(:new_sessions, 'FM999,999,990'), to_char(inc.rows, 'FM999,999,990'), inc.n,
                     to_char(inc.med, 'FM999,990.0'), to_char(inc.lo, 'FM999,990.0'), to_char(inc.hi, 'FM999,990.0'),
                     CASE WHEN full_.med IS NULL THEN '—'
                          WHEN inc.med / :new_sessions <= 3 * full_.med / tbl.sessions THEN 'yes' ELSE '**no**' END)
    FROM inc LEFT JOIN full_ ON true LEFT JOIN tbl ON true
    UNION ALL
    SELECT 4, format('| refresh_video_analytics(''2000-01-01'') | full, over %s sessions: %s (video, day) rows written | %s | **%s** | %s–%s | — | |',
                     to_char(tbl.sessions, 'FM999,999,990'), to_char(full_.rows, 'FM999,999,990'), full_.n,
                     to_char(full_.med, 'FM999,990.0'), to_char(full_.lo, 'FM999,990.0'), to_char(full_.hi, 'FM999,990.0'))
    FROM full_ LEFT JOIN tbl ON true WHERE EXISTS (SELECT FROM inc)
    UNION ALL
    SELECT 5, format('| incremental / full | time %s %%; sessions changed / sessions %s %%; rows written %s %%; µs per session: incremental %s (per new session), full %s | | | | | |',
                     to_char(100 * inc.med / full_.med, 'FM990.00'),
                     to_char(100.0 * :new_sessions / tbl.sessions, 'FM990.00'),
                     to_char(100.0 * inc.rows / full_.rows, 'FM990.00'),
                     to_char(1000 * inc.med / :new_sessions, 'FM999,990.0'), to_char(1000 * full_.med / tbl.sessions, 'FM999,990.0'))
    FROM inc, full_, tbl
    UNION ALL
    SELECT 6, format('| video_retention | 100 buckets, 100,000 sessions of one 600 s video; client-observed. In the server (bench/sql/retention.sql, median of 9): %s ms as the service, %s ms as the creator (row-level security), %s ms with 1,000 buckets, %s ms for a plain count(*) of the rows | %s | **%s** | p95 %s | well under 1 s (≤ 500 ms) | %s |',
                     :'ret_service', :'ret_creator', :'ret_1000', :'ret_count',
                     l.n, to_char(l.p50, 'FM9,990.00'), to_char(l.p95, 'FM9,990.00'),
                     CASE WHEN l.p50 <= 500 THEN 'yes' ELSE '**no**' END)
    FROM lat l WHERE l.query = 'video_retention'
    UNION ALL
    SELECT 7, format('| audience analytics (1.1) | the same 100,000 sessions, in the server (bench/sql/retention.sql, median of 9): video_dropoff %s ms, video_relative_retention %s ms, peak_concurrent_viewers %s ms (the video, 90 days) and %s ms (the creator), concurrent_viewers_series %s ms (hourly, 90 days) | 9 | **%s** | slowest of the five | < 50 ms | %s |',
                     :'aud_dropoff', :'aud_relative', :'aud_peak_video', :'aud_peak_creator', :'aud_series',
                     greatest(nullif(:'aud_dropoff', '')::numeric, nullif(:'aud_relative', '')::numeric, nullif(:'aud_peak_video', '')::numeric,
                              nullif(:'aud_peak_creator', '')::numeric, nullif(:'aud_series', '')::numeric),
                     CASE WHEN greatest(nullif(:'aud_dropoff', '')::numeric, nullif(:'aud_relative', '')::numeric, nullif(:'aud_peak_video', '')::numeric,
                                        nullif(:'aud_peak_creator', '')::numeric, nullif(:'aud_series', '')::numeric) < 50
                          THEN 'yes' ELSE '**no**' END)
    WHERE :'aud_dropoff' <> ''
) x ORDER BY o;
SQL
		echo
		echo "Client-observed times are pgbench's per-transaction latencies (one client, ${lat}s each, over the unix socket), the median of every call; the refreshes are timed inside the server (clock_timestamp around the call, bench/sql/refresh.sql), each its own transaction, the full refresh right after loading (the generator logs no rollup work), each incremental one after $new_sessions new sessions on uniformly drawn videos. The new sessions all start today, so each incremental refresh recomputes today's row of every video they touched from all of today's sessions, those of the earlier repetitions included (hence its spread). It counts as proportional to the change when its time per new session is at most 3 times the full refresh's time per session of the table."
	fi
	if $with_queries; then
		echo
		echo "### Plans (creator 1's first video, course and student)"
		printf '%s\n' "$plans"
	fi
} >"$report"

mkdir -p "$BENCH/results"
cp "$report" "$BENCH/results/latest.md"
cp "$report" "$BENCH/results/$scale.md"
if $save; then
	# Replace this scale's section of RESULTS.md (between its markers), or add it.
	results=$BENCH/RESULTS.md
	[ -f "$results" ] || printf '# chronos benchmark results\n\nWritten by `bash bench/run.sh --scale quick|large --save`; see README.md, "Performance".\n' >"$results"
	awk -v s="$scale" -v f="$report" '
		$0 == "<!-- " s " -->" { skip = 1; next }
		$0 == "<!-- /" s " -->" { skip = 0; next }
		!skip { print }
	' "$results" >"$WORK/results.md"
	{ cat "$WORK/results.md"; echo; echo "<!-- $scale -->"; cat "$report"; echo "<!-- /$scale -->"; } |
		cat -s >"$results"
	log "saved to bench/RESULTS.md"
fi
cat "$report"
log "written to bench/results/latest.md"
