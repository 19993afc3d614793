/*
 * dashboard_costs.c
 *		creator_dashboard's usage and cost widgets, read from usage_metrics,
 *		and its histogram of videos per student.
 *
 * usage_metrics holds a few rows per creator and day (one per report of
 * record_usage), so the widgets cost two statements through the table's
 * report key (creator_id, "date", ...): the range's rows summed per day and
 * kind, then per video; the by-source sums of transcriptions come from a
 * third.  Events are never read here: the 1.0 key "costs" reads the
 * video_transcribed events (dashboard.c), these keys the usage the service
 * recorded.  Sums are numeric, added exactly (numeric_add), so that every
 * total equals the sum of its parts to the last digit.
 *
 * The histogram counts each student of the range once, by the number of
 * distinct videos it has a session of in the range: dashboard.c already
 * holds the set of (video, student) pairs and counts them per student, and
 * hands each count here (DashboardCountStudent).
 *
 * A database still at chronos 1.0 has no usage_metrics: the usage keys are
 * then null, and the histogram is there all the same.
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/datetime.h"
#include "utils/json.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"
#include "utils/numeric.h"
#include "utils/uuid.h"

#include "args.h"
#include "catalog_cache.h"
#include "dashboard_costs.h"
#include "json_push.h"
#include "spi_sql.h"

/*
 * The kinds of usage_metrics (its CHECK constraint usage_metrics_kind_check),
 * in the order of the document's keys; each has its fixed keys in
 * usage_totals and monthly_spend, so they are named here.
 */
typedef enum UsageKind
{
	UK_STORAGE,
	UK_VIDEOS_ADDED,
	UK_TRANSCRIPTION,
	UK_EMBEDDING,
	UK_CHAT,
	UK_COUNT
} UsageKind;

static const char *const kind_names[UK_COUNT] = {
	"storage", "videos_added", "transcription", "embedding", "chat"
};

/*
 * The histogram's buckets, by the distinct videos a student watched: one
 * each from 1 to 5, then 6-10, 11-20, 21-50 and 51 or more (max 0: open).
 */
typedef struct VideosBucket
{
	int64		min;
	int64		max;
} VideosBucket;

static const VideosBucket videos_buckets[] = {
	{1, 1}, {2, 2}, {3, 3}, {4, 4}, {5, 5}, {6, 10}, {11, 20}, {21, 50}, {51, 0}
};

#define VIDEOS_NBUCKETS lengthof(videos_buckets)

/* $1 creator, its usage of days $2 .. $3 summed per day and kind. */
static const char *const usage_days_sql =
"SELECT u.\"date\", u.kind, pg_catalog.sum(u.quantity), pg_catalog.sum(u.cost)"
"  FROM chronos.usage_metrics u"
" WHERE u.creator_id" SQL_EQ "$1 AND u.\"date\"" SQL_GE "$2 AND u.\"date\"" SQL_LE "$3"
" GROUP BY u.\"date\", u.kind";

enum
{
	UD_DATE = 1,
	UD_KIND,
	UD_QUANTITY,
	UD_COST
};

/* $1 creator, its transcriptions of days $2 .. $3 per source: minutes and cost, the most expensive first. */
static const char *const usage_sources_sql =
"SELECT u.source, pg_catalog.sum(u.quantity), pg_catalog.sum(u.cost)"
"  FROM chronos.usage_metrics u"
" WHERE u.creator_id" SQL_EQ "$1 AND u.\"date\"" SQL_GE "$2 AND u.\"date\"" SQL_LE "$3"
"   AND u.kind" SQL_EQ "'transcription'"
" GROUP BY u.source"
" ORDER BY 3 DESC, 1";

enum
{
	US_SOURCE = 1,
	US_MINUTES,
	US_COST
};

/*
 * $1 creator, the costs of days $2 .. $3 attributed to a video (only
 * storage, transcription and embedding are), per video: each kind's and
 * their sum, the most expensive first.
 */
#define USAGE_COST_OF(KIND) \
"COALESCE(pg_catalog.sum(u.cost) FILTER (WHERE u.kind" SQL_EQ "'" KIND "'), 0)"
static const char *const usage_videos_sql =
"SELECT u.video_id, " USAGE_COST_OF("transcription") ", " USAGE_COST_OF("embedding") ","
"       " USAGE_COST_OF("storage") ", pg_catalog.sum(u.cost)"
"  FROM chronos.usage_metrics u"
" WHERE u.creator_id" SQL_EQ "$1 AND u.\"date\"" SQL_GE "$2 AND u.\"date\"" SQL_LE "$3"
"   AND u.video_id IS NOT NULL"
" GROUP BY u.video_id"
" ORDER BY 5 DESC, 1";

enum
{
	UV_VIDEO = 1,
	UV_TRANSCRIPTION,
	UV_EMBEDDING,
	UV_STORAGE,
	UV_COST
};

static SPIPlanPtr usage_days_plan;
static SPIPlanPtr usage_sources_plan;
static SPIPlanPtr usage_videos_plan;

/* The transcriptions of one source. */
typedef struct SourceCosts
{
	char	   *source;
	Numeric		minutes;
	Numeric		cost;
} SourceCosts;

/* The costs attributed to one video. */
typedef struct VideoCosts
{
	pg_uuid_t	video;
	Numeric		transcription;
	Numeric		embedding;
	Numeric		storage;
	Numeric		cost;
} VideoCosts;

struct DashboardUsage
{
	MemoryContext context;
	pg_uuid_t  *creator_id;
	DateADT		from;
	DateADT		to;
	int			ndays;
	bool		present;		/* usage_metrics exists (1.1) */

	/* per kind over the range */
	Numeric		quantity[UK_COUNT];
	Numeric		cost[UK_COUNT];
	Numeric		total_cost;

	/* per day: storage bytes (NULL: none reported) and costs per kind */
	Numeric    *storage_bytes;
	Numeric    *day_costs;		/* ndays x UK_COUNT */

	/* transcriptions per source, the most expensive first */
	int			nsources;
	SourceCosts *sources;

	/* per video, the most expensive first */
	int			nvideos;
	VideoCosts *videos;

	/* students by the distinct videos they watched */
	int64		students[VIDEOS_NBUCKETS];
};

/* A numeric 0. */
static Numeric
Zero(void)
{
	return int64_to_numeric(0);
}

/* a + b, exactly. */
static Numeric
AddNumeric(Numeric a, Numeric b)
{
	return DatumGetNumeric(DirectFunctionCall2(numeric_add, NumericGetDatum(a), NumericGetDatum(b)));
}

/* The year and month of a date, as months since year 0 (January of year 0 is 0). */
static int
MonthOf(DateADT date)
{
	int			year,
				month,
				day;

	j2date(date + POSTGRES_EPOCH_JDATE, &year, &month, &day);
	return year * 12 + month - 1;
}

/* A month of MonthOf as YYYY-MM (a year before 1 as IsoDate writes it: YYYY-MM BC). */
static char *
MonthText(int month)
{
	int			year = month >= 0 ? month / 12 : -((11 - month) / 12);
	int			m = month - year * 12 + 1;

	if (year <= 0)
		return psprintf("%04d-%02d BC", 1 - year, m);
	return psprintf("%04d-%02d", year, m);
}

/* An empty set of usage figures for the creator's days from .. to, in cxt. */
DashboardUsage *
DashboardUsageCreate(MemoryContext cxt, pg_uuid_t *creator_id, DateADT from, DateADT to)
{
	DashboardUsage *usage = MemoryContextAllocZero(cxt, sizeof(DashboardUsage));

	usage->context = cxt;
	usage->creator_id = creator_id;
	usage->from = from;
	usage->to = to;
	usage->ndays = to - from + 1;
	return usage;
}

/* One student of the range who watched that many distinct videos, into its bucket. */
void
DashboardCountStudent(DashboardUsage *usage, int64 videos)
{
	for (int i = VIDEOS_NBUCKETS - 1; i >= 0; i--)
	{
		if (videos >= videos_buckets[i].min)
		{
			usage->students[i]++;
			return;
		}
	}
}

/* The kind of a usage_metrics row; the table's CHECK constraint allows no other. */
static UsageKind
KindOf(const char *name)
{
	for (int k = 0; k < UK_COUNT; k++)
		if (strcmp(name, kind_names[k]) == 0)
			return (UsageKind) k;
	elog(ERROR, "unexpected usage kind \"%s\"", name);
	return UK_COUNT;			/* keep the compiler quiet */
}

/* The range's rows per day and kind: the days' storage and costs, the kinds' totals. */
static void
ReadUsageDays(DashboardUsage *u, Datum *args, const Oid *types)
{
	MemoryContext old_context;

	if (SPI_execute_plan(ChronosKeptPlanWithOptions(&usage_days_plan, usage_days_sql, 3, types,
													CURSOR_OPT_CUSTOM_PLAN),
						 args, NULL, true, 0) != SPI_OK_SELECT)
		elog(ERROR, "could not read usage metrics");
	old_context = MemoryContextSwitchTo(u->context);
	u->storage_bytes = palloc0(sizeof(Numeric) * u->ndays);
	u->day_costs = palloc(sizeof(Numeric) * u->ndays * UK_COUNT);
	for (int i = 0; i < u->ndays * UK_COUNT; i++)
		u->day_costs[i] = Zero();
	for (int k = 0; k < UK_COUNT; k++)
		u->quantity[k] = u->cost[k] = Zero();
	u->total_cost = Zero();
	for (uint64 i = 0; i < SPI_processed; i++)
	{
		HeapTuple	tuple = SPI_tuptable->vals[i];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		bool		isnull;
		DateADT		day = DatumGetDateADT(SPI_getbinval(tuple, desc, UD_DATE, &isnull));
		char	   *kind_name = SPI_getvalue(tuple, desc, UD_KIND);
		UsageKind	kind = KindOf(kind_name);
		Numeric		quantity = DatumGetNumericCopy(SPI_getbinval(tuple, desc, UD_QUANTITY, &isnull));
		Numeric		cost = DatumGetNumericCopy(SPI_getbinval(tuple, desc, UD_COST, &isnull));
		int			d = day - u->from;

		if (d < 0 || d >= u->ndays)
			continue;
		u->quantity[kind] = AddNumeric(u->quantity[kind], quantity);
		u->cost[kind] = AddNumeric(u->cost[kind], cost);
		u->total_cost = AddNumeric(u->total_cost, cost);
		u->day_costs[d * UK_COUNT + kind] = cost;
		if (kind == UK_STORAGE)
			u->storage_bytes[d] = quantity;
	}
	MemoryContextSwitchTo(old_context);
	SPI_freetuptable(SPI_tuptable);
}

/* The range's transcriptions per source. */
static void
ReadUsageSources(DashboardUsage *u, Datum *args, const Oid *types)
{
	MemoryContext old_context;

	if (SPI_execute_plan(ChronosKeptPlanWithOptions(&usage_sources_plan, usage_sources_sql, 3, types,
													CURSOR_OPT_CUSTOM_PLAN),
						 args, NULL, true, 0) != SPI_OK_SELECT)
		elog(ERROR, "could not read transcription usage");
	old_context = MemoryContextSwitchTo(u->context);
	u->nsources = (int) SPI_processed;
	u->sources = palloc(sizeof(SourceCosts) * Max(u->nsources, 1));
	for (int i = 0; i < u->nsources; i++)
	{
		HeapTuple	tuple = SPI_tuptable->vals[i];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		bool		isnull;

		u->sources[i].source = SPI_getvalue(tuple, desc, US_SOURCE);
		u->sources[i].minutes = DatumGetNumericCopy(SPI_getbinval(tuple, desc, US_MINUTES, &isnull));
		u->sources[i].cost = DatumGetNumericCopy(SPI_getbinval(tuple, desc, US_COST, &isnull));
	}
	MemoryContextSwitchTo(old_context);
	SPI_freetuptable(SPI_tuptable);
}

/* The range's costs per video. */
static void
ReadUsageVideos(DashboardUsage *u, Datum *args, const Oid *types)
{
	MemoryContext old_context;

	if (SPI_execute_plan(ChronosKeptPlanWithOptions(&usage_videos_plan, usage_videos_sql, 3, types,
													CURSOR_OPT_CUSTOM_PLAN),
						 args, NULL, true, 0) != SPI_OK_SELECT)
		elog(ERROR, "could not read usage per video");
	old_context = MemoryContextSwitchTo(u->context);
	u->nvideos = (int) SPI_processed;
	u->videos = palloc(sizeof(VideoCosts) * Max(u->nvideos, 1));
	for (int i = 0; i < u->nvideos; i++)
	{
		HeapTuple	tuple = SPI_tuptable->vals[i];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		bool		isnull;
		VideoCosts *video = &u->videos[i];

		memcpy(&video->video, DatumGetUUIDP(SPI_getbinval(tuple, desc, UV_VIDEO, &isnull)), UUID_LEN);
		video->transcription = DatumGetNumericCopy(SPI_getbinval(tuple, desc, UV_TRANSCRIPTION, &isnull));
		video->embedding = DatumGetNumericCopy(SPI_getbinval(tuple, desc, UV_EMBEDDING, &isnull));
		video->storage = DatumGetNumericCopy(SPI_getbinval(tuple, desc, UV_STORAGE, &isnull));
		video->cost = DatumGetNumericCopy(SPI_getbinval(tuple, desc, UV_COST, &isnull));
	}
	MemoryContextSwitchTo(old_context);
	SPI_freetuptable(SPI_tuptable);
}

/* The range's usage_metrics rows, when the table exists (1.1); inside SPI, as the owner. */
void
DashboardReadUsage(DashboardUsage *u)
{
	static const Oid types[3] = {UUIDOID, DATEOID, DATEOID};
	Datum		args[3] = {UUIDPGetDatum(u->creator_id), DateADTGetDatum(u->from),
	DateADTGetDatum(u->to)};
	/* usage_metrics came with chronos 1.1 */
	u->present = ChronosHasRelation("usage_metrics", NULL);
	if (!u->present)
		return;
	ReadUsageDays(u, args, types);
	ReadUsageSources(u, args, types);
	ReadUsageVideos(u, args, types);
}

/* "usage_totals": quantities and costs per kind over the range, and their total cost. */
static void
PushUsageTotals(JsonbParseState **state, DashboardUsage *u)
{
	Numeric		latest_bytes = NULL;

	/* storage is a level: the bytes of the range's last day with a report */
	for (int d = u->ndays - 1; d >= 0 && latest_bytes == NULL; d--)
		latest_bytes = u->storage_bytes[d];
	pushJsonbValue(state, WJB_BEGIN_OBJECT, NULL);
	PushNumericField(state, "storage_bytes", latest_bytes);
	PushNumericField(state, "storage_cost", u->cost[UK_STORAGE]);
	PushNumericField(state, "videos_added", u->quantity[UK_VIDEOS_ADDED]);
	PushNumericField(state, "transcription_minutes", u->quantity[UK_TRANSCRIPTION]);
	PushNumericField(state, "transcription_cost", u->cost[UK_TRANSCRIPTION]);
	PushNumericField(state, "embedding_tokens", u->quantity[UK_EMBEDDING]);
	PushNumericField(state, "embedding_cost", u->cost[UK_EMBEDDING]);
	PushNumericField(state, "chat_messages", u->quantity[UK_CHAT]);
	PushNumericField(state, "chat_cost", u->cost[UK_CHAT]);
	PushNumericField(state, "total_cost", u->total_cost);
	pushJsonbValue(state, WJB_END_OBJECT, NULL);
}

/* "transcript_costs_by_source": the transcriptions' minutes and cost per video source. */
static void
PushSources(JsonbParseState **state, DashboardUsage *u)
{
	pushJsonbValue(state, WJB_BEGIN_ARRAY, NULL);
	for (int i = 0; i < u->nsources; i++)
	{
		pushJsonbValue(state, WJB_BEGIN_OBJECT, NULL);
		PushKey(state, "source");
		PushString(state, WJB_VALUE, u->sources[i].source);
		PushNumericField(state, "minutes", u->sources[i].minutes);
		PushNumericField(state, "cost", u->sources[i].cost);
		pushJsonbValue(state, WJB_END_OBJECT, NULL);
	}
	pushJsonbValue(state, WJB_END_ARRAY, NULL);
}

/* "storage_usage": every day of the range, its storage bytes (null: none reported) and cost. */
static void
PushStorage(JsonbParseState **state, DashboardUsage *u)
{
	pushJsonbValue(state, WJB_BEGIN_ARRAY, NULL);
	for (int d = 0; d < u->ndays; d++)
	{
		pushJsonbValue(state, WJB_BEGIN_OBJECT, NULL);
		PushKey(state, "date");
		PushString(state, WJB_VALUE, JsonEncodeDateTime(NULL, DateADTGetDatum(u->from + d), DATEOID, NULL));
		PushNumericField(state, "bytes", u->storage_bytes[d]);
		PushNumericField(state, "cost", u->day_costs[d * UK_COUNT + UK_STORAGE]);
		pushJsonbValue(state, WJB_END_OBJECT, NULL);
	}
	pushJsonbValue(state, WJB_END_ARRAY, NULL);
}

/* "monthly_spend": every calendar month the range touches, its days' costs per kind and in all. */
static void
PushMonthly(JsonbParseState **state, DashboardUsage *u)
{
	int			first = MonthOf(u->from);
	int			nmonths = MonthOf(u->to) - first + 1;
	Numeric    *costs = palloc(sizeof(Numeric) * nmonths * UK_COUNT);

	for (int i = 0; i < nmonths * UK_COUNT; i++)
		costs[i] = Zero();
	for (int d = 0; d < u->ndays; d++)
	{
		int			m = MonthOf(u->from + d) - first;

		for (int k = 0; k < UK_COUNT; k++)
			costs[m * UK_COUNT + k] = AddNumeric(costs[m * UK_COUNT + k], u->day_costs[d * UK_COUNT + k]);
	}
	pushJsonbValue(state, WJB_BEGIN_ARRAY, NULL);
	for (int m = 0; m < nmonths; m++)
	{
		int			month = first + m;
		Numeric		total = Zero();

		pushJsonbValue(state, WJB_BEGIN_OBJECT, NULL);
		PushKey(state, "month");
		PushString(state, WJB_VALUE, MonthText(month));
		for (int k = 0; k < UK_COUNT; k++)
		{
			if (k == UK_VIDEOS_ADDED)
				continue;		/* always 0 */
			PushNumericField(state, kind_names[k], costs[m * UK_COUNT + k]);
			total = AddNumeric(total, costs[m * UK_COUNT + k]);
		}
		PushNumericField(state, "total", total);
		pushJsonbValue(state, WJB_END_OBJECT, NULL);
	}
	pushJsonbValue(state, WJB_END_ARRAY, NULL);
}

/* "video_costs": per video with usage, cost = transcription + embedding + storage. */
static void
PushVideoCosts(JsonbParseState **state, DashboardUsage *u)
{
	pushJsonbValue(state, WJB_BEGIN_ARRAY, NULL);
	for (int i = 0; i < u->nvideos; i++)
	{
		VideoCosts *video = &u->videos[i];

		pushJsonbValue(state, WJB_BEGIN_OBJECT, NULL);
		PushKey(state, "video_id");
		PushString(state, WJB_VALUE, ChronosUuidText(&video->video));
		PushNumericField(state, "transcription_cost", video->transcription);
		PushNumericField(state, "embedding_cost", video->embedding);
		PushNumericField(state, "storage_cost", video->storage);
		PushNumericField(state, "cost", video->cost);
		pushJsonbValue(state, WJB_END_OBJECT, NULL);
	}
	pushJsonbValue(state, WJB_END_ARRAY, NULL);
}

/* "videos_per_student": every bucket, in order, with its students. */
static void
PushVideosPerStudent(JsonbParseState **state, DashboardUsage *u)
{
	pushJsonbValue(state, WJB_BEGIN_ARRAY, NULL);
	for (int i = 0; i < (int) VIDEOS_NBUCKETS; i++)
	{
		pushJsonbValue(state, WJB_BEGIN_OBJECT, NULL);
		PushIntField(state, "min_videos", videos_buckets[i].min);
		PushNumericField(state, "max_videos",
						 videos_buckets[i].max > 0 ? int64_to_numeric(videos_buckets[i].max) : NULL);
		PushIntField(state, "students", u->students[i]);
		pushJsonbValue(state, WJB_END_OBJECT, NULL);
	}
	pushJsonbValue(state, WJB_END_ARRAY, NULL);
}

/* A key whose value is null (the usage widgets at chronos 1.0). */
static void
PushNullField(JsonbParseState **state, const char *key)
{
	PushNumericField(state, key, NULL);
}

/* The usage keys (null at 1.0) and videos_per_student, into the open document. */
void
DashboardPushUsage(JsonbParseState **state, DashboardUsage *u)
{
	MemoryContext old_context = MemoryContextSwitchTo(u->context);

	if (u->present)
	{
		PushKey(state, "usage_totals");
		PushUsageTotals(state, u);
		PushKey(state, "transcript_costs_by_source");
		PushSources(state, u);
		PushKey(state, "storage_usage");
		PushStorage(state, u);
		PushKey(state, "monthly_spend");
		PushMonthly(state, u);
		PushKey(state, "video_costs");
		PushVideoCosts(state, u);
	}
	else
	{
		PushNullField(state, "usage_totals");
		PushNullField(state, "transcript_costs_by_source");
		PushNullField(state, "storage_usage");
		PushNullField(state, "monthly_spend");
		PushNullField(state, "video_costs");
	}
	PushKey(state, "videos_per_student");
	PushVideosPerStudent(state, u);
	MemoryContextSwitchTo(old_context);
}
