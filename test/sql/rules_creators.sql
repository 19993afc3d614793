--
-- Row rules of creators and students.
--
-- Every refused row names the rule it broke: check constraints
-- (check_violation), unique constraints (unique_violation), foreign keys
-- (foreign_key_violation).  Ids are fixed and used by this file only
-- (prefix f1); everything is deleted again at the end.
--
\set VERBOSITY terse
-- creators: the smallest valid row, and the defaults it gets
INSERT INTO chronos.creators (id, whop_company_id, whop_user_id)
VALUES ('f1100000-0000-4000-8000-000000000001', 'rules_creators_co_1', 'rules_creators_user_1');
SELECT subscription_tier, settings, timezone, is_active, metadata, email IS NULL AS no_email
  FROM chronos.creators WHERE id = 'f1100000-0000-4000-8000-000000000001';
-- whop_company_id is unique
INSERT INTO chronos.creators (id, whop_company_id, whop_user_id)
VALUES ('f1100000-0000-4000-8000-000000000002', 'rules_creators_co_1', 'rules_creators_user_2');
-- one Whop user may own several companies
INSERT INTO chronos.creators (id, whop_company_id, whop_user_id, subscription_tier, timezone)
VALUES ('f1100000-0000-4000-8000-000000000002', 'rules_creators_co_2', 'rules_creators_user_1', 'pro', 'Europe/Paris');
-- whop_company_id and whop_user_id are required
INSERT INTO chronos.creators (id, whop_company_id, whop_user_id)
VALUES ('f1100000-0000-4000-8000-000000000003', NULL, 'rules_creators_user_3');
INSERT INTO chronos.creators (id, whop_company_id, whop_user_id)
VALUES ('f1100000-0000-4000-8000-000000000003', 'rules_creators_co_3', NULL);
-- subscription_tier: basic, pro or enterprise
INSERT INTO chronos.creators (id, whop_company_id, whop_user_id, subscription_tier)
VALUES ('f1100000-0000-4000-8000-000000000003', 'rules_creators_co_3', 'rules_creators_user_3', 'gold');
INSERT INTO chronos.creators (id, whop_company_id, whop_user_id, subscription_tier)
VALUES ('f1100000-0000-4000-8000-000000000003', 'rules_creators_co_3', 'rules_creators_user_3', 'Pro');
UPDATE chronos.creators SET subscription_tier = 'enterprise'
 WHERE id = 'f1100000-0000-4000-8000-000000000002';
UPDATE chronos.creators SET subscription_tier = NULL
 WHERE id = 'f1100000-0000-4000-8000-000000000002';
-- timezone: required, and a zone PostgreSQL knows
INSERT INTO chronos.creators (id, whop_company_id, whop_user_id, timezone)
VALUES ('f1100000-0000-4000-8000-000000000003', 'rules_creators_co_3', 'rules_creators_user_3', 'Mars/Olympus_Mons');
INSERT INTO chronos.creators (id, whop_company_id, whop_user_id, timezone)
VALUES ('f1100000-0000-4000-8000-000000000003', 'rules_creators_co_3', 'rules_creators_user_3', '');
INSERT INTO chronos.creators (id, whop_company_id, whop_user_id, timezone)
VALUES ('f1100000-0000-4000-8000-000000000003', 'rules_creators_co_3', 'rules_creators_user_3', 'Europe/Paris ');
INSERT INTO chronos.creators (id, whop_company_id, whop_user_id, timezone)
VALUES ('f1100000-0000-4000-8000-000000000003', 'rules_creators_co_3', 'rules_creators_user_3', NULL);
UPDATE chronos.creators SET timezone = 'Not/A_Zone'
 WHERE id = 'f1100000-0000-4000-8000-000000000001';
UPDATE chronos.creators SET timezone = 'America/New_York'
 WHERE id = 'f1100000-0000-4000-8000-000000000001';
SELECT id, subscription_tier, timezone FROM chronos.creators
 WHERE id IN ('f1100000-0000-4000-8000-000000000001', 'f1100000-0000-4000-8000-000000000002')
 ORDER BY id;
-- settings and metadata: JSON objects, never arrays, scalars or JSON null
INSERT INTO chronos.creators (id, whop_company_id, whop_user_id, settings)
VALUES ('f1100000-0000-4000-8000-000000000003', 'rules_creators_co_3', 'rules_creators_user_3', '[]');
INSERT INTO chronos.creators (id, whop_company_id, whop_user_id, settings)
VALUES ('f1100000-0000-4000-8000-000000000003', 'rules_creators_co_3', 'rules_creators_user_3', 'null');
INSERT INTO chronos.creators (id, whop_company_id, whop_user_id, settings)
VALUES ('f1100000-0000-4000-8000-000000000003', 'rules_creators_co_3', 'rules_creators_user_3', NULL);
INSERT INTO chronos.creators (id, whop_company_id, whop_user_id, metadata)
VALUES ('f1100000-0000-4000-8000-000000000003', 'rules_creators_co_3', 'rules_creators_user_3', '"text"');
INSERT INTO chronos.creators (id, whop_company_id, whop_user_id, metadata)
VALUES ('f1100000-0000-4000-8000-000000000003', 'rules_creators_co_3', 'rules_creators_user_3', '[{"a": 1}]');
UPDATE chronos.creators SET metadata = '42'
 WHERE id = 'f1100000-0000-4000-8000-000000000001';
UPDATE chronos.creators SET settings = '{"theme": "dark"}', metadata = '{"source": "rules"}'
 WHERE id = 'f1100000-0000-4000-8000-000000000001';
-- none of the refused rows was written
SELECT count(*) FROM chronos.creators WHERE whop_company_id LIKE 'rules_creators_%';
-- students: one learner of one creator
INSERT INTO chronos.students (id, creator_id, whop_user_id)
VALUES ('f1200000-0000-4000-8000-000000000001', 'f1100000-0000-4000-8000-000000000001', 'rules_student_1');
SELECT preferences, is_active, metadata FROM chronos.students
 WHERE id = 'f1200000-0000-4000-8000-000000000001';
-- the same Whop user may learn from another creator ...
INSERT INTO chronos.students (id, creator_id, whop_user_id)
VALUES ('f1200000-0000-4000-8000-000000000002', 'f1100000-0000-4000-8000-000000000002', 'rules_student_1');
-- ... but is only one student of each creator
INSERT INTO chronos.students (id, creator_id, whop_user_id)
VALUES ('f1200000-0000-4000-8000-000000000003', 'f1100000-0000-4000-8000-000000000001', 'rules_student_1');
UPDATE chronos.students SET creator_id = 'f1100000-0000-4000-8000-000000000001'
 WHERE id = 'f1200000-0000-4000-8000-000000000002';
-- a student belongs to an existing creator
INSERT INTO chronos.students (id, creator_id, whop_user_id)
VALUES ('f1200000-0000-4000-8000-000000000003', 'f1100000-0000-4000-8000-0000000000ff', 'rules_student_3');
INSERT INTO chronos.students (id, creator_id, whop_user_id)
VALUES ('f1200000-0000-4000-8000-000000000003', NULL, 'rules_student_3');
INSERT INTO chronos.students (id, creator_id, whop_user_id)
VALUES ('f1200000-0000-4000-8000-000000000003', 'f1100000-0000-4000-8000-000000000001', NULL);
-- preferences and metadata: JSON objects
INSERT INTO chronos.students (id, creator_id, whop_user_id, preferences)
VALUES ('f1200000-0000-4000-8000-000000000003', 'f1100000-0000-4000-8000-000000000001', 'rules_student_3', '["fr"]');
INSERT INTO chronos.students (id, creator_id, whop_user_id, metadata)
VALUES ('f1200000-0000-4000-8000-000000000003', 'f1100000-0000-4000-8000-000000000001', 'rules_student_3', 'true');
SELECT s.id, c.whop_company_id, s.whop_user_id
  FROM chronos.students s JOIN chronos.creators c ON c.id = s.creator_id
 WHERE s.whop_user_id LIKE 'rules_student_%' ORDER BY s.id;
-- clean up: deleting the creators deletes their students
DELETE FROM chronos.creators WHERE whop_company_id LIKE 'rules_creators_%';
SELECT count(*) FROM chronos.students WHERE whop_user_id LIKE 'rules_student_%';
