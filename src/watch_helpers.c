/*
 * watch_helpers.c
 *		get_student_total_watch_time, get_student_highest_completion and
 *		has_student_completed_video: the three helpers that sum up a
 *		student's watch sessions of a video.
 *
 * The helpers answer as the caller, so row-level security decides which
 * sessions count: a caller learns nothing about a session it may not see (it
 * gets the same answer as for no session at all).  They go through the
 * executor, which ANDs the student and video indexes of the sessions; for
 * callers that row-level security does not apply to (the service, the
 * owner), an index on (student_id, video_id), where an installation adds
 * one, is read directly.
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/stratnum.h"
#include "access/table.h"
#include "access/tableam.h"
#include "access/xact.h"
#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "executor/spi.h"
#include "executor/tuptable.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/datum.h"
#include "utils/fmgroids.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/rls.h"
#include "utils/snapmgr.h"
#include "utils/timestamp.h"

#include "args.h"
#include "catalog_cache.h"
#include "citus.h"
#include "compat.h"
#include "spi_sql.h"

/* The three helpers' queries; the caller's row-level security applies. */
static const char *const helper_sql[] = {
	"SELECT pg_catalog.int4(COALESCE(pg_catalog.sum(watch_time_seconds), 0))"
	" FROM chronos.video_watch_sessions"
	" WHERE student_id" SQL_EQ "$1 AND video_id" SQL_EQ "$2",
	"SELECT COALESCE(pg_catalog.max(percent_complete), 0)"
	" FROM chronos.video_watch_sessions"
	" WHERE student_id" SQL_EQ "$1 AND video_id" SQL_EQ "$2",
	"SELECT EXISTS (SELECT FROM chronos.video_watch_sessions"
	" WHERE student_id" SQL_EQ "$1 AND video_id" SQL_EQ "$2"
	" AND completed)"
};

/*
 * Where Citus is loaded, the same queries naming the video's creator ($3),
 * so that Citus reads the one shard of that creator (a router plan) rather
 * than every shard; the creator is looked up first, as the caller.
 */
static const char *const routed_helper_sql[] = {
	"SELECT pg_catalog.int4(COALESCE(pg_catalog.sum(watch_time_seconds), 0))"
	" FROM chronos.video_watch_sessions"
	" WHERE student_id" SQL_EQ "$1 AND video_id" SQL_EQ "$2 AND creator_id" SQL_EQ "$3",
	"SELECT COALESCE(pg_catalog.max(percent_complete), 0)"
	" FROM chronos.video_watch_sessions"
	" WHERE student_id" SQL_EQ "$1 AND video_id" SQL_EQ "$2 AND creator_id" SQL_EQ "$3",
	"SELECT EXISTS (SELECT FROM chronos.video_watch_sessions"
	" WHERE student_id" SQL_EQ "$1 AND video_id" SQL_EQ "$2 AND creator_id" SQL_EQ "$3"
	" AND completed)"
};

static const char *const video_creator_sql =
"SELECT creator_id FROM chronos.videos WHERE id" SQL_EQ "$1";

typedef enum HelperQuery
{
	TOTAL_WATCH_TIME,
	HIGHEST_COMPLETION,
	HAS_COMPLETED
} HelperQuery;

static SPIPlanPtr helper_plans[lengthof(helper_sql)];
static SPIPlanPtr routed_helper_plans[lengthof(routed_helper_sql)];
static SPIPlanPtr video_creator_plan;

/* The answer of helper query q from what the scan folded. */
static Datum
HelperResult(HelperQuery q, int64 watch_time, int32 highest, bool completed)
{
	switch (q)
	{
		case TOTAL_WATCH_TIME:
			if (watch_time > PG_INT32_MAX)
				ereport(ERROR,
						(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
						 errmsg("integer out of range")));
			return Int32GetDatum((int32) watch_time);
		case HIGHEST_COMPLETION:
			return Int32GetDatum(highest);
		case HAS_COMPLETED:
			break;
	}
	return BoolGetDatum(completed);
}

/*
 * ReadSessionsDirectly answers helper query q by scanning an index on
 * (student_id, video_id) itself.  Returns false, having read nothing, when
 * that is not allowed or not possible: row-level security applies to the
 * caller, the caller lacks SELECT on the table, or no index leads with
 * (student_id, video_id) (chronos's own indexes do not).
 */
static bool
ReadSessionsDirectly(HelperQuery q, Datum student, Datum video, Datum *result)
{
	Oid			relid = ChronosWatchSessionsRelid();
	Oid			indexid;
	Relation	rel;
	Relation	index;
	const WatchSessionColumns *cols;
	IndexScanDesc scan;
	TupleTableSlot *slot;
	ScanKeyData keys[2];
	int64		watch_time = 0;
	int32		highest = 0;
	bool		completed = false;

	if (!OidIsValid(relid) ||
		check_enable_rls(relid, InvalidOid, true) == RLS_ENABLED ||
		pg_class_aclcheck(relid, GetUserId(), ACL_SELECT) != ACLCHECK_OK)
		return false;

	rel = table_open(relid, AccessShareLock);
	indexid = ChronosWatchSessionsIndex(rel);
	if (!OidIsValid(indexid))
	{
		table_close(rel, AccessShareLock);
		return false;
	}
	index = index_open(indexid, AccessShareLock);
	cols = ChronosWatchSessionColumns(rel);

	ScanKeyInit(&keys[0], 1, BTEqualStrategyNumber, F_UUID_EQ, student);
	ScanKeyInit(&keys[1], 2, BTEqualStrategyNumber, F_UUID_EQ, video);
	scan = index_beginscan(rel, index, GetActiveSnapshot(), NULL, 2, 0);
	index_rescan(scan, keys, 2, NULL, 0);
	slot = table_slot_create(rel, NULL);

	while (index_getnext_slot(scan, ForwardScanDirection, slot))
	{
		bool		isnull;
		Datum		value;

		switch (q)
		{
			case TOTAL_WATCH_TIME:
				value = slot_getattr(slot, cols->watch_time_seconds, &isnull);
				if (!isnull)
					watch_time += DatumGetInt32(value);
				break;
			case HIGHEST_COMPLETION:
				value = slot_getattr(slot, cols->percent_complete, &isnull);
				if (!isnull)
					highest = Max(highest, DatumGetInt32(value));
				break;
			case HAS_COMPLETED:
				value = slot_getattr(slot, cols->completed, &isnull);
				completed = !isnull && DatumGetBool(value);
				break;
		}
		if (completed)
			break;
	}

	ExecDropSingleTupleTableSlot(slot);
	index_endscan(scan);
	index_close(index, AccessShareLock);
	table_close(rel, AccessShareLock);

	*result = HelperResult(q, watch_time, highest, completed);
	return true;
}

/*
 * RunRoutedHelper: helper query q where Citus is loaded, as the caller: the
 * video's creator first (a video the caller cannot see has no sessions it
 * may see: the answer for none), then the query naming it.  The coordinator
 * holds no rows of a distributed table, so the direct read is never used.
 */
static Datum
RunRoutedHelper(HelperQuery q, Datum *args)
{
	Oid			argtypes[3] = {UUIDOID, UUIDOID, UUIDOID};
	Datum		routed_args[3];
	Datum		result;
	bool		isnull;

	ChronosSpiConnect();
	if (SPI_execute_plan(ChronosKeptPlan(&video_creator_plan, video_creator_sql, 1, &argtypes[1]),
						 &args[1], NULL, true, 1) != SPI_OK_SELECT)
		elog(ERROR, "could not run \"%s\"", video_creator_sql);
	if (SPI_processed == 0)
	{
		SPI_finish();
		return HelperResult(q, 0, 0, false);
	}
	routed_args[0] = args[0];
	routed_args[1] = args[1];
	/* a uuid is passed by reference: copy it out of the lookup's memory */
	routed_args[2] = datumCopy(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull),
							   false, UUID_LEN);
	if (SPI_execute_plan(ChronosKeptPlan(&routed_helper_plans[q], routed_helper_sql[q], 3, argtypes),
						 routed_args, NULL, true, 1) != SPI_OK_SELECT ||
		SPI_processed != 1)
		elog(ERROR, "could not run \"%s\"", routed_helper_sql[q]);
	result = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
	SPI_finish();
	return result;
}

/* Runs helper query q for (student, video) as the caller; returns its one value. */
static Datum
RunHelper(FunctionCallInfo fcinfo, HelperQuery q)
{
	Oid			argtypes[2] = {UUIDOID, UUIDOID};
	Datum		args[2];
	Datum		result;
	bool		isnull;

	ChronosRequireArgument(fcinfo, 0, "p_student_id");
	ChronosRequireArgument(fcinfo, 1, "p_video_id");
	args[0] = PG_GETARG_DATUM(0);
	args[1] = PG_GETARG_DATUM(1);

	if (ChronosCitusLoaded())
		return RunRoutedHelper(q, args);
	if (ReadSessionsDirectly(q, args[0], args[1], &result))
		return result;

	ChronosSpiConnect();
	if (SPI_execute_plan(ChronosKeptPlan(&helper_plans[q], helper_sql[q], 2, argtypes),
						 args, NULL, true, 1) != SPI_OK_SELECT ||
		SPI_processed != 1)
		elog(ERROR, "could not run \"%s\"", helper_sql[q]);
	/* int4 and bool are passed by value: no copy out of SPI memory needed */
	result = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
	SPI_finish();
	return result;
}

/* get_student_total_watch_time: seconds watched over all the student's sessions of the video. */
PG_FUNCTION_INFO_V1(get_student_total_watch_time);
Datum
get_student_total_watch_time(PG_FUNCTION_ARGS)
{
	return RunHelper(fcinfo, TOTAL_WATCH_TIME);
}

/* get_student_highest_completion: the best percent_complete of any of those sessions. */
PG_FUNCTION_INFO_V1(get_student_highest_completion);
Datum
get_student_highest_completion(PG_FUNCTION_ARGS)
{
	return RunHelper(fcinfo, HIGHEST_COMPLETION);
}

/* has_student_completed_video: whether any of those sessions completed. */
PG_FUNCTION_INFO_V1(has_student_completed_video);
Datum
has_student_completed_video(PG_FUNCTION_ARGS)
{
	return RunHelper(fcinfo, HAS_COMPLETED);
}
