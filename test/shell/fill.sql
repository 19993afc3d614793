-- test/shell/fill.sql: a realistic data set in every table of chronos, for
-- test/shell/backup_roundtrip.sh.
--
-- Run by psql as a superuser (the service) in a database where chronos is
-- created.  The content (creators, students, videos, courses, modules,
-- lessons) is inserted as the service; everything else goes through chronos's
-- functions, called as the people involved: a role that is neither superuser
-- nor owner (chronos_fill_app) with JWT-style claims, as PostgREST would.
--
--   events    track_video_event (creators' lifecycle events, idempotent
--             retries) and track_video_events (batches of player events)
--   sessions  start_watch_session / record_watch_progress / end_watch_session,
--             with seeks and replays, rewatches, open sessions, a video whose
--             duration is not known yet
--   rollups   refresh_video_analytics, then more heartbeats, so that
--             video_analytics_pending holds work too
--
-- Ids are derived from names (md5(name)::uuid), so a run is reproducible and
-- the calling script can name rows.  Sessions are moved back in time as the
-- service right after they start (as demo/demo.sql does), so that the speed
-- guard of record_watch_progress lets a whole viewing through in an instant.

\set ON_ERROR_STOP on
SET client_min_messages = warning;
SELECT setseed(0.4242) AS seeded \gset

SELECT NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'chronos_fill_app') AS need_role \gset
\if :need_role
CREATE ROLE chronos_fill_app NOLOGIN;
\endif

-- creators: New York, Tokyo, and the Chatham Islands (UTC+12:45, a
-- quarter-hour offset) so that local days differ from UTC days ---------------

INSERT INTO chronos.creators
    (id, whop_company_id, whop_user_id, email, name, subscription_tier, timezone, settings,
     metadata, last_login_at)
SELECT md5('creator' || n)::uuid, c.company, c.owner, c.owner || '@example.com', c.name, c.tier,
       c.tz, c.settings::jsonb, format('{"signup_source": "%s"}', c.src)::jsonb,
       now() - make_interval(hours => n * 7)
FROM (VALUES
    (1, 'biz_brooklyn_code', 'user_maya',  'Brooklyn Code School', 'pro',        'America/New_York',
        '{"default_playback_rate": 1.25, "notify": {"weekly_digest": true}}', 'referral'),
    (2, 'biz_tokyo_film_lab', 'user_kenji', 'Tokyo Film Lab',       'enterprise', 'Asia/Tokyo',
        '{"locale": "ja-JP"}', 'ads'),
    (3, 'biz_chatham_surf',   'user_aroha', 'Chatham Surf Academy', 'basic',      'Pacific/Chatham',
        '{}', 'organic')
) AS c (n, company, owner, name, tier, tz, settings, src);

-- students: six per creator; user_s1 and user_s2 learn from every creator ----

INSERT INTO chronos.students
    (id, creator_id, whop_user_id, whop_membership_id, email, name, preferences, last_active_at)
SELECT md5(format('student%s-%s', c, k))::uuid, md5('creator' || c)::uuid,
       'user_s' || CASE WHEN k <= 2 THEN k ELSE c * 10 + k END,
       format('mem_%s_%s', c, k), format('learner%s.%s@mail.example', c, k),
       (ARRAY['Ana Lima', 'Ben Okafor', 'Chloe Martin', 'Daichi Mori', 'Émile Zoé', 'Fatma Yılmaz'])[k],
       CASE WHEN k % 2 = 0 THEN '{"captions": "en", "autoplay": false}' ELSE '{}' END::jsonb,
       now() - make_interval(mins => c * 13 + k * 29)
FROM generate_series(1, 3) c, generate_series(1, 6) k;

-- videos: five per creator, of every source type; one of creator 3 still
-- transcribing, its duration not known yet ---------------------------------

INSERT INTO chronos.videos
    (id, creator_id, title, description, source_type, url, duration_seconds, status,
     transcript, transcript_language, youtube_video_id, youtube_channel_id, mux_asset_id,
     mux_playback_id, embed_type, embed_id, storage_path, file_size_bytes, whop_lesson_id, metadata)
SELECT md5(format('video%s-%s', c, k))::uuid, md5('creator' || c)::uuid,
       format('Lesson %s.%s: %s', c, k, (ARRAY['Introduction', 'Set-up', 'Core ideas', 'Practice', 'Wrap-up'])[k]),
       CASE WHEN k = 3 THEN E'Multi-line\ndescription with a tab\tand "quotes"' END,
       s.source,
       CASE s.source WHEN 'youtube' THEN 'https://www.youtube.com/watch?v=yt' || c || k
                     WHEN 'loom' THEN 'https://www.loom.com/share/loom' || c || k END,
       CASE WHEN c = 3 AND k = 5 THEN NULL ELSE 120 + 90 * k + 30 * c END,
       CASE WHEN c = 3 AND k = 5 THEN 'transcribing' ELSE 'completed' END,
       CASE WHEN c = 3 AND k = 5 THEN NULL ELSE format('Transcript of lesson %s.%s …', c, k) END,
       CASE WHEN c = 2 THEN 'ja' ELSE 'en' END,
       CASE WHEN s.source = 'youtube' THEN 'yt' || c || k END,
       CASE WHEN s.source = 'youtube' THEN 'UCchannel' || c END,
       CASE WHEN s.source = 'mux' THEN 'mux_asset_' || c || k END,
       CASE WHEN s.source = 'mux' THEN 'mux_play_' || c || k END,
       CASE WHEN s.source IN ('loom', 'vimeo', 'wistia') THEN s.source END,
       CASE WHEN s.source IN ('loom', 'vimeo', 'wistia') THEN s.source || '_' || c || k END,
       CASE WHEN s.source = 'upload' THEN format('creator-%s/lesson-%s.mp4', c, k) END,
       CASE WHEN s.source = 'upload' THEN 104857600 * k END,
       CASE WHEN k = 1 THEN 'lesn_' || c END,
       format('{"chapter": %s}', k)::jsonb
FROM generate_series(1, 3) c, generate_series(1, 5) k,
     LATERAL (SELECT (ARRAY['youtube', 'mux', 'loom', 'upload',
                            CASE c WHEN 1 THEN 'vimeo' WHEN 2 THEN 'wistia' ELSE 'youtube' END])[k]
                     AS source) s;

-- courses (one published, one draft per creator), two modules each, lessons --

INSERT INTO chronos.courses
    (id, creator_id, title, description, is_published, published_at, display_order, metadata)
SELECT md5(format('course%s-%s', c, k))::uuid, md5('creator' || c)::uuid,
       format('Course %s.%s', c, k), 'What you will learn.', k = 1,
       CASE WHEN k = 1 THEN now() - make_interval(days => 30 + c) END, k,
       CASE WHEN k = 2 THEN '{"draft": true}' ELSE '{}' END::jsonb
FROM generate_series(1, 3) c, generate_series(1, 2) k;

-- creator_id of modules and lessons is left to the fill_creator_id trigger
INSERT INTO chronos.course_modules (id, course_id, title, description, display_order)
SELECT md5(format('module%s-%s-%s', c, k, m))::uuid, md5(format('course%s-%s', c, k))::uuid,
       format('Module %s', m), CASE WHEN m = 1 THEN 'The basics' END, m
FROM generate_series(1, 3) c, generate_series(1, 2) k, generate_series(1, 2) m;

-- course 1: module 1 has videos 1-2, module 2 has videos 3-5; course 2 reuses 1 and 4
INSERT INTO chronos.module_lessons
    (id, module_id, video_id, lesson_order, title, is_required, estimated_duration_minutes)
SELECT md5(format('lesson%s-%s-%s-%s', c, l.course, l.module, l.video))::uuid,
       md5(format('module%s-%s-%s', c, l.course, l.module))::uuid,
       md5(format('video%s-%s', c, l.video))::uuid, l.position,
       CASE WHEN l.video = 2 THEN 'Install everything' END, l.video <> 5,
       CASE WHEN l.video <> 4 THEN 5 + l.video * 3 END
FROM generate_series(1, 3) c,
     (VALUES (1, 1, 1, 1), (1, 1, 2, 2), (1, 2, 3, 1), (1, 2, 4, 2), (1, 2, 5, 3),
             (2, 1, 1, 1), (2, 2, 4, 1)) AS l (course, module, video, position);

-- creators' lifecycle events, as the creators themselves ---------------------

DO $$
DECLARE
    v record;
BEGIN
    -- each loop reads as the service; the calls run as the creator
    FOR v IN SELECT vi.id, vi.creator_id, vi.source_type, vi.status,
                    regexp_replace(vi.title, '^Lesson ([0-9.]+).*', '\1') AS tag
               FROM chronos.videos vi ORDER BY vi.id
    LOOP
        PERFORM set_config('role', 'chronos_fill_app', true);
        PERFORM set_config('request.jwt.claims',
                           json_build_object('creator_id', v.creator_id, 'role', 'authenticated')::text, true);
        PERFORM chronos.track_video_event('video_imported', v.id, v.creator_id,
            p_metadata => jsonb_build_object('source', v.source_type),
            p_timestamp => now() - interval '40 days',
            p_event_id => md5('imported' || v.id)::uuid);
        -- the importer retried: same id, same content, written once
        PERFORM chronos.track_video_event('video_imported', v.id, v.creator_id,
            p_metadata => jsonb_build_object('source', v.source_type),
            p_event_id => md5('imported' || v.id)::uuid);
        IF v.status = 'completed' THEN
            PERFORM chronos.track_video_event('video_transcribed', v.id, v.creator_id,
                p_metadata => jsonb_build_object('transcript_method',
                                                 CASE WHEN v.source_type = 'youtube' THEN 'youtube_captions' ELSE 'whisper' END,
                                                 'cost_usd', CASE WHEN v.source_type = 'youtube' THEN 0 ELSE 0.12 END),
                p_timestamp => now() - interval '39 days');
        END IF;
        IF v.source_type IN ('loom', 'vimeo', 'wistia') THEN
            PERFORM chronos.track_video_event('video_embedded', v.id, v.creator_id,
                p_metadata => jsonb_build_object('embed_type', v.source_type),
                p_timestamp => now() - interval '38 days');
        END IF;
        PERFORM set_config('role', 'none', true);
    END LOOP;
    FOR v IN SELECT l.video_id, l.creator_id, m.course_id, l.module_id
               FROM chronos.module_lessons l JOIN chronos.course_modules m ON m.id = l.module_id
              ORDER BY l.id
    LOOP
        PERFORM set_config('role', 'chronos_fill_app', true);
        PERFORM set_config('request.jwt.claims',
                           json_build_object('creator_id', v.creator_id)::text, true);
        PERFORM chronos.track_video_event('video_added_to_course', v.video_id, v.creator_id,
            p_course_id => v.course_id, p_module_id => v.module_id,
            p_metadata => '{"via": "course_builder"}',
            p_timestamp => now() - interval '31 days');
        PERFORM set_config('role', 'none', true);
    END LOOP;
    PERFORM set_config('request.jwt.claims', '', true);
END
$$;

-- watch sessions, through the session functions ----------------------------
--
-- About two thirds of the (student, video) pairs of a creator watch: a first
-- session, and for some a second one (a rewatch when the first completed).
-- Heartbeats of 30 s from the start, a seek back to replay a part, and a jump
-- ahead; the session ends, except every seventh, left open (a player still
-- playing).  One session runs under a stricter completion threshold of 95
-- (any user may set chronos.completion_threshold; an application may do so
-- for its courses), from start to end: 92% does not complete it.

CREATE TEMP TABLE fill_sessions (n integer, id uuid, student_id uuid, video_id uuid, duration integer);

DO $$
DECLARE
    p       record;
    sid     uuid;
    n       integer := 0;
    target  numeric;
    pos     numeric;
    step    numeric;
    is_strict boolean;
BEGIN
    FOR p IN SELECT s.id AS student_id, s.creator_id, v.id AS video_id, v.duration_seconds AS duration,
                    (SELECT l.module_id FROM chronos.module_lessons l
                      WHERE l.video_id = v.id ORDER BY l.id LIMIT 1) AS module_id,
                    r.repeat
               FROM chronos.students s
               JOIN chronos.videos v ON v.creator_id = s.creator_id
               CROSS JOIN generate_series(1, 2) AS r (repeat)
              WHERE abs(hashtext(s.id::text || v.id::text)) % 3 <> 0
                AND (r.repeat = 1 OR abs(hashtext(v.id::text || s.id::text)) % 3 = 0)
              ORDER BY r.repeat, s.id, v.id
    LOOP
        n := n + 1;
        is_strict := n = 5;
        -- the student's player opens the session
        PERFORM set_config('role', 'chronos_fill_app', true);
        PERFORM set_config('request.jwt.claims',
                           json_build_object('student_id', p.student_id, 'role', 'authenticated')::text, true);
        sid := chronos.start_watch_session(p.student_id, p.video_id,
                   (ARRAY['desktop', 'mobile', 'tablet'])[1 + n % 3],
                   (ARRAY['course_page', 'direct_link', 'search', 'chat_reference'])[1 + n % 4],
                   CASE WHEN p.module_id IS NOT NULL AND n % 2 = 0
                        THEN (SELECT m.course_id FROM chronos.course_modules m WHERE m.id = p.module_id) END,
                   CASE WHEN n % 2 = 0 THEN p.module_id END,
                   CASE WHEN n % 5 = 0 THEN '{"player": "web-2.4.1"}' ELSE '{}' END::jsonb);
        -- as the service: the viewing happened a while ago (speed guard)
        PERFORM set_config('role', 'none', true);
        UPDATE chronos.video_watch_sessions
           SET session_start = now() - make_interval(days => (n * 7) % 25, hours => n % 23, mins => (n * 11) % 60, secs => n % 7)
         WHERE id = sid;
        INSERT INTO fill_sessions VALUES (n, sid, p.student_id, p.video_id, p.duration);
        -- the heartbeats, as the student
        PERFORM set_config('role', 'chronos_fill_app', true);
        IF is_strict THEN
            PERFORM set_config('chronos.completion_threshold', '95', true);
        END IF;
        target := CASE WHEN is_strict THEN 0.92 * p.duration
                       ELSE coalesce(p.duration, 400) * (0.15 + random() * 0.9) END;
        target := least(round(target, 3), coalesce(p.duration, 400));
        pos := 0;
        WHILE pos < target LOOP
            step := least(30 + round((random() * 4)::numeric, 3), target - pos);
            PERFORM chronos.record_watch_progress(sid, pos, pos + step);
            pos := pos + step;
            IF n % 4 = 0 AND pos > 60 AND pos - step < 60 THEN
                -- seek back and replay
                PERFORM chronos.record_watch_progress(sid, 40.5, 60);
            END IF;
        END LOOP;
        IF n % 7 <> 0 THEN
            PERFORM chronos.end_watch_session(sid);
        END IF;
        IF is_strict THEN
            PERFORM set_config('chronos.completion_threshold', '90', true);
        END IF;
        PERFORM set_config('role', 'none', true);
    END LOOP;
    PERFORM set_config('request.jwt.claims', '', true);
END
$$;

-- the player's own events, in batches of the session ---------------------------

DO $$
DECLARE
    s record;
BEGIN
    FOR s IN SELECT w.id, w.student_id, w.video_id, w.creator_id, w.course_id, w.module_id,
                    w.session_start, f.n
               FROM chronos.video_watch_sessions w JOIN fill_sessions f ON f.id = w.id
              ORDER BY f.n
    LOOP
        PERFORM set_config('role', 'chronos_fill_app', true);
        PERFORM set_config('request.jwt.claims',
                           json_build_object('student_id', s.student_id)::text, true);
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
            jsonb_build_object('event_type', 'playback_speed_changed', 'video_id', s.video_id,
                               'creator_id', s.creator_id, 'student_id', s.student_id,
                               'session_id', s.id,
                               'metadata', jsonb_build_object('from', 1.0, 'to', 1.5),
                               'timestamp', s.session_start + interval '70 seconds'),
            jsonb_build_object('event_type', 'video_seeked', 'video_id', s.video_id,
                               'creator_id', s.creator_id, 'student_id', s.student_id,
                               'session_id', s.id, 'metadata', NULL,
                               'timestamp', s.session_start + interval '80 seconds')));
        -- a retry of the whole batch after a timeout: the event with an id is
        -- not written twice (the others have no id, so they are)
        IF s.n % 6 = 0 THEN
            PERFORM chronos.track_video_events(jsonb_build_array(
                jsonb_build_object('event_type', 'video_paused', 'video_id', s.video_id,
                                   'creator_id', s.creator_id, 'student_id', s.student_id,
                                   'session_id', s.id, 'course_id', s.course_id, 'module_id', s.module_id,
                                   'metadata', jsonb_build_object('position_seconds', 42.125),
                                   'timestamp', s.session_start + interval '50 seconds',
                                   'event_id', md5('paused' || s.id)::uuid)));
        END IF;
        -- a single event outside any session
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

-- rollups, as the nightly job (the service) ----------------------------------

SELECT chronos.refresh_video_analytics(now() - interval '60 days') > 0 AS refreshed \gset
\if :refreshed
\else
\echo 'fill.sql: refresh_video_analytics wrote no rollup row'
SELECT 1/0;
\endif

-- and more viewing since that refresh: open sessions get heartbeats, so the
-- pending rollup work is not empty in the dump
DO $$
DECLARE
    s record;
BEGIN
    FOR s IN SELECT w.id, w.student_id, w.last_position_seconds AS pos, f.duration
               FROM chronos.video_watch_sessions w JOIN fill_sessions f ON f.id = w.id
              WHERE w.session_end IS NULL ORDER BY f.n
    LOOP
        PERFORM set_config('role', 'chronos_fill_app', true);
        PERFORM set_config('request.jwt.claims',
                           json_build_object('student_id', s.student_id)::text, true);
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

-- the Chatham video's duration became known after some viewing
UPDATE chronos.videos SET duration_seconds = 540, status = 'completed',
       transcript = 'Transcript of lesson 3.5 …'
 WHERE id = md5('video3-5')::uuid;

DROP TABLE fill_sessions;
