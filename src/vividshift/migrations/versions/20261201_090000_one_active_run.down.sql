-- Removes the index of 20261201_090000_one_active_run.sql (settled runs stay completed).
DROP INDEX idx_assignments_one_active_per_domain_date;
