-- "My turns" lists, for each of the caller's places, the others on the same task of the
-- same run: an exact probe here instead of a walk over every detail of the run.
CREATE INDEX idx_assignment_details_assignment_target
    ON assignment_details (assignment_id, target_id);
