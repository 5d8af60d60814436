-- Removes every object of 20261207_110000_place_outcomes.sql.
DROP TABLE place_request_events;
DROP TABLE place_requests;
DROP INDEX idx_assignment_details_closed;
DROP INDEX idx_assignment_details_open;
DROP INDEX idx_assignment_details_outcome_by;
ALTER TABLE assignment_details
    DROP CONSTRAINT check_assignment_details_outcome_at,
    DROP CONSTRAINT check_assignment_details_outcome,
    DROP COLUMN outcome_by,
    DROP COLUMN outcome_at,
    DROP COLUMN outcome;
