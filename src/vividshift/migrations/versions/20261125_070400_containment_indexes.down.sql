DROP INDEX IF EXISTS idx_participants_skills_path_gin;
DROP INDEX IF EXISTS idx_participants_availability_path_gin;
