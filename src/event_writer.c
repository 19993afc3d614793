/*
 * event_writer.c
 *		Writes checked, authorized events into video_analytics_events: the
 *		one place an event row is written.
 *
 * The caller (track_event.c, watch_sessions.c) has checked the arguments and that
 * the caller may track each event; here the rows are written past row-level
 * security as the extension's owner, with one prepared INSERT per call or per
 * batch.  The table's composite foreign keys check that the video, student,
 * course, module and session belong to the event's creator: the same checks
 * a plain INSERT pays for, so ingestion costs no extra lookups.  A violation
 * is reported with a message naming the bad reference (and, for a batch, the
 * element).
 *
 * Client-chosen ids make ingestion idempotent within each creator: before
 * writing, event_idempotency.c locks each (creator_id, id) and skips the
 * rows that replay a stored event, so a retry writes nothing and a
 * different event reusing the id is refused.
 *
 * Every statement names its objects and operators with their schema, so no
 * search_path a caller sets can change what runs here.
 */
#include "postgres.h"

#include "access/xact.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"
#include "utils/resowner.h"
#include "utils/uuid.h"

#include "args.h"
#include "event_idempotency.h"
#include "event_writer.h"
#include "owner.h"
#include "spi_sql.h"

#define EVENT_COLUMNS \
	"id, event_type, video_id, creator_id, student_id, course_id, module_id, session_id, metadata, " \
	"\"timestamp\", id_given"
#define NUM_INSERT_ARGS 11

static const char *const insert_one_sql =
"INSERT INTO chronos.video_analytics_events (" EVENT_COLUMNS ") "
"VALUES ($1, $2::chronos.video_event_type, $3, $4, $5, $6, $7, $8, $9, $10, $11)";

static const char *const insert_batch_sql =
"INSERT INTO chronos.video_analytics_events (" EVENT_COLUMNS ") "
"SELECT u.id, u.t::chronos.video_event_type, u.v, u.c, u.s, u.co, u.m, u.se, u.md, u.ts, u.g "
"FROM ROWS FROM (pg_catalog.unnest($1), pg_catalog.unnest($2), pg_catalog.unnest($3), "
"pg_catalog.unnest($4), pg_catalog.unnest($5), pg_catalog.unnest($6), pg_catalog.unnest($7), "
"pg_catalog.unnest($8), pg_catalog.unnest($9), pg_catalog.unnest($10), pg_catalog.unnest($11)) "
"AS u(id, t, v, c, s, co, m, se, md, ts, g)";


/*
 * Finds the first element of a batch whose references are not valid, and
 * which one (an EventRef), in the order the foreign keys would report them.
 */
static const char *const diagnose_sql =
"SELECT i, ref FROM ("
" SELECT u.i, CASE"
"  WHEN NOT EXISTS (SELECT FROM chronos.creators x WHERE x.id" SQL_EQ "u.c) THEN 1"
"  WHEN NOT EXISTS (SELECT FROM chronos.videos x WHERE x.id" SQL_EQ "u.v AND x.creator_id" SQL_EQ "u.c) THEN 0"
"  WHEN u.s IS NOT NULL AND NOT EXISTS (SELECT FROM chronos.students x"
"       WHERE x.id" SQL_EQ "u.s AND x.creator_id" SQL_EQ "u.c) THEN 2"
"  WHEN u.co IS NOT NULL AND NOT EXISTS (SELECT FROM chronos.courses x"
"       WHERE x.id" SQL_EQ "u.co AND x.creator_id" SQL_EQ "u.c) THEN 3"
"  WHEN u.m IS NOT NULL AND NOT EXISTS (SELECT FROM chronos.course_modules x"
"       WHERE x.id" SQL_EQ "u.m AND x.creator_id" SQL_EQ "u.c"
"       AND (u.co IS NULL OR x.course_id" SQL_EQ "u.co)) THEN 4"
"  WHEN u.se IS NOT NULL AND NOT EXISTS (SELECT FROM chronos.video_watch_sessions x"
"       WHERE x.id" SQL_EQ "u.se AND x.student_id" SQL_EQ "u.s AND x.video_id" SQL_EQ "u.v) THEN 5"
"  END AS ref"
" FROM ROWS FROM (pg_catalog.unnest($1), pg_catalog.unnest($2), pg_catalog.unnest($3),"
"  pg_catalog.unnest($4), pg_catalog.unnest($5), pg_catalog.unnest($6))"
"  WITH ORDINALITY AS u(v, c, s, co, m, se, i)"
") d WHERE ref IS NOT NULL ORDER BY i LIMIT 1";

static SPIPlanPtr insert_one_plan;
static SPIPlanPtr insert_batch_plan;
static SPIPlanPtr diagnose_plan;

/* The EventRef a foreign key of the events table checks, or -1. */
static int
ConstraintRef(const char *constraint)
{
	static const struct
	{
		const char *name;
		EventRef	ref;
	}			fkeys[] = {
		{"video_analytics_events_creator_id_fkey", REF_CREATOR},
		{"video_analytics_events_video_id_creator_id_fkey", REF_VIDEO},
		{"video_analytics_events_student_id_creator_id_fkey", REF_STUDENT},
		{"video_analytics_events_course_id_creator_id_fkey", REF_COURSE},
		{"video_analytics_events_module_id_creator_id_fkey", REF_MODULE},
		{"video_analytics_events_module_id_course_id_fkey", REF_MODULE},
		{"video_analytics_events_session_id_fkey", REF_SESSION},
		{"video_analytics_events_check_session", REF_SESSION},
	};

	if (constraint == NULL)
		return -1;
	for (int i = 0; i < (int) lengthof(fkeys); i++)
		if (strcmp(constraint, fkeys[i].name) == 0)
			return fkeys[i].ref;
	return -1;
}

/* Error context: which element of p_events an error is about. */
static void
EventElementContext(void *arg)
{
	const EventRow *row = *(const EventRow *const *) arg;

	if (row != NULL && row->element >= 0)
		errcontext("p_events element %d", row->element);
}

static Datum
UuidArg(const pg_uuid_t *id)
{
	return UUIDPGetDatum((pg_uuid_t *) id);
}

/* Writes one event; a foreign key violation is reported naming the reference. */
static int
InsertOne(EventRow *row)
{
	static Oid	argtypes[NUM_INSERT_ARGS] = {
		UUIDOID, TEXTOID, UUIDOID, UUIDOID, UUIDOID, UUIDOID, UUIDOID, UUIDOID,
		JSONBOID, TIMESTAMPTZOID, BOOLOID
	};
	Datum		values[NUM_INSERT_ARGS];
	char		nulls[NUM_INSERT_ARGS];
	SPIPlanPtr	plan;
	MemoryContext cxt = CurrentMemoryContext;

	values[0] = UuidArg(&row->id);
	nulls[0] = ' ';
	values[1] = CStringGetTextDatum(row->event_type);
	nulls[1] = ' ';
	for (int ref = 0; ref < NUM_EVENT_REFS; ref++)
	{
		values[2 + ref] = UuidArg(&row->refs[ref]);
		nulls[2 + ref] = row->ref_null[ref] ? 'n' : ' ';
	}
	values[8] = JsonbPGetDatum(row->metadata);
	nulls[8] = ' ';
	values[9] = TimestampTzGetDatum(row->timestamp);
	nulls[9] = ' ';
	values[10] = BoolGetDatum(row->id_given);
	nulls[10] = ' ';

	plan = ChronosKeptPlan(&insert_one_plan, insert_one_sql, NUM_INSERT_ARGS, argtypes);

	PG_TRY();
	{
		int			rc = SPI_execute_plan(plan, values, nulls, false, 0);

		if (rc != SPI_OK_INSERT)
			elog(ERROR, "could not insert event: %s", SPI_result_code_string(rc));
	}
	PG_CATCH();
	{
		ErrorData  *edata;
		int			ref;

		/*
		 * Only re-raise from here: the statement failed and the transaction
		 * is about to abort, so nothing else may run.
		 */
		MemoryContextSwitchTo(cxt);
		edata = CopyErrorData();
		ref = edata->sqlerrcode == ERRCODE_FOREIGN_KEY_VIOLATION
			? ConstraintRef(edata->constraint_name) : -1;
		if (ref < 0)
			PG_RE_THROW();
		FlushErrorState();
		ReportBadEventReference((EventRef) ref, row);
	}
	PG_END_TRY();

	return (int) SPI_processed;
}

static ArrayType *
UuidColumn(EventRow *rows, int n, int ref, bool is_id)
{
	Datum	   *values = palloc(sizeof(Datum) * n);
	bool	   *nulls = palloc(sizeof(bool) * n);
	int			dims[1] = {n};
	int			lbs[1] = {1};

	for (int i = 0; i < n; i++)
	{
		values[i] = UuidArg(is_id ? &rows[i].id : &rows[i].refs[ref]);
		nulls[i] = is_id ? false : rows[i].ref_null[ref];
	}
	return construct_md_array(values, nulls, 1, dims, lbs, UUIDOID, UUID_LEN, false,
							  TYPALIGN_CHAR);
}

/*
 * Runs the batch INSERT in a subtransaction, so that a foreign key violation
 * can be rolled back and diagnosed: which element, which reference.
 */
static void
ExecuteBatchInsert(SPIPlanPtr plan, Datum *values, EventRow *rows, const EventRow **current)
{
	MemoryContext cxt = CurrentMemoryContext;
	ResourceOwner owner = CurrentResourceOwner;

	BeginInternalSubTransaction(NULL);
	MemoryContextSwitchTo(cxt);
	PG_TRY();
	{
		int			rc = SPI_execute_plan(plan, values, NULL, false, 0);

		if (rc != SPI_OK_INSERT)
			elog(ERROR, "could not insert events: %s", SPI_result_code_string(rc));
		ReleaseCurrentSubTransaction();
		MemoryContextSwitchTo(cxt);
		CurrentResourceOwner = owner;
	}
	PG_CATCH();
	{
		ErrorData  *edata;
		Datum		args[NUM_EVENT_REFS];
		Oid			argtypes[NUM_EVENT_REFS];
		bool		isnull;
		int			element;
		int			ref;

		MemoryContextSwitchTo(cxt);
		edata = CopyErrorData();
		FlushErrorState();
		RollbackAndReleaseCurrentSubTransaction();
		MemoryContextSwitchTo(cxt);
		CurrentResourceOwner = owner;

		if (edata->sqlerrcode != ERRCODE_FOREIGN_KEY_VIOLATION ||
			ConstraintRef(edata->constraint_name) < 0)
			ReThrowError(edata);

		/* values[2..7] are the reference columns, in EventRef order */
		for (int r = 0; r < NUM_EVENT_REFS; r++)
		{
			args[r] = values[2 + r];
			argtypes[r] = UUIDARRAYOID;
		}
		if (SPI_execute_plan(ChronosKeptPlan(&diagnose_plan, diagnose_sql, NUM_EVENT_REFS, argtypes),
							 args, NULL, true, 1) != SPI_OK_SELECT || SPI_processed != 1)
			ReThrowError(edata);
		element = (int) DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0],
													SPI_tuptable->tupdesc, 1, &isnull)) - 1;
		ref = DatumGetInt32(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2,
										  &isnull));
		*current = &rows[element];
		ReportBadEventReference((EventRef) ref, &rows[element]);
	}
	PG_END_TRY();
}

/* Writes a batch with one INSERT ... SELECT FROM unnest(...). */
static int
InsertBatch(EventRow *rows, int n, const EventRow **current)
{
	static Oid	argtypes[NUM_INSERT_ARGS] = {
		UUIDARRAYOID, TEXTARRAYOID, UUIDARRAYOID, UUIDARRAYOID, UUIDARRAYOID, UUIDARRAYOID,
		UUIDARRAYOID, UUIDARRAYOID, JSONBARRAYOID, TIMESTAMPTZARRAYOID, BOOLARRAYOID
	};
	Datum		values[NUM_INSERT_ARGS];
	Datum	   *types = palloc(sizeof(Datum) * n);
	Datum	   *metadata = palloc(sizeof(Datum) * n);
	Datum	   *timestamps = palloc(sizeof(Datum) * n);
	Datum	   *ids_given = palloc(sizeof(Datum) * n);

	for (int i = 0; i < n; i++)
	{
		types[i] = CStringGetTextDatum(rows[i].event_type);
		metadata[i] = JsonbPGetDatum(rows[i].metadata);
		timestamps[i] = TimestampTzGetDatum(rows[i].timestamp);
		ids_given[i] = BoolGetDatum(rows[i].id_given);
	}
	values[0] = PointerGetDatum(UuidColumn(rows, n, 0, true));
	values[1] = PointerGetDatum(construct_array(types, n, TEXTOID, -1, false, TYPALIGN_INT));
	for (int ref = 0; ref < NUM_EVENT_REFS; ref++)
		values[2 + ref] = PointerGetDatum(UuidColumn(rows, n, ref, false));
	values[8] = PointerGetDatum(construct_array(metadata, n, JSONBOID, -1, false, TYPALIGN_INT));
	values[9] = PointerGetDatum(construct_array(timestamps, n, TIMESTAMPTZOID, sizeof(TimestampTz),
												FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
	values[10] = PointerGetDatum(construct_array(ids_given, n, BOOLOID, 1, true, TYPALIGN_CHAR));

	ExecuteBatchInsert(ChronosKeptPlan(&insert_batch_plan, insert_batch_sql, NUM_INSERT_ARGS, argtypes),
					   values, rows, current);
	return (int) SPI_processed;
}

/*
 * Writes the rows of rows[0..n) that replay nothing: a single call with one
 * INSERT, a batch with one INSERT ... SELECT.
 */
static int
InsertNewEvents(EventRow *rows, int n, const EventRow **current)
{
	bool	   *skip = palloc(sizeof(bool) * n);
	int			nskipped = SkipReplayedEvents(rows, n, skip, current);
	EventRow   *todo;
	int			ntodo = 0;

	if (nskipped == n)
		return 0;
	if (n == 1 && rows[0].element < 0)
		return InsertOne(rows);
	if (nskipped == 0)
		return InsertBatch(rows, n, current);

	todo = palloc(sizeof(EventRow) * (n - nskipped));
	for (int i = 0; i < n; i++)
		if (!skip[i])
			todo[ntodo++] = rows[i];
	return InsertBatch(todo, ntodo, current);
}

/*
 * InsertEvents writes rows[0..n) as the extension's owner and returns how
 * many were new.  The caller has authorized every row.
 */
int
InsertEvents(EventRow *rows, int n)
{
	ChronosSavedUser saved;
	const EventRow *current = NULL;
	ErrorContextCallback errcallback;
	int			written;

	if (n == 0)
		return 0;

	errcallback.callback = EventElementContext;
	errcallback.arg = &current;
	errcallback.previous = error_context_stack;
	error_context_stack = &errcallback;

	ChronosBecomeOwner(&saved);

	ChronosSpiConnect();
	written = InsertNewEvents(rows, n, &current);
	SPI_finish();

	ChronosRestoreUser(&saved);
	error_context_stack = errcallback.previous;
	return written;
}
