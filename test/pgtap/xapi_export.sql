-- xAPI export (chronos 1.1, issue 17 item 5): session_xapi and
-- xapi_statements over hand-computed fixtures (a rewatch, seeks backwards
-- and forwards, a one-second viewing, a video whose duration is unknown, a
-- session still open, one that played nothing), every statement checked
-- against the xAPI 1.0.3 statement rules that can be checked on its shape
-- and against the video profile (video/v1.0.3); uuid_v5 against vectors of
-- Python's uuid.uuid5; watch_ranges_played_segments; the setting
-- chronos.xapi_base_iri; who may read what.  Error texts are in
-- test/sql/xapi_errors.sql.  Ids: prefix c51.
SET client_min_messages = warning;
SET timezone = 'UTC';
BEGIN;
SELECT plan(66);

\set ids 'c5100000-0000-4000-800%s-%s'
\set kinds 012346
\set creators 'a=user_ana b=user_ben'
\set students 'a1=user_sam a2 a3 a4 a5 a6 b1=user_tess'
-- a1 40 s; a2 duration unknown; b1 40 s, another creator's
\set videos 'a1=40 a2 b1=40'
\set courses 'a1'
\ir ../fixtures/people.sql
\ir ../fixtures/catalog.sql

-- session(key, video, student, start minute, end minute or NULL, last
-- heartbeat minute, watched, watch_time_ms, watch_time_seconds, last
-- position, percent_complete, completed_at minute or NULL): minutes after
-- 2026-01-01 10:00 UTC.
CREATE FUNCTION pg_temp.session(p_key text, p_video text, p_student text, p_start numeric, p_end numeric,
                                p_beat numeric, p_watched text, p_ms bigint, p_seconds integer,
                                p_position numeric, p_percent integer, p_completed numeric,
                                p_course text DEFAULT NULL) RETURNS void
LANGUAGE sql AS $$
    INSERT INTO chronos.video_watch_sessions (id, video_id, student_id, course_id, session_start, session_end,
                                              last_heartbeat_at, watched, watch_time_ms, watch_time_seconds,
                                              last_position_seconds, percent_complete, completed, completed_at)
    VALUES (format('c5100000-0000-4000-8006-%s', lpad(p_key, 12, '0'))::uuid,
            format('c5100000-0000-4000-8002-%s', lpad(p_video, 12, '0'))::uuid,
            format('c5100000-0000-4000-8001-%s', lpad(p_student, 12, '0'))::uuid,
            CASE WHEN p_course IS NOT NULL THEN format('c5100000-0000-4000-8003-%s', lpad(p_course, 12, '0'))::uuid END,
            '2026-01-01 10:00+00'::timestamptz + make_interval(secs => p_start * 60),
            '2026-01-01 10:00+00'::timestamptz + make_interval(secs => p_end * 60),
            '2026-01-01 10:00+00'::timestamptz + make_interval(secs => p_beat * 60),
            p_watched::chronos.watch_ranges, p_ms, p_seconds, p_position, p_percent,
            p_completed IS NOT NULL,
            '2026-01-01 10:00+00'::timestamptz + make_interval(secs => p_completed * 60))
$$;
-- event(key, session, type, minute, metadata)
CREATE FUNCTION pg_temp.event(p_key text, p_session text, p_type text, p_minute numeric, p_metadata jsonb)
RETURNS void
LANGUAGE sql AS $$
    INSERT INTO chronos.video_analytics_events (id, event_type, video_id, creator_id, student_id, session_id,
                                                metadata, "timestamp")
    SELECT format('c5100000-0000-4000-8007-%s', lpad(p_key, 12, '0'))::uuid, p_type::chronos.video_event_type,
           s.video_id, s.creator_id, s.student_id, s.id, p_metadata,
           '2026-01-01 10:00+00'::timestamptz + make_interval(secs => p_minute * 60)
      FROM chronos.video_watch_sessions s
     WHERE s.id = format('c5100000-0000-4000-8006-%s', lpad(p_session, 12, '0'))::uuid
$$;
-- The viewings (video a1 is 40 s):
--   1 student a1, course a1, 10:00 to 10:30: [0,40) with [10,20) again (a
--     rewatch), 50 s played, completed at 10:25; the player paused at 10
--     s (10:05), played on (10:06), seeked back from 20 to 10 s (10:10),
--     paused after completing (10:26) without saying where
--   2 student a2, 10:10 to 10:20: [0,5), seeked forward to 30 (10:12),
--     [30,35): 10.25 s played (to the millisecond)
--   3 student a3, 10:35 to 10:35:01: one second, [5,6)
--   4 student a4, video a2 (duration unknown), 11:00 to 11:10: [0,30), a
--     row written directly with watch_time_seconds only
--   5 student a5, open since 12:00, last heartbeat 12:05: [0,37), completed
--     at 12:05 (92.5 %), paused at 12.3456 s (12:03)
--   6 student a6, 13:00, ended at its start having played nothing
--   7 student b1, video b1 (creator B), 10:00 to 10:40: all of it
SELECT pg_temp.session('1', 'a1', 'a1', 0, 30, 30, '{[0,10),[10,20)x2,[20,40)}', 50000, 50, 40, 100, 25, 'a1') \g /dev/null
SELECT pg_temp.session('2', 'a1', 'a2', 10, 20, 20, '{[0,5),[30,35)}', 10250, 10, 35, 25, NULL) \g /dev/null
SELECT pg_temp.session('3', 'a1', 'a3', 35, 35 + 1 / 60.0, 35 + 1 / 60.0, '{[5,6)}', 1000, 1, 6, 2, NULL) \g /dev/null
SELECT pg_temp.session('4', 'a2', 'a4', 60, 70, 70, '{[0,30)}', 0, 30, 30, 0, NULL) \g /dev/null
SELECT pg_temp.session('5', 'a1', 'a5', 120, NULL, 125, '{[0,37)}', 37000, 37, 37, 92, 125) \g /dev/null
SELECT pg_temp.session('6', 'a1', 'a6', 180, 180, NULL, '{}', 0, 0, NULL, 0, NULL) \g /dev/null
SELECT pg_temp.session('7', 'b1', 'b1', 0, 40, 40, '{[0,40)}', 40000, 40, 40, 100, 40) \g /dev/null
SELECT pg_temp.event('1', '1', 'video_paused', 5, '{"position_seconds": 10}') \g /dev/null
SELECT pg_temp.event('2', '1', 'video_resumed', 6, '{"position_seconds": 10}') \g /dev/null
SELECT pg_temp.event('3', '1', 'video_seeked', 10, '{"from_seconds": 20, "to_seconds": 10}') \g /dev/null
SELECT pg_temp.event('4', '2', 'video_seeked', 12, '{"from_seconds": 5, "to_seconds": 30}') \g /dev/null
SELECT pg_temp.event('5', '1', 'video_paused', 26, '{}') \g /dev/null
SELECT pg_temp.event('6', '5', 'video_paused', 123, '{"position_seconds": 12.3456}') \g /dev/null
-- positions that are no positions: negative, a string, past the largest
SELECT pg_temp.event('9', '5', 'video_seeked', 124, '{"from_seconds": -1, "to_seconds": "30"}') \g /dev/null
SELECT pg_temp.event('10', '5', 'video_resumed', 124.5, '{"position_seconds": 1e100000}') \g /dev/null
-- events that are no step of the profile: progress milestones, speed changes
SELECT pg_temp.event('7', '1', 'video_progress', 20, '{"milestone": 50}') \g /dev/null
SELECT pg_temp.event('8', '1', 'playback_speed_changed', 21, '{"from": 1, "to": 2}') \g /dev/null
SELECT is((SELECT completed_at FROM chronos.video_watch_sessions WHERE id = 'c5100000-0000-4000-8006-000000000001'),
    '2026-01-01 10:25+00'::timestamptz, 'fixture: session 1 completed at 10:25');

CREATE FUNCTION pg_temp.x(p_key text) RETURNS SETOF jsonb
LANGUAGE sql AS $$
    SELECT chronos.session_xapi(format('c5100000-0000-4000-8006-%s', lpad(p_key, 12, '0'))::uuid)
$$;
-- The steps of a session as text: verb timestamp and the result's
-- extensions (short names) in a line each.
CREATE FUNCTION pg_temp.steps(p_key text) RETURNS text
LANGUAGE sql AS $$
    SELECT string_agg(concat_ws(' ', x->'verb'->'display'->>'en-US', x->>'timestamp',
                                (SELECT string_agg(format('%s=%s', regexp_replace(k, '^.*/', ''), v), ' ' ORDER BY k)
                                   FROM jsonb_each(x->'result'->'extensions') AS e (k, v)),
                                x->'result'->>'duration'), E'\n' ORDER BY n)
      FROM pg_temp.x(p_key) WITH ORDINALITY AS t (x, n)
$$;

--
-- uuid_v5: RFC 9562 version 5, as Python's uuid.uuid5 (computed there).
--
SELECT is(chronos.uuid_v5('6ba7b810-9dad-11d1-80b4-00c04fd430c8', 'python.org'),
    '886313e1-3b8a-5372-9b90-0c9aee199e5d'::uuid, 'uuid_v5: uuid5(NAMESPACE_DNS, ''python.org'')');
SELECT is(chronos.uuid_v5('6ba7b811-9dad-11d1-80b4-00c04fd430c8', 'https://w3id.org/xapi/video'),
    'bb6d03a1-6134-5f5f-ad84-b1d6cf3aa775'::uuid, 'uuid_v5: uuid5(NAMESPACE_URL, ''https://w3id.org/xapi/video'')');
SELECT is(chronos.uuid_v5('6ba7b810-9dad-11d1-80b4-00c04fd430c8', ''),
    '4ebd0208-8328-5d69-8c44-ec50939c0967'::uuid, 'uuid_v5: the empty name');
SELECT is(chronos.uuid_v5('6ba7b811-9dad-11d1-80b4-00c04fd430c8', 'urn:chronos:xapi-statement'),
    '291165ab-6054-5472-a100-6e75d61cf3f5'::uuid,
    'uuid_v5: the statements'' namespace is uuid5(NAMESPACE_URL, ''urn:chronos:xapi-statement'')');
SELECT is(chronos.uuid_v5('291165ab-6054-5472-a100-6e75d61cf3f5', 'c5100000-0000-4000-8006-000000000001/initialized'),
    'db6f22c6-f90e-5863-a247-c5888b53592c'::uuid, 'uuid_v5: a statement id, as Python computes it');
SELECT is(chronos.uuid_v5(NULL, 'x'), NULL, 'uuid_v5: strict');

--
-- watch_ranges_played_segments
--
SELECT is(chronos.watch_ranges_played_segments('{}'), '', 'played segments of nothing: the empty string');
SELECT is(chronos.watch_ranges_played_segments('{[0,12),[14,21)}'), '0.000[.]12.000[,]14.000[.]21.000',
    'played segments: the profile''s example');
SELECT is(chronos.watch_ranges_played_segments('{[0.5,1.25)x2,[2147483.646,2147483.647)}'),
    '0.500[.]1.250[,]0.500[.]1.250[,]2147483.646[.]2147483.647',
    'played segments: milliseconds, a range once per play, the largest position');
SELECT is(chronos.watch_ranges_played_segments('{[0,1)x1023,[2,3)}'),
    (SELECT string_agg('0.000[.]1.000', '[,]') FROM generate_series(1, 1023)) || '[,]2.000[.]3.000',
    'played segments: 1024 entries, once per play');
SELECT is(chronos.watch_ranges_played_segments('{[0,1)x1024,[2,3)x2147483647}'), '0.000[.]1.000[,]2.000[.]3.000',
    'played segments: past 1024 entries, each range once (bounded, and the same union)');

--
-- The statements of each viewing, in order, computed by hand.
--
SELECT is(pg_temp.steps('1'), $$initialized 2026-01-01T10:00:00.000Z
paused 2026-01-01T10:05:00.000Z time=10
played 2026-01-01T10:06:00.000Z time=10
seeked 2026-01-01T10:10:00.000Z time-from=20 time-to=10
completed 2026-01-01T10:25:00.000Z played-segments="0.000[.]10.000[,]10.000[.]20.000[,]10.000[.]20.000[,]20.000[.]40.000" progress=1 time=40 PT50S
paused 2026-01-01T10:26:00.000Z
terminated 2026-01-01T10:30:00.000Z played-segments="0.000[.]10.000[,]10.000[.]20.000[,]10.000[.]20.000[,]20.000[.]40.000" progress=1 time=40 PT50S$$,
    'session 1: the rewatch twice in the played segments, progress by distinct seconds, completed among the events at its time, a pause without position has no time');
SELECT is(pg_temp.steps('2'), $$initialized 2026-01-01T10:10:00.000Z
seeked 2026-01-01T10:12:00.000Z time-from=5 time-to=30
terminated 2026-01-01T10:20:00.000Z played-segments="0.000[.]5.000[,]30.000[.]35.000" progress=0.25 time=35 PT10.25S$$,
    'session 2: a seek forward, 10 of 40 s covered, the time played to the millisecond, not completed');
SELECT is(pg_temp.steps('3'), $$initialized 2026-01-01T10:35:00.000Z
terminated 2026-01-01T10:35:01.000Z played-segments="5.000[.]6.000" progress=0.025 time=6 PT1S$$,
    'session 3: a one-second viewing');
SELECT is(pg_temp.steps('4'), $$initialized 2026-01-01T11:00:00.000Z
terminated 2026-01-01T11:10:00.000Z played-segments="0.000[.]30.000" time=30 PT30S$$,
    'session 4: duration unknown: no progress; watch_time_seconds where watch_time_ms is not kept');
SELECT is(pg_temp.steps('5'), $$initialized 2026-01-01T12:00:00.000Z
paused 2026-01-01T12:03:00.000Z time=12.346
seeked 2026-01-01T12:04:00.000Z
played 2026-01-01T12:04:30.000Z$$,
    'session 5, still open: no completed and no terminated yet; the position to the millisecond; positions that are none (negative, a string, past the largest) left out');
UPDATE chronos.videos SET duration_seconds = 3 WHERE id = 'c5100000-0000-4000-8002-0000000000a2';
SELECT is((SELECT x->'result'->'extensions'->'https://w3id.org/xapi/video/extensions/progress'
             FROM pg_temp.x('4') x OFFSET 1),
    '1'::jsonb, 'progress: at most 1 (30 s played of a video now 3 s long)');
UPDATE chronos.video_watch_sessions SET watched = '{[0,2.999)}' WHERE id = 'c5100000-0000-4000-8006-000000000004';
SELECT is((SELECT x->'result'->'extensions'->'https://w3id.org/xapi/video/extensions/progress'
             FROM pg_temp.x('4') x OFFSET 1),
    '0.999'::jsonb, 'progress: cut to three decimals, never rounded up to 1 (2.999 s of 3)');
UPDATE chronos.videos SET duration_seconds = NULL WHERE id = 'c5100000-0000-4000-8002-0000000000a2';
UPDATE chronos.video_watch_sessions SET watched = '{[0,30)}' WHERE id = 'c5100000-0000-4000-8006-000000000004';
SELECT is(pg_temp.steps('6'), $$initialized 2026-01-01T13:00:00.000Z
terminated 2026-01-01T13:00:00.000Z played-segments="" progress=0 time=0 PT0S$$,
    'session 6: played nothing');
SELECT is((SELECT x FROM pg_temp.x('2') x LIMIT 1), $${
  "id": "996c99bf-c902-55d9-81c8-e4a0bda34aa2",
  "actor": {"objectType": "Agent",
            "account": {"homePage": "https://chronos.invalid/", "name": "c5100000-0000-4000-8001-0000000000a2"}},
  "verb": {"id": "http://adlnet.gov/expapi/verbs/initialized", "display": {"en-US": "initialized"}},
  "object": {"objectType": "Activity", "id": "https://chronos.invalid/videos/c5100000-0000-4000-8002-0000000000a1",
             "definition": {"type": "https://w3id.org/xapi/video/activity-type/video"}},
  "context": {"registration": "c5100000-0000-4000-8006-000000000002",
              "contextActivities": {"category": [{"id": "https://w3id.org/xapi/video",
                                                  "definition": {"type": "http://adlnet.gov/expapi/activities/profile"}}]},
              "extensions": {"https://w3id.org/xapi/video/extensions/session-id": "c5100000-0000-4000-8006-000000000002",
                             "https://w3id.org/xapi/video/extensions/length": 40,
                             "https://w3id.org/xapi/video/extensions/completion-threshold": 0.9}},
  "timestamp": "2026-01-01T10:10:00.000Z"}$$::jsonb,
    'session 2 initialized, whole: actor, verb, object, context with length, session-id and completion-threshold');
SELECT is((SELECT x FROM pg_temp.x('2') x OFFSET 1 LIMIT 1) - 'actor' - 'object', $${
  "id": "0f233db9-76b1-5bed-83aa-187f92b1be9b",
  "verb": {"id": "https://w3id.org/xapi/video/verbs/seeked", "display": {"en-US": "seeked"}},
  "result": {"extensions": {"https://w3id.org/xapi/video/extensions/time-from": 5,
                            "https://w3id.org/xapi/video/extensions/time-to": 30}},
  "context": {"registration": "c5100000-0000-4000-8006-000000000002",
              "contextActivities": {"category": [{"id": "https://w3id.org/xapi/video",
                                                  "definition": {"type": "http://adlnet.gov/expapi/activities/profile"}}]},
              "extensions": {"https://w3id.org/xapi/video/extensions/session-id": "c5100000-0000-4000-8006-000000000002",
                             "https://w3id.org/xapi/video/extensions/length": 40}},
  "timestamp": "2026-01-01T10:12:00.000Z"}$$::jsonb,
    'session 2 seeked: time-from and time-to; no completion-threshold (the profile asks it of initialized, paused, completed and terminated)');
SELECT is((SELECT x->'result' FROM pg_temp.x('2') x OFFSET 2 LIMIT 1), $${
  "duration": "PT10.25S",
  "extensions": {"https://w3id.org/xapi/video/extensions/time": 35,
                 "https://w3id.org/xapi/video/extensions/progress": 0.25,
                 "https://w3id.org/xapi/video/extensions/played-segments": "0.000[.]5.000[,]30.000[.]35.000"}}$$::jsonb,
    'session 2 terminated: its result, whole');
SELECT is((SELECT x FROM pg_temp.x('1') x OFFSET 4 LIMIT 1) - 'actor' - 'object' - 'result', $${
  "id": "966e7462-9065-5f21-b7b9-62ed19594130",
  "verb": {"id": "http://adlnet.gov/expapi/verbs/completed", "display": {"en-US": "completed"}},
  "context": {"registration": "c5100000-0000-4000-8006-000000000001",
              "contextActivities": {"category": [{"id": "https://w3id.org/xapi/video",
                                                  "definition": {"type": "http://adlnet.gov/expapi/activities/profile"}}],
                                    "parent": [{"objectType": "Activity",
                                                "id": "https://chronos.invalid/courses/c5100000-0000-4000-8003-0000000000a1"}]},
              "extensions": {"https://w3id.org/xapi/video/extensions/session-id": "c5100000-0000-4000-8006-000000000001",
                             "https://w3id.org/xapi/video/extensions/length": 40,
                             "https://w3id.org/xapi/video/extensions/completion-threshold": 0.9}},
  "timestamp": "2026-01-01T10:25:00.000Z"}$$::jsonb,
    'session 1 completed: its id, the course as parent activity, completion-threshold in the context');
SELECT is((SELECT x->'result'->'completion' FROM pg_temp.x('1') x OFFSET 4 LIMIT 1), 'true'::jsonb,
    'completed: result.completion true');
SELECT is((SELECT array_agg(x->>'id' ORDER BY n) FROM pg_temp.x('1') WITH ORDINALITY AS t (x, n) WHERE n IN (1, 2, 7)),
    ARRAY['db6f22c6-f90e-5863-a247-c5888b53592c', '14483f64-42da-5e73-a313-bd8d89620a9f',
          '9000799e-f42f-50ba-bad5-37d078bf7cd6'],
    'statement ids: uuid5 of the namespace and "<session>/initialized", "<session>/paused/<event id>", "<session>/terminated" (Python''s)');
SELECT is((SELECT array_agg(x ORDER BY n) FROM pg_temp.x('1') WITH ORDINALITY AS t (x, n)),
          (SELECT array_agg(x ORDER BY n) FROM pg_temp.x('1') WITH ORDINALITY AS t (x, n)),
    'an export repeated gives the same statements');

--
-- Every statement of every viewing, checked against the xAPI 1.0.3
-- statement rules that bear on its shape and the video profile's.
--
CREATE TEMP TABLE st AS
SELECT s.id AS session_id, s.completed, s.session_end IS NOT NULL AS ended, t.n, t.x
  FROM chronos.video_watch_sessions s, chronos.session_xapi(s.id) WITH ORDINALITY AS t (x, n);
SELECT is((SELECT count(*) FROM st), 23::bigint, 'fixture: 23 statements (7 + 3 + 2 + 2 + 4 + 2 + 3)');
\set uuid_re '^[0-9a-f]{8}-[0-9a-f]{4}-[1-5][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$'
\set iri_re '^[a-z][a-z0-9+.-]*:[^[:space:]<>"{}|\\^`]+$'
SELECT is((SELECT count(*) FROM st WHERE NOT (x->>'id' ~ '^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$')),
    0::bigint, 'id: a version 5 UUID, lowercase');
SELECT is((SELECT count(DISTINCT x->>'id') FROM st), 23::bigint, 'ids are unique');
SELECT is((SELECT count(*) FROM st
            WHERE NOT (x ?& ARRAY['id', 'actor', 'verb', 'object', 'timestamp', 'context'])
               OR EXISTS (SELECT FROM jsonb_object_keys(x) k
                           WHERE k NOT IN ('id', 'actor', 'verb', 'object', 'result', 'context', 'timestamp'))),
    0::bigint, 'actor, verb and object present; no property the statement may not have (version, stored, authority are the record store''s)');
SELECT is((SELECT count(*) FROM st
            WHERE x->'actor'->>'objectType' IS DISTINCT FROM 'Agent'
               OR (SELECT array_agg(k ORDER BY k) FROM jsonb_object_keys(x->'actor') k) <> ARRAY['account', 'objectType']
               OR (SELECT array_agg(k ORDER BY k) FROM jsonb_object_keys(x->'actor'->'account') k) <> ARRAY['homePage', 'name']
               OR NOT (x->'actor'->'account'->>'homePage' ~ '^https?://')
               OR jsonb_typeof(x->'actor'->'account'->'name') <> 'string'),
    0::bigint, 'actor: an Agent with exactly one identifier, an account of homePage (an IRL) and name');
SELECT is((SELECT count(*) FROM st
            WHERE NOT (x->'actor'->'account'->>'name' ~ :'uuid_re')
               OR x->'actor'->'account'->>'name' <> (SELECT student_id::text FROM chronos.video_watch_sessions w
                                                      WHERE w.id = st.session_id)),
    0::bigint, 'actor: the account''s name is the student id, nothing else about the student');
SELECT is((SELECT count(*) FROM st
            WHERE x->'verb'->>'id' NOT IN ('http://adlnet.gov/expapi/verbs/initialized',
                                           'https://w3id.org/xapi/video/verbs/played',
                                           'https://w3id.org/xapi/video/verbs/paused',
                                           'https://w3id.org/xapi/video/verbs/seeked',
                                           'http://adlnet.gov/expapi/verbs/completed',
                                           'http://adlnet.gov/expapi/verbs/terminated')
               OR jsonb_typeof(x->'verb'->'display') <> 'object'
               OR x->'verb'->'display'->>'en-US' <> regexp_replace(x->'verb'->>'id', '^.*/', '')),
    0::bigint, 'verb: one of the profile''s six, with a language map');
SELECT is((SELECT count(*) FROM st
            WHERE x->'object'->>'objectType' IS DISTINCT FROM 'Activity'
               OR NOT (x->'object'->>'id' ~ :'iri_re')
               OR x->'object'->'definition'->>'type' IS DISTINCT FROM 'https://w3id.org/xapi/video/activity-type/video'),
    0::bigint, 'object: an Activity with an IRI id, of the video activity type');
SELECT is((SELECT count(*) FROM st
            WHERE NOT (x->>'timestamp' ~ '^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$')
               OR (x->>'timestamp')::timestamptz IS NULL),
    0::bigint, 'timestamp: ISO 8601 in UTC, to the millisecond');
SELECT is((SELECT count(*) FROM st
            WHERE x->'result' IS NOT NULL
              AND (jsonb_typeof(x->'result') <> 'object'
                   OR EXISTS (SELECT FROM jsonb_object_keys(x->'result') k
                               WHERE k NOT IN ('completion', 'duration', 'extensions'))
                   OR (x->'result' ? 'duration' AND NOT (x->'result'->>'duration' ~ '^PT\d+(\.\d+)?S$'))
                   OR (x->'result' ? 'completion' AND jsonb_typeof(x->'result'->'completion') <> 'boolean'))),
    0::bigint, 'result: only completion (a boolean), duration (ISO 8601) and extensions');
SELECT is((SELECT count(*) FROM st,
                  LATERAL (SELECT k FROM jsonb_object_keys(coalesce(x->'result'->'extensions', '{}')) k
                           UNION ALL SELECT k FROM jsonb_object_keys(x->'context'->'extensions') k) e
            WHERE NOT (e.k ~ :'iri_re') OR NOT e.k LIKE 'https://w3id.org/xapi/video/extensions/%'),
    0::bigint, 'extensions: every key an IRI, the profile''s');
SELECT is((SELECT count(*) FROM st
            WHERE x->'context'->>'registration' IS DISTINCT FROM session_id::text
               OR x->'context'->'extensions'->>'https://w3id.org/xapi/video/extensions/session-id' IS DISTINCT FROM session_id::text
               OR NOT (x->'context'->'contextActivities'->'category' @> '[{"id": "https://w3id.org/xapi/video"}]')),
    0::bigint, 'context: registration and session-id the session, the profile in category');
SELECT is((SELECT count(*) FROM st, LATERAL (SELECT x->'result'->'extensions' AS e) r
            WHERE r.e ? 'https://w3id.org/xapi/video/extensions/played-segments'
              AND NOT (r.e->>'https://w3id.org/xapi/video/extensions/played-segments'
                       ~ '^(\d+\.\d{3}\[\.\]\d+\.\d{3}(\[,\]\d+\.\d{3}\[\.\]\d+\.\d{3})*)?$')),
    0::bigint, 'played-segments: start[.]end[,]... in seconds with three decimals');
SELECT is((SELECT count(*) FROM st, LATERAL (SELECT x->'result'->'extensions' AS e) r
            WHERE r.e ? 'https://w3id.org/xapi/video/extensions/progress'
              AND (jsonb_typeof(r.e->'https://w3id.org/xapi/video/extensions/progress') <> 'number'
                   OR (r.e->>'https://w3id.org/xapi/video/extensions/progress')::numeric NOT BETWEEN 0 AND 1
                   OR scale((r.e->>'https://w3id.org/xapi/video/extensions/progress')::numeric) > 3)),
    0::bigint, 'progress: a number from 0 to 1, at most three decimals');
SELECT is((SELECT count(*) FROM st, LATERAL jsonb_each(coalesce(x->'result'->'extensions', '{}')) e (k, v)
            WHERE e.k ~ '/(time|time-from|time-to)$'
              AND (jsonb_typeof(e.v) <> 'number' OR e.v::text::numeric < 0 OR scale(e.v::text::numeric) > 3)),
    0::bigint, 'time, time-from, time-to: seconds, at most three decimals');
SELECT is((SELECT count(*) FROM st
            WHERE (x->'verb'->>'id' ~ '/(initialized|paused|completed|terminated)$')
                  <> (x->'context'->'extensions' ? 'https://w3id.org/xapi/video/extensions/completion-threshold')),
    0::bigint, 'completion-threshold: in initialized, paused, completed and terminated (the threshold is not 1), nowhere else');
SELECT is((SELECT count(*) FROM st
            WHERE x->'verb'->>'id' ~ '/(completed|terminated)$'
              AND NOT (coalesce(x->'result'->'extensions', '{}') ?& ARRAY['https://w3id.org/xapi/video/extensions/time',
                                                          'https://w3id.org/xapi/video/extensions/played-segments'])),
    0::bigint, 'completed and terminated: time and played-segments');
SELECT is((SELECT count(*) FROM st WHERE x->'verb'->>'id' ~ '/seeked$'
              AND NOT (coalesce(x->'result'->'extensions', '{}') ?& ARRAY['https://w3id.org/xapi/video/extensions/time-from',
                                                          'https://w3id.org/xapi/video/extensions/time-to'])),
    1::bigint, 'seeked: time-from and time-to, but for the seek whose player sent none (event 9)');
SELECT is((SELECT count(*) FROM st WHERE x->'verb'->>'id' ~ '/completed$'
              AND NOT (coalesce(x->'result', '{}') ?& ARRAY['completion', 'duration'])),
    0::bigint, 'completed: completion and duration');
-- the profile's general pattern: initialized first, terminated last and
-- once, completed once and only for a completed viewing that has ended
SELECT is((SELECT count(*) FROM st WHERE (n = 1) <> (x->'verb'->>'id' ~ '/initialized$')), 0::bigint,
    'initialized first, and only first');
SELECT is((SELECT count(*) FROM st
            WHERE (x->'verb'->>'id' ~ '/terminated$')
                  <> (ended AND n = (SELECT max(n) FROM st s2 WHERE s2.session_id = st.session_id))),
    0::bigint, 'terminated last, once, and only for a viewing that has ended');
SELECT is((SELECT array_agg(right(session_id::text, 1) || ':' || c ORDER BY session_id)
             FROM (SELECT session_id, count(*) FILTER (WHERE x->'verb'->>'id' ~ '/completed$') AS c
                     FROM st GROUP BY session_id) q),
    ARRAY['1:1', '2:0', '3:0', '4:0', '5:0', '6:0', '7:1'],
    'completed once for each completed viewing that ended (1 and 7), not for the open one (5) nor the others');

--
-- The setting chronos.xapi_base_iri
--
SET LOCAL chronos.xapi_base_iri = 'https://learn.example.com/';
SELECT is((SELECT row(x->'actor'->'account'->>'homePage', x->'object'->>'id')::text FROM pg_temp.x('3') x LIMIT 1),
    row('https://learn.example.com/', 'https://learn.example.com/videos/c5100000-0000-4000-8002-0000000000a1')::text,
    'chronos.xapi_base_iri: the account''s home page and the base of the video''s IRI');
RESET chronos.xapi_base_iri;
SELECT throws_ok($$SET LOCAL chronos.xapi_base_iri = 'https://learn.example.com'$$, '22023', NULL,
    'chronos.xapi_base_iri: refused without the final /');
SELECT throws_ok($$SET LOCAL chronos.xapi_base_iri = 'ftp://learn.example.com/'$$, '22023', NULL,
    'chronos.xapi_base_iri: refused other than http(s)');

--
-- xapi_statements: the creator's viewings with a sign of life since a time
--
SELECT is((SELECT array_agg(x ORDER BY n) FROM chronos.xapi_statements('c5100000-0000-4000-8000-00000000000a', '-infinity')
                                              WITH ORDINALITY AS t (x, n)),
          (SELECT array_agg(x ORDER BY session_id, n) FROM st WHERE right(session_id::text, 1) <> '7'),
    'xapi_statements: every viewing of creator A, in the order they started (here their ids), each one''s statements in order');
SELECT is((SELECT array_agg(DISTINCT x->'context'->>'registration') FROM chronos.xapi_statements(
               'c5100000-0000-4000-8000-00000000000a', '2026-01-01 12:05+00') AS x),
    ARRAY['c5100000-0000-4000-8006-000000000005', 'c5100000-0000-4000-8006-000000000006'],
    'since 12:05: the open session (last heartbeat 12:05) and the one at 13:00');
SELECT is((SELECT count(*) FROM chronos.xapi_statements('c5100000-0000-4000-8000-00000000000a', '2026-01-01 13:00:00.001+00')),
    0::bigint, 'since after the last sign of life: nothing');

--
-- Who may read what: session_xapi answers as the caller (a session it may
-- not see does not exist for it); xapi_statements is the creator's or the
-- service's.
--
CREATE ROLE chronos_xapi_caller NOLOGIN;
\ir ../fixtures/call_as.sql
CREATE FUNCTION pg_temp.session_as(p_setting text, p_value text) RETURNS jsonb
LANGUAGE sql AS $$
    SELECT pg_temp.call_as('chronos_xapi_caller', p_setting, p_value,
        $q$(SELECT count(*) FROM chronos.session_xapi('c5100000-0000-4000-8006-000000000001'))$q$)
$$;
SELECT is(pg_temp.session_as('chronos.creator_id', 'c5100000-0000-4000-8000-00000000000a'), '7'::jsonb,
    'session_xapi: the creator sees its viewing, with every event');
SELECT is(pg_temp.session_as('chronos.student_id', 'c5100000-0000-4000-8001-0000000000a1'), '7'::jsonb,
    'session_xapi: the student its own');
SELECT is(pg_temp.session_as('request.jwt.claims', '{"role": "service_role"}'), '7'::jsonb,
    'session_xapi: the service');
SELECT is(pg_temp.session_as('chronos.student_id', 'c5100000-0000-4000-8001-0000000000a2'),
    '{"error": "23503", "message": "watch session c5100000-0000-4000-8006-000000000001 does not exist"}'::jsonb,
    'session_xapi: another student of the creator is told it does not exist');
SELECT is(pg_temp.session_as('chronos.creator_id', 'c5100000-0000-4000-8000-00000000000b'),
    '{"error": "23503", "message": "watch session c5100000-0000-4000-8006-000000000001 does not exist"}'::jsonb,
    'session_xapi: so is another creator');
SELECT is(pg_temp.session_as('chronos.creator_id', ''),
    '{"error": "23503", "message": "watch session c5100000-0000-4000-8006-000000000001 does not exist"}'::jsonb,
    'session_xapi: and an anonymous caller');
CREATE FUNCTION pg_temp.statements_as(p_setting text, p_value text) RETURNS jsonb
LANGUAGE sql AS $$
    SELECT pg_temp.call_as('chronos_xapi_caller', p_setting, p_value,
        $q$(SELECT count(*) FROM chronos.xapi_statements('c5100000-0000-4000-8000-00000000000a', '-infinity'))$q$)
$$;
SELECT is(pg_temp.statements_as('request.jwt.claims', '{"sub": "user_ana"}'), '20'::jsonb,
    'xapi_statements: the creator itself (by JWT sub)');
SELECT is(pg_temp.statements_as('request.jwt.claims', '{"role": "service_role"}'), '20'::jsonb,
    'xapi_statements: the service');
SELECT is(pg_temp.statements_as('chronos.student_id', 'c5100000-0000-4000-8001-0000000000a1'),
    '{"error": "42501", "message": "permission denied to read the xAPI statements of creator c5100000-0000-4000-8000-00000000000a"}'::jsonb,
    'xapi_statements: not its student, even for its own viewings');
SELECT is(pg_temp.statements_as('chronos.creator_id', 'c5100000-0000-4000-8000-00000000000b'),
    '{"error": "42501", "message": "permission denied to read the xAPI statements of creator c5100000-0000-4000-8000-00000000000a"}'::jsonb,
    'xapi_statements: not another creator');
SELECT is(pg_temp.statements_as('chronos.creator_id', ''),
    '{"error": "42501", "message": "permission denied to read the xAPI statements of creator c5100000-0000-4000-8000-00000000000a"}'::jsonb,
    'xapi_statements: not an anonymous caller');

SELECT * FROM finish();
ROLLBACK;
