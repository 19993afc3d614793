-- Who may do what with watch sessions, acted out by real roles: a NOLOGIN
-- role granted nothing beyond what the install script gives PUBLIC, whose
-- identity comes from each source chronos reads (JWT claims with
-- student_id, creator_id, sub or role; the per-claim settings; the
-- chronos.* settings), and a BYPASSRLS role.  A student starts, beats and
-- ends only its own sessions; to another student, another creator and an
-- anonymous caller, who cannot see the session, it does not exist (23503,
-- as an unknown session: the refusal tells nothing); the video's creator,
-- who sees it, gets insufficient_privilege (42501); the service may act on
-- any.  Starting a session for another student is 42501 (nothing is looked
-- up).  Only the service closes stale sessions.  Nobody but the
-- service writes video_watch_sessions directly: progress and completion
-- cannot be forged by writing the row.  The read functions answer as the
-- caller (row-level security).  Every attempt runs in a subtransaction that
-- is rolled back, so each starts from the same fixture.  Ids: prefix 5e3.
SET client_min_messages = warning;
BEGIN;
SELECT plan(168);

CREATE ROLE chronos_session_tester NOLOGIN;
CREATE ROLE chronos_session_bypass NOLOGIN BYPASSRLS;

\set ids '5e300000-0000-4000-800%s-%s'
\set kinds 012346
\set creators 'a=user_alice b=user_bob'
\set students 'a1=user_sam a2=user_ann b1=user_tess'
\set videos 'a1=100 b1=100'
\ir ../fixtures/people.sql
\ir ../fixtures/catalog.sql
-- wA: student sA's open session of video a1, an hour old, [0,40) played,
-- its last heartbeat 10 s ago; wA2: student sA2's, [0,20) played, idle for
-- 40 minutes; wB: student sB's of video b1, idle too
INSERT INTO chronos.video_watch_sessions (id, video_id, student_id, session_start, last_heartbeat_at, watched,
                                          watch_time_seconds, percent_complete, last_position_seconds) VALUES
  ('5e300000-0000-4000-8006-0000000000a1', '5e300000-0000-4000-8002-0000000000a1', '5e300000-0000-4000-8001-0000000000a1',
   now() - interval '1 hour', now() - interval '10 seconds', '{[0,40)}', 40, 40, 40),
  ('5e300000-0000-4000-8006-0000000000a2', '5e300000-0000-4000-8002-0000000000a1', '5e300000-0000-4000-8001-0000000000a2',
   now() - interval '1 hour', now() - interval '40 minutes', '{[0,20)}', 20, 20, 20),
  ('5e300000-0000-4000-8006-0000000000b1', '5e300000-0000-4000-8002-0000000000b1', '5e300000-0000-4000-8001-0000000000b1',
   now() - interval '1 hour', now() - interval '40 minutes', '{[0,10)}', 10, 10, 10);

-- Who acts, and how the identity is given.
CREATE TEMP TABLE actors (ord int, actor text, kind text, db_role text, setting text, value text);
INSERT INTO actors VALUES
  (1,  'student sA by student_id claim',       'self',    'chronos_session_tester', 'request.jwt.claims', '{"student_id": "5e300000-0000-4000-8001-0000000000a1", "role": "authenticated"}'),
  (2,  'student sA by sub',                    'self',    'chronos_session_tester', 'request.jwt.claims', '{"sub": "user_sam", "role": "authenticated"}'),
  (3,  'student sA by request.jwt.claim.sub',  'self',    'chronos_session_tester', 'request.jwt.claim.sub', 'user_sam'),
  (4,  'student sA by chronos.student_id',     'self',    'chronos_session_tester', 'chronos.student_id', '5e300000-0000-4000-8001-0000000000a1'),
  (5,  'student sA2 (same creator)',           'other',   'chronos_session_tester', 'request.jwt.claims', '{"student_id": "5e300000-0000-4000-8001-0000000000a2"}'),
  (6,  'student sB (another creator)',         'foreign', 'chronos_session_tester', 'chronos.student_id', '5e300000-0000-4000-8001-0000000000b1'),
  (7,  'creator A (the video''s) by claim',    'creator', 'chronos_session_tester', 'request.jwt.claims', '{"creator_id": "5e300000-0000-4000-8000-00000000000a"}'),
  (8,  'creator A by chronos.creator_id',      'creator', 'chronos_session_tester', 'chronos.creator_id', '5e300000-0000-4000-8000-00000000000a'),
  (9,  'creator B',                            'creatorB','chronos_session_tester', 'request.jwt.claims', '{"sub": "user_bob"}'),
  (10, 'anonymous',                            'anon',    'chronos_session_tester', NULL, NULL),
  (11, 'service by role claim',                'service', 'chronos_session_tester', 'request.jwt.claims', '{"role": "service_role"}'),
  (12, 'service as a BYPASSRLS role',          'service', 'chronos_session_bypass', NULL, NULL);

-- attempt(actor, sql): runs sql (returning one value) as the actor, in a
-- subtransaction that is then rolled back; 'ok <value>' or 'ERROR <sqlstate>'.
CREATE FUNCTION pg_temp.attempt(p_actor int, p_sql text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    a actors;
    v text;
BEGIN
    SELECT * INTO a FROM actors WHERE ord = p_actor;
    BEGIN
        PERFORM set_config('role', a.db_role, true);
        IF a.setting IS NOT NULL THEN
            PERFORM set_config(a.setting, a.value, true);
        END IF;
        EXECUTE p_sql INTO v;
        RAISE EXCEPTION USING ERRCODE = 'P0100', MESSAGE = coalesce(v, 'NULL');
    EXCEPTION
        WHEN SQLSTATE 'P0100' THEN RETURN 'ok ' || SQLERRM;
        WHEN OTHERS THEN RETURN 'ERROR ' || SQLSTATE;
    END;
END
$$;
GRANT SELECT ON actors TO PUBLIC;

-- What each kind of actor must get from each check.
CREATE TEMP TABLE checks (ord serial, check_name text, sql text,
  self text, other text, "foreign" text, creator text, "creatorB" text, anon text, service text);
INSERT INTO checks (check_name, sql, self, other, "foreign", creator, "creatorB", anon, service) VALUES
  ('start a session for sA',
   $$SELECT chronos.start_watch_session('5e300000-0000-4000-8001-0000000000a1', '5e300000-0000-4000-8002-0000000000a1') IS NOT NULL$$,
   'ok true', 'ERROR 42501', 'ERROR 42501', 'ERROR 42501', 'ERROR 42501', 'ERROR 42501', 'ok true'),
  ('start a session for sA on creator B''s video',
   $$SELECT chronos.start_watch_session('5e300000-0000-4000-8001-0000000000a1', '5e300000-0000-4000-8002-0000000000b1') IS NOT NULL$$,
   'ERROR 23503', 'ERROR 42501', 'ERROR 42501', 'ERROR 42501', 'ERROR 42501', 'ERROR 42501', 'ERROR 23503'),
  ('heartbeat on sA''s session',
   $$SELECT watch_time_seconds FROM chronos.record_watch_progress('5e300000-0000-4000-8006-0000000000a1', 40, 50)$$,
   'ok 50', 'ERROR 23503', 'ERROR 23503', 'ERROR 42501', 'ERROR 23503', 'ERROR 23503', 'ok 50'),
  ('end sA''s session',
   $$SELECT session_end = now() FROM chronos.end_watch_session('5e300000-0000-4000-8006-0000000000a1')$$,
   'ok true', 'ERROR 23503', 'ERROR 23503', 'ERROR 42501', 'ERROR 23503', 'ERROR 23503', 'ok true'),
  ('heartbeat on an unknown session',
   $$SELECT watch_time_seconds FROM chronos.record_watch_progress('5e300000-0000-4000-8006-0000000000ff', 0, 1)$$,
   'ERROR 23503', 'ERROR 23503', 'ERROR 23503', 'ERROR 23503', 'ERROR 23503', 'ERROR 23503', 'ERROR 23503'),
  ('close stale sessions',
   $$SELECT chronos.close_stale_watch_sessions()$$,
   'ERROR 42501', 'ERROR 42501', 'ERROR 42501', 'ERROR 42501', 'ERROR 42501', 'ERROR 42501', 'ok 2'),
  -- (refused by the policy; for a caller who cannot see the video, already by
  -- the trigger fill_creator_id, to which the video does not exist: 23503)
  ('insert a session for sA directly',
   $$INSERT INTO chronos.video_watch_sessions (video_id, student_id, percent_complete)
     VALUES ('5e300000-0000-4000-8002-0000000000a1', '5e300000-0000-4000-8001-0000000000a1', 100) RETURNING completed$$,
   'ERROR 42501', 'ERROR 42501', 'ERROR 23503', 'ERROR 42501', 'ERROR 23503', 'ERROR 23503', 'ok true'),
  ('complete sA''s session by UPDATE',
   $$WITH u AS (UPDATE chronos.video_watch_sessions SET percent_complete = 100, watched = '{[0,100)}'
                 WHERE id = '5e300000-0000-4000-8006-0000000000a1' RETURNING 1) SELECT count(*) FROM u$$,
   'ok 0', 'ok 0', 'ok 0', 'ok 0', 'ok 0', 'ok 0', 'ok 1'),
  ('delete sA''s session',
   $$WITH d AS (DELETE FROM chronos.video_watch_sessions WHERE id = '5e300000-0000-4000-8006-0000000000a1' RETURNING 1)
     SELECT count(*) FROM d$$,
   'ok 0', 'ok 0', 'ok 0', 'ok 0', 'ok 0', 'ok 0', 'ok 1'),
  ('sessions it sees',
   $$SELECT string_agg(right(id::text, 2), ',' ORDER BY id) FROM chronos.video_watch_sessions$$,
   'ok a1', 'ok a2', 'ok b1', 'ok a1,a2', 'ok b1', 'ok NULL', 'ok a1,a2,b1'),
  ('get_resume_position of sA',
   $$SELECT chronos.get_resume_position('5e300000-0000-4000-8001-0000000000a1', '5e300000-0000-4000-8002-0000000000a1')$$,
   'ok 40', 'ok 0', 'ok 0', 'ok 40', 'ok 0', 'ok 0', 'ok 40'),
  ('current_viewers of video a1 (wA beat 10 s ago, wA2 40 minutes ago)',
   $$SELECT chronos.current_viewers('5e300000-0000-4000-8002-0000000000a1')$$,
   'ok 1', 'ok 0', 'ok 0', 'ok 1', 'ok 0', 'ok 0', 'ok 1'),
  ('retention of video a1 in 4 buckets',
   $$SELECT string_agg(format('%s/%s', reach, plays), ' ' ORDER BY bucket) FROM chronos.video_retention('5e300000-0000-4000-8002-0000000000a1', 4)$$,
   'ok 1/1 1/1 0/0 0/0', 'ok 1/1 0/0 0/0 0/0', 'ERROR 23503', 'ok 1/1 0.5/0.5 0/0 0/0', 'ERROR 23503', 'ERROR 23503',
   'ok 1/1 0.5/0.5 0/0 0/0');

SELECT is(pg_temp.attempt(a.ord, c.sql),
          CASE a.kind WHEN 'self' THEN c.self WHEN 'other' THEN c.other WHEN 'foreign' THEN c."foreign"
                      WHEN 'creator' THEN c.creator WHEN 'creatorB' THEN c."creatorB" WHEN 'anon' THEN c.anon
                      ELSE c.service END,
          format('%s: %s', a.actor, c.check_name))
  FROM checks c CROSS JOIN actors a
 ORDER BY c.ord, a.ord;

-- The fixture is untouched by all of the above.
SELECT is((SELECT string_agg(format('%s %s %s %s', right(id::text, 2), watched, percent_complete, coalesce(session_end::text, 'open')),
                             ', ' ORDER BY id) FROM chronos.video_watch_sessions),
    'a1 {[0,40)} 40 open, a2 {[0,20)} 20 open, b1 {[0,10)} 10 open', 'every session is as it was');
SELECT is((SELECT count(*) FROM chronos.video_analytics_events), 0::bigint, 'no event was left behind');

-- A whole session acted out by student sA (by sub), committed to the
-- transaction this time: what it wrote, and the events it emitted.
UPDATE chronos.video_watch_sessions SET session_end = now() WHERE session_end IS NULL;
SET LOCAL ROLE chronos_session_tester;
SELECT set_config('request.jwt.claims', '{"sub": "user_sam", "role": "authenticated"}', true) \g /dev/null
SELECT chronos.start_watch_session('5e300000-0000-4000-8001-0000000000a1', '5e300000-0000-4000-8002-0000000000a1',
                                   'desktop', 'direct_link') AS s \gset
RESET ROLE;
UPDATE chronos.video_watch_sessions SET session_start = now() - interval '10 minutes' WHERE id = :'s';
SET LOCAL ROLE chronos_session_tester;
SELECT is((SELECT percent_complete FROM chronos.record_watch_progress(:'s', 0, 60)), 60, 'sA plays [0, 60): 60 percent');
SELECT is((SELECT completed FROM chronos.record_watch_progress(:'s', 60, 95)), true, 'sA plays [60, 95): completed');
SELECT isnt((SELECT session_end FROM chronos.end_watch_session(:'s')), NULL, 'sA ends its session');
SELECT is(chronos.get_resume_position('5e300000-0000-4000-8001-0000000000a1', '5e300000-0000-4000-8002-0000000000a1'),
    0::numeric, 'stopped at 95 s of 100: sA resumes at 0');
SELECT is(chronos.has_student_completed_video('5e300000-0000-4000-8001-0000000000a1', '5e300000-0000-4000-8002-0000000000a1'),
    true, 'sA has completed the video');
SELECT is((SELECT array_agg(e ORDER BY e)
             FROM (SELECT event_type::text || coalesce(':' || (metadata->>'milestone'), '')
                     FROM chronos.video_analytics_events WHERE session_id = :'s') AS x (e)),
    '{video_completed,video_progress:10,video_progress:25,video_progress:50,video_progress:75,video_progress:90,video_started}',
    'sA sees the events its session emitted');
SELECT chronos.start_watch_session('5e300000-0000-4000-8001-0000000000a1', '5e300000-0000-4000-8002-0000000000a1') AS s2 \gset
SELECT is((SELECT array_agg(event_type::text ORDER BY event_type::text) FROM chronos.video_analytics_events WHERE session_id = :'s2'),
    '{video_rewatched,video_started}', 'its next session of the video is a rewatch');
SELECT throws_ok($$INSERT INTO chronos.video_analytics_events (event_type, video_id, creator_id, student_id)
                   VALUES ('video_completed', '5e300000-0000-4000-8002-0000000000a1', '5e300000-0000-4000-8000-00000000000a',
                           '5e300000-0000-4000-8001-0000000000a1')$$, '42501', NULL,
    'the events are written by the functions: sA cannot insert one itself');
RESET ROLE;
SELECT is((SELECT format('%s %s %s %s %s', device_type, referrer_type, watched, watch_time_seconds, completed)
             FROM chronos.video_watch_sessions WHERE id = :'s'),
    'desktop direct_link {[0,95)} 95 t', 'the row sA''s calls wrote');
SELECT is((SELECT count(DISTINCT student_id) || ' ' || count(*) FILTER (WHERE session_id = :'s')
             FROM chronos.video_analytics_events WHERE session_id IN (:'s', :'s2')),
    '1 7', 'every event carries sA''s student id and its session id');

SELECT * FROM finish();
ROLLBACK;
