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
