/*
 * chronos_rag 1.0: a course assistant's memory for chronos.
 *
 * Transcripts cut into chunks with an embedding each (video_chunks), the
 * nearest chunks to a question (search_chunks, an HNSW index), and students'
 * conversations with a creator's course assistant (chat_sessions,
 * chat_messages).  A second extension beside chronos so that chronos itself
 * never needs pgvector: this one requires chronos (1.1 or later) and vector.
 *
 * Identity and row-level security are chronos's: every policy is written
 * with chronos's identity functions, as chronos's own tables are.  The
 * assistant's replies that cite a video count in chronos's daily rollups
 * (video_analytics.ai_interactions) through chronos.set_ai_interactions.
 *
 * The embeddings' dimension N is fixed per installation: the setting
 * chronos_rag.embedding_dimensions when CREATE EXTENSION runs (default
 * 1536), see docs/rag.md.  vector lives in whatever schema its extension was
 * created in: the statements that name it are built here with that schema.
 */

\echo Use "CREATE EXTENSION chronos_rag" to load this file. \quit

-- Prerequisites ----------------------------------------------------------------
--
-- chronos 1.1 (set_ai_interactions), pgvector 0.5.0 or later (HNSW), and a
-- valid dimension.  Refused with a clear error before anything is made.

DO $$
DECLARE
    v_chronos text := (SELECT extversion FROM pg_catalog.pg_extension WHERE extname = 'chronos');
    v_vector text := (SELECT extversion FROM pg_catalog.pg_extension WHERE extname = 'vector');
    v_setting text := pg_catalog.current_setting('chronos_rag.embedding_dimensions', true);
BEGIN
    IF pg_catalog.to_regprocedure('chronos.set_ai_interactions(uuid, date, integer)') IS NULL THEN
        RAISE EXCEPTION 'chronos_rag needs chronos 1.1 or later, and chronos is at %', v_chronos
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = 'Update chronos first: ALTER EXTENSION chronos UPDATE.';
    END IF;
    IF pg_catalog.string_to_array(pg_catalog.regexp_replace(v_vector, '[^0-9.].*$', ''), '.')::integer[]
       < ARRAY[0, 5] THEN
        RAISE EXCEPTION 'chronos_rag needs pgvector 0.5.0 or later (HNSW indexes), and vector is at %', v_vector
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = 'Install a newer pgvector, then ALTER EXTENSION vector UPDATE.';
    END IF;
    IF v_setting IS NOT NULL AND v_setting <> ''
       AND (v_setting !~ '^[0-9]{1,9}$' OR v_setting::integer NOT BETWEEN 1 AND 2000) THEN
        RAISE EXCEPTION 'chronos_rag.embedding_dimensions must be a whole number from 1 to 2000, not "%"', v_setting
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'It is the length of your embedding model''s vectors (1536 for OpenAI''s text-embedding-3-small); an HNSW index takes at most 2000.';
    END IF;
END
$$;

-- video_chunks -------------------------------------------------------------------

DO $$
DECLARE
    v_setting text := pg_catalog.current_setting('chronos_rag.embedding_dimensions', true);
    v_dims integer := CASE WHEN v_setting IS NULL OR v_setting = '' THEN 1536 ELSE v_setting::integer END;
    v_schema name := (SELECT n.nspname FROM pg_catalog.pg_extension e
                        JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace
                       WHERE e.extname = 'vector');
BEGIN
    EXECUTE pg_catalog.format($ddl$
CREATE TABLE @extschema@.video_chunks (
    id             uuid        NOT NULL DEFAULT pg_catalog.gen_random_uuid(),
    video_id       uuid        NOT NULL,
    creator_id     uuid        NOT NULL,
    chunk_index    integer     NOT NULL,
    content        text        NOT NULL,
    start_seconds  numeric     NOT NULL,
    end_seconds    numeric     NOT NULL,
    embedding      %1$I.vector(%2$s) NOT NULL,
    token_count    integer,
    metadata       jsonb       NOT NULL DEFAULT '{}',
    created_at     timestamptz NOT NULL DEFAULT pg_catalog.now(),
    updated_at     timestamptz NOT NULL DEFAULT pg_catalog.now(),
    CONSTRAINT video_chunks_pkey PRIMARY KEY (id),
    CONSTRAINT video_chunks_id_creator_id_key UNIQUE (id, creator_id),
    CONSTRAINT video_chunks_video_id_chunk_index_key UNIQUE (video_id, chunk_index),
    CONSTRAINT video_chunks_creator_id_fkey FOREIGN KEY (creator_id)
        REFERENCES chronos.creators (id) ON DELETE CASCADE,
    CONSTRAINT video_chunks_video_id_creator_id_fkey FOREIGN KEY (video_id, creator_id)
        REFERENCES chronos.videos (id, creator_id) ON DELETE CASCADE,
    CONSTRAINT video_chunks_chunk_index_check CHECK (chunk_index >= 0),
    CONSTRAINT video_chunks_content_check CHECK (content <> ''),
    CONSTRAINT video_chunks_times_check CHECK (start_seconds >= 0 AND end_seconds > start_seconds),
    CONSTRAINT video_chunks_token_count_check CHECK (token_count >= 0),
    CONSTRAINT video_chunks_metadata_check CHECK (pg_catalog.jsonb_typeof(metadata) = 'object')
)$ddl$, v_schema, v_dims);
    EXECUTE pg_catalog.format(
        'CREATE INDEX video_chunks_embedding_idx ON @extschema@.video_chunks'
        ' USING hnsw (embedding %I.vector_cosine_ops)', v_schema);
END
$$;
CREATE INDEX video_chunks_creator_id_video_id_idx ON @extschema@.video_chunks (creator_id, video_id);

COMMENT ON TABLE @extschema@.video_chunks IS
'A video''s transcript in chunks, each with its place in the video and the embedding of its text, for search_chunks. Written by the creator (or the service) that embeds the transcript; a student sees the chunks of the videos it may watch.';
COMMENT ON COLUMN @extschema@.video_chunks.id IS 'The chunk; chat_messages.cited_chunk_ids names it.';
COMMENT ON COLUMN @extschema@.video_chunks.video_id IS 'The video whose transcript the chunk is part of.';
COMMENT ON COLUMN @extschema@.video_chunks.creator_id IS 'The video''s creator; filled from the video when NULL.';
COMMENT ON COLUMN @extschema@.video_chunks.chunk_index IS 'The chunk''s place in the transcript, from 0; unique per video.';
COMMENT ON COLUMN @extschema@.video_chunks.content IS 'The chunk''s transcript text (not empty).';
COMMENT ON COLUMN @extschema@.video_chunks.start_seconds IS 'Where the chunk''s speech starts in the video, in seconds (0 or more).';
COMMENT ON COLUMN @extschema@.video_chunks.end_seconds IS 'Where it ends, in seconds (after start_seconds).';
COMMENT ON COLUMN @extschema@.video_chunks.embedding IS
'The embedding of content: a vector of the installation''s dimension (chronos_rag.embedding_dimensions(), fixed at CREATE EXTENSION). Compared by cosine distance.';
COMMENT ON COLUMN @extschema@.video_chunks.token_count IS 'Tokens of content by the embedding model''s tokenizer, when known.';
COMMENT ON COLUMN @extschema@.video_chunks.metadata IS 'Free-form JSON object for the application (for example the embedding model).';
COMMENT ON COLUMN @extschema@.video_chunks.created_at IS 'When the chunk was written.';
COMMENT ON COLUMN @extschema@.video_chunks.updated_at IS 'When it last changed (set by a trigger).';
COMMENT ON INDEX @extschema@.video_chunks_embedding_idx IS
'HNSW index of the embeddings by cosine distance: search_chunks''s nearest chunks.';
COMMENT ON INDEX @extschema@.video_chunks_creator_id_video_id_idx IS
'A creator''s chunks, by video: the policies, and search_chunks limited to some videos.';

CREATE TRIGGER video_chunks_fill_creator_id BEFORE INSERT ON @extschema@.video_chunks
    FOR EACH ROW EXECUTE FUNCTION chronos.fill_creator_id('videos', 'video_id');
CREATE TRIGGER video_chunks_set_updated_at BEFORE UPDATE ON @extschema@.video_chunks
    FOR EACH ROW EXECUTE FUNCTION chronos.set_updated_at();

-- embedding_dimensions(): N, read from the column itself.
CREATE FUNCTION @extschema@.embedding_dimensions()
RETURNS integer
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
RETURN (SELECT a.atttypmod FROM pg_catalog.pg_attribute a
         WHERE a.attrelid = '@extschema@.video_chunks'::pg_catalog.regclass
           AND a.attname = 'embedding' AND NOT a.attisdropped);
COMMENT ON FUNCTION @extschema@.embedding_dimensions() IS
'The dimension of this installation''s embeddings (video_chunks.embedding), fixed when CREATE EXTENSION chronos_rag ran by the setting chronos_rag.embedding_dimensions (default 1536).';

-- chat_sessions ----------------------------------------------------------------

CREATE TABLE @extschema@.chat_sessions (
    id          uuid        NOT NULL DEFAULT pg_catalog.gen_random_uuid(),
    creator_id  uuid        NOT NULL,
    student_id  uuid        NOT NULL,
    course_id   uuid,
    title       text,
    metadata    jsonb       NOT NULL DEFAULT '{}',
    created_at  timestamptz NOT NULL DEFAULT pg_catalog.now(),
    updated_at  timestamptz NOT NULL DEFAULT pg_catalog.now(),
    CONSTRAINT chat_sessions_pkey PRIMARY KEY (id),
    CONSTRAINT chat_sessions_id_creator_id_student_id_key UNIQUE (id, creator_id, student_id),
    CONSTRAINT chat_sessions_creator_id_fkey FOREIGN KEY (creator_id)
        REFERENCES chronos.creators (id) ON DELETE CASCADE,
    CONSTRAINT chat_sessions_student_id_creator_id_fkey FOREIGN KEY (student_id, creator_id)
        REFERENCES chronos.students (id, creator_id) ON DELETE CASCADE,
    CONSTRAINT chat_sessions_course_id_creator_id_fkey FOREIGN KEY (course_id, creator_id)
        REFERENCES chronos.courses (id, creator_id) ON DELETE SET NULL (course_id),
    CONSTRAINT chat_sessions_metadata_check CHECK (pg_catalog.jsonb_typeof(metadata) = 'object')
);
CREATE INDEX chat_sessions_student_id_created_at_idx ON @extschema@.chat_sessions (student_id, created_at DESC);
CREATE INDEX chat_sessions_creator_id_created_at_idx ON @extschema@.chat_sessions (creator_id, created_at DESC);

COMMENT ON TABLE @extschema@.chat_sessions IS
'A student''s conversation with a creator''s course assistant. The student starts and sees its own; the creator sees its assistant''s.';
COMMENT ON COLUMN @extschema@.chat_sessions.id IS 'The conversation.';
COMMENT ON COLUMN @extschema@.chat_sessions.creator_id IS 'The creator whose assistant answers; filled from the student when NULL.';
COMMENT ON COLUMN @extschema@.chat_sessions.student_id IS 'The student (a student row of that creator).';
COMMENT ON COLUMN @extschema@.chat_sessions.course_id IS 'The course the conversation is about, if any (set to NULL when the course is deleted).';
COMMENT ON COLUMN @extschema@.chat_sessions.title IS 'A title for the conversation list.';
COMMENT ON COLUMN @extschema@.chat_sessions.metadata IS 'Free-form JSON object for the application.';
COMMENT ON COLUMN @extschema@.chat_sessions.created_at IS 'When the conversation started.';
COMMENT ON COLUMN @extschema@.chat_sessions.updated_at IS 'When it last changed (set by a trigger).';
COMMENT ON INDEX @extschema@.chat_sessions_student_id_created_at_idx IS 'A student''s conversations, newest first.';
COMMENT ON INDEX @extschema@.chat_sessions_creator_id_created_at_idx IS 'A creator''s assistant''s conversations, newest first.';

CREATE TRIGGER chat_sessions_fill_creator_id BEFORE INSERT ON @extschema@.chat_sessions
    FOR EACH ROW EXECUTE FUNCTION chronos.fill_creator_id('students', 'student_id');
CREATE TRIGGER chat_sessions_set_updated_at BEFORE UPDATE ON @extschema@.chat_sessions
    FOR EACH ROW EXECUTE FUNCTION chronos.set_updated_at();

-- chat_messages ----------------------------------------------------------------

CREATE TABLE @extschema@.chat_messages (
    id               uuid          NOT NULL DEFAULT pg_catalog.gen_random_uuid(),
    session_id       uuid          NOT NULL,
    creator_id       uuid          NOT NULL,
    student_id       uuid          NOT NULL,
    role             text          NOT NULL,
    content          text          NOT NULL,
    model            text,
    input_tokens     integer       NOT NULL DEFAULT 0,
    output_tokens    integer       NOT NULL DEFAULT 0,
    cost_usd         numeric(12,6) NOT NULL DEFAULT 0,
    cited_chunk_ids  uuid[]        NOT NULL DEFAULT '{}',
    cited_video_ids  uuid[]        NOT NULL DEFAULT '{}',
    metadata         jsonb         NOT NULL DEFAULT '{}',
    created_at       timestamptz   NOT NULL DEFAULT pg_catalog.now(),
    CONSTRAINT chat_messages_pkey PRIMARY KEY (id),
    CONSTRAINT chat_messages_session_fkey FOREIGN KEY (session_id, creator_id, student_id)
        REFERENCES @extschema@.chat_sessions (id, creator_id, student_id) ON DELETE CASCADE,
    CONSTRAINT chat_messages_role_check CHECK (role IN ('user', 'assistant', 'system')),
    CONSTRAINT chat_messages_counts_check CHECK (input_tokens >= 0 AND output_tokens >= 0 AND cost_usd >= 0),
    CONSTRAINT chat_messages_citations_check CHECK (
        pg_catalog.array_position(cited_chunk_ids, NULL) IS NULL
        AND (role = 'assistant' OR pg_catalog.cardinality(cited_chunk_ids) = 0)),
    CONSTRAINT chat_messages_metadata_check CHECK (pg_catalog.jsonb_typeof(metadata) = 'object')
);
CREATE INDEX chat_messages_session_id_created_at_idx ON @extschema@.chat_messages (session_id, created_at);
CREATE INDEX chat_messages_creator_id_created_at_idx ON @extschema@.chat_messages (creator_id, created_at);
CREATE INDEX chat_messages_student_id_idx ON @extschema@.chat_messages (student_id);

COMMENT ON TABLE @extschema@.chat_messages IS
'The messages of a conversation: the student''s questions (role user) and the assistant''s replies (role assistant, with their tokens, cost and the chunks they cited). A reply citing a video counts in that video''s video_analytics.ai_interactions on the creator''s local day of created_at.';
COMMENT ON COLUMN @extschema@.chat_messages.id IS 'The message.';
COMMENT ON COLUMN @extschema@.chat_messages.session_id IS 'The conversation.';
COMMENT ON COLUMN @extschema@.chat_messages.creator_id IS 'The conversation''s creator; filled from it when NULL.';
COMMENT ON COLUMN @extschema@.chat_messages.student_id IS 'The conversation''s student; filled from it when NULL.';
COMMENT ON COLUMN @extschema@.chat_messages.role IS 'Who wrote it: user (the student), assistant or system.';
COMMENT ON COLUMN @extschema@.chat_messages.content IS 'The message''s text.';
COMMENT ON COLUMN @extschema@.chat_messages.model IS 'The language model that wrote a reply.';
COMMENT ON COLUMN @extschema@.chat_messages.input_tokens IS 'Prompt tokens the reply cost (0 or more).';
COMMENT ON COLUMN @extschema@.chat_messages.output_tokens IS 'Completion tokens of the reply (0 or more).';
COMMENT ON COLUMN @extschema@.chat_messages.cost_usd IS 'What the reply cost, in US dollars (0 or more).';
COMMENT ON COLUMN @extschema@.chat_messages.cited_chunk_ids IS
'The video_chunks the reply cited (assistant messages only): chunks of the conversation''s creator''s videos when written.';
COMMENT ON COLUMN @extschema@.chat_messages.cited_video_ids IS
'The videos of the cited chunks, set by a trigger from cited_chunk_ids whatever the writer gives (kept when a chunk is later deleted): what ai_interactions counts.';
COMMENT ON COLUMN @extschema@.chat_messages.metadata IS 'Free-form JSON object for the application.';
COMMENT ON COLUMN @extschema@.chat_messages.created_at IS 'When the message was written; its creator''s local day is the day it counts on.';
COMMENT ON INDEX @extschema@.chat_messages_session_id_created_at_idx IS 'A conversation''s messages in order.';
COMMENT ON INDEX @extschema@.chat_messages_creator_id_created_at_idx IS
'A creator''s messages by time: counting a video''s interactions of a day.';
COMMENT ON INDEX @extschema@.chat_messages_student_id_idx IS 'A student''s messages: the policies.';

-- fill_message(): BEFORE INSERT OR UPDATE of a message.  Takes creator and
-- student from the conversation when NULL (a given pair is left for the
-- foreign key to check), and sets cited_video_ids from cited_chunk_ids,
-- which must be chunks of the conversation's creator.  As the caller: a
-- conversation or chunk the caller cannot see is refused as one that does
-- not exist (only the service writes citations; it sees every chunk).
CREATE FUNCTION @extschema@.fill_message()
RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_missing uuid;
BEGIN
    IF NEW.creator_id IS NULL OR NEW.student_id IS NULL THEN
        SELECT s.creator_id, s.student_id INTO NEW.creator_id, NEW.student_id
          FROM @extschema@.chat_sessions s WHERE s.id = NEW.session_id;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'chat session % does not exist', NEW.session_id
                USING ERRCODE = 'foreign_key_violation',
                      DETAIL = 'A message''s session_id must name a conversation the caller can see.';
        END IF;
    END IF;
    IF TG_OP = 'UPDATE' AND NEW.cited_chunk_ids = OLD.cited_chunk_ids
       AND NEW.creator_id = OLD.creator_id THEN
        NEW.cited_video_ids := OLD.cited_video_ids;
        RETURN NEW;
    END IF;
    SELECT c INTO v_missing
      FROM pg_catalog.unnest(NEW.cited_chunk_ids) AS c
     WHERE c IS NOT NULL
       AND NOT EXISTS (SELECT FROM @extschema@.video_chunks k
                        WHERE k.id = c AND k.creator_id = NEW.creator_id)
     LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'cited chunk % is not a chunk of the conversation''s creator', v_missing
            USING ERRCODE = 'foreign_key_violation',
                  DETAIL = 'A reply may cite only chunks of the videos of its conversation''s creator.';
    END IF;
    NEW.cited_video_ids := ARRAY(
        SELECT DISTINCT k.video_id FROM @extschema@.video_chunks k
         WHERE k.id = ANY (NEW.cited_chunk_ids) AND k.creator_id = NEW.creator_id
         ORDER BY k.video_id);
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION @extschema@.fill_message() IS
'BEFORE INSERT OR UPDATE trigger on chat_messages: fills creator_id and student_id from the conversation when NULL, checks that cited_chunk_ids are chunks of the conversation''s creator and sets cited_video_ids to their videos.';

-- count_ai_interactions(): AFTER each statement that writes messages.  For
-- every (video, creator's local day) whose cited messages the statement
-- added, removed or moved, counts that day's messages citing the video and
-- sets chronos's figure (chronos.set_ai_interactions).  Exact under
-- concurrency: an advisory lock per (video, day), taken in a fixed order,
-- makes a second writer wait for the first to commit, and the count that
-- follows (a new statement, a new snapshot) sees its messages.  SECURITY
-- DEFINER: it counts every student's messages and is the service for
-- chronos.  A video that no longer exists is skipped (its rollups went
-- with it).
CREATE FUNCTION @extschema@.count_ai_interactions()
RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_changed uuid[];
    v_days text[];
    r record;
    v_count integer;
BEGIN
    -- (video, creator, day) of the rows the statement wrote, as text keys
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        SELECT pg_catalog.array_agg(DISTINCT v.video_id::text || ' ' || m.creator_id::text || ' '
                                    || (m.created_at AT TIME ZONE c.timezone)::date::text)
          INTO v_days
          FROM new_rows m
          JOIN chronos.creators c ON c.id = m.creator_id
          CROSS JOIN LATERAL pg_catalog.unnest(m.cited_video_ids) AS v (video_id);
    END IF;
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        SELECT pg_catalog.array_cat(v_days, pg_catalog.array_agg(DISTINCT v.video_id::text || ' '
                                    || m.creator_id::text || ' '
                                    || (m.created_at AT TIME ZONE c.timezone)::date::text))
          INTO v_days
          FROM old_rows m
          JOIN chronos.creators c ON c.id = m.creator_id
          CROSS JOIN LATERAL pg_catalog.unnest(m.cited_video_ids) AS v (video_id);
    END IF;
    IF v_days IS NULL THEN
        RETURN NULL;
    END IF;
    FOR r IN
        SELECT DISTINCT pg_catalog.split_part(k, ' ', 1)::uuid AS video_id,
               pg_catalog.split_part(k, ' ', 2)::uuid AS creator_id,
               pg_catalog.split_part(k, ' ', 3)::date AS day, k
          FROM pg_catalog.unnest(v_days) AS k
         ORDER BY k
    LOOP
        PERFORM pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended('chronos_rag.ai ' || r.k, 0));
        -- a new snapshot, taken after the lock: it sees what a writer that
        -- held the lock committed
        SELECT pg_catalog.count(*)::integer INTO v_count
          FROM chronos.creators c
          JOIN @extschema@.chat_messages m ON m.creator_id = c.id
         WHERE c.id = r.creator_id
           AND m.created_at >= (r.day::timestamp AT TIME ZONE c.timezone)
           AND m.created_at < ((r.day + 1)::timestamp AT TIME ZONE c.timezone)
           AND r.video_id = ANY (m.cited_video_ids);
        IF EXISTS (SELECT FROM chronos.videos v WHERE v.id = r.video_id AND v.creator_id = r.creator_id) THEN
            PERFORM chronos.set_ai_interactions(r.video_id, r.day, v_count);
        END IF;
    END LOOP;
    RETURN NULL;
END
$$;
REVOKE ALL ON FUNCTION @extschema@.count_ai_interactions() FROM PUBLIC;
COMMENT ON FUNCTION @extschema@.count_ai_interactions() IS
'AFTER statement trigger on chat_messages: for each (video, creator''s local day) whose citing messages the statement changed, counts the messages of that day citing the video and sets video_analytics.ai_interactions with chronos.set_ai_interactions (an advisory lock per video and day keeps the count exact under concurrent writers).';

CREATE TRIGGER chat_messages_fill BEFORE INSERT OR UPDATE ON @extschema@.chat_messages
    FOR EACH ROW EXECUTE FUNCTION @extschema@.fill_message();
CREATE TRIGGER chat_messages_count_insert AFTER INSERT ON @extschema@.chat_messages
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.count_ai_interactions();
CREATE TRIGGER chat_messages_count_update AFTER UPDATE ON @extschema@.chat_messages
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.count_ai_interactions();
CREATE TRIGGER chat_messages_count_delete AFTER DELETE ON @extschema@.chat_messages
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.count_ai_interactions();

-- recount_ai_interactions(p_creator_id): every day's figure of a creator
-- (or of all) counted again from the messages, say after a creator's time
-- zone changed (days move) or after messages were written with triggers off.
CREATE FUNCTION @extschema@.recount_ai_interactions(p_creator_id uuid DEFAULT NULL)
RETURNS integer
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    r record;
    v_rows integer := 0;
BEGIN
    IF NOT chronos.is_service_role() THEN
        RAISE EXCEPTION 'permission denied to recount AI interactions'
            USING ERRCODE = 'insufficient_privilege',
                  DETAIL = 'Only the service recounts them.';
    END IF;
    FOR r IN
        WITH counted AS (
            SELECT v.video_id, m.creator_id, (m.created_at AT TIME ZONE c.timezone)::date AS day,
                   pg_catalog.count(*)::integer AS n
              FROM @extschema@.chat_messages m
              JOIN chronos.creators c ON c.id = m.creator_id
             CROSS JOIN LATERAL pg_catalog.unnest(m.cited_video_ids) AS v (video_id)
             WHERE p_creator_id IS NULL OR m.creator_id = p_creator_id
             GROUP BY 1, 2, 3
        )
        SELECT COALESCE(k.video_id, a.video_id) AS video_id, COALESCE(k.day, a."date") AS day,
               COALESCE(k.n, 0) AS n
          FROM counted k
          FULL JOIN (SELECT x.video_id, x.creator_id, x."date" FROM chronos.video_analytics x
                      WHERE x.ai_interactions > 0
                        AND (p_creator_id IS NULL OR x.creator_id = p_creator_id)) a
            ON a.video_id = k.video_id AND a.creator_id = k.creator_id AND a."date" = k.day
         WHERE EXISTS (SELECT FROM chronos.videos v WHERE v.id = COALESCE(k.video_id, a.video_id))
         ORDER BY 1, 2
    LOOP
        PERFORM chronos.set_ai_interactions(r.video_id, r.day, r.n);
        v_rows := v_rows + 1;
    END LOOP;
    RETURN v_rows;
END
$$;
COMMENT ON FUNCTION @extschema@.recount_ai_interactions(uuid) IS
'Counts video_analytics.ai_interactions again from the messages, for every (video, local day) of p_creator_id (NULL: every creator) that has cited messages or a figure, and returns how many it set. For after a creator''s time zone changed, or messages written with triggers disabled. Service only.';

-- search_chunks ------------------------------------------------------------------
--
-- The nearest chunks to a query embedding among a creator's, as the caller:
-- SECURITY INVOKER, so that row-level security hands it exactly the chunks
-- (and videos) a SELECT by the caller would see, and never another.  The
-- HNSW index gives candidates nearest first; with pgvector 0.8 or later it
-- goes on past those the policies or p_video_ids filter out
-- (hnsw.iterative_scan = strict_order), so that p_limit chunks come back
-- whenever that many are visible.

DO $$
DECLARE
    v_schema name := (SELECT n.nspname FROM pg_catalog.pg_extension e
                        JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace
                       WHERE e.extname = 'vector');
    v_version text := (SELECT extversion FROM pg_catalog.pg_extension WHERE extname = 'vector');
    v_iterative boolean;
BEGIN
    v_iterative := pg_catalog.string_to_array(pg_catalog.regexp_replace(v_version, '[^0-9.].*$', ''), '.')::integer[]
                   >= ARRAY[0, 8];
    EXECUTE pg_catalog.format($ddl$
CREATE FUNCTION @extschema@.search_chunks(
    p_query      %1$I.vector,
    p_creator_id uuid,
    p_limit      integer DEFAULT 10,
    p_video_ids  uuid[] DEFAULT NULL)
RETURNS TABLE (chunk_id uuid, video_id uuid, video_title text, chunk_index integer, content text,
               start_seconds numeric, end_seconds numeric, distance double precision)
LANGUAGE plpgsql STABLE PARALLEL RESTRICTED
SET search_path = pg_catalog, pg_temp
%2$s
AS $body$
DECLARE
    v_dims integer;
BEGIN
    IF p_query IS NULL THEN
        RAISE EXCEPTION 'p_query must not be null' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF p_creator_id IS NULL THEN
        RAISE EXCEPTION 'p_creator_id must not be null' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF p_limit IS NULL THEN
        RAISE EXCEPTION 'p_limit must not be null' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    IF p_limit NOT BETWEEN 1 AND 1000 THEN
        RAISE EXCEPTION 'p_limit must be between 1 and 1000, not %%', p_limit
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF pg_catalog.array_position(p_video_ids, NULL) IS NOT NULL THEN
        RAISE EXCEPTION 'p_video_ids must not contain null' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    v_dims := @extschema@.embedding_dimensions();
    IF %1$I.vector_dims(p_query) <> v_dims THEN
        RAISE EXCEPTION 'p_query has %% dimensions, but this installation''s embeddings have %%',
                        %1$I.vector_dims(p_query), v_dims
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Embed the query with the model that embedded the chunks (chronos_rag.embedding_dimensions()).';
    END IF;
    -- nearest first by the index (ordered by the distance alone: PostgreSQL
    -- 15 puts no sort on top of an index's order, so a second key would
    -- cost the index), the ties at the last place included; then ties by id
    RETURN QUERY
    SELECT n.id, n.video_id, n.title, n.chunk_index, n.content, n.start_seconds, n.end_seconds,
           n.distance
      FROM (SELECT k.id, k.video_id, v.title, k.chunk_index, k.content, k.start_seconds, k.end_seconds,
                   (k.embedding OPERATOR(%1$I.<=>) p_query)::double precision AS distance
              FROM @extschema@.video_chunks k
              JOIN chronos.videos v ON v.id = k.video_id AND v.creator_id = k.creator_id
             WHERE k.creator_id = p_creator_id
               AND (p_video_ids IS NULL OR k.video_id = ANY (p_video_ids))
             ORDER BY k.embedding OPERATOR(%1$I.<=>) p_query
             FETCH FIRST p_limit ROWS WITH TIES) AS n
     ORDER BY n.distance, n.id
     LIMIT p_limit;
END
$body$
$ddl$, v_schema, CASE WHEN v_iterative THEN 'SET hnsw.iterative_scan = strict_order' ELSE '' END);
END
$$;
COMMENT ON FUNCTION @extschema@.search_chunks(vector, uuid, integer, uuid[]) IS
'The p_limit (1 to 1000, default 10) chunks of the creator''s videos (or of p_video_ids only) nearest to the query embedding p_query by cosine distance, nearest first (ties by chunk id), with their video, its title, times and distance. Answers as the caller: a student gets only chunks of the videos it may watch, a creator its own, the service any; anyone else nothing. Refuses NULL arguments and a query of another dimension than embedding_dimensions().';

-- Row-level security ---------------------------------------------------------------
--
-- As chronos's tables: enabled and forced, every role holds the privileges
-- its policies need (never TRUNCATE), one policy per command built from
-- chronos's identity functions, the service arm the nil uuid bound.
--
--   video_chunks   the creator manages its own; a student of the creator
--                  reads the chunks of the videos it may see (the policy
--                  asks chronos.videos, under chronos's own policies) that
--                  are not deleted
--   chat_sessions  the student starts, renames and deletes its own; the
--                  creator reads its assistant's
--   chat_messages  the student reads its own and writes its questions (role
--                  user, no citations) in its conversations; the creator
--                  reads its assistant's; replies are the service's

ALTER TABLE @extschema@.video_chunks ENABLE ROW LEVEL SECURITY;
ALTER TABLE @extschema@.video_chunks FORCE ROW LEVEL SECURITY;
ALTER TABLE @extschema@.chat_sessions ENABLE ROW LEVEL SECURITY;
ALTER TABLE @extschema@.chat_sessions FORCE ROW LEVEL SECURITY;
ALTER TABLE @extschema@.chat_messages ENABLE ROW LEVEL SECURITY;
ALTER TABLE @extschema@.chat_messages FORCE ROW LEVEL SECURITY;

GRANT USAGE ON SCHEMA @extschema@ TO PUBLIC;
GRANT SELECT, INSERT, UPDATE, DELETE ON
    @extschema@.video_chunks, @extschema@.chat_sessions, @extschema@.chat_messages
    TO PUBLIC;

CREATE POLICY video_chunks_select ON @extschema@.video_chunks FOR SELECT
    USING (creator_id >= chronos.service_id_floor()
           OR creator_id = ANY (chronos.current_creator_ids())
           OR (creator_id = ANY (chronos.current_student_creator_ids())
               AND EXISTS (SELECT FROM chronos.videos v
                            WHERE v.id = video_id AND v.creator_id = video_chunks.creator_id
                              AND NOT v.is_deleted)));
CREATE POLICY video_chunks_insert ON @extschema@.video_chunks FOR INSERT
    WITH CHECK (chronos.is_service_role()
                OR creator_id = ANY (chronos.current_creator_ids()));
CREATE POLICY video_chunks_update ON @extschema@.video_chunks FOR UPDATE
    USING (creator_id >= chronos.service_id_floor()
           OR creator_id = ANY (chronos.current_creator_ids()))
    WITH CHECK (chronos.is_service_role()
                OR creator_id = ANY (chronos.current_creator_ids()));
CREATE POLICY video_chunks_delete ON @extschema@.video_chunks FOR DELETE
    USING (creator_id >= chronos.service_id_floor()
           OR creator_id = ANY (chronos.current_creator_ids()));

CREATE POLICY chat_sessions_select ON @extschema@.chat_sessions FOR SELECT
    USING (creator_id >= chronos.service_id_floor()
           OR creator_id = ANY (chronos.current_creator_ids())
           OR student_id = ANY (chronos.current_student_ids()));
CREATE POLICY chat_sessions_insert ON @extschema@.chat_sessions FOR INSERT
    WITH CHECK (chronos.is_service_role()
                OR student_id = ANY (chronos.current_student_ids()));
CREATE POLICY chat_sessions_update ON @extschema@.chat_sessions FOR UPDATE
    USING (creator_id >= chronos.service_id_floor()
           OR student_id = ANY (chronos.current_student_ids()))
    WITH CHECK (chronos.is_service_role()
                OR student_id = ANY (chronos.current_student_ids()));
CREATE POLICY chat_sessions_delete ON @extschema@.chat_sessions FOR DELETE
    USING (creator_id >= chronos.service_id_floor()
           OR student_id = ANY (chronos.current_student_ids()));

CREATE POLICY chat_messages_select ON @extschema@.chat_messages FOR SELECT
    USING (creator_id >= chronos.service_id_floor()
           OR creator_id = ANY (chronos.current_creator_ids())
           OR student_id = ANY (chronos.current_student_ids()));
CREATE POLICY chat_messages_insert ON @extschema@.chat_messages FOR INSERT
    WITH CHECK (chronos.is_service_role()
                OR (student_id = ANY (chronos.current_student_ids())
                    AND role = 'user' AND pg_catalog.cardinality(cited_chunk_ids) = 0
                    AND input_tokens = 0 AND output_tokens = 0 AND cost_usd = 0));
CREATE POLICY chat_messages_update ON @extschema@.chat_messages FOR UPDATE
    USING (creator_id >= chronos.service_id_floor())
    WITH CHECK (chronos.is_service_role());
CREATE POLICY chat_messages_delete ON @extschema@.chat_messages FOR DELETE
    USING (creator_id >= chronos.service_id_floor());

-- pg_dump keeps the rows of every table (a restore runs with the triggers
-- off, session_replication_role = replica: the rollups' figures come back
-- with video_analytics's rows, not counted twice).

SELECT pg_catalog.pg_extension_config_dump('@extschema@.video_chunks', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.chat_sessions', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.chat_messages', '');

-- Ask PostgREST to reload its schema cache (where nothing listens, nothing
-- happens).
SELECT pg_catalog.pg_notify('pgrst', 'reload schema');
