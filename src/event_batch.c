/*
 * event_batch.c
 *		track_video_events(p_events jsonb): many events in one call, all or
 *		none.
 *
 * p_events is an array of objects whose keys are track_video_event's
 * parameter names without "p_".  Every element is parsed and checked, and
 * every element authorized, before ingest.c writes them with a single INSERT;
 * an error names the element (counting from 0) in its context.
 */
#include "postgres.h"

#include "access/xact.h"
#include "fmgr.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/timestamp.h"
#include "utils/uuid.h"

#include "events.h"
#include "plans.h"

#define BATCH_KEYS "event_type, video_id, creator_id, student_id, course_id, module_id, " \
	"metadata, timestamp, event_id, session_id"

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

/* Fills row from one element of p_events (an object). */
static void
ParseBatchElement(JsonbValue *element, EventRow *row)
{
	JsonbIterator *it;
	JsonbValue	key;
	JsonbValue	value;
	JsonbIteratorToken token;
	bool		has_event_type = false;

	if (element->type != jbvBinary || !JsonContainerIsObject(element->val.binary.data))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("element is not a JSON object: %s", JsonbValueJson(element)),
				 errhint("Each element is an object with the keys " BATCH_KEYS ".")));

	memset(row, 0, sizeof(EventRow));
	for (int ref = 0; ref < NUM_EVENT_REFS; ref++)
		row->ref_null[ref] = true;
	row->metadata = EmptyJsonbObject();
	row->timestamp = GetCurrentTransactionStartTimestamp();

	it = JsonbIteratorInit(element->val.binary.data);
	while ((token = JsonbIteratorNext(&it, &key, true)) != WJB_DONE)
	{
		char	   *name;
		int			ref = -1;

		if (token != WJB_KEY)
			continue;
		name = pnstrdup(key.val.string.val, key.val.string.len);
		token = JsonbIteratorNext(&it, &value, true);
		Assert(token == WJB_VALUE);

		for (int r = 0; r < NUM_EVENT_REFS; r++)
			if (strcmp(name, event_ref_columns[r]) == 0)
				ref = r;

		if (value.type == jbvNull)
		{
			/* null is absent, which the required keys are checked for below */
			if (ref < 0 && strcmp(name, "event_type") != 0 && strcmp(name, "metadata") != 0 &&
				strcmp(name, "timestamp") != 0 && strcmp(name, "event_id") != 0)
				goto unknown;
			continue;
		}

		if (ref >= 0)
		{
			ParseUuidValue(name, &value, &row->refs[ref]);
			row->ref_null[ref] = false;
		}
		else if (strcmp(name, "event_type") == 0)
		{
			char	   *type;

			if (value.type != jbvString)
				KeyTypeError(name, "a string", &value);
			type = JsonbValueText(&value);
			row->event_type = CheckEventType(type);
			has_event_type = true;
		}
		else if (strcmp(name, "event_id") == 0)
		{
			ParseUuidValue(name, &value, &row->id);
			row->id_given = true;
		}
		else if (strcmp(name, "metadata") == 0)
		{
			row->metadata = JsonbValueToJsonb(&value);
			CheckEventMetadata(row->metadata, "\"metadata\"");
		}
		else if (strcmp(name, "timestamp") == 0)
		{
			row->timestamp = ParseTimestampValue(&value);
			CheckEventTimestamp(row->timestamp, "\"timestamp\"");
		}
		else
			goto unknown;
		continue;

unknown:
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unknown key \"%s\"", name),
				 errhint("The keys of an event are: " BATCH_KEYS ".")));
	}

	if (!has_event_type)
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
	if (!row->ref_null[REF_SESSION] && row->ref_null[REF_STUDENT])
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("\"session_id\" requires \"student_id\""),
				 errdetail("An event of a watch session names the session's student.")));
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
