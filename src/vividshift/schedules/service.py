"""Schedules: a domain's `configuration.schedule` turned into runs, exactly once.

Decisions:
- **Mechanism.** A procrastinate periodic task, `schedule_tick`, runs every minute
  (procrastinate defers it once per minute however many workers run). The tick reads
  the active domains with an enabled schedule and, per domain, in one transaction:
  locks the domain's row of `schedule_cursors` (`FOR UPDATE SKIP LOCKED`: a second
  tick at the same moment skips it), and when its `next_due_at` has passed, inserts the
  `generation_jobs` row for (domain, due time) — unique, so a duplicate is impossible
  even past the lock — queues its procrastinate job (same transaction), and moves the
  cursor to the next due time after now. Any number of workers on any machines can run
  ticks; each due time yields one job, and the job one run (see vividshift.assignments.jobs).
- **Arming.** A schedule is armed by the first tick that sees it: its first due time is
  the first one after that moment (saving a schedule never fires a run for a time
  already past). Changing `cron` or `timezone` re-arms it the same way. Removing or
  disabling it, or deactivating the domain, drops its cursor.
- **Missed runs (catch up once).** When due times passed while no worker ran, the next
  tick runs **one** run for the latest of them (dated by it) and records how many
  earlier ones it skipped in the job's `missed_runs`; never N runs.
- **Who.** A scheduled run is attributed to the schedule's owner, the domain's
  `created_by`, while that user exists and is active; otherwise to the system: no
  user (`created_by` null, audit rows without a user). `POST …/schedule/run` is a run
  by the caller, attributed to them.
- **What.** Each run is `assignments.generation.generate` (the API's function) with the
  schedule's strategy and parameters (default: the domain's), the domain's rules, the
  participants and targets its selections match *at run time* (active ones; a
  selection that matches nothing fails the job), dated by the due time's day in the
  schedule's zone plus `date_offset_days`, named "<display name> <date>". An active
  run already on that date is completed first (`replace: complete`).
- **Access.** Reading a domain's schedule needs a role there, running it now the
  manager role (`vividshift.domains.access`: 404 for a domain the caller may not see,
  403 without the role). Selections match rows of the schedule's domain only.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from pydantic import ValidationError

from vividshift.assignments.jobs import queries as job_queries
from vividshift.assignments.jobs import service as jobs
from vividshift.assignments.jobs.schemas import JobRead
from vividshift.auth.deps import Principal
from vividshift.config import Settings
from vividshift.db import Connection
from vividshift.domains import queries as domain_queries
from vividshift.domains.access import DomainRole, domain_access
from vividshift.domains.rows import DomainRow
from vividshift.domains.schemas import Schedule
from vividshift.errors import BusinessRuleViolation, NotFound
from vividshift.schedules import cron, queries
from vividshift.schedules.rows import ScheduledDomain
from vividshift.schedules.schemas import CursorRead, NextRun, ScheduleRead
from vividshift.stored_json import stored_object

log = logging.getLogger("vividshift.schedules")

RECENT_JOBS = 10


def _schedule(raw: Any) -> Schedule | None:
    try:
        return Schedule.model_validate(raw)
    except ValidationError:
        return None


def run_request(
    domain_id: UUID, display_name: str, schedule: Schedule, day: Any, note: str
) -> dict[str, Any]:
    """The stored job request (JSON) of a run of `schedule`: what to generate, and the
    selections resolved when the job runs."""
    generate: dict[str, Any] = {
        "domain": str(domain_id),
        "assignment_date": day.isoformat(),
        "name": f"{display_name} {day.isoformat()}"[:200],
        "description": note,
        "parameters": schedule.strategy_parameters.model_dump(mode="json", exclude_none=True),
        # A scheduled run follows the date's earlier run, as the predecessor's weekly
        # job did: that one is completed and becomes history.
        "replace": "complete",
    }
    if schedule.strategy is not None:
        generate["strategy"] = schedule.strategy
    return {
        "generate": generate,
        "selection": {
            "participants": schedule.participants.model_dump(mode="json", exclude_none=True),
            "targets": schedule.targets.model_dump(mode="json", exclude_none=True),
        },
    }


async def tick(conn: Connection, now: datetime | None = None) -> list[UUID]:
    """Claim every due run (see the module's decisions); the ids of the jobs made."""
    now = now or datetime.now(UTC)
    await job_queries.fail_abandoned_in_process(conn, jobs.IN_PROCESS_ABANDONED_SECONDS)
    domains = []
    for row in await queries.scheduled_domains(conn):
        schedule = _schedule(row.schedule)
        if schedule is None:
            log.warning("domain %s: stored schedule is invalid; skipped", row.name)
        elif schedule.enabled:
            domains.append((row, schedule))
    await queries.drop_cursors_except(conn, [d.id for d, _ in domains])
    made = []
    for domain, schedule in domains:
        job_id = await _claim(conn, domain, schedule, now)
        if job_id is not None:
            made.append(job_id)
    return made


async def _claim(
    conn: Connection, domain: ScheduledDomain, schedule: Schedule, now: datetime
) -> UUID | None:
    expr, zone = schedule.cron, schedule.timezone
    async with conn.transaction():
        await queries.arm(conn, domain.id, expr, zone, cron.next_after(expr, zone, now))
        cursor = await queries.lock_cursor(conn, domain.id)
        if cursor is None:
            return None  # another tick is on it
        if (cursor.cron, cursor.timezone) != (expr, zone):
            await queries.rearm(conn, domain.id, expr, zone, cron.next_after(expr, zone, now))
            log.info("schedule of %s changed: re-armed", domain.name)
            return None
        if cursor.next_due_at > now:
            return None
        due = cron.latest_at_or_before(expr, zone, now)
        missed = cron.count_between(expr, zone, cursor.next_due_at, due)
        day = cron.run_date(due, zone, schedule.date_offset_days)
        note = f"Scheduled run ({expr}, {zone}) due {due.isoformat()}"
        if missed:
            note += f"; {missed} earlier due time(s) missed while no worker ran were skipped"
        actor = await queries.active_user(conn, domain.created_by)
        row = await job_queries.insert_job(
            conn,
            source="schedule",
            mode="worker",
            request=run_request(domain.id, domain.display_name, schedule, day, note),
            actor_id=actor,
            requested_by=None,
            domain_id=domain.id,
            due_at=cron.utc(due),
            missed_runs=missed,
        )
        if row is not None:
            await job_queries.defer(conn, row.id)
        await queries.advance(conn, domain.id, cron.next_after(expr, zone, now))
    if row is None:
        return None
    log.info(
        "schedule of %s due %s claimed: job %s (date %s, %d missed skipped)",
        domain.name,
        due.isoformat(),
        row.id,
        day.isoformat(),
        missed,
    )
    return row.id


async def _domain(
    conn: Connection, principal: Principal | None, domain_id: UUID, needed: DomainRole
) -> DomainRow:
    """The domain, when the caller's role there reaches `needed` (404 unseen, 403)."""
    (await domain_access(conn, principal, domain_id)).require(needed)
    row = await domain_queries.get_domain(conn, domain_id)
    if row is None:
        raise NotFound("Domain not found", details={"id": str(domain_id)})
    return row


async def view(
    conn: Connection,
    principal: Principal | None,
    domain_id: UUID,
    count: int,
    now: datetime | None = None,
) -> ScheduleRead:
    """The domain's schedule: next due times and recent jobs (a reader of the domain)."""
    now = now or datetime.now(UTC)
    domain = await _domain(conn, principal, domain_id, "viewer")
    raw = stored_object(domain.configuration).get("schedule")
    schedule = _schedule(raw) if raw is not None else None
    active = bool(schedule and schedule.enabled and domain.is_active)
    cursor = await queries.get_cursor(conn, domain_id) if active else None
    next_runs: list[NextRun] = []
    pending = None
    if schedule is not None and active:
        expr, zone = schedule.cron, schedule.timezone
        if (
            cursor is not None
            and (cursor.cron, cursor.timezone) == (expr, zone)
            and cursor.next_due_at <= now
        ):
            pending = cursor.next_due_at
        next_runs = [
            NextRun(
                at=at,
                at_utc=cron.utc(at),
                assignment_date=cron.run_date(at, zone, schedule.date_offset_days),
            )
            for at in cron.upcoming(expr, zone, now, count)
        ]
    recent = await job_queries.domain_jobs(conn, domain_id, RECENT_JOBS)
    return ScheduleRead(
        domain_id=domain.id,
        domain=domain.name,
        schedule=raw,
        active=active,
        timezone=schedule.timezone if schedule else None,
        next_runs=next_runs,
        pending_catch_up=pending,
        cursor=CursorRead.model_validate(cursor) if cursor else None,
        recent_jobs=[JobRead.from_row(r) for r in recent],
    )


async def run_now(
    conn: Connection, settings: Settings, principal: Principal, domain_id: UUID
) -> JobRead:
    """A run of the schedule now (not counted as a due time), by the caller (a manager
    of the domain)."""
    actor = principal.id
    domain = await _domain(conn, principal, domain_id, "manager")
    raw = stored_object(domain.configuration).get("schedule")
    schedule = _schedule(raw) if raw is not None else None
    if schedule is None:
        raise BusinessRuleViolation(
            "The domain has no schedule", details="set configuration.schedule first"
        )
    if not domain.is_active:
        raise BusinessRuleViolation("The domain is inactive")
    now = datetime.now(UTC)
    day = cron.run_date(now, schedule.timezone, schedule.date_offset_days)
    return await jobs.submit(
        conn,
        settings,
        source="manual",
        request=run_request(
            domain.id,
            domain.display_name,
            schedule,
            day,
            f"Run now of the schedule, {now.isoformat()}",
        ),
        actor_id=actor,
        requested_by=actor,
        domain_id=domain.id,
    )
