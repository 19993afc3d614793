/*
 * json_push.c
 *		Writing jsonb documents value by value (json_push.h).
 */
#include "postgres.h"

#include "utils/jsonb.h"
#include "utils/numeric.h"

#include "json_push.h"

void
PushKey(JsonbParseState **state, const char *key)
{
	JsonbValue	v;

	v.type = jbvString;
	v.val.string.len = strlen(key);
	v.val.string.val = (char *) key;
	pushJsonbValue(state, WJB_KEY, &v);
}

void
PushString(JsonbParseState **state, JsonbIteratorToken token, const char *s)
{
	JsonbValue	v;

	if (s == NULL)
		v.type = jbvNull;
	else
	{
		v.type = jbvString;
		v.val.string.len = strlen(s);
		v.val.string.val = (char *) s;
	}
	pushJsonbValue(state, token, &v);
}

void
PushNumeric(JsonbParseState **state, JsonbIteratorToken token, Numeric n)
{
	JsonbValue	v;

	v.type = jbvNumeric;
	v.val.numeric = n;
	pushJsonbValue(state, token, &v);
}

void
PushInt(JsonbParseState **state, JsonbIteratorToken token, int64 n)
{
	PushNumeric(state, token, int64_to_numeric(n));
}

void
PushNumericField(JsonbParseState **state, const char *key, Numeric n)
{
	PushKey(state, key);
	if (n == NULL)
		PushString(state, WJB_VALUE, NULL);
	else
		PushNumeric(state, WJB_VALUE, n);
}

void
PushIntField(JsonbParseState **state, const char *key, int64 n)
{
	PushNumericField(state, key, int64_to_numeric(n));
}
