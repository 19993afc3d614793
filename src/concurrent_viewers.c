/*
 * concurrent_viewers.c
 *		peak_concurrent_viewers and concurrent_viewers_series (chronos 1.1):
 *		how many viewings of a creator's videos, or of one video, were
 *		watching at once, over a range of time.
 *
 * A watch session watches from its session_start until its session_end,
 * or, while it is open, until its last heartbeat (last_heartbeat_at): the
 * last moment chronos knows it was watching.  That span is half-open,
 * [start, end), so a session that ends at the instant another starts is
 * never counted with it; an open session without a heartbeat, and one that
 * ended at its start, watched for no time and count nowhere.  Within a
 * range [from, to) the spans are clipped to it.
 *
 * The spans are read once (one index range per video, through (video_id,
 * session_start), up to the range's end) straight from the executor into
 * two arrays, starts and ends, which are sorted each on its own: the number
 * watching at instant t is then #(starts <= t) - #(ends <= t), and one
 * merge of the two arrays in time order gives the peak and, interval by
 * interval, the series, in O(n log n) for n sessions.
 *
 * Only the creator itself and the service may ask (the figures count other
 * people's viewings); then the sessions are read as the extension's owner,
 * every statement naming the creator (on Citus, one shard).
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "common/int.h"
#include "executor/spi.h"
#include "executor/tuptable.h"
#include "fmgr.h"
#include "funcapi.h"
#include "nodes/params.h"
#include "tcop/dest.h"
#include "utils/builtins.h"
#include "utils/datetime.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"
#include "utils/tuplestore.h"
#include "utils/uuid.h"

#include "args.h"
#include "compat.h"
#include "concurrent_viewers.h"
#include "identity.h"
#include "owner.h"
#include "spi_sql.h"

/* The most intervals concurrent_viewers_series returns. */
#define CONCURRENT_MAX_INTERVALS 10000

/* An ascending sort of timestamps (lib/sort_template.h). */
#define ST_SORT SortTimestamps
#define ST_ELEMENT_TYPE TimestampTz
#define ST_COMPARE(a, b) ((*(a) > *(b)) - (*(a) < *(b)))
#define ST_SCOPE static
#define ST_DECLARE
#define ST_DEFINE
#include "lib/sort_template.h"

/*
 * $1 creator, $2 .. $3 the range: the spans of its sessions that overlap
 * it, read through (video_id, session_start) one range per video of the
 * creator, like creator_dashboard's sessions.
 */
static const char *const creator_spans_sql =
"SELECT s.session_start, COALESCE(s.session_end, s.last_heartbeat_at)"
"  FROM chronos.video_watch_sessions s"
" WHERE s.video_id" SQL_EQ "ANY (ARRAY(SELECT v.id FROM chronos.videos v WHERE v.creator_id" SQL_EQ "$1))"
"   AND s.creator_id" SQL_EQ "$1 AND s.session_start" SQL_LT "$3"
"   AND COALESCE(s.session_end, s.last_heartbeat_at)" SQL_GT "$2"
"   AND COALESCE(s.session_end, s.last_heartbeat_at)" SQL_GT "s.session_start";

/* The same for one video, $4, of the creator. */
static const char *const video_spans_sql =
"SELECT s.session_start, COALESCE(s.session_end, s.last_heartbeat_at)"
"  FROM chronos.video_watch_sessions s"
" WHERE s.video_id" SQL_EQ "$4"
"   AND s.creator_id" SQL_EQ "$1 AND s.session_start" SQL_LT "$3"
"   AND COALESCE(s.session_end, s.last_heartbeat_at)" SQL_GT "$2"
"   AND COALESCE(s.session_end, s.last_heartbeat_at)" SQL_GT "s.session_start";

/* $1 creator, $2 video or NULL: whether the creator exists, whether the video is one of its. */
static const char *const references_sql =
"SELECT EXISTS (SELECT FROM chronos.creators c WHERE c.id" SQL_EQ "$1),"
"       EXISTS (SELECT FROM chronos.videos v WHERE v.id" SQL_EQ "$2 AND v.creator_id" SQL_EQ "$1)";

static SPIPlanPtr creator_spans_plan;
static SPIPlanPtr video_spans_plan;
static SPIPlanPtr references_plan;

/* Receives the spans straight from the executor, clipped to the range. */
typedef struct SpanReceiver
{
	DestReceiver pub;
	ViewerSpans *spans;
	TimestampTz from;
	TimestampTz to;
} SpanReceiver;

/* An empty set of spans (concurrent_viewers.h). */
void
ConcurrentInitSpans(ViewerSpans *spans, MemoryContext cxt)
{
	spans->n = 0;
	spans->allocated = 1024;
	spans->starts = MemoryContextAllocHuge(cxt, spans->allocated * sizeof(TimestampTz));
	spans->ends = MemoryContextAllocHuge(cxt, spans->allocated * sizeof(TimestampTz));
}

/* One span, clipped to the range (concurrent_viewers.h). */
void
ConcurrentAddSpan(ViewerSpans *spans, TimestampTz start, TimestampTz end, TimestampTz from, TimestampTz to)
{
	start = Max(start, from);
	end = Min(end, to);
	if (start >= end)
		return;
	if (spans->n == spans->allocated)
	{
		/* repalloc keeps each array in the context it was allocated in */
		spans->allocated *= 2;
		spans->starts = repalloc_huge(spans->starts, spans->allocated * sizeof(TimestampTz));
		spans->ends = repalloc_huge(spans->ends, spans->allocated * sizeof(TimestampTz));
	}
	spans->starts[spans->n] = start;
	spans->ends[spans->n] = end;
	spans->n++;
}

/* Below this many, a comparison sort is as quick as RadixSortTimestamps. */
#define RADIX_SORT_MIN 256

/* Bits of each digit of RadixSortTimestamps: 2048 counters, a few passes for a range of days. */
#define RADIX_BITS 11
#define RADIX_SIZE (1 << RADIX_BITS)

/*
 * Sorts the n timestamps of values in ascending order, in time linear in n:
 * a least-significant-digit radix sort of their offsets from the smallest,
 * RADIX_BITS at a time, through a scratch array of n, skipping the digits
 * every value shares.  The timestamps of a range of days span 42 bits of
 * microseconds or less, four passes, where a comparison sort of the tens
 * of thousands of sessions of a month took most of the sweep's time.
 */
static void
RadixSortTimestamps(TimestampTz *values, int64 n, MemoryContext cxt)
{
	TimestampTz min;
	TimestampTz max;
	uint64		span;
	TimestampTz *from = values;
	TimestampTz *to;
	int64	   *counts;

	if (n < RADIX_SORT_MIN)
	{
		SortTimestamps(values, n);
		return;
	}
	min = max = values[0];
	for (int64 i = 1; i < n; i++)
	{
		min = Min(min, values[i]);
		max = Max(max, values[i]);
	}
	span = (uint64) max - (uint64) min;
	to = MemoryContextAllocHuge(cxt, n * sizeof(TimestampTz));
	counts = MemoryContextAlloc(cxt, RADIX_SIZE * sizeof(int64));
	for (int shift = 0; shift < 64 && (span >> shift) != 0; shift += RADIX_BITS)
	{
		int64		position = 0;
		TimestampTz *swap;

		memset(counts, 0, RADIX_SIZE * sizeof(int64));
		for (int64 i = 0; i < n; i++)
			counts[(((uint64) from[i] - (uint64) min) >> shift) & (RADIX_SIZE - 1)]++;
		for (int digit = 0; digit < RADIX_SIZE; digit++)
		{
			int64		count = counts[digit];

			counts[digit] = position;
			position += count;
		}
		for (int64 i = 0; i < n; i++)
			to[counts[(((uint64) from[i] - (uint64) min) >> shift) & (RADIX_SIZE - 1)]++] = from[i];
		swap = from;
		from = to;
		to = swap;
	}
	/* after an odd number of passes the sorted values are in the scratch array */
	if (from != values)
	{
		memcpy(values, from, n * sizeof(TimestampTz));
		to = from;
	}
	pfree(to);
	pfree(counts);
}

/* The starts and the ends sorted, each on its own (concurrent_viewers.h). */
void
ConcurrentSortSpans(ViewerSpans *spans)
{
	MemoryContext cxt = GetMemoryChunkContext(spans->starts);

	RadixSortTimestamps(spans->starts, spans->n, cxt);
	RadixSortTimestamps(spans->ends, spans->n, cxt);
}

/* One row of the spans' statement: its start and its end or last heartbeat. */
static bool
ReceiveSpan(TupleTableSlot *slot, DestReceiver *self)
{
	SpanReceiver *r = (SpanReceiver *) self;

	slot_getallattrs(slot);
	ConcurrentAddSpan(r->spans, DatumGetTimestampTz(slot->tts_values[0]),
					  DatumGetTimestampTz(slot->tts_values[1]), r->from, r->to);
	return true;
}

static void
SpanReceiverStartup(DestReceiver *self, int operation, TupleDesc typeinfo)
{
}

static void
SpanReceiverShutdown(DestReceiver *self)
{
}

static void
SpanReceiverDestroy(DestReceiver *self)
{
}

/* The spans of the creator's (or the video's) sessions that overlap [from, to), sorted. */
void
ConcurrentReadSpans(ViewerSpans *spans, MemoryContext cxt, pg_uuid_t *creator_id,
					pg_uuid_t *video_id, TimestampTz from, TimestampTz to)
{
	static const Oid types[4] = {UUIDOID, TIMESTAMPTZOID, TIMESTAMPTZOID, UUIDOID};
	int			nargs = video_id != NULL ? 4 : 3;
	SpanReceiver receiver;
	SPIExecuteOptions options;
	SPIPlanPtr	plan;

	memset(&receiver, 0, sizeof(receiver));
	receiver.pub.receiveSlot = ReceiveSpan;
	receiver.pub.rStartup = SpanReceiverStartup;
	receiver.pub.rShutdown = SpanReceiverShutdown;
	receiver.pub.rDestroy = SpanReceiverDestroy;
	/* not DestNone, which SPI reports as discarded, nor DestSPI, whose tuple table it checks */
	receiver.pub.mydest = DestTuplestore;
	receiver.spans = spans;
	receiver.from = from;
	receiver.to = to;
	ConcurrentInitSpans(spans, cxt);

	memset(&options, 0, sizeof(options));
	options.params = makeParamList(nargs);
	for (int i = 0; i < nargs; i++)
	{
		options.params->params[i].isnull = false;
		options.params->params[i].pflags = PARAM_FLAG_CONST;
		options.params->params[i].ptype = types[i];
	}
	options.params->params[0].value = UUIDPGetDatum(creator_id);
	options.params->params[1].value = TimestampTzGetDatum(from);
	options.params->params[2].value = TimestampTzGetDatum(to);
	if (video_id != NULL)
		options.params->params[3].value = UUIDPGetDatum(video_id);
	options.read_only = true;
	options.dest = (DestReceiver *) &receiver;
	/* planned for each call's values: how much of the table a range holds decides the scan */
	if (video_id != NULL)
		plan = ChronosKeptPlanWithOptions(&video_spans_plan, video_spans_sql, 4, types,
										  CURSOR_OPT_CUSTOM_PLAN);
	else
		plan = ChronosKeptPlanWithOptions(&creator_spans_plan, creator_spans_sql, 3, types,
										  CURSOR_OPT_CUSTOM_PLAN);
	if (SPI_execute_plan_extended(plan, &options) != SPI_OK_SELECT)
		elog(ERROR, "could not read watch sessions");
	ConcurrentSortSpans(spans);
}

/* The peak of the spans and its first stretch (concurrent_viewers.h): one merge in time order. */
int64
ConcurrentPeak(const ViewerSpans *spans, TimestampTz *at, TimestampTz *until)
{
	int64		n = spans->n;
	int64		i = 0;
	int64		j = 0;
	int64		peak = 0;
	bool		open = false;	/* the first stretch at the peak has not ended yet */

	while (i < n || j < n)
	{
		/* the next instant anything changes; ends come before starts at one instant */
		TimestampTz t = (i < n && (j >= n || spans->starts[i] < spans->ends[j])) ?
			spans->starts[i] : spans->ends[j];

		while (j < n && spans->ends[j] <= t)
			j++;
		while (i < n && spans->starts[i] <= t)
			i++;
		/* i - j spans watch from t until the next instant */
		if (i - j > peak)
		{
			peak = i - j;
			*at = t;
			open = true;
		}
		else if (open && i - j < peak)
		{
			*until = t;
			open = false;
		}
	}
	/* every span ends, so the count ends at 0 and a stretch at a positive peak is closed */
	Assert(!open);
	return peak;
}

/* A time as text for messages, in ISO form whatever DateStyle says (a copy: timestamptz_to_str reuses its buffer). */
static char *
TimeText(TimestampTz t)
{
	return pstrdup(timestamptz_to_str(t));
}

/* The checks both functions share: the range, the caller, the references. */
static void
CheckRequest(FunctionCallInfo fcinfo, const char *what, pg_uuid_t *creator_id, pg_uuid_t *video_id,
			 TimestampTz from, TimestampTz to)
{
	const ChronosIdentity *identity;

	if (TIMESTAMP_NOT_FINITE(from))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("p_from must be a finite time")));
	if (TIMESTAMP_NOT_FINITE(to))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("p_to must be a finite time")));
	if (from >= to)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("p_from %s is not before p_to %s", TimeText(from), TimeText(to)),
				 errhint("The range runs from p_from, included, to p_to, excluded.")));

	/* the caller, before anything is read */
	identity = ChronosGetIdentity();
	if (!identity->is_service && !ChronosIdentityIsCreator(identity, creator_id))
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("permission denied to read the %s of creator %s", what, ChronosUuidText(creator_id)),
				 errdetail("Only the creator itself or the service may read how many viewers watched a creator's videos at once.")));
}

/* After CheckRequest, as the owner inside SPI: 23503 for an unknown creator or a video not its. */
static void
CheckReferences(pg_uuid_t *creator_id, pg_uuid_t *video_id)
{
	static const Oid types[2] = {UUIDOID, UUIDOID};
	Datum		args[2] = {UUIDPGetDatum(creator_id), video_id != NULL ? UUIDPGetDatum(video_id) : (Datum) 0};
	char		nulls[2] = {' ', video_id != NULL ? ' ' : 'n'};
	bool		isnull;
	bool		creator_exists;
	bool		video_is_its;

	if (SPI_execute_plan(ChronosKeptPlan(&references_plan, references_sql, 2, types),
						 args, nulls, true, 1) != SPI_OK_SELECT || SPI_processed != 1)
		elog(ERROR, "could not look up the creator and the video");
	creator_exists = DatumGetBool(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
	video_is_its = DatumGetBool(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2, &isnull));
	SPI_freetuptable(SPI_tuptable);
	if (!creator_exists)
		ereport(ERROR,
				(errcode(ERRCODE_FOREIGN_KEY_VIOLATION),
				 errmsg("creator %s does not exist", ChronosUuidText(creator_id))));
	/* one message whether the video does not exist or is another creator's: it reveals nothing */
	if (video_id != NULL && !video_is_its)
		ereport(ERROR,
				(errcode(ERRCODE_FOREIGN_KEY_VIOLATION),
				 errmsg("video %s is not a video of creator %s",
						ChronosUuidText(video_id), ChronosUuidText(creator_id))));
}

/* Checks, then reads the spans of [from, to) into spans, allocated in the current context. */
static void
ReadRequestedSpans(FunctionCallInfo fcinfo, const char *what, ViewerSpans *spans,
				   pg_uuid_t *creator_id, pg_uuid_t *video_id, TimestampTz from, TimestampTz to)
{
	MemoryContext cxt = CurrentMemoryContext;
	ChronosSavedUser saved;

	CheckRequest(fcinfo, what, creator_id, video_id, from, to);
	ChronosBecomeOwner(&saved);
	ChronosSpiConnect();
	CheckReferences(creator_id, video_id);
	ConcurrentReadSpans(spans, cxt, creator_id, video_id, from, to);
	SPI_finish();
	ChronosRestoreUser(&saved);
}

/*
 * peak_concurrent_viewers(p_creator_id, p_from, p_to, p_video_id DEFAULT
 * NULL): the most sessions of the creator's videos (or of p_video_id)
 * watching at one instant of [p_from, p_to), the first instant it happened
 * and when that stretch ended (NULL both when nobody watched).
 */
PG_FUNCTION_INFO_V1(peak_concurrent_viewers);
Datum
peak_concurrent_viewers(PG_FUNCTION_ARGS)
{
	pg_uuid_t  *creator_id;
	pg_uuid_t  *video_id;
	TimestampTz from;
	TimestampTz to;
	ViewerSpans spans;
	TimestampTz at = 0;
	TimestampTz until = 0;
	int64		peak;
	TupleDesc	desc;
	Datum		values[3];
	bool		nulls[3] = {false, false, false};

	ChronosRequireArgument(fcinfo, 0, "p_creator_id");
	ChronosRequireArgument(fcinfo, 1, "p_from");
	ChronosRequireArgument(fcinfo, 2, "p_to");
	creator_id = PG_GETARG_UUID_P(0);
	from = PG_GETARG_TIMESTAMPTZ(1);
	to = PG_GETARG_TIMESTAMPTZ(2);
	video_id = PG_ARGISNULL(3) ? NULL : PG_GETARG_UUID_P(3);
	if (get_call_result_type(fcinfo, NULL, &desc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "peak_concurrent_viewers must return a record");

	ReadRequestedSpans(fcinfo, "peak concurrent viewers", &spans, creator_id, video_id, from, to);
	peak = ConcurrentPeak(&spans, &at, &until);

	values[0] = Int32GetDatum((int32) peak);
	values[1] = TimestampTzGetDatum(at);
	values[2] = TimestampTzGetDatum(until);
	nulls[1] = nulls[2] = (peak == 0);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(BlessTupleDesc(desc), values, nulls)));
}

/*
 * concurrent_viewers_series(p_creator_id, p_from, p_to, p_interval,
 * p_video_id DEFAULT NULL): [p_from, p_to) cut into intervals of
 * p_interval from p_from (the last one cut short at p_to); per interval,
 * the sessions that watched at some instant of it (viewers) and the most
 * that watched at one instant (peak).
 */
PG_FUNCTION_INFO_V1(concurrent_viewers_series);
Datum
concurrent_viewers_series(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	pg_uuid_t  *creator_id;
	pg_uuid_t  *video_id;
	TimestampTz from;
	TimestampTz to;
	Interval   *interval;
	int64		step;
	int64		nintervals;
	ViewerSpans spans;
	int64		n;
	int64		i = 0;
	int64		j = 0;

	ChronosRequireArgument(fcinfo, 0, "p_creator_id");
	ChronosRequireArgument(fcinfo, 1, "p_from");
	ChronosRequireArgument(fcinfo, 2, "p_to");
	ChronosRequireArgument(fcinfo, 3, "p_interval");
	creator_id = PG_GETARG_UUID_P(0);
	from = PG_GETARG_TIMESTAMPTZ(1);
	to = PG_GETARG_TIMESTAMPTZ(2);
	interval = PG_GETARG_INTERVAL_P(3);
	video_id = PG_ARGISNULL(4) ? NULL : PG_GETARG_UUID_P(4);

	if (INTERVAL_NOT_FINITE(interval) || interval->month != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid p_interval %s",
						DatumGetCString(DirectFunctionCall1(interval_out, IntervalPGetDatum(interval)))),
				 errdetail("Intervals are of fixed length: days, hours, minutes and seconds, without months or years."),
				 errhint("Give a month as days, say '30 days'.")));
	if (pg_mul_s64_overflow(interval->day, USECS_PER_DAY, &step) ||
		pg_add_s64_overflow(step, interval->time, &step) || step <= 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid p_interval %s",
						DatumGetCString(DirectFunctionCall1(interval_out, IntervalPGetDatum(interval)))),
				 errdetail("p_interval must be positive (a day counts 24 hours).")));
	if (!TIMESTAMP_NOT_FINITE(from) && !TIMESTAMP_NOT_FINITE(to) && from < to)
	{
		nintervals = (to - from) / step + ((to - from) % step != 0);
		if (nintervals > CONCURRENT_MAX_INTERVALS)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("the range from %s to %s holds " INT64_FORMAT " intervals of %s",
							TimeText(from), TimeText(to), nintervals,
							DatumGetCString(DirectFunctionCall1(interval_out, IntervalPGetDatum(interval)))),
					 errhint("Ask for at most %d intervals: a longer p_interval or a shorter range.",
							 CONCURRENT_MAX_INTERVALS)));
	}
	else
		nintervals = 0;			/* CheckRequest refuses the range */

	ReadRequestedSpans(fcinfo, "concurrent viewers", &spans, creator_id, video_id, from, to);

	InitMaterializedSRF(fcinfo, 0);
	n = spans.n;
	for (int64 k = 0; k < nintervals; k++)
	{
		TimestampTz a = from + k * step;
		TimestampTz b = Min(a + step, to);
		int64		ended_by_a;
		int64		peak;
		Datum		values[4];
		bool		nulls[4] = {false, false, false, false};

		/* the state at a: every start and end up to a */
		while (j < n && spans.ends[j] <= a)
			j++;
		while (i < n && spans.starts[i] <= a)
			i++;
		ended_by_a = j;
		peak = i - j;
		/* each later instant of [a, b) where something changes */
		while (i < n || j < n)
		{
			TimestampTz t = (i < n && (j >= n || spans.starts[i] < spans.ends[j])) ?
				spans.starts[i] : spans.ends[j];

			if (t >= b)
				break;
			while (j < n && spans.ends[j] <= t)
				j++;
			while (i < n && spans.starts[i] <= t)
				i++;
			peak = Max(peak, i - j);
		}
		/* every start before b is counted (i), less the spans ended by a */
		values[0] = TimestampTzGetDatum(a);
		values[1] = TimestampTzGetDatum(b);
		values[2] = Int32GetDatum((int32) (i - ended_by_a));
		values[3] = Int32GetDatum((int32) peak);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}
