-- creator_dashboard, every number against values computed by hand.
--
-- Creator T is in Asia/Tokyo (UTC+9): its days run from 15:00 UTC to 15:00
-- UTC, so sessions on one UTC day fall on two local days and the other way
-- round.  Sessions are written directly by the service (this superuser)
-- and rolled up with refresh_video_analytics(p_since); transcription events
-- go through track_video_event.  Creator O, in UTC, has data in the same
-- range that must not show.  Covers: the fixed keys, totals (exact unique
-- viewers over the range, active learners, completion rate), the zero-filled
-- daily series, per-video numbers and engagement scores, both top lists, the
-- heatmap in local time (Monday first), costs by transcript method (cost,
-- else cost_usd; malformed numbers count 0), range edges at local midnight,
-- rollups as of the last refresh, and who may read a dashboard.
-- Ids: prefix a9.
SET client_min_messages = warning;
BEGIN;
SELECT plan(41);

\set ids 'a9%s00000-0000-4000-8000-%s'
\set creators 'a=dash_user_t b=dash_user_o'
\set creators_with '{"a": {"timezone": "Asia/Tokyo"}, "b": {"timezone": "UTC"}}'
\set students 'a1=s1 a2=s2 a3=s3 a4=s4 a5=s5 b1=o1'
\set videos 'a1=100 a2=200 a3 a4=60 b1=100'
\set videos_with '{"a1": {"title": "Intro"}, "a2": {"title": "Deep dive"}, "a3": {"title": "Live replay"}, "a4": {"title": "Outro"}, "b1": {"title": "Other"}}'
\ir ../fixtures/people.sql
\ir ../fixtures/catalog.sql

-- Sessions: (student, video, local start in Tokyo, watch time, percent);
-- 90 % and more completes.  Monday 2025-03-03 to Wednesday 2025-03-05 is
-- the range asked for below.
INSERT INTO chronos.video_watch_sessions (video_id, student_id, session_start, watch_time_seconds, percent_complete)
SELECT ('a9300000-0000-4000-8000-0000000000' || x.v)::uuid, ('a9200000-0000-4000-8000-0000000000' || x.s)::uuid,
       x.local_start::timestamp AT TIME ZONE 'Asia/Tokyo', x.watch, x.pct
  FROM (VALUES
    -- Monday 03-03
    ('a1', 'a1', '2025-03-03 09:15', 95, 95),    -- a: s1 completes v1 (00:15 UTC)
    ('a1', 'a2', '2025-03-03 00:30', 40, 40),    -- b: 15:30 UTC on 03-02
    ('a2', 'a1', '2025-03-03 23:45', 200, 100),  -- c: s1 completes v2
    ('a1', 'a4', '2025-03-03 00:00', 10, 10),    -- k: at local midnight: inside
    -- Tuesday 03-04
    ('a1', 'a1', '2025-03-04 10:00', 30, 30),    -- d: s1 rewatches v1
    ('a1', 'a3', '2025-03-04 10:20', 0, 0),      -- e: s3 opens v1, plays nothing
    ('a3', 'a2', '2025-03-04 20:00', 120, 0),    -- f: v3 has no duration
    -- Wednesday 03-05
    ('a1', 'a2', '2025-03-05 09:05', 92, 92),    -- g: s2 completes v1
    ('a2', 'a4', '2025-03-05 23:59', 50, 25),    -- h
    -- outside: Sunday 03-02 and Thursday 03-06
    ('a4', 'a1', '2025-03-02 23:59', 60, 100),   -- i
    ('a4', 'a3', '2025-03-06 00:00', 10, 17)     -- j: at local midnight: outside
  ) AS x (v, s, local_start, watch, pct);
-- creator O, in the range
INSERT INTO chronos.video_watch_sessions (video_id, student_id, session_start, watch_time_seconds, percent_complete)
VALUES ('a9300000-0000-4000-8000-0000000000b1', 'a9200000-0000-4000-8000-0000000000b1', '2025-03-04 12:00+00', 100, 100);

-- Transcriptions, at local times in Tokyo.
SELECT count(chronos.track_video_event(x.type, ('a9300000-0000-4000-8000-0000000000' || x.v)::uuid,
                                       ('a9100000-0000-4000-8000-0000000000' || x.c)::uuid,
                                       CASE WHEN x.type = 'video_started' THEN 'a9200000-0000-4000-8000-0000000000a1'::uuid END,
                                       p_metadata => x.metadata::jsonb,
                                       p_timestamp => x.local_time::timestamp AT TIME ZONE 'Asia/Tokyo'))
  FROM (VALUES
    ('video_transcribed', 'a1', '0a', '2025-03-03 12:00', '{"transcript_method": "whisper", "cost_usd": 0.12}'),
    ('video_transcribed', 'a2', '0a', '2025-03-04 12:00', '{"transcript_method": "whisper", "cost": 0.30, "cost_usd": 99}'),
    ('video_transcribed', 'a3', '0a', '2025-03-05 12:00', '{"transcript_method": "youtube_captions", "cost": 0}'),
    ('video_transcribed', 'a3', '0a', '2025-03-05 13:00', '{"transcript_method": "whisper", "cost": " 0.08 "}'),
    ('video_transcribed', 'a1', '0a', '2025-03-05 14:00', '{"transcript_method": "whisper", "cost": "free", "cost_usd": "0.05"}'),
    ('video_transcribed', 'a1', '0a', '2025-03-04 13:00', '{"transcript_method": "whisper", "cost": "1e3"}'),
    ('video_transcribed', 'a2', '0a', '2025-03-05 15:00', '{"transcript_method": "assemblyai", "cost": {"amount": 1}}'),
    ('video_transcribed', 'a2', '0a', '2025-03-05 16:00', '{"transcript_method": "assemblyai", "cost_usd": "NaN"}'),
    ('video_transcribed', 'a2', '0a', '2025-03-04 15:00', '{"cost": 0.5}'),
    ('video_transcribed', 'a2', '0a', '2025-03-04 16:00', '{"transcript_method": "", "cost": 0.25}'),
    -- outside the range, another type, another creator
    ('video_transcribed', 'a1', '0a', '2025-03-06 00:00', '{"transcript_method": "whisper", "cost": 5}'),
    ('video_transcribed', 'a1', '0a', '2025-03-02 23:59:59', '{"transcript_method": "whisper", "cost": 7}'),
    ('video_started', 'a1', '0a', '2025-03-04 12:00', '{"transcript_method": "whisper", "cost": 3}'),
    ('video_transcribed', 'b1', '0b', '2025-03-04 12:00', '{"transcript_method": "whisper", "cost": 11}')
  ) AS x (type, v, c, local_time, metadata);

SELECT is(chronos.refresh_video_analytics('2025-01-01 00:00+00'), 9, 'the rollups are refreshed: nine (video, day) rows');

-- d: T's dashboard for Monday to Wednesday, as the service
CREATE TEMP TABLE d AS
SELECT chronos.creator_dashboard('a9100000-0000-4000-8000-00000000000a', '2025-03-03', '2025-03-05') AS j;

SELECT function_returns('chronos', 'creator_dashboard', ARRAY['uuid', 'date', 'date'], 'jsonb',
    'creator_dashboard(uuid, date, date) returns jsonb');
SELECT ok((SELECT j ?& ARRAY['creator_id', 'from', 'to', 'timezone', 'totals', 'daily', 'videos', 'top_by_views',
                             'top_by_engagement', 'heatmap', 'costs'] FROM d), 'it has every fixed key');
SELECT is((SELECT jsonb_build_array(j->'creator_id', j->'from', j->'to', j->'timezone') FROM d),
    '["a9100000-0000-4000-8000-00000000000a", "2025-03-03", "2025-03-05", "Asia/Tokyo"]'::jsonb,
    'creator, range and time zone');

--
-- Totals.  Views 9 (a b c k d e f g h), watch time 637 (the rollups'); 4
-- students watched (s1 s2 s3 s4); 3 of them played something (s3 only
-- opened v1); 7 (student, video) pairs of which 3 completed: 42.86 %.
--
SELECT is((SELECT j->'totals' FROM d),
    '{"views": 9, "unique_viewers": 4, "watch_time_seconds": 637, "average_watch_time_seconds": 70.78,
      "completion_rate": 42.86, "active_learners": 3, "completions": 3, "rewatches": 1, "videos_watched": 3}'::jsonb,
    'totals');
SELECT cmp_ok((SELECT sum(unique_viewers) FROM chronos.video_analytics
                WHERE creator_id = 'a9100000-0000-4000-8000-00000000000a' AND "date" BETWEEN '2025-03-03' AND '2025-03-05'),
    '>', (SELECT (j->'totals'->>'unique_viewers')::bigint FROM d),
    'unique viewers are distinct students over the range, not a sum of daily counts');

-- Every day of the range, from the rollups.
SELECT is((SELECT j->'daily' FROM d),
    '[{"date": "2025-03-03", "views": 4, "watch_time_seconds": 345, "completions": 2},
      {"date": "2025-03-04", "views": 3, "watch_time_seconds": 150, "completions": 0},
      {"date": "2025-03-05", "views": 2, "watch_time_seconds": 142, "completions": 1}]'::jsonb,
    'views and watch time per local day');

-- Per video.  Engagement = 40 min(average / duration, 1) + 40 rate / 100
-- + 20 min(views / unique viewers, 2) / 2:
--   Intro:       40 x 44.5/100 = 17.8, + 20, + 20 x 1.5 / 2 = 15  -> 52.80
--   Deep dive:   40 x 125/200 = 25,    + 20, + 10                 -> 55.00
--   Live replay: no duration: 0,       + 0,  + 10                 -> 10.00
SELECT is((SELECT j->'videos' FROM d),
    '[{"video_id": "a9300000-0000-4000-8000-0000000000a1", "title": "Intro", "duration_seconds": 100,
       "views": 6, "unique_viewers": 4, "watch_time_seconds": 267, "average_watch_time_seconds": 44.50,
       "completions": 2, "completion_rate": 50.00, "rewatches": 1, "engagement_score": 52.80},
      {"video_id": "a9300000-0000-4000-8000-0000000000a2", "title": "Deep dive", "duration_seconds": 200,
       "views": 2, "unique_viewers": 2, "watch_time_seconds": 250, "average_watch_time_seconds": 125.00,
       "completions": 1, "completion_rate": 50.00, "rewatches": 0, "engagement_score": 55.00},
      {"video_id": "a9300000-0000-4000-8000-0000000000a3", "title": "Live replay", "duration_seconds": null,
       "views": 1, "unique_viewers": 1, "watch_time_seconds": 120, "average_watch_time_seconds": 120.00,
       "completions": 0, "completion_rate": 0.00, "rewatches": 0, "engagement_score": 10.00}]'::jsonb,
    'per video: views, unique viewers, completion rate, engagement score (by views)');
SELECT is((SELECT j->'top_by_views' FROM d),
    '["a9300000-0000-4000-8000-0000000000a1", "a9300000-0000-4000-8000-0000000000a2", "a9300000-0000-4000-8000-0000000000a3"]'::jsonb,
    'top by views');
SELECT is((SELECT j->'top_by_engagement' FROM d),
    '["a9300000-0000-4000-8000-0000000000a2", "a9300000-0000-4000-8000-0000000000a1", "a9300000-0000-4000-8000-0000000000a3"]'::jsonb,
    'top by engagement');

-- Session starts by local weekday and hour: Monday 00h (b, k), 09h (a),
-- 23h (c); Tuesday 10h (d, e), 20h (f); Wednesday 09h (g), 23h (h).
SELECT is((SELECT j->'heatmap' FROM d),
    '[[2,0,0,0,0,0,0,0,0,1,0,0,0,0,0,0,0,0,0,0,0,0,0,1],[0,0,0,0,0,0,0,0,0,0,2,0,0,0,0,0,0,0,0,0,1,0,0,0],[0,0,0,0,0,0,0,0,0,1,0,0,0,0,0,0,0,0,0,0,0,0,0,1],[0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0],[0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0],[0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0],[0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0]]'::jsonb,
    'the heatmap: 7 days of 24 hours, Monday and midnight first, in Tokyo time');

-- Costs: whisper 0.12 (cost_usd) + 0.30 (cost before cost_usd) + 0.08 (a
-- numeric string) + 0.05 (cost "free" is not a number: cost_usd) + 0 ("1e3"
-- is not a plain decimal); no method or an empty one: 0.5 + 0.25; a cost
-- object and "NaN" count 0.
SELECT is((SELECT j->'costs' FROM d),
    '[{"transcript_method": null, "cost": 0.75, "transcriptions": 2},
      {"transcript_method": "whisper", "cost": 0.55, "transcriptions": 5},
      {"transcript_method": "assemblyai", "cost": 0, "transcriptions": 2},
      {"transcript_method": "youtube_captions", "cost": 0, "transcriptions": 1}]'::jsonb,
    'cost by transcript method, from the video_transcribed events of the range');
SELECT ok((SELECT (j->>'rollups_updated_at')::timestamptz = now() FROM d), 'rollups_updated_at: when the rollups read were written');

--
-- Other ranges
--
CREATE TEMP TABLE w AS
SELECT chronos.creator_dashboard('a9100000-0000-4000-8000-00000000000a', '2025-03-01', '2025-03-07') AS j;
SELECT is((SELECT jsonb_agg(x->'date') FROM d, jsonb_array_elements((SELECT j->'daily' FROM w)) AS x),
    '["2025-03-01", "2025-03-02", "2025-03-03", "2025-03-04", "2025-03-05", "2025-03-06", "2025-03-07"]'::jsonb,
    'a week: every day present ...');
SELECT is((SELECT jsonb_agg(jsonb_build_array(x->'views', x->'watch_time_seconds')) FROM jsonb_array_elements((SELECT j->'daily' FROM w)) AS x),
    '[[0, 0], [1, 60], [4, 345], [3, 150], [2, 142], [1, 10], [0, 0]]'::jsonb, '... zero-filled');
SELECT is((SELECT j->'totals' FROM w),
    '{"views": 11, "unique_viewers": 4, "watch_time_seconds": 707, "average_watch_time_seconds": 64.27,
      "completion_rate": 44.44, "active_learners": 4, "completions": 4, "rewatches": 1, "videos_watched": 4}'::jsonb,
    'a week: totals count Sunday''s and Thursday''s sessions');
SELECT is((SELECT x FROM jsonb_array_elements((SELECT j->'videos' FROM w)) AS x WHERE x->>'title' = 'Outro'),
    '{"video_id": "a9300000-0000-4000-8000-0000000000a4", "title": "Outro", "duration_seconds": 60,
      "views": 2, "unique_viewers": 2, "watch_time_seconds": 70, "average_watch_time_seconds": 35.00,
      "completions": 1, "completion_rate": 50.00, "rewatches": 0, "engagement_score": 53.33}'::jsonb,
    'a week: Outro, 40 x 35/60 + 20 + 10 = 53.33');
SELECT is((SELECT j->'heatmap'->6->23 FROM w) || (SELECT j->'heatmap'->3->0 FROM w), '[1, 1]'::jsonb,
    'a week: Sunday 23h and Thursday 00h');
SELECT is((SELECT j->'costs'->0 FROM w), '{"transcript_method": "whisper", "cost": 12.55, "transcriptions": 7}'::jsonb,
    'a week: the two transcriptions outside Monday to Wednesday count too');

SELECT is(chronos.creator_dashboard('a9100000-0000-4000-8000-00000000000a', '2025-03-04', '2025-03-04')->'totals',
    '{"views": 3, "unique_viewers": 3, "watch_time_seconds": 150, "average_watch_time_seconds": 50.00,
      "completion_rate": 0.00, "active_learners": 2, "completions": 0, "rewatches": 1, "videos_watched": 2}'::jsonb,
    'one day: s1''s completion of Monday does not count on Tuesday; s3 watched but is not active');
SELECT is(chronos.creator_dashboard('a9100000-0000-4000-8000-00000000000a', '2024-03-03', '2024-03-04') - 'rollups_updated_at',
    jsonb_build_object('creator_id', 'a9100000-0000-4000-8000-00000000000a', 'from', '2024-03-03', 'to', '2024-03-04',
        'timezone', 'Asia/Tokyo',
        'totals', '{"views": 0, "unique_viewers": 0, "watch_time_seconds": 0, "average_watch_time_seconds": 0,
                    "completion_rate": 0, "active_learners": 0, "completions": 0, "rewatches": 0, "videos_watched": 0}'::jsonb,
        'daily', '[{"date": "2024-03-03", "views": 0, "watch_time_seconds": 0, "completions": 0},
                   {"date": "2024-03-04", "views": 0, "watch_time_seconds": 0, "completions": 0}]'::jsonb,
        'videos', '[]'::jsonb, 'top_by_views', '[]'::jsonb, 'top_by_engagement', '[]'::jsonb,
        'heatmap', (SELECT jsonb_agg(r) FROM (SELECT jsonb_agg(0) AS r FROM generate_series(1, 7) d, generate_series(1, 24) h GROUP BY d) x),
        'costs', '[]'::jsonb, 'dropoff_points', '[]'::jsonb,
        'peak_concurrent_viewers', '{"peak": 0, "at": null, "until": null}'::jsonb,
        'quality_of_experience', '{"startup_p50_ms": null, "startup_p95_ms": null,
            "exits_before_start": 0, "rebuffer_count": 0, "rebuffer_ms": 0,
            "daily": [{"date": "2024-03-03", "startup_p50_ms": null, "startup_p95_ms": null,
                       "exits_before_start": 0, "rebuffer_count": 0, "rebuffer_ms": 0},
                      {"date": "2024-03-04", "startup_p50_ms": null, "startup_p95_ms": null,
                       "exits_before_start": 0, "rebuffer_count": 0, "rebuffer_ms": 0}]}'::jsonb)
    -- 1.1's usage keys (test/pgtap/dashboard_usage.sql tests them with data)
    || jsonb_build_object(
        'usage_totals', '{"storage_bytes": null, "storage_cost": 0, "videos_added": 0, "transcription_minutes": 0,
                          "transcription_cost": 0, "embedding_tokens": 0, "embedding_cost": 0, "chat_messages": 0,
                          "chat_cost": 0, "total_cost": 0}'::jsonb,
        'transcript_costs_by_source', '[]'::jsonb,
        'storage_usage', '[{"date": "2024-03-03", "bytes": null, "cost": 0}, {"date": "2024-03-04", "bytes": null, "cost": 0}]'::jsonb,
        'monthly_spend', '[{"month": "2024-03", "transcription": 0, "embedding": 0, "storage": 0, "chat": 0, "total": 0}]'::jsonb,
        'video_costs', '[]'::jsonb,
        'videos_per_student', (SELECT jsonb_agg(jsonb_build_object('min_videos', b.lo, 'max_videos', b.hi, 'students', 0) ORDER BY b.lo)
                                 FROM (VALUES (1, 1), (2, 2), (3, 3), (4, 4), (5, 5), (6, 10), (11, 20), (21, 50), (51, NULL)) AS b (lo, hi))),
    'a range without activity: zeros, empty lists, a heatmap of zeros, no drop-off, no peak, no stalls, no usage (1.1''s keys)');
SELECT is(chronos.creator_dashboard('a9100000-0000-4000-8000-00000000000b', '2025-03-04', '2025-03-04')->'totals'->'views',
    '1'::jsonb, 'creator O sees only its own session');

--
-- The dashboard reads the rollups as of the last refresh; distinct
-- students come from the sessions themselves.
--
INSERT INTO chronos.video_watch_sessions (video_id, student_id, session_start, watch_time_seconds, percent_complete)
VALUES ('a9300000-0000-4000-8000-0000000000a2', 'a9200000-0000-4000-8000-0000000000a5', '2025-03-04 03:00+00', 20, 10);
SELECT is((SELECT jsonb_build_array(x->'totals'->'views', x->'totals'->'unique_viewers')
             FROM chronos.creator_dashboard('a9100000-0000-4000-8000-00000000000a', '2025-03-03', '2025-03-05') AS x),
    '[9, 5]'::jsonb, 'a session not yet rolled up: views wait for the refresh, unique viewers do not');
SELECT is(chronos.refresh_video_analytics('2025-03-01 00:00+00'), 10, 'refresh');
SELECT is((SELECT jsonb_build_array(x->'totals'->'views', x->'totals'->'unique_viewers', x->'daily'->1->'views')
             FROM chronos.creator_dashboard('a9100000-0000-4000-8000-00000000000a', '2025-03-03', '2025-03-05') AS x),
    '[10, 5, 4]'::jsonb, 'after the refresh the view counts');
DELETE FROM chronos.video_watch_sessions WHERE student_id = 'a9200000-0000-4000-8000-0000000000a5';
SELECT is(chronos.refresh_video_analytics('2025-03-01 00:00+00'), 9, 'refresh');

--
-- Who may read a dashboard: the creator itself and the service
--
CREATE ROLE chronos_dashboard_caller NOLOGIN;
\ir ../fixtures/call_as.sql
-- dashboard_as(setting, value, creator): creator's dashboard for Monday to
-- Wednesday read by a caller identified by setting = value, or the error.
CREATE FUNCTION pg_temp.dashboard_as(p_setting text, p_value text, p_creator uuid) RETURNS jsonb
LANGUAGE sql AS $$
    SELECT pg_temp.call_as('chronos_dashboard_caller', p_setting, p_value,
                           format($f$chronos.creator_dashboard(%L::uuid, '2025-03-03', '2025-03-05')
                                     - 'rollups_updated_at'$f$, p_creator))
$$;
SELECT is(pg_temp.dashboard_as('chronos.creator_id', 'a9100000-0000-4000-8000-00000000000a', 'a9100000-0000-4000-8000-00000000000a'),
    (SELECT j - 'rollups_updated_at' FROM d), 'the creator (chronos.creator_id) reads its dashboard: the same as the service''s');
SELECT is(pg_temp.dashboard_as('request.jwt.claims', '{"sub": "dash_user_t"}', 'a9100000-0000-4000-8000-00000000000a'),
    (SELECT j - 'rollups_updated_at' FROM d), 'the creator (JWT sub) reads its dashboard');
SELECT is(pg_temp.dashboard_as('request.jwt.claims', '{"role": "service_role"}', 'a9100000-0000-4000-8000-00000000000a'),
    (SELECT j - 'rollups_updated_at' FROM d), 'the service (role claim) reads it');
SELECT is(pg_temp.dashboard_as('chronos.creator_id', 'a9100000-0000-4000-8000-00000000000b', 'a9100000-0000-4000-8000-00000000000a'),
    '{"error": "42501", "message": "permission denied to read the dashboard of creator a9100000-0000-4000-8000-00000000000a"}'::jsonb,
    'another creator may not');
SELECT is(pg_temp.dashboard_as('chronos.student_id', 'a9200000-0000-4000-8000-0000000000a1', 'a9100000-0000-4000-8000-00000000000a'),
    '{"error": "42501", "message": "permission denied to read the dashboard of creator a9100000-0000-4000-8000-00000000000a"}'::jsonb,
    'its student may not');
SELECT is(pg_temp.dashboard_as('chronos.creator_id', '', 'a9100000-0000-4000-8000-00000000000a'),
    '{"error": "42501", "message": "permission denied to read the dashboard of creator a9100000-0000-4000-8000-00000000000a"}'::jsonb,
    'an anonymous caller may not');
SELECT is(pg_temp.dashboard_as('chronos.creator_id', 'a9100000-0000-4000-8000-0000000000ff', 'a9100000-0000-4000-8000-0000000000ff'),
    '{"error": "23503", "message": "creator a9100000-0000-4000-8000-0000000000ff does not exist"}'::jsonb,
    'a creator id that names no creator: 23503');
SELECT is(pg_temp.dashboard_as('chronos.creator_id', 'a9100000-0000-4000-8000-00000000000b', 'a9100000-0000-4000-8000-0000000000ff'),
    '{"error": "42501", "message": "permission denied to read the dashboard of creator a9100000-0000-4000-8000-0000000000ff"}'::jsonb,
    'an unknown creator asked by another creator: 42501, which reveals nothing');

--
-- Arguments
--
SELECT throws_ok($$SELECT chronos.creator_dashboard(NULL, '2025-03-03', '2025-03-05')$$, '22004',
    'p_creator_id must not be null', 'p_creator_id is required');
SELECT throws_ok($$SELECT chronos.creator_dashboard('a9100000-0000-4000-8000-00000000000a', NULL, '2025-03-05')$$, '22004',
    'p_from must not be null', 'p_from is required');
SELECT throws_ok($$SELECT chronos.creator_dashboard('a9100000-0000-4000-8000-00000000000a', '2025-03-03', NULL)$$, '22004',
    'p_to must not be null', 'p_to is required');
SELECT throws_ok($$SELECT chronos.creator_dashboard('a9100000-0000-4000-8000-00000000000a', '2025-03-05', '2025-03-03')$$, '22023',
    'p_from 2025-03-05 is after p_to 2025-03-03', 'p_from after p_to');
SELECT throws_ok($$SELECT chronos.creator_dashboard('a9100000-0000-4000-8000-00000000000a', '2025-01-01', '2026-01-02')$$, '22023',
    'the range from 2025-01-01 to 2026-01-02 is 367 days long', '367 days are too many');
SELECT lives_ok($$SELECT chronos.creator_dashboard('a9100000-0000-4000-8000-00000000000a', '2025-01-01', '2026-01-01')$$,
    '366 days are allowed');
SELECT throws_ok($$SELECT chronos.creator_dashboard('a9100000-0000-4000-8000-00000000000a', '-infinity', '2025-03-05')$$, '22023',
    'p_from must be a finite date', 'an infinite date');

SELECT * FROM finish();
ROLLBACK;
