/*
 * citus.c
 *		Where Citus is loaded (chronos.distribute() has made chronos's large
 *		tables distributed): whether it is, whether the events are
 *		distributed, and the settings that let chronos's owner lookups run
 *		inside a query on a shard and its maintenance run DDL.  On one node
 *		each is a lookup of one setting.
 */
#include "postgres.h"

#include "executor/spi.h"
#include "utils/guc.h"

#include "citus.h"
#include "spi_sql.h"

/* ChronosCitusLoaded: whether Citus's settings exist (citus.h). */
bool
ChronosCitusLoaded(void)
{
	return GetConfigOption("citus.version", true, false) != NULL;
}

/* ChronosBeginCitusNested: allow Citus's nested execution (citus.h). */
int
ChronosBeginCitusNested(void)
{
	int			nestlevel;

	if (!ChronosCitusLoaded())
		return -1;
	nestlevel = NewGUCNestLevel();
	(void) set_config_option("citus.allow_nested_distributed_execution", "on", PGC_USERSET,
							 PGC_S_SESSION, GUC_ACTION_SAVE, true, 0, false);
	return nestlevel;
}

/* ChronosBeginCitusDDL: one connection per node, no notices (citus.h). */
int
ChronosBeginCitusDDL(void)
{
	int			nestlevel;

	if (!ChronosCitusLoaded())
		return -1;
	nestlevel = NewGUCNestLevel();
	(void) set_config_option("citus.multi_shard_modify_mode", "sequential", PGC_USERSET,
							 PGC_S_SESSION, GUC_ACTION_SAVE, true, 0, false);
	(void) set_config_option("client_min_messages", "warning", PGC_USERSET,
							 PGC_S_SESSION, GUC_ACTION_SAVE, true, 0, false);
	return nestlevel;
}

/* ChronosEventsDistributed: whether Citus knows the events table (citus.h). */
bool
ChronosEventsDistributed(void)
{
	static const char *const sql =
		"SELECT pg_catalog.to_regclass('pg_catalog.pg_dist_partition') IS NOT NULL";
	static const char *const distributed_sql =
		"SELECT EXISTS (SELECT FROM pg_catalog.pg_dist_partition "
		"WHERE logicalrelid" SQL_EQ "'chronos.video_analytics_events'::pg_catalog.regclass)";
	bool		isnull;

	if (!ChronosCitusLoaded())
		return false;
	if (SPI_execute(sql, true, 1) != SPI_OK_SELECT ||
		!DatumGetBool(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull)))
		return false;
	if (SPI_execute(distributed_sql, true, 1) != SPI_OK_SELECT)
		elog(ERROR, "could not read pg_dist_partition");
	return DatumGetBool(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
}

/* ChronosEndCitusSettings: undo a ChronosBegin* function (an error undoes it too). */
void
ChronosEndCitusSettings(int nestlevel)
{
	if (nestlevel >= 0)
		AtEOXact_GUC(true, nestlevel);
}
