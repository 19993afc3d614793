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
 * returns the GUC nest level to pass to ChronosEndCitusSettings; returns -1,
 * doing nothing, elsewhere.
 */
extern int	ChronosBeginCitusNested(void);

/*
 * For DDL on distributed tables after reading them in the same transaction
 * (maintain_event_partitions): one connection per node
 * (citus.multi_shard_modify_mode = sequential, which Citus requires for DDL
 * after a multi-shard read) and no notices of Citus's own (it reports each
 * table it distributes); returns the nest level for ChronosEndCitusSettings.
 * Call it before the first statement on a distributed table.
 */
extern int	ChronosBeginCitusDDL(void);

/* Restores the settings a ChronosBegin* function changed (nothing on -1). */
extern void ChronosEndCitusSettings(int nestlevel);

/*
 * Whether the events table is distributed (chronos.distribute() has run in
 * this database).  Reads Citus's catalog; false where Citus is not loaded
 * or not created in this database.  Inside SPI.
 */
extern bool ChronosEventsDistributed(void);

#endif							/* CHRONOS_CITUS_H */
