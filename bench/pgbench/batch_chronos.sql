SELECT chronos.track_video_events(pg_read_file('bench_batch.json')::jsonb);
