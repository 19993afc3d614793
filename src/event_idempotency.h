/*
 * event_idempotency.h
 *		Client-chosen event ids, unique within each creator
 *		(event_idempotency.c).
 */
#ifndef CHRONOS_EVENT_IDEMPOTENCY_H
#define CHRONOS_EVENT_IDEMPOTENCY_H

#include "event_model.h"

/*
 * Locks the (creator_id, id) of every row of rows[0..n) whose id the client
 * chose, until the transaction ends, and marks in skip[] the rows that
 * replay a stored event or an earlier row of the batch; refuses
 * (unique_violation, *current pointing at the row) a row whose id its
 * creator already used for a different event.  Returns how many rows are
 * skipped.  Runs inside SPI, as the extension's owner.
 */
extern int	SkipReplayedEvents(EventRow *rows, int n, bool *skip, const EventRow **current);

#endif							/* CHRONOS_EVENT_IDEMPOTENCY_H */
