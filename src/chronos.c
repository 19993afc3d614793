/*
 * chronos.c
 *		Module entry point: PG_MODULE_MAGIC, _PG_init and the GUCs.
 *
 * Everything else lives in a file of its own; this one only declares the
 * settings the rest of the extension reads.
 */
#include "postgres.h"

#include "fmgr.h"
#include "utils/guc.h"

#include "chronos.h"

PG_MODULE_MAGIC;

/* percent_complete at which a watch session counts as completed */
int			chronos_completion_threshold = 90;

/* identity given by an application server with SET LOCAL chronos.creator_id */
char	   *chronos_creator_id_setting = NULL;
char	   *chronos_student_id_setting = NULL;

void		_PG_init(void);

void
_PG_init(void)
{
	DefineCustomIntVariable("chronos.completion_threshold",
							"Percent of a video at which a watch session counts as completed.",
							"A session whose percent_complete reaches this value is marked completed, once and for good.",
							&chronos_completion_threshold,
							90, 1, 100,
							PGC_USERSET, 0,
							NULL, NULL, NULL);

	DefineCustomStringVariable("chronos.creator_id",
							   "The creator (uuid) an application server acts as, when no JWT claims are set.",
							   "Set with SET LOCAL per transaction; empty means not set.",
							   &chronos_creator_id_setting,
							   "",
							   PGC_USERSET, 0,
							   NULL, NULL, NULL);

	DefineCustomStringVariable("chronos.student_id",
							   "The student (uuid) an application server acts as, when no JWT claims are set.",
							   "Set with SET LOCAL per transaction; empty means not set.",
							   &chronos_student_id_setting,
							   "",
							   PGC_USERSET, 0,
							   NULL, NULL, NULL);

	MarkGUCPrefixReserved("chronos");
}
