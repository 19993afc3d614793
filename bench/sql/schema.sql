-- bench/sql/schema.sql: the bench schema, created by bench/run.sh after
-- CREATE EXTENSION chronos, before the data is generated.
--
-- 1. Deterministic ids.  Row n of each table has the uuid made of a kind
--    digit and n in hex, so that pgbench, which can only draw numbers, names
--    a row with the same cheap expression on both sides of every pair.
-- 2. The data layout (which creator owns video n, student n, course k),
--    shared by the generator and, as \set arithmetic, by the pgbench scripts.
-- 3. The report's functions, re-created for comparison: the PL/pgSQL
--    track_video_event (SECURITY DEFINER, INSERT ... RETURNING id) and the
--    three helpers in both the LANGUAGE sql form of its documentation and
--    the PL/pgSQL form of its migration.  Same names of columns, same
--    tables: only the implementation differs.

CREATE SCHEMA bench;

-- 1. ids ---------------------------------------------------------------------

CREATE FUNCTION bench.creator(n bigint) RETURNS uuid
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN ('1' || lpad(to_hex(n), 31, '0'))::uuid;

CREATE FUNCTION bench.student(n bigint) RETURNS uuid
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN ('2' || lpad(to_hex(n), 31, '0'))::uuid;

CREATE FUNCTION bench.video(n bigint) RETURNS uuid
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN ('3' || lpad(to_hex(n), 31, '0'))::uuid;

CREATE FUNCTION bench.session(n bigint) RETURNS uuid
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN ('4' || lpad(to_hex(n), 31, '0'))::uuid;

CREATE FUNCTION bench.course(n bigint) RETURNS uuid
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN ('5' || lpad(to_hex(n), 31, '0'))::uuid;

CREATE FUNCTION bench.module(n bigint) RETURNS uuid
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN ('6' || lpad(to_hex(n), 31, '0'))::uuid;

-- 2. layout ------------------------------------------------------------------
--
-- nc creators, nv videos, ns students.  Creator 1 is the largest: it owns
-- the first tenth of the videos and of the students; the others are dealt
-- round-robin to creators 2..nc.  Creator 1's videos are grouped ten to a
-- course; every other creator has one course.  Each course has one module
-- (module k belongs to course k).

CREATE FUNCTION bench.video_creator(v bigint, nv bigint, nc bigint) RETURNS bigint
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE WHEN v <= nv / 10 THEN 1 ELSE 2 + (v - nv / 10 - 1) % (nc - 1) END;

CREATE FUNCTION bench.student_creator(s bigint, ns bigint, nc bigint) RETURNS bigint
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE WHEN s <= ns / 10 THEN 1 ELSE 2 + (s - ns / 10 - 1) % (nc - 1) END;

-- The j-th student (from 0) of creator c; j < bench.students_of(c, ...).
CREATE FUNCTION bench.student_of(c bigint, j bigint, ns bigint, nc bigint) RETURNS bigint
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE WHEN c = 1 THEN 1 + j ELSE ns / 10 + (c - 1) + (nc - 1) * j END;

CREATE FUNCTION bench.students_of(c bigint, ns bigint, nc bigint) RETURNS bigint
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE WHEN c = 1 THEN ns / 10 ELSE (ns - ns / 10) / (nc - 1) END;

CREATE FUNCTION bench.ncourses_big(nv bigint) RETURNS bigint
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN (nv / 10 + 9) / 10;

CREATE FUNCTION bench.video_course(v bigint, nv bigint, nc bigint) RETURNS bigint
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE WHEN v <= nv / 10 THEN (v - 1) / 10 + 1
            ELSE bench.ncourses_big(nv) + bench.video_creator(v, nv, nc) - 1 END;

CREATE FUNCTION bench.course_creator(k bigint, nv bigint) RETURNS bigint
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE WHEN k <= bench.ncourses_big(nv) THEN 1 ELSE k - bench.ncourses_big(nv) + 1 END;

-- A non-negative pseudo-random number from n and a seed.
CREATE FUNCTION bench.h(n bigint, seed bigint) RETURNS bigint
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN hashint8extended(n, seed) & 9223372036854775807;

-- 3. the report's functions ---------------------------------------------------

-- track_video_event as the report wrote it: PL/pgSQL, SECURITY DEFINER, one
-- INSERT ... RETURNING id, no checks.  (Its table stored event_type as text
-- with a CHECK; here the text is cast to chronos's enum.)
CREATE FUNCTION bench.track_video_event(
    p_event_type text, p_video_id uuid, p_creator_id uuid,
    p_student_id uuid DEFAULT NULL, p_course_id uuid DEFAULT NULL,
    p_module_id uuid DEFAULT NULL, p_metadata jsonb DEFAULT '{}',
    p_timestamp timestamptz DEFAULT now())
RETURNS uuid LANGUAGE plpgsql SECURITY DEFINER AS $$
DECLARE
    v_event_id uuid;
BEGIN
    INSERT INTO chronos.video_analytics_events
        (event_type, video_id, creator_id, student_id, course_id, module_id, metadata, "timestamp")
    VALUES (p_event_type::chronos.video_event_type, p_video_id, p_creator_id, p_student_id,
            p_course_id, p_module_id, p_metadata, p_timestamp)
    RETURNING id INTO v_event_id;
    RETURN v_event_id;
END $$;

-- The helpers as the report's documentation gives them: LANGUAGE sql STABLE.
CREATE FUNCTION bench.get_student_total_watch_time_sql(p_student_id uuid, p_video_id uuid)
RETURNS integer LANGUAGE sql STABLE AS $$
    SELECT COALESCE(SUM(watch_time_seconds), 0)::integer
    FROM chronos.video_watch_sessions
    WHERE student_id = p_student_id AND video_id = p_video_id
$$;

CREATE FUNCTION bench.get_student_highest_completion_sql(p_student_id uuid, p_video_id uuid)
RETURNS integer LANGUAGE sql STABLE AS $$
    SELECT COALESCE(MAX(percent_complete), 0)
    FROM chronos.video_watch_sessions
    WHERE student_id = p_student_id AND video_id = p_video_id
$$;

CREATE FUNCTION bench.has_student_completed_video_sql(p_student_id uuid, p_video_id uuid)
RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT EXISTS (SELECT 1 FROM chronos.video_watch_sessions
                   WHERE student_id = p_student_id AND video_id = p_video_id
                     AND completed = true)
$$;

-- The helpers as the report's migration has them: PL/pgSQL STABLE, SELECT INTO.
CREATE FUNCTION bench.get_student_total_watch_time_plpgsql(p_student_id uuid, p_video_id uuid)
RETURNS integer LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_total integer;
BEGIN
    SELECT COALESCE(SUM(watch_time_seconds), 0) INTO v_total
    FROM chronos.video_watch_sessions
    WHERE student_id = p_student_id AND video_id = p_video_id;
    RETURN v_total;
END $$;

CREATE FUNCTION bench.get_student_highest_completion_plpgsql(p_student_id uuid, p_video_id uuid)
RETURNS integer LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_highest integer;
BEGIN
    SELECT COALESCE(MAX(percent_complete), 0) INTO v_highest
    FROM chronos.video_watch_sessions
    WHERE student_id = p_student_id AND video_id = p_video_id;
    RETURN v_highest;
END $$;

CREATE FUNCTION bench.has_student_completed_video_plpgsql(p_student_id uuid, p_video_id uuid)
RETURNS boolean LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_completed boolean;
BEGIN
    SELECT EXISTS (SELECT 1 FROM chronos.video_watch_sessions
                   WHERE student_id = p_student_id AND video_id = p_video_id
                     AND completed = true) INTO v_completed;
    RETURN v_completed;
END $$;

-- PL/pgSQL triggers doing what chronos's C triggers do on UPDATE (used on
-- bench.sessions_plpgsql): completion at 90 %, sticky, completed_at set
-- once; updated_at = now().  The report's own auto-complete trigger did
-- less (no completed_at, not sticky).
CREATE FUNCTION bench.auto_complete_plpgsql() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.completed := NEW.percent_complete >= 90 OR NEW.completed
                     OR (TG_OP = 'UPDATE' AND OLD.completed);
    IF TG_OP = 'UPDATE' AND OLD.completed AND OLD.completed_at IS NOT NULL THEN
        NEW.completed_at := OLD.completed_at;
    ELSIF NEW.completed AND NEW.completed_at IS NULL THEN
        NEW.completed_at := now();
    ELSIF NOT NEW.completed THEN
        NEW.completed_at := NULL;
    END IF;
    RETURN NEW;
END $$;

CREATE FUNCTION bench.set_updated_at_plpgsql() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END $$;

-- Results of the run (filled and summarised by run.sh).
CREATE TABLE bench.runs (
    gi       integer NOT NULL,   -- the pair group, in run order
    grp      text    NOT NULL,   -- its name, e.g. track_video_event
    vi       integer NOT NULL,   -- the variant: 1 is chronos, the others baselines
    variant  text    NOT NULL,
    rep      integer NOT NULL,
    tps      numeric NOT NULL,   -- transactions per second reported by pgbench
    per_tx   integer NOT NULL,   -- events (or rows) per transaction
    ntx      bigint  NOT NULL,   -- transactions processed
    cpu_us   numeric NOT NULL    -- CPU time the whole server used during the run
);
CREATE TABLE bench.latency (query text NOT NULL, us bigint NOT NULL);
-- Timed statements of the speed measurements (bench/sql/refresh.sql): the
-- wall time inside the server of one statement returning one number.
CREATE TABLE bench.speed (item text NOT NULL, rep integer NOT NULL, ms numeric NOT NULL, n bigint);

CREATE FUNCTION bench.timed(p_item text, p_rep integer, p_sql text) RETURNS numeric
LANGUAGE plpgsql AS $$
DECLARE
    t0 timestamptz := clock_timestamp();
    v_n bigint;
    v_ms numeric;
BEGIN
    EXECUTE p_sql INTO v_n;
    v_ms := extract(epoch FROM clock_timestamp() - t0) * 1000;
    INSERT INTO bench.speed VALUES (p_item, p_rep, v_ms, v_n);
    RETURN v_ms;
END $$;
