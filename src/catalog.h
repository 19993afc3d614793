/*
 * catalog.h
 *		Where chronos's own objects are: the schema's owner.
 */
#ifndef CHRONOS_CATALOG_H
#define CHRONOS_CATALOG_H

/* The role that owns schema chronos and its tables (the extension's owner). */
extern Oid	ChronosOwnerId(void);

/* The OID of chronos's own type of that name (it changes when the extension is re-created). */
extern Oid	ChronosTypeId(const char *name);

/* Who the caller was, to return to after acting as the owner. */
typedef struct ChronosSavedUser
{
	Oid			userid;
	int			sec_context;
} ChronosSavedUser;

/*
 * Act as the owner, past row-level security, after the caller's permission
 * has been checked.  Aborting the (sub)transaction also restores the user.
 */
extern void ChronosBecomeOwner(ChronosSavedUser *saved);
extern void ChronosRestoreUser(const ChronosSavedUser *saved);

#endif							/* CHRONOS_CATALOG_H */
