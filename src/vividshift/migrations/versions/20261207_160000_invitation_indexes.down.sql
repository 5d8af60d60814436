-- Removes every object of 20261207_160000_invitation_indexes.sql.
DROP INDEX idx_domain_invitations_participant_id;
DROP INDEX idx_domain_invitations_created_by;
DROP INDEX idx_domain_invitations_accepted_by;
