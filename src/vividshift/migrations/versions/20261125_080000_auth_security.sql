-- Accounts and security (issue 4): additive only, the SCHEMA.md columns stay as they are.

-- Usernames and emails are unique regardless of case ("Alice" cannot shadow "alice"),
-- and login looks them up case-insensitively through these indexes.
CREATE UNIQUE INDEX idx_users_username_lower ON users (lower(username));
CREATE UNIQUE INDEX idx_users_email_lower ON users (lower(email));

-- A session is one refresh-token family: token_hash is the hash of its current refresh
-- token; expires_at is the absolute end; idle_expires_at moves forward on each refresh.
ALTER TABLE user_sessions
    ADD COLUMN idle_expires_at TIMESTAMPTZ NOT NULL DEFAULT now() + interval '30 minutes',
    ADD COLUMN revoked_at TIMESTAMPTZ,
    ADD COLUMN revoke_reason VARCHAR(30);

-- Failed logins, per account (user id, or the lower-cased login name when no such user)
-- and per client address: the brute-force limits count these rows, so every API
-- process sees the same numbers.
CREATE TABLE login_failures (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_key VARCHAR(300) NOT NULL,
    ip_address INET,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE INDEX idx_login_failures_account ON login_failures (account_key, created_at);
CREATE INDEX idx_login_failures_ip ON login_failures (ip_address, created_at);
