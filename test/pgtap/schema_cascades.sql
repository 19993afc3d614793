--
-- chronos foreign keys, by behaviour: what deleting a row does to the rows
-- that refer to it.
--
--   creator  -> everything of the creator, in every table (CASCADE)
--   student  -> its sessions and events (CASCADE: the right to erasure)
--   video    -> its lessons, sessions, events and rollups (CASCADE)
--   course   -> its modules and their lessons (CASCADE); course_id and
--               module_id of its sessions and events become NULL, the rows stay
--   module   -> its lessons (CASCADE); module_id of sessions and events becomes
--               NULL, their course_id stays
--   session  -> session_id of its events becomes NULL, the events stay
--
-- Each case deletes from its own copy of the same graph (graph g below), so
-- that no case sees another's effects; graph 0 is never touched and is
-- checked last.  (pgTAP keeps its counters in the transaction, so cases
-- cannot be undone with ROLLBACK TO SAVEPOINT.)
--
BEGIN;
SELECT plan(45);

-- u(g, name): the fixed id of one row of graph g.
CREATE FUNCTION pg_temp.u(g int, name text) RETURNS uuid
LANGUAGE sql IMMUTABLE AS $$ SELECT md5('cascades ' || g || ' ' || name)::uuid $$;

-- Stays inline (not test/fixtures): each case needs its own copy of the
-- whole graph, rows of every table with ids derived from g, built by one call.
-- graph(g): one creator with
--   students s1, s2; videos v1 (youtube), v2 (upload);
--   course c1 with modules m1, m2; course c2 with module m3;
--   lessons m1:v1, m1:v2, m2:v1, m3:v2;
--   sessions ss1 (s1 v1 c1 m1), ss2 (s2 v1 c1 m2), ss3 (s1 v2 c2 m3), ss4 (s2 v2);
--   events e1..e4 in sessions ss1..ss4 (same student, video, course, module),
--   e5 (s1 v1 c1, no session), e6 (v1, no student);
--   rollups for v1 and v2.
CREATE FUNCTION pg_temp.graph(g int) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    c uuid := pg_temp.u(g, 'creator');
BEGIN
    INSERT INTO chronos.creators (id, whop_company_id, whop_user_id)
    VALUES (c, 'cascades_' || g, 'owner_' || g);
    INSERT INTO chronos.students (id, creator_id, whop_user_id) VALUES
        (pg_temp.u(g, 's1'), c, 'learner_1'), (pg_temp.u(g, 's2'), c, 'learner_2');
    INSERT INTO chronos.videos (id, creator_id, title, source_type, youtube_video_id, storage_path) VALUES
        (pg_temp.u(g, 'v1'), c, 'v1', 'youtube', 'yt_' || g, NULL),
        (pg_temp.u(g, 'v2'), c, 'v2', 'upload', NULL, 'videos/' || g || '.mp4');
    INSERT INTO chronos.courses (id, creator_id, title) VALUES
        (pg_temp.u(g, 'c1'), c, 'c1'), (pg_temp.u(g, 'c2'), c, 'c2');
    INSERT INTO chronos.course_modules (id, course_id, creator_id, title) VALUES
        (pg_temp.u(g, 'm1'), pg_temp.u(g, 'c1'), c, 'm1'),
        (pg_temp.u(g, 'm2'), pg_temp.u(g, 'c1'), c, 'm2'),
        (pg_temp.u(g, 'm3'), pg_temp.u(g, 'c2'), c, 'm3');
    INSERT INTO chronos.module_lessons (id, module_id, creator_id, video_id, lesson_order) VALUES
        (pg_temp.u(g, 'l1'), pg_temp.u(g, 'm1'), c, pg_temp.u(g, 'v1'), 1),
        (pg_temp.u(g, 'l2'), pg_temp.u(g, 'm1'), c, pg_temp.u(g, 'v2'), 2),
        (pg_temp.u(g, 'l3'), pg_temp.u(g, 'm2'), c, pg_temp.u(g, 'v1'), 1),
        (pg_temp.u(g, 'l4'), pg_temp.u(g, 'm3'), c, pg_temp.u(g, 'v2'), 1);
    INSERT INTO chronos.video_watch_sessions (id, video_id, student_id, creator_id, course_id, module_id) VALUES
        (pg_temp.u(g, 'ss1'), pg_temp.u(g, 'v1'), pg_temp.u(g, 's1'), c, pg_temp.u(g, 'c1'), pg_temp.u(g, 'm1')),
        (pg_temp.u(g, 'ss2'), pg_temp.u(g, 'v1'), pg_temp.u(g, 's2'), c, pg_temp.u(g, 'c1'), pg_temp.u(g, 'm2')),
        (pg_temp.u(g, 'ss3'), pg_temp.u(g, 'v2'), pg_temp.u(g, 's1'), c, pg_temp.u(g, 'c2'), pg_temp.u(g, 'm3')),
        (pg_temp.u(g, 'ss4'), pg_temp.u(g, 'v2'), pg_temp.u(g, 's2'), c, NULL, NULL);
    INSERT INTO chronos.video_analytics_events
        (id, event_type, video_id, creator_id, student_id, course_id, module_id, session_id)
    SELECT pg_temp.u(g, 'e' || i), 'video_progress', s.video_id, c, s.student_id, s.course_id, s.module_id, s.id
      FROM generate_series(1, 4) AS i
      JOIN chronos.video_watch_sessions s ON s.id = pg_temp.u(g, 'ss' || i);
    INSERT INTO chronos.video_analytics_events
        (id, event_type, video_id, creator_id, student_id, course_id, module_id, session_id) VALUES
        (pg_temp.u(g, 'e5'), 'video_started', pg_temp.u(g, 'v1'), c, pg_temp.u(g, 's1'), pg_temp.u(g, 'c1'), NULL, NULL),
        (pg_temp.u(g, 'e6'), 'video_imported', pg_temp.u(g, 'v1'), c, NULL, NULL, NULL, NULL);
    INSERT INTO chronos.video_analytics (video_id, creator_id, date, views) VALUES
        (pg_temp.u(g, 'v1'), c, '2026-03-01', 2), (pg_temp.u(g, 'v2'), c, '2026-03-01', 2);
END $$;

-- counts(g): the rows of graph g's creator in each of the nine tables.
CREATE FUNCTION pg_temp.counts(g int) RETURNS TABLE (tbl text, n bigint) LANGUAGE sql AS $$
    SELECT 'creators', count(*) FROM chronos.creators WHERE id = pg_temp.u(g, 'creator')
    UNION ALL SELECT 'students', count(*) FROM chronos.students WHERE creator_id = pg_temp.u(g, 'creator')
    UNION ALL SELECT 'videos', count(*) FROM chronos.videos WHERE creator_id = pg_temp.u(g, 'creator')
    UNION ALL SELECT 'courses', count(*) FROM chronos.courses WHERE creator_id = pg_temp.u(g, 'creator')
    UNION ALL SELECT 'course_modules', count(*) FROM chronos.course_modules WHERE creator_id = pg_temp.u(g, 'creator')
    UNION ALL SELECT 'module_lessons', count(*) FROM chronos.module_lessons WHERE creator_id = pg_temp.u(g, 'creator')
    UNION ALL SELECT 'video_watch_sessions', count(*) FROM chronos.video_watch_sessions WHERE creator_id = pg_temp.u(g, 'creator')
    UNION ALL SELECT 'video_analytics_events', count(*) FROM chronos.video_analytics_events WHERE creator_id = pg_temp.u(g, 'creator')
    UNION ALL SELECT 'video_analytics', count(*) FROM chronos.video_analytics WHERE creator_id = pg_temp.u(g, 'creator')
$$;

-- sessions(g) / events(g): what each session and event of graph g points at,
-- by name (s1, v1, c1, m1, ss1 ...), NULL shown as '-'.
CREATE FUNCTION pg_temp.name_of(g int, id uuid) RETURNS text LANGUAGE sql AS $$
    SELECT coalesce((SELECT n FROM unnest(ARRAY['s1', 's2', 'v1', 'v2', 'c1', 'c2', 'm1', 'm2', 'm3',
                                                'ss1', 'ss2', 'ss3', 'ss4']) AS n
                      WHERE pg_temp.u(g, n) = id), '-')
$$;
CREATE FUNCTION pg_temp.sessions(g int) RETURNS TABLE (session text, student text, video text, course text, module text)
LANGUAGE sql AS $$
    SELECT pg_temp.name_of(g, id), pg_temp.name_of(g, student_id), pg_temp.name_of(g, video_id),
           pg_temp.name_of(g, course_id), pg_temp.name_of(g, module_id)
      FROM chronos.video_watch_sessions WHERE creator_id = pg_temp.u(g, 'creator')
$$;
CREATE FUNCTION pg_temp.events(g int) RETURNS TABLE (event text, student text, video text, course text, module text, session text)
LANGUAGE sql AS $$
    SELECT 'e' || (SELECT i FROM generate_series(1, 6) AS i WHERE pg_temp.u(g, 'e' || i) = e.id),
           pg_temp.name_of(g, student_id), pg_temp.name_of(g, video_id),
           pg_temp.name_of(g, course_id), pg_temp.name_of(g, module_id), pg_temp.name_of(g, session_id)
      FROM chronos.video_analytics_events e WHERE creator_id = pg_temp.u(g, 'creator')
$$;
CREATE FUNCTION pg_temp.lessons(g int) RETURNS TABLE (module text, video text) LANGUAGE sql AS $$
    SELECT pg_temp.name_of(g, module_id), pg_temp.name_of(g, video_id)
      FROM chronos.module_lessons WHERE creator_id = pg_temp.u(g, 'creator')
$$;

SELECT pg_temp.graph(g) FROM generate_series(0, 6) AS g;

-- The whole graph, as built: what every case starts from.
SELECT set_eq('SELECT * FROM pg_temp.counts(1)',
    $$VALUES ('creators', 1::bigint), ('students', 2), ('videos', 2), ('courses', 2), ('course_modules', 3),
             ('module_lessons', 4), ('video_watch_sessions', 4), ('video_analytics_events', 6), ('video_analytics', 2)$$,
    'a graph has rows in all nine tables');
SELECT set_eq('SELECT * FROM pg_temp.sessions(1)',
    $$VALUES ('ss1', 's1', 'v1', 'c1', 'm1'), ('ss2', 's2', 'v1', 'c1', 'm2'),
             ('ss3', 's1', 'v2', 'c2', 'm3'), ('ss4', 's2', 'v2', '-', '-')$$,
    'a graph''s sessions, as built');
SELECT set_eq('SELECT * FROM pg_temp.events(1)',
    $$VALUES ('e1', 's1', 'v1', 'c1', 'm1', 'ss1'), ('e2', 's2', 'v1', 'c1', 'm2', 'ss2'),
             ('e3', 's1', 'v2', 'c2', 'm3', 'ss3'), ('e4', 's2', 'v2', '-', '-', 'ss4'),
             ('e5', 's1', 'v1', 'c1', '-', '-'), ('e6', '-', 'v1', '-', '-', '-')$$,
    'a graph''s events, as built');
SELECT set_eq('SELECT * FROM pg_temp.lessons(1)',
    $$VALUES ('m1', 'v1'), ('m1', 'v2'), ('m2', 'v1'), ('m3', 'v2')$$,
    'a graph''s lessons, as built');

-- 1. Deleting a creator deletes all its rows, in every table ----------------

SELECT lives_ok($$DELETE FROM chronos.creators WHERE id = pg_temp.u(1, 'creator')$$,
    'a creator with rows in every table can be deleted');
SELECT is((SELECT n FROM pg_temp.counts(1) WHERE tbl = t), 0::bigint,
          'deleting a creator deletes its rows in ' || t)
  FROM unnest(ARRAY['creators', 'students', 'videos', 'courses', 'course_modules', 'module_lessons',
                    'video_watch_sessions', 'video_analytics_events', 'video_analytics']) AS t;
SELECT is((SELECT count(*) FROM chronos.video_analytics_events
            WHERE id IN (SELECT pg_temp.u(1, 'e' || i) FROM generate_series(1, 6) AS i)), 0::bigint,
    'none of the deleted creator''s events is left under another creator_id');

-- 2. Deleting a student deletes its sessions and events --------------------

SELECT lives_ok($$DELETE FROM chronos.students WHERE id = pg_temp.u(2, 's1')$$,
    'a student with sessions and events can be deleted');
SELECT set_eq('SELECT * FROM pg_temp.sessions(2)',
    $$VALUES ('ss2', 's2', 'v1', 'c1', 'm2'), ('ss4', 's2', 'v2', '-', '-')$$,
    'deleting a student deletes its sessions, and only those');
SELECT set_eq('SELECT * FROM pg_temp.events(2)',
    $$VALUES ('e2', 's2', 'v1', 'c1', 'm2', 'ss2'), ('e4', 's2', 'v2', '-', '-', 'ss4'),
             ('e6', '-', 'v1', '-', '-', '-')$$,
    'deleting a student deletes its events, with or without a session, and only those');
SELECT set_eq('SELECT * FROM pg_temp.counts(2) WHERE tbl NOT IN (''video_watch_sessions'', ''video_analytics_events'')',
    $$VALUES ('creators', 1::bigint), ('students', 1), ('videos', 2), ('courses', 2), ('course_modules', 3),
             ('module_lessons', 4), ('video_analytics', 2)$$,
    'deleting a student leaves the creator''s content and rollups alone');

-- 3. Deleting a course deletes its modules and lessons, and detaches
--    sessions and events -----------------------------------------------------

SELECT lives_ok($$DELETE FROM chronos.courses WHERE id = pg_temp.u(3, 'c1')$$,
    'a course with modules, lessons, sessions and events can be deleted');
SELECT set_eq($$SELECT pg_temp.name_of(3, id) FROM chronos.course_modules WHERE creator_id = pg_temp.u(3, 'creator')$$,
    $$VALUES ('m3')$$,
    'deleting a course deletes its modules, and only those');
SELECT set_eq('SELECT * FROM pg_temp.lessons(3)',
    $$VALUES ('m3', 'v2')$$,
    'deleting a course deletes the lessons of its modules');
SELECT set_eq('SELECT * FROM pg_temp.sessions(3)',
    $$VALUES ('ss1', 's1', 'v1', '-', '-'), ('ss2', 's2', 'v1', '-', '-'),
             ('ss3', 's1', 'v2', 'c2', 'm3'), ('ss4', 's2', 'v2', '-', '-')$$,
    'deleting a course keeps its sessions, with course_id and module_id set to NULL');
SELECT set_eq('SELECT * FROM pg_temp.events(3)',
    $$VALUES ('e1', 's1', 'v1', '-', '-', 'ss1'), ('e2', 's2', 'v1', '-', '-', 'ss2'),
             ('e3', 's1', 'v2', 'c2', 'm3', 'ss3'), ('e4', 's2', 'v2', '-', '-', 'ss4'),
             ('e5', 's1', 'v1', '-', '-', '-'), ('e6', '-', 'v1', '-', '-', '-')$$,
    'deleting a course keeps its events, with course_id and module_id set to NULL (session, student and video kept)');
SELECT set_eq('SELECT * FROM pg_temp.counts(3) WHERE tbl IN (''videos'', ''students'', ''courses'', ''video_analytics'')',
    $$VALUES ('videos', 2::bigint), ('students', 2), ('courses', 1), ('video_analytics', 2)$$,
    'deleting a course leaves videos, students, other courses and rollups alone');

-- 4. Deleting a module deletes its lessons, and detaches sessions and events
--    from the module only ------------------------------------------------------

SELECT lives_ok($$DELETE FROM chronos.course_modules WHERE id = pg_temp.u(4, 'm1')$$,
    'a module with lessons, sessions and events can be deleted');
SELECT set_eq('SELECT * FROM pg_temp.lessons(4)',
    $$VALUES ('m2', 'v1'), ('m3', 'v2')$$,
    'deleting a module deletes its lessons, and only those');
SELECT set_eq('SELECT * FROM pg_temp.sessions(4)',
    $$VALUES ('ss1', 's1', 'v1', 'c1', '-'), ('ss2', 's2', 'v1', 'c1', 'm2'),
             ('ss3', 's1', 'v2', 'c2', 'm3'), ('ss4', 's2', 'v2', '-', '-')$$,
    'deleting a module sets module_id NULL on its sessions and keeps their course_id');
SELECT set_eq('SELECT * FROM pg_temp.events(4)',
    $$VALUES ('e1', 's1', 'v1', 'c1', '-', 'ss1'), ('e2', 's2', 'v1', 'c1', 'm2', 'ss2'),
             ('e3', 's1', 'v2', 'c2', 'm3', 'ss3'), ('e4', 's2', 'v2', '-', '-', 'ss4'),
             ('e5', 's1', 'v1', 'c1', '-', '-'), ('e6', '-', 'v1', '-', '-', '-')$$,
    'deleting a module sets module_id NULL on its events and keeps their course_id');
SELECT set_eq('SELECT * FROM pg_temp.counts(4) WHERE tbl IN (''courses'', ''course_modules'')',
    $$VALUES ('courses', 2::bigint), ('course_modules', 2)$$,
    'deleting a module leaves its course and the other modules alone');

-- 5. Deleting a session detaches its events -------------------------------

SELECT lives_ok($$DELETE FROM chronos.video_watch_sessions WHERE id = pg_temp.u(5, 'ss1')$$,
    'a session with events can be deleted');
SELECT set_eq('SELECT * FROM pg_temp.events(5)',
    $$VALUES ('e1', 's1', 'v1', 'c1', 'm1', '-'), ('e2', 's2', 'v1', 'c1', 'm2', 'ss2'),
             ('e3', 's1', 'v2', 'c2', 'm3', 'ss3'), ('e4', 's2', 'v2', '-', '-', 'ss4'),
             ('e5', 's1', 'v1', 'c1', '-', '-'), ('e6', '-', 'v1', '-', '-', '-')$$,
    'deleting a session keeps its events with session_id NULL, and student, video, course, module kept');
SELECT set_eq('SELECT * FROM pg_temp.sessions(5)',
    $$VALUES ('ss2', 's2', 'v1', 'c1', 'm2'), ('ss3', 's1', 'v2', 'c2', 'm3'), ('ss4', 's2', 'v2', '-', '-')$$,
    'deleting a session deletes only that session');

-- 6. Deleting a video deletes its lessons, sessions, events and rollups -----

SELECT lives_ok($$DELETE FROM chronos.videos WHERE id = pg_temp.u(6, 'v1')$$,
    'a video with lessons, sessions, events and rollups can be deleted');
SELECT set_eq('SELECT * FROM pg_temp.lessons(6)',
    $$VALUES ('m1', 'v2'), ('m3', 'v2')$$,
    'deleting a video deletes its lessons');
SELECT set_eq('SELECT * FROM pg_temp.sessions(6)',
    $$VALUES ('ss3', 's1', 'v2', 'c2', 'm3'), ('ss4', 's2', 'v2', '-', '-')$$,
    'deleting a video deletes its sessions');
SELECT set_eq('SELECT * FROM pg_temp.events(6)',
    $$VALUES ('e3', 's1', 'v2', 'c2', 'm3', 'ss3'), ('e4', 's2', 'v2', '-', '-', 'ss4')$$,
    'deleting a video deletes its events');
SELECT set_eq($$SELECT pg_temp.name_of(6, video_id) FROM chronos.video_analytics WHERE creator_id = pg_temp.u(6, 'creator')$$,
    $$VALUES ('v2')$$,
    'deleting a video deletes its rollups');
SELECT set_eq('SELECT * FROM pg_temp.counts(6) WHERE tbl IN (''students'', ''courses'', ''course_modules'')',
    $$VALUES ('students', 2::bigint), ('courses', 2), ('course_modules', 3)$$,
    'deleting a video leaves students, courses and modules alone');

-- 7. Nothing of one creator is touched by deleting another's rows ---------

SELECT set_eq('SELECT * FROM pg_temp.counts(0)',
    $$VALUES ('creators', 1::bigint), ('students', 2), ('videos', 2), ('courses', 2), ('course_modules', 3),
             ('module_lessons', 4), ('video_watch_sessions', 4), ('video_analytics_events', 6), ('video_analytics', 2)$$,
    'graph 0, never deleted from, still has all its rows');
SELECT set_eq('SELECT * FROM pg_temp.sessions(0)',
    $$VALUES ('ss1', 's1', 'v1', 'c1', 'm1'), ('ss2', 's2', 'v1', 'c1', 'm2'),
             ('ss3', 's1', 'v2', 'c2', 'm3'), ('ss4', 's2', 'v2', '-', '-')$$,
    'graph 0''s sessions are untouched');
SELECT set_eq('SELECT * FROM pg_temp.events(0)',
    $$VALUES ('e1', 's1', 'v1', 'c1', 'm1', 'ss1'), ('e2', 's2', 'v1', 'c1', 'm2', 'ss2'),
             ('e3', 's1', 'v2', 'c2', 'm3', 'ss3'), ('e4', 's2', 'v2', '-', '-', 'ss4'),
             ('e5', 's1', 'v1', 'c1', '-', '-'), ('e6', '-', 'v1', '-', '-', '-')$$,
    'graph 0''s events are untouched');

-- 8. What may not be deleted or moved ---------------------------------------

-- A course cannot change creator while its lessons use the old creator's
-- videos (the composite keys cascade the change to modules and lessons, and
-- the lesson's video key then refuses it).
SELECT throws_ok($$UPDATE chronos.courses SET creator_id = pg_temp.u(1, 'creator') WHERE id = pg_temp.u(0, 'c1')$$,
    '23503', NULL,
    'a course with lessons cannot be moved to another creator');
-- Deleting a creator, then its rows are gone from every table also by id
-- (not merely re-attributed).
SELECT is_empty($$SELECT id FROM chronos.video_watch_sessions
                   WHERE id IN (SELECT pg_temp.u(1, 'ss' || i) FROM generate_series(1, 4) AS i)$$,
    'the deleted creator''s sessions are gone by id too');
SELECT is_empty($$SELECT id FROM chronos.module_lessons
                   WHERE id IN (SELECT pg_temp.u(1, 'l' || i) FROM generate_series(1, 4) AS i)$$,
    'the deleted creator''s lessons are gone by id too');

SELECT * FROM finish();
ROLLBACK;
