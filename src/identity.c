/*
 * identity.c
 *		Who the caller is: the service, some creators, some students, or
 *		nobody (DESIGN.md section 4).
 *
 * The identity comes from the first source that is set, an empty setting
 * counting as absent:
 *
 *	1. request.jwt.claims, the JSON object PostgREST and Supabase set: keys
 *	   role, sub, creator_id and student_id;
 *	2. request.jwt.claim.role and request.jwt.claim.sub, the per-claim
 *	   settings of older PostgREST versions;
 *	3. chronos.creator_id and chronos.student_id, which an application server
 *	   sets with SET LOCAL.
 *
 * A creator_id or student_id claim names the row directly; otherwise sub is
 * matched against creators.whop_user_id and students.whop_user_id, and every
 * row that matches counts (one Whop user may own several companies and learn
 * from several creators).  role = service_role makes the caller the service,
 * and so does any role that bypasses row-level security on chronos's tables:
 * a superuser, a BYPASSRLS role or the tables' owner.
 *
 * The policies of every table call the SQL functions below, so resolving an
 * identity must be cheap and must not recurse: the lookups run as the
 * extension's owner (who is not subject to the policies), through prepared
 * plans, and the result is cached.  The cache is keyed by the settings it
 * came from, the current user, the top-level statement and the command
 * counter, and is dropped at transaction end, so it never outlives a SET,
 * SET LOCAL, set_config, RESET, a change of role or a row it depends on.
 */
#include "postgres.h"

#include "access/xact.h"
#include "catalog/pg_type.h"
#include "common/jsonapi.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "utils/acl.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"
#include "utils/uuid.h"

#include "catalog.h"
#include "chronos.h"
#include "identity.h"

/* Which source an identity was read from. */
typedef enum IdentitySource
{
	IDENTITY_ANONYMOUS,			/* no source set */
	IDENTITY_JWT_CLAIMS,		/* request.jwt.claims */
	IDENTITY_JWT_CLAIM_SETTINGS,	/* request.jwt.claim.role / .sub */
	IDENTITY_CHRONOS_SETTINGS	/* chronos.creator_id / chronos.student_id */
} IdentitySource;

/*
 * The settings an identity is resolved from: the deciding source and its
 * values (claims JSON; role and sub; creator_id and student_id).
 */
typedef struct IdentityKey
{
	IdentitySource source;
	const char *values[2];
} IdentityKey;

/* The claims that decide an identity, each NULL when absent or empty. */
typedef struct IdentityClaims
{
	char	   *role;
	char	   *sub;
	char	   *creator_id;
	char	   *student_id;
} IdentityClaims;

/* The cached identity and what it was resolved for. */
typedef struct IdentityCache
{
	bool		valid;
	IdentityKey key;			/* strings copied into IdentityContext */
	Oid			userid;
	TimestampTz statement_start;
	CommandId	command_id;
	ChronosIdentity identity;
	ArrayType  *creator_array;	/* identity's lists as uuid[] */
	ArrayType  *student_array;
	ArrayType  *student_creator_array;
} IdentityCache;

static MemoryContext IdentityContext = NULL;
static IdentityCache cache;
static bool resolving = false;

/* Plans of the lookups by sub and by student id, kept for the backend's life. */
static SPIPlanPtr creators_by_sub_plan = NULL;
static SPIPlanPtr students_by_sub_plan = NULL;
static SPIPlanPtr student_creator_plan = NULL;

static const char *JWT_CLAIMS = "request.jwt.claims";
static const char *JWT_CLAIM_ROLE = "request.jwt.claim.role";
static const char *JWT_CLAIM_SUB = "request.jwt.claim.sub";

/* The value of a setting, "" when it does not exist. */
static const char *
SettingValue(const char *name)
{
	const char *value = GetConfigOption(name, true, false);

	return value != NULL ? value : "";
}

/* Read the settings and find the source that decides the identity. */
static void
ReadIdentityKey(IdentityKey *key)
{
	const char *claims = SettingValue(JWT_CLAIMS);
	const char *role;
	const char *sub;
	const char *creator_id;
	const char *student_id;

	if (claims[0] != '\0')
	{
		key->source = IDENTITY_JWT_CLAIMS;
		key->values[0] = claims;
		key->values[1] = "";
		return;
	}

	role = SettingValue(JWT_CLAIM_ROLE);
	sub = SettingValue(JWT_CLAIM_SUB);
	if (role[0] != '\0' || sub[0] != '\0')
	{
		key->source = IDENTITY_JWT_CLAIM_SETTINGS;
		key->values[0] = role;
		key->values[1] = sub;
		return;
	}

	creator_id = chronos_creator_id_setting != NULL ? chronos_creator_id_setting : "";
	student_id = chronos_student_id_setting != NULL ? chronos_student_id_setting : "";
	if (creator_id[0] != '\0' || student_id[0] != '\0')
	{
		key->source = IDENTITY_CHRONOS_SETTINGS;
		key->values[0] = creator_id;
		key->values[1] = student_id;
		return;
	}

	key->source = IDENTITY_ANONYMOUS;
	key->values[0] = "";
	key->values[1] = "";
}

static bool
IdentityKeysEqual(const IdentityKey *a, const IdentityKey *b)
{
	return a->source == b->source &&
		strcmp(a->values[0], b->values[0]) == 0 &&
		strcmp(a->values[1], b->values[1]) == 0;
}

/* Drop the cache at the end of every transaction. */
static void
IdentityXactCallback(XactEvent event, void *arg)
{
	switch (event)
	{
		case XACT_EVENT_COMMIT:
		case XACT_EVENT_PARALLEL_COMMIT:
		case XACT_EVENT_ABORT:
		case XACT_EVENT_PARALLEL_ABORT:
		case XACT_EVENT_PREPARE:
			cache.valid = false;
			resolving = false;
			break;
		default:
			break;
	}
}

/*
 * ParseUuid parses the text forms uuid_in accepts (with or without hyphens
 * between groups of four digits, optionally in braces) without raising an
 * error, so that a bad id can be reported as an authorization error.
 */
static bool
ParseUuid(const char *text, pg_uuid_t *uuid)
{
	const char *src = text;
	bool		braces = false;
	int			i;

	if (src[0] == '{')
	{
		src++;
		braces = true;
	}
	for (i = 0; i < UUID_LEN; i++)
	{
		char		digits[3];

		if (!isxdigit((unsigned char) src[0]) || !isxdigit((unsigned char) src[1]))
			return false;
		digits[0] = src[0];
		digits[1] = src[1];
		digits[2] = '\0';
		uuid->data[i] = (unsigned char) strtoul(digits, NULL, 16);
		src += 2;
		if (src[0] == '-' && (i % 2) == 1 && i < UUID_LEN - 1)
			src++;
	}
	if (braces)
	{
		if (src[0] != '}')
			return false;
		src++;
	}
	return src[0] == '\0';
}

/*
 * Parsing of request.jwt.claims: only the four keys chronos uses are kept,
 * from the top level of the object; any other key is ignored.
 */
typedef struct ClaimsParseState
{
	JsonLexContext *lex;
	IdentityClaims *claims;
	char	  **field;			/* where the current top-level value goes */
	const char *field_name;
	bool		is_object;
} ClaimsParseState;

static void
ClaimNotAString(ClaimsParseState *state)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION),
			 errmsg("invalid JWT claim \"%s\" in \"%s\"", state->field_name, JWT_CLAIMS),
			 errdetail("The claim \"%s\" must be a string.", state->field_name)));
}

static void
ClaimsObjectStart(void *arg)
{
	ClaimsParseState *state = (ClaimsParseState *) arg;

	if (state->lex->lex_level == 0)
		state->is_object = true;
	else if (state->lex->lex_level == 1 && state->field != NULL)
		ClaimNotAString(state);
}

static void
ClaimsArrayStart(void *arg)
{
	ClaimsParseState *state = (ClaimsParseState *) arg;

	if (state->lex->lex_level == 1 && state->field != NULL)
		ClaimNotAString(state);
}

static void
ClaimsFieldStart(void *arg, char *fname, bool isnull)
{
	ClaimsParseState *state = (ClaimsParseState *) arg;
	IdentityClaims *claims = state->claims;

	state->field = NULL;
	if (state->lex->lex_level != 1)
		return;
	if (strcmp(fname, "role") == 0)
		state->field = &claims->role;
	else if (strcmp(fname, "sub") == 0)
		state->field = &claims->sub;
	else if (strcmp(fname, "creator_id") == 0)
		state->field = &claims->creator_id;
	else if (strcmp(fname, "student_id") == 0)
		state->field = &claims->student_id;
	if (state->field != NULL)
	{
		/* a repeated key: the last one wins, as in jsonb */
		*state->field = NULL;
		state->field_name = pstrdup(fname);
	}
}

static void
ClaimsFieldEnd(void *arg, char *fname, bool isnull)
{
	ClaimsParseState *state = (ClaimsParseState *) arg;

	if (state->lex->lex_level == 1)
		state->field = NULL;
}

static void
ClaimsScalar(void *arg, char *token, JsonTokenType tokentype)
{
	ClaimsParseState *state = (ClaimsParseState *) arg;

	if (state->lex->lex_level != 1 || state->field == NULL)
		return;
	if (tokentype == JSON_TOKEN_NULL)
		return;					/* null counts as absent */
	if (tokentype != JSON_TOKEN_STRING)
		ClaimNotAString(state);
	/* an empty string counts as absent, like an empty setting */
	*state->field = token[0] != '\0' ? token : NULL;
}

/*
 * ParseClaims reads role, sub, creator_id and student_id from the claims
 * JSON.  Anything but a JSON object whose four keys are strings (or null) is
 * an authorization error: a malformed token never grants anything.
 */
static void
ParseClaims(const char *json, IdentityClaims *claims)
{
	ClaimsParseState state;
	JsonSemAction sem;
	JsonParseErrorType result;

	memset(&state, 0, sizeof(state));
	memset(&sem, 0, sizeof(sem));
	state.lex = makeJsonLexContextCstringLen(pstrdup(json), strlen(json),
											 GetDatabaseEncoding(), true);
	state.claims = claims;
	sem.semstate = &state;
	sem.object_start = ClaimsObjectStart;
	sem.array_start = ClaimsArrayStart;
	sem.object_field_start = ClaimsFieldStart;
	sem.object_field_end = ClaimsFieldEnd;
	sem.scalar = ClaimsScalar;

	result = pg_parse_json(state.lex, &sem);
	if (result != JSON_SUCCESS)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION),
				 errmsg("malformed JWT claims in \"%s\"", JWT_CLAIMS),
				 errdetail("%s", json_errdetail(result, state.lex)),
				 errhint("The setting must be empty or hold the claims of a JWT as a JSON object.")));
	if (!state.is_object)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION),
				 errmsg("malformed JWT claims in \"%s\"", JWT_CLAIMS),
				 errdetail("The claims are valid JSON but not a JSON object."),
				 errhint("The setting must be empty or hold the claims of a JWT as a JSON object.")));
}

/* The uuid an id claim or setting holds; an authorization error if it is not one. */
static pg_uuid_t
IdClaimValue(const char *value, const char *name, IdentitySource source)
{
	pg_uuid_t	uuid;

	if (ParseUuid(value, &uuid))
		return uuid;
	if (source == IDENTITY_CHRONOS_SETTINGS)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION),
				 errmsg("invalid value for setting \"chronos.%s\": \"%s\"", name, value),
				 errdetail("The value is not a uuid."),
				 errhint("Set chronos.%s to the id (a uuid) of a row of chronos.%s, or to an empty string.",
						 name, strcmp(name, "creator_id") == 0 ? "creators" : "students")));
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION),
			 errmsg("invalid JWT claim \"%s\" in \"%s\": \"%s\"", name, JWT_CLAIMS, value),
			 errdetail("The claim \"%s\" must be a uuid.", name)));
	pg_unreachable();
}

/* A kept plan for a lookup, prepared on first use. */
static SPIPlanPtr
LookupPlan(SPIPlanPtr *plan, const char *sql, Oid argtype)
{
	if (*plan == NULL)
	{
		SPIPlanPtr	new_plan = SPI_prepare(sql, 1, &argtype);

		if (new_plan == NULL)
			elog(ERROR, "SPI_prepare failed for \"%s\": %s", sql,
				 SPI_result_code_string(SPI_result));
		if (SPI_keepplan(new_plan) != 0)
			elog(ERROR, "SPI_keepplan failed");
		*plan = new_plan;
	}
	return *plan;
}

/*
 * Run a lookup and append the uuids of its first (and, if wanted, second)
 * column to the lists, which live in IdentityContext.
 */
static void
RunLookup(SPIPlanPtr plan, Datum arg, pg_uuid_t **first, int *nfirst,
		  pg_uuid_t **second, int *nsecond)
{
	uint64		i;
	MemoryContext old;

	if (SPI_execute_plan(plan, &arg, NULL, true, 0) != SPI_OK_SELECT)
		elog(ERROR, "SPI_execute_plan failed in an identity lookup");
	if (SPI_processed == 0)
		return;

	old = MemoryContextSwitchTo(IdentityContext);
	*first = repalloc0(*first, *nfirst, SPI_processed);
	if (second != NULL)
		*second = repalloc0(*second, *nsecond, SPI_processed);
	MemoryContextSwitchTo(old);

	for (i = 0; i < SPI_processed; i++)
	{
		HeapTuple	tuple = SPI_tuptable->vals[i];
		TupleDesc	tupdesc = SPI_tuptable->tupdesc;
		bool		isnull;
		Datum		value;

		value = SPI_getbinval(tuple, tupdesc, 1, &isnull);
		if (!isnull)
			(*first)[(*nfirst)++] = *DatumGetUUIDP(value);
		if (second != NULL)
		{
			value = SPI_getbinval(tuple, tupdesc, 2, &isnull);
			if (!isnull)
				(*second)[(*nsecond)++] = *DatumGetUUIDP(value);
		}
	}
}
