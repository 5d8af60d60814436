"""A participant's absences: who may see and change them, and what they mean in time.

- Reading needs any role in the participant's domain; adding or removing needs the
  manager role, or the member whose account the participant is linked to
  (`participants.user_id`): people record their own holidays. Another domain's
  participant (or one the caller may not see) is a 404.
- `{start, end}` as dates are whole local days in the domain's zone, `end` included; as
  date-times they are instants (naive ones local wall times), `end` excluded. Stored as
  UTC instants (half-open); every planner and edit reads them through the engine's one
  eligibility mechanism.
- The answer to adding one lists the active turn runs that place the person during it,
  and for those not started a re-plan proposal is made at once (fewest changes; see
  `rota.replanning`): its id is in the answer, for a manager to review and apply.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from uuid import UUID
from zoneinfo import ZoneInfo

from vividshift.assignments.rules import house_of
from vividshift.auth.deps import Principal
from vividshift.db import Connection, transaction
from vividshift.domains import queries as domain_queries
from vividshift.domains.access import Access, row_access
from vividshift.domains.rows import DomainRow
from vividshift.errors import AppError, NotFound, ValidationFailed
from vividshift.participants import queries as participant_queries
from vividshift.participants.rows import ParticipantRow
from vividshift.rota import queries
from vividshift.rota.moments import instant
from vividshift.rota.replanning import propose_for
from vividshift.rota.rows import AbsenceRow, PlacedRun
from vividshift.rota.schemas import AbsenceCreate, AbsenceRead

ABSENCE_REPLAN_TIME_LIMIT_S = 10.0


def _not_found(participant_id: UUID) -> NotFound:
    return NotFound("Participant not found", details={"id": str(participant_id)})


async def _participant(
    conn: Connection, principal: Principal, participant_id: UUID
) -> tuple[ParticipantRow, Access]:
    row = await participant_queries.get_participant(conn, participant_id)
    if row is None:
        raise _not_found(participant_id)
    return row, await row_access(conn, principal, row.domain_id, _not_found(participant_id))


def _require_own_or_manager(access: Access, principal: Principal, row: ParticipantRow) -> None:
    if access.role == "member" and row.user_id == principal.id:
        return
    access.require("manager")


def _read(row: AbsenceRow, runs: list[PlacedRun] | None = None) -> AbsenceRead:
    return AbsenceRead(
        id=row.id,
        participant_id=row.participant_id,
        domain_id=row.domain_id,
        start=row.starts_at,
        end=row.ends_at,
        reason=row.reason,
        created_by=row.created_by,
        created_at=row.created_at,
        published_turns=[r.id for r in runs or []],
    )


async def list_absences(
    conn: Connection, principal: Principal, participant_id: UUID
) -> list[AbsenceRead]:
    """The participant's absences, earliest first."""
    async with conn.transaction():
        await _participant(conn, principal, participant_id)
        return [_read(r) for r in await queries.list_absences(conn, participant_id)]


async def create_absence(
    conn: Connection, principal: Principal, participant_id: UUID, body: AbsenceCreate
) -> AbsenceRead:
    """Record a time away (the member themselves, or a manager)."""
    async with transaction(conn, acting_user=principal.id):
        row, access = await _participant(conn, principal, participant_id)
        _require_own_or_manager(access, principal, row)
        found = await domain_queries.get_domain(conn, row.domain_id)
        assert found is not None  # the participant's domain (a foreign key)
        domain = found
        zone = ZoneInfo(house_of(domain).timezone)
        start = instant(body.start, zone)
        # A date as the end is that whole local day: the absence ends at the next midnight.
        end_value = body.end
        if not isinstance(end_value, datetime) and isinstance(end_value, date):
            end_value = end_value + timedelta(days=1)
        end = instant(end_value, zone)
        if end <= start:
            raise ValidationFailed(
                "An absence must end after it starts",
                details={"start": start.isoformat(), "end": end.isoformat()},
            )
        created = await queries.insert_absence(
            conn,
            {
                "participant_id": participant_id,
                "domain_id": row.domain_id,
                "starts_at": start,
                "ends_at": end,
                "reason": body.reason,
                "created_by": principal.id,
            },
        )
        runs = await queries.placed_turn_runs(conn, participant_id, start, end)
        proposal, trouble = await _replan_proposal(conn, domain, principal, runs)
        return _read(created, runs).model_copy(
            update={"replan_proposal": proposal, "replan_problem": trouble}
        )


async def _replan_proposal(
    conn: Connection, domain: DomainRow, principal: Principal, runs: list[PlacedRun]
) -> tuple[UUID | None, str | None]:
    """A re-plan proposal for the published turns the absence touches (none started): a
    manager reviews and applies it. When no valid plan exists the absence still stands
    and the answer says why; the turns keep their people until someone decides."""
    upcoming = [r for r in runs if r.turn_start > datetime.now(UTC)]
    if not upcoming:
        return None, None
    try:
        async with conn.transaction():
            plan = await propose_for(
                conn,
                domain,
                principal.id,
                upcoming[0].turn_start,
                upcoming[-1].turn_start + timedelta(microseconds=1),
                ABSENCE_REPLAN_TIME_LIMIT_S,
            )
    except AppError as exc:
        return None, exc.message
    return plan.id, None


async def delete_absence(
    conn: Connection, principal: Principal, participant_id: UUID, absence_id: UUID
) -> None:
    """Remove an absence (the member themselves, or a manager)."""
    async with transaction(conn, acting_user=principal.id):
        row, access = await _participant(conn, principal, participant_id)
        _require_own_or_manager(access, principal, row)
        if not await queries.delete_absence(conn, participant_id, absence_id):
            raise NotFound("Absence not found", details={"id": str(absence_id)})
