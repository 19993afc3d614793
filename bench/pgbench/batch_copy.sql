COPY chronos.video_analytics_events (event_type, video_id, creator_id, student_id, metadata, "timestamp") FROM 'bench_batch.csv' WITH (FORMAT csv);
