-- The watch-session lifecycle, as the service (this superuser): start_watch_session
-- and the events it emits (video_started with the session id, video_rewatched
-- after a completed session), record_watch_progress (watched ranges, watch
-- time without rounding drift, resume position, percent_complete from the
-- distinct seconds played, each milestone once, video_completed once,
-- completion by coverage and not by time spent, the duration's 1 s
-- tolerance, an unknown duration, the speed guard), end_watch_session (and
-- its idempotence), get_resume_position, close_stale_watch_sessions and
-- current_viewers.  Refusals and their errcodes are in session_refusals.sql,
-- the caller checks in session_security.sql, races in
-- session_concurrency.sql, retention in session_retention.sql.
--
-- Everything runs in one transaction, so now() is one instant: a session is
-- made older by moving its session_start back (age()), which gives the speed
-- guard (wall time since session_start x chronos.max_playback_rate + 30 s)
-- room for what a test plays.  Ids: prefix 5e1.
SET client_min_messages = warning;
BEGIN;
SELECT plan(117);

\set ids '5e100000-0000-4000-800%s-%s'
\set kinds 012346
\set creators 'a b'
\set students 'a1 a2 b1'
-- a1: 100 s; a2: 100 s; a0: duration not known yet; b1: creator B's
\set videos 'a1=100 a2=100 a0 b1=100'
\set courses a1
\set modules a1
\ir ../fixtures/people.sql
\ir ../fixtures/catalog.sql
UPDATE chronos.courses SET is_published = true WHERE id = '5e100000-0000-4000-8003-0000000000a1';

-- start(student, video): a new session of student aN (by its last two
-- characters) on video aN, as the service.
CREATE FUNCTION pg_temp.start(p_student text, p_video text) RETURNS uuid
LANGUAGE sql AS $$
    SELECT chronos.start_watch_session(('5e100000-0000-4000-8001-0000000000' || p_student)::uuid,
                                       ('5e100000-0000-4000-8002-0000000000' || p_video)::uuid)
$$;
-- age(session, interval): the session started that much earlier (room for
-- the speed guard); returns the session.
CREATE FUNCTION pg_temp.age(p_session uuid, p_by interval) RETURNS uuid
LANGUAGE sql AS $$
    UPDATE chronos.video_watch_sessions SET session_start = session_start - p_by
     WHERE id = p_session RETURNING id
$$;
-- beat(session, from, to): one heartbeat; the session as it is afterwards.
CREATE FUNCTION pg_temp.beat(p_session uuid, p_from numeric, p_to numeric)
RETURNS chronos.video_watch_sessions
LANGUAGE sql AS $$ SELECT * FROM chronos.record_watch_progress(p_session, p_from, p_to) $$;
-- progress(session): 'watched watch_time percent completed position'.
CREATE FUNCTION pg_temp.progress(p_session uuid) RETURNS text
LANGUAGE sql AS $$
    SELECT format('%s %s %s %s %s', watched, watch_time_seconds, percent_complete, completed::text,
                  coalesce(last_position_seconds::text, 'NULL'))
      FROM chronos.video_watch_sessions WHERE id = p_session
$$;
-- events(session): the session's events, sorted, a progress event with its
-- milestone (video_progress:25).
CREATE FUNCTION pg_temp.events(p_session uuid) RETURNS text[]
LANGUAGE sql AS $$
    SELECT coalesce(array_agg(e ORDER BY e), '{}')
      FROM (SELECT event_type::text || coalesce(':' || (metadata->>'milestone'), '') AS e
              FROM chronos.video_analytics_events WHERE session_id = p_session) AS x
$$;

--
-- The functions
--
SELECT function_returns('chronos', 'start_watch_session',
    ARRAY['uuid', 'uuid', 'text', 'text', 'uuid', 'uuid', 'jsonb'], 'uuid',
    'start_watch_session(uuid, uuid, text, text, uuid, uuid, jsonb) returns uuid');
SELECT function_returns('chronos', 'record_watch_progress', ARRAY['uuid', 'numeric', 'numeric', 'bigint'],
    'chronos.video_watch_sessions', 'record_watch_progress(uuid, numeric, numeric, bigint) returns the session');
SELECT function_returns('chronos', 'end_watch_session', ARRAY['uuid'],
    'chronos.video_watch_sessions', 'end_watch_session(uuid) returns the session');
SELECT function_returns('chronos', 'get_resume_position', ARRAY['uuid', 'uuid'], 'numeric',
    'get_resume_position(uuid, uuid) returns numeric');
SELECT function_returns('chronos', 'close_stale_watch_sessions', ARRAY['interval'], 'integer',
    'close_stale_watch_sessions(interval) returns integer');
SELECT function_returns('chronos', 'current_viewers', ARRAY['uuid'], 'integer',
    'current_viewers(uuid) returns integer');
SELECT is((SELECT proargnames || ARRAY[pg_get_expr(proargdefaults, 0)]
             FROM pg_proc WHERE oid = 'chronos.start_watch_session(uuid, uuid, text, text, uuid, uuid, jsonb)'::regprocedure),
    ARRAY['p_student_id', 'p_video_id', 'p_device_type', 'p_referrer_type', 'p_course_id', 'p_module_id', 'p_metadata',
          'NULL::text, NULL::text, NULL::uuid, NULL::uuid, ''{}''::jsonb'],
    'start_watch_session: argument names and defaults as the issue gives them');
SELECT is((SELECT proargnames || ARRAY[pg_get_expr(proargdefaults, 0)]
             FROM pg_proc WHERE oid = 'chronos.close_stale_watch_sessions(interval)'::regprocedure),
    ARRAY['p_idle', 'NULL::interval'], 'close_stale_watch_sessions: p_idle defaults to NULL');

--
-- 1. start_watch_session
--
SELECT chronos.start_watch_session('5e100000-0000-4000-8001-0000000000a1', '5e100000-0000-4000-8002-0000000000a1',
    'mobile', 'course_page', '5e100000-0000-4000-8003-0000000000a1', '5e100000-0000-4000-8004-0000000000a1',
    '{"player": "web"}') AS s1 \gset
SELECT is((SELECT format('%s %s %s %s %s %s %s %s', student_id, video_id, creator_id, course_id, module_id,
                         device_type, referrer_type, metadata)
             FROM chronos.video_watch_sessions WHERE id = :'s1'),
    '5e100000-0000-4000-8001-0000000000a1 5e100000-0000-4000-8002-0000000000a1 5e100000-0000-4000-8000-00000000000a '
    '5e100000-0000-4000-8003-0000000000a1 5e100000-0000-4000-8004-0000000000a1 mobile course_page {"player": "web"}',
    'the session has the student, video, creator (from the video), course, module, device, referrer and metadata');
SELECT is((SELECT format('%s %s %s %s %s %s %s %s %s', (session_start = now())::text, coalesce(session_end::text, 'NULL'),
                         coalesce(last_heartbeat_at::text, 'NULL'), watch_time_seconds, percent_complete, completed::text,
                         coalesce(completed_at::text, 'NULL'), coalesce(last_position_seconds::text, 'NULL'), watched)
             FROM chronos.video_watch_sessions WHERE id = :'s1'),
    'true NULL NULL 0 0 false NULL NULL {}',
    'it starts now, open, with nothing played');
SELECT results_eq(
    format($$SELECT event_type::text, video_id, creator_id, student_id, course_id, module_id, metadata, "timestamp"
               FROM chronos.video_analytics_events WHERE session_id = %L$$, :'s1'),
    $$VALUES ('video_started', '5e100000-0000-4000-8002-0000000000a1'::uuid, '5e100000-0000-4000-8000-00000000000a'::uuid,
              '5e100000-0000-4000-8001-0000000000a1'::uuid, '5e100000-0000-4000-8003-0000000000a1'::uuid,
              '5e100000-0000-4000-8004-0000000000a1'::uuid, '{"player": "web"}'::jsonb, now())$$,
    'it emits one video_started with the session id, course, module and metadata');
SELECT is((SELECT count(*) FROM chronos.video_analytics_events), 1::bigint, 'and no other event');
SELECT ok(pg_temp.start('a1', 'a1') <> :'s1', 'a second session of the same video gets a new id');

--
-- 2. Heartbeats: ranges, watch time, position, percent
--
SELECT pg_temp.age(:'s1', '1 hour') \g /dev/null
SELECT is((SELECT format('%s %s %s %s %s %s', watched, watch_time_seconds, percent_complete, completed::text,
                         last_position_seconds, (last_heartbeat_at = now())::text)
             FROM pg_temp.beat(:'s1', 0, 9.6)),
    '{[0,9.6)} 10 9 false 9.6 true',
    'a heartbeat returns the session: the range, watch time rounded (9.6 s: 10), percent floor(9.6): 9, position, heartbeat time');
SELECT is(pg_temp.progress(:'s1'), '{[0,9.6)} 10 9 false 9.6', 'and the row says the same');
SELECT is(pg_temp.events(:'s1'), '{video_started}', 'below 10 percent: no progress event');
SELECT is(pg_temp.progress((pg_temp.beat(:'s1', 9.6, 30.2)).id), '{[0,30.2)} 30 30 false 30.2',
    'the next range joins the first; 30.2 s covered: 30 percent');
SELECT is(pg_temp.events(:'s1'), '{video_progress:10,video_progress:25,video_started}',
    'crossing 10 and 25 percent in one heartbeat emits both milestones');
SELECT results_eq(
    format($$SELECT metadata, course_id, module_id, student_id FROM chronos.video_analytics_events
              WHERE session_id = %L AND event_type = 'video_progress' ORDER BY metadata->>'milestone'$$, :'s1'),
    $$VALUES ('{"milestone": 10, "percent_complete": 30}'::jsonb, '5e100000-0000-4000-8003-0000000000a1'::uuid,
              '5e100000-0000-4000-8004-0000000000a1'::uuid, '5e100000-0000-4000-8001-0000000000a1'::uuid),
             ('{"milestone": 25, "percent_complete": 30}', '5e100000-0000-4000-8003-0000000000a1',
              '5e100000-0000-4000-8004-0000000000a1', '5e100000-0000-4000-8001-0000000000a1')$$,
    'video_progress metadata: the milestone and the percent reached; the session''s course, module and student');
-- a seek back: replaying [20, 30) counts as watch time and as a second play,
-- not as coverage
SELECT is(pg_temp.progress((pg_temp.beat(:'s1', 20, 30)).id), '{[0,20),[20,30)x2,[30,30.2)} 40 30 false 30',
    'replaying [20, 30): watch time +10, percent unchanged, position 30');
SELECT is(pg_temp.progress((pg_temp.beat(:'s1', 30, 30)).id), '{[0,20),[20,30)x2,[30,30.2)} 40 30 false 30',
    'an empty range [30, 30) changes no range and no time');
SELECT is(pg_temp.progress((pg_temp.beat(:'s1', 60.25, 70.0004)).id), '{[0,20),[20,30)x2,[30,30.2),[60.25,70)} 50 39 false 70',
    'a seek forward: a separate range (39.95 s covered: 39 percent); positions are rounded to the millisecond (70.0004: 70)');

-- watch time is the total played, rounded once: ten beats of 0.4 s are 4 s
-- (rounding each beat would give 0, or 10)
SELECT pg_temp.age(pg_temp.start('a2', 'a2'), '1 hour') AS s2 \gset
CREATE TEMP TABLE beats_04 AS
SELECT k, (pg_temp.beat(:'s2', k * 0.4, (k + 1) * 0.4)).watch_time_seconds AS w
  FROM generate_series(0, 9) AS k;
SELECT is((SELECT array_agg(w ORDER BY k) FROM beats_04), '{0,1,1,2,2,2,3,3,4,4}'::integer[],
    'ten heartbeats of 0.4 s: watch time is the running total rounded (0, 1, 1, 2, 2, 2, 3, 3, 4, 4)');
SELECT is(pg_temp.progress(:'s2'), '{[0,4)} 4 4 false 4', 'the ten ranges make one');
SELECT is((pg_temp.beat(:'s2', 0.3, 0.6)).watch_time_seconds, 4, '+0.3 s: 4.3 s, still 4');
SELECT is((pg_temp.beat(:'s2', 0.3, 0.6)).watch_time_seconds, 5, '+0.3 s again: 4.6 s, 5');

--
-- 3. Milestones once each, completion once
--
SELECT pg_temp.age(pg_temp.start('a2', 'a1'), '1 hour') AS s3 \gset
SELECT pg_temp.beat(:'s3', 0, 12) \g /dev/null
SELECT is(pg_temp.events(:'s3'), '{video_progress:10,video_started}', '12 percent: milestone 10');
SELECT pg_temp.beat(:'s3', 0, 12) \g /dev/null
SELECT pg_temp.beat(:'s3', 5, 15) \g /dev/null
SELECT is(pg_temp.events(:'s3'), '{video_progress:10,video_started}', 'replays and 15 percent: nothing new');
SELECT pg_temp.beat(:'s3', 15, 55) \g /dev/null
SELECT is(pg_temp.events(:'s3'), '{video_progress:10,video_progress:25,video_progress:50,video_started}',
    '55 percent: milestones 25 and 50');
SELECT pg_temp.beat(:'s3', 55, 89.999) \g /dev/null
SELECT is(pg_temp.progress(:'s3'), '{[0,5)x2,[5,12)x3,[12,89.999)} 109 89 false 89.999',
    '89.999 s covered is 89 percent: not completed');
SELECT is(pg_temp.events(:'s3'),
    '{video_progress:10,video_progress:25,video_progress:50,video_progress:75,video_started}',
    '89 percent: milestone 75, not 90 yet');
SELECT is((SELECT format('%s %s', completed::text, (completed_at = now())::text) FROM pg_temp.beat(:'s3', 89.999, 90)),
    'true true', 'the last millisecond to 90 percent completes the session (the trigger), completed_at now');
SELECT is(pg_temp.events(:'s3'),
    '{video_completed,video_progress:10,video_progress:25,video_progress:50,video_progress:75,video_progress:90,video_started}',
    'milestone 90 and video_completed');
SELECT is((SELECT metadata FROM chronos.video_analytics_events WHERE session_id = :'s3' AND event_type = 'video_completed'),
    '{"percent_complete": 90}'::jsonb, 'video_completed metadata: the percent reached');
SELECT pg_temp.beat(:'s3', 0, 10) \g /dev/null
SELECT pg_temp.beat(:'s3', 90, 100) \g /dev/null
SELECT pg_temp.beat(:'s3', 90, 100) \g /dev/null
SELECT is(pg_temp.progress(:'s3'), '{[0,5)x3,[5,10)x4,[10,12)x3,[12,90),[90,100)x2} 139 100 true 100',
    'played to the end, twice: 100 percent');
SELECT is((SELECT array_agg(e || ' x' || n ORDER BY e)
             FROM (SELECT event_type::text || coalesce(':' || (metadata->>'milestone'), ''), count(*)
                     FROM chronos.video_analytics_events WHERE session_id = :'s3' GROUP BY 1) AS x (e, n)),
    '{"video_completed x1","video_progress:10 x1","video_progress:25 x1","video_progress:50 x1","video_progress:75 x1","video_progress:90 x1","video_started x1"}',
    'each milestone and video_completed exactly once in the session');
-- all at once: one heartbeat from 0 to 100 percent
SELECT pg_temp.age(pg_temp.start('a1', 'a2'), '1 hour') AS s4 \gset
SELECT is((pg_temp.beat(:'s4', 0, 100)).completed, true, 'one heartbeat over the whole video completes');
SELECT is(pg_temp.events(:'s4'),
    '{video_completed,video_progress:10,video_progress:25,video_progress:50,video_progress:75,video_progress:90,video_started}',
    'and emits the five milestones and video_completed together');
SELECT is((SELECT array_agg(metadata ORDER BY metadata->>'milestone') FROM chronos.video_analytics_events
            WHERE session_id = :'s4' AND event_type = 'video_progress'),
    ARRAY['{"milestone": 10, "percent_complete": 100}', '{"milestone": 25, "percent_complete": 100}',
          '{"milestone": 50, "percent_complete": 100}', '{"milestone": 75, "percent_complete": 100}',
          '{"milestone": 90, "percent_complete": 100}']::jsonb[],
    'each with its milestone and the percent reached');
-- milestones are per session: another session of the same video emits its own
SELECT pg_temp.age(pg_temp.start('a1', 'a2'), '1 hour') AS s5 \gset
SELECT pg_temp.beat(:'s5', 0, 30) \g /dev/null
SELECT is(pg_temp.events(:'s5'), '{video_progress:10,video_progress:25,video_rewatched,video_started}',
    'a new session of the same student and video: its own milestones (and video_rewatched, section 5)');
-- once per session even when the percent goes down: the duration is
-- corrected upwards mid-session (60 of 100 s, then the video is 200 s long)
INSERT INTO chronos.videos (id, creator_id, title, source_type, storage_path, duration_seconds) VALUES
  ('5e100000-0000-4000-8002-0000000000a6', '5e100000-0000-4000-8000-00000000000a', 'a6', 'upload', 'a6.mp4', 100);
SELECT pg_temp.age(pg_temp.start('a1', 'a6'), '1 hour') AS s6 \gset
SELECT pg_temp.beat(:'s6', 0, 60) \g /dev/null
UPDATE chronos.videos SET duration_seconds = 200 WHERE id = '5e100000-0000-4000-8002-0000000000a6';
SELECT is((pg_temp.beat(:'s6', 60, 61)).percent_complete, 30, 'the duration doubled: 61 s of 200 is 30 percent');
SELECT pg_temp.beat(:'s6', 61, 120) \g /dev/null
SELECT is(pg_temp.events(:'s6'), '{video_progress:10,video_progress:25,video_progress:50,video_started}',
    'back at 60 percent: milestone 50 is not emitted a second time in the session');

--
-- 4. Completion by coverage, not by time spent
--
-- seek to the end and play the last 10 percent
SELECT pg_temp.age(pg_temp.start('a2', 'a2'), '1 hour') AS c1 \gset
SELECT is(pg_temp.progress((pg_temp.beat(:'c1', 90, 100)).id), '{[90,100)} 10 10 false 100',
    'seeking to 90 s and playing to the end: 10 percent, not completed');
SELECT pg_temp.beat(:'c1', 90, 100) FROM generate_series(1, 9) \g /dev/null
SELECT is(pg_temp.progress(:'c1'), '{[90,100)x10} 100 10 false 100',
    'playing the last 10 s ten times: 100 s of watch time, still 10 percent, not completed');
SELECT is(pg_temp.events(:'c1'), '{video_progress:10,video_started}', 'no video_completed, no milestone past 10');
SELECT is(chronos.has_student_completed_video('5e100000-0000-4000-8001-0000000000a2', '5e100000-0000-4000-8002-0000000000a2'),
    false, 'has_student_completed_video agrees');
-- 90 percent of the distinct seconds, with gaps, completes
SELECT pg_temp.age(pg_temp.start('a2', 'a2'), '1 hour') AS c2 \gset
SELECT pg_temp.beat(:'c2', 0, 45) \g /dev/null
SELECT is(pg_temp.progress((pg_temp.beat(:'c2', 50, 95)).id), '{[0,45),[50,95)} 90 90 true 95',
    '[0, 45) and [50, 95): 90 distinct seconds, 90 percent, completed');
SELECT is(chronos.has_student_completed_video('5e100000-0000-4000-8001-0000000000a2', '5e100000-0000-4000-8002-0000000000a2'),
    true, 'has_student_completed_video agrees');
-- the threshold is chronos.completion_threshold
SET LOCAL chronos.completion_threshold = 50;
SELECT pg_temp.age(pg_temp.start('a2', 'a2'), '1 hour') AS c3 \gset
SELECT is((pg_temp.beat(:'c3', 0, 49.999)).completed, false, 'threshold 50: 49 percent is not completed');
SELECT is((pg_temp.beat(:'c3', 49.999, 50)).completed, true, 'threshold 50: 50 percent is');
SELECT is(pg_temp.events(:'c3'), '{video_completed,video_progress:10,video_progress:25,video_progress:50,video_rewatched,video_started}',
    'video_completed comes with the session''s completion, whatever the threshold (video_rewatched: a2 completed a2 in c2)');
RESET chronos.completion_threshold;
-- percent_complete is floor(100 x coverage / duration), capped at 100, and
-- only coverage before the recorded duration counts: the 1 s tolerance past
-- the end is accepted but cannot complete a session: 88 s + [98.5, 101) has
-- 89.5 s before 100 s, 89 percent, not completed
SELECT pg_temp.age(pg_temp.start('a2', 'a2'), '1 hour') AS c4 \gset
SELECT pg_temp.beat(:'c4', 0, 88) \g /dev/null
SELECT is((SELECT format('%s %s %s', watched, percent_complete, completed::text) FROM pg_temp.beat(:'c4', 98.5, 101)),
    '{[0,88),[98.5,101)} 89 false',
    'coverage past the recorded duration does not count: [0, 88) and [98.5, 101) are 89.5 s before 100 s, 89 percent, not completed');
-- watch time is the sum of the ranges played, even when the session plays
-- so many separate bits that watched keeps only 1024 ranges and merges
-- (undercounting rewatches there): 100 s, then 600 replays of 0.05 s in
-- between, are 130 s of watch time
SELECT pg_temp.age(pg_temp.start('a2', 'a2'), '1 hour') AS c5 \gset
SELECT pg_temp.beat(:'c5', 0, 100) \g /dev/null
SELECT pg_temp.beat(:'c5', k * 0.1, k * 0.1 + 0.05) FROM generate_series(0, 599) AS k \g /dev/null
SELECT is((SELECT format('%s %s %s', (chronos.range_count(watched) <= 1024)::text, chronos.coverage(watched), percent_complete)
             FROM chronos.video_watch_sessions WHERE id = :'c5'),
    'true 100 100', 'a session with 1200 bits played: at most 1024 ranges kept, coverage exact');
SELECT is((SELECT watch_time_seconds FROM chronos.video_watch_sessions WHERE id = :'c5'), 130,
    'watch time adds every heartbeat''s to - from: 100 + 600 x 0.05 = 130 s, however the ranges are stored');

--
-- 5. Rewatches
--
-- student a1 completed video a2 in session s4: every later session of a2 is a rewatch
SELECT pg_temp.start('a1', 'a2') AS r1 \gset
SELECT is(pg_temp.events(:'r1'), '{video_rewatched,video_started}',
    'a session of a video the student completed before emits video_started and video_rewatched');
SELECT results_eq(
    format($$SELECT event_type::text, student_id, video_id, creator_id, metadata, "timestamp"
               FROM chronos.video_analytics_events WHERE session_id = %L ORDER BY 1$$, :'r1'),
    $$VALUES ('video_rewatched', '5e100000-0000-4000-8001-0000000000a1'::uuid, '5e100000-0000-4000-8002-0000000000a2'::uuid,
              '5e100000-0000-4000-8000-00000000000a'::uuid, '{}'::jsonb, now()),
             ('video_started', '5e100000-0000-4000-8001-0000000000a1', '5e100000-0000-4000-8002-0000000000a2',
              '5e100000-0000-4000-8000-00000000000a', '{}', now())$$,
    'both with the new session''s id, student, video and creator');
SELECT is(pg_temp.events(pg_temp.start('a1', 'a2')), '{video_rewatched,video_started}', 'and the next one again');
SELECT is(pg_temp.events(pg_temp.start('a2', 'a1')), '{video_rewatched,video_started}',
    'student a2 completed video a1 in s3: a rewatch');
-- not a rewatch: a video only started or only partly played, another student's completion
SELECT is(pg_temp.events(pg_temp.start('a1', 'a1')), '{video_started}',
    'student a1 never completed video a1 (30 percent at most): no video_rewatched');
SELECT is(pg_temp.events(pg_temp.start('a1', 'a0')), '{video_started}', 'nor video a0');
INSERT INTO chronos.students (id, creator_id, whop_user_id)
VALUES ('5e100000-0000-4000-8001-0000000000a3', '5e100000-0000-4000-8000-00000000000a', 'learner_3');
SELECT is(pg_temp.events(pg_temp.start('a3', 'a2')), '{video_started}',
    'student a3 on video a2, which others completed: no video_rewatched');

--
-- 6. An unknown duration
--
SELECT pg_temp.age(pg_temp.start('a2', 'a0'), '1 hour') AS u1 \gset
SELECT is(pg_temp.progress((pg_temp.beat(:'u1', 0, 50)).id), '{[0,50)} 50 0 false 50',
    'duration unknown: the range, watch time and position are recorded, the percent is left at 0');
SELECT is(pg_temp.progress((pg_temp.beat(:'u1', 50, 500)).id), '{[0,500)} 500 0 false 500',
    'and no end is enforced');
SELECT is(pg_temp.events(:'u1'), '{video_started}', 'no milestone while the duration is unknown');
UPDATE chronos.videos SET duration_seconds = 1000 WHERE id = '5e100000-0000-4000-8002-0000000000a0';
SELECT is(pg_temp.progress((pg_temp.beat(:'u1', 500, 510)).id), '{[0,510)} 510 51 false 510',
    'once the duration is known (1000 s), the next heartbeat computes the percent from all that was played');
SELECT is(pg_temp.events(:'u1'), '{video_progress:10,video_progress:25,video_progress:50,video_started}',
    'and emits the milestones crossed');

--
-- 7. The 1 s tolerance at the end
--
SELECT pg_temp.age(pg_temp.start('a2', 'a2'), '1 hour') AS t1 \gset
SELECT is(pg_temp.progress((pg_temp.beat(:'t1', 98, 100.5)).id), '{[98,100.5)} 3 2 false 100.5',
    'a range ending past the end of a 100 s video, by less than 1 s, is accepted (player rounding)');
SELECT is((SELECT format('%s %s', watched, last_position_seconds) FROM pg_temp.beat(:'t1', 100.5, 101)), '{[98,101)} 101',
    'so is one ending 1 s past the end');

--
-- 8. The speed guard: played time <= wall time since session_start x chronos.max_playback_rate + 30 s
--
-- a fresh session (started now, in this transaction): 30 s at most
SELECT pg_temp.start('a2', 'a2') AS g1 \gset
SELECT is((pg_temp.beat(:'g1', 0, 30)).watch_time_seconds, 30, 'a fresh session may claim 30 s');
SELECT throws_ok(format('SELECT chronos.record_watch_progress(%L, 30, 30.001)', :'g1'), '22023',
    format('watch session %s claims more playback than time allows', :'g1'),
    'but not one millisecond more: invalid_parameter_value');
SELECT pg_temp.start('a2', 'a2') AS g2 \gset
SELECT throws_ok(format('SELECT chronos.record_watch_progress(%L, 0, 100)', :'g2'), '22023',
    format('watch session %s claims more playback than time allows', :'g2'),
    'a fresh session claiming the whole 100 s video is refused');
SELECT is(pg_temp.progress(:'g2'), '{} 0 0 false NULL', 'and nothing of it was written');
SELECT is(pg_temp.events(:'g2'), '{video_rewatched,video_started}', 'no event either (the two are the start''s)');
SELECT pg_temp.beat(:'g2', 0, 10) FROM generate_series(1, 3) \g /dev/null
SELECT throws_ok(format('SELECT chronos.record_watch_progress(%L, 0, 0.001)', :'g2'), '22023', NULL,
    'replays count: after [0, 10) three times, a 31st second is refused');
-- an older session: 60 s x 2 + 30 s = 150 s
SELECT pg_temp.age(pg_temp.start('a2', 'a2'), '60 seconds') AS g3 \gset
SELECT is((pg_temp.beat(:'g3', 0, 100)).watch_time_seconds, 100, 'a session 60 s old may claim 100 s');
SELECT is((pg_temp.beat(:'g3', 0, 50)).watch_time_seconds, 150, 'and 150 s in all');
SELECT throws_ok(format('SELECT chronos.record_watch_progress(%L, 50, 50.001)', :'g3'), '22023', NULL,
    'but not more: 60 s x 2 + 30 s');
-- the rate is chronos.max_playback_rate
SET LOCAL chronos.max_playback_rate = 1;
SELECT pg_temp.age(pg_temp.start('a2', 'a2'), '60 seconds') AS g4 \gset
SELECT is((pg_temp.beat(:'g4', 0, 90)).watch_time_seconds, 90, 'at rate 1, a session 60 s old may claim 90 s');
SELECT throws_ok(format('SELECT chronos.record_watch_progress(%L, 90, 90.001)', :'g4'), '22023', NULL,
    'and no more');
SET LOCAL chronos.max_playback_rate = 16;
SELECT is((pg_temp.beat(:'g4', 0, 100)).watch_time_seconds, 190, 'at rate 16 it may claim more');
RESET chronos.max_playback_rate;
SELECT is(current_setting('chronos.max_playback_rate'), '2', 'chronos.max_playback_rate defaults to 2');

--
-- 9. end_watch_session
--
SELECT pg_temp.age(pg_temp.start('a2', 'a2'), '10 minutes') AS e1 \gset
SELECT pg_temp.beat(:'e1', 0, 20) \g /dev/null
SELECT is((SELECT format('%s %s %s', (session_end = now())::text, watch_time_seconds, last_position_seconds)
             FROM chronos.end_watch_session(:'e1')),
    'true 20 20', 'end_watch_session sets session_end to now and returns the session');
UPDATE chronos.video_watch_sessions SET session_end = session_start + interval '5 minutes' WHERE id = :'e1';
SELECT is((SELECT session_end - session_start FROM chronos.end_watch_session(:'e1')), interval '5 minutes',
    'a second call changes nothing (session_end stays what it was)');
SELECT throws_ok(format('SELECT chronos.record_watch_progress(%L, 20, 21)', :'e1'), '22023',
    format('watch session %s has ended', :'e1'), 'a heartbeat on an ended session is refused');
SELECT is(pg_temp.progress(:'e1'), '{[0,20)} 20 20 false 20', 'and writes nothing');
SELECT is(pg_temp.events(:'e1'), '{video_progress:10,video_rewatched,video_started}',
    'ending emits no event (these are the start''s and the heartbeat''s)');

--
-- 10. get_resume_position
--
INSERT INTO chronos.students (id, creator_id, whop_user_id)
VALUES ('5e100000-0000-4000-8001-0000000000a4', '5e100000-0000-4000-8000-00000000000a', 'learner_4');
CREATE FUNCTION pg_temp.resume(p_video text) RETURNS numeric LANGUAGE sql AS $$
    SELECT chronos.get_resume_position('5e100000-0000-4000-8001-0000000000a4', ('5e100000-0000-4000-8002-0000000000' || p_video)::uuid)
$$;
SELECT is(pg_temp.resume('a1'), 0::numeric, 'no session: resume at 0');
SELECT pg_temp.age(pg_temp.start('a4', 'a1'), '3 hours') AS p1 \gset
SELECT is(pg_temp.resume('a1'), 0::numeric, 'a session without a heartbeat: 0');
SELECT pg_temp.beat(:'p1', 30, 42.5) \g /dev/null
SELECT is(pg_temp.resume('a1'), 42.5, 'where the session stopped: 42.5');
SELECT pg_temp.age(pg_temp.start('a4', 'a1'), '2 hours') AS p2 \gset
SELECT is(pg_temp.resume('a1'), 42.5, 'a newer session that recorded no position does not hide it');
SELECT pg_temp.beat(:'p2', 60, 61) \g /dev/null
SELECT pg_temp.beat(:'p2', 10, 12) \g /dev/null
SELECT is(pg_temp.resume('a1'), 12::numeric, 'the newer session''s last position (after seeking back): 12');
SELECT chronos.end_watch_session(:'p2') \g /dev/null
SELECT is(pg_temp.resume('a1'), 12::numeric, 'ending the session keeps it');
SELECT pg_temp.age(pg_temp.start('a4', 'a1'), '1 hour') AS p3 \gset
SELECT pg_temp.beat(:'p3', 90, 94.999) \g /dev/null
SELECT is(pg_temp.resume('a1'), 94.999, '94.999 s of 100: before the last 5 percent, resume there');
SELECT pg_temp.beat(:'p3', 94.999, 95) \g /dev/null
SELECT is(pg_temp.resume('a1'), 0::numeric, '95 s of 100: within the last 5 percent, start over at 0');
SELECT pg_temp.beat(:'p3', 99, 100) \g /dev/null
SELECT is(pg_temp.resume('a1'), 0::numeric, 'at the end: 0');
SELECT is(pg_temp.resume('a2'), 0::numeric, 'another video: 0');
SELECT is(chronos.get_resume_position('5e100000-0000-4000-8001-0000000000a3', '5e100000-0000-4000-8002-0000000000a1'),
    0::numeric, 'another student: 0');
SELECT pg_temp.age(pg_temp.start('a4', 'a0'), '1 hour') AS p4 \gset
UPDATE chronos.videos SET duration_seconds = NULL WHERE id = '5e100000-0000-4000-8002-0000000000a0';
SELECT pg_temp.beat(:'p4', 0, 999) \g /dev/null
SELECT is(pg_temp.resume('a0'), 999::numeric, 'duration unknown: the position as it is');

--
-- 11. current_viewers
--
INSERT INTO chronos.videos (id, creator_id, title, source_type, storage_path, duration_seconds) VALUES
  ('5e100000-0000-4000-8002-0000000000a5', '5e100000-0000-4000-8000-00000000000a', 'a5', 'upload', 'a5.mp4', 100);
SELECT is(chronos.current_viewers('5e100000-0000-4000-8002-0000000000a5'), 0, 'nobody watches video a5');
SELECT pg_temp.age(pg_temp.start('a1', 'a5'), '10 minutes') AS v1 \gset
SELECT is(chronos.current_viewers('5e100000-0000-4000-8002-0000000000a5'), 0, 'a session without a heartbeat is not a viewer');
SELECT pg_temp.beat(:'v1', 0, 10) \g /dev/null
SELECT is(chronos.current_viewers('5e100000-0000-4000-8002-0000000000a5'), 1, 'one heartbeat now: one viewer');
SELECT pg_temp.age(pg_temp.start('a2', 'a5'), '10 minutes') AS v2 \gset
SELECT pg_temp.beat(:'v2', 0, 10) \g /dev/null
SELECT pg_temp.age(pg_temp.start('a3', 'a5'), '10 minutes') AS v3 \gset
SELECT pg_temp.beat(:'v3', 0, 10) \g /dev/null
SELECT is(chronos.current_viewers('5e100000-0000-4000-8002-0000000000a5'), 3, 'three sessions with a heartbeat now: 3');
UPDATE chronos.video_watch_sessions SET last_heartbeat_at = now() - interval '59 seconds' WHERE id = :'v2';
UPDATE chronos.video_watch_sessions SET last_heartbeat_at = now() - interval '61 seconds' WHERE id = :'v3';
SELECT is(chronos.current_viewers('5e100000-0000-4000-8002-0000000000a5'), 2,
    'a heartbeat 59 s ago counts, one 61 s ago does not');
SELECT chronos.end_watch_session(:'v1') \g /dev/null
SELECT is(chronos.current_viewers('5e100000-0000-4000-8002-0000000000a5'), 1, 'an ended session is not a viewer');
SELECT is(chronos.current_viewers('5e100000-0000-4000-8002-0000000000a4'), 0, 'an unknown video: 0');

--
-- 12. close_stale_watch_sessions
--
-- first every session above that is idle at all is closed, then sessions
-- of video b1, inserted with their heartbeats in the past, are closed by age
SELECT is(chronos.close_stale_watch_sessions('0 seconds') > 0, true, 'every session idle for any time is closed');
SELECT is((SELECT count(*) FROM chronos.video_watch_sessions WHERE session_end IS NULL AND last_heartbeat_at < now()),
    0::bigint, 'no open session with an earlier heartbeat is left');
SELECT is((SELECT count(*) FROM chronos.video_watch_sessions
            WHERE session_end IS NOT NULL AND session_end <> coalesce(last_heartbeat_at, session_start) AND id <> :'e1'
              AND id <> :'v1' AND id <> :'p2'),
    0::bigint, 'each ended at its last heartbeat or, without one, at its start');
CREATE FUNCTION pg_temp.stale(p_label text, p_started interval, p_beat interval) RETURNS uuid
LANGUAGE sql AS $$
    INSERT INTO chronos.video_watch_sessions (video_id, student_id, session_start, last_heartbeat_at, metadata)
    VALUES ('5e100000-0000-4000-8002-0000000000b1', '5e100000-0000-4000-8001-0000000000b1', now() - p_started,
            now() - p_beat, jsonb_build_object('label', p_label))
    RETURNING id
$$;
SELECT pg_temp.stale('beat 40 min ago', '2 hours', '40 minutes') AS st1 \gset
SELECT pg_temp.stale('beat 31 min ago', '2 hours', '31 minutes') AS st2 \gset
SELECT pg_temp.stale('beat 29 min ago', '2 hours', '29 minutes') AS st3 \gset
SELECT pg_temp.stale('no beat, started 45 min ago', '45 minutes', NULL) AS st4 \gset
SELECT pg_temp.stale('no beat, started 10 min ago', '10 minutes', NULL) AS st5 \gset
SELECT pg_temp.stale('beat 5 min ago', '2 hours', '5 minutes') AS st6 \gset
SELECT pg_temp.stale('ended long ago', '3 hours', '2 hours') AS st7 \gset
UPDATE chronos.video_watch_sessions SET session_end = now() - interval '100 minutes' WHERE id = :'st7';
CREATE FUNCTION pg_temp.ends() RETURNS text[] LANGUAGE sql AS $$
    SELECT array_agg(format('%s: %s', metadata->>'label',
                            coalesce((now() - session_end)::text, 'open')) ORDER BY session_start, last_heartbeat_at)
      FROM chronos.video_watch_sessions WHERE video_id = '5e100000-0000-4000-8002-0000000000b1'
$$;
SELECT is(chronos.close_stale_watch_sessions(), 3, 'by default (30 minutes) three sessions are stale');
SELECT is(pg_temp.ends(),
    ARRAY['ended long ago: 01:40:00', 'beat 40 min ago: 00:40:00', 'beat 31 min ago: 00:31:00',
          'beat 29 min ago: open', 'beat 5 min ago: open', 'no beat, started 45 min ago: 00:45:00',
          'no beat, started 10 min ago: open'],
    'each closed at its last heartbeat, or at its start without one; the others untouched');
SELECT is(chronos.close_stale_watch_sessions(), 0, 'a second call finds nothing');
SET LOCAL chronos.session_timeout = '20min';
SELECT is(chronos.close_stale_watch_sessions(), 1, 'chronos.session_timeout 20 minutes: one more');
SELECT is(chronos.close_stale_watch_sessions('6 minutes'), 1, 'p_idle overrides the setting: 6 minutes, one more');
SELECT is(pg_temp.ends(),
    ARRAY['ended long ago: 01:40:00', 'beat 40 min ago: 00:40:00', 'beat 31 min ago: 00:31:00',
          'beat 29 min ago: 00:29:00', 'beat 5 min ago: open', 'no beat, started 45 min ago: 00:45:00',
          'no beat, started 10 min ago: 00:10:00'],
    'closed at their last heartbeat or start');
RESET chronos.session_timeout;
SELECT is(current_setting('chronos.session_timeout'), '30min', 'chronos.session_timeout defaults to 30 minutes');
SELECT is(chronos.close_stale_watch_sessions('0 seconds'), 1, 'p_idle 0 closes every open session with an earlier heartbeat');
SELECT throws_ok(format('SELECT chronos.record_watch_progress(%L, 0, 1)', :'st6'), '22023',
    format('watch session %s has ended', :'st6'), 'a closed session takes no more heartbeats');

SELECT * FROM finish();
ROLLBACK;
