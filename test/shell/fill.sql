-- test/shell/fill.sql: what test/shell/backup_roundtrip.sh adds to the data
-- of test/fixtures/platform_data.sql, run right after it (in the same psql,
-- with the backup test's variables: three creators, the third in
-- Pacific/Chatham, five videos each).
--
-- The Chatham video (video3-5) was still transcribing while students watched
-- it (sessions with no duration to measure against); its duration became
-- known since, so the dump holds sessions of a video whose duration was set
-- after them.

\set ON_ERROR_STOP on
UPDATE chronos.videos SET duration_seconds = 540, status = 'completed',
       transcript = 'Transcript of lesson 3.5 …'
 WHERE id = md5('video3-5')::uuid AND duration_seconds IS NULL;
SELECT count(*) = 1 AS updated FROM chronos.videos
 WHERE id = md5('video3-5')::uuid AND duration_seconds = 540 \gset
\if :updated
\else
\echo 'fill.sql: video3-5 is not the video of unknown duration platform_data.sql loaded'
SELECT 1/0;
\endif

-- Usage (1.1): a few reports of creators 1 and 3, one per kind, some per
-- video, one corrected, so that the dump holds usage_metrics rows with an
-- updated_at of their own.
SELECT count(chronos.record_usage(md5(r.creator)::uuid, r.day::date, r.kind, r.quantity, r.cost,
                                  md5(r.video)::uuid, r.source, r.method))
  FROM (VALUES ('creator1', '2025-10-01', 'storage',       5000000, 0.01,   'video1-1', NULL,     NULL),
               ('creator1', '2025-10-01', 'storage',       200,     0.0001, NULL,       NULL,     NULL),
               ('creator1', '2025-10-01', 'transcription', 12.5,    0.075,  'video1-1', NULL,     'whisper'),
               ('creator1', '2025-10-01', 'transcription', 3,       0,      NULL,       'youtube', 'captions'),
               ('creator1', '2025-10-01', 'embedding',     4200,    0.0004, 'video1-2', NULL,     NULL),
               ('creator1', '2025-10-02', 'chat',          17,      0.034,  NULL,       NULL,     NULL),
               ('creator1', '2025-10-02', 'videos_added',  2,       0,      NULL,       NULL,     NULL),
               ('creator3', '2025-10-02', 'storage',       9000000, 0.02,   'video3-5', NULL,     NULL)
       ) AS r (creator, day, kind, quantity, cost, video, source, method);
SELECT (chronos.record_usage(md5('creator1')::uuid, '2025-10-02', 'chat', 18, 0.036, p_replace => true)).quantity
    AS corrected_chat;
