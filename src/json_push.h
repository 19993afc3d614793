/*
 * json_push.h
 *		Writing jsonb documents value by value on a JsonbParseState: the
 *		helpers the dashboard's and the retention's documents share
 *		(json_push.c).
 */
#ifndef CHRONOS_JSON_PUSH_H
#define CHRONOS_JSON_PUSH_H

#include "utils/jsonb.h"
#include "utils/numeric.h"

/* A key of the object being built. */
extern void PushKey(JsonbParseState **state, const char *key);

/* A string as token (WJB_VALUE or WJB_ELEM), or null for NULL. */
extern void PushString(JsonbParseState **state, JsonbIteratorToken token, const char *s);

/* A number as token. */
extern void PushNumeric(JsonbParseState **state, JsonbIteratorToken token, Numeric n);
extern void PushInt(JsonbParseState **state, JsonbIteratorToken token, int64 n);

/* "key": number, or "key": null for a NULL numeric. */
extern void PushNumericField(JsonbParseState **state, const char *key, Numeric n);
extern void PushIntField(JsonbParseState **state, const char *key, int64 n);

#endif							/* CHRONOS_JSON_PUSH_H */
