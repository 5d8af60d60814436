-- One active run per (domain, date), so concurrent generations cannot both win. A run's
-- domain is the name in configuration->>'domain'; runs without one form one pool ('').
-- Runs that already break the rule are settled first: per (domain, date) the latest
-- active run stays active and the older ones are completed (they become history, as
-- consecutive runs of the predecessor did).
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
