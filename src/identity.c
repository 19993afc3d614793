/*
 * identity.c
 *		Who the caller is: the service, some creators, some students, or
 *		nobody (docs/architecture.md, "Layers").
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
 * counter, and is dropped at transaction end and when a subtransaction
 * aborts, so it never outlives a SET, SET LOCAL, set_config, RESET, a change
 * of role or a row it depends on.
 *
 * Callers in C (track_video_event and the like) must take the identity
 * before they switch to another user: resolved as the owner, anyone is the
 * service.
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

#include "args.h"
#include "citus.h"
#include "chronos.h"
#include "compat.h"
#include "identity.h"
#include "owner.h"
#include "spi_sql.h"

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
 * Drop the cache when a subtransaction aborts: rows it wrote and the cache
 * may have been resolved from are gone, but the command counter goes on.
 */
static void
IdentitySubXactCallback(SubXactEvent event, SubTransactionId mySubid,
						SubTransactionId parentSubid, void *arg)
{
	if (event == SUBXACT_EVENT_ABORT_SUB)
	{
		cache.valid = false;
		resolving = false;
	}
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

/* Claims are a flat object: deep nesting is refused before it costs stack. */
#define MAX_CLAIMS_DEPTH 32

static void
CheckClaimsDepth(ClaimsParseState *state)
{
	if (state->lex->lex_level >= MAX_CLAIMS_DEPTH)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION),
				 errmsg("invalid JSON in \"%s\"", JWT_CLAIMS),
				 errdetail("The claims are nested more than %d levels deep.", MAX_CLAIMS_DEPTH)));
}

static JsonSemActionResult
ClaimsObjectStart(void *arg)
{
	ClaimsParseState *state = (ClaimsParseState *) arg;

	CheckClaimsDepth(state);
	if (state->lex->lex_level == 0)
		state->is_object = true;
	else if (state->lex->lex_level == 1 && state->field != NULL)
		ClaimNotAString(state);
	return JSON_SEM_ACTION_OK;
}

static JsonSemActionResult
ClaimsArrayStart(void *arg)
{
	ClaimsParseState *state = (ClaimsParseState *) arg;

	CheckClaimsDepth(state);
	if (state->lex->lex_level == 1 && state->field != NULL)
		ClaimNotAString(state);
	return JSON_SEM_ACTION_OK;
}

static JsonSemActionResult
ClaimsFieldStart(void *arg, char *fname, bool isnull)
{
	ClaimsParseState *state = (ClaimsParseState *) arg;
	IdentityClaims *claims = state->claims;

	if (state->lex->lex_level != 1)
		return JSON_SEM_ACTION_OK;
	state->field = NULL;
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
	return JSON_SEM_ACTION_OK;
}

static JsonSemActionResult
ClaimsFieldEnd(void *arg, char *fname, bool isnull)
{
	ClaimsParseState *state = (ClaimsParseState *) arg;

	if (state->lex->lex_level == 1)
		state->field = NULL;
	return JSON_SEM_ACTION_OK;
}

static JsonSemActionResult
ClaimsScalar(void *arg, char *token, JsonTokenType tokentype)
{
	ClaimsParseState *state = (ClaimsParseState *) arg;

	if (state->lex->lex_level != 1 || state->field == NULL)
		return JSON_SEM_ACTION_OK;
	if (tokentype == JSON_TOKEN_NULL)
		return JSON_SEM_ACTION_OK;	/* null counts as absent */
	if (tokentype != JSON_TOKEN_STRING)
		ClaimNotAString(state);
	/* an empty string counts as absent, like an empty setting */
	*state->field = token[0] != '\0' ? token : NULL;
	return JSON_SEM_ACTION_OK;
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
	state.lex = makeJsonLexContextCstringLen(NULL, json, strlen(json),
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

	if (ChronosParseUuid(value, strlen(value), &uuid))
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

/* A kept plan for a lookup by one argument of type argtype. */
static SPIPlanPtr
LookupPlan(SPIPlanPtr *plan, const char *sql, Oid argtype)
{
	return ChronosKeptPlan(plan, sql, 1, &argtype);
}

/* Room for more uuids after the first n of a list (NULL when empty). */
static pg_uuid_t *
GrowUuids(pg_uuid_t *list, int n, uint64 more)
{
	Size		size = (n + more) * sizeof(pg_uuid_t);

	return list == NULL ? palloc(size) : repalloc(list, size);
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
	*first = GrowUuids(*first, *nfirst, SPI_processed);
	if (second != NULL)
		*second = GrowUuids(*second, *nsecond, SPI_processed);
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

/*
 * ResolveLookups finds the rows a sub, or a student id, stands for.  It runs
 * as the extension's owner, who is not subject to the policies, so that
 * resolving the identity from inside a policy never recurses; the caller's
 * user is restored also on error.
 */
static void
ResolveLookups(const IdentityClaims *claims, const pg_uuid_t *student_id)
{
	ChronosIdentity *identity = &cache.identity;
	ChronosSavedUser saved;
	int			citus_nest;

	ChronosBecomeOwner(&saved);
	PG_TRY();
	{
		/* on a Citus worker: the local placement of a reference table */
		citus_nest = ChronosBeginCitusNested();
		ChronosSpiConnect();

		if (claims->creator_id == NULL && claims->sub != NULL)
			RunLookup(LookupPlan(&creators_by_sub_plan,
								 "SELECT id FROM chronos.creators"
								 " WHERE whop_user_id" SQL_EQ "$1 ORDER BY id",
								 TEXTOID),
					  CStringGetTextDatum(claims->sub),
					  &identity->creator_ids, &identity->ncreators, NULL, NULL);

		if (student_id != NULL)
			RunLookup(LookupPlan(&student_creator_plan,
								 "SELECT creator_id FROM chronos.students"
								 " WHERE id" SQL_EQ "$1",
								 UUIDOID),
					  UUIDPGetDatum(student_id),
					  &identity->student_creator_ids, &identity->nstudent_creators,
					  NULL, NULL);
		else if (claims->sub != NULL)
			RunLookup(LookupPlan(&students_by_sub_plan,
								 "SELECT id, creator_id FROM chronos.students"
								 " WHERE whop_user_id" SQL_EQ "$1 ORDER BY id",
								 TEXTOID),
					  CStringGetTextDatum(claims->sub),
					  &identity->student_ids, &identity->nstudents,
					  &identity->student_creator_ids, &identity->nstudent_creators);

		SPI_finish();
		ChronosEndCitusSettings(citus_nest);
	}
	PG_FINALLY();
	{
		ChronosRestoreUser(&saved);
	}
	PG_END_TRY();
}

/* Whether a role bypasses row-level security on chronos's tables. */
static bool
RoleBypassesRLS(Oid roleid)
{
	return superuser_arg(roleid) || has_bypassrls_privilege(roleid) ||
		roleid == ChronosOwnerId();
}

/* A uuid[] of a list, allocated in the current memory context. */
static ArrayType *
UuidArray(const pg_uuid_t *ids, int n)
{
	Datum	   *datums;
	int			i;

	if (n == 0)
		return construct_empty_array(UUIDOID);
	datums = palloc(n * sizeof(Datum));
	for (i = 0; i < n; i++)
		datums[i] = UUIDPGetDatum(&ids[i]);
	return construct_array(datums, n, UUIDOID, UUID_LEN, false, TYPALIGN_CHAR);
}

/* Copy a string into IdentityContext. */
static const char *
KeepString(const char *s)
{
	return MemoryContextStrdup(IdentityContext, s);
}

/*
 * ResolveIdentity fills the cache from the settings of the key.  The cache
 * is marked valid only once everything succeeded.
 */
static void
ResolveIdentity(const IdentityKey *key)
{
	ChronosIdentity *identity = &cache.identity;
	IdentityClaims claims;
	pg_uuid_t	student_id;
	bool		has_student_id = false;
	MemoryContext old;

	memset(&claims, 0, sizeof(claims));
	memset(identity, 0, sizeof(*identity));
	cache.key.source = key->source;
	cache.key.values[0] = KeepString(key->values[0]);
	cache.key.values[1] = KeepString(key->values[1]);

	old = MemoryContextSwitchTo(IdentityContext);
	switch (key->source)
	{
		case IDENTITY_JWT_CLAIMS:
			ParseClaims(cache.key.values[0], &claims);
			break;
		case IDENTITY_JWT_CLAIM_SETTINGS:
			if (key->values[0][0] != '\0')
				claims.role = pstrdup(key->values[0]);
			if (key->values[1][0] != '\0')
				claims.sub = pstrdup(key->values[1]);
			break;
		case IDENTITY_CHRONOS_SETTINGS:
			if (key->values[0][0] != '\0')
				claims.creator_id = pstrdup(key->values[0]);
			if (key->values[1][0] != '\0')
				claims.student_id = pstrdup(key->values[1]);
			break;
		case IDENTITY_ANONYMOUS:
			break;
	}

	/* ids given directly: a creator_id or student_id claim or setting */
	if (claims.creator_id != NULL)
	{
		identity->creator_ids = palloc(sizeof(pg_uuid_t));
		identity->creator_ids[0] = IdClaimValue(claims.creator_id, "creator_id", key->source);
		identity->ncreators = 1;
	}
	if (claims.student_id != NULL)
	{
		student_id = IdClaimValue(claims.student_id, "student_id", key->source);
		has_student_id = true;
		identity->student_ids = palloc(sizeof(pg_uuid_t));
		identity->student_ids[0] = student_id;
		identity->nstudents = 1;
	}
	MemoryContextSwitchTo(old);

	/* the rest is looked up: creators and students by sub, a student's creator */
	if (claims.sub != NULL || has_student_id)
		ResolveLookups(&claims, has_student_id ? &student_id : NULL);

	identity->is_service = (claims.role != NULL && strcmp(claims.role, "service_role") == 0) ||
		RoleBypassesRLS(GetUserId());

	old = MemoryContextSwitchTo(IdentityContext);
	cache.creator_array = UuidArray(identity->creator_ids, identity->ncreators);
	cache.student_array = UuidArray(identity->student_ids, identity->nstudents);
	cache.student_creator_array = UuidArray(identity->student_creator_ids,
											identity->nstudent_creators);
	MemoryContextSwitchTo(old);
}

/*
 * ResolveIdentity, flagged so that a recursive call is caught.  An error in
 * the identity (malformed claims, an id that is not a uuid) is the
 * request's, wherever it is noticed: it is raised without the context of
 * the statement that first asked (chronos's own SQL, a policy), which would
 * show the caller nothing of its problem and much of chronos's internals.
 * PG_CATCH restores the context stack.
 */
static pg_noinline void
ResolveIdentityOnce(const IdentityKey *key)
{
	ErrorContextCallback *outer_context = error_context_stack;

	resolving = true;
	PG_TRY();
	{
		error_context_stack = NULL;
		ResolveIdentity(key);
		error_context_stack = outer_context;
	}
	PG_CATCH();
	{
		resolving = false;
		PG_RE_THROW();
	}
	PG_END_TRY();
	resolving = false;
}

/*
 * ChronosGetIdentity returns the caller's identity, resolving it when the
 * settings, the user, the statement or the command changed since the last
 * call.  The result stays valid until then.
 */
const ChronosIdentity *
ChronosGetIdentity(void)
{
	static bool callback_registered = false;
	IdentityKey key;
	Oid			userid = GetUserId();
	TimestampTz statement_start = GetCurrentStatementStartTimestamp();
	CommandId	command_id = GetCurrentCommandId(false);

	ReadIdentityKey(&key);
	if (cache.valid && cache.userid == userid &&
		cache.statement_start == statement_start &&
		cache.command_id == command_id &&
		IdentityKeysEqual(&cache.key, &key))
		return &cache.identity;

	if (resolving)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_RECURSION),
				 errmsg("infinite recursion detected while resolving the chronos identity"),
				 errhint("Row-level security must not be forced on chronos's tables for their owner.")));

	if (!callback_registered)
	{
		RegisterXactCallback(IdentityXactCallback, NULL);
		RegisterSubXactCallback(IdentitySubXactCallback, NULL);
		callback_registered = true;
	}
	if (IdentityContext == NULL)
		IdentityContext = AllocSetContextCreate(TopMemoryContext,
												"chronos identity",
												ALLOCSET_SMALL_SIZES);

	cache.valid = false;
	MemoryContextReset(IdentityContext);
	ResolveIdentityOnce(&key);

	cache.userid = userid;
	cache.statement_start = statement_start;
	cache.command_id = command_id;
	cache.valid = true;
	return &cache.identity;
}

static bool
UuidInList(const pg_uuid_t *list, int n, const pg_uuid_t *uuid)
{
	int			i;

	for (i = 0; i < n; i++)
		if (memcmp(list[i].data, uuid->data, UUID_LEN) == 0)
			return true;
	return false;
}

/* Whether the caller acts as this creator. */
bool
ChronosIdentityIsCreator(const ChronosIdentity *identity, const pg_uuid_t *creator_id)
{
	return UuidInList(identity->creator_ids, identity->ncreators, creator_id);
}

/* Whether the caller is this student row. */
bool
ChronosIdentityIsStudent(const ChronosIdentity *identity, const pg_uuid_t *student_id)
{
	return UuidInList(identity->student_ids, identity->nstudents, student_id);
}

/* Whether the caller is a student of this creator. */
bool
ChronosIdentityIsStudentOf(const ChronosIdentity *identity, const pg_uuid_t *creator_id)
{
	return UuidInList(identity->student_creator_ids, identity->nstudent_creators, creator_id);
}

/* A copy of a cached array, in the caller's memory context. */
static Datum
CopyArray(const ArrayType *array)
{
	ArrayType  *copy = palloc(VARSIZE(array));

	memcpy(copy, array, VARSIZE(array));
	return PointerGetDatum(copy);
}

/* chronos.current_creator_ids(): the creators the caller acts as. */
PG_FUNCTION_INFO_V1(current_creator_ids);
Datum
current_creator_ids(PG_FUNCTION_ARGS)
{
	(void) ChronosGetIdentity();
	return CopyArray(cache.creator_array);
}

/* chronos.current_student_ids(): the student rows the caller is. */
PG_FUNCTION_INFO_V1(current_student_ids);
Datum
current_student_ids(PG_FUNCTION_ARGS)
{
	(void) ChronosGetIdentity();
	return CopyArray(cache.student_array);
}

/* chronos.current_student_creator_ids(): the creators whose student the caller is. */
PG_FUNCTION_INFO_V1(current_student_creator_ids);
Datum
current_student_creator_ids(PG_FUNCTION_ARGS)
{
	(void) ChronosGetIdentity();
	return CopyArray(cache.student_creator_array);
}

/* chronos.is_service_role(): whether the caller is the service. */
PG_FUNCTION_INFO_V1(is_service_role);
Datum
is_service_role(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(ChronosGetIdentity()->is_service);
}

/*
 * chronos.service_id_floor(): the nil uuid, below every uuid, for the
 * service; NULL for anyone else.  The policies' service arm is written as
 * "creator_id >= chronos.service_id_floor()" rather than as a bare
 * is_service_role(), so that an OR of policies stays answerable from
 * indexes: for anyone but the service the bound is NULL and the index scan
 * ends at once, and the planner, which evaluates the call when it estimates,
 * sees that the arm matches nothing (or, for the service, everything).
 */
PG_FUNCTION_INFO_V1(service_id_floor);
Datum
service_id_floor(PG_FUNCTION_ARGS)
{
	pg_uuid_t  *floor;

	if (!ChronosGetIdentity()->is_service)
		PG_RETURN_NULL();
	floor = palloc0(sizeof(pg_uuid_t));
	PG_RETURN_UUID_P(floor);
}
