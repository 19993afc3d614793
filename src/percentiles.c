/*
 * percentiles.c
 *		Exact percentiles of samples (percentiles.h).
 *
 * creator_dashboard reports the median and 95th percentile of startup
 * times over a range of days, and per day, from the rollups' per-day lists
 * of them (video_analytics.startup_ms_values): the same answer
 * percentile_disc gives over the sessions, with no second read of the
 * events.  The times are doubles, exact (at most three decimals, eleven
 * digits: event_model.c), and never negative, so they sort in linear time
 * by the bits of their doubles, which order as the values do.
 */
#include "postgres.h"

#include <math.h>

#include "utils/memutils.h"

#include "percentiles.h"

#define ST_SORT SortByValue
#define ST_ELEMENT_TYPE Sample
#define ST_COMPARE(a, b) (((a)->value > (b)->value) - ((a)->value < (b)->value))
#define ST_SCOPE static
#define ST_DECLARE
#define ST_DEFINE
#include "lib/sort_template.h"

/* Below this many samples a comparison sort is as quick as the radix sort. */
#define SAMPLES_RADIX_MIN 256
#define SAMPLES_RADIX_BITS 11
#define SAMPLES_RADIX_SIZE (1 << SAMPLES_RADIX_BITS)

void
SamplesInit(Samples *samples, MemoryContext context)
{
	samples->n = 0;
	samples->allocated = 256;
	samples->context = context;
	samples->items = MemoryContextAllocHuge(context, samples->allocated * sizeof(Sample));
}

void
SamplesAdd(Samples *samples, double value, int32 group)
{
	if (samples->n == samples->allocated)
	{
		samples->allocated *= 2;
		samples->items = repalloc_huge(samples->items, samples->allocated * sizeof(Sample));
	}
	samples->items[samples->n].value = value;
	samples->items[samples->n].group = group;
	samples->n++;
}

/* The bits of a double that is not negative, which order as the doubles do. */
static inline uint64
ValueBits(double value)
{
	uint64		bits;

	memcpy(&bits, &value, sizeof(bits));
	return bits;
}

/*
 * By value: a least-significant-digit radix sort on the bits of the values,
 * SAMPLES_RADIX_BITS at a time, skipping the digits every value shares; a
 * comparison sort for few samples, or should one be negative.
 */
void
SamplesSortByValue(Samples *samples)
{
	int64		n = samples->n;
	Sample	   *from = samples->items;
	Sample	   *to;
	int64	   *counts;
	uint64		low = PG_UINT64_MAX;
	uint64		high = 0;

	for (int64 i = 0; i < n; i++)
	{
		if (from[i].value < 0 || signbit(from[i].value))
		{
			SortByValue(from, n);
			return;
		}
		low = Min(low, ValueBits(from[i].value));
		high = Max(high, ValueBits(from[i].value));
	}
	if (n < SAMPLES_RADIX_MIN)
	{
		SortByValue(from, n);
		return;
	}
	to = MemoryContextAllocHuge(samples->context, n * sizeof(Sample));
	counts = MemoryContextAlloc(samples->context, SAMPLES_RADIX_SIZE * sizeof(int64));
	for (int shift = 0; shift < 64 && ((high - low) >> shift) != 0; shift += SAMPLES_RADIX_BITS)
	{
		int64		position = 0;
		Sample	   *swap;

		memset(counts, 0, SAMPLES_RADIX_SIZE * sizeof(int64));
		for (int64 i = 0; i < n; i++)
			counts[((ValueBits(from[i].value) - low) >> shift) & (SAMPLES_RADIX_SIZE - 1)]++;
		for (int digit = 0; digit < SAMPLES_RADIX_SIZE; digit++)
		{
			int64		count = counts[digit];

			counts[digit] = position;
			position += count;
		}
		for (int64 i = 0; i < n; i++)
			to[counts[((ValueBits(from[i].value) - low) >> shift) & (SAMPLES_RADIX_SIZE - 1)]++] = from[i];
		swap = from;
		from = to;
		to = swap;
	}
	/* after an odd number of passes the sorted samples are in the scratch array */
	if (from != samples->items)
	{
		memcpy(samples->items, from, n * sizeof(Sample));
		to = from;
	}
	pfree(to);
	pfree(counts);
}

/*
 * By group, then value: the samples sorted by value, moved group by group,
 * in order, into a copy (a counting sort, which keeps each group's values
 * in their order).  Groups run from 0 to ngroups - 1.
 */
Sample *
SamplesSortedByGroup(const Samples *samples, int32 ngroups)
{
	int64	   *starts = MemoryContextAllocZero(samples->context, sizeof(int64) * (ngroups + 1));
	Sample	   *sorted = MemoryContextAllocHuge(samples->context, Max(samples->n, 1) * sizeof(Sample));

	for (int64 i = 0; i < samples->n; i++)
		starts[samples->items[i].group + 1]++;
	for (int32 g = 0; g < ngroups; g++)
		starts[g + 1] += starts[g];
	for (int64 i = 0; i < samples->n; i++)
		sorted[starts[samples->items[i].group]++] = samples->items[i];
	pfree(starts);
	return sorted;
}

bool
SamplesPercentile(const Sample *first, int64 n, double fraction, double *result)
{
	int64		row;

	if (n == 0)
		return false;
	/* the row percentile_disc stops at, computed as it does (orderedsetaggs.c) */
	row = (int64) ceil(fraction * n);
	*result = first[Max(row, 1) - 1].value;
	return true;
}
