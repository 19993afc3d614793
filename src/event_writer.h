/*
 * event_writer.h
 *		Writing checked, authorized events into video_analytics_events
 *		(event_writer.c).
 */
#ifndef CHRONOS_EVENT_WRITER_H
#define CHRONOS_EVENT_WRITER_H

#include "event_model.h"

/*
 * Writes rows[0..n) as the extension's owner and returns how many were new.
 * The caller has checked and authorized every row (event_model.h).  A row
 * with element >= 0 is an element of a batch; n == 1 with element -1 is a
 * single call.
 */
extern int	InsertEvents(EventRow *rows, int n);

#endif							/* CHRONOS_EVENT_WRITER_H */
