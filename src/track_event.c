/*
 * track_event.c
 *		The SQL entry points of the analytics event stream:
 *		track_video_event (one event) and track_video_events (many, all or
 *		none).
 *
 * Each turns its arguments into EventRows, checks them and the caller
 * (event_model.c), and hands them to InsertEvents (event_writer.c).
 *
 * p_events is an array of objects whose keys are track_video_event's
 * parameter names without "p_".  Every element is parsed and checked, and
 * every element authorized, before event_writer.c writes them with a single INSERT;
 * an error names the element (counting from 0) in its context.
 */
#include "postgres.h"

#include "access/xact.h"
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/timestamp.h"
#include "utils/uuid.h"

#include "args.h"
#include "event_writer.h"

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
	CheckEventMetadataOfType(row.event_type, row.metadata, "p_metadata");
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

/* Error context: the element being parsed. */
static void
BatchElementContext(void *arg)
{
	int			element = *(int *) arg;

	if (element >= 0)
		errcontext("p_events element %d", element);
}

/* A JSON value as it would be written in JSON (strings quoted). */
static char *
JsonbValueJson(JsonbValue *value)
{
	return JsonbToCString(NULL, &JsonbValueToJsonb(value)->root, 0);
}

/* A string's contents, or any other value as JSON. */
static char *
JsonbValueText(JsonbValue *value)
{
	if (value->type == jbvString)
		return pnstrdup(value->val.string.val, value->val.string.len);
	return JsonbValueJson(value);
}

static void
KeyTypeError(const char *key, const char *expected, JsonbValue *value)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("\"%s\" must be %s, not %s", key, expected, JsonbValueText(value))));
}

static void
ParseUuidValue(const char *key, JsonbValue *value, pg_uuid_t *out)
{
	if (value->type != jbvString)
		KeyTypeError(key, "a uuid string", value);
	if (!ChronosParseUuid(value->val.string.val, value->val.string.len, out))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("\"%s\" is not a valid uuid: \"%s\"", key, JsonbValueText(value))));
}

/* Parses a timestamp string; a malformed one is invalid_parameter_value. */
static TimestampTz
ParseTimestampValue(JsonbValue *value)
{
	MemoryContext cxt = CurrentMemoryContext;
	char	   *text;
	volatile TimestampTz result = 0;

	if (value->type != jbvString)
		KeyTypeError("timestamp", "a timestamp string", value);
	text = JsonbValueText(value);
	PG_TRY();
	{
		result = DatumGetTimestampTz(DirectFunctionCall3(timestamptz_in, CStringGetDatum(text),
														 ObjectIdGetDatum(InvalidOid),
														 Int32GetDatum(-1)));
	}
	PG_CATCH();
	{
		/* re-raised at once with our errcode; nothing else runs */
		MemoryContextSwitchTo(cxt);
		FlushErrorState();
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("\"timestamp\" is not a valid timestamp: \"%s\"", text),
				 errhint("Use ISO 8601 with a time zone, for example \"2026-11-27T10:00:00Z\".")));
	}
	PG_END_TRY();
	return result;
}

/* The keys of an element of p_events: track_video_event's parameters without "p_". */
typedef enum BatchKey
{
	KEY_EVENT_TYPE,
	KEY_VIDEO_ID,
	KEY_CREATOR_ID,
	KEY_STUDENT_ID,
	KEY_COURSE_ID,
	KEY_MODULE_ID,
	KEY_METADATA,
	KEY_TIMESTAMP,
	KEY_EVENT_ID,
	KEY_SESSION_ID,
	NUM_BATCH_KEYS
} BatchKey;

/* Each key's name, and the reference it sets (-1: none), in BatchKey order. */
static const struct
{
	const char *name;
	int			ref;
}			batch_keys[NUM_BATCH_KEYS] = {
	{"event_type", -1},
	{"video_id", REF_VIDEO},
	{"creator_id", REF_CREATOR},
	{"student_id", REF_STUDENT},
	{"course_id", REF_COURSE},
	{"module_id", REF_MODULE},
	{"metadata", -1},
	{"timestamp", -1},
	{"event_id", -1},
	{"session_id", REF_SESSION},
};

/* The names of the keys, joined with ", ", for hints. */
static const char *
BatchKeyNames(void)
{
	StringInfoData buf;

	initStringInfo(&buf);
	for (int k = 0; k < NUM_BATCH_KEYS; k++)
		appendStringInfo(&buf, "%s%s", k > 0 ? ", " : "", batch_keys[k].name);
	return buf.data;
}

/* The key called name; invalid_parameter_value for an unknown key. */
static BatchKey
FindBatchKey(const char *name)
{
	for (int k = 0; k < NUM_BATCH_KEYS; k++)
		if (strcmp(name, batch_keys[k].name) == 0)
			return (BatchKey) k;
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("unknown key \"%s\"", name),
			 errhint("The keys of an event are: %s.", BatchKeyNames())));
	pg_unreachable();
}

/* Sets the field of row that key names from value (not JSON null). */
static void
SetBatchKey(BatchKey key, JsonbValue *value, EventRow *row)
{
	const char *name = batch_keys[key].name;

	switch (key)
	{
		case KEY_EVENT_TYPE:
			if (value->type != jbvString)
				KeyTypeError(name, "a string", value);
			row->event_type = CheckEventType(JsonbValueText(value));
			break;
		case KEY_EVENT_ID:
			ParseUuidValue(name, value, &row->id);
			row->id_given = true;
			break;
		case KEY_METADATA:
			row->metadata = JsonbValueToJsonb(value);
			CheckEventMetadata(row->metadata, "\"metadata\"");
			break;
		case KEY_TIMESTAMP:
			row->timestamp = ParseTimestampValue(value);
			CheckEventTimestamp(row->timestamp, "\"timestamp\"");
			break;
		default:
			ParseUuidValue(name, value, &row->refs[batch_keys[key].ref]);
			row->ref_null[batch_keys[key].ref] = false;
			break;
	}
}

/* Fills row from one element of p_events (an object); a JSON null counts as absent. */
static void
ParseBatchElement(JsonbValue *element, EventRow *row)
{
	JsonbIterator *it;
	JsonbValue	key;
	JsonbValue	value;
	JsonbIteratorToken token;

	if (element->type != jbvBinary || !JsonContainerIsObject(element->val.binary.data))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("element is not a JSON object: %s", JsonbValueJson(element)),
				 errhint("Each element is an object with the keys %s.", BatchKeyNames())));

	memset(row, 0, sizeof(EventRow));
	for (int ref = 0; ref < NUM_EVENT_REFS; ref++)
		row->ref_null[ref] = true;
	row->metadata = EmptyJsonbObject();
	row->timestamp = GetCurrentTransactionStartTimestamp();

	it = JsonbIteratorInit(element->val.binary.data);
	while ((token = JsonbIteratorNext(&it, &key, true)) != WJB_DONE)
	{
		BatchKey	k;

		if (token != WJB_KEY)
			continue;
		k = FindBatchKey(pnstrdup(key.val.string.val, key.val.string.len));
		token = JsonbIteratorNext(&it, &value, true);
		Assert(token == WJB_VALUE);
		if (value.type != jbvNull)
			SetBatchKey(k, &value, row);
	}

	if (row->event_type == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("\"event_type\" is required")));
	if (row->ref_null[REF_VIDEO])
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("\"video_id\" is required")));
	if (row->ref_null[REF_CREATOR])
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("\"creator_id\" is required")));
	CheckSessionNeedsStudent(row, "\"session_id\"", "\"student_id\"");
	CheckEventMetadataOfType(row->event_type, row->metadata, "\"metadata\"");
	if (!row->id_given)
		NewEventId(&row->id);
}

static int
CompareElementIds(const void *a, const void *b)
{
	const EventRow *x = *(const EventRow *const *) a;
	const EventRow *y = *(const EventRow *const *) b;
	int			c = memcmp(x->id.data, y->id.data, UUID_LEN);

	return c != 0 ? c : (x->element > y->element) - (x->element < y->element);
}

/*
 * DropRepeatedIds removes later elements that repeat an earlier element's
 * event_id with the same content (a client retrying inside one batch), and
 * refuses one that reuses the id for different content.  Returns the new
 * count; rows keep their order.
 */
static int
DropRepeatedIds(EventRow *rows, int n, int *element)
{
	EventRow  **given = palloc(sizeof(EventRow *) * n);
	bool	   *drop = palloc0(sizeof(bool) * n);
	int			ngiven = 0;
	int			kept = 0;

	for (int i = 0; i < n; i++)
		if (rows[i].id_given)
			given[ngiven++] = &rows[i];
	qsort(given, ngiven, sizeof(EventRow *), CompareElementIds);

	for (int i = 1; i < ngiven; i++)
	{
		const EventRow *first = given[i - 1];
		const char *field;

		if (memcmp(first->id.data, given[i]->id.data, UUID_LEN) != 0)
			continue;
		field = FirstDifferingEventField(first, given[i]);
		if (field != NULL)
		{
			*element = given[i]->element;
			ereport(ERROR,
					(errcode(ERRCODE_UNIQUE_VIOLATION),
					 errmsg("event_id %s is used twice with different content",
							DatumGetCString(DirectFunctionCall1(uuid_out,
																UUIDPGetDatum(&given[i]->id)))),
					 errdetail("Elements %d and %d differ in %s.", first->element,
							   given[i]->element, field)));
		}
		drop[given[i]->element] = true;
		given[i] = (EventRow *) first;	/* compare later repeats with the first */
	}

	for (int i = 0; i < n; i++)
		if (!drop[i])
			rows[kept++] = rows[i];
	return kept;
}

/*
 * track_video_events(p_events jsonb) records an array of events, all or
 * none, and returns how many were new (replays of known event ids count 0).
 */
PG_FUNCTION_INFO_V1(track_video_events);
Datum
track_video_events(PG_FUNCTION_ARGS)
{
	Jsonb	   *events;
	EventRow   *rows;
	int			n;
	int			element = -1;
	ErrorContextCallback errcallback;

	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("p_events must not be null")));
	events = PG_GETARG_JSONB_P(0);
	if (!JB_ROOT_IS_ARRAY(events) || JB_ROOT_IS_SCALAR(events))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("p_events must be a JSON array of event objects"),
				 errhint("Pass [{\"event_type\": \"video_started\", \"video_id\": ..., \"creator_id\": ...}, ...].")));

	n = JB_ROOT_COUNT(events);
	rows = palloc(sizeof(EventRow) * Max(n, 1));

	errcallback.callback = BatchElementContext;
	errcallback.arg = &element;
	errcallback.previous = error_context_stack;
	error_context_stack = &errcallback;

	for (element = 0; element < n; element++)
	{
		JsonbValue *value = getIthJsonbValueFromContainer(&events->root, element);

		ParseBatchElement(value, &rows[element]);
		rows[element].element = element;
	}
	for (element = 0; element < n; element++)
		CheckMayTrackEvent(&rows[element]);
	element = -1;
	n = DropRepeatedIds(rows, n, &element);
	element = -1;

	error_context_stack = errcallback.previous;

	PG_RETURN_INT32(InsertEvents(rows, n));
}
