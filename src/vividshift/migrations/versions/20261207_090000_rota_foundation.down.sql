-- Removes every object of 20261207_090000_rota_foundation.sql.
ALTER TABLE assignment_details DROP COLUMN rota_participant_id, DROP COLUMN pinned;
ALTER TABLE assignment_targets DROP COLUMN effort;
DROP TABLE participant_absences;
