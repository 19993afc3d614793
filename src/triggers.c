/*
 * triggers.c
 *		The row triggers of chronos's tables: set_updated_at keeps updated_at
 *		honest, fill_creator_id copies the tenant key from a parent row,
 *		auto_complete_watch_session marks a watch session completed, and
 *		check_event_session keeps an event's session its student's and video's.
 *
 * Each checks how it was fired, then finds the columns it touches by name
 * in the trigger's own table, so it works on any table with those columns.
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "access/xact.h"
#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "utils/builtins.h"
#include "utils/hsearch.h"
#include "utils/rel.h"
#include "utils/timestamp.h"
#include "utils/uuid.h"

#include "chronos.h"
#include "args.h"
#include "compat.h"
#include "event_model.h"
#include "spi_sql.h"

/*
 * Raise an error unless the function was fired as a row trigger, BEFORE when
 * before is set and AFTER otherwise, by the events allowed (the message
 * names them).
 */
static void
CheckTriggerContext(FunctionCallInfo fcinfo, const char *name, bool before,
					bool allow_insert, bool allow_update)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;

	if (!CALLED_AS_TRIGGER(fcinfo) ||
		!TRIGGER_FIRED_FOR_ROW(trigdata->tg_event) ||
		(before != TRIGGER_FIRED_BEFORE(trigdata->tg_event)) ||
		(TRIGGER_FIRED_BY_INSERT(trigdata->tg_event) && !allow_insert) ||
		(TRIGGER_FIRED_BY_UPDATE(trigdata->tg_event) && !allow_update) ||
		TRIGGER_FIRED_BY_DELETE(trigdata->tg_event) ||
		TRIGGER_FIRED_BY_TRUNCATE(trigdata->tg_event))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("function \"%s\" must be fired %s %s FOR EACH ROW", name,
						before ? "BEFORE" : "AFTER",
						allow_insert && allow_update ? "INSERT OR UPDATE" :
						allow_insert ? "INSERT" : "UPDATE")));
}

/* Number of the named column of the trigger's table; an error if it has none. */
static int
TriggerColumn(TriggerData *trigdata, const char *column)
{
	int			attnum = SPI_fnumber(trigdata->tg_relation->rd_att, column);

	if (attnum <= 0)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_COLUMN),
				 errmsg("table \"%s\" has no column \"%s\"",
						RelationGetRelationName(trigdata->tg_relation), column)));
	return attnum;
}

/*
 * set_updated_at sets updated_at to the transaction's start time, whatever
 * the UPDATE wrote there, so the column cannot be forged.
 */
PG_FUNCTION_INFO_V1(set_updated_at);
Datum
set_updated_at(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;
	int			attnum;
	Datum		value;
	bool		isnull = false;
	HeapTuple	newtuple;

	CheckTriggerContext(fcinfo, "set_updated_at", true, false, true);

	attnum = TriggerColumn(trigdata, "updated_at");
	value = TimestampTzGetDatum(GetCurrentTransactionStartTimestamp());
	newtuple = heap_modify_tuple_by_cols(trigdata->tg_newtuple,
										 trigdata->tg_relation->rd_att,
										 1, &attnum, &value, &isnull);
	return PointerGetDatum(newtuple);
}

/*
 * One prepared lookup per parent table and key column, kept for the life of
 * the backend.  The plan cache re-plans it when the table changes, including
 * after DROP EXTENSION / CREATE EXTENSION, since the query names the table
 * by its qualified name.
 */
typedef struct ParentLookup
{
	char		key[2 * NAMEDATALEN + 2];	/* "table.column": hash key */
	SPIPlanPtr	plan;
} ParentLookup;

static HTAB *parent_lookups = NULL;

static SPIPlanPtr
ParentLookupPlan(const char *table)
{
	ParentLookup *entry;
	char		key[2 * NAMEDATALEN + 2];
	bool		found;

	if (parent_lookups == NULL)
	{
		HASHCTL		ctl;

		ctl.keysize = sizeof(key);
		ctl.entrysize = sizeof(ParentLookup);
		parent_lookups = hash_create("chronos parent lookups", 8, &ctl,
									 HASH_ELEM | HASH_STRINGS);
	}

	memset(key, 0, sizeof(key));
	strlcpy(key, table, sizeof(key));
	entry = hash_search(parent_lookups, key, HASH_ENTER, &found);
	if (!found)
		entry->plan = NULL;
	if (entry->plan == NULL)
	{
		Oid			argtypes[1] = {UUIDOID};

		ChronosKeptPlan(&entry->plan,
						psprintf("SELECT creator_id FROM chronos.%s WHERE id" SQL_EQ "$1",
								 quote_identifier(table)),
						1, argtypes);
	}
	return entry->plan;
}

/*
 * fill_creator_id(parent_table, key_column): when a new row has no
 * creator_id, copy it from the parent row its key column points at.  A
 * creator_id that is given is left alone: the composite foreign key
 * (key_column, creator_id) then verifies that it matches the parent.  An
 * unknown parent (or one the caller may not see) is a foreign_key_violation.
 */
PG_FUNCTION_INFO_V1(fill_creator_id);
Datum
fill_creator_id(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;
	Trigger    *trigger;
	TupleDesc	tupdesc;
	HeapTuple	tuple;
	int			creator_attnum;
	int			key_attnum;
	bool		isnull;
	Datum		key;
	Datum		creator;
	bool		creator_isnull = true;

	CheckTriggerContext(fcinfo, "fill_creator_id", true, true, false);

	trigger = trigdata->tg_trigger;
	if (trigger->tgnargs != 2)
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("function \"fill_creator_id\" takes two trigger arguments: the parent table and the key column")));

	tuple = trigdata->tg_trigtuple;
	tupdesc = trigdata->tg_relation->rd_att;
	creator_attnum = TriggerColumn(trigdata, "creator_id");
	key_attnum = TriggerColumn(trigdata, trigger->tgargs[1]);

	(void) heap_getattr(tuple, creator_attnum, tupdesc, &isnull);
	if (!isnull)
		return PointerGetDatum(tuple);
	key = heap_getattr(tuple, key_attnum, tupdesc, &isnull);
	if (isnull)
		return PointerGetDatum(tuple);

	ChronosSpiConnect();
	if (SPI_execute_plan(ParentLookupPlan(trigger->tgargs[0]), &key, NULL, true, 1) != SPI_OK_SELECT)
		elog(ERROR, "SPI_execute_plan failed in fill_creator_id");
	if (SPI_processed == 1)
	{
		creator = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1,
								&creator_isnull);
		if (!creator_isnull)
			creator = SPI_datumTransfer(creator, false, UUID_LEN);
	}
	SPI_finish();

	if (creator_isnull)
	{
		/* "course_id" names a course: report the parent the way a foreign key would */
		const char *column = trigger->tgargs[1];
		int			nounlen = strlen(column) > 3 ? (int) strlen(column) - 3 : (int) strlen(column);

		ereport(ERROR,
				(errcode(ERRCODE_FOREIGN_KEY_VIOLATION),
				 errmsg("%.*s %s does not exist", nounlen, column,
						DatumGetCString(DirectFunctionCall1(uuid_out, key))),
				 errdetail("The row's %s must name a row of chronos.%s that the caller can see.",
						   column, trigger->tgargs[0]),
				 errtable(trigdata->tg_relation)));
	}
	return PointerGetDatum(heap_modify_tuple_by_cols(tuple, tupdesc, 1, &creator_attnum,
													 &creator, &creator_isnull));
}

/* Whether a nullable boolean column of tuple is true. */
static bool
ColumnIsTrue(HeapTuple tuple, TupleDesc desc, int attnum)
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
PercentChanged(HeapTuple oldtuple, TupleDesc desc, int attnum, int32 percent)
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
	int			percent_attnum;

	CheckTriggerContext(fcinfo, "auto_complete_watch_session", true, true, true);
	/* the table has the shape of video_watch_sessions, watch time included */
	(void) TriggerColumn(trigdata, "watch_time_seconds");
	percent_attnum = TriggerColumn(trigdata, "percent_complete");
	attnums[0] = TriggerColumn(trigdata, "completed");
	attnums[1] = TriggerColumn(trigdata, "completed_at");

	desc = trigdata->tg_relation->rd_att;
	if (TRIGGER_FIRED_BY_UPDATE(trigdata->tg_event))
	{
		oldtuple = trigdata->tg_trigtuple;
		newtuple = trigdata->tg_newtuple;
	}
	else
		newtuple = trigdata->tg_trigtuple;

	(void) heap_getattr(newtuple, attnums[0], desc, &completed_null);
	completed = ColumnIsTrue(newtuple, desc, attnums[0]);
	completed_at = heap_getattr(newtuple, attnums[1], desc, &completed_at_null);
	percent = heap_getattr(newtuple, percent_attnum, desc, &isnull);

	if (oldtuple != NULL && ColumnIsTrue(oldtuple, desc, attnums[0]))
	{
		/* completed for good, at the time it first completed */
		Datum		first = heap_getattr(oldtuple, attnums[1], desc, &isnull);

		completed = true;
		if (!isnull)
		{
			completed_at = first;
			completed_at_null = false;
		}
	}
	else if (!isnull && DatumGetInt32(percent) >= chronos_completion_threshold &&
			 PercentChanged(oldtuple, desc, percent_attnum, DatumGetInt32(percent)))
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

	values[0] = BoolGetDatum(completed);
	nulls[0] = completed_null && !completed;
	values[1] = completed_at;
	nulls[1] = completed_at_null;
	return PointerGetDatum(heap_modify_tuple_by_cols(newtuple, desc, 2, attnums, values, nulls));
}

/*
 * check_event_session (AFTER INSERT OR UPDATE on video_analytics_events): an
 * event's session must be a session of the event's student and video.  The
 * foreign key (session_id) makes the session exist and sets session_id to
 * NULL when it is deleted; this trigger checks the rest, which a composite
 * foreign key would check only at the price of a unique index on (id,
 * student_id, video_id) of the sessions, as large as their primary key.  The
 * session is looked up with the event's creator_id, so that on Citus the
 * lookup reads the co-located shard only (chronos.distribute()); a session
 * of another creator is then not found, and refused like a mismatch.
 * Fired AFTER, it runs after the foreign keys' checks (their triggers' names
 * sort first), so the references are reported in the same order as ever.
 */
PG_FUNCTION_INFO_V1(check_event_session);
Datum
check_event_session(PG_FUNCTION_ARGS)
{
	static SPIPlanPtr plan = NULL;
	TriggerData *trigdata = (TriggerData *) fcinfo->context;
	HeapTuple	tuple;
	TupleDesc	desc;
	EventRow	row;
	Datum		session;
	Datum		args[2];
	bool		isnull;
	bool		matches = true;

	CheckTriggerContext(fcinfo, "check_event_session", false, true, true);
	tuple = TRIGGER_FIRED_BY_UPDATE(trigdata->tg_event) ? trigdata->tg_newtuple : trigdata->tg_trigtuple;
	desc = trigdata->tg_relation->rd_att;

	session = heap_getattr(tuple, TriggerColumn(trigdata, "session_id"), desc, &isnull);
	if (isnull)
		return PointerGetDatum(NULL);

	memset(&row, 0, sizeof(row));
	row.refs[REF_SESSION] = *DatumGetUUIDP(session);
	row.refs[REF_VIDEO] = *DatumGetUUIDP(heap_getattr(tuple, TriggerColumn(trigdata, "video_id"),
													  desc, &row.ref_null[REF_VIDEO]));
	row.refs[REF_CREATOR] = *DatumGetUUIDP(heap_getattr(tuple, TriggerColumn(trigdata, "creator_id"),
														desc, &row.ref_null[REF_CREATOR]));
	{
		Datum		student = heap_getattr(tuple, TriggerColumn(trigdata, "student_id"), desc,
										   &row.ref_null[REF_STUDENT]);

		/* a session without a student is the CHECK constraint's to refuse */
		if (row.ref_null[REF_STUDENT])
			return PointerGetDatum(NULL);
		row.refs[REF_STUDENT] = *DatumGetUUIDP(student);
	}

	args[0] = session;
	args[1] = UUIDPGetDatum(&row.refs[REF_CREATOR]);
	ChronosSpiConnect();
	if (plan == NULL)
	{
		Oid			argtypes[2] = {UUIDOID, UUIDOID};

		ChronosKeptPlan(&plan, "SELECT student_id, video_id FROM chronos.video_watch_sessions"
						" WHERE id" SQL_EQ "$1 AND creator_id" SQL_EQ "$2", 2, argtypes);
	}
	if (SPI_execute_plan(plan, args, NULL, true, 1) != SPI_OK_SELECT)
		elog(ERROR, "SPI_execute_plan failed in check_event_session");
	/* with the creator in the key the lookup reads one shard on Citus; the
	 * foreign key made the session exist, so none found is another
	 * creator's session */
	matches = SPI_processed == 1;
	if (matches)
	{
		Datum		student = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
		Datum		video = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2, &isnull);

			matches = memcmp(DatumGetUUIDP(student)->data, row.refs[REF_STUDENT].data, UUID_LEN) == 0 &&
			memcmp(DatumGetUUIDP(video)->data, row.refs[REF_VIDEO].data, UUID_LEN) == 0;
	}
	SPI_finish();

	if (!matches)
		ereport(ERROR,
				(errcode(ERRCODE_FOREIGN_KEY_VIOLATION),
				 errmsg("session %s is not a session of student %s on video %s",
						ChronosUuidText(&row.refs[REF_SESSION]), ChronosUuidText(&row.refs[REF_STUDENT]),
						ChronosUuidText(&row.refs[REF_VIDEO])),
				 errdetail("An event's session must be a watch session of the same video and student."),
				 errtableconstraint(trigdata->tg_relation, trigdata->tg_trigger->tgname)));
	return PointerGetDatum(NULL);
}
