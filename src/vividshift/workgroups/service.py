"""The predecessor's work groups, on the engine and tables of VividShift.

How it maps (decisions):
- Everything lives in the domain **`work-groups`**, created on first use with the
  predecessor's rules as *data*: configuration `{default_strategy: balanced_rotation,
  constraints: {max_assignments_per_participant: 1}}` (balanced_rotation's default
  no-repeat window is the last 2 runs), and business rules "group A never does
  Toilet B", "group B never does Toilet A". Edit them with PATCH /api/domains/{id}.
- **People** are participants found by name among those tagged
  `metadata.domain = "work-groups"` (created when missing). `names_a` / `names_b` set
  their `metadata.group` to "A" / "B" (and reactivate them): the request is the truth
  about groups. Participants outside the domain are never touched, even with the
  same name.
- **Chores** are targets found the same way; `custom_assignments` sets their
  `required_count`. A new target gets the default constraints of `TARGET_DEFAULTS`
  (the scarce chore "Toilet B" only checks the single latest run:
  `constraints.no_repeat_window = 1`), editable with PATCH /api/targets/{id}.
- A generation is a normal run of that domain dated today: it is in GET
  /api/assignments, can be edited and exported. `attempt_number` is always 1 (the
  solver is exact; the predecessor counted its retries).
- **History**: per date, the latest non-cancelled run of the domain (imported legacy
  runs included).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from vividshift.assignments import generation
from vividshift.assignments.schemas import GenerateRequest
from vividshift.db import Connection, transaction
from vividshift.errors import ValidationFailed
from vividshift.participants import queries as participant_queries
from vividshift.targets import queries as target_queries
from vividshift.workgroups import queries
from vividshift.workgroups.schemas import (
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
HISTORY_DAYS = 366


async def ensure_domain(conn: Connection) -> dict[str, Any]:
    return await queries.ensure_domain(conn, DOMAIN_DEFAULTS)


async def ensure_people(
    conn: Connection, actor: UUID | None, groups: Mapping[str, str | None]
) -> dict[str, UUID]:
    """name → participant id; creates the missing ones, sets group (when not None)."""
    names = list(groups)
    found = await queries.members_by_name(conn, "participants", DOMAIN, names)
    missing = [n for n in names if n not in found]
    if missing:
        rows = [
            {
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
        found = await queries.members_by_name(conn, "participants", DOMAIN, names)
    for name, row in found.items():
        group = groups[name]
        metadata = dict(row["metadata"] or {})
        if (group is not None and metadata.get("group") != group) or not row["is_active"]:
            if group is not None:
                metadata["group"] = group
            await participant_queries.update_participant(
                conn, row["id"], {"metadata": metadata, "is_active": True}
            )
    return {n: found[n]["id"] for n in names}


async def ensure_chores(
    conn: Connection, actor: UUID | None, counts: dict[str, int | None]
) -> dict[str, UUID]:
    """name → target id; creates the missing ones; sets required_count when not None."""
    names = list(counts)
    found = await queries.members_by_name(conn, "assignment_targets", DOMAIN, names)
    missing = [n for n in names if n not in found]
    if missing:
        rows: list[dict[str, Any]] = [
            {
                "name": n,
                "description": None,
                "required_count": counts[n] or 1,
                "required_skills": [],
                "constraints": TARGET_DEFAULTS.get(n, {}),
                "metadata": {"domain": DOMAIN},
                "is_active": True,
            }
            for n in missing
        ]
        await target_queries.insert_targets(conn, rows, actor)
        found = await queries.members_by_name(conn, "assignment_targets", DOMAIN, names)
    for name, row in found.items():
        changes: dict[str, Any] = {}
        if counts[name] is not None and row["required_count"] != counts[name]:
            changes["required_count"] = counts[name]
        if not row["is_active"]:
            changes["is_active"] = True
        if changes:
            await target_queries.update_target(conn, row["id"], changes)
    return {n: found[n]["id"] for n in names}


def _info(timestamp: datetime, people: int, assignments: int) -> GenerationInfo:
    return GenerationInfo(
        attempt_number=1,
        timestamp=timestamp.astimezone(UTC).isoformat(),
        total_people=people,
        total_assignments=assignments,
    )


async def generate(conn: Connection, actor: UUID, body: WorkGroupsRequest) -> WorkGroupsResult:
    """Upsert people and chores, then one generation of the work-groups domain; all in
    one transaction."""
    groups = {n: "A" for n in body.names_a} | {n: "B" for n in body.names_b}
    async with transaction(conn, acting_user=actor):
        await ensure_domain(conn)
        people = await ensure_people(conn, actor, groups)
        if body.custom_assignments:
            chores = await ensure_chores(conn, actor, dict(body.custom_assignments))
            order = list(body.custom_assignments)
        else:
            rows = await queries.active_targets(conn, DOMAIN)
            if not rows:
                raise ValidationFailed(
                    "No chores", details="send custom_assignments: {chore: count}"
                )
            chores = {r["name"]: r["id"] for r in rows}
            order = list(chores)
        result = await generation.generate(
            conn,
            actor,
            GenerateRequest(
                domain=DOMAIN,
                participants=list(people.values()),
                targets=list(chores.values()),
                name=f"Work groups {datetime.now(UTC).date().isoformat()}",
            ),
        )
    by_target: dict[str, list[str]] = {name: [] for name in order}
    for a in result.assignments:
        by_target[a.metadata["target_name"]].append(a.metadata["participant_name"])
    return WorkGroupsResult(
        assignments=by_target,
        generation_info=_info(result.created_at, len(people), len(result.assignments)),
        assignment_id=str(result.id),
    )


async def history(conn: Connection, limit: int = HISTORY_DAYS) -> WorkGroupsHistory:
    runs = await queries.latest_runs_per_day(conn, DOMAIN, limit)
    if not runs:
        return WorkGroupsHistory(history={}, last_updated=None)
    pairs = await queries.run_pairs_by_name(conn, [r["id"] for r in runs])
    by_run: dict[UUID, dict[str, list[str]]] = {r["id"]: {} for r in runs}
    for p in pairs:
        by_run[p["assignment_id"]].setdefault(p["target"], []).append(p["person"])
    days: dict[str, HistoryDay] = {}
    for run in sorted(runs, key=lambda r: r["assignment_date"]):
        chores = by_run[run["id"]]
        people = {name for names in chores.values() for name in names}
        days[run["assignment_date"].isoformat()] = HistoryDay(
            assignments=chores,
            generation_info=_info(
                run["created_at"], len(people), sum(len(v) for v in chores.values())
            ),
        )
    last = max(r["updated_at"] for r in runs)
    return WorkGroupsHistory(history=days, last_updated=last.astimezone(UTC).isoformat())
