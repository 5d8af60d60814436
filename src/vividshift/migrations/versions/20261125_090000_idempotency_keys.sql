-- Idempotency-Key support for POSTs that create (issue 5). One row per (user, scope, key):
-- the hash of the request body and the first response, kept for 24 hours. A retry with the
-- same key and body replays the response; the same key with another body is refused.
CREATE TABLE idempotency_keys (
    user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    scope VARCHAR(200) NOT NULL,
    key VARCHAR(200) NOT NULL,
    request_hash CHAR(64) NOT NULL,
    status_code INTEGER,
    response JSONB,
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    expires_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (user_id, scope, key)
);

CREATE INDEX idx_idempotency_keys_expires_at ON idempotency_keys(expires_at);
