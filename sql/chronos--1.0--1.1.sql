/*
 * chronos 1.0 -> 1.1: heartbeats that survive real networks.
 *
 *   ALTER EXTENSION chronos UPDATE TO '1.1';
 *
 * What it changes:
 *   - video_watch_sessions gains heartbeat_seqs, the sequence numbers of the
 *     heartbeats the session recorded (NULL until a heartbeat carries one);
 *   - record_watch_progress takes p_seq (DEFAULT NULL): a heartbeat whose
 *     number the session recorded already changes nothing and returns the
 *     session; its arguments change, so it is dropped and created again,
 *     with its comment (EXECUTE stays granted to PUBLIC, as in 1.0);
 *   - current_viewers counts heartbeats within 60 seconds of now either
 *     way: one dated ahead by a clock that stepped back no longer counts
 *     for ever.
 *   - audience analytics (docs/audience.md): the aggregate dropoff_agg and
 *     video_dropoff (where viewings start and stop), video_relative_retention
 *     (reach against the creator's videos of similar length),
 *     peak_concurrent_viewers and concurrent_viewers_series (new functions,
 *     EXECUTE granted to PUBLIC as every function is); creator_dashboard's
 *     comment names its new keys dropoff_points, peak_concurrent_viewers and
 *     quality_of_experience, which the C library adds (also for a database
 *     still at 1.0, where quality_of_experience is null).
 *   - video_event_type gains video_startup, video_rebuffer and video_error,
 *     player events whose metadata the C library checks (startup_ms,
 *     duration_ms, code); video_analytics gains their daily figures
 *     (startup_p50_ms, startup_p95_ms, startup_ms_values,
 *     exits_before_start, rebuffer_count, rebuffer_ms, rebuffer_ratio),
 *     which refresh_video_analytics computes where the columns exist.
 *   - usage and costs (docs/usage.md): the table usage_metrics (per creator
 *     and day, written by the service through the new record_usage, read by
 *     the creator under row-level security), creator_dashboard's comment
 *     naming its usage keys (which the C library adds: null at 1.0), and
 *     distribute() replaced to distribute usage_metrics too (also on a
 *     cluster distributed at 1.0, when called again).
 *   - xAPI export (docs/xapi.md): session_xapi and xapi_statements, the
 *     viewings as statements of the xAPI video profile, and the helpers
 *     uuid_v5, watch_ranges_played_segments and xapi_base_iri (new
 *     functions, EXECUTE granted to PUBLIC as every function is); the
 *     library defines the setting chronos.xapi_base_iri.
 *   - set_ai_interactions, the hook through which the chronos_rag extension
 *     sets video_analytics.ai_interactions (a new function, EXECUTE granted
 *     to PUBLIC, service only inside), and the column's new comment.
 *
 * Locks, each held until the update commits (it runs in one transaction):
 *   - ACCESS EXCLUSIVE on video_watch_sessions for ADD COLUMN: a catalog
 *     change only (no default, so no rewrite and no scan), but it waits for
 *     every transaction using the sessions and holds their heartbeats back
 *     until the update commits, normally milliseconds.  Run it with a
 *     lock_timeout (README, "Upgrading") and retry rather than queue.
 *   - the two functions are replaced in the catalog, which callers do not
 *     lock: a call already running keeps 1.0's definition, calls after the
 *     commit see 1.1's (until then, other sessions see 1.0's).
 *   - the new functions and aggregate, and the new comment on
 *     creator_dashboard, are catalog rows only: no table is locked, read or
 *     written.
 *   - ALTER TYPE video_event_type ADD VALUE (three labels) adds rows to
 *     pg_enum and locks the type, not the tables using it: nothing is read
 *     or rewritten.
 *   - ACCESS EXCLUSIVE on video_analytics for ADD COLUMN (six columns, NULL
 *     or constant defaults): a catalog change, no rewrite and no scan; it
 *     waits for the dashboards and the refresh reading or writing the
 *     rollups, normally milliseconds.
 *   - usage_metrics is a new, empty table: creating it, its policies and
 *     its foreign keys takes SHARE ROW EXCLUSIVE on creators and videos for
 *     an instant (no scan: the table is empty); distribute() is replaced in
 *     the catalog, which callers do not lock.
 *   - the xAPI functions are catalog rows only.
 *   - set_ai_interactions and the comment on ai_interactions: catalog rows
 *     only.
 * Nothing else is read or written.  The script ends by notifying pgrst
 * ("reload schema"), so that PostgREST reloads its schema cache at once.
 * The C library serves 1.0's three-argument
 * record_watch_progress until this runs.
 */

\echo Use "ALTER EXTENSION chronos UPDATE TO '1.1'" to load this file. \quit

-- In a DO block and IF NOT EXISTS, for Citus: there the coordinator's ALTER
-- TABLE of a distributed table is sent on to the workers (their copy and the
-- shards) as the text of the statement, which outside a DO block is this
-- whole script; and it reaches the workers' copy before they run this script
-- themselves.
DO $$
BEGIN
    ALTER TABLE @extschema@.video_watch_sessions ADD COLUMN IF NOT EXISTS heartbeat_seqs pg_catalog.int8multirange;
END
$$;
COMMENT ON COLUMN @extschema@.video_watch_sessions.heartbeat_seqs IS
'The sequence numbers (p_seq) of the heartbeats the session recorded, as ranges ({[1,42)} after heartbeats 1 to 41); NULL until a heartbeat carries one. A heartbeat whose number is here is a retry: it changes nothing.';

DROP FUNCTION @extschema@.record_watch_progress(uuid, numeric, numeric);
CREATE FUNCTION @extschema@.record_watch_progress(
    p_session_id   uuid,
    p_from_seconds numeric,
    p_to_seconds   numeric,
    p_seq          bigint DEFAULT NULL)
RETURNS @extschema@.video_watch_sessions
AS 'MODULE_PATHNAME', 'record_watch_progress'
LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION @extschema@.record_watch_progress(uuid, numeric, numeric, bigint) IS
'The heartbeat: the student played [p_from_seconds, p_to_seconds) since the last one. Adds the range to watched, sets watch time, resume position and percent_complete (distinct seconds covered / duration), emits video_progress at the 10, 25, 50, 75 and 90 percent milestones and video_completed once. p_seq numbers the session''s heartbeats (1, 2, 3, …): one the session recorded already changes nothing and returns the session as it stands; one older than the latest adds its range but does not move the resume position; NULL records no number. Refuses ranges past the video''s end, heartbeats on ended sessions, and playback faster than chronos.max_playback_rate allows. Returns the session.';

CREATE OR REPLACE FUNCTION @extschema@.current_viewers(p_video_id uuid)
RETURNS integer
LANGUAGE plpgsql STABLE PARALLEL RESTRICTED
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    RETURN (SELECT count(*)::integer
              FROM @extschema@.video_watch_sessions
             WHERE video_id = p_video_id AND session_end IS NULL
               AND last_heartbeat_at > now() - interval '60 seconds'
               AND last_heartbeat_at < now() + interval '60 seconds');
END
$$;
COMMENT ON FUNCTION @extschema@.current_viewers(uuid) IS
'Open sessions of the video with a heartbeat within the last 60 seconds (by the server''s clock; one dated more than 60 seconds ahead, after the clock stepped back, does not count). Answers as the caller (row-level security applies).';

-- Audience analytics (issue 17) ------------------------------------------------
--
-- Drop-off, relative retention and concurrent viewers; docs/audience.md
-- describes each with examples.  New objects only: nothing existing changes.

-- dropoff_agg: retention_agg's reach, plus per bucket how many viewings
-- started (their first position played) and stopped (their last) there.
-- The same C state as retention_agg (src/retention.c).

CREATE FUNCTION @extschema@.dropoff_agg_transfn(internal, @extschema@.watch_ranges, numeric, integer)
RETURNS internal
AS 'MODULE_PATHNAME', 'dropoff_agg_transfn'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.dropoff_agg_transfn(internal, @extschema@.watch_ranges, numeric, integer) IS
'Transition function of dropoff_agg: checks the duration and the number of buckets and counts one value into the per-bucket totals.';

CREATE FUNCTION @extschema@.dropoff_agg_combine(internal, internal)
RETURNS internal
AS 'MODULE_PATHNAME', 'dropoff_agg_combine'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.dropoff_agg_combine(internal, internal) IS
'Combine function of dropoff_agg: adds the per-bucket totals of two partial states (parallel aggregation).';

CREATE FUNCTION @extschema@.dropoff_agg_serialize(internal)
RETURNS bytea
AS 'MODULE_PATHNAME', 'dropoff_agg_serialize'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.dropoff_agg_serialize(internal) IS
'Serialization function of dropoff_agg: the state as bytea, sent from parallel workers to the leader.';

CREATE FUNCTION @extschema@.dropoff_agg_deserialize(bytea, internal)
RETURNS internal
AS 'MODULE_PATHNAME', 'dropoff_agg_deserialize'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.dropoff_agg_deserialize(bytea, internal) IS
'Deserialization function of dropoff_agg: the state dropoff_agg_serialize wrote.';

CREATE FUNCTION @extschema@.dropoff_agg_final(internal)
RETURNS jsonb
AS 'MODULE_PATHNAME', 'dropoff_agg_final'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.dropoff_agg_final(internal) IS
'Final function of dropoff_agg: the jsonb array of buckets with their start, started, stopped and reach.';

CREATE AGGREGATE @extschema@.dropoff_agg(@extschema@.watch_ranges, p_duration_seconds numeric, p_buckets integer) (
    SFUNC = @extschema@.dropoff_agg_transfn,
    STYPE = internal,
    SSPACE = 1700,
    FINALFUNC = @extschema@.dropoff_agg_final,
    FINALFUNC_MODIFY = READ_ONLY,
    COMBINEFUNC = @extschema@.dropoff_agg_combine,
    SERIALFUNC = @extschema@.dropoff_agg_serialize,
    DESERIALFUNC = @extschema@.dropoff_agg_deserialize,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.dropoff_agg(@extschema@.watch_ranges, numeric, integer) IS
'Where the viewings of one video start and stop: cuts p_duration_seconds into p_buckets equal buckets (1 to retention_max_buckets(), numbered from 0) and returns a jsonb array of {bucket, start_seconds, started, stopped, reach}. started counts the values whose first position played lies in the bucket, stopped those whose last position played before the end lies in it; reach is retention_agg''s. Parts past the duration are ignored; NULL and empty values do not count. NULL over no rows.';

CREATE FUNCTION @extschema@.video_dropoff(p_video_id uuid, p_buckets integer DEFAULT 100)
RETURNS TABLE (bucket integer, start_seconds numeric, started bigint, stopped bigint, reach numeric)
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
                  HINT = 'Set videos.duration_seconds first: drop-off buckets divide the duration.';
    END IF;
    -- as video_retention: one pass of the C aggregate over the video's
    -- sessions, named by its creator too (on Citus: one shard)
    RETURN QUERY
    SELECT r.bucket, r.start_seconds, r.started, r.stopped, r.reach
      FROM jsonb_to_recordset(COALESCE(
               (SELECT @extschema@.dropoff_agg(w.watched, v_duration, p_buckets)
                  FROM @extschema@.video_watch_sessions w
                 WHERE w.video_id = p_video_id AND w.creator_id = v_creator),
               (SELECT @extschema@.dropoff_agg(NULL::@extschema@.watch_ranges, v_duration, p_buckets))))
           AS r (bucket integer, start_seconds numeric, started bigint, stopped bigint, reach numeric)
     ORDER BY r.bucket;
END
$$;
COMMENT ON FUNCTION @extschema@.video_dropoff(uuid, integer) IS
'Where viewers join and leave the video, over the sessions that played something: p_buckets equal parts of its duration, numbered from 0 (as video_retention); started counts the sessions whose first position played lies in the bucket, stopped those whose last position played lies in it (stopped in the last bucket: watched to the end), reach is video_retention''s. Answers as the caller (row-level security applies).';

-- video_relative_retention: a video's reach against the median reach of the
-- same creator's other videos of similar length (within 25 % either way).

CREATE FUNCTION @extschema@.video_relative_retention(p_video_id uuid, p_buckets integer DEFAULT 100)
RETURNS TABLE (bucket integer, start_seconds numeric, reach numeric, median_reach numeric, ratio numeric,
               similar_videos integer)
LANGUAGE plpgsql STABLE PARALLEL RESTRICTED
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_duration integer; v_creator uuid; v_ids uuid[]; v_durations integer[];
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
    -- the creator's other videos of similar length: not deleted, duration
    -- known and within 25 % of this one's either way (exactly, in integers)
    SELECT array_agg(v.id ORDER BY v.id), array_agg(v.duration_seconds ORDER BY v.id)
      INTO v_ids, v_durations
      FROM @extschema@.videos v
     WHERE v.creator_id = v_creator AND v.id <> p_video_id AND NOT v.is_deleted
       AND 4 * v.duration_seconds::bigint >= 3 * v_duration::bigint
       AND 4 * v.duration_seconds::bigint <= 5 * v_duration::bigint;
    RETURN QUERY
    WITH own AS (
        -- this video's curve, as video_retention
        SELECT r.bucket, r.start_seconds, r.reach
          FROM jsonb_to_recordset(COALESCE(
                   (SELECT @extschema@.retention_agg(w.watched, v_duration, p_buckets)
                      FROM @extschema@.video_watch_sessions w
                     WHERE w.video_id = p_video_id AND w.creator_id = v_creator),
                   (SELECT @extschema@.retention_agg(NULL::@extschema@.watch_ranges, v_duration, p_buckets))))
               AS r (bucket integer, start_seconds numeric, reach numeric)
    ), others AS (
        -- each similar video's curve over its own duration, in one pass over
        -- their sessions (named by the creator: one shard on Citus)
        SELECT w.video_id, @extschema@.retention_agg(w.watched, d.duration, p_buckets) AS curve
          FROM @extschema@.video_watch_sessions w
          JOIN unnest(v_ids, v_durations) AS d (id, duration) ON d.id = w.video_id
         WHERE w.video_id = ANY (v_ids) AND w.creator_id = v_creator
         GROUP BY w.video_id
    ), points AS (
        -- the videos with a viewing that played something: some reach above 0
        SELECT o.video_id, r.bucket, r.reach
          FROM others o, jsonb_to_recordset(o.curve) AS r (bucket integer, reach numeric)
         WHERE EXISTS (SELECT FROM jsonb_array_elements(o.curve) AS e (x)
                        WHERE (e.x ->> 'reach')::numeric > 0)
    ), medians AS (
        -- per bucket, the reaches in order: the median is the middle one,
        -- or the mean of the two middle ones
        SELECT q.bucket, count(*)::integer AS n, array_agg(q.reach ORDER BY q.reach) AS sorted
          FROM points q
         GROUP BY q.bucket
    ), centre AS (
        SELECT m.bucket, m.n, (m.sorted[(m.n + 1) / 2] + m.sorted[m.n / 2 + 1]) / 2 AS median
          FROM medians m
    )
    SELECT o.bucket, o.start_seconds, o.reach,
           trim_scale(round(m.median, 6)),
           CASE WHEN m.median > 0 THEN trim_scale(round(o.reach / m.median, 6)) END,
           coalesce(m.n, 0)
      FROM own o
      LEFT JOIN centre m ON m.bucket = o.bucket
     ORDER BY o.bucket;
END
$$;
COMMENT ON FUNCTION @extschema@.video_relative_retention(uuid, integer) IS
'The video''s retention against the creator''s other videos of similar length: per bucket (as video_retention, each video cut into p_buckets parts of its own duration), its reach, the median reach of the other videos (not deleted, duration within 25 % of this one''s either way, with a session that played something), their ratio (reach / median_reach, rounded to six decimals), and how many videos the median is of. median_reach is NULL where no other video qualifies, ratio also where the median is 0. Answers as the caller (row-level security applies).';

-- Concurrent viewers (C, src/concurrent_viewers.c): a session watches from
-- its start until its end, or while open until its last heartbeat.

CREATE FUNCTION @extschema@.peak_concurrent_viewers(
    p_creator_id uuid,
    p_from       timestamptz,
    p_to         timestamptz,
    p_video_id   uuid DEFAULT NULL,
    OUT peak       integer,
    OUT peak_at    timestamptz,
    OUT peak_until timestamptz)
RETURNS record
AS 'MODULE_PATHNAME', 'peak_concurrent_viewers'
LANGUAGE C STABLE PARALLEL RESTRICTED;
COMMENT ON FUNCTION @extschema@.peak_concurrent_viewers(uuid, timestamptz, timestamptz, uuid) IS
'The most sessions of the creator''s videos (or of p_video_id only) watching at one instant from p_from to before p_to, the first instant it happened (peak_at) and when that stretch ended (peak_until); peak 0 and NULL times when nobody watched. A session watches from session_start until session_end, or while open until its last heartbeat. The creator itself or the service only.';

CREATE FUNCTION @extschema@.concurrent_viewers_series(
    p_creator_id uuid,
    p_from       timestamptz,
    p_to         timestamptz,
    p_interval   interval,
    p_video_id   uuid DEFAULT NULL)
RETURNS TABLE (interval_start timestamptz, interval_end timestamptz, viewers integer, peak integer)
AS 'MODULE_PATHNAME', 'concurrent_viewers_series'
LANGUAGE C STABLE PARALLEL RESTRICTED ROWS 100;
COMMENT ON FUNCTION @extschema@.concurrent_viewers_series(uuid, timestamptz, timestamptz, interval, uuid) IS
'Viewers over time: p_from to p_to cut into intervals of p_interval (fixed length: days of 24 hours, hours, minutes, seconds; at most 10000 intervals; the last one ends at p_to), per interval the sessions of the creator''s videos (or of p_video_id only) that watched at some instant of it (viewers) and the most that watched at one instant (peak). Sessions span as in peak_concurrent_viewers. The creator itself or the service only.';

-- Quality-of-experience events (issue 17, part 4: the events only; the
-- rollups and the dashboard's figures of them are still to come): what a
-- player reports about playback.  Appended after playback_speed_changed, so
-- they are player events (a student may send them for its own sessions,
-- src/event_model.c); their metadata is checked by the C library
-- (video_startup: startup_ms, video_rebuffer: duration_ms, milliseconds from
-- 0 to a day; video_error: code, a non-empty string or a number).  ADD VALUE
-- inside the update's transaction: the new labels are usable once it commits.
-- On a Citus cluster with DDL propagation off: Citus would send the whole
-- script text to the workers as the command, which they refuse; each worker
-- adds the labels when it runs this script itself.
DO $$
DECLARE
    v_propagation text := pg_catalog.current_setting('citus.enable_ddl_propagation', true);
BEGIN
    IF v_propagation IS NOT NULL THEN
        PERFORM pg_catalog.set_config('citus.enable_ddl_propagation', 'off', true);
    END IF;
    ALTER TYPE @extschema@.video_event_type ADD VALUE IF NOT EXISTS 'video_startup';
    ALTER TYPE @extschema@.video_event_type ADD VALUE IF NOT EXISTS 'video_rebuffer';
    ALTER TYPE @extschema@.video_event_type ADD VALUE IF NOT EXISTS 'video_error';
    IF v_propagation IS NOT NULL THEN
        PERFORM pg_catalog.set_config('citus.enable_ddl_propagation', v_propagation, true);
    END IF;
END
$$;
-- Their daily figures, per video and local day like the other rollups
-- (refresh_video_analytics computes them where these columns exist; new
-- columns go last).  Constant defaults: no rewrite, no scan.
-- (in a DO block: see heartbeat_seqs above)
DO $$
BEGIN
ALTER TABLE @extschema@.video_analytics
    ADD COLUMN IF NOT EXISTS startup_p50_ms     numeric,
    ADD COLUMN IF NOT EXISTS startup_p95_ms     numeric,
    ADD COLUMN IF NOT EXISTS exits_before_start integer NOT NULL DEFAULT 0,
    ADD COLUMN IF NOT EXISTS rebuffer_count     integer NOT NULL DEFAULT 0,
    ADD COLUMN IF NOT EXISTS rebuffer_ms        bigint  NOT NULL DEFAULT 0,
    ADD COLUMN IF NOT EXISTS rebuffer_ratio     numeric,
    ADD COLUMN IF NOT EXISTS startup_ms_values  double precision[];
END
$$;
COMMENT ON COLUMN @extschema@.video_analytics.startup_p50_ms IS
'Median time to the first frame of the day''s sessions, in milliseconds: the startup_ms of each session''s first video_startup event, percentile_disc(0.5); NULL when none reported one.';
COMMENT ON COLUMN @extschema@.video_analytics.startup_p95_ms IS
'95th percentile of the same startup times (percentile_disc(0.95)); NULL when none reported one.';
COMMENT ON COLUMN @extschema@.video_analytics.startup_ms_values IS
'The same startup times themselves, one per session that reported one, ascending; NULL when none did. Exact as doubles (a startup time has at most three decimals and eleven digits). creator_dashboard takes the exact percentiles of a range of days (and of each day, across videos) from them.';
COMMENT ON COLUMN @extschema@.video_analytics.exits_before_start IS
'Sessions of the day that ended (or were closed as stale) having played nothing and reported no video_startup: viewers who left before the video started.';
COMMENT ON COLUMN @extschema@.video_analytics.rebuffer_count IS
'video_rebuffer events of the day''s sessions: how often playback stalled.';
COMMENT ON COLUMN @extschema@.video_analytics.rebuffer_ms IS
'Their summed duration_ms: how long playback stalled, in milliseconds.';
COMMENT ON COLUMN @extschema@.video_analytics.rebuffer_ratio IS
'rebuffer_ms / the watch_time_ms of the day''s sessions (six decimals): stalled time per time played; NULL when they played nothing.';
COMMENT ON TYPE @extschema@.video_event_type IS
'The kinds of analytics event: the eight lifecycle and viewing events, the four a real player emits (paused, resumed, seeked, speed changed), and, since 1.1, three about the quality of playback: video_startup (metadata startup_ms: time to the first frame), video_rebuffer (duration_ms: how long playback stalled) and video_error (code).';

-- Usage and costs (issue 18, part 1) ---------------------------------------------
--
-- usage_metrics: what the platform spent per creator and day (storage,
-- videos added, transcription, embedding, chat), written by the service
-- through record_usage, read by the creator; creator_dashboard's cost
-- widgets and per-video costs read it (docs/usage.md).  New objects, a new
-- comment on creator_dashboard and distribute() replaced (it distributes
-- usage_metrics too); no existing table is touched.

CREATE TABLE @extschema@.usage_metrics (
    creator_id uuid        NOT NULL,
    "date"     date        NOT NULL,
    kind       text        NOT NULL,
    video_id   uuid,
    source     text,
    method     text,
    quantity   numeric     NOT NULL,
    cost       numeric     NOT NULL DEFAULT 0,
    created_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
    updated_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
    -- one report per creator, day, kind and what it is about (the video,
    -- and for a transcription its source and method); NULLs are equal here,
    -- so a creator-wide report is one row too.  It holds creator_id, the
    -- distribution column (chronos.distribute()).  The figures are included
    -- in its index, so that the dashboard sums a creator's days by an
    -- index-only scan (a creator's rows lie scattered over the table).
    CONSTRAINT usage_metrics_report_key UNIQUE NULLS NOT DISTINCT
        (creator_id, "date", kind, video_id, source, method) INCLUDE (quantity, cost),
    CONSTRAINT usage_metrics_kind_check
        CHECK (kind IN ('storage', 'videos_added', 'transcription', 'embedding', 'chat')),
    CONSTRAINT usage_metrics_source_check
        CHECK (source IN ('youtube', 'mux', 'loom', 'vimeo', 'wistia', 'upload')),
    CONSTRAINT usage_metrics_method_check CHECK (method IN ('captions', 'whisper', 'manual')),
    -- a transcription has its source and method, nothing else has either;
    -- videos added and chat messages are not attributed to a video
    CONSTRAINT usage_metrics_dimensions_check CHECK (
        CASE kind WHEN 'transcription' THEN source IS NOT NULL AND method IS NOT NULL
                  ELSE source IS NULL AND method IS NULL END
        AND (video_id IS NULL OR kind IN ('storage', 'transcription', 'embedding'))),
    CONSTRAINT usage_metrics_amounts_check CHECK (
        quantity >= 0 AND cost >= 0
        AND quantity <> 'Infinity' AND cost <> 'Infinity' AND quantity <> 'NaN' AND cost <> 'NaN'
        AND (kind = 'transcription' OR quantity = pg_catalog.trunc(quantity))
        AND (kind <> 'videos_added' OR cost = 0))
);

COMMENT ON TABLE @extschema@.usage_metrics IS
'What the platform used and spent for a creator on one of its local days, one row per report: per kind (storage, videos_added, transcription, embedding, chat), and per video, source and method where the kind has them. Written by the service through record_usage; the creator reads its own rows.';
COMMENT ON COLUMN @extschema@.usage_metrics.creator_id IS 'The creator the usage is billed to.';
COMMENT ON COLUMN @extschema@.usage_metrics."date" IS 'The creator''s local day (creators.timezone), as in video_analytics.';
COMMENT ON COLUMN @extschema@.usage_metrics.kind IS
'What was used, and the unit of quantity: storage (bytes stored at the end of the day), videos_added (videos), transcription (minutes transcribed), embedding (tokens embedded), chat (messages answered).';
COMMENT ON COLUMN @extschema@.usage_metrics.video_id IS
'The video the usage is for (storage, transcription and embedding only); NULL when it is not attributed to one video. Per-video costs add up the rows that name the video.';
COMMENT ON COLUMN @extschema@.usage_metrics.source IS
'For a transcription: the source type of the video transcribed (youtube, mux, loom, vimeo, wistia, upload); NULL for the other kinds.';
COMMENT ON COLUMN @extschema@.usage_metrics.method IS
'For a transcription: how it was made: captions (the platform''s own captions or transcript), whisper (speech to text by a model), manual (written or uploaded by the creator); NULL for the other kinds.';
COMMENT ON COLUMN @extschema@.usage_metrics.quantity IS
'How much, in the kind''s unit (see kind): a whole number but for transcription minutes; never negative.';
COMMENT ON COLUMN @extschema@.usage_metrics.cost IS
'What it cost that day, in the platform''s billing currency (USD in the report); never negative; 0 for videos_added.';
COMMENT ON COLUMN @extschema@.usage_metrics.created_at IS 'When the report was first recorded.';
COMMENT ON COLUMN @extschema@.usage_metrics.updated_at IS 'When its figures were last replaced (record_usage with p_replace); created_at until then.';
COMMENT ON CONSTRAINT usage_metrics_report_key ON @extschema@.usage_metrics IS
'One report per creator, day, kind, video, source and method (NULLs equal): what record_usage is idempotent on. Also the index of the dashboard''s reads (creator_id, date).';
COMMENT ON INDEX @extschema@.usage_metrics_report_key IS
'The index of usage_metrics_report_key: record_usage''s conflicts, and creator_dashboard''s reads of a creator''s days (creator_id, date), index-only (it includes quantity and cost).';

-- a video's usage, found when the video is deleted (the cascade) without a scan
CREATE INDEX usage_metrics_video_id_idx ON @extschema@.usage_metrics (video_id);

-- Its foreign keys, to the creator and to the video of the same creator.
-- On a Citus cluster distributed at 1.0 they wait for distribute(): a
-- foreign key from this new, local table to a reference table would make
-- Citus turn it into a "Citus local table" at once, on the coordinator,
-- before the workers have run this script and have the table (the update
-- fails); distribute() distributes it, then adds them.
CREATE FUNCTION @extschema@.add_usage_metrics_keys()
RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_constraint
                    WHERE conname = 'usage_metrics_creator_id_fkey'
                      AND conrelid = '@extschema@.usage_metrics'::pg_catalog.regclass) THEN
        ALTER TABLE @extschema@.usage_metrics ADD CONSTRAINT usage_metrics_creator_id_fkey
            FOREIGN KEY (creator_id) REFERENCES @extschema@.creators (id) ON DELETE CASCADE;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_constraint
                    WHERE conname = 'usage_metrics_video_id_creator_id_fkey'
                      AND conrelid = '@extschema@.usage_metrics'::pg_catalog.regclass) THEN
        ALTER TABLE @extschema@.usage_metrics ADD CONSTRAINT usage_metrics_video_id_creator_id_fkey
            FOREIGN KEY (video_id, creator_id) REFERENCES @extschema@.videos (id, creator_id) ON DELETE CASCADE;
    END IF;
END
$$;
REVOKE ALL ON FUNCTION @extschema@.add_usage_metrics_keys() FROM PUBLIC;
COMMENT ON FUNCTION @extschema@.add_usage_metrics_keys() IS
'Internal: adds usage_metrics'' foreign keys where they are missing (the update to 1.1 makes them, but on a Citus cluster distributed at 1.0 distribute() does, after distributing the table). Not for callers.';
DO $$
DECLARE
    v_distributed boolean := false;
BEGIN
    IF EXISTS (SELECT FROM pg_catalog.pg_extension WHERE extname = 'citus') THEN
        EXECUTE 'SELECT pg_catalog.count(*) > 0 FROM pg_catalog.pg_dist_partition'
             || ' WHERE logicalrelid = ''@extschema@.creators''::pg_catalog.regclass'
           INTO STRICT v_distributed;
    END IF;
    IF NOT v_distributed THEN
        PERFORM @extschema@.add_usage_metrics_keys();
    END IF;
END
$$;
COMMENT ON INDEX @extschema@.usage_metrics_video_id_idx IS
'A video''s usage rows: the cascade when the video is deleted.';

CREATE TRIGGER usage_metrics_set_updated_at BEFORE UPDATE ON @extschema@.usage_metrics
    FOR EACH ROW EXECUTE FUNCTION @extschema@.set_updated_at();

ALTER TABLE @extschema@.usage_metrics ENABLE ROW LEVEL SECURITY;
SELECT pg_catalog.pg_extension_config_dump('@extschema@.usage_metrics', '');
GRANT SELECT, INSERT, UPDATE, DELETE ON @extschema@.usage_metrics TO PUBLIC;

-- The creator reads its own rows; only the service writes (record_usage).
-- Students and anonymous callers match no arm.  As the other tables' policies
-- (chronos--1.0.sql, "Privileges and policies").
CREATE POLICY usage_metrics_select ON @extschema@.usage_metrics FOR SELECT
    USING (creator_id >= @extschema@.service_id_floor()
           OR creator_id = ANY (@extschema@.current_creator_ids()));
CREATE POLICY usage_metrics_insert ON @extschema@.usage_metrics FOR INSERT
    WITH CHECK (@extschema@.is_service_role());
CREATE POLICY usage_metrics_update ON @extschema@.usage_metrics FOR UPDATE
    USING (creator_id >= @extschema@.service_id_floor())
    WITH CHECK (@extschema@.is_service_role());
CREATE POLICY usage_metrics_delete ON @extschema@.usage_metrics FOR DELETE
    USING (creator_id >= @extschema@.service_id_floor());

-- record_usage: one report, idempotent on usage_metrics_report_key.  PL/pgSQL:
-- a few calls per creator and day, one row each; it runs as the caller (the
-- service, whom the policies let write).
CREATE FUNCTION @extschema@.record_usage(
    p_creator_id uuid,
    p_date       date,
    p_kind       text,
    p_quantity   numeric,
    p_cost       numeric DEFAULT 0,
    p_video_id   uuid    DEFAULT NULL,
    p_source     text    DEFAULT NULL,
    p_method     text    DEFAULT NULL,
    p_replace    boolean DEFAULT false)
RETURNS @extschema@.usage_metrics
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_row @extschema@.usage_metrics;
    v_video_source text;
    v_report text;
BEGIN
    -- 1. arguments
    IF p_creator_id IS NULL THEN
        RAISE EXCEPTION 'p_creator_id must not be null' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF p_date IS NULL THEN
        RAISE EXCEPTION 'p_date must not be null' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF p_kind IS NULL THEN
        RAISE EXCEPTION 'p_kind must not be null' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF p_quantity IS NULL THEN
        RAISE EXCEPTION 'p_quantity must not be null' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF p_cost IS NULL THEN
        RAISE EXCEPTION 'p_cost must not be null' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF p_replace IS NULL THEN
        RAISE EXCEPTION 'p_replace must not be null' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF p_kind NOT IN ('storage', 'videos_added', 'transcription', 'embedding', 'chat') THEN
        RAISE EXCEPTION 'unknown usage kind "%"', p_kind
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'The kinds are storage, videos_added, transcription, embedding and chat.';
    END IF;
    IF isfinite(p_date) IS NOT TRUE THEN
        RAISE EXCEPTION 'p_date must be a finite date' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    -- no time zone is more than a day ahead of UTC: a later day has begun nowhere
    IF p_date > (now() AT TIME ZONE 'UTC')::date + 1 THEN
        RAISE EXCEPTION 'p_date % is in the future', to_char(p_date, 'YYYY-MM-DD')
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Record the usage of a day once it has begun in the creator''s time zone.';
    END IF;
    IF p_quantity IN ('NaN', 'Infinity', '-Infinity') THEN
        RAISE EXCEPTION 'p_quantity must be a finite number, not %', p_quantity
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF p_quantity < 0 THEN
        RAISE EXCEPTION 'p_quantity must not be negative, not %', p_quantity
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF p_kind <> 'transcription' AND p_quantity <> trunc(p_quantity) THEN
        RAISE EXCEPTION 'p_quantity of kind % must be a whole number of %, not %', p_kind,
                        CASE p_kind WHEN 'storage' THEN 'bytes' WHEN 'videos_added' THEN 'videos'
                                    WHEN 'embedding' THEN 'tokens' ELSE 'messages' END, p_quantity
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF p_cost IN ('NaN', 'Infinity', '-Infinity') THEN
        RAISE EXCEPTION 'p_cost must be a finite number, not %', p_cost
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF p_cost < 0 THEN
        RAISE EXCEPTION 'p_cost must not be negative, not %', p_cost
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF p_kind = 'videos_added' AND p_cost <> 0 THEN
        RAISE EXCEPTION 'p_cost of kind videos_added must be 0, not %', p_cost
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Adding a video costs nothing by itself: record its storage, transcription and embedding.';
    END IF;
    IF p_video_id IS NOT NULL AND p_kind NOT IN ('storage', 'transcription', 'embedding') THEN
        RAISE EXCEPTION 'p_video_id is not for kind %', p_kind
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Only storage, transcription and embedding are attributed to a video.';
    END IF;
    IF p_kind = 'transcription' THEN
        IF p_source IS NULL AND p_video_id IS NULL THEN
            RAISE EXCEPTION 'p_source must not be null for kind transcription without p_video_id'
                USING ERRCODE = 'null_value_not_allowed',
                      HINT = 'Give the source type of the video transcribed, or the video (its source type is taken).';
        END IF;
        IF p_source NOT IN ('youtube', 'mux', 'loom', 'vimeo', 'wistia', 'upload') THEN
            RAISE EXCEPTION 'unknown video source "%"', p_source
                USING ERRCODE = 'invalid_parameter_value',
                      HINT = 'The sources are youtube, mux, loom, vimeo, wistia and upload.';
        END IF;
        IF p_method IS NULL THEN
            RAISE EXCEPTION 'p_method must not be null for kind transcription'
                USING ERRCODE = 'null_value_not_allowed',
                      HINT = 'The methods are captions, whisper and manual.';
        END IF;
        IF p_method NOT IN ('captions', 'whisper', 'manual') THEN
            RAISE EXCEPTION 'unknown transcript method "%"', p_method
                USING ERRCODE = 'invalid_parameter_value',
                      HINT = 'The methods are captions, whisper and manual.';
        END IF;
    ELSIF p_source IS NOT NULL THEN
        RAISE EXCEPTION 'p_source is only for kind transcription, not %', p_kind
            USING ERRCODE = 'invalid_parameter_value';
    ELSIF p_method IS NOT NULL THEN
        RAISE EXCEPTION 'p_method is only for kind transcription, not %', p_kind
            USING ERRCODE = 'invalid_parameter_value';
    END IF;

    -- 2. the caller, from the identity alone
    IF NOT @extschema@.is_service_role() THEN
        RAISE EXCEPTION 'permission denied to record usage'
            USING ERRCODE = 'insufficient_privilege',
                  DETAIL = 'Only the service may record usage.';
    END IF;

    -- 3. the references (the service sees every row)
    PERFORM FROM @extschema@.creators c WHERE c.id = p_creator_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'creator % does not exist', p_creator_id USING ERRCODE = 'foreign_key_violation';
    END IF;
    IF p_video_id IS NOT NULL THEN
        SELECT v.source_type INTO v_video_source FROM @extschema@.videos v
         WHERE v.id = p_video_id AND v.creator_id = p_creator_id;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'video % does not belong to creator %', p_video_id, p_creator_id
                USING ERRCODE = 'foreign_key_violation';
        END IF;
        IF p_kind = 'transcription' THEN
            IF p_source IS NOT NULL AND p_source <> v_video_source THEN
                RAISE EXCEPTION 'p_source % is not the source of video % (%)', p_source, p_video_id, v_video_source
                    USING ERRCODE = 'invalid_parameter_value',
                          HINT = 'Leave p_source out: a video''s transcription has the video''s source type.';
            END IF;
            p_source := v_video_source;
        END IF;
    END IF;

    -- 4. the report, once: a retry with the same figures changes nothing;
    -- other figures replace the recorded ones only with p_replace
    INSERT INTO @extschema@.usage_metrics AS u (creator_id, "date", kind, video_id, source, method, quantity, cost)
    VALUES (p_creator_id, p_date, p_kind, p_video_id, p_source, p_method, p_quantity, p_cost)
    ON CONFLICT ON CONSTRAINT usage_metrics_report_key DO NOTHING
    RETURNING u.* INTO v_row;
    IF FOUND THEN
        RETURN v_row;
    END IF;
    SELECT u.* INTO STRICT v_row FROM @extschema@.usage_metrics u
     WHERE u.creator_id = p_creator_id AND u."date" = p_date AND u.kind = p_kind
       AND u.video_id IS NOT DISTINCT FROM p_video_id AND u.source IS NOT DISTINCT FROM p_source
       AND u.method IS NOT DISTINCT FROM p_method
       FOR UPDATE;
    IF v_row.quantity = p_quantity AND v_row.cost = p_cost THEN
        RETURN v_row;
    END IF;
    IF NOT p_replace THEN
        v_report := concat(' for video ' || p_video_id, ' (' || p_source || ', ' || p_method || ')');
        RAISE EXCEPTION '% usage of creator % on % is recorded already with other figures',
                        p_kind, p_creator_id, to_char(p_date, 'YYYY-MM-DD') || v_report
            USING ERRCODE = 'unique_violation',
                  DETAIL = format('Recorded: quantity %s, cost %s; reported: quantity %s, cost %s.',
                                  v_row.quantity, v_row.cost, p_quantity, p_cost),
                  HINT = 'A retry must repeat the figures; to correct them, call record_usage with p_replace => true.';
    END IF;
    UPDATE @extschema@.usage_metrics u
       SET quantity = p_quantity, cost = p_cost
     WHERE u.creator_id = p_creator_id AND u."date" = p_date AND u.kind = p_kind
       AND u.video_id IS NOT DISTINCT FROM p_video_id AND u.source IS NOT DISTINCT FROM p_source
       AND u.method IS NOT DISTINCT FROM p_method
    RETURNING u.* INTO STRICT v_row;
    RETURN v_row;
END
$$;
COMMENT ON FUNCTION @extschema@.record_usage(uuid, date, text, numeric, numeric, uuid, text, text, boolean) IS
'Records one usage report: the quantity (in the kind''s unit) and cost of a kind (storage, videos_added, transcription, embedding, chat) for the creator on its local day p_date, optionally for one video (storage, transcription, embedding), a transcription with its source (taken from the video when given) and method (captions, whisper, manual). Idempotent per creator, day, kind, video, source and method: a retry with the same figures changes nothing, other figures are refused (unique_violation) unless p_replace, which replaces them. Returns the row as recorded. Service only.';

-- distribute(): as in 1.0, with usage_metrics among the tables distributed by
-- creator_id (co-located with the sessions).  On a cluster distributed at
-- 1.0, call it again after this update: it distributes usage_metrics alone.
CREATE OR REPLACE FUNCTION @extschema@.distribute()
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
        -- distributed before 1.1: usage_metrics, which the update made, joins
        -- the others now (co-located, with the rows it holds)
        EXECUTE 'SELECT pg_catalog.count(*) > 0 FROM pg_catalog.pg_dist_partition'
             || ' WHERE logicalrelid = ''@extschema@.usage_metrics''::pg_catalog.regclass'
             || ' AND partmethod = ''h'''
           INTO STRICT v_table;
        IF v_table::boolean THEN
            RAISE NOTICE 'chronos''s tables are distributed already';
            RETURN;
        END IF;
        PERFORM pg_catalog.set_config('citus.multi_shard_modify_mode', 'sequential', true);
        -- its updated_at trigger, as the others' below
        PERFORM pg_catalog.set_config('citus.enable_unsafe_triggers', 'on', true);
        EXECUTE 'SELECT pg_catalog.create_distributed_table($1, ''creator_id'', colocate_with => $2)'
          USING '@extschema@.usage_metrics', '@extschema@.video_watch_sessions';
        v_messages := pg_catalog.current_setting('client_min_messages');
        PERFORM pg_catalog.set_config('client_min_messages', 'warning', true);
        EXECUTE 'SELECT pg_catalog.truncate_local_data_after_distributing_table($1)'
          USING '@extschema@.usage_metrics';
        PERFORM pg_catalog.set_config('client_min_messages', v_messages, true);
        -- its foreign keys, which the update left to this call (see there)
        PERFORM @extschema@.add_usage_metrics_keys();
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
                                   'video_analytics_pending', 'usage_metrics'] LOOP
        EXECUTE 'SELECT pg_catalog.create_distributed_table($1, ''creator_id'', colocate_with => $2)'
          USING '@extschema@.' || v_table, '@extschema@.video_watch_sessions';
    END LOOP;
    -- the rows now live in the shards; the coordinator's own copy, invisible,
    -- would still take space and be checked by later DDL (ATTACH PARTITION);
    -- its notices (a TRUNCATE cascades over the foreign keys) are noise
    v_messages := pg_catalog.current_setting('client_min_messages');
    PERFORM pg_catalog.set_config('client_min_messages', 'warning', true);
    FOREACH v_table IN ARRAY ARRAY['video_analytics_events', 'video_analytics_events_default',
                                   'video_analytics', 'video_analytics_pending', 'usage_metrics',
                                   'video_watch_sessions', 'module_lessons', 'course_modules',
                                   'courses', 'videos', 'students', 'creators'] LOOP
        EXECUTE 'SELECT pg_catalog.truncate_local_data_after_distributing_table($1)'
          USING '@extschema@.' || v_table;
    END LOOP;
    PERFORM pg_catalog.set_config('client_min_messages', v_messages, true);
END
$$;
COMMENT ON FUNCTION @extschema@.distribute() IS
'On the coordinator of a Citus cluster: makes creators, students, videos, courses, course_modules and module_lessons reference tables and video_watch_sessions, video_analytics_events (with its partitions), video_analytics, video_analytics_pending and usage_metrics tables distributed by creator_id and co-located, with the rows they hold. Service only; refuses (feature_not_supported) where Citus is absent and (object_not_in_prerequisite_state) off the coordinator; where the tables were distributed before 1.1, distributes usage_metrics only, and otherwise does nothing when done already. See the README, "Distributed mode (Citus)".';

COMMENT ON FUNCTION @extschema@.creator_dashboard(uuid, date, date) IS
'The creator''s dashboard for its local days p_from to p_to (at most 366): totals, views and watch time per day (zero-filled), per-video views, unique viewers, completion rate and engagement score, the top 10 videos by views and by engagement, a 7 x 24 heatmap of session starts (Monday first, local hours), transcription costs by method (from the video_transcribed events), the 10 largest drop-off points of the range''s sessions (dropoff_points: video, bucket of 100, sessions that stopped there; the last bucket, watched to the end, left out) and the peak of concurrent viewers among the range''s sessions (peak_concurrent_viewers: peak, at, until) and the quality of experience (quality_of_experience: startup time median and 95th percentile, exits before start, stalls and their milliseconds, over the range and per day; null before 1.1''s rollup columns); from usage_metrics (null before 1.1): usage_totals (quantities and costs per kind, total_cost), transcript_costs_by_source, storage_usage (bytes and cost per day), monthly_spend (cost per kind and month) and video_costs (per video: transcription + embedding + storage); and videos_per_student (students by the distinct videos they watched in the range, in fixed buckets). Sums of days come from the rollups (as of the last refresh_video_analytics), distinct students, rates, drop-off and peak from the sessions of the range. The creator itself or the service only.';

-- xAPI export (issue 17, item 5) ----------------------------------------------
--
-- The viewings as xAPI 1.0.3 statements of the video profile (video/v1.0.3),
-- for a learning record store; docs/xapi.md gives the mapping.  New objects
-- only: the C helpers uuid_v5, watch_ranges_played_segments and
-- xapi_base_iri (src/xapi.c, src/watch_ranges.c; the setting
-- chronos.xapi_base_iri is the library's), and the PL/pgSQL functions
-- session_xapi and xapi_statements, which read as the caller.

CREATE FUNCTION @extschema@.uuid_v5(p_namespace uuid, p_name text)
RETURNS uuid
AS 'MODULE_PATHNAME', 'uuid_v5'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.uuid_v5(uuid, text) IS
'The name-based uuid of p_name in p_namespace, version 5 (RFC 9562: SHA-1 of the namespace''s 16 bytes and the name''s bytes in the database encoding), as Python''s uuid.uuid5 computes it. session_xapi''s statement ids are uuid_v5(''291165ab-6054-5472-a100-6e75d61cf3f5'', ''<session id>/<step>'').';

CREATE FUNCTION @extschema@.watch_ranges_played_segments(@extschema@.watch_ranges)
RETURNS text
AS 'MODULE_PATHNAME', 'watch_ranges_played_segments'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.watch_ranges_played_segments(@extschema@.watch_ranges) IS
'The value in the xAPI video profile''s played-segments form: each range as start[.]end in seconds with three decimals, joined by [,], in the order of positions (a watch_ranges keeps no order of time), listed once per play while that makes at most 1024 entries and once each past that: ''{[0,12),[14,21)x2}'' gives ''0.000[.]12.000[,]14.000[.]21.000[,]14.000[.]21.000''; the empty string for nothing played.';

CREATE FUNCTION @extschema@.xapi_base_iri()
RETURNS text
AS 'MODULE_PATHNAME', 'xapi_base_iri'
LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.xapi_base_iri() IS
'The setting chronos.xapi_base_iri (default https://chronos.invalid/): the home page of the students'' accounts in xAPI statements, and the base of the activities'' IRIs (videos/<id>, courses/<id>).';

CREATE FUNCTION @extschema@.session_xapi(p_session_id uuid)
RETURNS SETOF jsonb
LANGUAGE plpgsql STABLE PARALLEL RESTRICTED ROWS 10
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    s record; e record;
    v_length integer; v_base text; v_threshold numeric;
    v_steps text[] := '{}'; v_verbs text[] := '{}'; v_times timestamptz[] := '{}';
    v_results jsonb[] := '{}'; v_thresholds boolean[] := '{}';
    v_final jsonb; v_duration text; v_completed_at timestamptz; v_completed_due boolean;
    v_x jsonb; v_verb text; v_a jsonb; v_b jsonb;
BEGIN
    IF p_session_id IS NULL THEN
        RAISE EXCEPTION 'p_session_id must not be null' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    -- as the caller: a session it may not see does not exist for it
    SELECT w.id, w.video_id, w.student_id, w.creator_id, w.course_id, w.session_start, w.session_end,
           w.completed, w.completed_at, w.watched, w.watch_time_ms, w.watch_time_seconds,
           w.last_position_seconds
      INTO s
      FROM @extschema@.video_watch_sessions w
     WHERE w.id = p_session_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'watch session % does not exist', p_session_id
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    SELECT v.duration_seconds INTO v_length
      FROM @extschema@.videos v
     WHERE v.id = s.video_id AND v.creator_id = s.creator_id;
    v_base := @extschema@.xapi_base_iri();
    v_threshold := current_setting('chronos.completion_threshold')::numeric / 100;

    -- the result of completed and terminated: the viewing as it ended
    -- (ranges in the order of positions, each once per play; the time
    -- played as the duration); progress is the distinct seconds played
    -- over the length, as for percent_complete, cut (not rounded up) to
    -- three decimals
    IF s.session_end IS NOT NULL THEN
        v_final := jsonb_strip_nulls(jsonb_build_object(
            'https://w3id.org/xapi/video/extensions/time', trim_scale(round(coalesce(s.last_position_seconds, 0), 3)),
            'https://w3id.org/xapi/video/extensions/played-segments',
                @extschema@.watch_ranges_played_segments(s.watched),
            'https://w3id.org/xapi/video/extensions/progress',
                CASE WHEN v_length IS NOT NULL
                     THEN trim_scale(least(1, trunc(@extschema@.coverage(s.watched) / v_length, 3))) END));
        -- the time played, exactly (watch_time_ms), or watch_time_seconds
        -- where a row written directly holds only that
        v_duration := 'PT' || CASE WHEN round(s.watch_time_ms / 1000.0) = s.watch_time_seconds
                                   THEN trim_scale(round(s.watch_time_ms / 1000.0, 3))
                                   ELSE s.watch_time_seconds END || 'S';
    END IF;

    v_steps := v_steps || 'initialized'::text;
    v_verbs := v_verbs || 'http://adlnet.gov/expapi/verbs/initialized'::text;
    v_times := v_times || s.session_start;
    v_results := v_results || NULL::jsonb;
    v_thresholds := v_thresholds || true;

    -- completed once, for a completed session that has ended: until then
    -- its result could still change, and a record store refuses a
    -- statement id it holds with other content
    v_completed_at := coalesce(s.completed_at, s.session_end);
    v_completed_due := s.completed AND s.session_end IS NOT NULL;

    -- the player's events of the session, in time order (the creator is
    -- named too: on Citus, one shard); completed among them at its time
    FOR e IN
        SELECT x.id, x.event_type::text AS event_type, x.metadata, x."timestamp"
          FROM @extschema@.video_analytics_events x
         WHERE x.session_id = s.id AND x.creator_id = s.creator_id
           AND x.event_type IN ('video_resumed', 'video_paused', 'video_seeked')
         ORDER BY x."timestamp", x.id
    LOOP
        IF v_completed_due AND v_completed_at < e."timestamp" THEN
            v_steps := v_steps || 'completed'::text;
            v_verbs := v_verbs || 'http://adlnet.gov/expapi/verbs/completed'::text;
            v_times := v_times || v_completed_at;
            v_results := v_results || jsonb_build_object('completion', true, 'duration', v_duration,
                                                         'extensions', v_final);
            v_thresholds := v_thresholds || true;
            v_completed_due := false;
        END IF;
        -- the positions the player sent: numbers from 0 to the largest
        -- position chronos knows (2147483.647 s), to the millisecond;
        -- anything else is a position not known
        v_a := e.metadata -> CASE WHEN e.event_type = 'video_seeked' THEN 'from_seconds' ELSE 'position_seconds' END;
        v_b := e.metadata -> 'to_seconds';
        v_a := CASE WHEN jsonb_typeof(v_a) = 'number' AND v_a::numeric BETWEEN 0 AND 2147483.647
                    THEN to_jsonb(trim_scale(round(v_a::numeric, 3))) END;
        v_b := CASE WHEN jsonb_typeof(v_b) = 'number' AND v_b::numeric BETWEEN 0 AND 2147483.647
                    THEN to_jsonb(trim_scale(round(v_b::numeric, 3))) END;
        IF e.event_type = 'video_seeked' THEN
            v_verb := 'seeked';
            v_x := jsonb_build_object('https://w3id.org/xapi/video/extensions/time-from', v_a,
                                      'https://w3id.org/xapi/video/extensions/time-to', v_b);
        ELSE
            v_verb := CASE e.event_type WHEN 'video_paused' THEN 'paused' ELSE 'played' END;
            v_x := jsonb_build_object('https://w3id.org/xapi/video/extensions/time', v_a);
        END IF;
        v_x := jsonb_strip_nulls(v_x);
        v_steps := v_steps || (v_verb || '/' || e.id::text);
        v_verbs := v_verbs || ('https://w3id.org/xapi/video/verbs/' || v_verb);
        v_times := v_times || e."timestamp";
        v_results := v_results || CASE WHEN v_x <> '{}' THEN jsonb_build_object('extensions', v_x) END;
        v_thresholds := v_thresholds || (v_verb = 'paused');
    END LOOP;
    IF v_completed_due THEN
        v_steps := v_steps || 'completed'::text;
        v_verbs := v_verbs || 'http://adlnet.gov/expapi/verbs/completed'::text;
        v_times := v_times || v_completed_at;
        v_results := v_results || jsonb_build_object('completion', true, 'duration', v_duration,
                                                     'extensions', v_final);
        v_thresholds := v_thresholds || true;
    END IF;

    -- terminated last, once the session has ended
    IF s.session_end IS NOT NULL THEN
        v_steps := v_steps || 'terminated'::text;
        v_verbs := v_verbs || 'http://adlnet.gov/expapi/verbs/terminated'::text;
        v_times := v_times || s.session_end;
        v_results := v_results || jsonb_build_object('duration', v_duration, 'extensions', v_final);
        v_thresholds := v_thresholds || true;
    END IF;

    RETURN QUERY
    SELECT jsonb_build_object(
               'id', @extschema@.uuid_v5('291165ab-6054-5472-a100-6e75d61cf3f5', s.id::text || '/' || t.step),
               'actor', jsonb_build_object('objectType', 'Agent',
                            'account', jsonb_build_object('homePage', v_base, 'name', s.student_id::text)),
               'verb', jsonb_build_object('id', t.verb,
                           'display', jsonb_build_object('en-US', regexp_replace(t.verb, '^.*/', ''))),
               'object', jsonb_build_object('objectType', 'Activity',
                             'id', v_base || 'videos/' || s.video_id::text,
                             'definition', jsonb_build_object('type', 'https://w3id.org/xapi/video/activity-type/video')),
               'context', jsonb_strip_nulls(jsonb_build_object(
                   'registration', s.id::text,
                   'contextActivities', jsonb_build_object(
                       'category', jsonb_build_array(jsonb_build_object('id', 'https://w3id.org/xapi/video',
                           'definition', jsonb_build_object('type', 'http://adlnet.gov/expapi/activities/profile'))),
                       'parent', CASE WHEN s.course_id IS NOT NULL
                                      THEN jsonb_build_array(jsonb_build_object('objectType', 'Activity',
                                               'id', v_base || 'courses/' || s.course_id::text)) END),
                   'extensions', jsonb_build_object(
                       'https://w3id.org/xapi/video/extensions/session-id', s.id::text,
                       'https://w3id.org/xapi/video/extensions/length', v_length,
                       'https://w3id.org/xapi/video/extensions/completion-threshold',
                           CASE WHEN t.threshold THEN trim_scale(v_threshold) END))),
               'timestamp', to_char(t.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
           || CASE WHEN t.result IS NOT NULL THEN jsonb_build_object('result', t.result) ELSE '{}' END
      FROM unnest(v_steps, v_verbs, v_times, v_results, v_thresholds) WITH ORDINALITY
           AS t (step, verb, at, result, threshold, n)
     ORDER BY t.n;
END
$$;
COMMENT ON FUNCTION @extschema@.session_xapi(uuid) IS
'The viewing as xAPI 1.0.3 statements of the video profile (https://w3id.org/xapi/video), one jsonb per row, in order: initialized (session_start) first; played, paused and seeked from the player''s video_resumed, video_paused and video_seeked events (metadata position_seconds, from_seconds, to_seconds) in time order, with completed among them once at completed_at when the session completed (its coverage reached chronos.completion_threshold) and has ended; terminated last, when it has ended. Ids are uuid_v5 of the session and the step, so an export repeated gives the same statements. docs/xapi.md gives the mapping. Answers as the caller (row-level security applies): a session the caller may not see does not exist.';

CREATE FUNCTION @extschema@.xapi_statements(p_creator_id uuid, p_since timestamptz)
RETURNS SETOF jsonb
LANGUAGE plpgsql STABLE PARALLEL RESTRICTED ROWS 1000
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_session uuid;
BEGIN
    IF p_creator_id IS NULL THEN
        RAISE EXCEPTION 'p_creator_id must not be null' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF p_since IS NULL THEN
        RAISE EXCEPTION 'p_since must not be null' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF NOT (@extschema@.is_service_role()
            OR coalesce(p_creator_id = ANY (@extschema@.current_creator_ids()), false)) THEN
        RAISE EXCEPTION 'permission denied to read the xAPI statements of creator %', p_creator_id
            USING ERRCODE = 'insufficient_privilege',
                  DETAIL = 'Only the creator itself or the service may export a creator''s learning records.';
    END IF;
    IF NOT EXISTS (SELECT FROM @extschema@.creators c WHERE c.id = p_creator_id) THEN
        RAISE EXCEPTION 'creator % does not exist', p_creator_id USING ERRCODE = 'foreign_key_violation';
    END IF;
    -- the viewings with a sign of life (start, heartbeat, end) at or after
    -- p_since, in the order they started; each one's statements in order
    FOR v_session IN
        SELECT w.id
          FROM @extschema@.video_watch_sessions w
         WHERE w.creator_id = p_creator_id
           AND greatest(w.session_start, w.last_heartbeat_at, w.session_end) >= p_since
         ORDER BY w.session_start, w.id
    LOOP
        RETURN QUERY SELECT x FROM @extschema@.session_xapi(v_session) AS x;
    END LOOP;
END
$$;
COMMENT ON FUNCTION @extschema@.xapi_statements(uuid, timestamptz) IS
'The xAPI statements (as session_xapi) of the creator''s viewings with a sign of life (start, heartbeat or end) at or after p_since, the viewings in the order they started, for shipping to a learning record store: ids are deterministic, so shipping a viewing again is harmless. The creator itself or the service only; answers as the caller (row-level security applies).';

-- AI interactions (issue 18: the chronos_rag extension) -------------------------
--
-- video_analytics.ai_interactions counts, per video and creator's local
-- day, the chat messages that cited the video.  The chats live in the
-- chronos_rag extension (rag/, docs/rag.md), which needs pgvector; chronos
-- does not, and knows nothing of chronos_rag's tables.  This function is the
-- hook between them: chronos_rag's triggers count a (video, day)'s messages
-- exactly and set the figure here.  refresh_video_analytics never writes
-- ai_interactions, and keeps (with zero viewing figures) a day's row that
-- has some when the day has no session.  New function only.

CREATE FUNCTION @extschema@.set_ai_interactions(p_video_id uuid, p_date date, p_interactions integer)
RETURNS void
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_creator uuid;
BEGIN
    IF p_video_id IS NULL THEN
        RAISE EXCEPTION 'p_video_id must not be null' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF p_date IS NULL THEN
        RAISE EXCEPTION 'p_date must not be null' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF p_interactions IS NULL THEN
        RAISE EXCEPTION 'p_interactions must not be null' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF NOT isfinite(p_date) THEN
        RAISE EXCEPTION 'p_date must be a finite date, not %', p_date
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF p_interactions < 0 THEN
        RAISE EXCEPTION 'p_interactions must not be negative, not %', p_interactions
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF NOT @extschema@.is_service_role() THEN
        RAISE EXCEPTION 'permission denied to set AI interactions'
            USING ERRCODE = 'insufficient_privilege',
                  DETAIL = 'Only the service sets them (the chronos_rag extension''s triggers do, from the chat messages).';
    END IF;
    SELECT v.creator_id INTO v_creator FROM @extschema@.videos v WHERE v.id = p_video_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'video % does not exist', p_video_id
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    IF p_interactions > 0 THEN
        INSERT INTO @extschema@.video_analytics AS a (video_id, creator_id, "date", ai_interactions)
        VALUES (p_video_id, v_creator, p_date, p_interactions)
        ON CONFLICT (video_id, "date", creator_id)
        DO UPDATE SET ai_interactions = excluded.ai_interactions
        WHERE a.ai_interactions IS DISTINCT FROM excluded.ai_interactions;
    ELSE
        -- a row that held only the interactions goes, as a day without
        -- sessions has no row
        DELETE FROM @extschema@.video_analytics a
         WHERE a.video_id = p_video_id AND a.creator_id = v_creator AND a."date" = p_date
           AND a.views = 0;
        UPDATE @extschema@.video_analytics a SET ai_interactions = 0
         WHERE a.video_id = p_video_id AND a.creator_id = v_creator AND a."date" = p_date
           AND a.ai_interactions <> 0;
    END IF;
END
$$;
COMMENT ON FUNCTION @extschema@.set_ai_interactions(uuid, date, integer) IS
'Sets video_analytics.ai_interactions of the video on the creator''s local day p_date to p_interactions (the chat messages that cited the video that day), adding the day''s row (viewing figures zero) when it has none, and removing a row that held only interactions when set to 0. refresh_video_analytics never changes the figure. Called by the chronos_rag extension''s triggers; service only. Waits for a running refresh_video_analytics (its lock on video_analytics).';

COMMENT ON COLUMN @extschema@.video_analytics.ai_interactions IS
'Chat messages that cited the video that day (set by chronos.set_ai_interactions, which the chronos_rag extension calls; 0 without it). A day with interactions and no session has a row with zero viewing figures.';

-- Ask PostgREST to reload its schema cache (where nothing listens, nothing
-- happens).  Not on a Citus worker: Citus runs this script there inside a
-- prepared transaction, which may not NOTIFY; PostgREST talks to the
-- coordinator, whose notice it hears.
DO $$
DECLARE
    v_coordinator boolean := true;
BEGIN
    IF EXISTS (SELECT FROM pg_catalog.pg_extension WHERE extname = 'citus') THEN
        EXECUTE 'SELECT pg_catalog.citus_is_coordinator()' INTO v_coordinator;
    END IF;
    IF v_coordinator THEN
        PERFORM pg_catalog.pg_notify('pgrst', 'reload schema');
    END IF;
END
$$;
