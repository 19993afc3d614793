#!/usr/bin/env bash
# test/shell/crash_recovery.sh: a server killed in the middle of the work
# keeps every call a client saw succeed, and nothing half done.
#
#   bash test/run.sh shell/crash_recovery       (from the harness)
#   bash test/shell/crash_recovery.sh           (alone, as root)
#
# It runs a cluster of its own, with fsync = on and synchronous_commit = on
# (the harness's cluster runs with fsync off), and for each of
# CHRONOS_CRASH_ROUNDS rounds (default 2):
#
# 1. Five clients work at once, each through a psql session of its own, one
#    call at a time: single events (track_video_event with an event id of the
#    client), batches of 2 to 20 events (track_video_events), two players
#    sending heartbeats (record_watch_progress) to eight sessions each, and a
#    job refreshing the rollups (refresh_video_analytics) every 0.2 s.  Each
#    client writes what it is about to send to an intent log, then, once psql
#    has answered, to an "ok" log (success seen), an "error" log (an error
#    seen) or an "unknown" log (no answer: the server went away).
# 2. After 8 to 14 s, the postmaster is stopped (SIGSTOP, so it forks no one)
#    and it and all its processes are killed with SIGKILL; the server is then
#    started again and recovers from its WAL.
# 3. The checks, against every log so far:
#    - every event, batch and heartbeat a client saw succeed is there;
#    - nothing is there that no client sent; a refused call wrote nothing;
#    - each batch is there whole or not at all;
#    - each session is exactly the sum of its acknowledged heartbeats plus
#      some of those left without an answer, each one whole: watched ranges,
#      watch_time_ms, watch_time_seconds (its rounding), last position,
#      percent_complete (coverage / duration) and completed all agree, and
#      the milestone and completion events match percent_complete, once each;
#    - an incremental refresh_video_analytics then leaves nothing pending and
#      gives the same rollups as a full recompute, and as the sessions
#      themselves (views, unique viewers, watch time, completions per video
#      and local day);
#    - amcheck finds every index of chronos consistent with its table, and
#      every table readable.
#
# A SIGKILL loses no page the kernel already has, so what this proves is
# atomicity and that a commit a client saw is in the WAL, not that the disk
# keeps its writes (fsync on is still what a real deployment runs with).
#
# CHRONOS_CRASH_KEEP=/some/prefix keeps the clients' logs and the server log
# (PREFIX.logs, PREFIX.server.log) for a look after the run.
#
# Exit status 0 only when every check passes.

set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=test/lib.sh
source "$here/../lib.sh"
# shellcheck source=test/checks.sh
source "$here/../checks.sh"

ROUNDS=${CHRONOS_CRASH_ROUNDS:-2}
SESSIONS_PER_PLAYER=8

WORK=$(mktemp -d /tmp/chronos-crash.XXXXXX)
chmod 755 "$WORK"
L=$WORK/logs
mkdir -p "$L"
client_pids=()

cleanup() {
	local rc=$? pid
	set +e
	touch "$WORK/stop"
	for pid in "${client_pids[@]}"; do kill "$pid" 2>/dev/null; done
	wait 2>/dev/null
	if [ -n "${CHRONOS_CRASH_KEEP:-}" ]; then
		cp -r "$L" "$CHRONOS_CRASH_KEEP.logs"
		cp "$CLUSTER_DIR/server.log" "$CHRONOS_CRASH_KEEP.server.log"
		echo "kept the logs in $CHRONOS_CRASH_KEEP.logs and $CHRONOS_CRASH_KEEP.server.log"
	fi
	stop_cluster
	rm -rf "$WORK"
	exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

# Alone (not from test/run.sh, which has built and installed chronos and
# gives a database chronos_s_NAME): build and install first.
[[ ${PGDATABASE:-} == chronos_s_* ]] || build_and_install

export CHRONOS_FSYNC=on
CHRONOS_PGPORT=${CHRONOS_CRASH_PGPORT:-55439} start_cluster "synchronous_commit = on" "full_page_writes = on"
export PGDATABASE=chronos_crash
DATA=$CLUSTER_DIR/data
SERVER_LOG=$CLUSTER_DIR/server.log


q() {
	local args=() s
	for s in "$@"; do args+=(-c "$s"); done
	"$PGBIN/psql" -X -q -At -v ON_ERROR_STOP=1 "${args[@]}"
}

settings=$("$PGBIN/psql" -X -At -d postgres -c "SELECT current_setting('fsync') || ' ' || current_setting('synchronous_commit')")
echo "== cluster $CLUSTER_DIR: fsync and synchronous_commit: $settings"
[ "$settings" = "on on" ] &&
	pass "the server runs with fsync = on and synchronous_commit = on" ||
	fail "the server does not run with fsync = on and synchronous_commit = on"

# --- set-up -------------------------------------------------------------------
#
# Two creators (New York and Kolkata, a half-hour offset), each with six
# students and three videos of 5, 20 and 45 minutes (some sessions complete
# early, others cross milestones in every round); sixteen sessions opened by
# start_watch_session and moved back 6 to 38 hours (so that the speed guard
# allows what the players send, and their rollups fall on several local
# days), then a full refresh.

psql_quiet -d postgres -c "CREATE DATABASE $PGDATABASE"
psql_quiet <<SQL
SET client_min_messages = warning;
CREATE EXTENSION chronos;
CREATE EXTENSION amcheck;
INSERT INTO chronos.creators (id, whop_company_id, whop_user_id, name, timezone)
VALUES (md5('c1')::uuid, 'biz_crash_1', 'user_c1', 'Crash Course NY', 'America/New_York'),
       (md5('c2')::uuid, 'biz_crash_2', 'user_c2', 'Crash Course Kolkata', 'Asia/Kolkata');
INSERT INTO chronos.students (id, creator_id, whop_user_id, name)
SELECT md5(format('s%s-%s', c, k))::uuid, md5('c' || c)::uuid, format('user_s%s_%s', c, k), format('Student %s.%s', c, k)
FROM generate_series(1, 2) c, generate_series(1, 6) k;
INSERT INTO chronos.videos (id, creator_id, title, source_type, youtube_video_id, duration_seconds, status)
SELECT md5(format('v%s-%s', c, k))::uuid, md5('c' || c)::uuid, format('Video %s.%s', c, k), 'youtube',
       format('yt%s%s', c, k), (ARRAY[300, 1200, 2700])[k], 'completed'
FROM generate_series(1, 2) c, generate_series(1, 3) k;
CREATE TABLE public.test_sessions (n integer PRIMARY KEY, id uuid NOT NULL, player integer NOT NULL);
INSERT INTO public.test_sessions
SELECT n, chronos.start_watch_session(md5(format('s%s-%s', c, 1 + (n - 1) / 3 % 6))::uuid,
                                      md5(format('v%s-%s', c, 1 + (n - 1) % 3))::uuid, 'desktop', 'direct_link'),
       1 + (n - 1) % 2
FROM generate_series(1, 2 * $SESSIONS_PER_PLAYER) n, LATERAL (SELECT 1 + (n - 1) / 9 AS c) c;
UPDATE chronos.video_watch_sessions w
   SET session_start = now() - make_interval(hours => 6 + 2 * t.n, mins => 7 * t.n)
  FROM public.test_sessions t WHERE t.id = w.id;
SELECT chronos.refresh_video_analytics(now() - interval '5 days') AS setup_rollups \\gset
SQL
n_sessions=$(q "SELECT count(DISTINCT (w.student_id, w.video_id)) FROM chronos.video_watch_sessions w")
echo "   2 creators, 12 students, 6 videos, $n_sessions sessions (each a different student and video)," \
	"$(q "SELECT count(*) FROM chronos.video_analytics") rollup rows"
[ "$n_sessions" = $((2 * SESSIONS_PER_PLAYER)) ] || { fail "set-up: $n_sessions sessions"; exit 1; }

# Valid (creator, video, student) triples for the event clients.
mapfile -t triples < <(q "SELECT format('%s %s %s', v.creator_id, v.id, s.id) FROM chronos.videos v
	JOIN chronos.students s ON s.creator_id = v.creator_id ORDER BY 1")

# --- clients --------------------------------------------------------------------

# Each client talks to the server through one psql of its own, kept open
# (a coprocess): it sends a statement followed by \echo __END__ and reads
# what psql prints up to that mark.  psql prints each result as soon as it
# has it; when the connection is lost, a psql that is not interactive says so
# and exits.
#
# client_open: start the client's psql.  client_close: end it.
client_open() {
	trap '' PIPE # a write to a psql that died fails instead of killing us
	coproc PQ { exec "$PGBIN/psql" -X -q -At 2>&1; }
	exec {to_psql}>&"${PQ[1]}" {from_psql}<&"${PQ[0]}"
	psql_pid=$PQ_PID
}
client_close() {
	printf '\\q\n' 1>&"$to_psql" 2>/dev/null || true
	exec {to_psql}>&- {from_psql}<&-
	wait "$psql_pid" 2>/dev/null || true
}

# call NAME SQL: sends SQL (one statement, without its semicolon; its result
# a uuid or a number) and sets OUT to the result.  Returns
#   0  success seen: psql printed the result, so the statement committed;
#   1  refused: psql printed an ERROR and no result, and the session lives
#      (logged to $L/errors);
#   2  no answer: no result and the session died (the server went away, a
#      FATAL, psql exited) or 30 s passed: the call may or may not have been
#      committed.
# A backend that notices the postmaster's death after sending a result says
# FATAL too, and psql prints both: the result decides.
call() {
	local line answered=0 error='' died='' all=''
	OUT=
	printf '%s;\n\\echo __END__\n' "$2" 1>&"$to_psql" 2>/dev/null || return 2
	while IFS= read -r -t 30 -u "$from_psql" line; do
		if [ "$line" = __END__ ]; then
			answered=1
			break
		fi
		all+="$line"$'\n'
		case $line in
		*FATAL:* | *PANIC:* | *'server closed the connection'* | *'connection to server'*) died=$line ;;
		*ERROR:*) error=${error:-$line} ;;
		*) [[ -n $OUT || ! $line =~ ^[0-9a-f-]+$ ]] || OUT=$line ;;
		esac
	done
	if [ -n "$died" ]; then
		printf '%s %s answered=%s result=%s:\n%s' "$(date +%T.%N)" "$1" "$answered" "${OUT:--}" "$all" >>"$L/died"
	fi
	[ -z "$OUT" ] || return 0
	[ $answered = 1 ] || return 2
	[ -z "$died" ] || return 2
	if [ -n "$error" ]; then
		echo "$1: $error" >>"$L/errors"
		return 1
	fi
	echo "$1: no result and no error: $all" >>"$L/errors"
	return 1
}

running() { [ ! -e "$WORK/stop" ] && [ $SECONDS -lt "$deadline" ]; }

# Single events, each with the client's own event id.
client_events() {
	local seq=0 id rc tri
	client_open
	while running; do
		seq=$((seq + 1))
		read -r id </proc/sys/kernel/random/uuid
		read -r -a tri <<<"${triples[RANDOM % ${#triples[@]}]}"
		echo "$id" >>"$L/ev.intent"
		rc=0
		call events "SELECT chronos.track_video_event('video_paused', '${tri[1]}', '${tri[0]}', '${tri[2]}',
			p_metadata => '{\"client\": \"events\", \"round\": $round, \"seq\": $seq}', p_event_id => '$id')" || rc=$?
		if [ $rc -eq 0 ] && [ "$OUT" != "$id" ]; then
			echo "events: event $id returned $OUT" >>"$L/errors"
			rc=1
		fi
		case $rc in
		0) echo "$id" >>"$L/ev.ok" ;;
		1) echo "$id" >>"$L/ev.error" ;;
		*) echo "$id" >>"$L/ev.unknown"; return 0 ;;
		esac
	done
	client_close
}

# Batches of 2 to 20 events, all of one video; logged as "key<TAB>{id,...}".
client_batches() {
	local seq=0 n k id rc tri ids json key
	client_open
	while running; do
		seq=$((seq + 1))
		key=$round.$seq
		n=$((2 + RANDOM % 19))
		read -r -a tri <<<"${triples[RANDOM % ${#triples[@]}]}"
		ids=()
		json=
		for ((k = 0; k < n; k++)); do
			read -r id </proc/sys/kernel/random/uuid
			ids+=("$id")
			json+="${json:+,}{\"event_type\": \"video_seeked\", \"video_id\": \"${tri[1]}\", \"creator_id\": \"${tri[0]}\", \"student_id\": \"${tri[2]}\", \"event_id\": \"$id\", \"metadata\": {\"client\": \"batches\", \"batch\": \"$key\", \"k\": $k}}"
		done
		printf '%s\t{%s}\n' "$key" "$(IFS=,; echo "${ids[*]}")" >>"$L/batch.intent"
		rc=0
		call batches "SELECT chronos.track_video_events('[$json]')" || rc=$?
		if [ $rc -eq 0 ] && [ "$OUT" != "$n" ]; then
			echo "batches: batch $key of $n events returned $OUT" >>"$L/errors"
			rc=1
		fi
		case $rc in
		0) echo "$key" >>"$L/batch.ok" ;;
		1) echo "$key" >>"$L/batch.error" ;;
		*) echo "$key" >>"$L/batch.unknown"; return 0 ;;
		esac
	done
	client_close
}

ms2s() { printf '%d.%03d' $(($1 / 1000)) $(($1 % 1000)); }

# A player: heartbeats of 1 to 10 s (multiples of 0.25 s) to its sessions, in
# turn at random; mostly playing on, now and then seeking, starting over at
# the end.  Logged as "round<TAB>player<TAB>seq<TAB>session<TAB>from_ms<TAB>to_ms".
client_player() {
	local player=$1 seq=0 i rc from to line sid dur pos
	local -a sids durs poss
	while read -r sid dur pos; do
		sids+=("$sid")
		durs+=("$dur")
		poss+=("$pos")
	done < <(q "SELECT t.id, v.duration_seconds * 1000, coalesce(round(w.last_position_seconds * 1000), 0)::bigint % (v.duration_seconds * 1000)
		FROM public.test_sessions t JOIN chronos.video_watch_sessions w ON w.id = t.id
		JOIN chronos.videos v ON v.id = w.video_id WHERE t.player = $player ORDER BY t.n" | tr '|' ' ')
	client_open
	while running; do
		seq=$((seq + 1))
		i=$((RANDOM % ${#sids[@]}))
		from=${poss[i]}
		if [ $((RANDOM % 10)) -eq 0 ]; then
			from=$(((RANDOM * 32768 + RANDOM) % (durs[i] / 250 - 40) * 250))
		fi
		to=$((from + 250 * (4 + RANDOM % 37)))
		[ $to -le "${durs[i]}" ] || to=${durs[i]}
		line=$(printf '%s\t%s\t%s\t%s\t%s\t%s' "$round" "$player" "$seq" "${sids[i]}" "$from" "$to")
		echo "$line" >>"$L/hb.intent"
		rc=0
		call "player$player" "SELECT 1 FROM chronos.record_watch_progress('${sids[i]}', $(ms2s "$from"), $(ms2s "$to"))" || rc=$?
		if [ $rc -eq 0 ] && [ "$OUT" != 1 ]; then
			echo "player$player: heartbeat $seq returned $OUT" >>"$L/errors"
			rc=1
		fi
		case $rc in
		0)
			echo "$line" >>"$L/hb.ok"
			poss[i]=$to
			[ "$to" -lt "${durs[i]}" ] || poss[i]=0
			;;
		1) echo "$line" >>"$L/hb.error" ;;
		*) echo "$line" >>"$L/hb.unknown"; return 0 ;;
		esac
	done
	client_close
}

# The scheduled job: an incremental refresh of the rollups every 0.2 s.
client_refresh() {
	local rc
	client_open
	while running; do
		rc=0
		call refresh "SELECT chronos.refresh_video_analytics()" || rc=$?
		case $rc in
		0) echo "$OUT" >>"$L/refresh.ok" ;;
		1) echo x >>"$L/refresh.error" ;;
		*) return 0 ;;
		esac
		sleep 0.2
	done
	client_close
}

for f in ev.intent ev.ok ev.error ev.unknown batch.intent batch.ok batch.error batch.unknown \
	hb.intent hb.ok hb.error hb.unknown refresh.ok refresh.error errors; do
	: >"$L/$f"
done

lines() { wc -l <"$L/$1"; }

# --- crash ----------------------------------------------------------------------

# crash: SIGKILL for the postmaster and every process of it, at once.
crash() {
	local pm children pid deadline_kill
	pm=$(head -n 1 "$DATA/postmaster.pid")
	kill -STOP "$pm"
	mapfile -t children < <(pgrep -P "$pm" || true)
	kill -KILL "$pm" "${children[@]}"
	deadline_kill=$((SECONDS + 20))
	for pid in "$pm" "${children[@]}"; do
		while kill -0 "$pid" 2>/dev/null; do
			[ $SECONDS -lt $deadline_kill ] || { echo "process $pid survived SIGKILL" >&2; return 1; }
			sleep 0.05
		done
	done
	echo "   killed the postmaster ($pm) and its ${#children[@]} processes with SIGKILL"
}

restart() {
	local mark
	mark=$(stat -c %s "$SERVER_LOG")
	# (pg_ctl says "another server might be running": the killed one's pid file)
	as_postgres "$PGBIN/pg_ctl" -D "$DATA" -l "$SERVER_LOG" \
		${CHRONOS_POSTGRES_WRAPPER:+-p "$CHRONOS_POSTGRES_WRAPPER"} -w -t 120 start >"$WORK/pg_ctl.out" 2>&1 ||
		{ cat "$WORK/pg_ctl.out"; tail -n 30 "$SERVER_LOG" >&2; return 1; }
	wait_ready 120
	tail -c +$((mark + 1)) "$SERVER_LOG" >"$WORK/recovery.log"
	if grep -qE 'was interrupted|not properly shut down|automatic recovery in progress' "$WORK/recovery.log" &&
		grep -q 'redo done\|redo starts\|database system is ready' "$WORK/recovery.log"; then
		pass "round $round: the server came back by crash recovery ($(grep -oE 'redo done at [0-9A-F/]+|redo is not required' "$WORK/recovery.log" | head -n 1))"
	else
		fail "round $round: no crash recovery in the server log:"
		sed 's/^/      /' "$WORK/recovery.log" | head -n 20
	fi
}

# --- checks -----------------------------------------------------------------------

# verify: every check, from the logs so far; lines "t|name|detail" or "f|...".
verify() {
	local ok name detail rc=0
	psql_quiet -At >"$WORK/verify.out" 2>"$WORK/verify.err" <<SQL || rc=$?
SET client_min_messages = warning;
CREATE TEMP TABLE ev_intent (id uuid);
CREATE TEMP TABLE ev_ok (id uuid);
CREATE TEMP TABLE ev_error (id uuid);
CREATE TEMP TABLE ev_unknown (id uuid);
CREATE TEMP TABLE batch_intent (key text, ids uuid[]);
CREATE TEMP TABLE batch_ok (key text);
CREATE TEMP TABLE batch_error (key text);
CREATE TEMP TABLE batch_unknown (key text);
CREATE TEMP TABLE hb (round int, player int, seq int, sid uuid, f bigint, t bigint, status text);
\copy ev_intent FROM '$L/ev.intent'
\copy ev_ok FROM '$L/ev.ok'
\copy ev_error FROM '$L/ev.error'
\copy ev_unknown FROM '$L/ev.unknown'
\copy batch_intent FROM '$L/batch.intent'
\copy batch_ok FROM '$L/batch.ok'
\copy batch_error FROM '$L/batch.error'
\copy batch_unknown FROM '$L/batch.unknown'
\copy hb (round, player, seq, sid, f, t) FROM '$L/hb.ok'
UPDATE hb SET status = 'ok';
\copy hb (round, player, seq, sid, f, t) FROM '$L/hb.unknown'
UPDATE hb SET status = 'unknown' WHERE status IS NULL;
\copy hb (round, player, seq, sid, f, t) FROM '$L/hb.error'
UPDATE hb SET status = 'error' WHERE status IS NULL;
CREATE TEMP TABLE batch_ids AS SELECT key, unnest(ids) AS id FROM batch_intent;
CREATE TEMP TABLE present AS
  SELECT e.id FROM chronos.video_analytics_events e
   WHERE e.id IN (SELECT id FROM ev_intent UNION ALL SELECT id FROM batch_ids);
ANALYZE ev_intent, ev_ok, ev_error, ev_unknown, batch_intent, batch_ok, batch_error, batch_unknown,
        batch_ids, present, hb;

-- single events
SELECT count(*) = 0, 'every event a client saw succeed is there',
       format('%s acknowledged, %s missing', (SELECT count(*) FROM ev_ok), count(*))
  FROM ev_ok o WHERE o.id NOT IN (SELECT id FROM present);
SELECT count(*) = 0, 'a refused event call wrote nothing',
       format('%s refused, %s written', (SELECT count(*) FROM ev_error), count(*))
  FROM ev_error o WHERE o.id IN (SELECT id FROM present);
SELECT NULL, 'events sent without an answer (may or may not be there)',
       format('%s sent, %s there', (SELECT count(*) FROM ev_unknown), count(*))
  FROM ev_unknown o WHERE o.id IN (SELECT id FROM present);

-- batches
WITH b AS (
  SELECT i.key, cardinality(i.ids) AS n, count(p.id) AS there,
         i.key IN (SELECT key FROM batch_ok) AS acked,
         i.key IN (SELECT key FROM batch_error) AS refused
    FROM batch_intent i JOIN batch_ids bi ON bi.key = i.key LEFT JOIN present p ON p.id = bi.id
   GROUP BY i.key, i.ids)
SELECT count(*) FILTER (WHERE there NOT IN (0, n)) = 0, 'every batch is there whole or not at all',
       format('%s batches of %s events; %s partly there', count(*), sum(n), count(*) FILTER (WHERE there NOT IN (0, n)))
  FROM b
UNION ALL
SELECT count(*) FILTER (WHERE acked AND there <> n) = 0, 'every batch a client saw succeed is there',
       format('%s acknowledged, %s incomplete', count(*) FILTER (WHERE acked), count(*) FILTER (WHERE acked AND there <> n))
  FROM b
UNION ALL
SELECT count(*) FILTER (WHERE refused AND there > 0) = 0, 'a refused batch wrote nothing',
       format('%s refused, %s written', count(*) FILTER (WHERE refused), count(*) FILTER (WHERE refused AND there > 0))
  FROM b
UNION ALL
SELECT NULL, 'batches sent without an answer (may or may not be there)',
       format('%s sent, %s there', count(*) FILTER (WHERE NOT acked AND NOT refused),
              count(*) FILTER (WHERE NOT acked AND NOT refused AND there = n))
  FROM b;

-- nothing that no client sent (the clients' events carry metadata.client)
SELECT count(*) = 0, 'no event is there that no client sent',
       format('%s client events there, %s unknown to the logs', (SELECT count(*) FROM chronos.video_analytics_events WHERE metadata ? 'client'), count(*))
  FROM chronos.video_analytics_events e
 WHERE e.metadata ? 'client' AND e.id NOT IN (SELECT id FROM present);

-- heartbeats: each session must be its acknowledged heartbeats plus a subset
-- of those without an answer (at most one per player and round)
WITH u AS (
  SELECT sid, round, seq, (row_number() OVER (PARTITION BY sid ORDER BY round, seq) - 1)::int AS k
    FROM hb WHERE status = 'unknown'),
cand AS (
  SELECT t.id AS sid, m
    FROM public.test_sessions t,
         LATERAL generate_series(0, (1 << (SELECT count(*) FROM u WHERE u.sid = t.id)::int) - 1) m),
applied AS (
  SELECT c.sid, c.m, h.round, h.seq, h.f, h.t
    FROM cand c JOIN hb h ON h.sid = c.sid
    LEFT JOIN u ON u.sid = h.sid AND u.round = h.round AND u.seq = h.seq
   WHERE h.status = 'ok' OR (h.status = 'unknown' AND (c.m >> u.k) & 1 = 1)),
expected AS (
  SELECT c.sid, c.m, coalesce(sum(a.t - a.f), 0) AS ms,
         format('{%s}', string_agg(format('[%s,%s)', round(a.f / 1000.0, 3), round(a.t / 1000.0, 3)), ','))::chronos.watch_ranges AS watched,
         round((array_agg(a.t ORDER BY a.round DESC, a.seq DESC))[1] / 1000.0, 3) AS pos
    FROM cand c LEFT JOIN applied a ON a.sid = c.sid AND a.m = c.m
   GROUP BY c.sid, c.m),
judged AS (
  SELECT w.id, e.m,
         w.watch_time_ms = e.ms
         AND w.watch_time_seconds = floor((e.ms + 500) / 1000)
         AND w.watched OPERATOR(chronos.=) e.watched
         AND w.last_position_seconds IS NOT DISTINCT FROM e.pos
         AND w.percent_complete = least(100, floor(100 * chronos.coverage(e.watched) / v.duration_seconds))
         AND w.completed = (w.percent_complete >= 90)
         AND (w.last_heartbeat_at IS NOT NULL) = (e.ms > 0) AS same
    FROM chronos.video_watch_sessions w
    JOIN public.test_sessions t ON t.id = w.id
    JOIN chronos.videos v ON v.id = w.video_id
    JOIN expected e ON e.sid = w.id),
per_session AS (
  SELECT id, bool_or(same) AS ok, min(m) FILTER (WHERE same) AS m FROM judged GROUP BY id)
SELECT bool_and(ok), 'every session is whole heartbeats: the acknowledged ones and some unanswered ones',
       format('%s sessions, %s heartbeats acknowledged, %s unanswered of which %s landed; %s sessions match no combination: %s',
              count(*), (SELECT count(*) FROM hb WHERE status = 'ok'), (SELECT count(*) FROM hb WHERE status = 'unknown'),
              sum(bit_count(coalesce(m, 0)::bit(8))), count(*) FILTER (WHERE NOT ok),
              coalesce(string_agg(id::text, ' ') FILTER (WHERE NOT ok), '-'))
  FROM per_session;
SELECT count(*) FILTER (WHERE status = 'error') = 0, 'no heartbeat was refused',
       format('%s refused', count(*) FILTER (WHERE status = 'error'))
  FROM hb;
SELECT NULL, 'sessions', format('%s%% complete on average, %s completed, %s ranges at most in one session, %s s played in all',
       round(avg(w.percent_complete)), count(*) FILTER (WHERE w.completed), max(chronos.range_count(w.watched)),
       sum(w.watch_time_seconds))
  FROM chronos.video_watch_sessions w JOIN public.test_sessions t ON t.id = w.id;

-- the session's events agree with its state
WITH wrong AS (
  SELECT w.id FROM chronos.video_watch_sessions w JOIN public.test_sessions t ON t.id = w.id
   CROSS JOIN unnest(ARRAY[10, 25, 50, 75, 90]) AS ms (milestone)
   WHERE (SELECT count(*) FROM chronos.video_analytics_events e
           WHERE e.session_id = w.id AND e.event_type = 'video_progress'
             AND (e.metadata ->> 'milestone')::int = ms.milestone)
         <> CASE WHEN w.percent_complete >= ms.milestone THEN 1 ELSE 0 END
  UNION ALL
  SELECT w.id FROM chronos.video_watch_sessions w JOIN public.test_sessions t ON t.id = w.id
   WHERE (SELECT count(*) FROM chronos.video_analytics_events e
           WHERE e.session_id = w.id AND e.event_type = 'video_completed') <> w.completed::int
      OR (SELECT count(*) FROM chronos.video_analytics_events e
           WHERE e.session_id = w.id AND e.event_type = 'video_started') <> 1)
SELECT count(*) = 0, 'milestone, completion and start events: once each, as percent_complete says',
       format('%s milestone events, %s completions; %s disagreements', 
              (SELECT count(*) FROM chronos.video_analytics_events WHERE event_type = 'video_progress'),
              (SELECT count(*) FROM chronos.video_analytics_events WHERE event_type = 'video_completed'),
              count(*))
  FROM wrong;

-- rollups: incremental, then full, then from the sessions themselves
SELECT NULL, 'refresh_video_analytics() after recovery',
       format('%s pending entries claimed, %s rollup rows written',
              (SELECT count(*) FROM chronos.video_analytics_pending), chronos.refresh_video_analytics());
SELECT count(*) = 0, 'nothing left pending after the refresh', format('%s pending', count(*))
  FROM chronos.video_analytics_pending;
CREATE TEMP TABLE incremental AS
  SELECT video_id, creator_id, date, views, unique_viewers, total_watch_time_seconds,
         average_watch_time_seconds, completions, completion_rate, rewatches, ai_interactions
    FROM chronos.video_analytics;
SELECT chronos.refresh_video_analytics('2000-01-01') >= 0 AS full_refresh \gset
WITH full_ AS (
  SELECT video_id, creator_id, date, views, unique_viewers, total_watch_time_seconds,
         average_watch_time_seconds, completions, completion_rate, rewatches, ai_interactions
    FROM chronos.video_analytics),
d AS ((SELECT * FROM incremental EXCEPT ALL SELECT * FROM full_)
      UNION ALL (SELECT * FROM full_ EXCEPT ALL SELECT * FROM incremental))
SELECT count(*) = 0, 'incremental rollups equal a full recompute',
       format('%s rows, %s differ', (SELECT count(*) FROM incremental), count(*))
  FROM d;
WITH days AS (
  SELECT w.video_id, (w.session_start AT TIME ZONE c.timezone)::date AS date, count(*) AS views,
         count(DISTINCT w.student_id) AS unique_viewers, sum(w.watch_time_seconds) AS total,
         count(*) FILTER (WHERE w.completed) AS completions
    FROM chronos.video_watch_sessions w JOIN chronos.creators c ON c.id = w.creator_id
   GROUP BY 1, 2),
rollup AS (
  SELECT video_id, date, views::bigint, unique_viewers::bigint, total_watch_time_seconds::numeric,
         completions::bigint
    FROM chronos.video_analytics),
d AS ((SELECT * FROM days EXCEPT ALL SELECT * FROM rollup) UNION ALL (SELECT * FROM rollup EXCEPT ALL SELECT * FROM days))
SELECT count(*) = 0, 'the rollups agree with the sessions (views, viewers, watch time, completions per local day)',
       format('%s (video, day) rows, %s differ', (SELECT count(*) FROM days), count(*))
  FROM d;

-- the storage itself
-- (bt_index_check raises an error on the first inconsistency)
SELECT true, 'amcheck: every btree index of chronos matches its table (heapallindexed)',
       format('%s indexes', count(*))
  FROM (SELECT bt_index_check(i.indexrelid::regclass, true)
          FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am am ON am.oid = c.relam
         WHERE c.relnamespace = 'chronos'::regnamespace AND am.amname = 'btree' AND c.relkind = 'i') x;
SELECT count(*) = 0, 'amcheck: verify_heapam finds no corruption in the tables of chronos',
       format('%s problems', count(*))
  FROM pg_class c, LATERAL verify_heapam(c.oid::regclass) v
 WHERE c.relnamespace = 'chronos'::regnamespace AND c.relkind = 'r';
SQL
	while IFS='|' read -r ok name detail; do
		case $ok in
		t) pass "round $round: $name ($detail)" ;;
		f) fail "round $round: $name ($detail)" ;;
		*) echo "      $name: $detail" ;;
		esac
	done <"$WORK/verify.out"
	if [ $rc -ne 0 ]; then
		fail "round $round: the checks stopped on an error:"
		sed 's/^/      /' "$WORK/verify.err" | head -n 20
	fi
}

# --- rounds -----------------------------------------------------------------------

for ((round = 1; round <= ROUNDS; round++)); do
	echo "== round $round of $ROUNDS"
	rm -f "$WORK/stop"
	deadline=$((SECONDS + 40))
	before_ev=$(lines ev.ok) before_batch=$(lines batch.ok) before_hb=$(lines hb.ok) before_refresh=$(lines refresh.ok)
	client_pids=()
	client_events & client_pids+=($!)
	client_batches & client_pids+=($!)
	client_player 1 & client_pids+=($!)
	client_player 2 & client_pids+=($!)
	client_refresh & client_pids+=($!)
	load=$((8 + RANDOM % 7))
	sleep "$load"
	alive=0
	for pid in "${client_pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=$((alive + 1)); done
	echo "   after ${load} s, before the crash: $((alive)) of 5 clients running;" \
		"$(($(lines ev.ok) - before_ev)) events, $(($(lines batch.ok) - before_batch)) batches," \
		"$(($(lines hb.ok) - before_hb)) heartbeats, $(($(lines refresh.ok) - before_refresh)) refreshes acknowledged"
	if [ $alive -eq 5 ] && [ $(($(lines ev.ok) - before_ev)) -gt 0 ] && [ $(($(lines batch.ok) - before_batch)) -gt 0 ] &&
		[ $(($(lines hb.ok) - before_hb)) -gt 0 ] && [ $(($(lines refresh.ok) - before_refresh)) -gt 0 ]; then
		pass "round $round: all five clients were at work when the server was killed"
	else
		fail "round $round: not every client was at work when the server was killed"
	fi
	crash
	crashed_at=$SECONDS
	# the clients see the server go away and stop; wait for them (bounded)
	touch "$WORK/stop"
	wait_until=$((SECONDS + 40))
	for pid in "${client_pids[@]}"; do
		while kill -0 "$pid" 2>/dev/null && [ $SECONDS -lt $wait_until ]; do sleep 0.1; done
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
	client_pids=()
	echo "   (the clients stopped $((SECONDS - crashed_at)) s after the crash)"
	restart
	echo "   (recovered in $((SECONDS - crashed_at)) s after the crash)"
	verify
	echo "   (checked in $((SECONDS - crashed_at)) s after the crash)"
	if [ -s "$L/died" ]; then
		echo "      calls answered by a dying server so far: $(grep -c ' answered=' "$L/died")," \
			"$(grep ' answered=' "$L/died" | grep -vc 'result=-:') of them with their result" \
			"(a result followed by a FATAL is a success seen)"
	fi
	if [ -s "$L/errors" ]; then
		fail "round $round: calls were refused while the server was up:"
		sed 's/^/      /' "$L/errors" | head -n 20
		: >"$L/errors"
	fi
done

echo
echo "totals: $(lines ev.ok) events, $(lines batch.ok) batches, $(lines hb.ok) heartbeats and $(lines refresh.ok) refreshes acknowledged;" \
	"$(($(lines ev.unknown) + $(lines batch.unknown) + $(lines hb.unknown))) calls without an answer"

checks_summary crash_recovery
