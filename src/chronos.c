/*
 * chronos.c
 *		Module entry point: PG_MODULE_MAGIC, _PG_init and the GUCs.
 *
 * Everything else lives in a file of its own (docs/architecture.md, "Where
 * each concept lives"); this one declares the settings the rest of the
 * extension reads, and registers the invalidation callbacks of
 * catalog_cache.c.
 */
#include "postgres.h"

#include "fmgr.h"
#include "utils/guc.h"

#include "catalog_cache.h"
#include "chronos.h"
#include "event_partitions.h"
#include "xapi.h"

PG_MODULE_MAGIC;

/* percent_complete at which a watch session counts as completed */
int			chronos_completion_threshold = 90;

/* heartbeats may not claim more playback than wall time x this rate + 30 s */
double		chronos_max_playback_rate = 2.0;

/* open sessions idle this long (seconds) are closed by close_stale_watch_sessions */
int			chronos_session_timeout = 30 * 60;

/* identity given by an application server with SET LOCAL chronos.creator_id */
char	   *chronos_creator_id_setting = NULL;
char	   *chronos_student_id_setting = NULL;

/* how far ahead of the server's clock a student may date an event (seconds) */
int			chronos_max_event_clock_skew = 10 * 60;

/* the largest p_metadata of an event, in bytes of its jsonb form */
int			chronos_max_event_metadata_bytes = 16 * 1024;

void		_PG_init(void);

/*
 * _PG_init defines every chronos.* setting, one DefineCustom*Variable call
 * each (long, but a flat list), reserves the prefix and registers the cache
 * invalidation callbacks.
 */
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

	DefineCustomRealVariable("chronos.max_playback_rate",
							 "Fastest playback rate a watch session may claim.",
							 "record_watch_progress refuses a heartbeat whose total played time would exceed the wall time since the session started times this rate, plus 30 seconds.",
							 &chronos_max_playback_rate,
							 2.0, 1.0, 16.0,
							 PGC_SUSET, 0,
							 NULL, NULL, NULL);

	DefineCustomIntVariable("chronos.session_timeout",
							"Idle time after which close_stale_watch_sessions closes an open watch session.",
							NULL,
							&chronos_session_timeout,
							30 * 60, 1, 7 * 24 * 60 * 60,
							PGC_USERSET, GUC_UNIT_S,
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

	DefineCustomStringVariable("chronos.event_partition_interval",
							   "The time each partition of video_analytics_events spans.",
							   "Whole months (from January 2000) or whole days (from Monday 3 January 2000), in UTC; maintain_event_partitions() uses it for the partitions it creates.",
							   &chronos_event_partition_interval,
							   "1 month",
							   PGC_SUSET, 0,
							   CheckEventPartitionInterval, AssignEventPartitionInterval, NULL);

	DefineCustomIntVariable("chronos.event_partitions_ahead",
							"How many partitions of video_analytics_events maintain_event_partitions() keeps ready after the current one.",
							NULL,
							&chronos_event_partitions_ahead,
							3, 0, 1000,
							PGC_SUSET, 0,
							NULL, NULL, NULL);

	DefineCustomStringVariable("chronos.event_retention",
							   "How long events are kept; empty keeps them forever.",
							   "maintain_event_partitions() drops the partitions that lie wholly before now() minus this interval, and ingestion refuses events older than that.",
							   &chronos_event_retention,
							   "",
							   PGC_SUSET, 0,
							   CheckEventRetention, AssignEventRetention, NULL);

	DefineCustomIntVariable("chronos.max_event_clock_skew",
							"How far ahead of the server's clock a student may date an event.",
							NULL,
							&chronos_max_event_clock_skew,
							10 * 60, 0, PG_INT32_MAX,
							PGC_SUSET, GUC_UNIT_S,
							NULL, NULL, NULL);

	DefineCustomIntVariable("chronos.max_event_metadata_bytes",
							"The largest metadata an event may carry, in bytes of its jsonb form.",
							NULL,
							&chronos_max_event_metadata_bytes,
							16 * 1024, 2, 1024 * 1024 * 1024,
							PGC_SUSET, GUC_UNIT_BYTE,
							NULL, NULL, NULL);

	DefineCustomStringVariable("chronos.xapi_base_iri",
							   "The base of the IRIs in xAPI statements: the actors' account home page, and videos/<id> and courses/<id> for the activities.",
							   "An absolute http(s) IRI ending in /, normally the platform's address; set it once, before statements are shipped: a learning record store knows actors and activities by these IRIs.",
							   &chronos_xapi_base_iri,
							   XAPI_DEFAULT_BASE_IRI,
							   PGC_USERSET, 0,
							   CheckXapiBaseIri, NULL, NULL);

	MarkGUCPrefixReserved("chronos");

	ChronosRegisterCacheCallbacks();
}
