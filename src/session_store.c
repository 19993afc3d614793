/*
 * session_store.c
 *		A heartbeat's reads and writes of video_watch_sessions and
 *		video_analytics_pending with the executor's row calls, where the rows
 *		are on this node (Citus is not loaded).
 *
 * The heartbeat is the hottest write of chronos: one session row found and
 * locked, that row updated, one row appended to the rollup work log.  As
 * SPI statements, each of the three pays an executor start-up and shut-down
 * around a few microseconds of work.  Here they share one EState and make
 * the calls the executor would make for them, as PostgreSQL's logical
 * replication does when it applies a change (execReplication.c):
 *
 *   - the session is found through its primary key and locked as SELECT
 *     ... FOR NO KEY UPDATE locks a row (the heartbeat changes no key, so
 *     an event's foreign key check of the session does not wait for it):
 *     under READ COMMITTED the lock waits for a concurrent writer and then
 *     takes the row's newest version; under REPEATABLE READ and
 *     SERIALIZABLE a row changed since the snapshot is a serialization
 *     failure;
 *   - the update is ExecSimpleRelationUpdate: the BEFORE and AFTER row
 *     triggers (updated_at, auto-complete, the foreign keys), the NOT NULL
 *     and CHECK constraints, the indexes;
 *   - the work-log row is ExecSimpleRelationInsert.
 *
 * Where a statement would do more than these calls, the heartbeat runs
 * statements after all (SessionStoreOpen returns NULL): when either table
 * has rules, or statement-level triggers or transition tables for the
 * write, which only a statement fires.
 *
 * Like an SPI statement, a heartbeat works under a snapshot of its own,
 * taken after a command counter increment, so it sees what the statements
 * before it in the transaction wrote.  The CHECK expressions are prepared
 * once per change of the table (ChronosWatchSessionCheckExprs), not for each
 * heartbeat.  No privilege or row-level security applies here: the caller
 * (watch_sessions.c) has checked who may act on the session, and works as
 * the extension's owner.
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/table.h"
#include "access/tableam.h"
#include "access/xact.h"
#include "catalog/namespace.h"
#include "catalog/pg_am.h"
#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "executor/executor.h"
#include "miscadmin.h"
#include "nodes/makefuncs.h"
#include "utils/builtins.h"
#include "utils/datum.h"
#include "utils/fmgroids.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"
#include "utils/uuid.h"

#include "catalog_cache.h"
#include "compat.h"
#include "session_store.h"

/* The range table: the two tables written. */
#define SESSIONS_RTI 1
#define PENDING_RTI 2

struct SessionStore
{
	EState	   *estate;
	EPQState	epqstate;
	RTEPermissionInfo *sessions_perms;	/* its updatedCols name the columns written */
	ResultRelInfo *sessions;
	ResultRelInfo *pending;
	Relation	videos;
	const WatchSessionColumns *cols;
	TupleTableSlot *locked;		/* the session's row, locked */
	TupleTableSlot *updated;	/* the row written */
	TupleTableSlot *video;
	TupleTableSlot *work;		/* a work-log row */
};

/* The OID of table chronos.name; an error when there is none. */
static Oid
ChronosTable(const char *name)
{
	Oid			relid = ChronosRelationId(name);

	if (!OidIsValid(relid))
		elog(ERROR, "table chronos.%s does not exist", name);
	return relid;
}

/*
 * The open index of rel's primary key, a btree whose first column is attnum
 * (on a node made ready for Citus the sessions' key is (id, creator_id));
 * rri's when rri has rel's indexes open, else opened here.
 */
static Relation
PrimaryKeyIndex(Relation rel, ResultRelInfo *rri, AttrNumber attnum)
{
	Oid			indexid = RelationGetPrimaryKeyIndex(rel, false);
	Relation	index = NULL;

	if (rri != NULL)
	{
		for (int i = 0; i < rri->ri_NumIndices; i++)
			if (RelationGetRelid(rri->ri_IndexRelationDescs[i]) == indexid)
				index = rri->ri_IndexRelationDescs[i];
	}
	else if (OidIsValid(indexid))
		index = index_open(indexid, AccessShareLock);
	if (index == NULL || index->rd_rel->relam != BTREE_AM_OID ||
		index->rd_index->indkey.values[0] != attnum)
		elog(ERROR, "table \"%s\" has no primary key on its id", RelationGetRelationName(rel));
	return index;
}

/*
 * The first visible row of rel whose primary key (on id) equals key, into
 * slot; false when there is none.
 */
static bool
FetchByKey(Relation rel, Relation index, Datum key, TupleTableSlot *slot)
{
	ScanKeyData scankey;
	IndexScanDesc scan;
	bool		found;

	ScanKeyInit(&scankey, 1, BTEqualStrategyNumber, F_UUID_EQ, key);
	scan = index_beginscan(rel, index, GetActiveSnapshot(), NULL, 1, 0);
	index_rescan(scan, &scankey, 1, NULL, 0);
	found = index_getnext_slot(scan, ForwardScanDirection, slot);
	index_endscan(scan);
	return found;
}

/* A result relation of the store's EState, with its indexes open. */
static ResultRelInfo *
ResultRelation(EState *estate, Relation rel, Index rti)
{
	ResultRelInfo *rri = makeNode(ResultRelInfo);

	InitResultRelInfo(rri, rel, rti, NULL, 0);
	ExecOpenIndices(rri, false);
	/* where the AFTER triggers look for it (ExecGetTriggerResultRel) */
	estate->es_opened_result_relations = lappend(estate->es_opened_result_relations, rri);
	return rri;
}

/* A range table entry for rel, with its permission record. */
static RTEPermissionInfo *
AddRangeTableEntry(List **rtable, List **perminfos, Relation rel, AclMode perms)
{
	RangeTblEntry *rte = makeNode(RangeTblEntry);
	RTEPermissionInfo *perminfo;

	rte->rtekind = RTE_RELATION;
	rte->relid = RelationGetRelid(rel);
	rte->relkind = rel->rd_rel->relkind;
	rte->rellockmode = RowExclusiveLock;
	perminfo = addRTEPermissionInfo(perminfos, rte);
	perminfo->requiredPerms = perms;
	*rtable = lappend(*rtable, rte);
	return perminfo;
}

/*
 * Whether the writes of cmd to rel can skip the statement: rel has no rules,
 * and no statement-level triggers or transition tables for cmd, which only a
 * statement fires.
 */
static bool
WritesAsRows(Relation rel, CmdType cmd)
{
	TriggerDesc *t = rel->trigdesc;

	if (rel->rd_rules != NULL)
		return false;
	if (t == NULL)
		return true;
	if (cmd == CMD_UPDATE)
		return !(t->trig_update_before_statement || t->trig_update_after_statement ||
				 t->trig_update_old_table || t->trig_update_new_table);
	return !(t->trig_insert_before_statement || t->trig_insert_after_statement ||
			 t->trig_insert_new_table);
}

SessionStore *
SessionStoreOpen(void)
{
	SessionStore *store = palloc0(sizeof(SessionStore));
	Relation	sessions;
	Relation	pending;
	List	   *rtable = NIL;
	List	   *perminfos = NIL;
	EState	   *estate;

	/* what the executor checks before a statement that writes */
	PreventCommandIfReadOnly("record_watch_progress");
	PreventCommandIfParallelMode("record_watch_progress");

	sessions = table_open(ChronosWatchSessionsRelid(), RowExclusiveLock);
	pending = table_open(ChronosTable("video_analytics_pending"), RowExclusiveLock);
	if (!WritesAsRows(sessions, CMD_UPDATE) || !WritesAsRows(pending, CMD_INSERT))
	{
		/* the locks stay until the transaction ends, as a statement's do */
		table_close(pending, NoLock);
		table_close(sessions, NoLock);
		pfree(store);
		return NULL;
	}
	store->videos = table_open(ChronosTable("videos"), AccessShareLock);
	store->cols = ChronosWatchSessionColumns(sessions);

	/* a snapshot of its own, as for an SPI statement */
	CommandCounterIncrement();
	PushActiveSnapshot(GetTransactionSnapshot());
	UpdateActiveSnapshotCommandId();

	store->estate = estate = CreateExecutorState();
	estate->es_snapshot = GetActiveSnapshot();
	estate->es_output_cid = GetCurrentCommandId(true);
	store->sessions_perms = AddRangeTableEntry(&rtable, &perminfos, sessions,
											   ACL_SELECT | ACL_UPDATE);
	(void) AddRangeTableEntry(&rtable, &perminfos, pending, ACL_INSERT);
	ExecInitRangeTable(estate, rtable, perminfos, bms_add_range(NULL, SESSIONS_RTI, PENDING_RTI));
	store->sessions = ResultRelation(estate, sessions, SESSIONS_RTI);
	store->pending = ResultRelation(estate, pending, PENDING_RTI);
	EvalPlanQualInit(&store->epqstate, estate, NULL, NIL, -1, NIL);

	store->locked = table_slot_create(sessions, &estate->es_tupleTable);
	store->updated = ExecInitExtraTupleSlot(estate, RelationGetDescr(sessions), &TTSOpsVirtual);
	store->video = table_slot_create(store->videos, &estate->es_tupleTable);
	store->work = ExecInitExtraTupleSlot(estate, RelationGetDescr(pending), &TTSOpsVirtual);

	AfterTriggerBeginQuery();
	return store;
}

/*
 * Locks the row of session_id that the snapshot sees, as SELECT ... FOR NO
 * KEY UPDATE does (nodeLockRows.c): false when there is none, or when it
 * was deleted before the lock was granted.
 */
static bool
LockRow(SessionStore *store, Datum session_id)
{
	Relation	rel = store->sessions->ri_RelationDesc;
	Relation	index = PrimaryKeyIndex(rel, store->sessions, store->cols->id);
	TM_FailureData tmfd;
	TM_Result	result;

	if (!FetchByKey(rel, index, session_id, store->locked))
		return false;
	result = table_tuple_lock(rel, &store->locked->tts_tid, store->estate->es_snapshot,
							  store->locked, store->estate->es_output_cid,
							  LockTupleNoKeyExclusive, LockWaitBlock,
							  IsolationUsesXactSnapshot() ? 0 : TUPLE_LOCK_FLAG_FIND_LAST_VERSION,
							  &tmfd);
	switch (result)
	{
		case TM_Ok:
			return true;
		case TM_Updated:
		case TM_Deleted:
			if (IsolationUsesXactSnapshot())
				ereport(ERROR,
						(errcode(ERRCODE_T_R_SERIALIZATION_FAILURE),
						 errmsg("could not serialize access due to concurrent update")));
			if (result == TM_Deleted)
				return false;
			elog(ERROR, "unexpected concurrent update of a watch session");
			break;
		case TM_SelfModified:
			elog(ERROR, "watch session already changed by this command");
			break;
		default:
			elog(ERROR, "unexpected result %d locking a watch session", (int) result);
			break;
	}
	return false;
}

/* A uuid value of the row, copied into the current memory context. */
static Datum
CopyUuid(TupleTableSlot *slot, AttrNumber attnum, bool *isnull)
{
	Datum		value = slot_getattr(slot, attnum, isnull);

	return *isnull ? (Datum) 0 : datumCopy(value, false, UUID_LEN);
}

bool
SessionStoreLock(SessionStore *store, Datum session_id, LockedSession *s)
{
	TupleTableSlot *row = store->locked;
	const WatchSessionColumns *cols = store->cols;
	Relation	videos = store->videos;
	Relation	videos_pkey;
	bool		isnull;
	bool		found;
	Datum		duration;

	if (!LockRow(store, session_id))
		return false;
	slot_getallattrs(row);

	s->refs.session_id = session_id;
	s->refs.student_id = CopyUuid(row, cols->student_id, &isnull);
	s->refs.video_id = CopyUuid(row, cols->video_id, &isnull);
	s->refs.creator_id = CopyUuid(row, cols->creator_id, &isnull);
	s->refs.course_id = CopyUuid(row, cols->course_id, &s->refs.course_null);
	s->refs.module_id = CopyUuid(row, cols->module_id, &s->refs.module_null);
	(void) slot_getattr(row, cols->session_end, &isnull);
	s->ended = !isnull;
	s->session_start = DatumGetTimestampTz(slot_getattr(row, cols->session_start, &isnull));
	s->now = GetCurrentTransactionStartTimestamp();
	s->percent = DatumGetInt32(slot_getattr(row, cols->percent_complete, &isnull));
	s->completed = DatumGetBool(slot_getattr(row, cols->completed, &isnull));
	s->watched = DatumGetWatchRangesP(slot_getattr(row, cols->watched, &isnull));
	s->played_ms = DatumGetInt64(slot_getattr(row, cols->watch_time_ms, &isnull));
	s->watch_time_seconds = DatumGetInt32(slot_getattr(row, cols->watch_time_seconds, &isnull));
	s->last_position = slot_getattr(row, cols->last_position_seconds, &s->last_position_null);
	s->seqs = NULL;
	if (cols->heartbeat_seqs != InvalidAttrNumber)
	{
		Datum		seqs = slot_getattr(row, cols->heartbeat_seqs, &isnull);

		if (!isnull)
			s->seqs = DatumGetMultirangeTypeP(seqs);
	}

	/* the video's duration (a session's video always exists: its foreign key) */
	videos_pkey = PrimaryKeyIndex(videos, NULL, ChronosRequiredColumn(videos, "id"));
	found = FetchByKey(videos, videos_pkey, s->refs.video_id, store->video);
	index_close(videos_pkey, NoLock);
	if (!found)
		return false;
	duration = slot_getattr(store->video, ChronosRequiredColumn(videos, "duration_seconds"),
							&s->duration_null);
	s->duration = s->duration_null ? 0 : DatumGetInt32(duration);
	return true;
}

Datum
SessionStoreRow(SessionStore *store)
{
	return ExecFetchSlotHeapTupleDatum(store->locked);
}

/* Sets column attnum of the row being written, and marks it updated. */
static void
SetColumn(TupleTableSlot *slot, Bitmapset **updated, AttrNumber attnum, Datum value, bool isnull)
{
	slot->tts_values[attnum - 1] = value;
	slot->tts_isnull[attnum - 1] = isnull;
	*updated = bms_add_member(*updated, attnum - FirstLowInvalidHeapAttributeNumber);
}

Datum
SessionStoreUpdate(SessionStore *store, const SessionProgress *progress, bool *completed)
{
	TupleTableSlot *old = store->locked;
	TupleTableSlot *new = store->updated;
	Relation	rel = store->sessions->ri_RelationDesc;
	const WatchSessionColumns *cols = store->cols;
	int			natts = RelationGetDescr(rel)->natts;
	Bitmapset  *updated = NULL;
	bool		isnull;

	/* the locked row, with the heartbeat's columns replaced */
	slot_getallattrs(old);
	ExecClearTuple(new);
	memcpy(new->tts_values, old->tts_values, sizeof(Datum) * natts);
	memcpy(new->tts_isnull, old->tts_isnull, sizeof(bool) * natts);
	SetColumn(new, &updated, cols->watched, WatchRangesPGetDatum(progress->watched), false);
	SetColumn(new, &updated, cols->watch_time_seconds, Int32GetDatum(progress->watch_time_seconds), false);
	SetColumn(new, &updated, cols->watch_time_ms, Int64GetDatum(progress->watch_time_ms), false);
	SetColumn(new, &updated, cols->session_start, TimestampTzGetDatum(progress->session_start), false);
	SetColumn(new, &updated, cols->last_heartbeat_at, TimestampTzGetDatum(progress->last_heartbeat_at), false);
	SetColumn(new, &updated, cols->percent_complete, Int32GetDatum(progress->percent), false);
	SetColumn(new, &updated, cols->last_position_seconds, progress->last_position,
			  progress->last_position_null);
	if (progress->set_seqs)
	{
		if (cols->heartbeat_seqs == InvalidAttrNumber)
			elog(ERROR, "video_watch_sessions has no column heartbeat_seqs");
		SetColumn(new, &updated, cols->heartbeat_seqs, MultirangeTypePGetDatum(progress->seqs), false);
	}
	ExecStoreVirtualTuple(new);

	store->sessions_perms->updatedCols = updated;
	store->sessions->ri_CheckConstraintExprs = ChronosWatchSessionCheckExprs(rel);
	ExecSimpleRelationUpdate(store->sessions, store->estate, &store->epqstate, old, new);

	*completed = DatumGetBool(slot_getattr(new, cols->completed, &isnull));
	return ExecFetchSlotHeapTupleDatum(new);
}

/* Sets column attnum of a row being made to a value that is not null. */
static void
SetValue(TupleTableSlot *slot, AttrNumber attnum, Datum value)
{
	slot->tts_values[attnum - 1] = value;
	slot->tts_isnull[attnum - 1] = false;
}

void
SessionStoreMarkQuarter(SessionStore *store, const SessionRefs *refs, TimestampTz session_start)
{
	TupleTableSlot *row = store->work;
	Relation	rel = store->pending->ri_RelationDesc;
	Interval	quarter = {.time = 15 * 60 * USECS_PER_SEC};

	/* the quarter hour: date_bin('15 minutes', session_start, 2000-01-01 00:00 UTC) */
	Datum		bucket = DirectFunctionCall3(timestamptz_bin, IntervalPGetDatum(&quarter),
											 TimestampTzGetDatum(session_start),
											 TimestampTzGetDatum((TimestampTz) 0));

	ExecClearTuple(row);
	memset(row->tts_isnull, true, sizeof(bool) * RelationGetDescr(rel)->natts);
	SetValue(row, ChronosRequiredColumn(rel, "video_id"), refs->video_id);
	SetValue(row, ChronosRequiredColumn(rel, "creator_id"), refs->creator_id);
	SetValue(row, ChronosRequiredColumn(rel, "bucket_start"), bucket);
	/* its default, now() */
	SetValue(row, ChronosRequiredColumn(rel, "created_at"),
			 TimestampTzGetDatum(GetCurrentTransactionStartTimestamp()));
	ExecStoreVirtualTuple(row);
	ExecSimpleRelationInsert(store->pending, store->estate, row);
}

void
SessionStoreClose(SessionStore *store)
{
	EState	   *estate = store->estate;
	Relation	sessions = store->sessions->ri_RelationDesc;
	Relation	pending = store->pending->ri_RelationDesc;

	AfterTriggerEndQuery(estate);
	EvalPlanQualEnd(&store->epqstate);
	ExecCloseResultRelations(estate);
	ExecCloseRangeTableRelations(estate);
	ExecResetTupleTable(estate->es_tupleTable, false);
	FreeExecutorState(estate);
	/* the locks stay until the transaction ends, as a statement's do */
	table_close(store->videos, NoLock);
	table_close(pending, NoLock);
	table_close(sessions, NoLock);
	PopActiveSnapshot();
	pfree(store);
}
