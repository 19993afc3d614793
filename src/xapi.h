/*
 * xapi.h
 *		The setting chronos.xapi_base_iri and its check (xapi.c).
 */
#ifndef CHRONOS_XAPI_H
#define CHRONOS_XAPI_H

#include "utils/guc.h"

/* The default of chronos.xapi_base_iri: a reserved name (RFC 6761) that says "set me". */
#define XAPI_DEFAULT_BASE_IRI "https://chronos.invalid/"

extern char *chronos_xapi_base_iri;

/* An absolute http(s) IRI ending in "/": the GUC check hook of chronos.xapi_base_iri. */
extern bool CheckXapiBaseIri(char **newval, void **extra, GucSource source);

#endif							/* CHRONOS_XAPI_H */
