-- Domains become workspaces (a house, a club, a team): each participant, target and run
-- belongs to exactly one. Rows made before move into the domain named 'default' (created
-- here), or into the domain their metadata/configuration already named.

INSERT INTO domains (name, display_name, description)
VALUES ('default', 'Default', 'Where people, tasks and runs go when no domain is named.')
ON CONFLICT (name) DO NOTHING;

-- The column default of domain_id: a row created without a domain lands in 'default', so
-- clients and scripts that know nothing of domains keep working.
CREATE FUNCTION default_domain_id() RETURNS UUID
    LANGUAGE sql STABLE
    AS $$ SELECT id FROM domains WHERE name = 'default' $$;

ALTER TABLE participants
    ADD COLUMN domain_id UUID REFERENCES domains(id) ON DELETE CASCADE,
    ADD COLUMN user_id UUID REFERENCES users(id) ON DELETE SET NULL;
UPDATE participants AS p SET domain_id = d.id
  FROM domains AS d WHERE d.name = p.metadata->>'domain';
UPDATE participants SET domain_id = default_domain_id() WHERE domain_id IS NULL;
ALTER TABLE participants
    ALTER COLUMN domain_id SET DEFAULT default_domain_id(),
    ALTER COLUMN domain_id SET NOT NULL;
CREATE INDEX idx_participants_domain_id_name ON participants(domain_id, name);
-- "Me" in a domain: at most one participant per user and domain.
CREATE UNIQUE INDEX idx_participants_domain_id_user_id ON participants(domain_id, user_id)
    WHERE user_id IS NOT NULL;
CREATE INDEX idx_participants_user_id ON participants(user_id) WHERE user_id IS NOT NULL;

ALTER TABLE assignment_targets
    ADD COLUMN domain_id UUID REFERENCES domains(id) ON DELETE CASCADE;
UPDATE assignment_targets AS t SET domain_id = d.id
  FROM domains AS d WHERE d.name = t.metadata->>'domain';
UPDATE assignment_targets SET domain_id = default_domain_id() WHERE domain_id IS NULL;
ALTER TABLE assignment_targets
    ALTER COLUMN domain_id SET DEFAULT default_domain_id(),
    ALTER COLUMN domain_id SET NOT NULL;
CREATE INDEX idx_assignment_targets_domain_id_name ON assignment_targets(domain_id, name);

-- Runs: the domain their configuration named (by id, else by name), else 'default'.
-- RESTRICT: a domain with runs is not deleted (the service refuses it first).
ALTER TABLE assignments
    ADD COLUMN domain_id UUID REFERENCES domains(id) ON DELETE RESTRICT;
UPDATE assignments AS a SET domain_id = d.id
  FROM domains AS d
 WHERE d.id::text = a.configuration->>'domain_id'
    OR (NOT (a.configuration ? 'domain_id') AND d.name = a.configuration->>'domain');
UPDATE assignments SET domain_id = default_domain_id() WHERE domain_id IS NULL;
ALTER TABLE assignments
    ALTER COLUMN domain_id SET DEFAULT default_domain_id(),
    ALTER COLUMN domain_id SET NOT NULL;
CREATE INDEX idx_assignments_domain_id_date ON assignments(domain_id, assignment_date);

-- One active run per (domain, date), now on the column. Runs without a domain and runs
-- of 'default' were two pools before and are one now: settle any pair first.
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

-- Who may do what in a domain (global roles still apply: an admin manages every domain,
-- a global viewer never writes).
CREATE TABLE domain_members (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    domain_id UUID NOT NULL REFERENCES domains(id) ON DELETE CASCADE,
    user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role VARCHAR(20) NOT NULL CHECK (role IN ('manager', 'member', 'viewer')),
    created_by UUID REFERENCES users(id) ON DELETE SET NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    UNIQUE (domain_id, user_id)
);
CREATE INDEX idx_domain_members_user_id ON domain_members(user_id);
CREATE TRIGGER update_domain_members_updated_at
    BEFORE UPDATE ON domain_members
    FOR EACH ROW EXECUTE FUNCTION update_updated_at_column();

-- Single-use, expiring invitations to a domain; only a hash of the token is kept.
CREATE TABLE domain_invitations (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    domain_id UUID NOT NULL REFERENCES domains(id) ON DELETE CASCADE,
    email VARCHAR(255),
    role VARCHAR(20) NOT NULL DEFAULT 'member' CHECK (role IN ('manager', 'member', 'viewer')),
    participant_id UUID REFERENCES participants(id) ON DELETE CASCADE,
    token_hash BYTEA NOT NULL UNIQUE,
    created_by UUID REFERENCES users(id) ON DELETE SET NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    expires_at TIMESTAMPTZ NOT NULL,
    accepted_at TIMESTAMPTZ,
    accepted_by UUID REFERENCES users(id) ON DELETE SET NULL,
    revoked_at TIMESTAMPTZ
);
CREATE INDEX idx_domain_invitations_domain_id ON domain_invitations(domain_id);
