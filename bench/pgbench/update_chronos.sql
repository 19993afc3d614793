UPDATE chronos.video_watch_sessions SET percent_complete = :pct WHERE id = bench.session(:m);
