/*
 * catalog_cache.h
 *		The catalog facts chronos remembers between calls, each forgotten by
 *		an invalidation callback when the catalog changes (catalog_cache.c).
 *
 * The SQL script is the source of truth for every value it defines (the
 * event types, the device and referrer lists): C reads them from the
 * catalog here instead of repeating them.  See docs/architecture.md,
 * "Conventions".
 */
#ifndef CHRONOS_CATALOG_CACHE_H
#define CHRONOS_CATALOG_CACHE_H

#include "executor/spi.h"
#include "nodes/execnodes.h"
#include "utils/relcache.h"

/* Registers the invalidation callbacks; called once, from _PG_init. */
extern void ChronosRegisterCacheCallbacks(void);

/* A list of names read from the catalog, valid until the next call here. */
typedef struct ChronosNameList
{
	int			count;
	const char **names;
} ChronosNameList;

/* The labels of chronos.video_event_type, in enum order. */
extern const ChronosNameList *ChronosEventTypeLabels(void);

/* The OID of type chronos.watch_ranges. */
extern Oid	ChronosWatchRangesTypeId(void);

/*
 * ChronosKeptPlan (spi_sql.h) for a statement whose argument types include
 * chronos.watch_ranges: the plan is forgotten, and prepared again on its
 * next use, when that type changes (the extension was re-created).
 */
extern SPIPlanPtr ChronosKeptPlanOfType(SPIPlanPtr *slot, const char *sql, int nargs,
										const Oid *argtypes);

/* The OID of relation chronos.relname, or InvalidOid when there is none (syscache). */
extern Oid	ChronosRelationId(const char *relname);

/* The number of column name of rel; undefined_column when it has none. */
extern AttrNumber ChronosRequiredColumn(Relation rel, const char *name);

/*
 * Whether relation chronos.relname exists and, when column is not NULL, has
 * that column: what tells a database still at chronos 1.0 (without 1.1's
 * objects) from one at 1.1.  Asked of the syscache on each call.
 */
extern bool ChronosHasRelation(const char *relname, const char *column);

/* The OID of table chronos.video_watch_sessions, or InvalidOid when there is none. */
extern Oid	ChronosWatchSessionsRelid(void);

/*
 * Column numbers of video_watch_sessions (rel) that C reads or writes;
 * heartbeat_seqs is InvalidAttrNumber in a database still at chronos 1.0.
 */
typedef struct WatchSessionColumns
{
	AttrNumber	id;
	AttrNumber	student_id;
	AttrNumber	video_id;
	AttrNumber	creator_id;
	AttrNumber	course_id;
	AttrNumber	module_id;
	AttrNumber	session_start;
	AttrNumber	session_end;
	AttrNumber	last_heartbeat_at;
	AttrNumber	watch_time_seconds;
	AttrNumber	watch_time_ms;
	AttrNumber	percent_complete;
	AttrNumber	completed;
	AttrNumber	last_position_seconds;
	AttrNumber	watched;
	AttrNumber	heartbeat_seqs;
} WatchSessionColumns;

extern const WatchSessionColumns *ChronosWatchSessionColumns(Relation rel);

/*
 * The CHECK constraints of video_watch_sessions (rel), ready to evaluate:
 * what the executor prepares for each statement that writes the table
 * (ResultRelInfo's CHECK expressions, one per constraint of rel, NULL for
 * one that is not enforced), prepared once and kept until the table
 * changes.  The caller has rel open and locked, so they stay valid until it
 * closes it.
 */
extern ExprState **ChronosWatchSessionCheckExprs(Relation rel);

/*
 * A valid, plain btree index of video_watch_sessions (rel) whose first two
 * columns are (student_id, video_id), found by its columns, or InvalidOid.
 * chronos's own indexes have none (a student's sessions of a video are found
 * by ANDing the student and video indexes); an installation that adds one
 * gets the helpers' direct read.
 */
extern Oid	ChronosWatchSessionsIndex(Relation rel);

/*
 * The values the CHECK constraint on column of video_watch_sessions allows
 * (column IN (...)), in the constraint's order; NULL when the column has no
 * such constraint.
 */
extern const ChronosNameList *ChronosWatchSessionChoices(const char *column);

#endif							/* CHRONOS_CATALOG_CACHE_H */
