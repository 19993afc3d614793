/*
 * identity.h
 *		Who the caller is: the service, some creators, some students, or
 *		nobody.  Resolved once per statement from the JWT claims or the
 *		chronos.* settings (docs/architecture.md, "Layers").
 */
#ifndef CHRONOS_IDENTITY_H
#define CHRONOS_IDENTITY_H

#include "utils/uuid.h"

typedef struct ChronosIdentity
{
	bool		is_service;		/* service_role claim, or a role that bypasses RLS */
	int			ncreators;
	pg_uuid_t  *creator_ids;	/* the creators the caller acts as */
	int			nstudents;
	pg_uuid_t  *student_ids;	/* the student rows the caller is */
	int			nstudent_creators;
	pg_uuid_t  *student_creator_ids;	/* the creators of those student rows */
} ChronosIdentity;

/*
 * The caller's identity; valid until the next call after the settings, the
 * user, the statement or the command changed.  Take it before switching to
 * another user (resolved as the owner, anyone is the service).  Raises 28000
 * for malformed claims.
 */
extern const ChronosIdentity *ChronosGetIdentity(void);

extern bool ChronosIdentityIsCreator(const ChronosIdentity *identity, const pg_uuid_t *creator_id);
extern bool ChronosIdentityIsStudent(const ChronosIdentity *identity, const pg_uuid_t *student_id);
extern bool ChronosIdentityIsStudentOf(const ChronosIdentity *identity, const pg_uuid_t *creator_id);

#endif							/* CHRONOS_IDENTITY_H */
