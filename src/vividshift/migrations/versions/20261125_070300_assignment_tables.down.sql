DROP TABLE IF EXISTS assignment_deletions;
DROP TABLE IF EXISTS assignment_history;
DROP TABLE IF EXISTS assignment_details;
DROP TABLE IF EXISTS assignments;
DROP FUNCTION IF EXISTS track_assignment_changes();
DROP FUNCTION IF EXISTS app_current_user_id();
