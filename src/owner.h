/*
 * owner.h
 *		Acting as the extension's owner (owner.c): the one way chronos gets
 *		past row-level security, after the caller has been authorized.
 */
#ifndef CHRONOS_OWNER_H
#define CHRONOS_OWNER_H

/* The role that owns schema chronos and its tables (the extension's owner). */
extern Oid	ChronosOwnerId(void);

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

#endif							/* CHRONOS_OWNER_H */
