-- Removes every object of 20261208_160000_my_turns_index.sql.
DROP INDEX idx_assignment_details_assignment_target;
