-- track_video_event: what it stores, its defaults, the idempotency key, and
-- the references it refuses (each refusal shown to write nothing).  Run as
-- the superuser, which is the service.  Ids: prefix e4.
SET client_min_messages = warning;
BEGIN;
SELECT plan(65);

\set ids 'e4%s00000-0000-4000-8000-%s'
\set creators 'a b'
\set students 'a1 a2 b1'
\set videos 'a1 a2 b1'
\set courses 'a1 a2 b1'
\set modules 'a1 a2 b1'
\set sessions 'a1=a1/a1 a2=a2/a1 a3=a1/a2'
\ir ../fixtures/people.sql
\ir ../fixtures/catalog.sql
\ir ../fixtures/sessions.sql

\ir ../fixtures/n_events.sql

-- refused('service', sql, sqlstate, message, description [, detail]): one
-- assertion that sql fails with that SQLSTATE and message (and detail) and
-- writes no event; see the fixture.
\ir ../fixtures/refused.sql

--
-- What is stored
--
SELECT is(chronos.track_video_event('video_progress', 'e4300000-0000-4000-8000-0000000000a1',
                                    'e4100000-0000-4000-8000-00000000000a', 'e4200000-0000-4000-8000-0000000000a1',
                                    'e4400000-0000-4000-8000-0000000000a1', 'e4500000-0000-4000-8000-0000000000a1',
                                    '{"position": 42, "rate": 1.5}', '2026-03-01 10:00:00+01',
                                    'e4900000-0000-4000-8000-000000000001', 'e4700000-0000-4000-8000-0000000000a1'),
          'e4900000-0000-4000-8000-000000000001'::uuid,
          'p_event_id becomes the event''s id and is returned');
SELECT results_eq(
    $$SELECT event_type::text, video_id, creator_id, student_id, course_id, module_id, session_id,
             metadata, "timestamp", created_at
        FROM chronos.video_analytics_events WHERE id = 'e4900000-0000-4000-8000-000000000001'$$,
    $$VALUES ('video_progress', 'e4300000-0000-4000-8000-0000000000a1'::uuid, 'e4100000-0000-4000-8000-00000000000a'::uuid,
              'e4200000-0000-4000-8000-0000000000a1'::uuid, 'e4400000-0000-4000-8000-0000000000a1'::uuid,
              'e4500000-0000-4000-8000-0000000000a1'::uuid, 'e4700000-0000-4000-8000-0000000000a1'::uuid,
              '{"position": 42, "rate": 1.5}'::jsonb, '2026-03-01 09:00:00+00'::timestamptz, now())$$,
    'every argument is stored in its column; "timestamp" is p_timestamp, created_at the time received');

-- defaults: a new random id, metadata {}, "timestamp" now()
CREATE TEMP TABLE defaults_call AS
SELECT chronos.track_video_event('video_imported', 'e4300000-0000-4000-8000-0000000000a1',
                                 'e4100000-0000-4000-8000-00000000000a') AS id;
SELECT results_eq(
    $$SELECT event_type::text, student_id, course_id, module_id, session_id, metadata, "timestamp", created_at
        FROM chronos.video_analytics_events WHERE id = (SELECT id FROM defaults_call)$$,
    $$VALUES ('video_imported', NULL::uuid, NULL::uuid, NULL::uuid, NULL::uuid, '{}'::jsonb, now(), now())$$,
    'optional arguments default to NULL, metadata to {}, p_timestamp to now()');
SELECT is(substr((SELECT id FROM defaults_call)::text, 15, 1), '4', 'a generated id is a version 4 uuid');
SELECT isnt(chronos.track_video_event('video_imported', 'e4300000-0000-4000-8000-0000000000a1',
                                      'e4100000-0000-4000-8000-00000000000a'),
            (SELECT id FROM defaults_call), 'each call without p_event_id gets a new id');
SELECT is((SELECT count(*) FROM chronos.video_analytics_events
            WHERE id = (SELECT id FROM defaults_call)), 1::bigint, 'the returned id is the stored row''s id');
SELECT is((SELECT id_given FROM chronos.video_analytics_events WHERE id = (SELECT id FROM defaults_call)),
          false, 'an id chronos made is not marked id_given (it needs no idempotency index)');
SELECT is((SELECT bool_and(id_given) FROM chronos.video_analytics_events
            WHERE id = 'e4900000-0000-4000-8000-000000000001'), true,
          'an id the client chose is marked id_given');

-- explicit NULLs: metadata NULL is {}, p_event_id NULL a new id, p_timestamp NULL now()
SELECT is(chronos.track_video_event('video_embedded', 'e4300000-0000-4000-8000-0000000000a1',
                                    'e4100000-0000-4000-8000-00000000000a', p_metadata => NULL,
                                    p_timestamp => NULL, p_event_id => 'e4900000-0000-4000-8000-000000000002'),
          'e4900000-0000-4000-8000-000000000002'::uuid, 'p_metadata NULL and p_timestamp NULL are accepted');
SELECT is((SELECT (metadata, "timestamp") FROM chronos.video_analytics_events
            WHERE id = 'e4900000-0000-4000-8000-000000000002'),
          ('{}'::jsonb, now()), 'p_metadata NULL is stored as {}, p_timestamp NULL as now()');
SELECT isnt(chronos.track_video_event('video_embedded', 'e4300000-0000-4000-8000-0000000000a1',
                                      'e4100000-0000-4000-8000-00000000000a', p_event_id => NULL),
            NULL, 'p_event_id NULL gets a new id');

-- explicit timestamps: with and without a zone (read in the session's
-- TimeZone), in the past and in the future
SET LOCAL TimeZone = 'America/New_York';
SELECT is(chronos.track_video_event('video_started', 'e4300000-0000-4000-8000-0000000000a1',
                                    'e4100000-0000-4000-8000-00000000000a', p_timestamp => '2001-02-03 04:05:06.789',
                                    p_event_id => 'e4900000-0000-4000-8000-000000000004'),
          'e4900000-0000-4000-8000-000000000004'::uuid, 'a timestamp without zone is accepted');
RESET TimeZone;
SELECT is((SELECT "timestamp" FROM chronos.video_analytics_events WHERE id = 'e4900000-0000-4000-8000-000000000004'),
          '2001-02-03 09:05:06.789+00'::timestamptz, '... and read in the session''s TimeZone');
SELECT is(chronos.track_video_event('video_started', 'e4300000-0000-4000-8000-0000000000a1',
                                    'e4100000-0000-4000-8000-00000000000a', p_timestamp => '2099-12-31 23:59:59+00',
                                    p_event_id => 'e4900000-0000-4000-8000-000000000005'),
          'e4900000-0000-4000-8000-000000000005'::uuid, 'a client timestamp in the future is accepted');
SELECT is((SELECT ("timestamp", created_at) FROM chronos.video_analytics_events
            WHERE id = 'e4900000-0000-4000-8000-000000000005'),
          ('2099-12-31 23:59:59+00'::timestamptz, now()), '... stored as given; created_at is the time received');

-- all fifteen event types, in enum order (1.1's three with the metadata they need)
CREATE TEMP TABLE all_types AS
SELECT t, chronos.track_video_event(t::text, 'e4300000-0000-4000-8000-0000000000a2',
                                    'e4100000-0000-4000-8000-00000000000a',
                                    p_metadata => '{"startup_ms": 1, "duration_ms": 1, "code": 1}') AS id
  FROM unnest(enum_range(NULL::chronos.video_event_type)) WITH ORDINALITY AS u (t, n) ORDER BY n;
SELECT is((SELECT count(*) FROM all_types), 15::bigint, 'the enum has fifteen event types');
SELECT is((SELECT array_agg(e.event_type ORDER BY e.event_type)
             FROM chronos.video_analytics_events e JOIN all_types a USING (id)),
          enum_range(NULL::chronos.video_event_type), 'each of the fifteen is accepted and stored as given');
SELECT is((SELECT count(*) FROM all_types a JOIN chronos.video_analytics_events e USING (id) WHERE e.event_type = a.t),
          15::bigint, 'each call stored its own type');

-- references that are right: a module without a course, a course and its
-- module, a student's own session
SELECT isnt(chronos.track_video_event('video_added_to_course', 'e4300000-0000-4000-8000-0000000000a1',
                                      'e4100000-0000-4000-8000-00000000000a',
                                      p_module_id => 'e4500000-0000-4000-8000-0000000000a2'),
            NULL, 'a module of the creator is accepted without its course');
SELECT isnt(chronos.track_video_event('video_added_to_course', 'e4300000-0000-4000-8000-0000000000a1',
                                      'e4100000-0000-4000-8000-00000000000a',
                                      p_course_id => 'e4400000-0000-4000-8000-0000000000a2',
                                      p_module_id => 'e4500000-0000-4000-8000-0000000000a2'),
            NULL, 'a course with its module is accepted');
SELECT isnt(chronos.track_video_event('video_progress', 'e4300000-0000-4000-8000-0000000000a1',
                                      'e4100000-0000-4000-8000-00000000000a', 'e4200000-0000-4000-8000-0000000000a2',
                                      p_session_id => 'e4700000-0000-4000-8000-0000000000a3'),
            NULL, 'a session of the student and the video is accepted');
SELECT isnt(chronos.track_video_event('video_started', 'e4300000-0000-4000-8000-0000000000b1',
                                      'e4100000-0000-4000-8000-00000000000b', 'e4200000-0000-4000-8000-0000000000b1'),
            NULL, 'another creator''s event goes to that creator');

--
-- Idempotency
--
CREATE TEMP TABLE before_replay AS
SELECT ctid::text AS row_ctid, "timestamp", created_at, (SELECT pg_temp.n_events()) AS n
  FROM chronos.video_analytics_events WHERE id = 'e4900000-0000-4000-8000-000000000001';
SELECT is(chronos.track_video_event('video_progress', 'e4300000-0000-4000-8000-0000000000a1',
                                    'e4100000-0000-4000-8000-00000000000a', 'e4200000-0000-4000-8000-0000000000a1',
                                    'e4400000-0000-4000-8000-0000000000a1', 'e4500000-0000-4000-8000-0000000000a1',
                                    '{"rate": 1.5, "position": 42}', '2026-03-01 11:30:00+01',
                                    'e4900000-0000-4000-8000-000000000001', 'e4700000-0000-4000-8000-0000000000a1'),
          'e4900000-0000-4000-8000-000000000001'::uuid,
          'a replay (another timestamp, the same metadata in another key order) returns the id');
SELECT is(pg_temp.n_events(), (SELECT n FROM before_replay), 'the replay wrote no row');
SELECT is((SELECT (ctid::text, "timestamp", created_at) FROM chronos.video_analytics_events
            WHERE id = 'e4900000-0000-4000-8000-000000000001'),
          (SELECT (row_ctid, "timestamp", created_at) FROM before_replay),
          'the replay did not touch the stored row: its first "timestamp" stays');
SELECT is(chronos.track_video_event('video_progress', 'e4300000-0000-4000-8000-0000000000a1',
                                    'e4100000-0000-4000-8000-00000000000a', 'e4200000-0000-4000-8000-0000000000a1',
                                    'e4400000-0000-4000-8000-0000000000a1', 'e4500000-0000-4000-8000-0000000000a1',
                                    '{"rate": 1.5, "position": 42}',
                                    p_event_id => 'e4900000-0000-4000-8000-000000000001',
                                    p_session_id => 'e4700000-0000-4000-8000-0000000000a1'),
          'e4900000-0000-4000-8000-000000000001'::uuid,
          'a replay that lets p_timestamp default still matches');
SELECT is(chronos.track_video_event('video_embedded', 'e4300000-0000-4000-8000-0000000000a1',
                                    'e4100000-0000-4000-8000-00000000000a', p_metadata => '{}',
                                    p_event_id => 'e4900000-0000-4000-8000-000000000002'),
          'e4900000-0000-4000-8000-000000000002'::uuid, 'metadata {} replays an event sent with metadata NULL');
SELECT is(pg_temp.n_events(), (SELECT n FROM before_replay), 'those replays wrote nothing');
-- the same id with different content: refused, the detail names the field
SELECT pg_temp.refused('service', format($$SELECT chronos.track_video_event(%L, 'e4300000-0000-4000-8000-0000000000a1',
        'e4100000-0000-4000-8000-00000000000a', 'e4200000-0000-4000-8000-0000000000a1',
        'e4400000-0000-4000-8000-0000000000a1', 'e4500000-0000-4000-8000-0000000000a1',
        '{"position": 42, "rate": 1.5}', p_event_id => 'e4900000-0000-4000-8000-000000000001',
        p_session_id => 'e4700000-0000-4000-8000-0000000000a1')$$, 'video_paused'),
    '23505', 'event e4900000-0000-4000-8000-000000000001 already exists with different content',
    'a different event_type under a known id is refused', 'Its event_type differs from the stored event''s.');
SELECT pg_temp.refused('service', $$SELECT chronos.track_video_event('video_progress', 'e4300000-0000-4000-8000-0000000000a2',
        'e4100000-0000-4000-8000-00000000000a', 'e4200000-0000-4000-8000-0000000000a1',
        'e4400000-0000-4000-8000-0000000000a1', 'e4500000-0000-4000-8000-0000000000a1',
        '{"position": 42, "rate": 1.5}', p_event_id => 'e4900000-0000-4000-8000-000000000001')$$,
    '23505', 'event e4900000-0000-4000-8000-000000000001 already exists with different content',
    'a different video_id under a known id is refused', 'Its video_id differs from the stored event''s.');
-- idempotency is per creator: another creator's event under the same id is
-- simply another event (it learns nothing of the first)
SELECT is(chronos.track_video_event('video_progress', 'e4300000-0000-4000-8000-0000000000b1',
        'e4100000-0000-4000-8000-00000000000b', p_event_id => 'e4900000-0000-4000-8000-000000000001'),
    'e4900000-0000-4000-8000-000000000001'::uuid, 'another creator''s event under a known id is another event');
SELECT is((SELECT pg_catalog.array_agg(creator_id ORDER BY creator_id) FROM chronos.video_analytics_events
            WHERE id = 'e4900000-0000-4000-8000-000000000001'),
          ARRAY['e4100000-0000-4000-8000-00000000000a', 'e4100000-0000-4000-8000-00000000000b']::uuid[],
          'both creators hold an event with that id');
DELETE FROM chronos.video_analytics_events
 WHERE id = 'e4900000-0000-4000-8000-000000000001' AND creator_id = 'e4100000-0000-4000-8000-00000000000b';
SELECT pg_temp.refused('service', $$SELECT chronos.track_video_event('video_progress', 'e4300000-0000-4000-8000-0000000000a1',
        'e4100000-0000-4000-8000-00000000000a', 'e4200000-0000-4000-8000-0000000000a2',
        'e4400000-0000-4000-8000-0000000000a1', 'e4500000-0000-4000-8000-0000000000a1',
        '{"position": 42, "rate": 1.5}', p_event_id => 'e4900000-0000-4000-8000-000000000001')$$,
    '23505', 'event e4900000-0000-4000-8000-000000000001 already exists with different content',
    'a different student_id under a known id is refused', 'Its student_id differs from the stored event''s.');
SELECT pg_temp.refused('service', $$SELECT chronos.track_video_event('video_progress', 'e4300000-0000-4000-8000-0000000000a1',
        'e4100000-0000-4000-8000-00000000000a', 'e4200000-0000-4000-8000-0000000000a1',
        NULL, 'e4500000-0000-4000-8000-0000000000a1',
        '{"position": 42, "rate": 1.5}', p_event_id => 'e4900000-0000-4000-8000-000000000001',
        p_session_id => 'e4700000-0000-4000-8000-0000000000a1')$$,
    '23505', 'event e4900000-0000-4000-8000-000000000001 already exists with different content',
    'a missing course_id under a known id is refused', 'Its course_id differs from the stored event''s.');
SELECT pg_temp.refused('service', $$SELECT chronos.track_video_event('video_progress', 'e4300000-0000-4000-8000-0000000000a1',
        'e4100000-0000-4000-8000-00000000000a', 'e4200000-0000-4000-8000-0000000000a1',
        'e4400000-0000-4000-8000-0000000000a1', NULL,
        '{"position": 42, "rate": 1.5}', p_event_id => 'e4900000-0000-4000-8000-000000000001',
        p_session_id => 'e4700000-0000-4000-8000-0000000000a1')$$,
    '23505', 'event e4900000-0000-4000-8000-000000000001 already exists with different content',
    'a missing module_id under a known id is refused', 'Its module_id differs from the stored event''s.');
SELECT pg_temp.refused('service', $$SELECT chronos.track_video_event('video_progress', 'e4300000-0000-4000-8000-0000000000a1',
        'e4100000-0000-4000-8000-00000000000a', 'e4200000-0000-4000-8000-0000000000a1',
        'e4400000-0000-4000-8000-0000000000a1', 'e4500000-0000-4000-8000-0000000000a1',
        '{"position": 42, "rate": 1.5}', p_event_id => 'e4900000-0000-4000-8000-000000000001')$$,
    '23505', 'event e4900000-0000-4000-8000-000000000001 already exists with different content',
    'a missing session_id under a known id is refused', 'Its session_id differs from the stored event''s.');
SELECT pg_temp.refused('service', $$SELECT chronos.track_video_event('video_progress', 'e4300000-0000-4000-8000-0000000000a1',
        'e4100000-0000-4000-8000-00000000000a', 'e4200000-0000-4000-8000-0000000000a1',
        'e4400000-0000-4000-8000-0000000000a1', 'e4500000-0000-4000-8000-0000000000a1',
        '{"position": 42, "rate": 1.50001}', p_event_id => 'e4900000-0000-4000-8000-000000000001',
        p_session_id => 'e4700000-0000-4000-8000-0000000000a1')$$,
    '23505', 'event e4900000-0000-4000-8000-000000000001 already exists with different content',
    'different metadata under a known id is refused', 'Its metadata differs from the stored event''s.');
SELECT pg_temp.refused('service', $$SELECT chronos.track_video_event('video_embedded', 'e4300000-0000-4000-8000-0000000000a1',
        'e4100000-0000-4000-8000-00000000000a', p_metadata => '{"x": null}',
        p_event_id => 'e4900000-0000-4000-8000-000000000002')$$,
    '23505', 'event e4900000-0000-4000-8000-000000000002 already exists with different content',
    'metadata {"x": null} is not {}', 'Its metadata differs from the stored event''s.');
SELECT is((SELECT (event_type::text, metadata) FROM chronos.video_analytics_events
            WHERE id = 'e4900000-0000-4000-8000-000000000001'),
          ('video_progress'::text, '{"position": 42, "rate": 1.5}'::jsonb),
          'the stored event is unchanged by the refused ones');

--
-- References (23503), each naming what is wrong
--
SELECT pg_temp.refused('service', $$SELECT chronos.track_video_event('video_started', 'e4300000-0000-4000-8000-0000000000a1',
        'e4100000-0000-4000-8000-0000000000ff')$$,
    '23503', 'creator e4100000-0000-4000-8000-0000000000ff does not exist', 'an unknown creator is refused');
SELECT pg_temp.refused('service', $$SELECT chronos.track_video_event('video_started', 'e4300000-0000-4000-8000-0000000000ff',
        'e4100000-0000-4000-8000-00000000000a')$$,
    '23503', 'video e4300000-0000-4000-8000-0000000000ff does not belong to creator e4100000-0000-4000-8000-00000000000a',
    'an unknown video is refused');
SELECT pg_temp.refused('service', $$SELECT chronos.track_video_event('video_started', 'e4300000-0000-4000-8000-0000000000b1',
        'e4100000-0000-4000-8000-00000000000a')$$,
    '23503', 'video e4300000-0000-4000-8000-0000000000b1 does not belong to creator e4100000-0000-4000-8000-00000000000a',
    'another creator''s video is refused');
SELECT pg_temp.refused('service', $$SELECT chronos.track_video_event('video_started', 'e4300000-0000-4000-8000-0000000000a1',
        'e4100000-0000-4000-8000-00000000000b')$$,
    '23503', 'video e4300000-0000-4000-8000-0000000000a1 does not belong to creator e4100000-0000-4000-8000-00000000000b',
    'a video under the wrong creator is refused');
SELECT pg_temp.refused('service', $$SELECT chronos.track_video_event('video_started', 'e4300000-0000-4000-8000-0000000000a1',
        'e4100000-0000-4000-8000-00000000000a', 'e4200000-0000-4000-8000-0000000000ff')$$,
    '23503', 'student e4200000-0000-4000-8000-0000000000ff is not a student of creator e4100000-0000-4000-8000-00000000000a',
    'an unknown student is refused');
SELECT pg_temp.refused('service', $$SELECT chronos.track_video_event('video_started', 'e4300000-0000-4000-8000-0000000000a1',
        'e4100000-0000-4000-8000-00000000000a', 'e4200000-0000-4000-8000-0000000000b1')$$,
    '23503', 'student e4200000-0000-4000-8000-0000000000b1 is not a student of creator e4100000-0000-4000-8000-00000000000a',
    'another creator''s student (the same Whop user) is refused');
SELECT pg_temp.refused('service', $$SELECT chronos.track_video_event('video_added_to_course', 'e4300000-0000-4000-8000-0000000000a1',
        'e4100000-0000-4000-8000-00000000000a', p_course_id => 'e4400000-0000-4000-8000-0000000000b1')$$,
    '23503', 'course e4400000-0000-4000-8000-0000000000b1 does not belong to creator e4100000-0000-4000-8000-00000000000a',
    'another creator''s course is refused');
SELECT pg_temp.refused('service', $$SELECT chronos.track_video_event('video_added_to_course', 'e4300000-0000-4000-8000-0000000000a1',
        'e4100000-0000-4000-8000-00000000000a', p_course_id => 'e4400000-0000-4000-8000-0000000000ff')$$,
    '23503', 'course e4400000-0000-4000-8000-0000000000ff does not belong to creator e4100000-0000-4000-8000-00000000000a',
    'an unknown course is refused');
SELECT pg_temp.refused('service', $$SELECT chronos.track_video_event('video_added_to_course', 'e4300000-0000-4000-8000-0000000000a1',
        'e4100000-0000-4000-8000-00000000000a', p_module_id => 'e4500000-0000-4000-8000-0000000000b1')$$,
    '23503', 'module e4500000-0000-4000-8000-0000000000b1 does not belong to creator e4100000-0000-4000-8000-00000000000a',
    'another creator''s module is refused, without a course');
SELECT pg_temp.refused('service', $$SELECT chronos.track_video_event('video_added_to_course', 'e4300000-0000-4000-8000-0000000000a1',
        'e4100000-0000-4000-8000-00000000000a', p_course_id => 'e4400000-0000-4000-8000-0000000000a1',
        p_module_id => 'e4500000-0000-4000-8000-0000000000a2')$$,
    '23503', 'module e4500000-0000-4000-8000-0000000000a2 is not a module of course e4400000-0000-4000-8000-0000000000a1',
    'a module of another course of the same creator is refused, naming the module',
    'The module must belong to the course given, and the course to creator e4100000-0000-4000-8000-00000000000a.');
SELECT pg_temp.refused('service', $$SELECT chronos.track_video_event('video_added_to_course', 'e4300000-0000-4000-8000-0000000000a1',
        'e4100000-0000-4000-8000-00000000000a', p_course_id => 'e4400000-0000-4000-8000-0000000000a1',
        p_module_id => 'e4500000-0000-4000-8000-0000000000b1')$$,
    '23503', 'module e4500000-0000-4000-8000-0000000000b1 is not a module of course e4400000-0000-4000-8000-0000000000a1',
    'another creator''s module with a course of the creator is refused, naming the module');
SELECT pg_temp.refused('service', $$SELECT chronos.track_video_event('video_progress', 'e4300000-0000-4000-8000-0000000000a1',
        'e4100000-0000-4000-8000-00000000000a', 'e4200000-0000-4000-8000-0000000000a1',
        p_session_id => 'e4700000-0000-4000-8000-0000000000a3')$$,
    '23503', 'session e4700000-0000-4000-8000-0000000000a3 is not a session of student e4200000-0000-4000-8000-0000000000a1 on video e4300000-0000-4000-8000-0000000000a1',
    'a session of another student is refused');
SELECT pg_temp.refused('service', $$SELECT chronos.track_video_event('video_progress', 'e4300000-0000-4000-8000-0000000000a1',
        'e4100000-0000-4000-8000-00000000000a', 'e4200000-0000-4000-8000-0000000000a1',
        p_session_id => 'e4700000-0000-4000-8000-0000000000a2')$$,
    '23503', 'session e4700000-0000-4000-8000-0000000000a2 is not a session of student e4200000-0000-4000-8000-0000000000a1 on video e4300000-0000-4000-8000-0000000000a1',
    'a session of another video is refused');
SELECT pg_temp.refused('service', $$SELECT chronos.track_video_event('video_progress', 'e4300000-0000-4000-8000-0000000000a1',
        'e4100000-0000-4000-8000-00000000000a', 'e4200000-0000-4000-8000-0000000000a1',
        p_session_id => 'e4700000-0000-4000-8000-0000000000ff')$$,
    '23503', 'session e4700000-0000-4000-8000-0000000000ff is not a session of student e4200000-0000-4000-8000-0000000000a1 on video e4300000-0000-4000-8000-0000000000a1',
    'an unknown session is refused');
SELECT pg_temp.refused('service', $$SELECT chronos.track_video_event('video_progress', 'e4300000-0000-4000-8000-0000000000a1',
        'e4100000-0000-4000-8000-00000000000a', p_session_id => 'e4700000-0000-4000-8000-0000000000a1')$$,
    '22004', 'p_session_id requires p_student_id', 'a session without its student is refused (22004)');
-- a reference error on a new id writes nothing either, and leaves the id free
SELECT pg_temp.refused('service', $$SELECT chronos.track_video_event('video_started', 'e4300000-0000-4000-8000-0000000000b1',
        'e4100000-0000-4000-8000-00000000000a', p_event_id => 'e4900000-0000-4000-8000-000000000009')$$,
    '23503', 'video e4300000-0000-4000-8000-0000000000b1 does not belong to creator e4100000-0000-4000-8000-00000000000a',
    'a refused event with a client id is refused like any other');
SELECT is(chronos.track_video_event('video_started', 'e4300000-0000-4000-8000-0000000000a1',
                                    'e4100000-0000-4000-8000-00000000000a',
                                    p_event_id => 'e4900000-0000-4000-8000-000000000009'),
          'e4900000-0000-4000-8000-000000000009'::uuid, '... and its id can be used for a corrected event');

--
-- Arguments (22004, 22023): the main cases, each writing nothing
--
SELECT pg_temp.refused('service', $$SELECT chronos.track_video_event('video_liked', 'e4300000-0000-4000-8000-0000000000a1',
        'e4100000-0000-4000-8000-00000000000a')$$,
    '22023', 'invalid video event type "video_liked"', 'an unknown event type is refused (22023)');
SELECT pg_temp.refused('service', $$SELECT chronos.track_video_event(NULL, 'e4300000-0000-4000-8000-0000000000a1',
        'e4100000-0000-4000-8000-00000000000a')$$,
    '22004', 'p_event_type must not be null', 'p_event_type NULL is refused (22004)');
SELECT pg_temp.refused('service', $$SELECT chronos.track_video_event('video_started', NULL,
        'e4100000-0000-4000-8000-00000000000a')$$,
    '22004', 'p_video_id must not be null', 'p_video_id NULL is refused (22004)');
SELECT pg_temp.refused('service', $$SELECT chronos.track_video_event('video_started', 'e4300000-0000-4000-8000-0000000000a1',
        NULL)$$,
    '22004', 'p_creator_id must not be null', 'p_creator_id NULL is refused (22004)');
SELECT pg_temp.refused('service', $$SELECT chronos.track_video_event('video_started', 'e4300000-0000-4000-8000-0000000000a1',
        'e4100000-0000-4000-8000-00000000000a', p_metadata => '[{"a": 1}]')$$,
    '22023', 'p_metadata must be a JSON object', 'metadata that is an array is refused (22023)');
SELECT pg_temp.refused('service', $$SELECT chronos.track_video_event('video_started', 'e4300000-0000-4000-8000-0000000000a1',
        'e4100000-0000-4000-8000-00000000000a', p_metadata => 'null')$$,
    '22023', 'p_metadata must be a JSON object', 'metadata that is JSON null is refused (22023)');
SELECT function_returns('chronos', 'track_video_event',
                        ARRAY['text', 'uuid', 'uuid', 'uuid', 'uuid', 'uuid', 'jsonb', 'timestamp with time zone', 'uuid', 'uuid'],
                        'uuid', 'track_video_event has the report''s signature and returns uuid');
SELECT is((SELECT pg_get_function_arguments('chronos.track_video_event(text, uuid, uuid, uuid, uuid, uuid, jsonb, timestamptz, uuid, uuid)'::regprocedure)),
          'p_event_type text, p_video_id uuid, p_creator_id uuid, p_student_id uuid DEFAULT NULL::uuid, p_course_id uuid DEFAULT NULL::uuid, p_module_id uuid DEFAULT NULL::uuid, p_metadata jsonb DEFAULT ''{}''::jsonb, p_timestamp timestamp with time zone DEFAULT now(), p_event_id uuid DEFAULT NULL::uuid, p_session_id uuid DEFAULT NULL::uuid',
          'its parameter names and defaults are the report''s (named calls work)');
SELECT is(chronos.track_video_event(p_creator_id => 'e4100000-0000-4000-8000-00000000000a',
                                    p_video_id => 'e4300000-0000-4000-8000-0000000000a1',
                                    p_event_type => 'video_rewatched',
                                    p_event_id => 'e4900000-0000-4000-8000-000000000010'),
          'e4900000-0000-4000-8000-000000000010'::uuid, 'named arguments in any order, as PostgREST sends them');

SELECT * FROM finish();
ROLLBACK;
