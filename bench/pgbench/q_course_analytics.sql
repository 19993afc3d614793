SELECT event_type, count(*) AS events FROM chronos.video_analytics_events WHERE course_id = bench.course(:k) AND "timestamp" >= now() - interval '30 days' GROUP BY event_type ORDER BY event_type;
