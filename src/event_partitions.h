/*
 * event_partitions.h
 *		The time partitions of video_analytics_events (event_partitions.c):
 *		the settings that shape them and the bounds they follow.
 */
#ifndef CHRONOS_EVENT_PARTITIONS_H
#define CHRONOS_EVENT_PARTITIONS_H

#include "datatype/timestamp.h"
#include "utils/guc.h"

extern char *chronos_event_partition_interval;
extern int	chronos_event_partitions_ahead;
extern char *chronos_event_retention;

/* Hooks of chronos.event_partition_interval and chronos.event_retention. */
extern bool CheckEventPartitionInterval(char **newval, void **extra, GucSource source);
extern void AssignEventPartitionInterval(const char *newval, void *extra);
extern bool CheckEventRetention(char **newval, void **extra, GucSource source);
extern void AssignEventRetention(const char *newval, void *extra);

/* The bounds [lower, upper), in UTC, of the partition that holds ts. */
extern void EventPartitionBounds(TimestampTz ts, TimestampTz *lower, TimestampTz *upper);

/*
 * The retention horizon, now() minus chronos.event_retention, in *horizon;
 * false when events are kept forever.
 */
extern bool EventRetentionHorizon(TimestampTz *horizon);

#endif							/* CHRONOS_EVENT_PARTITIONS_H */
