/*
 * retention.h
 *		What the retention curves count of one viewing, for other reports
 *		(retention.c).
 */
#ifndef CHRONOS_RETENTION_H
#define CHRONOS_RETENTION_H

#include "watch_ranges.h"

/*
 * The buckets (of nbuckets, over duration_ms) of the first and the last
 * position r played before the end of the video, as dropoff_agg counts them
 * ("started" and "stopped"); false, leaving them unset, when r played
 * nothing before the end (it does not count).
 */
extern bool RetentionFirstLastBuckets(const WatchRanges *r, int64 duration_ms, int32 nbuckets,
									  int32 *first, int32 *last);

/*
 * The same from a watch_ranges datum as stored, without copying a short
 * (1-byte header) value: for the dashboard, which looks at every session of
 * a range.
 */
extern bool RetentionFirstLastBucketsOfDatum(Datum watched, int64 duration_ms, int32 nbuckets,
											 int32 *first, int32 *last);

#endif							/* CHRONOS_RETENTION_H */
