/*
 * watch_ranges.c
 *		chronos.watch_ranges: the parts of a video a viewing actually played,
 *		and how many times each was played.
 *
 * The type feeds coverage-based completion (the unique seconds played, not
 * the time spent) and retention curves (retention.c), and counts rewatches
 * instead of losing them.  A value is a canonical sorted array of disjoint
 * segments (watch_ranges.h); every value made here goes through
 * BoundariesToRanges, which builds the canonical form from the start and end
 * boundaries of what was played, and FinishRanges, which bounds its size.
 *
 * Text form: {[0,12.5),[20,31)x2}, in seconds with at most three decimals,
 * a play count written as xN when it is above 1; {} when nothing was played.
 * Input is read as the sum of the ranges it lists: they may come in any
 * order and may overlap (overlapping parts are played once per range that
 * covers them), so the text any value prints reads back as the same value.
 * A range must have start < end ([5,5) is refused, not taken as nothing),
 * positions must be 0 to 2147483.647 seconds with at most millisecond
 * precision (more decimals are refused unless they are zeros: the text form
 * is exact; watch_ranges_add, which takes positions from a player, rounds
 * them instead), and counts must be at least 1.
 *
 * Bounded size: a value holds at most WATCH_RANGES_MAX_SEGMENTS (1024)
 * segments.  When an operation would make more, touching segments (one ends
 * where the next starts, with different plays) are merged, keeping the lower
 * plays, cheapest first (the merge that undercounts the fewest play-seconds),
 * until the value fits: coverage stays exact, only rewatch counts may be
 * undercounted.  When even merging every touching pair leaves more than 1024
 * separate ranges, the operation is refused (program_limit_exceeded): a
 * value never silently loses coverage.
 */
#include "postgres.h"

#include "common/int.h"
#include "fmgr.h"
#include "lib/binaryheap.h"
#include "lib/stringinfo.h"
#include "libpq/pqformat.h"
#include "parser/scansup.h"
#include "utils/builtins.h"
#include "utils/fmgrprotos.h"
#include "utils/numeric.h"

#include "compat.h"
#include "watch_ranges.h"

static void AppendSeconds(StringInfo buf, int32 ms);

/* A start (delta = +plays) or end (delta = -plays) of a played part. */
typedef struct Boundary
{
	int32		pos;
	int32		delta;
} Boundary;

/* qsort order of boundaries: by position (the order at one position does not matter). */
static int
BoundaryCmp(const void *a, const void *b)
{
	int32		pa = ((const Boundary *) a)->pos;
	int32		pb = ((const Boundary *) b)->pos;

	return (pa > pb) - (pa < pb);
}

/* Appends the boundaries of r's segments, already in order, to out; returns how many. */
static int
RangesToBoundaries(const WatchRanges *r, Boundary *out)
{
	for (int i = 0; i < r->nsegments; i++)
	{
		out[2 * i].pos = r->segments[i].start_ms;
		out[2 * i].delta = r->segments[i].plays;
		out[2 * i + 1].pos = r->segments[i].end_ms;
		out[2 * i + 1].delta = -r->segments[i].plays;
	}
	return 2 * r->nsegments;
}

/* Merges two position-ordered boundary arrays into out (na + nb entries). */
static void
MergeBoundaries(const Boundary *a, int na, const Boundary *b, int nb, Boundary *out)
{
	int			i = 0,
				j = 0,
				k = 0;

	while (i < na && j < nb)
		out[k++] = (a[i].pos <= b[j].pos) ? a[i++] : b[j++];
	while (i < na)
		out[k++] = a[i++];
	while (j < nb)
		out[k++] = b[j++];
}

/* A palloc'd value holding segs[0..n-1], which are canonical and at most the limit. */
static WatchRanges *
MakeRanges(const WatchSegment *segs, int n)
{
	WatchRanges *r = palloc(WATCH_RANGES_SIZE(n));

	SET_VARSIZE(r, WATCH_RANGES_SIZE(n));
	r->nsegments = n;
	if (n > 0)
		memcpy(r->segments, segs, n * sizeof(WatchSegment));
	return r;
}

/* A segment of the size limiter: alive ones form a doubly linked list. */
typedef struct MergeNode
{
	WatchSegment seg;
	int			prev;			/* -1 for none */
	int			next;			/* -1 for none */
	uint32		version;		/* bumped whenever seg changes */
	bool		alive;
} MergeNode;

/* A possible merge of node left with the node after it, as they were at versions lv, rv. */
typedef struct MergeCandidate
{
	int64		cost;			/* play-seconds (ms) the merge would undercount */
	int32		start_ms;		/* tie-break: leftmost first */
	int			left;
	int			right;
	uint32		lv;
	uint32		rv;
} MergeCandidate;

typedef struct MergeState
{
	MergeNode  *nodes;
	MergeCandidate *cands;
	int			ncands;
	binaryheap *heap;
} MergeState;

/* binaryheap keeps the largest first: the cheaper candidate is the larger. */
static int
MergeCandidateCmp(Datum a, Datum b, void *arg)
{
	const MergeCandidate *cands = ((MergeState *) arg)->cands;
	const MergeCandidate *ca = &cands[DatumGetInt32(a)];
	const MergeCandidate *cb = &cands[DatumGetInt32(b)];

	if (ca->cost != cb->cost)
		return (ca->cost < cb->cost) ? 1 : -1;
	if (ca->start_ms != cb->start_ms)
		return (ca->start_ms < cb->start_ms) ? 1 : -1;
	return 0;
}

/* Queues the merge of node left with its successor, when they touch. */
static void
PushMergeCandidate(MergeState *ms, int left)
{
	MergeNode  *l = &ms->nodes[left];
	MergeNode  *r;
	MergeCandidate *c;
	const WatchSegment *higher;

	if (left < 0 || l->next < 0)
		return;
	r = &ms->nodes[l->next];
	if (l->seg.end_ms != r->seg.start_ms)
		return;
	Assert(l->seg.plays != r->seg.plays);
	higher = (l->seg.plays > r->seg.plays) ? &l->seg : &r->seg;
	c = &ms->cands[ms->ncands];
	c->cost = (int64) (higher->end_ms - higher->start_ms) *
		(int64) abs(l->seg.plays - r->seg.plays);
	c->start_ms = l->seg.start_ms;
	c->left = left;
	c->right = l->next;
	c->lv = l->version;
	c->rv = r->version;
	binaryheap_add(ms->heap, Int32GetDatum(ms->ncands));
	ms->ncands++;
}

/* Merges node x's successor into x, with the given plays. */
static void
MergeIntoLeft(MergeState *ms, int x, int32 plays)
{
	MergeNode  *l = &ms->nodes[x];
	MergeNode  *r = &ms->nodes[l->next];

	l->seg.end_ms = r->seg.end_ms;
	l->seg.plays = plays;
	l->version++;
	r->alive = false;
	l->next = r->next;
	if (r->next >= 0)
		ms->nodes[r->next].prev = x;
}

/*
 * Brings n canonical segments down to WATCH_RANGES_MAX_SEGMENTS by merging
 * touching ones (module comment); returns the new count, segs rewritten in
 * place.  program_limit_exceeded when the separate ranges alone are too many.
 */
static int
LimitSegments(WatchSegment *segs, int n)
{
	int			runs = 1;
	int			count = n;
	MergeState	ms;

	for (int i = 1; i < n; i++)
		if (segs[i - 1].end_ms != segs[i].start_ms)
			runs++;
	if (runs > WATCH_RANGES_MAX_SEGMENTS)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("watch_ranges value would hold %d separate ranges", runs),
				 errdetail("A watch_ranges value holds at most %d separate ranges, and these do not touch, so merging cannot bring them down without losing coverage.",
						   WATCH_RANGES_MAX_SEGMENTS)));

	/* every merge queues at most two candidates, and there are n - 1 to start with */
	ms.nodes = palloc(n * sizeof(MergeNode));
	ms.cands = palloc(3 * n * sizeof(MergeCandidate));
	ms.ncands = 0;
	ms.heap = binaryheap_allocate(3 * n, MergeCandidateCmp, &ms);
	for (int i = 0; i < n; i++)
	{
		ms.nodes[i].seg = segs[i];
		ms.nodes[i].prev = i - 1;
		ms.nodes[i].next = (i + 1 < n) ? i + 1 : -1;
		ms.nodes[i].version = 0;
		ms.nodes[i].alive = true;
	}
	for (int i = 0; i + 1 < n; i++)
		PushMergeCandidate(&ms, i);

	while (count > WATCH_RANGES_MAX_SEGMENTS)
	{
		MergeCandidate *c;
		MergeNode  *l;
		int			x;

		/* runs <= the limit, so a touching pair is always left while count is over it */
		if (binaryheap_empty(ms.heap))
			elog(ERROR, "watch_ranges size limiter ran out of merges");
		c = &ms.cands[DatumGetInt32(binaryheap_remove_first(ms.heap))];
		l = &ms.nodes[c->left];
		if (!l->alive || l->version != c->lv || l->next != c->right ||
			ms.nodes[c->right].version != c->rv)
			continue;			/* stale: one side changed since it was queued */

		x = c->left;
		MergeIntoLeft(&ms, x, Min(l->seg.plays, ms.nodes[c->right].seg.plays));
		count--;
		/* keep the list canonical: neighbours now equal in plays become one */
		if (l->next >= 0 && ms.nodes[l->next].seg.start_ms == l->seg.end_ms &&
			ms.nodes[l->next].seg.plays == l->seg.plays)
		{
			MergeIntoLeft(&ms, x, l->seg.plays);
			count--;
		}
		if (l->prev >= 0 && ms.nodes[l->prev].seg.end_ms == l->seg.start_ms &&
			ms.nodes[l->prev].seg.plays == l->seg.plays)
		{
			x = l->prev;
			MergeIntoLeft(&ms, x, l->seg.plays);
			count--;
		}
		PushMergeCandidate(&ms, ms.nodes[x].prev);
		PushMergeCandidate(&ms, x);
	}

	/* node 0 is never merged into another, so the list starts there */
	n = 0;
	for (int i = 0; i >= 0; i = ms.nodes[i].next)
		segs[n++] = ms.nodes[i].seg;
	Assert(n == count);
	binaryheap_free(ms.heap);
	pfree(ms.cands);
	pfree(ms.nodes);
	return n;
}

/*
 * The canonical value played by the given boundaries, ordered by position:
 * each position's plays are the sum of the deltas before it.  Adjacent parts
 * with equal plays become one segment, and the size limit is applied.
 */
static WatchRanges *
BoundariesToRanges(const Boundary *b, int nb)
{
	WatchSegment *segs = palloc(Max(nb, 1) * sizeof(WatchSegment));
	int			n = 0;
	int64		plays = 0;
	int32		prev = 0;
	int			i = 0;
	WatchRanges *result;

	while (i < nb)
	{
		int32		pos = b[i].pos;

		if (plays > 0 && pos > prev)
		{
			if (plays > PG_INT32_MAX)
			{
				StringInfoData part;

				initStringInfo(&part);
				appendStringInfoChar(&part, '[');
				AppendSeconds(&part, prev);
				appendStringInfoChar(&part, ',');
				AppendSeconds(&part, pos);
				appendStringInfoChar(&part, ')');
				ereport(ERROR,
						(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
						 errmsg("watch_ranges play count out of range"),
						 errdetail("Part %s would be played " INT64_FORMAT " times; a play count cannot exceed %d.",
								   part.data, plays, PG_INT32_MAX)));
			}
			if (n > 0 && segs[n - 1].end_ms == prev && segs[n - 1].plays == plays)
				segs[n - 1].end_ms = pos;
			else
			{
				segs[n].start_ms = prev;
				segs[n].end_ms = pos;
				segs[n].plays = (int32) plays;
				n++;
			}
		}
		while (i < nb && b[i].pos == pos)
			plays += b[i++].delta;
		prev = pos;
	}
	Assert(plays == 0);

	if (n > WATCH_RANGES_MAX_SEGMENTS)
		n = LimitSegments(segs, n);
	result = MakeRanges(segs, n);
	pfree(segs);
	return result;
}

/* The value with nothing played. */
WatchRanges *
WatchRangesEmpty(void)
{
	return MakeRanges(NULL, 0);
}

/* Raises invalid_parameter_value unless [from_ms, to_ms) is a valid played range. */
static void
CheckRangeMs(int32 from_ms, int32 to_ms)
{
	if (from_ms < 0 || to_ms < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid watch position %d ms", Min(from_ms, to_ms)),
				 errdetail("Positions are counted from the start of the video and cannot be negative.")));
	if (from_ms > to_ms)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid watched range from %d ms to %d ms", from_ms, to_ms),
				 errdetail("A played range cannot end before it starts.")));
}

/* r with [from_ms, to_ms) played once more; see watch_ranges.h. */
WatchRanges *
WatchRangesAdd(const WatchRanges *r, int32 from_ms, int32 to_ms)
{
	Boundary	added[2];
	Boundary   *own;
	Boundary   *all;
	int			nown;
	WatchRanges *result;

	CheckRangeMs(from_ms, to_ms);
	if (from_ms == to_ms)
		return MakeRanges(r->segments, r->nsegments);

	added[0].pos = from_ms;
	added[0].delta = 1;
	added[1].pos = to_ms;
	added[1].delta = -1;
	own = palloc(Max(2 * r->nsegments, 1) * sizeof(Boundary));
	nown = RangesToBoundaries(r, own);
	all = palloc((nown + 2) * sizeof(Boundary));
	MergeBoundaries(own, nown, added, 2, all);
	result = BoundariesToRanges(all, nown + 2);
	pfree(all);
	pfree(own);
	return result;
}

/* a and b played together: plays add up. */
WatchRanges *
WatchRangesUnion(const WatchRanges *a, const WatchRanges *b)
{
	Boundary   *ba = palloc(Max(2 * a->nsegments, 1) * sizeof(Boundary));
	Boundary   *bb = palloc(Max(2 * b->nsegments, 1) * sizeof(Boundary));
	Boundary   *all;
	int			na = RangesToBoundaries(a, ba);
	int			nb = RangesToBoundaries(b, bb);
	WatchRanges *result;

	all = palloc(Max(na + nb, 1) * sizeof(Boundary));
	MergeBoundaries(ba, na, bb, nb, all);
	result = BoundariesToRanges(all, na + nb);
	pfree(all);
	pfree(bb);
	pfree(ba);
	return result;
}

/* Milliseconds played at least once. */
int64
WatchRangesCoverageMs(const WatchRanges *r)
{
	int64		ms = 0;

	for (int i = 0; i < r->nsegments; i++)
		ms += r->segments[i].end_ms - r->segments[i].start_ms;
	return ms;
}

/* Milliseconds played at least once before limit_ms. */
int64
WatchRangesCoverageBeforeMs(const WatchRanges *r, int64 limit_ms)
{
	int64		ms = 0;

	for (int i = 0; i < r->nsegments && r->segments[i].start_ms < limit_ms; i++)
		ms += Min(r->segments[i].end_ms, limit_ms) - r->segments[i].start_ms;
	return ms;
}

/*
 * Milliseconds played counting repeats.  Segments are disjoint within
 * [0, 2^31) ms and plays are below 2^31, so the sum stays below 2^62.
 */
int64
WatchRangesPlaysMs(const WatchRanges *r)
{
	int64		ms = 0;

	for (int i = 0; i < r->nsegments; i++)
		ms += (int64) (r->segments[i].end_ms - r->segments[i].start_ms) * r->segments[i].plays;
	return ms;
}

/* Numeric seconds as milliseconds; see watch_ranges.h. */
int32
WatchSecondsToMs(Numeric seconds, const char *argname)
{
	char	   *text;
	Numeric		ms;
	bool		overflow = false;
	int32		result = 0;

	if (numeric_is_nan(seconds) || numeric_is_inf(seconds))
	{
		text = DatumGetCString(DirectFunctionCall1(numeric_out, NumericGetDatum(seconds)));
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid watch position \"%s\"", text),
				 errdetail("%s must be a finite number of seconds.", argname)));
	}
	if (DatumGetInt32(DirectFunctionCall2(numeric_cmp, NumericGetDatum(seconds),
										  NumericGetDatum(int64_to_numeric(0)))) < 0)
	{
		text = DatumGetCString(DirectFunctionCall1(numeric_out, NumericGetDatum(seconds)));
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid watch position %s", text),
				 errdetail("%s is counted in seconds from the start of the video and cannot be negative.", argname)));
	}
	ms = numeric_mul_opt_error(seconds, int64_to_numeric(1000), &overflow);
	/* rounds to the nearest integer, halves away from zero */
	if (!overflow)
		result = numeric_int4_opt_error(ms, &overflow);
	if (overflow)
	{
		text = DatumGetCString(DirectFunctionCall1(numeric_out, NumericGetDatum(seconds)));
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid watch position %s", text),
				 errdetail("%s cannot exceed 2147483.647 seconds (about 24.8 days).", argname)));
	}
	return result;
}

/* Milliseconds as numeric seconds with no trailing zeros. */
Numeric
WatchMsToSeconds(int64 ms)
{
	int			scale = 3;

	while (scale > 0 && ms % 10 == 0)
	{
		ms /= 10;
		scale--;
	}
	return int64_div_fast_to_numeric(ms, scale);
}

/* Appends ms as seconds with up to three decimals and no trailing zeros. */
static void
AppendSeconds(StringInfo buf, int32 ms)
{
	int			frac = ms % 1000;

	appendStringInfo(buf, "%d", ms / 1000);
	if (frac != 0)
	{
		char		digits[4];
		int			len = 3;

		snprintf(digits, sizeof(digits), "%03d", frac);
		while (digits[len - 1] == '0')
			len--;
		appendStringInfo(buf, ".%.*s", len, digits);
	}
}

/* --- text input -------------------------------------------------------- */

/* Where the parser of a text value is. */
typedef struct RangesParser
{
	const char *input;			/* the whole text, for errors */
	const char *p;				/* the next character */
	const char *range;			/* the start of the range being read */
} RangesParser;

/* Moves past whitespace (as the SQL scanner knows it). */
static void
SkipSpace(RangesParser *ps)
{
	while (*ps->p != '\0' && scanner_isspace(*ps->p))
		ps->p++;
}

/* invalid_text_representation for the whole input, saying what was expected where. */
pg_noreturn static void ReportSyntax(RangesParser *ps, const char *expected);

static void
ReportSyntax(RangesParser *ps, const char *expected)
{
	if (*ps->p == '\0')
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("invalid input syntax for type watch_ranges: \"%s\"", ps->input),
				 errdetail("Expected %s at the end of the input.", expected),
				 errhint("Write the played ranges in seconds as {[start,end),...}, with an optional play count such as x2 after a range, or {} for nothing played.")));
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
			 errmsg("invalid input syntax for type watch_ranges: \"%s\"", ps->input),
			 errdetail("Expected %s at character %d.", expected, (int) (ps->p - ps->input) + 1),
			 errhint("Write the played ranges in seconds as {[start,end),...}, with an optional play count such as x2 after a range, or {} for nothing played.")));
}

/*
 * The text of the range being read, for errors: from its "[" to its ")" and
 * play count, or to the end of the input when it has no ")".
 */
static char *
CurrentRangeText(RangesParser *ps)
{
	const char *end = strchr(ps->range, ')');

	if (end == NULL)
		end = ps->range + strlen(ps->range);
	else
	{
		const char *q = end + 1;

		while (*q != '\0' && scanner_isspace(*q))
			q++;
		if (*q == 'x')
		{
			q++;
			while (*q != '\0' && scanner_isspace(*q))
				q++;
			if (*q == '-')
				q++;
			while (isdigit((unsigned char) *q))
				q++;
			end = q;
		}
		else
			end++;
	}
	while (end > ps->range && scanner_isspace(end[-1]))
		end--;
	return pnstrdup(ps->range, end - ps->range);
}

/*
 * Reads a position in seconds (digits, optionally "." and digits) as
 * milliseconds.  A minus sign, more than millisecond precision or a value
 * past the limit is invalid_parameter_value, naming the range.
 */
static int32
ReadPosition(RangesParser *ps)
{
	const char *start;
	bool		negative = false;
	bool		too_precise = false;
	int64		ms = 0;
	int			decimals = 0;

	if (*ps->p == '-')
	{
		negative = true;
		ps->p++;
	}
	start = ps->p;
	if (!isdigit((unsigned char) *ps->p))
		ReportSyntax(ps, "a number of seconds");
	while (isdigit((unsigned char) *ps->p))
	{
		if (ms <= WATCH_POSITION_MAX_MS)
			ms = ms * 10 + (*ps->p - '0') * 1000;
		ps->p++;
	}
	if (*ps->p == '.')
	{
		ps->p++;
		if (!isdigit((unsigned char) *ps->p))
			ReportSyntax(ps, "a digit after the decimal point");
		while (isdigit((unsigned char) *ps->p))
		{
			if (decimals < 3)
				ms += (*ps->p - '0') * (decimals == 0 ? 100 : decimals == 1 ? 10 : 1);
			else if (*ps->p != '0')
				too_precise = true;
			decimals++;
			ps->p++;
		}
	}

	if (negative)
	{
		char	   *number = pnstrdup(start - 1, ps->p - start + 1);

		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid watch range \"%s\"", CurrentRangeText(ps)),
				 errdetail("Position %s is negative; positions are seconds from the start of the video.", number)));
	}
	if (too_precise)
	{
		char	   *number = pnstrdup(start, ps->p - start);

		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid watch range \"%s\"", CurrentRangeText(ps)),
				 errdetail("Position %s has more than millisecond precision; positions have at most three decimals.", number),
				 errhint("Round positions to the millisecond, or add them with watch_ranges_add, which rounds.")));
	}
	if (ms > WATCH_POSITION_MAX_MS)
	{
		char	   *number = pnstrdup(start, ps->p - start);

		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid watch range \"%s\"", CurrentRangeText(ps)),
				 errdetail("Position %s is past the largest position, 2147483.647 seconds.", number)));
	}
	return (int32) ms;
}

/* Reads a play count after "x": a positive integer up to 2^31 - 1. */
static int32
ReadPlayCount(RangesParser *ps)
{
	const char *start = ps->p;
	int64		count = 0;

	if (*ps->p == '-')
		ps->p++;
	if (!isdigit((unsigned char) *ps->p))
		ReportSyntax(ps, "a play count");
	while (isdigit((unsigned char) *ps->p))
	{
		if (count <= PG_INT32_MAX)
			count = count * 10 + (*ps->p - '0');
		ps->p++;
	}
	if (*start == '-' || count < 1 || count > PG_INT32_MAX)
	{
		char	   *number = pnstrdup(start, ps->p - start);

		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid watch range \"%s\"", CurrentRangeText(ps)),
				 errdetail("Play count %s is out of range; a range is played from 1 to 2147483647 times.", number)));
	}
	return (int32) count;
}

/* Reads one range, [start,end) with an optional xN, at ps->p, and checks start < end. */
static void
ReadRange(RangesParser *ps, int32 *start_ms, int32 *end_ms, int32 *count)
{
	ps->range = ps->p;
	if (*ps->p != '[')
		ReportSyntax(ps, "\"[\"");
	ps->p++;
	SkipSpace(ps);
	*start_ms = ReadPosition(ps);
	SkipSpace(ps);
	if (*ps->p != ',')
		ReportSyntax(ps, "\",\"");
	ps->p++;
	SkipSpace(ps);
	*end_ms = ReadPosition(ps);
	SkipSpace(ps);
	if (*ps->p != ')')
		ReportSyntax(ps, "\")\"");
	ps->p++;
	SkipSpace(ps);
	*count = 1;
	if (*ps->p == 'x')
	{
		ps->p++;
		SkipSpace(ps);
		*count = ReadPlayCount(ps);
	}
	if (*start_ms >= *end_ms)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid watch range \"%s\"", CurrentRangeText(ps)),
				 errdetail("A range must start before it ends.")));
}

/*
 * watch_ranges_in: reads {[start,end)[xN],...}.  Ranges may come in any order
 * and overlap; the value is their sum (module comment).
 */
PG_FUNCTION_INFO_V1(watch_ranges_in);
Datum
watch_ranges_in(PG_FUNCTION_ARGS)
{
	char	   *str = PG_GETARG_CSTRING(0);
	RangesParser ps;
	Boundary   *b;
	int			nb = 0;
	int			cap = 16;
	WatchRanges *result;

	ps.input = str;
	ps.p = str;
	ps.range = str;
	b = palloc(cap * sizeof(Boundary));

	SkipSpace(&ps);
	if (*ps.p != '{')
		ReportSyntax(&ps, "\"{\"");
	ps.p++;
	SkipSpace(&ps);
	if (*ps.p != '}')
	{
		for (;;)
		{
			int32		start_ms;
			int32		end_ms;
			int32		count;

			ReadRange(&ps, &start_ms, &end_ms, &count);
			if (nb + 2 > cap)
			{
				cap *= 2;
				b = repalloc(b, cap * sizeof(Boundary));
			}
			b[nb].pos = start_ms;
			b[nb++].delta = count;
			b[nb].pos = end_ms;
			b[nb++].delta = -count;

			SkipSpace(&ps);
			if (*ps.p == '}')
				break;
			if (*ps.p != ',')
				ReportSyntax(&ps, "\",\" or \"}\"");
			ps.p++;
			SkipSpace(&ps);
		}
	}
	ps.p++;
	SkipSpace(&ps);
	if (*ps.p != '\0')
		ReportSyntax(&ps, "the end of the input after \"}\"");

	qsort(b, nb, sizeof(Boundary), BoundaryCmp);
	result = BoundariesToRanges(b, nb);
	pfree(b);
	PG_RETURN_WATCH_RANGES_P(result);
}

/* watch_ranges_out: {[0,12.5),[20,31)x2}. */
PG_FUNCTION_INFO_V1(watch_ranges_out);
Datum
watch_ranges_out(PG_FUNCTION_ARGS)
{
	WatchRanges *r = PG_GETARG_WATCH_RANGES_P(0);
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfoChar(&buf, '{');
	for (int i = 0; i < r->nsegments; i++)
	{
		const WatchSegment *s = &r->segments[i];

		if (i > 0)
			appendStringInfoChar(&buf, ',');
		appendStringInfoChar(&buf, '[');
		AppendSeconds(&buf, s->start_ms);
		appendStringInfoChar(&buf, ',');
		AppendSeconds(&buf, s->end_ms);
		appendStringInfoChar(&buf, ')');
		if (s->plays != 1)
			appendStringInfo(&buf, "x%d", s->plays);
	}
	appendStringInfoChar(&buf, '}');
	PG_RETURN_CSTRING(buf.data);
}

/* --- binary form ------------------------------------------------------- */

/*
 * watch_ranges_recv: int32 count, then count times int32 start_ms, end_ms,
 * plays.  Only what watch_ranges_send writes is accepted: canonical segments,
 * at most the limit (invalid_binary_representation otherwise).
 */
PG_FUNCTION_INFO_V1(watch_ranges_recv);
Datum
watch_ranges_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	int32		n;
	WatchRanges *r;

	if (buf->len - buf->cursor < (int) sizeof(int32))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("external watch_ranges value too short for its count of ranges")));
	n = (int32) pq_getmsgint(buf, 4);

	if (n < 0 || n > WATCH_RANGES_MAX_SEGMENTS)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid number of ranges %d in external watch_ranges value", n),
				 errdetail("A watch_ranges value holds 0 to %d ranges.", WATCH_RANGES_MAX_SEGMENTS)));
	if (buf->len - buf->cursor < n * 3 * (int) sizeof(int32))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("external watch_ranges value too short for %d ranges", n),
				 errdetail("Each range takes 12 bytes; %d remain.", buf->len - buf->cursor)));
	r = palloc(WATCH_RANGES_SIZE(n));
	SET_VARSIZE(r, WATCH_RANGES_SIZE(n));
	r->nsegments = n;
	for (int i = 0; i < n; i++)
	{
		WatchSegment *s = &r->segments[i];
		const char *problem = NULL;

		s->start_ms = (int32) pq_getmsgint(buf, 4);
		s->end_ms = (int32) pq_getmsgint(buf, 4);
		s->plays = (int32) pq_getmsgint(buf, 4);
		if (s->start_ms < 0)
			problem = "It starts at a negative position.";
		else if (s->start_ms >= s->end_ms)
			problem = "It does not start before it ends.";
		else if (s->plays < 1)
			problem = "Its play count is below 1.";
		else if (i > 0 && s->start_ms < s[-1].end_ms)
			problem = "It starts before the previous range ends.";
		else if (i > 0 && s->start_ms == s[-1].end_ms && s->plays == s[-1].plays)
			problem = "It continues the previous range with the same play count, so the value is not canonical.";
		if (problem)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
					 errmsg("invalid range %d in external watch_ranges value: start %d ms, end %d ms, %d plays",
							i + 1, s->start_ms, s->end_ms, s->plays),
					 errdetail_internal("%s", problem)));
	}
	PG_RETURN_WATCH_RANGES_P(r);
}

/* watch_ranges_send: the binary form watch_ranges_recv reads. */
PG_FUNCTION_INFO_V1(watch_ranges_send);
Datum
watch_ranges_send(PG_FUNCTION_ARGS)
{
	WatchRanges *r = PG_GETARG_WATCH_RANGES_P(0);
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendint32(&buf, r->nsegments);
	for (int i = 0; i < r->nsegments; i++)
	{
		pq_sendint32(&buf, r->segments[i].start_ms);
		pq_sendint32(&buf, r->segments[i].end_ms);
		pq_sendint32(&buf, r->segments[i].plays);
	}
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/* --- functions and operators ------------------------------------------- */

/* coverage: seconds played at least once. */
PG_FUNCTION_INFO_V1(watch_ranges_coverage);
Datum
watch_ranges_coverage(PG_FUNCTION_ARGS)
{
	WatchRanges *r = PG_GETARG_WATCH_RANGES_P(0);

	PG_RETURN_NUMERIC(WatchMsToSeconds(WatchRangesCoverageMs(r)));
}

/* watch_ranges_plays: seconds played counting repeats. */
PG_FUNCTION_INFO_V1(watch_ranges_plays);
Datum
watch_ranges_plays(PG_FUNCTION_ARGS)
{
	WatchRanges *r = PG_GETARG_WATCH_RANGES_P(0);

	PG_RETURN_NUMERIC(WatchMsToSeconds(WatchRangesPlaysMs(r)));
}

/* range_count: the segments stored (separate ranges and parts of different plays). */
PG_FUNCTION_INFO_V1(watch_ranges_range_count);
Datum
watch_ranges_range_count(PG_FUNCTION_ARGS)
{
	WatchRanges *r = PG_GETARG_WATCH_RANGES_P(0);

	PG_RETURN_INT32(r->nsegments);
}

/*
 * watch_ranges_played_segments: the value in the xAPI video profile's
 * played-segments form, "0.000[.]12.000[,]14.000[.]21.000": each segment
 * as start[.]end in seconds with three decimals, in the order of positions
 * (a value keeps no order of time), listed once per play while that makes
 * at most WATCH_RANGES_MAX_SEGMENTS entries, and once each past that (a
 * play count can be as large as an int32: the text stays bounded, and the
 * union, hence the progress computed from it, stays exact); "" for nothing.
 */
PG_FUNCTION_INFO_V1(watch_ranges_played_segments);
Datum
watch_ranges_played_segments(PG_FUNCTION_ARGS)
{
	WatchRanges *r = PG_GETARG_WATCH_RANGES_P(0);
	StringInfoData buf;
	int64		entries = 0;
	bool		per_play;
	bool		first = true;

	for (int32 i = 0; i < r->nsegments; i++)
		entries += r->segments[i].plays;
	per_play = entries <= WATCH_RANGES_MAX_SEGMENTS;

	initStringInfo(&buf);
	for (int32 i = 0; i < r->nsegments; i++)
	{
		const WatchSegment *seg = &r->segments[i];
		int32		times = per_play ? seg->plays : 1;

		for (int32 k = 0; k < times; k++)
		{
			appendStringInfo(&buf, "%s%d.%03d[.]%d.%03d", first ? "" : "[,]",
							 seg->start_ms / 1000, seg->start_ms % 1000,
							 seg->end_ms / 1000, seg->end_ms % 1000);
			first = false;
		}
	}
	PG_RETURN_TEXT_P(cstring_to_text_with_len(buf.data, buf.len));
}

/*
 * watch_ranges_add: the value with [p_from, p_to) played once more; the
 * positions are rounded to the millisecond.  p_from = p_to adds nothing.
 */
PG_FUNCTION_INFO_V1(watch_ranges_add);
Datum
watch_ranges_add(PG_FUNCTION_ARGS)
{
	WatchRanges *r = PG_GETARG_WATCH_RANGES_P(0);
	Numeric		from = PG_GETARG_NUMERIC(1);
	Numeric		to = PG_GETARG_NUMERIC(2);
	int32		from_ms = WatchSecondsToMs(from, "p_from");
	int32		to_ms = WatchSecondsToMs(to, "p_to");

	if (DatumGetInt32(DirectFunctionCall2(numeric_cmp, NumericGetDatum(from),
										  NumericGetDatum(to))) > 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid watched range from %s to %s",
						DatumGetCString(DirectFunctionCall1(numeric_out, NumericGetDatum(from))),
						DatumGetCString(DirectFunctionCall1(numeric_out, NumericGetDatum(to)))),
				 errdetail("p_from must not be after p_to.")));
	PG_RETURN_WATCH_RANGES_P(WatchRangesAdd(r, from_ms, to_ms));
}

/* watch_ranges_union (operator +): both values played, plays added. */
PG_FUNCTION_INFO_V1(watch_ranges_union);
Datum
watch_ranges_union(PG_FUNCTION_ARGS)
{
	WatchRanges *a = PG_GETARG_WATCH_RANGES_P(0);
	WatchRanges *b = PG_GETARG_WATCH_RANGES_P(1);

	PG_RETURN_WATCH_RANGES_P(WatchRangesUnion(a, b));
}

/* Whether two values are equal: canonical values are equal exactly when their bytes are. */
static bool
WatchRangesEqual(const WatchRanges *a, const WatchRanges *b)
{
	return a->nsegments == b->nsegments &&
		memcmp(a->segments, b->segments, a->nsegments * sizeof(WatchSegment)) == 0;
}

/* watch_ranges_eq (operator =). */
PG_FUNCTION_INFO_V1(watch_ranges_eq);
Datum
watch_ranges_eq(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(WatchRangesEqual(PG_GETARG_WATCH_RANGES_P(0), PG_GETARG_WATCH_RANGES_P(1)));
}

/* watch_ranges_ne (operator <>). */
PG_FUNCTION_INFO_V1(watch_ranges_ne);
Datum
watch_ranges_ne(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(!WatchRangesEqual(PG_GETARG_WATCH_RANGES_P(0), PG_GETARG_WATCH_RANGES_P(1)));
}
