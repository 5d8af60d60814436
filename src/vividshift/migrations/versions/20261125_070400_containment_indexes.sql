-- Containment (@>) indexes for the participant filters of SCHEMA.md's query patterns.
-- The schema's GIN indexes use jsonb_ops, which indexes every key and value on its own:
-- for '{"monday": {"9:00": "available"}}' it must intersect the postings of "monday",
-- "9:00" and "available", which nearly every row has, so the planner rightly scans the
-- table instead. jsonb_path_ops indexes whole paths (monday.9:00 = available) and makes
-- @> on availability and skills selective. jsonb_ops stays for key tests (skills ? 'x').
CREATE INDEX idx_participants_availability_path_gin
    ON participants USING gin(availability jsonb_path_ops);
CREATE INDEX idx_participants_skills_path_gin
    ON participants USING gin(skills jsonb_path_ops);
