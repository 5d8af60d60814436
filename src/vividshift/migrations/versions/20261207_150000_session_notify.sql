-- Every change to a session row, and every change to (or removal of) an account, is
-- announced on channel vividshift_auth when its transaction commits, whoever made it:
-- processes caching live sessions (auth/session_cache.py) drop what it concerns.
-- Payload: 's:<session id>' or 'u:<user id>'.

CREATE FUNCTION notify_session_change() RETURNS TRIGGER AS $$
BEGIN
    PERFORM pg_notify('vividshift_auth', 's:' || OLD.id::text);
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER notify_user_sessions_change
    AFTER UPDATE OR DELETE ON user_sessions
    FOR EACH ROW EXECUTE FUNCTION notify_session_change();

CREATE FUNCTION notify_user_change() RETURNS TRIGGER AS $$
BEGIN
    PERFORM pg_notify('vividshift_auth', 'u:' || OLD.id::text);
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER notify_users_change
    AFTER UPDATE OR DELETE ON users
    FOR EACH ROW EXECUTE FUNCTION notify_user_change();
