/*
 * sessions.c
 *		The watch-session lifecycle: start_watch_session, record_watch_progress
 *		(the heartbeat), end_watch_session and close_stale_watch_sessions.
 *
 * Students have no write access to video_watch_sessions: these functions are
 * the only way a session changes, so progress and completion come from what
 * was played, not from numbers a client wrote.  Each checks the caller (a
 * student acts only on its own sessions, the service on any), then works as
 * the extension's owner.  A heartbeat locks its session row, so two
 * heartbeats of one session, or a heartbeat and the stale-session close,
 * apply one after the other: nothing is lost or half-applied.
 */
#include "postgres.h"

#include "access/xact.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "utils/builtins.h"
#include "utils/datum.h"
#include "utils/jsonb.h"
#include "utils/numeric.h"
#include "utils/timestamp.h"
#include "utils/uuid.h"

#include "catalog.h"
#include "chronos.h"
#include "coverage.h"
#include "events.h"
#include "identity.h"
#include "plans.h"

#define EQ " OPERATOR(pg_catalog.=) "
#define UUID_TEXT(datum) ChronosUuidText(DatumGetUUIDP(datum))

static const char *const device_types[] = {"desktop", "mobile", "tablet"};
static const char *const referrer_types[] = {"course_page", "direct_link", "search", "chat_reference"};

/* Percent milestones at which a heartbeat emits video_progress, once each. */
static const int milestones[] = {10, 25, 50, 75, 90};

/*
 * What start_watch_session needs to know about the video, in one lookup:
 * its creator and whether the student, course and module belong to it, and
 * whether the student already completed the video (then this is a rewatch).
 */
static const char *const start_lookup_sql =
"SELECT v.creator_id,"
" EXISTS (SELECT FROM chronos.students s WHERE s.id" EQ "$2 AND s.creator_id" EQ "v.creator_id),"
" $3 IS NULL OR EXISTS (SELECT FROM chronos.courses c"
"   WHERE c.id" EQ "$3 AND c.creator_id" EQ "v.creator_id),"
" $4 IS NULL OR EXISTS (SELECT FROM chronos.course_modules m"
"   WHERE m.id" EQ "$4 AND m.creator_id" EQ "v.creator_id AND ($3 IS NULL OR m.course_id" EQ "$3)),"
" EXISTS (SELECT FROM chronos.video_watch_sessions w"
"   WHERE w.student_id" EQ "$2 AND w.video_id" EQ "$1 AND w.completed)"
" FROM chronos.videos v WHERE v.id" EQ "$1";

static const char *const start_insert_sql =
"INSERT INTO chronos.video_watch_sessions (id, student_id, video_id, creator_id, course_id,"
" module_id, device_type, referrer_type, metadata)"
" VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)";

/* The session row, locked against other heartbeats and the stale close. */
static const char *const lock_session_sql =
"SELECT w.student_id, w.video_id, w.creator_id, w.course_id, w.module_id,"
" w.session_end IS NOT NULL, w.session_start, w.percent_complete, w.completed, w.watched,"
" v.duration_seconds, pg_catalog.now(), w.watch_time_ms"
" FROM chronos.video_watch_sessions w JOIN chronos.videos v ON v.id" EQ "w.video_id"
" WHERE w.id" EQ "$1 FOR UPDATE OF w";

static const char *const progress_update_sql =
"UPDATE chronos.video_watch_sessions w SET watched = $2,"
" watch_time_seconds = w.watch_time_seconds OPERATOR(pg_catalog.+) $3, watch_time_ms = $6,"
" last_position_seconds = $4, last_heartbeat_at = GREATEST(pg_catalog.now(), w.session_start),"
" percent_complete = $5"
" WHERE w.id" EQ "$1 RETURNING w.completed, w";

static const char *const end_session_sql =
"UPDATE chronos.video_watch_sessions"
" SET session_end = GREATEST(pg_catalog.now(), session_start)"
" WHERE id" EQ "$1 AND session_end IS NULL";

static const char *const session_row_sql =
"SELECT w.student_id, w FROM chronos.video_watch_sessions w WHERE w.id" EQ "$1";

/*
 * Records the rollup work a change of session $1 makes: its own quarter hour
 * and, when it just completed ($2), those of the student's later sessions of
 * the video, whose rewatch status it changes.  A plain INSERT into an
 * append-only log: no heartbeat ever waits on another's entry or on a
 * refresh (see rollup.c).
 */
static const char *const mark_pending_sql =
"INSERT INTO chronos.video_analytics_pending (video_id, creator_id, bucket_start)"
" SELECT DISTINCT w.video_id, w.creator_id,"
"        pg_catalog.date_bin('00:15:00'::pg_catalog.interval, w.session_start,"
"                            '2000-01-01 00:00:00+00'::pg_catalog.timestamptz)"
"   FROM chronos.video_watch_sessions s"
"   JOIN chronos.video_watch_sessions w ON w.id" EQ "s.id"
"     OR ($2 AND w.student_id" EQ "s.student_id AND w.video_id" EQ "s.video_id"
"         AND w.session_start OPERATOR(pg_catalog.>) s.session_start)"
"  WHERE s.id" EQ "$1";

static const char *const milestone_sql =
"SELECT FROM chronos.video_analytics_events"
" WHERE session_id" EQ "$1 AND event_type" EQ "'video_progress'::chronos.video_event_type"
" AND metadata OPERATOR(pg_catalog.->>) 'milestone'" EQ "$2";

static const char *const close_stale_sql =
"UPDATE chronos.video_watch_sessions"
" SET session_end = GREATEST(last_heartbeat_at, session_start)"
" WHERE session_end IS NULL"
" AND COALESCE(last_heartbeat_at, session_start)"
" OPERATOR(pg_catalog.<) (pg_catalog.now() OPERATOR(pg_catalog.-) $1)";

static SPIPlanPtr start_lookup_plan;
static SPIPlanPtr start_insert_plan;
static SPIPlanPtr lock_session_plan;
static SPIPlanPtr progress_update_plan;
static Oid	progress_update_typid;	/* the watch_ranges type progress_update_plan takes */
static SPIPlanPtr end_session_plan;
static SPIPlanPtr session_row_plan;
static SPIPlanPtr close_stale_plan;
static SPIPlanPtr mark_pending_plan;
static SPIPlanPtr milestone_plan;

/* Checks an optional text argument against its list of valid values. */
static void
CheckChoice(FunctionCallInfo fcinfo, int argno, const char *what,
			const char *const *choices, int nchoices, const char *hint)
{
	char	   *value;

	if (PG_ARGISNULL(argno))
		return;
	value = text_to_cstring(PG_GETARG_TEXT_PP(argno));
	for (int i = 0; i < nchoices; i++)
		if (strcmp(value, choices[i]) == 0)
			return;
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("invalid %s \"%s\"", what, value),
			 errhint("%s", hint)));
}

/* Records the rollup work of a change of the session (inside SPI, as the owner). */
static void
MarkRollupPending(Datum session_id, bool completed_now)
{
	static const Oid types[2] = {UUIDOID, BOOLOID};
	Datum		args[2] = {session_id, BoolGetDatum(completed_now)};

	if (SPI_execute_plan(ChronosKeptPlan(&mark_pending_plan, mark_pending_sql, 2, types),
						 args, NULL, false, 0) != SPI_OK_INSERT)
		elog(ERROR, "could not record pending rollup work");
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
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	if (SPI_execute_plan(ChronosKeptPlan(&milestone_plan, milestone_sql, 2, types),
						 args, NULL, true, 1) != SPI_OK_SELECT)
		elog(ERROR, "could not read the session's milestones");
	emitted = SPI_processed > 0;
	SPI_finish();
	ChronosRestoreUser(&saved);
	return emitted;
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
		ereport(ERROR,
				(errcode(ERRCODE_FOREIGN_KEY_VIOLATION),
				 errmsg("watch session %s does not exist", UUID_TEXT(session_id))));
	return SPI_tuptable->vals[0];
}

/* Raises insufficient_privilege unless the caller is the service or this student. */
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

/* An event of a session, ready for InsertEvents. */
static void
SessionEvent(EventRow *row, const char *type, Datum session_id, Datum student_id,
			 Datum video_id, Datum creator_id, Datum course_id, bool course_null,
			 Datum module_id, bool module_null, Jsonb *metadata)
{
	memset(row, 0, sizeof(EventRow));
	NewEventId(&row->id);
	row->element = -1;
	row->event_type = CheckEventType(type);
	row->refs[REF_VIDEO] = *DatumGetUUIDP(video_id);
	row->refs[REF_CREATOR] = *DatumGetUUIDP(creator_id);
	row->refs[REF_STUDENT] = *DatumGetUUIDP(student_id);
	row->refs[REF_SESSION] = *DatumGetUUIDP(session_id);
	row->ref_null[REF_COURSE] = course_null;
	if (!course_null)
		row->refs[REF_COURSE] = *DatumGetUUIDP(course_id);
	row->ref_null[REF_MODULE] = module_null;
	if (!module_null)
		row->refs[REF_MODULE] = *DatumGetUUIDP(module_id);
	row->metadata = metadata;
	row->timestamp = GetCurrentTransactionStartTimestamp();
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
	static const Oid lookup_types[4] = {UUIDOID, UUIDOID, UUIDOID, UUIDOID};
	static const Oid insert_types[9] = {UUIDOID, UUIDOID, UUIDOID, UUIDOID, UUIDOID,
	UUIDOID, TEXTOID, TEXTOID, JSONBOID};
	Datum		student_id,
				video_id;
	Jsonb	   *metadata;
	pg_uuid_t  *session_id = palloc(sizeof(pg_uuid_t));
	ChronosSavedUser saved;
	Datum		args[9];
	char		nulls[9];
	Datum		creator_id;
	bool		isnull;
	bool		rewatch;
	EventRow	events[2];
	HeapTuple	tuple;
	TupleDesc	desc;

	ChronosRequireArgument(fcinfo, 0, "p_student_id");
	ChronosRequireArgument(fcinfo, 1, "p_video_id");
	CheckChoice(fcinfo, 2, "device type", device_types, lengthof(device_types),
				"Valid device types are: desktop, mobile, tablet.");
	CheckChoice(fcinfo, 3, "referrer type", referrer_types, lengthof(referrer_types),
				"Valid referrer types are: course_page, direct_link, search, chat_reference.");
	metadata = PG_ARGISNULL(6) ? EmptyJsonbObject() : PG_GETARG_JSONB_P(6);
	CheckEventMetadata(metadata, "p_metadata");
	student_id = PG_GETARG_DATUM(0);
	video_id = PG_GETARG_DATUM(1);

	CheckMayActForStudent(student_id, "start a watch session");

	ChronosBecomeOwner(&saved);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");

	args[0] = video_id;
	args[1] = student_id;
	args[2] = PG_ARGISNULL(4) ? (Datum) 0 : PG_GETARG_DATUM(4);
	args[3] = PG_ARGISNULL(5) ? (Datum) 0 : PG_GETARG_DATUM(5);
	nulls[0] = nulls[1] = ' ';
	nulls[2] = PG_ARGISNULL(4) ? 'n' : ' ';
	nulls[3] = PG_ARGISNULL(5) ? 'n' : ' ';
	if (SPI_execute_plan(ChronosKeptPlan(&start_lookup_plan, start_lookup_sql, 4, lookup_types),
						 args, nulls, true, 1) != SPI_OK_SELECT)
		elog(ERROR, "could not look up video");
	if (SPI_processed == 0)
		ereport(ERROR,
				(errcode(ERRCODE_FOREIGN_KEY_VIOLATION),
				 errmsg("video %s does not exist", UUID_TEXT(video_id))));
	tuple = SPI_tuptable->vals[0];
	desc = SPI_tuptable->tupdesc;
	creator_id = SPI_datumTransfer(SPI_getbinval(tuple, desc, 1, &isnull), false, UUID_LEN);
	if (!DatumGetBool(SPI_getbinval(tuple, desc, 2, &isnull)))
		ereport(ERROR,
				(errcode(ERRCODE_FOREIGN_KEY_VIOLATION),
				 errmsg("student %s is not a student of the creator of video %s",
						UUID_TEXT(student_id), UUID_TEXT(video_id))));
	if (!DatumGetBool(SPI_getbinval(tuple, desc, 3, &isnull)))
		ereport(ERROR,
				(errcode(ERRCODE_FOREIGN_KEY_VIOLATION),
				 errmsg("course %s does not belong to the creator of video %s",
						UUID_TEXT(args[2]), UUID_TEXT(video_id))));
	if (!DatumGetBool(SPI_getbinval(tuple, desc, 4, &isnull)))
		ereport(ERROR,
				(errcode(ERRCODE_FOREIGN_KEY_VIOLATION),
				 errmsg("module %s does not belong to the %s of video %s", UUID_TEXT(args[3]),
						PG_ARGISNULL(4) ? "creator" : "course given and the creator",
						UUID_TEXT(video_id))));
	rewatch = DatumGetBool(SPI_getbinval(tuple, desc, 5, &isnull));

	NewEventId(session_id);
	args[0] = UUIDPGetDatum(session_id);
	args[1] = student_id;
	args[2] = video_id;
	args[3] = creator_id;
	args[4] = PG_ARGISNULL(4) ? (Datum) 0 : PG_GETARG_DATUM(4);
	args[5] = PG_ARGISNULL(5) ? (Datum) 0 : PG_GETARG_DATUM(5);
	args[6] = PG_ARGISNULL(2) ? (Datum) 0 : PG_GETARG_DATUM(2);
	args[7] = PG_ARGISNULL(3) ? (Datum) 0 : PG_GETARG_DATUM(3);
	args[8] = JsonbPGetDatum(metadata);
	for (int i = 0; i < 9; i++)
		nulls[i] = ' ';
	nulls[4] = PG_ARGISNULL(4) ? 'n' : ' ';
	nulls[5] = PG_ARGISNULL(5) ? 'n' : ' ';
	nulls[6] = PG_ARGISNULL(2) ? 'n' : ' ';
	nulls[7] = PG_ARGISNULL(3) ? 'n' : ' ';
	if (SPI_execute_plan(ChronosKeptPlan(&start_insert_plan, start_insert_sql, 9, insert_types),
						 args, nulls, false, 0) != SPI_OK_INSERT)
		elog(ERROR, "could not insert the watch session");
	MarkRollupPending(args[0], false);

	SPI_finish();
	ChronosRestoreUser(&saved);

	SessionEvent(&events[0], "video_started", args[0], student_id, video_id, creator_id,
				 args[4], PG_ARGISNULL(4), args[5], PG_ARGISNULL(5), metadata);
	if (rewatch)
		SessionEvent(&events[1], "video_rewatched", args[0], student_id, video_id, creator_id,
					 args[4], PG_ARGISNULL(4), args[5], PG_ARGISNULL(5), metadata);
	InsertEvents(events, rewatch ? 2 : 1);

	PG_RETURN_UUID_P(session_id);
}

/*
 * record_watch_progress(p_session_id, p_from_seconds, p_to_seconds): the
 * heartbeat.  The student played [from, to) since the last beat: the range
 * joins the session's watched ranges, watch time becomes the total played
 * (exact, so repeated rounding never drifts), the resume position moves to
 * `to`, and percent_complete becomes the share of the video's distinct
 * seconds covered.  Emits video_progress at each milestone crossed and
 * video_completed when the session completes.  Returns the updated session.
 */
PG_FUNCTION_INFO_V1(record_watch_progress);
Datum
record_watch_progress(PG_FUNCTION_ARGS)
{
	static const Oid update_types[6] = {UUIDOID, InvalidOid, INT4OID, NUMERICOID, INT4OID, INT8OID};
	Oid			types[6];
	Datum		session_id;
	int32		from_ms,
				to_ms;
	ChronosSavedUser saved;
	HeapTuple	tuple;
	TupleDesc	desc;
	bool		isnull;
	bool		ended;
	bool		was_completed;
	bool		now_completed;
	Datum		student_id,
				video_id,
				creator_id,
				course_id,
				module_id;
	bool		course_null,
				module_null;
	TimestampTz session_start,
				now;
	int32		old_percent,
				new_percent;
	bool		duration_null;
	int32		duration = 0;
	WatchRanges *watched;
	int64		played_ms;
	Datum		args[6];
	char		nulls[6];
	int64		old_played_ms;
	Datum		result;
	EventRow	events[lengthof(milestones) + 1];
	int			nevents = 0;

	ChronosRequireArgument(fcinfo, 0, "p_session_id");
	ChronosRequireArgument(fcinfo, 1, "p_from_seconds");
	ChronosRequireArgument(fcinfo, 2, "p_to_seconds");
	session_id = PG_GETARG_DATUM(0);
	from_ms = WatchSecondsToMs(PG_GETARG_NUMERIC(1), "p_from_seconds");
	to_ms = WatchSecondsToMs(PG_GETARG_NUMERIC(2), "p_to_seconds");
	if (from_ms > to_ms)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("p_from_seconds must not be after p_to_seconds"),
				 errdetail("The range played was [%s, %s).",
						   DatumGetCString(DirectFunctionCall1(numeric_out, PG_GETARG_DATUM(1))),
						   DatumGetCString(DirectFunctionCall1(numeric_out, PG_GETARG_DATUM(2))))));

	ChronosBecomeOwner(&saved);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");

	tuple = FetchSession(&lock_session_plan, lock_session_sql, session_id);
	desc = SPI_tuptable->tupdesc;
	student_id = SPI_datumTransfer(SPI_getbinval(tuple, desc, 1, &isnull), false, UUID_LEN);
	ChronosRestoreUser(&saved);
	CheckMayActForStudent(student_id, "record watch progress");
	ChronosBecomeOwner(&saved);

	video_id = SPI_datumTransfer(SPI_getbinval(tuple, desc, 2, &isnull), false, UUID_LEN);
	creator_id = SPI_datumTransfer(SPI_getbinval(tuple, desc, 3, &isnull), false, UUID_LEN);
	course_id = SPI_getbinval(tuple, desc, 4, &course_null);
	if (!course_null)
		course_id = SPI_datumTransfer(course_id, false, UUID_LEN);
	module_id = SPI_getbinval(tuple, desc, 5, &module_null);
	if (!module_null)
		module_id = SPI_datumTransfer(module_id, false, UUID_LEN);
	ended = DatumGetBool(SPI_getbinval(tuple, desc, 6, &isnull));
	session_start = DatumGetTimestampTz(SPI_getbinval(tuple, desc, 7, &isnull));
	old_percent = DatumGetInt32(SPI_getbinval(tuple, desc, 8, &isnull));
	was_completed = DatumGetBool(SPI_getbinval(tuple, desc, 9, &isnull));
	watched = DatumGetWatchRangesP(SPI_getbinval(tuple, desc, 10, &isnull));
	{
		Datum		d = SPI_getbinval(tuple, desc, 11, &duration_null);

		if (!duration_null)
			duration = DatumGetInt32(d);
	}
	now = DatumGetTimestampTz(SPI_getbinval(tuple, desc, 12, &isnull));
	old_played_ms = DatumGetInt64(SPI_getbinval(tuple, desc, 13, &isnull));

	if (ended)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("watch session %s has ended", UUID_TEXT(session_id)),
				 errhint("Start a new session with start_watch_session.")));
	if (!duration_null && (int64) to_ms > (int64) duration * 1000 + 1000)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("p_to_seconds %s is past the end of the video",
						DatumGetCString(DirectFunctionCall1(numeric_out, PG_GETARG_DATUM(2)))),
				 errdetail("The video is %d seconds long.", duration)));

	watched = WatchRangesAdd(watched, from_ms, to_ms);
	played_ms = old_played_ms + (to_ms - from_ms);
	{
		/* the guard against faked playback: no faster than the wall clock allows */
		/* a transaction older than the session sees a start in its future */
		double		wall_ms = (double) Max(now - session_start, 0) / 1000.0;

		if ((double) played_ms > wall_ms * chronos_max_playback_rate + 30000.0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("watch session %s claims more playback than time allows",
							UUID_TEXT(session_id)),
					 errdetail("It would have played %.3f seconds in %.3f seconds since it started, at most %g times faster plus 30 seconds.",
							   played_ms / 1000.0, wall_ms / 1000.0, chronos_max_playback_rate)));
	}

	new_percent = old_percent;
	if (!duration_null)
		new_percent = (int32) Min((int64) 100,
								  WatchRangesCoverageBeforeMs(watched, (int64) duration * 1000) * 100 /
								  ((int64) duration * 1000));

	memcpy(types, update_types, sizeof(types));
	types[1] = ChronosTypeId("watch_ranges");
	if (progress_update_plan != NULL && progress_update_typid != types[1])
	{
		/* the extension was re-created: the kept plan names the old type */
		SPI_freeplan(progress_update_plan);
		progress_update_plan = NULL;
	}
	progress_update_typid = types[1];
	args[0] = session_id;
	args[1] = PointerGetDatum(watched);
	/* watch time moves by the change of the exact total's rounding: no drift */
	args[2] = Int32GetDatum((int32) ((played_ms + 500) / 1000 - (old_played_ms + 500) / 1000));
	args[3] = NumericGetDatum(WatchMsToSeconds(to_ms));
	args[4] = Int32GetDatum(new_percent);
	args[5] = Int64GetDatum(played_ms);
	memset(nulls, ' ', sizeof(nulls));
	if (SPI_execute_plan(ChronosKeptPlan(&progress_update_plan, progress_update_sql, 6, types),
						 args, nulls, false, 0) != SPI_OK_UPDATE_RETURNING || SPI_processed != 1)
		elog(ERROR, "could not update the watch session");
	now_completed = DatumGetBool(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1,
											   &isnull));
	result = SPI_datumTransfer(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2,
											 &isnull), false, -1);
	MarkRollupPending(session_id, now_completed && !was_completed);
	SPI_finish();
	ChronosRestoreUser(&saved);

	for (int i = 0; i < (int) lengthof(milestones); i++)
	{
		if (old_percent < milestones[i] && new_percent >= milestones[i] &&
			!MilestoneEmitted(session_id, milestones[i]))
		{
			char	   *json = psprintf("{\"milestone\": %d, \"percent_complete\": %d}",
										milestones[i], new_percent);

			SessionEvent(&events[nevents++], "video_progress", session_id, student_id, video_id,
						 creator_id, course_id, course_null, module_id, module_null,
						 DatumGetJsonbP(DirectFunctionCall1(jsonb_in, CStringGetDatum(json))));
		}
	}
	if (now_completed && !was_completed)
		SessionEvent(&events[nevents++], "video_completed", session_id, student_id, video_id,
					 creator_id, course_id, course_null, module_id, module_null,
					 DatumGetJsonbP(DirectFunctionCall1(jsonb_in,
														CStringGetDatum(psprintf("{\"percent_complete\": %d}", new_percent)))));
	if (nevents > 0)
		InsertEvents(events, nevents);

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
	HeapTuple	tuple;

	ChronosRequireArgument(fcinfo, 0, "p_session_id");
	session_id = PG_GETARG_DATUM(0);

	ChronosBecomeOwner(&saved);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	tuple = FetchSession(&session_row_plan, session_row_sql, session_id);
	student_id = SPI_datumTransfer(SPI_getbinval(tuple, SPI_tuptable->tupdesc, 1, &isnull),
								   false, UUID_LEN);

	ChronosRestoreUser(&saved);
	CheckMayActForStudent(student_id, "end a watch session");
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
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	arg = IntervalPGetDatum(idle);
	if (SPI_execute_plan(ChronosKeptPlan(&close_stale_plan, close_stale_sql, 1, types),
						 &arg, NULL, false, 0) != SPI_OK_UPDATE)
		elog(ERROR, "could not close stale watch sessions");
	closed = SPI_processed;
	SPI_finish();
	ChronosRestoreUser(&saved);
	PG_RETURN_INT32((int32) closed);
}
