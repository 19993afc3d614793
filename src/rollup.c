/*
 * rollup.c
 *		refresh_video_analytics: the daily rollups of video_analytics, brought
 *		up to date incrementally.
 *
 * The session functions (watch_sessions.c) append an entry to
 * video_analytics_pending for every change they make, naming the video and the
 * quarter hour its session started.  A refresh first claims (deletes) the
 * committed entries in a statement of its own; entries of transactions still
 * running are invisible to it and stay for the next refresh.  Then one
 * statement, with a new snapshot that sees every change whose entry was
 * claimed, maps the claimed quarter hours to the creators' local days and
 * recomputes exactly those (video, day) rows from the sessions.  Quarter hours
 * never straddle a local midnight, since every time zone's offset is a
 * multiple of 15 minutes.  The log has no key, so neither heartbeats nor the
 * refresh ever wait for each other.
 *
 * Two refreshes serialize on a SHARE ROW EXCLUSIVE lock of video_analytics,
 * which readers (ACCESS SHARE) and the session functions never wait for.
 *
 * ai_interactions is not computed here: chronos.set_ai_interactions (1.1,
 * called by the chronos_rag extension's triggers) sets it, counted exactly
 * from the chat messages.  So a refresh never writes it, and never deletes a
 * day's row that has some: a day whose sessions are gone but whose video was
 * discussed keeps its row, its viewing figures zero.
 *
 * Where video_analytics has chronos 1.1's quality-of-experience columns, a
 * second statement (qoe_sql) fills them for the same (video, day) rows from
 * the video_startup and video_rebuffer events of their sessions; on a
 * database still at 1.0 it is not run.  Only the session functions log
 * work, so an event, or a session's end, alone does not bring its day into
 * the incremental refresh: a refresh with p_since recomputes it.
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/timestamp.h"
#include "utils/uuid.h"

#include "catalog_cache.h"
#include "citus.h"
#include "identity.h"
#include "owner.h"
#include "spi_sql.h"


static const char *const lock_sql =
"LOCK TABLE chronos.video_analytics IN SHARE ROW EXCLUSIVE MODE";

static const char *const claim_sql =
"DELETE FROM chronos.video_analytics_pending RETURNING video_id, creator_id, bucket_start";

/*
 * $1, $2, $3: the claimed (video_id, creator_id, bucket_start); $4: p_since.
 * Recomputes every target (video, local day) from the sessions that started
 * that day; a target with no session left loses its row, unless it counts
 * AI interactions (then its viewing figures are zero).
 */
static const char *const recompute_sql =
"WITH targets AS ("
"  SELECT DISTINCT p.video_id, p.creator_id,"
"         (p.bucket_start AT TIME ZONE c.timezone)::pg_catalog.date AS day"
"    FROM ROWS FROM (pg_catalog.unnest($1), pg_catalog.unnest($2), pg_catalog.unnest($3))"
"         AS p (video_id, creator_id, bucket_start)"
"    JOIN chronos.creators c ON c.id" SQL_EQ "p.creator_id"
"  UNION"
"  SELECT s.video_id, s.creator_id, (s.session_start AT TIME ZONE c.timezone)::pg_catalog.date"
"    FROM chronos.video_watch_sessions s JOIN chronos.creators c ON c.id" SQL_EQ "s.creator_id"
"   WHERE $4 IS NOT NULL"
"     AND s.session_start" SQL_GE "($4" SQL_MINUS "'1 day'::pg_catalog.interval)"
"  UNION"
"  SELECT a.video_id, a.creator_id, a.date FROM chronos.video_analytics a"
"   WHERE $4 IS NOT NULL"
"     AND a.date" SQL_GE "($4" SQL_MINUS "'1 day'::pg_catalog.interval)::pg_catalog.date"
"), computed AS ("
"  SELECT t.video_id, t.creator_id, t.day,"
"         pg_catalog.count(s.id)::pg_catalog.int4 AS views,"
"         pg_catalog.count(DISTINCT s.student_id)::pg_catalog.int4 AS unique_viewers,"
"         COALESCE(pg_catalog.sum(s.watch_time_seconds), 0)::pg_catalog.int8 AS total_watch_time,"
"         pg_catalog.count(s.id) FILTER (WHERE s.completed)::pg_catalog.int4 AS completions,"
"         pg_catalog.count(DISTINCT s.student_id) FILTER (WHERE s.completed) AS completers,"
"         pg_catalog.count(s.id) FILTER (WHERE EXISTS ("
"             SELECT FROM chronos.video_watch_sessions e"
"              WHERE e.student_id" SQL_EQ "s.student_id AND e.video_id" SQL_EQ "s.video_id"
"                AND e.completed AND e.session_start" SQL_LT "s.session_start"
"         ))::pg_catalog.int4 AS rewatches"
"    FROM targets t"
"    JOIN chronos.creators c ON c.id" SQL_EQ "t.creator_id"
"    LEFT JOIN chronos.video_watch_sessions s ON s.video_id" SQL_EQ "t.video_id"
"     AND s.session_start" SQL_GE "(t.day::pg_catalog.timestamp AT TIME ZONE c.timezone)"
"     AND s.session_start" SQL_LT
"         ((t.day" SQL_PLUS "1)::pg_catalog.timestamp AT TIME ZONE c.timezone)"
"   GROUP BY t.video_id, t.creator_id, t.day"
"), emptied AS ("
"  DELETE FROM chronos.video_analytics a USING computed c"
"   WHERE a.video_id" SQL_EQ "c.video_id AND a.date" SQL_EQ "c.day"
"     AND a.creator_id" SQL_EQ "c.creator_id AND c.views" SQL_EQ "0"
"     AND a.ai_interactions" SQL_EQ "0"
"), written AS ("
"  INSERT INTO chronos.video_analytics AS a (video_id, creator_id, date, views, unique_viewers,"
"         total_watch_time_seconds, average_watch_time_seconds, completions, completion_rate,"
"         rewatches)"
"  SELECT c.video_id, c.creator_id, c.day, c.views, c.unique_viewers, c.total_watch_time,"
"         CASE WHEN c.views" SQL_GT "0"
"              THEN pg_catalog.round(c.total_watch_time::pg_catalog.numeric" SQL_DIVIDE "c.views, 2)"
"              ELSE 0 END,"
"         c.completions,"
"         CASE WHEN c.unique_viewers" SQL_GT "0"
"              THEN pg_catalog.round(100" SQL_TIMES "c.completers::pg_catalog.numeric"
"                                   " SQL_DIVIDE "c.unique_viewers, 2)"
"              ELSE 0 END,"
"         c.rewatches"
"    FROM computed c WHERE c.views" SQL_GT "0 OR EXISTS ("
"         SELECT FROM chronos.video_analytics x"
"          WHERE x.video_id" SQL_EQ "c.video_id AND x.date" SQL_EQ "c.day"
"            AND x.creator_id" SQL_EQ "c.creator_id AND x.ai_interactions" SQL_GT "0)"
"  ON CONFLICT (video_id, date, creator_id) DO UPDATE SET"
"         views = excluded.views,"
"         unique_viewers = excluded.unique_viewers,"
"         total_watch_time_seconds = excluded.total_watch_time_seconds,"
"         average_watch_time_seconds = excluded.average_watch_time_seconds,"
"         completions = excluded.completions, completion_rate = excluded.completion_rate,"
"         rewatches = excluded.rewatches"
"  RETURNING 1"
") SELECT pg_catalog.count(*)::pg_catalog.int4 FROM written";

/*
 * Where Citus is loaded (chronos.distribute()): the same recomputation for
 * one creator ($5), every distributed table named with creator_id = $5, so
 * that it is a single-shard (router) statement, run once per creator with
 * claimed work (or every creator, with p_since) and planned with the values
 * (a custom plan: Citus routes on the constant).  Citus cannot plan the
 * statement above across shards (its correlated subquery beside a CTE).
 */
static const char *const citus_recompute_sql =
"WITH targets AS ( "
"  SELECT DISTINCT p.video_id, p.creator_id, "
"         (p.bucket_start AT TIME ZONE c.timezone)::pg_catalog.date AS day "
"    FROM ROWS FROM (pg_catalog.unnest($1), pg_catalog.unnest($2), pg_catalog.unnest($3)) "
"         AS p (video_id, creator_id, bucket_start) "
"    JOIN chronos.creators c ON c.id" SQL_EQ "p.creator_id "
"   WHERE p.creator_id" SQL_EQ "$5 "
"  UNION "
"  SELECT s.video_id, s.creator_id, (s.session_start AT TIME ZONE c.timezone)::pg_catalog.date "
"    FROM chronos.video_watch_sessions s JOIN chronos.creators c ON c.id" SQL_EQ "s.creator_id "
"   WHERE $4 IS NOT NULL AND s.creator_id" SQL_EQ "$5 "
"     AND s.session_start" SQL_GE "($4" SQL_MINUS "'1 day'::pg_catalog.interval) "
"  UNION "
"  SELECT a.video_id, a.creator_id, a.date FROM chronos.video_analytics a "
"   WHERE $4 IS NOT NULL AND a.creator_id" SQL_EQ "$5 "
"     AND a.date" SQL_GE "($4" SQL_MINUS "'1 day'::pg_catalog.interval)::pg_catalog.date "
"), computed AS ( "
"  SELECT t.video_id, t.creator_id, t.day, "
"         pg_catalog.count(s.id)::pg_catalog.int4 AS views, "
"         pg_catalog.count(DISTINCT s.student_id)::pg_catalog.int4 AS unique_viewers, "
"         COALESCE(pg_catalog.sum(s.watch_time_seconds), 0)::pg_catalog.int8 AS total_watch_time, "
"         pg_catalog.count(s.id) FILTER (WHERE s.completed)::pg_catalog.int4 AS completions, "
"         pg_catalog.count(DISTINCT s.student_id) FILTER (WHERE s.completed) AS completers, "
"         pg_catalog.count(s.id) FILTER (WHERE EXISTS ( "
"             SELECT FROM chronos.video_watch_sessions e "
"              WHERE e.creator_id" SQL_EQ "$5 "
"                AND e.student_id" SQL_EQ "s.student_id AND e.video_id" SQL_EQ "s.video_id "
"                AND e.completed AND e.session_start" SQL_LT "s.session_start "
"         ))::pg_catalog.int4 AS rewatches "
"    FROM targets t "
"    JOIN chronos.creators c ON c.id" SQL_EQ "t.creator_id "
"    LEFT JOIN chronos.video_watch_sessions s ON s.creator_id" SQL_EQ "$5 "
"     AND s.video_id" SQL_EQ "t.video_id "
"     AND s.session_start" SQL_GE "(t.day::pg_catalog.timestamp AT TIME ZONE c.timezone) "
"     AND s.session_start" SQL_LT "((t.day" SQL_PLUS "1)::pg_catalog.timestamp AT TIME ZONE c.timezone) "
"   GROUP BY t.video_id, t.creator_id, t.day "
"), emptied AS ( "
"  DELETE FROM chronos.video_analytics a USING computed c "
"   WHERE a.creator_id" SQL_EQ "$5 AND a.video_id" SQL_EQ "c.video_id "
"     AND a.date" SQL_EQ "c.day AND c.views" SQL_EQ "0 AND a.ai_interactions" SQL_EQ "0 "
"), written AS ( "
"  INSERT INTO chronos.video_analytics AS a (video_id, creator_id, date, views, unique_viewers, "
"         total_watch_time_seconds, average_watch_time_seconds, completions, completion_rate, rewatches) "
"  SELECT c.video_id, c.creator_id, c.day, c.views, c.unique_viewers, c.total_watch_time, "
"         CASE WHEN c.views" SQL_GT "0 "
"              THEN pg_catalog.round(c.total_watch_time::pg_catalog.numeric" SQL_DIVIDE "c.views, 2) "
"              ELSE 0 END, "
"         c.completions, "
"         CASE WHEN c.unique_viewers" SQL_GT "0 "
"              THEN pg_catalog.round(100" SQL_TIMES "c.completers::pg_catalog.numeric" SQL_DIVIDE "c.unique_viewers, 2) "
"              ELSE 0 END, "
"         c.rewatches "
"    FROM computed c WHERE c.views" SQL_GT "0 OR EXISTS ( "
"         SELECT FROM chronos.video_analytics x "
"          WHERE x.creator_id" SQL_EQ "$5 AND x.video_id" SQL_EQ "c.video_id "
"            AND x.date" SQL_EQ "c.day AND x.ai_interactions" SQL_GT "0) "
"  ON CONFLICT (video_id, date, creator_id) DO UPDATE SET "
"         views = excluded.views, unique_viewers = excluded.unique_viewers, "
"         total_watch_time_seconds = excluded.total_watch_time_seconds, "
"         average_watch_time_seconds = excluded.average_watch_time_seconds, "
"         completions = excluded.completions, completion_rate = excluded.completion_rate, "
"         rewatches = excluded.rewatches "
"  RETURNING 1 "
") SELECT pg_catalog.count(*)::pg_catalog.int4 FROM written ";

static const char *const citus_creators_sql =
"SELECT DISTINCT c FROM pg_catalog.unnest($1) AS c WHERE $2 IS NULL"
" UNION SELECT id FROM chronos.creators WHERE $2 IS NOT NULL";

/* The number in metadata key KEY of event e, NULL when it is not a JSON number. */
#define QOE_NUMBER(KEY) \
"CASE WHEN pg_catalog.jsonb_typeof(e.metadata" SQL_JSON_FIELD "'" KEY "')" SQL_EQ "'number'" \
"     THEN (e.metadata" SQL_JSON_FIELD_TEXT "'" KEY "')::pg_catalog.numeric END"

/*
 * Chronos 1.1: the quality-of-experience columns of the same targets as
 * recompute_sql ($1 .. $4), after it wrote their rows; $5 one creator (on
 * Citus) or NULL.  Per (video, local day), over the sessions that started
 * that day: the median and 95th percentile (percentile_disc: a startup
 * time some viewing had) of each session's first video_startup's
 * startup_ms, and those times themselves, ascending (creator_dashboard
 * takes the percentiles of a range of days from them); the sessions that
 * ended having played nothing and reported no startup (exits before the
 * video started); the video_rebuffer events
 * and their summed duration_ms; and that sum over the sessions'
 * watch_time_ms (NULL when they watched nothing).
 */
static const char *const qoe_sql =
"WITH targets AS ("
"  SELECT DISTINCT p.video_id, p.creator_id,"
"         (p.bucket_start AT TIME ZONE c.timezone)::pg_catalog.date AS day"
"    FROM ROWS FROM (pg_catalog.unnest($1), pg_catalog.unnest($2), pg_catalog.unnest($3))"
"         AS p (video_id, creator_id, bucket_start)"
"    JOIN chronos.creators c ON c.id" SQL_EQ "p.creator_id"
"   WHERE $5 IS NULL OR p.creator_id" SQL_EQ "$5"
"  UNION"
"  SELECT a.video_id, a.creator_id, a.date FROM chronos.video_analytics a"
"   WHERE $4 IS NOT NULL AND ($5 IS NULL OR a.creator_id" SQL_EQ "$5)"
"     AND a.date" SQL_GE "($4" SQL_MINUS "'1 day'::pg_catalog.interval)::pg_catalog.date"
"), computed AS ("
"  SELECT t.video_id, t.creator_id, t.day,"
"         pg_catalog.percentile_disc(0.5) WITHIN GROUP (ORDER BY q.startup) AS p50,"
"         pg_catalog.percentile_disc(0.95) WITHIN GROUP (ORDER BY q.startup) AS p95,"
"         pg_catalog.array_agg(q.startup::pg_catalog.float8 ORDER BY q.startup)"
"             FILTER (WHERE q.startup IS NOT NULL)"
"             AS startups,"
"         pg_catalog.count(s.id) FILTER (WHERE s.session_end IS NOT NULL AND NOT q.started"
"             AND chronos.range_count(s.watched)" SQL_EQ "0)::pg_catalog.int4 AS exits,"
"         COALESCE(pg_catalog.sum(q.rebuffers), 0)::pg_catalog.int4 AS rebuffers,"
"         COALESCE(pg_catalog.sum(q.rebuffer_ms), 0) AS rebuffer_ms,"
"         COALESCE(pg_catalog.sum(s.watch_time_ms), 0) AS watch_ms"
"    FROM targets t"
"    JOIN chronos.creators c ON c.id" SQL_EQ "t.creator_id"
"    JOIN chronos.video_watch_sessions s ON s.video_id" SQL_EQ "t.video_id"
"     AND s.creator_id" SQL_EQ "t.creator_id"
"     AND s.session_start" SQL_GE "(t.day::pg_catalog.timestamp AT TIME ZONE c.timezone)"
"     AND s.session_start" SQL_LT "((t.day" SQL_PLUS "1)::pg_catalog.timestamp AT TIME ZONE c.timezone)"
"    CROSS JOIN LATERAL ("
"      SELECT COALESCE(pg_catalog.bool_or(e.event_type" SQL_EQ "'video_startup'::chronos.video_event_type), false)"
"                 AS started,"
"             (pg_catalog.array_agg(" QOE_NUMBER("startup_ms") " ORDER BY e.\"timestamp\", e.id)"
"                 FILTER (WHERE e.event_type" SQL_EQ "'video_startup'::chronos.video_event_type))[1] AS startup,"
"             pg_catalog.count(*) FILTER (WHERE e.event_type" SQL_EQ "'video_rebuffer'::chronos.video_event_type)"
"                 AS rebuffers,"
"             COALESCE(pg_catalog.sum(" QOE_NUMBER("duration_ms") ")"
"                 FILTER (WHERE e.event_type" SQL_EQ "'video_rebuffer'::chronos.video_event_type), 0) AS rebuffer_ms"
"        FROM chronos.video_analytics_events e"
"       WHERE e.session_id" SQL_EQ "s.id AND e.creator_id" SQL_EQ "s.creator_id"
"         AND e.event_type" SQL_EQ "ANY ('{video_startup,video_rebuffer}'::chronos.video_event_type[])"
"    ) AS q"
"   GROUP BY t.video_id, t.creator_id, t.day"
")"
"UPDATE chronos.video_analytics a SET"
"       startup_p50_ms = c.p50, startup_p95_ms = c.p95, startup_ms_values = c.startups,"
"       exits_before_start = c.exits,"
"       rebuffer_count = c.rebuffers, rebuffer_ms = c.rebuffer_ms::pg_catalog.int8,"
"       rebuffer_ratio = CASE WHEN c.watch_ms" SQL_GT "0 THEN pg_catalog.trim_scale(pg_catalog.round(c.rebuffer_ms"
"           " SQL_DIVIDE "c.watch_ms, 6)) END"
"  FROM computed c"
" WHERE a.video_id" SQL_EQ "c.video_id AND a.date" SQL_EQ "c.day AND a.creator_id" SQL_EQ "c.creator_id";

static SPIPlanPtr qoe_plan;

/* The quality-of-experience columns of the targets (qoe_sql); creator (Datum) 0 for all. */
static void
RecomputeQoe(Datum *args, char *nulls, Datum creator)
{
	Oid			types[5] = {UUIDARRAYOID, UUIDARRAYOID, TIMESTAMPTZARRAYOID, TIMESTAMPTZOID, UUIDOID};
	Datum		qoe_args[5] = {args[0], args[1], args[2], args[3], creator};
	char		qoe_nulls[5] = {' ', ' ', ' ', nulls[3], creator == (Datum) 0 ? 'n' : ' '};

	/* planned for each call's values: on Citus, creator_id = $5 routes it to one shard */
	if (SPI_execute_plan(ChronosKeptPlanWithOptions(&qoe_plan, qoe_sql, 5, types, CURSOR_OPT_CUSTOM_PLAN),
						 qoe_args, qoe_nulls, false, 0) != SPI_OK_UPDATE)
		elog(ERROR, "could not recompute the quality of experience");
}

static SPIPlanPtr citus_recompute_plan;
static SPIPlanPtr citus_creators_plan;

static SPIPlanPtr claim_plan;
static SPIPlanPtr recompute_plan;

/* The claimed entries' column col (1-based) as an array of type elemtype. */
static Datum
ClaimedColumn(int col, Oid elemtype, int16 len, bool byval, char align)
{
	Datum	   *values = palloc(sizeof(Datum) * Max(SPI_processed, 1));
	bool		isnull;

	for (uint64 i = 0; i < SPI_processed; i++)
		values[i] = SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, col, &isnull);
	return PointerGetDatum(construct_array(values, (int) SPI_processed, elemtype, len, byval,
										   align));
}

/*
 * RecomputePerCreator: the recomputation where Citus is loaded, one
 * single-shard statement per creator (citus_recompute_sql); args and nulls as
 * for recompute_sql.  Returns the rows written.
 */
static int32
RecomputePerCreator(Datum *args, char *nulls, bool qoe)
{
	Oid			creators_types[2] = {UUIDARRAYOID, TIMESTAMPTZOID};
	Oid			types[5] = {UUIDARRAYOID, UUIDARRAYOID, TIMESTAMPTZARRAYOID, TIMESTAMPTZOID, UUIDOID};
	Datum		creator_args[2] = {args[1], args[3]};
	char		creator_nulls[2] = {' ', nulls[3]};
	Datum		recompute_args[5] = {args[0], args[1], args[2], args[3], (Datum) 0};
	char		recompute_nulls[5] = {' ', ' ', ' ', nulls[3], ' '};
	SPITupleTable *creators;
	uint64		ncreators;
	int32		written = 0;
	bool		isnull;

	if (SPI_execute_plan(ChronosKeptPlan(&citus_creators_plan, citus_creators_sql, 2, creators_types),
						 creator_args, creator_nulls, true, 0) != SPI_OK_SELECT)
		elog(ERROR, "could not list the creators to recompute");
	creators = SPI_tuptable;
	ncreators = SPI_processed;
	for (uint64 i = 0; i < ncreators; i++)
	{
		recompute_args[4] = SPI_getbinval(creators->vals[i], creators->tupdesc, 1, &isnull);
		if (SPI_execute_plan(ChronosKeptPlanWithOptions(&citus_recompute_plan, citus_recompute_sql, 5,
														types, CURSOR_OPT_CUSTOM_PLAN),
							 recompute_args, recompute_nulls, false, 0) != SPI_OK_SELECT ||
			SPI_processed != 1)
			elog(ERROR, "could not recompute video analytics");
		written += DatumGetInt32(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1,
											   &isnull));
		if (qoe)
			RecomputeQoe(args, nulls, recompute_args[4]);
	}
	return written;
}

/*
 * refresh_video_analytics(p_since) brings video_analytics up to date and
 * returns how many (video, day) rows it wrote.  Without p_since it
 * recomputes only the days the session functions touched since the last
 * refresh; with p_since, every day from the creator's local day of p_since
 * on.  Only the service may call it.
 */
PG_FUNCTION_INFO_V1(refresh_video_analytics);
Datum
refresh_video_analytics(PG_FUNCTION_ARGS)
{
	Oid			recompute_types[4] = {UUIDARRAYOID, UUIDARRAYOID, TIMESTAMPTZARRAYOID, TIMESTAMPTZOID};
	Datum		args[4];
	char		nulls[4] = {' ', ' ', ' ', ' '};
	ChronosSavedUser saved;
	bool		isnull;
	bool		qoe;
	int32		written;

	if (!PG_ARGISNULL(0) && TIMESTAMP_NOT_FINITE(PG_GETARG_TIMESTAMPTZ(0)))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("p_since must be a finite time"),
				 errhint("To recompute everything, pass a time before the first session.")));
	if (!ChronosGetIdentity()->is_service)
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("permission denied to refresh video analytics"),
				 errdetail("Only the service refreshes the rollups, for example from a scheduled job.")));

	ChronosBecomeOwner(&saved);
	ChronosSpiConnect();

	if (SPI_execute(lock_sql, false, 0) != SPI_OK_UTILITY)
		elog(ERROR, "could not lock chronos.video_analytics");
	if (SPI_execute_plan(ChronosKeptPlan(&claim_plan, claim_sql, 0, NULL), NULL, NULL, false, 0)
		!= SPI_OK_DELETE_RETURNING)
		elog(ERROR, "could not claim pending rollup work");

	args[0] = ClaimedColumn(1, UUIDOID, UUID_LEN, false, TYPALIGN_CHAR);
	args[1] = ClaimedColumn(2, UUIDOID, UUID_LEN, false, TYPALIGN_CHAR);
	args[2] = ClaimedColumn(3, TIMESTAMPTZOID, sizeof(TimestampTz), FLOAT8PASSBYVAL,
							TYPALIGN_DOUBLE);
	args[3] = PG_ARGISNULL(0) ? (Datum) 0 : PG_GETARG_DATUM(0);
	nulls[3] = PG_ARGISNULL(0) ? 'n' : ' ';

	/* a database still at chronos 1.0 has not the quality-of-experience columns */
	qoe = ChronosHasRelation("video_analytics", "rebuffer_count");
	if (ChronosCitusLoaded())
		written = RecomputePerCreator(args, nulls, qoe);
	else
	{
		/* a new snapshot: it sees every session change whose entry was claimed */
		if (SPI_execute_plan(ChronosKeptPlan(&recompute_plan, recompute_sql, 4, recompute_types),
							 args, nulls, false, 0) != SPI_OK_SELECT || SPI_processed != 1)
			elog(ERROR, "could not recompute video analytics");
		written = DatumGetInt32(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1,
											  &isnull));
		if (qoe)
			RecomputeQoe(args, nulls, (Datum) 0);
	}

	SPI_finish();
	ChronosRestoreUser(&saved);
	PG_RETURN_INT32(written);
}
