/*
 * events.c
 *		track_video_event and track_video_events: the front door of the
 *		analytics event stream.
 *
 * Every event is checked in the order DESIGN.md section 5 gives: the
 * arguments (NULLs, event type, metadata shape), then whether the caller may
 * track it, then its references.  The first two happen here, before anything
 * is looked up; the references are checked by the table's composite foreign
 * keys while ingest.c writes the rows, and reported with messages that name
 * the bad reference.
 */
#include "postgres.h"

#include "access/xact.h"
#include "common/pg_prng.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"
#include "utils/uuid.h"

#include "chronos.h"
#include "event_partitions.h"
#include "events.h"
#include "identity.h"
#include "plans.h"

const char *const event_ref_columns[NUM_EVENT_REFS] = {
	"video_id", "creator_id", "student_id", "course_id", "module_id", "session_id"
};

/* The labels of chronos.video_event_type, in enum order. */
static const char *const event_types[] = {
	"video_imported", "video_transcribed", "video_embedded", "video_added_to_course",
	"video_started", "video_progress", "video_completed", "video_rewatched",
	"video_paused", "video_resumed", "video_seeked", "playback_speed_changed"
};

/* The first player event in event_types: students may track these and later ones. */
#define FIRST_PLAYER_EVENT 4

#define EVENT_TYPE_LIST \
	"video_imported, video_transcribed, video_embedded, video_added_to_course, " \
	"video_started, video_progress, video_completed, video_rewatched, " \
	"video_paused, video_resumed, video_seeked, playback_speed_changed"
#define PLAYER_EVENT_LIST \
	"video_started, video_progress, video_completed, video_rewatched, " \
	"video_paused, video_resumed, video_seeked, playback_speed_changed"

static const char *
EventTypeLabel(const char *name)
{
	for (int i = 0; i < (int) lengthof(event_types); i++)
		if (strcmp(name, event_types[i]) == 0)
			return event_types[i];
	return NULL;
}

static bool
IsPlayerEvent(const char *label)
{
	for (int i = FIRST_PLAYER_EVENT; i < (int) lengthof(event_types); i++)
		if (label == event_types[i])
			return true;
	return false;
}

/* The label equal to name; invalid_parameter_value for a name that is not an event type. */
const char *
CheckEventType(const char *name)
{
	const char *label = EventTypeLabel(name);

	if (label == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid video event type \"%s\"", name),
				 errhint("Valid event types are: " EVENT_TYPE_LIST ".")));
	return label;
}

/* metadata must be a JSON object of at most chronos.max_event_metadata_bytes. */
void
CheckEventMetadata(Jsonb *metadata, const char *argname)
{
	Size		size = VARSIZE_ANY_EXHDR(metadata);

	if (size > (Size) chronos_max_event_metadata_bytes)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("%s is too large: %zu bytes, the limit is %d", argname, size,
						chronos_max_event_metadata_bytes),
				 errdetail("chronos.max_event_metadata_bytes limits an event's metadata, measured in its jsonb form."),
				 errhint("Keep large documents elsewhere and put a reference in the metadata.")));
	if (!JB_ROOT_IS_OBJECT(metadata) || JB_ROOT_IS_SCALAR(metadata))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be a JSON object", argname),
				 errdetail("The value given is a JSON %s.",
						   JB_ROOT_IS_SCALAR(metadata) ? "scalar" : "array"),
				 errhint("Pass an object such as {\"source\": \"web\"}, or {} for none.")));
}

/*
 * An event happened at a real time (infinity is refused), and not before the
 * retention horizon: maintenance would drop it at once.
 */
void
CheckEventTimestamp(TimestampTz timestamp, const char *argname)
{
	TimestampTz horizon;

	if (TIMESTAMP_NOT_FINITE(timestamp))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be a finite time, not %s", argname,
						TIMESTAMP_IS_NOBEGIN(timestamp) ? "-infinity" : "infinity")));
	if (EventRetentionHorizon(&horizon) && timestamp < horizon)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s %s is before the retention horizon %s", argname,
						pstrdup(timestamptz_to_str(timestamp)), pstrdup(timestamptz_to_str(horizon))),
				 errdetail("chronos.event_retention is %s: events older than that are dropped.",
						   chronos_event_retention)));
}

/*
 * A student's event may be dated at most chronos.max_event_clock_skew after
 * the server's clock: a player's clock is not to be trusted further.
 */
static void
CheckStudentEventTime(const EventRow *row)
{
	TimestampTz latest = TimestampTzPlusMilliseconds(GetCurrentTimestamp(),
													 (int64) chronos_max_event_clock_skew * 1000);

	if (row->timestamp > latest)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("event timestamp %s is too far in the future",
						pstrdup(timestamptz_to_str(row->timestamp))),
				 errdetail("A student's event may be dated at most %d seconds after the server's clock (chronos.max_event_clock_skew), that is %s.",
						   chronos_max_event_clock_skew, timestamptz_to_str(latest))));
}

/* An empty JSON object, built once per backend. */
Jsonb *
EmptyJsonbObject(void)
{
	static Jsonb *empty = NULL;

	if (empty == NULL)
	{
		MemoryContext old = MemoryContextSwitchTo(TopMemoryContext);

		empty = DatumGetJsonbP(DirectFunctionCall1(jsonb_in, CStringGetDatum("{}")));
		MemoryContextSwitchTo(old);
	}
	return empty;
}

/* A version 4 UUID, as gen_random_uuid() makes. */
void
NewEventId(pg_uuid_t *id)
{
	if (!pg_strong_random(id->data, UUID_LEN))
		ereport(ERROR,
				(errcode(ERRCODE_INTERNAL_ERROR),
				 errmsg("could not generate random values")));
	id->data[6] = (id->data[6] & 0x0f) | 0x40;
	id->data[8] = (id->data[8] & 0x3f) | 0x80;
}

/*
 * CheckMayTrackEvent raises insufficient_privilege unless the caller may
 * track this event: the service anything, a creator anything on its own
 * videos, a student only player events and only as itself.  It looks nothing
 * up: the identity is resolved once per statement, and whether the video,
 * student, course or module really belong to p_creator_id is checked by the
 * foreign keys afterwards.
 */
void
CheckMayTrackEvent(const EventRow *row)
{
	const ChronosIdentity *identity = ChronosGetIdentity();
	const pg_uuid_t *creator = &row->refs[REF_CREATOR];

	if (identity->is_service || ChronosIdentityIsCreator(identity, creator))
		return;

	if (!row->ref_null[REF_STUDENT] &&
		ChronosIdentityIsStudent(identity, &row->refs[REF_STUDENT]))
	{
		if (!ChronosIdentityIsStudentOf(identity, creator))
			ereport(ERROR,
					(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
					 errmsg("permission denied to track events for creator %s", ChronosUuidText(creator)),
					 errdetail("The caller is not a student of that creator.")));
		if (!IsPlayerEvent(row->event_type))
			ereport(ERROR,
					(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
					 errmsg("permission denied to track event type \"%s\" as a student",
							row->event_type),
					 errdetail("Students may track only player events: " PLAYER_EVENT_LIST ".")));
		CheckStudentEventTime(row);
		return;
	}

	if (identity->nstudents > 0 && !row->ref_null[REF_STUDENT])
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("permission denied to track events for student %s",
						ChronosUuidText(&row->refs[REF_STUDENT])),
				 errdetail("A student may track events only with its own student id.")));

	ereport(ERROR,
			(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
			 errmsg("permission denied to track events for creator %s", ChronosUuidText(creator)),
			 errdetail("Only the creator, its students (for their own viewing) and the service may track its events."),
			 errhint("Pass the caller's identity in request.jwt.claims, or SET LOCAL chronos.creator_id or chronos.student_id.")));
}

const char *
FirstDifferingEventField(const EventRow *a, const EventRow *b)
{
	if (strcmp(a->event_type, b->event_type) != 0)
		return "event_type";
	for (int ref = 0; ref < NUM_EVENT_REFS; ref++)
	{
		if (a->ref_null[ref] != b->ref_null[ref] ||
			(!a->ref_null[ref] &&
			 memcmp(a->refs[ref].data, b->refs[ref].data, UUID_LEN) != 0))
			return event_ref_columns[ref];
	}
	if (compareJsonbContainers(&a->metadata->root, &b->metadata->root) != 0)
		return "metadata";
	return NULL;
}

void
ReportBadEventReference(EventRef ref, const EventRow *row)
{
	const char *creator = ChronosUuidText(&row->refs[REF_CREATOR]);
	const char *value = row->ref_null[ref] ? "(null)" : ChronosUuidText(&row->refs[ref]);

	switch (ref)
	{
		case REF_CREATOR:
			ereport(ERROR,
					(errcode(ERRCODE_FOREIGN_KEY_VIOLATION),
					 errmsg("creator %s does not exist", creator)));
			break;
		case REF_VIDEO:
			ereport(ERROR,
					(errcode(ERRCODE_FOREIGN_KEY_VIOLATION),
					 errmsg("video %s does not belong to creator %s", value, creator),
					 errdetail("No video with that id belongs to that creator.")));
			break;
		case REF_STUDENT:
			ereport(ERROR,
					(errcode(ERRCODE_FOREIGN_KEY_VIOLATION),
					 errmsg("student %s is not a student of creator %s", value, creator),
					 errdetail("No student with that id belongs to that creator.")));
			break;
		case REF_COURSE:
			ereport(ERROR,
					(errcode(ERRCODE_FOREIGN_KEY_VIOLATION),
					 errmsg("course %s does not belong to creator %s", value, creator),
					 errdetail("No course with that id belongs to that creator.")));
			break;
		case REF_MODULE:
			if (!row->ref_null[REF_COURSE])
				ereport(ERROR,
						(errcode(ERRCODE_FOREIGN_KEY_VIOLATION),
						 errmsg("module %s is not a module of course %s", value,
								ChronosUuidText(&row->refs[REF_COURSE])),
						 errdetail("The module must belong to the course given, and the course to creator %s.",
								   creator)));
			ereport(ERROR,
					(errcode(ERRCODE_FOREIGN_KEY_VIOLATION),
					 errmsg("module %s does not belong to creator %s", value, creator),
					 errdetail("No module of that creator's courses has that id.")));
			break;
		case REF_SESSION:
			ereport(ERROR,
					(errcode(ERRCODE_FOREIGN_KEY_VIOLATION),
					 errmsg("session %s is not a session of student %s on video %s", value,
							ChronosUuidText(&row->refs[REF_STUDENT]), ChronosUuidText(&row->refs[REF_VIDEO])),
					 errdetail("An event's session must be a watch session of the same video and student.")));
			break;
		case NUM_EVENT_REFS:
			break;
	}
	elog(ERROR, "unexpected event reference %d", (int) ref);
}

/* An event of a session must name the session's student (the foreign key needs it). */
static void
CheckSessionNeedsStudent(const EventRow *row, const char *session_arg, const char *student_arg)
{
	if (!row->ref_null[REF_SESSION] && row->ref_null[REF_STUDENT])
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("%s requires %s", session_arg, student_arg),
				 errdetail("An event of a watch session names the session's student.")));
}

/*
 * track_video_event(p_event_type, p_video_id, p_creator_id, p_student_id,
 *		p_course_id, p_module_id, p_metadata, p_timestamp, p_event_id,
 *		p_session_id) records one event and returns its id.  With p_event_id
 *		it is idempotent: the same event sent again returns the id and writes
 *		nothing.
 */
PG_FUNCTION_INFO_V1(track_video_event);
Datum
track_video_event(PG_FUNCTION_ARGS)
{
	static const int ref_args[NUM_EVENT_REFS] = {1, 2, 3, 4, 5, 9};
	EventRow	row;
	pg_uuid_t  *result;

	ChronosRequireArgument(fcinfo, 0, "p_event_type");
	ChronosRequireArgument(fcinfo, 1, "p_video_id");
	ChronosRequireArgument(fcinfo, 2, "p_creator_id");

	row.event_type = CheckEventType(text_to_cstring(PG_GETARG_TEXT_PP(0)));
	for (int ref = 0; ref < NUM_EVENT_REFS; ref++)
	{
		row.ref_null[ref] = PG_ARGISNULL(ref_args[ref]);
		if (!row.ref_null[ref])
			row.refs[ref] = *PG_GETARG_UUID_P(ref_args[ref]);
	}
	CheckSessionNeedsStudent(&row, "p_session_id", "p_student_id");

	if (PG_ARGISNULL(6))
		row.metadata = EmptyJsonbObject();
	else
	{
		row.metadata = PG_GETARG_JSONB_P(6);
		CheckEventMetadata(row.metadata, "p_metadata");
	}
	row.timestamp = PG_ARGISNULL(7) ? GetCurrentTransactionStartTimestamp()
		: PG_GETARG_TIMESTAMPTZ(7);
	CheckEventTimestamp(row.timestamp, "p_timestamp");
	row.element = -1;
	row.id_given = !PG_ARGISNULL(8);
	if (row.id_given)
		row.id = *PG_GETARG_UUID_P(8);
	else
		NewEventId(&row.id);

	CheckMayTrackEvent(&row);
	InsertEvents(&row, 1);

	result = palloc(sizeof(pg_uuid_t));
	*result = row.id;
	PG_RETURN_UUID_P(result);
}
