/*
 * event_idempotency.c
 *		Client-chosen event ids, unique within each creator: the same event
 *		sent again is written once.
 *
 * video_analytics_events is partitioned by time, and PostgreSQL's unique
 * indexes hold within one partition only, while a retry may carry another
 * timestamp (a client that lets the server stamp the time) and so land in
 * another partition.  So uniqueness is kept here: before an event with a
 * client-chosen id is written, the writer takes a transaction lock on
 * (creator_id, id) and looks for the id in every partition, through the
 * hash index on the ids clients chose (WHERE id_given: an id chronos made is
 * unique by construction, so those events cost no index), with a snapshot
 * taken after the lock was granted.
 * Whoever sent the same (creator, id) concurrently has then committed or
 * rolled back, and is seen or not accordingly, at every isolation level.
 * An event found with the same fields (the timestamp aside) is a replay and
 * is skipped; one with another field different is a unique_violation
 * naming the field.  Another creator's event with the same id is another
 * event.
 *
 * The locks are advisory locks of a key space of chronos's own (no SQL
 * advisory-lock call can take them), taken in key order so that two batches
 * that share ids cannot deadlock.  A writer that bypasses chronos (a direct
 * INSERT by the service) takes no lock and is not checked.
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "common/hashfn.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "storage/lock.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/snapmgr.h"

#include "event_idempotency.h"
#include "args.h"
#include "spi_sql.h"

/* The advisory-lock key space of event ids (SQL's functions use 1 and 2). */
#define EVENT_ID_LOCK_SPACE 0x4348

/* One event with a client-chosen id: its key and where it is in rows[]. */
typedef struct EventKey
{
	pg_uuid_t	creator;
	pg_uuid_t	id;
	int			index;
} EventKey;

static const char *const stored_sql =
"SELECT id, event_type::pg_catalog.text, video_id, creator_id, student_id, course_id, "
"module_id, session_id, metadata FROM chronos.video_analytics_events "
"WHERE id" SQL_EQ "ANY ($1) AND id_given";

static SPIPlanPtr stored_plan;

/* Orders keys by creator, then id, then position in the batch. */
static int
CompareKeys(const void *a, const void *b)
{
	const EventKey *x = a;
	const EventKey *y = b;
	int			c = memcmp(x->creator.data, y->creator.data, UUID_LEN);

	if (c == 0)
		c = memcmp(x->id.data, y->id.data, UUID_LEN);
	if (c == 0)
		c = (x->index > y->index) - (x->index < y->index);
	return c;
}

/* Orders keys by creator, then id: keys that differ only in position are equal. */
static int
CompareCreatorAndId(const void *a, const void *b)
{
	const EventKey *x = a;
	const EventKey *y = b;
	int			c = memcmp(x->creator.data, y->creator.data, UUID_LEN);

	return c != 0 ? c : memcmp(x->id.data, y->id.data, UUID_LEN);
}

static bool
SameKey(const EventKey *a, const EventKey *b)
{
	return CompareCreatorAndId(a, b) == 0;
}

/* Waits for, then holds until the transaction ends, the lock of one (creator, id). */
static void
LockEventKey(const EventKey *key)
{
	unsigned char bytes[2 * UUID_LEN];
	uint64		hash;
	LOCKTAG		tag;

	memcpy(bytes, key->creator.data, UUID_LEN);
	memcpy(bytes + UUID_LEN, key->id.data, UUID_LEN);
	hash = hash_bytes_extended(bytes, sizeof(bytes), 0);
	SET_LOCKTAG_ADVISORY(tag, MyDatabaseId, (uint32) (hash >> 32), (uint32) hash,
						 EVENT_ID_LOCK_SPACE);
	(void) LockAcquire(&tag, ExclusiveLock, false, false);
}

static void
ReportEventConflict(const EventRow *row, const char *field)
{
	ereport(ERROR,
			(errcode(ERRCODE_UNIQUE_VIOLATION),
			 errmsg("event %s already exists with different content", ChronosUuidText(&row->id)),
			 errdetail("Its %s differs from the stored event's.", field),
			 errhint("Reuse an event id only to send the same event again.")));
}

/* rows[key->index] is a replay of stored: skip it, or refuse it if it differs. */
static void
SkipReplay(EventRow *rows, const EventKey *key, const EventRow *stored, bool *skip,
		   const EventRow **current)
{
	const char *field = FirstDifferingEventField(&rows[key->index], stored);

	if (field != NULL)
	{
		*current = &rows[key->index];
		ReportEventConflict(&rows[key->index], field);
	}
	skip[key->index] = true;
}

/* The stored event in SPI_tuptable row i, as an EventRow. */
static void
StoredEvent(uint64 i, EventRow *stored)
{
	HeapTuple	tuple = SPI_tuptable->vals[i];
	TupleDesc	desc = SPI_tuptable->tupdesc;
	bool		isnull;

	memset(stored, 0, sizeof(EventRow));
	stored->id = *DatumGetUUIDP(SPI_getbinval(tuple, desc, 1, &isnull));
	stored->event_type = TextDatumGetCString(SPI_getbinval(tuple, desc, 2, &isnull));
	for (int ref = 0; ref < NUM_EVENT_REFS; ref++)
	{
		Datum		value = SPI_getbinval(tuple, desc, 3 + ref, &stored->ref_null[ref]);

		if (!stored->ref_null[ref])
			stored->refs[ref] = *DatumGetUUIDP(value);
	}
	stored->metadata = DatumGetJsonbP(SPI_getbinval(tuple, desc, 9, &isnull));
}

/*
 * Reads the stored events with the ids of keys[0..nkeys) (distinct, sorted)
 * and skips or refuses the rows they replay.
 */
static void
CompareWithStored(EventRow *rows, EventKey *keys, int nkeys, bool *skip,
				  const EventRow **current)
{
	Datum	   *ids = palloc(sizeof(Datum) * nkeys);
	Datum		arg;
	Oid			argtype = UUIDARRAYOID;

	for (int i = 0; i < nkeys; i++)
		ids[i] = UUIDPGetDatum(&keys[i].id);
	arg = PointerGetDatum(construct_array(ids, nkeys, UUIDOID, UUID_LEN, false, TYPALIGN_CHAR));

	if (SPI_execute_snapshot(ChronosKeptPlan(&stored_plan, stored_sql, 1, &argtype), &arg, NULL,
							 GetLatestSnapshot(), InvalidSnapshot, false, false, 0) != SPI_OK_SELECT)
		elog(ERROR, "could not read stored events");

	for (uint64 t = 0; t < SPI_processed; t++)
	{
		EventRow	stored;
		EventKey	probe;
		EventKey   *found;

		StoredEvent(t, &stored);
		probe.creator = stored.refs[REF_CREATOR];
		probe.id = stored.id;
		found = bsearch(&probe, keys, nkeys, sizeof(EventKey), CompareCreatorAndId);
		if (found != NULL)
			SkipReplay(rows, found, &stored, skip, current);
	}
}

int
SkipReplayedEvents(EventRow *rows, int n, bool *skip, const EventRow **current)
{
	EventKey   *keys = palloc(sizeof(EventKey) * n);
	int			nkeys = 0;
	int			ndistinct = 0;
	int			nskipped = 0;

	for (int i = 0; i < n; i++)
	{
		skip[i] = false;
		if (!rows[i].id_given)
			continue;
		keys[nkeys].creator = rows[i].refs[REF_CREATOR];
		keys[nkeys].id = rows[i].id;
		keys[nkeys].index = i;
		nkeys++;
	}
	if (nkeys == 0)
		return 0;
	qsort(keys, nkeys, sizeof(EventKey), CompareKeys);

	/*
	 * A key seen earlier in the batch is a replay of that earlier element;
	 * the first element of each key takes the lock and is kept in keys[].
	 */
	for (int i = 0; i < nkeys; i++)
	{
		if (ndistinct > 0 && SameKey(&keys[i], &keys[ndistinct - 1]))
		{
			SkipReplay(rows, &keys[i], &rows[keys[ndistinct - 1].index], skip, current);
			continue;
		}
		LockEventKey(&keys[i]);
		keys[ndistinct++] = keys[i];
	}

	CompareWithStored(rows, keys, ndistinct, skip, current);

	for (int i = 0; i < n; i++)
		nskipped += skip[i] ? 1 : 0;
	return nskipped;
}
