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
 * Nothing else is read or written.  The C library serves 1.0's three-argument
 * record_watch_progress until this runs.
 */

\echo Use "ALTER EXTENSION chronos UPDATE TO '1.1'" to load this file. \quit

ALTER TABLE @extschema@.video_watch_sessions ADD COLUMN heartbeat_seqs pg_catalog.int8multirange;
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

NOTIFY pgrst, 'reload schema';
