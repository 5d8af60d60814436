-- Refresh-token reuse grace (issue 17): the token a session's current one replaced, and
-- when. A racing refresh that presents it within VIVIDSHIFT_REFRESH_REUSE_GRACE_SECONDS
-- gets the winner's pair instead of revoking the session.
ALTER TABLE user_sessions
    ADD COLUMN previous_token_hash VARCHAR(255),
    ADD COLUMN rotated_at TIMESTAMPTZ;
