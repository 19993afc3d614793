-- The quality-of-experience events of chronos 1.1 (issue 17, part 4: the
-- events; their rollups are not written yet): video_startup (metadata
-- startup_ms), video_rebuffer (duration_ms) and video_error (code) are
-- player events, which a student may send for its own sessions and the
-- creator and the service for any, through track_video_event and
-- track_video_events; their metadata is checked like every argument
-- (22023), before the caller (42501).  Messages are in
-- test/sql/analytics_errors.sql.  Ids: prefix a19.
SET client_min_messages = warning;
BEGIN;
SELECT plan(22);

\set ids 'a1900000-0000-4000-800%s-%s'
\set kinds 012346
\set whop qoe_
\set creators 'a b'
\set students 'a1 a2 b1'
\set videos 'a1=100 b1=100'
\set sessions 'a1=a1/a1 a2=a1/a2'
\ir ../fixtures/people.sql
\ir ../fixtures/catalog.sql
\ir ../fixtures/sessions.sql
CREATE ROLE chronos_qoe_caller NOLOGIN;
\ir ../fixtures/call_as.sql

-- track(setting, value, type, metadata, session): one event of video a1 by
-- student a1 (session a1 unless given), as a caller; its id, or the error
CREATE FUNCTION pg_temp.track(p_setting text, p_value text, p_type text, p_metadata jsonb,
                              p_session text DEFAULT 'a1', p_student text DEFAULT 'a1') RETURNS jsonb
LANGUAGE sql AS $$
    SELECT pg_temp.call_as('chronos_qoe_caller', p_setting, p_value,
        format($q$chronos.track_video_event(%L, 'a1900000-0000-4000-8002-0000000000a1',
                   'a1900000-0000-4000-8000-00000000000a', %L, p_metadata => %L,
                   p_session_id => %L) IS NOT NULL$q$,
               p_type, 'a1900000-0000-4000-8001-0000000000' || p_student, p_metadata,
               'a1900000-0000-4000-8006-0000000000' || p_session))
$$;

SELECT is(pg_temp.track('chronos.student_id', 'a1900000-0000-4000-8001-0000000000a1', 'video_startup', '{"startup_ms": 850}'),
    'true'::jsonb, 'a student reports the startup time of its own session');
SELECT is(pg_temp.track('chronos.student_id', 'a1900000-0000-4000-8001-0000000000a1', 'video_rebuffer', '{"duration_ms": 1200.5, "position": 31}'),
    'true'::jsonb, 'a stall, with other keys beside duration_ms');
SELECT is(pg_temp.track('chronos.student_id', 'a1900000-0000-4000-8001-0000000000a1', 'video_error', '{"code": "MEDIA_ERR_NETWORK"}'),
    'true'::jsonb, 'an error with a string code');
SELECT is(pg_temp.track('chronos.student_id', 'a1900000-0000-4000-8001-0000000000a1', 'video_error', '{"code": 4}'),
    'true'::jsonb, 'an error with a numeric code');
SELECT is(pg_temp.track('chronos.student_id', 'a1900000-0000-4000-8001-0000000000a1', 'video_startup', '{"startup_ms": 0}'),
    'true'::jsonb, 'a startup of 0 ms (the bound)');
SELECT is(pg_temp.track('chronos.creator_id', 'a1900000-0000-4000-8000-00000000000a', 'video_rebuffer', '{"duration_ms": 86400000}'),
    'true'::jsonb, 'the creator may send one too; a stall of a day (the bound)');
SELECT is(pg_temp.track('request.jwt.claims', '{"role": "service_role"}', 'video_startup', '{"startup_ms": 95.25}'),
    'true'::jsonb, 'and the service');
SELECT is((SELECT count(*) FROM chronos.video_analytics_events
            WHERE session_id = 'a1900000-0000-4000-8006-0000000000a1'
              AND event_type IN ('video_startup', 'video_rebuffer', 'video_error')), 7::bigint,
    'the seven events are written, of their session');

-- who may not
SELECT is(pg_temp.track('chronos.student_id', 'a1900000-0000-4000-8001-0000000000a2', 'video_startup', '{"startup_ms": 850}'),
    '{"error": "42501", "message": "permission denied to track events for student a1900000-0000-4000-8001-0000000000a1"}'::jsonb,
    'another student may not report for student a1');
SELECT is(pg_temp.track('chronos.creator_id', 'a1900000-0000-4000-8000-00000000000b', 'video_error', '{"code": 1}'),
    '{"error": "42501", "message": "permission denied to track events for creator a1900000-0000-4000-8000-00000000000a"}'::jsonb,
    'another creator may not');
SELECT is(pg_temp.track('chronos.creator_id', '', 'video_error', '{"code": 1}'),
    '{"error": "42501", "message": "permission denied to track events for creator a1900000-0000-4000-8000-00000000000a"}'::jsonb,
    'an anonymous caller may not');

-- what the metadata must hold (checked before the caller)
SELECT is(pg_temp.track('chronos.student_id', 'a1900000-0000-4000-8001-0000000000a1', 'video_startup', '{}')->>'error',
    '22023', 'video_startup without startup_ms');
SELECT is(pg_temp.track('chronos.student_id', 'a1900000-0000-4000-8001-0000000000a1', 'video_startup', '{"startup_ms": null}')->>'error',
    '22023', 'startup_ms null');
SELECT is(pg_temp.track('chronos.student_id', 'a1900000-0000-4000-8001-0000000000a1', 'video_startup', '{"startup_ms": "850"}')->>'error',
    '22023', 'startup_ms as a string');
SELECT is(pg_temp.track('chronos.student_id', 'a1900000-0000-4000-8001-0000000000a1', 'video_startup', '{"startup_ms": -1}')->>'error',
    '22023', 'a negative startup');
SELECT is(pg_temp.track('chronos.student_id', 'a1900000-0000-4000-8001-0000000000a1', 'video_rebuffer', '{"duration_ms": 86400001}')->>'error',
    '22023', 'a stall longer than a day');
SELECT is(pg_temp.track('chronos.student_id', 'a1900000-0000-4000-8001-0000000000a1', 'video_error', '{"code": ""}')->>'error',
    '22023', 'an empty error code');
SELECT is(pg_temp.track('chronos.student_id', 'a1900000-0000-4000-8001-0000000000a1', 'video_error', '{"code": true}')->>'error',
    '22023', 'a boolean error code');
SELECT is(pg_temp.track('chronos.creator_id', 'a1900000-0000-4000-8000-00000000000b', 'video_error', '{}')->>'error',
    '22023', 'the metadata is checked before the caller');
SELECT is(pg_temp.track('chronos.student_id', 'a1900000-0000-4000-8001-0000000000a1', 'video_paused', '{"startup_ms": "x"}'),
    'true'::jsonb, 'other event types hold what they like');

-- a batch: all or none
SELECT is(pg_temp.call_as('chronos_qoe_caller', 'chronos.student_id', 'a1900000-0000-4000-8001-0000000000a2',
        $q$chronos.track_video_events(jsonb_build_array(
            jsonb_build_object('event_type', 'video_startup', 'video_id', 'a1900000-0000-4000-8002-0000000000a1',
                               'creator_id', 'a1900000-0000-4000-8000-00000000000a',
                               'student_id', 'a1900000-0000-4000-8001-0000000000a2',
                               'session_id', 'a1900000-0000-4000-8006-0000000000a2', 'metadata', '{"startup_ms": 400}'::jsonb),
            jsonb_build_object('event_type', 'video_rebuffer', 'video_id', 'a1900000-0000-4000-8002-0000000000a1',
                               'creator_id', 'a1900000-0000-4000-8000-00000000000a',
                               'student_id', 'a1900000-0000-4000-8001-0000000000a2',
                               'session_id', 'a1900000-0000-4000-8006-0000000000a2', 'metadata', '{"duration_ms": 250}'::jsonb)))$q$),
    '2'::jsonb, 'a batch of a startup and a stall');
SELECT is(pg_temp.call_as('chronos_qoe_caller', 'chronos.student_id', 'a1900000-0000-4000-8001-0000000000a2',
        $q$chronos.track_video_events(jsonb_build_array(
            jsonb_build_object('event_type', 'video_startup', 'video_id', 'a1900000-0000-4000-8002-0000000000a1',
                               'creator_id', 'a1900000-0000-4000-8000-00000000000a',
                               'student_id', 'a1900000-0000-4000-8001-0000000000a2', 'metadata', '{"startup_ms": 400}'::jsonb),
            jsonb_build_object('event_type', 'video_rebuffer', 'video_id', 'a1900000-0000-4000-8002-0000000000a1',
                               'creator_id', 'a1900000-0000-4000-8000-00000000000a',
                               'student_id', 'a1900000-0000-4000-8001-0000000000a2')))$q$)->>'error',
    '22023', 'a batch whose stall lacks duration_ms is refused whole');

SELECT * FROM finish();
ROLLBACK;
