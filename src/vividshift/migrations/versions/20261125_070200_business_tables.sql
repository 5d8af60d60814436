-- Business schema: domains with their entity definitions and entities, participants and
-- assignment targets (SCHEMA.md, "Business Logic Schema").

CREATE TABLE domains (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    name VARCHAR(100) NOT NULL UNIQUE,
    display_name VARCHAR(200) NOT NULL,
    description TEXT,
    version VARCHAR(20) NOT NULL DEFAULT '1.0',
    is_active BOOLEAN NOT NULL DEFAULT true,
    configuration JSONB NOT NULL DEFAULT '{}',
    business_rules JSONB DEFAULT '[]',
    created_by UUID REFERENCES users(id),
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
);

CREATE INDEX idx_domains_name ON domains(name);
CREATE INDEX idx_domains_is_active ON domains(is_active);
CREATE INDEX idx_domains_configuration_gin ON domains USING gin(configuration);
CREATE INDEX idx_domains_business_rules_gin ON domains USING gin(business_rules);

CREATE TRIGGER update_domains_updated_at
    BEFORE UPDATE ON domains
    FOR EACH ROW EXECUTE FUNCTION update_updated_at_column();

-- The ER diagram names these two tables without defining them. A domain defines entity
-- types (name + JSON Schema for their attributes); entities are instances of one type.
-- Type names are unique within a domain; deleting a domain or a definition removes what
-- depends on it.
CREATE TABLE entity_definitions (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    domain_id UUID NOT NULL REFERENCES domains(id) ON DELETE CASCADE,
    name VARCHAR(100) NOT NULL,
    display_name VARCHAR(200),
    description TEXT,
    json_schema JSONB NOT NULL DEFAULT '{}',
    is_active BOOLEAN NOT NULL DEFAULT true,
    created_by UUID REFERENCES users(id),
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    UNIQUE(domain_id, name)
);

CREATE INDEX idx_entity_definitions_domain_id ON entity_definitions(domain_id);
CREATE INDEX idx_entity_definitions_name ON entity_definitions(name);
CREATE INDEX idx_entity_definitions_is_active ON entity_definitions(is_active);

CREATE TRIGGER update_entity_definitions_updated_at
    BEFORE UPDATE ON entity_definitions
    FOR EACH ROW EXECUTE FUNCTION update_updated_at_column();

CREATE TABLE entities (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    entity_definition_id UUID NOT NULL REFERENCES entity_definitions(id) ON DELETE CASCADE,
    name VARCHAR(200) NOT NULL,
    attributes JSONB NOT NULL DEFAULT '{}',
    is_active BOOLEAN NOT NULL DEFAULT true,
    created_by UUID REFERENCES users(id),
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
);

CREATE INDEX idx_entities_entity_definition_id ON entities(entity_definition_id);
CREATE INDEX idx_entities_name ON entities(name);
CREATE INDEX idx_entities_is_active ON entities(is_active);
CREATE INDEX idx_entities_attributes_gin ON entities USING gin(attributes);

CREATE TRIGGER update_entities_updated_at
    BEFORE UPDATE ON entities
    FOR EACH ROW EXECUTE FUNCTION update_updated_at_column();

CREATE TABLE participants (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    name VARCHAR(200) NOT NULL,
    email VARCHAR(255),
    phone VARCHAR(20),
    skills JSONB DEFAULT '[]',
    availability JSONB DEFAULT '{}',
    preferences JSONB DEFAULT '{}',
    metadata JSONB DEFAULT '{}',
    is_active BOOLEAN NOT NULL DEFAULT true,
    created_by UUID REFERENCES users(id),
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
);

CREATE INDEX idx_participants_name ON participants(name);
CREATE INDEX idx_participants_email ON participants(email);
CREATE INDEX idx_participants_is_active ON participants(is_active);
CREATE INDEX idx_participants_skills_gin ON participants USING gin(skills);
CREATE INDEX idx_participants_availability_gin ON participants USING gin(availability);
CREATE INDEX idx_participants_preferences_gin ON participants USING gin(preferences);
CREATE INDEX idx_participants_metadata_gin ON participants USING gin(metadata);
-- "Active participants with skills" (SCHEMA.md, composite indexes).
CREATE INDEX idx_participants_active_skills ON participants(is_active) WHERE is_active = true;

CREATE TRIGGER update_participants_updated_at
    BEFORE UPDATE ON participants
    FOR EACH ROW EXECUTE FUNCTION update_updated_at_column();

CREATE TABLE assignment_targets (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    name VARCHAR(200) NOT NULL,
    description TEXT,
    required_count INTEGER NOT NULL DEFAULT 1,
    required_skills JSONB DEFAULT '[]',
    constraints JSONB DEFAULT '{}',
    metadata JSONB DEFAULT '{}',
    is_active BOOLEAN NOT NULL DEFAULT true,
    created_by UUID REFERENCES users(id),
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    CONSTRAINT check_required_count CHECK (required_count > 0)
);

CREATE INDEX idx_assignment_targets_name ON assignment_targets(name);
CREATE INDEX idx_assignment_targets_required_count ON assignment_targets(required_count);
CREATE INDEX idx_assignment_targets_is_active ON assignment_targets(is_active);
CREATE INDEX idx_assignment_targets_required_skills_gin ON assignment_targets USING gin(required_skills);
CREATE INDEX idx_assignment_targets_constraints_gin ON assignment_targets USING gin(constraints);
CREATE INDEX idx_assignment_targets_metadata_gin ON assignment_targets USING gin(metadata);

CREATE TRIGGER update_assignment_targets_updated_at
    BEFORE UPDATE ON assignment_targets
    FOR EACH ROW EXECUTE FUNCTION update_updated_at_column();
