-- Every statement that changes a table read by the cached responses (GET
-- /api/me/assignments, GET /api/participants) announces it on channel vividshift_reads
-- when its transaction commits, whoever made it: processes caching those responses
-- (http/read_cache.py) drop their entries. Payload: the table's name. Statement-level,
-- so a bulk write is one notification (PostgreSQL folds equal ones of a transaction).

CREATE FUNCTION notify_read_change() RETURNS TRIGGER AS $$
BEGIN
    PERFORM pg_notify('vividshift_reads', TG_TABLE_NAME);
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER notify_domains_read_change
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON domains
    FOR EACH STATEMENT EXECUTE FUNCTION notify_read_change();

CREATE TRIGGER notify_domain_members_read_change
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON domain_members
    FOR EACH STATEMENT EXECUTE FUNCTION notify_read_change();

CREATE TRIGGER notify_participants_read_change
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON participants
    FOR EACH STATEMENT EXECUTE FUNCTION notify_read_change();

CREATE TRIGGER notify_assignment_targets_read_change
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON assignment_targets
    FOR EACH STATEMENT EXECUTE FUNCTION notify_read_change();

CREATE TRIGGER notify_assignments_read_change
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON assignments
    FOR EACH STATEMENT EXECUTE FUNCTION notify_read_change();

CREATE TRIGGER notify_assignment_details_read_change
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON assignment_details
    FOR EACH STATEMENT EXECUTE FUNCTION notify_read_change();
