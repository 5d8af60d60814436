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
-- The worker's sweep and the ledger look for places of a run still open / closed.
CREATE INDEX idx_assignment_details_open
    ON assignment_details(assignment_id) WHERE outcome IS NULL;
