/*
 * citus.c
 *		Where Citus is loaded (chronos.distribute() has made chronos's large
 *		tables distributed): whether it is, and the setting that lets
 *		chronos's owner lookups run inside a query on a shard.  On one node
 *		each is a lookup of one setting.
 */
#include "postgres.h"

#include "utils/guc.h"

#include "citus.h"

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

/* ChronosEndCitusNested: undo ChronosBeginCitusNested (an error undoes it too). */
void
ChronosEndCitusNested(int nestlevel)
{
	if (nestlevel >= 0)
		AtEOXact_GUC(true, nestlevel);
}
