-- Indexes on the foreign keys of domain_invitations (the schema document indexes every
-- foreign key): finding a person's open invitation, and deleting a user or a person.
CREATE INDEX idx_domain_invitations_participant_id ON domain_invitations(participant_id);
CREATE INDEX idx_domain_invitations_created_by ON domain_invitations(created_by);
CREATE INDEX idx_domain_invitations_accepted_by ON domain_invitations(accepted_by);
