/*
 * spi_sql.h
 *		How chronos runs SQL through SPI: the one convention for naming
 *		operators, and statements prepared once and kept (spi_sql.c).
 *
 * Every statement chronos runs names every object with its schema:
 * chronos.<table> for the extension's own, pg_catalog.<function> for
 * built-in functions and types, and OPERATOR(pg_catalog.<op>) for every
 * operator, written with the SQL_* macros below.  So no search_path a caller
 * sets, and no object a caller creates, can change what runs; and the plan
 * cache can re-plan a kept statement after DROP EXTENSION / CREATE
 * EXTENSION.  See docs/architecture.md, "Conventions".
 */
#ifndef CHRONOS_SPI_SQL_H
#define CHRONOS_SPI_SQL_H

#include "executor/spi.h"

/* The built-in operators, qualified; each with a space on both sides. */
#define SQL_EQ " OPERATOR(pg_catalog.=) "
#define SQL_NE " OPERATOR(pg_catalog.<>) "
#define SQL_LT " OPERATOR(pg_catalog.<) "
#define SQL_LE " OPERATOR(pg_catalog.<=) "
#define SQL_GT " OPERATOR(pg_catalog.>) "
#define SQL_GE " OPERATOR(pg_catalog.>=) "
#define SQL_PLUS " OPERATOR(pg_catalog.+) "
#define SQL_MINUS " OPERATOR(pg_catalog.-) "
#define SQL_JSON_FIELD " OPERATOR(pg_catalog.->) "
#define SQL_JSON_FIELD_TEXT " OPERATOR(pg_catalog.->>) "
#define SQL_REGEX_MATCH " OPERATOR(pg_catalog.~) "
#define SQL_TIMES " OPERATOR(pg_catalog.*) "
#define SQL_DIVIDE " OPERATOR(pg_catalog./) "

/*
 * The plan in *slot, prepared from sql on first use and kept for the life
 * of the backend.  The plan cache re-plans it when the objects it names
 * change, also across DROP EXTENSION / CREATE EXTENSION, provided every name
 * in sql is qualified.  A plan whose argument types include one of
 * chronos's own types is forgotten when that type changes: see
 * ChronosKeptPlanOfType (catalog_cache.h).
 */
extern SPIPlanPtr ChronosKeptPlan(SPIPlanPtr *slot, const char *sql, int nargs,
								  const Oid *argtypes);

/* The same, with SPI_prepare_cursor's options (CURSOR_OPT_CUSTOM_PLAN, ...). */
extern SPIPlanPtr ChronosKeptPlanWithOptions(SPIPlanPtr *slot, const char *sql, int nargs,
											 const Oid *argtypes, int cursor_options);

/* SPI_connect, raising an error when it fails. */
extern void ChronosSpiConnect(void);

#endif							/* CHRONOS_SPI_SQL_H */
