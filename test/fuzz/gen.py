#!/usr/bin/env python3
"""test/fuzz/gen.py: writes the calls of the chronos fuzzer.

    gen.py --seed N --calls N --catalog F --pool F --identities F --out DIR

Reads the functions of the extension (--catalog: what test/shell/fuzz.sh
queried from pg_proc, so every function that exists when the fuzzer runs is
called, new ones included), the fixture's ids (--pool) and the identities
(--identities) from JSON files, and writes DIR/calls.sql: one line per call,
line N being call N, each a "SELECT fuzz.run(N, ...)" (test/fuzz/setup.sql).
Binary inputs of chronos.watch_ranges go to DIR/bin/*.bin, PGCOPY files that
fuzz.copy_binary() loads.  DIR/plan.json summarises what was generated.

The same seed, catalog, pool and identities give the same calls, byte for
byte (the fuzzer prints the sha256 of calls.sql).

Arguments come from generators chosen by type (uuid, text, jsonb, numeric,
integer, interval, date, timestamptz, watch_ranges, cstring, boolean, ... and
a NULL-only fallback for a type without one, which plan.json lists) and
refined by the argument's name (p_student_id draws student ids, p_events
event batches, p_buckets bucket counts, p_timezone zone names...).  Each
draw is one of: a coherent value (an id the identity may use, a range a
session can play), a foreign or unknown one, an extreme (NaN, infinities,
the ends of each type's range, huge and deeply nested values), a malformed
one, or NULL.
"""

import argparse
import json
import os
import random
import struct

MAX_I32 = 2**31 - 1
MIN_I32 = -2**31

EVENT_TYPES = [
    "video_imported", "video_transcribed", "video_embedded", "video_added_to_course",
    "video_started", "video_progress", "video_completed", "video_rewatched",
    "video_paused", "video_resumed", "video_seeked", "playback_speed_changed",
]
DEVICE_TYPES = ["desktop", "mobile", "tablet"]
REFERRER_TYPES = ["course_page", "direct_link", "search", "chat_reference"]
ZONES = ["UTC", "Europe/Paris", "Asia/Kathmandu", "Pacific/Kiritimati", "America/St_Johns",
         "Etc/GMT+12", "posix/Europe/Paris", "EST5EDT", "Z", "+14", "-12:00", "UTC+123456789"]
NASTY_TEXT = [
    "", " ", "NULL", "null", "'; DROP TABLE chronos.creators; --", "%s%s%s%n%x%d",
    "\\", "\\x00", "a\nb\tc\r", "\u00e9\u6f22\u5b57\U0001F642", "\u202e\u200b", "../../etc/passwd",
    "x" * 300, "{}", "[]", "{[0,1)}", "00000000-0000-0000-0000-000000000000",
]
# appended to the elements of a long batch: the last one gets an unknown key
BOGUS_LAST_KEY = " || CASE WHEN i = 1000 THEN '{\"bogus\": 1}'::jsonb ELSE '{}' END"
UUID_SPECIAL = ["00000000-0000-0000-0000-000000000000", "ffffffff-ffff-ffff-ffff-ffffffffffff"]


def lit(s):
    """An SQL string literal of s (E'' when it holds a control character or a backslash)."""
    if any(ord(c) < 32 or c == "\\" for c in s):
        out = []
        for c in s:
            if c == "\\":
                out.append("\\\\")
            elif c == "'":
                out.append("''")
            elif ord(c) < 32:
                out.append("\\x%02x" % ord(c))
            else:
                out.append(c)
        return "E'" + "".join(out) + "'"
    return "'" + s.replace("'", "''") + "'"


def typed(value_sql, typ):
    return "%s::%s" % (value_sql, typ)


class Gen:
    def __init__(self, seed, catalog, pool, identities, bindir):
        self.r = random.Random(seed)
        self.catalog = catalog
        self.bindir = bindir
        self.nbin = 0
        self.pool = {}
        self.rows = {}
        for row in pool:
            self.pool.setdefault(row["kind"], []).append(row["id"])
            self.rows[row["id"]] = row
        self.identities = identities
        self.fallback_types = set()

    # --- helpers --------------------------------------------------------

    def chance(self, p):
        return self.r.random() < p

    def pick(self, seq):
        return seq[self.r.randrange(len(seq))]

    def weighted(self, options):
        """options: list of (weight, callable or value)."""
        total = sum(w for w, _ in options)
        x = self.r.random() * total
        for w, v in options:
            x -= w
            if x < 0:
                return v() if callable(v) else v
        v = options[-1][1]
        return v() if callable(v) else v

    def rand_uuid(self):
        return "%08x-%04x-4%03x-8%03x-%012x" % (
            self.r.getrandbits(32), self.r.getrandbits(16), self.r.getrandbits(12),
            self.r.getrandbits(12), self.r.getrandbits(48))

    def ids_of(self, kind, creators=None, students=None):
        out = []
        for i in self.pool.get(kind, []):
            row = self.rows[i]
            if students is not None and kind in ("session", "event", "student"):
                if row["student_id"] in students:
                    out.append(i)
            elif creators is not None:
                if row["creator_id"] in creators:
                    out.append(i)
        return out

    # --- the context of one call: whom it is about ------------------------

    def context(self, ident):
        """Focus rows for coherent arguments: the identity's own, else any."""
        creators = list(ident["acts_creators"])
        students = list(ident["acts_students"])
        for s in students:
            creators.append(self.rows[s]["creator_id"])
        if not creators or self.chance(0.15):
            creators = [self.pick(self.pool["creator"])]
        creator = self.pick(creators)
        own_students = [s for s in students if self.rows[s]["creator_id"] == creator]
        if not own_students:
            own_students = self.ids_of("student", creators=[creator]) or self.pool["student"]
        student = self.pick(own_students)
        videos = self.ids_of("video", creators=[creator]) or self.pool["video"]
        courses = self.ids_of("course", creators=[creator]) or self.pool["course"]
        course = self.pick(courses)
        modules = [m for m in self.pool["module"] if self.rows[m]["course_id"] == course] or self.pool["module"]
        student_only = not ident["acts_creators"] and not ident["is_service"]
        return {"creator": creator, "student": student, "ident": ident, "video": self.pick(videos),
                "course": course if self.chance(0.5) else None,
                "module": self.pick(modules) if self.chance(0.4) else None,
                "student_only": student_only, "coherent": False}

    # --- coherent values: what a well-behaved caller would send ----------

    def coherent_value(self, typ, name, ctx):
        """A value that passes the argument checks and fits the call's context, or None."""
        t = typ.lower()
        n = (name or "").lower()
        if t == "uuid":
            kind = self.uuid_kind(n)
            if kind in ("creator", "student", "video"):
                return typed(lit(ctx[kind]), "uuid")
            if kind in ("course", "module"):
                return typed(lit(ctx[kind]), "uuid") if ctx[kind] else "NULL::uuid"
            if kind == "session":
                if "event" in ctx.get("fn", "") and self.chance(0.7):
                    return "NULL::uuid"
                return "fuzz.open_session(%s, %s)" % (typed(lit(ctx["student"]), "uuid"), typed(lit(ctx["video"]), "uuid"))
            if kind == "event":
                return "fuzz.recent('event', %d)" % self.r.randrange(3) if self.chance(0.3) else typed(lit(self.rand_uuid()), "uuid")
            return None
        if t == "text":
            if "event_type" in n:
                return lit(self.pick(EVENT_TYPES[4:] if ctx["student_only"] else EVENT_TYPES)) + "::text"
            if "device" in n:
                return lit(self.pick(DEVICE_TYPES)) + "::text" if self.chance(0.8) else "NULL::text"
            if "referrer" in n:
                return lit(self.pick(REFERRER_TYPES)) + "::text" if self.chance(0.8) else "NULL::text"
            return lit(self.pick(ZONES[:6])) + "::text"
        if t == "jsonb":
            if "event" in n:
                return self.jlit([self.event_object(ctx, breaks=False) for _ in range(self.r.randrange(1, 6))])
            return self.jlit(self.pick([{}, {}, {"source": "web"}, {"percent": self.r.randrange(101)}]))
        if t == "numeric":
            pair = ctx["seconds_pair"]
            if "from" in n:
                return typed(lit(pair[0]), "numeric")
            if "to" in n:
                return typed(lit(pair[1]), "numeric")
            if "duration" in n:
                return typed(lit(self.pick(["600", "1", "0.001", "3600", "59.5"])), "numeric")
            return typed(lit(self.small_seconds()), "numeric")
        if t == "integer":
            return typed(lit(str(self.r.randrange(1, 1001 if "bucket" in n else 100))), "integer")
        if t == "interval":
            # long enough to leave the sessions of the run open (the random draws close them all at times)
            return typed(lit(self.pick(["1 day", "2 hours", "3 days", "7 days"])), "interval")
        if t == "date":
            pair = ctx["coherent_dates"]
            return pair[0] if "from" in n else pair[1] if "to" in n else pair[0]
        if t == "timestamp with time zone":
            if "since" in n and self.chance(0.3):
                return "NULL::timestamptz"
            return "(now() - interval '%d seconds')::timestamptz" % self.r.randrange(0, 10**6)
        if t == "cstring" or t.endswith("watch_ranges"):
            return "(%s)::%s" % (lit(self.ranges_text(valid_bias=1.0)), typ)
        if t == "boolean":
            return self.pick(["true", "false"])
        return None

    # --- uuid -----------------------------------------------------------

    UUID_KINDS = ["student", "video", "creator", "course", "module", "session", "event", "lesson"]

    def uuid_kind(self, name):
        n = (name or "").lower()
        for k in self.UUID_KINDS:
            if k in n:
                return k
        return None

    def coherent_id(self, kind, ctx):
        creator, student = ctx["creator"], ctx["student"]
        if kind == "creator":
            return lit(creator)
        if kind == "student":
            return lit(student)
        if kind == "session":
            if self.chance(0.5):
                return "fuzz.recent('session', %d)" % self.r.randrange(4)
            ids = self.ids_of("session", students=[student]) or self.pool["session"]
            return lit(self.pick(ids))
        if kind == "event":
            if self.chance(0.5):
                return "fuzz.recent('event', %d)" % self.r.randrange(4)
            return lit(self.pick(self.pool["event"]))
        ids = self.ids_of(kind, creators=[creator]) or self.pool.get(kind) or [self.rand_uuid()]
        return lit(self.pick(ids))

    def gen_uuid(self, name, ctx):
        kind = self.uuid_kind(name) or self.pick(self.UUID_KINDS)
        v = self.weighted([
            (55, lambda: self.coherent_id(kind, ctx)),
            (20, lambda: lit(self.pick(self.pool.get(kind) or self.pool["video"]))),   # any, foreign too
            (8, lambda: lit(self.pick(self.pool[self.pick(list(self.pool))]))),         # another kind's id
            (10, lambda: lit(self.rand_uuid())),                                         # unknown
            (4, lambda: lit(self.pick(UUID_SPECIAL))),
            (3, None),
        ])
        return "NULL::uuid" if v is None else typed(v, "uuid")

    # --- text -----------------------------------------------------------

    def long_text(self):
        n = self.pick([1000, 10000, 100000, 1000000])
        ch = self.pick(["a", "\u6f22", "%s", "'"])
        return "repeat(%s, %d)" % (lit(ch), n)

    def nasty_text(self):
        return self.weighted([
            (6, lambda: lit(self.pick(NASTY_TEXT))),
            (2, self.long_text),
            (2, lambda: lit("".join(chr(self.r.randrange(1, 0x2FF)) for _ in range(self.r.randrange(1, 40))))),
        ])

    def mutate_word(self, word):
        return self.pick([
            word.upper(), " " + word, word + " ", word + "\x01", word[:-1], word + "s",
            word.replace("_", "-"), word + "\u00a0", word * 2,
        ])

    def enum_text(self, values):
        return self.weighted([
            (70, lambda: lit(self.pick(values))),
            (15, lambda: lit(self.mutate_word(self.pick(values)))),
            (10, self.nasty_text),
            (5, None),
        ])

    def gen_text(self, name, ctx, typ="text"):
        n = (name or "").lower()
        if "event_type" in n or n.endswith("type") and "event" in n:
            v = self.enum_text(EVENT_TYPES)
        elif "device" in n:
            v = self.enum_text(DEVICE_TYPES)
        elif "referrer" in n:
            v = self.enum_text(REFERRER_TYPES)
        elif "timezone" in n or n.endswith("_tz") or "zone" in n:
            v = self.enum_text(ZONES)
        else:
            v = self.weighted([
                (30, lambda: lit(self.pick(EVENT_TYPES + DEVICE_TYPES + REFERRER_TYPES + ZONES))),
                (60, self.nasty_text),
                (10, None),
            ])
        return "NULL::%s" % typ if v is None else typed(v, typ)

    # --- numbers --------------------------------------------------------

    NUMERIC_SPECIAL = [
        "0", "-0", "-1", "-0.0001", "0.0004", "0.0005", "0.0015", "1", "30", "2147483.647",
        "2147483.6474", "2147483.6475", "2147483.648", "4294967.296", "1e10", "1e100", "1e1000",
        "1e-1000", "-1e-1000", "0.1234567890123456789", "NaN", "Infinity", "-Infinity",
        "9223372036854775807", "99999999999999999999999999999999999999.9",
    ]

    def small_seconds(self):
        x = self.r.random() * self.pick([1, 10, 100, 700, 5000])
        return ("%.*f" % (self.pick([0, 1, 3, 4]), x))

    def gen_numeric(self, name, ctx):
        n = (name or "").lower()
        pair = ctx.get("seconds_pair")
        if pair and ("from" in n or "to" in n) and self.chance(0.5):
            return typed(lit(pair[0] if "from" in n else pair[1]), "numeric")
        v = self.weighted([
            (55, self.small_seconds),
            (40, lambda: self.pick(self.NUMERIC_SPECIAL)),
            (5, None),
        ])
        return "NULL::numeric" if v is None else typed(lit(v), "numeric")

    def seconds_pair(self):
        """A heartbeat: [from, to) as a player would send, or a broken one."""
        a = round(self.r.random() * self.pick([5, 60, 120, 600]), self.pick([0, 1, 3, 5]))
        b = a + round(self.r.random() * self.pick([0.001, 1, 5, 20]), self.pick([0, 3, 4]))
        if self.chance(0.05):
            a, b = b, a
        return ("%r" % a, "%r" % b)

    def gen_int(self, name, ctx, typ="integer", lo=MIN_I32, hi=MAX_I32):
        n = (name or "").lower()
        if "bucket" in n:
            v = self.weighted([
                (60, lambda: str(self.r.randrange(1, 1001))),
                (30, lambda: self.pick(["0", "-1", "1", "1000", "1001", str(hi), str(lo)])),
                (10, None),
            ])
        else:
            v = self.weighted([
                (40, lambda: str(self.r.randrange(-5, 200))),
                (50, lambda: self.pick(["0", "-1", "1", "100", "1000", "1001", str(hi), str(lo),
                                        str(hi - 1), str(lo + 1)])),
                (10, None),
            ])
        return "NULL::%s" % typ if v is None else typed(lit(v), typ)

    def gen_float(self, name, ctx, typ):
        v = self.weighted([
            (40, lambda: "%g" % (self.r.random() * 1000)),
            (50, lambda: self.pick(["0", "-0", "1", "-1", "1e308", "-1e308", "1e-320", "NaN",
                                    "Infinity", "-Infinity", "16", "16.000001", "0.999999"])),
            (10, None),
        ])
        return "NULL::%s" % typ if v is None else typed(lit(v), typ)

    # --- time -----------------------------------------------------------

    def gen_interval(self, name, ctx):
        v = self.weighted([
            (40, lambda: self.pick(["1 day", "2 days", "100 years", "1 hour 30 minutes", "7 days",
                                    "30 minutes", "1 mon", "P1D", "PT45M"])),
            (45, lambda: self.pick(["0", "1 microsecond", "-1 microsecond", "-1 day", "-1 mon",
                                    "1 mon -31 days", "-1 mon 31 days", "178000000 years",
                                    "-178000000 years", "1 day -86400 seconds", "2147483647 days",
                                    "-2147483648 days", "00:00:00.000001", "-00:00:01"])),
            (15, None),
        ])
        return "NULL::interval" if v is None else typed(lit(v), "interval")

    DATES = ["4714-11-24 BC", "4713-01-01 BC", "1-01-01", "1970-01-01", "2000-02-29", "294276-12-31",
             "294277-01-01", "5874896-12-31", "5874897-12-31", "infinity", "-infinity"]

    def rel_date(self, days):
        return "(current_date %s %d)" % ("+" if days >= 0 else "-", abs(days))

    def gen_date(self, name, ctx):
        n = (name or "").lower()
        pair = ctx.get("date_pair")
        if pair and ("from" in n or "to" in n) and self.chance(0.8):
            return pair[0] if "from" in n else pair[1]
        v = self.weighted([
            (50, lambda: self.rel_date(self.r.randrange(-400, 10))),
            (40, lambda: typed(lit(self.pick(self.DATES)), "date")),
            (10, lambda: "NULL::date"),
        ])
        return v

    def date_pair(self):
        def d(x):
            return typed(lit(x), "date")
        return self.weighted([
            (40, lambda: (lambda a, span: (self.rel_date(a), self.rel_date(a + span)))(
                self.r.randrange(-400, 3), self.pick([0, 0, 1, 6, 29, 30, 364, 365, 366, 400, -1]))),
            (10, lambda: (d("4714-11-24 BC"), d("4714-11-24 BC"))),
            (10, lambda: (d("4714-11-24 BC"), d("4713-11-23 BC"))),
            (10, lambda: (d("5874897-12-31"), d("5874897-12-31"))),
            (10, lambda: (d("294276-12-31"), d("294276-12-31"))),
            (5, lambda: (d("294276-12-30"), d("294277-01-02"))),
            (5, lambda: (d("-infinity"), d("infinity"))),
            (5, lambda: (d("4714-11-24 BC"), d("5874897-12-31"))),
            (5, lambda: (d("2024-02-29"), d("2025-02-28"))),
            (5, lambda: ("NULL::date", self.rel_date(0))),
        ])

    TIMESTAMPS = ["4714-11-24 00:00:00+00 BC", "4714-11-23 23:00:00-01 BC", "294276-12-31 23:59:59.999999+00",
                  "infinity", "-infinity", "epoch",
                  "2000-01-01 00:00:00+00", "1999-12-31 23:59:59.999999+14", "2026-03-29 01:30:00 Europe/Paris",
                  "1900-01-01 00:00:00+00"]

    def gen_timestamp(self, name, ctx, typ="timestamptz"):
        v = self.weighted([
            (45, lambda: "(now() %s interval '%d seconds')" % (self.pick("+-"), self.r.randrange(0, 10**7))),
            (45, lambda: typed(lit(self.pick(self.TIMESTAMPS)), typ)),
            (10, lambda: "NULL::%s" % typ),
        ])
        return v if v.startswith("NULL") else typed(v, typ)

    # --- json -----------------------------------------------------------

    def json_scalar(self):
        return self.pick([0, -1, 1.5, 1e300, "", "x", True, False, None, "\u6f22",
                          "2026-11-27T10:00:00Z", 12345678901234567890])

    def json_value(self, depth=0):
        if depth > 3 or self.chance(0.5):
            return self.json_scalar()
        if self.chance(0.5):
            return [self.json_value(depth + 1) for _ in range(self.r.randrange(0, 4))]
        return {self.pick(["a", "", "milestone", "cost", "cost_usd", "transcript_method", "percent",
                           "\u00e9", "k%d" % self.r.randrange(9)]): self.json_value(depth + 1)
                for _ in range(self.r.randrange(0, 4))}

    def big_json_sql(self):
        return self.pick([
            "(SELECT jsonb_object_agg('k' || i, i) FROM generate_series(1, %d) AS i)" % self.pick([1000, 20000]),
            "jsonb_build_object('s', repeat('x', %d))" % self.pick([100000, 1000000]),
            "(SELECT jsonb_agg(i) FROM generate_series(1, %d) AS i)" % self.pick([1000, 100000]),
            "(repeat('{\"a\": ', %d) || '1' || repeat('}', %d))::jsonb" % ((lambda d: (d, d))(self.pick([100, 1000, 5000]))),
            "(repeat('[', %d) || repeat(']', %d))::jsonb" % ((lambda d: (d, d))(self.pick([100, 1000, 5000]))),
            "('{\"a\": ' || repeat('[', %d) || repeat(']', %d) || '}')::jsonb" % ((lambda d: (d, d))(self.pick([1000, 5000]))),
        ])

    def jlit(self, value):
        return typed(lit(json.dumps(value, ensure_ascii=False)), "jsonb")

    def gen_metadata(self):
        return self.weighted([
            (35, lambda: self.jlit({})),
            (25, lambda: self.jlit(self.json_value(1) if self.chance(0.2) else
                                   {"source": "web", "percent": self.r.randrange(101)})),
            (15, lambda: self.jlit(self.pick([[], [1, 2], 1, "x", None, True, 0.5, {"": {}}]))),
            (10, self.big_json_sql),
            (10, lambda: self.jlit(self.json_value())),
            (5, lambda: "NULL::jsonb"),
        ])

    def bad_uuid_string(self):
        u = self.rand_uuid()
        return self.pick([
            "", "not-a-uuid", u[:-1], u + "0", u.upper(), "{" + u + "}", "{" + u, u.replace("-", ""),
            u[:8] + "--" + u[9:], "-" + u, u + "-", "g" + u[1:], " " + u, u.replace("-", "", 1),
            "{" + u.replace("-", "") + "}", u[:4] + "-" + u[4:].replace("-", ""),
        ])

    def bad_timestamp_string(self):
        return self.pick([
            "2026-13-45T10:00:00Z", "infinity", "-infinity", "294277-01-01T00:00:00Z",
            "4714-11-23T00:00:00Z BC", "epoch", "now", "today", "allballs", "", "not a time",
            "2026-11-27T10:00:00+25:00", "2026-11-27T10:00:00Z" + "0" * 1000, "10:00", "J2451187",
            "2026-11-27 10:00:00 Mars/Olympus",
        ])

    def event_object(self, ctx, breaks=True):
        """An element of p_events: valid, or (breaks) broken in one or more ways."""
        creator, student = ctx["creator"], ctx["student"]
        videos = self.ids_of("video", creators=[creator]) or self.pool["video"]
        e = {"event_type": self.pick(EVENT_TYPES[4:] if ctx["student_only"] or self.chance(0.6) else EVENT_TYPES),
             "video_id": self.pick(videos), "creator_id": creator}
        if self.chance(0.6) or ctx["student_only"]:
            e["student_id"] = student
        if self.chance(0.2):
            e["course_id"] = self.pick(self.ids_of("course", creators=[creator]) or self.pool["course"])
        if self.chance(0.15):
            e["module_id"] = self.pick(self.pool["module"])
        if self.chance(0.3):
            e["metadata"] = self.json_value(1) if self.chance(0.7) else self.pick([[], 1, "x"])
        if self.chance(0.3):
            e["timestamp"] = self.pick(["2026-11-27T10:00:00Z", "2000-01-01 00:00:00+00",
                                        "1999-12-31T23:59:59.999999-14:00"])
        if self.chance(0.3):
            e["event_id"] = self.pick(self.pool["event"]) if self.chance(0.3) else self.rand_uuid()
        if self.chance(0.1):
            e["session_id"] = self.pick(self.pool["session"])
        for _ in range(self.weighted([(60, 0), (30, 1), (10, 2)]) if breaks else 0):
            self.break_event(e)
        return e

    def break_event(self, e):
        keys = ["event_type", "video_id", "creator_id", "student_id", "course_id", "module_id",
                "metadata", "timestamp", "event_id", "session_id"]
        k = self.pick(keys)
        how = self.r.randrange(6)
        if how == 0:
            e.pop(k, None)
        elif how == 1:
            e[k] = None
        elif how == 2:
            e[k] = self.pick([1, 1.5, True, [], {}, [self.rand_uuid()], {"id": self.rand_uuid()}])
        elif how == 3:
            e[k] = self.bad_uuid_string() if k.endswith("_id") else (
                self.bad_timestamp_string() if k == "timestamp" else self.mutate_word(str(e.get(k, "x")) or "x"))
        elif how == 4:
            e[self.pick(["p_event_type", "eventType", "", "video", "extra", "Video_id", "\u00e9"])] = 1
        else:
            e[k] = self.rand_uuid() if k.endswith("_id") else self.json_scalar()

    def gen_events(self, ctx):
        def batch(n):
            elems = []
            for _ in range(n):
                if self.chance(0.05):
                    elems.append(self.pick([1, "x", None, [], [{}], True]))
                elif elems and self.chance(0.1):
                    # a retry inside the batch: the same event id, same or different content
                    prev = next((x for x in reversed(elems) if isinstance(x, dict)), None)
                    if prev is not None:
                        dup = dict(prev)
                        dup.setdefault("event_id", self.rand_uuid())
                        prev["event_id"] = dup["event_id"]
                        if self.chance(0.5):
                            dup["metadata"] = {"different": True}
                        elems.append(dup)
                        continue
                    elems.append(self.event_object(ctx))
                else:
                    elems.append(self.event_object(ctx))
            return self.jlit(elems)
        return self.weighted([
            (60, lambda: batch(self.r.randrange(1, 6))),
            (10, lambda: batch(self.pick([0, 20, 100]))),
            (10, lambda: self.jlit(self.pick([{}, 1, "x", None, {"event_type": "video_started"}, [[]]]))),
            # a long batch; mostly refused (an unknown key at the end), so that
            # the tables, which every call checksums, stay small
            (4, lambda: "(SELECT jsonb_agg(jsonb_build_object('event_type', 'video_progress', 'video_id', %s, "
                        "'creator_id', %s, 'metadata', jsonb_build_object('i', i))%s) FROM generate_series(1, 1000) AS i)"
                        % (lit(self.pick(self.ids_of("video", creators=[ctx["creator"]]) or self.pool["video"])),
                           lit(ctx["creator"]), self.pick(["", BOGUS_LAST_KEY, BOGUS_LAST_KEY]))),
            (7, self.big_json_sql),
            (5, lambda: "NULL::jsonb"),
        ])

    def gen_jsonb(self, name, ctx, typ="jsonb"):
        n = (name or "").lower()
        if "event" in n:
            v = self.gen_events(ctx)
        else:
            v = self.gen_metadata()
        if typ != "jsonb":
            v = "(%s)::%s" % (v, typ)
        return v

    # --- watch_ranges ---------------------------------------------------

    def ranges_text(self, valid_bias=0.6):
        """Text for chronos.watch_ranges: a list of ranges, or something broken."""
        if self.chance(valid_bias):
            n = self.pick([0, 1, 2, 3, 5, 10, 30])
            parts = []
            for _ in range(n):
                a = self.r.randrange(0, 700000)
                b = a + self.r.randrange(1, 60000)
                s = "[%s,%s)" % (self.ms_text(a), self.ms_text(b))
                if self.chance(0.3):
                    s += "x%d" % self.pick([1, 2, 3, 100, MAX_I32])
                parts.append(s)
            sep = self.pick([",", ", ", " ,\t"])
            return self.pick(["{", " {", "{ "]) + sep.join(parts) + self.pick(["}", " }", "}\n"])
        return self.pick([
            "", "{", "}", "{}}", "{[0,1)", "{[0,1),}", "{[0 1)}", "[0,1)", "{(0,1)}", "{[0,1]}",
            "{[a,b)}", "{[0,1)x}", "{[0,1)x0}", "{[0,1)x-1}", "{[0,1)x2147483648}",
            "{[0,1)x99999999999999999999}", "{[1,0)}", "{[5,5)}", "{[-1,2)}", "{[-0,2)}",
            "{[0.0001,1)}", "{[0.1000,1)}", "{[2147483.647,2147483.648)}", "{[0,2147483.647)}",
            "{[99999999999999999999,1)}", "{[0,1)} x", "{[0,1)}garbage", "{[0,1)x2 x3}",
            "{[0,1)x 2}", "{[.5,1)}", "{[5.,6)}", "{[1e3,2e3)}", "{[+1,2)}", "{[\u0663,4)}",
            "{[0,1)x2147483647,[0,1)}", "{[0,1)x2147483647,[0.5,2)x2147483647}", "{[0,1)x1,[1,2)x1}",
            "{[0,1),[0,1),[0,1)}", "{[0,1)X2}", "{[0,1)\u00d72}", "{,}", "{[,)}", "{[0,)}",
            "{[0,1),[2,3)}x2", "\u00a0{}", "{}\u00a0", "{[0,1)x+2}", "{[0,1)x02}",
        ])

    def ms_text(self, ms):
        s = "%d.%03d" % divmod(ms, 1000)
        return self.pick([s, s.rstrip("0").rstrip("."), s + "0", s + "0001" if self.chance(0.05) else s])

    def ranges_sql(self):
        """An SQL text expression for chronos.watch_ranges: a literal or a generated big one."""
        return self.weighted([
            (80, lambda: lit(self.ranges_text())),
            (5, lambda: "(SELECT '{' || string_agg(format('[%%s,%%s)', 2 * i, 2 * i + 1), ',') || '}' "
                        "FROM generate_series(0, %d) AS i)" % self.pick([1023, 1024, 1025, 5000])),
            (5, lambda: "(SELECT '{' || string_agg(format('[%%s,%%s)x%%s', i, i + 1, 1 + i %% 3), ',') || '}' "
                        "FROM generate_series(0, %d) AS i)" % self.pick([1024, 2000, 20000])),
            (4, lambda: "('{' || repeat('[0,1),', %d) || '[0,1)}')" % self.pick([1000, 100000])),
            (3, lambda: "('{' || repeat(' ', %d) || '}')" % self.pick([1000, 1000000])),
            (3, lambda: "(SELECT '{' || string_agg(format('[%%s.%%s,%%s)x%%s', i %% 997, i %% 1000, i %% 997 + 2, "
                        "2147483647 - i), ',') || '}' FROM generate_series(0, %d) AS i)" % self.pick([50, 3000])),
        ])

    def gen_watch_ranges(self, name, ctx, typ):
        if self.chance(0.05):
            return "NULL::%s" % typ
        return "(%s)::%s" % (self.ranges_sql(), typ)

    def gen_cstring(self, name, ctx):
        if self.chance(0.03):
            return "NULL::cstring"
        if self.chance(0.85):
            return "(%s)::cstring" % self.ranges_sql()
        return "(%s)::cstring" % self.nasty_text()

    # --- other built-in types -------------------------------------------

    def gen_bool(self, name, ctx):
        return self.pick(["true", "false", "NULL::boolean"])

    def gen_bytea(self, name, ctx):
        return self.weighted([
            (40, lambda: "'\\x%s'::bytea" % "".join("%02x" % self.r.randrange(256) for _ in range(self.r.randrange(0, 40)))),
            (20, lambda: "'\\x'::bytea"),
            (20, lambda: "decode(repeat('ff', %d), 'hex')" % self.pick([1000, 100000])),
            (20, lambda: "NULL::bytea"),
        ])

    def gen_array(self, elem_typ, name, ctx, typ):
        if self.chance(0.1):
            return "NULL::%s" % typ
        n = self.pick([0, 1, 2, 5, 100])
        elems = [self.gen_value(elem_typ, name, ctx) for _ in range(min(n, 5))]
        if n == 100:
            elems = elems * 20
        return "ARRAY[%s]::%s" % (", ".join(elems), typ)

    def gen_value(self, typ, name, ctx):
        if ctx.get("coherent"):
            v = self.coherent_value(typ, name, ctx)
            if v is not None:
                return v
        t = typ.lower()
        if t.endswith("[]"):
            return self.gen_array(typ[:-2], name, ctx, typ)
        if t == "uuid":
            return self.gen_uuid(name, ctx)
        if t in ("text", "character varying", "character", "name", "citext", '"char"'):
            return self.gen_text(name, ctx, typ)
        if t in ("jsonb", "json"):
            return self.gen_jsonb(name, ctx, typ)
        if t == "numeric":
            return self.gen_numeric(name, ctx)
        if t == "integer":
            return self.gen_int(name, ctx)
        if t == "bigint":
            return self.gen_int(name, ctx, "bigint", -2**63, 2**63 - 1)
        if t == "smallint":
            return self.gen_int(name, ctx, "smallint", -2**15, 2**15 - 1)
        if t in ("double precision", "real"):
            return self.gen_float(name, ctx, typ)
        if t == "interval":
            return self.gen_interval(name, ctx)
        if t == "date":
            return self.gen_date(name, ctx)
        if t in ("timestamp with time zone", "timestamp without time zone"):
            return self.gen_timestamp(name, ctx, "timestamptz" if "with time zone" in t else "timestamp")
        if t == "boolean":
            return self.gen_bool(name, ctx)
        if t == "bytea":
            return self.gen_bytea(name, ctx)
        if t == "cstring":
            return self.gen_cstring(name, ctx)
        if t.endswith("watch_ranges"):
            return self.gen_watch_ranges(name, ctx, typ)
        if t.endswith("video_event_type"):
            # only valid labels: a bad one fails in enum_in, before chronos is called
            return self.pick(["%s::%s" % (lit(x), typ) for x in EVENT_TYPES] + ["NULL::%s" % typ])
        self.fallback_types.add(typ)
        return "NULL::%s" % typ

    # --- identities -----------------------------------------------------

    def malformed_identity(self):
        """An identity whose claims or settings are broken (or merely odd)."""
        u = self.pick(self.pool["creator"])
        s = self.pick(self.pool["student"])
        ident = {"name": None, "db_role": "chronos_fuzz_user", "claims": "", "claim_role": "",
                 "claim_sub": "", "creator_setting": "", "student_setting": "",
                 "is_service": False, "acts_creators": [], "acts_students": []}
        how = self.r.randrange(5)
        if how == 0:
            claims = self.pick([
                "{", "}", "[]", "[{}]", '"str"', "123", "null", "true", "{\"role\": 1}", "{\"sub\": {}}",
                "{\"sub\": []}", "{\"sub\": null, \"role\": null}", "{\"creator_id\": \"not-a-uuid\"}",
                "{\"creator_id\": 42}", "{\"student_id\": \"%s\"}" % s[:-1], "{\"creator_id\": \"{%s}\"}" % u,
                "{\"creator_id\": \"%s\"}" % u.upper(), "{\"creator_id\": \"%s\"}" % u.replace("-", ""),
                "{\"role\": \"service_role\", \"role\": \"anon\"}", "{\"role\": \"anon\", \"role\": \"service_role\"}",
                "{\"sub\": \"\"}", "{\"sub\": \"user_alice\", \"sub\": \"user_sam\"}", "{'sub': 'user_sam'}",
                "{\"sub\": \"user_sam\"} trailing", "{\"sub\": \"\\u0000\"}", "{\"sub\": \"\\ud800\"}",
                "{\"a\": {\"creator_id\": 5}, \"creator_id\": \"%s\"}" % u, "{\"creator_id\": [\"%s\"]}" % u,
                "{\"role\": \"SERVICE_ROLE\"}", "{\"role\": \"service_role \"}", "\ufeff{}", " ",
                "{\"sub\": \"%s\"}" % ("x" * 100000),
            ])
            ident["name"] = "malformed claims: " + claims[:40]
            ident["claims"] = claims
        elif how == 1:
            depth = self.pick([100, 1000, 5000, 100000])
            claims = "{\"x\": " + "[" * depth + "]" * depth + ", \"creator_id\": \"%s\"}" % u
            ident["name"] = "malformed claims: nested %d deep" % depth
            ident["claims"] = claims
            ident["acts_creators"] = [u]
        elif how == 2:
            ident["claim_role"] = self.pick(["service_role ", "SERVICE_ROLE", "anon", "x" * 10000, "\u00e9", "service_role"])
            ident["claim_sub"] = self.pick(["", "user_sam", "user_alice", "x" * 100000, "'", "\\", "%s"])
            ident["name"] = "odd claim settings: %r %r" % (ident["claim_role"][:20], ident["claim_sub"][:20])
        else:
            bad = self.pick(["not-a-uuid", "{%s}" % u, u.upper(), u.replace("-", ""), u[:-1], " " + u,
                             "g" + u[1:], u + ",", "x" * 100000, "null", self.rand_uuid(), "%s"])
            if how == 3:
                ident["creator_setting"] = bad
            else:
                ident["student_setting"] = bad
            ident["name"] = "odd chronos.%s_id: %s" % ("creator" if how == 3 else "student", bad[:40])
        if self.chance(0.2):
            ident["db_role"] = ""
            ident["is_service"] = True
            ident["name"] += " (as superuser)"
        return ident

    # --- calls ----------------------------------------------------------

    def settings(self):
        out = []
        if self.chance(0.05):
            out += ["chronos.completion_threshold", str(self.r.randrange(1, 101))]
        if self.chance(0.03):
            out += ["chronos.session_timeout", self.pick(["1s", "45min", "2h", "7d", "1"])]
        if self.chance(0.03):
            out += ["chronos.max_playback_rate", self.pick(["1", "16", "2.5"])]
        return out

    def function_call(self, fn, args_sql):
        name = "chronos.%s" % fn["name"]
        if fn["prokind"] == "p":
            return "CALL %s(%s)" % (name, ", ".join(args_sql))
        if fn["retset"]:
            return "SELECT * FROM %s(%s)" % (name, ", ".join(args_sql))
        return "SELECT %s(%s)" % (name, ", ".join(args_sql))

    def call_args(self, fn, ctx, null_at=None):
        """The argument list, positional or named; NULL at position null_at."""
        types, names = fn["argtypes"], fn["argnames"]
        n = len(types)
        ndef = fn["ndefaults"]
        if null_at is None and ndef and self.chance(0.3):
            keep = n - self.r.randrange(0, ndef + 1)
        else:
            keep = n
        out = []
        use_names = null_at is None and all(names) and self.chance(0.2)
        # a coherent call (all arguments fit together, as a well-behaved caller
        # sends them), maybe with one argument drawn at random; or all at random
        coherent = null_at is not None or self.chance(0.55)
        fault = self.r.randrange(n) if coherent and null_at is None and n and self.chance(0.5) else None
        for i in range(keep):
            ctx["coherent"] = coherent and i != fault
            v = "NULL::%s" % types[i] if i == null_at or null_at == "all" else self.gen_value(types[i], names[i], ctx)
            out.append("%s => %s" % (names[i], v) if use_names else v)
        ctx["coherent"] = False
        if use_names:
            self.r.shuffle(out)
        return out

    def aggregate_call(self, fn, ctx):
        ctx["coherent"] = self.chance(0.5)
        try:
            return self.aggregate_call_args(fn, ctx)
        finally:
            ctx["coherent"] = False

    def aggregate_call_args(self, fn, ctx):
        types, names = fn["argtypes"], fn["argnames"]
        name = "chronos.%s" % fn["name"]
        if types and types[0].endswith("watch_ranges") and self.chance(0.3):
            rest = [self.gen_value(t, nm, ctx) for t, nm in zip(types[1:], names[1:])]
            parallel = self.chance(0.6)
            settings = (["max_parallel_workers_per_gather", "2", "parallel_setup_cost", "0",
                         "parallel_tuple_cost", "0", "min_parallel_table_scan_size", "0",
                         "parallel_leader_participation", self.pick(["on", "off"])] if parallel else [])
            where = self.pick(["", " WHERE id <= 10", " WHERE false", " WHERE w IS NULL"])
            return ("SELECT %s(w, %s) FROM fuzz.ranges%s" % (name, ", ".join(rest), where)), settings
        nrows = self.pick([0, 1, 1, 2, 3])
        cols = ["a%d" % i for i in range(len(types))]
        rows = []
        for _ in range(max(nrows, 1)):
            rows.append("(%s)" % ", ".join(self.gen_value(t, nm, ctx) for t, nm in zip(types, names)))
        sql = "SELECT %s(%s) FROM (VALUES %s) AS v (%s)%s" % (
            name, ", ".join(cols), ", ".join(rows), ", ".join(cols), " WHERE false" if nrows == 0 else "")
        return sql, []

    def binary_payload(self):
        r = self.r
        def segs(n, canonical=True):
            out, pos = [], r.randrange(0, 1000)
            for _ in range(n):
                start = pos + (r.randrange(0, 3) if canonical else r.randrange(-5, 5))
                end = start + r.randrange(1, 1000)
                plays = r.randrange(1, 4)
                out.append((start, end, plays))
                pos = end
            return out
        def pack(n, sl, extra=b""):
            return struct.pack(">i", n) + b"".join(struct.pack(">iii", *s) for s in sl) + extra
        how = r.randrange(14)
        if how == 0:
            n = r.randrange(0, 6)
            return "valid", pack(n, segs(n))
        if how == 1:
            return "count -1", pack(-1, [])
        if how == 2:
            return "count 1025", pack(1025, segs(1025))
        if how == 3:
            return "count 1024", pack(1024, segs(1024))
        if how == 4:
            return "count past the data", pack(r.choice([1, 5, 1000, MAX_I32]), segs(1))
        if how == 5:
            return "trailing bytes", pack(0, [], bytes([r.randrange(256)]))
        if how == 6:
            return "negative start", pack(1, [(-5, 10, 1)])
        if how == 7:
            return "empty range", pack(1, [(5, 5, 1)])
        if how == 8:
            return "plays 0", pack(1, [(0, 5, r.choice([0, -1, MIN_I32]))])
        if how == 9:
            return "overlapping", pack(2, [(0, 10, 1), (5, 20, 2)])
        if how == 10:
            return "touching, same plays", pack(2, [(0, 10, 2), (10, 20, 2)])
        if how == 11:
            return "random bytes", bytes(r.randrange(256) for _ in range(r.randrange(0, 64)))
        if how == 12:
            return "end at int max", pack(1, [(MAX_I32 - 1, MAX_I32, MAX_I32)])
        return "unordered", pack(2, [(100, 200, 1), (0, 50, 1)])

    def binary_call(self):
        what, payload = self.binary_payload()
        self.nbin += 1
        path = os.path.join(self.bindir, "%05d.bin" % self.nbin)
        data = b"PGCOPY\n\xff\r\n\x00" + struct.pack(">ii", 0, 0)
        data += struct.pack(">h", 1) + struct.pack(">i", len(payload)) + payload
        data += struct.pack(">h", -1)
        with open(path, "wb") as f:
            f.write(data)
        os.chmod(path, 0o644)
        return what, "SELECT * FROM fuzz.copy_binary(%s)" % lit(path)


def run_line(cid, fn_name, signature, kind, ident, settings, sql):
    if "$fz$" in sql:
        raise SystemExit("gen.py: a generated call contains $fz$")
    arr = "ARRAY[%s]::text[]" % ", ".join(lit(s) for s in settings) if settings else "'{}'::text[]"
    line = "SELECT fuzz.run(%d, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, $fz$%s$fz$);" % (
        cid, lit(fn_name), lit(signature), lit(kind), lit(ident["name"]), lit(ident["db_role"]),
        lit(ident["claims"]), lit(ident["claim_role"]), lit(ident["claim_sub"]),
        lit(ident["creator_setting"]), lit(ident["student_setting"]), arr, sql)
    if "\n" in line:
        raise SystemExit("gen.py: a generated call spans lines")
    return line


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--calls", type=int, default=12000)
    ap.add_argument("--catalog", required=True)
    ap.add_argument("--pool", required=True)
    ap.add_argument("--identities", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--selftest-crash", type=int, default=0,
                    help="make call N end its own backend, to check that fuzz.sh notices and goes on")
    a = ap.parse_args()

    with open(a.catalog) as f:
        catalog = json.load(f)
    with open(a.pool) as f:
        pool = json.load(f)
    with open(a.identities) as f:
        identities = json.load(f)
    bindir = os.path.join(a.out, "bin")
    os.makedirs(bindir, exist_ok=True)
    os.chmod(bindir, 0o755)
    g = Gen(a.seed, catalog, pool, identities, bindir)

    callable_fns, skipped = [], []
    for fn in catalog:
        if any(t == "internal" for t in fn["argtypes"]):
            skipped.append({"function": "%s(%s)" % (fn["name"], fn["signature"]),
                            "why": "takes type internal: not callable from SQL (reached through its aggregate or type)"})
            continue
        fn["kind"] = ("returns trigger" if fn["rettype"] == "trigger" else
                      "aggregate" if fn["prokind"] == "a" else
                      "procedure" if fn["prokind"] == "p" else "plain")
        callable_fns.append(fn)
    if not callable_fns:
        raise SystemExit("gen.py: the catalog lists no callable function")

    by_name = {i["name"]: i for i in identities}
    systematic_idents = [by_name[n] for n in ("superuser", "service_role claim", "creator 1 by creator_id claim",
                                              "student 1 by student_id claim", "anonymous") if n in by_name]
    lines = []

    def emit(fn, ident, settings, sql, fn_name=None, kind=None, signature=None):
        lines.append(run_line(len(lines) + 1, fn_name or fn["name"], fn["signature"] if signature is None else signature,
                              kind or fn["kind"], ident, settings, sql))

    def make_call(fn, ident, null_at=None):
        ctx = g.context(ident)
        ctx["fn"] = fn["name"]
        ctx["seconds_pair"] = g.seconds_pair()
        ctx["date_pair"] = g.date_pair()
        start = g.r.randrange(-400, 1)
        ctx["coherent_dates"] = (g.rel_date(start), g.rel_date(start + g.r.randrange(0, 31)))
        if fn["kind"] == "aggregate" and null_at is None:
            sql, settings = g.aggregate_call(fn, ctx)
            return sql, settings + g.settings()
        return g.function_call(fn, g.call_args(fn, ctx, null_at)), g.settings()

    # 1. systematic: NULL in each argument, and in all, as each kind of caller
    for fn in callable_fns:
        positions = list(range(len(fn["argtypes"]))) + (["all"] if len(fn["argtypes"]) > 1 else [])
        for pos in positions or [None]:
            for ident in systematic_idents:
                sql, settings = make_call(fn, ident, pos)
                emit(fn, ident, settings, sql)

    # 2. random calls, each function about as often as the others; about one
    # in eight as a caller with malformed claims; binary input of watch_ranges
    n_binary = max(200, a.calls // 40)
    remaining = max(a.calls - len(lines) - n_binary, 0)
    plan = [("fn", callable_fns[i % len(callable_fns)]) for i in range(remaining)] + [("binary", None)] * n_binary
    g.r.shuffle(plan)
    superuser = by_name.get("superuser") or identities[0]
    for what, fn in plan:
        if what == "binary":
            desc, sql = g.binary_call()
            emit(None, superuser, [], sql, fn_name="watch_ranges_recv", kind="binary input",
                 signature="binary COPY: " + desc)
            continue
        ident = g.malformed_identity() if g.chance(0.125) else g.pick(identities)
        sql, settings = make_call(fn, ident)
        emit(fn, ident, settings, sql)

    if 0 < a.selftest_crash <= len(lines):
        lines[a.selftest_crash - 1] = run_line(a.selftest_crash, "self-test: the backend ends", "", "plain", superuser, [],
                                               "SELECT pg_terminate_backend(pg_backend_pid())")
    with open(os.path.join(a.out, "calls.sql"), "w") as f:
        f.write("\n".join(lines) + "\n")
    summary = {
        "seed": a.seed,
        "calls": len(lines),
        "functions": sorted("%s(%s)" % (fn["name"], fn["signature"]) for fn in callable_fns),
        "skipped": skipped,
        "binary_inputs": g.nbin,
        "types_without_generator": sorted(g.fallback_types),
    }
    with open(os.path.join(a.out, "plan.json"), "w") as f:
        json.dump(summary, f, indent=1)


if __name__ == "__main__":
    main()
