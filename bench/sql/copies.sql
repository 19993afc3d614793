-- bench/sql/copies.sql: two copies of chronos.video_watch_sessions for the
-- UPDATE pair, with the same columns, defaults, CHECKs, indexes, foreign
-- keys and rows; they differ only in their triggers:
--   bench.sessions_plain    no trigger at all (plain PostgreSQL)
--   bench.sessions_plpgsql  PL/pgSQL auto-complete + updated_at triggers

\set ON_ERROR_STOP 1
SET synchronous_commit = off;

CREATE TABLE bench.sessions_plain (LIKE chronos.video_watch_sessions INCLUDING ALL);
CREATE TABLE bench.sessions_plpgsql (LIKE chronos.video_watch_sessions INCLUDING ALL);
INSERT INTO bench.sessions_plain SELECT * FROM chronos.video_watch_sessions;
INSERT INTO bench.sessions_plpgsql SELECT * FROM chronos.video_watch_sessions;

DO $$
DECLARE
    fk record;
    copy text;
BEGIN
    FOREACH copy IN ARRAY ARRAY['bench.sessions_plain', 'bench.sessions_plpgsql'] LOOP
        FOR fk IN SELECT conname, pg_get_constraintdef(oid) AS def FROM pg_constraint
                  WHERE conrelid = 'chronos.video_watch_sessions'::regclass AND contype = 'f'
        LOOP
            EXECUTE format('ALTER TABLE %s ADD CONSTRAINT %I %s', copy, fk.conname, fk.def);
        END LOOP;
    END LOOP;
END $$;

CREATE TRIGGER sessions_plpgsql_auto_complete BEFORE INSERT OR UPDATE ON bench.sessions_plpgsql
    FOR EACH ROW EXECUTE FUNCTION bench.auto_complete_plpgsql();
CREATE TRIGGER sessions_plpgsql_set_updated_at BEFORE UPDATE ON bench.sessions_plpgsql
    FOR EACH ROW EXECUTE FUNCTION bench.set_updated_at_plpgsql();
