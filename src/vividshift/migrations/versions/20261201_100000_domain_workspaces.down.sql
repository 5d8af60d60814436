-- Removes every object of 20261201_100000_domain_workspaces.sql. The rows stay; runs keep
-- the domain named in their configuration, as before. The 'default' domain stays.
DROP TABLE domain_invitations;
DROP TABLE domain_members;
DROP INDEX idx_assignments_one_active_per_domain_date;
ALTER TABLE assignments DROP COLUMN domain_id;
UPDATE assignments AS a
   SET status = 'completed'
  FROM (
        SELECT id, row_number() OVER (
                   PARTITION BY COALESCE(configuration->>'domain', ''), assignment_date
                   ORDER BY created_at DESC, id DESC) AS n
          FROM assignments
         WHERE status = 'active'
       ) AS ranked
 WHERE a.id = ranked.id AND ranked.n > 1;
CREATE UNIQUE INDEX idx_assignments_one_active_per_domain_date
    ON assignments ((COALESCE(configuration->>'domain', '')), assignment_date)
    WHERE status = 'active';
ALTER TABLE assignment_targets DROP COLUMN domain_id;
ALTER TABLE participants DROP COLUMN domain_id, DROP COLUMN user_id;
DROP FUNCTION default_domain_id();
