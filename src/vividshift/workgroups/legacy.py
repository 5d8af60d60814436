"""Legacy history import (`vividshift import legacy-history FILE`): continue the
predecessor's rotation.

The file is the predecessor's history (shared/data/lodge/README.md):
`{"assignments": {person: [latest, previous, …]}}` — each resident's most recent
chores, most recent first (an entry may also be a list of chores).

Each position becomes one completed run of the `work-groups` domain: entry 0 dated
`--date` (default: the YYYY-MM-DD in the file name, else today), entry k dated k days
earlier (the real dates are not in the file; only their order matters to the rotation,
and `metadata.date_estimated` says so). People and chores are found or created by name
in the domain, as the work-groups endpoint does. Groups are inferred where the domain's
group rules make a chore reveal one (someone who did "Toilet A", which group B never
does, is in group A); a person whose group is already set keeps it, and contradictory
evidence leaves them ungrouped. Re-importing the same file (same name and date) skips
the runs already imported. Everything is one transaction.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID

from vividshift.assignments import queries as run_queries
from vividshift.db import Connection, transaction
from vividshift.domains.rows import DomainRow
from vividshift.engine import infer_groups
from vividshift.errors import ValidationFailed
from vividshift.stored_json import stored_list
from vividshift.workgroups import queries as wg_queries
from vividshift.workgroups import service as workgroups

MAX_PEOPLE = 10_000
MAX_RUNS = 100
DATE_IN_NAME = re.compile(r"(\d{4}-\d{2}-\d{2})")


@dataclass
class ImportSummary:
    runs_created: int = 0
    runs_skipped: int = 0
    details: int = 0
    people: int = 0
    chores: int = 0
    groups: dict[str, str | None] = field(default_factory=dict)

    def line(self) -> str:
        grouped = sum(g is not None for g in self.groups.values())
        return (
            f"imported {self.runs_created} run(s) ({self.runs_skipped} already there), "
            f"{self.details} assignments of {self.people} people to {self.chores} chores; "
            f"{grouped} people with an inferred group"
        )


def parse_history(raw: bytes) -> list[dict[str, list[str]]]:
    """The file as a list of runs (latest first): person → chores of that run."""
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError) as exc:
        raise ValidationFailed("Not a JSON file", details=str(exc)) from None
    people = data.get("assignments") if isinstance(data, dict) else None
    if not isinstance(people, dict) or not people:
        raise ValidationFailed('Expected {"assignments": {person: [latest, previous, …]}}')
    if len(people) > MAX_PEOPLE:
        raise ValidationFailed(f"At most {MAX_PEOPLE} people")
    runs: list[dict[str, list[str]]] = []
    for person, entries in people.items():
        if not _name_ok(person) or not isinstance(entries, list) or len(entries) > MAX_RUNS:
            raise ValidationFailed("Bad entry", details={"person": str(person)[:200]})
        for k, entry in enumerate(entries):
            chores = [entry] if isinstance(entry, str) else entry
            if not isinstance(chores, list) or not all(_name_ok(c) for c in chores):
                raise ValidationFailed("Bad chore", details={"person": person, "index": k})
            while len(runs) <= k:
                runs.append({})
            if chores:
                runs[k][person.strip()] = [c.strip() for c in chores]
    return runs


def _name_ok(value: Any) -> bool:
    return isinstance(value, str) and 0 < len(value.strip()) <= 200 and "\x00" not in value


def date_from_name(name: str) -> date | None:
    found = DATE_IN_NAME.search(name)
    if not found:
        return None
    try:
        return date.fromisoformat(found.group(1))
    except ValueError:
        return None


def _markers(domain: DomainRow) -> dict[str, str]:
    """chore → the one group allowed to do it, from the domain's group exclusions."""
    excluded: dict[str, set[str]] = {}
    groups: set[str] = set()
    for rule in stored_list(domain.business_rules):
        if rule.get("type") == "group_exclusion" and rule.get("severity", "error") == "error":
            excluded.setdefault(rule["target"], set()).add(rule["group"])
            groups.add(rule["group"])
    markers = {}
    for chore, banned in excluded.items():
        allowed = groups - banned
        if len(allowed) == 1:
            markers[chore] = next(iter(allowed))
    return markers


async def import_legacy_history(
    conn: Connection,
    raw: bytes,
    *,
    source: str,
    latest: date | None = None,
    actor: UUID | None = None,
) -> ImportSummary:
    """Import the snapshots of a legacy history file as completed runs (newest first, one
    day apart before `latest`); runs already imported from `source` are skipped."""
    runs = parse_history(raw)
    latest = latest or date_from_name(source) or datetime.now(UTC).date()
    summary = ImportSummary()
    async with transaction(conn, acting_user=actor):
        domain = await workgroups.ensure_domain(conn)
        groups = await _groups_to_set(conn, domain, runs)
        people = await workgroups.ensure_people(conn, actor, groups)
        targets = await _ensure_chores(conn, actor, runs)
        for k, run in enumerate(runs):
            if await wg_queries.imported_run_exists(conn, workgroups.DOMAIN, source, k):
                summary.runs_skipped += 1
                continue
            day = latest - timedelta(days=k)
            details = _place_rows(run, people, targets)
            await _insert_imported_run(conn, domain, source, k, day, details, actor)
            summary.runs_created += 1
            summary.details += len(details)
    summary.people, summary.chores, summary.groups = len(people), len(targets), groups
    return summary


async def _groups_to_set(
    conn: Connection, domain: DomainRow, runs: list[dict[str, list[str]]]
) -> dict[str, str | None]:
    """Per person of the file, the group inferred from the runs; None for people who
    already have one (a group set by hand is kept)."""
    names = sorted({p for run in runs for p in run})
    existing = await wg_queries.participants_by_name(conn, workgroups.DOMAIN, names)
    inferred = infer_groups(runs, _markers(domain), default=None)
    groups: dict[str, str | None] = {}
    for name in names:
        known = existing.get(name)
        current = ((known.metadata if known else None) or {}).get("group")
        groups[name] = None if current else inferred.get(name)
    return groups


async def _ensure_chores(
    conn: Connection, actor: UUID | None, runs: list[dict[str, list[str]]]
) -> dict[str, UUID]:
    """The file's chores by name; existing chores keep their count, new ones get the
    largest count seen in a run."""
    chores = sorted({c for run in runs for cs in run.values() for c in cs})
    counts = {c: max(sum(c in cs for cs in run.values()) for run in runs) for c in chores}
    found = await wg_queries.targets_by_name(conn, workgroups.DOMAIN, chores)
    return await workgroups.ensure_chores(
        conn, actor, {c: (None if c in found else counts[c]) for c in chores}
    )


def _place_rows(
    run: dict[str, list[str]], people: dict[str, UUID], targets: dict[str, UUID]
) -> list[tuple[str, str, int, dict[str, Any]]]:
    """One snapshot's places as detail rows, numbered per chore in name order."""
    details = []
    position: dict[str, int] = {}
    for person in sorted(run):
        for chore in run[person]:
            position[chore] = position.get(chore, 0) + 1
            details.append(
                (
                    str(people[person]),
                    str(targets[chore]),
                    position[chore],
                    {"strategy": "legacy_import", "imported": True},
                )
            )
    return details


async def _insert_imported_run(
    conn: Connection,
    domain: DomainRow,
    source: str,
    k: int,
    day: date,
    details: list[tuple[str, str, int, dict[str, Any]]],
    actor: UUID | None,
) -> None:
    """The `k`-th snapshot (0: the latest) as a completed run with its places and an
    `import` history row."""
    row = await run_queries.insert_assignment(
        conn,
        {
            "name": f"Imported from {source} ({'latest' if k == 0 else f'{k} before'})",
            "description": None,
            "assignment_date": day,
            "strategy_used": "legacy_import",
            "configuration": {
                "domain": workgroups.DOMAIN,
                "domain_id": str(domain.id),
                "imported": {"source": source, "index": k},
            },
            "metadata": {"imported": True, "source": source, "date_estimated": k > 0},
            "created_by": actor,
            "status": "completed",
            "domain_id": domain.id,
        },
    )
    await run_queries.copy_details(conn, row.id, details)
    await run_queries.insert_history(
        conn, row.id, "import", {"source": source, "index": k, "details": len(details)}
    )
