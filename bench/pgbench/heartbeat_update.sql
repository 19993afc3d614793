\set hk :hk + 1
\set slot :client_id + 2 * (:hk % 500)
\set pos 10 * ((:run * 60 + :hk / 500) % 359)
UPDATE bench.sessions_plain SET watch_time_seconds = :pos + 10, percent_complete = (:pos + 10) * 100 / 3600, last_position_seconds = :pos + 10, last_heartbeat_at = now() WHERE id = bench.session(:nsess + 1 + :slot);
