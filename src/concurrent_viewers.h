/*
 * concurrent_viewers.h
 *		How many viewers watched at once: each watch session's span, swept
 *		in time order (concurrent_viewers.c).
 */
#ifndef CHRONOS_CONCURRENT_VIEWERS_H
#define CHRONOS_CONCURRENT_VIEWERS_H

#include "datatype/timestamp.h"
#include "utils/uuid.h"

/*
 * The spans of the sessions that overlap a range [from, to), clipped to it:
 * starts[i] and ends[i] (each array sorted on its own, so they no longer
 * pair up), n of each, every span non-empty.
 */
typedef struct ViewerSpans
{
	int64		n;
	int64		allocated;
	TimestampTz *starts;
	TimestampTz *ends;
} ViewerSpans;

/* An empty set of spans, its arrays allocated in cxt. */
extern void ConcurrentInitSpans(ViewerSpans *spans, MemoryContext cxt);

/* Adds the span [start, end) clipped to [from, to), unless that leaves nothing. */
extern void ConcurrentAddSpan(ViewerSpans *spans, TimestampTz start, TimestampTz end,
							  TimestampTz from, TimestampTz to);

/* Sorts the starts and the ends, each on its own: ConcurrentPeak needs them so. */
extern void ConcurrentSortSpans(ViewerSpans *spans);

/*
 * Reads into *spans (allocated in cxt) the spans of the creator's sessions,
 * or only those of video_id when it is not NULL, that overlap [from, to).
 * Inside SPI, as the extension's owner, after the caller was checked.
 */
extern void ConcurrentReadSpans(ViewerSpans *spans, MemoryContext cxt, pg_uuid_t *creator_id,
								pg_uuid_t *video_id, TimestampTz from, TimestampTz to);

/*
 * The most spans that overlap at one instant of [from, to) (0 for none);
 * *at the first instant it is reached and *until when that first stretch
 * ends (both unset when the peak is 0).
 */
extern int64 ConcurrentPeak(const ViewerSpans *spans, TimestampTz *at, TimestampTz *until);

#endif							/* CHRONOS_CONCURRENT_VIEWERS_H */
