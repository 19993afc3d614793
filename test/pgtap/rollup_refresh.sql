-- refresh_video_analytics, every metric against values computed by hand.
--
-- Two creators far from UTC: K in Pacific/Kiritimati (UTC+14) and L in
-- America/Los_Angeles (UTC-8 in January), so a local day is not a UTC day:
-- sessions on two UTC days fall on one local day, and sessions on one UTC
-- day on two local days.  Sessions are opened with start_watch_session and
-- played with record_watch_progress, as the service (this superuser); each
-- is first moved back to its start time (the session functions record the
-- quarter hour of session_start when they touch a session, so the heartbeat
-- after the move records the right local day).  Covers: the definitions of
-- every column, completion rate never above 100, a student who completes on
-- one day and rewatches on the next, a late heartbeat on an old session
-- (its day is recomputed, and so is the rewatch status of the student's
-- later sessions), a late session, a session written directly (seen only
-- by a refresh with p_since), deleted sessions, idempotence, and who may
-- refresh.  Ids: prefix a7.
SET client_min_messages = warning;
BEGIN;
SELECT plan(29);

\set ids 'a7%s00000-0000-4000-8000-%s'
\set creators 'a=rollup_user_k b=rollup_user_l'
\set creators_with '{"a": {"timezone": "Pacific/Kiritimati"}, "b": {"timezone": "America/Los_Angeles"}}'
\set students 'a1=ka a2=kb a3=kc b1=la b2=lb'
\set videos 'a1=100 a2=200 b1=100'
\set videos_with '{"a1": {"title": "k1"}, "a2": {"title": "k2"}, "b1": {"title": "l1"}}'
\ir ../fixtures/people.sql
\ir ../fixtures/catalog.sql

CREATE TEMP TABLE label (name text PRIMARY KEY, id uuid NOT NULL UNIQUE);
INSERT INTO label VALUES
  ('ka', 'a7200000-0000-4000-8000-0000000000a1'), ('kb', 'a7200000-0000-4000-8000-0000000000a2'),
  ('kc', 'a7200000-0000-4000-8000-0000000000a3'), ('la', 'a7200000-0000-4000-8000-0000000000b1'),
  ('lb', 'a7200000-0000-4000-8000-0000000000b2'),
  ('k1', 'a7300000-0000-4000-8000-0000000000a1'), ('k2', 'a7300000-0000-4000-8000-0000000000a2'),
  ('l1', 'a7300000-0000-4000-8000-0000000000b1');

-- watch(label, student, video, start, seconds): a session of the student,
-- started at start (UTC), that played the first seconds of the video in
-- one heartbeat (0 seconds: a heartbeat that played nothing).
CREATE FUNCTION pg_temp.watch(p_label text, p_student text, p_video text, p_start timestamptz,
                              p_seconds numeric) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    v_session uuid;
BEGIN
    v_session := chronos.start_watch_session((SELECT id FROM label WHERE name = p_student),
                                             (SELECT id FROM label WHERE name = p_video));
    UPDATE chronos.video_watch_sessions SET session_start = p_start WHERE id = v_session;
    PERFORM chronos.record_watch_progress(v_session, 0, p_seconds);
    INSERT INTO label VALUES (p_label, v_session);
END
$$;

-- The rollups as 'video date views unique_viewers watch_time average
-- completions completion_rate rewatches ai_interactions', sorted.
CREATE FUNCTION pg_temp.rollups() RETURNS SETOF text
LANGUAGE sql AS $$
    SELECT format('%s %s %s %s %s %s %s %s %s %s', l.name, a."date", a.views, a.unique_viewers,
                  a.total_watch_time_seconds, a.average_watch_time_seconds, a.completions,
                  a.completion_rate, a.rewatches, a.ai_interactions)
      FROM chronos.video_analytics a JOIN label l ON l.id = a.video_id
     ORDER BY l.name, a."date"
$$;

-- The rollups recomputed from scratch, straight from the definitions: per
-- video and local day of session start.
\ir ../fixtures/rollups.sql
CREATE FUNCTION pg_temp.recomputed() RETURNS SETOF text
LANGUAGE sql AS $$
    SELECT format('%s %s %s %s %s %s %s %s %s %s', l.name, x.day, x.views, x.viewers, x.watch,
                  round(x.watch::numeric / x.views, 2), x.completions,
                  round(100.0 * x.completers / x.viewers, 2), x.rewatches, 0)
      FROM pg_temp.recomputed_rollups() AS x JOIN label l ON l.id = x.video_id
     ORDER BY l.name, x.day
$$;

SELECT function_returns('chronos', 'refresh_video_analytics', ARRAY['timestamp with time zone'], 'integer',
    'refresh_video_analytics(timestamptz) returns integer');
SELECT is((SELECT proargnames || ARRAY[pg_get_expr(proargdefaults, 0)]
             FROM pg_proc WHERE oid = 'chronos.refresh_video_analytics(timestamptz)'::regprocedure),
    ARRAY['p_since', 'NULL::timestamp with time zone'], 'p_since defaults to NULL');

--
-- 1. Creator K (UTC+14): its local day 2025-01-10 is 2025-01-09 10:00 to
--    2025-01-10 10:00 UTC.
--
-- k1 on local 2025-01-10: s1 (UTC 01-09) and s2, s3 (UTC 01-10)
SELECT pg_temp.watch('s1', 'ka', 'k1', '2025-01-09 23:30+00', 95);   -- 13:30 local, completes
SELECT pg_temp.watch('s2', 'kb', 'k1', '2025-01-10 00:30+00', 50);   -- 14:30 local
SELECT pg_temp.watch('s3', 'ka', 'k1', '2025-01-10 09:50+00', 30);   -- 23:50 local, a rewatch of s1
-- k1 on local 2025-01-11: s4 has the same UTC day as s3, but not the same local day
SELECT pg_temp.watch('s4', 'kb', 'k1', '2025-01-10 10:10+00', 92);   -- 00:10 local, completes
SELECT pg_temp.watch('s5', 'ka', 'k1', '2025-01-11 05:00+00', 10);   -- 19:00 local, ka rewatches on day 2
SELECT pg_temp.watch('s7', 'kb', 'k1', '2025-01-10 20:00+00', 5);    -- 10:00 local, a rewatch of s4
-- k2: kc completes twice on local 2025-01-10, and comes back on 2025-01-11
SELECT pg_temp.watch('s8', 'kc', 'k2', '2025-01-09 11:00+00', 190);  -- 01:00 local, 95 %
SELECT pg_temp.watch('s9', 'kc', 'k2', '2025-01-09 12:00+00', 180);  -- 02:00 local, 90 %: completes again
SELECT pg_temp.watch('s6', 'kc', 'k2', '2025-01-10 12:00+00', 0);    -- 02:00 local on 01-11, plays nothing

--
-- 2. Creator L (UTC-8): its local day 2025-01-10 is 2025-01-10 08:00 to
--    2025-01-11 08:00 UTC.
--
SELECT pg_temp.watch('s12', 'lb', 'l1', '2025-01-10 16:00+00', 20);  -- 08:00 local on 01-10
SELECT pg_temp.watch('s10', 'la', 'l1', '2025-01-11 07:30+00', 100); -- 23:30 local on 01-10, completes
SELECT pg_temp.watch('s11', 'lb', 'l1', '2025-01-11 08:30+00', 40);  -- 00:30 local on 01-11

SELECT is(chronos.refresh_video_analytics(), 6,
    'the first refresh writes the six (video, local day) rows that have sessions');
SELECT results_eq('SELECT * FROM pg_temp.rollups()', $$VALUES
    ('k1 2025-01-10 3 2 175 58.33 1 50.00 1 0'),
    ('k1 2025-01-11 3 2 107 35.67 1 50.00 2 0'),
    ('k2 2025-01-10 2 1 370 185.00 2 100.00 1 0'),
    ('k2 2025-01-11 1 1 0 0.00 0 0.00 1 0'),
    ('l1 2025-01-10 2 2 120 60.00 1 50.00 0 0'),
    ('l1 2025-01-11 1 1 40 40.00 0 0.00 0 0')$$,
    'views, unique viewers, watch time, average, completions, completion rate, rewatches per local day');
SELECT is((SELECT array_agg(DISTINCT creator_id::text ORDER BY creator_id::text) FROM chronos.video_analytics a
            WHERE a.creator_id <> (SELECT v.creator_id FROM chronos.videos v WHERE v.id = a.video_id)),
    NULL, 'every row carries its video''s creator');
SELECT is((SELECT count(*) FROM chronos.video_analytics_pending), 0::bigint, 'the pending work is claimed');
SELECT results_eq('SELECT * FROM pg_temp.rollups()', 'SELECT * FROM pg_temp.recomputed()',
    'the rollups equal a recomputation from scratch');

--
-- 3. Idempotence
--
SELECT is(chronos.refresh_video_analytics(), 0, 'with nothing new, a refresh writes nothing');
SELECT is(chronos.refresh_video_analytics('2025-01-01 00:00+00'), 6, 'a refresh with p_since rewrites every row since');
SELECT results_eq('SELECT * FROM pg_temp.rollups()', $$VALUES
    ('k1 2025-01-10 3 2 175 58.33 1 50.00 1 0'),
    ('k1 2025-01-11 3 2 107 35.67 1 50.00 2 0'),
    ('k2 2025-01-10 2 1 370 185.00 2 100.00 1 0'),
    ('k2 2025-01-11 1 1 0 0.00 0 0.00 1 0'),
    ('l1 2025-01-10 2 2 120 60.00 1 50.00 0 0'),
    ('l1 2025-01-11 1 1 40 40.00 0 0.00 0 0')$$,
    '... with the same values');

--
-- 4. Late data: a heartbeat on s2, a day after it started, completes it.
--    Its day is recomputed, and so are kb's later sessions of k1 (s4, s7),
--    which are rewatches now: s4 follows a completed session of kb.
--
SELECT ok((SELECT completed FROM chronos.record_watch_progress((SELECT id FROM label WHERE name = 's2'), 50, 95)),
    'a late heartbeat completes s2');
SELECT is(chronos.refresh_video_analytics(), 2, 'the refresh rewrites the two days it touched');
SELECT results_eq('SELECT * FROM pg_temp.rollups()', $$VALUES
    ('k1 2025-01-10 3 2 220 73.33 2 100.00 1 0'),
    ('k1 2025-01-11 3 2 107 35.67 1 50.00 3 0'),
    ('k2 2025-01-10 2 1 370 185.00 2 100.00 1 0'),
    ('k2 2025-01-11 1 1 0 0.00 0 0.00 1 0'),
    ('l1 2025-01-10 2 2 120 60.00 1 50.00 0 0'),
    ('l1 2025-01-11 1 1 40 40.00 0 0.00 0 0')$$,
    'k1 on 01-10 has two completions; on 01-11 all three sessions are rewatches');

-- A late session: recorded now, started two years ago (a phone that was offline).
SELECT pg_temp.watch('s13', 'kc', 'k1', '2025-01-10 03:00+00', 20);  -- 17:00 local on 01-10
SELECT is(chronos.refresh_video_analytics(), 1, 'the refresh writes the late session''s day');
SELECT results_eq($$SELECT * FROM pg_temp.rollups() AS r WHERE r LIKE 'k1 2025-01-10 %'$$,
    $$VALUES ('k1 2025-01-10 4 3 240 60.00 2 66.67 1 0')$$,
    'k1 on 01-10 counts it: a third viewer who did not complete');
SELECT results_eq('SELECT * FROM pg_temp.rollups()', 'SELECT * FROM pg_temp.recomputed()',
    'the rollups still equal a recomputation from scratch');

--
-- 5. Writes past the session functions are not recorded: a refresh with
--    p_since takes them in.
--
INSERT INTO chronos.video_watch_sessions (id, video_id, student_id, session_start, watch_time_seconds, percent_complete)
VALUES ('a7400000-0000-4000-8000-000000000014', 'a7300000-0000-4000-8000-0000000000a2', 'a7200000-0000-4000-8000-0000000000a3',
        '2025-01-11 06:00+00', 50, 25);                                 -- k2, 20:00 local on 01-11
INSERT INTO label VALUES ('s14', 'a7400000-0000-4000-8000-000000000014');
SELECT is(chronos.refresh_video_analytics(), 0, 'a refresh without p_since does not see a session written directly');
SELECT results_eq($$SELECT * FROM pg_temp.rollups() AS r WHERE r LIKE 'k2 2025-01-11 %'$$,
    $$VALUES ('k2 2025-01-11 1 1 0 0.00 0 0.00 1 0')$$, 'k2 on 01-11 is unchanged');
SELECT is(chronos.refresh_video_analytics('2025-01-11 00:00+14'), 6, 'a refresh with p_since rewrites the days since');
SELECT results_eq($$SELECT * FROM pg_temp.rollups() AS r WHERE r LIKE 'k2 2025-01-11 %'$$,
    $$VALUES ('k2 2025-01-11 2 1 50 25.00 0 0.00 2 0')$$,
    'k2 on 01-11 counts the direct session (a rewatch: kc completed k2 on 01-10)');

-- Deleting a student deletes its sessions; a refresh with p_since removes
-- what they counted, and a day left without sessions loses its row.
DELETE FROM chronos.students WHERE id = 'a7200000-0000-4000-8000-0000000000b2';
SELECT is(chronos.refresh_video_analytics('2025-01-01 00:00+00'), 5, 'a full refresh writes the five rows left');
SELECT results_eq('SELECT * FROM pg_temp.rollups()', $$VALUES
    ('k1 2025-01-10 4 3 240 60.00 2 66.67 1 0'),
    ('k1 2025-01-11 3 2 107 35.67 1 50.00 3 0'),
    ('k2 2025-01-10 2 1 370 185.00 2 100.00 1 0'),
    ('k2 2025-01-11 2 1 50 25.00 0 0.00 2 0'),
    ('l1 2025-01-10 1 1 100 100.00 1 100.00 0 0')$$,
    'l1 on 01-11 is gone and l1 on 01-10 counts la alone');
SELECT results_eq('SELECT * FROM pg_temp.rollups()', 'SELECT * FROM pg_temp.recomputed()',
    'the rollups equal a recomputation from scratch');

--
-- 6. Who may refresh: the service only
--
CREATE ROLE chronos_rollup_caller NOLOGIN;
-- refresh_as(setting, value): what refresh_video_analytics() returns to a
-- caller identified by setting = value, or its error as "SQLSTATE message"
-- (see call_as.sql).
\ir ../fixtures/call_as.sql
CREATE FUNCTION pg_temp.refresh_as(p_setting text, p_value text) RETURNS text
LANGUAGE sql AS $$
    SELECT coalesce((r ->> 'error') || ' ' || (r ->> 'message'), r #>> '{}')
      FROM pg_temp.call_as('chronos_rollup_caller', p_setting, p_value, 'chronos.refresh_video_analytics()') AS r
$$;
SELECT is(pg_temp.refresh_as('chronos.creator_id', 'a7100000-0000-4000-8000-00000000000a'),
    '42501 permission denied to refresh video analytics', 'a creator may not refresh');
SELECT is(pg_temp.refresh_as('chronos.student_id', 'a7200000-0000-4000-8000-0000000000a1'),
    '42501 permission denied to refresh video analytics', 'a student may not refresh');
SELECT is(pg_temp.refresh_as('chronos.creator_id', ''),
    '42501 permission denied to refresh video analytics', 'an anonymous caller may not refresh');
SELECT is(pg_temp.refresh_as('request.jwt.claims', '{"role": "service_role"}'), '0',
    'the service (role claim service_role) may');
SELECT throws_ok($$SELECT chronos.refresh_video_analytics('infinity')$$, '22023',
    'p_since must be a finite time', 'p_since must be finite');

-- ai_interactions stays 0 until chat exists
SELECT is((SELECT sum(ai_interactions) FROM chronos.video_analytics), 0::bigint, 'ai_interactions is 0');

SELECT * FROM finish();
ROLLBACK;
