/*
 * event_model.c
 *		The analytics event: its event types, its references, and the checks
 *		every event passes before it is written.
 *
 * Every event is checked in the order docs/architecture.md ("Order of
 * checks") gives: the arguments (NULLs, event type, metadata shape), then
 * whether the caller may track it, then its references.  The first two are
 * here, and look nothing up but the caller's identity; the references are
 * checked by the table's composite foreign keys while event_writer.c writes
 * the rows, and reported by ReportBadEventReference with messages that name
 * the bad reference.  Nothing here runs SQL.
 */
#include "postgres.h"

#include "access/xact.h"
#include "common/pg_prng.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "lib/stringinfo.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"
#include "utils/numeric.h"
#include "utils/timestamp.h"
#include "utils/uuid.h"

#include "args.h"
#include "catalog_cache.h"
#include "chronos.h"
#include "event_model.h"
#include "event_partitions.h"
#include "identity.h"

const char *const event_ref_columns[NUM_EVENT_REFS] = {
	"video_id", "creator_id", "student_id", "course_id", "module_id", "session_id"
};

/*
 * The first player event of chronos.video_event_type: students may track it
 * and every label after it in enum order.  The labels themselves are the
 * enum's (catalog_cache.c), never a copy.
 */
#define FIRST_PLAYER_EVENT "video_started"

/* The labels of types from first on, joined with ", ", for messages. */
static char *
JoinLabels(const ChronosNameList *types, int first)
{
	StringInfoData buf;

	initStringInfo(&buf);
	for (int i = first; i < types->count; i++)
		appendStringInfo(&buf, "%s%s", i > first ? ", " : "", types->names[i]);
	return buf.data;
}

/* The position of name among the enum's labels, or -1. */
static int
EventTypeIndex(const ChronosNameList *types, const char *name)
{
	for (int i = 0; i < types->count; i++)
		if (strcmp(name, types->names[i]) == 0)
			return i;
	return -1;
}

/* The label equal to name, copied; invalid_parameter_value for a name that is not an event type. */
const char *
CheckEventType(const char *name)
{
	const ChronosNameList *types = ChronosEventTypeLabels();
	int			i = EventTypeIndex(types, name);

	if (i < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid video event type \"%s\"", name),
				 errhint("Valid event types are: %s.", JoinLabels(types, 0))));
	return pstrdup(types->names[i]);
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
 * The metadata each quality-of-experience event (chronos 1.1) must hold: one
 * key, a number of milliseconds from 0 to a day, or (video_error) a
 * non-empty string or a number.  Other event types hold what they like.
 */
typedef struct QoeMetadata
{
	const char *event_type;
	const char *key;
	bool		milliseconds;	/* a number of milliseconds; else a code */
	const char *meaning;
	const char *example;
} QoeMetadata;

static const QoeMetadata qoe_metadata[] = {
	{"video_startup", "startup_ms", true, "the milliseconds from pressing play to the first frame", "850"},
	{"video_rebuffer", "duration_ms", true, "how many milliseconds the playback stalled", "1200"},
	{"video_error", "code", false, "the player's error code", "\"MEDIA_ERR_NETWORK\""},
};

/* The most milliseconds a startup or a stall may last: a day. */
#define QOE_MAX_MS 86400000

/*
 * Their finest step: a microsecond (three decimals).  So every such time
 * is exact as a double too (at most eleven significant digits), which the
 * rollups' lists of startup times (video_analytics.startup_ms_values) are.
 */
#define QOE_MS_DECIMALS 3

/* The kind of a JSON value, for messages. */
static const char *
JsonKind(const JsonbValue *v)
{
	switch (v->type)
	{
		case jbvNull:
			return "null";
		case jbvString:
			return "a string";
		case jbvNumeric:
			return "a number";
		case jbvBool:
			return "a boolean";
		case jbvBinary:
			return JsonContainerIsArray(v->val.binary.data) ? "an array" : "an object";
		default:
			return "a JSON value";
	}
}

/* What the metadata of a quality-of-experience event must hold (qoe_metadata); 22023 otherwise. */
void
CheckEventMetadataOfType(const char *event_type, Jsonb *metadata, const char *argname)
{
	for (int i = 0; i < (int) lengthof(qoe_metadata); i++)
	{
		const QoeMetadata *q = &qoe_metadata[i];
		JsonbValue *v;

		if (strcmp(event_type, q->event_type) != 0)
			continue;
		v = getKeyJsonValueFromContainer(&metadata->root, q->key, strlen(q->key), NULL);
		if (v == NULL || v->type == jbvNull)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%s of a %s event must hold \"%s\"", argname, event_type, q->key),
					 errdetail("\"%s\" is %s.", q->key, q->meaning),
					 errhint("For example {\"%s\": %s}.", q->key, q->example)));
		if (q->milliseconds)
		{
			bool		in_range = false;

			if (v->type == jbvNumeric && !numeric_is_nan(v->val.numeric))
			{
				Datum		n = NumericGetDatum(v->val.numeric);

				in_range = DatumGetInt32(DirectFunctionCall2(numeric_cmp, n,
															 NumericGetDatum(int64_to_numeric(0)))) >= 0 &&
					DatumGetInt32(DirectFunctionCall2(numeric_cmp, n,
													  NumericGetDatum(int64_to_numeric(QOE_MAX_MS)))) <= 0;
			}
			if (!in_range)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("\"%s\" in %s must be a number of milliseconds from 0 to %d", q->key, argname,
								QOE_MAX_MS),
						 errdetail("It is %s%s%s.", JsonKind(v), v->type == jbvNumeric ? ", " : "",
								   v->type == jbvNumeric ?
								   DatumGetCString(DirectFunctionCall1(numeric_out,
																	   NumericGetDatum(v->val.numeric))) : ""),
						 errhint("For example {\"%s\": %s}.", q->key, q->example)));
			if (!DatumGetBool(DirectFunctionCall2(numeric_eq, NumericGetDatum(v->val.numeric),
												  DirectFunctionCall2(numeric_round,
																	  NumericGetDatum(v->val.numeric),
																	  Int32GetDatum(QOE_MS_DECIMALS)))))
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("\"%s\" in %s must not be finer than a microsecond", q->key, argname),
						 errdetail("It is %s, with more than %d decimals.",
								   DatumGetCString(DirectFunctionCall1(numeric_out,
																	   NumericGetDatum(v->val.numeric))),
								   QOE_MS_DECIMALS),
						 errhint("Round it to %d decimals: milliseconds to the microsecond.", QOE_MS_DECIMALS)));
		}
		else if (!(v->type == jbvNumeric || (v->type == jbvString && v->val.string.len > 0)))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("\"%s\" in %s must be a non-empty string or a number", q->key, argname),
					 errdetail("It is %s.", v->type == jbvString ? "an empty string" : JsonKind(v)),
					 errhint("For example {\"%s\": %s}.", q->key, q->example)));
	}
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

/* Raises insufficient_privilege unless a student may track event_type: a player event. */
static void
CheckIsPlayerEvent(const char *event_type)
{
	const ChronosNameList *types = ChronosEventTypeLabels();
	int			first = EventTypeIndex(types, FIRST_PLAYER_EVENT);

	if (first < 0 || EventTypeIndex(types, event_type) < first)
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("permission denied to track event type \"%s\" as a student",
						event_type),
				 errdetail("Students may track only player events: %s.",
						   first < 0 ? "" : JoinLabels(types, first))));
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
		CheckIsPlayerEvent(row->event_type);
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
