/*
 * watch.c
 *		Watch-session progress: the auto-completion trigger and the three
 *		helpers the report's application calls.
 *
 * The helpers answer as the caller, so row-level security decides which
 * sessions count: a caller learns nothing about a session it may not see (it
 * gets the same answer as for no session at all).  For callers that row-level
 * security does not apply to (the service, the owner) they read the
 * (student_id, video_id, session_start) index directly, which is faster than
 * the SELECT they replace; everyone else goes through the executor, where the
 * policies apply.
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
#include "utils/fmgroids.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/rls.h"
#include "utils/snapmgr.h"
#include "utils/timestamp.h"

#include "chronos.h"
#include "compat.h"
#include "plans.h"

/*
 * Column numbers of video_watch_sessions the trigger reads, looked up once
 * and forgotten when the table's relcache entry is invalidated (ALTER TABLE,
 * DROP EXTENSION), so a rebuilt table is never read with stale numbers.
 */
typedef struct SessionColumns
{
	Oid			relid;
	AttrNumber	watch_time_seconds;
	AttrNumber	percent_complete;
	AttrNumber	completed;
	AttrNumber	completed_at;
} SessionColumns;

static SessionColumns session_columns;
static bool session_callback_registered = false;

static void
ForgetSessionColumns(Datum arg, Oid relid)
{
	if (relid == InvalidOid || relid == session_columns.relid)
		session_columns.relid = InvalidOid;
}

static AttrNumber
RequiredColumn(Relation rel, const char *name)
{
	int			attnum = SPI_fnumber(rel->rd_att, name);

	if (attnum <= 0)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_COLUMN),
				 errmsg("table \"%s\" has no column \"%s\"", RelationGetRelationName(rel), name)));
	return (AttrNumber) attnum;
}

static const SessionColumns *
GetSessionColumns(Relation rel)
{
	if (!session_callback_registered)
	{
		CacheRegisterRelcacheCallback(ForgetSessionColumns, (Datum) 0);
		session_callback_registered = true;
	}
	if (session_columns.relid != RelationGetRelid(rel))
	{
		/* look all up before remembering any: a missing column leaves the cache as it was */
		SessionColumns cols;

		cols.watch_time_seconds = RequiredColumn(rel, "watch_time_seconds");
		cols.percent_complete = RequiredColumn(rel, "percent_complete");
		cols.completed = RequiredColumn(rel, "completed");
		cols.completed_at = RequiredColumn(rel, "completed_at");
		cols.relid = RelationGetRelid(rel);
		session_columns = cols;
	}
	return &session_columns;
}

/* Whether a nullable boolean column of tuple is true. */
static bool
ColumnIsTrue(HeapTuple tuple, TupleDesc desc, AttrNumber attnum)
{
	bool		isnull;
	Datum		value = heap_getattr(tuple, attnum, desc, &isnull);

	return !isnull && DatumGetBool(value);
}

/*
 * Whether a write sets percent_complete: every INSERT, and an UPDATE that
 * changes it.  An UPDATE of other columns (ending a session, say) does not
 * judge completion again under whatever threshold is in force now.
 */
static bool
PercentChanged(HeapTuple oldtuple, TupleDesc desc, AttrNumber attnum, int32 percent)
{
	bool		isnull;
	Datum		old;

	if (oldtuple == NULL)
		return true;
	old = heap_getattr(oldtuple, attnum, desc, &isnull);
	return isnull || DatumGetInt32(old) != percent;
}

/*
 * auto_complete_watch_session (BEFORE INSERT OR UPDATE on
 * video_watch_sessions): percent_complete at or above
 * chronos.completion_threshold, when a write sets it, sets completed and,
 * the first time only, completed_at.  A completed session stays completed with its first
 * completed_at, whatever an UPDATE says.  A session that is not completed has
 * no completed_at.  An explicit NULL in completed is left for NOT NULL to
 * refuse.
 */
PG_FUNCTION_INFO_V1(auto_complete_watch_session);
Datum
auto_complete_watch_session(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;
	const SessionColumns *cols;
	TupleDesc	desc;
	HeapTuple	oldtuple = NULL;
	HeapTuple	newtuple;
	bool		isnull;
	Datum		percent;
	bool		completed;
	bool		completed_null;
	Datum		completed_at;
	bool		completed_at_null;
	int			attnums[2];
	Datum		values[2];
	bool		nulls[2];

	if (!CALLED_AS_TRIGGER(fcinfo) || !TRIGGER_FIRED_BEFORE(trigdata->tg_event) ||
		!TRIGGER_FIRED_FOR_ROW(trigdata->tg_event) ||
		!(TRIGGER_FIRED_BY_INSERT(trigdata->tg_event) || TRIGGER_FIRED_BY_UPDATE(trigdata->tg_event)))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("function \"auto_complete_watch_session\" must be fired BEFORE INSERT OR UPDATE FOR EACH ROW")));

	cols = GetSessionColumns(trigdata->tg_relation);
	desc = trigdata->tg_relation->rd_att;
	if (TRIGGER_FIRED_BY_UPDATE(trigdata->tg_event))
	{
		oldtuple = trigdata->tg_trigtuple;
		newtuple = trigdata->tg_newtuple;
	}
	else
		newtuple = trigdata->tg_trigtuple;

	(void) heap_getattr(newtuple, cols->completed, desc, &completed_null);
	completed = ColumnIsTrue(newtuple, desc, cols->completed);
	completed_at = heap_getattr(newtuple, cols->completed_at, desc, &completed_at_null);
	percent = heap_getattr(newtuple, cols->percent_complete, desc, &isnull);

	if (oldtuple != NULL && ColumnIsTrue(oldtuple, desc, cols->completed))
	{
		/* completed for good, at the time it first completed */
		Datum		first = heap_getattr(oldtuple, cols->completed_at, desc, &isnull);

		completed = true;
		if (!isnull)
		{
			completed_at = first;
			completed_at_null = false;
		}
	}
	else if (!isnull && DatumGetInt32(percent) >= chronos_completion_threshold &&
			 PercentChanged(oldtuple, desc, cols->percent_complete, DatumGetInt32(percent)))
		completed = true;
	else if (!completed)
	{
		/* false stays false, NULL stays NULL for NOT NULL to refuse */
		if (completed_at_null)
			return PointerGetDatum(newtuple);
		completed_at_null = true;
	}

	if (completed && completed_at_null)
	{
		completed_at = TimestampTzGetDatum(GetCurrentTransactionStartTimestamp());
		completed_at_null = false;
	}

	attnums[0] = cols->completed;
	values[0] = BoolGetDatum(completed);
	nulls[0] = completed_null && !completed;
	attnums[1] = cols->completed_at;
	values[1] = completed_at;
	nulls[1] = completed_at_null;
	return PointerGetDatum(heap_modify_tuple_by_cols(newtuple, desc, 2, attnums, values, nulls));
}

/* The three helpers' queries; the caller's row-level security applies. */
static const char *const helper_sql[] = {
	"SELECT pg_catalog.int4(COALESCE(pg_catalog.sum(watch_time_seconds), 0))"
	" FROM chronos.video_watch_sessions"
	" WHERE student_id OPERATOR(pg_catalog.=) $1 AND video_id OPERATOR(pg_catalog.=) $2",
	"SELECT COALESCE(pg_catalog.max(percent_complete), 0)"
	" FROM chronos.video_watch_sessions"
	" WHERE student_id OPERATOR(pg_catalog.=) $1 AND video_id OPERATOR(pg_catalog.=) $2",
	"SELECT EXISTS (SELECT FROM chronos.video_watch_sessions"
	" WHERE student_id OPERATOR(pg_catalog.=) $1 AND video_id OPERATOR(pg_catalog.=) $2"
	" AND completed)"
};

typedef enum HelperQuery
{
	TOTAL_WATCH_TIME,
	HIGHEST_COMPLETION,
	HAS_COMPLETED
} HelperQuery;

static SPIPlanPtr helper_plans[lengthof(helper_sql)];

/*
 * ReadSessionsDirectly answers helper query q by scanning the index on
 * (student_id, video_id, session_start) itself.  Returns false, having read
 * nothing, when that is not allowed or not possible: row-level security
 * applies to the caller, the caller lacks SELECT on the table, or the index
 * is gone.
 */
static bool
ReadSessionsDirectly(HelperQuery q, Datum student, Datum video, Datum *result)
{
	Oid			nsp = get_namespace_oid("chronos", true);
	Oid			relid = get_relname_relid("video_watch_sessions", nsp);
	Oid			indexid = get_relname_relid("video_watch_sessions_student_id_video_id_session_start_idx", nsp);
	Relation	rel;
	Relation	index;
	const SessionColumns *cols;
	IndexScanDesc scan;
	TupleTableSlot *slot;
	ScanKeyData keys[2];
	int64		watch_time = 0;
	int32		highest = 0;
	bool		completed = false;

	if (!OidIsValid(relid) || !OidIsValid(indexid) ||
		check_enable_rls(relid, InvalidOid, true) == RLS_ENABLED ||
		pg_class_aclcheck(relid, GetUserId(), ACL_SELECT) != ACLCHECK_OK)
		return false;

	rel = table_open(relid, AccessShareLock);
	index = index_open(indexid, AccessShareLock);
	cols = GetSessionColumns(rel);

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

	switch (q)
	{
		case TOTAL_WATCH_TIME:
			if (watch_time > PG_INT32_MAX)
				ereport(ERROR,
						(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
						 errmsg("integer out of range")));
			*result = Int32GetDatum((int32) watch_time);
			break;
		case HIGHEST_COMPLETION:
			*result = Int32GetDatum(highest);
			break;
		case HAS_COMPLETED:
			*result = BoolGetDatum(completed);
			break;
	}
	return true;
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

	if (ReadSessionsDirectly(q, args[0], args[1], &result))
		return result;

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
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
