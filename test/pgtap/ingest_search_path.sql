-- A hostile search_path cannot change what track_video_event,
-- track_video_events, the helpers and the trigger do.  Schema evil, first in
-- the path, holds an operator = on (uuid, uuid) that says every two uuids
-- are equal (and records that it was called), functions unnest, sum, max,
-- int4, now, gen_random_uuid and jsonb_typeof that raise, and tables named like
-- chronos's; a temporary table shadows video_watch_sessions too.  The calls
-- run under that path; their results are checked afterwards, under the
-- normal path (pgTAP itself would call evil's operators).  Ids: prefix e4.
SET client_min_messages = warning;
BEGIN;
SELECT plan(27);

\set ids 'e4%s00000-0000-4000-8000-%s'
\set creators 'a b'
\set students 'a1 a2'
\set videos 'a1 b1'
\ir ../fixtures/people.sql
\ir ../fixtures/catalog.sql
INSERT INTO chronos.video_watch_sessions (id, video_id, student_id, watch_time_seconds, percent_complete)
VALUES ('e4700000-0000-4000-8000-0000000000a1', 'e4300000-0000-4000-8000-0000000000a1',
        'e4200000-0000-4000-8000-0000000000a1', 120, 40),
       ('e4700000-0000-4000-8000-0000000000a2', 'e4300000-0000-4000-8000-0000000000a1',
        'e4200000-0000-4000-8000-0000000000a1', 30, 95);
CREATE ROLE chronos_search_path_app;

CREATE SCHEMA evil;
CREATE TABLE evil.calls (what text);
GRANT ALL ON SCHEMA evil TO PUBLIC;
GRANT ALL ON evil.calls TO PUBLIC;
CREATE FUNCTION evil.uuid_eq(uuid, uuid) RETURNS boolean
LANGUAGE plpgsql AS $$BEGIN INSERT INTO evil.calls VALUES ('='); RETURN true; END$$;
CREATE OPERATOR evil.= (LEFTARG = uuid, RIGHTARG = uuid, FUNCTION = evil.uuid_eq);
CREATE FUNCTION evil.uuid_ne(uuid, uuid) RETURNS boolean
LANGUAGE plpgsql AS $$BEGIN INSERT INTO evil.calls VALUES ('<>'); RETURN false; END$$;
CREATE OPERATOR evil.<> (LEFTARG = uuid, RIGHTARG = uuid, FUNCTION = evil.uuid_ne);
CREATE FUNCTION evil.unnest(anyarray) RETURNS SETOF anyelement
LANGUAGE plpgsql AS $$BEGIN RAISE EXCEPTION 'evil.unnest called'; END$$;
CREATE FUNCTION evil.sum(integer) RETURNS bigint
LANGUAGE plpgsql AS $$BEGIN RAISE EXCEPTION 'evil.sum called'; END$$;
CREATE FUNCTION evil.max(integer) RETURNS integer
LANGUAGE plpgsql AS $$BEGIN RAISE EXCEPTION 'evil.max called'; END$$;
CREATE FUNCTION evil.int4(bigint) RETURNS integer
LANGUAGE plpgsql AS $$BEGIN RAISE EXCEPTION 'evil.int4 called'; END$$;
CREATE FUNCTION evil.now() RETURNS timestamptz
LANGUAGE plpgsql AS $$BEGIN RAISE EXCEPTION 'evil.now called'; END$$;
CREATE FUNCTION evil.gen_random_uuid() RETURNS uuid
LANGUAGE plpgsql AS $$BEGIN RAISE EXCEPTION 'evil.gen_random_uuid called'; END$$;
CREATE FUNCTION evil.jsonb_typeof(jsonb) RETURNS text
LANGUAGE plpgsql AS $$BEGIN RAISE EXCEPTION 'evil.jsonb_typeof called'; END$$;
CREATE TABLE evil.video_analytics_events (LIKE chronos.video_analytics_events);
CREATE TABLE evil.video_watch_sessions (LIKE chronos.video_watch_sessions);
CREATE TABLE evil.creators (LIKE chronos.creators);
GRANT ALL ON ALL TABLES IN SCHEMA evil TO PUBLIC;
CREATE TEMP TABLE video_watch_sessions (LIKE chronos.video_watch_sessions INCLUDING DEFAULTS);
INSERT INTO video_watch_sessions (id, video_id, student_id, creator_id, watch_time_seconds, percent_complete, completed)
VALUES ('e4700000-0000-4000-8000-0000000000ff', 'e4300000-0000-4000-8000-0000000000a1',
        'e4200000-0000-4000-8000-0000000000a1', 'e4100000-0000-4000-8000-00000000000a', 99999, 100, true);
GRANT ALL ON video_watch_sessions TO PUBLIC;

-- capture(label, sql): runs sql (under whatever search_path is set) and
-- keeps its one value, or its error, for checking later.
CREATE TEMP TABLE captured (label text PRIMARY KEY, result text);
GRANT ALL ON captured TO PUBLIC;
CREATE FUNCTION pg_temp.capture(p_label text, p_sql text) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    r text;
BEGIN
    EXECUTE p_sql INTO r;
    INSERT INTO pg_temp.captured VALUES (p_label, r);
EXCEPTION WHEN OTHERS THEN
    INSERT INTO pg_temp.captured VALUES (p_label, 'ERROR ' || SQLSTATE || ': ' || SQLERRM);
END
$$;

SET search_path = evil, pg_catalog, public;
-- evil is in force: its = says two different uuids are equal
SELECT pg_temp.capture('evil =', $$SELECT ('e4100000-0000-4000-8000-00000000000a'::uuid
                                         = 'e4100000-0000-4000-8000-00000000000b'::uuid)::text$$);
DELETE FROM evil.calls;
-- track_video_event: new, replay, conflict, bad reference
SELECT pg_temp.capture('new', $$SELECT chronos.track_video_event('video_started', 'e4300000-0000-4000-8000-0000000000a1',
    'e4100000-0000-4000-8000-00000000000a', 'e4200000-0000-4000-8000-0000000000a1', p_metadata => '{"a": 1}',
    p_event_id => 'e4900000-0000-4000-8000-000000000001', p_session_id => 'e4700000-0000-4000-8000-0000000000a1')::text$$);
SELECT pg_temp.capture('default id', $$SELECT (chronos.track_video_event('video_imported',
    'e4300000-0000-4000-8000-0000000000a1', 'e4100000-0000-4000-8000-00000000000a') IS NOT NULL)::text$$);
SELECT pg_temp.capture('replay', $$SELECT chronos.track_video_event('video_started', 'e4300000-0000-4000-8000-0000000000a1',
    'e4100000-0000-4000-8000-00000000000a', 'e4200000-0000-4000-8000-0000000000a1', p_metadata => '{"a": 1}',
    p_event_id => 'e4900000-0000-4000-8000-000000000001', p_session_id => 'e4700000-0000-4000-8000-0000000000a1')::text$$);
SELECT pg_temp.capture('conflict', $$SELECT chronos.track_video_event('video_started', 'e4300000-0000-4000-8000-0000000000a1',
    'e4100000-0000-4000-8000-00000000000a', 'e4200000-0000-4000-8000-0000000000a2', p_metadata => '{"a": 1}',
    p_event_id => 'e4900000-0000-4000-8000-000000000001')::text$$);
SELECT pg_temp.capture('bad video', $$SELECT chronos.track_video_event('video_started', 'e4300000-0000-4000-8000-0000000000b1',
    'e4100000-0000-4000-8000-00000000000a')::text$$);
SELECT pg_temp.capture('bad session', $$SELECT chronos.track_video_event('video_started', 'e4300000-0000-4000-8000-0000000000a1',
    'e4100000-0000-4000-8000-00000000000a', 'e4200000-0000-4000-8000-0000000000a2',
    p_session_id => 'e4700000-0000-4000-8000-0000000000a1')::text$$);
-- track_video_events: new and replayed, a conflict, a bad reference (diagnosed)
SELECT pg_temp.capture('batch', $$SELECT chronos.track_video_events('[
    {"event_type": "video_paused", "video_id": "e4300000-0000-4000-8000-0000000000a1",
     "creator_id": "e4100000-0000-4000-8000-00000000000a", "event_id": "e4900000-0000-4000-8000-000000000002"},
    {"event_type": "video_started", "video_id": "e4300000-0000-4000-8000-0000000000a1",
     "creator_id": "e4100000-0000-4000-8000-00000000000a", "student_id": "e4200000-0000-4000-8000-0000000000a1",
     "session_id": "e4700000-0000-4000-8000-0000000000a1", "metadata": {"a": 1},
     "event_id": "e4900000-0000-4000-8000-000000000001"},
    {"event_type": "video_resumed", "video_id": "e4300000-0000-4000-8000-0000000000a1",
     "creator_id": "e4100000-0000-4000-8000-00000000000a"}]')::text$$);
SELECT pg_temp.capture('batch conflict', $$SELECT chronos.track_video_events('[
    {"event_type": "video_resumed", "video_id": "e4300000-0000-4000-8000-0000000000a1",
     "creator_id": "e4100000-0000-4000-8000-00000000000a", "event_id": "e4900000-0000-4000-8000-000000000002"}]')::text$$);
SELECT pg_temp.capture('batch bad video', $$SELECT chronos.track_video_events('[
    {"event_type": "video_resumed", "video_id": "e4300000-0000-4000-8000-0000000000a1",
     "creator_id": "e4100000-0000-4000-8000-00000000000a"},
    {"event_type": "video_resumed", "video_id": "e4300000-0000-4000-8000-0000000000b1",
     "creator_id": "e4100000-0000-4000-8000-00000000000a"}]')::text$$);
-- the trigger (creator_id given: fill_creator_id is checked on its own below)
INSERT INTO chronos.video_watch_sessions (id, video_id, student_id, creator_id, percent_complete, watch_time_seconds)
VALUES ('e4700000-0000-4000-8000-0000000000a3', 'e4300000-0000-4000-8000-0000000000a1',
        'e4200000-0000-4000-8000-0000000000a2', 'e4100000-0000-4000-8000-00000000000a', 92, 10);
-- the helpers, as the service (read directly) and as a creator (through SQL)
SELECT pg_temp.capture('helpers as service', $$SELECT format('%s %s %s',
    chronos.get_student_total_watch_time('e4200000-0000-4000-8000-0000000000a1', 'e4300000-0000-4000-8000-0000000000a1'),
    chronos.get_student_highest_completion('e4200000-0000-4000-8000-0000000000a1', 'e4300000-0000-4000-8000-0000000000a1'),
    chronos.has_student_completed_video('e4200000-0000-4000-8000-0000000000a1', 'e4300000-0000-4000-8000-0000000000a1'))$$);
SET LOCAL ROLE chronos_search_path_app;
SET LOCAL chronos.creator_id = 'e4100000-0000-4000-8000-00000000000a';
SELECT pg_temp.capture('helpers as creator', $$SELECT format('%s %s %s',
    chronos.get_student_total_watch_time('e4200000-0000-4000-8000-0000000000a1', 'e4300000-0000-4000-8000-0000000000a1'),
    chronos.get_student_highest_completion('e4200000-0000-4000-8000-0000000000a1', 'e4300000-0000-4000-8000-0000000000a1'),
    chronos.has_student_completed_video('e4200000-0000-4000-8000-0000000000a1', 'e4300000-0000-4000-8000-0000000000a1'))$$);
SELECT pg_temp.capture('creator tracks', $$SELECT chronos.track_video_event('video_seeked',
    'e4300000-0000-4000-8000-0000000000a1', 'e4100000-0000-4000-8000-00000000000a',
    p_event_id => 'e4900000-0000-4000-8000-000000000003')::text$$);
SELECT pg_temp.capture('creator refused', $$SELECT chronos.track_video_event('video_seeked',
    'e4300000-0000-4000-8000-0000000000b1', 'e4100000-0000-4000-8000-00000000000b')::text$$);
RESET chronos.creator_id;
RESET ROLE;
-- an empty search_path
SET search_path = '';
SELECT pg_temp.capture('empty path', $$SELECT pg_catalog.format('%s %s', chronos.track_video_events('[
    {"event_type": "video_rewatched", "video_id": "e4300000-0000-4000-8000-0000000000a1",
     "creator_id": "e4100000-0000-4000-8000-00000000000a", "event_id": "e4900000-0000-4000-8000-000000000004"}]'),
    chronos.get_student_highest_completion('e4200000-0000-4000-8000-0000000000a2', 'e4300000-0000-4000-8000-0000000000a1'))$$);
RESET search_path;

--
-- The results, under the normal path
--
SELECT is((SELECT result FROM captured WHERE label = 'evil ='), 'true', 'under the hostile path, evil''s = is the one SQL finds');
SELECT is((SELECT result FROM captured WHERE label = 'new'), 'e4900000-0000-4000-8000-000000000001', 'track_video_event works');
SELECT is((SELECT result FROM captured WHERE label = 'default id'), 'true', '... also with its defaults');
SELECT is((SELECT result FROM captured WHERE label = 'replay'), 'e4900000-0000-4000-8000-000000000001', 'a replay returns the id');
SELECT is((SELECT result FROM captured WHERE label = 'conflict'),
          'ERROR 23505: event e4900000-0000-4000-8000-000000000001 already exists with different content',
          'a conflict is still a conflict');
SELECT is((SELECT result FROM captured WHERE label = 'bad video'),
          'ERROR 23503: video e4300000-0000-4000-8000-0000000000b1 does not belong to creator e4100000-0000-4000-8000-00000000000a',
          'another creator''s video is still refused');
SELECT is((SELECT result FROM captured WHERE label = 'bad session'),
          'ERROR 23503: session e4700000-0000-4000-8000-0000000000a1 is not a session of student e4200000-0000-4000-8000-0000000000a2 on video e4300000-0000-4000-8000-0000000000a1',
          'another student''s session is still refused');
SELECT is((SELECT result FROM captured WHERE label = 'batch'), '2', 'track_video_events counts the new events only');
SELECT is((SELECT result FROM captured WHERE label = 'batch conflict'),
          'ERROR 23505: event e4900000-0000-4000-8000-000000000002 already exists with different content',
          'a conflict in a batch is still a conflict');
SELECT is((SELECT result FROM captured WHERE label = 'batch bad video'),
          'ERROR 23503: video e4300000-0000-4000-8000-0000000000b1 does not belong to creator e4100000-0000-4000-8000-00000000000a',
          'a bad reference in a batch is still found');
SELECT is((SELECT result FROM captured WHERE label = 'helpers as service'), '150 95 t',
          'the helpers read the real sessions, as the service');
SELECT is((SELECT result FROM captured WHERE label = 'helpers as creator'), '150 95 t',
          '... and as a creator, through row-level security');
SELECT is((SELECT result FROM captured WHERE label = 'creator tracks'), 'e4900000-0000-4000-8000-000000000003',
          'a creator tracks its own event');
SELECT is((SELECT result FROM captured WHERE label = 'creator refused'),
          'ERROR 42501: permission denied to track events for creator e4100000-0000-4000-8000-00000000000b',
          '... and only its own');
SELECT is((SELECT result FROM captured WHERE label = 'empty path'), '1 92', 'an empty search_path changes nothing either');
SELECT results_eq(
    $$SELECT id, event_type::text, student_id, session_id, metadata FROM chronos.video_analytics_events
       WHERE id::text LIKE 'e49%' ORDER BY id$$,
    $$VALUES ('e4900000-0000-4000-8000-000000000001'::uuid, 'video_started', 'e4200000-0000-4000-8000-0000000000a1'::uuid,
              'e4700000-0000-4000-8000-0000000000a1'::uuid, '{"a": 1}'::jsonb),
             ('e4900000-0000-4000-8000-000000000002'::uuid, 'video_paused', NULL, NULL, '{}'::jsonb),
             ('e4900000-0000-4000-8000-000000000003'::uuid, 'video_seeked', NULL, NULL, '{}'::jsonb),
             ('e4900000-0000-4000-8000-000000000004'::uuid, 'video_rewatched', NULL, NULL, '{}'::jsonb)$$,
    'the events with client ids were stored as sent');
SELECT is((SELECT count(*) FROM chronos.video_analytics_events), 6::bigint,
          'and the two without: six events in all');
SELECT is((SELECT count(*) FROM chronos.video_analytics_events WHERE "timestamp" = now() AND created_at = now()),
          6::bigint, 'their timestamps are the transaction''s, not evil.now()''s');
SELECT is((SELECT (completed, completed_at = now()) FROM chronos.video_watch_sessions
            WHERE id = 'e4700000-0000-4000-8000-0000000000a3'), (true, true),
          'the trigger completed the session');
SELECT is((SELECT count(*) FROM evil.calls), 0::bigint, 'evil''s operators were never called');
SELECT is((SELECT count(*) FROM evil.video_analytics_events), 0::bigint, 'evil''s events table is empty');
SELECT is((SELECT count(*) FROM evil.video_watch_sessions), 0::bigint, 'evil''s sessions table is empty');
SELECT is((SELECT count(*) FROM pg_temp.video_watch_sessions), 1::bigint, 'the temporary sessions table was not used');
SELECT is((SELECT count(*) FROM evil.creators), 0::bigint, 'evil''s creators table is empty');
SELECT is(current_setting('search_path'), '"$user", public', 'the path is back to normal for these checks');
SELECT is((SELECT count(*) FROM captured), 15::bigint, 'every call was captured');

-- fill_creator_id (triggers.c), which fills a session's creator_id from its
-- video, must not call evil's = either (it did while its lookup said a plain
-- "id = $1": as the caller, or as the owner under a function that inserts
-- sessions past row-level security).
SET search_path = evil, pg_catalog, public;
INSERT INTO chronos.video_watch_sessions (id, video_id, student_id)
VALUES ('e4700000-0000-4000-8000-0000000000a4', 'e4300000-0000-4000-8000-0000000000a1',
        'e4200000-0000-4000-8000-0000000000a2');
RESET search_path;
SELECT is((SELECT count(*) FROM evil.calls), 0::bigint,
          'fill_creator_id, filling a session''s creator_id, does not call evil''s = either');

SELECT * FROM finish();
ROLLBACK;
