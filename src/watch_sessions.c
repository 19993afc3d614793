/*
 * watch_sessions.c
 *		The watch-session lifecycle: start_watch_session, record_watch_progress
 *		(the heartbeat), end_watch_session and close_stale_watch_sessions.
 *
 * Students have no write access to video_watch_sessions: these functions are
 * the only way a session changes, so progress and completion come from what
 * was played, not from numbers a client wrote.  Each checks the caller (a
 * student acts only on its own sessions, the service on any), then works as
 * the extension's owner.  A heartbeat locks its session row, so two
 * heartbeats of one session, or a heartbeat and the stale-session close,
 * apply one after the other: nothing is lost or half-applied.  The
 * statements run through SPI, except the heartbeat's on one node: the
 * hottest write reads, locks and writes its session with the executor's row
 * calls (session_store.c); where Citus is loaded, or where a statement would
 * fire more (rules, statement-level triggers), it runs SPI statements that
 * name the session's creator.  Both write the values NewProgress computes.
 */
#include "postgres.h"

#include "access/xact.h"
#include "catalog/pg_type.h"
#include "common/int.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "utils/builtins.h"
#include "utils/datum.h"
#include "utils/jsonb.h"
#include "utils/multirangetypes.h"
#include "utils/numeric.h"
#include "utils/rangetypes.h"
#include "utils/timestamp.h"
#include "utils/typcache.h"
#include "utils/uuid.h"

#include "args.h"
#include "catalog_cache.h"
#include "citus.h"
#include "chronos.h"
#include "event_writer.h"
#include "identity.h"
#include "owner.h"
#include "spi_sql.h"
#include "session_store.h"
#include "watch_ranges.h"

#define UUID_TEXT(datum) ChronosUuidText(DatumGetUUIDP(datum))


/* Percent milestones at which a heartbeat emits video_progress, once each. */
static const int milestones[] = {10, 25, 50, 75, 90};

/*
 * What start_watch_session needs to know about the video, in one lookup:
 * its creator and whether the student, course and module belong to it, and
 * whether the student already completed the video (then this is a rewatch).
 */
static const char *const start_lookup_sql =
"SELECT v.creator_id,"
" EXISTS (SELECT FROM chronos.students s WHERE s.id" SQL_EQ "$2 AND s.creator_id" SQL_EQ "v.creator_id),"
" $3 IS NULL OR EXISTS (SELECT FROM chronos.courses c"
"   WHERE c.id" SQL_EQ "$3 AND c.creator_id" SQL_EQ "v.creator_id),"
" $4 IS NULL OR EXISTS (SELECT FROM chronos.course_modules m"
"   WHERE m.id" SQL_EQ "$4 AND m.creator_id" SQL_EQ "v.creator_id AND ($3 IS NULL OR m.course_id" SQL_EQ "$3)),"
" EXISTS (SELECT FROM chronos.video_watch_sessions w"
"   WHERE w.student_id" SQL_EQ "$2 AND w.video_id" SQL_EQ "$1 AND w.completed)"
" FROM chronos.videos v WHERE v.id" SQL_EQ "$1";

static const char *const start_insert_sql =
"INSERT INTO chronos.video_watch_sessions (id, student_id, video_id, creator_id, course_id,"
" module_id, device_type, referrer_type, metadata)"
" VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)";

/*
 * The rollup work of one session's quarter hour, when the caller knows the
 * session's video, creator and start: a plain INSERT of one row.
 */
static const char *const quarter_pending_sql =
"INSERT INTO chronos.video_analytics_pending (video_id, creator_id, bucket_start)"
" VALUES ($1, $2, pg_catalog.date_bin('00:15:00'::pg_catalog.interval, $3,"
"                                     '2000-01-01 00:00:00+00'::pg_catalog.timestamptz))";

static const char *const end_session_sql =
"UPDATE chronos.video_watch_sessions"
" SET session_end = GREATEST(pg_catalog.now(), session_start)"
" WHERE id" SQL_EQ "$1 AND session_end IS NULL";

static const char *const session_row_sql =
"SELECT w.student_id, w, w.creator_id FROM chronos.video_watch_sessions w WHERE w.id" SQL_EQ "$1";

/*
 * The rollup work of session $1 that just completed: its own quarter hour
 * and those of the student's later sessions of the video, whose rewatch
 * status it changes.  Every other change records one quarter hour, known
 * without a query (quarter_pending_sql).  Plain INSERTs into an append-only
 * log: no heartbeat ever waits on another's entry or on a refresh (see
 * rollup.c).
 */
static const char *const mark_pending_sql =
"INSERT INTO chronos.video_analytics_pending (video_id, creator_id, bucket_start)"
" SELECT DISTINCT w.video_id, w.creator_id,"
"        pg_catalog.date_bin('00:15:00'::pg_catalog.interval, w.session_start,"
"                            '2000-01-01 00:00:00+00'::pg_catalog.timestamptz)"
"   FROM chronos.video_watch_sessions s"
"   JOIN chronos.video_watch_sessions w ON w.student_id" SQL_EQ "s.student_id"
"    AND w.video_id" SQL_EQ "s.video_id AND w.session_start" SQL_GE "s.session_start"
"  WHERE s.id" SQL_EQ "$1";

static const char *const milestone_sql =
"SELECT FROM chronos.video_analytics_events"
" WHERE session_id" SQL_EQ "$1 AND event_type" SQL_EQ "'video_progress'::chronos.video_event_type"
" AND metadata" SQL_JSON_FIELD_TEXT "'milestone'" SQL_EQ "$2";

/*
 * Stale: the last sign of life (the last heartbeat, else the start) lies
 * more than $1 in the past, or more than $1 in the future by the server's
 * clock (written directly, or before the clock stepped back: such a session
 * would otherwise never be stale).  It ends at that sign of life, or now
 * when that lies ahead, and never before its start.
 */
static const char *const close_stale_sql =
"UPDATE chronos.video_watch_sessions"
" SET session_end = GREATEST(session_start,"
"                            LEAST(COALESCE(last_heartbeat_at, session_start), pg_catalog.now()))"
" WHERE session_end IS NULL"
" AND (COALESCE(last_heartbeat_at, session_start)" SQL_LT "(pg_catalog.now()" SQL_MINUS "$1)"
"   OR COALESCE(last_heartbeat_at, session_start)" SQL_GT "(pg_catalog.now()" SQL_PLUS "$1))";

/*
 * Where Citus is loaded (chronos.distribute()), sessions are distributed by
 * creator_id: the statements below name the session's creator, so that each
 * reads or writes the one shard of that creator; the lookup of a session by
 * its id alone (session_creator_sql) reads every shard, once per call.
 */
static const char *const citus_start_lookup_sql =
"SELECT v.creator_id,"
" EXISTS (SELECT FROM chronos.students s WHERE s.id" SQL_EQ "$2 AND s.creator_id" SQL_EQ "v.creator_id),"
" $3 IS NULL OR EXISTS (SELECT FROM chronos.courses c"
"   WHERE c.id" SQL_EQ "$3 AND c.creator_id" SQL_EQ "v.creator_id),"
" $4 IS NULL OR EXISTS (SELECT FROM chronos.course_modules m"
"   WHERE m.id" SQL_EQ "$4 AND m.creator_id" SQL_EQ "v.creator_id AND ($3 IS NULL OR m.course_id" SQL_EQ "$3)),"
" false"
" FROM chronos.videos v WHERE v.id" SQL_EQ "$1";

static const char *const citus_rewatch_sql =
"SELECT EXISTS (SELECT FROM chronos.video_watch_sessions w"
" WHERE w.creator_id" SQL_EQ "$3 AND w.student_id" SQL_EQ "$2 AND w.video_id" SQL_EQ "$1"
" AND w.completed)";

static const char *const session_creator_sql =
"SELECT creator_id FROM chronos.video_watch_sessions WHERE id" SQL_EQ "$1";

/*
 * The heartbeat as statements, where it does not use session_store.c (on
 * Citus, or where the tables have rules or statement-level triggers).
 *
 * The session row, locked against other heartbeats and the stale close (FOR
 * NO KEY UPDATE: a heartbeat changes no key, so an event's foreign key
 * check of the session does not wait for it).  A
 * heartbeat that waited for another's lock reads the row as that one left
 * it (READ COMMITTED), so a duplicate delivered twice at once finds its
 * sequence number recorded.  heartbeat_seqs is read only for a heartbeat
 * with a sequence number: a database still at chronos 1.0 has no such
 * column (and its record_watch_progress no p_seq).
 */
#define LOCK_SESSION_COLUMNS \
"SELECT w.student_id, w.video_id, w.creator_id, w.course_id, w.module_id," \
" w.session_end IS NOT NULL, w.session_start, w.percent_complete, w.completed, w.watched," \
" v.duration_seconds, w.watch_time_ms, w.watch_time_seconds, w.last_position_seconds"
#define LOCK_SESSION_FROM \
" FROM chronos.video_watch_sessions w JOIN chronos.videos v ON v.id" SQL_EQ "w.video_id" \
" WHERE w.id" SQL_EQ "$1 AND w.creator_id" SQL_EQ "$2 FOR NO KEY UPDATE OF w"

static const char *const lock_session_sql =
LOCK_SESSION_COLUMNS LOCK_SESSION_FROM;

static const char *const lock_session_seq_sql =
LOCK_SESSION_COLUMNS ", w.heartbeat_seqs" LOCK_SESSION_FROM;

/* The heartbeat's write (SessionProgress): $1 session, $2 its creator. */
#define PROGRESS_UPDATE_SET \
"UPDATE chronos.video_watch_sessions w SET watched = $3, watch_time_seconds = $4," \
" watch_time_ms = $5, session_start = $6, last_heartbeat_at = $7, percent_complete = $8," \
" last_position_seconds = $9"
#define PROGRESS_UPDATE_WHERE \
" WHERE w.id" SQL_EQ "$1 AND w.creator_id" SQL_EQ "$2 RETURNING w.completed, w"

static const char *const progress_update_sql =
PROGRESS_UPDATE_SET PROGRESS_UPDATE_WHERE;

static const char *const progress_update_seq_sql =
PROGRESS_UPDATE_SET ", heartbeat_seqs = $10" PROGRESS_UPDATE_WHERE;

static const char *const citus_mark_pending_sql =
"INSERT INTO chronos.video_analytics_pending (video_id, creator_id, bucket_start)"
" SELECT DISTINCT w.video_id, w.creator_id,"
"        pg_catalog.date_bin('00:15:00'::pg_catalog.interval, w.session_start,"
"                            '2000-01-01 00:00:00+00'::pg_catalog.timestamptz)"
"   FROM chronos.video_watch_sessions s"
"   JOIN chronos.video_watch_sessions w ON w.creator_id" SQL_EQ "s.creator_id"
"    AND w.student_id" SQL_EQ "s.student_id AND w.video_id" SQL_EQ "s.video_id"
"    AND w.session_start" SQL_GE "s.session_start"
"  WHERE s.id" SQL_EQ "$1 AND s.creator_id" SQL_EQ "$2";

static SPIPlanPtr citus_start_lookup_plan;
static SPIPlanPtr citus_rewatch_plan;
static SPIPlanPtr session_creator_plan;
static SPIPlanPtr lock_session_plan;
static SPIPlanPtr lock_session_seq_plan;
static SPIPlanPtr progress_update_plan;
static SPIPlanPtr progress_update_seq_plan;
static SPIPlanPtr citus_mark_pending_plan;

static SPIPlanPtr start_lookup_plan;
static SPIPlanPtr start_insert_plan;
static SPIPlanPtr quarter_pending_plan;
static SPIPlanPtr end_session_plan;
static SPIPlanPtr session_row_plan;
static SPIPlanPtr close_stale_plan;
static SPIPlanPtr mark_pending_plan;
static SPIPlanPtr milestone_plan;

/*
 * Checks an optional text argument against the values the CHECK constraint
 * of column allows (the table's definition is the only list), before
 * anything is looked up or written.
 */
static void
CheckChoice(FunctionCallInfo fcinfo, int argno, const char *column, const char *what,
			const char *hint_what)
{
	const ChronosNameList *choices;
	char	   *value;
	StringInfoData hint;

	if (PG_ARGISNULL(argno))
		return;
	choices = ChronosWatchSessionChoices(column);
	if (choices == NULL)
		return;
	value = text_to_cstring(PG_GETARG_TEXT_PP(argno));
	for (int i = 0; i < choices->count; i++)
		if (strcmp(value, choices->names[i]) == 0)
			return;
	initStringInfo(&hint);
	for (int i = 0; i < choices->count; i++)
		appendStringInfo(&hint, "%s%s", i > 0 ? ", " : "", choices->names[i]);
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("invalid %s \"%s\"", what, value),
			 errhint("Valid %s are: %s.", hint_what, hint.data)));
}

/*
 * Whether the session already emitted the milestone: percent_complete can
 * fall when a video's duration is corrected, and a milestone is still emitted
 * once per session.  Asked only when a heartbeat crosses a milestone.
 */
static bool
MilestoneEmitted(Datum session_id, int milestone)
{
	static const Oid types[2] = {UUIDOID, TEXTOID};
	Datum		args[2];
	ChronosSavedUser saved;
	bool		emitted;

	args[0] = session_id;
	args[1] = CStringGetTextDatum(psprintf("%d", milestone));
	ChronosBecomeOwner(&saved);
	ChronosSpiConnect();
	if (SPI_execute_plan(ChronosKeptPlan(&milestone_plan, milestone_sql, 2, types),
						 args, NULL, true, 1) != SPI_OK_SELECT)
		elog(ERROR, "could not read the session's milestones");
	emitted = SPI_processed > 0;
	SPI_finish();
	ChronosRestoreUser(&saved);
	return emitted;
}

/*
 * The refusal for a session the caller may not see: the same errcode and
 * message as for a session that does not exist, so that it tells nothing
 * of other people's sessions.
 */
static void
SessionNotFound(Datum session_id)
{
	ereport(ERROR,
			(errcode(ERRCODE_FOREIGN_KEY_VIOLATION),
			 errmsg("watch session %s does not exist", UUID_TEXT(session_id))));
}

/*
 * The row the kept statement sql (one uuid parameter) reads for the session,
 * inside SPI; foreign_key_violation when there is no such session.
 */
static HeapTuple
FetchSession(SPIPlanPtr *slot, const char *sql, Datum session_id)
{
	static const Oid types[1] = {UUIDOID};

	if (SPI_execute_plan(ChronosKeptPlan(slot, sql, 1, types), &session_id, NULL, false, 1)
		!= SPI_OK_SELECT)
		elog(ERROR, "could not read the watch session");
	if (SPI_processed == 0)
		SessionNotFound(session_id);
	return SPI_tuptable->vals[0];
}

/*
 * Raises insufficient_privilege unless the caller is the service or this
 * student (start_watch_session: the caller names the student).
 */
static void
CheckMayActForStudent(Datum student_id, const char *action)
{
	const ChronosIdentity *identity = ChronosGetIdentity();

	if (identity->is_service ||
		ChronosIdentityIsStudent(identity, DatumGetUUIDP(student_id)))
		return;
	ereport(ERROR,
			(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
			 errmsg("permission denied to %s for student %s", action, UUID_TEXT(student_id)),
			 errdetail("A student acts only on its own watch sessions; the service on any.")));
}

/*
 * Whether the caller may act on the session of this student and creator:
 * the service and the session's student may.  The session's creator, who
 * can read it, is refused with insufficient_privilege; anyone else cannot
 * see it and is told it does not exist (SessionNotFound), as for a session
 * that does not: a refusal names no other person's id and does not tell
 * whether the session exists.
 */
static void
CheckMayActOnSession(Datum session_id, Datum student_id, Datum creator_id, const char *action)
{
	const ChronosIdentity *identity = ChronosGetIdentity();

	if (identity->is_service ||
		ChronosIdentityIsStudent(identity, DatumGetUUIDP(student_id)))
		return;
	if (ChronosIdentityIsCreator(identity, DatumGetUUIDP(creator_id)))
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("permission denied to %s", action),
				 errdetail("Only the session's student, or the service, may %s.", action)));
	SessionNotFound(session_id);
}

/*
 * Records the rollup work of a change of the session (inside SPI, as the
 * owner): the quarter hour of its start, [video_id, creator_id,
 * session_start]; and, when it just completed, also those of the student's
 * later sessions of the video, whose rewatch status it changes (a query).
 */
static void
MarkRollupPending(const SessionRefs *refs, TimestampTz session_start, bool completed_now)
{
	static const Oid types[2] = {UUIDOID, UUIDOID};
	static const Oid quarter_types[3] = {UUIDOID, UUIDOID, TIMESTAMPTZOID};
	Datum		args[2] = {refs->session_id, refs->creator_id};
	Datum		quarter_args[3] = {refs->video_id, refs->creator_id, TimestampTzGetDatum(session_start)};
	bool		citus = ChronosCitusLoaded();

	if (!completed_now)
	{
		if (SPI_execute_plan(ChronosKeptPlan(&quarter_pending_plan, quarter_pending_sql, 3, quarter_types),
							 quarter_args, NULL, false, 0) != SPI_OK_INSERT)
			elog(ERROR, "could not record pending rollup work");
		return;
	}
	if (SPI_execute_plan(citus ? ChronosKeptPlan(&citus_mark_pending_plan, citus_mark_pending_sql, 2, types)
						 : ChronosKeptPlan(&mark_pending_plan, mark_pending_sql, 1, types),
						 args, NULL, false, 0) != SPI_OK_INSERT)
		elog(ERROR, "could not record pending rollup work");
}

/* An event of a session, ready for InsertEvents. */
static void
SessionEvent(EventRow *row, const char *type, const SessionRefs *refs, Jsonb *metadata)
{
	memset(row, 0, sizeof(EventRow));
	NewEventId(&row->id);
	row->element = -1;
	row->event_type = CheckEventType(type);
	row->refs[REF_VIDEO] = *DatumGetUUIDP(refs->video_id);
	row->refs[REF_CREATOR] = *DatumGetUUIDP(refs->creator_id);
	row->refs[REF_STUDENT] = *DatumGetUUIDP(refs->student_id);
	row->refs[REF_SESSION] = *DatumGetUUIDP(refs->session_id);
	row->ref_null[REF_COURSE] = refs->course_null;
	if (!refs->course_null)
		row->refs[REF_COURSE] = *DatumGetUUIDP(refs->course_id);
	row->ref_null[REF_MODULE] = refs->module_null;
	if (!refs->module_null)
		row->refs[REF_MODULE] = *DatumGetUUIDP(refs->module_id);
	row->metadata = metadata;
	row->timestamp = GetCurrentTransactionStartTimestamp();
}

/* An optional argument, or (Datum) 0 when it is NULL. */
#define OPTIONAL_ARG(n) (PG_ARGISNULL(n) ? (Datum) 0 : PG_GETARG_DATUM(n))

/* SPI's null flag for a Datum argument. */
#define SPI_NULL(isnull) ((isnull) ? 'n' : ' ')

/* Columns of start_lookup_sql, by position. */
enum StartLookupColumn
{
	SL_CREATOR_ID = 1,
	SL_STUDENT_OK,
	SL_COURSE_OK,
	SL_MODULE_OK,
	SL_REWATCH
};

/*
 * Looks up what start_watch_session needs (inside SPI, as the owner): fills
 * refs->creator_id and returns whether this is a rewatch; a
 * foreign_key_violation when the video, student, course or module does not
 * fit.  To a caller other than the service (the student itself), a video of
 * a creator the student does not learn from is one that does not exist:
 * the refusal does not tell whether it does.
 */
static bool
LookUpSessionStart(SessionRefs *refs, bool service)
{
	static const Oid types[4] = {UUIDOID, UUIDOID, UUIDOID, UUIDOID};
	Datum		args[4] = {refs->video_id, refs->student_id, refs->course_id, refs->module_id};
	char		nulls[4] = {' ', ' ', SPI_NULL(refs->course_null), SPI_NULL(refs->module_null)};
	HeapTuple	tuple;
	TupleDesc	desc;
	bool		isnull;

	bool		citus = ChronosCitusLoaded();

	if (SPI_execute_plan(citus ? ChronosKeptPlan(&citus_start_lookup_plan, citus_start_lookup_sql, 4, types)
						 : ChronosKeptPlan(&start_lookup_plan, start_lookup_sql, 4, types),
						 args, nulls, true, 1) != SPI_OK_SELECT)
		elog(ERROR, "could not look up video");
	if (SPI_processed == 0)
		ereport(ERROR,
				(errcode(ERRCODE_FOREIGN_KEY_VIOLATION),
				 errmsg("video %s does not exist", UUID_TEXT(refs->video_id))));
	tuple = SPI_tuptable->vals[0];
	desc = SPI_tuptable->tupdesc;
	refs->creator_id = SPI_datumTransfer(SPI_getbinval(tuple, desc, SL_CREATOR_ID, &isnull),
										 false, UUID_LEN);
	if (!DatumGetBool(SPI_getbinval(tuple, desc, SL_STUDENT_OK, &isnull)) && !service)
		ereport(ERROR,
				(errcode(ERRCODE_FOREIGN_KEY_VIOLATION),
				 errmsg("video %s does not exist", UUID_TEXT(refs->video_id))));
	if (!DatumGetBool(SPI_getbinval(tuple, desc, SL_STUDENT_OK, &isnull)))
		ereport(ERROR,
				(errcode(ERRCODE_FOREIGN_KEY_VIOLATION),
				 errmsg("student %s is not a student of the creator of video %s",
						UUID_TEXT(refs->student_id), UUID_TEXT(refs->video_id))));
	if (!DatumGetBool(SPI_getbinval(tuple, desc, SL_COURSE_OK, &isnull)))
		ereport(ERROR,
				(errcode(ERRCODE_FOREIGN_KEY_VIOLATION),
				 errmsg("course %s does not belong to the creator of video %s",
						UUID_TEXT(refs->course_id), UUID_TEXT(refs->video_id))));
	if (!DatumGetBool(SPI_getbinval(tuple, desc, SL_MODULE_OK, &isnull)))
		ereport(ERROR,
				(errcode(ERRCODE_FOREIGN_KEY_VIOLATION),
				 errmsg("module %s does not belong to the %s of video %s", UUID_TEXT(refs->module_id),
						refs->course_null ? "creator" : "course given and the creator",
						UUID_TEXT(refs->video_id))));
	if (citus)
	{
		Datum		rewatch_args[3] = {refs->video_id, refs->student_id, refs->creator_id};

		if (SPI_execute_plan(ChronosKeptPlan(&citus_rewatch_plan, citus_rewatch_sql, 3, types),
							 rewatch_args, NULL, true, 1) != SPI_OK_SELECT || SPI_processed != 1)
			elog(ERROR, "could not look up earlier sessions");
		return DatumGetBool(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
	}
	return DatumGetBool(SPI_getbinval(tuple, desc, SL_REWATCH, &isnull));
}

/* Inserts the session of refs (inside SPI, as the owner). */
static void
InsertSession(const SessionRefs *refs, FunctionCallInfo fcinfo, Jsonb *metadata)
{
	static const Oid types[9] = {UUIDOID, UUIDOID, UUIDOID, UUIDOID, UUIDOID,
	UUIDOID, TEXTOID, TEXTOID, JSONBOID};
	Datum		args[9] = {
		refs->session_id, refs->student_id, refs->video_id, refs->creator_id,
		refs->course_id, refs->module_id, OPTIONAL_ARG(2), OPTIONAL_ARG(3),
		JsonbPGetDatum(metadata)
	};
	char		nulls[9] = {
		' ', ' ', ' ', ' ', SPI_NULL(refs->course_null), SPI_NULL(refs->module_null),
		SPI_NULL(PG_ARGISNULL(2)), SPI_NULL(PG_ARGISNULL(3)), ' '
	};

	if (SPI_execute_plan(ChronosKeptPlan(&start_insert_plan, start_insert_sql, 9, types),
						 args, nulls, false, 0) != SPI_OK_INSERT)
		elog(ERROR, "could not insert the watch session");
}

/*
 * start_watch_session(p_student_id, p_video_id, p_device_type,
 *		p_referrer_type, p_course_id, p_module_id, p_metadata) opens a session
 *		and emits video_started, plus video_rewatched when the student had
 *		already completed the video.  Returns the session id.
 */
PG_FUNCTION_INFO_V1(start_watch_session);
Datum
start_watch_session(PG_FUNCTION_ARGS)
{
	Jsonb	   *metadata;
	pg_uuid_t  *session_id = palloc(sizeof(pg_uuid_t));
	ChronosSavedUser saved;
	SessionRefs refs;
	bool		service;
	bool		rewatch;
	EventRow	events[2];

	/* the arguments */
	ChronosRequireArgument(fcinfo, 0, "p_student_id");
	ChronosRequireArgument(fcinfo, 1, "p_video_id");
	CheckChoice(fcinfo, 2, "device_type", "device type", "device types");
	CheckChoice(fcinfo, 3, "referrer_type", "referrer type", "referrer types");
	metadata = PG_ARGISNULL(6) ? EmptyJsonbObject() : PG_GETARG_JSONB_P(6);
	CheckEventMetadata(metadata, "p_metadata");
	NewEventId(session_id);
	refs.session_id = UUIDPGetDatum(session_id);
	refs.student_id = PG_GETARG_DATUM(0);
	refs.video_id = PG_GETARG_DATUM(1);
	refs.course_id = OPTIONAL_ARG(4);
	refs.course_null = PG_ARGISNULL(4);
	refs.module_id = OPTIONAL_ARG(5);
	refs.module_null = PG_ARGISNULL(5);

	/* the caller */
	CheckMayActForStudent(refs.student_id, "start a watch session");
	service = ChronosGetIdentity()->is_service;

	/* the references, and the session, as the owner */
	ChronosBecomeOwner(&saved);
	ChronosSpiConnect();
	rewatch = LookUpSessionStart(&refs, service);
	InsertSession(&refs, fcinfo, metadata);
	MarkRollupPending(&refs, GetCurrentTransactionStartTimestamp(), false);
	SPI_finish();
	ChronosRestoreUser(&saved);

	SessionEvent(&events[0], "video_started", &refs, metadata);
	if (rewatch)
		SessionEvent(&events[1], "video_rewatched", &refs, metadata);
	InsertEvents(events, rewatch ? 2 : 1);

	PG_RETURN_UUID_P(session_id);
}

/* Columns of lock_session_sql, by position. */
enum LockedSessionColumn
{
	LS_STUDENT_ID = 1,
	LS_VIDEO_ID,
	LS_CREATOR_ID,
	LS_COURSE_ID,
	LS_MODULE_ID,
	LS_ENDED,
	LS_SESSION_START,
	LS_PERCENT_COMPLETE,
	LS_COMPLETED,
	LS_WATCHED,
	LS_DURATION_SECONDS,
	LS_WATCH_TIME_MS,
	LS_WATCH_TIME_SECONDS,
	LS_LAST_POSITION_SECONDS,
	LS_HEARTBEAT_SEQS			/* with a sequence number only */
};

/* A heartbeat's sequence number (p_seq), when it has one. */
typedef struct HeartbeatSeq
{
	bool		given;
	int64		seq;
} HeartbeatSeq;

/* A uuid column of the row, copied out of SPI memory. */
static Datum
UuidColumn(HeapTuple tuple, TupleDesc desc, int column, bool *isnull)
{
	Datum		value = SPI_getbinval(tuple, desc, column, isnull);

	return *isnull ? (Datum) 0 : SPI_datumTransfer(value, false, UUID_LEN);
}

/*
 * Reads and locks the session with a statement (inside SPI, as the owner):
 * the session's creator first, then the row, by id and creator (on Citus,
 * in the creator's one shard).  False when there is no such session.
 */
static bool
LockSessionByStatement(Datum session_id, const HeartbeatSeq *seq, LockedSession *s)
{
	static const Oid types[2] = {UUIDOID, UUIDOID};
	Datum		args[2] = {session_id, (Datum) 0};
	HeapTuple	tuple;
	TupleDesc	desc;
	bool		isnull;
	Datum		value;

	tuple = FetchSession(&session_creator_plan, session_creator_sql, session_id);
	args[1] = UuidColumn(tuple, SPI_tuptable->tupdesc, 1, &isnull);
	if (SPI_execute_plan(seq->given ? ChronosKeptPlan(&lock_session_seq_plan, lock_session_seq_sql, 2, types)
						 : ChronosKeptPlan(&lock_session_plan, lock_session_sql, 2, types),
						 args, NULL, false, 1) != SPI_OK_SELECT)
		elog(ERROR, "could not read the watch session");
	if (SPI_processed == 0)
		return false;
	tuple = SPI_tuptable->vals[0];
	desc = SPI_tuptable->tupdesc;

	s->refs.session_id = session_id;
	s->refs.student_id = UuidColumn(tuple, desc, LS_STUDENT_ID, &isnull);
	s->refs.video_id = UuidColumn(tuple, desc, LS_VIDEO_ID, &isnull);
	s->refs.creator_id = UuidColumn(tuple, desc, LS_CREATOR_ID, &isnull);
	s->refs.course_id = UuidColumn(tuple, desc, LS_COURSE_ID, &s->refs.course_null);
	s->refs.module_id = UuidColumn(tuple, desc, LS_MODULE_ID, &s->refs.module_null);
	s->ended = DatumGetBool(SPI_getbinval(tuple, desc, LS_ENDED, &isnull));
	s->session_start = DatumGetTimestampTz(SPI_getbinval(tuple, desc, LS_SESSION_START, &isnull));
	s->now = GetCurrentTransactionStartTimestamp();
	s->percent = DatumGetInt32(SPI_getbinval(tuple, desc, LS_PERCENT_COMPLETE, &isnull));
	s->completed = DatumGetBool(SPI_getbinval(tuple, desc, LS_COMPLETED, &isnull));
	s->watched = DatumGetWatchRangesP(SPI_getbinval(tuple, desc, LS_WATCHED, &isnull));
	value = SPI_getbinval(tuple, desc, LS_DURATION_SECONDS, &s->duration_null);
	s->duration = s->duration_null ? 0 : DatumGetInt32(value);
	s->played_ms = DatumGetInt64(SPI_getbinval(tuple, desc, LS_WATCH_TIME_MS, &isnull));
	s->watch_time_seconds = DatumGetInt32(SPI_getbinval(tuple, desc, LS_WATCH_TIME_SECONDS, &isnull));
	s->last_position = SPI_getbinval(tuple, desc, LS_LAST_POSITION_SECONDS, &s->last_position_null);
	s->seqs = NULL;
	if (seq->given)
	{
		value = SPI_getbinval(tuple, desc, LS_HEARTBEAT_SEQS, &isnull);
		if (!isnull)
			s->seqs = DatumGetMultirangeTypeP(value);
	}
	return true;
}

/* p_from_seconds and p_to_seconds, in milliseconds; the range must not run backwards. */
static void
HeartbeatRange(FunctionCallInfo fcinfo, int32 *from_ms, int32 *to_ms)
{
	*from_ms = WatchSecondsToMs(PG_GETARG_NUMERIC(1), "p_from_seconds");
	*to_ms = WatchSecondsToMs(PG_GETARG_NUMERIC(2), "p_to_seconds");
	if (*from_ms > *to_ms)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("p_from_seconds must not be after p_to_seconds"),
				 errdetail("The range played was [%s, %s).",
						   DatumGetCString(DirectFunctionCall1(numeric_out, PG_GETARG_DATUM(1))),
						   DatumGetCString(DirectFunctionCall1(numeric_out, PG_GETARG_DATUM(2))))));
}

/* Refuses a heartbeat of an ended session, or past the end of the video. */
static void
CheckHeartbeatFits(FunctionCallInfo fcinfo, const LockedSession *s, int32 to_ms)
{
	if (s->ended)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("watch session %s has ended", UUID_TEXT(s->refs.session_id)),
				 errhint("Start a new session with start_watch_session.")));
	if (!s->duration_null && (int64) to_ms > (int64) s->duration * 1000 + 1000)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("p_to_seconds %s is past the end of the video",
						DatumGetCString(DirectFunctionCall1(numeric_out, PG_GETARG_DATUM(2)))),
				 errdetail("The video is %d seconds long.", s->duration)));
}

/*
 * The guard against faked playback: a session may not have played more than
 * the wall clock since it started allows.  A transaction older than the
 * session sees a start in its future, which counts as no time.
 */
static void
CheckPlaybackRate(const LockedSession *s, int64 played_ms)
{
	double		wall_ms = (double) Max(s->now - s->session_start, 0) / 1000.0;

	if ((double) played_ms > wall_ms * chronos_max_playback_rate + 30000.0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("watch session %s claims more playback than time allows",
						UUID_TEXT(s->refs.session_id)),
				 errdetail("It would have played %.3f seconds in %.3f seconds since it started, at most %g times faster plus 30 seconds.",
						   played_ms / 1000.0, wall_ms / 1000.0, chronos_max_playback_rate)));
}

/* The range type of heartbeat_seqs' ranges (int8range). */
static TypeCacheEntry *
SeqRangeType(void)
{
	return lookup_type_cache(INT8RANGEOID, TYPECACHE_RANGE_INFO);
}

/* Whether the session recorded sequence number seq already. */
static bool
SeqRecorded(const MultirangeType *seqs, int64 seq)
{
	return seqs != NULL && multirange_contains_elem_internal(SeqRangeType(), seqs, Int64GetDatum(seq));
}

/* Whether the session recorded a sequence number later than seq. */
static bool
SeqIsLate(const MultirangeType *seqs, int64 seq)
{
	RangeBound	lower,
				upper;

	if (seqs == NULL || MultirangeIsEmpty(seqs))
		return false;
	multirange_get_bounds(SeqRangeType(), seqs, seqs->rangeCount - 1, &lower, &upper);
	return !upper.infinite && seq < DatumGetInt64(upper.val);
}

/* seqs (NULL: none) with seq added. */
static MultirangeType *
SeqsWith(const MultirangeType *seqs, int64 seq)
{
	TypeCacheEntry *rangetyp = SeqRangeType();
	int32		count = 0;
	RangeType **ranges = NULL;
	RangeType **all;
	RangeBound	lower = {.val = Int64GetDatum(seq), .inclusive = true, .lower = true};
	RangeBound	upper = {.val = Int64GetDatum(seq + 1), .inclusive = false, .lower = false};

	if (seqs != NULL)
		multirange_deserialize(rangetyp, seqs, &count, &ranges);
	all = palloc(sizeof(RangeType *) * (count + 1));
	for (int i = 0; i < count; i++)
		all[i] = ranges[i];
	all[count] = make_range(rangetyp, &lower, &upper, false, NULL);
	return make_multirange(INT8MULTIRANGEOID, rangetyp, count + 1, all);
}

/*
 * What the heartbeat writes: the new ranges and exact total played, watch
 * time moved by the change of that total's rounding (no drift), percent,
 * and the resume position to_ms, unless a later heartbeat was recorded (a
 * late one adds its range but does not move the player back); with a
 * sequence number, that number recorded.  The server's clock governs the
 * session's times: last_heartbeat_at is when the heartbeat was received,
 * and a start that lies after it (written directly, or before the clock
 * stepped back) moves back to it.
 */
static void
NewProgress(const LockedSession *s, const HeartbeatSeq *seq, WatchRanges *watched,
			int64 played_ms, int32 to_ms, int32 percent, SessionProgress *p)
{
	int32		added = (int32) ((played_ms + 500) / 1000 - (s->played_ms + 500) / 1000);

	p->watched = watched;
	if (pg_add_s32_overflow(s->watch_time_seconds, added, &p->watch_time_seconds))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("integer out of range")));
	p->watch_time_ms = played_ms;
	p->session_start = Min(s->session_start, s->now);
	p->last_heartbeat_at = s->now;
	p->percent = percent;
	if (seq->given && SeqIsLate(s->seqs, seq->seq))
	{
		p->last_position = s->last_position;
		p->last_position_null = s->last_position_null;
	}
	else
	{
		p->last_position = NumericGetDatum(WatchMsToSeconds(to_ms));
		p->last_position_null = false;
	}
	p->set_seqs = seq->given;
	p->seqs = seq->given ? SeqsWith(s->seqs, seq->seq) : NULL;
}

/* Columns of progress_update_sql's RETURNING, by position. */
enum ProgressUpdateColumn
{
	PU_COMPLETED = 1,
	PU_SESSION
};

/*
 * Writes the heartbeat with a statement (inside SPI, as the owner).  Returns
 * the updated row, copied out of SPI memory, and sets *completed to the
 * session's completed.
 */
static Datum
UpdateSessionByStatement(const LockedSession *s, const SessionProgress *p, bool *completed)
{
	Oid			types[10] = {UUIDOID, UUIDOID, ChronosWatchRangesTypeId(), INT4OID, INT8OID,
	TIMESTAMPTZOID, TIMESTAMPTZOID, INT4OID, NUMERICOID, INT8MULTIRANGEOID};
	Datum		args[10] = {
		s->refs.session_id, s->refs.creator_id, WatchRangesPGetDatum(p->watched),
		Int32GetDatum(p->watch_time_seconds), Int64GetDatum(p->watch_time_ms),
		TimestampTzGetDatum(p->session_start), TimestampTzGetDatum(p->last_heartbeat_at),
		Int32GetDatum(p->percent), p->last_position, MultirangeTypePGetDatum(p->seqs)
	};
	char		nulls[10] = {' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', SPI_NULL(p->last_position_null), ' '};
	bool		isnull;

	if (SPI_execute_plan(p->set_seqs ? ChronosKeptPlanOfType(&progress_update_seq_plan, progress_update_seq_sql, 10, types)
						 : ChronosKeptPlanOfType(&progress_update_plan, progress_update_sql, 9, types),
						 args, nulls, false, 0) != SPI_OK_UPDATE_RETURNING || SPI_processed != 1)
		elog(ERROR, "could not update the watch session");
	*completed = DatumGetBool(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc,
											PU_COMPLETED, &isnull));
	return SPI_datumTransfer(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc,
										   PU_SESSION, &isnull), false, -1);
}

/* A jsonb value from its text. */
static Jsonb *
JsonbFromText(const char *json)
{
	return DatumGetJsonbP(DirectFunctionCall1(jsonb_in, CStringGetDatum(json)));
}

/*
 * Emits the events of a heartbeat that moved percent_complete from
 * old_percent to new_percent: video_progress at each milestone crossed (once
 * per session), video_completed when the session just completed.
 */
static void
EmitProgressEvents(const SessionRefs *refs, int32 old_percent, int32 new_percent,
				   bool completed_now)
{
	EventRow	events[lengthof(milestones) + 1];
	int			nevents = 0;

	for (int i = 0; i < (int) lengthof(milestones); i++)
	{
		if (old_percent < milestones[i] && new_percent >= milestones[i] &&
			!MilestoneEmitted(refs->session_id, milestones[i]))
			SessionEvent(&events[nevents++], "video_progress", refs,
						 JsonbFromText(psprintf("{\"milestone\": %d, \"percent_complete\": %d}",
												milestones[i], new_percent)));
	}
	if (completed_now)
		SessionEvent(&events[nevents++], "video_completed", refs,
					 JsonbFromText(psprintf("{\"percent_complete\": %d}", new_percent)));
	if (nevents > 0)
		InsertEvents(events, nevents);
}

/*
 * p_seq, the heartbeat's sequence number, when the function has the
 * argument (chronos 1.1; a database still at 1.0 calls it with three) and
 * it is not NULL.
 */
static HeartbeatSeq
HeartbeatSeqArg(FunctionCallInfo fcinfo)
{
	HeartbeatSeq seq = {false, 0};

	if (PG_NARGS() < 4 || PG_ARGISNULL(3))
		return seq;
	seq.given = true;
	seq.seq = PG_GETARG_INT64(3);
	if (seq.seq < 0 || seq.seq == PG_INT64_MAX)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("p_seq must be between 0 and " INT64_FORMAT ", not " INT64_FORMAT,
						PG_INT64_MAX - 1, seq.seq),
				 errhint("Number a session's heartbeats 1, 2, 3, … in the order the player sends them.")));
	return seq;
}

/* The session row as it stands (inside SPI, as the owner), out of SPI memory. */
static Datum
SessionRow(Datum session_id)
{
	bool		isnull;

	(void) FetchSession(&session_row_plan, session_row_sql, session_id);
	return SPI_datumTransfer(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2,
										   &isnull), false, -1);
}

/*
 * Where a heartbeat reads and writes its session: through a SessionStore
 * (session_store.c); or, when store is NULL, through SPI statements that
 * name the session's creator, so that each reaches the one shard of that
 * creator where Citus is loaded, and that fire what only a statement fires
 * (rules, statement-level triggers) where the tables have them.
 */
typedef struct HeartbeatWriter
{
	SessionStore *store;
} HeartbeatWriter;

/* Opens the writer and locks the session (as the owner); false when there is none. */
static bool
HeartbeatLock(HeartbeatWriter *w, Datum session_id, const HeartbeatSeq *seq, LockedSession *s)
{
	w->store = ChronosCitusLoaded() ? NULL : SessionStoreOpen();
	if (w->store != NULL)
		return SessionStoreLock(w->store, session_id, s);
	ChronosSpiConnect();
	return LockSessionByStatement(session_id, seq, s);
}

/* The locked session's row, unchanged. */
static Datum
HeartbeatRow(HeartbeatWriter *w, Datum session_id)
{
	return w->store ? SessionStoreRow(w->store) : SessionRow(session_id);
}

/*
 * Writes the progress, and the rollup work it makes: the quarter hour of the
 * session's start, and the one it left when the write moved its start back;
 * when the session just completed, also those of the student's later
 * sessions of the video (MarkRollupPending).  Returns the row written.
 */
static Datum
HeartbeatWrite(HeartbeatWriter *w, const LockedSession *s, const SessionProgress *p,
			   bool *completed_now)
{
	Datum		row;
	bool		completed;

	row = w->store ? SessionStoreUpdate(w->store, p, &completed) : UpdateSessionByStatement(s, p, &completed);
	*completed_now = completed && !s->completed;
	if (w->store && !*completed_now)
	{
		SessionStoreMarkQuarter(w->store, &s->refs, p->session_start);
		if (p->session_start != s->session_start)
			SessionStoreMarkQuarter(w->store, &s->refs, s->session_start);
		return row;
	}
	if (w->store)
	{
		SessionStoreClose(w->store);
		w->store = NULL;
		ChronosSpiConnect();
	}
	MarkRollupPending(&s->refs, p->session_start, *completed_now);
	if (p->session_start != s->session_start)
		MarkRollupPending(&s->refs, s->session_start, false);
	return row;
}

/* Closes the writer. */
static void
HeartbeatFinish(HeartbeatWriter *w)
{
	if (w->store)
		SessionStoreClose(w->store);
	else
		SPI_finish();
}

/*
 * record_watch_progress(p_session_id, p_from_seconds, p_to_seconds, p_seq):
 * the heartbeat.  The student played [from, to) since the last beat: the
 * range joins the session's watched ranges, watch time becomes the total
 * played (exact, so repeated rounding never drifts), the resume position
 * moves to `to`, and percent_complete becomes the share of the video's
 * distinct seconds covered.  Emits video_progress at each milestone crossed
 * and video_completed when the session completes.  Returns the updated
 * session.
 *
 * With p_seq, a retry is harmless: a heartbeat whose sequence number the
 * session recorded already changes nothing and returns the session as it
 * stands (an ended session too: its answer was lost, not the heartbeat);
 * one that arrives after a later one adds its range once but leaves the
 * resume position where the later one put it.
 */
PG_FUNCTION_INFO_V1(record_watch_progress);
Datum
record_watch_progress(PG_FUNCTION_ARGS)
{
	Datum		session_id;
	int32		from_ms,
				to_ms;
	HeartbeatSeq seq;
	ChronosSavedUser saved;
	HeartbeatWriter writer;
	LockedSession s;
	SessionProgress progress;
	WatchRanges *watched;
	int64		played_ms;
	int32		new_percent;
	bool		completed_now;
	Datum		result;

	/* the arguments */
	ChronosRequireArgument(fcinfo, 0, "p_session_id");
	ChronosRequireArgument(fcinfo, 1, "p_from_seconds");
	ChronosRequireArgument(fcinfo, 2, "p_to_seconds");
	session_id = PG_GETARG_DATUM(0);
	HeartbeatRange(fcinfo, &from_ms, &to_ms);
	seq = HeartbeatSeqArg(fcinfo);

	/* the session, locked, and the caller: its student or the service */
	ChronosBecomeOwner(&saved);
	if (!HeartbeatLock(&writer, session_id, &seq, &s))
		SessionNotFound(session_id);
	ChronosRestoreUser(&saved);
	CheckMayActOnSession(session_id, s.refs.student_id, s.refs.creator_id, "record watch progress");
	ChronosBecomeOwner(&saved);

	/* a heartbeat delivered again: the session as it stands */
	if (seq.given && SeqRecorded(s.seqs, seq.seq))
	{
		result = HeartbeatRow(&writer, session_id);
		HeartbeatFinish(&writer);
		ChronosRestoreUser(&saved);
		PG_RETURN_DATUM(result);
	}

	/* the new progress, checked */
	CheckHeartbeatFits(fcinfo, &s, to_ms);
	watched = WatchRangesAdd(s.watched, from_ms, to_ms);
	played_ms = s.played_ms + (to_ms - from_ms);
	CheckPlaybackRate(&s, played_ms);
	new_percent = s.percent;
	if (!s.duration_null)
		new_percent = (int32) Min((int64) 100,
								  WatchRangesCoverageBeforeMs(watched, (int64) s.duration * 1000) * 100 /
								  ((int64) s.duration * 1000));
	NewProgress(&s, &seq, watched, played_ms, to_ms, new_percent, &progress);

	/* written, with the rollup work it makes */
	result = HeartbeatWrite(&writer, &s, &progress, &completed_now);
	HeartbeatFinish(&writer);
	ChronosRestoreUser(&saved);

	EmitProgressEvents(&s.refs, s.percent, new_percent, completed_now);
	PG_RETURN_DATUM(result);
}

/* end_watch_session(p_session_id) closes the session; a second call changes nothing. */
PG_FUNCTION_INFO_V1(end_watch_session);
Datum
end_watch_session(PG_FUNCTION_ARGS)
{
	static const Oid types[1] = {UUIDOID};
	Datum		session_id;
	ChronosSavedUser saved;
	bool		isnull;
	Datum		row;
	Datum		student_id;
	Datum		creator_id;
	HeapTuple	tuple;

	ChronosRequireArgument(fcinfo, 0, "p_session_id");
	session_id = PG_GETARG_DATUM(0);

	ChronosBecomeOwner(&saved);
	ChronosSpiConnect();
	tuple = FetchSession(&session_row_plan, session_row_sql, session_id);
	student_id = UuidColumn(tuple, SPI_tuptable->tupdesc, 1, &isnull);
	creator_id = UuidColumn(tuple, SPI_tuptable->tupdesc, 3, &isnull);

	ChronosRestoreUser(&saved);
	CheckMayActOnSession(session_id, student_id, creator_id, "end a watch session");
	ChronosBecomeOwner(&saved);

	if (SPI_execute_plan(ChronosKeptPlan(&end_session_plan, end_session_sql, 1, types),
						 &session_id, NULL, false, 0) != SPI_OK_UPDATE)
		elog(ERROR, "could not end the watch session");
	if (SPI_execute_plan(session_row_plan, &session_id, NULL, false, 1) != SPI_OK_SELECT ||
		SPI_processed != 1)
		elog(ERROR, "could not read the watch session");
	row = SPI_datumTransfer(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2,
										  &isnull), false, -1);
	SPI_finish();
	ChronosRestoreUser(&saved);
	PG_RETURN_DATUM(row);
}

/*
 * close_stale_watch_sessions(p_idle) closes the open sessions whose last
 * heartbeat (or start, without one) is older than p_idle, or
 * chronos.session_timeout when NULL; each ends at that last heartbeat.  Only
 * the service may call it.  Returns how many it closed.
 */
PG_FUNCTION_INFO_V1(close_stale_watch_sessions);
Datum
close_stale_watch_sessions(PG_FUNCTION_ARGS)
{
	static const Oid types[1] = {INTERVALOID};
	Interval   *idle;
	ChronosSavedUser saved;
	Datum		arg;
	uint64		closed;

	if (PG_ARGISNULL(0))
	{
		idle = palloc0(sizeof(Interval));
		idle->time = (int64) chronos_session_timeout * USECS_PER_SEC;
	}
	else
		idle = PG_GETARG_INTERVAL_P(0);
	if (DatumGetBool(DirectFunctionCall2(interval_lt, IntervalPGetDatum(idle),
										 IntervalPGetDatum(palloc0(sizeof(Interval))))))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("p_idle must not be negative: %s",
						DatumGetCString(DirectFunctionCall1(interval_out, IntervalPGetDatum(idle))))));
	if (!ChronosGetIdentity()->is_service)
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("permission denied to close stale watch sessions"),
				 errdetail("Only the service closes stale sessions, for example from a scheduled job.")));

	ChronosBecomeOwner(&saved);
	ChronosSpiConnect();
	arg = IntervalPGetDatum(idle);
	if (SPI_execute_plan(ChronosKeptPlan(&close_stale_plan, close_stale_sql, 1, types),
						 &arg, NULL, false, 0) != SPI_OK_UPDATE)
		elog(ERROR, "could not close stale watch sessions");
	closed = SPI_processed;
	SPI_finish();
	ChronosRestoreUser(&saved);
	PG_RETURN_INT32((int32) closed);
}
