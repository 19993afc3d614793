-- demo/data.sql: the demo's data set: a small, realistic chronos platform.
--
-- Loaded by demo/demo.sql (bash demo/run.sh) and by test/shell/examples.sh,
-- which runs every SQL example of the README and docs/ against it.  Plain
-- psql, run as a superuser in a database where CREATE EXTENSION chronos has
-- run; on its own:
--     psql -d chronos_demo -f demo/data.sql
-- (again after TRUNCATE chronos.creators CASCADE).  It prints nothing.
--
-- Layout (add to the section that fits):
--   roles      anon, authenticated, authenticator, as PostgREST and Supabase
--              have them (cluster-wide: made only when missing)
--   0. ids     fixed ids as psql variables, so any section can name a row:
--              :'c_ny' is a creator, :'v_youtube' a video, and so on
--   1-6. data  creators, students, videos, courses, watch sessions and
--              analytics events, as plain INSERTs by the service
--   7. calls   chronos's functions (track_video_event, the session functions,
--              rollups, partitions) called as the people involved: the
--              role authenticated with JWT claims, as PostgREST calls them

\set ON_ERROR_STOP on
\set QUIET on
SET client_min_messages = warning;

-- roles -----------------------------------------------------------------------
-- PostgREST connects as authenticator and switches, per request, to anon or
-- authenticated.  chronos needs no grant for them: every role may use schema
-- chronos, and the policies decide what it sees.

DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'anon') THEN
        CREATE ROLE anon NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'authenticated') THEN
        CREATE ROLE authenticated NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'authenticator') THEN
        CREATE ROLE authenticator LOGIN NOINHERIT;
    END IF;
END
$$;
GRANT anon, authenticated TO authenticator;

-- 0. ids ----------------------------------------------------------------------

-- creators: Maya teaches Python from New York, Kenji filmmaking from Tokyo
\set c_ny       '10000000-0000-4000-8000-000000000001'
\set c_tokyo    '10000000-0000-4000-8000-000000000002'
-- students: Ana (Whop user user_ana) learns from both creators, so she is two
-- student rows; Ben and Chloe learn from Maya, Daichi from Kenji
\set s_ana_ny      '20000000-0000-4000-8000-000000000001'
\set s_ben_ny      '20000000-0000-4000-8000-000000000002'
\set s_chloe_ny    '20000000-0000-4000-8000-000000000003'
\set s_ana_tokyo   '20000000-0000-4000-8000-000000000004'
\set s_daichi_tokyo '20000000-0000-4000-8000-000000000005'
-- videos: one of each source type
\set v_youtube  '30000000-0000-4000-8000-000000000001'
\set v_loom     '30000000-0000-4000-8000-000000000002'
\set v_mux      '30000000-0000-4000-8000-000000000003'
\set v_upload   '30000000-0000-4000-8000-000000000004'
\set v_vimeo    '30000000-0000-4000-8000-000000000005'
\set v_wistia   '30000000-0000-4000-8000-000000000006'
-- courses and modules
\set course_python   '40000000-0000-4000-8000-000000000001'
\set course_film     '40000000-0000-4000-8000-000000000002'
\set m_python_start  '50000000-0000-4000-8000-000000000001'
\set m_python_core   '50000000-0000-4000-8000-000000000002'
\set m_film_light    '50000000-0000-4000-8000-000000000003'
-- watch sessions
\set ws_ana_youtube    '60000000-0000-4000-8000-000000000001'
\set ws_ana_mux        '60000000-0000-4000-8000-000000000002'
\set ws_ben_youtube_1  '60000000-0000-4000-8000-000000000003'
\set ws_ben_youtube_2  '60000000-0000-4000-8000-000000000004'
\set ws_chloe_loom     '60000000-0000-4000-8000-000000000005'
\set ws_chloe_upload   '60000000-0000-4000-8000-000000000006'
\set ws_ana_vimeo      '60000000-0000-4000-8000-000000000007'
\set ws_daichi_vimeo   '60000000-0000-4000-8000-000000000008'
\set ws_daichi_wistia  '60000000-0000-4000-8000-000000000009'

-- 1. creators -----------------------------------------------------------------

INSERT INTO chronos.creators
    (id, whop_company_id, whop_user_id, email, name, subscription_tier, timezone, last_login_at)
VALUES
    (:'c_ny', 'biz_brooklyn_code', 'user_maya', 'maya@brooklyncode.example',
     'Brooklyn Code School', 'pro', 'America/New_York', now() - interval '3 hours'),
    (:'c_tokyo', 'biz_tokyo_film_lab', 'user_kenji', 'kenji@tokyofilmlab.example',
     'Tokyo Film Lab', 'enterprise', 'Asia/Tokyo', now() - interval '1 day');

-- 2. students -----------------------------------------------------------------

INSERT INTO chronos.students
    (id, creator_id, whop_user_id, whop_membership_id, email, name, last_active_at)
VALUES
    (:'s_ana_ny',       :'c_ny',    'user_ana',    'mem_ana_bcs',    'ana@mail.example',    'Ana Lima',     now() - interval '2 hours'),
    (:'s_ben_ny',       :'c_ny',    'user_ben',    'mem_ben_bcs',    'ben@mail.example',    'Ben Okafor',   now() - interval '1 day'),
    (:'s_chloe_ny',     :'c_ny',    'user_chloe',  'mem_chloe_bcs',  'chloe@mail.example',  'Chloe Martin', now() - interval '5 hours'),
    (:'s_ana_tokyo',    :'c_tokyo', 'user_ana',    'mem_ana_tfl',    'ana@mail.example',    'Ana Lima',     now() - interval '30 minutes'),
    (:'s_daichi_tokyo', :'c_tokyo', 'user_daichi', 'mem_daichi_tfl', 'daichi@mail.example', 'Daichi Mori',  now() - interval '4 hours');

-- 3. videos: one per source type, each with exactly its own source ids --------

INSERT INTO chronos.videos
    (id, creator_id, title, source_type, url, duration_seconds, status, transcript_language,
     youtube_video_id, youtube_channel_id, mux_asset_id, mux_playback_id, embed_type, embed_id,
     storage_path, file_size_bytes)
VALUES
    (:'v_youtube', :'c_ny', 'Why Python?', 'youtube', 'https://www.youtube.com/watch?v=pyWhy00001',
     420, 'completed', 'en', 'pyWhy00001', 'UCbrooklyncode', NULL, NULL, NULL, NULL, NULL, NULL),
    (:'v_loom', :'c_ny', 'Setting up your editor', 'loom', 'https://www.loom.com/share/5e7b1c2a9d',
     300, 'completed', 'en', NULL, NULL, NULL, NULL, 'loom', '5e7b1c2a9d', NULL, NULL),
    (:'v_mux', :'c_ny', 'Variables and types', 'mux', NULL,
     780, 'completed', 'en', NULL, NULL, 'mux_asset_vars01', 'mux_play_vars01', NULL, NULL, NULL, NULL),
    (:'v_upload', :'c_ny', 'Functions in depth', 'upload', NULL,
     1260, 'completed', 'en', NULL, NULL, NULL, NULL, NULL, NULL,
     'brooklyn-code/functions.mp4', 734003200),
    (:'v_vimeo', :'c_tokyo', 'Three-point lighting', 'vimeo', 'https://vimeo.com/812345678',
     900, 'completed', 'ja', NULL, NULL, NULL, NULL, 'vimeo', '812345678', NULL, NULL),
    (:'v_wistia', :'c_tokyo', 'Colour grading basics', 'wistia', 'https://tokyofilmlab.wistia.com/medias/g7h8j9k0',
     NULL, 'transcribing', NULL, NULL, NULL, NULL, NULL, 'wistia', 'g7h8j9k0', NULL, NULL);

-- The Wistia video's length became known once processing finished.
UPDATE chronos.videos SET duration_seconds = 1080, status = 'completed', transcript_language = 'ja'
WHERE id = :'v_wistia';

-- 4. courses, modules and lessons ---------------------------------------------
-- creator_id of modules and lessons is copied from their course by a trigger.

INSERT INTO chronos.courses (id, creator_id, title, description, is_published, published_at, display_order)
VALUES
    (:'course_python', :'c_ny', 'Python from Zero', 'From installing Python to writing your own functions.',
     true, now() - interval '30 days', 1),
    (:'course_film', :'c_tokyo', 'Cinematography Essentials', 'Light and colour for small crews.',
     true, now() - interval '12 days', 1);

INSERT INTO chronos.course_modules (id, course_id, title, display_order)
VALUES
    (:'m_python_start', :'course_python', 'Getting started', 1),
    (:'m_python_core',  :'course_python', 'The core language', 2),
    (:'m_film_light',   :'course_film',   'Light and colour', 1);

INSERT INTO chronos.module_lessons (module_id, video_id, lesson_order, title, estimated_duration_minutes, is_required)
VALUES
    (:'m_python_start', :'v_youtube', 1, NULL, 7, true),
    (:'m_python_start', :'v_loom',    2, 'Install VS Code and Python', 10, true),
    (:'m_python_core',  :'v_mux',     1, NULL, 15, true),
    (:'m_python_core',  :'v_upload',  2, NULL, 25, false),
    (:'m_film_light',   :'v_vimeo',   1, NULL, 15, true),
    (:'m_film_light',   :'v_wistia',  2, NULL, 20, true);

-- 5. watch sessions -------------------------------------------------------------
-- creator_id is copied from the video.  completed follows percent_complete and
-- chronos.completion_threshold (90 by default).  These are history, loaded as
-- the service; live sessions go through the session functions (section 7).

INSERT INTO chronos.video_watch_sessions
    (id, video_id, student_id, course_id, module_id, session_start, session_end, last_heartbeat_at,
     watch_time_seconds, watched, percent_complete, completed, completed_at, last_position_seconds,
     device_type, referrer_type)
SELECT s.id, s.video_id, s.student_id, s.course_id, s.module_id,
       s.started, s.started + make_interval(secs => s.watched + 30),
       s.started + make_interval(secs => s.watched),
       s.watched, format('{[0,%s)}', s.watched)::chronos.watch_ranges, s.pct, s.pct >= 90,
       CASE WHEN s.pct >= 90 THEN s.started + make_interval(secs => s.watched) END,
       s.position, s.device, s.referrer
FROM (VALUES
    (:'ws_ana_youtube'::uuid,   :'v_youtube'::uuid, :'s_ana_ny'::uuid,       :'course_python'::uuid, :'m_python_start'::uuid, now() - interval '6 days',         420, 100, 420.0, 'desktop', 'course_page'),
    (:'ws_ana_mux',             :'v_mux',           :'s_ana_ny',             :'course_python',       :'m_python_core',        now() - interval '2 hours',        351,  45, 351.0, 'mobile',  'course_page'),
    (:'ws_ben_youtube_1',       :'v_youtube',       :'s_ben_ny',             NULL,                   NULL,                    now() - interval '3 days',         126,  30, 126.0, 'mobile',  'direct_link'),
    (:'ws_ben_youtube_2',       :'v_youtube',       :'s_ben_ny',             :'course_python',       :'m_python_start',       now() - interval '1 day',          400,  95, 399.0, 'desktop', 'course_page'),
    (:'ws_chloe_loom',          :'v_loom',          :'s_chloe_ny',           :'course_python',       :'m_python_start',       now() - interval '2 days',         300, 100, 300.0, 'tablet',  'course_page'),
    (:'ws_chloe_upload',        :'v_upload',        :'s_chloe_ny',           :'course_python',       :'m_python_core',        now() - interval '5 hours',        126,  10, 126.0, 'tablet',  'search'),
    (:'ws_ana_vimeo',           :'v_vimeo',         :'s_ana_tokyo',          :'course_film',         :'m_film_light',         now() - interval '40 minutes',     830,  92, 828.0, 'desktop', 'chat_reference'),
    (:'ws_daichi_vimeo',        :'v_vimeo',         :'s_daichi_tokyo',       :'course_film',         :'m_film_light',         now() - interval '4 days',         900, 100, 900.0, 'desktop', 'course_page'),
    (:'ws_daichi_wistia',       :'v_wistia',        :'s_daichi_tokyo',       :'course_film',         :'m_film_light',         now() - interval '4 hours',        648,  60, 648.0, 'mobile',  'course_page')
) AS s(id, video_id, student_id, course_id, module_id, started, watched, pct, position, device, referrer);

-- 6. analytics events -------------------------------------------------------------
-- Inserted directly here; applications send them with chronos.track_video_event.

-- the creators' side: imports, transcripts, course building
INSERT INTO chronos.video_analytics_events (event_type, video_id, creator_id, course_id, metadata, "timestamp")
SELECT e.event_type::chronos.video_event_type, v.id, v.creator_id, e.course_id, e.metadata::jsonb,
       now() - e.ago
FROM chronos.videos v
CROSS JOIN LATERAL (VALUES
    ('video_imported',        NULL::uuid, format('{"source": "%s"}', v.source_type), interval '40 days'),
    ('video_transcribed',     NULL,       '{"transcript_method": "whisper", "cost_usd": 0.12}', interval '39 days'),
    ('video_added_to_course', (SELECT c.id FROM chronos.courses c WHERE c.creator_id = v.creator_id),
                                          '{}', interval '31 days')
) AS e(event_type, course_id, metadata, ago);

-- the students' side: what the player reported during the sessions above
INSERT INTO chronos.video_analytics_events
    (event_type, video_id, creator_id, student_id, course_id, module_id, session_id, metadata, "timestamp")
SELECT e.event_type::chronos.video_event_type, s.video_id, s.creator_id, s.student_id, s.course_id,
       s.module_id, s.id, e.metadata::jsonb, s.session_start + e.after
FROM chronos.video_watch_sessions s
CROSS JOIN LATERAL (VALUES
    ('video_started',  '{}', interval '0 seconds', true),
    ('video_progress', '{"percent_complete": 25}', interval '1 minute', s.percent_complete >= 25),
    ('video_progress', '{"percent_complete": 50}', interval '3 minutes', s.percent_complete >= 50),
    ('video_paused',   '{"position_seconds": 200}', interval '4 minutes', s.percent_complete >= 50),
    ('video_resumed',  '{"position_seconds": 200}', interval '5 minutes', s.percent_complete >= 50),
    ('video_progress', '{"percent_complete": 75}', interval '6 minutes', s.percent_complete >= 75),
    ('video_completed', format('{"percent_complete": %s}', s.percent_complete), interval '7 minutes', s.completed)
) AS e(event_type, metadata, after, happened)
WHERE e.happened;

-- Ben came back to the Python intro: a rewatch, at a higher speed, skipping ahead.
INSERT INTO chronos.video_analytics_events
    (event_type, video_id, creator_id, student_id, session_id, metadata, "timestamp")
VALUES
    ('video_rewatched', :'v_youtube', :'c_ny', :'s_ben_ny', :'ws_ben_youtube_2', '{}', now() - interval '1 day'),
    ('playback_speed_changed', :'v_youtube', :'c_ny', :'s_ben_ny', :'ws_ben_youtube_2',
     '{"from": 1.0, "to": 1.5}', now() - interval '1 day' + interval '10 seconds'),
    ('video_seeked', :'v_youtube', :'c_ny', :'s_ben_ny', :'ws_ben_youtube_2',
     '{"from_seconds": 12, "to_seconds": 95}', now() - interval '1 day' + interval '20 seconds');

-- 7. chronos functions ------------------------------------------------------------
-- What the application does through chronos's functions, as the people
-- involved: each call in a transaction as the role authenticated, with the
-- caller's JWT claims set by set_config(..., true), exactly as PostgREST
-- passes them (the sub is the caller's Whop user id).

-- Maya's server records that she embedded a video (one event, idempotent id).
BEGIN;
SELECT set_config('role', 'authenticated', true),
       set_config('request.jwt.claims', '{"role": "authenticated", "sub": "user_maya"}', true) \g /dev/null
SELECT chronos.track_video_event('video_embedded', :'v_loom', :'c_ny',
                                 p_metadata => '{"embed_type": "loom"}',
                                 p_event_id => '70000000-0000-4000-8000-000000000001') AS embedded_event \gset
-- a retry of the same request writes nothing and returns the same id
SELECT chronos.track_video_event('video_embedded', :'v_loom', :'c_ny',
                                 p_metadata => '{"embed_type": "loom"}',
                                 p_event_id => '70000000-0000-4000-8000-000000000001') = :'embedded_event' AS retry_is_idempotent \gset
COMMIT;

-- Chloe (a student) watches "Variables and types" (Mux) in her browser.
BEGIN;
SELECT set_config('role', 'authenticated', true),
       set_config('request.jwt.claims', '{"role": "authenticated", "sub": "user_chloe"}', true) \g /dev/null
SELECT chronos.start_watch_session(:'s_chloe_ny', :'v_mux', 'desktop', 'course_page',
                                   :'course_python', :'m_python_core') AS live_session \gset
COMMIT;
-- (the demo runs in an instant: as the service, pretend the player opened 20
-- minutes ago, so that the guard against faked playback lets the heartbeats
-- below through)
UPDATE chronos.video_watch_sessions SET session_start = now() - interval '20 minutes'
 WHERE id = :'live_session';
-- heartbeats, numbered (p_seq): she plays the first two minutes, skips ahead,
-- comes back, replays a minute; the player resends heartbeat 3, whose answer
-- it lost: it counts once
BEGIN;
SELECT set_config('role', 'authenticated', true),
       set_config('request.jwt.claims', '{"role": "authenticated", "sub": "user_chloe"}', true) \g /dev/null
SELECT FROM chronos.record_watch_progress(:'live_session', 0, 120, 1) \g /dev/null
SELECT FROM chronos.record_watch_progress(:'live_session', 600, 780, 2) \g /dev/null
SELECT FROM chronos.record_watch_progress(:'live_session', 120, 600, 3) \g /dev/null
SELECT FROM chronos.record_watch_progress(:'live_session', 120, 600, 3) \g /dev/null
SELECT FROM chronos.record_watch_progress(:'live_session', 60, 120, 4) \g /dev/null
SELECT FROM chronos.end_watch_session(:'live_session') \g /dev/null
COMMIT;

-- The rollup job (pg_cron, every few minutes) runs as the service.
SELECT chronos.refresh_video_analytics(now() - interval '30 days') AS rollup_rows \gset
-- So does the partition maintenance: the events above landed in the default
-- partition; this gives each month its own partition and makes the next ones.
SELECT partitions_created, rows_moved FROM chronos.maintain_event_partitions() \gset
