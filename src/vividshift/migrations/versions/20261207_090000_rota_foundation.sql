-- The rota over time and fair share share three things (issues 14 and 15): absences, the
-- effort of a place, and a place whose doer is not the rota's own person (an override, a
-- cover, an accepted swap) or that re-planning must not move (a pin).

-- A person away from start to end (half-open). Planning, generation, edits and
-- suggestions read them through the one eligibility mechanism (the engine's absences);
-- fair share prorates by the time a person was present.
CREATE TABLE participant_absences (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    participant_id UUID NOT NULL REFERENCES participants(id) ON DELETE CASCADE,
    domain_id UUID NOT NULL REFERENCES domains(id) ON DELETE CASCADE,
    starts_at TIMESTAMPTZ NOT NULL,
    ends_at TIMESTAMPTZ NOT NULL,
    reason VARCHAR(500),
    created_by UUID REFERENCES users(id) ON DELETE SET NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    CONSTRAINT check_absence_span CHECK (ends_at > starts_at)
);
CREATE INDEX idx_participant_absences_participant_id
    ON participant_absences(participant_id, starts_at);
CREATE INDEX idx_participant_absences_domain_id ON participant_absences(domain_id, ends_at);
CREATE INDEX idx_participant_absences_created_by ON participant_absences(created_by);
CREATE TRIGGER update_participant_absences_updated_at
    BEFORE UPDATE ON participant_absences
    FOR EACH ROW EXECUTE FUNCTION update_updated_at_column();

-- Points a place is worth ("Toilet B" 3, "Bin" 1); load and fair share count effort.
ALTER TABLE assignment_targets
    ADD COLUMN effort NUMERIC(8, 2) NOT NULL DEFAULT 1,
    ADD CONSTRAINT check_target_effort CHECK (effort > 0 AND effort <= 1000);

-- participant_id is always who does the place (calendars, ledgers and "my turns" read it);
-- rota_participant_id keeps the rota's own person while someone else stands in.
-- A pinned place is never moved by re-planning.
ALTER TABLE assignment_details
    ADD COLUMN rota_participant_id UUID REFERENCES participants(id) ON DELETE SET NULL,
    ADD COLUMN pinned BOOLEAN NOT NULL DEFAULT false;
CREATE INDEX idx_assignment_details_rota_participant_id
    ON assignment_details(rota_participant_id) WHERE rota_participant_id IS NOT NULL;
