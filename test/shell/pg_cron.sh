#!/usr/bin/env bash
# test/shell/pg_cron.sh: refresh_video_analytics run by pg_cron.
#
# pg_cron must be in shared_preload_libraries and runs jobs in the one
# database cron.database_name names, so this test starts a throwaway cluster
# of its own (the harness's cluster has no pg_cron: the rest of the suite
# shows that chronos does not need it), installs Debian's
# postgresql-15-cron when it is missing, and then, as the README says:
# CREATE EXTENSION pg_cron and chronos, schedules
# SELECT chronos.refresh_video_analytics() as job chronos-rollups, starts a
# watch session, waits (bounded) until the job has rolled it up and its run
# is recorded as succeeded, and unschedules the job.  Where pg_cron takes
# schedules in seconds (1.5 and later) the job runs every 2 seconds; older
# ones (Debian 12 ships 1.4) run it every minute, so the wait can take a
# minute.  Exits 0 when all went well.
#
# On PostgreSQL 17 and 18 (PG=17, PG=18: servers that test/pg-versions.sh
# fetches, not Debian 12's) it is skipped, exit 77: Debian's
# postgresql-17-cron and postgresql-18-cron are built for a newer C library
# than Debian 12's, and no other registry this project reaches has pg_cron.
set -euo pipefail
# shellcheck source=test/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

fail() { echo "FAIL: $*"; exit 1; }

if [ "$PG_SOURCE" != debian ]; then
	echo "no pg_cron for PostgreSQL $PG_MAJOR on Debian 12"
	exit 77
fi

ensure_packages "postgresql-$PG_MAJOR-cron"

# A cluster of its own, next to the harness's (another socket folder, so
# the port may be the same; one more keeps the logs apart).
trap stop_cluster EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP
CHRONOS_PGPORT=$((${PGPORT:-55432} + 1)) CHRONOS_PRELOAD=pg_cron start_cluster \
	"cron.database_name = 'chronos_cron'" \
	"cron.use_background_workers = on" \
	"max_worker_processes = 16"
export PGDATABASE=chronos_cron
"$PGBIN/createdb" chronos_cron
sql() { "$PGBIN/psql" -X -q -At -v ON_ERROR_STOP=1 -c "$1"; }

sql "CREATE EXTENSION pg_cron"
sql "SET client_min_messages = warning; CREATE EXTENSION chronos"
echo "pg_cron $(sql "SELECT extversion FROM pg_catalog.pg_extension WHERE extname = 'pg_cron'")"

# A creator in Tokyo, its student and video; a session started now.
sql "INSERT INTO chronos.creators (id, whop_company_id, whop_user_id, timezone)
     VALUES ('ac100000-0000-4000-8000-00000000000a', 'cron_co', 'cron_user', 'Asia/Tokyo')"
sql "INSERT INTO chronos.students (id, creator_id, whop_user_id)
     VALUES ('ac200000-0000-4000-8000-0000000000a1', 'ac100000-0000-4000-8000-00000000000a', 'cron_learner')"
sql "INSERT INTO chronos.videos (id, creator_id, title, source_type, storage_path, duration_seconds)
     VALUES ('ac300000-0000-4000-8000-0000000000a1', 'ac100000-0000-4000-8000-00000000000a', 'v', 'upload', 'v.mp4', 100)"
sql "SELECT chronos.start_watch_session('ac200000-0000-4000-8000-0000000000a1', 'ac300000-0000-4000-8000-0000000000a1')" >/dev/null
[ "$(sql "SELECT count(*) FROM chronos.video_analytics")" = 0 ] || fail "a rollup row exists before any refresh"

# every 2 seconds where pg_cron takes seconds (1.5 and later), else every minute
schedule='2 seconds' wait=30
if ! job=$(sql "SELECT cron.schedule('chronos-rollups', '$schedule', 'SELECT chronos.refresh_video_analytics()')" 2>/dev/null); then
	schedule='* * * * *' wait=100
	job=$(sql "SELECT cron.schedule('chronos-rollups', '$schedule', 'SELECT chronos.refresh_video_analytics()')")
fi
echo "scheduled job $job every '$schedule'"
[ "$(sql "SELECT command FROM cron.job WHERE jobname = 'chronos-rollups'")" = 'SELECT chronos.refresh_video_analytics()' ] ||
	fail "cron.job does not hold the command"

# until the job has rolled the session up and its run is recorded
expected="1 1 $(sql "SELECT (now() AT TIME ZONE 'Asia/Tokyo')::date")"
deadline=$((SECONDS + wait))
row= status=
while [ $SECONDS -lt $deadline ]; do
	row=$(sql "SELECT views || ' ' || unique_viewers || ' ' || date FROM chronos.video_analytics")
	status=$(sql "SELECT string_agg(DISTINCT status, ',') FROM cron.job_run_details WHERE jobid = $job")
	if [ -n "$row" ] && [ "$status" = succeeded ]; then break; fi
	sleep 1
done
echo "rollup row: ${row:-none}; job runs: ${status:-none}"
[ -n "$row" ] || fail "no rollup row after $wait seconds"
# the local day is read just before the job's run and could in theory have
# turned in between: compare views and unique viewers, and the day loosely
[ "${row% *}" = "${expected% *}" ] || fail "expected the row '$expected', found '$row'"
[ "$status" = succeeded ] || fail "the job's runs are '$status', not succeeded: $(sql "SELECT string_agg(return_message, '; ') FROM cron.job_run_details WHERE jobid = $job")"
[ "$(sql "SELECT count(*) FROM chronos.video_analytics_pending")" = 0 ] || fail "pending work is left"
echo "the job rolled the session up: $(sql "SELECT return_message FROM cron.job_run_details WHERE jobid = $job ORDER BY start_time LIMIT 1")"

[ "$(sql "SELECT cron.unschedule('chronos-rollups')")" = t ] || fail "could not unschedule the job"
[ "$(sql "SELECT count(*) FROM cron.job")" = 0 ] || fail "the job is still scheduled"
echo "unscheduled"
