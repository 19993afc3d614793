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
 *     (startup_p50_ms, startup_p95_ms, exits_before_start, rebuffer_count,
 *     rebuffer_ms, rebuffer_ratio), which refresh_video_analytics computes
 *     where the columns exist.
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
    ADD COLUMN IF NOT EXISTS rebuffer_ratio     numeric;
END
$$;
COMMENT ON COLUMN @extschema@.video_analytics.startup_p50_ms IS
'Median time to the first frame of the day''s sessions, in milliseconds: the startup_ms of each session''s first video_startup event, percentile_disc(0.5); NULL when none reported one.';
COMMENT ON COLUMN @extschema@.video_analytics.startup_p95_ms IS
'95th percentile of the same startup times (percentile_disc(0.95)); NULL when none reported one.';
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

COMMENT ON FUNCTION @extschema@.creator_dashboard(uuid, date, date) IS
'The creator''s dashboard for its local days p_from to p_to (at most 366): totals, views and watch time per day (zero-filled), per-video views, unique viewers, completion rate and engagement score, the top 10 videos by views and by engagement, a 7 x 24 heatmap of session starts (Monday first, local hours), transcription costs by method, the 10 largest drop-off points of the range''s sessions (dropoff_points: video, bucket of 100, sessions that stopped there; the last bucket, watched to the end, left out) and the peak of concurrent viewers among the range''s sessions (peak_concurrent_viewers: peak, at, until) and the quality of experience (quality_of_experience: exits before start, stalls and their milliseconds, over the range and per day; null before 1.1''s rollup columns). Sums of days come from the rollups (as of the last refresh_video_analytics), distinct students, rates, drop-off and peak from the sessions of the range. The creator itself or the service only.';

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
