--
-- Row rules of videos: the six sources and their ids, duration, status.
--
-- A video has exactly one source.  youtube needs youtube_video_id, mux needs
-- mux_playback_id (mux_asset_id optional), loom/vimeo/wistia need embed_id and
-- embed_type equal to the source, upload needs storage_path; the ids of every
-- other source stay NULL.  Each refused row below breaks one rule only, so the
-- constraint named in the error is the rule.  Ids: prefix f2.
--
\set VERBOSITY terse
INSERT INTO chronos.creators (id, whop_company_id, whop_user_id)
VALUES ('f2100000-0000-4000-8000-000000000001', 'rules_videos_co_1', 'rules_videos_user_1');
-- one valid video of each source
INSERT INTO chronos.videos (id, creator_id, title, source_type, youtube_video_id, youtube_channel_id)
VALUES ('f2300000-0000-4000-8000-000000000001', 'f2100000-0000-4000-8000-000000000001', 'yt', 'youtube', 'dQw4w9WgXcQ', 'UC123');
INSERT INTO chronos.videos (id, creator_id, title, source_type, mux_playback_id)
VALUES ('f2300000-0000-4000-8000-000000000002', 'f2100000-0000-4000-8000-000000000001', 'mux', 'mux', 'play_1');
INSERT INTO chronos.videos (id, creator_id, title, source_type, mux_playback_id, mux_asset_id)
VALUES ('f2300000-0000-4000-8000-000000000003', 'f2100000-0000-4000-8000-000000000001', 'mux+asset', 'mux', 'play_2', 'asset_2');
INSERT INTO chronos.videos (id, creator_id, title, source_type, embed_type, embed_id)
VALUES ('f2300000-0000-4000-8000-000000000004', 'f2100000-0000-4000-8000-000000000001', 'loom', 'loom', 'loom', 'loom_1'),
       ('f2300000-0000-4000-8000-000000000005', 'f2100000-0000-4000-8000-000000000001', 'vimeo', 'vimeo', 'vimeo', '76979871'),
       ('f2300000-0000-4000-8000-000000000006', 'f2100000-0000-4000-8000-000000000001', 'wistia', 'wistia', 'wistia', 'w_1');
INSERT INTO chronos.videos (id, creator_id, title, source_type, storage_path, whop_lesson_id)
VALUES ('f2300000-0000-4000-8000-000000000007', 'f2100000-0000-4000-8000-000000000001', 'upload', 'upload', 'videos/f2/7.mp4', 'lesson_7');
SELECT title, source_type, status, duration_seconds, is_deleted, metadata
  FROM chronos.videos WHERE creator_id = 'f2100000-0000-4000-8000-000000000001' ORDER BY id;
-- source_type: required, one of the six
INSERT INTO chronos.videos (creator_id, title, source_type)
VALUES ('f2100000-0000-4000-8000-000000000001', 'no source', NULL);
INSERT INTO chronos.videos (creator_id, title, source_type)
VALUES ('f2100000-0000-4000-8000-000000000001', 'dropbox', 'dropbox');
INSERT INTO chronos.videos (creator_id, title, source_type)
VALUES ('f2100000-0000-4000-8000-000000000001', 'capital', 'YouTube');
-- youtube: youtube_video_id present, no other source's id
INSERT INTO chronos.videos (creator_id, title, source_type)
VALUES ('f2100000-0000-4000-8000-000000000001', 'yt without id', 'youtube');
INSERT INTO chronos.videos (creator_id, title, source_type, youtube_channel_id)
VALUES ('f2100000-0000-4000-8000-000000000001', 'yt with channel only', 'youtube', 'UC123');
INSERT INTO chronos.videos (creator_id, title, source_type, youtube_video_id, mux_playback_id)
VALUES ('f2100000-0000-4000-8000-000000000001', 'yt + mux playback', 'youtube', 'abc', 'play_9');
INSERT INTO chronos.videos (creator_id, title, source_type, youtube_video_id, mux_asset_id)
VALUES ('f2100000-0000-4000-8000-000000000001', 'yt + mux asset', 'youtube', 'abc', 'asset_9');
INSERT INTO chronos.videos (creator_id, title, source_type, youtube_video_id, embed_id)
VALUES ('f2100000-0000-4000-8000-000000000001', 'yt + embed id', 'youtube', 'abc', 'e_9');
INSERT INTO chronos.videos (creator_id, title, source_type, youtube_video_id, embed_type)
VALUES ('f2100000-0000-4000-8000-000000000001', 'yt + embed type', 'youtube', 'abc', 'youtube');
INSERT INTO chronos.videos (creator_id, title, source_type, youtube_video_id, storage_path)
VALUES ('f2100000-0000-4000-8000-000000000001', 'yt + file', 'youtube', 'abc', 'videos/x.mp4');
-- mux: mux_playback_id present; mux_asset_id only for mux
INSERT INTO chronos.videos (creator_id, title, source_type)
VALUES ('f2100000-0000-4000-8000-000000000001', 'mux without ids', 'mux');
INSERT INTO chronos.videos (creator_id, title, source_type, mux_asset_id)
VALUES ('f2100000-0000-4000-8000-000000000001', 'mux with asset only', 'mux', 'asset_9');
INSERT INTO chronos.videos (creator_id, title, source_type, mux_playback_id, youtube_video_id)
VALUES ('f2100000-0000-4000-8000-000000000001', 'mux + yt', 'mux', 'play_9', 'abc');
INSERT INTO chronos.videos (creator_id, title, source_type, mux_playback_id, youtube_channel_id)
VALUES ('f2100000-0000-4000-8000-000000000001', 'mux + yt channel', 'mux', 'play_9', 'UC123');
INSERT INTO chronos.videos (creator_id, title, source_type, mux_playback_id, embed_id)
VALUES ('f2100000-0000-4000-8000-000000000001', 'mux + embed id', 'mux', 'play_9', 'e_9');
-- loom, vimeo, wistia: embed_id present and embed_type equal to the source
INSERT INTO chronos.videos (creator_id, title, source_type, embed_type)
VALUES ('f2100000-0000-4000-8000-000000000001', 'loom without id', 'loom', 'loom');
INSERT INTO chronos.videos (creator_id, title, source_type, embed_id)
VALUES ('f2100000-0000-4000-8000-000000000001', 'loom without type', 'loom', 'e_9');
INSERT INTO chronos.videos (creator_id, title, source_type, embed_type, embed_id)
VALUES ('f2100000-0000-4000-8000-000000000001', 'vimeo typed loom', 'vimeo', 'loom', 'e_9');
INSERT INTO chronos.videos (creator_id, title, source_type, embed_type, embed_id)
VALUES ('f2100000-0000-4000-8000-000000000001', 'wistia typed youtube', 'wistia', 'youtube', 'e_9');
INSERT INTO chronos.videos (creator_id, title, source_type, embed_type, embed_id)
VALUES ('f2100000-0000-4000-8000-000000000001', 'wistia typed Wistia', 'wistia', 'Wistia', 'e_9');
INSERT INTO chronos.videos (creator_id, title, source_type, embed_type, embed_id, youtube_video_id)
VALUES ('f2100000-0000-4000-8000-000000000001', 'vimeo + yt', 'vimeo', 'vimeo', 'e_9', 'abc');
INSERT INTO chronos.videos (creator_id, title, source_type, embed_type, embed_id, mux_playback_id)
VALUES ('f2100000-0000-4000-8000-000000000001', 'loom + mux', 'loom', 'loom', 'e_9', 'play_9');
INSERT INTO chronos.videos (creator_id, title, source_type, embed_type, embed_id, storage_path)
VALUES ('f2100000-0000-4000-8000-000000000001', 'wistia + file', 'wistia', 'wistia', 'e_9', 'videos/x.mp4');
-- upload: storage_path present, no other source's id
INSERT INTO chronos.videos (creator_id, title, source_type)
VALUES ('f2100000-0000-4000-8000-000000000001', 'upload without file', 'upload');
INSERT INTO chronos.videos (creator_id, title, source_type, storage_path, mux_asset_id)
VALUES ('f2100000-0000-4000-8000-000000000001', 'upload + mux asset', 'upload', 'videos/x.mp4', 'asset_9');
INSERT INTO chronos.videos (creator_id, title, source_type, storage_path, embed_type)
VALUES ('f2100000-0000-4000-8000-000000000001', 'upload + embed type', 'upload', 'videos/x.mp4', 'upload');
INSERT INTO chronos.videos (creator_id, title, source_type, storage_path, youtube_video_id)
VALUES ('f2100000-0000-4000-8000-000000000001', 'upload + yt', 'upload', 'videos/x.mp4', 'abc');
-- the rules hold on UPDATE: changing the source alone leaves the old id behind ...
UPDATE chronos.videos SET source_type = 'upload', storage_path = 'videos/f2/1.mp4'
 WHERE id = 'f2300000-0000-4000-8000-000000000001';
UPDATE chronos.videos SET embed_type = 'vimeo'
 WHERE id = 'f2300000-0000-4000-8000-000000000004';
UPDATE chronos.videos SET mux_playback_id = NULL
 WHERE id = 'f2300000-0000-4000-8000-000000000002';
-- ... changing it with its ids is allowed
UPDATE chronos.videos SET source_type = 'upload', storage_path = 'videos/f2/1.mp4',
       youtube_video_id = NULL, youtube_channel_id = NULL
 WHERE id = 'f2300000-0000-4000-8000-000000000001';
UPDATE chronos.videos SET source_type = 'vimeo', embed_type = 'vimeo', embed_id = '1234'
 WHERE id = 'f2300000-0000-4000-8000-000000000004';
SELECT title, source_type, youtube_video_id, storage_path, embed_type, embed_id
  FROM chronos.videos
 WHERE id IN ('f2300000-0000-4000-8000-000000000001', 'f2300000-0000-4000-8000-000000000004')
 ORDER BY id;
-- duration_seconds: NULL until known, then positive
INSERT INTO chronos.videos (creator_id, title, source_type, storage_path, duration_seconds)
VALUES ('f2100000-0000-4000-8000-000000000001', 'zero length', 'upload', 'videos/x.mp4', 0);
INSERT INTO chronos.videos (creator_id, title, source_type, storage_path, duration_seconds)
VALUES ('f2100000-0000-4000-8000-000000000001', 'negative length', 'upload', 'videos/x.mp4', -30);
UPDATE chronos.videos SET duration_seconds = 0
 WHERE id = 'f2300000-0000-4000-8000-000000000007';
UPDATE chronos.videos SET duration_seconds = 1
 WHERE id = 'f2300000-0000-4000-8000-000000000007';
UPDATE chronos.videos SET duration_seconds = 3600
 WHERE id = 'f2300000-0000-4000-8000-000000000002';
-- status: pending, uploading, transcribing, processing, completed, failed
INSERT INTO chronos.videos (creator_id, title, source_type, storage_path, status)
VALUES ('f2100000-0000-4000-8000-000000000001', 'bad status', 'upload', 'videos/x.mp4', 'done');
INSERT INTO chronos.videos (creator_id, title, source_type, storage_path, status)
VALUES ('f2100000-0000-4000-8000-000000000001', 'no status', 'upload', 'videos/x.mp4', NULL);
UPDATE chronos.videos SET status = s.status
  FROM (VALUES ('f2300000-0000-4000-8000-000000000002'::uuid, 'uploading'),
               ('f2300000-0000-4000-8000-000000000003'::uuid, 'transcribing'),
               ('f2300000-0000-4000-8000-000000000004'::uuid, 'processing'),
               ('f2300000-0000-4000-8000-000000000005'::uuid, 'completed'),
               ('f2300000-0000-4000-8000-000000000006'::uuid, 'failed')) AS s (id, status)
 WHERE videos.id = s.id;
-- file_size_bytes: not negative
INSERT INTO chronos.videos (creator_id, title, source_type, storage_path, file_size_bytes)
VALUES ('f2100000-0000-4000-8000-000000000001', 'negative size', 'upload', 'videos/x.mp4', -1);
UPDATE chronos.videos SET file_size_bytes = 5000000000
 WHERE id = 'f2300000-0000-4000-8000-000000000007';
-- title required; metadata a JSON object; creator must exist
INSERT INTO chronos.videos (creator_id, title, source_type, storage_path)
VALUES ('f2100000-0000-4000-8000-000000000001', NULL, 'upload', 'videos/x.mp4');
INSERT INTO chronos.videos (creator_id, title, source_type, storage_path, metadata)
VALUES ('f2100000-0000-4000-8000-000000000001', 'array metadata', 'upload', 'videos/x.mp4', '[]');
INSERT INTO chronos.videos (creator_id, title, source_type, storage_path, metadata)
VALUES ('f2100000-0000-4000-8000-000000000001', 'null metadata', 'upload', 'videos/x.mp4', 'null');
INSERT INTO chronos.videos (creator_id, title, source_type, storage_path)
VALUES ('f2100000-0000-4000-8000-0000000000ff', 'nobody''s video', 'upload', 'videos/x.mp4');
INSERT INTO chronos.videos (creator_id, title, source_type, storage_path)
VALUES (NULL, 'nobody''s video', 'upload', 'videos/x.mp4');
-- only the seven valid videos were written
SELECT title, source_type, status, duration_seconds, file_size_bytes
  FROM chronos.videos WHERE creator_id = 'f2100000-0000-4000-8000-000000000001' ORDER BY id;
-- clean up
DELETE FROM chronos.creators WHERE id = 'f2100000-0000-4000-8000-000000000001';
SELECT count(*) FROM chronos.videos WHERE id::text LIKE 'f2300000-0000-4000-8000-%';
