"""The predecessor's work groups, on the engine and tables of VividShift.

How it maps (decisions):
- Everything lives in the domain **`work-groups`**, created on first use with the
  predecessor's rules as *data*: configuration `{default_strategy: balanced_rotation,
  constraints: {max_assignments_per_participant: 1}}` (balanced_rotation's default
  no-repeat window is the last 2 runs), and business rules "group A never does
  Toilet B", "group B never does Toilet A". Edit them with PATCH /api/domains/{id}.
- **People** are participants of the domain (`domain_id`) found by name (created
  there when missing; `metadata.domain` still names it, a label only). `names_a` / `names_b` set
  their `metadata.group` to "A" / "B" (and reactivate them): the request is the truth
  about groups. Participants outside the domain are never touched, even with the
  same name.
- **Access**: the domain is open to every account with its global role, like
  `default` (`vividshift.domains.access.OPEN_DOMAINS`): a global user manages it, a
  viewer reads it.
- **Chores** are targets found the same way; `custom_assignments` sets their
  `required_count`. A new target gets the default constraints of `TARGET_DEFAULTS`
  (the scarce chore "Toilet B" only checks the single latest run:
  `constraints.no_repeat_window = 1`), editable with PATCH /api/targets/{id}.
- **No `custom_assignments`** (absent or `{}`): the domain's active chores with their
  stored counts. When the domain has no chore at all (a fresh install), the
  predecessor's defaults `DEFAULT_CHORES` (its `[work_assignments]`: 18 places) are
  stored first and used. GET /api/work-groups/assignments answers those defaults until
  then (a read writes nothing); POST /api/work-groups/assignments (admin) sets the
  chores and their order, deactivating the ones it does not list.
- **Stored order** of the chores: `metadata.order` (set from the defaults and by POST
  /api/work-groups/assignments), then chores added since, oldest first. A generation
  with `custom_assignments` answers in the request's order.
- **Fewer people than places**: each person may take up to ceil(places / people)
  chores (never the same chore twice), as the predecessor's examples show; with at
  least as many people as places (or a higher limit in the domain) the domain's
  `max_assignments_per_participant` stands.
- A generation is a normal run of that domain dated today: it is in GET
  /api/assignments, can be edited and exported. `attempt_number` is always 1 (the
  solver is exact; the predecessor counted its retries). Every generation is sent with
  `replace="complete"`: today's earlier active run, if any, is completed first and
  becomes history, so regenerating the same day (the predecessor's weekly job and
  scripts) rotates instead of repeating.
- **History**: every non-cancelled run of the domain (imported legacy runs included),
  ordered by (assignment_date, created_at). Keys: "YYYY-MM-DD" for the first run of a
  date, "YYYY-MM-DD.2", "YYYY-MM-DD.3", … for later runs of the same date. `days`
  counts dates: the runs of the `days` most recent dates that have runs.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from math import ceil
from typing import Any
from uuid import UUID

from vividshift.assignments import generation
from vividshift.assignments.schemas import ConstraintIn, GenerateRequest
from vividshift.auth.deps import Principal
from vividshift.db import Connection, transaction
from vividshift.domains.rows import DomainRow
from vividshift.errors import ValidationFailed
from vividshift.participants import queries as participant_queries
from vividshift.stored_json import stored_object
from vividshift.targets import queries as target_queries
from vividshift.targets.rows import TargetRow
from vividshift.workgroups import queries
from vividshift.workgroups.schemas import (
    ChoreCounts,
    ChoreCountsUpdate,
    GenerationInfo,
    HistoryDay,
    WorkGroupsHistory,
    WorkGroupsRequest,
    WorkGroupsResult,
)

DOMAIN = "work-groups"
DOMAIN_DEFAULTS: dict[str, Any] = {
    "name": DOMAIN,
    "display_name": "Work groups",
    "description": "The predecessor's chore rotation: groups A/B, per-chore counts, no "
    "repeat of the last two chores (Toilet B: the latest only).",
    "configuration": {
        "default_strategy": "balanced_rotation",
        "strategy_parameters": {},
        "validators": [
            {"name": "capacity_check", "severity": "error", "parameters": {}},
            {"name": "availability_check", "severity": "error", "parameters": {}},
        ],
        "constraints": {"max_assignments_per_participant": 1},
    },
    "business_rules": [
        {
            "type": "group_exclusion",
            "group": "A",
            "target": "Toilet B",
            "severity": "error",
            "description": "group A never does Toilet B",
        },
        {
            "type": "group_exclusion",
            "group": "B",
            "target": "Toilet A",
            "severity": "error",
            "description": "group B never does Toilet A",
        },
    ],
}
TARGET_DEFAULTS: dict[str, dict[str, Any]] = {"Toilet B": {"no_repeat_window": 1}}
# The predecessor's chores and counts (its `[work_assignments]`), in its order.
DEFAULT_CHORES: dict[str, int] = {
    "Parlor": 5,
    "Frontyard": 3,
    "Backyard": 1,
    "Tank": 2,
    "Toilet B": 4,
    "Toilet A": 2,
    "Bin": 1,
}
HISTORY_DAYS = 366


async def ensure_domain(conn: Connection) -> DomainRow:
    return await queries.ensure_domain(conn, DOMAIN_DEFAULTS)


async def ensure_people(
    conn: Connection, actor: UUID | None, groups: Mapping[str, str | None]
) -> dict[str, UUID]:
    """name → participant id; creates the missing ones, sets group (when not None)."""
    domain_id = (await ensure_domain(conn)).id
    names = list(groups)
    found = await queries.participants_by_name(conn, DOMAIN, names)
    missing = [n for n in names if n not in found]
    if missing:
        rows = [
            {
                "domain_id": str(domain_id),
                "name": n,
                "metadata": {"domain": DOMAIN} | ({"group": groups[n]} if groups[n] else {}),
                "skills": [],
                "availability": {},
                "preferences": {},
                "is_active": True,
            }
            for n in missing
        ]
        await participant_queries.insert_participants(conn, rows, actor)
        found = await queries.participants_by_name(conn, DOMAIN, names)
    for name, row in found.items():
        group = groups[name]
        metadata = dict(row.metadata or {})
        if (group is not None and metadata.get("group") != group) or not row.is_active:
            if group is not None:
                metadata["group"] = group
            await participant_queries.update_participant(
                conn, row.id, {"metadata": metadata, "is_active": True}
            )
    return {n: found[n].id for n in names}


async def ensure_chores(
    conn: Connection, actor: UUID | None, counts: dict[str, int | None], *, ordered: bool = False
) -> dict[str, UUID]:
    """name → target id; creates the missing ones; sets required_count when not None;
    `ordered`: makes the order of `counts` the chores' stored order."""
    domain_id = (await ensure_domain(conn)).id
    names = list(counts)
    order = {n: i for i, n in enumerate(names)} if ordered else {}
    found = await queries.targets_by_name(conn, DOMAIN, names)
    missing = [n for n in names if n not in found]
    if missing:
        rows: list[dict[str, Any]] = [
            {
                "domain_id": str(domain_id),
                "name": n,
                "description": None,
                "required_count": counts[n] or 1,
                "required_skills": [],
                "constraints": TARGET_DEFAULTS.get(n, {}),
                "metadata": {"domain": DOMAIN} | ({"order": order[n]} if ordered else {}),
                "is_active": True,
            }
            for n in missing
        ]
        await target_queries.insert_targets(conn, rows, actor)
        found = await queries.targets_by_name(conn, DOMAIN, names)
    for name, row in found.items():
        changes: dict[str, Any] = {}
        if counts[name] is not None and row.required_count != counts[name]:
            changes["required_count"] = counts[name]
        if not row.is_active:
            changes["is_active"] = True
        metadata = dict(row.metadata or {})
        if ordered and metadata.get("order") != order[name]:
            changes["metadata"] = metadata | {"order": order[name]}
        if changes:
            await target_queries.update_target(conn, row.id, changes)
    return {n: found[n].id for n in names}


def _info(timestamp: datetime, people: int, assignments: int) -> GenerationInfo:
    return GenerationInfo(
        attempt_number=1,
        timestamp=timestamp.astimezone(UTC).isoformat(),
        total_people=people,
        total_assignments=assignments,
    )


async def _stored_chores(conn: Connection, actor: UUID | None) -> list[TargetRow]:
    """The active chores; the defaults, stored first, on a fresh install."""
    if not await queries.has_targets(conn, DOMAIN):
        await ensure_chores(conn, actor, dict(DEFAULT_CHORES), ordered=True)
    rows = await queries.active_targets(conn, DOMAIN)
    if not rows:
        raise ValidationFailed(
            "No active chores",
            details="send custom_assignments: {chore: count}, or set the chores with "
            "POST /api/work-groups/assignments",
        )
    return rows


def _share_limit(domain: DomainRow, people: int, places: int) -> list[ConstraintIn]:
    """With fewer people than places, each may take ceil(places / people) chores (or the
    domain's own limit, when that is higher)."""
    configured = stored_object(stored_object(domain.configuration).get("constraints")).get(
        "max_assignments_per_participant"
    )
    current = configured if isinstance(configured, int) and configured > 0 else 1
    if people == 0 or ceil(places / people) <= current:
        return []
    return [
        ConstraintIn(
            name="max_assignments_per_participant",
            constraint_type="limit",
            parameters={"max": ceil(places / people)},
        )
    ]


async def generate(
    conn: Connection, principal: Principal | None, body: WorkGroupsRequest
) -> WorkGroupsResult:
    """Upsert people and chores, then one generation of the work-groups domain (today's
    earlier active run completed first); all in one transaction."""
    groups = {n: "A" for n in body.names_a} | {n: "B" for n in body.names_b}
    actor = principal.id if principal else None
    async with transaction(conn, acting_user=actor):
        domain = await ensure_domain(conn)
        people = await ensure_people(conn, actor, groups)
        if body.custom_assignments:
            counts = dict(body.custom_assignments)
            chores = await ensure_chores(conn, actor, dict(counts))
        else:
            rows = await _stored_chores(conn, actor)
            counts = {r.name: r.required_count for r in rows}
            chores = {r.name: r.id for r in rows}
        result = await generation.generate(
            conn,
            principal,
            GenerateRequest(
                domain=DOMAIN,
                participants=list(people.values()),
                targets=list(chores.values()),
                constraints=_share_limit(domain, len(people), sum(counts.values())),
                name=f"Work groups {datetime.now(UTC).date().isoformat()}",
                replace="complete",
            ),
        )
    by_target: dict[str, list[str]] = {name: [] for name in counts}
    for a in result.assignments:
        by_target[a.metadata["target_name"]].append(a.metadata["participant_name"])
    return WorkGroupsResult(
        assignments=by_target,
        generation_info=_info(result.created_at, len(people), len(result.assignments)),
        assignment_id=str(result.id),
        warnings=body.warnings(),
    )


async def chore_counts(conn: Connection) -> ChoreCounts:
    """The active chores and their counts in stored order (the defaults on a fresh
    install, without writing them)."""
    if not await queries.has_targets(conn, DOMAIN):
        return ChoreCounts(dict(DEFAULT_CHORES))
    rows = await queries.active_targets(conn, DOMAIN)
    return ChoreCounts({r.name: r.required_count for r in rows})


async def set_chore_counts(conn: Connection, actor: UUID, body: ChoreCountsUpdate) -> ChoreCounts:
    """Make `body` the chores (counts and order); the chores it does not list are
    deactivated. One transaction."""
    async with transaction(conn, acting_user=actor):
        await ensure_domain(conn)
        chores = await ensure_chores(conn, actor, dict(body.root), ordered=True)
        await queries.deactivate_targets_except(conn, DOMAIN, list(chores.values()))
        rows = await queries.active_targets(conn, DOMAIN)
    return ChoreCounts({r.name: r.required_count for r in rows})


async def history(conn: Connection, days: int = HISTORY_DAYS) -> WorkGroupsHistory:
    """Every non-cancelled run of the `days` most recent dates, keyed "YYYY-MM-DD" (the
    date's first run), "YYYY-MM-DD.2", … (later runs of that date)."""
    runs = await queries.runs_by_day(conn, DOMAIN, days)
    if not runs:
        return WorkGroupsHistory(history={}, last_updated=None)
    pairs = await queries.run_pairs_by_name(conn, [r.id for r in runs])
    by_run: dict[UUID, dict[str, list[str]]] = {r.id: {} for r in runs}
    for p in pairs:
        by_run[p.assignment_id].setdefault(p.target, []).append(p.person)
    entries: dict[str, HistoryDay] = {}
    for run in runs:
        chores = by_run[run.id]
        people = {name for names in chores.values() for name in names}
        entries[queries.run_date_key(run.assignment_date, run.n)] = HistoryDay(
            assignments=chores,
            generation_info=_info(
                run.created_at, len(people), sum(len(v) for v in chores.values())
            ),
        )
    last = max(r.updated_at for r in runs)
    return WorkGroupsHistory(history=entries, last_updated=last.astimezone(UTC).isoformat())
