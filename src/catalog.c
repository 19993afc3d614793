/*
 * catalog.c
 *		Looks up chronos's own catalog facts.
 *
 * The owner comes from the syscache on every call: a hash probe, kept
 * current by PostgreSQL's own invalidation, so DROP/CREATE EXTENSION in one
 * session can never leave a stale answer behind.
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/pg_namespace.h"
#include "utils/syscache.h"

#include "catalog.h"

Oid
ChronosOwnerId(void)
{
	HeapTuple	tuple;
	Oid			owner;

	tuple = SearchSysCache1(NAMESPACENAME, CStringGetDatum("chronos"));
	if (!HeapTupleIsValid(tuple))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_SCHEMA),
				 errmsg("schema \"chronos\" does not exist"),
				 errhint("Run CREATE EXTENSION chronos.")));
	owner = ((Form_pg_namespace) GETSTRUCT(tuple))->nspowner;
	ReleaseSysCache(tuple);
	return owner;
}
