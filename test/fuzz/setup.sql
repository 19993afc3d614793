-- test/fuzz/setup.sql: the fuzzer's schema, fixture and call wrapper.
--
-- Run by test/shell/fuzz.sh as a superuser in a database where chronos is
-- installed, before the calls test/fuzz/gen.py generates.  Everything of the
-- fuzzer's own lives in schema fuzz; the fixture rows live in chronos's
-- tables, with fixed ids of the form K000000N-0000-4000-8000-000000000000 (K:
-- 1 creator, 2 student, 3 video, 4 course, 5 module, 6 lesson, 7 session,
-- 8 event), which gen.py reads back from fuzz.pool.

\set ON_ERROR_STOP 1
SET client_min_messages = warning;

CREATE SCHEMA fuzz;
GRANT USAGE ON SCHEMA fuzz TO PUBLIC;

-- The roles the calls run as: an ordinary role, governed by row-level
-- security (its identity comes from the claims and settings of each call),
-- and a BYPASSRLS role (the service by its role).  Roles are cluster-wide:
-- test/run.sh drops them after the file; a standalone run drops its cluster.
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'chronos_fuzz_user') THEN
        CREATE ROLE chronos_fuzz_user NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'chronos_fuzz_bypass') THEN
        CREATE ROLE chronos_fuzz_bypass NOLOGIN BYPASSRLS;
    END IF;
END
$$;

-- Fixture -------------------------------------------------------------------
--
-- Four creators in zones with odd offsets (+14, -3:30, +5:45); alice owns two
-- companies; sam learns from two creators; bob is creator 2 and a student of
-- creator 1; ann learns from creators 1 and 4.  Videos of every source, with
-- durations unknown, 1 s, and the largest integer; published, draft and
-- deleted courses; open, ended, completed, stale and nearly full sessions.

INSERT INTO chronos.creators (id, whop_company_id, whop_user_id, name, timezone, is_active) VALUES
  ('10000001-0000-4000-8000-000000000000', 'co_alice_1', 'user_alice', 'Alice 1', 'UTC', true),
  ('10000002-0000-4000-8000-000000000000', 'co_bob', 'user_bob', 'Bob', 'Pacific/Kiritimati', true),
  ('10000003-0000-4000-8000-000000000000', 'co_carol', 'user_carol', 'Carol', 'America/St_Johns', false),
  ('10000004-0000-4000-8000-000000000000', 'co_alice_2', 'user_alice', 'Alice 2', 'Asia/Kathmandu', true);

INSERT INTO chronos.students (id, creator_id, whop_user_id, name) VALUES
  ('20000001-0000-4000-8000-000000000000', '10000001-0000-4000-8000-000000000000', 'user_sam', 'Sam at 1'),
  ('20000002-0000-4000-8000-000000000000', '10000001-0000-4000-8000-000000000000', 'user_ann', 'Ann at 1'),
  ('20000003-0000-4000-8000-000000000000', '10000002-0000-4000-8000-000000000000', 'user_sam', 'Sam at 2'),
  ('20000004-0000-4000-8000-000000000000', '10000001-0000-4000-8000-000000000000', 'user_bob', 'Bob at 1'),
  ('20000005-0000-4000-8000-000000000000', '10000003-0000-4000-8000-000000000000', 'user_tess', 'Tess at 3'),
  ('20000006-0000-4000-8000-000000000000', '10000004-0000-4000-8000-000000000000', 'user_ann', 'Ann at 4');

INSERT INTO chronos.videos (id, creator_id, title, source_type, duration_seconds, is_deleted,
                            youtube_video_id, mux_playback_id, embed_type, embed_id, storage_path) VALUES
  ('30000001-0000-4000-8000-000000000000', '10000001-0000-4000-8000-000000000000', 'ten minutes', 'youtube', 600, false, 'yt1', NULL, NULL, NULL, NULL),
  ('30000002-0000-4000-8000-000000000000', '10000001-0000-4000-8000-000000000000', 'unknown length', 'mux', NULL, false, NULL, 'mux2', NULL, NULL, NULL),
  ('30000003-0000-4000-8000-000000000000', '10000001-0000-4000-8000-000000000000', 'longest', 'upload', 2147483647, false, NULL, NULL, NULL, NULL, 'up/3'),
  ('30000004-0000-4000-8000-000000000000', '10000001-0000-4000-8000-000000000000', 'one second', 'loom', 1, false, NULL, NULL, 'loom', 'loom4', NULL),
  ('30000005-0000-4000-8000-000000000000', '10000002-0000-4000-8000-000000000000', 'two minutes', 'youtube', 120, false, 'yt5', NULL, NULL, NULL, NULL),
  ('30000006-0000-4000-8000-000000000000', '10000002-0000-4000-8000-000000000000', 'an hour', 'vimeo', 3600, false, NULL, NULL, 'vimeo', 'vim6', NULL),
  ('30000007-0000-4000-8000-000000000000', '10000003-0000-4000-8000-000000000000', 'a minute', 'wistia', 59, false, NULL, NULL, 'wistia', 'wis7', NULL),
  ('30000008-0000-4000-8000-000000000000', '10000004-0000-4000-8000-000000000000', 'deleted', 'upload', 7200, true, NULL, NULL, NULL, NULL, 'up/8');

INSERT INTO chronos.courses (id, creator_id, title, is_published, is_deleted) VALUES
  ('40000001-0000-4000-8000-000000000000', '10000001-0000-4000-8000-000000000000', 'published', true, false),
  ('40000002-0000-4000-8000-000000000000', '10000001-0000-4000-8000-000000000000', 'draft', false, false),
  ('40000003-0000-4000-8000-000000000000', '10000002-0000-4000-8000-000000000000', 'bob published', true, false),
  ('40000004-0000-4000-8000-000000000000', '10000004-0000-4000-8000-000000000000', 'deleted', true, true),
  ('40000005-0000-4000-8000-000000000000', '10000001-0000-4000-8000-000000000000', 'empty', true, false);

INSERT INTO chronos.course_modules (id, course_id, title, display_order) VALUES
  ('50000001-0000-4000-8000-000000000000', '40000001-0000-4000-8000-000000000000', 'first', 1),
  ('50000002-0000-4000-8000-000000000000', '40000001-0000-4000-8000-000000000000', 'no lessons', 2),
  ('50000003-0000-4000-8000-000000000000', '40000002-0000-4000-8000-000000000000', 'draft module', 1),
  ('50000004-0000-4000-8000-000000000000', '40000003-0000-4000-8000-000000000000', 'bob module', 1),
  ('50000005-0000-4000-8000-000000000000', '40000004-0000-4000-8000-000000000000', 'deleted module', 1);

INSERT INTO chronos.module_lessons (id, module_id, video_id, lesson_order, is_required) VALUES
  ('60000001-0000-4000-8000-000000000000', '50000001-0000-4000-8000-000000000000', '30000001-0000-4000-8000-000000000000', 1, true),
  ('60000002-0000-4000-8000-000000000000', '50000001-0000-4000-8000-000000000000', '30000002-0000-4000-8000-000000000000', 2, true),
  ('60000003-0000-4000-8000-000000000000', '50000001-0000-4000-8000-000000000000', '30000003-0000-4000-8000-000000000000', 3, false),
  ('60000004-0000-4000-8000-000000000000', '50000003-0000-4000-8000-000000000000', '30000004-0000-4000-8000-000000000000', 1, true),
  ('60000005-0000-4000-8000-000000000000', '50000004-0000-4000-8000-000000000000', '30000005-0000-4000-8000-000000000000', 1, true),
  ('60000006-0000-4000-8000-000000000000', '50000004-0000-4000-8000-000000000000', '30000006-0000-4000-8000-000000000000', 2, false),
  ('60000007-0000-4000-8000-000000000000', '50000005-0000-4000-8000-000000000000', '30000008-0000-4000-8000-000000000000', 1, true);

-- Sessions start in the past so that heartbeats pass the speed guard.
INSERT INTO chronos.video_watch_sessions
    (id, video_id, student_id, course_id, module_id, session_start, last_heartbeat_at, session_end,
     watched, watch_time_seconds, watch_time_ms, percent_complete, last_position_seconds, device_type)
VALUES
  ('70000001-0000-4000-8000-000000000000', '30000001-0000-4000-8000-000000000000', '20000001-0000-4000-8000-000000000000',
   '40000001-0000-4000-8000-000000000000', '50000001-0000-4000-8000-000000000000',
   now() - interval '1 day', now() - interval '2 hours', NULL, '{[0,100)}', 100, 100000, 16, 100, 'desktop'),
  ('70000002-0000-4000-8000-000000000000', '30000001-0000-4000-8000-000000000000', '20000001-0000-4000-8000-000000000000',
   NULL, NULL, now() - interval '3 days', now() - interval '3 days', now() - interval '3 days' + interval '1 hour',
   '{[0,580)}', 580, 580000, 96, 580, 'mobile'),
  ('70000003-0000-4000-8000-000000000000', '30000001-0000-4000-8000-000000000000', '20000002-0000-4000-8000-000000000000',
   NULL, NULL, now() - interval '10 minutes', now() - interval '10 seconds', NULL, '{[0,60)}', 60, 60000, 10, 60, 'tablet'),
  ('70000004-0000-4000-8000-000000000000', '30000005-0000-4000-8000-000000000000', '20000003-0000-4000-8000-000000000000',
   '40000003-0000-4000-8000-000000000000', NULL, now() - interval '2 days', NULL, NULL, '{}', 0, 0, 0, NULL, NULL),
  ('70000005-0000-4000-8000-000000000000', '30000002-0000-4000-8000-000000000000', '20000004-0000-4000-8000-000000000000',
   NULL, NULL, now() - interval '1 hour', now() - interval '1 minute', NULL, '{[10,20)x3}', 30, 30000, 0, 20, NULL),
  ('70000006-0000-4000-8000-000000000000', '30000003-0000-4000-8000-000000000000', '20000001-0000-4000-8000-000000000000',
   NULL, NULL, now() - interval '20 days', now() - interval '1 day', NULL,
   (SELECT ('{' || string_agg(format('[%s,%s)', 2 * i, 2 * i + 1), ',') || '}')::chronos.watch_ranges
      FROM generate_series(0, 1019) AS i),
   1020, 1020000, 0, 2039, NULL),
  ('70000007-0000-4000-8000-000000000000', '30000007-0000-4000-8000-000000000000', '20000005-0000-4000-8000-000000000000',
   NULL, NULL, '2000-01-01 00:00:00+00', NULL, NULL, '{}', 0, 0, 0, NULL, NULL),
  ('70000008-0000-4000-8000-000000000000', '30000008-0000-4000-8000-000000000000', '20000006-0000-4000-8000-000000000000',
   NULL, NULL, now() - interval '5 days', now() - interval '5 days', NULL, '{[0,1.5)x2147483647}', 3, 3000, 0, 1.5, NULL),
  ('70000009-0000-4000-8000-000000000000', '30000004-0000-4000-8000-000000000000', '20000001-0000-4000-8000-000000000000',
   NULL, NULL, now() - interval '1 day', now() - interval '1 day', NULL, '{[0,1)}', 1, 1000, 100, 1, NULL);

INSERT INTO chronos.video_analytics_events (id, event_type, video_id, creator_id, student_id, session_id, metadata, "timestamp") VALUES
  ('80000001-0000-4000-8000-000000000000', 'video_started', '30000001-0000-4000-8000-000000000000', '10000001-0000-4000-8000-000000000000',
   '20000001-0000-4000-8000-000000000000', '70000001-0000-4000-8000-000000000000', '{}', now() - interval '1 day'),
  ('80000002-0000-4000-8000-000000000000', 'video_transcribed', '30000001-0000-4000-8000-000000000000', '10000001-0000-4000-8000-000000000000',
   NULL, NULL, '{"transcript_method": "whisper", "cost_usd": "0.12"}', now() - interval '2 days'),
  ('80000003-0000-4000-8000-000000000000', 'video_transcribed', '30000005-0000-4000-8000-000000000000', '10000002-0000-4000-8000-000000000000',
   NULL, NULL, '{"transcript_method": 7, "cost": 1e300}', now() - interval '2 days'),
  ('80000004-0000-4000-8000-000000000000', 'video_transcribed', '30000005-0000-4000-8000-000000000000', '10000002-0000-4000-8000-000000000000',
   NULL, NULL, '{"cost": "-99999999999999999999999999999.999999999999999999999999999999"}', now() - interval '1 day'),
  ('80000005-0000-4000-8000-000000000000', 'video_progress', '30000005-0000-4000-8000-000000000000', '10000002-0000-4000-8000-000000000000',
   '20000003-0000-4000-8000-000000000000', '70000004-0000-4000-8000-000000000000', '{"milestone": 10}', now());

INSERT INTO chronos.video_analytics (video_id, creator_id, "date", views, unique_viewers, total_watch_time_seconds,
                                     average_watch_time_seconds, completions, completion_rate) VALUES
  ('30000001-0000-4000-8000-000000000000', '10000001-0000-4000-8000-000000000000', current_date - 1, 3, 2, 740, 246.67, 1, 50),
  ('30000005-0000-4000-8000-000000000000', '10000002-0000-4000-8000-000000000000', current_date, 2147483647, 2147483647,
   9223372036854775807, 1e20, 2147483647, 100);

-- The pools gen.py draws ids from, with their relations.
CREATE VIEW fuzz.pool AS
    SELECT 'creator' AS kind, id, id AS creator_id, NULL::uuid AS student_id, NULL::uuid AS video_id,
           NULL::uuid AS course_id, NULL::uuid AS module_id
      FROM chronos.creators
    UNION ALL SELECT 'student', id, creator_id, id, NULL, NULL, NULL FROM chronos.students
    UNION ALL SELECT 'video', id, creator_id, NULL, id, NULL, NULL FROM chronos.videos
    UNION ALL SELECT 'course', id, creator_id, NULL, NULL, id, NULL FROM chronos.courses
    UNION ALL SELECT 'module', id, creator_id, NULL, NULL, course_id, id FROM chronos.course_modules
    UNION ALL SELECT 'lesson', id, creator_id, NULL, video_id, NULL, module_id FROM chronos.module_lessons
    UNION ALL SELECT 'session', id, creator_id, student_id, video_id, course_id, module_id
      FROM chronos.video_watch_sessions
    UNION ALL SELECT 'event', id, creator_id, student_id, video_id, course_id, module_id
      FROM chronos.video_analytics_events;

-- The identities the calls are made as.  db_role '' is the session user
-- (postgres, a superuser: the service by bypassing RLS); the rest set the
-- role, then the claims and settings chronos reads (an empty value is
-- absent).  acts_creators / acts_students are what the identity should
-- resolve to, which gen.py uses to make calls that pass the permission
-- checks often enough to reach the code behind them.
CREATE TABLE fuzz.identities (
    name            text PRIMARY KEY,
    db_role         text NOT NULL DEFAULT 'chronos_fuzz_user',
    claims          text NOT NULL DEFAULT '',
    claim_role      text NOT NULL DEFAULT '',
    claim_sub       text NOT NULL DEFAULT '',
    creator_setting text NOT NULL DEFAULT '',
    student_setting text NOT NULL DEFAULT '',
    is_service      boolean NOT NULL DEFAULT false,
    acts_creators   uuid[] NOT NULL DEFAULT '{}',
    acts_students   uuid[] NOT NULL DEFAULT '{}'
);
INSERT INTO fuzz.identities (name, db_role, claims, claim_role, claim_sub, creator_setting, student_setting,
                             is_service, acts_creators, acts_students) VALUES
  ('superuser', '', '', '', '', '', '', true, '{}', '{}'),
  ('bypassrls role', 'chronos_fuzz_bypass', '', '', '', '', '', true, '{}', '{}'),
  ('service_role claim', 'chronos_fuzz_user', '{"role": "service_role"}', '', '', '', '', true, '{}', '{}'),
  ('service_role claim setting', 'chronos_fuzz_user', '', 'service_role', '', '', '', true, '{}', '{}'),
  ('alice by sub (creators 1, 4)', 'chronos_fuzz_user', '{"sub": "user_alice", "role": "authenticated"}', '', '', '', '', false,
   '{10000001-0000-4000-8000-000000000000,10000004-0000-4000-8000-000000000000}', '{}'),
  ('creator 1 by creator_id claim', 'chronos_fuzz_user', '{"creator_id": "10000001-0000-4000-8000-000000000000"}', '', '', '', '', false,
   '{10000001-0000-4000-8000-000000000000}', '{}'),
  ('creator 2 by chronos.creator_id', 'chronos_fuzz_user', '', '', '', '10000002-0000-4000-8000-000000000000', '', false,
   '{10000002-0000-4000-8000-000000000000}', '{}'),
  ('bob by claim.sub (creator 2, student 4)', 'chronos_fuzz_user', '', 'authenticated', 'user_bob', '', '', false,
   '{10000002-0000-4000-8000-000000000000}', '{20000004-0000-4000-8000-000000000000}'),
  ('sam by sub (students 1, 3)', 'chronos_fuzz_user', '{"sub": "user_sam"}', '', '', '', '', false,
   '{}', '{20000001-0000-4000-8000-000000000000,20000003-0000-4000-8000-000000000000}'),
  ('student 1 by student_id claim', 'chronos_fuzz_user', '{"student_id": "20000001-0000-4000-8000-000000000000", "role": "authenticated"}', '', '', '', '', false,
   '{}', '{20000001-0000-4000-8000-000000000000}'),
  ('student 2 by chronos.student_id', 'chronos_fuzz_user', '', '', '', '', '20000002-0000-4000-8000-000000000000', false,
   '{}', '{20000002-0000-4000-8000-000000000000}'),
  ('ann by claim.sub (students 2, 6)', 'chronos_fuzz_user', '', '', 'user_ann', '', '', false,
   '{}', '{20000002-0000-4000-8000-000000000000,20000006-0000-4000-8000-000000000000}'),
  ('tess by sub (student 5 of an inactive creator)', 'chronos_fuzz_user', '{"sub": "user_tess"}', '', '', '', '', false,
   '{}', '{20000005-0000-4000-8000-000000000000}'),
  ('creator 1 and student 3 by claims', 'chronos_fuzz_user',
   '{"creator_id": "10000001-0000-4000-8000-000000000000", "student_id": "20000003-0000-4000-8000-000000000000"}', '', '', '', '', false,
   '{10000001-0000-4000-8000-000000000000}', '{20000003-0000-4000-8000-000000000000}'),
  ('unknown creator_id claim', 'chronos_fuzz_user', '{"creator_id": "f0000000-0000-4000-8000-00000000dead"}', '', '', '', '', false, '{}', '{}'),
  ('unknown chronos.student_id', 'chronos_fuzz_user', '', '', '', '', 'f0000000-0000-4000-8000-00000000beef', false, '{}', '{}'),
  ('unknown sub', 'chronos_fuzz_user', '{"sub": "nobody"}', '', '', '', '', false, '{}', '{}'),
  ('anonymous', 'chronos_fuzz_user', '', '', '', '', '', false, '{}', '{}'),
  ('anon role claim', 'chronos_fuzz_user', '{"role": "anon"}', '', '', '', '', false, '{}', '{}'),
  ('superuser with student claims', '', '{"student_id": "20000001-0000-4000-8000-000000000000"}', '', '', '', '', true,
   '{}', '{20000001-0000-4000-8000-000000000000}');

-- Values for calls that read a table: retention_agg over stored values (in
-- parallel, to exercise its combine, serialize and deserialize functions).
CREATE TABLE fuzz.ranges (id int PRIMARY KEY, w chronos.watch_ranges);
INSERT INTO fuzz.ranges
SELECT i, CASE WHEN i % 17 = 0 THEN NULL
               WHEN i % 13 = 0 THEN '{}'::chronos.watch_ranges
               ELSE (SELECT ('{' || string_agg(format('[%s,%s)x%s', s, s + 1 + (i * 7 + k) % 50, 1 + (i + k) % 3), ',') || '}')
                       FROM (SELECT k, ((i * 31 + k * 97) % 700) AS s FROM generate_series(0, i % 9) AS k) AS r)::chronos.watch_ranges
          END
  FROM generate_series(1, 3000) AS i;
ANALYZE fuzz.ranges;
GRANT SELECT ON fuzz.ranges TO PUBLIC;

-- Binary input: chronos.watch_ranges_recv is reached through COPY ... FORMAT
-- binary from files gen.py writes (the server reads them as a superuser).
CREATE TABLE fuzz.binary_in (w chronos.watch_ranges);
CREATE FUNCTION fuzz.copy_binary(p_file text) RETURNS SETOF text LANGUAGE plpgsql AS $$
BEGIN
    TRUNCATE fuzz.binary_in;
    EXECUTE format('COPY fuzz.binary_in (w) FROM %L WITH (FORMAT binary)', p_file);
    RETURN QUERY SELECT b.w::text FROM fuzz.binary_in AS b;
END
$$;

-- Ids made during the run (sessions started, events tracked): the n-th most
-- recent of a kind, so that later calls can use them.  SECURITY DEFINER: it
-- is evaluated inside the call, as the call's identity, and must see them all.
CREATE FUNCTION fuzz.recent(p_kind text, p_n int) RETURNS uuid
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog AS $$
    SELECT id FROM (
        SELECT id, created_at FROM chronos.video_watch_sessions WHERE p_kind = 'session'
        UNION ALL
        SELECT id, created_at FROM chronos.video_analytics_events WHERE p_kind = 'event') AS r
    ORDER BY created_at DESC, id LIMIT 1 OFFSET p_n
$$;
GRANT EXECUTE ON FUNCTION fuzz.recent(text, int) TO PUBLIC;

-- The student's most recent open session, of the video when it has one.
CREATE FUNCTION fuzz.open_session(p_student uuid, p_video uuid) RETURNS uuid
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog AS $$
    SELECT id FROM chronos.video_watch_sessions
     WHERE student_id = p_student AND session_end IS NULL
     ORDER BY video_id = p_video DESC, session_start DESC, id LIMIT 1
$$;
GRANT EXECUTE ON FUNCTION fuzz.open_session(uuid, uuid) TO PUBLIC;

-- The state of every chronos table, built from the catalog so that tables
-- added later are covered too: per table its row count and a digest of its
-- row versions, the (ctid, xmin) of every visible row.  A change that
-- survived would show: an inserted row is a new version, an update makes a
-- new version (new ctid and xmin), a deleted row disappears, and no SQL
-- changes a row in place.  Hashing the row versions rather than each row's
-- text costs a microsecond a row instead of five, and is as exact.
DO $$
DECLARE
    q text;
BEGIN
    SELECT string_agg(format('(SELECT %L || '':'' || count(*) || '':'' || coalesce(sum(hashtextextended(t.ctid::text || t.xmin::text, 0)), 0) FROM %s AS t)',
                             c.relname, c.oid::regclass), ' || '' '' || ' ORDER BY c.relname)
      INTO q
      FROM pg_class c
     WHERE c.relnamespace = 'chronos'::regnamespace AND c.relkind IN ('r', 'p');
    EXECUTE format('CREATE FUNCTION fuzz.checksum() RETURNS text LANGUAGE sql VOLATILE AS %L', 'SELECT ' || q);
END
$$;

CREATE TABLE fuzz.baseline (checksum text NOT NULL);
INSERT INTO fuzz.baseline SELECT fuzz.checksum();

-- One row per call.
CREATE TABLE fuzz.results (
    id        int PRIMARY KEY,
    fn        text NOT NULL,      -- the function called (its name)
    signature text NOT NULL,      -- its identity arguments
    kind      text NOT NULL,      -- returns trigger / plain / aggregate / binary input
    ident     text NOT NULL,      -- the identity's name
    sqlstate  text NOT NULL,      -- 00000 for success
    message   text,
    detail    text,
    context   text,
    ms        double precision,
    changed   boolean,            -- a refused call changed a chronos table
    sql       text NOT NULL
);

-- The errors a call may raise.  Anything else fails the run: an internal
-- error (XX000), a crash, a timeout (57014), running out of memory or stack,
-- and any errcode chronos does not document.
CREATE TABLE fuzz.allowed (
    sqlstate text NOT NULL,
    kind     text NOT NULL DEFAULT '.*',   -- regex on results.kind
    message  text NOT NULL DEFAULT '.*',   -- regex on results.message
    ident    text NOT NULL DEFAULT '.*',   -- regex on results.ident
    why      text NOT NULL
);
INSERT INTO fuzz.allowed (sqlstate, kind, message, why) VALUES
  ('22004', '^(plain|aggregate|procedure)$', '.*', 'null_value_not_allowed: a required argument is NULL (docs/architecture.md, order of checks)'),
  ('22023', '^(plain|aggregate|procedure)$', '.*', 'invalid_parameter_value: a bad value, event type, metadata shape, range, bucket count, interval, date range (docs/architecture.md, order of checks)'),
  ('23503', '^(plain|aggregate|procedure)$', '.*', 'foreign_key_violation: an unknown id, or one of another creator (docs/architecture.md, order of checks)'),
  ('23505', '^(plain|aggregate|procedure)$', '^event(_id)? \S+ (already exists|is used twice) with different content$',
   'unique_violation: an event id reused for different content, the idempotency conflict (docs/architecture.md, order of checks), and only that: a duplicate key of any other index is a bug'),
  ('23514', '^(plain|aggregate|procedure)$', '.*', 'check_violation: a row rule (docs/architecture.md, order of checks)'),
  ('42501', '^(plain|aggregate|procedure)$', '.*', 'insufficient_privilege: the caller may not act for that creator or student (docs/architecture.md, order of checks)'),
  ('28000', '^(plain|aggregate|procedure)$', '.*', 'invalid_authorization_specification: malformed claims or chronos.* settings (README, Security model)'),
  ('22P02', '^(plain|aggregate|procedure)$', 'watch_ranges', 'invalid_text_representation: bad text input of chronos.watch_ranges, and only that (a bad literal of any other type is a bug of the generator)'),
  ('22P03', '^binary input$', 'watch_ranges|incorrect binary data format', 'invalid_binary_representation: bad binary input of chronos.watch_ranges; PostgreSQL''s COPY says "incorrect binary data format" when the receive function leaves bytes unread'),
  ('54000', '^(plain|aggregate|procedure)$', 'watch_ranges', 'program_limit_exceeded: a watch_ranges value would hold more than 1,024 separate ranges (README)'),
  ('54000', '^(plain|aggregate|procedure)$', '^(p_metadata|"metadata") is too large: \d+ bytes, the limit is \d+$',
   'program_limit_exceeded: metadata larger than chronos.max_event_metadata_bytes (README, Settings)'),
  ('22003', '^(plain|aggregate|procedure)$', '^(watch_ranges play count out of range|integer out of range)$',
   'numeric_value_out_of_range: a watch_ranges play count past 2^31 - 1, a watch time total past the integer the helper returns'),
  ('22008', '^(plain|aggregate|procedure)$', '^(timestamp out of range|date out of range for timestamp)$',
   'datetime_field_overflow: a date or timestamp at the ends of its range that the computation takes past them (p_to + 1 day, now() - 178 million years); not a literal that is out of range (its message quotes it): that is a bug of the generator'),
  ('39P01', '^returns trigger$', '.*', 'trigger_protocol_violated: a trigger function called as a plain function (and only that)'),
  ('0A000', '^(plain|aggregate|procedure)$', '^chronos\.distribute\(\) needs the citus extension$',
   'feature_not_supported: chronos.distribute() where Citus is absent (README, Distributed mode), and only that');

-- fuzz.run: makes one call as one identity and records what happened.
--
-- The identity is set inside the block, so that an error undoes it with the
-- rest; on success it is reset by hand.  The call's result is turned into
-- text, so that the output functions of what it returns run too.  After a
-- refused call, the checksum of every chronos table must equal the one after
-- the previous call (fuzz.baseline): a refused call wrote nothing.  After a
-- successful call the baseline moves on.
CREATE FUNCTION fuzz.run(p_id int, p_fn text, p_signature text, p_kind text, p_ident text,
                         p_role text, p_claims text, p_claim_role text, p_claim_sub text,
                         p_creator text, p_student text, p_settings text[], p_sql text)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    v_state   text := '00000';
    v_message text;
    v_detail  text;
    v_context text;
    v_out     text;
    v_start   timestamptz := clock_timestamp();
    v_ms      double precision;
    v_before  text;
    v_after   text;
BEGIN
    SELECT b.checksum INTO v_before FROM fuzz.baseline AS b;
    BEGIN
        FOR i IN 1 .. coalesce(array_length(p_settings, 1), 0) BY 2 LOOP
            PERFORM set_config(p_settings[i], p_settings[i + 1], true);
        END LOOP;
        PERFORM set_config('request.jwt.claims', p_claims, true);
        PERFORM set_config('request.jwt.claim.role', p_claim_role, true);
        PERFORM set_config('request.jwt.claim.sub', p_claim_sub, true);
        PERFORM set_config('chronos.creator_id', p_creator, true);
        PERFORM set_config('chronos.student_id', p_student, true);
        IF p_role <> '' THEN
            PERFORM set_config('role', p_role, true);
        END IF;
        IF p_kind = 'procedure' THEN
            EXECUTE p_sql;
        ELSE
            EXECUTE 'SELECT md5(string_agg(r::text, E''\n'')) FROM (' || p_sql || ') AS r' INTO v_out;
        END IF;
        PERFORM set_config('role', 'none', true);
        PERFORM set_config('request.jwt.claims', '', true);
        PERFORM set_config('request.jwt.claim.role', '', true);
        PERFORM set_config('request.jwt.claim.sub', '', true);
        PERFORM set_config('chronos.creator_id', '', true);
        PERFORM set_config('chronos.student_id', '', true);
    EXCEPTION
        WHEN query_canceled THEN
            GET STACKED DIAGNOSTICS v_state = RETURNED_SQLSTATE, v_message = MESSAGE_TEXT,
                                    v_detail = PG_EXCEPTION_DETAIL, v_context = PG_EXCEPTION_CONTEXT;
        WHEN OTHERS THEN
            GET STACKED DIAGNOSTICS v_state = RETURNED_SQLSTATE, v_message = MESSAGE_TEXT,
                                    v_detail = PG_EXCEPTION_DETAIL, v_context = PG_EXCEPTION_CONTEXT;
    END;
    v_ms := extract(epoch FROM clock_timestamp() - v_start) * 1000;
    v_after := fuzz.checksum();
    IF v_state = '00000' THEN
        UPDATE fuzz.baseline SET checksum = v_after;
    END IF;
    INSERT INTO fuzz.results (id, fn, signature, kind, ident, sqlstate, message, detail, context, ms, changed, sql)
    VALUES (p_id, p_fn, p_signature, p_kind, p_ident, v_state, left(v_message, 400), left(v_detail, 400),
            left(v_context, 400), v_ms, v_state <> '00000' AND v_after IS DISTINCT FROM v_before, left(p_sql, 2000));
END
$$;

-- fuzz.record_abort: what fuzz.run records, for a call that never returned
-- (the backend crashed, or an error escaped fuzz.run): fuzz.sh runs the
-- call's line with fuzz.run replaced by this, and the outcome (CRASH or
-- ABORT) in the setting fuzz.abort_state.
CREATE FUNCTION fuzz.record_abort(p_id int, p_fn text, p_signature text, p_kind text, p_ident text,
                                  p_role text, p_claims text, p_claim_role text, p_claim_sub text,
                                  p_creator text, p_student text, p_settings text[], p_sql text)
RETURNS void LANGUAGE sql AS $$
    INSERT INTO fuzz.results (id, fn, signature, kind, ident, sqlstate, message, changed, sql)
    VALUES (p_id, p_fn, p_signature, p_kind, p_ident, current_setting('fuzz.abort_state'),
            left(current_setting('fuzz.abort_message'), 400), false, left(p_sql, 2000))
$$;

-- fuzz.violations: the calls that broke the rules.
CREATE VIEW fuzz.violations AS
    SELECT r.*,
           CASE WHEN r.changed THEN 'a refused call changed a chronos table'
                WHEN r.sqlstate IN ('CRASH', 'ABORT') THEN 'the call did not return'
                ELSE 'errcode not allowed' END AS problem
      FROM fuzz.results AS r
     WHERE r.changed
        OR (r.sqlstate <> '00000'
            AND NOT EXISTS (SELECT FROM fuzz.allowed AS a
                             WHERE a.sqlstate = r.sqlstate AND r.kind ~ a.kind
                               AND coalesce(r.message, '') ~ a.message AND r.ident ~ a.ident));
