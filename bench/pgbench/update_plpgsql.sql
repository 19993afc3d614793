UPDATE bench.sessions_plpgsql SET percent_complete = :pct WHERE id = bench.session(:m);
