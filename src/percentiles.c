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
 * order), in linear time, and by their numeric values only where two
 * doubles tie.
 */
#include "postgres.h"

#include <math.h>

#include "fmgr.h"
#include "utils/builtins.h"
#include "utils/memutils.h"
#include "utils/numeric.h"

#include "compat.h"
#include "percentiles.h"

static inline int
CompareValues(const NumericSample *a, const NumericSample *b)
{
	if (a->key != b->key)
		return a->key < b->key ? -1 : 1;
	/* the same bytes are the same number (the same number may be written as 1.0 or 1.00) */
	if (VARSIZE_ANY(a->value) == VARSIZE_ANY(b->value) &&
		memcmp(a->value, b->value, VARSIZE_ANY(a->value)) == 0)
		return 0;
	return DatumGetInt32(DirectFunctionCall2(numeric_cmp, NumericGetDatum(a->value),
											 NumericGetDatum(b->value)));
}

#define ST_SORT SortByValue
#define ST_ELEMENT_TYPE NumericSample
#define ST_COMPARE(a, b) CompareValues(a, b)
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

/* Below this many samples a comparison sort is as quick as the radix sort. */
#define SAMPLES_RADIX_MIN 256
#define SAMPLES_RADIX_BITS 11
#define SAMPLES_RADIX_SIZE (1 << SAMPLES_RADIX_BITS)

/* The bits of a non-negative double, which order as the doubles do. */
static inline uint64
KeyBits(double key)
{
	uint64		bits;

	memcpy(&bits, &key, sizeof(bits));
	return bits;
}

/*
 * By value: a least-significant-digit radix sort on the bits of the keys
 * (the samples are not negative: times), skipping the digits every key
 * shares, then a comparison sort of each run of equal keys, which only
 * distinct numerics rounding to the same double need.
 */
void
SamplesSortByValue(NumericSamples *samples)
{
	int64		n = samples->n;
	NumericSample *from = samples->items;
	NumericSample *to;
	int64	   *counts;
	uint64		low;
	uint64		high;
	bool		negative = false;

	for (int64 i = 0; i < n; i++)
		negative |= samples->items[i].key < 0;
	if (n < SAMPLES_RADIX_MIN || negative)
	{
		SortByValue(samples->items, n);
		return;
	}
	low = high = KeyBits(from[0].key);
	for (int64 i = 1; i < n; i++)
	{
		low = Min(low, KeyBits(from[i].key));
		high = Max(high, KeyBits(from[i].key));
	}
	to = MemoryContextAllocHuge(samples->context, n * sizeof(NumericSample));
	counts = MemoryContextAlloc(samples->context, SAMPLES_RADIX_SIZE * sizeof(int64));
	for (int shift = 0; shift < 64 && ((high - low) >> shift) != 0; shift += SAMPLES_RADIX_BITS)
	{
		int64		position = 0;
		NumericSample *swap;

		memset(counts, 0, SAMPLES_RADIX_SIZE * sizeof(int64));
		for (int64 i = 0; i < n; i++)
			counts[((KeyBits(from[i].key) - low) >> shift) & (SAMPLES_RADIX_SIZE - 1)]++;
		for (int digit = 0; digit < SAMPLES_RADIX_SIZE; digit++)
		{
			int64		count = counts[digit];

			counts[digit] = position;
			position += count;
		}
		for (int64 i = 0; i < n; i++)
			to[counts[((KeyBits(from[i].key) - low) >> shift) & (SAMPLES_RADIX_SIZE - 1)]++] = from[i];
		swap = from;
		from = to;
		to = swap;
	}
	if (from != samples->items)
	{
		memcpy(samples->items, from, n * sizeof(NumericSample));
		to = from;
	}
	pfree(to);
	pfree(counts);

	/* runs of equal keys, in numeric order */
	for (int64 i = 0; i < n;)
	{
		int64		end = i + 1;

		while (end < n && samples->items[end].key == samples->items[i].key)
			end++;
		if (end - i > 1)
			SortByValue(&samples->items[i], end - i);
		i = end;
	}
}

/*
 * By group, then value: the samples sorted by value, then moved group by
 * group, in order, into a copy (a counting sort, which keeps each group's
 * values in their order).  Groups run from 0 to ngroups - 1.
 */
NumericSample *
SamplesSortedByGroup(const NumericSamples *samples, int32 ngroups)
{
	int64	   *starts = MemoryContextAllocZero(samples->context, sizeof(int64) * (ngroups + 1));
	NumericSample *sorted = MemoryContextAllocHuge(samples->context,
												   Max(samples->n, 1) * sizeof(NumericSample));

	for (int64 i = 0; i < samples->n; i++)
		starts[samples->items[i].group + 1]++;
	for (int32 g = 0; g < ngroups; g++)
		starts[g + 1] += starts[g];
	for (int64 i = 0; i < samples->n; i++)
		sorted[starts[samples->items[i].group]++] = samples->items[i];
	pfree(starts);
	return sorted;
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
