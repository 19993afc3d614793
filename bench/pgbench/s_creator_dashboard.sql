SELECT chronos.creator_dashboard(bench.creator(1), current_date - 29, current_date);
