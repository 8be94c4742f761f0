-- Onboarding: when each member was shown the course's welcome (on their first command there, once),
-- and the course a member picked for DMs (the one enrollment of theirs with dm_picked_at set;
-- visiting another server changes nothing).

ALTER TABLE enrollments ADD COLUMN welcomed_at TIMESTAMPTZ;
ALTER TABLE enrollments ADD COLUMN dm_picked_at TIMESTAMPTZ;
CREATE INDEX enrollments_user_dm_picked ON enrollments (user_id, dm_picked_at);
