--
-- Errors of record_usage, in the order of the checks: a required argument
-- that is NULL (22004), a bad value (22023), the caller (42501), the rows
-- named (23503), a report recorded already with other figures (23505).
-- Each refusal writes nothing (counted at the end).  Ids: prefix c1.
--
\set VERBOSITY default
\set SHOW_CONTEXT never
LOAD 'chronos';
\set ids 'c1%s00000-0000-4000-8000-%s'
\set whop usage_errors_
\set creators 'a=usage_user_a b=usage_user_b'
\set students 'a1=usage_learner'
\set videos 'a1 b1'
\set videos_with '{"a1": {"source_type": "youtube", "youtube_video_id": "yt_a1", "storage_path": null}}'
\getenv abs_srcdir PG_ABS_SRCDIR
\ir :abs_srcdir/fixtures/people.sql
\ir :abs_srcdir/fixtures/catalog.sql
\set a '''c1100000-0000-4000-8000-00000000000a'''
\set va1 '''c1300000-0000-4000-8000-0000000000a1'''
\set vb1 '''c1300000-0000-4000-8000-0000000000b1'''

--
-- Required arguments (22004)
--
SELECT chronos.record_usage(NULL, '2025-03-03', 'chat', 1);
SELECT chronos.record_usage(:a, NULL, 'chat', 1);
SELECT chronos.record_usage(:a, '2025-03-03', NULL, 1);
SELECT chronos.record_usage(:a, '2025-03-03', 'chat', NULL);
SELECT chronos.record_usage(:a, '2025-03-03', 'chat', 1, NULL);
SELECT chronos.record_usage(:a, '2025-03-03', 'chat', 1, p_replace => NULL);
-- a transcription's source (unless its video is given) and method
SELECT chronos.record_usage(:a, '2025-03-03', 'transcription', 12, 0.5, p_method => 'whisper');
SELECT chronos.record_usage(:a, '2025-03-03', 'transcription', 12, 0.5, p_source => 'upload');

--
-- Values (22023)
--
-- unknown kind, source, method (case matters)
SELECT chronos.record_usage(:a, '2025-03-03', 'bandwidth', 1);
SELECT chronos.record_usage(:a, '2025-03-03', 'Chat', 1);
SELECT chronos.record_usage(:a, '2025-03-03', 'transcription', 12, 0.5, p_source => 'dropbox', p_method => 'whisper');
SELECT chronos.record_usage(:a, '2025-03-03', 'transcription', 12, 0.5, p_source => 'upload', p_method => 'deepgram');
-- dates: infinite, in the future (a day after tomorrow in UTC has begun nowhere)
SELECT chronos.record_usage(:a, 'infinity', 'chat', 1);
SELECT chronos.record_usage(:a, '-infinity', 'chat', 1);
SELECT chronos.record_usage(:a, '2999-01-01', 'chat', 1);
-- amounts: negative, not finite, not whole where the unit is
SELECT chronos.record_usage(:a, '2025-03-03', 'chat', -1);
SELECT chronos.record_usage(:a, '2025-03-03', 'chat', 1, -0.01);
SELECT chronos.record_usage(:a, '2025-03-03', 'chat', 'NaN');
SELECT chronos.record_usage(:a, '2025-03-03', 'chat', 'Infinity');
SELECT chronos.record_usage(:a, '2025-03-03', 'chat', 1, 'NaN');
SELECT chronos.record_usage(:a, '2025-03-03', 'chat', 1, '-Infinity');
SELECT chronos.record_usage(:a, '2025-03-03', 'chat', 1.5);
SELECT chronos.record_usage(:a, '2025-03-03', 'storage', 1024.5);
SELECT chronos.record_usage(:a, '2025-03-03', 'embedding', 0.1);
SELECT chronos.record_usage(:a, '2025-03-03', 'videos_added', 2.5);
SELECT chronos.record_usage(:a, '2025-03-03', 'videos_added', 2, 0.01);
-- what a kind does not take
SELECT chronos.record_usage(:a, '2025-03-03', 'chat', 3, 0.02, p_video_id => :va1);
SELECT chronos.record_usage(:a, '2025-03-03', 'videos_added', 1, p_video_id => :va1);
SELECT chronos.record_usage(:a, '2025-03-03', 'storage', 1024, p_source => 'upload');
SELECT chronos.record_usage(:a, '2025-03-03', 'embedding', 1024, p_method => 'whisper');

--
-- The caller (42501), after the arguments and before anything is looked up:
-- anonymous, a creator (for itself too), a student; nothing about the
-- creator or video is revealed (a creator that does not exist gets the same)
--
CREATE ROLE usage_errors_role;
SET ROLE usage_errors_role;
SELECT chronos.record_usage(:a, '2025-03-03', 'chat', 1);
SET chronos.creator_id = 'c1100000-0000-4000-8000-00000000000a';
SELECT chronos.record_usage(:a, '2025-03-03', 'chat', 1);
SELECT chronos.record_usage('c1100000-0000-4000-8000-0000000000ff', '2025-03-03', 'chat', 1);
-- arguments are checked before the caller
SELECT chronos.record_usage(:a, '2025-03-03', 'chat', -1);
RESET chronos.creator_id;
SET chronos.student_id = 'c1200000-0000-4000-8000-0000000000a1';
SELECT chronos.record_usage(:a, '2025-03-03', 'chat', 1);
RESET chronos.student_id;
-- nor can they write the table directly
SET chronos.creator_id = 'c1100000-0000-4000-8000-00000000000a';
INSERT INTO chronos.usage_metrics (creator_id, "date", kind, quantity) VALUES (:a, '2025-03-03', 'chat', 1);
RESET chronos.creator_id;
RESET ROLE;
DROP ROLE usage_errors_role;

--
-- The rows named (23503): the creator, the video and its creator
--
SELECT chronos.record_usage('c1100000-0000-4000-8000-0000000000ff', '2025-03-03', 'chat', 1);
SELECT chronos.record_usage(:a, '2025-03-03', 'storage', 1024, p_video_id => 'c1300000-0000-4000-8000-0000000000ff');
SELECT chronos.record_usage(:a, '2025-03-03', 'storage', 1024, p_video_id => :vb1);
-- a transcription's source is its video's
SELECT chronos.record_usage(:a, '2025-03-03', 'transcription', 3.5, 0, :va1, 'upload', 'captions');

--
-- A report recorded already with other figures (23505), unless replaced
--
SELECT kind, quantity, cost FROM chronos.record_usage(:a, '2025-03-03', 'transcription', 3.5, 0, :va1, NULL, 'captions');
SELECT kind, quantity, cost FROM chronos.record_usage(:a, '2025-03-03', 'transcription', 3.5, 0, :va1, 'youtube', 'captions');
SELECT chronos.record_usage(:a, '2025-03-03', 'transcription', 4, 0, :va1, NULL, 'captions');
SELECT kind, quantity, cost FROM chronos.record_usage(:a, '2025-03-03', 'storage', 1048576, 0.02);
SELECT chronos.record_usage(:a, '2025-03-03', 'storage', 1048576, 0.03);
SELECT kind, quantity, cost FROM chronos.record_usage(:a, '2025-03-03', 'storage', 1048576, 0.03, p_replace => true);

-- What the refusals left: the two reports recorded, nothing else
SELECT kind, video_id, source, method, quantity, cost FROM chronos.usage_metrics ORDER BY kind;
