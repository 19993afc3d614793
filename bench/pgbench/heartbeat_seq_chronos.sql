\set hk :hk + 1
\set slot :client_id + 2 * (:hk % 500)
\set pos 10 * ((:run * 60 + :hk / 500) % 359)
\set seq :run * 100000 + :hk / 500 + 1
SELECT FROM chronos.record_watch_progress(bench.session(:nsess + 1 + :slot), :pos, :pos + 10, :seq);
