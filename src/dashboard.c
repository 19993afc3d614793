/*
 * dashboard.c
 *		creator_dashboard: a creator's analytics over a range of its local
 *		days, as one jsonb document.
 *
 * What is a sum of days (views, watch time, completions, rewatches) comes
 * from the daily rollups, video_analytics, as of the last
 * refresh_video_analytics.  What is not comes from the watch sessions of the
 * range, read once through (video_id, session_start), one range per video
 * of the creator: the distinct students over the whole range (unique
 * viewers and active learners, per video and overall), the completion
 * rates, the heatmap of session starts by local weekday and hour, where
 * sessions stopped (the drop-off points, each video in 100 buckets) and how
 * many watched at once (the peak, from each session's start and end or last
 * heartbeat, concurrent_viewers.c).  The sessions are folded into hash
 * tables here rather than grouped by SQL: the range of a large creator holds
 * tens of thousands of sessions, nearly one (video, student) pair each, and
 * this is where the time goes.  The document is built with pushJsonbValue,
 * without a round trip through text.
 *
 * The caller is checked first (the creator itself or the service, from
 * identity.c), before anything is read; then the queries run as the
 * extension's owner, each limited to the creator's rows.  Every statement
 * names its objects and operators with their schema (spi_sql.h), like every
 * other statement of chronos; the SQL function's own SET search_path is a
 * second fence, not the first.
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "common/hashfn.h"
#include "common/int.h"
#include "datatype/timestamp.h"
#include "executor/spi.h"
#include "executor/tuptable.h"
#include "fmgr.h"
#include "nodes/params.h"
#include "tcop/dest.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/datetime.h"
#include "utils/hsearch.h"
#include "utils/json.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"
#include "utils/numeric.h"
#include "utils/timestamp.h"
#include "utils/uuid.h"

#include "args.h"
#include "catalog_cache.h"
#include "concurrent_viewers.h"
#include "dashboard_costs.h"
#include "identity.h"
#include "json_push.h"
#include "owner.h"
#include "percentiles.h"
#include "retention.h"
#include "spi_sql.h"
#include "watch_ranges.h"

#ifndef HAVE_INT128
#error "creator_dashboard needs a 128-bit integer type for exact engagement scores"
#endif

/* The longest range, in days: a year, leap day included. */
#define DASHBOARD_MAX_DAYS 366

/* The heatmap is counted per quarter hour of UTC time, then mapped to local hours. */
#define USECS_PER_QUARTER (15 * USECS_PER_MINUTE)

/* How many engagement-ranked and view-ranked videos the top lists hold. */
#define DASHBOARD_TOP 10

/* Drop-off points: each video cut into this many buckets (video_dropoff's default), the top ones listed. */
#define DASHBOARD_DROPOFF_BUCKETS 100
#define DASHBOARD_DROPOFF_TOP 10

/* $1 creator: its zone, and its local midnights that bound the range $2 .. $3. */
static const char *const creator_sql =
"SELECT c.timezone, $2::pg_catalog.timestamp AT TIME ZONE c.timezone,"
"       ($3" SQL_PLUS "1)::pg_catalog.timestamp AT TIME ZONE c.timezone"
"  FROM chronos.creators c WHERE c.id" SQL_EQ "$1";

/*
 * $1 creator, sessions that started from $2 to before $3: those of its
 * videos, read through (video_id, session_start), one range per video, so
 * only the sessions of the range are read.
 */
static const char *const sessions_sql =
"SELECT s.video_id, s.student_id, s.completed, s.watch_time_seconds" SQL_GT "0, s.session_start,"
"       s.watched, COALESCE(s.session_end, s.last_heartbeat_at)"
"  FROM chronos.video_watch_sessions s"
" WHERE s.video_id" SQL_EQ "ANY (ARRAY(SELECT v.id FROM chronos.videos v WHERE v.creator_id" SQL_EQ "$1))"
"   AND s.creator_id" SQL_EQ "$1 AND s.session_start" SQL_GE "$2 AND s.session_start" SQL_LT "$3";

/*
 * $1 creator, its rollups of days $2 .. $3, one row per video and day,
 * summed per video and per day as they arrive (ReceiveRollup): cheaper than
 * a GROUPING SETS aggregate, whose sums of bigint are numeric.
 */
#define ROLLUPS_COLUMNS \
"SELECT a.video_id, a.date, a.views, a.total_watch_time_seconds, a.completions, a.rewatches," \
"       a.updated_at"
#define ROLLUPS_FROM \
"  FROM chronos.video_analytics a" \
" WHERE a.creator_id" SQL_EQ "$1 AND a.date" SQL_GE "$2 AND a.date" SQL_LE "$3"
static const char *const rollups_sql = ROLLUPS_COLUMNS ROLLUPS_FROM;

/* The same with chronos 1.1's quality-of-experience columns (8 to 11), where they exist. */
static const char *const qoe_rollups_sql = ROLLUPS_COLUMNS ","
"       a.exits_before_start, a.rebuffer_count, a.rebuffer_ms, a.startup_ms_values"
ROLLUPS_FROM;

/*
 * $1 creator: its videos, read once: their durations place the drop-off
 * points, their titles describe the videos the document lists.
 */
static const char *const videos_sql =
"SELECT v.id, v.duration_seconds, v.title FROM chronos.videos v"
" WHERE v.creator_id" SQL_EQ "$1";

/* A cost in metadata key KEY of event e: a JSON number, or a string holding a plain decimal number. */
#define COST_OF(KEY) \
"LATERAL (SELECT CASE pg_catalog.jsonb_typeof(e.metadata" SQL_JSON_FIELD "'" KEY "')" \
"    WHEN 'number' THEN (e.metadata" SQL_JSON_FIELD_TEXT "'" KEY "')::pg_catalog.numeric" \
"    WHEN 'string' THEN CASE WHEN pg_catalog.btrim(e.metadata" SQL_JSON_FIELD_TEXT "'" KEY "')" \
        SQL_REGEX_MATCH "'^[+-]?([0-9]{1,30}(\\.[0-9]{0,30})?|\\.[0-9]{1,30})$'" \
"        THEN pg_catalog.btrim(e.metadata" SQL_JSON_FIELD_TEXT "'" KEY "')::pg_catalog.numeric END END)"

/*
 * $1 creator, the video_transcribed events from $2 to before $3 (the partial
 * index on them), per transcript method: the method (NULL when missing or
 * not a non-empty string), the summed cost and the count.  The cost of an
 * event is cost, else cost_usd: the first that is a JSON number or a string
 * holding a plain decimal number; anything else counts 0, so a malformed
 * cost never raises an error.
 */
static const char *const costs_sql =
"SELECT t.method, COALESCE(pg_catalog.sum(t.cost), 0), pg_catalog.count(*)"
"  FROM (SELECT CASE WHEN pg_catalog.jsonb_typeof(e.metadata" SQL_JSON_FIELD "'transcript_method')"
                          SQL_EQ "'string'"
"                     AND e.metadata" SQL_JSON_FIELD_TEXT "'transcript_method'" SQL_NE "''"
"                    THEN e.metadata" SQL_JSON_FIELD_TEXT "'transcript_method' END AS method,"
"               COALESCE(chronos_cost.cost, chronos_cost_usd.cost) AS cost"
"          FROM chronos.video_analytics_events e,"
"               " COST_OF("cost") " AS chronos_cost (cost),"
"               " COST_OF("cost_usd") " AS chronos_cost_usd (cost)"
"         WHERE e.creator_id" SQL_EQ "$1"
"           AND e.event_type" SQL_EQ "'video_transcribed'::chronos.video_event_type"
"           AND e.\"timestamp\"" SQL_GE "$2 AND e.\"timestamp\"" SQL_LT "$3) AS t"
" GROUP BY t.method"
" ORDER BY 2 DESC, 1 NULLS LAST";

/*
 * The plans of the statements over a range are kept, and planned afresh for
 * each call's values (CURSOR_OPT_CUSTOM_PLAN): how many rows a range holds
 * decides between an index and a bitmap scan, which a generic plan cannot
 * know.
 */
static SPIPlanPtr creator_plan;
static SPIPlanPtr sessions_plan;
static SPIPlanPtr rollups_plan;
static SPIPlanPtr videos_plan;
static SPIPlanPtr costs_plan;
static SPIPlanPtr qoe_rollups_plan;

/* One (video, student) pair of the range. */
typedef struct PairKey
{
	pg_uuid_t	video;
	pg_uuid_t	student;
} PairKey;

typedef struct PairEntry
{
	PairKey		key;
	bool		completed;		/* a session of the pair completed */
	bool		played;			/* a session of the pair played something */
	char		status;			/* simplehash's */
} PairEntry;

typedef struct StudentEntry
{
	pg_uuid_t	key;
	bool		played;			/* a session of the student played something */
	int32		videos;			/* distinct videos with a session (videos_per_student) */
	char		status;			/* simplehash's */
} StudentEntry;

/* A 64-bit mix of the words of a key (uuids, so every bit may matter). */
static inline uint32
HashWords(const char *bytes, int nwords)
{
	uint64		h = 0;

	for (int i = 0; i < nwords; i++)
	{
		uint64		w;

		memcpy(&w, bytes + i * sizeof(uint64), sizeof(uint64));
		h = hash_combine64(h, w);
	}
	h ^= h >> 33;
	h *= UINT64CONST(0xff51afd7ed558ccd);
	h ^= h >> 33;
	return (uint32) h;
}

/* Open-addressing hash tables (lib/simplehash.h): tens of thousands of pairs per call. */
#define SH_PREFIX pairs
#define SH_ELEMENT_TYPE PairEntry
#define SH_KEY_TYPE PairKey
#define SH_KEY key
#define SH_HASH_KEY(tb, k) HashWords((const char *) &(k), 4)
#define SH_EQUAL(tb, a, b) (memcmp(&(a), &(b), sizeof(PairKey)) == 0)
#define SH_SCOPE static inline
#define SH_DECLARE
#define SH_DEFINE
#include "lib/simplehash.h"

#define SH_PREFIX students
#define SH_ELEMENT_TYPE StudentEntry
#define SH_KEY_TYPE pg_uuid_t
#define SH_KEY key
#define SH_HASH_KEY(tb, k) HashWords((const char *) &(k), 2)
#define SH_EQUAL(tb, a, b) (memcmp(&(a), &(b), sizeof(pg_uuid_t)) == 0)
#define SH_SCOPE static inline
#define SH_DECLARE
#define SH_DEFINE
#include "lib/simplehash.h"

/* Where the sessions of the range of one video with a known duration stopped. */
typedef struct DropoffEntry
{
	pg_uuid_t	video;			/* hash key */
	int64		duration_ms;
	int64		viewings;		/* sessions that played something before the end */
	int32		stopped[DASHBOARD_DROPOFF_BUCKETS];	/* ... by the bucket of their last position */
} DropoffEntry;

/* One of the creator's videos: its row of videos_sql (id, duration, title). */
typedef struct CatalogEntry
{
	pg_uuid_t	video;			/* hash key */
	HeapTuple	row;
} CatalogEntry;

/* One bucket of one video where sessions stopped, a candidate drop-off point. */
typedef struct DropoffPoint
{
	DropoffEntry *video;
	int32		bucket;
	int64		stopped;
	int64		percent;		/* hundredths of a percent of the video's viewings */
} DropoffPoint;

/*
 * Receives the sessions of the range straight from the executor (no copy
 * into an SPI tuple table): each (video, student) pair once, the count of
 * session starts per quarter hour, and where each session stopped.
 */
typedef struct SessionReceiver
{
	DestReceiver pub;
	pairs_hash *pairs;
	int32	   *quarters;
	TimestampTz range_start;
	TimestampTz range_end;
	HTAB	   *dropoff;		/* DropoffEntry by video id */
	bool		have_last;		/* the last video looked up in dropoff (the */
	pg_uuid_t	last_video;		/* sessions come video by video, through the */
	DropoffEntry *last_entry;	/* index): NULL when its duration is unknown */
	ViewerSpans *spans;			/* when each session watched */
} SessionReceiver;

static bool
ReceiveSession(TupleTableSlot *slot, DestReceiver *self)
{
	SessionReceiver *receiver = (SessionReceiver *) self;
	PairKey		key;
	PairEntry  *pair;
	bool		found;

	slot_getallattrs(slot);
	memcpy(&key.video, DatumGetUUIDP(slot->tts_values[0]), UUID_LEN);
	memcpy(&key.student, DatumGetUUIDP(slot->tts_values[1]), UUID_LEN);
	pair = pairs_insert(receiver->pairs, key, &found);
	if (!found)
		pair->completed = pair->played = false;
	pair->completed |= DatumGetBool(slot->tts_values[2]);
	pair->played |= DatumGetBool(slot->tts_values[3]);
	receiver->quarters[(DatumGetTimestampTz(slot->tts_values[4]) - receiver->range_start) /
					   USECS_PER_QUARTER]++;

	/* where it stopped, when the video's duration is known */
	{
		DropoffEntry *video;

		if (!receiver->have_last || memcmp(&receiver->last_video, &key.video, UUID_LEN) != 0)
		{
			receiver->last_entry = hash_search(receiver->dropoff, &key.video, HASH_FIND, NULL);
			receiver->last_video = key.video;
			receiver->have_last = true;
		}
		video = receiver->last_entry;

		if (video != NULL)
		{
			int32		first;
			int32		last;

			if (RetentionFirstLastBucketsOfDatum(slot->tts_values[5], video->duration_ms,
												 DASHBOARD_DROPOFF_BUCKETS, &first, &last))
			{
				video->viewings++;
				video->stopped[last]++;
			}
		}
	}

	/* when it watched: until its end, or while open its last heartbeat (none: no time) */
	if (!slot->tts_isnull[6])
		ConcurrentAddSpan(receiver->spans, DatumGetTimestampTz(slot->tts_values[4]),
						  DatumGetTimestampTz(slot->tts_values[6]), receiver->range_start, receiver->range_end);
	return true;
}

static void
ReceiverStartup(DestReceiver *self, int operation, TupleDesc typeinfo)
{
}

static void
ReceiverShutdown(DestReceiver *self)
{
}

static void
ReceiverDestroy(DestReceiver *self)
{
}

/* Everything the dashboard says about one video. */
typedef struct VideoEntry
{
	pg_uuid_t	video;			/* hash key */
	int64		views;			/* from the rollups */
	int64		watch_time;
	int64		completions;
	int64		rewatches;
	int64		viewers;		/* from the sessions: distinct students */
	int64		completers;		/* ... of whom completed a session */
	char	   *title;
	bool		described;		/* found in videos */
	bool		duration_null;
	int32		duration;
	int64		average;		/* hundredths */
	int64		rate;			/* hundredths */
	int64		engagement;		/* hundredths */
} VideoEntry;

/* What one day of the range sums to. */
typedef struct DayTotals
{
	int64		views;
	int64		watch_time;
	int64		completions;
	int64		rewatches;
	int64		exits;			/* 1.1: exits before start, stalls and their ms, */
	int64		rebuffers;
	int64		rebuffer_ms;
	bool		has_startups;	/* the startup times' median and 95th */
	double		startup_p50;	/* percentile (none: none reported) */
	double		startup_p95;
} DayTotals;

/* n / d rounded half up to hundredths (n, d >= 0; 0 when d = 0), as SQL's round(x, 2). */
static int64
Hundredths(int128 n, int128 d)
{
	if (d <= 0)
		return 0;
	return (int64) ((200 * n + d) / (2 * d));
}

/*
 * The engagement score of a video, in hundredths: 40 min(average watch time
 * / duration, 1) + 40 completion rate / 100 + 20 min(views / unique
 * viewers, 2) / 2, computed exactly as one fraction and rounded once.
 */
static int64
Engagement(const VideoEntry *v)
{
	int128		num = 0;
	int128		den = 1;

	/* 40 min(W / (V D), 1) */
	if (!v->duration_null && v->duration > 0 && v->views > 0)
	{
		int128		vd = (int128) v->views * v->duration;

		num = 40 * Min((int128) v->watch_time, vd);
		den = vd;
	}
	/* + 40 C / U + 10 min(V, 2 U) / U */
	if (v->viewers > 0)
	{
		int128		part = 40 * (int128) v->completers +
			10 * Min((int128) v->views, 2 * (int128) v->viewers);

		num = num * v->viewers + part * den;
		den = den * v->viewers;
	}
	return Hundredths(num, den);
}

/* Ordered by views (most first), then video id. */
static int
CompareByViews(const void *a, const void *b)
{
	const VideoEntry *x = *(const VideoEntry *const *) a;
	const VideoEntry *y = *(const VideoEntry *const *) b;

	if (x->views != y->views)
		return x->views > y->views ? -1 : 1;
	return memcmp(x->video.data, y->video.data, UUID_LEN);
}

/* Ordered by engagement (highest first), then views, then video id. */
static int
CompareByEngagement(const void *a, const void *b)
{
	const VideoEntry *x = *(const VideoEntry *const *) a;
	const VideoEntry *y = *(const VideoEntry *const *) b;

	if (x->engagement != y->engagement)
		return x->engagement > y->engagement ? -1 : 1;
	return CompareByViews(a, b);
}

/* A hash table in the current memory context. */
static HTAB *
NewTable(const char *name, Size keysize, Size entrysize, long size)
{
	HASHCTL		ctl;

	memset(&ctl, 0, sizeof(ctl));
	ctl.keysize = keysize;
	ctl.entrysize = entrysize;
	ctl.hcxt = CurrentMemoryContext;
	return hash_create(name, size, &ctl, HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
}

/* A date as YYYY-MM-DD, whatever DateStyle says. */
static char *
IsoDate(DateADT date)
{
	int			year,
				month,
				day;

	j2date(date + POSTGRES_EPOCH_JDATE, &year, &month, &day);
	if (year <= 0)
		return psprintf("%04d-%02d-%02d BC", 1 - year, month, day);
	return psprintf("%04d-%02d-%02d", year, month, day);
}

/* JSON building, on one parse state (json_push.h, and these of the dashboard's own). */

/* A number in hundredths, written with two decimals (44.50), as round(x, 2) writes it. */
static void
PushHundredths(JsonbParseState **state, JsonbIteratorToken token, int64 n)
{
	PushNumeric(state, token, int64_div_fast_to_numeric(n, 2));
}

static void
PushUuid(JsonbParseState **state, JsonbIteratorToken token, pg_uuid_t *uuid)
{
	PushString(state, token, ChronosUuidText(uuid));
}

static void
PushDateTime(JsonbParseState **state, JsonbIteratorToken token, Datum value, Oid typid)
{
	/* without a buffer, it returns a string of its own (the value keeps pointing at it) */
	PushString(state, token, JsonEncodeDateTime(NULL, value, typid, NULL));
}

/* A time in milliseconds (exact as a double: at most three decimals), or null. */
static void
PushMillisecondsField(JsonbParseState **state, const char *key, bool known, double ms)
{
	PushNumericField(state, key, known ?
					 DatumGetNumeric(DirectFunctionCall1(float8_numeric, Float8GetDatum(ms))) : NULL);
}

static void
PushHundredthsField(JsonbParseState **state, const char *key, int64 n)
{
	PushKey(state, key);
	PushHundredths(state, WJB_VALUE, n);
}

/* What one call gathers before it writes the document; it all lives in context. */
typedef struct Dashboard
{
	MemoryContext context;
	pg_uuid_t  *creator_id;
	DateADT		from;
	DateADT		to;
	int			ndays;
	text	   *timezone;
	TimestampTz range_start;	/* local midnight starting from */
	TimestampTz range_end;		/* local midnight ending to */

	/* from the sessions */
	int64		nquarters;
	int32	   *quarters;		/* session starts per quarter hour from range_start */
	pairs_hash *pairs;
	students_hash *students;
	int64		active;			/* students with a session that played something */
	int64		npairs;
	int64		completed_pairs;
	int64		nwatched;		/* videos with sessions */
	int64		heatmap[7][24];	/* Monday first, local hours */

	/* from the rollups */
	HTAB	   *videos;			/* VideoEntry by video id, with the sessions' numbers too */
	DayTotals  *days;
	int64		views;
	int64		watch_time;
	int64		completions;
	int64		rewatches;
	bool		have_updated_at;
	TimestampTz updated_at;

	/* the videos, most viewed first, and by engagement */
	long		nvideos;
	VideoEntry **by_views;
	VideoEntry **by_engagement;

	/* the creator's videos: CatalogEntry by video id, rows of video_rows */
	HTAB	   *catalog;
	SPITupleTable *video_rows;	/* kept until SPI_finish */

	/* drop-off points, the largest first; the peak of concurrent viewers */
	HTAB	   *dropoff;
	int			ndropoff;
	DropoffPoint *dropoff_points;
	ViewerSpans spans;			/* of the sessions of the range */
	bool		has_qoe;		/* the rollups have 1.1's quality-of-experience columns */
	Samples		startups;		/* the startup times of the range (group: day - from) */
	bool		has_startups;
	double		startup_p50;
	double		startup_p95;
	int64		peak;
	TimestampTz peak_at;
	TimestampTz peak_until;

	/* transcription costs, most expensive first */
	int			ncosts;
	char	  **cost_methods;
	Numeric    *cost_sums;
	int64	   *cost_counts;

	/* usage_metrics' widgets and videos per student (dashboard_costs.c) */
	DashboardUsage *usage;
} Dashboard;

static VideoEntry *
VideoOf(Dashboard *d, pg_uuid_t *video_id)
{
	bool		found;
	VideoEntry *video = hash_search(d->videos, video_id, HASH_ENTER, &found);

	if (!found)
		memset((char *) video + sizeof(pg_uuid_t), 0, sizeof(VideoEntry) - sizeof(pg_uuid_t));
	return video;
}

/* The creator's zone, and the range as instants; 23503 for an unknown creator. */
static void
ReadCreator(Dashboard *d)
{
	static const Oid types[3] = {UUIDOID, DATEOID, DATEOID};
	Datum		args[3] = {UUIDPGetDatum(d->creator_id), DateADTGetDatum(d->from),
	DateADTGetDatum(d->to)};
	HeapTuple	tuple;
	bool		isnull;
	MemoryContext old_context;

	if (SPI_execute_plan(ChronosKeptPlan(&creator_plan, creator_sql, 3, types),
						 args, NULL, true, 1) != SPI_OK_SELECT)
		elog(ERROR, "could not read creator");
	if (SPI_processed == 0)
		ereport(ERROR,
				(errcode(ERRCODE_FOREIGN_KEY_VIOLATION),
				 errmsg("creator %s does not exist", ChronosUuidText(d->creator_id))));
	tuple = SPI_tuptable->vals[0];
	old_context = MemoryContextSwitchTo(d->context);
	d->timezone = DatumGetTextPCopy(SPI_getbinval(tuple, SPI_tuptable->tupdesc, 1, &isnull));
	MemoryContextSwitchTo(old_context);
	d->range_start = DatumGetTimestampTz(SPI_getbinval(tuple, SPI_tuptable->tupdesc, 2, &isnull));
	d->range_end = DatumGetTimestampTz(SPI_getbinval(tuple, SPI_tuptable->tupdesc, 3, &isnull));
	SPI_freetuptable(SPI_tuptable);
}

/*
 * The creator's videos, once: each into d->catalog (its row is kept for
 * DescribeVideos), and those whose duration is known into d->dropoff.
 */
static void
ReadCreatorVideos(Dashboard *d)
{
	static const Oid types[1] = {UUIDOID};
	Datum		args[1] = {UUIDPGetDatum(d->creator_id)};
	TupleDesc	desc;
	MemoryContext old_context;

	if (SPI_execute_plan(ChronosKeptPlan(&videos_plan, videos_sql, 1, types),
						 args, NULL, true, 0) != SPI_OK_SELECT)
		elog(ERROR, "could not read videos");
	d->video_rows = SPI_tuptable;
	desc = SPI_tuptable->tupdesc;
	old_context = MemoryContextSwitchTo(d->context);
	d->catalog = NewTable("creator_dashboard catalog", sizeof(pg_uuid_t), sizeof(CatalogEntry),
						  Max((long) SPI_processed, 16));
	d->dropoff = NewTable("creator_dashboard drop-off", sizeof(pg_uuid_t), sizeof(DropoffEntry),
						  Max((long) SPI_processed, 16));
	for (uint64 i = 0; i < SPI_processed; i++)
	{
		HeapTuple	tuple = SPI_tuptable->vals[i];
		bool		isnull;
		pg_uuid_t  *id = DatumGetUUIDP(SPI_getbinval(tuple, desc, 1, &isnull));
		Datum		duration = SPI_getbinval(tuple, desc, 2, &isnull);
		CatalogEntry *entry = hash_search(d->catalog, id, HASH_ENTER, NULL);

		entry->row = tuple;
		if (!isnull)
		{
			DropoffEntry *video = hash_search(d->dropoff, id, HASH_ENTER, NULL);

			memset((char *) video + sizeof(pg_uuid_t), 0, sizeof(DropoffEntry) - sizeof(pg_uuid_t));
			video->duration_ms = 1000 * (int64) DatumGetInt32(duration);
		}
	}
	MemoryContextSwitchTo(old_context);
}

/*
 * Runs plan with nargs arguments (of the types, each a constant for the
 * planner) read-only, every row going straight to receiver.
 */
static void
RunIntoReceiver(SPIPlanPtr plan, int nargs, const Oid *types, const Datum *values,
				DestReceiver *receiver, const char *what)
{
	SPIExecuteOptions options;

	receiver->rStartup = ReceiverStartup;
	receiver->rShutdown = ReceiverShutdown;
	receiver->rDestroy = ReceiverDestroy;
	/* not DestNone, which SPI reports as discarded, nor DestSPI, whose tuple table it checks */
	receiver->mydest = DestTuplestore;
	memset(&options, 0, sizeof(options));
	options.params = makeParamList(nargs);
	for (int i = 0; i < nargs; i++)
	{
		options.params->params[i].isnull = false;
		options.params->params[i].pflags = PARAM_FLAG_CONST;
		options.params->params[i].ptype = types[i];
		options.params->params[i].value = values[i];
	}
	options.read_only = true;
	options.dest = receiver;
	if (SPI_execute_plan_extended(plan, &options) != SPI_OK_SELECT)
		elog(ERROR, "could not read %s", what);
}

/* The sessions of the range, straight into d->pairs, d->quarters and d->dropoff. */
static void
ReadSessions(Dashboard *d)
{
	static const Oid types[3] = {UUIDOID, TIMESTAMPTZOID, TIMESTAMPTZOID};
	Datum		values[3] = {UUIDPGetDatum(d->creator_id), TimestampTzGetDatum(d->range_start),
	TimestampTzGetDatum(d->range_end)};
	SessionReceiver receiver;
	MemoryContext old_context = MemoryContextSwitchTo(d->context);

	d->nquarters = (d->range_end - d->range_start) / USECS_PER_QUARTER + 1;
	d->quarters = palloc0(sizeof(int32) * d->nquarters);
	d->pairs = pairs_create(d->context, 4096, NULL);
	MemoryContextSwitchTo(old_context);
	ReadCreatorVideos(d);

	memset(&receiver, 0, sizeof(receiver));
	receiver.pub.receiveSlot = ReceiveSession;
	receiver.pairs = d->pairs;
	receiver.quarters = d->quarters;
	receiver.range_start = d->range_start;
	receiver.range_end = d->range_end;
	receiver.dropoff = d->dropoff;
	ConcurrentInitSpans(&d->spans, d->context);
	receiver.spans = &d->spans;
	RunIntoReceiver(ChronosKeptPlanWithOptions(&sessions_plan, sessions_sql, 3, types,
											   CURSOR_OPT_CUSTOM_PLAN),
					3, types, values, (DestReceiver *) &receiver, "watch sessions");
}

/*
 * From the pairs: viewers and completers per video, the students and
 * whether each played something; from the quarter hours: the heatmap, each
 * quarter hour mapped to its local weekday and hour.
 */
static void
FoldSessions(Dashboard *d)
{
	MemoryContext old_context = MemoryContextSwitchTo(d->context);
	pairs_iterator pair_scan;
	students_iterator student_scan;
	PairEntry  *pair;
	StudentEntry *student;

	d->videos = NewTable("creator_dashboard videos", sizeof(pg_uuid_t), sizeof(VideoEntry), 256);
	d->students = students_create(d->context, 256, NULL);
	pairs_start_iterate(d->pairs, &pair_scan);
	while ((pair = pairs_iterate(d->pairs, &pair_scan)) != NULL)
	{
		VideoEntry *video = VideoOf(d, &pair->key.video);
		bool		found;

		if (video->viewers++ == 0)
			d->nwatched++;
		video->completers += pair->completed;
		student = students_insert(d->students, pair->key.student, &found);
		if (!found)
		{
			student->played = false;
			student->videos = 0;
		}
		student->played |= pair->played;
		student->videos++;
		d->npairs++;
		d->completed_pairs += pair->completed;
	}
	students_start_iterate(d->students, &student_scan);
	while ((student = students_iterate(d->students, &student_scan)) != NULL)
		d->active += student->played;

	for (int64 i = 0; i < d->nquarters; i++)
	{
		Timestamp	local;
		struct pg_tm tm;
		fsec_t		fsec;

		if (d->quarters[i] == 0)
			continue;
		local = DatumGetTimestamp(DirectFunctionCall2(timestamptz_zone, PointerGetDatum(d->timezone),
													  TimestampTzGetDatum(d->range_start + i * USECS_PER_QUARTER)));
		if (timestamp2tm(local, NULL, &tm, &fsec, NULL, NULL) != 0)
			ereport(ERROR,
					(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
					 errmsg("timestamp out of range")));
		/* j2day: 0 is Sunday; the heatmap starts on Monday */
		d->heatmap[(j2day(date2j(tm.tm_year, tm.tm_mon, tm.tm_mday)) + 6) % 7][tm.tm_hour] +=
			d->quarters[i];
	}
	MemoryContextSwitchTo(old_context);
}

/* Each student of the range, by the distinct videos it watched, into the histogram. */
static void
CountVideosPerStudent(Dashboard *d)
{
	students_iterator scan;
	StudentEntry *student;

	students_start_iterate(d->students, &scan);
	while ((student = students_iterate(d->students, &scan)) != NULL)
		DashboardCountStudent(d->usage, student->videos);
}

/* Receives the rollup rows of the range, summing them per video and per day. */
typedef struct RollupReceiver
{
	DestReceiver pub;
	Dashboard  *d;
} RollupReceiver;

/* a + b, or an error: sums of many days of bigint watch times could pass int64 */
static inline int64
AddCount(int64 a, int64 b)
{
	int64		sum;

	if (unlikely(pg_add_s64_overflow(a, b, &sum)))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("bigint out of range")));
	return sum;
}

static bool
ReceiveRollup(TupleTableSlot *slot, DestReceiver *self)
{
	Dashboard  *d = ((RollupReceiver *) self)->d;
	DateADT		day;
	int64		views;
	int64		watch_time;
	int64		completions;
	int64		rewatches;
	VideoEntry *video;
	DayTotals  *totals;

	slot_getallattrs(slot);
	day = DatumGetDateADT(slot->tts_values[1]);
	if (day < d->from || day > d->to)
		return true;
	views = DatumGetInt32(slot->tts_values[2]);
	watch_time = DatumGetInt64(slot->tts_values[3]);
	completions = DatumGetInt32(slot->tts_values[4]);
	rewatches = DatumGetInt32(slot->tts_values[5]);
	if (!d->have_updated_at || DatumGetTimestampTz(slot->tts_values[6]) > d->updated_at)
	{
		d->updated_at = DatumGetTimestampTz(slot->tts_values[6]);
		d->have_updated_at = true;
	}

	video = VideoOf(d, DatumGetUUIDP(slot->tts_values[0]));
	video->views = AddCount(video->views, views);
	video->watch_time = AddCount(video->watch_time, watch_time);
	video->completions = AddCount(video->completions, completions);
	video->rewatches = AddCount(video->rewatches, rewatches);

	totals = &d->days[day - d->from];
	totals->views = AddCount(totals->views, views);
	totals->watch_time = AddCount(totals->watch_time, watch_time);
	totals->completions = AddCount(totals->completions, completions);
	totals->rewatches = AddCount(totals->rewatches, rewatches);
	if (d->has_qoe)
	{
		totals->exits = AddCount(totals->exits, DatumGetInt32(slot->tts_values[7]));
		totals->rebuffers = AddCount(totals->rebuffers, DatumGetInt32(slot->tts_values[8]));
		totals->rebuffer_ms = AddCount(totals->rebuffer_ms, DatumGetInt64(slot->tts_values[9]));
		if (!slot->tts_isnull[10])
		{
			/* the day's startup times (doubles, by value: nothing to keep) */
			ArrayType  *startups = DatumGetArrayTypeP(slot->tts_values[10]);
			Datum	   *values;
			bool	   *nulls;
			int			n;

			deconstruct_array(startups, FLOAT8OID, sizeof(float8), FLOAT8PASSBYVAL, TYPALIGN_DOUBLE,
							  &values, &nulls, &n);
			for (int i = 0; i < n; i++)
				if (!nulls[i])
					SamplesAdd(&d->startups, DatumGetFloat8(values[i]), day - d->from);
		}
	}
	return true;
}

/* The rollups of the range, summed per video (into d->videos) and per day. */
static void
ReadRollups(Dashboard *d)
{
	static const Oid types[3] = {UUIDOID, DATEOID, DATEOID};
	Datum		values[3] = {UUIDPGetDatum(d->creator_id), DateADTGetDatum(d->from),
	DateADTGetDatum(d->to)};
	RollupReceiver receiver;
	SPIPlanPtr	plan;

	d->has_qoe = ChronosHasRelation("video_analytics", "rebuffer_count");
	if (d->has_qoe)
		plan = ChronosKeptPlanWithOptions(&qoe_rollups_plan, qoe_rollups_sql, 3, types,
										  CURSOR_OPT_CUSTOM_PLAN);
	else
		plan = ChronosKeptPlanWithOptions(&rollups_plan, rollups_sql, 3, types,
										  CURSOR_OPT_CUSTOM_PLAN);
	d->days = MemoryContextAllocZero(d->context, sizeof(DayTotals) * d->ndays);
	SamplesInit(&d->startups, d->context);
	memset(&receiver, 0, sizeof(receiver));
	receiver.pub.receiveSlot = ReceiveRollup;
	receiver.d = d;
	RunIntoReceiver(plan, 3, types, values, (DestReceiver *) &receiver, "video analytics");
	for (int i = 0; i < d->ndays; i++)
	{
		d->views = AddCount(d->views, d->days[i].views);
		d->watch_time = AddCount(d->watch_time, d->days[i].watch_time);
		d->completions = AddCount(d->completions, d->days[i].completions);
		d->rewatches = AddCount(d->rewatches, d->days[i].rewatches);
	}
}

/*
 * The startup times' median and 95th percentile (percentile_disc) of each
 * day, then of the whole range: exact, from every session's time that the
 * rollups list, not from their per-video percentiles.
 */
static void
FoldStartups(Dashboard *d)
{
	Samples    *samples = &d->startups;
	Sample	   *by_day;
	int64		i = 0;

	SamplesSortByValue(samples);
	d->has_startups = SamplesPercentile(samples->items, samples->n, 0.5, &d->startup_p50);
	(void) SamplesPercentile(samples->items, samples->n, 0.95, &d->startup_p95);
	by_day = SamplesSortedByGroup(samples, d->ndays);
	while (i < samples->n)
	{
		int32		day = by_day[i].group;
		int64		end = i;

		while (end < samples->n && by_day[end].group == day)
			end++;
		d->days[day].has_startups = SamplesPercentile(&by_day[i], end - i, 0.5, &d->days[day].startup_p50);
		(void) SamplesPercentile(&by_day[i], end - i, 0.95, &d->days[day].startup_p95);
		i = end;
	}
}

/* Title and duration of each video of d->videos, from the creator's videos read first. */
static void
DescribeVideos(Dashboard *d)
{
	TupleDesc	desc = d->video_rows->tupdesc;
	HASH_SEQ_STATUS scan;
	VideoEntry *video;
	MemoryContext old_context = MemoryContextSwitchTo(d->context);

	hash_seq_init(&scan, d->videos);
	while ((video = hash_seq_search(&scan)) != NULL)
	{
		CatalogEntry *entry = hash_search(d->catalog, &video->video, HASH_FIND, NULL);
		Datum		duration;

		if (entry == NULL)
			continue;
		video->described = true;
		video->title = SPI_getvalue(entry->row, desc, 3);
		duration = SPI_getbinval(entry->row, desc, 2, &video->duration_null);
		if (!video->duration_null)
			video->duration = DatumGetInt32(duration);
	}
	MemoryContextSwitchTo(old_context);
}

/* Transcription costs per method, in the order of the document. */
static void
ReadCosts(Dashboard *d)
{
	static const Oid types[3] = {UUIDOID, TIMESTAMPTZOID, TIMESTAMPTZOID};
	Datum		args[3] = {UUIDPGetDatum(d->creator_id), TimestampTzGetDatum(d->range_start),
	TimestampTzGetDatum(d->range_end)};
	MemoryContext old_context;

	if (SPI_execute_plan(ChronosKeptPlanWithOptions(&costs_plan, costs_sql, 3, types,
												CURSOR_OPT_CUSTOM_PLAN),
						 args, NULL, true, 0) != SPI_OK_SELECT)
		elog(ERROR, "could not read transcription costs");
	old_context = MemoryContextSwitchTo(d->context);
	d->ncosts = (int) SPI_processed;
	d->cost_methods = palloc(sizeof(char *) * Max(d->ncosts, 1));
	d->cost_sums = palloc(sizeof(Numeric) * Max(d->ncosts, 1));
	d->cost_counts = palloc(sizeof(int64) * Max(d->ncosts, 1));
	for (int i = 0; i < d->ncosts; i++)
	{
		HeapTuple	tuple = SPI_tuptable->vals[i];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		bool		isnull;

		d->cost_methods[i] = SPI_getvalue(tuple, desc, 1);
		d->cost_sums[i] = DatumGetNumericCopy(SPI_getbinval(tuple, desc, 2, &isnull));
		d->cost_counts[i] = DatumGetInt64(SPI_getbinval(tuple, desc, 3, &isnull));
	}
	MemoryContextSwitchTo(old_context);
	SPI_freetuptable(SPI_tuptable);
}

/* Each video's average, completion rate and engagement, and the videos in both orders. */
static void
RankVideos(Dashboard *d)
{
	MemoryContext old_context = MemoryContextSwitchTo(d->context);
	long		nvideos = hash_get_num_entries(d->videos);
	HASH_SEQ_STATUS scan;
	VideoEntry *video;

	d->by_views = palloc(sizeof(VideoEntry *) * Max(nvideos, 1));
	d->nvideos = 0;
	hash_seq_init(&scan, d->videos);
	while ((video = hash_seq_search(&scan)) != NULL)
	{
		if (!video->described)
			continue;
		video->average = Hundredths(video->watch_time, video->views);
		video->rate = Hundredths(100 * (int128) video->completers, video->viewers);
		video->engagement = Engagement(video);
		d->by_views[d->nvideos++] = video;
	}
	qsort(d->by_views, d->nvideos, sizeof(VideoEntry *), CompareByViews);
	d->by_engagement = palloc(sizeof(VideoEntry *) * Max(d->nvideos, 1));
	memcpy(d->by_engagement, d->by_views, sizeof(VideoEntry *) * d->nvideos);
	qsort(d->by_engagement, d->nvideos, sizeof(VideoEntry *), CompareByEngagement);
	MemoryContextSwitchTo(old_context);
}

/* Most stopped first, then the larger share of the video's viewings, then video id and bucket. */
static int
CompareDropoff(const void *a, const void *b)
{
	const DropoffPoint *x = (const DropoffPoint *) a;
	const DropoffPoint *y = (const DropoffPoint *) b;
	int			c;

	if (x->stopped != y->stopped)
		return x->stopped > y->stopped ? -1 : 1;
	if (x->percent != y->percent)
		return x->percent > y->percent ? -1 : 1;
	c = memcmp(x->video->video.data, y->video->video.data, UUID_LEN);
	if (c != 0)
		return c;
	return (x->bucket > y->bucket) - (x->bucket < y->bucket);
}

/*
 * The largest drop-off points: of every bucket but the last (stopping there
 * is watching to the end) of every video, where sessions of the range
 * stopped, the DASHBOARD_DROPOFF_TOP where most stopped, kept by insertion
 * into a list that short (a range holds tens of thousands of candidates).
 */
static void
RankDropoff(Dashboard *d)
{
	HASH_SEQ_STATUS scan;
	DropoffEntry *video;
	DropoffPoint *top = MemoryContextAlloc(d->context, sizeof(DropoffPoint) * DASHBOARD_DROPOFF_TOP);
	int			n = 0;

	hash_seq_init(&scan, d->dropoff);
	while ((video = hash_seq_search(&scan)) != NULL)
	{
		if (video->viewings == 0)
			continue;
		for (int k = 0; k < DASHBOARD_DROPOFF_BUCKETS - 1; k++)
		{
			DropoffPoint point;
			int			at;

			if (video->stopped[k] == 0)
				continue;
			/* cheaply out: fewer stops than the last of a full list */
			if (n == DASHBOARD_DROPOFF_TOP && video->stopped[k] < top[n - 1].stopped)
				continue;
			point.video = video;
			point.bucket = k;
			point.stopped = video->stopped[k];
			point.percent = Hundredths(100 * (int128) video->stopped[k], video->viewings);
			/* its place in the list, after every point that ranks before it */
			for (at = n; at > 0 && CompareDropoff(&point, &top[at - 1]) < 0; at--)
				;
			if (at >= DASHBOARD_DROPOFF_TOP)
				continue;
			if (n < DASHBOARD_DROPOFF_TOP)
				n++;
			memmove(&top[at + 1], &top[at], sizeof(DropoffPoint) * (n - 1 - at));
			top[at] = point;
		}
	}
	d->dropoff_points = top;
	d->ndropoff = n;
}

/* At most DASHBOARD_TOP ids of the videos with views, in the order given. */
static void
PushTop(JsonbParseState **state, VideoEntry **videos, long nvideos)
{
	pushJsonbValue(state, WJB_BEGIN_ARRAY, NULL);
	for (long i = 0, n = 0; i < nvideos && n < DASHBOARD_TOP; i++)
	{
		if (videos[i]->views == 0)
			continue;
		PushUuid(state, WJB_ELEM, &videos[i]->video);
		n++;
	}
	pushJsonbValue(state, WJB_END_ARRAY, NULL);
}

/* "totals": the range's sums and distinct counts. */
static void
PushTotals(JsonbParseState **state, Dashboard *d)
{
	pushJsonbValue(state, WJB_BEGIN_OBJECT, NULL);
	PushIntField(state, "views", d->views);
	PushIntField(state, "unique_viewers", d->students->members);
	PushIntField(state, "watch_time_seconds", d->watch_time);
	PushHundredthsField(state, "average_watch_time_seconds", Hundredths(d->watch_time, d->views));
	PushHundredthsField(state, "completion_rate",
						Hundredths(100 * (int128) d->completed_pairs, d->npairs));
	PushIntField(state, "active_learners", d->active);
	PushIntField(state, "completions", d->completions);
	PushIntField(state, "rewatches", d->rewatches);
	PushIntField(state, "videos_watched", d->nwatched);
	pushJsonbValue(state, WJB_END_OBJECT, NULL);
}

/* "daily": one object per local day of the range. */
static void
PushDaily(JsonbParseState **state, Dashboard *d)
{
	pushJsonbValue(state, WJB_BEGIN_ARRAY, NULL);
	for (int i = 0; i < d->ndays; i++)
	{
		pushJsonbValue(state, WJB_BEGIN_OBJECT, NULL);
		PushKey(state, "date");
		PushDateTime(state, WJB_VALUE, DateADTGetDatum(d->from + i), DATEOID);
		PushIntField(state, "views", d->days[i].views);
		PushIntField(state, "watch_time_seconds", d->days[i].watch_time);
		PushIntField(state, "completions", d->days[i].completions);
		pushJsonbValue(state, WJB_END_OBJECT, NULL);
	}
	pushJsonbValue(state, WJB_END_ARRAY, NULL);
}

/* "videos": one object per video, most viewed first. */
static void
PushVideos(JsonbParseState **state, Dashboard *d)
{
	pushJsonbValue(state, WJB_BEGIN_ARRAY, NULL);
	for (long i = 0; i < d->nvideos; i++)
	{
		VideoEntry *video = d->by_views[i];

		pushJsonbValue(state, WJB_BEGIN_OBJECT, NULL);
		PushKey(state, "video_id");
		PushUuid(state, WJB_VALUE, &video->video);
		PushKey(state, "title");
		PushString(state, WJB_VALUE, video->title);
		PushKey(state, "duration_seconds");
		if (video->duration_null)
			PushString(state, WJB_VALUE, NULL);
		else
			PushInt(state, WJB_VALUE, video->duration);
		PushIntField(state, "views", video->views);
		PushIntField(state, "unique_viewers", video->viewers);
		PushIntField(state, "watch_time_seconds", video->watch_time);
		PushHundredthsField(state, "average_watch_time_seconds", video->average);
		PushIntField(state, "completions", video->completions);
		PushHundredthsField(state, "completion_rate", video->rate);
		PushIntField(state, "rewatches", video->rewatches);
		PushHundredthsField(state, "engagement_score", video->engagement);
		pushJsonbValue(state, WJB_END_OBJECT, NULL);
	}
	pushJsonbValue(state, WJB_END_ARRAY, NULL);
}

/* "heatmap": session starts per local weekday (rows) and hour (columns). */
static void
PushHeatmap(JsonbParseState **state, Dashboard *d)
{
	pushJsonbValue(state, WJB_BEGIN_ARRAY, NULL);
	for (int day = 0; day < 7; day++)
	{
		pushJsonbValue(state, WJB_BEGIN_ARRAY, NULL);
		for (int hour = 0; hour < 24; hour++)
			PushInt(state, WJB_ELEM, d->heatmap[day][hour]);
		pushJsonbValue(state, WJB_END_ARRAY, NULL);
	}
	pushJsonbValue(state, WJB_END_ARRAY, NULL);
}

/* "costs": transcription costs per transcript method. */
static void
PushCosts(JsonbParseState **state, Dashboard *d)
{
	pushJsonbValue(state, WJB_BEGIN_ARRAY, NULL);
	for (int i = 0; i < d->ncosts; i++)
	{
		pushJsonbValue(state, WJB_BEGIN_OBJECT, NULL);
		PushKey(state, "transcript_method");
		PushString(state, WJB_VALUE, d->cost_methods[i]);
		PushKey(state, "cost");
		PushNumeric(state, WJB_VALUE, d->cost_sums[i]);
		PushIntField(state, "transcriptions", d->cost_counts[i]);
		pushJsonbValue(state, WJB_END_OBJECT, NULL);
	}
	pushJsonbValue(state, WJB_END_ARRAY, NULL);
}

/* Bucket k's start of a video cut into DASHBOARD_DROPOFF_BUCKETS, in seconds to the millisecond (as video_dropoff). */
static Numeric
DropoffBucketStart(const DropoffEntry *video, int64 k)
{
	int64		nb = DASHBOARD_DROPOFF_BUCKETS;

	return WatchMsToSeconds((2 * k * video->duration_ms + nb) / (2 * nb));
}

/* "dropoff_points": the largest drop-off points, ranked. */
static void
PushDropoff(JsonbParseState **state, Dashboard *d)
{
	pushJsonbValue(state, WJB_BEGIN_ARRAY, NULL);
	for (int i = 0; i < d->ndropoff; i++)
	{
		DropoffPoint *point = &d->dropoff_points[i];

		pushJsonbValue(state, WJB_BEGIN_OBJECT, NULL);
		PushIntField(state, "rank", i + 1);
		PushKey(state, "video_id");
		PushUuid(state, WJB_VALUE, &point->video->video);
		PushIntField(state, "bucket", point->bucket);
		PushKey(state, "start_seconds");
		PushNumeric(state, WJB_VALUE, DropoffBucketStart(point->video, point->bucket));
		PushKey(state, "end_seconds");
		PushNumeric(state, WJB_VALUE, DropoffBucketStart(point->video, point->bucket + 1));
		PushIntField(state, "stopped", point->stopped);
		PushIntField(state, "viewings", point->video->viewings);
		PushHundredthsField(state, "stopped_percent", point->percent);
		pushJsonbValue(state, WJB_END_OBJECT, NULL);
	}
	pushJsonbValue(state, WJB_END_ARRAY, NULL);
}

/*
 * "quality_of_experience" (1.1; null at 1.0): the rollups' exits before
 * start, stalls and stalled milliseconds over the range and per day.
 */
static void
PushQoe(JsonbParseState **state, Dashboard *d)
{
	int64		exits = 0;
	int64		rebuffers = 0;
	int64		rebuffer_ms = 0;

	if (!d->has_qoe)
	{
		PushString(state, WJB_VALUE, NULL);
		return;
	}
	for (int i = 0; i < d->ndays; i++)
	{
		exits += d->days[i].exits;
		rebuffers += d->days[i].rebuffers;
		rebuffer_ms += d->days[i].rebuffer_ms;
	}
	pushJsonbValue(state, WJB_BEGIN_OBJECT, NULL);
	PushMillisecondsField(state, "startup_p50_ms", d->has_startups, d->startup_p50);
	PushMillisecondsField(state, "startup_p95_ms", d->has_startups, d->startup_p95);
	PushIntField(state, "exits_before_start", exits);
	PushIntField(state, "rebuffer_count", rebuffers);
	PushIntField(state, "rebuffer_ms", rebuffer_ms);
	PushKey(state, "daily");
	pushJsonbValue(state, WJB_BEGIN_ARRAY, NULL);
	for (int i = 0; i < d->ndays; i++)
	{
		pushJsonbValue(state, WJB_BEGIN_OBJECT, NULL);
		PushKey(state, "date");
		PushDateTime(state, WJB_VALUE, DateADTGetDatum(d->from + i), DATEOID);
		PushMillisecondsField(state, "startup_p50_ms", d->days[i].has_startups, d->days[i].startup_p50);
		PushMillisecondsField(state, "startup_p95_ms", d->days[i].has_startups, d->days[i].startup_p95);
		PushIntField(state, "exits_before_start", d->days[i].exits);
		PushIntField(state, "rebuffer_count", d->days[i].rebuffers);
		PushIntField(state, "rebuffer_ms", d->days[i].rebuffer_ms);
		pushJsonbValue(state, WJB_END_OBJECT, NULL);
	}
	pushJsonbValue(state, WJB_END_ARRAY, NULL);
	pushJsonbValue(state, WJB_END_OBJECT, NULL);
}

/* "peak_concurrent_viewers": the peak over the range, when it began and ended. */
static void
PushPeak(JsonbParseState **state, Dashboard *d)
{
	pushJsonbValue(state, WJB_BEGIN_OBJECT, NULL);
	PushIntField(state, "peak", d->peak);
	PushKey(state, "at");
	if (d->peak > 0)
		PushDateTime(state, WJB_VALUE, TimestampTzGetDatum(d->peak_at), TIMESTAMPTZOID);
	else
		PushString(state, WJB_VALUE, NULL);
	PushKey(state, "until");
	if (d->peak > 0)
		PushDateTime(state, WJB_VALUE, TimestampTzGetDatum(d->peak_until), TIMESTAMPTZOID);
	else
		PushString(state, WJB_VALUE, NULL);
	pushJsonbValue(state, WJB_END_OBJECT, NULL);
}

/* The document (in the caller's memory context). */
static Jsonb *
BuildDocument(Dashboard *d)
{
	JsonbParseState *state = NULL;

	pushJsonbValue(&state, WJB_BEGIN_OBJECT, NULL);
	PushKey(&state, "creator_id");
	PushUuid(&state, WJB_VALUE, d->creator_id);
	PushKey(&state, "from");
	PushDateTime(&state, WJB_VALUE, DateADTGetDatum(d->from), DATEOID);
	PushKey(&state, "to");
	PushDateTime(&state, WJB_VALUE, DateADTGetDatum(d->to), DATEOID);
	PushKey(&state, "timezone");
	PushString(&state, WJB_VALUE, text_to_cstring(d->timezone));
	PushKey(&state, "rollups_updated_at");
	if (d->have_updated_at)
		PushDateTime(&state, WJB_VALUE, TimestampTzGetDatum(d->updated_at), TIMESTAMPTZOID);
	else
		PushString(&state, WJB_VALUE, NULL);
	PushKey(&state, "totals");
	PushTotals(&state, d);
	PushKey(&state, "daily");
	PushDaily(&state, d);
	PushKey(&state, "videos");
	PushVideos(&state, d);
	PushKey(&state, "top_by_views");
	PushTop(&state, d->by_views, d->nvideos);
	PushKey(&state, "top_by_engagement");
	PushTop(&state, d->by_engagement, d->nvideos);
	PushKey(&state, "heatmap");
	PushHeatmap(&state, d);
	PushKey(&state, "costs");
	PushCosts(&state, d);
	PushKey(&state, "dropoff_points");
	PushDropoff(&state, d);
	PushKey(&state, "peak_concurrent_viewers");
	PushPeak(&state, d);
	PushKey(&state, "quality_of_experience");
	PushQoe(&state, d);
	DashboardPushUsage(&state, d->usage);
	return JsonbValueToJsonb(pushJsonbValue(&state, WJB_END_OBJECT, NULL));
}

/*
 * creator_dashboard(p_creator_id, p_from, p_to): the creator's dashboard for
 * its local days p_from to p_to (both included, at most 366); the README
 * describes the document.  The creator itself or the service only.
 */
PG_FUNCTION_INFO_V1(creator_dashboard);
Datum
creator_dashboard(PG_FUNCTION_ARGS)
{
	Dashboard	d;
	const ChronosIdentity *identity;
	ChronosSavedUser saved;
	Jsonb	   *document;

	memset(&d, 0, sizeof(d));
	ChronosRequireArgument(fcinfo, 0, "p_creator_id");
	ChronosRequireArgument(fcinfo, 1, "p_from");
	ChronosRequireArgument(fcinfo, 2, "p_to");
	d.creator_id = PG_GETARG_UUID_P(0);
	d.from = PG_GETARG_DATEADT(1);
	d.to = PG_GETARG_DATEADT(2);
	if (DATE_NOT_FINITE(d.from))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("p_from must be a finite date")));
	if (DATE_NOT_FINITE(d.to))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("p_to must be a finite date")));
	if (d.from > d.to)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("p_from %s is after p_to %s", IsoDate(d.from), IsoDate(d.to)),
				 errhint("The range runs from p_from to p_to, both included.")));
	d.ndays = d.to - d.from + 1;
	if (d.ndays > DASHBOARD_MAX_DAYS)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the range from %s to %s is %d days long",
						IsoDate(d.from), IsoDate(d.to), d.ndays),
				 errhint("Ask for at most %d days at a time.", DASHBOARD_MAX_DAYS)));

	/* the caller, before anything is read */
	identity = ChronosGetIdentity();
	if (!identity->is_service && !ChronosIdentityIsCreator(identity, d.creator_id))
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("permission denied to read the dashboard of creator %s",
						ChronosUuidText(d.creator_id)),
				 errdetail("Only the creator itself or the service may read a creator's dashboard.")));

	d.context = AllocSetContextCreate(CurrentMemoryContext, "creator_dashboard",
									  ALLOCSET_DEFAULT_SIZES);
	ChronosBecomeOwner(&saved);
	ChronosSpiConnect();
	ReadCreator(&d);
	ReadSessions(&d);
	FoldSessions(&d);
	ReadRollups(&d);
	if (d.has_qoe)
		FoldStartups(&d);
	DescribeVideos(&d);
	ReadCosts(&d);
	d.usage = DashboardUsageCreate(d.context, d.creator_id, d.from, d.to);
	DashboardReadUsage(d.usage);
	SPI_finish();
	ChronosRestoreUser(&saved);
	CountVideosPerStudent(&d);

	RankVideos(&d);
	RankDropoff(&d);
	ConcurrentSortSpans(&d.spans);
	d.peak = ConcurrentPeak(&d.spans, &d.peak_at, &d.peak_until);
	document = BuildDocument(&d);
	MemoryContextDelete(d.context);
	PG_RETURN_JSONB_P(document);
}
