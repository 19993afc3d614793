/*
 * percentiles.h
 *		Exact percentiles of numeric samples, as percentile_disc computes
 *		them, over groups of the samples or all of them (percentiles.c).
 */
#ifndef CHRONOS_PERCENTILES_H
#define CHRONOS_PERCENTILES_H

#include "utils/numeric.h"

/* One sample: its value, the group it belongs to (a day, say), and the value as a sort key. */
typedef struct NumericSample
{
	double		key;			/* the value rounded to a double: orders like it, ties aside */
	Numeric		value;
	int32		group;
} NumericSample;

typedef struct NumericSamples
{
	int64		n;
	int64		allocated;
	NumericSample *items;
	MemoryContext context;
} NumericSamples;

/* No samples yet; they will be kept in context (the values are not copied). */
extern void SamplesInit(NumericSamples *samples, MemoryContext context);

/* Adds value (not NULL, not NaN) to group. */
extern void SamplesAdd(NumericSamples *samples, Numeric value, int32 group);

/* Sorts the samples by value. */
extern void SamplesSortByValue(NumericSamples *samples);

/*
 * A copy of samples sorted by value (SamplesSortByValue first) sorted by
 * group too, from 0 to ngroups - 1, each group's values in order.
 */
extern NumericSample *SamplesSortedByGroup(const NumericSamples *samples, int32 ngroups);

/*
 * percentile_disc(fraction) of the n samples from first, sorted by value:
 * the first value at or past that fraction of them; NULL when n is 0.
 */
extern Numeric SamplesPercentile(const NumericSample *first, int64 n, double fraction);

#endif							/* CHRONOS_PERCENTILES_H */
