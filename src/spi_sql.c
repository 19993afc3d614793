/*
 * spi_sql.c
 *		Statements prepared once and kept for the life of the backend.
 *
 * The conventions every statement follows are in spi_sql.h.
 */
#include "postgres.h"

#include "spi_sql.h"

SPIPlanPtr
ChronosKeptPlanWithOptions(SPIPlanPtr *slot, const char *sql, int nargs, const Oid *argtypes,
						   int cursor_options)
{
	if (*slot == NULL)
	{
		SPIPlanPtr	plan = SPI_prepare_cursor(sql, nargs, (Oid *) argtypes, cursor_options);

		if (plan == NULL)
			elog(ERROR, "could not prepare \"%s\": %s", sql, SPI_result_code_string(SPI_result));
		if (SPI_keepplan(plan) != 0)
			elog(ERROR, "could not keep the plan of \"%s\"", sql);
		*slot = plan;
	}
	return *slot;
}

SPIPlanPtr
ChronosKeptPlan(SPIPlanPtr *slot, const char *sql, int nargs, const Oid *argtypes)
{
	return ChronosKeptPlanWithOptions(slot, sql, nargs, argtypes, 0);
}

void
ChronosSpiConnect(void)
{
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
}
