/*
 * event_partitions.c
 *		The time partitions of video_analytics_events: their bounds, the
 *		settings that shape them, and maintain_event_partitions(), which
 *		creates them ahead of time, empties the default partition into them
 *		and drops those past the retention.
 *
 * Bounds are computed in UTC on a fixed grid, so every server and every
 * session time zone cuts the same partitions: an interval of whole months
 * (chronos.event_partition_interval = '1 month', '3 months', '1 year')
 * counts months from January 2000; an interval of whole days ('1 day',
 * '1 week', '14 days') counts days from Monday 3 January 2000.  A partition
 * is named video_analytics_events_pYYYYMMDD after its lower bound (UTC).
 *
 * The settings are superuser-set (PGC_SUSET): an ordinary caller can change
 * neither the partitioning, nor the retention, nor the ingestion limits
 * that event_model checks against them.
 */
#include "postgres.h"

#include "access/xact.h"
#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/datetime.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/timestamp.h"

#include "chronos.h"
#include "citus.h"
#include "event_partitions.h"
#include "identity.h"
#include "owner.h"
#include "spi_sql.h"

/* Settings (chronos.c defines them; the hooks below keep the parsed forms). */
char	   *chronos_event_partition_interval = NULL;
int			chronos_event_partitions_ahead = 3;
char	   *chronos_event_retention = NULL;

/* chronos.event_partition_interval, parsed: whole months or whole days. */
static int	partition_months = 1;
static int	partition_days = 0;

/* chronos.event_retention, parsed; retention_set false when it is empty. */
static bool retention_set = false;
static Interval retention;

/* Monday 3 January 2000, the origin of intervals of whole days. */
#define DAY_GRID_ORIGIN (2 * USECS_PER_DAY)

/*
 * Parses text as an interval without raising an error (settings' check hooks
 * must not): false when it is not one.
 */
static bool
ParseIntervalSoft(const char *text, Interval *result)
{
	char		workbuf[256];
	char	   *field[MAXDATEFIELDS];
	int			ftype[MAXDATEFIELDS];
	int			nf;
	int			dtype;
	struct pg_itm_in itm;

	if (text == NULL || strlen(text) >= sizeof(workbuf))
		return false;
	if (ParseDateTime(text, workbuf, sizeof(workbuf), field, ftype, MAXDATEFIELDS, &nf) != 0)
		return false;
	if (DecodeInterval(field, ftype, nf, INTERVAL_FULL_RANGE, &dtype, &itm) != 0 ||
		dtype != DTK_DELTA)
		return false;
	return itmin2interval(&itm, result) == 0;
}

/* True when the interval is positive in every field it uses and has no negative part. */
static bool
IntervalIsPositive(const Interval *span)
{
	return span->month >= 0 && span->day >= 0 && span->time >= 0 &&
		(span->month > 0 || span->day > 0 || span->time > 0);
}

bool
CheckEventPartitionInterval(char **newval, void **extra, GucSource source)
{
	Interval	span;

	if (!ParseIntervalSoft(*newval, &span))
	{
		GUC_check_errdetail("\"%s\" is not an interval.", *newval);
		return false;
	}
	if (!IntervalIsPositive(&span) || span.time != 0 ||
		(span.month > 0 && span.day > 0) || span.month > 120 || span.day > 3660)
	{
		GUC_check_errdetail("A partition spans whole months (such as '1 month' or '3 months') or whole days (such as '1 day' or '1 week'), not both, more than nothing and at most ten years.");
		return false;
	}
	return true;
}

void
AssignEventPartitionInterval(const char *newval, void *extra)
{
	Interval	span;

	if (ParseIntervalSoft(newval, &span))
	{
		partition_months = span.month;
		partition_days = span.day;
	}
}

bool
CheckEventRetention(char **newval, void **extra, GucSource source)
{
	Interval	span;

	if (*newval == NULL || (*newval)[0] == '\0')
		return true;
	if (!ParseIntervalSoft(*newval, &span))
	{
		GUC_check_errdetail("\"%s\" is not an interval; leave the setting empty to keep events forever.",
							*newval);
		return false;
	}
	if (!IntervalIsPositive(&span))
	{
		GUC_check_errdetail("The retention must be a positive interval, such as '13 months'.");
		return false;
	}
	return true;
}

void
AssignEventRetention(const char *newval, void *extra)
{
	retention_set = newval != NULL && newval[0] != '\0' && ParseIntervalSoft(newval, &retention);
}

bool
EventRetentionHorizon(TimestampTz *horizon)
{
	if (!retention_set)
		return false;
	*horizon = DatumGetTimestampTz(DirectFunctionCall2(timestamptz_mi_interval,
													   TimestampTzGetDatum(GetCurrentTransactionStartTimestamp()),
													   IntervalPGetDatum(&retention)));
	return true;
}

/* Floor division for possibly negative numerators. */
static int64
FloorDiv(int64 a, int64 b)
{
	int64		q = a / b;

	return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

/* The start (UTC) of month number m counted from January 2000, in *result; false when out of range. */
static bool
MonthStart(int64 m, TimestampTz *result)
{
	struct pg_tm tm;

	memset(&tm, 0, sizeof(tm));
	tm.tm_year = (int) (2000 + FloorDiv(m, 12));
	tm.tm_mon = (int) (m - FloorDiv(m, 12) * 12) + 1;
	tm.tm_mday = 1;
	return tm2timestamp(&tm, 0, NULL, result) == 0 && IS_VALID_TIMESTAMP(*result);
}

/*
 * The bounds of the partition that holds ts; false, without an error, when a
 * bound lies past the range of timestamps (ts near its ends).
 */
static bool
PartitionBoundsOf(TimestampTz ts, TimestampTz *lower, TimestampTz *upper)
{
	if (TIMESTAMP_NOT_FINITE(ts))
		return false;
	if (partition_months > 0)
	{
		struct pg_tm tm;
		fsec_t		fsec;
		int64		m;

		if (timestamp2tm(ts, NULL, &tm, &fsec, NULL, NULL) != 0)
			return false;
		m = (int64) (tm.tm_year - 2000) * 12 + (tm.tm_mon - 1);
		m = FloorDiv(m, partition_months) * partition_months;
		return MonthStart(m, lower) && MonthStart(m + partition_months, upper);
	}
	else
	{
		int64		width = (int64) partition_days * USECS_PER_DAY;

		*lower = DAY_GRID_ORIGIN + FloorDiv(ts - DAY_GRID_ORIGIN, width) * width;
		*upper = *lower + width;
		return IS_VALID_TIMESTAMP(*lower) && IS_VALID_TIMESTAMP(*upper);
	}
}

void
EventPartitionBounds(TimestampTz ts, TimestampTz *lower, TimestampTz *upper)
{
	if (!PartitionBoundsOf(ts, lower, upper))
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("no event partition can hold timestamp %s", timestamptz_to_str(ts)),
				 errdetail("Its partition's bounds would lie past the range of timestamps.")));
}

/* --- maintenance ---------------------------------------------------------- */

/* An existing partition: its range, or the default. */
typedef struct ExistingPartition
{
	char	   *name;
	bool		is_default;
	TimestampTz lower;			/* DT_NOBEGIN for MINVALUE */
	TimestampTz upper;			/* DT_NOEND for MAXVALUE */
} ExistingPartition;

typedef struct Maintenance
{
	ExistingPartition *parts;	/* sorted by lower, the default left out */
	int			nparts;
	char	   *default_name;	/* the default partition (maintenance requires one) */
	int			created;
	int64		moved;
	int			dropped;
	bool		locked_for_ddl; /* LockForDDL has run */
	bool		distributed;	/* the events are distributed (Citus) */
} Maintenance;

/*
 * The partitions of the events table and their bounds.  A range bound is
 * printed by pg_get_expr as a timestamptz literal with its offset, which
 * reads back as the same instant whatever the session's time zone.
 */
static const char *const partitions_sql =
"SELECT c.relname::pg_catalog.text, b.expr" SQL_EQ "'DEFAULT', "
"  CASE WHEN b.expr" SQL_REGEX_MATCH "'^FOR VALUES FROM \\(MINVALUE\\)' THEN '-infinity' "
"   ELSE pg_catalog.substring(b.expr, 'FROM \\(''([^'']*)''\\)') END::pg_catalog.timestamptz, "
"  CASE WHEN b.expr" SQL_REGEX_MATCH "'TO \\(MAXVALUE\\)$' THEN 'infinity' "
"   ELSE pg_catalog.substring(b.expr, 'TO \\(''([^'']*)''\\)') END::pg_catalog.timestamptz "
"FROM pg_catalog.pg_inherits i "
"JOIN pg_catalog.pg_class c ON c.oid" SQL_EQ "i.inhrelid "
"CROSS JOIN LATERAL (SELECT pg_catalog.pg_get_expr(c.relpartbound, c.oid) AS expr) b "
"WHERE i.inhparent" SQL_EQ "'chronos.video_analytics_events'::pg_catalog.regclass "
"ORDER BY 3";

static void
ReadPartitions(Maintenance *m)
{
	if (SPI_execute(partitions_sql, false, 0) != SPI_OK_SELECT)
		elog(ERROR, "could not read the partitions of video_analytics_events");

	m->parts = palloc(sizeof(ExistingPartition) * Max(SPI_processed, 1));
	m->nparts = 0;
	m->default_name = NULL;
	for (uint64 i = 0; i < SPI_processed; i++)
	{
		HeapTuple	tuple = SPI_tuptable->vals[i];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		bool		isnull;
		char	   *name = TextDatumGetCString(SPI_getbinval(tuple, desc, 1, &isnull));

		if (DatumGetBool(SPI_getbinval(tuple, desc, 2, &isnull)))
		{
			m->default_name = name;
			continue;
		}
		m->parts[m->nparts].name = name;
		m->parts[m->nparts].is_default = false;
		m->parts[m->nparts].lower = DatumGetTimestampTz(SPI_getbinval(tuple, desc, 3, &isnull));
		m->parts[m->nparts].upper = DatumGetTimestampTz(SPI_getbinval(tuple, desc, 4, &isnull));
		m->nparts++;
	}
}

/* A timestamp as a SQL literal, in ISO form with its UTC offset. */
static char *
TimestampLiteral(TimestampTz ts)
{
	struct pg_tm tm;
	fsec_t		fsec;
	char		buf[MAXDATELEN + 1];

	if (timestamp2tm(ts, NULL, &tm, &fsec, NULL, NULL) != 0)
		elog(ERROR, "timestamp out of range");
	EncodeDateTime(&tm, fsec, false, 0, NULL, USE_ISO_DATES, buf);
	return quote_literal_cstr(psprintf("%s+00", buf));
}

/* A new partition's name: after its lower bound (UTC), unique in schema chronos. */
static char *
PartitionName(TimestampTz lower)
{
	struct pg_tm tm;
	fsec_t		fsec;
	Oid			nsp = get_namespace_oid("chronos", false);
	char	   *base;
	char	   *name;

	if (timestamp2tm(lower, NULL, &tm, &fsec, NULL, NULL) != 0)
		elog(ERROR, "timestamp out of range");
	base = psprintf("video_analytics_events_p%04d%02d%02d", tm.tm_year, tm.tm_mon, tm.tm_mday);
	if (tm.tm_hour != 0 || tm.tm_min != 0 || tm.tm_sec != 0 || fsec != 0)
		base = psprintf("%s_%02d%02d%02d", base, tm.tm_hour, tm.tm_min, tm.tm_sec);
	name = base;
	for (int n = 1; OidIsValid(get_relname_relid(name, nsp)); n++)
		name = psprintf("%s_%d", base, n);
	return name;
}

static void
RunDDL(const char *sql)
{
	int			rc = SPI_execute(sql, false, 0);

	if (rc < 0)
		elog(ERROR, "could not run \"%s\": %s", sql, SPI_result_code_string(rc));
}

/*
 * The tables the events table's foreign keys reference, as a LOCK TABLE
 * list: attaching or detaching a partition locks them SHARE ROW EXCLUSIVE
 * (it adds or removes the partition's foreign-key triggers).
 */
static const char *const referenced_sql =
"SELECT pg_catalog.string_agg(DISTINCT c.confrelid::pg_catalog.regclass::pg_catalog.text, ', ') "
"FROM pg_catalog.pg_constraint c "
"WHERE c.conrelid" SQL_EQ "'chronos.video_analytics_events'::pg_catalog.regclass "
"AND c.contype" SQL_EQ "'f'";

/*
 * Before the first partition is attached or detached, takes every lock the
 * DDL will need, in the order that cannot deadlock with ingestion: first the
 * referenced tables (a session function holds its session row's table
 * ROW EXCLUSIVE before it writes an event, so it finishes before maintenance
 * goes on), then the default partition ACCESS EXCLUSIVE at once (taking a
 * weaker lock and strengthening it later would deadlock with a transaction
 * that has read the events table and then writes into the default
 * partition).  The locks are held until the transaction ends.
 */
static void
LockForDDL(Maintenance *m)
{
	bool		isnull;
	Datum		list;

	if (m->locked_for_ddl)
		return;
	if (SPI_execute(referenced_sql, false, 0) != SPI_OK_SELECT || SPI_processed != 1)
		elog(ERROR, "could not list the tables video_analytics_events references");
	list = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
	if (!isnull)
		RunDDL(psprintf("LOCK TABLE %s IN SHARE ROW EXCLUSIVE MODE", TextDatumGetCString(list)));
	RunDDL(psprintf("LOCK TABLE chronos.%s IN ACCESS EXCLUSIVE MODE",
					quote_identifier(m->default_name)));
	m->locked_for_ddl = true;
}

/*
 * Creates the partition [lower, upper), moving into it the rows of the
 * default partition it covers.  The table is made apart and attached, so
 * the events table itself is locked only SHARE UPDATE EXCLUSIVE (inserts
 * and reads go on); LockForDDL has taken the other locks.  On Citus,
 * attaching distributes the new table co-located with the events.
 */
static void
CreatePartition(Maintenance *m, TimestampTz lower, TimestampTz upper)
{
	char	   *name = PartitionName(lower);
	const char *qname = quote_identifier(name);
	const char *lo = TimestampLiteral(lower);
	const char *hi = TimestampLiteral(upper);
	const char *qdefault = quote_identifier(m->default_name);
	const char *qbound = quote_identifier(psprintf("%s_bound", name));
	int64		moved;

	LockForDDL(m);
	/* the default partition's indexes are the partitions' (the install script) */
	RunDDL(psprintf("CREATE TABLE chronos.%s (LIKE chronos.%s INCLUDING DEFAULTS "
					"INCLUDING CONSTRAINTS INCLUDING STORAGE INCLUDING COMPRESSION "
					"INCLUDING INDEXES INCLUDING COMMENTS)", qname, qdefault));
	RunDDL(psprintf("ALTER TABLE chronos.%s ADD CONSTRAINT %s CHECK (\"timestamp\""
					SQL_GE "%s AND \"timestamp\"" SQL_LT "%s)", qname, qbound, lo, hi));
	RunDDL(psprintf("WITH moved AS (DELETE FROM ONLY chronos.%s "
					"WHERE \"timestamp\"" SQL_GE "%s "
					"AND \"timestamp\"" SQL_LT "%s RETURNING *) "
					"INSERT INTO chronos.%s SELECT * FROM moved",
					qdefault, lo, hi, qname));
	moved = (int64) SPI_processed;
	m->moved += moved;
	RunDDL(psprintf("ALTER TABLE chronos.video_analytics_events ATTACH PARTITION chronos.%s "
					"FOR VALUES FROM (%s) TO (%s)", qname, lo, hi));
	/* Citus distributed it, copying its rows into shards: the local copy goes */
	if (m->distributed && moved > 0)
		RunDDL(psprintf("SELECT pg_catalog.truncate_local_data_after_distributing_table(%s)",
						quote_literal_cstr(psprintf("chronos.%s", qname))));
	RunDDL(psprintf("ALTER TABLE chronos.%s DROP CONSTRAINT %s", qname, qbound));
	RunDDL(psprintf("ALTER TABLE chronos.%s ENABLE ROW LEVEL SECURITY", qname));
	m->created++;
}

/*
 * Creates partitions for what [lower, upper) has that no existing partition
 * covers (all of it, unless the interval setting changed since the existing
 * ones were made), then reads the partitions again.
 */
static void
CoverRange(Maintenance *m, TimestampTz lower, TimestampTz upper)
{
	TimestampTz cursor = lower;
	int			before = m->created;

	for (int i = 0; i < m->nparts && cursor < upper; i++)
	{
		ExistingPartition *p = &m->parts[i];

		if (p->upper <= cursor || p->lower >= upper)
			continue;
		if (p->lower > cursor)
			CreatePartition(m, cursor, p->lower);
		cursor = Max(cursor, p->upper);
	}
	if (cursor < upper)
		CreatePartition(m, cursor, upper);
	if (m->created != before)
		ReadPartitions(m);
}

/* Partitions for now and the chronos.event_partitions_ahead intervals after it. */
static void
CreateAhead(Maintenance *m)
{
	TimestampTz lower;
	TimestampTz upper;

	EventPartitionBounds(GetCurrentTransactionStartTimestamp(), &lower, &upper);
	for (int k = 0; k <= chronos_event_partitions_ahead; k++)
	{
		CoverRange(m, lower, upper);
		EventPartitionBounds(upper, &lower, &upper);
	}
}

/* Moves every row of the default partition into a partition of its own. */
static void
EmptyDefault(Maintenance *m)
{
	TimestampTz cursor = DT_NOBEGIN;

	for (;;)
	{
		Datum		arg = TimestampTzGetDatum(cursor);
		Oid			argtype = TIMESTAMPTZOID;
		bool		isnull;
		TimestampTz first;
		TimestampTz lower;
		TimestampTz upper;

		/* infinite timestamps (only a direct INSERT can write them) stay */
		if (SPI_execute_with_args(psprintf("SELECT pg_catalog.min(\"timestamp\") FROM ONLY chronos.%s "
										   "WHERE \"timestamp\"" SQL_GE "$1 "
										   "AND pg_catalog.isfinite(\"timestamp\")",
										   quote_identifier(m->default_name)),
								  1, &argtype, &arg, NULL, false, 1) != SPI_OK_SELECT)
			elog(ERROR, "could not read the default partition");
		first = DatumGetTimestampTz(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc,
												  1, &isnull));
		if (isnull)
			break;
		/* a time at the ends of the timestamp range has no partition: it stays */
		if (!PartitionBoundsOf(first, &lower, &upper))
		{
			cursor = first + 1;
			continue;
		}
		CoverRange(m, lower, upper);
		cursor = upper;
	}
}

/*
 * Detaches and drops every partition that lies wholly before the retention
 * horizon.  Both take an ACCESS EXCLUSIVE lock of the events table for the
 * moment they run.
 */
static void
DropExpired(Maintenance *m)
{
	TimestampTz horizon;

	if (!EventRetentionHorizon(&horizon))
		return;
	for (int i = 0; i < m->nparts; i++)
	{
		const char *qname = quote_identifier(m->parts[i].name);

		if (TIMESTAMP_NOT_FINITE(m->parts[i].upper) || m->parts[i].upper > horizon)
			continue;
		LockForDDL(m);
		RunDDL(psprintf("ALTER TABLE chronos.video_analytics_events DETACH PARTITION chronos.%s",
						qname));
		RunDDL(psprintf("DROP TABLE chronos.%s", qname));
		m->dropped++;
	}
}

/*
 * maintain_event_partitions() brings the partitions of video_analytics_events
 * up to date and returns (partitions_created, rows_moved, partitions_dropped).
 *
 * Locks, all held until the transaction ends: SHARE UPDATE EXCLUSIVE on
 * video_analytics_events for the whole run, which only another maintenance
 * or DDL waits for (so two runs serialize).  A run with nothing to do takes
 * no other lock.  One that makes or drops a partition then takes, in this
 * order, SHARE ROW EXCLUSIVE on the tables the events reference (creators,
 * students, videos, courses, course_modules, video_watch_sessions: their
 * reads go on, their writes wait), ACCESS EXCLUSIVE on the default
 * partition (inserts of events no other partition covers, and reads that
 * scan the default partition, wait), and, to detach and drop an expired
 * partition, ACCESS EXCLUSIVE on the events table.  Making a partition
 * scans only the rows it moves out of the default partition (normally
 * none), so the run takes milliseconds; in that order, one chronos call per
 * transaction never deadlocks with it.  Run it with a lock_timeout so that
 * a long query on a locked table makes it fail and retry later rather than
 * queue every write behind it.
 *
 * On a Citus cluster (run it on the coordinator) Citus takes the same locks
 * on the shards it touches, and the run uses one connection per node
 * (citus.multi_shard_modify_mode = sequential, for its own statements): a
 * transaction that has already read the events over several connections
 * cannot run it (Citus refuses the DDL), so call it in a transaction of its
 * own, as pg_cron does.
 */
PG_FUNCTION_INFO_V1(maintain_event_partitions);
Datum
maintain_event_partitions(PG_FUNCTION_ARGS)
{
	const ChronosIdentity *identity = ChronosGetIdentity();
	ChronosSavedUser saved;
	Maintenance m;
	TupleDesc	desc;
	Datum		values[3];
	bool		nulls[3] = {false, false, false};
	int			citus_settings;

	if (!identity->is_service)
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("permission denied to maintain event partitions"),
				 errdetail("Only the service may create, fill or drop partitions of video_analytics_events."),
				 errhint("Run it as the extension's owner, a superuser, or with the service_role claim, for example from pg_cron.")));
	if (get_call_result_type(fcinfo, NULL, &desc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "maintain_event_partitions must return a record");

	memset(&m, 0, sizeof(m));
	ChronosBecomeOwner(&saved);
	ChronosSpiConnect();
	m.distributed = ChronosEventsDistributed();
	citus_settings = m.distributed ? ChronosBeginCitusDDL() : -1;

	RunDDL("LOCK TABLE chronos.video_analytics_events IN SHARE UPDATE EXCLUSIVE MODE");
	ReadPartitions(&m);
	if (m.default_name == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("video_analytics_events has no default partition"),
				 errdetail("New partitions take their indexes from the default partition, video_analytics_events_default."),
				 errhint("Re-create it: CREATE TABLE chronos.video_analytics_events_default PARTITION OF chronos.video_analytics_events DEFAULT, with the indexes of the extension's install script.")));
	CreateAhead(&m);
	EmptyDefault(&m);
	DropExpired(&m);
	ChronosEndCitusSettings(citus_settings);

	SPI_finish();
	ChronosRestoreUser(&saved);

	values[0] = Int32GetDatum(m.created);
	values[1] = Int64GetDatum(m.moved);
	values[2] = Int32GetDatum(m.dropped);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(BlessTupleDesc(desc), values, nulls)));
}
