-- Removes every object of 20261207_100000_rota_plans.sql. Of several active turn runs on
-- one date, the latest stays active (the per-date rule is back).
DROP INDEX idx_assignments_one_active_per_domain_turn;
DROP INDEX idx_assignments_one_active_per_domain_date;
UPDATE assignments AS a
   SET status = 'completed'
  FROM (
        SELECT id, row_number() OVER (
                   PARTITION BY domain_id, assignment_date
                   ORDER BY created_at DESC, id DESC) AS n
          FROM assignments
         WHERE status = 'active'
       ) AS ranked
 WHERE a.id = ranked.id AND ranked.n > 1;
CREATE UNIQUE INDEX idx_assignments_one_active_per_domain_date
    ON assignments(domain_id, assignment_date) WHERE status = 'active';
DROP INDEX idx_assignments_plan_id;
ALTER TABLE assignments
    DROP CONSTRAINT check_assignment_turn,
    DROP COLUMN plan_id,
    DROP COLUMN turn_local_start,
    DROP COLUMN turn_end,
    DROP COLUMN turn_start;
DROP TABLE rota_plan_places;
DROP TABLE rota_plans;
