/*
 * xapi.c
 *		The C parts of chronos's xAPI export (chronos 1.1, docs/xapi.md):
 *		name-based UUIDs for the statement ids, and the base IRI of the
 *		actors' accounts and the activities.
 *
 * session_xapi and xapi_statements themselves are PL/pgSQL (sql/
 * chronos--1.0--1.1.sql): they read one session and its events as the
 * caller, under row-level security, and build a handful of jsonb values;
 * an export is no hot path.  What they need that SQL lacks is here:
 *
 *   - uuid_v5(namespace, name): RFC 9562 version 5, SHA-1 of the
 *     namespace's 16 bytes followed by the name's bytes, the first 16
 *     bytes of the digest with the version (5) and variant (10) bits set.
 *     The statement ids are uuid_v5 of a fixed namespace and "<session
 *     id>/<step>", so the same viewing exported twice has the same ids and
 *     a learning record store keeps it once.
 *   - xapi_base_iri(): the value of the setting chronos.xapi_base_iri
 *     (defined in chronos.c with the other settings, checked here), so
 *     that the PL/pgSQL reads it from the library, loaded or not yet.
 */
#include "postgres.h"

#include "common/cryptohash.h"
#include "common/sha1.h"
#include "fmgr.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/uuid.h"

#include "xapi.h"

/* the base of the IRIs of accounts and activities (chronos.xapi_base_iri) */
char	   *chronos_xapi_base_iri = NULL;

/* The name-based uuid of name in namespace ns (RFC 9562, version 5). */
static void
UuidV5(const pg_uuid_t *ns, const char *name, size_t len, pg_uuid_t *out)
{
	pg_cryptohash_ctx *ctx = pg_cryptohash_create(PG_SHA1);
	uint8		digest[SHA1_DIGEST_LENGTH];

	if (pg_cryptohash_init(ctx) < 0 ||
		pg_cryptohash_update(ctx, ns->data, UUID_LEN) < 0 ||
		pg_cryptohash_update(ctx, (const uint8 *) name, len) < 0 ||
		pg_cryptohash_final(ctx, digest, sizeof(digest)) < 0)
	{
		const char *error = pg_cryptohash_error(ctx);

		pg_cryptohash_free(ctx);
		elog(ERROR, "could not compute a SHA-1 digest: %s", error);
	}
	pg_cryptohash_free(ctx);
	memcpy(out->data, digest, UUID_LEN);
	out->data[6] = (out->data[6] & 0x0f) | 0x50;	/* version 5 */
	out->data[8] = (out->data[8] & 0x3f) | 0x80;	/* variant RFC 9562 */
}

/*
 * uuid_v5(p_namespace, p_name): the version 5 uuid of p_name (its bytes in
 * the database's encoding) in p_namespace.
 */
PG_FUNCTION_INFO_V1(uuid_v5);
Datum
uuid_v5(PG_FUNCTION_ARGS)
{
	pg_uuid_t  *ns = PG_GETARG_UUID_P(0);
	text	   *name = PG_GETARG_TEXT_PP(1);
	pg_uuid_t  *out = palloc(sizeof(pg_uuid_t));

	UuidV5(ns, VARDATA_ANY(name), VARSIZE_ANY_EXHDR(name), out);
	PG_RETURN_UUID_P(out);
}

/*
 * The check hook of chronos.xapi_base_iri (xapi.h): an absolute http or
 * https IRI ending in "/", without spaces, quotes, angle brackets or
 * control characters, so that appending "videos/<id>" gives an IRI.
 */
bool
CheckXapiBaseIri(char **newval, void **extra, GucSource source)
{
	const char *s = *newval;
	size_t		len = strlen(s);
	size_t		scheme;

	if (pg_strncasecmp(s, "https://", 8) == 0)
		scheme = 8;
	else if (pg_strncasecmp(s, "http://", 7) == 0)
		scheme = 7;
	else
	{
		GUC_check_errdetail("The base IRI of xAPI statements starts with https:// or http://.");
		return false;
	}
	if (len <= scheme || s[scheme] == '/' || s[len - 1] != '/')
	{
		GUC_check_errdetail("The base IRI of xAPI statements names a host and ends with \"/\", such as \"https://learn.example.com/\".");
		return false;
	}
	for (size_t i = 0; i < len; i++)
	{
		unsigned char c = (unsigned char) s[i];

		if (c <= ' ' || c == 0x7f || c == '"' || c == '<' || c == '>' || c == '\\' ||
			c == '^' || c == '`' || c == '{' || c == '|' || c == '}')
		{
			GUC_check_errdetail("An IRI holds no spaces, control characters or any of \" < > \\ ^ ` { | }.");
			return false;
		}
	}
	return true;
}

/* xapi_base_iri(): the setting chronos.xapi_base_iri, which its check hook keeps an http(s) IRI ending in "/". */
PG_FUNCTION_INFO_V1(xapi_base_iri);
Datum
xapi_base_iri(PG_FUNCTION_ARGS)
{
	PG_RETURN_TEXT_P(cstring_to_text(chronos_xapi_base_iri));
}
