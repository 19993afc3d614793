/*
 * args.c
 *		The argument and message helpers every SQL-callable function of
 *		chronos shares: required arguments, and uuids in and out of text.
 */
#include "postgres.h"

#include "fmgr.h"
#include "utils/builtins.h"
#include "utils/uuid.h"

#include "args.h"

void
ChronosRequireArgument(FunctionCallInfo fcinfo, int argno, const char *name)
{
	if (PG_ARGISNULL(argno))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("%s must not be null", name)));
}

char *
ChronosUuidText(const pg_uuid_t *uuid)
{
	return DatumGetCString(DirectFunctionCall1(uuid_out, UUIDPGetDatum((pg_uuid_t *) uuid)));
}

/* The value of a hexadecimal digit, or -1. */
static int
HexValue(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * ChronosParseUuid accepts what uuid_in accepts (32 hex digits, optionally in braces,
 * with a hyphen allowed after any group of four) and returns false instead of
 * raising an error.
 */
bool
ChronosParseUuid(const char *s, int len, pg_uuid_t *out)
{
	const char *end = s + len;
	bool		braces = len > 0 && *s == '{';

	if (braces)
	{
		if (end[-1] != '}')
			return false;
		s++;
		end--;
	}
	for (int i = 0; i < UUID_LEN; i++)
	{
		int			hi,
					lo;

		if (end - s < 2 || (hi = HexValue(s[0])) < 0 || (lo = HexValue(s[1])) < 0)
			return false;
		out->data[i] = (unsigned char) (hi << 4 | lo);
		s += 2;
		if (s < end && *s == '-' && i % 2 == 1 && i < UUID_LEN - 1)
			s++;
	}
	return s == end;
}
