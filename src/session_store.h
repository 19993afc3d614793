/*
 * session_store.h
 *		A watch session as a heartbeat reads and writes it, and the store
 *		that reads, locks and writes it with the executor's row calls on a
 *		node that holds the rows (session_store.c).
 */
#ifndef CHRONOS_SESSION_STORE_H
#define CHRONOS_SESSION_STORE_H

#include "utils/multirangetypes.h"
#include "utils/timestamp.h"

#include "watch_ranges.h"

/* The references every event of a session carries. */
typedef struct SessionRefs
{
	Datum		session_id;
	Datum		student_id;
	Datum		video_id;
	Datum		creator_id;
	Datum		course_id;
	bool		course_null;
	Datum		module_id;
	bool		module_null;
} SessionRefs;

/*
 * A session as a heartbeat finds it, locked.  The pointers (watched,
 * last_position, seqs) point into the row read: valid until the store
 * closes, or SPI_finish where SPI read it.
 */
typedef struct LockedSession
{
	SessionRefs refs;
	bool		ended;
	TimestampTz session_start;
	TimestampTz now;			/* the transaction's start: now() */
	int32		percent;
	bool		completed;
	WatchRanges *watched;
	bool		duration_null;
	int32		duration;		/* the video's, in seconds, when known */
	int64		played_ms;		/* watch_time_ms: the exact total played */
	int32		watch_time_seconds;
	Datum		last_position;	/* numeric */
	bool		last_position_null;
	MultirangeType *seqs;		/* heartbeat_seqs; NULL when null or absent (1.0) */
} LockedSession;

/* What a heartbeat writes into the session's row. */
typedef struct SessionProgress
{
	WatchRanges *watched;
	int32		watch_time_seconds;
	int64		watch_time_ms;
	TimestampTz session_start;
	TimestampTz last_heartbeat_at;
	int32		percent;
	Datum		last_position;	/* numeric */
	bool		last_position_null;
	bool		set_seqs;		/* write seqs into heartbeat_seqs */
	MultirangeType *seqs;
} SessionProgress;

typedef struct SessionStore SessionStore;

/*
 * Opens video_watch_sessions, videos and video_analytics_pending for one
 * heartbeat, under a new snapshot; refuses in a read-only transaction.
 * NULL when a statement would do more than the row calls (rules, or
 * statement-level triggers): the heartbeat then runs statements.
 */
extern SessionStore *SessionStoreOpen(void);

/*
 * Finds session_id and locks it as SELECT ... FOR UPDATE would, filling *s
 * (with the duration of its video); false when there is no such session.
 */
extern bool SessionStoreLock(SessionStore *store, Datum session_id, LockedSession *s);

/* The locked session's row, as a composite datum of the table's row type. */
extern Datum SessionStoreRow(SessionStore *store);

/*
 * Writes progress into the locked session (triggers, constraints, indexes:
 * as an UPDATE would); returns the row written, as a composite datum, and
 * sets *completed to its completed.
 */
extern Datum SessionStoreUpdate(SessionStore *store, const SessionProgress *progress,
								bool *completed);

/* Appends the rollup work of the quarter hour of session_start for refs' video. */
extern void SessionStoreMarkQuarter(SessionStore *store, const SessionRefs *refs,
									TimestampTz session_start);

/* Fires the queued AFTER triggers, closes everything and pops the snapshot. */
extern void SessionStoreClose(SessionStore *store);

#endif							/* CHRONOS_SESSION_STORE_H */
