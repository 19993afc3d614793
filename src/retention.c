/*
 * retention.c
 *		chronos.retention_agg: a retention curve from watch_ranges values, in
 *		one pass; chronos.dropoff_agg (1.1): the same curve's reach with where
 *		the viewings started and stopped.
 *
 * The video (p_duration_seconds, to the millisecond) is cut into p_buckets
 * buckets of equal length, numbered from 0; bucket k is
 * [k * duration / buckets, (k + 1) * duration / buckets), computed exactly in
 * integers.  Every value that played something before the end of the video
 * counts once (values with nothing played, NULLs and parts past the end are
 * clipped away).  For each bucket:
 *
 *	reach	the share (0..1) of the counted values that played any of it;
 *	plays	the mean over the counted values of the highest play count of the
 *			value's segments overlapping it (0 when none does), so plays >=
 *			reach, and plays > reach when people rewatch.
 *
 * Both are rounded to six decimals, bucket starts to the millisecond.  The
 * result is a jsonb array of {"bucket", "start_seconds", "reach", "plays"}
 * objects, ready for jsonb_to_recordset.  An aggregate over no rows is NULL;
 * rows whose value is NULL still give the curve its shape, so a video
 * without viewings joined with LEFT JOIN gets every bucket at 0.
 *
 * The state keeps, per bucket, difference arrays of counts and plays sums:
 * a segment adds to the bucket it starts in and the one it ends in, and
 * once to the run of buckets it covers whole (which no other segment of the
 * same value can touch), so a value costs O(its segments), not O(buckets).
 * States combine by adding the arrays, so the aggregate runs in parallel.
 *
 * dropoff_agg counts, besides the reach, each counted value once in the
 * bucket of the first position it played ("started") and once in the
 * bucket of the last position it played before the end ("stopped"): the
 * bucket holding the first segment's start, and the last bucket whose start
 * lies below the end (clipped to the duration) of the last segment that
 * starts before the end of the video, the bucket holding the position just
 * before that end.
 * Its objects are {"bucket", "start_seconds", "started", "stopped",
 * "reach"}; it shares the state and the functions of retention_agg, told
 * apart by a flag, so the two curves agree on reach by construction.
 */
#include "postgres.h"

#include "fmgr.h"
#include "lib/stringinfo.h"
#include "libpq/pqformat.h"
#include "utils/builtins.h"
#include "utils/fmgrprotos.h"
#include "utils/jsonb.h"
#include "utils/numeric.h"

#include "compat.h"
#include "json_push.h"
#include "retention.h"
#include "watch_ranges.h"

/* The most buckets a curve has: the one definition (retention_max_buckets() gives it to SQL). */
#define RETENTION_MAX_BUCKETS 1000

typedef struct RetentionState
{
	int64		duration_ms;
	int32		nbuckets;
	Numeric		duration_arg;	/* p_duration_seconds as first seen, or NULL */
	int64		nvalues;		/* values that played something before the end */
	int64	   *reach;			/* nbuckets + 1 differences of value counts */
	int64	   *plays;			/* nbuckets + 1 differences of sums of max plays */
	int64	   *started;		/* dropoff_agg only (else NULL): values per first bucket */
	int64	   *stopped;		/* dropoff_agg only (else NULL): values per last bucket */
} RetentionState;

/* A new zeroed state in context cxt; dropoff: with the started and stopped counts. */
static RetentionState *
NewRetentionState(MemoryContext cxt, int64 duration_ms, int32 nbuckets, bool dropoff)
{
	RetentionState *st = MemoryContextAllocZero(cxt, sizeof(RetentionState));

	st->duration_ms = duration_ms;
	st->nbuckets = nbuckets;
	st->reach = MemoryContextAllocZero(cxt, (nbuckets + 1) * sizeof(int64));
	st->plays = MemoryContextAllocZero(cxt, (nbuckets + 1) * sizeof(int64));
	if (dropoff)
	{
		st->started = MemoryContextAllocZero(cxt, nbuckets * sizeof(int64));
		st->stopped = MemoryContextAllocZero(cxt, nbuckets * sizeof(int64));
	}
	return st;
}

/* A numeric as text, for messages. */
static char *
NumericText(Numeric n)
{
	return DatumGetCString(DirectFunctionCall1(numeric_out, NumericGetDatum(n)));
}

/* p_duration_seconds in milliseconds: invalid_parameter_value unless known and positive. */
static int64
DurationMs(Numeric duration, const char *aggname)
{
	bool		overflow = false;
	int32		ms = 0;

	if (duration == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("video duration is unknown"),
				 errdetail("%s needs p_duration_seconds to cut the video into buckets, and it is NULL.", aggname),
				 errhint("A video whose duration_seconds is not known yet has no retention curve.")));
	if (numeric_is_nan(duration) || numeric_is_inf(duration))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid video duration \"%s\"", NumericText(duration)),
				 errdetail("The duration must be a finite number of seconds.")));
	if (DatumGetInt32(DirectFunctionCall2(numeric_cmp, NumericGetDatum(duration),
										  NumericGetDatum(int64_to_numeric(0)))) > 0)
	{
		Numeric		scaled = numeric_mul_opt_error(duration, int64_to_numeric(1000), &overflow);

		/* rounds to the nearest millisecond, halves away from zero */
		if (!overflow)
			ms = numeric_int4_opt_error(scaled, &overflow);
	}
	if (overflow)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid video duration %s", NumericText(duration)),
				 errdetail("The duration cannot exceed 2147483.647 seconds (about 24.8 days).")));
	if (ms < 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid video duration %s", NumericText(duration)),
				 errdetail("The duration must be greater than zero, at least one millisecond.")));
	return ms;
}

/* Milliseconds as text in seconds, for messages. */
static char *
SecondsText(int64 ms)
{
	return NumericText(WatchMsToSeconds(ms));
}

/* Raises the error for rows that disagree on the duration or the buckets. */
pg_noreturn static void ReportInconsistent(const RetentionState *st, int64 duration_ms, int32 nbuckets,
										   const char *aggname);

static void
ReportInconsistent(const RetentionState *st, int64 duration_ms, int32 nbuckets, const char *aggname)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("%s arguments differ between rows", aggname),
			 errdetail("One row gives a duration of %s seconds in %d buckets, another %s seconds in %d buckets.",
					   SecondsText(st->duration_ms), st->nbuckets, SecondsText(duration_ms), nbuckets),
			 errhint("Aggregate the viewings of one video at a time, with its duration and one number of buckets.")));
}

/* Adds x to bucket k of a difference array. */
static inline void
AddToBucket(int64 *diff, int k, int64 x)
{
	diff[k] += x;
	diff[k + 1] -= x;
}

/* Counts one value into the state (module comment). */
static void
RetentionAddValue(RetentionState *st, const WatchRanges *r)
{
	int64		d = st->duration_ms;
	int64		nb = st->nbuckets;
	int			firstk = -1;	/* the bucket of the first position played */
	int			lastk = -1;		/* the bucket whose max plays is being found */
	int32		lastmax = 0;

	for (int i = 0; i < r->nsegments; i++)
	{
		const WatchSegment *s = &r->segments[i];
		int64		start = s->start_ms;
		int64		end = Min((int64) s->end_ms, d);
		int			k0;
		int			k1;

		if (start >= d)
			break;
		/* the first bucket with start < its end, the last with end > its start */
		k0 = (int) (start * nb / d);
		k1 = (int) ((end * nb + d - 1) / d - 1);
		Assert(0 <= k0 && k0 <= k1 && k1 < nb);
		if (firstk < 0)
			firstk = k0;

		if (k0 == lastk)
			lastmax = Max(lastmax, s->plays);
		else
		{
			if (lastk >= 0)
			{
				AddToBucket(st->reach, lastk, 1);
				AddToBucket(st->plays, lastk, lastmax);
			}
			lastk = k0;
			lastmax = s->plays;
		}
		if (k1 > k0)
		{
			/* buckets k0 + 1 .. k1 - 1 lie inside this segment alone */
			if (k1 > k0 + 1)
			{
				st->reach[k0 + 1] += 1;
				st->reach[k1] -= 1;
				st->plays[k0 + 1] += s->plays;
				st->plays[k1] -= s->plays;
			}
			AddToBucket(st->reach, lastk, 1);
			AddToBucket(st->plays, lastk, lastmax);
			lastk = k1;
			lastmax = s->plays;
		}
	}
	if (lastk >= 0)
	{
		AddToBucket(st->reach, lastk, 1);
		AddToBucket(st->plays, lastk, lastmax);
		st->nvalues++;
		/* lastk is now the bucket of the last position played */
		if (st->started != NULL)
		{
			st->started[firstk]++;
			st->stopped[lastk]++;
		}
	}
}

/*
 * The first and last buckets of RetentionAddValue, alone: the bucket of the
 * first segment's start, and the last bucket the last segment that starts
 * before the end reaches into.
 */
bool
RetentionFirstLastBuckets(const WatchRanges *r, int64 duration_ms, int32 nbuckets,
						  int32 *first, int32 *last)
{
	int64		d = duration_ms;
	int64		nb = nbuckets;
	int			i;

	if (r->nsegments == 0 || r->segments[0].start_ms >= d)
		return false;
	*first = (int32) (r->segments[0].start_ms * nb / d);
	/* the last segment that starts before the end */
	i = r->nsegments - 1;
	while (r->segments[i].start_ms >= d)
		i--;
	*last = (int32) ((Min((int64) r->segments[i].end_ms, d) * nb + d - 1) / d - 1);
	return true;
}

/*
 * RetentionFirstLastBuckets on a datum: the value detoasted only when it is
 * compressed or stored out of line, its fields read with memcpy (a short
 * value's payload is not aligned).
 */
bool
RetentionFirstLastBucketsOfDatum(Datum watched, int64 duration_ms, int32 nbuckets,
								 int32 *first, int32 *last)
{
	struct varlena *v = PG_DETOAST_DATUM_PACKED(watched);
	const char *payload = VARDATA_ANY(v);
	int64		d = duration_ms;
	int64		nb = nbuckets;
	int32		n;
	WatchSegment seg;
	bool		found = false;

	memcpy(&n, payload, sizeof(int32));
	payload += sizeof(int32);
	if (n > 0)
	{
		memcpy(&seg, payload, sizeof(WatchSegment));
		if (seg.start_ms < d)
		{
			int			i = n - 1;

			*first = (int32) (seg.start_ms * nb / d);
			/* the last segment that starts before the end */
			for (;;)
			{
				memcpy(&seg, payload + i * sizeof(WatchSegment), sizeof(WatchSegment));
				if (seg.start_ms < d)
					break;
				i--;
			}
			*last = (int32) ((Min((int64) seg.end_ms, d) * nb + d - 1) / d - 1);
			found = true;
		}
	}
	if ((Pointer) v != DatumGetPointer(watched))
		pfree(v);
	return found;
}

/* The name of the aggregate a state belongs to, for messages. */
#define AGG_NAME(dropoff) ((dropoff) ? "dropoff_agg" : "retention_agg")

/*
 * The transition function of both aggregates (state, value,
 * p_duration_seconds, p_buckets): checks the arguments on every row (they
 * must not change between rows) and counts the value.  A NULL value counts
 * nowhere.
 */
static RetentionState *
CurveTransition(FunctionCallInfo fcinfo, bool dropoff)
{
	MemoryContext aggcontext;
	RetentionState *st = PG_ARGISNULL(0) ? NULL : (RetentionState *) PG_GETARG_POINTER(0);
	Numeric		duration = PG_ARGISNULL(2) ? NULL : PG_GETARG_NUMERIC(2);
	const char *aggname = AGG_NAME(dropoff);
	int32		nbuckets;

	if (!AggCheckCallContext(fcinfo, &aggcontext))
		elog(ERROR, "%s_transfn called in non-aggregate context", aggname);

	if (duration == NULL)
		DurationMs(NULL, aggname);
	if (PG_ARGISNULL(3))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("number of buckets is null"),
				 errdetail("%s needs p_buckets, from 1 to %d.", aggname, RETENTION_MAX_BUCKETS)));
	nbuckets = PG_GETARG_INT32(3);

	if (st == NULL)
	{
		int64		duration_ms = DurationMs(duration, aggname);

		if (nbuckets < 1 || nbuckets > RETENTION_MAX_BUCKETS)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("invalid number of buckets %d", nbuckets),
					 errdetail("p_buckets must be from 1 to %d.", RETENTION_MAX_BUCKETS)));
		st = NewRetentionState(aggcontext, duration_ms, nbuckets, dropoff);
		st->duration_arg = (Numeric) MemoryContextAlloc(aggcontext, VARSIZE(duration));
		memcpy(st->duration_arg, duration, VARSIZE(duration));
	}
	else
	{
		/* the usual case, the same duration as before, needs no conversion */
		bool		same_duration = st->duration_arg != NULL &&
			VARSIZE(duration) == VARSIZE(st->duration_arg) &&
			memcmp(duration, st->duration_arg, VARSIZE(duration)) == 0;
		int64		duration_ms = same_duration ? st->duration_ms : DurationMs(duration, aggname);

		if (nbuckets != st->nbuckets || duration_ms != st->duration_ms)
		{
			if (nbuckets < 1 || nbuckets > RETENTION_MAX_BUCKETS)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("invalid number of buckets %d", nbuckets),
						 errdetail("p_buckets must be from 1 to %d.", RETENTION_MAX_BUCKETS)));
			ReportInconsistent(st, duration_ms, nbuckets, aggname);
		}
	}

	if (!PG_ARGISNULL(1))
		RetentionAddValue(st, PG_GETARG_WATCH_RANGES_P(1));
	return st;
}

/* retention_agg_transfn(state, value, p_duration_seconds, p_buckets): CurveTransition. */
PG_FUNCTION_INFO_V1(retention_agg_transfn);
Datum
retention_agg_transfn(PG_FUNCTION_ARGS)
{
	PG_RETURN_POINTER(CurveTransition(fcinfo, false));
}

/* dropoff_agg_transfn(state, value, p_duration_seconds, p_buckets): CurveTransition. */
PG_FUNCTION_INFO_V1(dropoff_agg_transfn);
Datum
dropoff_agg_transfn(PG_FUNCTION_ARGS)
{
	PG_RETURN_POINTER(CurveTransition(fcinfo, true));
}

/* The combine function of both aggregates: two partial states, added. */
static Datum
CurveCombine(FunctionCallInfo fcinfo, bool dropoff)
{
	MemoryContext aggcontext;
	RetentionState *st1 = PG_ARGISNULL(0) ? NULL : (RetentionState *) PG_GETARG_POINTER(0);
	RetentionState *st2 = PG_ARGISNULL(1) ? NULL : (RetentionState *) PG_GETARG_POINTER(1);

	if (!AggCheckCallContext(fcinfo, &aggcontext))
		elog(ERROR, "%s_combine called in non-aggregate context", AGG_NAME(dropoff));
	if (st2 == NULL)
	{
		if (st1 == NULL)
			PG_RETURN_NULL();
		PG_RETURN_POINTER(st1);
	}
	if (st1 == NULL)
	{
		/* st2 may live in a shorter-lived context: copy it into the aggregate's */
		st1 = NewRetentionState(aggcontext, st2->duration_ms, st2->nbuckets, dropoff);
		st1->nvalues = st2->nvalues;
		memcpy(st1->reach, st2->reach, (st2->nbuckets + 1) * sizeof(int64));
		memcpy(st1->plays, st2->plays, (st2->nbuckets + 1) * sizeof(int64));
		if (dropoff)
		{
			memcpy(st1->started, st2->started, st2->nbuckets * sizeof(int64));
			memcpy(st1->stopped, st2->stopped, st2->nbuckets * sizeof(int64));
		}
		PG_RETURN_POINTER(st1);
	}
	if (st1->duration_ms != st2->duration_ms || st1->nbuckets != st2->nbuckets)
		ReportInconsistent(st1, st2->duration_ms, st2->nbuckets, AGG_NAME(dropoff));
	st1->nvalues += st2->nvalues;
	for (int k = 0; k <= st1->nbuckets; k++)
	{
		st1->reach[k] += st2->reach[k];
		st1->plays[k] += st2->plays[k];
	}
	if (dropoff)
	{
		for (int k = 0; k < st1->nbuckets; k++)
		{
			st1->started[k] += st2->started[k];
			st1->stopped[k] += st2->stopped[k];
		}
	}
	PG_RETURN_POINTER(st1);
}

/* retention_agg_combine: two partial states of one aggregate, added. */
PG_FUNCTION_INFO_V1(retention_agg_combine);
Datum
retention_agg_combine(PG_FUNCTION_ARGS)
{
	return CurveCombine(fcinfo, false);
}

/* dropoff_agg_combine: two partial states of one aggregate, added. */
PG_FUNCTION_INFO_V1(dropoff_agg_combine);
Datum
dropoff_agg_combine(PG_FUNCTION_ARGS)
{
	return CurveCombine(fcinfo, true);
}

/* The serialization function of both aggregates: the state as bytea, for parallel workers. */
static bytea *
CurveSerialize(FunctionCallInfo fcinfo, bool dropoff)
{
	RetentionState *st = (RetentionState *) PG_GETARG_POINTER(0);
	StringInfoData buf;

	if (!AggCheckCallContext(fcinfo, NULL))
		elog(ERROR, "%s_serialize called in non-aggregate context", AGG_NAME(dropoff));
	pq_begintypsend(&buf);
	pq_sendint64(&buf, st->duration_ms);
	pq_sendint32(&buf, st->nbuckets);
	pq_sendint64(&buf, st->nvalues);
	for (int k = 0; k <= st->nbuckets; k++)
	{
		pq_sendint64(&buf, st->reach[k]);
		pq_sendint64(&buf, st->plays[k]);
	}
	if (dropoff)
	{
		for (int k = 0; k < st->nbuckets; k++)
		{
			pq_sendint64(&buf, st->started[k]);
			pq_sendint64(&buf, st->stopped[k]);
		}
	}
	return pq_endtypsend(&buf);
}

/* retention_agg_serialize: the state as bytea, for parallel workers. */
PG_FUNCTION_INFO_V1(retention_agg_serialize);
Datum
retention_agg_serialize(PG_FUNCTION_ARGS)
{
	PG_RETURN_BYTEA_P(CurveSerialize(fcinfo, false));
}

/* dropoff_agg_serialize: the state as bytea, for parallel workers. */
PG_FUNCTION_INFO_V1(dropoff_agg_serialize);
Datum
dropoff_agg_serialize(PG_FUNCTION_ARGS)
{
	PG_RETURN_BYTEA_P(CurveSerialize(fcinfo, true));
}

/* The deserialization function of both aggregates: the state CurveSerialize wrote. */
static RetentionState *
CurveDeserialize(FunctionCallInfo fcinfo, bool dropoff)
{
	bytea	   *data = PG_GETARG_BYTEA_PP(0);
	StringInfoData buf;
	RetentionState *st;
	int64		duration_ms;
	int32		nbuckets;

	if (!AggCheckCallContext(fcinfo, NULL))
		elog(ERROR, "%s_deserialize called in non-aggregate context", AGG_NAME(dropoff));
	initStringInfo(&buf);
	appendBinaryStringInfo(&buf, VARDATA_ANY(data), VARSIZE_ANY_EXHDR(data));
	duration_ms = pq_getmsgint64(&buf);
	nbuckets = pq_getmsgint(&buf, 4);
	if (nbuckets < 1 || nbuckets > RETENTION_MAX_BUCKETS || duration_ms < 1)
		elog(ERROR, "invalid serialized %s state", AGG_NAME(dropoff));
	st = NewRetentionState(CurrentMemoryContext, duration_ms, nbuckets, dropoff);
	st->nvalues = pq_getmsgint64(&buf);
	for (int k = 0; k <= nbuckets; k++)
	{
		st->reach[k] = pq_getmsgint64(&buf);
		st->plays[k] = pq_getmsgint64(&buf);
	}
	if (dropoff)
	{
		for (int k = 0; k < nbuckets; k++)
		{
			st->started[k] = pq_getmsgint64(&buf);
			st->stopped[k] = pq_getmsgint64(&buf);
		}
	}
	pq_getmsgend(&buf);
	pfree(buf.data);
	return st;
}

/* retention_agg_deserialize: the state retention_agg_serialize wrote. */
PG_FUNCTION_INFO_V1(retention_agg_deserialize);
Datum
retention_agg_deserialize(PG_FUNCTION_ARGS)
{
	PG_RETURN_POINTER(CurveDeserialize(fcinfo, false));
}

/* dropoff_agg_deserialize: the state dropoff_agg_serialize wrote. */
PG_FUNCTION_INFO_V1(dropoff_agg_deserialize);
Datum
dropoff_agg_deserialize(PG_FUNCTION_ARGS)
{
	PG_RETURN_POINTER(CurveDeserialize(fcinfo, true));
}

/* num / den rounded to six decimals, without trailing zeros. */
static Numeric
RoundedRatio(int64 num, int64 den)
{
	Datum		q;

	if (num % den == 0)
		return int64_to_numeric(num / den);
	q = DirectFunctionCall2(numeric_div, NumericGetDatum(int64_to_numeric(num)),
							NumericGetDatum(int64_to_numeric(den)));
	q = DirectFunctionCall2(numeric_round, q, Int32GetDatum(6));
	return DatumGetNumeric(DirectFunctionCall1(numeric_trim_scale, q));
}

/*
 * The final function of both aggregates: the jsonb array of buckets, with
 * reach and plays (retention_agg) or started, stopped and reach
 * (dropoff_agg).
 */
static Datum
CurveFinal(FunctionCallInfo fcinfo, bool dropoff)
{
	RetentionState *st;
	JsonbParseState *ps = NULL;
	JsonbValue *result;
	int64		reach = 0;
	int64		plays = 0;

	if (!AggCheckCallContext(fcinfo, NULL))
		elog(ERROR, "%s_final called in non-aggregate context", AGG_NAME(dropoff));
	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	st = (RetentionState *) PG_GETARG_POINTER(0);

	pushJsonbValue(&ps, WJB_BEGIN_ARRAY, NULL);
	for (int k = 0; k < st->nbuckets; k++)
	{
		/* bucket k starts at k * duration / buckets, rounded to the millisecond */
		int64		start_ms = (2 * k * st->duration_ms + st->nbuckets) / (2 * (int64) st->nbuckets);

		reach += st->reach[k];
		plays += st->plays[k];
		pushJsonbValue(&ps, WJB_BEGIN_OBJECT, NULL);
		PushNumericField(&ps, "bucket", int64_to_numeric(k));
		PushNumericField(&ps, "start_seconds", WatchMsToSeconds(start_ms));
		if (dropoff)
		{
			PushNumericField(&ps, "started", int64_to_numeric(st->started[k]));
			PushNumericField(&ps, "stopped", int64_to_numeric(st->stopped[k]));
		}
		PushNumericField(&ps, "reach", st->nvalues > 0 ? RoundedRatio(reach, st->nvalues) : int64_to_numeric(0));
		if (!dropoff)
			PushNumericField(&ps, "plays", st->nvalues > 0 ? RoundedRatio(plays, st->nvalues) : int64_to_numeric(0));
		pushJsonbValue(&ps, WJB_END_OBJECT, NULL);
	}
	result = pushJsonbValue(&ps, WJB_END_ARRAY, NULL);
	PG_RETURN_JSONB_P(JsonbValueToJsonb(result));
}

/* retention_agg_final: the jsonb array of buckets (module comment). */
PG_FUNCTION_INFO_V1(retention_agg_final);
Datum
retention_agg_final(PG_FUNCTION_ARGS)
{
	return CurveFinal(fcinfo, false);
}

/* dropoff_agg_final: the jsonb array of buckets with started, stopped and reach (module comment). */
PG_FUNCTION_INFO_V1(dropoff_agg_final);
Datum
dropoff_agg_final(PG_FUNCTION_ARGS)
{
	return CurveFinal(fcinfo, true);
}

/*
 * retention_max_buckets(): the most buckets retention_agg cuts a video into,
 * RETENTION_MAX_BUCKETS.  video_retention checks p_buckets against it, so
 * the limit is defined here only.
 */
PG_FUNCTION_INFO_V1(retention_max_buckets);
Datum
retention_max_buckets(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT32(RETENTION_MAX_BUCKETS);
}
