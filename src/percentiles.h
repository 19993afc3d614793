/*
 * percentiles.h
 *		Exact percentiles of samples, as percentile_disc computes them, over
 *		groups of the samples or all of them (percentiles.c).
 */
#ifndef CHRONOS_PERCENTILES_H
#define CHRONOS_PERCENTILES_H

/* One sample: its value and the group it belongs to (a day, say). */
typedef struct Sample
{
	double		value;
	int32		group;
} Sample;

typedef struct Samples
{
	int64		n;
	int64		allocated;
	Sample	   *items;
	MemoryContext context;
} Samples;

/* No samples yet; they will be kept in context. */
extern void SamplesInit(Samples *samples, MemoryContext context);

/* Adds value (not NaN) to group. */
extern void SamplesAdd(Samples *samples, double value, int32 group);

/* Sorts the samples by value. */
extern void SamplesSortByValue(Samples *samples);

/*
 * A copy of samples sorted by value (SamplesSortByValue first) sorted by
 * group too, from 0 to ngroups - 1, each group's values in order.
 */
extern Sample *SamplesSortedByGroup(const Samples *samples, int32 ngroups);

/*
 * percentile_disc(fraction) of the n samples from first, sorted by value:
 * the first value at or past that fraction of them; false when n is 0.
 */
extern bool SamplesPercentile(const Sample *first, int64 n, double fraction, double *result);

#endif							/* CHRONOS_PERCENTILES_H */
