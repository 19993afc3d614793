-- creator_dashboard's usage keys (usage_totals, transcript_costs_by_source,
-- storage_usage, monthly_spend, video_costs) and videos_per_student, every
-- figure against values computed by hand from the rows below, and the
-- sums that must agree: the months add up to total_cost, the kinds too,
-- each video's cost is its transcription + embedding + storage, the
-- videos' costs plus what no video carries make total_cost, and the
-- histogram's students are the range's unique viewers.
--
-- Creator A is in Asia/Tokyo; the range is its local days Thursday
-- 2025-02-27 to Sunday 2025-03-02, across the end of February.  Usage rows
-- of the days before and after, and creator B's of the same days, must not
-- count.  Ids: prefix c3.
SET client_min_messages = warning;
BEGIN;
SELECT plan(26);

\set ids 'c3%s00000-0000-4000-8000-%s'
\set creators 'a=usage_dash_a b=usage_dash_b'
\set creators_with '{"a": {"timezone": "Asia/Tokyo"}, "b": {"timezone": "UTC"}}'
\set students 'a1 a2 a3 a4 a5 a6 b1'
\set videos 'a1=600 a2=600 a3=600 a4=600 a5=600 a6=600 a7=600 b1=600'
\set videos_with '{"a2": {"source_type": "youtube", "youtube_video_id": "yt_a2", "storage_path": null}}'
\ir ../fixtures/people.sql
\ir ../fixtures/catalog.sql
\set a '''c3100000-0000-4000-8000-00000000000a'''
\set b '''c3100000-0000-4000-8000-00000000000b'''
\set va1 '''c3300000-0000-4000-8000-0000000000a1'''
\set va2 '''c3300000-0000-4000-8000-0000000000a2'''
\set vb1 '''c3300000-0000-4000-8000-0000000000b1'''

-- Usage, as the service would report it (record_usage).
--   day    kind           video  source/method     quantity  cost
--   02-26  chat           -                          100      1.00     (before the range)
--   02-26  storage        a1                         500      0.50     (before the range)
--   02-27  storage        a1                        1000      0.01
--   02-27  storage        -                          200      0.002
--   02-27  transcription  a1     upload/whisper       10      0.06
--   02-27  embedding      a1                        5000      0.0005
--   02-28  storage        a1                        1000      0.01
--   02-28  storage        a2                        3000      0.03
--   02-28  transcription  a2     youtube/captions      7      0
--   02-28  chat           -                           20      0.04
--   02-28  videos_added   -                            2      0
--   03-01  embedding      a2                        8000      0.0008
--   03-01  transcription  -      mux/whisper         5.5      0.033
--   03-01  chat           -                            5      0.01
--   03-02  storage        a1                        1500      0.015
--   03-02  storage        a2                        3000      0.03
--   03-02  embedding      a1                        2000      0.0002
--   03-02  videos_added   -                            1      0
--   03-03  transcription  a1     upload/whisper      100      0.60     (after the range)
-- and creator B on 02-28: chat 1000 messages 2.00, storage of b1 10^6 bytes 1.00.
SELECT count(chronos.record_usage(x.creator::uuid, x.day::date, x.kind, x.quantity, x.cost, x.video::uuid, x.source, x.method))
  FROM (VALUES
    (:a, '2025-02-26', 'chat',          100,   1.00,   NULL,  NULL,      NULL),
    (:a, '2025-02-26', 'storage',       500,   0.50,   :va1,  NULL,      NULL),
    (:a, '2025-02-27', 'storage',       1000,  0.01,   :va1,  NULL,      NULL),
    (:a, '2025-02-27', 'storage',       200,   0.002,  NULL,  NULL,      NULL),
    (:a, '2025-02-27', 'transcription', 10,    0.06,   :va1,  NULL,      'whisper'),
    (:a, '2025-02-27', 'embedding',     5000,  0.0005, :va1,  NULL,      NULL),
    (:a, '2025-02-28', 'storage',       1000,  0.01,   :va1,  NULL,      NULL),
    (:a, '2025-02-28', 'storage',       3000,  0.03,   :va2,  NULL,      NULL),
    (:a, '2025-02-28', 'transcription', 7,     0,      :va2,  NULL,      'captions'),
    (:a, '2025-02-28', 'chat',          20,    0.04,   NULL,  NULL,      NULL),
    (:a, '2025-02-28', 'videos_added',  2,     0,      NULL,  NULL,      NULL),
    (:a, '2025-03-01', 'embedding',     8000,  0.0008, :va2,  NULL,      NULL),
    (:a, '2025-03-01', 'transcription', 5.5,   0.033,  NULL,  'mux',     'whisper'),
    (:a, '2025-03-01', 'chat',          5,     0.01,   NULL,  NULL,      NULL),
    (:a, '2025-03-02', 'storage',       1500,  0.015,  :va1,  NULL,      NULL),
    (:a, '2025-03-02', 'storage',       3000,  0.03,   :va2,  NULL,      NULL),
    (:a, '2025-03-02', 'embedding',     2000,  0.0002, :va1,  NULL,      NULL),
    (:a, '2025-03-02', 'videos_added',  1,     0,      NULL,  NULL,      NULL),
    (:a, '2025-03-03', 'transcription', 100,   0.60,   :va1,  NULL,      'whisper'),
    (:b, '2025-02-28', 'chat',          1000,  2.00,   NULL,  NULL,      NULL),
    (:b, '2025-02-28', 'storage',       1e6,   1.00,   :vb1,  NULL,      NULL)
  ) AS x (creator, day, kind, quantity, cost, video, source, method) \gset

-- Sessions (student, video, local start in Tokyo, watch time): the range's
-- (video, student) pairs give each student's distinct videos.
--   s1: a1 twice, a2, a3            -> 3 videos
--   s2: a1                          -> 1
--   s3: a1, a2                      -> 2
--   s4: a1 .. a7                    -> 7 (bucket 6 to 10)
--   s5: a2, opened, played nothing  -> 1 (a session is a view)
--   s6: a1 on 02-26 and 03-03 only  -> not in the range
INSERT INTO chronos.video_watch_sessions (video_id, student_id, session_start, watch_time_seconds, percent_complete)
SELECT ('c3300000-0000-4000-8000-0000000000' || x.v)::uuid, ('c3200000-0000-4000-8000-0000000000' || x.s)::uuid,
       x.local_start::timestamp AT TIME ZONE 'Asia/Tokyo', x.watch, x.watch / 6
  FROM (VALUES
    ('a1', 'a1', '2025-02-27 00:00', 60), ('a1', 'a1', '2025-03-02 23:59', 60), ('a2', 'a1', '2025-02-28 12:00', 60),
    ('a3', 'a1', '2025-03-01 08:00', 60),
    ('a1', 'a2', '2025-02-28 09:00', 300),
    ('a1', 'a3', '2025-03-01 10:00', 120), ('a2', 'a3', '2025-03-01 11:00', 120),
    ('a1', 'a4', '2025-02-27 20:00', 30), ('a2', 'a4', '2025-02-27 20:10', 30), ('a3', 'a4', '2025-02-27 20:20', 30),
    ('a4', 'a4', '2025-02-27 20:30', 30), ('a5', 'a4', '2025-02-27 20:40', 30), ('a6', 'a4', '2025-02-27 20:50', 30),
    ('a7', 'a4', '2025-02-27 21:00', 30),
    ('a2', 'a5', '2025-03-02 07:00', 0),
    ('a1', 'a6', '2025-02-26 23:59', 60), ('a1', 'a6', '2025-03-03 00:00', 60)
  ) AS x (v, s, local_start, watch);

CREATE TEMP TABLE d AS SELECT chronos.creator_dashboard(:a, '2025-02-27', '2025-03-02') AS j;

SELECT is((SELECT j->'usage_totals' FROM d),
    '{"storage_bytes": 4500, "storage_cost": 0.097, "videos_added": 3, "transcription_minutes": 22.5,
      "transcription_cost": 0.093, "embedding_tokens": 15000, "embedding_cost": 0.0015, "chat_messages": 25,
      "chat_cost": 0.05, "total_cost": 0.2415}'::jsonb,
    'usage_totals: per kind over the range; storage_bytes is the last day''s (03-02: 1500 + 3000)');
SELECT is((SELECT j->'transcript_costs_by_source' FROM d),
    '[{"source": "upload", "minutes": 10, "cost": 0.06}, {"source": "mux", "minutes": 5.5, "cost": 0.033},
      {"source": "youtube", "minutes": 7, "cost": 0}]'::jsonb,
    'transcript_costs_by_source: the most expensive first; a2''s youtube source is the video''s');
SELECT is((SELECT j->'storage_usage' FROM d),
    '[{"date": "2025-02-27", "bytes": 1200, "cost": 0.012}, {"date": "2025-02-28", "bytes": 4000, "cost": 0.04},
      {"date": "2025-03-01", "bytes": null, "cost": 0}, {"date": "2025-03-02", "bytes": 4500, "cost": 0.045}]'::jsonb,
    'storage_usage: every day; bytes null where no storage was reported (03-01), not 0');
SELECT is((SELECT j->'monthly_spend' FROM d),
    '[{"month": "2025-02", "transcription": 0.06, "embedding": 0.0005, "storage": 0.052, "chat": 0.04, "total": 0.1525},
      {"month": "2025-03", "transcription": 0.033, "embedding": 0.001, "storage": 0.045, "chat": 0.01, "total": 0.089}]'::jsonb,
    'monthly_spend: February''s two days and March''s two, per kind and in all');
SELECT is((SELECT j->'video_costs' FROM d),
    '[{"video_id": "c3300000-0000-4000-8000-0000000000a1", "transcription_cost": 0.06, "embedding_cost": 0.0007,
       "storage_cost": 0.035, "cost": 0.0957},
      {"video_id": "c3300000-0000-4000-8000-0000000000a2", "transcription_cost": 0, "embedding_cost": 0.0008,
       "storage_cost": 0.06, "cost": 0.0608}]'::jsonb,
    'video_costs: transcription + embedding + storage per video, the most expensive first');
SELECT is((SELECT j->'videos_per_student' FROM d),
    '[{"min_videos": 1, "max_videos": 1, "students": 2}, {"min_videos": 2, "max_videos": 2, "students": 1},
      {"min_videos": 3, "max_videos": 3, "students": 1}, {"min_videos": 4, "max_videos": 4, "students": 0},
      {"min_videos": 5, "max_videos": 5, "students": 0}, {"min_videos": 6, "max_videos": 10, "students": 1},
      {"min_videos": 11, "max_videos": 20, "students": 0}, {"min_videos": 21, "max_videos": 50, "students": 0},
      {"min_videos": 51, "max_videos": null, "students": 0}]'::jsonb,
    'videos_per_student: s2 and s5 one video, s3 two, s1 three (a1 twice counts once), s4 seven; s6 outside');

-- The sums agree, to the last digit
SELECT is((SELECT sum((m->>'total')::numeric) FROM d, jsonb_array_elements(j->'monthly_spend') m),
    (SELECT (j->'usage_totals'->>'total_cost')::numeric FROM d), 'the months add up to total_cost');
SELECT is((SELECT sum((m->>'transcription')::numeric + (m->>'embedding')::numeric + (m->>'storage')::numeric
                      + (m->>'chat')::numeric - (m->>'total')::numeric)
             FROM d, jsonb_array_elements(j->'monthly_spend') m), 0::numeric, 'each month''s kinds add up to its total');
SELECT is((SELECT (t->>'storage_cost')::numeric + (t->>'transcription_cost')::numeric + (t->>'embedding_cost')::numeric
                  + (t->>'chat_cost')::numeric FROM d, LATERAL (SELECT j->'usage_totals') AS x (t)),
    0.2415, 'the kinds add up to total_cost');
SELECT is((SELECT sum((s->>'cost')::numeric) FROM d, jsonb_array_elements(j->'storage_usage') s),
    (SELECT (j->'usage_totals'->>'storage_cost')::numeric FROM d), 'the days'' storage costs add up to storage_cost');
SELECT is((SELECT sum((s->>'cost')::numeric) FROM d, jsonb_array_elements(j->'transcript_costs_by_source') s),
    (SELECT (j->'usage_totals'->>'transcription_cost')::numeric FROM d), 'the sources add up to transcription_cost');
SELECT is((SELECT sum((s->>'minutes')::numeric) FROM d, jsonb_array_elements(j->'transcript_costs_by_source') s),
    22.5, '... and their minutes to transcription_minutes');
SELECT is((SELECT count(*)::int FROM d, jsonb_array_elements(j->'video_costs') v
            WHERE (v->>'transcription_cost')::numeric + (v->>'embedding_cost')::numeric + (v->>'storage_cost')::numeric
                  <> (v->>'cost')::numeric), 0, 'each video''s cost is its transcription + embedding + storage');
SELECT is((SELECT sum((v->>'cost')::numeric) FROM d, jsonb_array_elements(j->'video_costs') v) + 0.002 + 0.033 + 0.05,
    (SELECT (j->'usage_totals'->>'total_cost')::numeric FROM d),
    'the videos'' costs plus what no video carries (storage 0.002, mux transcription 0.033, chat 0.05) make total_cost');
SELECT is((SELECT sum((b->>'students')::int)::int FROM d, jsonb_array_elements(j->'videos_per_student') b),
    (SELECT (j->'totals'->>'unique_viewers')::int FROM d), 'the histogram''s students are the unique viewers');
SELECT is((SELECT (j->'totals'->>'unique_viewers')::int FROM d), 5, '... five of them');

-- The range's edges, another creator, who may read it
SELECT is(chronos.creator_dashboard(:a, '2025-03-03', '2025-03-03')->'usage_totals'->'transcription_cost', '0.60'::jsonb,
    'the day after: its transcription only');
SELECT is(chronos.creator_dashboard(:a, '2025-02-26', '2025-03-03')->'usage_totals'->'total_cost', '2.3415'::jsonb,
    'the range widened by a day each way: 0.2415 + 1.00 + 0.50 + 0.60');
SELECT is((SELECT jsonb_build_array(x->'usage_totals'->'total_cost', x->'usage_totals'->'storage_bytes', x->'video_costs')
             FROM chronos.creator_dashboard(:b, '2025-02-27', '2025-03-02') AS x),
    '[3.00, 1000000, [{"video_id": "c3300000-0000-4000-8000-0000000000b1", "transcription_cost": 0, "embedding_cost": 0,
      "storage_cost": 1.00, "cost": 1.00}]]'::jsonb, 'creator B sees only its own usage');
SELECT is((SELECT j->'monthly_spend' FROM (SELECT chronos.creator_dashboard(:a, '2024-12-31', '2025-01-01') AS j) x),
    '[{"month": "2024-12", "transcription": 0, "embedding": 0, "storage": 0, "chat": 0, "total": 0},
      {"month": "2025-01", "transcription": 0, "embedding": 0, "storage": 0, "chat": 0, "total": 0}]'::jsonb,
    'every month the range touches is there, across a year''s end, zero-filled');

CREATE ROLE chronos_usage_dash_caller NOLOGIN;
\ir ../fixtures/call_as.sql
SELECT is(pg_temp.call_as('chronos_usage_dash_caller', 'request.jwt.claims', '{"sub": "usage_dash_a", "role": "authenticated"}',
                          $$chronos.creator_dashboard('c3100000-0000-4000-8000-00000000000a', '2025-02-27', '2025-03-02')$$)
          - 'rollups_updated_at',
    (SELECT j - 'rollups_updated_at' FROM d), 'the creator reads the same document as the service');
SELECT is(pg_temp.call_as('chronos_usage_dash_caller', 'request.jwt.claims', '{"sub": "usage_dash_b", "role": "authenticated"}',
                          $$chronos.creator_dashboard('c3100000-0000-4000-8000-00000000000a', '2025-02-27', '2025-03-02')$$)->>'error',
    '42501', 'another creator may not');
SELECT is(pg_temp.call_as('chronos_usage_dash_caller', 'chronos.student_id', 'c3200000-0000-4000-8000-0000000000a1',
                          $$chronos.creator_dashboard('c3100000-0000-4000-8000-00000000000a', '2025-02-27', '2025-03-02')$$)->>'error',
    '42501', 'nor a student of the creator');

-- a database still at 1.0 has no usage_metrics (here: renamed for a moment):
-- the usage keys are null, the histogram is there
ALTER TABLE chronos.usage_metrics RENAME TO usage_metrics_hidden;
SELECT is((SELECT jsonb_build_array(j->'usage_totals', j->'transcript_costs_by_source', j->'storage_usage',
                                    j->'monthly_spend', j->'video_costs', j->'videos_per_student'->5->'students',
                                    j ? 'usage_totals')
             FROM (SELECT chronos.creator_dashboard(:a, '2025-02-27', '2025-03-02') AS j) x),
    '[null, null, null, null, null, 1, true]'::jsonb, 'without usage_metrics (1.0): the usage keys are null, videos_per_student is there');
ALTER TABLE chronos.usage_metrics_hidden RENAME TO usage_metrics;

-- a correction shows at once (no rollup in between)
SELECT lives_ok($$SELECT chronos.record_usage('c3100000-0000-4000-8000-00000000000a', '2025-02-28', 'chat', 20, 0.05, p_replace => true)$$,
    'the chat of 02-28 corrected to 0.05');
SELECT is(chronos.creator_dashboard(:a, '2025-02-27', '2025-03-02')->'usage_totals'->'total_cost', '0.2515'::jsonb,
    'total_cost follows: 0.2415 + 0.01');

SELECT * FROM finish();
ROLLBACK;
