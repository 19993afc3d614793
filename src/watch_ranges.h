/*
 * watch_ranges.h
 *		chronos.watch_ranges: the parts of a video a viewing actually played,
 *		with how many times each part was played (watch_ranges.c).
 *
 * A value is a varlena holding a sorted array of disjoint segments
 * [start_ms, end_ms) with a play count.  It is always canonical: start <
 * end, plays >= 1, segments in ascending order, and two segments that touch
 * (one's end is the next one's start) never have the same plays (they are
 * merged).  So equal sets of played parts have equal bytes, and coverage
 * (the union) and plays (seconds counted with repeats) are one pass each.
 *
 * Positions are milliseconds from the start of the video, 0 to
 * WATCH_POSITION_MAX_MS.  A value holds at most WATCH_RANGES_MAX_SEGMENTS
 * segments; see watch_ranges.c for what happens past that.
 */
#ifndef CHRONOS_WATCH_RANGES_H
#define CHRONOS_WATCH_RANGES_H

#include "fmgr.h"
#include "utils/numeric.h"

/* The most segments one value holds. */
#define WATCH_RANGES_MAX_SEGMENTS 1024

/* The largest position, in milliseconds (2147483.647 seconds, about 24.8 days). */
#define WATCH_POSITION_MAX_MS PG_INT32_MAX

/* One played part: [start_ms, end_ms), played plays times. */
typedef struct WatchSegment
{
	int32		start_ms;
	int32		end_ms;			/* exclusive, > start_ms */
	int32		plays;			/* >= 1 */
} WatchSegment;

typedef struct WatchRanges
{
	int32		vl_len_;		/* varlena header (do not touch directly) */
	int32		nsegments;
	WatchSegment segments[FLEXIBLE_ARRAY_MEMBER];
} WatchRanges;

#define WATCH_RANGES_SIZE(n)	(offsetof(WatchRanges, segments) + (n) * sizeof(WatchSegment))
#define WatchRangesCount(r)		((r)->nsegments)
#define WatchRangesSegments(r)	((r)->segments)

/* Detoasted (and, for short values, copied to an aligned 4-byte header). */
#define DatumGetWatchRangesP(d)		((WatchRanges *) PG_DETOAST_DATUM(d))
#define WatchRangesPGetDatum(p)		PointerGetDatum(p)
#define PG_GETARG_WATCH_RANGES_P(n)	DatumGetWatchRangesP(PG_GETARG_DATUM(n))
#define PG_RETURN_WATCH_RANGES_P(p)	PG_RETURN_POINTER(p)

/* A new value with nothing played: '{}'. */
extern WatchRanges *WatchRangesEmpty(void);

/*
 * A new value: r with [from_ms, to_ms) played once more (gaps get plays 1).
 * from_ms == to_ms adds nothing (a copy of r is returned); a negative
 * position or from_ms > to_ms is invalid_parameter_value.
 */
extern WatchRanges *WatchRangesAdd(const WatchRanges *r, int32 from_ms, int32 to_ms);

/* A new value whose plays are those of a and b added. */
extern WatchRanges *WatchRangesUnion(const WatchRanges *a, const WatchRanges *b);

/* Milliseconds of the video played at least once (the union). */
extern int64 WatchRangesCoverageMs(const WatchRanges *r);

/* The same, counting only what lies before limit_ms (say the duration). */
extern int64 WatchRangesCoverageBeforeMs(const WatchRanges *r, int64 limit_ms);

/* Milliseconds played counting repeats: the sum of (end - start) * plays. */
extern int64 WatchRangesPlaysMs(const WatchRanges *r);

/*
 * A position given in seconds as numeric, in milliseconds, rounded to the
 * nearest one (halves away from zero).  NaN, infinity, a negative value or
 * one past WATCH_POSITION_MAX_MS is invalid_parameter_value; argname (say
 * "p_from") names the argument in the error.
 */
extern int32 WatchSecondsToMs(Numeric seconds, const char *argname);

/* Milliseconds as numeric seconds, without trailing zeros (22500 -> 22.5). */
extern Numeric WatchMsToSeconds(int64 ms);

#endif							/* CHRONOS_WATCH_RANGES_H */
