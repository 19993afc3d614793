-- Who may track what (docs/architecture.md, order of checks): a creator any event type
-- on its own videos; a student only the player events, only as itself; the
-- service anything; anyone else insufficient_privilege (42501), decided
-- before any reference is looked up.  track_video_event and
-- track_video_events write past row-level security, but only after that
-- check.  Callers are a real role with real settings (chronos.creator_id,
-- chronos.student_id, request.jwt.claims).  Ids: prefix e4.
SET client_min_messages = warning;
BEGIN;
SELECT plan(46);

\set ids 'e4%s00000-0000-4000-8000-%s'
\set creators 'a b'
\set students 'a1 a2 b1=learner_3 a3=learner_both b2=learner_both'
\set videos 'a1 b1'
\set courses 'a1'
\set modules 'a1'
\set sessions 'a1=a1/a1'
\ir ../fixtures/people.sql
\ir ../fixtures/catalog.sql
\ir ../fixtures/sessions.sql

CREATE ROLE chronos_ingest_app;
CREATE ROLE chronos_ingest_bypass BYPASSRLS;

\ir ../fixtures/n_events.sql

-- become(who), unbecome() and as_who(who, sql): see the fixture (anon,
-- creator:<uuid>, student:<uuid>, claims:<json>, bypassrls).
\set app_role chronos_ingest_app
\set bypass_role chronos_ingest_bypass
\ir ../fixtures/become.sql

-- refused(who, sql, sqlstate, message, description [, detail [, context]]):
-- one assertion that sql, run by who, fails so and writes no event (a NULL
-- message, detail or context: any); see the fixture.
\ir ../fixtures/refused.sql

--
-- Nobody: a role with no identity
--
SELECT pg_temp.refused('anon', $$SELECT chronos.track_video_event('video_started',
        'e4300000-0000-4000-8000-0000000000a1', 'e4100000-0000-4000-8000-00000000000a')$$,
    '42501', 'permission denied to track events for creator e4100000-0000-4000-8000-00000000000a',
    'a caller with no identity may not track', 'Only the creator, its students (for their own viewing) and the service may track its events.');
SELECT pg_temp.refused('anon', $$SELECT chronos.track_video_events('[{"event_type": "video_started",
        "video_id": "e4300000-0000-4000-8000-0000000000a1", "creator_id": "e4100000-0000-4000-8000-00000000000a"}]')$$,
    '42501', 'permission denied to track events for creator e4100000-0000-4000-8000-00000000000a',
    'a caller with no identity may not track a batch', NULL, 'p_events element 0');
SELECT pg_temp.refused('anon', $$SELECT chronos.track_video_event('video_started',
        'e4300000-0000-4000-8000-0000000000ff', 'e4100000-0000-4000-8000-0000000000ff')$$,
    '42501', 'permission denied to track events for creator e4100000-0000-4000-8000-0000000000ff',
    'nobody learns whether a creator exists: 42501 comes before the references');
SELECT pg_temp.refused('anon', $$SELECT chronos.track_video_event('video_liked',
        'e4300000-0000-4000-8000-0000000000a1', 'e4100000-0000-4000-8000-00000000000a')$$,
    '22023', 'invalid video event type "video_liked"', 'the arguments are checked before the caller');
SELECT pg_temp.refused('anon', $$INSERT INTO chronos.video_analytics_events (event_type, video_id, creator_id)
        VALUES ('video_started', 'e4300000-0000-4000-8000-0000000000a1', 'e4100000-0000-4000-8000-00000000000a')$$,
    '42501', 'new row violates row-level security policy for table "video_analytics_events"',
    'nobody inserts events directly');

--
-- A creator: any event type on its own videos
--
SELECT is(pg_temp.as_who('creator:e4100000-0000-4000-8000-00000000000a', $$
    SELECT count(chronos.track_video_event(t::text, 'e4300000-0000-4000-8000-0000000000a1',
                                           'e4100000-0000-4000-8000-00000000000a',
                                           p_metadata => '{"startup_ms": 1, "duration_ms": 1, "code": 1}'))
      FROM unnest(enum_range(NULL::chronos.video_event_type)) AS t$$), '15',
    'a creator tracks each of the fifteen event types on its own video (1.1''s three with the metadata they need)');
SELECT is(pg_temp.as_who('creator:e4100000-0000-4000-8000-00000000000a', $$
    SELECT chronos.track_video_event('video_progress', 'e4300000-0000-4000-8000-0000000000a1',
        'e4100000-0000-4000-8000-00000000000a', 'e4200000-0000-4000-8000-0000000000a1',
        'e4400000-0000-4000-8000-0000000000a1', 'e4500000-0000-4000-8000-0000000000a1', '{"by": "creator"}',
        p_event_id => 'e4900000-0000-4000-8000-000000000001', p_session_id => 'e4700000-0000-4000-8000-0000000000a1')$$),
    'e4900000-0000-4000-8000-000000000001', 'a creator tracks an event of its student, course, module and session');
SELECT is((SELECT (creator_id, student_id, metadata) FROM chronos.video_analytics_events
            WHERE id = 'e4900000-0000-4000-8000-000000000001'),
          ('e4100000-0000-4000-8000-00000000000a'::uuid, 'e4200000-0000-4000-8000-0000000000a1'::uuid,
           '{"by": "creator"}'::jsonb), '... and the row is written past row-level security');
SELECT is(pg_temp.as_who('creator:e4100000-0000-4000-8000-00000000000a', $$
    SELECT count(*) FROM chronos.video_analytics_events WHERE id = 'e4900000-0000-4000-8000-000000000001'$$), '1',
    '... where the creator sees it');
SELECT is(pg_temp.as_who('creator:e4100000-0000-4000-8000-00000000000a', $$
    SELECT chronos.track_video_event('video_progress', 'e4300000-0000-4000-8000-0000000000a1',
        'e4100000-0000-4000-8000-00000000000a', 'e4200000-0000-4000-8000-0000000000a1',
        'e4400000-0000-4000-8000-0000000000a1', 'e4500000-0000-4000-8000-0000000000a1', '{"by": "creator"}',
        p_event_id => 'e4900000-0000-4000-8000-000000000001', p_session_id => 'e4700000-0000-4000-8000-0000000000a1')$$),
    'e4900000-0000-4000-8000-000000000001', 'a creator''s replay returns the id');
SELECT is(pg_temp.as_who('creator:e4100000-0000-4000-8000-00000000000a', $$
    SELECT chronos.track_video_events(jsonb_build_array(
        jsonb_build_object('event_type', 'video_transcribed', 'video_id', 'e4300000-0000-4000-8000-0000000000a1',
                           'creator_id', 'e4100000-0000-4000-8000-00000000000a'),
        jsonb_build_object('event_type', 'video_paused', 'video_id', 'e4300000-0000-4000-8000-0000000000a1',
                           'creator_id', 'e4100000-0000-4000-8000-00000000000a',
                           'student_id', 'e4200000-0000-4000-8000-0000000000a2')))$$), '2',
    'a creator tracks a batch on its own videos');
SELECT pg_temp.refused('creator:e4100000-0000-4000-8000-00000000000a', $$SELECT chronos.track_video_event('video_started',
        'e4300000-0000-4000-8000-0000000000b1', 'e4100000-0000-4000-8000-00000000000b')$$,
    '42501', 'permission denied to track events for creator e4100000-0000-4000-8000-00000000000b',
    'a creator may not track for another creator');
SELECT pg_temp.refused('creator:e4100000-0000-4000-8000-00000000000a', $$SELECT chronos.track_video_event('video_started',
        'e4300000-0000-4000-8000-0000000000a1', 'e4100000-0000-4000-8000-00000000000b')$$,
    '42501', 'permission denied to track events for creator e4100000-0000-4000-8000-00000000000b',
    '... not even with its own video: the creator is checked first');
SELECT pg_temp.refused('creator:e4100000-0000-4000-8000-00000000000a', $$SELECT chronos.track_video_events(jsonb_build_array(
        jsonb_build_object('event_type', 'video_started', 'video_id', 'e4300000-0000-4000-8000-0000000000a1',
                           'creator_id', 'e4100000-0000-4000-8000-00000000000a'),
        jsonb_build_object('event_type', 'video_started', 'video_id', 'e4300000-0000-4000-8000-0000000000b1',
                           'creator_id', 'e4100000-0000-4000-8000-00000000000b')))$$,
    '42501', 'permission denied to track events for creator e4100000-0000-4000-8000-00000000000b',
    'a batch with one element for another creator is refused whole', NULL, 'p_events element 1');
SELECT pg_temp.refused('creator:e4100000-0000-4000-8000-00000000000a', $$SELECT chronos.track_video_event('video_started',
        'e4300000-0000-4000-8000-0000000000b1', 'e4100000-0000-4000-8000-00000000000a')$$,
    '23503', 'video e4300000-0000-4000-8000-0000000000b1 does not belong to creator e4100000-0000-4000-8000-00000000000a',
    'for itself, a creator gets the reference errors');
SELECT pg_temp.refused('creator:e4100000-0000-4000-8000-00000000000a', $$INSERT INTO chronos.video_analytics_events
        (event_type, video_id, creator_id)
        VALUES ('video_started', 'e4300000-0000-4000-8000-0000000000a1', 'e4100000-0000-4000-8000-00000000000a')$$,
    '42501', 'new row violates row-level security policy for table "video_analytics_events"',
    'a creator does not insert events directly: only the functions write past row-level security');
SELECT is(pg_temp.as_who('claims:{"creator_id": "e4100000-0000-4000-8000-00000000000a"}', $$
    SELECT chronos.track_video_event('video_embedded', 'e4300000-0000-4000-8000-0000000000a1',
        'e4100000-0000-4000-8000-00000000000a', p_event_id => 'e4900000-0000-4000-8000-000000000002')$$),
    'e4900000-0000-4000-8000-000000000002', 'a creator named by the creator_id claim tracks');
SELECT is(pg_temp.as_who('claims:{"sub": "user_a", "role": "authenticated"}', $$
    SELECT chronos.track_video_event('video_embedded', 'e4300000-0000-4000-8000-0000000000a1',
        'e4100000-0000-4000-8000-00000000000a', p_event_id => 'e4900000-0000-4000-8000-000000000003')$$),
    'e4900000-0000-4000-8000-000000000003', 'a creator found by the sub claim tracks');
SELECT pg_temp.refused('claims:{"sub": "user_a", "role": "authenticated"}', $$SELECT chronos.track_video_event('video_embedded',
        'e4300000-0000-4000-8000-0000000000b1', 'e4100000-0000-4000-8000-00000000000b')$$,
    '42501', 'permission denied to track events for creator e4100000-0000-4000-8000-00000000000b',
    '... and only for itself');

--
-- A student: player events, as itself
--
SELECT is(pg_temp.as_who('student:e4200000-0000-4000-8000-0000000000a1', $$
    SELECT count(chronos.track_video_event(t, 'e4300000-0000-4000-8000-0000000000a1',
                                           'e4100000-0000-4000-8000-00000000000a', 'e4200000-0000-4000-8000-0000000000a1'))
      FROM unnest(ARRAY['video_started', 'video_progress', 'video_completed', 'video_rewatched',
                        'video_paused', 'video_resumed', 'video_seeked', 'playback_speed_changed']) AS t$$), '8',
    'a student tracks each of the eight player events as itself');
SELECT is(pg_temp.as_who('student:e4200000-0000-4000-8000-0000000000a1', $$
    SELECT chronos.track_video_event('video_progress', 'e4300000-0000-4000-8000-0000000000a1',
        'e4100000-0000-4000-8000-00000000000a', 'e4200000-0000-4000-8000-0000000000a1',
        'e4400000-0000-4000-8000-0000000000a1', 'e4500000-0000-4000-8000-0000000000a1', '{"position": 3}',
        p_event_id => 'e4900000-0000-4000-8000-000000000004', p_session_id => 'e4700000-0000-4000-8000-0000000000a1')$$),
    'e4900000-0000-4000-8000-000000000004', 'a student tracks progress in its own session, course and module');
SELECT is(pg_temp.as_who('student:e4200000-0000-4000-8000-0000000000a1', $$
    SELECT chronos.track_video_events(jsonb_build_array(
        jsonb_build_object('event_type', 'video_seeked', 'video_id', 'e4300000-0000-4000-8000-0000000000a1',
                           'creator_id', 'e4100000-0000-4000-8000-00000000000a',
                           'student_id', 'e4200000-0000-4000-8000-0000000000a1'),
        jsonb_build_object('event_type', 'playback_speed_changed', 'video_id', 'e4300000-0000-4000-8000-0000000000a1',
                           'creator_id', 'e4100000-0000-4000-8000-00000000000a',
                           'student_id', 'e4200000-0000-4000-8000-0000000000a1', 'metadata', '{"rate": 2}'::jsonb)))$$),
    '2', 'a student tracks a batch of player events');
SELECT pg_temp.refused('student:e4200000-0000-4000-8000-0000000000a1', format($$SELECT chronos.track_video_event(%L,
        'e4300000-0000-4000-8000-0000000000a1', 'e4100000-0000-4000-8000-00000000000a',
        'e4200000-0000-4000-8000-0000000000a1')$$, t),
    '42501', format('permission denied to track event type "%s" as a student', t),
    format('a student may not track %s', t),
    'Students may track only player events: video_started, video_progress, video_completed, video_rewatched, video_paused, video_resumed, video_seeked, playback_speed_changed, video_startup, video_rebuffer, video_error.')
  FROM unnest(ARRAY['video_imported', 'video_transcribed', 'video_embedded', 'video_added_to_course']) AS t;
SELECT pg_temp.refused('student:e4200000-0000-4000-8000-0000000000a1', $$SELECT chronos.track_video_events(jsonb_build_array(
        jsonb_build_object('event_type', 'video_started', 'video_id', 'e4300000-0000-4000-8000-0000000000a1',
                           'creator_id', 'e4100000-0000-4000-8000-00000000000a',
                           'student_id', 'e4200000-0000-4000-8000-0000000000a1'),
        jsonb_build_object('event_type', 'video_imported', 'video_id', 'e4300000-0000-4000-8000-0000000000a1',
                           'creator_id', 'e4100000-0000-4000-8000-00000000000a',
                           'student_id', 'e4200000-0000-4000-8000-0000000000a1')))$$,
    '42501', 'permission denied to track event type "video_imported" as a student',
    'a student''s batch with a lifecycle event is refused whole', NULL, 'p_events element 1');
SELECT pg_temp.refused('student:e4200000-0000-4000-8000-0000000000a1', $$SELECT chronos.track_video_event('video_started',
        'e4300000-0000-4000-8000-0000000000a1', 'e4100000-0000-4000-8000-00000000000a',
        'e4200000-0000-4000-8000-0000000000a2')$$,
    '42501', 'permission denied to track events for student e4200000-0000-4000-8000-0000000000a2',
    'a student may not track as another student', 'A student may track events only with its own student id.');
SELECT pg_temp.refused('student:e4200000-0000-4000-8000-0000000000a1', $$SELECT chronos.track_video_event('video_started',
        'e4300000-0000-4000-8000-0000000000a1', 'e4100000-0000-4000-8000-00000000000a')$$,
    '42501', 'permission denied to track events for creator e4100000-0000-4000-8000-00000000000a',
    'a student may not track without its student id');
SELECT pg_temp.refused('student:e4200000-0000-4000-8000-0000000000a1', $$SELECT chronos.track_video_event('video_liked',
        'e4300000-0000-4000-8000-0000000000a1', 'e4100000-0000-4000-8000-00000000000a',
        'e4200000-0000-4000-8000-0000000000a1')$$,
    '22023', 'invalid video event type "video_liked"', 'a student gets argument errors first');
SELECT pg_temp.refused('student:e4200000-0000-4000-8000-0000000000a1', $$INSERT INTO chronos.video_analytics_events
        (event_type, video_id, creator_id, student_id)
        VALUES ('video_started', 'e4300000-0000-4000-8000-0000000000a1', 'e4100000-0000-4000-8000-00000000000a',
                'e4200000-0000-4000-8000-0000000000a1')$$,
    '42501', 'new row violates row-level security policy for table "video_analytics_events"',
    'a student does not insert events directly');
-- A student of creator a is nobody to creator b: it may act for b no more
-- than anyone else, and must not learn from the reference errors which
-- videos b has (docs/architecture.md, order of checks: 42501 without looking anything up).
SELECT pg_temp.refused('student:e4200000-0000-4000-8000-0000000000a1', $$SELECT chronos.track_video_event('video_started',
        'e4300000-0000-4000-8000-0000000000b1', 'e4100000-0000-4000-8000-00000000000b',
        'e4200000-0000-4000-8000-0000000000a1')$$,
    '42501', NULL, 'a student of creator a may not track for creator b (with b''s video)');
SELECT pg_temp.refused('student:e4200000-0000-4000-8000-0000000000a1', $$SELECT chronos.track_video_event('video_started',
        'e4300000-0000-4000-8000-0000000000ff', 'e4100000-0000-4000-8000-00000000000b',
        'e4200000-0000-4000-8000-0000000000a1')$$,
    '42501', NULL, 'a student of creator a may not track for creator b (with a video b does not have)');
SELECT is(pg_temp.as_who('student:e4200000-0000-4000-8000-0000000000a1', $$SELECT chronos.track_video_event('video_started',
              'e4300000-0000-4000-8000-0000000000b1', 'e4100000-0000-4000-8000-00000000000b',
              'e4200000-0000-4000-8000-0000000000a1')$$),
          pg_temp.as_who('student:e4200000-0000-4000-8000-0000000000a1', $$SELECT chronos.track_video_event('video_started',
              'e4300000-0000-4000-8000-0000000000ff', 'e4100000-0000-4000-8000-00000000000b',
              'e4200000-0000-4000-8000-0000000000a1')$$),
          '... with the same error either way: nothing learnt about b''s videos');
SELECT is(pg_temp.as_who('student:e4200000-0000-4000-8000-0000000000a1', $$SELECT chronos.track_video_event('video_started',
              'e4300000-0000-4000-8000-0000000000b1', 'e4100000-0000-4000-8000-00000000000b',
              'e4200000-0000-4000-8000-0000000000a1')$$),
          'ERROR 42501: permission denied to track events for creator e4100000-0000-4000-8000-00000000000b',
          '... an error that names creator b (it used its own student id: the creator is what it may not act for)');
-- One Whop user who learns from both creators (student a3 of a, b2 of b,
-- found by sub): it tracks as each of its students, each with its creator.
SELECT is(pg_temp.as_who('claims:{"sub": "learner_both"}', $$
    SELECT chronos.track_video_event('video_started', 'e4300000-0000-4000-8000-0000000000b1',
        'e4100000-0000-4000-8000-00000000000b', 'e4200000-0000-4000-8000-0000000000b2',
        p_event_id => 'e4900000-0000-4000-8000-000000000008')$$),
    'e4900000-0000-4000-8000-000000000008', 'a learner of two creators tracks at creator b as its student b2');
SELECT is(pg_temp.as_who('claims:{"sub": "learner_both"}', $$
    SELECT chronos.track_video_event('video_started', 'e4300000-0000-4000-8000-0000000000a1',
        'e4100000-0000-4000-8000-00000000000a', 'e4200000-0000-4000-8000-0000000000a3',
        p_event_id => 'e4900000-0000-4000-8000-000000000009')$$),
    'e4900000-0000-4000-8000-000000000009', '... and at creator a as its student a3');
SELECT pg_temp.refused('claims:{"sub": "learner_both"}', $$SELECT chronos.track_video_event('video_started',
        'e4300000-0000-4000-8000-0000000000b1', 'e4100000-0000-4000-8000-00000000000b',
        'e4200000-0000-4000-8000-0000000000a3')$$,
    '23503', 'student e4200000-0000-4000-8000-0000000000a3 is not a student of creator e4100000-0000-4000-8000-00000000000b',
    '... but not as its student a3 at creator b');
SELECT pg_temp.refused('claims:{"student_id": "e4200000-0000-4000-8000-0000000000a1"}', $$SELECT chronos.track_video_event('video_completed',
        'e4300000-0000-4000-8000-0000000000a1', 'e4100000-0000-4000-8000-00000000000a',
        'e4200000-0000-4000-8000-0000000000a2')$$,
    '42501', 'permission denied to track events for student e4200000-0000-4000-8000-0000000000a2',
    'a student named by the student_id claim may not track as another student');
SELECT is(pg_temp.as_who('claims:{"sub": "learner_1"}', $$
    SELECT chronos.track_video_event('video_completed', 'e4300000-0000-4000-8000-0000000000a1',
        'e4100000-0000-4000-8000-00000000000a', 'e4200000-0000-4000-8000-0000000000a1',
        p_event_id => 'e4900000-0000-4000-8000-000000000005')$$),
    'e4900000-0000-4000-8000-000000000005', 'a student found by the sub claim tracks as itself');

--
-- The service: anything, for any creator
--
SELECT is(pg_temp.as_who('claims:{"role": "service_role"}', $$
    SELECT chronos.track_video_events(jsonb_build_array(
        jsonb_build_object('event_type', 'video_imported', 'video_id', 'e4300000-0000-4000-8000-0000000000a1',
                           'creator_id', 'e4100000-0000-4000-8000-00000000000a'),
        jsonb_build_object('event_type', 'video_transcribed', 'video_id', 'e4300000-0000-4000-8000-0000000000b1',
                           'creator_id', 'e4100000-0000-4000-8000-00000000000b'),
        jsonb_build_object('event_type', 'video_started', 'video_id', 'e4300000-0000-4000-8000-0000000000b1',
                           'creator_id', 'e4100000-0000-4000-8000-00000000000b',
                           'student_id', 'e4200000-0000-4000-8000-0000000000b1')))$$), '3',
    'the service_role claim tracks anything for any creator');
SELECT is(pg_temp.as_who('bypassrls', $$
    SELECT chronos.track_video_event('video_added_to_course', 'e4300000-0000-4000-8000-0000000000b1',
        'e4100000-0000-4000-8000-00000000000b', p_event_id => 'e4900000-0000-4000-8000-000000000006')$$),
    'e4900000-0000-4000-8000-000000000006', 'a BYPASSRLS role is the service');
SELECT is(chronos.track_video_event('video_added_to_course', 'e4300000-0000-4000-8000-0000000000b1',
        'e4100000-0000-4000-8000-00000000000b', p_event_id => 'e4900000-0000-4000-8000-000000000007'),
    'e4900000-0000-4000-8000-000000000007'::uuid, 'a superuser is the service');

--
-- After all that: the caller is itself again, and nothing was written for a
-- refused call
--
SELECT is(current_user::text, 'postgres', 'the caller is itself again after the functions');
SELECT is((SELECT count(*) FROM chronos.video_analytics_events), 15::bigint + 1 + 2 + 2 + 8 + 1 + 2 + 2 + 1 + 3 + 1 + 1,
          'exactly the accepted events were written');
SELECT is((SELECT count(*) FROM chronos.video_analytics_events WHERE creator_id = 'e4100000-0000-4000-8000-00000000000b'),
          5::bigint, 'creator b has the service''s events and its student b2''s');

SELECT * FROM finish();
ROLLBACK;
