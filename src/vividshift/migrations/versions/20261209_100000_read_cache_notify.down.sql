DROP TRIGGER IF EXISTS notify_assignment_details_read_change ON assignment_details;
DROP TRIGGER IF EXISTS notify_assignments_read_change ON assignments;
DROP TRIGGER IF EXISTS notify_assignment_targets_read_change ON assignment_targets;
DROP TRIGGER IF EXISTS notify_participants_read_change ON participants;
DROP TRIGGER IF EXISTS notify_domain_members_read_change ON domain_members;
DROP TRIGGER IF EXISTS notify_domains_read_change ON domains;
DROP FUNCTION IF EXISTS notify_read_change();
