/*
 * args.h
 *		Checking the arguments of SQL-callable functions, and uuids in and
 *		out of text (args.c).
 */
#ifndef CHRONOS_ARGS_H
#define CHRONOS_ARGS_H

#include "fmgr.h"
#include "utils/uuid.h"

/* Raises null_value_not_allowed, naming the argument, when argument argno is NULL. */
extern void ChronosRequireArgument(FunctionCallInfo fcinfo, int argno, const char *name);

/*
 * Parses the len bytes at s as a uuid, accepting what uuid_in accepts, into
 * *out; returns false instead of raising an error.
 */
extern bool ChronosParseUuid(const char *s, int len, pg_uuid_t *out);

/* The text form of a uuid, for messages. */
extern char *ChronosUuidText(const pg_uuid_t *uuid);

#endif							/* CHRONOS_ARGS_H */
