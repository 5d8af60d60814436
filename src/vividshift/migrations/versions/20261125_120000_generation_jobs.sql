-- Background generations (issue 7). procrastinate's jobs table says which worker runs
-- what; these rows say what a generation job is about and how it ended, for
-- GET /api/jobs/{id}: the request, who it is attributed to, progress, the run it made
-- or the error. A row outlives the procrastinate job (which may be deleted).
CREATE TABLE generation_jobs (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    source VARCHAR(20) NOT NULL CHECK (source IN ('api', 'schedule', 'manual')),
    status VARCHAR(20) NOT NULL DEFAULT 'queued'
        CHECK (status IN ('queued', 'running', 'succeeded', 'failed')),
    mode VARCHAR(20) NOT NULL CHECK (mode IN ('worker', 'in_process')),
    request JSONB NOT NULL,
    actor_id UUID REFERENCES users(id) ON DELETE SET NULL,
    requested_by UUID REFERENCES users(id) ON DELETE SET NULL,
    domain_id UUID REFERENCES domains(id) ON DELETE CASCADE,
    due_at TIMESTAMPTZ,
    missed_runs INTEGER NOT NULL DEFAULT 0 CHECK (missed_runs >= 0),
    queue_job_id BIGINT,
    attempts INTEGER NOT NULL DEFAULT 0,
    progress JSONB NOT NULL DEFAULT '{"percent": 0, "stage": "queued"}',
    assignment_id UUID REFERENCES assignments(id) ON DELETE SET NULL,
    error JSONB,
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    started_at TIMESTAMPTZ,
    finished_at TIMESTAMPTZ,
    CHECK ((source = 'schedule') = (due_at IS NOT NULL))
);

-- Exactly once: one job per (domain, due time) of a schedule, whoever claims it.
CREATE UNIQUE INDEX uq_generation_jobs_schedule_due ON generation_jobs(domain_id, due_at)
    WHERE source = 'schedule';
CREATE INDEX idx_generation_jobs_domain_created ON generation_jobs(domain_id, created_at DESC);
CREATE INDEX idx_generation_jobs_open ON generation_jobs(status) WHERE status IN ('queued', 'running');
CREATE INDEX idx_generation_jobs_queue_job ON generation_jobs(queue_job_id);

-- Where each domain's schedule stands: the next due time not yet claimed. The schedule
-- tick locks the row (FOR UPDATE SKIP LOCKED), claims the due time and moves it on.
CREATE TABLE schedule_cursors (
    domain_id UUID PRIMARY KEY REFERENCES domains(id) ON DELETE CASCADE,
    cron TEXT NOT NULL,
    timezone TEXT NOT NULL,
    next_due_at TIMESTAMPTZ NOT NULL,
    armed_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    last_claimed_at TIMESTAMPTZ
);
