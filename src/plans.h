/*
 * plans.h
 *		Prepared statements kept for the life of the backend.
 */
#ifndef CHRONOS_PLANS_H
#define CHRONOS_PLANS_H

#include "executor/spi.h"
#include "fmgr.h"
#include "utils/uuid.h"

/*
 * The plan in *slot, prepared from sql on first use and kept.  The plan
 * cache re-plans it when the objects it names change, also across DROP
 * EXTENSION / CREATE EXTENSION, provided every name in sql is qualified.
 */
extern SPIPlanPtr ChronosKeptPlan(SPIPlanPtr *slot, const char *sql, int nargs,
								  const Oid *argtypes);

/* Raises null_value_not_allowed, naming the argument, when argument argno is NULL. */
extern void ChronosRequireArgument(FunctionCallInfo fcinfo, int argno, const char *name);

/*
 * Parses the len bytes at s as a uuid, accepting what uuid_in accepts, into
 * *out; returns false instead of raising an error.
 */
extern bool ChronosParseUuid(const char *s, int len, pg_uuid_t *out);

/* The text form of a uuid, for messages. */
extern char *ChronosUuidText(const pg_uuid_t *uuid);

#endif							/* CHRONOS_PLANS_H */
