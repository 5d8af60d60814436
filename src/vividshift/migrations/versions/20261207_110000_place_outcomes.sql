-- Fair share counts what really happened (issue 15). Each place ends in an outcome:
--   done     participant_id did it;
--   missed   participant_id did not turn up (a no-show owes the place);
--   covered  participant_id did it for rota_participant_id (a cover);
--   swapped  participant_id did it in a swap with rota_participant_id;
--   excused  participant_id was away and is not held to it.
-- NULL is still open. outcome_by is who marked it (NULL: the worker closing open places).
ALTER TABLE assignment_details
    ADD COLUMN outcome VARCHAR(20),
    ADD COLUMN outcome_at TIMESTAMPTZ,
    ADD COLUMN outcome_by UUID REFERENCES users(id) ON DELETE SET NULL,
    ADD CONSTRAINT check_assignment_details_outcome CHECK (
        outcome IS NULL OR outcome IN ('done', 'missed', 'covered', 'swapped', 'excused')
    ),
    ADD CONSTRAINT check_assignment_details_outcome_at CHECK (
        (outcome IS NULL) = (outcome_at IS NULL)
    );
CREATE INDEX idx_assignment_details_outcome_by
    ON assignment_details(outcome_by) WHERE outcome_by IS NOT NULL;
-- The worker's sweep looks for a run's open places; the ledger (read at every
-- generation) for its closed ones, which a domain without outcomes has none of.
CREATE INDEX idx_assignment_details_open
    ON assignment_details(assignment_id) WHERE outcome IS NULL;
CREATE INDEX idx_assignment_details_closed
    ON assignment_details(assignment_id) WHERE outcome IS NOT NULL;

-- Asking others to take a place: a cover (someone takes it) or a swap (two people
-- exchange places). Open until the first valid acceptance; with the domain's approval
-- setting it then waits for a manager. Its events record the request, every ask (offer),
-- the acceptance, the approval or refusal.
CREATE TABLE place_requests (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    domain_id UUID NOT NULL REFERENCES domains(id) ON DELETE CASCADE,
    assignment_id UUID NOT NULL REFERENCES assignments(id) ON DELETE CASCADE,
    detail_id UUID NOT NULL REFERENCES assignment_details(id) ON DELETE CASCADE,
    kind VARCHAR(10) NOT NULL,
    status VARCHAR(20) NOT NULL DEFAULT 'open',
    -- the person whose place it is (its doer when asked)
    requester_id UUID NOT NULL REFERENCES participants(id) ON DELETE CASCADE,
    -- a named person; NULL: anyone eligible
    asked_participant_id UUID REFERENCES participants(id) ON DELETE CASCADE,
    accepted_participant_id UUID REFERENCES participants(id) ON DELETE SET NULL,
    -- a swap: the acceptor's place given in exchange
    accepted_detail_id UUID REFERENCES assignment_details(id) ON DELETE SET NULL,
    accepted_at TIMESTAMPTZ,
    auto_find BOOLEAN NOT NULL DEFAULT false,
    note VARCHAR(1000),
    created_by UUID REFERENCES users(id) ON DELETE SET NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    CONSTRAINT check_place_request_kind CHECK (kind IN ('cover', 'swap')),
    CONSTRAINT check_place_request_status
        CHECK (status IN ('open', 'accepted', 'done', 'refused', 'cancelled'))
);
CREATE INDEX idx_place_requests_domain_id ON place_requests(domain_id, status);
CREATE INDEX idx_place_requests_assignment_id ON place_requests(assignment_id);
CREATE INDEX idx_place_requests_detail_id ON place_requests(detail_id);
CREATE INDEX idx_place_requests_requester_id ON place_requests(requester_id);
CREATE INDEX idx_place_requests_asked_participant_id ON place_requests(asked_participant_id);
CREATE INDEX idx_place_requests_accepted_participant_id
    ON place_requests(accepted_participant_id);
CREATE INDEX idx_place_requests_accepted_detail_id ON place_requests(accepted_detail_id);
CREATE INDEX idx_place_requests_created_by ON place_requests(created_by);
-- One open (or awaiting approval) request per place.
CREATE UNIQUE INDEX idx_place_requests_one_open
    ON place_requests(detail_id) WHERE status IN ('open', 'accepted');
CREATE TRIGGER update_place_requests_updated_at
    BEFORE UPDATE ON place_requests
    FOR EACH ROW EXECUTE FUNCTION update_updated_at_column();

CREATE TABLE place_request_events (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    request_id UUID NOT NULL REFERENCES place_requests(id) ON DELETE CASCADE,
    action VARCHAR(20) NOT NULL,
    participant_id UUID REFERENCES participants(id) ON DELETE SET NULL,
    user_id UUID REFERENCES users(id) ON DELETE SET NULL,
    details JSONB NOT NULL DEFAULT '{}',
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    CONSTRAINT check_place_request_event_action
        CHECK (action IN ('requested', 'asked', 'accepted', 'approved', 'refused', 'cancelled'))
);
CREATE INDEX idx_place_request_events_request_id ON place_request_events(request_id, created_at);
CREATE INDEX idx_place_request_events_participant_id
    ON place_request_events(participant_id, created_at);
CREATE INDEX idx_place_request_events_user_id ON place_request_events(user_id);
