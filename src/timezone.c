/*
 * timezone.c
 *		is_valid_timezone: the row rule behind creators.timezone.
 *
 * Days in rollups and dashboards are cut at the creator's local midnight, so
 * a creator's zone must be one PostgreSQL can resolve.  pg_tzset accepts the
 * zone names AT TIME ZONE accepts (IANA names, UTC, POSIX offsets such as
 * UTC+3), and never raises an error.
 */
#include "postgres.h"

#include "fmgr.h"
#include "pgtime.h"
#include "utils/builtins.h"

PG_FUNCTION_INFO_V1(is_valid_timezone);
Datum
is_valid_timezone(PG_FUNCTION_ARGS)
{
	char	   *name = text_to_cstring(PG_GETARG_TEXT_PP(0));

	/* pg_tzset caps names at TZ_STRLEN_MAX; longer ones are not zones */
	if (name[0] == '\0' || strlen(name) > TZ_STRLEN_MAX)
		PG_RETURN_BOOL(false);

	PG_RETURN_BOOL(pg_tzset(name) != NULL);
}
