-- People with several roles, seen through the policies: a Whop user who owns
-- two companies and learns from a third creator, and a student of two
-- creators.  Identities given by sub, the way PostgREST passes them, then
-- narrowed by student_id / chronos.student_id.
\set A   '''00000000-0000-0000-0000-00000000000a'''
\set A2  '''00000000-0000-0000-0000-00000000000c'''
\set B   '''00000000-0000-0000-0000-00000000000b'''
\set C   '''00000000-0000-0000-0000-00000000000d'''
\set samA   '''00000000-0000-0000-0001-0000000000a1'''
\set samB   '''00000000-0000-0000-0001-0000000000b1'''
\set aliceB '''00000000-0000-0000-0001-0000000000b2'''
\set tessB  '''00000000-0000-0000-0001-0000000000b3'''
\set vA  '''00000000-0000-0000-0002-0000000000a1'''
\set vA2 '''00000000-0000-0000-0002-0000000000c1'''
\set vB  '''00000000-0000-0000-0002-0000000000b1'''
\set vC  '''00000000-0000-0000-0002-0000000000d1'''
BEGIN;
SELECT plan(35);

CREATE ROLE chronos_people_tester NOLOGIN;
GRANT ALL ON ALL TABLES IN SCHEMA pg_temp TO chronos_people_tester;
GRANT ALL ON ALL SEQUENCES IN SCHEMA pg_temp TO chronos_people_tester;

-- Alice owns companies A and A2 and learns from B.  Sam learns from A and B.
-- Bob owns B, where Tess learns too.  Carol owns C, with whom nobody here
-- has anything to do.
-- Keys: A is a, A2 c, B b, C d; a student's, video's or course's first
-- character is its creator.  Each row is labelled in metadata.
\set ids '00000000-0000-0000-000%s-%s'
\set kinds 012346
\set video_source youtube
\set creators 'a=user_alice c=user_alice b=user_bob d=user_carol'
\set creators_with '{"a": {"metadata": {"label": "A"}}, "c": {"metadata": {"label": "A2"}}, "b": {"metadata": {"label": "B"}}, "d": {"metadata": {"label": "C"}}}'
\set students 'a1=user_sam b1=user_sam b2=user_alice b3=user_tess'
\set students_with '{"a1": {"metadata": {"label": "samA"}}, "b1": {"metadata": {"label": "samB"}}, "b2": {"metadata": {"label": "aliceB"}}, "b3": {"metadata": {"label": "tessB"}}}'
\set videos 'a1 c1 b1 d1'
\set videos_with '{"a1": {"metadata": {"label": "vA"}}, "c1": {"metadata": {"label": "vA2"}}, "b1": {"metadata": {"label": "vB"}}, "d1": {"metadata": {"label": "vC"}}}'
\set courses 'a1 c1 b1 b2 d1'
\set courses_with '{"*": {"is_published": true}, "a1": {"metadata": {"label": "cA"}}, "c1": {"is_published": false, "metadata": {"label": "cA2d"}}, "b1": {"metadata": {"label": "cB"}}, "b2": {"is_published": false, "metadata": {"label": "cBd"}}, "d1": {"metadata": {"label": "cC"}}}'
\set modules 'b1 b2 d1'
\set modules_with '{"b1": {"metadata": {"label": "mB"}}, "b2": {"metadata": {"label": "mBd"}}, "d1": {"metadata": {"label": "mC"}}}'
\set sessions 'a1=a1/a1 b1=b1/b1 b2=b1/b2 b3=b1/b3'
\set sessions_with '{"a1": {"metadata": {"label": "wSamA"}}, "b1": {"metadata": {"label": "wSamB"}}, "b2": {"metadata": {"label": "wAliceB"}}, "b3": {"metadata": {"label": "wTessB"}}}'
\ir ../fixtures/people.sql
\ir ../fixtures/catalog.sql
\ir ../fixtures/sessions.sql
INSERT INTO chronos.module_lessons (module_id, video_id, lesson_order, metadata) VALUES
  ('00000000-0000-0000-0004-0000000000b1', :vB, 1, '{"label": "lB"}'),
  ('00000000-0000-0000-0004-0000000000b2', :vB, 1, '{"label": "lBd"}'),
  ('00000000-0000-0000-0004-0000000000d1', :vC, 1, '{"label": "lC"}');
INSERT INTO chronos.video_analytics_events (event_type, video_id, creator_id, student_id, metadata) VALUES
  ('video_started', :vA, :A, :samA, '{"label": "eSamA"}'), ('video_started', :vB, :B, :samB, '{"label": "eSamB"}'),
  ('video_started', :vB, :B, :aliceB, '{"label": "eAliceB"}'), ('video_started', :vB, :B, :tessB, '{"label": "eTessB"}'),
  ('video_imported', :vA2, :A2, NULL, '{"label": "eA2"}');
INSERT INTO chronos.video_analytics (video_id, creator_id, "date", metadata) VALUES
  (:vA, :A, '2024-01-01', '{"label": "rA"}'), (:vA2, :A2, '2024-01-01', '{"label": "rA2"}'),
  (:vB, :B, '2024-01-01', '{"label": "rB"}');

-- The labels of the rows of a table the current role sees.
CREATE FUNCTION pg_temp.seen(p_table text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  labels text;
BEGIN
  EXECUTE format('SELECT coalesce(array_agg(metadata->>''label'' ORDER BY metadata->>''label'' COLLATE "C"), ''{}'')::text FROM chronos.%I', p_table)
    INTO labels;
  RETURN labels;
END $$;
-- How many rows of a table an UPDATE by the current role reaches.
CREATE FUNCTION pg_temp.touched(p_table text, p_label text) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
  n bigint;
BEGIN
  EXECUTE format('UPDATE chronos.%I SET metadata = metadata || ''{"touched": true}'' WHERE metadata->>''label'' = %L',
                 p_table, p_label);
  GET DIAGNOSTICS n = ROW_COUNT;
  RETURN n;
END $$;

SET LOCAL ROLE chronos_people_tester;

-- Alice: creator of A and A2, student of B.
SELECT set_config('request.jwt.claims', '{"sub": "user_alice", "role": "authenticated"}', true);
SELECT is(pg_temp.seen('creators'), '{A,A2}', 'Alice sees both her companies');
SELECT is(pg_temp.seen('students'), '{aliceB,samA}', 'Alice sees the students of her companies and her own student row');
SELECT is(pg_temp.seen('videos'), '{vA,vA2,vB}', 'Alice sees her videos and those of B, whose student she is');
SELECT is(pg_temp.seen('courses'), '{cA,cA2d,cB}', 'Alice sees all her courses, drafts included, and B''s published course');
SELECT is(pg_temp.seen('course_modules'), '{mB}', 'Alice sees the modules of B''s published course only');
SELECT is(pg_temp.seen('module_lessons'), '{lB}', 'Alice sees the lessons of B''s published course only');
SELECT is(pg_temp.seen('video_watch_sessions'), '{wAliceB,wSamA}',
          'Alice sees the sessions on her videos and her own sessions at B, not B''s other students''');
SELECT is(pg_temp.seen('video_analytics_events'), '{eA2,eAliceB,eSamA}',
          'Alice sees the events of her videos and her own events at B');
SELECT is(pg_temp.seen('video_analytics'), '{rA,rA2}', 'Alice sees the rollups of both her companies, not of B');
SELECT is(pg_temp.touched('videos', 'vA2'), 1::bigint, 'Alice manages the videos of her second company');
SELECT is(pg_temp.touched('videos', 'vB'), 0::bigint, '... but not those of B, where she only learns');
SELECT is(pg_temp.touched('courses', 'cB'), 0::bigint, '... nor B''s courses');
SELECT is(pg_temp.touched('creators', 'A2'), 1::bigint, 'Alice updates the row of either of her companies');
SELECT throws_ok(format($$INSERT INTO chronos.videos (creator_id, title, source_type, youtube_video_id) VALUES (%L, 'x', 'youtube', 'yt_x')$$, :B),
                 '42501', NULL, 'Alice cannot add a video to B');

-- Sam: student of A and of B.
SELECT set_config('request.jwt.claims', '{"sub": "user_sam", "role": "authenticated"}', true);
SELECT is(pg_temp.seen('creators'), '{}', 'Sam, a student only, sees no creator row');
SELECT is(pg_temp.seen('students'), '{samA,samB}', 'Sam sees both his student rows, not the other students');
SELECT is(pg_temp.seen('videos'), '{vA,vB}', 'Sam sees the videos of both his creators, not A2''s or C''s');
SELECT is(pg_temp.seen('courses'), '{cA,cB}', 'Sam sees the published courses of both his creators');
SELECT is(pg_temp.seen('course_modules'), '{mB}', 'Sam sees the modules of published courses only');
SELECT is(pg_temp.seen('module_lessons'), '{lB}', 'Sam sees the lessons of published courses only');
SELECT is(pg_temp.seen('video_watch_sessions'), '{wSamA,wSamB}', 'Sam sees his sessions with both creators, and no one else''s');
SELECT is(pg_temp.seen('video_analytics_events'), '{eSamA,eSamB}', 'Sam sees his own events with both creators');
SELECT is(pg_temp.seen('video_analytics'), '{}', 'Sam sees no rollup');
SELECT is(pg_temp.touched('video_watch_sessions', 'wSamB'), 0::bigint, 'Sam cannot write his own session row');
SELECT throws_ok(format($$INSERT INTO chronos.video_watch_sessions (video_id, student_id, creator_id, percent_complete) VALUES (%L, %L, %L, 100)$$, :vA, :samA, :A),
                 '42501', NULL, 'Sam cannot insert a completed session for himself');

-- Sam, narrowed to one of his student rows.
SELECT set_config('request.jwt.claims', format('{"sub": "user_sam", "student_id": "%s"}', :samB), true);
SELECT is(pg_temp.seen('students'), '{samB}', 'with a student_id claim Sam is that student row only');
SELECT is(pg_temp.seen('videos'), '{vB}', '... and sees that creator''s videos only');
SELECT is(pg_temp.seen('video_watch_sessions'), '{wSamB}', '... and his sessions with that creator only');
SELECT set_config('request.jwt.claims', '', true), set_config('chronos.student_id', :samA, true);
SELECT is(pg_temp.seen('videos'), '{vA}', 'chronos.student_id narrows Sam to creator A''s videos');
SELECT is(pg_temp.seen('courses'), '{cA}', '... and A''s published course');
SELECT set_config('chronos.student_id', '', true);

-- Alice narrowed to one company by a creator_id claim, still a student of B.
SELECT set_config('request.jwt.claims', format('{"sub": "user_alice", "creator_id": "%s"}', :A2), true);
SELECT is(pg_temp.seen('creators'), '{A2}', 'with a creator_id claim Alice acts for that company only');
SELECT is(pg_temp.seen('videos'), '{vA2,vB}', '... seeing its videos and, as B''s student, B''s');
SELECT is(pg_temp.touched('videos', 'vA'), 0::bigint, '... and no longer managing the other company''s videos');

-- Carol: a creator of her own, unrelated to anyone above.
SELECT set_config('request.jwt.claims', '{"sub": "user_carol"}', true);
SELECT is(pg_temp.seen('videos'), '{vC}', 'Carol sees her own video only');
SELECT is(pg_temp.seen('students'), '{}', 'Carol has no students and sees none of the others''');

RESET ROLE;
SELECT * FROM finish();
ROLLBACK;
