SELECT chronos.track_video_event('video_progress', bench.video(:v), bench.creator(:c), bench.student(:s), NULL, NULL, '{"percent_complete": 50, "watch_time_seconds": 120}');
