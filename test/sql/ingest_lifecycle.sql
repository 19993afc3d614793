--
-- Ingestion, the watch helpers and the auto-complete trigger keep working
-- across DROP EXTENSION / CREATE EXTENSION in one session, a CREATE EXTENSION
-- rolled back, and a DROP EXTENSION rolled back.  Their C code keeps
-- prepared plans, column numbers and identity lookups for the life of the
-- backend; none of it may outlive (or be lost with) the objects it was made
-- for.  Every round runs the same calls in this same session:
--
--   the fixtures                 a creator, a student, a video, a course, a module
--                                (test/fixtures/people.sql, catalog.sql)
--   ingest_lifecycle.exercise()  every path of track_video_event,
--                                track_video_events, the trigger and the
--                                helpers (as the service), one row per check
--   as a creator and a student   the same functions through the identity
--                                settings, past row-level security
--
-- exercise() lives outside schema chronos, so it survives DROP EXTENSION.
-- Ids: prefix e3.  The extension is left installed, and empty.
--
\set VERBOSITY default
\set SHOW_CONTEXT errors
CREATE SCHEMA ingest_lifecycle;
CREATE ROLE ingest_lifecycle_app;
\set ids 'e3%s00000-0000-4000-8000-%s'
\set whop ingest_lifecycle_
\set storage e3/
\getenv abs_srcdir PG_ABS_SRCDIR
CREATE FUNCTION ingest_lifecycle.exercise() RETURNS TABLE (step text, result text)
LANGUAGE plpgsql AS $$
DECLARE
    c constant uuid := 'e3100000-0000-4000-8000-00000000000a';
    s constant uuid := 'e3200000-0000-4000-8000-0000000000a1';
    v constant uuid := 'e3300000-0000-4000-8000-0000000000a1';
    co constant uuid := 'e3400000-0000-4000-8000-0000000000a1';
    m constant uuid := 'e3500000-0000-4000-8000-0000000000a1';
    other_video constant uuid := 'e3300000-0000-4000-8000-0000000000ff';
    eid uuid;
    n integer;
    msg text;
    detail text;
    ctx text;
BEGIN
    -- track_video_event: a new id, a client id, a replay, a conflict, a bad reference
    eid := chronos.track_video_event('video_imported', v, c);
    step := 'track_video_event, new id'; result := (eid IS NOT NULL)::text; RETURN NEXT;
    eid := chronos.track_video_event('video_added_to_course', v, c, NULL, co, m, '{"n": 1}',
                                    '2026-01-01 00:00:00+00', 'e3900000-0000-4000-8000-000000000001');
    step := 'track_video_event, client id'; result := eid::text; RETURN NEXT;
    eid := chronos.track_video_event('video_added_to_course', v, c, NULL, co, m, '{"n": 1}',
                                    p_event_id => 'e3900000-0000-4000-8000-000000000001');
    step := 'track_video_event, replay'; result := eid::text; RETURN NEXT;
    BEGIN
        PERFORM chronos.track_video_event('video_added_to_course', v, c, NULL, co, NULL, '{"n": 1}',
                                          p_event_id => 'e3900000-0000-4000-8000-000000000001');
        step := 'track_video_event, conflict'; result := 'no error'; RETURN NEXT;
    EXCEPTION WHEN OTHERS THEN
        GET STACKED DIAGNOSTICS msg = MESSAGE_TEXT, detail = PG_EXCEPTION_DETAIL;
        step := 'track_video_event, conflict'; result := SQLSTATE || ' ' || msg || ' / ' || detail; RETURN NEXT;
    END;
    BEGIN
        PERFORM chronos.track_video_event('video_started', other_video, c, s);
        step := 'track_video_event, bad video'; result := 'no error'; RETURN NEXT;
    EXCEPTION WHEN OTHERS THEN
        step := 'track_video_event, bad video'; result := SQLSTATE || ' ' || SQLERRM; RETURN NEXT;
    END;
    -- track_video_events: without ids, with ids (a replay and a new one), a bad
    -- reference (rolled back and diagnosed), a conflict with a stored event
    n := chronos.track_video_events(jsonb_build_array(
        jsonb_build_object('event_type', 'video_started', 'video_id', v, 'creator_id', c, 'student_id', s),
        jsonb_build_object('event_type', 'video_paused', 'video_id', v, 'creator_id', c, 'student_id', s)));
    step := 'track_video_events, no ids'; result := n::text; RETURN NEXT;
    n := chronos.track_video_events(jsonb_build_array(
        jsonb_build_object('event_type', 'video_added_to_course', 'video_id', v, 'creator_id', c,
                           'course_id', co, 'module_id', m, 'metadata', '{"n": 1}'::jsonb,
                           'event_id', 'e3900000-0000-4000-8000-000000000001'),
        jsonb_build_object('event_type', 'video_resumed', 'video_id', v, 'creator_id', c, 'student_id', s,
                           'event_id', 'e3900000-0000-4000-8000-000000000002')));
    step := 'track_video_events, ids'; result := n::text; RETURN NEXT;
    BEGIN
        PERFORM chronos.track_video_events(jsonb_build_array(
            jsonb_build_object('event_type', 'video_started', 'video_id', v, 'creator_id', c),
            jsonb_build_object('event_type', 'video_started', 'video_id', other_video, 'creator_id', c)));
        step := 'track_video_events, bad video'; result := 'no error'; RETURN NEXT;
    EXCEPTION WHEN OTHERS THEN
        GET STACKED DIAGNOSTICS ctx = PG_EXCEPTION_CONTEXT;
        step := 'track_video_events, bad video';
        result := SQLSTATE || ' ' || SQLERRM || ' / ' || split_part(ctx, E'\n', 1); RETURN NEXT;
    END;
    BEGIN
        PERFORM chronos.track_video_events(jsonb_build_array(
            jsonb_build_object('event_type', 'video_resumed', 'video_id', v, 'creator_id', c, 'student_id', s,
                               'event_id', 'e3900000-0000-4000-8000-000000000002', 'metadata', '{"x": 1}'::jsonb)));
        step := 'track_video_events, conflict'; result := 'no error'; RETURN NEXT;
    EXCEPTION WHEN OTHERS THEN
        GET STACKED DIAGNOSTICS msg = MESSAGE_TEXT, detail = PG_EXCEPTION_DETAIL, ctx = PG_EXCEPTION_CONTEXT;
        step := 'track_video_events, conflict';
        result := SQLSTATE || ' ' || msg || ' / ' || detail || ' / ' || split_part(ctx, E'\n', 1); RETURN NEXT;
    END;
    step := 'events stored'; result := (SELECT count(*) FROM chronos.video_analytics_events WHERE creator_id = c)::text;
    RETURN NEXT;
    -- the trigger: completes at the threshold, never goes back
    INSERT INTO chronos.video_watch_sessions (id, video_id, student_id, percent_complete, watch_time_seconds)
    VALUES ('e3700000-0000-4000-8000-000000000001', v, s, 40, 100),
           ('e3700000-0000-4000-8000-000000000002', v, s, 95, 250);
    UPDATE chronos.video_watch_sessions SET percent_complete = 10
     WHERE id = 'e3700000-0000-4000-8000-000000000002';
    step := 'trigger';
    result := (SELECT string_agg(format('%s%%=%s', percent_complete, completed), ', ' ORDER BY id)
                 FROM chronos.video_watch_sessions WHERE student_id = s);
    RETURN NEXT;
    -- the helpers, as the service
    step := 'helpers';
    result := format('%s s, %s%%, %s', chronos.get_student_total_watch_time(s, v),
                     chronos.get_student_highest_completion(s, v), chronos.has_student_completed_video(s, v));
    RETURN NEXT;
    -- an event of a session
    eid := chronos.track_video_event('video_progress', v, c, s, p_session_id => 'e3700000-0000-4000-8000-000000000001',
                                    p_event_id => 'e3900000-0000-4000-8000-000000000003');
    step := 'track_video_event, session'; result := eid::text; RETURN NEXT;
END
$$;

--
-- 1. As installed by pg_regress
--
\set creators a
\set students a1
\set videos a1
\set courses a1
\set modules a1
\ir :abs_srcdir/fixtures/people.sql
\ir :abs_srcdir/fixtures/catalog.sql
SELECT * FROM ingest_lifecycle.exercise();
-- as the creator and as its student, through the identity settings
SET ROLE ingest_lifecycle_app;
SET chronos.creator_id = 'e3100000-0000-4000-8000-00000000000a';
SELECT chronos.track_video_event('video_transcribed', 'e3300000-0000-4000-8000-0000000000a1',
                                 'e3100000-0000-4000-8000-00000000000a',
                                 p_event_id => 'e3900000-0000-4000-8000-000000000010') AS creator_event,
       chronos.get_student_total_watch_time('e3200000-0000-4000-8000-0000000000a1', 'e3300000-0000-4000-8000-0000000000a1') AS seconds,
       chronos.get_student_highest_completion('e3200000-0000-4000-8000-0000000000a1', 'e3300000-0000-4000-8000-0000000000a1') AS percent,
       chronos.has_student_completed_video('e3200000-0000-4000-8000-0000000000a1', 'e3300000-0000-4000-8000-0000000000a1') AS completed;
RESET chronos.creator_id;
SET request.jwt.claims = '{"sub": "ingest_lifecycle_user_a"}';
SELECT chronos.track_video_event('video_embedded', 'e3300000-0000-4000-8000-0000000000a1',
                                 'e3100000-0000-4000-8000-00000000000a',
                                 p_event_id => 'e3900000-0000-4000-8000-000000000012') AS creator_by_sub;
RESET request.jwt.claims;
SET chronos.student_id = 'e3200000-0000-4000-8000-0000000000a1';
SELECT chronos.track_video_events('[{"event_type": "video_seeked", "video_id": "e3300000-0000-4000-8000-0000000000a1", "creator_id": "e3100000-0000-4000-8000-00000000000a", "student_id": "e3200000-0000-4000-8000-0000000000a1", "event_id": "e3900000-0000-4000-8000-000000000011"}]') AS student_events,
       chronos.get_student_total_watch_time('e3200000-0000-4000-8000-0000000000a1', 'e3300000-0000-4000-8000-0000000000a1') AS seconds;
RESET chronos.student_id;
SELECT chronos.track_video_event('video_started', 'e3300000-0000-4000-8000-0000000000a1',
                                 'e3100000-0000-4000-8000-00000000000a');
RESET ROLE;

--
-- 2. DROP EXTENSION and CREATE EXTENSION, in this same session
--
DROP EXTENSION chronos;
CREATE EXTENSION chronos;
SELECT count(*) AS events FROM chronos.video_analytics_events;
\set creators a
\set students a1
\set videos a1
\set courses a1
\set modules a1
\ir :abs_srcdir/fixtures/people.sql
\ir :abs_srcdir/fixtures/catalog.sql
SELECT * FROM ingest_lifecycle.exercise();
SET ROLE ingest_lifecycle_app;
SET chronos.creator_id = 'e3100000-0000-4000-8000-00000000000a';
SELECT chronos.track_video_event('video_transcribed', 'e3300000-0000-4000-8000-0000000000a1',
                                 'e3100000-0000-4000-8000-00000000000a',
                                 p_event_id => 'e3900000-0000-4000-8000-000000000010') AS creator_event,
       chronos.get_student_total_watch_time('e3200000-0000-4000-8000-0000000000a1', 'e3300000-0000-4000-8000-0000000000a1') AS seconds,
       chronos.get_student_highest_completion('e3200000-0000-4000-8000-0000000000a1', 'e3300000-0000-4000-8000-0000000000a1') AS percent,
       chronos.has_student_completed_video('e3200000-0000-4000-8000-0000000000a1', 'e3300000-0000-4000-8000-0000000000a1') AS completed;
RESET chronos.creator_id;
SET request.jwt.claims = '{"sub": "ingest_lifecycle_user_a"}';
SELECT chronos.track_video_event('video_embedded', 'e3300000-0000-4000-8000-0000000000a1',
                                 'e3100000-0000-4000-8000-00000000000a',
                                 p_event_id => 'e3900000-0000-4000-8000-000000000012') AS creator_by_sub;
RESET request.jwt.claims;
SET chronos.student_id = 'e3200000-0000-4000-8000-0000000000a1';
SELECT chronos.track_video_events('[{"event_type": "video_seeked", "video_id": "e3300000-0000-4000-8000-0000000000a1", "creator_id": "e3100000-0000-4000-8000-00000000000a", "student_id": "e3200000-0000-4000-8000-0000000000a1", "event_id": "e3900000-0000-4000-8000-000000000011"}]') AS student_events,
       chronos.get_student_total_watch_time('e3200000-0000-4000-8000-0000000000a1', 'e3300000-0000-4000-8000-0000000000a1') AS seconds;
RESET chronos.student_id;
SELECT chronos.track_video_event('video_started', 'e3300000-0000-4000-8000-0000000000a1',
                                 'e3100000-0000-4000-8000-00000000000a');
RESET ROLE;

--
-- 3. CREATE EXTENSION rolled back after using everything in it, then again
--
DROP EXTENSION chronos;
BEGIN;
CREATE EXTENSION chronos;
\set creators a
\set students a1
\set videos a1
\set courses a1
\set modules a1
\ir :abs_srcdir/fixtures/people.sql
\ir :abs_srcdir/fixtures/catalog.sql
SELECT * FROM ingest_lifecycle.exercise();
SET LOCAL ROLE ingest_lifecycle_app;
SET LOCAL chronos.creator_id = 'e3100000-0000-4000-8000-00000000000a';
SELECT chronos.track_video_event('video_transcribed', 'e3300000-0000-4000-8000-0000000000a1',
                                 'e3100000-0000-4000-8000-00000000000a',
                                 p_event_id => 'e3900000-0000-4000-8000-000000000010') AS creator_event,
       chronos.get_student_total_watch_time('e3200000-0000-4000-8000-0000000000a1', 'e3300000-0000-4000-8000-0000000000a1') AS seconds,
       chronos.get_student_highest_completion('e3200000-0000-4000-8000-0000000000a1', 'e3300000-0000-4000-8000-0000000000a1') AS percent,
       chronos.has_student_completed_video('e3200000-0000-4000-8000-0000000000a1', 'e3300000-0000-4000-8000-0000000000a1') AS completed;
SET LOCAL chronos.creator_id = '';
SET LOCAL request.jwt.claims = '{"sub": "ingest_lifecycle_user_a"}';
SELECT chronos.track_video_event('video_embedded', 'e3300000-0000-4000-8000-0000000000a1',
                                 'e3100000-0000-4000-8000-00000000000a',
                                 p_event_id => 'e3900000-0000-4000-8000-000000000012') AS creator_by_sub;
ROLLBACK;
SELECT to_regprocedure('chronos.track_video_events(jsonb)') IS NULL AS gone,
       to_regclass('chronos.video_analytics_events') IS NULL AS table_gone;
CREATE EXTENSION chronos;
\set creators a
\set students a1
\set videos a1
\set courses a1
\set modules a1
\ir :abs_srcdir/fixtures/people.sql
\ir :abs_srcdir/fixtures/catalog.sql
SELECT * FROM ingest_lifecycle.exercise();
SET ROLE ingest_lifecycle_app;
SET chronos.creator_id = 'e3100000-0000-4000-8000-00000000000a';
SELECT chronos.track_video_event('video_transcribed', 'e3300000-0000-4000-8000-0000000000a1',
                                 'e3100000-0000-4000-8000-00000000000a',
                                 p_event_id => 'e3900000-0000-4000-8000-000000000010') AS creator_event,
       chronos.get_student_total_watch_time('e3200000-0000-4000-8000-0000000000a1', 'e3300000-0000-4000-8000-0000000000a1') AS seconds,
       chronos.get_student_highest_completion('e3200000-0000-4000-8000-0000000000a1', 'e3300000-0000-4000-8000-0000000000a1') AS percent,
       chronos.has_student_completed_video('e3200000-0000-4000-8000-0000000000a1', 'e3300000-0000-4000-8000-0000000000a1') AS completed;
RESET chronos.creator_id;
SET request.jwt.claims = '{"sub": "ingest_lifecycle_user_a"}';
SELECT chronos.track_video_event('video_embedded', 'e3300000-0000-4000-8000-0000000000a1',
                                 'e3100000-0000-4000-8000-00000000000a',
                                 p_event_id => 'e3900000-0000-4000-8000-000000000012') AS creator_by_sub;
RESET request.jwt.claims;
SET chronos.student_id = 'e3200000-0000-4000-8000-0000000000a1';
SELECT chronos.track_video_events('[{"event_type": "video_seeked", "video_id": "e3300000-0000-4000-8000-0000000000a1", "creator_id": "e3100000-0000-4000-8000-00000000000a", "student_id": "e3200000-0000-4000-8000-0000000000a1", "event_id": "e3900000-0000-4000-8000-000000000011"}]') AS student_events,
       chronos.get_student_total_watch_time('e3200000-0000-4000-8000-0000000000a1', 'e3300000-0000-4000-8000-0000000000a1') AS seconds;
RESET chronos.student_id;
RESET ROLE;

--
-- 4. DROP and CREATE EXTENSION in one transaction, used before it commits
--
BEGIN;
DROP EXTENSION chronos;
CREATE EXTENSION chronos;
\set creators a
\set students a1
\set videos a1
\set courses a1
\set modules a1
\ir :abs_srcdir/fixtures/people.sql
\ir :abs_srcdir/fixtures/catalog.sql
SELECT * FROM ingest_lifecycle.exercise();
COMMIT;
SELECT count(*) AS events FROM chronos.video_analytics_events;

--
-- 5. DROP EXTENSION rolled back: the same objects, and everything still works
--
BEGIN;
DROP EXTENSION chronos;
ROLLBACK;
DELETE FROM chronos.creators WHERE whop_company_id = 'ingest_lifecycle_co_a';
\set creators a
\set students a1
\set videos a1
\set courses a1
\set modules a1
\ir :abs_srcdir/fixtures/people.sql
\ir :abs_srcdir/fixtures/catalog.sql
SELECT * FROM ingest_lifecycle.exercise();
SET ROLE ingest_lifecycle_app;
SET chronos.creator_id = 'e3100000-0000-4000-8000-00000000000a';
SELECT chronos.track_video_event('video_transcribed', 'e3300000-0000-4000-8000-0000000000a1',
                                 'e3100000-0000-4000-8000-00000000000a',
                                 p_event_id => 'e3900000-0000-4000-8000-000000000010') AS creator_event,
       chronos.get_student_total_watch_time('e3200000-0000-4000-8000-0000000000a1', 'e3300000-0000-4000-8000-0000000000a1') AS seconds,
       chronos.get_student_highest_completion('e3200000-0000-4000-8000-0000000000a1', 'e3300000-0000-4000-8000-0000000000a1') AS percent,
       chronos.has_student_completed_video('e3200000-0000-4000-8000-0000000000a1', 'e3300000-0000-4000-8000-0000000000a1') AS completed;
RESET chronos.creator_id;
SET request.jwt.claims = '{"sub": "ingest_lifecycle_user_a"}';
SELECT chronos.track_video_event('video_embedded', 'e3300000-0000-4000-8000-0000000000a1',
                                 'e3100000-0000-4000-8000-00000000000a',
                                 p_event_id => 'e3900000-0000-4000-8000-000000000012') AS creator_by_sub;
RESET request.jwt.claims;
RESET ROLE;

-- left installed, and empty
DELETE FROM chronos.creators WHERE whop_company_id = 'ingest_lifecycle_co_a';
DROP SCHEMA ingest_lifecycle CASCADE;
DROP ROLE ingest_lifecycle_app;
SELECT extname, extversion FROM pg_extension WHERE extname = 'chronos';
SELECT (SELECT count(*) FROM chronos.creators) + (SELECT count(*) FROM chronos.video_analytics_events)
       + (SELECT count(*) FROM chronos.video_watch_sessions) AS rows_left;
