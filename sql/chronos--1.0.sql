/*
 * chronos 1.0: the database layer of a video-learning platform.
 *
 * Creators publish videos (YouTube, Mux, Loom, Vimeo, Wistia or uploads) and
 * arrange them into courses, modules and lessons; their students watch them.
 * Every table lives in schema chronos, has row-level security enabled and is
 * registered with pg_extension_config_dump so that pg_dump keeps its rows.
 *
 * Tenant integrity is held by the database, not by callers: every table that
 * belongs to a creator carries creator_id, and composite foreign keys such as
 * (video_id, creator_id) -> videos (id, creator_id) make it impossible to
 * attach one creator's video, student, course or module to another creator's
 * rows, whoever writes them.
 */

\echo Use "CREATE EXTENSION chronos" to load this file. \quit

-- Row rules and triggers implemented in C -----------------------------------

CREATE FUNCTION @extschema@.is_valid_timezone(p_timezone text)
RETURNS boolean
AS 'MODULE_PATHNAME', 'is_valid_timezone'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.is_valid_timezone(text) IS
'True when the text names a time zone PostgreSQL knows (for example Europe/Paris or UTC); used by the CHECK on creators.timezone.';

CREATE FUNCTION @extschema@.set_updated_at()
RETURNS trigger
AS 'MODULE_PATHNAME', 'set_updated_at'
LANGUAGE C;
COMMENT ON FUNCTION @extschema@.set_updated_at() IS
'BEFORE UPDATE trigger: sets updated_at to the transaction time, whatever value the UPDATE gave.';

CREATE FUNCTION @extschema@.fill_creator_id()
RETURNS trigger
AS 'MODULE_PATHNAME', 'fill_creator_id'
LANGUAGE C;
COMMENT ON FUNCTION @extschema@.fill_creator_id() IS
'BEFORE INSERT trigger with arguments (parent table, key column): when creator_id is NULL, copies it from the parent row; a given creator_id is left for the composite foreign key to verify.';

CREATE FUNCTION @extschema@.check_event_session()
RETURNS trigger
AS 'MODULE_PATHNAME', 'check_event_session'
LANGUAGE C;
COMMENT ON FUNCTION @extschema@.check_event_session() IS
'AFTER INSERT OR UPDATE trigger on video_analytics_events: an event''s session must be a watch session of the event''s student and video (the foreign key on session_id makes it exist).';

CREATE FUNCTION @extschema@.auto_complete_watch_session()
RETURNS trigger
AS 'MODULE_PATHNAME', 'auto_complete_watch_session'
LANGUAGE C;
COMMENT ON FUNCTION @extschema@.auto_complete_watch_session() IS
'BEFORE INSERT OR UPDATE trigger on video_watch_sessions: percent_complete at or above chronos.completion_threshold sets completed and, once, completed_at; a completed session never goes back.';

-- Identity -------------------------------------------------------------------
--
-- Who the caller is, read from request.jwt.claims (PostgREST, Supabase), else
-- request.jwt.claim.role / .sub, else chronos.creator_id / chronos.student_id,
-- and cached until those settings, the role, the statement or the
-- transaction change.  Every policy below is written with these functions.
--
-- PARALLEL SAFE is true of them: a parallel worker gets the leader's
-- settings, role and snapshot, so it resolves the same identity; the lookup
-- by sub is a read-only query (allowed in a worker) run as the extension's
-- owner and restored before returning.  It lets the planner push the policies
-- into parallel scans of the large tables.

CREATE FUNCTION @extschema@.current_creator_ids()
RETURNS uuid[]
AS 'MODULE_PATHNAME', 'current_creator_ids'
LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.current_creator_ids() IS
'The creators the caller acts as: the creator_id claim or chronos.creator_id, else every creator whose whop_user_id is the sub claim. Empty for an anonymous caller. Raises invalid_authorization_specification (28000) for malformed claims.';

CREATE FUNCTION @extschema@.current_student_ids()
RETURNS uuid[]
AS 'MODULE_PATHNAME', 'current_student_ids'
LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.current_student_ids() IS
'The student rows the caller is: the student_id claim or chronos.student_id, else every student whose whop_user_id is the sub claim (one per creator the person learns from). Empty for an anonymous caller.';

CREATE FUNCTION @extschema@.current_student_creator_ids()
RETURNS uuid[]
AS 'MODULE_PATHNAME', 'current_student_creator_ids'
LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.current_student_creator_ids() IS
'The creators whose student the caller is (the creator_id of each row of current_student_ids()): whose videos and published courses the caller may see.';

CREATE FUNCTION @extschema@.is_service_role()
RETURNS boolean
AS 'MODULE_PATHNAME', 'is_service_role'
LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.is_service_role() IS
'True for the service: the role claim is service_role, or the current role bypasses row-level security on chronos''s tables (a superuser, a BYPASSRLS role or the tables'' owner).';

CREATE FUNCTION @extschema@.service_id_floor()
RETURNS uuid
AS 'MODULE_PATHNAME', 'service_id_floor'
LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.service_id_floor() IS
'The nil uuid (below every uuid) for the service, NULL for anyone else. The policies'' service arm "creator_id >= chronos.service_id_floor()" matches every row for the service and none for anyone else, and unlike a bare is_service_role() it keeps an OR of policies answerable from an index.';

-- Types ----------------------------------------------------------------------

CREATE TYPE @extschema@.video_event_type AS ENUM (
    'video_imported',
    'video_transcribed',
    'video_embedded',
    'video_added_to_course',
    'video_started',
    'video_progress',
    'video_completed',
    'video_rewatched',
    'video_paused',
    'video_resumed',
    'video_seeked',
    'playback_speed_changed'
);
COMMENT ON TYPE @extschema@.video_event_type IS
'The kinds of analytics event: the eight lifecycle and viewing events, plus the four a real player emits (paused, resumed, seeked, speed changed).';

-- Watched ranges -------------------------------------------------------------
--
-- chronos.watch_ranges (src/watch_ranges.c): the parts of a video one viewing
-- actually played, in seconds to the millisecond, with how many times each
-- part was played.  Coverage (the unique seconds played) drives
-- coverage-based completion; the play counts are the rewatches; the
-- retention curve (src/retention.c) aggregates many values in one pass.

CREATE TYPE @extschema@.watch_ranges;

CREATE FUNCTION @extschema@.watch_ranges_in(cstring)
RETURNS @extschema@.watch_ranges
AS 'MODULE_PATHNAME', 'watch_ranges_in'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.watch_ranges_in(cstring) IS
'Input function of watch_ranges: reads {[start,end),...} in seconds, with an optional play count such as x2 after a range; the ranges may come in any order and overlap, and the value is their sum.';

CREATE FUNCTION @extschema@.watch_ranges_out(@extschema@.watch_ranges)
RETURNS cstring
AS 'MODULE_PATHNAME', 'watch_ranges_out'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.watch_ranges_out(@extschema@.watch_ranges) IS
'Output function of watch_ranges: the canonical text, such as {[0,10)x2,[10,30)}, ranges in ascending order, positions with at most three decimals.';

CREATE FUNCTION @extschema@.watch_ranges_recv(internal)
RETURNS @extschema@.watch_ranges
AS 'MODULE_PATHNAME', 'watch_ranges_recv'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.watch_ranges_recv(internal) IS
'Binary input function of watch_ranges: an int4 count, then start and end in milliseconds and the play count (int4 each) per range; only canonical values are accepted.';

CREATE FUNCTION @extschema@.watch_ranges_send(@extschema@.watch_ranges)
RETURNS bytea
AS 'MODULE_PATHNAME', 'watch_ranges_send'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.watch_ranges_send(@extschema@.watch_ranges) IS
'Binary output function of watch_ranges: an int4 count, then start and end in milliseconds and the play count (int4 each) per range.';

CREATE TYPE @extschema@.watch_ranges (
    INPUT = @extschema@.watch_ranges_in,
    OUTPUT = @extschema@.watch_ranges_out,
    RECEIVE = @extschema@.watch_ranges_recv,
    SEND = @extschema@.watch_ranges_send,
    INTERNALLENGTH = VARIABLE,
    ALIGNMENT = int4,
    STORAGE = extended
);
COMMENT ON TYPE @extschema@.watch_ranges IS
'The parts of a video one viewing played, in seconds to the millisecond, and how many times each was played: {[0,12.5),[20,31)x2}, {} for nothing. At most 1024 stored ranges: past that, touching ranges are merged keeping the lower play count (coverage stays exact), and a value that would still have more is refused.';

CREATE FUNCTION @extschema@.coverage(@extschema@.watch_ranges)
RETURNS numeric
AS 'MODULE_PATHNAME', 'watch_ranges_coverage'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.coverage(@extschema@.watch_ranges) IS
'Seconds of the video played at least once (the union of the ranges): 22.5 for {[0,12.5),[20,30)x2}.';

CREATE FUNCTION @extschema@.watch_ranges_plays(@extschema@.watch_ranges)
RETURNS numeric
AS 'MODULE_PATHNAME', 'watch_ranges_plays'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.watch_ranges_plays(@extschema@.watch_ranges) IS
'Seconds played counting repeats, the sum of length times play count: 32.5 for {[0,12.5),[20,30)x2}.';

CREATE FUNCTION @extschema@.range_count(@extschema@.watch_ranges)
RETURNS integer
AS 'MODULE_PATHNAME', 'watch_ranges_range_count'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.range_count(@extschema@.watch_ranges) IS
'The number of ranges stored (separate ranges, and parts played a different number of times), from 0 to 1024.';

CREATE FUNCTION @extschema@.watch_ranges_add(@extschema@.watch_ranges, p_from numeric, p_to numeric)
RETURNS @extschema@.watch_ranges
AS 'MODULE_PATHNAME', 'watch_ranges_add'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.watch_ranges_add(@extschema@.watch_ranges, numeric, numeric) IS
'The value with the range from p_from to p_to seconds played once more (positions rounded to the millisecond; parts not played before get play count 1). p_from = p_to adds nothing; a negative position or p_from > p_to raises invalid_parameter_value.';

CREATE FUNCTION @extschema@.watch_ranges_union(@extschema@.watch_ranges, @extschema@.watch_ranges)
RETURNS @extschema@.watch_ranges
AS 'MODULE_PATHNAME', 'watch_ranges_union'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.watch_ranges_union(@extschema@.watch_ranges, @extschema@.watch_ranges) IS
'Both values played: the union of their ranges, play counts added where they overlap (the operator +).';

CREATE FUNCTION @extschema@.watch_ranges_eq(@extschema@.watch_ranges, @extschema@.watch_ranges)
RETURNS boolean
AS 'MODULE_PATHNAME', 'watch_ranges_eq'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.watch_ranges_eq(@extschema@.watch_ranges, @extschema@.watch_ranges) IS
'True when both values have the same ranges with the same play counts (the operator =).';

CREATE FUNCTION @extschema@.watch_ranges_ne(@extschema@.watch_ranges, @extschema@.watch_ranges)
RETURNS boolean
AS 'MODULE_PATHNAME', 'watch_ranges_ne'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.watch_ranges_ne(@extschema@.watch_ranges, @extschema@.watch_ranges) IS
'True when the values differ in their ranges or play counts (the operator <>).';

CREATE OPERATOR @extschema@.+ (
    LEFTARG = @extschema@.watch_ranges,
    RIGHTARG = @extschema@.watch_ranges,
    FUNCTION = @extschema@.watch_ranges_union,
    COMMUTATOR = OPERATOR(@extschema@.+)
);
COMMENT ON OPERATOR @extschema@.+ (@extschema@.watch_ranges, @extschema@.watch_ranges) IS
'Both values played: the union of their ranges, play counts added where they overlap.';

CREATE OPERATOR @extschema@.= (
    LEFTARG = @extschema@.watch_ranges,
    RIGHTARG = @extschema@.watch_ranges,
    FUNCTION = @extschema@.watch_ranges_eq,
    COMMUTATOR = OPERATOR(@extschema@.=),
    NEGATOR = OPERATOR(@extschema@.<>),
    RESTRICT = eqsel,
    JOIN = eqjoinsel
);
COMMENT ON OPERATOR @extschema@.= (@extschema@.watch_ranges, @extschema@.watch_ranges) IS
'Same ranges with the same play counts.';

CREATE OPERATOR @extschema@.<> (
    LEFTARG = @extschema@.watch_ranges,
    RIGHTARG = @extschema@.watch_ranges,
    FUNCTION = @extschema@.watch_ranges_ne,
    COMMUTATOR = OPERATOR(@extschema@.<>),
    NEGATOR = OPERATOR(@extschema@.=),
    RESTRICT = neqsel,
    JOIN = neqjoinsel
);
COMMENT ON OPERATOR @extschema@.<> (@extschema@.watch_ranges, @extschema@.watch_ranges) IS
'Different ranges or play counts.';

-- retention_agg: one pass over the viewings of a video; the state is a C
-- struct that parallel workers serialize and the leader combines.

CREATE FUNCTION @extschema@.retention_max_buckets()
RETURNS integer
AS 'MODULE_PATHNAME', 'retention_max_buckets'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.retention_max_buckets() IS
'The most buckets retention_agg and video_retention cut a video into (1000); defined once, in C.';

CREATE FUNCTION @extschema@.retention_agg_transfn(internal, @extschema@.watch_ranges, numeric, integer)
RETURNS internal
AS 'MODULE_PATHNAME', 'retention_agg_transfn'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.retention_agg_transfn(internal, @extschema@.watch_ranges, numeric, integer) IS
'Transition function of retention_agg: checks the duration and the number of buckets and counts one value into the per-bucket totals.';

CREATE FUNCTION @extschema@.retention_agg_combine(internal, internal)
RETURNS internal
AS 'MODULE_PATHNAME', 'retention_agg_combine'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.retention_agg_combine(internal, internal) IS
'Combine function of retention_agg: adds the per-bucket totals of two partial states (parallel aggregation).';

CREATE FUNCTION @extschema@.retention_agg_serialize(internal)
RETURNS bytea
AS 'MODULE_PATHNAME', 'retention_agg_serialize'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.retention_agg_serialize(internal) IS
'Serialization function of retention_agg: the state as bytea, sent from parallel workers to the leader.';

CREATE FUNCTION @extschema@.retention_agg_deserialize(bytea, internal)
RETURNS internal
AS 'MODULE_PATHNAME', 'retention_agg_deserialize'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.retention_agg_deserialize(bytea, internal) IS
'Deserialization function of retention_agg: the state retention_agg_serialize wrote.';

CREATE FUNCTION @extschema@.retention_agg_final(internal)
RETURNS jsonb
AS 'MODULE_PATHNAME', 'retention_agg_final'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.retention_agg_final(internal) IS
'Final function of retention_agg: the jsonb array of buckets with their start, reach and plays.';

CREATE AGGREGATE @extschema@.retention_agg(@extschema@.watch_ranges, p_duration_seconds numeric, p_buckets integer) (
    SFUNC = @extschema@.retention_agg_transfn,
    STYPE = internal,
    SSPACE = 1700,
    FINALFUNC = @extschema@.retention_agg_final,
    FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = @extschema@.retention_agg_combine,
    SERIALFUNC = @extschema@.retention_agg_serialize,
    DESERIALFUNC = @extschema@.retention_agg_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.retention_agg(@extschema@.watch_ranges, numeric, integer) IS
'Retention curve of the viewings of one video: cuts p_duration_seconds into p_buckets equal buckets (1 to retention_max_buckets(), numbered from 0) and returns a jsonb array of {bucket, start_seconds, reach, plays}, one object per bucket. reach is the share (0 to 1) of the non-empty values that played any of the bucket; plays the mean over them of the highest play count in the bucket (so plays >= reach). Parts past the duration are ignored; NULL and empty values do not count. Rounded to six decimals; NULL over no rows. Turn it into rows with jsonb_to_recordset(...) AS (bucket integer, start_seconds numeric, reach numeric, plays numeric).';

-- creators -------------------------------------------------------------------

CREATE TABLE @extschema@.creators (
    id                uuid        NOT NULL DEFAULT pg_catalog.gen_random_uuid(),
    whop_company_id   text        NOT NULL,
    whop_user_id      text        NOT NULL,
    email             text,
    name              text,
    subscription_tier text        NOT NULL DEFAULT 'basic',
    settings          jsonb       NOT NULL DEFAULT '{}',
    timezone          text        NOT NULL DEFAULT 'UTC',
    is_active         boolean     NOT NULL DEFAULT true,
    last_login_at     timestamptz,
    metadata          jsonb       NOT NULL DEFAULT '{}',
    created_at        timestamptz NOT NULL DEFAULT pg_catalog.now(),
    updated_at        timestamptz NOT NULL DEFAULT pg_catalog.now(),
    CONSTRAINT creators_pkey PRIMARY KEY (id),
    CONSTRAINT creators_whop_company_id_key UNIQUE (whop_company_id),
    CONSTRAINT creators_subscription_tier_check
        CHECK (subscription_tier IN ('basic', 'pro', 'enterprise')),
    CONSTRAINT creators_timezone_check
        CHECK (@extschema@.is_valid_timezone(timezone)),
    CONSTRAINT creators_settings_check
        CHECK (pg_catalog.jsonb_typeof(settings) = 'object'),
    CONSTRAINT creators_metadata_check
        CHECK (pg_catalog.jsonb_typeof(metadata) = 'object')
);
CREATE INDEX creators_whop_user_id_idx ON @extschema@.creators (whop_user_id);

COMMENT ON TABLE @extschema@.creators IS
'A Whop company that publishes videos and courses: the tenant. Everything else belongs to one creator.';
COMMENT ON COLUMN @extschema@.creators.whop_company_id IS 'The Whop company this creator is; unique.';
COMMENT ON COLUMN @extschema@.creators.whop_user_id IS
'The Whop user who owns the company; matched against the JWT claim sub. One user may own several companies.';
COMMENT ON COLUMN @extschema@.creators.subscription_tier IS 'basic, pro or enterprise.';
COMMENT ON COLUMN @extschema@.creators.settings IS 'Creator preferences (a JSON object).';
COMMENT ON COLUMN @extschema@.creators.timezone IS
'The creator''s time zone (a name PostgreSQL knows); rollups and dashboards cut days at its local midnight.';
COMMENT ON COLUMN @extschema@.creators.metadata IS 'Free-form JSON object for the application.';

-- students -------------------------------------------------------------------

CREATE TABLE @extschema@.students (
    id                 uuid        NOT NULL DEFAULT pg_catalog.gen_random_uuid(),
    creator_id         uuid        NOT NULL,
    whop_user_id       text        NOT NULL,
    whop_membership_id text,
    email              text,
    name               text,
    preferences        jsonb       NOT NULL DEFAULT '{}',
    is_active          boolean     NOT NULL DEFAULT true,
    last_active_at     timestamptz,
    metadata           jsonb       NOT NULL DEFAULT '{}',
    created_at         timestamptz NOT NULL DEFAULT pg_catalog.now(),
    updated_at         timestamptz NOT NULL DEFAULT pg_catalog.now(),
    CONSTRAINT students_pkey PRIMARY KEY (id),
    CONSTRAINT students_creator_id_fkey FOREIGN KEY (creator_id)
        REFERENCES @extschema@.creators (id) ON DELETE CASCADE,
    CONSTRAINT students_creator_id_whop_user_id_key UNIQUE (creator_id, whop_user_id),
    CONSTRAINT students_id_creator_id_key UNIQUE (id, creator_id),
    CONSTRAINT students_preferences_check
        CHECK (pg_catalog.jsonb_typeof(preferences) = 'object'),
    CONSTRAINT students_metadata_check
        CHECK (pg_catalog.jsonb_typeof(metadata) = 'object')
);
CREATE INDEX students_whop_user_id_idx ON @extschema@.students (whop_user_id);

COMMENT ON TABLE @extschema@.students IS
'One learner of one creator. The same Whop user may learn from several creators: one row per creator.';
COMMENT ON COLUMN @extschema@.students.whop_user_id IS
'The learner''s Whop user; unique per creator, matched against the JWT claim sub.';
COMMENT ON COLUMN @extschema@.students.whop_membership_id IS 'The Whop membership that grants access.';
COMMENT ON COLUMN @extschema@.students.preferences IS 'Learner preferences (a JSON object).';
COMMENT ON COLUMN @extschema@.students.metadata IS 'Free-form JSON object for the application.';

-- videos ---------------------------------------------------------------------

CREATE TABLE @extschema@.videos (
    id                      uuid        NOT NULL DEFAULT pg_catalog.gen_random_uuid(),
    creator_id              uuid        NOT NULL,
    title                   text        NOT NULL,
    description             text,
    url                     text,
    storage_path            text,
    thumbnail_url           text,
    duration_seconds        integer,
    transcript              text,
    transcript_language     text,
    status                  text        NOT NULL DEFAULT 'pending',
    error_message           text,
    processing_started_at   timestamptz,
    processing_completed_at timestamptz,
    file_size_bytes         bigint,
    is_deleted              boolean     NOT NULL DEFAULT false,
    source_type             text        NOT NULL,
    youtube_video_id        text,
    youtube_channel_id      text,
    whop_lesson_id          text,
    mux_asset_id            text,
    mux_playback_id         text,
    embed_type              text,
    embed_id                text,
    metadata                jsonb       NOT NULL DEFAULT '{}',
    created_at              timestamptz NOT NULL DEFAULT pg_catalog.now(),
    updated_at              timestamptz NOT NULL DEFAULT pg_catalog.now(),
    CONSTRAINT videos_pkey PRIMARY KEY (id),
    CONSTRAINT videos_creator_id_fkey FOREIGN KEY (creator_id)
        REFERENCES @extschema@.creators (id) ON DELETE CASCADE,
    CONSTRAINT videos_id_creator_id_key UNIQUE (id, creator_id),
    CONSTRAINT videos_duration_seconds_check CHECK (duration_seconds > 0),
    CONSTRAINT videos_file_size_bytes_check CHECK (file_size_bytes >= 0),
    CONSTRAINT videos_status_check CHECK (status IN
        ('pending', 'uploading', 'transcribing', 'processing', 'completed', 'failed')),
    CONSTRAINT videos_source_type_check CHECK (source_type IN
        ('youtube', 'mux', 'loom', 'vimeo', 'wistia', 'upload')),
    -- One source per video: its id present, every other source's id absent.
    CONSTRAINT videos_youtube_source_check CHECK (
        (source_type = 'youtube') = (youtube_video_id IS NOT NULL)
        AND (youtube_channel_id IS NULL OR source_type = 'youtube')),
    CONSTRAINT videos_mux_source_check CHECK (
        (source_type = 'mux') = (mux_playback_id IS NOT NULL)
        AND (mux_asset_id IS NULL OR source_type = 'mux')),
    CONSTRAINT videos_embed_source_check CHECK (
        (source_type IN ('loom', 'vimeo', 'wistia')) = (embed_id IS NOT NULL)),
    CONSTRAINT videos_embed_type_check CHECK (
        CASE WHEN source_type IN ('loom', 'vimeo', 'wistia')
             THEN embed_type IS NOT NULL AND embed_type = source_type
             ELSE embed_type IS NULL END),
    CONSTRAINT videos_upload_source_check CHECK (
        (source_type = 'upload') = (storage_path IS NOT NULL)),
    CONSTRAINT videos_metadata_check
        CHECK (pg_catalog.jsonb_typeof(metadata) = 'object')
);
CREATE INDEX videos_creator_id_created_at_idx ON @extschema@.videos (creator_id, created_at DESC);
CREATE INDEX videos_youtube_video_id_idx ON @extschema@.videos (youtube_video_id)
    WHERE youtube_video_id IS NOT NULL;
CREATE INDEX videos_mux_asset_id_idx ON @extschema@.videos (mux_asset_id)
    WHERE mux_asset_id IS NOT NULL;
CREATE INDEX videos_mux_playback_id_idx ON @extschema@.videos (mux_playback_id)
    WHERE mux_playback_id IS NOT NULL;
CREATE INDEX videos_embed_id_idx ON @extschema@.videos (embed_type, embed_id)
    WHERE embed_id IS NOT NULL;
CREATE INDEX videos_whop_lesson_id_idx ON @extschema@.videos (whop_lesson_id)
    WHERE whop_lesson_id IS NOT NULL;

COMMENT ON TABLE @extschema@.videos IS
'One video of one creator, from exactly one source: youtube, mux, loom, vimeo, wistia or upload.';
COMMENT ON COLUMN @extschema@.videos.storage_path IS 'Where an uploaded file is stored; present exactly when source_type is upload.';
COMMENT ON COLUMN @extschema@.videos.duration_seconds IS 'Length of the video; NULL until known, then positive.';
COMMENT ON COLUMN @extschema@.videos.transcript IS 'Full transcript text (transcripts are kept, media is not).';
COMMENT ON COLUMN @extschema@.videos.status IS
'Processing state: pending, uploading, transcribing, processing, completed or failed.';
COMMENT ON COLUMN @extschema@.videos.error_message IS 'Why processing failed, when status is failed.';
COMMENT ON COLUMN @extschema@.videos.is_deleted IS 'Soft delete: hidden from listings, kept for analytics.';
COMMENT ON COLUMN @extschema@.videos.source_type IS
'Where the video lives: youtube, mux, loom, vimeo, wistia or upload. Decides which id column must be set.';
COMMENT ON COLUMN @extschema@.videos.youtube_video_id IS 'YouTube video id; present exactly when source_type is youtube.';
COMMENT ON COLUMN @extschema@.videos.youtube_channel_id IS 'YouTube channel of the video; only for youtube.';
COMMENT ON COLUMN @extschema@.videos.whop_lesson_id IS 'The Whop lesson this video is synchronised with, if any.';
COMMENT ON COLUMN @extschema@.videos.mux_asset_id IS 'Mux asset id; only for mux (optional).';
COMMENT ON COLUMN @extschema@.videos.mux_playback_id IS 'Mux playback id for HLS streaming; present exactly when source_type is mux.';
COMMENT ON COLUMN @extschema@.videos.embed_type IS 'For loom, vimeo and wistia: equal to source_type; otherwise NULL.';
COMMENT ON COLUMN @extschema@.videos.embed_id IS 'The platform id of an embedded video; present exactly for loom, vimeo and wistia.';
COMMENT ON COLUMN @extschema@.videos.metadata IS 'Free-form JSON object for the application.';

-- courses --------------------------------------------------------------------

CREATE TABLE @extschema@.courses (
    id            uuid        NOT NULL DEFAULT pg_catalog.gen_random_uuid(),
    creator_id    uuid        NOT NULL,
    title         text        NOT NULL,
    description   text,
    thumbnail_url text,
    is_published  boolean     NOT NULL DEFAULT false,
    published_at  timestamptz,
    display_order integer     NOT NULL DEFAULT 0,
    is_deleted    boolean     NOT NULL DEFAULT false,
    metadata      jsonb       NOT NULL DEFAULT '{}',
    created_at    timestamptz NOT NULL DEFAULT pg_catalog.now(),
    updated_at    timestamptz NOT NULL DEFAULT pg_catalog.now(),
    CONSTRAINT courses_pkey PRIMARY KEY (id),
    CONSTRAINT courses_creator_id_fkey FOREIGN KEY (creator_id)
        REFERENCES @extschema@.creators (id) ON DELETE CASCADE,
    CONSTRAINT courses_id_creator_id_key UNIQUE (id, creator_id),
    CONSTRAINT courses_metadata_check
        CHECK (pg_catalog.jsonb_typeof(metadata) = 'object')
);
CREATE INDEX courses_creator_id_display_order_idx ON @extschema@.courses (creator_id, display_order);

COMMENT ON TABLE @extschema@.courses IS 'A course of one creator, made of modules.';
COMMENT ON COLUMN @extschema@.courses.is_published IS 'Students see a course only once it is published.';
COMMENT ON COLUMN @extschema@.courses.display_order IS 'Position of the course in the creator''s catalogue.';
COMMENT ON COLUMN @extschema@.courses.is_deleted IS 'Soft delete: hidden from listings, kept for analytics.';
COMMENT ON COLUMN @extschema@.courses.metadata IS 'Free-form JSON object for the application.';

-- course_modules -------------------------------------------------------------

CREATE TABLE @extschema@.course_modules (
    id            uuid        NOT NULL DEFAULT pg_catalog.gen_random_uuid(),
    course_id     uuid        NOT NULL,
    creator_id    uuid        NOT NULL,
    title         text        NOT NULL,
    description   text,
    display_order integer     NOT NULL DEFAULT 0,
    metadata      jsonb       NOT NULL DEFAULT '{}',
    created_at    timestamptz NOT NULL DEFAULT pg_catalog.now(),
    updated_at    timestamptz NOT NULL DEFAULT pg_catalog.now(),
    CONSTRAINT course_modules_pkey PRIMARY KEY (id),
    CONSTRAINT course_modules_course_id_creator_id_fkey FOREIGN KEY (course_id, creator_id)
        REFERENCES @extschema@.courses (id, creator_id) ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT course_modules_id_creator_id_key UNIQUE (id, creator_id),
    CONSTRAINT course_modules_id_course_id_key UNIQUE (id, course_id),
    CONSTRAINT course_modules_metadata_check
        CHECK (pg_catalog.jsonb_typeof(metadata) = 'object')
);
CREATE INDEX course_modules_course_id_display_order_idx
    ON @extschema@.course_modules (course_id, display_order);
CREATE INDEX course_modules_creator_id_idx ON @extschema@.course_modules (creator_id);

COMMENT ON TABLE @extschema@.course_modules IS
'A module of a course: an ordered group of lessons (module_lessons).';
COMMENT ON COLUMN @extschema@.course_modules.creator_id IS
'The creator of the course, copied from it when omitted (trigger fill_creator_id) and kept equal to it by a foreign key.';
COMMENT ON COLUMN @extschema@.course_modules.display_order IS 'Position of the module in its course.';
COMMENT ON COLUMN @extschema@.course_modules.metadata IS 'Free-form JSON object for the application.';

-- module_lessons -------------------------------------------------------------

CREATE TABLE @extschema@.module_lessons (
    id                         uuid        NOT NULL DEFAULT pg_catalog.gen_random_uuid(),
    module_id                  uuid        NOT NULL,
    creator_id                 uuid        NOT NULL,
    video_id                   uuid        NOT NULL,
    lesson_order               integer     NOT NULL,
    title                      text,
    description                text,
    is_required                boolean     NOT NULL DEFAULT true,
    estimated_duration_minutes integer,
    metadata                   jsonb       NOT NULL DEFAULT '{}',
    created_at                 timestamptz NOT NULL DEFAULT pg_catalog.now(),
    updated_at                 timestamptz NOT NULL DEFAULT pg_catalog.now(),
    CONSTRAINT module_lessons_pkey PRIMARY KEY (id),
    CONSTRAINT module_lessons_module_id_creator_id_fkey FOREIGN KEY (module_id, creator_id)
        REFERENCES @extschema@.course_modules (id, creator_id) ON DELETE CASCADE ON UPDATE CASCADE,
    -- The lesson's video must belong to the creator of the module's course.
    CONSTRAINT module_lessons_video_id_creator_id_fkey FOREIGN KEY (video_id, creator_id)
        REFERENCES @extschema@.videos (id, creator_id) ON DELETE CASCADE,
    CONSTRAINT module_lessons_module_id_video_id_key UNIQUE (module_id, video_id),
    CONSTRAINT module_lessons_module_id_lesson_order_key UNIQUE (module_id, lesson_order)
        DEFERRABLE INITIALLY IMMEDIATE,
    CONSTRAINT module_lessons_lesson_order_check CHECK (lesson_order > 0),
    CONSTRAINT module_lessons_estimated_duration_minutes_check
        CHECK (estimated_duration_minutes > 0),
    CONSTRAINT module_lessons_metadata_check
        CHECK (pg_catalog.jsonb_typeof(metadata) = 'object')
);
CREATE INDEX module_lessons_video_id_idx ON @extschema@.module_lessons (video_id);
CREATE INDEX module_lessons_creator_id_idx ON @extschema@.module_lessons (creator_id);

COMMENT ON TABLE @extschema@.module_lessons IS
'A video placed in a module at a position. A video appears at most once per module and may be reused across modules.';
COMMENT ON COLUMN @extschema@.module_lessons.creator_id IS
'The creator of the module''s course, copied from the module when omitted; the video must belong to it.';
COMMENT ON COLUMN @extschema@.module_lessons.lesson_order IS
'Position in the module, from 1; unique per module, checked at the end of the statement so lessons can swap places.';
COMMENT ON COLUMN @extschema@.module_lessons.title IS 'Lesson title when it differs from the video''s.';
COMMENT ON COLUMN @extschema@.module_lessons.is_required IS 'Whether the lesson counts towards completing the module.';
COMMENT ON COLUMN @extschema@.module_lessons.estimated_duration_minutes IS 'Expected time to finish the lesson; NULL or positive.';
COMMENT ON COLUMN @extschema@.module_lessons.metadata IS 'Free-form JSON object for the application.';

-- video_watch_sessions -------------------------------------------------------

CREATE TABLE @extschema@.video_watch_sessions (
    id                    uuid        NOT NULL DEFAULT pg_catalog.gen_random_uuid(),
    video_id              uuid        NOT NULL,
    student_id            uuid        NOT NULL,
    creator_id            uuid        NOT NULL,
    course_id             uuid,
    module_id             uuid,
    session_start         timestamptz NOT NULL DEFAULT pg_catalog.now(),
    session_end           timestamptz,
    last_heartbeat_at     timestamptz,
    watch_time_seconds    integer     NOT NULL DEFAULT 0,
    watch_time_ms         bigint      NOT NULL DEFAULT 0,
    percent_complete      integer     NOT NULL DEFAULT 0,
    completed             boolean     NOT NULL DEFAULT false,
    completed_at          timestamptz,
    last_position_seconds numeric,
    watched               @extschema@.watch_ranges NOT NULL DEFAULT '{}',
    device_type           text,
    referrer_type         text,
    metadata              jsonb       NOT NULL DEFAULT '{}',
    created_at            timestamptz NOT NULL DEFAULT pg_catalog.now(),
    updated_at            timestamptz NOT NULL DEFAULT pg_catalog.now(),
    CONSTRAINT video_watch_sessions_pkey PRIMARY KEY (id),
    CONSTRAINT video_watch_sessions_creator_id_fkey FOREIGN KEY (creator_id)
        REFERENCES @extschema@.creators (id) ON DELETE CASCADE,
    CONSTRAINT video_watch_sessions_video_id_creator_id_fkey FOREIGN KEY (video_id, creator_id)
        REFERENCES @extschema@.videos (id, creator_id) ON DELETE CASCADE,
    CONSTRAINT video_watch_sessions_student_id_creator_id_fkey FOREIGN KEY (student_id, creator_id)
        REFERENCES @extschema@.students (id, creator_id) ON DELETE CASCADE,
    CONSTRAINT video_watch_sessions_course_id_creator_id_fkey FOREIGN KEY (course_id, creator_id)
        REFERENCES @extschema@.courses (id, creator_id) ON DELETE SET NULL (course_id),
    CONSTRAINT video_watch_sessions_module_id_creator_id_fkey FOREIGN KEY (module_id, creator_id)
        REFERENCES @extschema@.course_modules (id, creator_id) ON DELETE SET NULL (module_id),
    CONSTRAINT video_watch_sessions_module_id_course_id_fkey FOREIGN KEY (module_id, course_id)
        REFERENCES @extschema@.course_modules (id, course_id) ON DELETE SET NULL (module_id),
    CONSTRAINT video_watch_sessions_session_end_check CHECK (session_end >= session_start),
    CONSTRAINT video_watch_sessions_watch_time_seconds_check CHECK (watch_time_seconds >= 0),
    CONSTRAINT video_watch_sessions_watch_time_ms_check CHECK (watch_time_ms >= 0),
    CONSTRAINT video_watch_sessions_percent_complete_check
        CHECK (percent_complete BETWEEN 0 AND 100),
    CONSTRAINT video_watch_sessions_last_position_seconds_check
        CHECK (last_position_seconds >= 0),
    CONSTRAINT video_watch_sessions_device_type_check
        CHECK (device_type IN ('desktop', 'mobile', 'tablet')),
    CONSTRAINT video_watch_sessions_referrer_type_check
        CHECK (referrer_type IN ('course_page', 'direct_link', 'search', 'chat_reference')),
    CONSTRAINT video_watch_sessions_metadata_check
        CHECK (pg_catalog.jsonb_typeof(metadata) = 'object')
);
-- Indexes, each for named queries.  Student and creator keys repeat a lot,
-- so B-tree deduplication keeps their indexes to a few bytes a session.
CREATE INDEX video_watch_sessions_student_id_idx
    ON @extschema@.video_watch_sessions (student_id);
COMMENT ON INDEX @extschema@.video_watch_sessions_student_id_idx IS
'A student''s sessions: the three helpers, get_resume_position, course_progress (WHERE student_id = $1 AND video_id = $2); erasing a student.';
CREATE INDEX video_watch_sessions_video_id_session_start_idx
    ON @extschema@.video_watch_sessions (video_id, session_start);
COMMENT ON INDEX @extschema@.video_watch_sessions_video_id_session_start_idx IS
'A video''s sessions by start: refresh_video_analytics (a video''s local day), video_retention, creator_dashboard (its videos'' sessions of a range); deleting a video.';
CREATE INDEX video_watch_sessions_creator_id_idx
    ON @extschema@.video_watch_sessions (creator_id);
COMMENT ON INDEX @extschema@.video_watch_sessions_creator_id_idx IS
'A creator''s sessions under row-level security (creator_id = ANY (current_creator_ids())); deleting a creator.';
CREATE INDEX video_watch_sessions_open_last_heartbeat_at_idx
    ON @extschema@.video_watch_sessions (video_id, last_heartbeat_at)
    WHERE session_end IS NULL;
CREATE INDEX video_watch_sessions_course_id_idx ON @extschema@.video_watch_sessions (course_id)
    WHERE course_id IS NOT NULL;
CREATE INDEX video_watch_sessions_module_id_idx ON @extschema@.video_watch_sessions (module_id)
    WHERE module_id IS NOT NULL;
COMMENT ON INDEX @extschema@.video_watch_sessions_open_last_heartbeat_at_idx IS
'Open sessions only: current_viewers, a video''s active sessions, close_stale_watch_sessions.';
COMMENT ON INDEX @extschema@.video_watch_sessions_course_id_idx IS
'A course''s sessions; ON DELETE SET NULL of the course foreign key.';
COMMENT ON INDEX @extschema@.video_watch_sessions_module_id_idx IS
'ON DELETE SET NULL of the module foreign keys.';

COMMENT ON TABLE @extschema@.video_watch_sessions IS
'One viewing of one video by one student: progress, resume position and completion.';
COMMENT ON COLUMN @extschema@.video_watch_sessions.creator_id IS
'The video''s creator, copied from the video when omitted (trigger fill_creator_id) and required to match it.';
COMMENT ON COLUMN @extschema@.video_watch_sessions.session_end IS 'When the session ended; NULL while it is open.';
COMMENT ON COLUMN @extschema@.video_watch_sessions.last_heartbeat_at IS 'When the player last reported progress.';
COMMENT ON COLUMN @extschema@.video_watch_sessions.watch_time_seconds IS 'Seconds actually played in this session (pauses excluded).';
COMMENT ON COLUMN @extschema@.video_watch_sessions.watch_time_ms IS
'Milliseconds played by heartbeats, exactly (repeats included); each heartbeat moves watch_time_seconds by the change of its rounding, so watch time never drifts.';
COMMENT ON COLUMN @extschema@.video_watch_sessions.percent_complete IS 'How much of the video this session covered, 0 to 100.';
COMMENT ON COLUMN @extschema@.video_watch_sessions.completed IS
'Set once percent_complete reaches chronos.completion_threshold; never goes back to false.';
COMMENT ON COLUMN @extschema@.video_watch_sessions.completed_at IS 'When the session first completed.';
COMMENT ON COLUMN @extschema@.video_watch_sessions.last_position_seconds IS 'Player position at the last heartbeat: where to resume.';
COMMENT ON COLUMN @extschema@.video_watch_sessions.watched IS
'The parts of the video this session actually played, with how often each was played; percent_complete is its coverage of the video.';
COMMENT ON COLUMN @extschema@.video_watch_sessions.device_type IS 'desktop, mobile or tablet.';
COMMENT ON COLUMN @extschema@.video_watch_sessions.referrer_type IS 'course_page, direct_link, search or chat_reference.';
COMMENT ON COLUMN @extschema@.video_watch_sessions.metadata IS 'Free-form JSON object for the application.';

-- Watch-session lifecycle (C) ----------------------------------------------
--
-- Students write sessions only through these functions: progress and
-- completion come from the ranges actually played.

CREATE FUNCTION @extschema@.start_watch_session(
    p_student_id    uuid,
    p_video_id      uuid,
    p_device_type   text  DEFAULT NULL,
    p_referrer_type text  DEFAULT NULL,
    p_course_id     uuid  DEFAULT NULL,
    p_module_id     uuid  DEFAULT NULL,
    p_metadata      jsonb DEFAULT '{}')
RETURNS uuid
AS 'MODULE_PATHNAME', 'start_watch_session'
LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION @extschema@.start_watch_session(uuid, uuid, text, text, uuid, uuid, jsonb) IS
'Opens a watch session of the video for the student and returns its id; emits video_started, and video_rewatched when the student had already completed the video. The student itself or the service may call it.';

CREATE FUNCTION @extschema@.record_watch_progress(
    p_session_id   uuid,
    p_from_seconds numeric,
    p_to_seconds   numeric)
RETURNS @extschema@.video_watch_sessions
AS 'MODULE_PATHNAME', 'record_watch_progress'
LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION @extschema@.record_watch_progress(uuid, numeric, numeric) IS
'The heartbeat: the student played [p_from_seconds, p_to_seconds) since the last one. Adds the range to watched, sets watch time, resume position and percent_complete (distinct seconds covered / duration), emits video_progress at the 10, 25, 50, 75 and 90 percent milestones and video_completed once. Refuses ranges past the video''s end, heartbeats on ended sessions, and playback faster than chronos.max_playback_rate allows. Returns the session.';

CREATE FUNCTION @extschema@.end_watch_session(p_session_id uuid)
RETURNS @extschema@.video_watch_sessions
AS 'MODULE_PATHNAME', 'end_watch_session'
LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION @extschema@.end_watch_session(uuid) IS
'Ends the watch session (sets session_end); a second call changes nothing. Returns the session.';

CREATE FUNCTION @extschema@.close_stale_watch_sessions(p_idle interval DEFAULT NULL)
RETURNS integer
AS 'MODULE_PATHNAME', 'close_stale_watch_sessions'
LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION @extschema@.close_stale_watch_sessions(interval) IS
'Closes open sessions whose last heartbeat (or start) is older than p_idle, or chronos.session_timeout when NULL, ending each at that last heartbeat. Service only; returns how many it closed.';

-- get_resume_position and current_viewers are PL/pgSQL rather than SQL
-- functions (which, with SET search_path, are not inlined either): Citus
-- cannot plan the statement of a SQL function on a distributed table, and
-- plans PL/pgSQL's like any other.
CREATE FUNCTION @extschema@.get_resume_position(p_student_id uuid, p_video_id uuid)
RETURNS numeric
LANGUAGE plpgsql STABLE PARALLEL RESTRICTED
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    RETURN COALESCE((
    SELECT CASE WHEN v.duration_seconds IS NOT NULL
                 AND w.last_position_seconds >= 0.95 * v.duration_seconds
                THEN 0 ELSE w.last_position_seconds END
      FROM @extschema@.video_watch_sessions w
      JOIN @extschema@.videos v ON v.id = w.video_id
     WHERE w.student_id = p_student_id AND w.video_id = p_video_id
       AND w.last_position_seconds IS NOT NULL
     ORDER BY w.session_start DESC
     LIMIT 1), 0);
END
$$;
COMMENT ON FUNCTION @extschema@.get_resume_position(uuid, uuid) IS
'Where to resume the video: the position of the student''s most recent session of it that recorded one; 0 when there is none or it stopped within the last 5% of the video. Answers as the caller (row-level security applies).';

CREATE FUNCTION @extschema@.current_viewers(p_video_id uuid)
RETURNS integer
LANGUAGE plpgsql STABLE PARALLEL RESTRICTED
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    RETURN (SELECT count(*)::integer
              FROM @extschema@.video_watch_sessions
             WHERE video_id = p_video_id AND session_end IS NULL
               AND last_heartbeat_at > now() - interval '60 seconds');
END
$$;
COMMENT ON FUNCTION @extschema@.current_viewers(uuid) IS
'Open sessions of the video with a heartbeat in the last 60 seconds. Answers as the caller (row-level security applies).';

CREATE FUNCTION @extschema@.video_retention(p_video_id uuid, p_buckets integer DEFAULT 100)
RETURNS TABLE (bucket integer, start_seconds numeric, reach numeric, plays numeric)
LANGUAGE plpgsql STABLE PARALLEL RESTRICTED
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_duration integer; v_creator uuid;
BEGIN
    IF p_video_id IS NULL THEN
        RAISE EXCEPTION 'p_video_id must not be null' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF p_buckets IS NULL THEN
        RAISE EXCEPTION 'p_buckets must not be null' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF p_buckets NOT BETWEEN 1 AND @extschema@.retention_max_buckets() THEN
        RAISE EXCEPTION 'p_buckets must be between 1 and %, not %', @extschema@.retention_max_buckets(), p_buckets
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    SELECT v.duration_seconds, v.creator_id INTO v_duration, v_creator FROM @extschema@.videos v WHERE v.id = p_video_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'video % does not exist', p_video_id
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    IF v_duration IS NULL THEN
        RAISE EXCEPTION 'the duration of video % is not known yet', p_video_id
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Set videos.duration_seconds first: retention buckets divide the duration.';
    END IF;
    -- one pass of the C aggregate over the video's sessions, named by its
    -- creator too (on Citus: one shard, where the whole aggregate runs);
    -- over no session, the aggregate of one NULL: every bucket at 0
    RETURN QUERY
    SELECT r.bucket, r.start_seconds, r.reach, r.plays
      FROM jsonb_to_recordset(COALESCE(
               (SELECT @extschema@.retention_agg(w.watched, v_duration, p_buckets)
                  FROM @extschema@.video_watch_sessions w
                 WHERE w.video_id = p_video_id AND w.creator_id = v_creator),
               (SELECT @extschema@.retention_agg(NULL::@extschema@.watch_ranges, v_duration, p_buckets))))
           AS r (bucket integer, start_seconds numeric, reach numeric, plays numeric)
     ORDER BY r.bucket;
END
$$;
COMMENT ON FUNCTION @extschema@.video_retention(uuid, integer) IS
'Audience retention of the video over the sessions that played something: p_buckets equal parts of its duration, numbered from 0; reach is the share of sessions that played any of the bucket, plays the mean number of times it was played per session (above 1 when people rewatch). Answers as the caller (row-level security applies).';

-- video_analytics_events -----------------------------------------------------

CREATE TABLE @extschema@.video_analytics_events (
    id          uuid        NOT NULL DEFAULT pg_catalog.gen_random_uuid(),
    event_type  @extschema@.video_event_type NOT NULL,
    video_id    uuid        NOT NULL,
    creator_id  uuid        NOT NULL,
    student_id  uuid,
    course_id   uuid,
    module_id   uuid,
    session_id  uuid,
    metadata    jsonb       NOT NULL DEFAULT '{}',
    id_given    boolean     NOT NULL DEFAULT false,
    "timestamp" timestamptz NOT NULL DEFAULT pg_catalog.now(),
    created_at  timestamptz NOT NULL DEFAULT pg_catalog.now(),
    CONSTRAINT video_analytics_events_creator_id_fkey FOREIGN KEY (creator_id)
        REFERENCES @extschema@.creators (id) ON DELETE CASCADE,
    CONSTRAINT video_analytics_events_video_id_creator_id_fkey FOREIGN KEY (video_id, creator_id)
        REFERENCES @extschema@.videos (id, creator_id) ON DELETE CASCADE,
    CONSTRAINT video_analytics_events_student_id_creator_id_fkey FOREIGN KEY (student_id, creator_id)
        REFERENCES @extschema@.students (id, creator_id) ON DELETE CASCADE,
    CONSTRAINT video_analytics_events_course_id_creator_id_fkey FOREIGN KEY (course_id, creator_id)
        REFERENCES @extschema@.courses (id, creator_id) ON DELETE SET NULL (course_id),
    CONSTRAINT video_analytics_events_module_id_creator_id_fkey FOREIGN KEY (module_id, creator_id)
        REFERENCES @extschema@.course_modules (id, creator_id) ON DELETE SET NULL (module_id),
    CONSTRAINT video_analytics_events_module_id_course_id_fkey FOREIGN KEY (module_id, course_id)
        REFERENCES @extschema@.course_modules (id, course_id) ON DELETE SET NULL (module_id),
    CONSTRAINT video_analytics_events_session_id_fkey FOREIGN KEY (session_id)
        REFERENCES @extschema@.video_watch_sessions (id) ON DELETE SET NULL (session_id),
    CONSTRAINT video_analytics_events_session_id_check
        CHECK (session_id IS NULL OR student_id IS NOT NULL),
    CONSTRAINT video_analytics_events_metadata_check
        CHECK (pg_catalog.jsonb_typeof(metadata) = 'object')
) PARTITION BY RANGE ("timestamp");

-- Partitions.  Events are range-partitioned on "timestamp", one partition per
-- chronos.event_partition_interval (bounds computed in UTC), created ahead of
-- time by maintain_event_partitions(), which also moves rows that landed in
-- the default partition into partitions of their own and drops whole
-- partitions past chronos.event_retention.  The default partition catches
-- any event no other partition covers, so an insert never fails for want of
-- a partition.  Partitions carry no grants: they are read and written only
-- through the parent, where row-level security applies.
CREATE TABLE @extschema@.video_analytics_events_default
    PARTITION OF @extschema@.video_analytics_events DEFAULT;
ALTER TABLE @extschema@.video_analytics_events_default ENABLE ROW LEVEL SECURITY;
COMMENT ON TABLE @extschema@.video_analytics_events_default IS
'The default partition of video_analytics_events: events no other partition covers wait here until maintain_event_partitions() moves them into a partition of their own.';

CREATE FUNCTION @extschema@.maintain_event_partitions(
    OUT partitions_created integer,
    OUT rows_moved         bigint,
    OUT partitions_dropped integer)
RETURNS record
AS 'MODULE_PATHNAME', 'maintain_event_partitions'
LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION @extschema@.maintain_event_partitions() IS
'Creates the partitions of video_analytics_events for now and the chronos.event_partitions_ahead intervals after it, moves the rows of the default partition into partitions of their own, and detaches and drops the partitions wholly before now() minus chronos.event_retention. Returns what it did. Service only; safe while events are ingested; schedule it with pg_cron.';

-- Indexes.  Each serves named queries; none repeats another's leading
-- columns.  Deduplicated B-trees on low-cardinality keys cost a few bytes an
-- event; rows follow time, so a BRIN index serves time ranges.
--
-- They are indexes of the default partition, not partitioned indexes of
-- video_analytics_events: maintain_event_partitions() copies them onto each
-- partition it makes (CREATE TABLE ... LIKE the default partition INCLUDING
-- INDEXES), with their comments.  A partitioned index, itself part of the
-- extension, would make pg_restore fail: attaching a dumped partition would
-- already create its indexes, which the dump then creates again.
CREATE INDEX video_analytics_events_default_id_idx
    ON @extschema@.video_analytics_events_default USING hash (id) WHERE id_given;
COMMENT ON INDEX @extschema@.video_analytics_events_default_id_idx IS
'Idempotent ingestion: finds an event by the id a client chose (track_video_event p_event_id, track_video_events event_id), in every partition. Only such events are indexed: an id chronos made is unique by construction.';
CREATE INDEX video_analytics_events_default_video_id_timestamp_idx
    ON @extschema@.video_analytics_events_default (video_id, "timestamp" DESC);
COMMENT ON INDEX @extschema@.video_analytics_events_default_video_id_timestamp_idx IS
'A video''s latest events (WHERE video_id = $1 ORDER BY "timestamp" DESC LIMIT n); the ON DELETE CASCADE of the video foreign key.';
CREATE INDEX video_analytics_events_default_creator_id_idx
    ON @extschema@.video_analytics_events_default (creator_id);
COMMENT ON INDEX @extschema@.video_analytics_events_default_creator_id_idx IS
'A creator''s events under row-level security (creator_id = ANY (current_creator_ids())); the ON DELETE CASCADE of the creator foreign key.';
CREATE INDEX video_analytics_events_default_student_id_idx
    ON @extschema@.video_analytics_events_default (student_id) WHERE student_id IS NOT NULL;
COMMENT ON INDEX @extschema@.video_analytics_events_default_student_id_idx IS
'A student''s events, and erasing a student (ON DELETE CASCADE of the student foreign key).';
CREATE INDEX video_analytics_events_default_course_id_idx
    ON @extschema@.video_analytics_events_default (course_id) WHERE course_id IS NOT NULL;
COMMENT ON INDEX @extschema@.video_analytics_events_default_course_id_idx IS
'A course''s events over recent partitions (WHERE course_id = $1 AND "timestamp" >= $2); ON DELETE SET NULL of the course foreign key.';
CREATE INDEX video_analytics_events_default_module_id_idx
    ON @extschema@.video_analytics_events_default (module_id) WHERE module_id IS NOT NULL;
COMMENT ON INDEX @extschema@.video_analytics_events_default_module_id_idx IS
'ON DELETE SET NULL of the module foreign keys.';
CREATE INDEX video_analytics_events_default_session_id_idx
    ON @extschema@.video_analytics_events_default (session_id) WHERE session_id IS NOT NULL;
COMMENT ON INDEX @extschema@.video_analytics_events_default_session_id_idx IS
'A watch session''s events, and ON DELETE SET NULL of the session foreign key.';
CREATE INDEX video_analytics_events_default_timestamp_idx
    ON @extschema@.video_analytics_events_default USING brin ("timestamp");
COMMENT ON INDEX @extschema@.video_analytics_events_default_timestamp_idx IS
'Time ranges within a partition (WHERE "timestamp" >= $1), at a few bytes per thousand events.';

COMMENT ON TABLE @extschema@.video_analytics_events IS
'The immutable stream of analytics events. Written through track_video_event / track_video_events; never updated or deleted by ordinary users.';
COMMENT ON COLUMN @extschema@.video_analytics_events.id_given IS
'Whether the client chose the id (p_event_id): then it is an idempotency key within the creator. Set by chronos''s ingestion; a direct INSERT leaves it false.';
COMMENT ON COLUMN @extschema@.video_analytics_events.id IS
'The event id; a client-chosen id (p_event_id) makes ingestion idempotent.';
COMMENT ON COLUMN @extschema@.video_analytics_events.session_id IS
'The watch session the event belongs to; it must be a session of this video and student.';
COMMENT ON COLUMN @extschema@.video_analytics_events.metadata IS
'Event details as a JSON object, for example {"transcript_method": "whisper", "cost_usd": 0.12}.';
COMMENT ON COLUMN @extschema@.video_analytics_events."timestamp" IS 'When the event happened, by the client''s clock.';
COMMENT ON COLUMN @extschema@.video_analytics_events.created_at IS 'When the database received the event.';

-- video_analytics ------------------------------------------------------------

CREATE TABLE @extschema@.video_analytics (
    video_id                   uuid        NOT NULL,
    creator_id                 uuid        NOT NULL,
    "date"                     date        NOT NULL,
    views                      integer     NOT NULL DEFAULT 0,
    unique_viewers             integer     NOT NULL DEFAULT 0,
    total_watch_time_seconds   bigint      NOT NULL DEFAULT 0,
    average_watch_time_seconds numeric     NOT NULL DEFAULT 0,
    completions                integer     NOT NULL DEFAULT 0,
    completion_rate            numeric     NOT NULL DEFAULT 0,
    rewatches                  integer     NOT NULL DEFAULT 0,
    ai_interactions            integer     NOT NULL DEFAULT 0,
    metadata                   jsonb       NOT NULL DEFAULT '{}',
    created_at                 timestamptz NOT NULL DEFAULT pg_catalog.now(),
    updated_at                 timestamptz NOT NULL DEFAULT pg_catalog.now(),
    -- creator_id is in the key (a video has one creator, so (video_id, "date")
    -- is unique all the same) because a distributed table's keys must hold
    -- its distribution column (chronos.distribute()).
    CONSTRAINT video_analytics_pkey PRIMARY KEY (video_id, "date", creator_id),
    CONSTRAINT video_analytics_creator_id_fkey FOREIGN KEY (creator_id)
        REFERENCES @extschema@.creators (id) ON DELETE CASCADE,
    CONSTRAINT video_analytics_video_id_creator_id_fkey FOREIGN KEY (video_id, creator_id)
        REFERENCES @extschema@.videos (id, creator_id) ON DELETE CASCADE,
    CONSTRAINT video_analytics_counts_check CHECK (views >= 0 AND unique_viewers >= 0
        AND total_watch_time_seconds >= 0 AND average_watch_time_seconds >= 0
        AND completions >= 0 AND rewatches >= 0 AND ai_interactions >= 0),
    CONSTRAINT video_analytics_completion_rate_check CHECK (completion_rate BETWEEN 0 AND 100),
    CONSTRAINT video_analytics_metadata_check
        CHECK (pg_catalog.jsonb_typeof(metadata) = 'object')
);
CREATE INDEX video_analytics_creator_id_date_idx ON @extschema@.video_analytics (creator_id, "date");

COMMENT ON TABLE @extschema@.video_analytics IS
'Daily rollup per video, keyed by the creator''s local day; computed from watch sessions.';
COMMENT ON COLUMN @extschema@.video_analytics."date" IS 'The creator''s local day (creators.timezone).';
COMMENT ON COLUMN @extschema@.video_analytics.views IS 'Watch sessions that started that day.';
COMMENT ON COLUMN @extschema@.video_analytics.unique_viewers IS 'Distinct students among those sessions.';
COMMENT ON COLUMN @extschema@.video_analytics.completion_rate IS
'100 x students who completed / students who watched; never above 100.';
COMMENT ON COLUMN @extschema@.video_analytics.rewatches IS
'Sessions by students who had already completed the video.';
COMMENT ON COLUMN @extschema@.video_analytics.ai_interactions IS 'Chat interactions about the video (0 until chat exists).';
COMMENT ON COLUMN @extschema@.video_analytics.metadata IS 'Free-form JSON object for the application.';

-- video_analytics_pending ----------------------------------------------------

CREATE TABLE @extschema@.video_analytics_pending (
    video_id     uuid        NOT NULL,
    creator_id   uuid        NOT NULL,
    bucket_start timestamptz NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT pg_catalog.now()
);

-- An append-only work log, with neither key nor index on purpose: the session
-- functions only INSERT here, so concurrent heartbeats never wait for each
-- other nor for a refresh, and a refresh claims (deletes) only committed
-- entries, leaving those of transactions still running for the next one.
COMMENT ON TABLE @extschema@.video_analytics_pending IS
'Rollup work not yet done: one entry per change a session function made, naming the video and the quarter hour its session started, until refresh_video_analytics claims it. Written and read only by chronos.';
COMMENT ON COLUMN @extschema@.video_analytics_pending.bucket_start IS
'The quarter hour in which the changed session started; it lies within one local day in every time zone.';

CREATE FUNCTION @extschema@.refresh_video_analytics(p_since timestamptz DEFAULT NULL)
RETURNS integer
AS 'MODULE_PATHNAME', 'refresh_video_analytics'
LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION @extschema@.refresh_video_analytics(timestamptz) IS
'Brings video_analytics up to date and returns the number of (video, day) rows written. Without p_since, recomputes only the days the session functions touched since the last refresh; with p_since, every day from the creators'' local day of p_since on. Days are the creators'' local days. Safe while sessions are written; concurrent refreshes wait for each other. Service only.';

-- Dashboards and course progress ---------------------------------------------
--
-- Read-only reports.  Each checks its arguments, then whether the caller may
-- ask (is_service_role, current_creator_ids, current_student_ids) before it
-- reads anything.
--
-- creator_dashboard (C, src/dashboard.c) then reads as the extension's
-- owner, limited to the creator's rows: the daily rollups (video_analytics)
-- for what is a sum of days (views, watch time, completions, rewatches), and
-- the sessions of the range, through (video_id, session_start) for each of its videos, for what
-- is not: distinct students over the range, completion rates and the
-- hour-of-week heatmap.  Transcription costs come from the few
-- video_transcribed events, found through the partial index below rather
-- than among the creator's player events.
--
-- course_progress (PL/pgSQL around one set-based query) runs with the
-- caller's rights: row-level security hands every permitted caller exactly
-- the rows the answer needs (a student its own sessions and its creators'
-- published courses, a creator its students' sessions and its courses, the
-- service everything).

CREATE INDEX video_analytics_events_default_transcribed_idx
    ON @extschema@.video_analytics_events_default (creator_id, "timestamp")
    WHERE event_type = 'video_transcribed';
COMMENT ON INDEX @extschema@.video_analytics_events_default_transcribed_idx IS
'creator_dashboard''s transcription costs: the few video_transcribed events of a creator in a range of days.';

CREATE FUNCTION @extschema@.creator_dashboard(p_creator_id uuid, p_from date, p_to date)
RETURNS jsonb
AS 'MODULE_PATHNAME', 'creator_dashboard'
LANGUAGE C STABLE PARALLEL RESTRICTED
SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION @extschema@.creator_dashboard(uuid, date, date) IS
'The creator''s dashboard for its local days p_from to p_to (at most 366): totals, views and watch time per day (zero-filled), per-video views, unique viewers, completion rate and engagement score, the top 10 videos by views and by engagement, a 7 x 24 heatmap of session starts (Monday first, local hours) and transcription costs by method. Sums of days come from the rollups (as of the last refresh_video_analytics), distinct students and rates from the sessions of the range. The creator itself or the service only.';

CREATE FUNCTION @extschema@.course_progress(p_student_id uuid, p_course_id uuid)
RETURNS jsonb
LANGUAGE plpgsql STABLE PARALLEL RESTRICTED
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_student_creator uuid;
    v_course_creator  uuid;
BEGIN
    IF p_student_id IS NULL THEN
        RAISE EXCEPTION 'p_student_id must not be null' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF p_course_id IS NULL THEN
        RAISE EXCEPTION 'p_course_id must not be null' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    -- the student itself and the service may ask; so may the student's
    -- creator, found by a lookup that row-level security limits to the
    -- caller's own students (so it learns nothing about anyone else's)
    IF NOT (@extschema@.is_service_role()
            OR p_student_id = ANY (@extschema@.current_student_ids())
            OR (pg_catalog.cardinality(@extschema@.current_creator_ids()) > 0
                AND EXISTS (SELECT FROM @extschema@.students s
                             WHERE s.id = p_student_id
                               AND s.creator_id = ANY (@extschema@.current_creator_ids())))) THEN
        RAISE EXCEPTION 'permission denied to read the course progress of student %', p_student_id
            USING ERRCODE = 'insufficient_privilege',
                  DETAIL = 'Only the student itself, its creator or the service may read a student''s course progress.';
    END IF;

    SELECT s.creator_id INTO v_student_creator FROM @extschema@.students s WHERE s.id = p_student_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'student % does not exist', p_student_id
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    -- a student sees only published courses: to it, an unpublished one does
    -- not exist
    SELECT c.creator_id INTO v_course_creator FROM @extschema@.courses c WHERE c.id = p_course_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'course % does not exist', p_course_id
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    IF v_course_creator <> v_student_creator THEN
        RAISE EXCEPTION 'course % does not belong to the creator of student %', p_course_id, p_student_id
            USING ERRCODE = 'foreign_key_violation';
    END IF;

    RETURN (
    WITH completed AS MATERIALIZED (
        -- the videos the student completed a session of (named by its
        -- creator too: on Citus, one shard; not correlated with the
        -- lessons, which Citus could not plan)
        SELECT DISTINCT w.video_id
          FROM @extschema@.video_watch_sessions w
         WHERE w.student_id = p_student_id AND w.creator_id = v_student_creator
           AND w.completed
    ), lessons AS MATERIALIZED (
        -- every lesson of the course (a module without lessons: one row of
        -- NULLs), and whether the student completed a session of its video
        SELECT m.id AS module_id, m.title, m.display_order, l.id AS lesson_id, l.is_required,
               v.duration_seconds,
               (d.video_id IS NOT NULL) AS done
          FROM @extschema@.course_modules m
          LEFT JOIN @extschema@.module_lessons l ON l.module_id = m.id
          LEFT JOIN @extschema@.videos v ON v.id = l.video_id
          LEFT JOIN completed d ON d.video_id = l.video_id
         WHERE m.course_id = p_course_id
    ), weighted AS (
        -- a required lesson weighs its video's duration; one without a
        -- known duration the mean of the others (in its module, in the
        -- course), or 1 when none is known
        SELECT x.*,
               coalesce(x.duration_seconds::numeric,
                        avg(x.duration_seconds) FILTER (WHERE x.is_required)
                            OVER (PARTITION BY x.module_id),
                        1) AS module_weight,
               coalesce(x.duration_seconds::numeric,
                        avg(x.duration_seconds) FILTER (WHERE x.is_required) OVER (),
                        1) AS course_weight
          FROM lessons x
    ), modules AS (
        SELECT w.module_id, w.title, w.display_order,
               count(w.lesson_id) AS lessons,
               count(*) FILTER (WHERE w.is_required) AS required,
               count(*) FILTER (WHERE w.is_required AND w.done) AS done,
               CASE WHEN count(*) FILTER (WHERE w.is_required) = 0 THEN 100
                    ELSE 100 * coalesce(sum(w.module_weight) FILTER (WHERE w.is_required AND w.done), 0)
                         / sum(w.module_weight) FILTER (WHERE w.is_required) END AS percent
          FROM weighted w
         GROUP BY w.module_id, w.title, w.display_order
    ), course AS (
        SELECT count(w.lesson_id) AS lessons,
               count(*) FILTER (WHERE w.is_required) AS required,
               count(*) FILTER (WHERE w.is_required AND w.done) AS done,
               CASE WHEN count(*) FILTER (WHERE w.is_required) = 0 THEN 100
                    ELSE 100 * coalesce(sum(w.course_weight) FILTER (WHERE w.is_required AND w.done), 0)
                         / sum(w.course_weight) FILTER (WHERE w.is_required) END AS percent
          FROM weighted w
    )
    SELECT jsonb_build_object(
        'course_id', p_course_id,
        'student_id', p_student_id,
        'lessons', c.lessons,
        'required_lessons', c.required,
        'completed_required_lessons', c.done,
        'percent_complete', round(c.percent, 2),
        'completed', c.done = c.required,
        'modules', (
            SELECT coalesce(jsonb_agg(jsonb_build_object(
                       'module_id', m.module_id,
                       'title', m.title,
                       'lessons', m.lessons,
                       'required_lessons', m.required,
                       'completed_required_lessons', m.done,
                       'percent_complete', round(m.percent, 2),
                       'completed', m.done = m.required)
                   ORDER BY m.display_order, m.title, m.module_id), '[]')
              FROM modules m))
      FROM course c);
END
$$;
COMMENT ON FUNCTION @extschema@.course_progress(uuid, uuid) IS
'The student''s progress in the course, per module (in display order) and for the course: lessons, required lessons, required lessons completed (a lesson counts once the student has a completed session of its video), percent complete over the required lessons weighted by video duration (a lesson whose video has no duration weighs the mean of the others), and whether all required lessons are completed (true when there are none). The student itself, its creator or the service only; to a student an unpublished course does not exist.';

-- Ingestion and watch helpers (C) ------------------------------------------
--
-- These write past row-level security only after checking the caller
-- themselves (docs/architecture.md, "Layers"); every statement they run names its
-- objects and operators with their schema, so the caller's search_path
-- cannot change what they do.

CREATE FUNCTION @extschema@.track_video_event(
    p_event_type text,
    p_video_id   uuid,
    p_creator_id uuid,
    p_student_id uuid        DEFAULT NULL,
    p_course_id  uuid        DEFAULT NULL,
    p_module_id  uuid        DEFAULT NULL,
    p_metadata   jsonb       DEFAULT '{}',
    p_timestamp  timestamptz DEFAULT pg_catalog.now(),
    p_event_id   uuid        DEFAULT NULL,
    p_session_id uuid        DEFAULT NULL)
RETURNS uuid
AS 'MODULE_PATHNAME', 'track_video_event'
LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION @extschema@.track_video_event(text, uuid, uuid, uuid, uuid, uuid, jsonb, timestamptz, uuid, uuid) IS
'Records one analytics event and returns its id. Checks the arguments, that the caller may track it (the creator, its student for player events, or the service), and that the video, student, course, module and session belong to the creator. p_event_id makes it idempotent: the same event sent again returns the id and writes nothing; different content under a known id is a unique_violation.';

CREATE FUNCTION @extschema@.track_video_events(p_events jsonb)
RETURNS integer
AS 'MODULE_PATHNAME', 'track_video_events'
LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION @extschema@.track_video_events(jsonb) IS
'Records an array of events, all or none, and returns how many were new. Each element is an object with the keys of track_video_event without p_ (event_type, video_id, creator_id, student_id, course_id, module_id, metadata, timestamp, event_id, session_id); an error names the element, counting from 0.';

CREATE FUNCTION @extschema@.get_student_total_watch_time(p_student_id uuid, p_video_id uuid)
RETURNS integer
AS 'MODULE_PATHNAME', 'get_student_total_watch_time'
LANGUAGE C STABLE PARALLEL RESTRICTED;
COMMENT ON FUNCTION @extschema@.get_student_total_watch_time(uuid, uuid) IS
'Seconds the student watched the video over all its sessions; 0 when there are none the caller may see.';

CREATE FUNCTION @extschema@.get_student_highest_completion(p_student_id uuid, p_video_id uuid)
RETURNS integer
AS 'MODULE_PATHNAME', 'get_student_highest_completion'
LANGUAGE C STABLE PARALLEL RESTRICTED;
COMMENT ON FUNCTION @extschema@.get_student_highest_completion(uuid, uuid) IS
'The highest percent_complete of the student''s sessions of the video; 0 when there are none the caller may see.';

CREATE FUNCTION @extschema@.has_student_completed_video(p_student_id uuid, p_video_id uuid)
RETURNS boolean
AS 'MODULE_PATHNAME', 'has_student_completed_video'
LANGUAGE C STABLE PARALLEL RESTRICTED;
COMMENT ON FUNCTION @extschema@.has_student_completed_video(uuid, uuid) IS
'Whether any of the student''s sessions of the video completed; false when there are none the caller may see.';

-- Triggers -------------------------------------------------------------------

CREATE TRIGGER creators_set_updated_at BEFORE UPDATE ON @extschema@.creators
    FOR EACH ROW EXECUTE FUNCTION @extschema@.set_updated_at();
CREATE TRIGGER students_set_updated_at BEFORE UPDATE ON @extschema@.students
    FOR EACH ROW EXECUTE FUNCTION @extschema@.set_updated_at();
CREATE TRIGGER videos_set_updated_at BEFORE UPDATE ON @extschema@.videos
    FOR EACH ROW EXECUTE FUNCTION @extschema@.set_updated_at();
CREATE TRIGGER courses_set_updated_at BEFORE UPDATE ON @extschema@.courses
    FOR EACH ROW EXECUTE FUNCTION @extschema@.set_updated_at();
CREATE TRIGGER course_modules_set_updated_at BEFORE UPDATE ON @extschema@.course_modules
    FOR EACH ROW EXECUTE FUNCTION @extschema@.set_updated_at();
CREATE TRIGGER module_lessons_set_updated_at BEFORE UPDATE ON @extschema@.module_lessons
    FOR EACH ROW EXECUTE FUNCTION @extschema@.set_updated_at();
CREATE TRIGGER video_watch_sessions_set_updated_at BEFORE UPDATE ON @extschema@.video_watch_sessions
    FOR EACH ROW EXECUTE FUNCTION @extschema@.set_updated_at();
CREATE TRIGGER video_analytics_set_updated_at BEFORE UPDATE ON @extschema@.video_analytics
    FOR EACH ROW EXECUTE FUNCTION @extschema@.set_updated_at();

CREATE TRIGGER course_modules_fill_creator_id BEFORE INSERT ON @extschema@.course_modules
    FOR EACH ROW EXECUTE FUNCTION @extschema@.fill_creator_id('courses', 'course_id');
CREATE TRIGGER module_lessons_fill_creator_id BEFORE INSERT ON @extschema@.module_lessons
    FOR EACH ROW EXECUTE FUNCTION @extschema@.fill_creator_id('course_modules', 'module_id');
CREATE TRIGGER video_watch_sessions_auto_complete BEFORE INSERT OR UPDATE ON @extschema@.video_watch_sessions
    FOR EACH ROW EXECUTE FUNCTION @extschema@.auto_complete_watch_session();
CREATE TRIGGER video_watch_sessions_fill_creator_id BEFORE INSERT ON @extschema@.video_watch_sessions
    FOR EACH ROW EXECUTE FUNCTION @extschema@.fill_creator_id('videos', 'video_id');
CREATE TRIGGER video_analytics_events_check_session
    AFTER INSERT OR UPDATE OF session_id, student_id, video_id ON @extschema@.video_analytics_events
    FOR EACH ROW EXECUTE FUNCTION @extschema@.check_event_session();

-- Row-level security: enabled everywhere; until policies exist only the
-- owner (and roles that bypass RLS) sees rows.

ALTER TABLE @extschema@.creators ENABLE ROW LEVEL SECURITY;
ALTER TABLE @extschema@.students ENABLE ROW LEVEL SECURITY;
ALTER TABLE @extschema@.videos ENABLE ROW LEVEL SECURITY;
ALTER TABLE @extschema@.courses ENABLE ROW LEVEL SECURITY;
ALTER TABLE @extschema@.course_modules ENABLE ROW LEVEL SECURITY;
ALTER TABLE @extschema@.module_lessons ENABLE ROW LEVEL SECURITY;
ALTER TABLE @extschema@.video_watch_sessions ENABLE ROW LEVEL SECURITY;
ALTER TABLE @extschema@.video_analytics_events ENABLE ROW LEVEL SECURITY;
ALTER TABLE @extschema@.video_analytics ENABLE ROW LEVEL SECURITY;
ALTER TABLE @extschema@.video_analytics_pending ENABLE ROW LEVEL SECURITY;

-- pg_dump keeps the rows of every table.

SELECT pg_catalog.pg_extension_config_dump('@extschema@.creators', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.students', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.videos', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.courses', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.course_modules', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.module_lessons', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.video_watch_sessions', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.video_analytics_events', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.video_analytics_events_default', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.video_analytics', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.video_analytics_pending', '');

-- Privileges and policies ----------------------------------------------------
--
-- Every role may use the schema and holds the table privileges its policies
-- need, so that row-level security alone decides what a role sees, as in
-- Supabase.  Never granted: TRUNCATE (it ignores policies), REFERENCES,
-- TRIGGER, and UPDATE or DELETE on events, which only their owner may change.
--
-- Each table has one policy per command, built from the identity functions
-- only.  A USING clause is an OR of predicates on the table's own columns
-- that the planner can answer from an index, each call evaluated once per
-- index scan:
--
--   the service       creator_id >= service_id_floor()  (id on creators)
--   its creators      creator_id = ANY (current_creator_ids())
--   its students      student_id = ANY (current_student_ids()), or for
--                     content creator_id = ANY (current_student_creator_ids())
--
-- The service arm is the nil uuid bound rather than a bare is_service_role(),
-- which cannot use an index and would turn every scan into a sequential one;
-- for anyone but the service the bound is NULL and the arm matches nothing.
-- WITH CHECK clauses, which see one new row at a time, use is_service_role().
-- No policy is USING (true) or WITH CHECK (true); an anonymous caller matches
-- no arm and sees nothing.

GRANT USAGE ON SCHEMA @extschema@ TO PUBLIC;
GRANT SELECT, INSERT, UPDATE, DELETE ON
    @extschema@.creators, @extschema@.students, @extschema@.videos,
    @extschema@.courses, @extschema@.course_modules, @extschema@.module_lessons,
    @extschema@.video_watch_sessions, @extschema@.video_analytics
    TO PUBLIC;
GRANT SELECT, INSERT ON @extschema@.video_analytics_events TO PUBLIC;

-- creators: a creator sees and updates its own row; the service adds and
-- removes creators.
CREATE POLICY creators_select ON @extschema@.creators FOR SELECT
    USING (id >= @extschema@.service_id_floor()
           OR id = ANY (@extschema@.current_creator_ids()));
CREATE POLICY creators_insert ON @extschema@.creators FOR INSERT
    WITH CHECK (@extschema@.is_service_role());
CREATE POLICY creators_update ON @extschema@.creators FOR UPDATE
    USING (id >= @extschema@.service_id_floor()
           OR id = ANY (@extschema@.current_creator_ids()))
    WITH CHECK (@extschema@.is_service_role()
                OR id = ANY (@extschema@.current_creator_ids()));
CREATE POLICY creators_delete ON @extschema@.creators FOR DELETE
    USING (id >= @extschema@.service_id_floor());

-- students: a creator sees its students, a student its own rows; the service
-- manages them (memberships come from Whop).
CREATE POLICY students_select ON @extschema@.students FOR SELECT
    USING (creator_id >= @extschema@.service_id_floor()
           OR creator_id = ANY (@extschema@.current_creator_ids())
           OR id = ANY (@extschema@.current_student_ids()));
CREATE POLICY students_insert ON @extschema@.students FOR INSERT
    WITH CHECK (@extschema@.is_service_role());
CREATE POLICY students_update ON @extschema@.students FOR UPDATE
    USING (creator_id >= @extschema@.service_id_floor())
    WITH CHECK (@extschema@.is_service_role());
CREATE POLICY students_delete ON @extschema@.students FOR DELETE
    USING (creator_id >= @extschema@.service_id_floor());

-- videos: a creator manages its own; its students see them.
CREATE POLICY videos_select ON @extschema@.videos FOR SELECT
    USING (creator_id >= @extschema@.service_id_floor()
           OR creator_id = ANY (@extschema@.current_creator_ids())
           OR creator_id = ANY (@extschema@.current_student_creator_ids()));
CREATE POLICY videos_insert ON @extschema@.videos FOR INSERT
    WITH CHECK (@extschema@.is_service_role()
                OR creator_id = ANY (@extschema@.current_creator_ids()));
CREATE POLICY videos_update ON @extschema@.videos FOR UPDATE
    USING (creator_id >= @extschema@.service_id_floor()
           OR creator_id = ANY (@extschema@.current_creator_ids()))
    WITH CHECK (@extschema@.is_service_role()
                OR creator_id = ANY (@extschema@.current_creator_ids()));
CREATE POLICY videos_delete ON @extschema@.videos FOR DELETE
    USING (creator_id >= @extschema@.service_id_floor()
           OR creator_id = ANY (@extschema@.current_creator_ids()));

-- courses: a creator manages its own; its students see the published ones.
CREATE POLICY courses_select ON @extschema@.courses FOR SELECT
    USING (creator_id >= @extschema@.service_id_floor()
           OR creator_id = ANY (@extschema@.current_creator_ids())
           OR (creator_id = ANY (@extschema@.current_student_creator_ids())
               AND is_published));
CREATE POLICY courses_insert ON @extschema@.courses FOR INSERT
    WITH CHECK (@extschema@.is_service_role()
                OR creator_id = ANY (@extschema@.current_creator_ids()));
CREATE POLICY courses_update ON @extschema@.courses FOR UPDATE
    USING (creator_id >= @extschema@.service_id_floor()
           OR creator_id = ANY (@extschema@.current_creator_ids()))
    WITH CHECK (@extschema@.is_service_role()
                OR creator_id = ANY (@extschema@.current_creator_ids()));
CREATE POLICY courses_delete ON @extschema@.courses FOR DELETE
    USING (creator_id >= @extschema@.service_id_floor()
           OR creator_id = ANY (@extschema@.current_creator_ids()));

-- Whether a course, or the course of a module, is published: the students'
-- arm of the SELECT policies of course_modules and module_lessons.  Functions
-- rather than subqueries in the policies, because Citus refuses policies with
-- subqueries (chronos.distribute()); they read as the extension's owner, so
-- the answer does not depend on the caller (the policy's creator arm has
-- already limited the rows to the caller's creators).  On a Citus worker the
-- lookup reads the local placement of a reference table from within a query
-- on a shard, which Citus allows only with
-- citus.allow_nested_distributed_execution (a placeholder where Citus is
-- absent).  Quoted bodies: Citus cannot send a RETURN body to the workers.
CREATE FUNCTION @extschema@.course_is_published(p_course_id uuid)
RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET citus.allow_nested_distributed_execution = on
AS $$SELECT EXISTS (SELECT FROM @extschema@.courses c WHERE c.id = p_course_id AND c.is_published)$$;
COMMENT ON FUNCTION @extschema@.course_is_published(uuid) IS
'Whether the course exists and is published; used by the SELECT policy of course_modules.';

CREATE FUNCTION @extschema@.module_is_published(p_module_id uuid)
RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET citus.allow_nested_distributed_execution = on
AS $$SELECT EXISTS (SELECT FROM @extschema@.course_modules m
                       JOIN @extschema@.courses c ON c.id = m.course_id
                      WHERE m.id = p_module_id AND c.is_published)$$;
COMMENT ON FUNCTION @extschema@.module_is_published(uuid) IS
'Whether the module exists and its course is published; used by the SELECT policy of module_lessons.';

-- course_modules: a creator manages its own; its students see the modules of
-- published courses.
CREATE POLICY course_modules_select ON @extschema@.course_modules FOR SELECT
    USING (creator_id >= @extschema@.service_id_floor()
           OR creator_id = ANY (@extschema@.current_creator_ids())
           OR (creator_id = ANY (@extschema@.current_student_creator_ids())
               AND @extschema@.course_is_published(course_id)));
CREATE POLICY course_modules_insert ON @extschema@.course_modules FOR INSERT
    WITH CHECK (@extschema@.is_service_role()
                OR creator_id = ANY (@extschema@.current_creator_ids()));
CREATE POLICY course_modules_update ON @extschema@.course_modules FOR UPDATE
    USING (creator_id >= @extschema@.service_id_floor()
           OR creator_id = ANY (@extschema@.current_creator_ids()))
    WITH CHECK (@extschema@.is_service_role()
                OR creator_id = ANY (@extschema@.current_creator_ids()));
CREATE POLICY course_modules_delete ON @extschema@.course_modules FOR DELETE
    USING (creator_id >= @extschema@.service_id_floor()
           OR creator_id = ANY (@extschema@.current_creator_ids()));

-- module_lessons: a creator manages its own; its students see the lessons of
-- published courses.
CREATE POLICY module_lessons_select ON @extschema@.module_lessons FOR SELECT
    USING (creator_id >= @extschema@.service_id_floor()
           OR creator_id = ANY (@extschema@.current_creator_ids())
           OR (creator_id = ANY (@extschema@.current_student_creator_ids())
               AND @extschema@.module_is_published(module_id)));
CREATE POLICY module_lessons_insert ON @extschema@.module_lessons FOR INSERT
    WITH CHECK (@extschema@.is_service_role()
                OR creator_id = ANY (@extschema@.current_creator_ids()));
CREATE POLICY module_lessons_update ON @extschema@.module_lessons FOR UPDATE
    USING (creator_id >= @extschema@.service_id_floor()
           OR creator_id = ANY (@extschema@.current_creator_ids()))
    WITH CHECK (@extschema@.is_service_role()
                OR creator_id = ANY (@extschema@.current_creator_ids()));
CREATE POLICY module_lessons_delete ON @extschema@.module_lessons FOR DELETE
    USING (creator_id >= @extschema@.service_id_floor()
           OR creator_id = ANY (@extschema@.current_creator_ids()));

-- video_watch_sessions: the creator sees its videos' sessions and a student
-- its own.  Only the service writes them directly: students go through
-- chronos's session functions, so progress and completion cannot be forged
-- by writing the row.
CREATE POLICY video_watch_sessions_select ON @extschema@.video_watch_sessions FOR SELECT
    USING (creator_id >= @extschema@.service_id_floor()
           OR creator_id = ANY (@extschema@.current_creator_ids())
           OR student_id = ANY (@extschema@.current_student_ids()));
CREATE POLICY video_watch_sessions_insert ON @extschema@.video_watch_sessions FOR INSERT
    WITH CHECK (@extschema@.is_service_role());
CREATE POLICY video_watch_sessions_update ON @extschema@.video_watch_sessions FOR UPDATE
    USING (creator_id >= @extschema@.service_id_floor())
    WITH CHECK (@extschema@.is_service_role());
CREATE POLICY video_watch_sessions_delete ON @extschema@.video_watch_sessions FOR DELETE
    USING (creator_id >= @extschema@.service_id_floor());

-- video_analytics_events: the creator sees its videos' events and a student
-- its own; the service inserts (everyone else goes through track_video_event).
-- No UPDATE or DELETE policy: with neither privilege nor policy, nobody but
-- the owner changes an event.
CREATE POLICY video_analytics_events_select ON @extschema@.video_analytics_events FOR SELECT
    USING (creator_id >= @extschema@.service_id_floor()
           OR creator_id = ANY (@extschema@.current_creator_ids())
           OR student_id = ANY (@extschema@.current_student_ids()));
CREATE POLICY video_analytics_events_insert ON @extschema@.video_analytics_events FOR INSERT
    WITH CHECK (@extschema@.is_service_role());

-- video_analytics: the creator sees its rollups; only the service (and
-- chronos's rollup functions) writes them.
CREATE POLICY video_analytics_select ON @extschema@.video_analytics FOR SELECT
    USING (creator_id >= @extschema@.service_id_floor()
           OR creator_id = ANY (@extschema@.current_creator_ids()));
CREATE POLICY video_analytics_insert ON @extschema@.video_analytics FOR INSERT
    WITH CHECK (@extschema@.is_service_role());
CREATE POLICY video_analytics_update ON @extschema@.video_analytics FOR UPDATE
    USING (creator_id >= @extschema@.service_id_floor())
    WITH CHECK (@extschema@.is_service_role());
CREATE POLICY video_analytics_delete ON @extschema@.video_analytics FOR DELETE
    USING (creator_id >= @extschema@.service_id_floor());

-- Distributed mode (Citus) ---------------------------------------------------
--
-- chronos.distribute(), called once on the coordinator of a Citus cluster
-- where chronos is installed, makes the content tables reference tables (a
-- copy on every node) and the large ones distributed by creator_id and
-- co-located, so that everything of one creator lives on one node and a
-- creator's reads and writes are single-shard.  Citus is not a dependency:
-- every statement that names it runs through EXECUTE, so on one node the
-- function only refuses.
--
-- What Citus refuses in the one-node schema, and what is changed here rather
-- than there (so that one node pays nothing for it):
--
--   * a foreign key from a distributed table that includes creator_id may
--     not be ON DELETE SET NULL (column): those of sessions and events to
--     courses and modules become NO ACTION (deleting a course or module that
--     sessions or events name is then refused; courses and modules are
--     soft-deleted with is_deleted), and the single-column foreign key of
--     events to their session becomes (session_id, creator_id), NO ACTION;
--   * a unique key of a distributed table must include creator_id: the
--     sessions' primary key becomes (id, creator_id).
--
-- Every node must have the same keys: Citus checks a new partition on each
-- worker against the worker's own copy of chronos's tables, which CREATE
-- EXTENSION made there (Citus creates chronos on each node, a node added
-- later included).  So where the citus extension is already in the database
-- when chronos is created, the install script makes these keys itself (the
-- DO block below); distribute() makes them where chronos came first.
--
-- Policies without subqueries and rollup keys that include creator_id are
-- part of the schema itself (above).  Triggers on distributed tables need
-- citus.enable_unsafe_triggers: chronos's triggers read only the row's own
-- creator's data (reference tables, or the co-located shard).

-- make_distributed_keys(): the key changes above, on this node only (DDL
-- propagation off: on a worker Citus would otherwise send them on); false
-- when the keys are made already.  Instant on empty tables; on tables with
-- rows (distribute() where chronos came before Citus) it builds the
-- sessions' primary key and checks the new foreign keys, a scan of each.
CREATE FUNCTION @extschema@.make_distributed_keys()
RETURNS boolean
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
SET citus.enable_ddl_propagation = off
AS $$
BEGIN
    IF (SELECT pg_catalog.array_length(conkey, 1) FROM pg_catalog.pg_constraint
         WHERE conrelid = '@extschema@.video_watch_sessions'::pg_catalog.regclass
           AND conname = 'video_watch_sessions_pkey') = 2 THEN
        RETURN false;
    END IF;
    ALTER TABLE @extschema@.video_analytics_events
        DROP CONSTRAINT video_analytics_events_session_id_fkey,
        DROP CONSTRAINT video_analytics_events_course_id_creator_id_fkey,
        DROP CONSTRAINT video_analytics_events_module_id_creator_id_fkey;
    ALTER TABLE @extschema@.video_watch_sessions
        DROP CONSTRAINT video_watch_sessions_course_id_creator_id_fkey,
        DROP CONSTRAINT video_watch_sessions_module_id_creator_id_fkey,
        DROP CONSTRAINT video_watch_sessions_pkey,
        ADD CONSTRAINT video_watch_sessions_pkey PRIMARY KEY (id, creator_id),
        ADD CONSTRAINT video_watch_sessions_course_id_creator_id_fkey FOREIGN KEY (course_id, creator_id)
            REFERENCES @extschema@.courses (id, creator_id),
        ADD CONSTRAINT video_watch_sessions_module_id_creator_id_fkey FOREIGN KEY (module_id, creator_id)
            REFERENCES @extschema@.course_modules (id, creator_id);
    ALTER TABLE @extschema@.video_analytics_events
        ADD CONSTRAINT video_analytics_events_course_id_creator_id_fkey FOREIGN KEY (course_id, creator_id)
            REFERENCES @extschema@.courses (id, creator_id),
        ADD CONSTRAINT video_analytics_events_module_id_creator_id_fkey FOREIGN KEY (module_id, creator_id)
            REFERENCES @extschema@.course_modules (id, creator_id),
        ADD CONSTRAINT video_analytics_events_session_id_fkey FOREIGN KEY (session_id, creator_id)
            REFERENCES @extschema@.video_watch_sessions (id, creator_id);
    RETURN true;
END
$$;
REVOKE ALL ON FUNCTION @extschema@.make_distributed_keys() FROM PUBLIC;
COMMENT ON FUNCTION @extschema@.make_distributed_keys() IS
'For a Citus cluster: makes the keys a distributed table needs (video_watch_sessions'' primary key (id, creator_id); the events'' foreign key to their session on (session_id, creator_id); those of sessions and events to courses and modules NO ACTION) on this node only; false when they are made already. The install script calls it where the citus extension exists, distribute() on the coordinator and the workers. Not granted to PUBLIC.';

DO $$
BEGIN
    IF EXISTS (SELECT FROM pg_catalog.pg_extension WHERE extname = 'citus') THEN
        PERFORM @extschema@.make_distributed_keys();
    END IF;
END
$$;

-- propagate_identity(): for PostgREST's db-pre-request on a Citus cluster.
-- PostgREST sets the claims with set_config(..., true), which Citus does not
-- send to the workers; this sets each identity setting that is set again
-- with SET LOCAL, with citus.propagate_set_commands = local first, so that
-- Citus sends them along with the transaction.  Changes nothing of the
-- identity; on one node it is not needed (and harmless).
CREATE FUNCTION @extschema@.propagate_identity()
RETURNS void
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_name text;
    v_value text;
BEGIN
    EXECUTE 'SET LOCAL citus.propagate_set_commands = local';
    FOREACH v_name IN ARRAY ARRAY['request.jwt.claims', 'request.jwt.claim.role',
                                  'request.jwt.claim.sub', 'chronos.creator_id',
                                  'chronos.student_id'] LOOP
        v_value := pg_catalog.current_setting(v_name, true);
        IF v_value IS NOT NULL AND v_value <> '' THEN
            EXECUTE pg_catalog.format('SET LOCAL %s = %L', v_name, v_value);
        END IF;
    END LOOP;
END
$$;
COMMENT ON FUNCTION @extschema@.propagate_identity() IS
'For a Citus cluster: sets the identity settings that are set (request.jwt.claims, request.jwt.claim.role and .sub, chronos.creator_id and .student_id) again with SET LOCAL, after SET LOCAL citus.propagate_set_commands = local, so that they reach the workers. Use it as PostgREST''s db-pre-request. Changes nothing on one node.';

CREATE FUNCTION @extschema@.distribute()
RETURNS void
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_table text;
    v_messages text;
BEGIN
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_extension WHERE extname = 'citus') THEN
        RAISE EXCEPTION 'chronos.distribute() needs the citus extension'
            USING ERRCODE = 'feature_not_supported',
                  DETAIL = 'The citus extension is not installed in this database.',
                  HINT = 'Install Citus, add citus to shared_preload_libraries, run CREATE EXTENSION citus and register the worker nodes (see the README, "Distributed mode"), then call chronos.distribute() on the coordinator.';
    END IF;
    IF NOT @extschema@.is_service_role() THEN
        RAISE EXCEPTION 'permission denied to distribute chronos''s tables'
            USING ERRCODE = 'insufficient_privilege',
                  DETAIL = 'Only the service may call chronos.distribute().';
    END IF;
    EXECUTE 'SELECT pg_catalog.citus_is_coordinator()' INTO STRICT v_table;
    IF NOT v_table::boolean THEN
        RAISE EXCEPTION 'chronos.distribute() must be called on the coordinator'
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = 'Connect to the coordinator of the Citus cluster (on a single-node cluster: run citus_set_coordinator_host first).';
    END IF;
    EXECUTE 'SELECT pg_catalog.count(*) > 0 FROM pg_catalog.pg_dist_partition'
         || ' WHERE logicalrelid = ''@extschema@.video_watch_sessions''::pg_catalog.regclass'
       INTO STRICT v_table;
    IF v_table::boolean THEN
        RAISE NOTICE 'chronos''s tables are distributed already';
        RETURN;
    END IF;

    -- create_reference_table fails on the first referenced table otherwise
    -- (Citus would first make it a Citus local table)
    PERFORM pg_catalog.set_config('citus.enable_local_reference_table_foreign_keys', 'off', true);
    PERFORM pg_catalog.set_config('citus.enable_unsafe_triggers', 'on', true);
    -- one connection per node: the reference tables are written in this
    -- transaction before the distributed ones are copied
    PERFORM pg_catalog.set_config('citus.multi_shard_modify_mode', 'sequential', true);

    -- the keys Citus needs (see above), here and on every worker that has
    -- chronos already (Citus creates it on the others below, and the
    -- install script makes the keys there): CREATE EXTENSION made them where
    -- Citus was there first
    PERFORM @extschema@.make_distributed_keys();
    EXECUTE 'SELECT pg_catalog.string_agg(nodename || '':'' || nodeport || '': '' || result, ''; '')'
         || ' FROM pg_catalog.run_command_on_workers($1) WHERE NOT success'
       INTO v_messages
      USING 'DO $d$ BEGIN'
         || ' IF pg_catalog.to_regprocedure(''@extschema@.make_distributed_keys()'') IS NOT NULL THEN'
         || ' PERFORM @extschema@.make_distributed_keys(); END IF; END $d$';
    IF v_messages IS NOT NULL THEN
        RAISE EXCEPTION 'could not make chronos''s keys on the workers'
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = v_messages,
                  HINT = 'chronos must be installed on every worker (Citus creates it there when it is created on the coordinator).';
    END IF;

    FOREACH v_table IN ARRAY ARRAY['creators', 'students', 'videos', 'courses',
                                   'course_modules', 'module_lessons'] LOOP
        EXECUTE pg_catalog.format('SELECT pg_catalog.create_reference_table(%L)',
                                  '@extschema@.' || v_table);
    END LOOP;
    EXECUTE 'SELECT pg_catalog.create_distributed_table($1, ''creator_id'')'
      USING '@extschema@.video_watch_sessions';
    FOREACH v_table IN ARRAY ARRAY['video_analytics_events', 'video_analytics',
                                   'video_analytics_pending'] LOOP
        EXECUTE 'SELECT pg_catalog.create_distributed_table($1, ''creator_id'', colocate_with => $2)'
          USING '@extschema@.' || v_table, '@extschema@.video_watch_sessions';
    END LOOP;
    -- the rows now live in the shards; the coordinator's own copy, invisible,
    -- would still take space and be checked by later DDL (ATTACH PARTITION);
    -- its notices (a TRUNCATE cascades over the foreign keys) are noise
    v_messages := pg_catalog.current_setting('client_min_messages');
    PERFORM pg_catalog.set_config('client_min_messages', 'warning', true);
    FOREACH v_table IN ARRAY ARRAY['video_analytics_events', 'video_analytics_events_default',
                                   'video_analytics', 'video_analytics_pending',
                                   'video_watch_sessions', 'module_lessons', 'course_modules',
                                   'courses', 'videos', 'students', 'creators'] LOOP
        EXECUTE 'SELECT pg_catalog.truncate_local_data_after_distributing_table($1)'
          USING '@extschema@.' || v_table;
    END LOOP;
    PERFORM pg_catalog.set_config('client_min_messages', v_messages, true);
END
$$;
COMMENT ON FUNCTION @extschema@.distribute() IS
'On the coordinator of a Citus cluster: makes creators, students, videos, courses, course_modules and module_lessons reference tables and video_watch_sessions, video_analytics_events (with its partitions), video_analytics and video_analytics_pending tables distributed by creator_id and co-located, with the rows they hold. Service only; refuses (feature_not_supported) where Citus is absent and (object_not_in_prerequisite_state) off the coordinator; does nothing when done already. See the README, "Distributed mode (Citus)".';
