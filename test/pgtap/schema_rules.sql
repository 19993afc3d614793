--
-- chronos row rules, by behaviour: each rule refuses a row with the SQLSTATE
-- and the constraint name that say what failed (check_violation 23514,
-- unique_violation 23505, foreign_key_violation 23503), and accepts the rows
-- it should.  The pg_regress files test/sql/rules_*.sql show the same rules'
-- messages in context.
--
BEGIN;
SELECT plan(112);

-- Stays inline (not test/fixtures): these INSERTs give every column a rule
-- reads, creator_id included, and are the accepted rows the rules are tested on.
-- Two creators, a and b, each with what the rules below refer to.  Module a2
-- belongs to a second course of a.  creator_id is given everywhere, so that
-- this fixture does not depend on fill_creator_id (schema_triggers.sql).
INSERT INTO chronos.creators (id, whop_company_id, whop_user_id) VALUES
    ('e0000000-0000-4000-8000-0000000000ca', 'rules_a', 'user_a'),
    ('e0000000-0000-4000-8000-0000000000cb', 'rules_b', 'user_b');
INSERT INTO chronos.students (id, creator_id, whop_user_id) VALUES
    ('e0000000-0000-4000-8000-00000000005a', 'e0000000-0000-4000-8000-0000000000ca', 'learner'),
    ('e0000000-0000-4000-8000-0000000005a2', 'e0000000-0000-4000-8000-0000000000ca', 'learner_2'),
    ('e0000000-0000-4000-8000-00000000005b', 'e0000000-0000-4000-8000-0000000000cb', 'learner');
INSERT INTO chronos.videos (id, creator_id, title, source_type, youtube_video_id) VALUES
    ('e0000000-0000-4000-8000-0000000000a1', 'e0000000-0000-4000-8000-0000000000ca', 'a1', 'youtube', 'yt_a1'),
    ('e0000000-0000-4000-8000-0000000000a2', 'e0000000-0000-4000-8000-0000000000ca', 'a2', 'youtube', 'yt_a2'),
    ('e0000000-0000-4000-8000-0000000000a3', 'e0000000-0000-4000-8000-0000000000ca', 'a3', 'youtube', 'yt_a3'),
    ('e0000000-0000-4000-8000-0000000000b1', 'e0000000-0000-4000-8000-0000000000cb', 'b1', 'youtube', 'yt_b1');
INSERT INTO chronos.courses (id, creator_id, title) VALUES
    ('e0000000-0000-4000-8000-000000000ca1', 'e0000000-0000-4000-8000-0000000000ca', 'course a'),
    ('e0000000-0000-4000-8000-000000000ca2', 'e0000000-0000-4000-8000-0000000000ca', 'course a2'),
    ('e0000000-0000-4000-8000-000000000cb1', 'e0000000-0000-4000-8000-0000000000cb', 'course b');
INSERT INTO chronos.course_modules (id, course_id, creator_id, title) VALUES
    ('e0000000-0000-4000-8000-000000000da1', 'e0000000-0000-4000-8000-000000000ca1', 'e0000000-0000-4000-8000-0000000000ca', 'module a'),
    ('e0000000-0000-4000-8000-000000000da2', 'e0000000-0000-4000-8000-000000000ca2', 'e0000000-0000-4000-8000-0000000000ca', 'module a2'),
    ('e0000000-0000-4000-8000-000000000db1', 'e0000000-0000-4000-8000-000000000cb1', 'e0000000-0000-4000-8000-0000000000cb', 'module b');
INSERT INTO chronos.module_lessons (id, module_id, creator_id, video_id, lesson_order) VALUES
    ('e0000000-0000-4000-8000-000000000e01', 'e0000000-0000-4000-8000-000000000da1', 'e0000000-0000-4000-8000-0000000000ca', 'e0000000-0000-4000-8000-0000000000a1', 1),
    ('e0000000-0000-4000-8000-000000000e02', 'e0000000-0000-4000-8000-000000000da1', 'e0000000-0000-4000-8000-0000000000ca', 'e0000000-0000-4000-8000-0000000000a2', 2);
INSERT INTO chronos.video_watch_sessions (id, video_id, student_id, creator_id) VALUES
    ('e0000000-0000-4000-8000-000000000fa1', 'e0000000-0000-4000-8000-0000000000a1', 'e0000000-0000-4000-8000-00000000005a', 'e0000000-0000-4000-8000-0000000000ca'),
    ('e0000000-0000-4000-8000-000000000fa2', 'e0000000-0000-4000-8000-0000000000a2', 'e0000000-0000-4000-8000-00000000005a', 'e0000000-0000-4000-8000-0000000000ca');


-- creators ----------------------------------------------------------------
SELECT lives_ok(
    $$INSERT INTO chronos.creators (whop_company_id, whop_user_id, subscription_tier) VALUES ('tier_basic', 'u', 'basic')$$,
    'subscription_tier basic is accepted');
SELECT lives_ok(
    $$INSERT INTO chronos.creators (whop_company_id, whop_user_id, subscription_tier) VALUES ('tier_pro', 'u', 'pro')$$,
    'subscription_tier pro is accepted');
SELECT lives_ok(
    $$INSERT INTO chronos.creators (whop_company_id, whop_user_id, subscription_tier) VALUES ('tier_enterprise', 'u', 'enterprise')$$,
    'subscription_tier enterprise is accepted');
SELECT throws_ok(
    $$INSERT INTO chronos.creators (whop_company_id, whop_user_id, subscription_tier) VALUES ('tier_gold', 'u', 'gold')$$,
    '23514', 'new row for relation "creators" violates check constraint "creators_subscription_tier_check"',
    'subscription_tier gold is refused');
SELECT lives_ok(
    $$INSERT INTO chronos.creators (whop_company_id, whop_user_id, timezone) VALUES ('zone_UTC', 'u', 'UTC')$$,
    'timezone UTC is accepted');
SELECT lives_ok(
    $$INSERT INTO chronos.creators (whop_company_id, whop_user_id, timezone) VALUES ('zone_Europe/Paris', 'u', 'Europe/Paris')$$,
    'timezone Europe/Paris is accepted');
SELECT lives_ok(
    $$INSERT INTO chronos.creators (whop_company_id, whop_user_id, timezone) VALUES ('zone_America/Argentina/Buenos_Aires', 'u', 'America/Argentina/Buenos_Aires')$$,
    'timezone America/Argentina/Buenos_Aires is accepted');
SELECT lives_ok(
    $$INSERT INTO chronos.creators (whop_company_id, whop_user_id, timezone) VALUES ('zone_Asia/Kolkata', 'u', 'Asia/Kolkata')$$,
    'timezone Asia/Kolkata is accepted');
SELECT throws_ok(
    $$INSERT INTO chronos.creators (whop_company_id, whop_user_id, timezone) VALUES ('zone_bad', 'u', 'Mars/Olympus_Mons')$$,
    '23514', 'new row for relation "creators" violates check constraint "creators_timezone_check"',
    'timezone ''Mars/Olympus_Mons'' is refused');
SELECT throws_ok(
    $$INSERT INTO chronos.creators (whop_company_id, whop_user_id, timezone) VALUES ('zone_bad', 'u', '')$$,
    '23514', 'new row for relation "creators" violates check constraint "creators_timezone_check"',
    'timezone '''' is refused');
SELECT throws_ok(
    $$INSERT INTO chronos.creators (whop_company_id, whop_user_id, timezone) VALUES ('zone_bad', 'u', 'utc+')$$,
    '23514', 'new row for relation "creators" violates check constraint "creators_timezone_check"',
    'timezone ''utc+'' is refused');
SELECT throws_ok(
    $$INSERT INTO chronos.creators (whop_company_id, whop_user_id, timezone) VALUES ('zone_bad', 'u', 'Europe/Paris/Left_Bank')$$,
    '23514', 'new row for relation "creators" violates check constraint "creators_timezone_check"',
    'timezone ''Europe/Paris/Left_Bank'' is refused');
SELECT throws_ok(
    $$INSERT INTO chronos.creators (whop_company_id, whop_user_id) VALUES ('rules_a', 'someone_else')$$,
    '23505', 'duplicate key value violates unique constraint "creators_whop_company_id_key"',
    'whop_company_id is unique');
SELECT lives_ok(
    $$INSERT INTO chronos.creators (whop_company_id, whop_user_id) VALUES ('rules_a_second_company', 'user_a')$$,
    'one Whop user may own several companies');
SELECT throws_ok(
    $$INSERT INTO chronos.creators (whop_company_id, whop_user_id, settings) VALUES ('settings_array', 'u', '[]')$$,
    '23514', 'new row for relation "creators" violates check constraint "creators_settings_check"',
    'creators.settings must be a JSON object');
SELECT throws_ok(
    $$INSERT INTO chronos.creators (whop_company_id, whop_user_id, metadata) VALUES ('metadata_array', 'u', '[]')$$,
    '23514', 'new row for relation "creators" violates check constraint "creators_metadata_check"',
    'creators.metadata must be a JSON object');

-- students ----------------------------------------------------------------
SELECT throws_ok(
    $$INSERT INTO chronos.students (creator_id, whop_user_id) VALUES ('e0000000-0000-4000-8000-0000000000ca', 'learner')$$,
    '23505', 'duplicate key value violates unique constraint "students_creator_id_whop_user_id_key"',
    'a Whop user is one student per creator');
SELECT lives_ok(
    $$INSERT INTO chronos.students (creator_id, whop_user_id) VALUES ('e0000000-0000-4000-8000-0000000000cb', 'learner_2')$$,
    'the same Whop user may learn from several creators');
SELECT throws_ok(
    $$INSERT INTO chronos.students (creator_id, whop_user_id) VALUES ('e0000000-0000-4000-8000-0000000000ff', 'x')$$,
    '23503', 'insert or update on table "students" violates foreign key constraint "students_creator_id_fkey"',
    'a student belongs to an existing creator');
SELECT throws_ok(
    $$INSERT INTO chronos.students (creator_id, whop_user_id, preferences) VALUES ('e0000000-0000-4000-8000-0000000000ca', 'p', '"fr"')$$,
    '23514', 'new row for relation "students" violates check constraint "students_preferences_check"',
    'students.preferences must be a JSON object');
SELECT throws_ok(
    $$INSERT INTO chronos.students (creator_id, whop_user_id, metadata) VALUES ('e0000000-0000-4000-8000-0000000000ca', 'p', '1')$$,
    '23514', 'new row for relation "students" violates check constraint "students_metadata_check"',
    'students.metadata must be a JSON object');

-- videos: sources ---------------------------------------------------------
SELECT lives_ok(
    $$INSERT INTO chronos.videos (creator_id, title, source_type, youtube_video_id) VALUES ('e0000000-0000-4000-8000-0000000000ca', 'ok', 'youtube', 'yt_x')$$,
    'a valid video: source_type ''youtube'' with youtube_video_id');
SELECT lives_ok(
    $$INSERT INTO chronos.videos (creator_id, title, source_type, mux_playback_id) VALUES ('e0000000-0000-4000-8000-0000000000ca', 'ok', 'mux', 'play_x')$$,
    'a valid video: source_type ''mux'' with mux_playback_id');
SELECT lives_ok(
    $$INSERT INTO chronos.videos (creator_id, title, source_type, mux_playback_id, mux_asset_id) VALUES ('e0000000-0000-4000-8000-0000000000ca', 'ok', 'mux', 'play_y', 'asset_y')$$,
    'a valid video: source_type ''mux'' with mux_playback_id, mux_asset_id');
SELECT lives_ok(
    $$INSERT INTO chronos.videos (creator_id, title, source_type, embed_type, embed_id) VALUES ('e0000000-0000-4000-8000-0000000000ca', 'ok', 'loom', 'loom', 'l_x')$$,
    'a valid video: source_type ''loom'' with embed_type, embed_id');
SELECT lives_ok(
    $$INSERT INTO chronos.videos (creator_id, title, source_type, embed_type, embed_id) VALUES ('e0000000-0000-4000-8000-0000000000ca', 'ok', 'vimeo', 'vimeo', 'v_x')$$,
    'a valid video: source_type ''vimeo'' with embed_type, embed_id');
SELECT lives_ok(
    $$INSERT INTO chronos.videos (creator_id, title, source_type, embed_type, embed_id) VALUES ('e0000000-0000-4000-8000-0000000000ca', 'ok', 'wistia', 'wistia', 'w_x')$$,
    'a valid video: source_type ''wistia'' with embed_type, embed_id');
SELECT lives_ok(
    $$INSERT INTO chronos.videos (creator_id, title, source_type, storage_path) VALUES ('e0000000-0000-4000-8000-0000000000ca', 'ok', 'upload', 'f/x.mp4')$$,
    'a valid video: source_type ''upload'' with storage_path');
SELECT throws_ok(
    $$INSERT INTO chronos.videos (creator_id, title, source_type) VALUES ('e0000000-0000-4000-8000-0000000000ca', 'bad', 'dropbox')$$,
    '23514', 'new row for relation "videos" violates check constraint "videos_source_type_check"',
    'an unknown source_type is refused');
SELECT throws_ok(
    $$INSERT INTO chronos.videos (creator_id, title, source_type) VALUES ('e0000000-0000-4000-8000-0000000000ca', 'bad', 'youtube')$$,
    '23514', 'new row for relation "videos" violates check constraint "videos_youtube_source_check"',
    'youtube needs youtube_video_id');
SELECT throws_ok(
    $$INSERT INTO chronos.videos (creator_id, title, source_type, mux_asset_id) VALUES ('e0000000-0000-4000-8000-0000000000ca', 'bad', 'mux', 'asset_z')$$,
    '23514', 'new row for relation "videos" violates check constraint "videos_mux_source_check"',
    'mux needs mux_playback_id (mux_asset_id alone is not enough)');
SELECT throws_ok(
    $$INSERT INTO chronos.videos (creator_id, title, source_type, embed_type) VALUES ('e0000000-0000-4000-8000-0000000000ca', 'bad', 'loom', 'loom')$$,
    '23514', 'new row for relation "videos" violates check constraint "videos_embed_source_check"',
    'loom needs embed_id');
SELECT throws_ok(
    $$INSERT INTO chronos.videos (creator_id, title, source_type, embed_id) VALUES ('e0000000-0000-4000-8000-0000000000ca', 'bad', 'wistia', 'w_z')$$,
    '23514', 'new row for relation "videos" violates check constraint "videos_embed_type_check"',
    'wistia needs embed_type');
SELECT throws_ok(
    $$INSERT INTO chronos.videos (creator_id, title, source_type, embed_type, embed_id) VALUES ('e0000000-0000-4000-8000-0000000000ca', 'bad', 'vimeo', 'loom', 'v_z')$$,
    '23514', 'new row for relation "videos" violates check constraint "videos_embed_type_check"',
    'embed_type must equal source_type');
SELECT throws_ok(
    $$INSERT INTO chronos.videos (creator_id, title, source_type) VALUES ('e0000000-0000-4000-8000-0000000000ca', 'bad', 'upload')$$,
    '23514', 'new row for relation "videos" violates check constraint "videos_upload_source_check"',
    'upload needs storage_path');
SELECT throws_ok(
    $$INSERT INTO chronos.videos (creator_id, title, source_type, youtube_video_id, storage_path) VALUES ('e0000000-0000-4000-8000-0000000000ca', 'bad', 'youtube', 'yt_z', 'f/z.mp4')$$,
    '23514', 'new row for relation "videos" violates check constraint "videos_upload_source_check"',
    'a youtube video has no storage_path');
SELECT throws_ok(
    $$INSERT INTO chronos.videos (creator_id, title, source_type, storage_path, mux_playback_id) VALUES ('e0000000-0000-4000-8000-0000000000ca', 'bad', 'upload', 'f/z.mp4', 'play_z')$$,
    '23514', 'new row for relation "videos" violates check constraint "videos_mux_source_check"',
    'an upload has no mux_playback_id');
SELECT throws_ok(
    $$INSERT INTO chronos.videos (creator_id, title, source_type, mux_playback_id, youtube_channel_id) VALUES ('e0000000-0000-4000-8000-0000000000ca', 'bad', 'mux', 'play_z', 'UC_z')$$,
    '23514', 'new row for relation "videos" violates check constraint "videos_youtube_source_check"',
    'a mux video has no youtube_channel_id');
SELECT throws_ok(
    $$INSERT INTO chronos.videos (creator_id, title, source_type, storage_path, embed_id) VALUES ('e0000000-0000-4000-8000-0000000000ca', 'bad', 'upload', 'f/z.mp4', 'e_z')$$,
    '23514', 'new row for relation "videos" violates check constraint "videos_embed_source_check"',
    'an upload has no embed_id');
SELECT throws_ok(
    $$INSERT INTO chronos.videos (creator_id, title, source_type, youtube_video_id, embed_type) VALUES ('e0000000-0000-4000-8000-0000000000ca', 'bad', 'youtube', 'yt_z', 'youtube')$$,
    '23514', 'new row for relation "videos" violates check constraint "videos_embed_type_check"',
    'a youtube video has no embed_type');

-- videos: other rules -----------------------------------------------------
SELECT lives_ok(
    $$INSERT INTO chronos.videos (creator_id, title, source_type, storage_path, duration_seconds) VALUES ('e0000000-0000-4000-8000-0000000000ca', 'd', 'upload', 'f/d.mp4', NULL)$$,
    'duration_seconds may be NULL (not known yet)');
SELECT lives_ok(
    $$INSERT INTO chronos.videos (creator_id, title, source_type, storage_path, duration_seconds) VALUES ('e0000000-0000-4000-8000-0000000000ca', 'd', 'upload', 'f/d.mp4', 1)$$,
    'duration_seconds 1 is accepted');
SELECT throws_ok(
    $$INSERT INTO chronos.videos (creator_id, title, source_type, storage_path, duration_seconds) VALUES ('e0000000-0000-4000-8000-0000000000ca', 'd', 'upload', 'f/d.mp4', 0)$$,
    '23514', 'new row for relation "videos" violates check constraint "videos_duration_seconds_check"',
    'duration_seconds 0 is refused');
SELECT lives_ok(
    $$INSERT INTO chronos.videos (creator_id, title, source_type, storage_path, status) VALUES ('e0000000-0000-4000-8000-0000000000ca', 's', 'upload', 'f/s.mp4', 'pending')$$,
    'status pending is accepted');
SELECT lives_ok(
    $$INSERT INTO chronos.videos (creator_id, title, source_type, storage_path, status) VALUES ('e0000000-0000-4000-8000-0000000000ca', 's', 'upload', 'f/s.mp4', 'uploading')$$,
    'status uploading is accepted');
SELECT lives_ok(
    $$INSERT INTO chronos.videos (creator_id, title, source_type, storage_path, status) VALUES ('e0000000-0000-4000-8000-0000000000ca', 's', 'upload', 'f/s.mp4', 'transcribing')$$,
    'status transcribing is accepted');
SELECT lives_ok(
    $$INSERT INTO chronos.videos (creator_id, title, source_type, storage_path, status) VALUES ('e0000000-0000-4000-8000-0000000000ca', 's', 'upload', 'f/s.mp4', 'processing')$$,
    'status processing is accepted');
SELECT lives_ok(
    $$INSERT INTO chronos.videos (creator_id, title, source_type, storage_path, status) VALUES ('e0000000-0000-4000-8000-0000000000ca', 's', 'upload', 'f/s.mp4', 'completed')$$,
    'status completed is accepted');
SELECT lives_ok(
    $$INSERT INTO chronos.videos (creator_id, title, source_type, storage_path, status) VALUES ('e0000000-0000-4000-8000-0000000000ca', 's', 'upload', 'f/s.mp4', 'failed')$$,
    'status failed is accepted');
SELECT throws_ok(
    $$INSERT INTO chronos.videos (creator_id, title, source_type, storage_path, status) VALUES ('e0000000-0000-4000-8000-0000000000ca', 's', 'upload', 'f/s.mp4', 'ready')$$,
    '23514', 'new row for relation "videos" violates check constraint "videos_status_check"',
    'status ready is refused');
SELECT throws_ok(
    $$INSERT INTO chronos.videos (creator_id, title, source_type, storage_path, file_size_bytes) VALUES ('e0000000-0000-4000-8000-0000000000ca', 's', 'upload', 'f/s.mp4', -1)$$,
    '23514', 'new row for relation "videos" violates check constraint "videos_file_size_bytes_check"',
    'file_size_bytes may not be negative');
SELECT throws_ok(
    $$INSERT INTO chronos.videos (creator_id, title, source_type, storage_path, metadata) VALUES ('e0000000-0000-4000-8000-0000000000ca', 's', 'upload', 'f/s.mp4', '"x"')$$,
    '23514', 'new row for relation "videos" violates check constraint "videos_metadata_check"',
    'videos.metadata must be a JSON object');
SELECT throws_ok(
    $$UPDATE chronos.videos SET source_type = 'mux', mux_playback_id = 'play_q' WHERE id = 'e0000000-0000-4000-8000-0000000000a1'$$,
    '23514', 'new row for relation "videos" violates check constraint "videos_youtube_source_check"',
    'the rules hold on UPDATE: a youtube video turned mux keeps a youtube id');

-- courses and course_modules ----------------------------------------------
SELECT throws_ok(
    $$INSERT INTO chronos.courses (creator_id, title, metadata) VALUES ('e0000000-0000-4000-8000-0000000000ca', 'c', '[]')$$,
    '23514', 'new row for relation "courses" violates check constraint "courses_metadata_check"',
    'courses.metadata must be a JSON object');
SELECT throws_ok(
    $$INSERT INTO chronos.course_modules (course_id, title, metadata) VALUES ('e0000000-0000-4000-8000-000000000ca1', 'm', 'true')$$,
    '23514', 'new row for relation "course_modules" violates check constraint "course_modules_metadata_check"',
    'course_modules.metadata must be a JSON object');
SELECT throws_ok(
    $$INSERT INTO chronos.course_modules (course_id, creator_id, title) VALUES ('e0000000-0000-4000-8000-000000000ca1', 'e0000000-0000-4000-8000-0000000000cb', 'm')$$,
    '23503', 'insert or update on table "course_modules" violates foreign key constraint "course_modules_course_id_creator_id_fkey"',
    'a module''s creator_id must be its course''s');

-- module_lessons ----------------------------------------------------------
SELECT throws_ok(
    $$INSERT INTO chronos.module_lessons (module_id, video_id, lesson_order) VALUES ('e0000000-0000-4000-8000-000000000da1', 'e0000000-0000-4000-8000-0000000000a3', 0)$$,
    '23514', 'new row for relation "module_lessons" violates check constraint "module_lessons_lesson_order_check"',
    'lesson_order 0 is refused');
SELECT throws_ok(
    $$INSERT INTO chronos.module_lessons (module_id, video_id, lesson_order) VALUES ('e0000000-0000-4000-8000-000000000da1', 'e0000000-0000-4000-8000-0000000000a3', -2)$$,
    '23514', 'new row for relation "module_lessons" violates check constraint "module_lessons_lesson_order_check"',
    'a negative lesson_order is refused');
SELECT throws_ok(
    $$INSERT INTO chronos.module_lessons (module_id, video_id, lesson_order) VALUES ('e0000000-0000-4000-8000-000000000da1', 'e0000000-0000-4000-8000-0000000000a1', 3)$$,
    '23505', 'duplicate key value violates unique constraint "module_lessons_module_id_video_id_key"',
    'a video appears once per module');
SELECT lives_ok(
    $$INSERT INTO chronos.module_lessons (module_id, video_id, lesson_order) VALUES ('e0000000-0000-4000-8000-000000000da2', 'e0000000-0000-4000-8000-0000000000a1', 1)$$,
    'a video may appear in several modules');
SELECT throws_ok(
    $$INSERT INTO chronos.module_lessons (module_id, video_id, lesson_order) VALUES ('e0000000-0000-4000-8000-000000000da1', 'e0000000-0000-4000-8000-0000000000a3', 2)$$,
    '23505', 'duplicate key value violates unique constraint "module_lessons_module_id_lesson_order_key"',
    'one lesson per position per module');
SELECT throws_ok(
    $$INSERT INTO chronos.module_lessons (module_id, video_id, lesson_order) VALUES ('e0000000-0000-4000-8000-000000000da1', 'e0000000-0000-4000-8000-0000000000b1', 3)$$,
    '23503', 'insert or update on table "module_lessons" violates foreign key constraint "module_lessons_video_id_creator_id_fkey"',
    'the lesson''s video must belong to the creator of the module''s course');
SELECT throws_ok(
    $$INSERT INTO chronos.module_lessons (module_id, creator_id, video_id, lesson_order) VALUES ('e0000000-0000-4000-8000-000000000da1', 'e0000000-0000-4000-8000-0000000000cb', 'e0000000-0000-4000-8000-0000000000b1', 3)$$,
    '23503', 'insert or update on table "module_lessons" violates foreign key constraint "module_lessons_module_id_creator_id_fkey"',
    'a lesson''s creator_id must be its module''s');
SELECT throws_ok(
    $$INSERT INTO chronos.module_lessons (module_id, video_id, lesson_order, estimated_duration_minutes) VALUES ('e0000000-0000-4000-8000-000000000da1', 'e0000000-0000-4000-8000-0000000000a3', 3, 0)$$,
    '23514', 'new row for relation "module_lessons" violates check constraint "module_lessons_estimated_duration_minutes_check"',
    'estimated_duration_minutes 0 is refused');
SELECT throws_ok(
    $$INSERT INTO chronos.module_lessons (module_id, video_id, lesson_order, metadata) VALUES ('e0000000-0000-4000-8000-000000000da1', 'e0000000-0000-4000-8000-0000000000a3', 3, '[]')$$,
    '23514', 'new row for relation "module_lessons" violates check constraint "module_lessons_metadata_check"',
    'module_lessons.metadata must be a JSON object');

-- module_lessons: reordering (DEFERRABLE INITIALLY IMMEDIATE) -------------
SELECT lives_ok(
    $$UPDATE chronos.module_lessons SET lesson_order = 3 - lesson_order WHERE module_id = 'e0000000-0000-4000-8000-000000000da1'$$,
    'two lessons swap places in one statement');
SELECT set_eq(
    $$SELECT video_id, lesson_order FROM chronos.module_lessons WHERE module_id = 'e0000000-0000-4000-8000-000000000da1'$$,
    $$VALUES ('e0000000-0000-4000-8000-0000000000a1'::uuid, 2), ('e0000000-0000-4000-8000-0000000000a2'::uuid, 1)$$,
    'the swap took effect');
SELECT throws_ok(
    $$UPDATE chronos.module_lessons SET lesson_order = 1 WHERE id = 'e0000000-0000-4000-8000-000000000e01'$$,
    '23505', 'duplicate key value violates unique constraint "module_lessons_module_id_lesson_order_key"',
    'statement by statement, a taken position is refused at once');
SELECT lives_ok(
    $$SET CONSTRAINTS chronos.module_lessons_module_id_lesson_order_key DEFERRED;
      UPDATE chronos.module_lessons SET lesson_order = 1 WHERE id = 'e0000000-0000-4000-8000-000000000e01';
      UPDATE chronos.module_lessons SET lesson_order = 2 WHERE id = 'e0000000-0000-4000-8000-000000000e02';
      SET CONSTRAINTS chronos.module_lessons_module_id_lesson_order_key IMMEDIATE$$,
    'after SET CONSTRAINTS ... DEFERRED, a swap over two statements passes the check');
SELECT set_eq(
    $$SELECT video_id, lesson_order FROM chronos.module_lessons WHERE module_id = 'e0000000-0000-4000-8000-000000000da1'$$,
    $$VALUES ('e0000000-0000-4000-8000-0000000000a1'::uuid, 1), ('e0000000-0000-4000-8000-0000000000a2'::uuid, 2)$$,
    'the deferred swap took effect');
SELECT throws_ok(
    $$SET CONSTRAINTS chronos.module_lessons_module_id_lesson_order_key DEFERRED;
      UPDATE chronos.module_lessons SET lesson_order = 2 WHERE id = 'e0000000-0000-4000-8000-000000000e01';
      SET CONSTRAINTS chronos.module_lessons_module_id_lesson_order_key IMMEDIATE$$,
    '23505', 'duplicate key value violates unique constraint "module_lessons_module_id_lesson_order_key"',
    'deferred, a duplicate position is still refused when checked');
SELECT throws_ok(
    $$SET CONSTRAINTS ALL DEFERRED;
      UPDATE chronos.module_lessons SET video_id = 'e0000000-0000-4000-8000-0000000000a1' WHERE id = 'e0000000-0000-4000-8000-000000000e02'$$,
    '23505', 'duplicate key value violates unique constraint "module_lessons_module_id_video_id_key"',
    'one video once per module cannot be deferred');

-- video_watch_sessions ----------------------------------------------------
SELECT throws_ok(
    $$INSERT INTO chronos.video_watch_sessions (video_id, student_id, creator_id) VALUES ('e0000000-0000-4000-8000-0000000000a1', 'e0000000-0000-4000-8000-00000000005b', 'e0000000-0000-4000-8000-0000000000cb')$$,
    '23503', 'insert or update on table "video_watch_sessions" violates foreign key constraint "video_watch_sessions_video_id_creator_id_fkey"',
    'a given creator_id must be the video''s');
SELECT throws_ok(
    $$INSERT INTO chronos.video_watch_sessions (video_id, student_id) VALUES ('e0000000-0000-4000-8000-0000000000a1', 'e0000000-0000-4000-8000-00000000005b')$$,
    '23503', 'insert or update on table "video_watch_sessions" violates foreign key constraint "video_watch_sessions_student_id_creator_id_fkey"',
    'the student must be a student of the video''s creator');
SELECT throws_ok(
    $$INSERT INTO chronos.video_watch_sessions (video_id, student_id, course_id) VALUES ('e0000000-0000-4000-8000-0000000000a1', 'e0000000-0000-4000-8000-00000000005a', 'e0000000-0000-4000-8000-000000000cb1')$$,
    '23503', 'insert or update on table "video_watch_sessions" violates foreign key constraint "video_watch_sessions_course_id_creator_id_fkey"',
    'the course must be the video''s creator''s');
SELECT throws_ok(
    $$INSERT INTO chronos.video_watch_sessions (video_id, student_id, module_id) VALUES ('e0000000-0000-4000-8000-0000000000a1', 'e0000000-0000-4000-8000-00000000005a', 'e0000000-0000-4000-8000-000000000db1')$$,
    '23503', 'insert or update on table "video_watch_sessions" violates foreign key constraint "video_watch_sessions_module_id_creator_id_fkey"',
    'the module must be the video''s creator''s');
SELECT lives_ok(
    $$INSERT INTO chronos.video_watch_sessions (video_id, student_id, percent_complete) VALUES ('e0000000-0000-4000-8000-0000000000a1', 'e0000000-0000-4000-8000-00000000005a', 0), ('e0000000-0000-4000-8000-0000000000a1', 'e0000000-0000-4000-8000-00000000005a', 100)$$,
    'percent_complete 0 and 100 are accepted');
SELECT throws_ok(
    $$INSERT INTO chronos.video_watch_sessions (video_id, student_id, percent_complete) VALUES ('e0000000-0000-4000-8000-0000000000a1', 'e0000000-0000-4000-8000-00000000005a', 101)$$,
    '23514', 'new row for relation "video_watch_sessions" violates check constraint "video_watch_sessions_percent_complete_check"',
    'percent_complete 101 is refused');
SELECT throws_ok(
    $$INSERT INTO chronos.video_watch_sessions (video_id, student_id, percent_complete) VALUES ('e0000000-0000-4000-8000-0000000000a1', 'e0000000-0000-4000-8000-00000000005a', -1)$$,
    '23514', 'new row for relation "video_watch_sessions" violates check constraint "video_watch_sessions_percent_complete_check"',
    'percent_complete -1 is refused');
SELECT throws_ok(
    $$INSERT INTO chronos.video_watch_sessions (video_id, student_id, watch_time_seconds) VALUES ('e0000000-0000-4000-8000-0000000000a1', 'e0000000-0000-4000-8000-00000000005a', -1)$$,
    '23514', 'new row for relation "video_watch_sessions" violates check constraint "video_watch_sessions_watch_time_seconds_check"',
    'watch_time_seconds may not be negative');
SELECT lives_ok(
    $$INSERT INTO chronos.video_watch_sessions (video_id, student_id, session_start, session_end) VALUES ('e0000000-0000-4000-8000-0000000000a1', 'e0000000-0000-4000-8000-00000000005a', '2026-01-01 10:00+00', '2026-01-01 10:00+00')$$,
    'session_end may equal session_start');
SELECT throws_ok(
    $$INSERT INTO chronos.video_watch_sessions (video_id, student_id, session_start, session_end) VALUES ('e0000000-0000-4000-8000-0000000000a1', 'e0000000-0000-4000-8000-00000000005a', '2026-01-01 10:00+00', '2026-01-01 09:00+00')$$,
    '23514', 'new row for relation "video_watch_sessions" violates check constraint "video_watch_sessions_session_end_check"',
    'session_end before session_start is refused');
SELECT throws_ok(
    $$INSERT INTO chronos.video_watch_sessions (video_id, student_id, last_position_seconds) VALUES ('e0000000-0000-4000-8000-0000000000a1', 'e0000000-0000-4000-8000-00000000005a', -1)$$,
    '23514', 'new row for relation "video_watch_sessions" violates check constraint "video_watch_sessions_last_position_seconds_check"',
    'last_position_seconds may not be negative');
SELECT lives_ok(
    $$INSERT INTO chronos.video_watch_sessions (video_id, student_id, device_type) SELECT 'e0000000-0000-4000-8000-0000000000a1', 'e0000000-0000-4000-8000-00000000005a', d FROM unnest(ARRAY['desktop', 'mobile', 'tablet']) AS d$$,
    'device_type desktop, mobile and tablet are accepted');
SELECT throws_ok(
    $$INSERT INTO chronos.video_watch_sessions (video_id, student_id, device_type) VALUES ('e0000000-0000-4000-8000-0000000000a1', 'e0000000-0000-4000-8000-00000000005a', 'console')$$,
    '23514', 'new row for relation "video_watch_sessions" violates check constraint "video_watch_sessions_device_type_check"',
    'device_type console is refused');
SELECT lives_ok(
    $$INSERT INTO chronos.video_watch_sessions (video_id, student_id, referrer_type) SELECT 'e0000000-0000-4000-8000-0000000000a1', 'e0000000-0000-4000-8000-00000000005a', r FROM unnest(ARRAY['course_page', 'direct_link', 'search', 'chat_reference']) AS r$$,
    'the four referrer types are accepted');
SELECT throws_ok(
    $$INSERT INTO chronos.video_watch_sessions (video_id, student_id, referrer_type) VALUES ('e0000000-0000-4000-8000-0000000000a1', 'e0000000-0000-4000-8000-00000000005a', 'newsletter')$$,
    '23514', 'new row for relation "video_watch_sessions" violates check constraint "video_watch_sessions_referrer_type_check"',
    'referrer_type newsletter is refused');
SELECT throws_ok(
    $$INSERT INTO chronos.video_watch_sessions (video_id, student_id, metadata) VALUES ('e0000000-0000-4000-8000-0000000000a1', 'e0000000-0000-4000-8000-00000000005a', '[]')$$,
    '23514', 'new row for relation "video_watch_sessions" violates check constraint "video_watch_sessions_metadata_check"',
    'video_watch_sessions.metadata must be a JSON object');

-- video_analytics_events --------------------------------------------------
SELECT lives_ok(
    $$INSERT INTO chronos.video_analytics_events (event_type, video_id, creator_id) SELECT t, 'e0000000-0000-4000-8000-0000000000a1', 'e0000000-0000-4000-8000-0000000000ca' FROM unnest(enum_range(NULL::chronos.video_event_type)) AS t$$,
    'every event type can be stored');
SELECT throws_ok(
    $$INSERT INTO chronos.video_analytics_events (event_type, video_id, creator_id) VALUES ('video_liked', 'e0000000-0000-4000-8000-0000000000a1', 'e0000000-0000-4000-8000-0000000000ca')$$,
    '22P02', 'invalid input value for enum chronos.video_event_type: "video_liked"',
    'an unknown event type is refused (invalid_text_representation)');
SELECT throws_ok(
    $$INSERT INTO chronos.video_analytics_events (event_type, video_id, creator_id) VALUES ('video_started', 'e0000000-0000-4000-8000-0000000000b1', 'e0000000-0000-4000-8000-0000000000ca')$$,
    '23503', 'insert or update on table "video_analytics_events_default" violates foreign key constraint "video_analytics_events_video_id_creator_id_fkey"',
    'the event''s video must be its creator''s');
SELECT throws_ok(
    $$INSERT INTO chronos.video_analytics_events (event_type, video_id, creator_id, student_id) VALUES ('video_started', 'e0000000-0000-4000-8000-0000000000a1', 'e0000000-0000-4000-8000-0000000000ca', 'e0000000-0000-4000-8000-00000000005b')$$,
    '23503', 'insert or update on table "video_analytics_events_default" violates foreign key constraint "video_analytics_events_student_id_creator_id_fkey"',
    'the event''s student must be its creator''s');
SELECT throws_ok(
    $$INSERT INTO chronos.video_analytics_events (event_type, video_id, creator_id, course_id) VALUES ('video_started', 'e0000000-0000-4000-8000-0000000000a1', 'e0000000-0000-4000-8000-0000000000ca', 'e0000000-0000-4000-8000-000000000cb1')$$,
    '23503', 'insert or update on table "video_analytics_events_default" violates foreign key constraint "video_analytics_events_course_id_creator_id_fkey"',
    'the event''s course must be its creator''s');
SELECT throws_ok(
    $$INSERT INTO chronos.video_analytics_events (event_type, video_id, creator_id, module_id) VALUES ('video_started', 'e0000000-0000-4000-8000-0000000000a1', 'e0000000-0000-4000-8000-0000000000ca', 'e0000000-0000-4000-8000-000000000db1')$$,
    '23503', 'insert or update on table "video_analytics_events_default" violates foreign key constraint "video_analytics_events_module_id_creator_id_fkey"',
    'the event''s module must be its creator''s');
SELECT throws_ok(
    $$INSERT INTO chronos.video_analytics_events (event_type, video_id, creator_id, course_id, module_id) VALUES ('video_started', 'e0000000-0000-4000-8000-0000000000a1', 'e0000000-0000-4000-8000-0000000000ca', 'e0000000-0000-4000-8000-000000000ca1', 'e0000000-0000-4000-8000-000000000da2')$$,
    '23503', 'insert or update on table "video_analytics_events_default" violates foreign key constraint "video_analytics_events_module_id_course_id_fkey"',
    'the event''s module must be of its course');
SELECT throws_ok(
    $$INSERT INTO chronos.video_analytics_events (event_type, video_id, creator_id, session_id) VALUES ('video_progress', 'e0000000-0000-4000-8000-0000000000a1', 'e0000000-0000-4000-8000-0000000000ca', 'e0000000-0000-4000-8000-000000000fa1')$$,
    '23514', 'new row for relation "video_analytics_events_default" violates check constraint "video_analytics_events_session_id_check"',
    'an event with a session names its student');
SELECT throws_ok(
    $$INSERT INTO chronos.video_analytics_events (event_type, video_id, creator_id, student_id, session_id) VALUES ('video_progress', 'e0000000-0000-4000-8000-0000000000a1', 'e0000000-0000-4000-8000-0000000000ca', 'e0000000-0000-4000-8000-0000000005a2', 'e0000000-0000-4000-8000-000000000fa1')$$,
    '23503', 'session e0000000-0000-4000-8000-000000000fa1 is not a session of student e0000000-0000-4000-8000-0000000005a2 on video e0000000-0000-4000-8000-0000000000a1',
    'the event''s session must be its student''s');
SELECT throws_ok(
    $$INSERT INTO chronos.video_analytics_events (event_type, video_id, creator_id, student_id, session_id) VALUES ('video_progress', 'e0000000-0000-4000-8000-0000000000a1', 'e0000000-0000-4000-8000-0000000000ca', 'e0000000-0000-4000-8000-00000000005a', 'e0000000-0000-4000-8000-000000000fa2')$$,
    '23503', 'session e0000000-0000-4000-8000-000000000fa2 is not a session of student e0000000-0000-4000-8000-00000000005a on video e0000000-0000-4000-8000-0000000000a1',
    'the event''s session must be of its video');
SELECT lives_ok(
    $$INSERT INTO chronos.video_analytics_events (event_type, video_id, creator_id, student_id, course_id, module_id, session_id) VALUES ('video_progress', 'e0000000-0000-4000-8000-0000000000a1', 'e0000000-0000-4000-8000-0000000000ca', 'e0000000-0000-4000-8000-00000000005a', 'e0000000-0000-4000-8000-000000000ca1', 'e0000000-0000-4000-8000-000000000da1', 'e0000000-0000-4000-8000-000000000fa1')$$,
    'an event with everything consistent is accepted');
SELECT throws_ok(
    $$INSERT INTO chronos.video_analytics_events (event_type, video_id, creator_id, metadata) VALUES ('video_started', 'e0000000-0000-4000-8000-0000000000a1', 'e0000000-0000-4000-8000-0000000000ca', 'null')$$,
    '23514', 'new row for relation "video_analytics_events_default" violates check constraint "video_analytics_events_metadata_check"',
    'video_analytics_events.metadata must be a JSON object');

-- video_analytics ---------------------------------------------------------
SELECT lives_ok(
    $$INSERT INTO chronos.video_analytics (video_id, creator_id, date, completion_rate) VALUES ('e0000000-0000-4000-8000-0000000000a1', 'e0000000-0000-4000-8000-0000000000ca', '2026-01-01', 100)$$,
    'completion_rate 100 is accepted');
SELECT throws_ok(
    $$INSERT INTO chronos.video_analytics (video_id, creator_id, date) VALUES ('e0000000-0000-4000-8000-0000000000a1', 'e0000000-0000-4000-8000-0000000000ca', '2026-01-01')$$,
    '23505', 'duplicate key value violates unique constraint "video_analytics_pkey"',
    'one rollup row per video and day');
SELECT throws_ok(
    $$INSERT INTO chronos.video_analytics (video_id, creator_id, date, completion_rate) VALUES ('e0000000-0000-4000-8000-0000000000a1', 'e0000000-0000-4000-8000-0000000000ca', '2026-01-02', 100.5)$$,
    '23514', 'new row for relation "video_analytics" violates check constraint "video_analytics_completion_rate_check"',
    'completion_rate above 100 is refused');
SELECT throws_ok(
    $$INSERT INTO chronos.video_analytics (video_id, creator_id, date, views) VALUES ('e0000000-0000-4000-8000-0000000000a1', 'e0000000-0000-4000-8000-0000000000ca', '2026-01-02', -1)$$,
    '23514', 'new row for relation "video_analytics" violates check constraint "video_analytics_counts_check"',
    'views may not be negative');
SELECT throws_ok(
    $$INSERT INTO chronos.video_analytics (video_id, creator_id, date, unique_viewers) VALUES ('e0000000-0000-4000-8000-0000000000a1', 'e0000000-0000-4000-8000-0000000000ca', '2026-01-02', -1)$$,
    '23514', 'new row for relation "video_analytics" violates check constraint "video_analytics_counts_check"',
    'unique_viewers may not be negative');
SELECT throws_ok(
    $$INSERT INTO chronos.video_analytics (video_id, creator_id, date, total_watch_time_seconds) VALUES ('e0000000-0000-4000-8000-0000000000a1', 'e0000000-0000-4000-8000-0000000000ca', '2026-01-02', -1)$$,
    '23514', 'new row for relation "video_analytics" violates check constraint "video_analytics_counts_check"',
    'total_watch_time_seconds may not be negative');
SELECT throws_ok(
    $$INSERT INTO chronos.video_analytics (video_id, creator_id, date, average_watch_time_seconds) VALUES ('e0000000-0000-4000-8000-0000000000a1', 'e0000000-0000-4000-8000-0000000000ca', '2026-01-02', -1)$$,
    '23514', 'new row for relation "video_analytics" violates check constraint "video_analytics_counts_check"',
    'average_watch_time_seconds may not be negative');
SELECT throws_ok(
    $$INSERT INTO chronos.video_analytics (video_id, creator_id, date, completions) VALUES ('e0000000-0000-4000-8000-0000000000a1', 'e0000000-0000-4000-8000-0000000000ca', '2026-01-02', -1)$$,
    '23514', 'new row for relation "video_analytics" violates check constraint "video_analytics_counts_check"',
    'completions may not be negative');
SELECT throws_ok(
    $$INSERT INTO chronos.video_analytics (video_id, creator_id, date, rewatches) VALUES ('e0000000-0000-4000-8000-0000000000a1', 'e0000000-0000-4000-8000-0000000000ca', '2026-01-02', -1)$$,
    '23514', 'new row for relation "video_analytics" violates check constraint "video_analytics_counts_check"',
    'rewatches may not be negative');
SELECT throws_ok(
    $$INSERT INTO chronos.video_analytics (video_id, creator_id, date, ai_interactions) VALUES ('e0000000-0000-4000-8000-0000000000a1', 'e0000000-0000-4000-8000-0000000000ca', '2026-01-02', -1)$$,
    '23514', 'new row for relation "video_analytics" violates check constraint "video_analytics_counts_check"',
    'ai_interactions may not be negative');
SELECT throws_ok(
    $$INSERT INTO chronos.video_analytics (video_id, creator_id, date) VALUES ('e0000000-0000-4000-8000-0000000000b1', 'e0000000-0000-4000-8000-0000000000ca', '2026-01-02')$$,
    '23503', 'insert or update on table "video_analytics" violates foreign key constraint "video_analytics_video_id_creator_id_fkey"',
    'the rollup''s video must be its creator''s');
SELECT throws_ok(
    $$INSERT INTO chronos.video_analytics (video_id, creator_id, date, metadata) VALUES ('e0000000-0000-4000-8000-0000000000a1', 'e0000000-0000-4000-8000-0000000000ca', '2026-01-02', '[]')$$,
    '23514', 'new row for relation "video_analytics" violates check constraint "video_analytics_metadata_check"',
    'video_analytics.metadata must be a JSON object');

SELECT * FROM finish();
ROLLBACK;
