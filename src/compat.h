/*
 * compat.h
 *		Every difference between the PostgreSQL major versions chronos builds
 *		against (15, 17 and 18), in one place.
 *
 * The rest of the code is written against the newest API, as if there were
 * one PostgreSQL; for older versions this header maps that API back onto
 * what they have.  Every PG_VERSION_NUM test of chronos is here.  Include it
 * after postgres.h; it includes the headers whose declarations it adapts, so
 * the order of the other includes does not matter.
 */
#ifndef CHRONOS_COMPAT_H
#define CHRONOS_COMPAT_H

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/tupdesc.h"
#include "common/jsonapi.h"
#include "executor/executor.h"
#include "nodes/parsenodes.h"
#include "storage/itemptr.h"
#include "utils/rangetypes.h"
#include "utils/relcache.h"
#if PG_VERSION_NUM >= 160000
#include "parser/parse_relation.h"
#endif
#if PG_VERSION_NUM >= 180000
#include "rewrite/rewriteHandler.h"
#endif

/*
 * PostgreSQL 16 moved the varlena macros (VARSIZE, SET_VARSIZE, VARDATA...)
 * out of postgres.h into varatt.h.
 */
#if PG_VERSION_NUM >= 160000
#include "varatt.h"
#endif

/*
 * PostgreSQL 18 marks functions that do not return with pg_noreturn, a
 * specifier written before the declaration (C11 _Noreturn); older versions
 * have pg_attribute_noreturn(), a GCC attribute, which GCC and clang also
 * accept there.
 */
#if PG_VERSION_NUM < 180000
#define pg_noreturn pg_attribute_noreturn()
#endif

/*
 * PostgreSQL 18: index_beginscan takes an IndexScanInstrumentation (NULL
 * when the caller keeps no statistics of its own) before the key counts.
 */
#if PG_VERSION_NUM < 180000
#define index_beginscan(heapRelation, indexRelation, snapshot, instrument, nkeys, norderbys) \
	(index_beginscan) ((heapRelation), (indexRelation), (snapshot), (nkeys), (norderbys))
#endif

/*
 * PostgreSQL 16 moved a range table entry's permissions (requiredPerms, the
 * selected, inserted and updated columns) into an RTEPermissionInfo, kept in
 * a list beside the range table that ExecInitRangeTable also takes;
 * PostgreSQL 18's ExecInitRangeTable also takes the entries left after
 * pruning.  Before 16 the entry itself has the fields of the same names.
 */
#if PG_VERSION_NUM < 160000
typedef RangeTblEntry RTEPermissionInfo;
#define addRTEPermissionInfo(rteperminfos, rte) (rte)
#define ExecInitRangeTable(estate, rangeTable, permInfos, unpruned_relids) \
	(ExecInitRangeTable) ((estate), (rangeTable))
#elif PG_VERSION_NUM < 180000
#define ExecInitRangeTable(estate, rangeTable, permInfos, unpruned_relids) \
	(ExecInitRangeTable) ((estate), (rangeTable), (permInfos))
#endif

/* PostgreSQL 16: EvalPlanQualInit takes the result relations' indexes. */
#if PG_VERSION_NUM < 160000
#define EvalPlanQualInit(epqstate, parentestate, subplan, auxrowmarks, epqParam, resultRelations) \
	(EvalPlanQualInit) ((epqstate), (parentestate), (subplan), (auxrowmarks), (epqParam))
#endif

/* PostgreSQL 16: make_range reports bad bounds to an escontext (NULL: raise). */
#if PG_VERSION_NUM < 160000
#define make_range(typcache, lower, upper, empty, escontext) \
	(make_range) ((typcache), (lower), (upper), (empty))
#endif

/*
 * PostgreSQL 18: a CHECK constraint may be NOT ENFORCED (ccenforced), a
 * table may have virtual generated columns, which a CHECK expression reads
 * through expand_generated_columns_in_expr, and the executor keeps a result
 * relation's CHECK expressions in ri_CheckConstraintExprs (before:
 * ri_ConstraintExprs); RelationGetPrimaryKeyIndex can be asked for a
 * deferrable primary key.
 */
#if PG_VERSION_NUM >= 180000
#define CONSTR_CHECK_ENFORCED(check) ((check)->ccenforced)
#else
#define CONSTR_CHECK_ENFORCED(check) true
#define expand_generated_columns_in_expr(node, rel, rt_index) (node)
#define ri_CheckConstraintExprs ri_ConstraintExprs
#define RelationGetPrimaryKeyIndex(relation, deferrable_ok) (RelationGetPrimaryKeyIndex) (relation)
#endif

/*
 * PostgreSQL 17: makeJsonLexContextCstringLen fills a JsonLexContext the
 * caller may provide (NULL: a new one is palloc'd) and takes the JSON as
 * const char * with a size_t length.
 */
#if PG_VERSION_NUM < 170000
#define makeJsonLexContextCstringLen(lex, json, len, encoding, need_escapes) \
	(makeJsonLexContextCstringLen) ((char *) (json), (int) (len), (encoding), (need_escapes))
#endif

/*
 * PostgreSQL 16: the semantic actions of the JSON parser return a
 * JsonParseErrorType (JSON_SUCCESS to go on); before, they returned nothing.
 * Actions are written as returning JsonSemActionResult and end with
 * "return JSON_SEM_ACTION_OK;".
 */
#if PG_VERSION_NUM >= 160000
typedef JsonParseErrorType JsonSemActionResult;
#define JSON_SEM_ACTION_OK JSON_SUCCESS
#else
typedef void JsonSemActionResult;
#define JSON_SEM_ACTION_OK
#endif

/*
 * PostgreSQL 17: intervals may be infinite (+/-infinity), tested with
 * INTERVAL_NOT_FINITE; before, every interval is finite.
 */
#if PG_VERSION_NUM < 170000
#define INTERVAL_NOT_FINITE(i) false
#endif

/*
 * Security releases of 15 and 17 (versioned composite datums, marked by
 * VersionedDatumOffsetNumber) made the inline heap_getattr call
 * heap_datum_check, a function that servers of earlier minor releases lack.
 * Those servers make no versioned datums, so there the call is never
 * reached: referenced weakly, a module built with the newer headers loads on
 * any server of its major, and checks where the server can.  (PostgreSQL
 * promises that a module built for an older minor release loads on a newer
 * one, not the reverse; the tests build with Debian's newest 17 headers and
 * run the npm package's 17.10 server.)
 */
#ifdef VersionedDatumOffsetNumber
#pragma weak heap_datum_check
#endif

/*
 * Not a difference between versions but between the headers and the C
 * library: the headers of 17 and 18 that the tests build with (Debian's, from
 * a newer release) were configured for a C library that has strlcpy and
 * strlcat, so port.h does not declare PostgreSQL's own; Debian 12's C
 * library (glibc 2.36) has neither.  The server exports PostgreSQL's, which
 * these declarations reach.
 */
#if defined(HAVE_DECL_STRLCPY) && HAVE_DECL_STRLCPY && defined(__GLIBC__) && !__GLIBC_PREREQ(2, 38)
extern size_t strlcpy(char *dst, const char *src, size_t siz);
extern size_t strlcat(char *dst, const char *src, size_t siz);
#endif

#endif							/* CHRONOS_COMPAT_H */
