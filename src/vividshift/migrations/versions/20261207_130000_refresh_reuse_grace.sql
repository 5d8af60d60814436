-- Refresh-token reuse grace (issue 17): the token a session's current one replaced, and
-- when. A racing refresh that presents it within VIVIDSHIFT_REFRESH_REUSE_GRACE_SECONDS
-- gets the winner's pair instead of revoking the session.
ALTER TABLE user_sessions
    ADD COLUMN previous_token_hash VARCHAR(255),
    ADD COLUMN rotated_at TIMESTAMPTZ;

-- Self-registrations per client address (issue 17): counted over the login-failure
-- window against VIVIDSHIFT_REGISTRATION_MAX_PER_ADDRESS, purged with failed logins.
CREATE TABLE registration_attempts (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    ip_address INET,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE INDEX idx_registration_attempts_ip ON registration_attempts (ip_address, created_at);
