-- Reaching people (issue 16): where notifications go, what happened, the outbox of
-- deliveries (written in the transaction of the change that causes them), every attempt,
-- each person's preferences, and the secret-token calendar feeds.

-- A domain's outbound webhook or Apprise URL, or a person's own Apprise URL.
CREATE TABLE notification_channels (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    domain_id UUID REFERENCES domains(id) ON DELETE CASCADE,
    user_id UUID REFERENCES users(id) ON DELETE CASCADE,
    kind VARCHAR(20) NOT NULL CHECK (kind IN ('webhook', 'apprise')),
    name VARCHAR(100) NOT NULL,
    url TEXT NOT NULL,
    -- The Standard Webhooks signing secret (whsec_…): kept in clear, it signs every body.
    secret TEXT,
    -- Event types sent here; empty = every event.
    events TEXT[] NOT NULL DEFAULT '{}',
    is_active BOOLEAN NOT NULL DEFAULT true,
    failing_since TIMESTAMPTZ,
    disabled_at TIMESTAMPTZ,
    disabled_reason TEXT,
    created_by UUID REFERENCES users(id) ON DELETE SET NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    CHECK ((domain_id IS NULL) <> (user_id IS NULL)),
    CHECK ((kind = 'webhook') = (secret IS NOT NULL)),
    CHECK (kind = 'apprise' OR domain_id IS NOT NULL)
);
CREATE INDEX idx_notification_channels_domain_id ON notification_channels(domain_id);
CREATE INDEX idx_notification_channels_user_id ON notification_channels(user_id);
CREATE INDEX idx_notification_channels_created_by ON notification_channels(created_by);
CREATE TRIGGER update_notification_channels_updated_at
    BEFORE UPDATE ON notification_channels
    FOR EACH ROW EXECUTE FUNCTION update_updated_at_column();

-- What happened, once: a run published, a place changed, a job failed, a reminder due.
-- `dedupe_key` makes an event that must happen once (a reminder of one place) unique.
CREATE TABLE notification_events (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    domain_id UUID NOT NULL REFERENCES domains(id) ON DELETE CASCADE,
    event_type VARCHAR(60) NOT NULL,
    payload JSONB NOT NULL,
    dedupe_key TEXT,
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
);
CREATE INDEX idx_notification_events_domain_created
    ON notification_events(domain_id, created_at DESC);
CREATE UNIQUE INDEX uq_notification_events_dedupe ON notification_events(event_type, dedupe_key)
    WHERE dedupe_key IS NOT NULL;

-- The outbox: one row per (event, destination). Its id is the stable delivery id that
-- receivers use to drop duplicates (the `webhook-id` header).
CREATE TABLE notification_deliveries (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    event_id UUID NOT NULL REFERENCES notification_events(id) ON DELETE CASCADE,
    domain_id UUID NOT NULL REFERENCES domains(id) ON DELETE CASCADE,
    channel_id UUID REFERENCES notification_channels(id) ON DELETE CASCADE,
    -- The person it is for (a personal channel, or email to their account); NULL for a
    -- domain channel.
    user_id UUID REFERENCES users(id) ON DELETE CASCADE,
    kind VARCHAR(20) NOT NULL CHECK (kind IN ('webhook', 'apprise', 'email')),
    status VARCHAR(20) NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'delivered', 'failed', 'cancelled')),
    attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_attempt_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    -- A claimed delivery is someone's until then; a sender killed mid-send loses it after.
    lease_until TIMESTAMPTZ,
    last_error TEXT,
    delivered_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    CHECK (channel_id IS NOT NULL OR (kind = 'email' AND user_id IS NOT NULL))
);
CREATE INDEX idx_notification_deliveries_due ON notification_deliveries(next_attempt_at)
    WHERE status = 'pending';
CREATE INDEX idx_notification_deliveries_domain_created
    ON notification_deliveries(domain_id, created_at DESC);
CREATE INDEX idx_notification_deliveries_event_id ON notification_deliveries(event_id);
CREATE INDEX idx_notification_deliveries_channel_id ON notification_deliveries(channel_id);
CREATE INDEX idx_notification_deliveries_user_id ON notification_deliveries(user_id);
CREATE TRIGGER update_notification_deliveries_updated_at
    BEFORE UPDATE ON notification_deliveries
    FOR EACH ROW EXECUTE FUNCTION update_updated_at_column();

-- Every try of a delivery: how it went, the receiver's status code, how long it took.
CREATE TABLE notification_attempts (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    delivery_id UUID NOT NULL REFERENCES notification_deliveries(id) ON DELETE CASCADE,
    attempt INTEGER NOT NULL CHECK (attempt >= 1),
    outcome VARCHAR(20) NOT NULL CHECK (outcome IN ('succeeded', 'failed')),
    response_code INTEGER,
    duration_ms INTEGER NOT NULL CHECK (duration_ms >= 0),
    error TEXT,
    started_at TIMESTAMPTZ NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    UNIQUE (delivery_id, attempt)
);

-- A person's choices: which events reach them by email (an emptied category is an
-- unsubscribe), how long before a turn they are reminded, and their quiet hours.
CREATE TABLE notification_preferences (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id UUID NOT NULL UNIQUE REFERENCES users(id) ON DELETE CASCADE,
    email_events TEXT[] NOT NULL
        DEFAULT '{rotation.published.v1,place.changed.v1,generation.failed.v1,turn.reminder.v1,channel.disabled.v1}',
    reminder_hours INTEGER CHECK (reminder_hours BETWEEN 0 AND 336),
    quiet_hours_start TIME,
    quiet_hours_end TIME,
    timezone VARCHAR(64),
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    CHECK ((quiet_hours_start IS NULL) = (quiet_hours_end IS NULL))
);
CREATE TRIGGER update_notification_preferences_updated_at
    BEFORE UPDATE ON notification_preferences
    FOR EACH ROW EXECUTE FUNCTION update_updated_at_column();

-- Calendar subscriptions: a person's or a domain's; only a hash of the token is kept.
CREATE TABLE calendar_feeds (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id UUID REFERENCES users(id) ON DELETE CASCADE,
    domain_id UUID REFERENCES domains(id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    created_by UUID REFERENCES users(id) ON DELETE SET NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    revoked_at TIMESTAMPTZ,
    last_used_at TIMESTAMPTZ,
    CHECK ((user_id IS NULL) <> (domain_id IS NULL))
);
-- One live feed per person and per domain (rotating revokes the old one first).
CREATE UNIQUE INDEX uq_calendar_feeds_live_user ON calendar_feeds(user_id)
    WHERE revoked_at IS NULL AND user_id IS NOT NULL;
CREATE UNIQUE INDEX uq_calendar_feeds_live_domain ON calendar_feeds(domain_id)
    WHERE revoked_at IS NULL AND domain_id IS NOT NULL;
CREATE INDEX idx_calendar_feeds_user_id ON calendar_feeds(user_id);
CREATE INDEX idx_calendar_feeds_domain_id ON calendar_feeds(domain_id);
CREATE INDEX idx_calendar_feeds_created_by ON calendar_feeds(created_by);
