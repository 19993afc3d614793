SELECT * FROM chronos.video_analytics_events WHERE video_id = bench.video(:v) ORDER BY "timestamp" DESC LIMIT 100;
