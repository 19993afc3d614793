/*
 * event_model.h
 *		One analytics event on its way into video_analytics_events, and the
 *		checks every event passes (event_model.c): the arguments, then
 *		whether the caller may track it.  Parsed by track_event.c and
 *		watch_sessions.c, written by event_writer.c.
 */
#ifndef CHRONOS_EVENT_MODEL_H
#define CHRONOS_EVENT_MODEL_H

#include "utils/jsonb.h"
#include "utils/timestamp.h"
#include "utils/uuid.h"

#include "compat.h"

/* The references an event carries, in the order errors and comparisons use. */
typedef enum EventRef
{
	REF_VIDEO,
	REF_CREATOR,
	REF_STUDENT,
	REF_COURSE,
	REF_MODULE,
	REF_SESSION,
	NUM_EVENT_REFS
} EventRef;

typedef struct EventRow
{
	pg_uuid_t	id;
	bool		id_given;		/* the client chose the id: idempotent replay */
	const char *event_type;		/* a valid label of chronos.video_event_type */
	pg_uuid_t	refs[NUM_EVENT_REFS];
	bool		ref_null[NUM_EVENT_REFS];
	Jsonb	   *metadata;		/* always a JSON object */
	TimestampTz timestamp;		/* when it happened, by the client's clock */
	int			element;		/* index in p_events (from 0), or -1 for a single call */
} EventRow;

/* Column names of the references, indexed by EventRef ("video_id", ...). */
extern const char *const event_ref_columns[NUM_EVENT_REFS];

/* The label of chronos.video_event_type equal to name; an error if none is. */
extern const char *CheckEventType(const char *name);

extern void CheckEventMetadata(Jsonb *metadata, const char *argname);

/*
 * What the metadata of some event types must hold (chronos 1.1's
 * quality-of-experience events: video_startup startup_ms, video_rebuffer
 * duration_ms, video_error code); invalid_parameter_value otherwise.
 */
extern void CheckEventMetadataOfType(const char *event_type, Jsonb *metadata, const char *argname);
extern void CheckEventTimestamp(TimestampTz timestamp, const char *argname);
extern void CheckMayTrackEvent(const EventRow *row);
extern Jsonb *EmptyJsonbObject(void);
extern void NewEventId(pg_uuid_t *id);

/* The first field (column name) in which two events differ, or NULL. */
extern const char *FirstDifferingEventField(const EventRow *a, const EventRow *b);

/* Raises the foreign_key_violation for a reference of row that is not valid. */
pg_noreturn extern void ReportBadEventReference(EventRef ref, const EventRow *row);

#endif							/* CHRONOS_EVENT_MODEL_H */
