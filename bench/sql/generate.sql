-- bench/sql/generate.sql: the data set, with set-based INSERT ... SELECT.
-- psql variables: nc creators, nv videos, ns students, nsess sessions,
-- nev events (written in chunks of 1,000,000).  Layout: bench/sql/schema.sql.
--
-- Run as superuser with session_replication_role = replica: the foreign-key
-- and user triggers do not fire (the rows are consistent by construction,
-- and checking 10 million references one by one would take most of the
-- time), so the generator sets completed and completed_at itself.  CHECK
-- constraints and indexes are maintained as usual.

\set ON_ERROR_STOP 1
SET session_replication_role = replica;
SET synchronous_commit = off;

\warn creators, students, videos, courses, modules
INSERT INTO chronos.creators (id, whop_company_id, whop_user_id, email, name, subscription_tier, timezone)
SELECT bench.creator(n), 'biz_' || n, 'user_c' || n, 'creator' || n || '@example.com',
       'Creator ' || n, (ARRAY['basic', 'pro', 'enterprise'])[1 + n % 3],
       (ARRAY['UTC', 'America/New_York', 'Europe/Paris', 'Asia/Tokyo'])[1 + n % 4]
FROM generate_series(1, :nc) n;

INSERT INTO chronos.students (id, creator_id, whop_user_id, whop_membership_id, email, name, last_active_at)
SELECT bench.student(n), bench.creator(bench.student_creator(n, :ns, :nc)),
       'user_s' || n, 'mem_' || n, 'student' || n || '@example.com', 'Student ' || n,
       now() - (n % 30) * interval '1 day'
FROM generate_series(1, :ns) n;

INSERT INTO chronos.videos (id, creator_id, title, description, url, thumbnail_url, duration_seconds,
                            status, source_type, youtube_video_id, youtube_channel_id)
SELECT bench.video(n), bench.creator(bench.video_creator(n, :nv, :nc)),
       'Video ' || n, 'Lesson video number ' || n,
       'https://www.youtube.com/watch?v=yt' || lpad(n::text, 9, '0'),
       'https://i.ytimg.com/vi/yt' || lpad(n::text, 9, '0') || '/hqdefault.jpg',
       300 + n % 3300, 'completed', 'youtube', 'yt' || lpad(n::text, 9, '0'), 'channel_' || (n % 97)
FROM generate_series(1, :nv) n;

INSERT INTO chronos.courses (id, creator_id, title, is_published, published_at, display_order)
SELECT bench.course(k), bench.creator(bench.course_creator(k, :nv)), 'Course ' || k, true, now() - interval '100 days', k
FROM generate_series(1, bench.ncourses_big(:nv) + :nc - 1) k;

INSERT INTO chronos.course_modules (id, course_id, creator_id, title, display_order)
SELECT bench.module(k), bench.course(k), bench.creator(bench.course_creator(k, :nv)), 'Module ' || k, 1
FROM generate_series(1, bench.ncourses_big(:nv) + :nc - 1) k;

-- Session m is of video 1 + (m - 1) % nv, in round r = (m - 1) / nv, by the
-- ((r / 2) mod students-of-creator)-th student of the video's creator: each
-- (student, video) pair that has sessions has two (rounds 2i and 2i+1).
-- About 2 % are still open (session_end NULL).
\warn sessions
INSERT INTO chronos.video_watch_sessions
    (id, video_id, student_id, creator_id, course_id, module_id, session_start, session_end,
     last_heartbeat_at, watch_time_seconds, percent_complete, completed, completed_at,
     last_position_seconds, device_type, referrer_type, metadata, created_at, updated_at)
SELECT bench.session(m), bench.video(v), bench.student(bench.student_of(c, (r / 2) % bench.students_of(c, :ns, :nc), :ns, :nc)),
       bench.creator(c), bench.course(k), bench.module(k),
       st, CASE WHEN h % 50 = 0 THEN NULL ELSE st + (w + h % 600) * interval '1 second' END,
       st + w * interval '1 second', w, pct, pct >= 90,
       CASE WHEN pct >= 90 THEN st + w * interval '1 second' END,
       w, (ARRAY['desktop', 'mobile', 'tablet'])[1 + h % 3],
       (ARRAY['course_page', 'direct_link', 'search', 'chat_reference'])[1 + h % 4],
       CASE WHEN h % 4 = 0 THEN '{"playback_speed": 1.5}'::jsonb ELSE '{}'::jsonb END,
       st, st + w * interval '1 second'
FROM generate_series(1, :nsess) m,
     LATERAL (SELECT 1 + (m - 1) % :nv AS v, (m - 1) / :nv AS r, bench.h(m, 7) AS h) a,
     LATERAL (SELECT bench.video_creator(a.v, :nv, :nc) AS c, bench.video_course(a.v, :nv, :nc) AS k,
                     now() - (a.h % 7776000) * interval '1 second' AS st,
                     (a.h / 7) % 3600 AS w, (a.h / 11) % 101 AS pct) b;

-- Event e: a uniformly drawn video (so creator 1 gets a tenth), one of its
-- creator's students, a player event type (progress most often), half of
-- them with the video's course and module, a time in the last 90 days.
-- Events are written in the order they arrive: event e happened e/nev of
-- the way through the 90 days, give or take ten minutes (players' clocks
-- and batching), so the indexes grow as under live ingestion.
\warn events
-- The partitions of the 90 days of events, made before they are loaded, so
-- that the indexes grow as they do under live ingestion (rows loaded into
-- the default partition and moved would get freshly built, denser indexes):
-- one seed event per month goes to the default partition, maintenance moves
-- each into a new partition of its month, and the seeds are deleted.
INSERT INTO chronos.video_analytics_events (event_type, video_id, creator_id, "timestamp")
SELECT 'video_imported', bench.video(1), bench.creator(bench.video_creator(1, :nv, :nc)), m
FROM generate_series(now() - interval '91 days', now(), interval '1 month') m;
SELECT chronos.maintain_event_partitions();
DELETE FROM chronos.video_analytics_events WHERE event_type = 'video_imported';
SELECT format($sql$
INSERT INTO chronos.video_analytics_events
    (id, event_type, video_id, creator_id, student_id, course_id, module_id, metadata, "timestamp", created_at)
SELECT gen_random_uuid(), t.et::chronos.video_event_type, bench.video(a.v), bench.creator(b.c),
       bench.student(bench.student_of(b.c, (a.h / 3) %% bench.students_of(b.c, %2$s, %3$s), %2$s, %3$s)),
       CASE WHEN e %% 2 = 0 THEN bench.course(b.k) END, CASE WHEN e %% 2 = 0 THEN bench.module(b.k) END,
       CASE WHEN t.et = 'video_progress'
            THEN jsonb_build_object('percent_complete', (a.h / 5) %% 101, 'watch_time_seconds', (a.h / 13) %% 3600)
            ELSE '{}'::jsonb END,
       b.ts, b.ts
FROM generate_series(%4$s, %5$s) e,
     LATERAL (SELECT 1 + bench.h(e, 1) %% %1$s AS v, bench.h(e, 2) AS h) a,
     LATERAL (SELECT bench.video_creator(a.v, %1$s, %3$s) AS c, bench.video_course(a.v, %1$s, %3$s) AS k,
                     now() - interval '90 days' + (e::float8 / %6$s) * interval '90 days'
                         - (a.h %% 600) * interval '1 second' AS ts,
                     (ARRAY['video_progress', 'video_progress', 'video_progress', 'video_progress',
                            'video_progress', 'video_progress', 'video_progress', 'video_progress',
                            'video_progress', 'video_progress', 'video_started', 'video_started',
                            'video_paused', 'video_paused', 'video_resumed', 'video_resumed',
                            'video_completed', 'video_seeked', 'video_rewatched',
                            'playback_speed_changed'])[1 + (a.h / 17) %% 20] AS et) b,
     LATERAL (SELECT b.et) t(et)
$sql$, :nv, :ns, :nc, lo, least(lo + 999999, :nev), :nev)
FROM generate_series(1, :nev, 1000000) lo
\gexec

RESET session_replication_role;
