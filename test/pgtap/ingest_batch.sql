-- track_video_events(p_events jsonb): what a batch stores, the forms its
-- parser accepts, replays (counted 0), repeats inside one batch, and all or
-- none (a bad element anywhere, the last one included, leaves the table as
-- it was).  Run as the superuser (the service).  Ids: prefix e4.
SET client_min_messages = warning;
BEGIN;
SELECT plan(81);

\set ids 'e4%s00000-0000-4000-8000-%s'
\set creators 'a b'
\set students 'a1 a2 b1'
\set videos 'a1 a2 b1'
\set courses 'a1 a2'
\set modules 'a1 a2'
\set sessions 'a1=a1/a1 a2=a1/a2'
\ir ../fixtures/people.sql
\ir ../fixtures/catalog.sql
\ir ../fixtures/sessions.sql

\ir ../fixtures/n_events.sql

-- An event of creator a on video a1, with extra keys.
CREATE FUNCTION pg_temp.ev(p_extra jsonb DEFAULT '{}') RETURNS jsonb
LANGUAGE sql AS $$
    SELECT '{"event_type": "video_started", "video_id": "e4300000-0000-4000-8000-0000000000a1",
             "creator_id": "e4100000-0000-4000-8000-00000000000a"}'::jsonb || p_extra
$$;

-- refused(p_events, sqlstate, message, description [, context]): one
-- assertion that the batch fails so and leaves the events table unchanged
-- (same rows, by id).
CREATE FUNCTION pg_temp.refused(p_events jsonb, p_state text, p_message text, p_description text,
                                p_context text DEFAULT NULL)
RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    before uuid[] := (SELECT array_agg(id ORDER BY id) FROM chronos.video_analytics_events);
    after uuid[];
    st text := '(none)';
    msg text := '(no error)';
    ctx text := '';
    good boolean;
BEGIN
    BEGIN
        PERFORM chronos.track_video_events(p_events);
    EXCEPTION WHEN OTHERS THEN
        GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, ctx = PG_EXCEPTION_CONTEXT;
    END;
    after := (SELECT array_agg(id ORDER BY id) FROM chronos.video_analytics_events);
    good := st = p_state AND msg = p_message AND after IS NOT DISTINCT FROM before
            AND (p_context IS NULL OR split_part(ctx, E'\n', 1) = p_context);
    RETURN ok(good, p_description) || CASE WHEN good THEN '' ELSE E'\n' || diag(format(
        E'got:    %s %s / %s, table changed: %s\nwanted: %s %s / %s, table unchanged',
        st, msg, split_part(ctx, E'\n', 1), after IS DISTINCT FROM before, p_state, p_message,
        coalesce(p_context, '(any context)'))) END;
END
$$;

--
-- The argument
--
SELECT is(chronos.track_video_events('[]'), 0, 'an empty array writes nothing and returns 0');
SELECT is(pg_temp.n_events(), 0::bigint, '... nothing written');
SELECT throws_ok($$SELECT chronos.track_video_events(NULL)$$, '22004', 'p_events must not be null',
                 'p_events NULL is refused (22004)');
SELECT throws_ok($$SELECT chronos.track_video_events('{"event_type": "video_started"}')$$, '22023',
                 'p_events must be a JSON array of event objects', 'an object instead of an array is refused (22023)');
SELECT throws_ok($$SELECT chronos.track_video_events('"[]"')$$, '22023',
                 'p_events must be a JSON array of event objects', 'a string is refused (22023)');
SELECT is(pg_temp.n_events(), 0::bigint, '... nothing written by those');

--
-- What a batch stores
--
SELECT is(chronos.track_video_events(jsonb_build_array(
    pg_temp.ev('{"event_type": "video_progress", "student_id": "e4200000-0000-4000-8000-0000000000a1",
                 "course_id": "e4400000-0000-4000-8000-0000000000a1", "module_id": "e4500000-0000-4000-8000-0000000000a1",
                 "session_id": "e4700000-0000-4000-8000-0000000000a1", "metadata": {"position": 12.5, "tags": ["a"]},
                 "timestamp": "2026-03-01T10:00:00+01:00", "event_id": "e4900000-0000-4000-8000-000000000001"}'),
    pg_temp.ev('{"event_id": "e4900000-0000-4000-8000-000000000002"}'),
    pg_temp.ev('{"video_id": "e4300000-0000-4000-8000-0000000000b1", "creator_id": "e4100000-0000-4000-8000-00000000000b",
                 "event_id": "e4900000-0000-4000-8000-000000000003"}'))),
    3, 'a batch of three new events returns 3');
SELECT results_eq(
    $$SELECT id, event_type::text, video_id, creator_id, student_id, course_id, module_id, session_id,
             metadata, "timestamp", created_at
        FROM chronos.video_analytics_events ORDER BY id$$,
    $$VALUES ('e4900000-0000-4000-8000-000000000001'::uuid, 'video_progress', 'e4300000-0000-4000-8000-0000000000a1'::uuid,
              'e4100000-0000-4000-8000-00000000000a'::uuid, 'e4200000-0000-4000-8000-0000000000a1'::uuid,
              'e4400000-0000-4000-8000-0000000000a1'::uuid, 'e4500000-0000-4000-8000-0000000000a1'::uuid,
              'e4700000-0000-4000-8000-0000000000a1'::uuid, '{"position": 12.5, "tags": ["a"]}'::jsonb,
              '2026-03-01 09:00:00+00'::timestamptz, now()),
             ('e4900000-0000-4000-8000-000000000002'::uuid, 'video_started', 'e4300000-0000-4000-8000-0000000000a1'::uuid,
              'e4100000-0000-4000-8000-00000000000a'::uuid, NULL, NULL, NULL, NULL, '{}'::jsonb, now(), now()),
             ('e4900000-0000-4000-8000-000000000003'::uuid, 'video_started', 'e4300000-0000-4000-8000-0000000000b1'::uuid,
              'e4100000-0000-4000-8000-00000000000b'::uuid, NULL, NULL, NULL, NULL, '{}'::jsonb, now(), now())$$,
    'each key is stored in its column; "timestamp" defaults to now(), metadata to {}; created_at is now()');
-- JSON null for every optional key
SELECT is(chronos.track_video_events(jsonb_build_array(pg_temp.ev(
    '{"student_id": null, "course_id": null, "module_id": null, "session_id": null, "metadata": null,
      "timestamp": null, "event_id": null}'))), 1, 'JSON null is accepted for every optional key');
SELECT results_eq(
    $$SELECT student_id, course_id, module_id, session_id, metadata, "timestamp", substr(id::text, 15, 1)
        FROM chronos.video_analytics_events WHERE id NOT IN ('e4900000-0000-4000-8000-000000000001',
             'e4900000-0000-4000-8000-000000000002', 'e4900000-0000-4000-8000-000000000003')$$,
    $$VALUES (NULL::uuid, NULL::uuid, NULL::uuid, NULL::uuid, '{}'::jsonb, now(), '4')$$,
    '... and taken as absent: NULLs, {}, now() and a new version 4 id');
-- all fifteen event types in one batch (1.1's three with the metadata they need)
SELECT is(chronos.track_video_events((SELECT jsonb_agg(pg_temp.ev(jsonb_build_object('event_type', t,
              'video_id', 'e4300000-0000-4000-8000-0000000000a2',
              'metadata', '{"startup_ms": 1, "duration_ms": 1, "code": 1}'::jsonb)) ORDER BY n)
          FROM unnest(enum_range(NULL::chronos.video_event_type)) WITH ORDINALITY AS u (t, n))), 15,
    'a batch of the fifteen event types returns 15');
SELECT is((SELECT array_agg(event_type ORDER BY event_type) FROM chronos.video_analytics_events
            WHERE video_id = 'e4300000-0000-4000-8000-0000000000a2'),
          enum_range(NULL::chronos.video_event_type), '... and stores each of them');
-- uuid forms: what uuid_in accepts
SELECT is(chronos.track_video_events(jsonb_build_array(
    pg_temp.ev('{"video_id": "{E4300000-0000-4000-8000-0000000000A1}", "creator_id": "e410000000004000800000000000000a",
                 "student_id": "{e42000000000400080000000000000a1}", "course_id": "e4400000-00004000-8000-0000000000a1",
                 "module_id": "e450-0000-0000-4000-8000-0000-0000-00a1", "event_id": "E4900000-0000-4000-8000-00000000001A"}'))),
    1, 'uuids in braces, without hyphens, with hyphens after any group of four, in capitals are accepted');
SELECT results_eq(
    $$SELECT video_id, creator_id, student_id, course_id, module_id FROM chronos.video_analytics_events
       WHERE id = 'e4900000-0000-4000-8000-00000000001a'$$,
    $$VALUES ('e4300000-0000-4000-8000-0000000000a1'::uuid, 'e4100000-0000-4000-8000-00000000000a'::uuid,
              'e4200000-0000-4000-8000-0000000000a1'::uuid, 'e4400000-0000-4000-8000-0000000000a1'::uuid,
              'e4500000-0000-4000-8000-0000000000a1'::uuid)$$,
    '... and read as the same uuids as uuid_in reads them');
SELECT is(chronos.track_video_events(jsonb_build_array(
    pg_temp.ev('{"student_id": "e4200000-0000-4000-8000-0000000000a1", "course_id": "e4400000-0000-4000-8000-0000000000a1",
                 "module_id": "e4500000-0000-4000-8000-0000000000a1", "event_id": "{e490000000004000800000000000001a}"}'))),
    0, '... so the same event with its ids in the canonical form is a replay');

-- every form is read as uuid_in reads it, or refused where uuid_in refuses it
CREATE FUNCTION pg_temp.parses_like_uuid_in(p_text text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    want uuid;
    want_ok boolean := true;
    got uuid;
    got_ok boolean := true;
    good boolean;
BEGIN
    BEGIN
        want := p_text::uuid;
    EXCEPTION WHEN OTHERS THEN
        want_ok := false;
    END;
    BEGIN
        PERFORM chronos.track_video_events(jsonb_build_array(pg_temp.ev(jsonb_build_object(
            'event_id', p_text, 'metadata', jsonb_build_object('probe', p_text)))));
        SELECT id INTO got FROM chronos.video_analytics_events WHERE metadata->>'probe' = p_text;
        RAISE EXCEPTION USING ERRCODE = 'P0001', MESSAGE = 'undo';
    EXCEPTION
        WHEN raise_exception THEN NULL;
        WHEN invalid_parameter_value THEN got_ok := false;
    END;
    good := want_ok = got_ok AND want IS NOT DISTINCT FROM got;
    RETURN ok(good, format('event_id %s is %s, as uuid_in has it', to_json(p_text),
                          CASE WHEN want_ok THEN 'accepted' ELSE 'refused' END))
        || CASE WHEN good THEN '' ELSE E'\n' || diag(format('uuid_in: %s, batch: %s',
               coalesce(want::text, 'refused'), coalesce(got::text, 'refused'))) END;
END
$$;
SELECT pg_temp.parses_like_uuid_in(t) FROM unnest(ARRAY[
    'e49abcde-1234-4def-8abc-0123456789ab',
    'E49ABCDE-1234-4DEF-8ABC-0123456789AB',
    'e49abcde12344def8abc0123456789ab',
    '{e49abcde-1234-4def-8abc-0123456789ab}',
    '{e49abcde12344def8abc0123456789ab}',
    'e49a-bcde-1234-4def-8abc-0123-4567-89ab',
    'e49abcde-12344def8abc0123456789ab',
    '-e49abcde-1234-4def-8abc-0123456789ab',
    'e49abcde-1234-4def-8abc-0123456789ab-',
    'e49abcde--1234-4def-8abc-0123456789ab',
    'e4-9abcde-1234-4def-8abc-0123456789ab',
    'e49abc-de1234-4def-8abc-0123456789ab',
    'e49abcde-1234-4def-8abc-0123456789a',
    'e49abcde-1234-4def-8abc-0123456789abc',
    '{e49abcde-1234-4def-8abc-0123456789ab',
    'e49abcde-1234-4def-8abc-0123456789ab}',
    '{{e49abcde-1234-4def-8abc-0123456789ab}}',
    ' e49abcde-1234-4def-8abc-0123456789ab',
    'e49abcde-1234-4def-8abc-0123456789ab ',
    'e49abcde-1234-4def-8abc-0123456789ag',
    '',
    '{}',
    '{-}',
    E'e49abcde-1234-4def-8abc-0123456789ab\n',
    'ｅ49abcde-1234-4def-8abc-0123456789ab'
]) AS t;

--
-- Replays count 0; repeats inside one batch are written once
--
CREATE TEMP TABLE replay_before AS SELECT pg_temp.n_events() AS n;
SELECT is(chronos.track_video_events(jsonb_build_array(
    pg_temp.ev('{"event_type": "video_progress", "student_id": "e4200000-0000-4000-8000-0000000000a1",
                 "course_id": "e4400000-0000-4000-8000-0000000000a1", "module_id": "e4500000-0000-4000-8000-0000000000a1",
                 "session_id": "e4700000-0000-4000-8000-0000000000a1", "metadata": {"tags": ["a"], "position": 12.5},
                 "timestamp": "2026-03-01T18:00:00Z", "event_id": "e4900000-0000-4000-8000-000000000001"}'),
    pg_temp.ev('{"event_id": "e4900000-0000-4000-8000-000000000002"}'))),
    0, 'a batch of replays returns 0 (timestamps and key order may differ)');
SELECT is(pg_temp.n_events(), (SELECT n FROM replay_before), '... and writes nothing');
SELECT is((SELECT "timestamp" FROM chronos.video_analytics_events WHERE id = 'e4900000-0000-4000-8000-000000000001'),
          '2026-03-01 09:00:00+00'::timestamptz, '... the first "timestamp" stays');
SELECT is(chronos.track_video_events(jsonb_build_array(
    pg_temp.ev('{"event_id": "e4900000-0000-4000-8000-000000000002"}'),
    pg_temp.ev('{"event_id": "e4900000-0000-4000-8000-000000000004"}'),
    pg_temp.ev('{"event_id": "e4900000-0000-4000-8000-000000000003", "video_id": "e4300000-0000-4000-8000-0000000000b1",
                 "creator_id": "e4100000-0000-4000-8000-00000000000b"}'),
    pg_temp.ev())),
    2, 'replays and new events mixed: only the new ones count (with and without ids)');
SELECT is(pg_temp.n_events(), (SELECT n + 2 FROM replay_before), '... and only they are written');
SELECT is(chronos.track_video_events(jsonb_build_array(
    pg_temp.ev('{"event_id": "e4900000-0000-4000-8000-000000000005", "timestamp": "2026-04-01T00:00:00Z"}'),
    pg_temp.ev('{"event_id": "e4900000-0000-4000-8000-000000000005", "timestamp": "2026-04-02T00:00:00Z"}'),
    pg_temp.ev('{"event_id": "{e4900000-0000-4000-8000-000000000005}"}'))),
    1, 'the same event three times in one batch is written once and counted once');
SELECT is((SELECT "timestamp" FROM chronos.video_analytics_events WHERE id = 'e4900000-0000-4000-8000-000000000005'),
          '2026-04-01 00:00:00+00'::timestamptz, '... with the first element''s timestamp');
SELECT is(chronos.track_video_events(jsonb_build_array(
    pg_temp.ev('{"event_id": "e4900000-0000-4000-8000-000000000005"}'),
    pg_temp.ev('{"event_id": "e4900000-0000-4000-8000-000000000005"}'))),
    0, 'a stored event repeated inside a batch counts 0');
SELECT is(chronos.track_video_events(jsonb_build_array(pg_temp.ev(), pg_temp.ev(), pg_temp.ev())), 3,
          'identical events without ids are three events');
-- the batch and the single call share ids
SELECT is(chronos.track_video_event('video_started', 'e4300000-0000-4000-8000-0000000000a1',
                                    'e4100000-0000-4000-8000-00000000000a', p_event_id => 'e4900000-0000-4000-8000-000000000004'),
          'e4900000-0000-4000-8000-000000000004'::uuid, 'track_video_event replays an event a batch wrote');
SELECT is(chronos.track_video_events(jsonb_build_array(
    jsonb_build_object('event_type', 'video_progress', 'video_id', 'e4300000-0000-4000-8000-0000000000a1',
                       'creator_id', 'e4100000-0000-4000-8000-00000000000a', 'metadata', '{"p": 1}'::jsonb,
                       'event_id', chronos.track_video_event('video_progress', 'e4300000-0000-4000-8000-0000000000a1',
                                                             'e4100000-0000-4000-8000-00000000000a', p_metadata => '{"p": 1}',
                                                             p_event_id => 'e4900000-0000-4000-8000-000000000006')))),
          0, 'a batch replays an event track_video_event wrote');

--
-- All or none: a bad element anywhere leaves the table unchanged
--
SELECT pg_temp.refused(jsonb_build_array(
    pg_temp.ev('{"event_id": "e4900000-0000-4000-8000-000000000011"}'), pg_temp.ev(), pg_temp.ev(),
    pg_temp.ev('{"video_id": "e4300000-0000-4000-8000-0000000000b1"}')),
    '23503', 'video e4300000-0000-4000-8000-0000000000b1 does not belong to creator e4100000-0000-4000-8000-00000000000a',
    'a bad reference in the last element: nothing of the batch is written', 'p_events element 3');
SELECT pg_temp.refused(jsonb_build_array(
    pg_temp.ev('{"event_id": "e4900000-0000-4000-8000-000000000011"}'), pg_temp.ev(), pg_temp.ev(),
    pg_temp.ev('{"video_id": "nope"}')),
    '22023', '"video_id" is not a valid uuid: "nope"',
    'a malformed last element: nothing written', 'p_events element 3');
SELECT pg_temp.refused(jsonb_build_array(
    pg_temp.ev('{"event_id": "e4900000-0000-4000-8000-000000000011"}'), pg_temp.ev(),
    pg_temp.ev('{"event_id": "e4900000-0000-4000-8000-000000000001"}')),
    '23505', 'event e4900000-0000-4000-8000-000000000001 already exists with different content',
    'a last element that conflicts with a stored event: nothing written', 'p_events element 2');
SELECT pg_temp.refused(jsonb_build_array(
    pg_temp.ev('{"event_id": "e4900000-0000-4000-8000-000000000011"}'), pg_temp.ev(),
    pg_temp.ev('{"event_id": "e4900000-0000-4000-8000-000000000011", "event_type": "video_paused"}')),
    '23505', 'event_id e4900000-0000-4000-8000-000000000011 is used twice with different content',
    'an id repeated with other content inside the batch: nothing written', 'p_events element 2');
SELECT pg_temp.refused(jsonb_build_array(
    pg_temp.ev(), pg_temp.ev('{"student_id": "e4200000-0000-4000-8000-0000000000a1",
                               "session_id": "e4700000-0000-4000-8000-0000000000a2"}'), pg_temp.ev()),
    '23503', 'session e4700000-0000-4000-8000-0000000000a2 is not a session of student e4200000-0000-4000-8000-0000000000a1 on video e4300000-0000-4000-8000-0000000000a1',
    'a session of another student in the middle: nothing written', 'p_events element 1');
SELECT pg_temp.refused(jsonb_build_array(
    pg_temp.ev(), pg_temp.ev('{"course_id": "e4400000-0000-4000-8000-0000000000a1",
                               "module_id": "e4500000-0000-4000-8000-0000000000a2"}')),
    '23503', 'module e4500000-0000-4000-8000-0000000000a2 is not a module of course e4400000-0000-4000-8000-0000000000a1',
    'a module of another course: nothing written, the module named', 'p_events element 1');
SELECT pg_temp.refused(jsonb_build_array(pg_temp.ev('{"student_id": "e4200000-0000-4000-8000-0000000000b1"}')),
    '23503', 'student e4200000-0000-4000-8000-0000000000b1 is not a student of creator e4100000-0000-4000-8000-00000000000a',
    'a batch of one with another creator''s student', 'p_events element 0');
SELECT is(chronos.track_video_events(jsonb_build_array(pg_temp.ev('{"event_id": "e4900000-0000-4000-8000-000000000011"}'))),
          1, 'the ids of refused batches are still free');

--
-- The parser: each element an object with known keys and values of the right type
--
SELECT pg_temp.refused(jsonb_build_array(pg_temp.ev('{"created_at": "2026-01-01T00:00:00Z"}')),
    '22023', 'unknown key "created_at"', 'created_at cannot be given: the server sets it', 'p_events element 0');
SELECT pg_temp.refused(jsonb_build_array(pg_temp.ev('{"p_event_type": "video_started"}')),
    '22023', 'unknown key "p_event_type"', 'keys have no p_ prefix', 'p_events element 0');
SELECT pg_temp.refused(jsonb_build_array(pg_temp.ev('{"id": "e4900000-0000-4000-8000-000000000012"}')),
    '22023', 'unknown key "id"', 'the id key is event_id', 'p_events element 0');
SELECT pg_temp.refused(jsonb_build_array(pg_temp.ev(), pg_temp.ev('{"extra": null}')),
    '22023', 'unknown key "extra"', 'an unknown key is refused even when null', 'p_events element 1');
SELECT pg_temp.refused(jsonb_build_array(pg_temp.ev(), '"video_started"'::jsonb),
    '22023', 'element is not a JSON object: "video_started"', 'an element that is not an object (a string, shown as JSON)', 'p_events element 1');
SELECT pg_temp.refused(jsonb_build_array(pg_temp.ev('{"video_id": 7}')),
    '22023', '"video_id" must be a uuid string, not 7', 'a number for a uuid', 'p_events element 0');
SELECT pg_temp.refused(jsonb_build_array(pg_temp.ev('{"student_id": false}')),
    '22023', '"student_id" must be a uuid string, not false', 'a boolean for a uuid', 'p_events element 0');
SELECT pg_temp.refused(jsonb_build_array(pg_temp.ev('{"session_id": ["e4700000-0000-4000-8000-0000000000a1"]}')),
    '22023', '"session_id" must be a uuid string, not ["e4700000-0000-4000-8000-0000000000a1"]', 'an array for a uuid',
    'p_events element 0');
SELECT pg_temp.refused(jsonb_build_array(pg_temp.ev('{"event_id": {"id": 1}}')),
    '22023', '"event_id" must be a uuid string, not {"id": 1}', 'an object for a uuid', 'p_events element 0');
SELECT pg_temp.refused(jsonb_build_array(pg_temp.ev('{"creator_id": "e4100000-0000-4000-8000-00000000000a0"}')),
    '22023', '"creator_id" is not a valid uuid: "e4100000-0000-4000-8000-00000000000a0"', 'a uuid one digit too long',
    'p_events element 0');
SELECT pg_temp.refused(jsonb_build_array(pg_temp.ev('{"course_id": "e44-00000-0000-4000-8000-0000000000a1"}')),
    '22023', '"course_id" is not a valid uuid: "e44-00000-0000-4000-8000-0000000000a1"', 'a hyphen inside a group of four',
    'p_events element 0');
SELECT pg_temp.refused(jsonb_build_array(pg_temp.ev('{"module_id": "{e4500000-0000-4000-8000-0000000000a1"}')),
    '22023', '"module_id" is not a valid uuid: "{e4500000-0000-4000-8000-0000000000a1"', 'an unclosed brace',
    'p_events element 0');
SELECT pg_temp.refused(jsonb_build_array(pg_temp.ev('{"event_type": 1}')),
    '22023', '"event_type" must be a string, not 1', 'a number for the event type', 'p_events element 0');
SELECT pg_temp.refused(jsonb_build_array(pg_temp.ev('{"event_type": "VIDEO_STARTED"}')),
    '22023', 'invalid video event type "VIDEO_STARTED"', 'event types are case-sensitive', 'p_events element 0');
SELECT pg_temp.refused(jsonb_build_array(pg_temp.ev('{"metadata": [{"a": 1}]}')),
    '22023', '"metadata" must be a JSON object', 'metadata that is an array', 'p_events element 0');
SELECT pg_temp.refused(jsonb_build_array(pg_temp.ev('{"timestamp": 1767225600}')),
    '22023', '"timestamp" must be a timestamp string, not 1767225600', 'a number for the timestamp', 'p_events element 0');
SELECT pg_temp.refused(jsonb_build_array(pg_temp.ev('{"timestamp": "2026-13-01T00:00:00Z"}')),
    '22023', '"timestamp" is not a valid timestamp: "2026-13-01T00:00:00Z"', 'a malformed timestamp', 'p_events element 0');
SELECT pg_temp.refused(jsonb_build_array(pg_temp.ev() - 'creator_id'),
    '22004', '"creator_id" is required', 'creator_id is required (22004)', 'p_events element 0');
SELECT pg_temp.refused(jsonb_build_array(pg_temp.ev('{"session_id": "e4700000-0000-4000-8000-0000000000a1"}')),
    '22004', '"session_id" requires "student_id"', 'a session needs its student (22004)', 'p_events element 0');

--
-- Size: a large batch in one call
--
SELECT is(chronos.track_video_events((SELECT jsonb_agg(pg_temp.ev(jsonb_build_object('event_type', 'video_progress',
              'student_id', 'e4200000-0000-4000-8000-0000000000a2', 'metadata', jsonb_build_object('i', i))))
          FROM generate_series(1, 5000) AS i)), 5000, 'a batch of 5000 events returns 5000');
SELECT is((SELECT count(DISTINCT metadata) FROM chronos.video_analytics_events
            WHERE student_id = 'e4200000-0000-4000-8000-0000000000a2'), 5000::bigint, '... and stores each of them');
SELECT pg_temp.refused((SELECT jsonb_agg(pg_temp.ev(CASE WHEN i = 4000
              THEN '{"module_id": "e4500000-0000-4000-8000-0000000000ff"}'::jsonb ELSE '{}' END))
          FROM generate_series(1, 5000) AS i),
    '23503', 'module e4500000-0000-4000-8000-0000000000ff does not belong to creator e4100000-0000-4000-8000-00000000000a',
    'one bad element among 5000 is found and named; nothing written', 'p_events element 3999');

SELECT * FROM finish();
ROLLBACK;
