/*
 * catalog_cache.c
 *		The catalog facts chronos remembers between calls, and the
 *		invalidation callbacks that forget them.
 *
 * Each fact is looked up on first use and kept until PostgreSQL says the
 * catalog rows it came from changed: a syscache callback on pg_type and
 * pg_enum for the type OIDs and the enum labels, a relcache callback on
 * video_watch_sessions for its OID, columns, index and CHECK constraints.
 * No call ever checks by hand whether what it remembers is still true, and
 * no object is found by a name that only a convention fixes (an index is
 * found by its columns).  A callback only marks a fact invalid; the memory
 * it used is reused on the next lookup, after every caller is done with it
 * (callers copy what they keep).
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "catalog/indexing.h"
#include "catalog/namespace.h"
#include "catalog/pg_am.h"
#include "catalog/pg_class.h"
#include "catalog/pg_constraint.h"
#include "catalog/pg_enum.h"
#include "catalog/pg_index.h"
#include "catalog/pg_type.h"
#include "executor/executor.h"
#include "nodes/nodeFuncs.h"
#include "optimizer/optimizer.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/catcache.h"
#include "utils/fmgroids.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/syscache.h"

#include "catalog_cache.h"
#include "compat.h"
#include "spi_sql.h"

/* Where the lists live; reset when one is loaded again. */
static MemoryContext event_types_cxt = NULL;
static MemoryContext choices_cxt = NULL;

/* chronos.video_event_type and its labels */
static Oid	event_type_oid = InvalidOid;
static uint32 event_type_hash;
static bool event_labels_valid = false;
static ChronosNameList event_labels;

/* chronos.watch_ranges, and the plans that name it */
static Oid	watch_ranges_oid = InvalidOid;
static uint32 watch_ranges_hash;
static List *plans_of_type = NIL;	/* SPIPlanPtr * slots */
static List *plans_to_free = NIL;	/* forgotten plans, freed on the next prepare */

/* chronos.video_watch_sessions */
static Oid	sessions_relid = InvalidOid;
static Oid	sessions_columns_relid = InvalidOid;
static WatchSessionColumns sessions_columns;
static bool sessions_index_valid = false;
static Oid	sessions_index = InvalidOid;
static MemoryContext checks_cxt = NULL;
static Oid	checks_relid = InvalidOid;
static ExprState **checks;

#define MAX_CHOICE_COLUMNS 4
typedef struct ColumnChoices
{
	char		column[NAMEDATALEN];
	bool		has_list;
	ChronosNameList list;
} ColumnChoices;
static ColumnChoices choices[MAX_CHOICE_COLUMNS];
static int	nchoices = 0;

/* pg_type changed: forget the types it concerns (hash 0: every type). */
static void
TypeChanged(Datum arg, int cacheid, uint32 hashvalue)
{
	if (OidIsValid(event_type_oid) && (hashvalue == 0 || hashvalue == event_type_hash))
	{
		event_type_oid = InvalidOid;
		event_labels_valid = false;
	}
	if (OidIsValid(watch_ranges_oid) && (hashvalue == 0 || hashvalue == watch_ranges_hash))
	{
		ListCell   *lc;

		watch_ranges_oid = InvalidOid;
		foreach(lc, plans_of_type)
		{
			SPIPlanPtr *slot = (SPIPlanPtr *) lfirst(lc);

			if (*slot != NULL)
			{
				MemoryContext old = MemoryContextSwitchTo(TopMemoryContext);

				plans_to_free = lappend(plans_to_free, *slot);
				MemoryContextSwitchTo(old);
				*slot = NULL;
			}
		}
	}
}

/* pg_enum changed: the labels are read again. */
static void
EnumChanged(Datum arg, int cacheid, uint32 hashvalue)
{
	event_labels_valid = false;
}

/* A relation changed (InvalidOid: every relation). */
static void
RelationChanged(Datum arg, Oid relid)
{
	if (relid == InvalidOid || relid == sessions_relid)
	{
		sessions_relid = InvalidOid;
		sessions_index_valid = false;
		nchoices = 0;
	}
	if (relid == InvalidOid || relid == sessions_columns_relid)
		sessions_columns_relid = InvalidOid;
	if (relid == InvalidOid || relid == checks_relid)
		checks_relid = InvalidOid;
}

void
ChronosRegisterCacheCallbacks(void)
{
	CacheRegisterSyscacheCallback(TYPEOID, TypeChanged, (Datum) 0);
	CacheRegisterSyscacheCallback(ENUMOID, EnumChanged, (Datum) 0);
	CacheRegisterRelcacheCallback(RelationChanged, (Datum) 0);
}

/* The OID of chronos's type name, and the hash its TYPEOID invalidations carry. */
static Oid
LookUpType(const char *name, uint32 *hash)
{
	Oid			nsp = get_namespace_oid("chronos", false);
	Oid			typid = GetSysCacheOid2(TYPENAMENSP, Anum_pg_type_oid, CStringGetDatum(name),
										ObjectIdGetDatum(nsp));

	if (!OidIsValid(typid))
		elog(ERROR, "type chronos.%s does not exist", name);
	*hash = GetSysCacheHashValue1(TYPEOID, ObjectIdGetDatum(typid));
	return typid;
}

/* *cxt, emptied, or a new memory context under CacheMemoryContext. */
static MemoryContext
CacheContext(MemoryContext *cxt)
{
	if (*cxt == NULL)
		*cxt = AllocSetContextCreate(CacheMemoryContext, "chronos catalog cache",
									 ALLOCSET_SMALL_SIZES);
	else
		MemoryContextReset(*cxt);
	return *cxt;
}

/* Orders pg_enum tuples by enumsortorder. */
static int
CompareEnumTuples(const void *a, const void *b)
{
	float4		x = ((Form_pg_enum) GETSTRUCT(*(const HeapTuple *) a))->enumsortorder;
	float4		y = ((Form_pg_enum) GETSTRUCT(*(const HeapTuple *) b))->enumsortorder;

	return (x > y) - (x < y);
}

const ChronosNameList *
ChronosEventTypeLabels(void)
{
	CatCList   *list;
	HeapTuple  *tuples;
	MemoryContext cxt;

	if (event_labels_valid)
		return &event_labels;

	event_type_oid = LookUpType("video_event_type", &event_type_hash);
	list = SearchSysCacheList1(ENUMTYPOIDNAME, ObjectIdGetDatum(event_type_oid));
	cxt = CacheContext(&event_types_cxt);
	tuples = palloc(sizeof(HeapTuple) * Max(list->n_members, 1));
	for (int i = 0; i < list->n_members; i++)
		tuples[i] = &list->members[i]->tuple;
	qsort(tuples, list->n_members, sizeof(HeapTuple), CompareEnumTuples);

	event_labels.count = list->n_members;
	event_labels.names = MemoryContextAlloc(cxt, sizeof(char *) * Max(list->n_members, 1));
	for (int i = 0; i < list->n_members; i++)
		event_labels.names[i] =
			MemoryContextStrdup(cxt, NameStr(((Form_pg_enum) GETSTRUCT(tuples[i]))->enumlabel));
	ReleaseSysCacheList(list);
	pfree(tuples);
	event_labels_valid = true;
	return &event_labels;
}

Oid
ChronosWatchRangesTypeId(void)
{
	if (!OidIsValid(watch_ranges_oid))
		watch_ranges_oid = LookUpType("watch_ranges", &watch_ranges_hash);
	return watch_ranges_oid;
}

SPIPlanPtr
ChronosKeptPlanOfType(SPIPlanPtr *slot, const char *sql, int nargs, const Oid *argtypes)
{
	if (*slot == NULL)
	{
		ListCell   *lc;
		MemoryContext old;

		foreach(lc, plans_to_free)
			SPI_freeplan((SPIPlanPtr) lfirst(lc));
		list_free(plans_to_free);
		plans_to_free = NIL;

		old = MemoryContextSwitchTo(TopMemoryContext);
		plans_of_type = list_append_unique_ptr(plans_of_type, slot);
		MemoryContextSwitchTo(old);
	}
	return ChronosKeptPlan(slot, sql, nargs, argtypes);
}

Oid
ChronosRelationId(const char *relname)
{
	return get_relname_relid(relname, get_namespace_oid("chronos", true));
}

bool
ChronosHasRelation(const char *relname, const char *column)
{
	Oid			relid = ChronosRelationId(relname);

	if (!OidIsValid(relid))
		return false;
	return column == NULL || get_attnum(relid, column) != InvalidAttrNumber;
}

Oid
ChronosWatchSessionsRelid(void)
{
	if (!OidIsValid(sessions_relid))
		sessions_relid = ChronosRelationId("video_watch_sessions");
	return sessions_relid;
}

AttrNumber
ChronosRequiredColumn(Relation rel, const char *name)
{
	int			attnum = SPI_fnumber(rel->rd_att, name);

	if (attnum <= 0)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_COLUMN),
				 errmsg("table \"%s\" has no column \"%s\"", RelationGetRelationName(rel), name)));
	return (AttrNumber) attnum;
}

const WatchSessionColumns *
ChronosWatchSessionColumns(Relation rel)
{
	if (sessions_columns_relid != RelationGetRelid(rel))
	{
		/* look all up before remembering any: a missing column leaves the cache as it was */
		WatchSessionColumns cols;

		cols.id = ChronosRequiredColumn(rel, "id");
		cols.student_id = ChronosRequiredColumn(rel, "student_id");
		cols.video_id = ChronosRequiredColumn(rel, "video_id");
		cols.creator_id = ChronosRequiredColumn(rel, "creator_id");
		cols.course_id = ChronosRequiredColumn(rel, "course_id");
		cols.module_id = ChronosRequiredColumn(rel, "module_id");
		cols.session_start = ChronosRequiredColumn(rel, "session_start");
		cols.session_end = ChronosRequiredColumn(rel, "session_end");
		cols.last_heartbeat_at = ChronosRequiredColumn(rel, "last_heartbeat_at");
		cols.watch_time_seconds = ChronosRequiredColumn(rel, "watch_time_seconds");
		cols.watch_time_ms = ChronosRequiredColumn(rel, "watch_time_ms");
		cols.percent_complete = ChronosRequiredColumn(rel, "percent_complete");
		cols.completed = ChronosRequiredColumn(rel, "completed");
		cols.last_position_seconds = ChronosRequiredColumn(rel, "last_position_seconds");
		cols.watched = ChronosRequiredColumn(rel, "watched");
		cols.heartbeat_seqs = Max(SPI_fnumber(rel->rd_att, "heartbeat_seqs"), InvalidAttrNumber);
		sessions_columns = cols;
		sessions_columns_relid = RelationGetRelid(rel);
	}
	return &sessions_columns;
}

ExprState **
ChronosWatchSessionCheckExprs(Relation rel)
{
	TupleConstr *constr = rel->rd_att->constr;
	int			ncheck = constr ? constr->num_check : 0;
	MemoryContext old;
	ExprState **exprs;

	if (checks_relid == RelationGetRelid(rel))
		return checks;

	/* as ExecRelCheck prepares them, but in a context of their own */
	old = MemoryContextSwitchTo(CacheContext(&checks_cxt));
	exprs = palloc0(sizeof(ExprState *) * Max(ncheck, 1));
	for (int i = 0; i < ncheck; i++)
	{
		Node	   *expr;

		if (!CONSTR_CHECK_ENFORCED(&constr->check[i]))
			continue;
		expr = stringToNode(constr->check[i].ccbin);
		expr = expand_generated_columns_in_expr(expr, rel, 1);
		exprs[i] = ExecInitExpr(expression_planner((Expr *) expr), NULL);
	}
	MemoryContextSwitchTo(old);
	checks = exprs;
	checks_relid = RelationGetRelid(rel);
	return checks;
}

/* Whether index indexid is a valid, plain (not partial) btree index whose first columns are (first, second). */
static bool
IndexLeadsWith(Oid indexid, AttrNumber first, AttrNumber second)
{
	HeapTuple	tuple = SearchSysCache1(INDEXRELID, ObjectIdGetDatum(indexid));
	Form_pg_index index;
	bool		match;

	if (!HeapTupleIsValid(tuple))
		return false;
	index = (Form_pg_index) GETSTRUCT(tuple);
	match = index->indisvalid && index->indnkeyatts >= 2 &&
		index->indkey.values[0] == first && index->indkey.values[1] == second &&
		heap_attisnull(tuple, Anum_pg_index_indpred, NULL) &&
		heap_attisnull(tuple, Anum_pg_index_indexprs, NULL);
	ReleaseSysCache(tuple);
	if (!match)
		return false;

	tuple = SearchSysCache1(RELOID, ObjectIdGetDatum(indexid));
	if (!HeapTupleIsValid(tuple))
		return false;
	match = ((Form_pg_class) GETSTRUCT(tuple))->relam == BTREE_AM_OID;
	ReleaseSysCache(tuple);
	return match;
}

Oid
ChronosWatchSessionsIndex(Relation rel)
{
	if (!sessions_index_valid || RelationGetRelid(rel) != sessions_relid)
	{
		const WatchSessionColumns *cols = ChronosWatchSessionColumns(rel);
		List	   *indexes = RelationGetIndexList(rel);
		ListCell   *lc;

		sessions_index = InvalidOid;
		foreach(lc, indexes)
		{
			if (IndexLeadsWith(lfirst_oid(lc), cols->student_id, cols->video_id))
			{
				sessions_index = lfirst_oid(lc);
				break;
			}
		}
		list_free(indexes);
		sessions_relid = RelationGetRelid(rel);
		sessions_index_valid = true;
	}
	return sessions_index;
}

/* Collects the text constants of an expression into the list in context. */
static bool
CollectTextConstants(Node *node, void *context)
{
	List	  **values = (List **) context;

	if (node == NULL)
		return false;
	if (IsA(node, Const) && !((Const *) node)->constisnull)
	{
		Const	   *c = (Const *) node;

		if (c->consttype == TEXTOID)
			*values = lappend(*values, TextDatumGetCString(c->constvalue));
		else if (c->consttype == TEXTARRAYOID)
		{
			Datum	   *elems;
			bool	   *nulls;
			int			n;

			deconstruct_array(DatumGetArrayTypeP(c->constvalue), TEXTOID, -1, false,
							  TYPALIGN_INT, &elems, &nulls, &n);
			for (int i = 0; i < n; i++)
				if (!nulls[i])
					*values = lappend(*values, TextDatumGetCString(elems[i]));
		}
		return false;
	}
	return expression_tree_walker(node, CollectTextConstants, context);
}

/* The text constants of the CHECK constraint of relid on attnum alone; NIL if none. */
static List *
CheckConstraintValues(Oid relid, AttrNumber attnum)
{
	Relation	rel = table_open(ConstraintRelationId, AccessShareLock);
	ScanKeyData key;
	SysScanDesc scan;
	HeapTuple	tuple;
	List	   *values = NIL;

	ScanKeyInit(&key, Anum_pg_constraint_conrelid, BTEqualStrategyNumber, F_OIDEQ,
				ObjectIdGetDatum(relid));
	scan = systable_beginscan(rel, ConstraintRelidTypidNameIndexId, true, NULL, 1, &key);
	while (values == NIL && HeapTupleIsValid(tuple = systable_getnext(scan)))
	{
		Form_pg_constraint con = (Form_pg_constraint) GETSTRUCT(tuple);
		bool		isnull;
		Datum		conkey;
		Datum		conbin;
		Datum	   *keys;
		int			nkeys;

		if (con->contype != CONSTRAINT_CHECK)
			continue;
		conkey = heap_getattr(tuple, Anum_pg_constraint_conkey, RelationGetDescr(rel), &isnull);
		if (isnull)
			continue;
		deconstruct_array(DatumGetArrayTypeP(conkey), INT2OID, sizeof(int16), true,
						  TYPALIGN_SHORT, &keys, NULL, &nkeys);
		if (nkeys != 1 || DatumGetInt16(keys[0]) != attnum)
			continue;
		conbin = heap_getattr(tuple, Anum_pg_constraint_conbin, RelationGetDescr(rel), &isnull);
		if (!isnull)
			(void) CollectTextConstants(stringToNode(TextDatumGetCString(conbin)), &values);
	}
	systable_endscan(scan);
	table_close(rel, AccessShareLock);
	return values;
}

const ChronosNameList *
ChronosWatchSessionChoices(const char *column)
{
	Oid			relid = ChronosWatchSessionsRelid();
	ColumnChoices *entry;
	List	   *values;
	ListCell   *lc;
	MemoryContext cxt;
	AttrNumber	attnum;

	for (int i = 0; i < nchoices; i++)
		if (strcmp(choices[i].column, column) == 0)
			return choices[i].has_list ? &choices[i].list : NULL;
	if (!OidIsValid(relid))
		return NULL;
	attnum = get_attnum(relid, column);
	values = attnum == InvalidAttrNumber ? NIL : CheckConstraintValues(relid, attnum);

	if (nchoices == 0)
		cxt = CacheContext(&choices_cxt);
	else if (nchoices == MAX_CHOICE_COLUMNS)
		elog(ERROR, "too many columns with choices");
	else
		cxt = choices_cxt;
	entry = &choices[nchoices];
	strlcpy(entry->column, column, NAMEDATALEN);
	entry->has_list = values != NIL;
	entry->list.count = list_length(values);
	entry->list.names = MemoryContextAlloc(cxt, sizeof(char *) * Max(entry->list.count, 1));
	foreach(lc, values)
		entry->list.names[foreach_current_index(lc)] = MemoryContextStrdup(cxt, lfirst(lc));
	nchoices++;
	return entry->has_list ? &entry->list : NULL;
}
