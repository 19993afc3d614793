--
-- chronos schema: row-level security, pg_dump registration, comments, the
-- event type, the foundation's C functions and its triggers.  Later
-- functions are not listed here (other suites own them); the checks that
-- range over the whole schema (RLS, dump, comments) hold for them too.
--
BEGIN;
SELECT plan(57);

-- row-level security: enabled on every table ------------------------------
SELECT is((SELECT relrowsecurity FROM pg_catalog.pg_class WHERE oid = 'chronos.creators'::regclass), true,
    'RLS is enabled on creators');
SELECT is((SELECT relrowsecurity FROM pg_catalog.pg_class WHERE oid = 'chronos.students'::regclass), true,
    'RLS is enabled on students');
SELECT is((SELECT relrowsecurity FROM pg_catalog.pg_class WHERE oid = 'chronos.videos'::regclass), true,
    'RLS is enabled on videos');
SELECT is((SELECT relrowsecurity FROM pg_catalog.pg_class WHERE oid = 'chronos.courses'::regclass), true,
    'RLS is enabled on courses');
SELECT is((SELECT relrowsecurity FROM pg_catalog.pg_class WHERE oid = 'chronos.course_modules'::regclass), true,
    'RLS is enabled on course_modules');
SELECT is((SELECT relrowsecurity FROM pg_catalog.pg_class WHERE oid = 'chronos.module_lessons'::regclass), true,
    'RLS is enabled on module_lessons');
SELECT is((SELECT relrowsecurity FROM pg_catalog.pg_class WHERE oid = 'chronos.video_watch_sessions'::regclass), true,
    'RLS is enabled on video_watch_sessions');
SELECT is((SELECT relrowsecurity FROM pg_catalog.pg_class WHERE oid = 'chronos.video_analytics_events'::regclass), true,
    'RLS is enabled on video_analytics_events');
SELECT is((SELECT relrowsecurity FROM pg_catalog.pg_class WHERE oid = 'chronos.video_analytics'::regclass), true,
    'RLS is enabled on video_analytics');
SELECT is_empty(
    $$SELECT relname::text FROM pg_catalog.pg_class
       WHERE relnamespace = 'chronos'::regnamespace AND relkind IN ('r', 'p') AND NOT relrowsecurity$$,
    'no table of schema chronos is left without RLS');

-- pg_dump keeps the rows of every table (pg_extension_config_dump) --------
SELECT set_eq(
    $$SELECT c.relname::text, cfg.condition
        FROM pg_catalog.pg_extension e,
             unnest(e.extconfig, e.extcondition) AS cfg (reloid, condition)
        JOIN pg_catalog.pg_class c ON c.oid = cfg.reloid
       WHERE e.extname = 'chronos' AND c.relname = ANY ('{creators,students,videos,courses,course_modules,module_lessons,video_watch_sessions,video_analytics_events,video_analytics}'::name[])$$,
    $$VALUES ('creators', ''),
             ('students', ''),
             ('videos', ''),
             ('courses', ''),
             ('course_modules', ''),
             ('module_lessons', ''),
             ('video_watch_sessions', ''),
             ('video_analytics_events', ''),
             ('video_analytics', '')$$,
    'the nine tables are registered with pg_extension_config_dump, every row dumped (no filter)');
SELECT is_empty(
    $$SELECT c.relname::text FROM pg_catalog.pg_class c
       WHERE c.relnamespace = 'chronos'::regnamespace AND c.relkind IN ('r', 'p')
         AND c.oid <> ALL (SELECT unnest(extconfig) FROM pg_catalog.pg_extension WHERE extname = 'chronos')$$,
    'no table of schema chronos is left out of pg_dump');

-- comments ----------------------------------------------------------------
SELECT isnt(obj_description('chronos.creators'::regclass, 'pg_class'), NULL, 'table creators has a comment');
SELECT isnt(obj_description('chronos.students'::regclass, 'pg_class'), NULL, 'table students has a comment');
SELECT isnt(obj_description('chronos.videos'::regclass, 'pg_class'), NULL, 'table videos has a comment');
SELECT isnt(obj_description('chronos.courses'::regclass, 'pg_class'), NULL, 'table courses has a comment');
SELECT isnt(obj_description('chronos.course_modules'::regclass, 'pg_class'), NULL, 'table course_modules has a comment');
SELECT isnt(obj_description('chronos.module_lessons'::regclass, 'pg_class'), NULL, 'table module_lessons has a comment');
SELECT isnt(obj_description('chronos.video_watch_sessions'::regclass, 'pg_class'), NULL, 'table video_watch_sessions has a comment');
SELECT isnt(obj_description('chronos.video_analytics_events'::regclass, 'pg_class'), NULL, 'table video_analytics_events has a comment');
SELECT isnt(obj_description('chronos.video_analytics'::regclass, 'pg_class'), NULL, 'table video_analytics has a comment');
SELECT is_empty(
    $$SELECT c.relname::text FROM pg_catalog.pg_class c
       WHERE c.relnamespace = 'chronos'::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm')
         AND obj_description(c.oid, 'pg_class') IS NULL$$,
    'every table and view of schema chronos has a comment');
SELECT isnt(obj_description('chronos.is_valid_timezone(text)'::regprocedure, 'pg_proc'), NULL, 'function is_valid_timezone(text) has a comment');
SELECT isnt(obj_description('chronos.set_updated_at()'::regprocedure, 'pg_proc'), NULL, 'function set_updated_at() has a comment');
SELECT isnt(obj_description('chronos.fill_creator_id()'::regprocedure, 'pg_proc'), NULL, 'function fill_creator_id() has a comment');
SELECT is_empty(
    $$SELECT p.oid::regprocedure::text FROM pg_catalog.pg_proc p
       WHERE p.pronamespace = 'chronos'::regnamespace AND obj_description(p.oid, 'pg_proc') IS NULL$$,
    'every function of schema chronos has a comment');
SELECT isnt(obj_description('chronos.video_event_type'::regtype, 'pg_type'), NULL, 'type video_event_type has a comment');
SELECT is_empty(
    $$SELECT t, c FROM (VALUES ('creators', 'whop_company_id'),
             ('creators', 'whop_user_id'),
             ('creators', 'subscription_tier'),
             ('creators', 'settings'),
             ('creators', 'timezone'),
             ('creators', 'metadata'),
             ('students', 'whop_user_id'),
             ('students', 'whop_membership_id'),
             ('students', 'preferences'),
             ('students', 'metadata'),
             ('videos', 'storage_path'),
             ('videos', 'duration_seconds'),
             ('videos', 'status'),
             ('videos', 'is_deleted'),
             ('videos', 'source_type'),
             ('videos', 'youtube_video_id'),
             ('videos', 'youtube_channel_id'),
             ('videos', 'whop_lesson_id'),
             ('videos', 'mux_asset_id'),
             ('videos', 'mux_playback_id'),
             ('videos', 'embed_type'),
             ('videos', 'embed_id'),
             ('videos', 'metadata'),
             ('courses', 'is_published'),
             ('courses', 'display_order'),
             ('courses', 'is_deleted'),
             ('courses', 'metadata'),
             ('course_modules', 'creator_id'),
             ('course_modules', 'display_order'),
             ('course_modules', 'metadata'),
             ('module_lessons', 'creator_id'),
             ('module_lessons', 'lesson_order'),
             ('module_lessons', 'is_required'),
             ('module_lessons', 'estimated_duration_minutes'),
             ('module_lessons', 'metadata'),
             ('video_watch_sessions', 'creator_id'),
             ('video_watch_sessions', 'session_end'),
             ('video_watch_sessions', 'last_heartbeat_at'),
             ('video_watch_sessions', 'watch_time_seconds'),
             ('video_watch_sessions', 'percent_complete'),
             ('video_watch_sessions', 'completed'),
             ('video_watch_sessions', 'completed_at'),
             ('video_watch_sessions', 'last_position_seconds'),
             ('video_watch_sessions', 'device_type'),
             ('video_watch_sessions', 'referrer_type'),
             ('video_watch_sessions', 'metadata'),
             ('video_analytics_events', 'id'),
             ('video_analytics_events', 'session_id'),
             ('video_analytics_events', 'metadata'),
             ('video_analytics_events', 'timestamp'),
             ('video_analytics_events', 'created_at'),
             ('video_analytics', 'date'),
             ('video_analytics', 'views'),
             ('video_analytics', 'unique_viewers'),
             ('video_analytics', 'completion_rate'),
             ('video_analytics', 'rewatches'),
             ('video_analytics', 'metadata')) AS v (t, c)
       WHERE col_description(('chronos.' || quote_ident(t))::regclass,
                             (SELECT attnum FROM pg_catalog.pg_attribute
                               WHERE attrelid = ('chronos.' || quote_ident(t))::regclass AND attname = c)) IS NULL$$,
    'every column that is not obvious has a comment');

-- type video_event_type: the fifteen event kinds (three since 1.1), in this order ------------
SELECT has_enum('chronos', 'video_event_type', 'enum chronos.video_event_type exists');
SELECT enum_has_labels('chronos', 'video_event_type',
    ARRAY['video_imported', 'video_transcribed', 'video_embedded', 'video_added_to_course',
          'video_started', 'video_progress', 'video_completed', 'video_rewatched',
          'video_paused', 'video_resumed', 'video_seeked', 'playback_speed_changed',
          'video_startup', 'video_rebuffer', 'video_error']::name[],
    'video_event_type has the report''s eight values and the player''s four, and the three quality-of-experience events of 1.1');

-- functions of the foundation (C) -----------------------------------------
SELECT has_function('chronos', 'is_valid_timezone', ARRAY['text'], 'is_valid_timezone(text) exists');
SELECT function_returns('chronos', 'is_valid_timezone', ARRAY['text'], 'boolean', 'is_valid_timezone returns boolean');
SELECT function_lang_is('chronos', 'is_valid_timezone', ARRAY['text'], 'c', 'is_valid_timezone is written in C');
SELECT volatility_is('chronos', 'is_valid_timezone', ARRAY['text'], 'immutable', 'is_valid_timezone is IMMUTABLE (usable in a CHECK)');
SELECT is_strict('chronos', 'is_valid_timezone', ARRAY['text'], 'is_valid_timezone is STRICT');
SELECT is((SELECT proparallel::text FROM pg_catalog.pg_proc WHERE oid = 'chronos.is_valid_timezone(text)'::regprocedure), 's',
    'is_valid_timezone is PARALLEL SAFE');
SELECT has_function('chronos', 'set_updated_at', ARRAY[]::name[], 'set_updated_at() exists');
SELECT function_returns('chronos', 'set_updated_at', ARRAY[]::name[], 'trigger', 'set_updated_at is a trigger function');
SELECT function_lang_is('chronos', 'set_updated_at', ARRAY[]::name[], 'c', 'set_updated_at is written in C');
SELECT has_function('chronos', 'fill_creator_id', ARRAY[]::name[], 'fill_creator_id() exists');
SELECT function_returns('chronos', 'fill_creator_id', ARRAY[]::name[], 'trigger', 'fill_creator_id is a trigger function');
SELECT function_lang_is('chronos', 'fill_creator_id', ARRAY[]::name[], 'c', 'fill_creator_id is written in C');
SELECT is_empty(
    $$SELECT oid::regprocedure::text FROM pg_catalog.pg_proc
       WHERE oid IN ('chronos.is_valid_timezone(text)'::regprocedure, 'chronos.set_updated_at()'::regprocedure,
                     'chronos.fill_creator_id()'::regprocedure)
         AND prosecdef$$,
    'none of the three is SECURITY DEFINER');

-- triggers: set_updated_at on every table with updated_at, fill_creator_id on three 
SELECT is((SELECT pg_catalog.pg_get_triggerdef(oid) FROM pg_catalog.pg_trigger
            WHERE tgrelid = 'chronos.creators'::regclass AND tgname = 'creators_set_updated_at'),
    'CREATE TRIGGER creators_set_updated_at BEFORE UPDATE ON chronos.creators FOR EACH ROW EXECUTE FUNCTION chronos.set_updated_at()',
    'creators_set_updated_at: BEFORE UPDATE FOR EACH ROW');
SELECT is((SELECT pg_catalog.pg_get_triggerdef(oid) FROM pg_catalog.pg_trigger
            WHERE tgrelid = 'chronos.students'::regclass AND tgname = 'students_set_updated_at'),
    'CREATE TRIGGER students_set_updated_at BEFORE UPDATE ON chronos.students FOR EACH ROW EXECUTE FUNCTION chronos.set_updated_at()',
    'students_set_updated_at: BEFORE UPDATE FOR EACH ROW');
SELECT is((SELECT pg_catalog.pg_get_triggerdef(oid) FROM pg_catalog.pg_trigger
            WHERE tgrelid = 'chronos.videos'::regclass AND tgname = 'videos_set_updated_at'),
    'CREATE TRIGGER videos_set_updated_at BEFORE UPDATE ON chronos.videos FOR EACH ROW EXECUTE FUNCTION chronos.set_updated_at()',
    'videos_set_updated_at: BEFORE UPDATE FOR EACH ROW');
SELECT is((SELECT pg_catalog.pg_get_triggerdef(oid) FROM pg_catalog.pg_trigger
            WHERE tgrelid = 'chronos.courses'::regclass AND tgname = 'courses_set_updated_at'),
    'CREATE TRIGGER courses_set_updated_at BEFORE UPDATE ON chronos.courses FOR EACH ROW EXECUTE FUNCTION chronos.set_updated_at()',
    'courses_set_updated_at: BEFORE UPDATE FOR EACH ROW');
SELECT is((SELECT pg_catalog.pg_get_triggerdef(oid) FROM pg_catalog.pg_trigger
            WHERE tgrelid = 'chronos.course_modules'::regclass AND tgname = 'course_modules_set_updated_at'),
    'CREATE TRIGGER course_modules_set_updated_at BEFORE UPDATE ON chronos.course_modules FOR EACH ROW EXECUTE FUNCTION chronos.set_updated_at()',
    'course_modules_set_updated_at: BEFORE UPDATE FOR EACH ROW');
SELECT is((SELECT pg_catalog.pg_get_triggerdef(oid) FROM pg_catalog.pg_trigger
            WHERE tgrelid = 'chronos.module_lessons'::regclass AND tgname = 'module_lessons_set_updated_at'),
    'CREATE TRIGGER module_lessons_set_updated_at BEFORE UPDATE ON chronos.module_lessons FOR EACH ROW EXECUTE FUNCTION chronos.set_updated_at()',
    'module_lessons_set_updated_at: BEFORE UPDATE FOR EACH ROW');
SELECT is((SELECT pg_catalog.pg_get_triggerdef(oid) FROM pg_catalog.pg_trigger
            WHERE tgrelid = 'chronos.video_watch_sessions'::regclass AND tgname = 'video_watch_sessions_set_updated_at'),
    'CREATE TRIGGER video_watch_sessions_set_updated_at BEFORE UPDATE ON chronos.video_watch_sessions FOR EACH ROW EXECUTE FUNCTION chronos.set_updated_at()',
    'video_watch_sessions_set_updated_at: BEFORE UPDATE FOR EACH ROW');
SELECT is((SELECT pg_catalog.pg_get_triggerdef(oid) FROM pg_catalog.pg_trigger
            WHERE tgrelid = 'chronos.video_analytics'::regclass AND tgname = 'video_analytics_set_updated_at'),
    'CREATE TRIGGER video_analytics_set_updated_at BEFORE UPDATE ON chronos.video_analytics FOR EACH ROW EXECUTE FUNCTION chronos.set_updated_at()',
    'video_analytics_set_updated_at: BEFORE UPDATE FOR EACH ROW');
SELECT hasnt_trigger('chronos', 'video_analytics_events', 'video_analytics_events_set_updated_at', 'events are immutable: no updated_at, no set_updated_at trigger');
SELECT is((SELECT pg_catalog.pg_get_triggerdef(oid) FROM pg_catalog.pg_trigger
            WHERE tgrelid = 'chronos.course_modules'::regclass AND tgname = 'course_modules_fill_creator_id'),
    'CREATE TRIGGER course_modules_fill_creator_id BEFORE INSERT ON chronos.course_modules FOR EACH ROW EXECUTE FUNCTION chronos.fill_creator_id(''courses'', ''course_id'')',
    'course_modules_fill_creator_id copies creator_id from courses by course_id');
SELECT is((SELECT pg_catalog.pg_get_triggerdef(oid) FROM pg_catalog.pg_trigger
            WHERE tgrelid = 'chronos.module_lessons'::regclass AND tgname = 'module_lessons_fill_creator_id'),
    'CREATE TRIGGER module_lessons_fill_creator_id BEFORE INSERT ON chronos.module_lessons FOR EACH ROW EXECUTE FUNCTION chronos.fill_creator_id(''course_modules'', ''module_id'')',
    'module_lessons_fill_creator_id copies creator_id from course_modules by module_id');
SELECT is((SELECT pg_catalog.pg_get_triggerdef(oid) FROM pg_catalog.pg_trigger
            WHERE tgrelid = 'chronos.video_watch_sessions'::regclass AND tgname = 'video_watch_sessions_fill_creator_id'),
    'CREATE TRIGGER video_watch_sessions_fill_creator_id BEFORE INSERT ON chronos.video_watch_sessions FOR EACH ROW EXECUTE FUNCTION chronos.fill_creator_id(''videos'', ''video_id'')',
    'video_watch_sessions_fill_creator_id copies creator_id from videos by video_id');
SELECT is_empty(
    $$SELECT c.relname::text FROM pg_catalog.pg_class c
       WHERE c.relnamespace = 'chronos'::regnamespace AND c.relkind = 'r'
         AND EXISTS (SELECT 1 FROM pg_catalog.pg_attribute a
                      WHERE a.attrelid = c.oid AND a.attname = 'updated_at' AND NOT a.attisdropped)
         AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_trigger t
                          WHERE t.tgrelid = c.oid AND t.tgfoid = 'chronos.set_updated_at()'::regprocedure
                            AND t.tgtype = 19)$$,
    'every table with updated_at has set_updated_at BEFORE UPDATE FOR EACH ROW (tgtype 19)');
SELECT is_empty(
    $$SELECT tgname::text FROM pg_catalog.pg_trigger
       WHERE tgfoid IN ('chronos.set_updated_at()'::regprocedure, 'chronos.fill_creator_id()'::regprocedure)
         AND tgenabled <> 'O'$$,
    'no set_updated_at or fill_creator_id trigger is disabled');

SELECT * FROM finish();
ROLLBACK;
