/*
 * citus.h
 *		What chronos does differently where Citus is loaded (citus.c).
 */
#ifndef CHRONOS_CITUS_H
#define CHRONOS_CITUS_H

/*
 * Whether Citus is loaded into this server (its settings exist): then
 * chronos's tables may be distributed (chronos.distribute()), their rows are
 * not in the coordinator's own heap, and reads name the creator so that
 * Citus reads one shard.  A lookup of one setting: free on one node.
 */
extern bool ChronosCitusLoaded(void);

/*
 * Where Citus is loaded, sets citus.allow_nested_distributed_execution for
 * the lookups that follow (the identity's, which on a worker read a
 * reference table's local placement from within a query on a shard) and
 * returns the GUC nest level to pass to ChronosEndCitusNested; returns -1,
 * doing nothing, elsewhere.
 */
extern int	ChronosBeginCitusNested(void);
extern void ChronosEndCitusNested(int nestlevel);

#endif							/* CHRONOS_CITUS_H */
