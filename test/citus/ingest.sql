-- test/citus/ingest.sql: events of both creators through chronos's
-- ingestion functions (as the service): one with a client-chosen id, sent
-- twice, and a batch.
SELECT 'event', chronos.track_video_event('video_imported', '70000000-0000-4000-8000-0000000000b2',
       'c0000000-0000-4000-8000-00000000000b', p_event_id => 'e0000000-0000-4000-8000-000000000001');
SELECT 'event again', chronos.track_video_event('video_imported', '70000000-0000-4000-8000-0000000000b2',
       'c0000000-0000-4000-8000-00000000000b', p_event_id => 'e0000000-0000-4000-8000-000000000001');
SELECT 'events', chronos.track_video_events(jsonb_build_array(
       jsonb_build_object('event_type', 'video_transcribed', 'video_id', '70000000-0000-4000-8000-0000000000a1',
                          'creator_id', 'c0000000-0000-4000-8000-00000000000a',
                          'metadata', '{"transcript_method": "whisper", "cost_usd": 0.25}'::jsonb),
       jsonb_build_object('event_type', 'video_embedded', 'video_id', '70000000-0000-4000-8000-0000000000b1',
                          'creator_id', 'c0000000-0000-4000-8000-00000000000b')));
