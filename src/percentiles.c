/*
 * percentiles.c
 *		Exact percentiles of numeric samples (percentiles.h).
 *
 * creator_dashboard reports the median and 95th percentile of startup
 * times over a range of days, and per day, from the rollups' per-day lists
 * of them: the same answer percentile_disc gives over the sessions, with no
 * second read of the events.  Numerics compare through the executor's
 * function manager, slowly; the samples are sorted by a double first, which
 * orders them as their values do (rounding to a double never reverses an
 * order), and by their numeric values only where two doubles tie.
 */
#include "postgres.h"

#include <math.h>

#include "fmgr.h"
#include "utils/builtins.h"
#include "utils/memutils.h"
#include "utils/numeric.h"

#include "percentiles.h"

static inline int
CompareValues(const NumericSample *a, const NumericSample *b)
{
	if (a->key != b->key)
		return a->key < b->key ? -1 : 1;
	return DatumGetInt32(DirectFunctionCall2(numeric_cmp, NumericGetDatum(a->value),
											 NumericGetDatum(b->value)));
}

static inline int
CompareGroupsThenValues(const NumericSample *a, const NumericSample *b)
{
	if (a->group != b->group)
		return a->group < b->group ? -1 : 1;
	return CompareValues(a, b);
}

#define ST_SORT SortByValue
#define ST_ELEMENT_TYPE NumericSample
#define ST_COMPARE(a, b) CompareValues(a, b)
#define ST_SCOPE static
#define ST_DECLARE
#define ST_DEFINE
#include "lib/sort_template.h"

#define ST_SORT SortByGroup
#define ST_ELEMENT_TYPE NumericSample
#define ST_COMPARE(a, b) CompareGroupsThenValues(a, b)
#define ST_SCOPE static
#define ST_DECLARE
#define ST_DEFINE
#include "lib/sort_template.h"

void
SamplesInit(NumericSamples *samples, MemoryContext context)
{
	samples->n = 0;
	samples->allocated = 256;
	samples->context = context;
	samples->items = MemoryContextAllocHuge(context, samples->allocated * sizeof(NumericSample));
}

void
SamplesAdd(NumericSamples *samples, Numeric value, int32 group)
{
	NumericSample *sample;

	if (samples->n == samples->allocated)
	{
		samples->allocated *= 2;
		samples->items = repalloc_huge(samples->items, samples->allocated * sizeof(NumericSample));
	}
	sample = &samples->items[samples->n++];
	sample->value = value;
	sample->group = group;
	sample->key = DatumGetFloat8(DirectFunctionCall1(numeric_float8_no_overflow, NumericGetDatum(value)));
}

void
SamplesSortByValue(NumericSamples *samples)
{
	SortByValue(samples->items, samples->n);
}

void
SamplesSortByGroup(NumericSamples *samples)
{
	SortByGroup(samples->items, samples->n);
}

Numeric
SamplesPercentile(const NumericSample *first, int64 n, double fraction)
{
	int64		row;

	if (n == 0)
		return NULL;
	/* the row percentile_disc stops at, computed as it does (orderedsetaggs.c) */
	row = (int64) ceil(fraction * n);
	return first[Max(row, 1) - 1].value;
}
