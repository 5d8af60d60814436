DROP TRIGGER IF EXISTS notify_users_change ON users;
DROP FUNCTION IF EXISTS notify_user_change();
DROP TRIGGER IF EXISTS notify_user_sessions_change ON user_sessions;
DROP FUNCTION IF EXISTS notify_session_change();
