/*
 * dashboard_costs.h
 *		creator_dashboard's usage and cost widgets, and its histogram of
 *		videos per student (dashboard_costs.c).
 */
#ifndef CHRONOS_DASHBOARD_COSTS_H
#define CHRONOS_DASHBOARD_COSTS_H

#include "utils/date.h"
#include "utils/jsonb.h"
#include "utils/uuid.h"

typedef struct DashboardUsage DashboardUsage;

/* An empty set of usage figures for the creator's days from .. to, allocated in cxt. */
extern DashboardUsage *DashboardUsageCreate(MemoryContext cxt, pg_uuid_t *creator_id,
											DateADT from, DateADT to);

/*
 * Reads the creator's usage_metrics rows of the range (none at chronos 1.0,
 * where the table does not exist).  Inside SPI, as the extension's owner,
 * after the caller was checked.
 */
extern void DashboardReadUsage(DashboardUsage *usage);

/* Counts one student of the range who watched that many distinct videos (>= 1). */
extern void DashboardCountStudent(DashboardUsage *usage, int64 videos);

/*
 * Pushes the keys and values of the document's usage widgets
 * (usage_totals, transcript_costs_by_source, storage_usage, monthly_spend,
 * video_costs: null at 1.0) and videos_per_student into an open object.
 */
extern void DashboardPushUsage(JsonbParseState **state, DashboardUsage *usage);

#endif							/* CHRONOS_DASHBOARD_COSTS_H */
