-- get_student_total_watch_time, get_student_highest_completion and
-- has_student_completed_video: the report's results over all the student's
-- sessions of the video (0 / 0 / false when there are none), NULL arguments
-- refused, and row-level security respected: a caller gets the answer over
-- the sessions it may see, the same as for no session at all otherwise.  The
-- service reads the index directly, everyone else goes through SQL; both
-- must agree.  Ids: prefix e5.
SET client_min_messages = warning;
BEGIN;
SELECT plan(44);

\set ids 'e5%s00000-0000-4000-8000-%s'
\set creators 'a b'
\set students 'a1 a2 a3 b1'
\set videos 'a1 a2 b1'
\ir ../fixtures/people.sql
\ir ../fixtures/catalog.sql
-- student a1 watched video a1 three times (completing it in the second
-- session), video a2 once; student a2 watched video a1 once; student b1
-- (the same Whop user, at creator b) watched b1.
INSERT INTO chronos.video_watch_sessions (id, video_id, student_id, session_start, watch_time_seconds, percent_complete)
VALUES ('e5700000-0000-4000-8000-000000000001', 'e5300000-0000-4000-8000-0000000000a1', 'e5200000-0000-4000-8000-0000000000a1',
        '2026-03-01 10:00+00', 300, 35),
       ('e5700000-0000-4000-8000-000000000002', 'e5300000-0000-4000-8000-0000000000a1', 'e5200000-0000-4000-8000-0000000000a1',
        '2026-03-02 10:00+00', 600, 92),
       ('e5700000-0000-4000-8000-000000000003', 'e5300000-0000-4000-8000-0000000000a1', 'e5200000-0000-4000-8000-0000000000a1',
        '2026-03-03 10:00+00', 45, 10),
       ('e5700000-0000-4000-8000-000000000004', 'e5300000-0000-4000-8000-0000000000a2', 'e5200000-0000-4000-8000-0000000000a1',
        '2026-03-01 11:00+00', 1000, 80),
       ('e5700000-0000-4000-8000-000000000005', 'e5300000-0000-4000-8000-0000000000a1', 'e5200000-0000-4000-8000-0000000000a2',
        '2026-03-01 12:00+00', 7, 3),
       ('e5700000-0000-4000-8000-000000000006', 'e5300000-0000-4000-8000-0000000000b1', 'e5200000-0000-4000-8000-0000000000b1',
        '2026-03-01 12:00+00', 50, 100);

CREATE ROLE chronos_watch_app;
CREATE ROLE chronos_watch_bypass BYPASSRLS;

-- helpers(student, video): the three answers as 'seconds percent completed'.
CREATE FUNCTION pg_temp.helpers(p_student uuid, p_video uuid) RETURNS text
LANGUAGE sql AS $$
    SELECT format('%s %s %s', chronos.get_student_total_watch_time(p_student, p_video),
                  chronos.get_student_highest_completion(p_student, p_video),
                  chronos.has_student_completed_video(p_student, p_video))
$$;
GRANT EXECUTE ON FUNCTION pg_temp.helpers(uuid, uuid) TO PUBLIC;

-- as_who(who, student, video): helpers() as who (see test/fixtures/become.sql
-- for the forms of who), or the error.
\set app_role chronos_watch_app
\set bypass_role chronos_watch_bypass
\ir ../fixtures/become.sql
CREATE FUNCTION pg_temp.as_who(p_who text, p_student uuid, p_video uuid) RETURNS text
LANGUAGE sql AS $$
    SELECT pg_temp.as_who(p_who, format('SELECT pg_temp.helpers(%L, %L)', p_student, p_video))
$$;

--
-- The results, as the service
--
SELECT is(chronos.get_student_total_watch_time('e5200000-0000-4000-8000-0000000000a1', 'e5300000-0000-4000-8000-0000000000a1'),
          945, 'total watch time: the sum over the student''s sessions of the video');
SELECT is(chronos.get_student_highest_completion('e5200000-0000-4000-8000-0000000000a1', 'e5300000-0000-4000-8000-0000000000a1'),
          92, 'highest completion: the best session, not the last');
SELECT is(chronos.has_student_completed_video('e5200000-0000-4000-8000-0000000000a1', 'e5300000-0000-4000-8000-0000000000a1'),
          true, 'completed: one completed session is enough');
SELECT is(pg_temp.helpers('e5200000-0000-4000-8000-0000000000a1', 'e5300000-0000-4000-8000-0000000000a2'), '1000 80 f',
          'another video of the same student is counted on its own (80% is not completed)');
SELECT is(pg_temp.helpers('e5200000-0000-4000-8000-0000000000a2', 'e5300000-0000-4000-8000-0000000000a1'), '7 3 f',
          'another student of the same video is counted on its own');
SELECT is(pg_temp.helpers('e5200000-0000-4000-8000-0000000000a3', 'e5300000-0000-4000-8000-0000000000a1'), '0 0 f',
          'no sessions: 0, 0 and false');
SELECT is(pg_temp.helpers('e5200000-0000-4000-8000-0000000000ff', 'e5300000-0000-4000-8000-0000000000ff'), '0 0 f',
          'an unknown student and video: 0, 0 and false, not an error');
SELECT is(pg_temp.helpers('e5200000-0000-4000-8000-0000000000a1', 'e5300000-0000-4000-8000-0000000000b1'), '0 0 f',
          'a student of creator a has no sessions of creator b''s video');
SELECT is(pg_temp.helpers('e5200000-0000-4000-8000-0000000000b1', 'e5300000-0000-4000-8000-0000000000b1'), '50 100 t',
          'the same Whop user at creator b is another student');
SELECT function_returns('chronos', 'get_student_total_watch_time', ARRAY['uuid', 'uuid'], 'integer',
                        'get_student_total_watch_time returns integer');
SELECT function_returns('chronos', 'get_student_highest_completion', ARRAY['uuid', 'uuid'], 'integer',
                        'get_student_highest_completion returns integer');
SELECT function_returns('chronos', 'has_student_completed_video', ARRAY['uuid', 'uuid'], 'boolean',
                        'has_student_completed_video returns boolean');
SELECT is(chronos.get_student_highest_completion(p_video_id => 'e5300000-0000-4000-8000-0000000000a1',
                                                 p_student_id => 'e5200000-0000-4000-8000-0000000000a2'),
          3, 'named arguments, as PostgREST sends them');

-- changes within the transaction are seen at once
UPDATE chronos.video_watch_sessions SET watch_time_seconds = watch_time_seconds + 5, percent_complete = 15
 WHERE id = 'e5700000-0000-4000-8000-000000000005';
SELECT is(pg_temp.helpers('e5200000-0000-4000-8000-0000000000a2', 'e5300000-0000-4000-8000-0000000000a1'), '12 15 f',
          'an updated session is seen by the next statement');
INSERT INTO chronos.video_watch_sessions (video_id, student_id, watch_time_seconds, percent_complete)
VALUES ('e5300000-0000-4000-8000-0000000000a1', 'e5200000-0000-4000-8000-0000000000a2', 100, 90);
SELECT is(pg_temp.helpers('e5200000-0000-4000-8000-0000000000a2', 'e5300000-0000-4000-8000-0000000000a1'), '112 90 t',
          'a new session is counted, and completes at 90%');
DELETE FROM chronos.video_watch_sessions
 WHERE student_id = 'e5200000-0000-4000-8000-0000000000a2' AND percent_complete = 90;
SELECT is(pg_temp.helpers('e5200000-0000-4000-8000-0000000000a2', 'e5300000-0000-4000-8000-0000000000a1'), '12 15 f',
          'a deleted session no longer counts');
-- a session completed earlier stays completed in the answer, even below the
-- threshold now
UPDATE chronos.video_watch_sessions SET percent_complete = 20 WHERE id = 'e5700000-0000-4000-8000-000000000002';
SELECT is(pg_temp.helpers('e5200000-0000-4000-8000-0000000000a1', 'e5300000-0000-4000-8000-0000000000a1'), '945 35 t',
          'a completed session whose percent went down: still completed, the highest is now 35');
UPDATE chronos.video_watch_sessions SET percent_complete = 92 WHERE id = 'e5700000-0000-4000-8000-000000000002';
-- helpers inside one statement, over many rows
SELECT is((SELECT sum(chronos.get_student_total_watch_time(s.id, v.id))
             FROM chronos.students s CROSS JOIN chronos.videos v),
          (SELECT sum(watch_time_seconds) FROM chronos.video_watch_sessions),
          'over every (student, video) pair, the totals add up to all the watch time');
SELECT is((SELECT count(*) FILTER (WHERE chronos.has_student_completed_video(s.id, v.id))
             FROM chronos.students s CROSS JOIN chronos.videos v),
          (SELECT count(DISTINCT (student_id, video_id)) FROM chronos.video_watch_sessions WHERE completed),
          'the completed pairs are the pairs with a completed session');

--
-- NULL arguments (22004)
--
SELECT throws_ok($$SELECT chronos.get_student_total_watch_time(NULL, 'e5300000-0000-4000-8000-0000000000a1')$$,
                 '22004', 'p_student_id must not be null', 'get_student_total_watch_time: p_student_id NULL is refused');
SELECT throws_ok($$SELECT chronos.get_student_total_watch_time('e5200000-0000-4000-8000-0000000000a1', NULL)$$,
                 '22004', 'p_video_id must not be null', 'get_student_total_watch_time: p_video_id NULL is refused');
SELECT throws_ok($$SELECT chronos.get_student_highest_completion(NULL, 'e5300000-0000-4000-8000-0000000000a1')$$,
                 '22004', 'p_student_id must not be null', 'get_student_highest_completion: p_student_id NULL is refused');
SELECT throws_ok($$SELECT chronos.get_student_highest_completion('e5200000-0000-4000-8000-0000000000a1', NULL)$$,
                 '22004', 'p_video_id must not be null', 'get_student_highest_completion: p_video_id NULL is refused');
SELECT throws_ok($$SELECT chronos.has_student_completed_video(NULL, 'e5300000-0000-4000-8000-0000000000a1')$$,
                 '22004', 'p_student_id must not be null', 'has_student_completed_video: p_student_id NULL is refused');
SELECT throws_ok($$SELECT chronos.has_student_completed_video('e5200000-0000-4000-8000-0000000000a1', NULL)$$,
                 '22004', 'p_video_id must not be null', 'has_student_completed_video: p_video_id NULL is refused');

--
-- Row-level security: what each caller may see
--
SELECT is(pg_temp.as_who('creator:e5100000-0000-4000-8000-00000000000a', 'e5200000-0000-4000-8000-0000000000a1',
                         'e5300000-0000-4000-8000-0000000000a1'), '945 92 t',
          'creator a gets its student''s results');
SELECT is(pg_temp.as_who('creator:e5100000-0000-4000-8000-00000000000b', 'e5200000-0000-4000-8000-0000000000a1',
                         'e5300000-0000-4000-8000-0000000000a1'), '0 0 f',
          'creator b learns nothing of creator a''s student');
SELECT is(pg_temp.as_who('creator:e5100000-0000-4000-8000-00000000000b', 'e5200000-0000-4000-8000-0000000000b1',
                         'e5300000-0000-4000-8000-0000000000b1'), '50 100 t',
          'creator b gets its own student''s results');
SELECT is(pg_temp.as_who('student:e5200000-0000-4000-8000-0000000000a1', 'e5200000-0000-4000-8000-0000000000a1',
                         'e5300000-0000-4000-8000-0000000000a1'), '945 92 t',
          'a student gets its own results');
SELECT is(pg_temp.as_who('student:e5200000-0000-4000-8000-0000000000a2', 'e5200000-0000-4000-8000-0000000000a1',
                         'e5300000-0000-4000-8000-0000000000a1'), '0 0 f',
          'a student learns nothing of another student');
SELECT is(pg_temp.as_who('claims:{"sub": "learner_1"}', 'e5200000-0000-4000-8000-0000000000b1',
                         'e5300000-0000-4000-8000-0000000000b1'), '50 100 t',
          'the Whop user learner_1 sees its sessions at creator b too');
SELECT is(pg_temp.as_who('anon', 'e5200000-0000-4000-8000-0000000000a1', 'e5300000-0000-4000-8000-0000000000a1'),
          '0 0 f', 'a caller with no identity learns nothing');
SELECT is(pg_temp.as_who('bypassrls', 'e5200000-0000-4000-8000-0000000000a1', 'e5300000-0000-4000-8000-0000000000a1'),
          '945 92 t', 'a BYPASSRLS role (the service, read directly) gets the results');
SELECT is(pg_temp.as_who('claims:{"role": "service_role"}', 'e5200000-0000-4000-8000-0000000000a1',
                         'e5300000-0000-4000-8000-0000000000a1'), '945 92 t',
          'the service_role claim gets the results');
SELECT is(pg_temp.as_who('anon', NULL, 'e5300000-0000-4000-8000-0000000000a1'),
          'ERROR 22004: p_student_id must not be null', 'NULL arguments are refused for every caller');
-- the direct read (the service) and the SQL read (a creator) agree on every pair
SELECT is((SELECT count(*) FROM chronos.students s CROSS JOIN chronos.videos v
            WHERE pg_temp.helpers(s.id, v.id)
                  <> pg_temp.as_who('creator:' || v.creator_id, s.id, v.id)),
          0::bigint, 'for every (student, video) pair the service and the video''s creator get the same answers');
SELECT is((SELECT count(*) FROM chronos.students s CROSS JOIN chronos.videos v
            WHERE pg_temp.helpers(s.id, v.id)
                  <> pg_temp.as_who('student:' || s.id, s.id, v.id)),
          0::bigint, '... and the student itself');

--
-- Edge values
--
INSERT INTO chronos.video_watch_sessions (video_id, student_id, watch_time_seconds, percent_complete)
VALUES ('e5300000-0000-4000-8000-0000000000a2', 'e5200000-0000-4000-8000-0000000000a3', 0, 0);
SELECT is(pg_temp.helpers('e5200000-0000-4000-8000-0000000000a3', 'e5300000-0000-4000-8000-0000000000a2'), '0 0 f',
          'a session with nothing watched: 0, 0 and false');
INSERT INTO chronos.video_watch_sessions (video_id, student_id, watch_time_seconds, percent_complete)
VALUES ('e5300000-0000-4000-8000-0000000000a2', 'e5200000-0000-4000-8000-0000000000a3', 2147483000, 100);
SELECT is(pg_temp.helpers('e5200000-0000-4000-8000-0000000000a3', 'e5300000-0000-4000-8000-0000000000a2'),
          '2147483000 100 t', 'a total just below the integer limit');
INSERT INTO chronos.video_watch_sessions (video_id, student_id, watch_time_seconds, percent_complete)
VALUES ('e5300000-0000-4000-8000-0000000000a2', 'e5200000-0000-4000-8000-0000000000a3', 1000, 50);
SELECT throws_ok($$SELECT chronos.get_student_total_watch_time('e5200000-0000-4000-8000-0000000000a3',
                                                               'e5300000-0000-4000-8000-0000000000a2')$$,
                 '22003', 'integer out of range', 'a total above the integer limit is an error (the service)');
SELECT is(pg_temp.as_who('creator:e5100000-0000-4000-8000-00000000000a', 'e5200000-0000-4000-8000-0000000000a3',
                         'e5300000-0000-4000-8000-0000000000a2'), 'ERROR 22003: integer out of range',
          '... and the same error for a creator');
SELECT is(chronos.get_student_highest_completion('e5200000-0000-4000-8000-0000000000a3', 'e5300000-0000-4000-8000-0000000000a2'),
          100, 'the other helpers still answer');
-- many sessions
INSERT INTO chronos.video_watch_sessions (video_id, student_id, session_start, watch_time_seconds, percent_complete)
SELECT 'e5300000-0000-4000-8000-0000000000b1', 'e5200000-0000-4000-8000-0000000000b1',
       '2026-01-01'::timestamptz + i * interval '1 hour', i, i % 89
  FROM generate_series(1, 2000) AS i;
SELECT is(pg_temp.helpers('e5200000-0000-4000-8000-0000000000b1', 'e5300000-0000-4000-8000-0000000000b1'),
          format('%s 100 t', 50 + 2000 * 2001 / 2), 'over 2001 sessions');
SELECT is(pg_temp.as_who('creator:e5100000-0000-4000-8000-00000000000b', 'e5200000-0000-4000-8000-0000000000b1',
                         'e5300000-0000-4000-8000-0000000000b1'),
          format('%s 100 t', 50 + 2000 * 2001 / 2), '... the same through row-level security');

SELECT * FROM finish();
ROLLBACK;
