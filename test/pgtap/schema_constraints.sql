--
-- chronos schema: constraints (names, kinds, definitions), foreign keys and
-- their ON DELETE / ON UPDATE actions, deferrability, indexes and their
-- definitions (columns, order, partial predicates), index naming.  What the
-- CHECK constraints enforce is tested by behaviour (schema_rules.sql and the
-- pg_regress rules_* files), here only that they exist under their names.
-- NOT NULL constraints are left out of the lists: PostgreSQL 18 records them
-- in pg_constraint too (contype 'n'), older versions only on the columns;
-- schema_tables.sql checks the columns' NOT NULL.
--
BEGIN;
SELECT plan(110);

-- creators ----------------------------------------------------------------
SELECT set_eq(
    $$SELECT conname::text, contype::text FROM pg_catalog.pg_constraint
       WHERE conrelid = 'chronos.creators'::regclass AND contype <> 'n'$$,
    $$VALUES ('creators_pkey', 'p'),
           ('creators_whop_company_id_key', 'u'),
           ('creators_subscription_tier_check', 'c'),
           ('creators_timezone_check', 'c'),
           ('creators_settings_check', 'c'),
           ('creators_metadata_check', 'c')$$,
    'creators: exactly these constraints (name, kind)');
SELECT is((SELECT pg_catalog.pg_get_constraintdef(oid) FROM pg_catalog.pg_constraint
            WHERE conrelid = 'chronos.creators'::regclass AND conname = 'creators_pkey'),
    'PRIMARY KEY (id)',
    'creators_pkey: PRIMARY KEY (id)');
SELECT is((SELECT pg_catalog.pg_get_constraintdef(oid) FROM pg_catalog.pg_constraint
            WHERE conrelid = 'chronos.creators'::regclass AND conname = 'creators_whop_company_id_key'),
    'UNIQUE (whop_company_id)',
    'creators_whop_company_id_key: UNIQUE (whop_company_id)');
SELECT indexes_are('chronos', 'creators', ARRAY['creators_whop_user_id_idx', 'creators_pkey', 'creators_whop_company_id_key']::name[],
    'creators: exactly these indexes');
SELECT is((SELECT pg_catalog.pg_get_indexdef(oid) FROM pg_catalog.pg_class
            WHERE relnamespace = 'chronos'::regnamespace AND relname = 'creators_whop_user_id_idx'),
    'CREATE INDEX creators_whop_user_id_idx ON chronos.creators USING btree (whop_user_id)',
    'creators_whop_user_id_idx');

-- students ----------------------------------------------------------------
SELECT set_eq(
    $$SELECT conname::text, contype::text FROM pg_catalog.pg_constraint
       WHERE conrelid = 'chronos.students'::regclass AND contype <> 'n'$$,
    $$VALUES ('students_pkey', 'p'),
           ('students_creator_id_fkey', 'f'),
           ('students_creator_id_whop_user_id_key', 'u'),
           ('students_id_creator_id_key', 'u'),
           ('students_preferences_check', 'c'),
           ('students_metadata_check', 'c')$$,
    'students: exactly these constraints (name, kind)');
SELECT is((SELECT pg_catalog.pg_get_constraintdef(oid) FROM pg_catalog.pg_constraint
            WHERE conrelid = 'chronos.students'::regclass AND conname = 'students_pkey'),
    'PRIMARY KEY (id)',
    'students_pkey: PRIMARY KEY (id)');
SELECT is((SELECT pg_catalog.pg_get_constraintdef(oid) FROM pg_catalog.pg_constraint
            WHERE conrelid = 'chronos.students'::regclass AND conname = 'students_creator_id_fkey'),
    'FOREIGN KEY (creator_id) REFERENCES chronos.creators(id) ON DELETE CASCADE',
    'students_creator_id_fkey: FOREIGN KEY (creator_id) REFERENCES chronos.creators(id) ON DELETE CASCADE');
SELECT is((SELECT pg_catalog.pg_get_constraintdef(oid) FROM pg_catalog.pg_constraint
            WHERE conrelid = 'chronos.students'::regclass AND conname = 'students_creator_id_whop_user_id_key'),
    'UNIQUE (creator_id, whop_user_id)',
    'students_creator_id_whop_user_id_key: UNIQUE (creator_id, whop_user_id)');
SELECT is((SELECT pg_catalog.pg_get_constraintdef(oid) FROM pg_catalog.pg_constraint
            WHERE conrelid = 'chronos.students'::regclass AND conname = 'students_id_creator_id_key'),
    'UNIQUE (id, creator_id)',
    'students_id_creator_id_key: UNIQUE (id, creator_id)');
SELECT fk_ok('chronos', 'students', ARRAY['creator_id']::name[], 'chronos', 'creators', ARRAY['id']::name[]);
SELECT indexes_are('chronos', 'students', ARRAY['students_whop_user_id_idx', 'students_pkey', 'students_creator_id_whop_user_id_key', 'students_id_creator_id_key']::name[],
    'students: exactly these indexes');
SELECT is((SELECT pg_catalog.pg_get_indexdef(oid) FROM pg_catalog.pg_class
            WHERE relnamespace = 'chronos'::regnamespace AND relname = 'students_whop_user_id_idx'),
    'CREATE INDEX students_whop_user_id_idx ON chronos.students USING btree (whop_user_id)',
    'students_whop_user_id_idx');

-- videos ------------------------------------------------------------------
SELECT set_eq(
    $$SELECT conname::text, contype::text FROM pg_catalog.pg_constraint
       WHERE conrelid = 'chronos.videos'::regclass AND contype <> 'n'$$,
    $$VALUES ('videos_pkey', 'p'),
           ('videos_creator_id_fkey', 'f'),
           ('videos_id_creator_id_key', 'u'),
           ('videos_duration_seconds_check', 'c'),
           ('videos_file_size_bytes_check', 'c'),
           ('videos_status_check', 'c'),
           ('videos_source_type_check', 'c'),
           ('videos_youtube_source_check', 'c'),
           ('videos_mux_source_check', 'c'),
           ('videos_embed_source_check', 'c'),
           ('videos_embed_type_check', 'c'),
           ('videos_upload_source_check', 'c'),
           ('videos_metadata_check', 'c')$$,
    'videos: exactly these constraints (name, kind)');
SELECT is((SELECT pg_catalog.pg_get_constraintdef(oid) FROM pg_catalog.pg_constraint
            WHERE conrelid = 'chronos.videos'::regclass AND conname = 'videos_pkey'),
    'PRIMARY KEY (id)',
    'videos_pkey: PRIMARY KEY (id)');
SELECT is((SELECT pg_catalog.pg_get_constraintdef(oid) FROM pg_catalog.pg_constraint
            WHERE conrelid = 'chronos.videos'::regclass AND conname = 'videos_creator_id_fkey'),
    'FOREIGN KEY (creator_id) REFERENCES chronos.creators(id) ON DELETE CASCADE',
    'videos_creator_id_fkey: FOREIGN KEY (creator_id) REFERENCES chronos.creators(id) ON DELETE CASCADE');
SELECT is((SELECT pg_catalog.pg_get_constraintdef(oid) FROM pg_catalog.pg_constraint
            WHERE conrelid = 'chronos.videos'::regclass AND conname = 'videos_id_creator_id_key'),
    'UNIQUE (id, creator_id)',
    'videos_id_creator_id_key: UNIQUE (id, creator_id)');
SELECT fk_ok('chronos', 'videos', ARRAY['creator_id']::name[], 'chronos', 'creators', ARRAY['id']::name[]);
SELECT indexes_are('chronos', 'videos', ARRAY['videos_creator_id_created_at_idx', 'videos_youtube_video_id_idx', 'videos_mux_asset_id_idx', 'videos_mux_playback_id_idx', 'videos_embed_id_idx', 'videos_whop_lesson_id_idx', 'videos_pkey', 'videos_id_creator_id_key']::name[],
    'videos: exactly these indexes');
SELECT is((SELECT pg_catalog.pg_get_indexdef(oid) FROM pg_catalog.pg_class
            WHERE relnamespace = 'chronos'::regnamespace AND relname = 'videos_creator_id_created_at_idx'),
    'CREATE INDEX videos_creator_id_created_at_idx ON chronos.videos USING btree (creator_id, created_at DESC)',
    'videos_creator_id_created_at_idx');
SELECT is((SELECT pg_catalog.pg_get_indexdef(oid) FROM pg_catalog.pg_class
            WHERE relnamespace = 'chronos'::regnamespace AND relname = 'videos_youtube_video_id_idx'),
    'CREATE INDEX videos_youtube_video_id_idx ON chronos.videos USING btree (youtube_video_id) WHERE (youtube_video_id IS NOT NULL)',
    'videos_youtube_video_id_idx');
SELECT is((SELECT pg_catalog.pg_get_indexdef(oid) FROM pg_catalog.pg_class
            WHERE relnamespace = 'chronos'::regnamespace AND relname = 'videos_mux_asset_id_idx'),
    'CREATE INDEX videos_mux_asset_id_idx ON chronos.videos USING btree (mux_asset_id) WHERE (mux_asset_id IS NOT NULL)',
    'videos_mux_asset_id_idx');
SELECT is((SELECT pg_catalog.pg_get_indexdef(oid) FROM pg_catalog.pg_class
            WHERE relnamespace = 'chronos'::regnamespace AND relname = 'videos_mux_playback_id_idx'),
    'CREATE INDEX videos_mux_playback_id_idx ON chronos.videos USING btree (mux_playback_id) WHERE (mux_playback_id IS NOT NULL)',
    'videos_mux_playback_id_idx');
SELECT is((SELECT pg_catalog.pg_get_indexdef(oid) FROM pg_catalog.pg_class
            WHERE relnamespace = 'chronos'::regnamespace AND relname = 'videos_embed_id_idx'),
    'CREATE INDEX videos_embed_id_idx ON chronos.videos USING btree (embed_type, embed_id) WHERE (embed_id IS NOT NULL)',
    'videos_embed_id_idx');
SELECT is((SELECT pg_catalog.pg_get_indexdef(oid) FROM pg_catalog.pg_class
            WHERE relnamespace = 'chronos'::regnamespace AND relname = 'videos_whop_lesson_id_idx'),
    'CREATE INDEX videos_whop_lesson_id_idx ON chronos.videos USING btree (whop_lesson_id) WHERE (whop_lesson_id IS NOT NULL)',
    'videos_whop_lesson_id_idx');

-- courses -----------------------------------------------------------------
SELECT set_eq(
    $$SELECT conname::text, contype::text FROM pg_catalog.pg_constraint
       WHERE conrelid = 'chronos.courses'::regclass AND contype <> 'n'$$,
    $$VALUES ('courses_pkey', 'p'),
           ('courses_creator_id_fkey', 'f'),
           ('courses_id_creator_id_key', 'u'),
           ('courses_metadata_check', 'c')$$,
    'courses: exactly these constraints (name, kind)');
SELECT is((SELECT pg_catalog.pg_get_constraintdef(oid) FROM pg_catalog.pg_constraint
            WHERE conrelid = 'chronos.courses'::regclass AND conname = 'courses_pkey'),
    'PRIMARY KEY (id)',
    'courses_pkey: PRIMARY KEY (id)');
SELECT is((SELECT pg_catalog.pg_get_constraintdef(oid) FROM pg_catalog.pg_constraint
            WHERE conrelid = 'chronos.courses'::regclass AND conname = 'courses_creator_id_fkey'),
    'FOREIGN KEY (creator_id) REFERENCES chronos.creators(id) ON DELETE CASCADE',
    'courses_creator_id_fkey: FOREIGN KEY (creator_id) REFERENCES chronos.creators(id) ON DELETE CASCADE');
SELECT is((SELECT pg_catalog.pg_get_constraintdef(oid) FROM pg_catalog.pg_constraint
            WHERE conrelid = 'chronos.courses'::regclass AND conname = 'courses_id_creator_id_key'),
    'UNIQUE (id, creator_id)',
    'courses_id_creator_id_key: UNIQUE (id, creator_id)');
SELECT fk_ok('chronos', 'courses', ARRAY['creator_id']::name[], 'chronos', 'creators', ARRAY['id']::name[]);
SELECT indexes_are('chronos', 'courses', ARRAY['courses_creator_id_display_order_idx', 'courses_pkey', 'courses_id_creator_id_key']::name[],
    'courses: exactly these indexes');
SELECT is((SELECT pg_catalog.pg_get_indexdef(oid) FROM pg_catalog.pg_class
            WHERE relnamespace = 'chronos'::regnamespace AND relname = 'courses_creator_id_display_order_idx'),
    'CREATE INDEX courses_creator_id_display_order_idx ON chronos.courses USING btree (creator_id, display_order)',
    'courses_creator_id_display_order_idx');

-- course_modules ----------------------------------------------------------
SELECT set_eq(
    $$SELECT conname::text, contype::text FROM pg_catalog.pg_constraint
       WHERE conrelid = 'chronos.course_modules'::regclass AND contype <> 'n'$$,
    $$VALUES ('course_modules_pkey', 'p'),
           ('course_modules_course_id_creator_id_fkey', 'f'),
           ('course_modules_id_creator_id_key', 'u'),
           ('course_modules_id_course_id_key', 'u'),
           ('course_modules_metadata_check', 'c')$$,
    'course_modules: exactly these constraints (name, kind)');
SELECT is((SELECT pg_catalog.pg_get_constraintdef(oid) FROM pg_catalog.pg_constraint
            WHERE conrelid = 'chronos.course_modules'::regclass AND conname = 'course_modules_pkey'),
    'PRIMARY KEY (id)',
    'course_modules_pkey: PRIMARY KEY (id)');
SELECT is((SELECT pg_catalog.pg_get_constraintdef(oid) FROM pg_catalog.pg_constraint
            WHERE conrelid = 'chronos.course_modules'::regclass AND conname = 'course_modules_course_id_creator_id_fkey'),
    'FOREIGN KEY (course_id, creator_id) REFERENCES chronos.courses(id, creator_id) ON UPDATE CASCADE ON DELETE CASCADE',
    'course_modules_course_id_creator_id_fkey: FOREIGN KEY (course_id, creator_id) REFERENCES chronos.courses(id, creator_id) ON UPDATE CASCADE ON DELETE CASCADE');
SELECT is((SELECT pg_catalog.pg_get_constraintdef(oid) FROM pg_catalog.pg_constraint
            WHERE conrelid = 'chronos.course_modules'::regclass AND conname = 'course_modules_id_creator_id_key'),
    'UNIQUE (id, creator_id)',
    'course_modules_id_creator_id_key: UNIQUE (id, creator_id)');
SELECT is((SELECT pg_catalog.pg_get_constraintdef(oid) FROM pg_catalog.pg_constraint
            WHERE conrelid = 'chronos.course_modules'::regclass AND conname = 'course_modules_id_course_id_key'),
    'UNIQUE (id, course_id)',
    'course_modules_id_course_id_key: UNIQUE (id, course_id)');
SELECT fk_ok('chronos', 'course_modules', ARRAY['course_id', 'creator_id']::name[], 'chronos', 'courses', ARRAY['id', 'creator_id']::name[]);
SELECT indexes_are('chronos', 'course_modules', ARRAY['course_modules_course_id_display_order_idx', 'course_modules_creator_id_idx', 'course_modules_pkey', 'course_modules_id_creator_id_key', 'course_modules_id_course_id_key']::name[],
    'course_modules: exactly these indexes');
SELECT is((SELECT pg_catalog.pg_get_indexdef(oid) FROM pg_catalog.pg_class
            WHERE relnamespace = 'chronos'::regnamespace AND relname = 'course_modules_course_id_display_order_idx'),
    'CREATE INDEX course_modules_course_id_display_order_idx ON chronos.course_modules USING btree (course_id, display_order)',
    'course_modules_course_id_display_order_idx');
SELECT is((SELECT pg_catalog.pg_get_indexdef(oid) FROM pg_catalog.pg_class
            WHERE relnamespace = 'chronos'::regnamespace AND relname = 'course_modules_creator_id_idx'),
    'CREATE INDEX course_modules_creator_id_idx ON chronos.course_modules USING btree (creator_id)',
    'course_modules_creator_id_idx');

-- module_lessons ----------------------------------------------------------
SELECT set_eq(
    $$SELECT conname::text, contype::text FROM pg_catalog.pg_constraint
       WHERE conrelid = 'chronos.module_lessons'::regclass AND contype <> 'n'$$,
    $$VALUES ('module_lessons_pkey', 'p'),
           ('module_lessons_module_id_creator_id_fkey', 'f'),
           ('module_lessons_video_id_creator_id_fkey', 'f'),
           ('module_lessons_module_id_video_id_key', 'u'),
           ('module_lessons_module_id_lesson_order_key', 'u'),
           ('module_lessons_lesson_order_check', 'c'),
           ('module_lessons_estimated_duration_minutes_check', 'c'),
           ('module_lessons_metadata_check', 'c')$$,
    'module_lessons: exactly these constraints (name, kind)');
SELECT is((SELECT pg_catalog.pg_get_constraintdef(oid) FROM pg_catalog.pg_constraint
            WHERE conrelid = 'chronos.module_lessons'::regclass AND conname = 'module_lessons_pkey'),
    'PRIMARY KEY (id)',
    'module_lessons_pkey: PRIMARY KEY (id)');
SELECT is((SELECT pg_catalog.pg_get_constraintdef(oid) FROM pg_catalog.pg_constraint
            WHERE conrelid = 'chronos.module_lessons'::regclass AND conname = 'module_lessons_module_id_creator_id_fkey'),
    'FOREIGN KEY (module_id, creator_id) REFERENCES chronos.course_modules(id, creator_id) ON UPDATE CASCADE ON DELETE CASCADE',
    'module_lessons_module_id_creator_id_fkey: FOREIGN KEY (module_id, creator_id) REFERENCES chronos.course_modules(id, creator_id) ON UPDATE CASCADE ON DELETE CASCADE');
SELECT is((SELECT pg_catalog.pg_get_constraintdef(oid) FROM pg_catalog.pg_constraint
            WHERE conrelid = 'chronos.module_lessons'::regclass AND conname = 'module_lessons_video_id_creator_id_fkey'),
    'FOREIGN KEY (video_id, creator_id) REFERENCES chronos.videos(id, creator_id) ON DELETE CASCADE',
    'module_lessons_video_id_creator_id_fkey: FOREIGN KEY (video_id, creator_id) REFERENCES chronos.videos(id, creator_id) ON DELETE CASCADE');
SELECT is((SELECT pg_catalog.pg_get_constraintdef(oid) FROM pg_catalog.pg_constraint
            WHERE conrelid = 'chronos.module_lessons'::regclass AND conname = 'module_lessons_module_id_video_id_key'),
    'UNIQUE (module_id, video_id)',
    'module_lessons_module_id_video_id_key: UNIQUE (module_id, video_id)');
SELECT is((SELECT pg_catalog.pg_get_constraintdef(oid) FROM pg_catalog.pg_constraint
            WHERE conrelid = 'chronos.module_lessons'::regclass AND conname = 'module_lessons_module_id_lesson_order_key'),
    'UNIQUE (module_id, lesson_order) DEFERRABLE',
    'module_lessons_module_id_lesson_order_key: UNIQUE (module_id, lesson_order) DEFERRABLE');
SELECT fk_ok('chronos', 'module_lessons', ARRAY['module_id', 'creator_id']::name[], 'chronos', 'course_modules', ARRAY['id', 'creator_id']::name[]);
SELECT fk_ok('chronos', 'module_lessons', ARRAY['video_id', 'creator_id']::name[], 'chronos', 'videos', ARRAY['id', 'creator_id']::name[]);
SELECT indexes_are('chronos', 'module_lessons', ARRAY['module_lessons_video_id_idx', 'module_lessons_creator_id_idx', 'module_lessons_pkey', 'module_lessons_module_id_video_id_key', 'module_lessons_module_id_lesson_order_key']::name[],
    'module_lessons: exactly these indexes');
SELECT is((SELECT pg_catalog.pg_get_indexdef(oid) FROM pg_catalog.pg_class
            WHERE relnamespace = 'chronos'::regnamespace AND relname = 'module_lessons_video_id_idx'),
    'CREATE INDEX module_lessons_video_id_idx ON chronos.module_lessons USING btree (video_id)',
    'module_lessons_video_id_idx');
SELECT is((SELECT pg_catalog.pg_get_indexdef(oid) FROM pg_catalog.pg_class
            WHERE relnamespace = 'chronos'::regnamespace AND relname = 'module_lessons_creator_id_idx'),
    'CREATE INDEX module_lessons_creator_id_idx ON chronos.module_lessons USING btree (creator_id)',
    'module_lessons_creator_id_idx');

-- video_watch_sessions ----------------------------------------------------
SELECT set_eq(
    $$SELECT conname::text, contype::text FROM pg_catalog.pg_constraint
       WHERE conrelid = 'chronos.video_watch_sessions'::regclass AND contype <> 'n'$$,
    $$VALUES ('video_watch_sessions_pkey', 'p'),
           ('video_watch_sessions_creator_id_fkey', 'f'),
           ('video_watch_sessions_video_id_creator_id_fkey', 'f'),
           ('video_watch_sessions_student_id_creator_id_fkey', 'f'),
           ('video_watch_sessions_course_id_creator_id_fkey', 'f'),
           ('video_watch_sessions_module_id_creator_id_fkey', 'f'),
           ('video_watch_sessions_module_id_course_id_fkey', 'f'),
           ('video_watch_sessions_session_end_check', 'c'),
           ('video_watch_sessions_watch_time_seconds_check', 'c'),
           ('video_watch_sessions_watch_time_ms_check', 'c'),
           ('video_watch_sessions_percent_complete_check', 'c'),
           ('video_watch_sessions_last_position_seconds_check', 'c'),
           ('video_watch_sessions_device_type_check', 'c'),
           ('video_watch_sessions_referrer_type_check', 'c'),
           ('video_watch_sessions_metadata_check', 'c')$$,
    'video_watch_sessions: exactly these constraints (name, kind)');
SELECT is((SELECT pg_catalog.pg_get_constraintdef(oid) FROM pg_catalog.pg_constraint
            WHERE conrelid = 'chronos.video_watch_sessions'::regclass AND conname = 'video_watch_sessions_pkey'),
    'PRIMARY KEY (id)',
    'video_watch_sessions_pkey: PRIMARY KEY (id)');
SELECT is((SELECT pg_catalog.pg_get_constraintdef(oid) FROM pg_catalog.pg_constraint
            WHERE conrelid = 'chronos.video_watch_sessions'::regclass AND conname = 'video_watch_sessions_creator_id_fkey'),
    'FOREIGN KEY (creator_id) REFERENCES chronos.creators(id) ON DELETE CASCADE',
    'video_watch_sessions_creator_id_fkey: FOREIGN KEY (creator_id) REFERENCES chronos.creators(id) ON DELETE CASCADE');
SELECT is((SELECT pg_catalog.pg_get_constraintdef(oid) FROM pg_catalog.pg_constraint
            WHERE conrelid = 'chronos.video_watch_sessions'::regclass AND conname = 'video_watch_sessions_video_id_creator_id_fkey'),
    'FOREIGN KEY (video_id, creator_id) REFERENCES chronos.videos(id, creator_id) ON DELETE CASCADE',
    'video_watch_sessions_video_id_creator_id_fkey: FOREIGN KEY (video_id, creator_id) REFERENCES chronos.videos(id, creator_id) ON DELETE CASCADE');
SELECT is((SELECT pg_catalog.pg_get_constraintdef(oid) FROM pg_catalog.pg_constraint
            WHERE conrelid = 'chronos.video_watch_sessions'::regclass AND conname = 'video_watch_sessions_student_id_creator_id_fkey'),
    'FOREIGN KEY (student_id, creator_id) REFERENCES chronos.students(id, creator_id) ON DELETE CASCADE',
    'video_watch_sessions_student_id_creator_id_fkey: FOREIGN KEY (student_id, creator_id) REFERENCES chronos.students(id, creator_id) ON DELETE CASCADE');
SELECT is((SELECT pg_catalog.pg_get_constraintdef(oid) FROM pg_catalog.pg_constraint
            WHERE conrelid = 'chronos.video_watch_sessions'::regclass AND conname = 'video_watch_sessions_course_id_creator_id_fkey'),
    'FOREIGN KEY (course_id, creator_id) REFERENCES chronos.courses(id, creator_id) ON DELETE SET NULL (course_id)',
    'video_watch_sessions_course_id_creator_id_fkey: FOREIGN KEY (course_id, creator_id) REFERENCES chronos.courses(id, creator_id) ON DELETE SET NULL (course_id)');
SELECT is((SELECT pg_catalog.pg_get_constraintdef(oid) FROM pg_catalog.pg_constraint
            WHERE conrelid = 'chronos.video_watch_sessions'::regclass AND conname = 'video_watch_sessions_module_id_creator_id_fkey'),
    'FOREIGN KEY (module_id, creator_id) REFERENCES chronos.course_modules(id, creator_id) ON DELETE SET NULL (module_id)',
    'video_watch_sessions_module_id_creator_id_fkey: FOREIGN KEY (module_id, creator_id) REFERENCES chronos.course_modules(id, creator_id) ON DELETE SET NULL (module_id)');
SELECT is((SELECT pg_catalog.count(*)::integer FROM pg_catalog.pg_trigger
            WHERE tgrelid = 'chronos.video_analytics_events'::regclass AND tgname = 'video_analytics_events_check_session'
              AND tgfoid = 'chronos.check_event_session()'::regprocedure),
    1,
    'an event''s session must be of its student and video: trigger video_analytics_events_check_session (no unique key on the sessions'' (id, student_id, video_id) to pay for)');
SELECT fk_ok('chronos', 'video_watch_sessions', ARRAY['creator_id']::name[], 'chronos', 'creators', ARRAY['id']::name[]);
SELECT fk_ok('chronos', 'video_watch_sessions', ARRAY['video_id', 'creator_id']::name[], 'chronos', 'videos', ARRAY['id', 'creator_id']::name[]);
SELECT fk_ok('chronos', 'video_watch_sessions', ARRAY['student_id', 'creator_id']::name[], 'chronos', 'students', ARRAY['id', 'creator_id']::name[]);
SELECT fk_ok('chronos', 'video_watch_sessions', ARRAY['course_id', 'creator_id']::name[], 'chronos', 'courses', ARRAY['id', 'creator_id']::name[]);
SELECT fk_ok('chronos', 'video_watch_sessions', ARRAY['module_id', 'creator_id']::name[], 'chronos', 'course_modules', ARRAY['id', 'creator_id']::name[]);
SELECT indexes_are('chronos', 'video_watch_sessions', ARRAY['video_watch_sessions_student_id_idx', 'video_watch_sessions_video_id_session_start_idx', 'video_watch_sessions_creator_id_idx', 'video_watch_sessions_open_last_heartbeat_at_idx', 'video_watch_sessions_course_id_idx', 'video_watch_sessions_module_id_idx', 'video_watch_sessions_pkey']::name[],
    'video_watch_sessions: exactly these indexes');
SELECT is((SELECT pg_catalog.pg_get_indexdef(oid) FROM pg_catalog.pg_class
            WHERE relnamespace = 'chronos'::regnamespace AND relname = 'video_watch_sessions_student_id_idx'),
    'CREATE INDEX video_watch_sessions_student_id_idx ON chronos.video_watch_sessions USING btree (student_id)',
    'video_watch_sessions_student_id_idx');
SELECT is((SELECT pg_catalog.pg_get_indexdef(oid) FROM pg_catalog.pg_class
            WHERE relnamespace = 'chronos'::regnamespace AND relname = 'video_watch_sessions_video_id_session_start_idx'),
    'CREATE INDEX video_watch_sessions_video_id_session_start_idx ON chronos.video_watch_sessions USING btree (video_id, session_start)',
    'video_watch_sessions_video_id_session_start_idx');
SELECT is((SELECT pg_catalog.pg_get_indexdef(oid) FROM pg_catalog.pg_class
            WHERE relnamespace = 'chronos'::regnamespace AND relname = 'video_watch_sessions_creator_id_idx'),
    'CREATE INDEX video_watch_sessions_creator_id_idx ON chronos.video_watch_sessions USING btree (creator_id)',
    'video_watch_sessions_creator_id_idx');
SELECT is((SELECT pg_catalog.pg_get_indexdef(oid) FROM pg_catalog.pg_class
            WHERE relnamespace = 'chronos'::regnamespace AND relname = 'video_watch_sessions_open_last_heartbeat_at_idx'),
    'CREATE INDEX video_watch_sessions_open_last_heartbeat_at_idx ON chronos.video_watch_sessions USING btree (video_id, last_heartbeat_at) WHERE (session_end IS NULL)',
    'video_watch_sessions_open_last_heartbeat_at_idx');
SELECT is((SELECT pg_catalog.pg_get_indexdef(oid) FROM pg_catalog.pg_class
            WHERE relnamespace = 'chronos'::regnamespace AND relname = 'video_watch_sessions_course_id_idx'),
    'CREATE INDEX video_watch_sessions_course_id_idx ON chronos.video_watch_sessions USING btree (course_id) WHERE (course_id IS NOT NULL)',
    'video_watch_sessions_course_id_idx');
SELECT is((SELECT pg_catalog.pg_get_indexdef(oid) FROM pg_catalog.pg_class
            WHERE relnamespace = 'chronos'::regnamespace AND relname = 'video_watch_sessions_module_id_idx'),
    'CREATE INDEX video_watch_sessions_module_id_idx ON chronos.video_watch_sessions USING btree (module_id) WHERE (module_id IS NOT NULL)',
    'video_watch_sessions_module_id_idx');

-- video_analytics_events --------------------------------------------------
SELECT set_eq(
    $$SELECT conname::text, contype::text FROM pg_catalog.pg_constraint
       WHERE conrelid = 'chronos.video_analytics_events'::regclass AND contype <> 'n'$$,
    $$VALUES ('video_analytics_events_creator_id_fkey', 'f'),
           ('video_analytics_events_video_id_creator_id_fkey', 'f'),
           ('video_analytics_events_student_id_creator_id_fkey', 'f'),
           ('video_analytics_events_course_id_creator_id_fkey', 'f'),
           ('video_analytics_events_module_id_creator_id_fkey', 'f'),
           ('video_analytics_events_module_id_course_id_fkey', 'f'),
           ('video_analytics_events_session_id_fkey', 'f'),
           ('video_analytics_events_session_id_check', 'c'),
           ('video_analytics_events_metadata_check', 'c')$$,
    'video_analytics_events: exactly these constraints (name, kind)');
SELECT is((SELECT pg_catalog.pg_get_partkeydef('chronos.video_analytics_events'::regclass)),
    'RANGE ("timestamp")',
    'video_analytics_events: partitioned by range of "timestamp", so no key spans its partitions');
SELECT is((SELECT pg_catalog.pg_get_constraintdef(oid) FROM pg_catalog.pg_constraint
            WHERE conrelid = 'chronos.video_analytics_events'::regclass AND conname = 'video_analytics_events_creator_id_fkey'),
    'FOREIGN KEY (creator_id) REFERENCES chronos.creators(id) ON DELETE CASCADE',
    'video_analytics_events_creator_id_fkey: FOREIGN KEY (creator_id) REFERENCES chronos.creators(id) ON DELETE CASCADE');
SELECT is((SELECT pg_catalog.pg_get_constraintdef(oid) FROM pg_catalog.pg_constraint
            WHERE conrelid = 'chronos.video_analytics_events'::regclass AND conname = 'video_analytics_events_video_id_creator_id_fkey'),
    'FOREIGN KEY (video_id, creator_id) REFERENCES chronos.videos(id, creator_id) ON DELETE CASCADE',
    'video_analytics_events_video_id_creator_id_fkey: FOREIGN KEY (video_id, creator_id) REFERENCES chronos.videos(id, creator_id) ON DELETE CASCADE');
SELECT is((SELECT pg_catalog.pg_get_constraintdef(oid) FROM pg_catalog.pg_constraint
            WHERE conrelid = 'chronos.video_analytics_events'::regclass AND conname = 'video_analytics_events_student_id_creator_id_fkey'),
    'FOREIGN KEY (student_id, creator_id) REFERENCES chronos.students(id, creator_id) ON DELETE CASCADE',
    'video_analytics_events_student_id_creator_id_fkey: FOREIGN KEY (student_id, creator_id) REFERENCES chronos.students(id, creator_id) ON DELETE CASCADE');
SELECT is((SELECT pg_catalog.pg_get_constraintdef(oid) FROM pg_catalog.pg_constraint
            WHERE conrelid = 'chronos.video_analytics_events'::regclass AND conname = 'video_analytics_events_course_id_creator_id_fkey'),
    'FOREIGN KEY (course_id, creator_id) REFERENCES chronos.courses(id, creator_id) ON DELETE SET NULL (course_id)',
    'video_analytics_events_course_id_creator_id_fkey: FOREIGN KEY (course_id, creator_id) REFERENCES chronos.courses(id, creator_id) ON DELETE SET NULL (course_id)');
SELECT is((SELECT pg_catalog.pg_get_constraintdef(oid) FROM pg_catalog.pg_constraint
            WHERE conrelid = 'chronos.video_analytics_events'::regclass AND conname = 'video_analytics_events_module_id_creator_id_fkey'),
    'FOREIGN KEY (module_id, creator_id) REFERENCES chronos.course_modules(id, creator_id) ON DELETE SET NULL (module_id)',
    'video_analytics_events_module_id_creator_id_fkey: FOREIGN KEY (module_id, creator_id) REFERENCES chronos.course_modules(id, creator_id) ON DELETE SET NULL (module_id)');
SELECT is((SELECT pg_catalog.pg_get_constraintdef(oid) FROM pg_catalog.pg_constraint
            WHERE conrelid = 'chronos.video_analytics_events'::regclass AND conname = 'video_analytics_events_module_id_course_id_fkey'),
    'FOREIGN KEY (module_id, course_id) REFERENCES chronos.course_modules(id, course_id) ON DELETE SET NULL (module_id)',
    'video_analytics_events_module_id_course_id_fkey: FOREIGN KEY (module_id, course_id) REFERENCES chronos.course_modules(id, course_id) ON DELETE SET NULL (module_id)');
SELECT is((SELECT pg_catalog.pg_get_constraintdef(oid) FROM pg_catalog.pg_constraint
            WHERE conrelid = 'chronos.video_analytics_events'::regclass AND conname = 'video_analytics_events_session_id_fkey'),
    'FOREIGN KEY (session_id) REFERENCES chronos.video_watch_sessions(id) ON DELETE SET NULL (session_id)',
    'video_analytics_events_session_id_fkey: FOREIGN KEY (session_id) REFERENCES chronos.video_watch_sessions(id) ON DELETE SET NULL (session_id)');
SELECT fk_ok('chronos', 'video_analytics_events', ARRAY['creator_id']::name[], 'chronos', 'creators', ARRAY['id']::name[]);
SELECT fk_ok('chronos', 'video_analytics_events', ARRAY['video_id', 'creator_id']::name[], 'chronos', 'videos', ARRAY['id', 'creator_id']::name[]);
SELECT fk_ok('chronos', 'video_analytics_events', ARRAY['student_id', 'creator_id']::name[], 'chronos', 'students', ARRAY['id', 'creator_id']::name[]);
SELECT fk_ok('chronos', 'video_analytics_events', ARRAY['course_id', 'creator_id']::name[], 'chronos', 'courses', ARRAY['id', 'creator_id']::name[]);
SELECT fk_ok('chronos', 'video_analytics_events', ARRAY['module_id', 'creator_id']::name[], 'chronos', 'course_modules', ARRAY['id', 'creator_id']::name[]);
SELECT fk_ok('chronos', 'video_analytics_events', ARRAY['module_id', 'course_id']::name[], 'chronos', 'course_modules', ARRAY['id', 'course_id']::name[]);
SELECT fk_ok('chronos', 'video_analytics_events', ARRAY['session_id']::name[], 'chronos', 'video_watch_sessions', ARRAY['id']::name[]);
SELECT indexes_are('chronos', 'video_analytics_events', ARRAY[]::name[],
    'video_analytics_events: no partitioned index (each partition has its own, copied from the default partition)');
SELECT indexes_are('chronos', 'video_analytics_events_default', ARRAY['video_analytics_events_default_id_idx', 'video_analytics_events_default_video_id_timestamp_idx', 'video_analytics_events_default_creator_id_idx', 'video_analytics_events_default_student_id_idx', 'video_analytics_events_default_course_id_idx', 'video_analytics_events_default_module_id_idx', 'video_analytics_events_default_session_id_idx', 'video_analytics_events_default_timestamp_idx', 'video_analytics_events_default_transcribed_idx']::name[],
    'video_analytics_events_default: exactly these indexes');
SELECT is((SELECT pg_catalog.pg_get_indexdef(oid) FROM pg_catalog.pg_class
            WHERE relnamespace = 'chronos'::regnamespace AND relname = 'video_analytics_events_default_id_idx'),
    'CREATE INDEX video_analytics_events_default_id_idx ON chronos.video_analytics_events_default USING hash (id) WHERE id_given',
    'video_analytics_events_default_id_idx');
SELECT is((SELECT pg_catalog.pg_get_indexdef(oid) FROM pg_catalog.pg_class
            WHERE relnamespace = 'chronos'::regnamespace AND relname = 'video_analytics_events_default_video_id_timestamp_idx'),
    'CREATE INDEX video_analytics_events_default_video_id_timestamp_idx ON chronos.video_analytics_events_default USING btree (video_id, "timestamp" DESC)',
    'video_analytics_events_default_video_id_timestamp_idx');
SELECT is((SELECT pg_catalog.pg_get_indexdef(oid) FROM pg_catalog.pg_class
            WHERE relnamespace = 'chronos'::regnamespace AND relname = 'video_analytics_events_default_creator_id_idx'),
    'CREATE INDEX video_analytics_events_default_creator_id_idx ON chronos.video_analytics_events_default USING btree (creator_id)',
    'video_analytics_events_default_creator_id_idx');
SELECT is((SELECT pg_catalog.pg_get_indexdef(oid) FROM pg_catalog.pg_class
            WHERE relnamespace = 'chronos'::regnamespace AND relname = 'video_analytics_events_default_student_id_idx'),
    'CREATE INDEX video_analytics_events_default_student_id_idx ON chronos.video_analytics_events_default USING btree (student_id) WHERE (student_id IS NOT NULL)',
    'video_analytics_events_default_student_id_idx');
SELECT is((SELECT pg_catalog.pg_get_indexdef(oid) FROM pg_catalog.pg_class
            WHERE relnamespace = 'chronos'::regnamespace AND relname = 'video_analytics_events_default_course_id_idx'),
    'CREATE INDEX video_analytics_events_default_course_id_idx ON chronos.video_analytics_events_default USING btree (course_id) WHERE (course_id IS NOT NULL)',
    'video_analytics_events_default_course_id_idx');
SELECT is((SELECT pg_catalog.pg_get_indexdef(oid) FROM pg_catalog.pg_class
            WHERE relnamespace = 'chronos'::regnamespace AND relname = 'video_analytics_events_default_module_id_idx'),
    'CREATE INDEX video_analytics_events_default_module_id_idx ON chronos.video_analytics_events_default USING btree (module_id) WHERE (module_id IS NOT NULL)',
    'video_analytics_events_default_module_id_idx');
SELECT is((SELECT pg_catalog.pg_get_indexdef(oid) FROM pg_catalog.pg_class
            WHERE relnamespace = 'chronos'::regnamespace AND relname = 'video_analytics_events_default_session_id_idx'),
    'CREATE INDEX video_analytics_events_default_session_id_idx ON chronos.video_analytics_events_default USING btree (session_id) WHERE (session_id IS NOT NULL)',
    'video_analytics_events_default_session_id_idx');

-- video_analytics ---------------------------------------------------------
SELECT set_eq(
    $$SELECT conname::text, contype::text FROM pg_catalog.pg_constraint
       WHERE conrelid = 'chronos.video_analytics'::regclass AND contype <> 'n'$$,
    $$VALUES ('video_analytics_pkey', 'p'),
           ('video_analytics_creator_id_fkey', 'f'),
           ('video_analytics_video_id_creator_id_fkey', 'f'),
           ('video_analytics_counts_check', 'c'),
           ('video_analytics_completion_rate_check', 'c'),
           ('video_analytics_metadata_check', 'c')$$,
    'video_analytics: exactly these constraints (name, kind)');
SELECT is((SELECT pg_catalog.pg_get_constraintdef(oid) FROM pg_catalog.pg_constraint
            WHERE conrelid = 'chronos.video_analytics'::regclass AND conname = 'video_analytics_pkey'),
    'PRIMARY KEY (video_id, date, creator_id)',
    'video_analytics_pkey: PRIMARY KEY (video_id, date, creator_id) (creator_id: Citus distributes by it)');
SELECT is((SELECT pg_catalog.pg_get_constraintdef(oid) FROM pg_catalog.pg_constraint
            WHERE conrelid = 'chronos.video_analytics'::regclass AND conname = 'video_analytics_creator_id_fkey'),
    'FOREIGN KEY (creator_id) REFERENCES chronos.creators(id) ON DELETE CASCADE',
    'video_analytics_creator_id_fkey: FOREIGN KEY (creator_id) REFERENCES chronos.creators(id) ON DELETE CASCADE');
SELECT is((SELECT pg_catalog.pg_get_constraintdef(oid) FROM pg_catalog.pg_constraint
            WHERE conrelid = 'chronos.video_analytics'::regclass AND conname = 'video_analytics_video_id_creator_id_fkey'),
    'FOREIGN KEY (video_id, creator_id) REFERENCES chronos.videos(id, creator_id) ON DELETE CASCADE',
    'video_analytics_video_id_creator_id_fkey: FOREIGN KEY (video_id, creator_id) REFERENCES chronos.videos(id, creator_id) ON DELETE CASCADE');
SELECT fk_ok('chronos', 'video_analytics', ARRAY['creator_id']::name[], 'chronos', 'creators', ARRAY['id']::name[]);
SELECT fk_ok('chronos', 'video_analytics', ARRAY['video_id', 'creator_id']::name[], 'chronos', 'videos', ARRAY['id', 'creator_id']::name[]);
SELECT indexes_are('chronos', 'video_analytics', ARRAY['video_analytics_creator_id_date_idx', 'video_analytics_pkey']::name[],
    'video_analytics: exactly these indexes');
SELECT is((SELECT pg_catalog.pg_get_indexdef(oid) FROM pg_catalog.pg_class
            WHERE relnamespace = 'chronos'::regnamespace AND relname = 'video_analytics_creator_id_date_idx'),
    'CREATE INDEX video_analytics_creator_id_date_idx ON chronos.video_analytics USING btree (creator_id, date)',
    'video_analytics_creator_id_date_idx');

-- across the schema -------------------------------------------------------

-- FK ON DELETE actions, straight from pg_constraint: c = CASCADE,
-- n = SET NULL (of the columns in confdelsetcols only).
SELECT set_eq(
    $$SELECT c.conname::text, c.confdeltype::text,
             coalesce((SELECT string_agg(a.attname, ', ' ORDER BY a.attname)
                         FROM unnest(c.confdelsetcols) AS k (attnum)
                         JOIN pg_catalog.pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum), '')
        FROM pg_catalog.pg_constraint c
       WHERE c.connamespace = 'chronos'::regnamespace AND c.contype = 'f'$$,
    $$VALUES ('students_creator_id_fkey', 'c', ''),
             ('videos_creator_id_fkey', 'c', ''),
             ('courses_creator_id_fkey', 'c', ''),
             ('course_modules_course_id_creator_id_fkey', 'c', ''),
             ('module_lessons_module_id_creator_id_fkey', 'c', ''),
             ('module_lessons_video_id_creator_id_fkey', 'c', ''),
             ('video_watch_sessions_creator_id_fkey', 'c', ''),
             ('video_watch_sessions_video_id_creator_id_fkey', 'c', ''),
             ('video_watch_sessions_student_id_creator_id_fkey', 'c', ''),
             ('video_watch_sessions_course_id_creator_id_fkey', 'n', 'course_id'),
             ('video_watch_sessions_module_id_creator_id_fkey', 'n', 'module_id'),
             ('video_watch_sessions_module_id_course_id_fkey', 'n', 'module_id'),
             ('video_analytics_events_creator_id_fkey', 'c', ''),
             ('video_analytics_events_video_id_creator_id_fkey', 'c', ''),
             ('video_analytics_events_student_id_creator_id_fkey', 'c', ''),
             ('video_analytics_events_course_id_creator_id_fkey', 'n', 'course_id'),
             ('video_analytics_events_module_id_creator_id_fkey', 'n', 'module_id'),
             ('video_analytics_events_module_id_course_id_fkey', 'n', 'module_id'),
             ('video_analytics_events_session_id_fkey', 'n', 'session_id'),
             ('video_analytics_creator_id_fkey', 'c', ''),
             ('video_analytics_video_id_creator_id_fkey', 'c', ''),
             ('usage_metrics_creator_id_fkey', 'c', ''),
             ('usage_metrics_video_id_creator_id_fkey', 'c', '')$$,
    'every foreign key and its ON DELETE action (SET NULL only of the optional column, never of creator_id)');

-- Only the lesson position rule can be deferred, and it starts immediate.
SELECT results_eq(
    $$SELECT conname::text COLLATE "default", condeferrable, condeferred FROM pg_catalog.pg_constraint
       WHERE connamespace = 'chronos'::regnamespace AND (condeferrable OR condeferred)$$,
    $$VALUES ('module_lessons_module_id_lesson_order_key', true, false)$$,
    'module_lessons_module_id_lesson_order_key is the one DEFERRABLE INITIALLY IMMEDIATE constraint');

-- Index names: <table>_<columns>_idx (or the constraint's _key/_pkey), never
-- truncated at 63 bytes, so no two tables' indexes can collide.
SELECT is_empty(
    $$SELECT i.relname::text || ' on ' || t.relname
        FROM pg_catalog.pg_index x
        JOIN pg_catalog.pg_class i ON i.oid = x.indexrelid
        JOIN pg_catalog.pg_class t ON t.oid = x.indrelid
       WHERE t.relnamespace = 'chronos'::regnamespace
         AND (left(i.relname, length(t.relname) + 1) <> t.relname || '_'
              OR i.relname !~ '_(idx|key|pkey)$')$$,
    'every index is named <table>_..._idx, _key or _pkey');

-- Every foreign key can find its rows from an index (cascades and SET NULLs
-- on delete of the parent must not scan the child).  A partitioned table's
-- foreign keys are checked on each partition, where PostgreSQL clones them.
SELECT is_empty(
    $$SELECT c.conname::text
        FROM pg_catalog.pg_constraint c JOIN pg_catalog.pg_class r ON r.oid = c.conrelid
       WHERE c.connamespace = 'chronos'::regnamespace AND c.contype = 'f' AND r.relkind <> 'p'
         AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_index x
                          WHERE x.indrelid = c.conrelid AND x.indkey[0] = c.conkey[1])$$,
    'every foreign key''s first column leads an index of its table');

-- No unique index hides outside a declared constraint.
SELECT is_empty(
    $$SELECT i.relname::text
        FROM pg_catalog.pg_index x
        JOIN pg_catalog.pg_class i ON i.oid = x.indexrelid
        JOIN pg_catalog.pg_class t ON t.oid = x.indrelid
       WHERE t.relnamespace = 'chronos'::regnamespace AND x.indisunique
         AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint k WHERE k.conindid = x.indexrelid)$$,
    'every unique index backs a PRIMARY KEY or UNIQUE constraint');

SELECT * FROM finish();
ROLLBACK;
