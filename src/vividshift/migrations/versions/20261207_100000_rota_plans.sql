-- The rota over time (issue 14). A plan of K turns is kept as a draft in rota_plans and
-- rota_plan_places (previewable, not anyone's turn, not history); publishing it makes one
-- active run per turn, all at once. A draft is not an `assignments` row: the founding
-- schema's status check (active, completed, cancelled) stays as it is.

CREATE TABLE rota_plans (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    domain_id UUID NOT NULL REFERENCES domains(id) ON DELETE CASCADE,
    kind VARCHAR(20) NOT NULL DEFAULT 'plan',
    status VARCHAR(20) NOT NULL DEFAULT 'draft',
    first_turn_start TIMESTAMPTZ NOT NULL,
    last_turn_end TIMESTAMPTZ NOT NULL,
    turn_count INTEGER NOT NULL,
    solver JSONB NOT NULL DEFAULT '{}',
    summary JSONB NOT NULL DEFAULT '{}',
    created_by UUID REFERENCES users(id) ON DELETE SET NULL,
    published_by UUID REFERENCES users(id) ON DELETE SET NULL,
    published_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    CONSTRAINT check_rota_plan_kind CHECK (kind IN ('plan', 'replan')),
    CONSTRAINT check_rota_plan_status CHECK (status IN ('draft', 'published', 'discarded')),
    CONSTRAINT check_rota_plan_span CHECK (last_turn_end > first_turn_start),
    CONSTRAINT check_rota_plan_turns CHECK (turn_count > 0)
);
CREATE INDEX idx_rota_plans_domain_id ON rota_plans(domain_id, created_at);
CREATE INDEX idx_rota_plans_created_by ON rota_plans(created_by);
CREATE INDEX idx_rota_plans_published_by ON rota_plans(published_by);
CREATE TRIGGER update_rota_plans_updated_at
    BEFORE UPDATE ON rota_plans
    FOR EACH ROW EXECUTE FUNCTION update_updated_at_column();

-- The places of a plan, turn by turn; run_id is the turn's run once published (a plan),
-- or the published run a re-plan proposal changes.
CREATE TABLE rota_plan_places (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    plan_id UUID NOT NULL REFERENCES rota_plans(id) ON DELETE CASCADE,
    turn_index INTEGER NOT NULL,
    turn_start TIMESTAMPTZ NOT NULL,
    turn_end TIMESTAMPTZ NOT NULL,
    turn_local_start TIMESTAMP NOT NULL,
    participant_id UUID NOT NULL REFERENCES participants(id) ON DELETE CASCADE,
    target_id UUID NOT NULL REFERENCES assignment_targets(id) ON DELETE CASCADE,
    position INTEGER NOT NULL DEFAULT 1,
    run_id UUID REFERENCES assignments(id) ON DELETE SET NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    CONSTRAINT check_rota_plan_place_turn CHECK (turn_end > turn_start AND turn_index >= 0)
);
CREATE INDEX idx_rota_plan_places_plan_id ON rota_plan_places(plan_id, turn_index);
CREATE INDEX idx_rota_plan_places_participant_id ON rota_plan_places(participant_id);
CREATE INDEX idx_rota_plan_places_target_id ON rota_plan_places(target_id);
CREATE INDEX idx_rota_plan_places_run_id ON rota_plan_places(run_id) WHERE run_id IS NOT NULL;

-- A turn's run: its UTC instants and the local wall time its start came from (a handoff
-- in a spring gap keeps 02:30 here while turn_start is 03:00).
ALTER TABLE assignments
    ADD COLUMN turn_start TIMESTAMPTZ,
    ADD COLUMN turn_end TIMESTAMPTZ,
    ADD COLUMN turn_local_start TIMESTAMP,
    ADD COLUMN plan_id UUID REFERENCES rota_plans(id) ON DELETE SET NULL,
    ADD CONSTRAINT check_assignment_turn CHECK (
        (turn_start IS NULL AND turn_end IS NULL AND turn_local_start IS NULL)
        OR (turn_start IS NOT NULL AND turn_end > turn_start AND turn_local_start IS NOT NULL)
    );
CREATE INDEX idx_assignments_plan_id ON assignments(plan_id) WHERE plan_id IS NOT NULL;

-- One active run per (domain, date) for plain runs; per (domain, turn start) for turns,
-- so several turns a day (shifts, 12-hour on-call) are fine.
DROP INDEX idx_assignments_one_active_per_domain_date;
CREATE UNIQUE INDEX idx_assignments_one_active_per_domain_date
    ON assignments(domain_id, assignment_date) WHERE status = 'active' AND turn_start IS NULL;
CREATE UNIQUE INDEX idx_assignments_one_active_per_domain_turn
    ON assignments(domain_id, turn_start) WHERE status = 'active' AND turn_start IS NOT NULL;
