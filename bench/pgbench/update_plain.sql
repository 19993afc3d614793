UPDATE bench.sessions_plain SET percent_complete = :pct WHERE id = bench.session(:m);
