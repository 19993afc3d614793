-- test/upgrade/load.sql: data in every table of chronos, for
-- test/shell/upgrade.sh, loaded through the oldest version's SQL interface.
--
--   psql -X -v ON_ERROR_STOP=1 -v t0='2026-01-01 00:00+00' -f test/upgrade/load.sql -d DB
--
-- Run as a superuser (the service) in a database where chronos is created, at
-- ANY version from 1.0 on: it uses only what 1.0 has (1.0 is frozen once
-- released), so that the same data can be loaded before an update and in a
-- fresh database, and the two compared.
--
--   content   creators, students, videos, courses, modules and lessons: plain
--             INSERT as the service
--   events    track_video_event (lifecycle events, an idempotent retry) and
--             track_video_events (batches of player events), as creators and
--             students (a role that is neither superuser nor owner, with
--             JWT-style claims, as PostgREST would)
--   sessions  start_watch_session / record_watch_progress / end_watch_session
--             as the students, with a replay, rewatches and open sessions
--   rollups   refresh_video_analytics, then more heartbeats, so that
--             video_analytics_pending holds work too
--
-- Deterministic apart from the clock: ids are md5(name)::uuid (sessions and
-- events without an id get random ones), lengths come from hashes, not
-- random(); session starts and event timestamps are fixed offsets from :t0,
-- which the caller passes the same to every database it compares, so that
-- the days, rollups and dashboards agree.  :t0 must lie a day or more in the
-- past (the speed guard of record_watch_progress measures from session_start).

\set ON_ERROR_STOP on
SET client_min_messages = warning;
SELECT set_config('chronos_upgrade.t0', :'t0', false) IS NULL AS t0_set \gset

SELECT NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'chronos_upgrade_app') AS need_role \gset
\if :need_role
CREATE ROLE chronos_upgrade_app NOLOGIN;
\endif

-- creators: New York and the Chatham Islands (UTC+12:45), so local days
-- differ from UTC days
INSERT INTO chronos.creators
    (id, whop_company_id, whop_user_id, email, name, subscription_tier, timezone, settings, metadata)
SELECT md5('creator' || n)::uuid, c.company, c.owner, c.owner || '@example.com', c.name, c.tier,
       c.tz, c.settings::jsonb, '{"signup_source": "upgrade-test"}'
FROM (VALUES
    (1, 'biz_upgrade_code', 'user_maya',  'Upgrade Code School', 'pro',   'America/New_York', '{"notify": {"digest": true}}'),
    (2, 'biz_upgrade_surf', 'user_aroha', 'Upgrade Surf Academy', 'basic', 'Pacific/Chatham',  '{}')
) AS c (n, company, owner, name, tier, tz, settings);

INSERT INTO chronos.students
    (id, creator_id, whop_user_id, whop_membership_id, email, name, preferences)
SELECT md5(format('student%s-%s', c, k))::uuid, md5('creator' || c)::uuid,
       'user_s' || CASE WHEN k = 1 THEN '1' ELSE (c * 10 + k)::text END,
       format('mem_%s_%s', c, k), format('learner%s.%s@mail.example', c, k),
       (ARRAY['Ana Lima', 'Ben Okafor', 'Émile Zoé', 'Fatma Yılmaz'])[k],
       CASE WHEN k % 2 = 0 THEN '{"captions": "en"}' ELSE '{}' END::jsonb
FROM generate_series(1, 2) c, generate_series(1, 4) k;

-- four videos per creator, each of a source type; video 2-4's duration is not
-- known yet
INSERT INTO chronos.videos
    (id, creator_id, title, description, source_type, url, duration_seconds, status,
     transcript, youtube_video_id, mux_playback_id, embed_type, embed_id, storage_path,
     file_size_bytes, metadata)
SELECT md5(format('video%s-%s', c, k))::uuid, md5('creator' || c)::uuid,
       format('Lesson %s.%s', c, k),
       CASE WHEN k = 3 THEN E'Multi-line\ndescription with a tab\tand "quotes"' END,
       s.source,
       CASE s.source WHEN 'youtube' THEN 'https://www.youtube.com/watch?v=yt' || c || k
                     WHEN 'loom' THEN 'https://www.loom.com/share/loom' || c || k END,
       CASE WHEN c = 2 AND k = 4 THEN NULL ELSE 150 + 90 * k + 30 * c END,
       CASE WHEN c = 2 AND k = 4 THEN 'transcribing' ELSE 'completed' END,
       CASE WHEN c = 2 AND k = 4 THEN NULL ELSE format('Transcript of lesson %s.%s', c, k) END,
       CASE WHEN s.source = 'youtube' THEN 'yt' || c || k END,
       CASE WHEN s.source = 'mux' THEN 'mux_play_' || c || k END,
       CASE WHEN s.source = 'loom' THEN 'loom' END,
       CASE WHEN s.source = 'loom' THEN 'loom_' || c || k END,
       CASE WHEN s.source = 'upload' THEN format('creator-%s/lesson-%s.mp4', c, k) END,
       CASE WHEN s.source = 'upload' THEN 104857600 * k END,
       format('{"chapter": %s}', k)::jsonb
FROM generate_series(1, 2) c, generate_series(1, 4) k,
     LATERAL (SELECT (ARRAY['youtube', 'mux', 'loom', 'upload'])[k] AS source) s;

INSERT INTO chronos.courses (id, creator_id, title, description, is_published, published_at, display_order)
SELECT md5(format('course%s-%s', c, k))::uuid, md5('creator' || c)::uuid, format('Course %s.%s', c, k),
       'What you will learn.', k = 1,
       CASE WHEN k = 1 THEN current_setting('chronos_upgrade.t0')::timestamptz - interval '30 days' END, k
FROM generate_series(1, 2) c, generate_series(1, 2) k;

-- creator_id of modules and lessons is left to the fill_creator_id trigger
INSERT INTO chronos.course_modules (id, course_id, title, display_order)
SELECT md5(format('module%s-%s-%s', c, k, m))::uuid, md5(format('course%s-%s', c, k))::uuid,
       format('Module %s', m), m
FROM generate_series(1, 2) c, generate_series(1, 2) k, generate_series(1, 2) m;

INSERT INTO chronos.module_lessons (id, module_id, video_id, lesson_order, title, is_required, estimated_duration_minutes)
SELECT md5(format('lesson%s-%s-%s-%s', c, l.course, l.module, l.video))::uuid,
       md5(format('module%s-%s-%s', c, l.course, l.module))::uuid,
       md5(format('video%s-%s', c, l.video))::uuid, l.position,
       CASE WHEN l.video = 2 THEN 'Install everything' END, l.video <> 4,
       CASE WHEN l.video <> 3 THEN 5 + l.video * 3 END
FROM generate_series(1, 2) c,
     (VALUES (1, 1, 1, 1), (1, 1, 2, 2), (1, 2, 3, 1), (1, 2, 4, 2), (2, 1, 1, 1)) AS l (course, module, video, position);

-- creators' lifecycle events, as the creators
DO $$
DECLARE
    t0 timestamptz := current_setting('chronos_upgrade.t0')::timestamptz;
    v record;
BEGIN
    FOR v IN SELECT id, creator_id, source_type, status FROM chronos.videos ORDER BY id LOOP
        PERFORM set_config('role', 'chronos_upgrade_app', true);
        PERFORM set_config('request.jwt.claims', json_build_object('creator_id', v.creator_id)::text, true);
        PERFORM chronos.track_video_event('video_imported', v.id, v.creator_id,
            p_metadata => jsonb_build_object('source', v.source_type),
            p_timestamp => t0 - interval '40 days', p_event_id => md5('imported' || v.id)::uuid);
        -- a retry: same id, same content, written once
        PERFORM chronos.track_video_event('video_imported', v.id, v.creator_id,
            p_metadata => jsonb_build_object('source', v.source_type),
            p_timestamp => t0 - interval '40 days', p_event_id => md5('imported' || v.id)::uuid);
        IF v.status = 'completed' THEN
            PERFORM chronos.track_video_event('video_transcribed', v.id, v.creator_id,
                p_metadata => jsonb_build_object('transcript_method',
                    CASE WHEN v.source_type = 'youtube' THEN 'youtube_captions' ELSE 'whisper' END,
                    'cost_usd', CASE WHEN v.source_type = 'youtube' THEN 0 ELSE 0.12 END),
                p_timestamp => t0 - interval '39 days', p_event_id => md5('transcribed' || v.id)::uuid);
        END IF;
        PERFORM set_config('role', 'none', true);
    END LOOP;
    FOR v IN SELECT l.video_id, l.creator_id, m.course_id, l.module_id
               FROM chronos.module_lessons l JOIN chronos.course_modules m ON m.id = l.module_id
              ORDER BY l.id LOOP
        PERFORM set_config('role', 'chronos_upgrade_app', true);
        PERFORM set_config('request.jwt.claims', json_build_object('creator_id', v.creator_id)::text, true);
        PERFORM chronos.track_video_event('video_added_to_course', v.video_id, v.creator_id,
            p_course_id => v.course_id, p_module_id => v.module_id,
            p_metadata => '{"via": "course_builder"}', p_timestamp => t0 - interval '31 days',
            p_event_id => md5('added' || v.video_id || v.module_id)::uuid);
        PERFORM set_config('role', 'none', true);
    END LOOP;
    PERFORM set_config('request.jwt.claims', '', true);
END
$$;

-- watch sessions, as the students: about two thirds of the (student, video)
-- pairs watch, some twice; heartbeats of about 30 s, a seek back and replay
-- in every fourth session, every fifth left open
CREATE TEMP TABLE load_sessions (n integer PRIMARY KEY, id uuid, student_id uuid, duration integer);

DO $$
DECLARE
    t0     timestamptz := current_setting('chronos_upgrade.t0')::timestamptz;
    p      record;
    sid    uuid;
    n      integer := 0;
    target numeric;
    pos    numeric;
    step   numeric;
BEGIN
    FOR p IN SELECT s.id AS student_id, v.id AS video_id, v.duration_seconds AS duration,
                    (SELECT l.module_id FROM chronos.module_lessons l WHERE l.video_id = v.id
                      ORDER BY l.id LIMIT 1) AS module_id, r.repeat,
                    abs(hashtext(s.id::text || v.id::text || r.repeat)) AS h
               FROM chronos.students s
               JOIN chronos.videos v ON v.creator_id = s.creator_id
               CROSS JOIN generate_series(1, 2) AS r (repeat)
              WHERE abs(hashtext(s.id::text || v.id::text)) % 3 <> 0
                AND (r.repeat = 1 OR abs(hashtext(v.id::text || s.id::text)) % 3 = 0)
              ORDER BY r.repeat, s.id, v.id
    LOOP
        n := n + 1;
        PERFORM set_config('role', 'chronos_upgrade_app', true);
        PERFORM set_config('request.jwt.claims', json_build_object('student_id', p.student_id)::text, true);
        sid := chronos.start_watch_session(p.student_id, p.video_id,
                   (ARRAY['desktop', 'mobile', 'tablet'])[1 + n % 3],
                   (ARRAY['course_page', 'direct_link', 'search', 'chat_reference'])[1 + n % 4],
                   CASE WHEN p.module_id IS NOT NULL AND n % 2 = 0
                        THEN (SELECT m.course_id FROM chronos.course_modules m WHERE m.id = p.module_id) END,
                   CASE WHEN n % 2 = 0 THEN p.module_id END,
                   CASE WHEN n % 5 = 0 THEN '{"player": "web-2.4.1"}' ELSE '{}' END::jsonb);
        -- as the service: the viewing happened before t0
        PERFORM set_config('role', 'none', true);
        UPDATE chronos.video_watch_sessions
           SET session_start = t0 - make_interval(days => (n * 7) % 25 + 1, hours => n % 23, mins => (n * 11) % 60)
         WHERE id = sid;
        INSERT INTO load_sessions VALUES (n, sid, p.student_id, p.duration);
        PERFORM set_config('role', 'chronos_upgrade_app', true);
        target := least(round(coalesce(p.duration, 400) * (0.2 + (p.h % 90) / 100.0), 3), coalesce(p.duration, 400));
        pos := 0;
        WHILE pos < target LOOP
            step := least(30 + ((p.h + pos::integer) % 4000) / 1000.0, target - pos);
            PERFORM chronos.record_watch_progress(sid, pos, pos + step);
            pos := pos + step;
            IF n % 4 = 0 AND pos > 60 AND pos - step < 60 THEN
                PERFORM chronos.record_watch_progress(sid, 40.5, 60);
            END IF;
        END LOOP;
        IF n % 5 <> 0 THEN
            PERFORM chronos.end_watch_session(sid);
        END IF;
        PERFORM set_config('role', 'none', true);
    END LOOP;
    PERFORM set_config('request.jwt.claims', '', true);
END
$$;

-- the players' own events, in batches, as the students
DO $$
DECLARE
    s record;
BEGIN
    FOR s IN SELECT w.id, w.student_id, w.video_id, w.creator_id, w.course_id, w.module_id,
                    w.session_start, l.n
               FROM chronos.video_watch_sessions w JOIN load_sessions l ON l.id = w.id
              ORDER BY l.n
    LOOP
        PERFORM set_config('role', 'chronos_upgrade_app', true);
        PERFORM set_config('request.jwt.claims', json_build_object('student_id', s.student_id)::text, true);
        PERFORM chronos.track_video_events(jsonb_build_array(
            jsonb_build_object('event_type', 'video_paused', 'video_id', s.video_id,
                               'creator_id', s.creator_id, 'student_id', s.student_id,
                               'session_id', s.id, 'course_id', s.course_id, 'module_id', s.module_id,
                               'metadata', jsonb_build_object('position_seconds', 42.125),
                               'timestamp', s.session_start + interval '50 seconds',
                               'event_id', md5('paused' || s.id)::uuid),
            jsonb_build_object('event_type', 'video_resumed', 'video_id', s.video_id,
                               'creator_id', s.creator_id, 'student_id', s.student_id,
                               'session_id', s.id,
                               'metadata', jsonb_build_object('position_seconds', 42.125),
                               'timestamp', s.session_start + interval '65 seconds'),
            jsonb_build_object('event_type', 'video_seeked', 'video_id', s.video_id,
                               'creator_id', s.creator_id, 'student_id', s.student_id,
                               'session_id', s.id, 'metadata', NULL,
                               'timestamp', s.session_start + interval '80 seconds')));
        IF s.n % 3 = 0 THEN
            PERFORM chronos.track_video_event('video_progress', s.video_id, s.creator_id, s.student_id,
                p_metadata => '{"source": "mobile_offline_sync", "percent": 12}',
                p_timestamp => s.session_start - interval '1 day');
        END IF;
        PERFORM set_config('role', 'none', true);
    END LOOP;
    PERFORM set_config('request.jwt.claims', '', true);
END
$$;

-- rollups, as the nightly job (the service)
SELECT chronos.refresh_video_analytics(current_setting('chronos_upgrade.t0')::timestamptz - interval '60 days') > 0
    AS refreshed \gset
\if :refreshed
\else
\echo 'load.sql: refresh_video_analytics wrote no rollup row'
SELECT 1/0;
\endif

-- more viewing since that refresh, so that pending rollup work is not empty
DO $$
DECLARE
    s record;
BEGIN
    FOR s IN SELECT w.id, w.student_id, w.last_position_seconds AS pos, l.duration
               FROM chronos.video_watch_sessions w JOIN load_sessions l ON l.id = w.id
              WHERE w.session_end IS NULL ORDER BY l.n
    LOOP
        PERFORM set_config('role', 'chronos_upgrade_app', true);
        PERFORM set_config('request.jwt.claims', json_build_object('student_id', s.student_id)::text, true);
        IF s.duration IS NULL OR s.pos + 10 <= s.duration THEN
            PERFORM chronos.record_watch_progress(s.id, s.pos, s.pos + 10);
        ELSE
            PERFORM chronos.record_watch_progress(s.id, 0, 10);
        END IF;
        PERFORM set_config('role', 'none', true);
    END LOOP;
    PERFORM set_config('request.jwt.claims', '', true);
END
$$;

DROP TABLE load_sessions;
