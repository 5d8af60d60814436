-- Assignment runs, their details and their audit trail (SCHEMA.md, "assignments",
-- "assignment_details", "assignment_history", "Audit Trail Triggers").

CREATE TABLE assignments (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    name VARCHAR(200),
    description TEXT,
    assignment_date DATE NOT NULL DEFAULT CURRENT_DATE,
    strategy_used VARCHAR(100) NOT NULL,
    configuration JSONB DEFAULT '{}',
    metadata JSONB DEFAULT '{}',
    status VARCHAR(20) NOT NULL DEFAULT 'active',
    created_by UUID REFERENCES users(id),
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    CONSTRAINT check_assignment_status CHECK (status IN ('active', 'completed', 'cancelled'))
);

CREATE INDEX idx_assignments_assignment_date ON assignments(assignment_date);
CREATE INDEX idx_assignments_strategy_used ON assignments(strategy_used);
CREATE INDEX idx_assignments_status ON assignments(status);
CREATE INDEX idx_assignments_created_by ON assignments(created_by);
CREATE INDEX idx_assignments_configuration_gin ON assignments USING gin(configuration);
CREATE INDEX idx_assignments_metadata_gin ON assignments USING gin(metadata);
CREATE INDEX idx_assignments_date_status ON assignments(assignment_date, status);

CREATE TRIGGER update_assignments_updated_at
    BEFORE UPDATE ON assignments
    FOR EACH ROW EXECUTE FUNCTION update_updated_at_column();

CREATE TABLE assignment_details (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    assignment_id UUID NOT NULL REFERENCES assignments(id) ON DELETE CASCADE,
    participant_id UUID NOT NULL REFERENCES participants(id) ON DELETE CASCADE,
    target_id UUID NOT NULL REFERENCES assignment_targets(id) ON DELETE CASCADE,
    position INTEGER,
    metadata JSONB DEFAULT '{}',
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    UNIQUE(assignment_id, participant_id, target_id)
);

CREATE INDEX idx_assignment_details_assignment_id ON assignment_details(assignment_id);
CREATE INDEX idx_assignment_details_participant_id ON assignment_details(participant_id);
CREATE INDEX idx_assignment_details_target_id ON assignment_details(target_id);
CREATE INDEX idx_assignment_details_position ON assignment_details(position);
CREATE INDEX idx_assignment_details_metadata_gin ON assignment_details USING gin(metadata);
CREATE INDEX idx_assignment_details_composite ON assignment_details(assignment_id, participant_id);

CREATE TABLE assignment_history (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    assignment_id UUID NOT NULL REFERENCES assignments(id) ON DELETE CASCADE,
    action VARCHAR(50) NOT NULL,
    changes JSONB NOT NULL,
    changed_by UUID REFERENCES users(id),
    changed_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    metadata JSONB DEFAULT '{}'
);

CREATE INDEX idx_assignment_history_assignment_id ON assignment_history(assignment_id);
CREATE INDEX idx_assignment_history_action ON assignment_history(action);
CREATE INDEX idx_assignment_history_changed_by ON assignment_history(changed_by);
CREATE INDEX idx_assignment_history_changed_at ON assignment_history(changed_at);
CREATE INDEX idx_assignment_history_changes_gin ON assignment_history USING gin(changes);

-- Deleting an assignment cascades to its details and its history, so a DELETE cannot be
-- recorded in assignment_history. It is recorded here instead: the deleted row, its
-- details and its history as they were, who deleted it and when. No foreign key to
-- assignments, by design: this row outlives the assignment.
CREATE TABLE assignment_deletions (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    assignment_id UUID NOT NULL,
    assignment JSONB NOT NULL,
    details JSONB NOT NULL DEFAULT '[]',
    history JSONB NOT NULL DEFAULT '[]',
    deleted_by UUID REFERENCES users(id) ON DELETE SET NULL,
    deleted_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
);

CREATE INDEX idx_assignment_deletions_assignment_id ON assignment_deletions(assignment_id);
CREATE INDEX idx_assignment_deletions_deleted_at ON assignment_deletions(deleted_at);

-- The acting user of the current transaction, from the app.current_user_id setting.
-- NULL when unset, malformed, or naming no user: auditing must never break the write.
CREATE FUNCTION app_current_user_id()
RETURNS UUID AS $$
DECLARE
    raw TEXT := NULLIF(current_setting('app.current_user_id', true), '');
    candidate UUID;
BEGIN
    IF raw IS NULL THEN
        RETURN NULL;
    END IF;
    BEGIN
        candidate := raw::UUID;
    EXCEPTION WHEN invalid_text_representation THEN
        RETURN NULL;
    END;
    RETURN (SELECT id FROM users WHERE id = candidate);
END;
$$ LANGUAGE plpgsql STABLE;

-- INSERT records the new row; UPDATE records only the columns that changed, as
-- {"column": {"old": …, "new": …}} (updated_at left out: changed_at already says when),
-- and nothing when no column changed. changed_at is the clock time, so several changes in
-- one transaction keep their order. DELETE (a BEFORE trigger, while the details and
-- history still exist) writes to assignment_deletions.
CREATE FUNCTION track_assignment_changes()
RETURNS TRIGGER AS $$
DECLARE
    old_row JSONB;
    diff JSONB;
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO assignment_history (assignment_id, action, changes, changed_by, changed_at)
        VALUES (NEW.id, TG_OP, to_jsonb(NEW), app_current_user_id(), clock_timestamp());
        RETURN NEW;
    END IF;

    IF TG_OP = 'UPDATE' THEN
        old_row := to_jsonb(OLD);
        SELECT jsonb_object_agg(n.key, jsonb_build_object('old', old_row -> n.key, 'new', n.value))
          INTO diff
          FROM jsonb_each(to_jsonb(NEW)) AS n
         WHERE n.key <> 'updated_at'
           AND n.value IS DISTINCT FROM old_row -> n.key;
        IF diff IS NOT NULL THEN
            INSERT INTO assignment_history (assignment_id, action, changes, changed_by, changed_at)
            VALUES (NEW.id, TG_OP, diff, app_current_user_id(), clock_timestamp());
        END IF;
        RETURN NEW;
    END IF;

    INSERT INTO assignment_deletions (assignment_id, assignment, details, history, deleted_by)
    VALUES (
        OLD.id,
        to_jsonb(OLD),
        COALESCE((SELECT jsonb_agg(to_jsonb(d) ORDER BY d.position, d.id)
                    FROM assignment_details d WHERE d.assignment_id = OLD.id), '[]'),
        COALESCE((SELECT jsonb_agg(to_jsonb(h) ORDER BY h.changed_at, h.id)
                    FROM assignment_history h WHERE h.assignment_id = OLD.id), '[]'),
        app_current_user_id()
    );
    RETURN OLD;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER assignment_audit_trigger
    AFTER INSERT OR UPDATE ON assignments
    FOR EACH ROW EXECUTE FUNCTION track_assignment_changes();

CREATE TRIGGER assignment_delete_audit_trigger
    BEFORE DELETE ON assignments
    FOR EACH ROW EXECUTE FUNCTION track_assignment_changes();
