/*
 * owner.c
 *		Acting as the extension's owner: the last layer before SPI (identity
 *		-> authorization -> owner switch -> SPI; docs/architecture.md).
 *
 * The owner comes from the syscache on every call: a hash probe, kept
 * current by PostgreSQL's own invalidation, so DROP/CREATE EXTENSION in one
 * session can never leave a stale answer behind.
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "miscadmin.h"
#include "catalog/pg_namespace.h"
#include "utils/syscache.h"

#include "owner.h"

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

void
ChronosBecomeOwner(ChronosSavedUser *saved)
{
	GetUserIdAndSecContext(&saved->userid, &saved->sec_context);
	SetUserIdAndSecContext(ChronosOwnerId(),
						   saved->sec_context | SECURITY_LOCAL_USERID_CHANGE);
}

void
ChronosRestoreUser(const ChronosSavedUser *saved)
{
	SetUserIdAndSecContext(saved->userid, saved->sec_context);
}
