"""The lodge end to end over HTTP: its real history imported, then 26 rotations in a row —
on one day through the predecessor's endpoint, and on consecutive weeks through the
native one. Each fills every chore, keeps both group rules and repeats nobody's latest
chore; the per-person chore counts over the 26 runs are printed (run with -s)."""

import json
import tomllib
from collections import Counter
from datetime import date, timedelta

import httpx
import pytest

from tests.conftest import SHARED
from vividshift.db import Connection
from vividshift.engine import infer_groups
from vividshift.workgroups.legacy import import_legacy_history

LODGE = SHARED / "data" / "lodge"
SNAPSHOT = LODGE / "history-2025-10-13.json"
RUNS = 26
pytestmark = pytest.mark.skipif(not SNAPSHOT.exists(), reason=f"no lodge data at {LODGE}")


def _lodge() -> tuple[dict[str, int], dict[str, str]]:
    chores = tomllib.loads((LODGE / "chores.toml").read_text())["work_assignments"]
    snapshots = [
        json.loads(f.read_text())["assignments"]
        for f in sorted((LODGE / "history").glob("*.json"))
        if f.name <= "20251013-999999"
    ]
    groups = infer_groups(snapshots, {"Toilet A": "A", "Toilet B": "B"})
    assert None not in groups.values() and len(groups) == 18
    return chores, {person: str(group) for person, group in groups.items()}


async def _import(db: Connection) -> dict[str, str]:
    """The snapshot imported; each person's latest chore."""
    await import_legacy_history(db, SNAPSHOT.read_bytes(), source=SNAPSHOT.name)
    recent = json.loads(SNAPSHOT.read_text())["assignments"]
    return {person: chores[0] for person, chores in recent.items()}


def _check_rotation(
    by_chore: dict[str, list[str]],
    chores: dict[str, int],
    groups: dict[str, str],
    latest: dict[str, str],
) -> None:
    """The house's rules, from its README (an independent reading of the result)."""
    assert {chore: len(names) for chore, names in by_chore.items()} == chores
    placed = [name for names in by_chore.values() for name in names]
    assert sorted(placed) == sorted(groups)  # everyone exactly once
    for chore, names in by_chore.items():
        for name in names:
            assert not (groups[name] == "A" and chore == "Toilet B"), name
            assert not (groups[name] == "B" and chore == "Toilet A"), name
            assert latest[name] != chore, f"{name} repeats {chore}"


def _report(
    title: str, tally: Counter[tuple[str, str]], chores: dict[str, int], groups: dict[str, str]
) -> None:
    """Per chore, the counts of the people who may do it (Toilet A: group A only, …)."""
    print(f"\n{title}: per-person chore counts over {RUNS} runs (spread = max - min)")
    barred = {"Toilet A": "B", "Toilet B": "A"}
    for chore in chores:
        counts = [tally[(p, chore)] for p in sorted(groups) if groups[p] != barred.get(chore)]
        print(f"  {chore:10} counts {sorted(counts)} spread {max(counts) - min(counts)}")


async def test_26_rotations_on_one_day(client: httpx.AsyncClient, db: Connection, auth_headers):
    headers = await auth_headers("user")
    chores, groups = _lodge()
    latest = await _import(db)
    body = {
        "names_a": sorted(p for p, g in groups.items() if g == "A"),
        "names_b": sorted(p for p, g in groups.items() if g == "B"),
        "custom_assignments": chores,
    }
    tally: Counter[tuple[str, str]] = Counter()
    for _ in range(RUNS):
        r = await client.post("/api/work-groups/generate", json=body, headers=headers)
        assert r.status_code == 200, r.text
        by_chore = r.json()["assignments"]
        _check_rotation(by_chore, chores, groups, latest)
        latest = {name: chore for chore, names in by_chore.items() for name in names}
        tally.update((name, chore) for name, chore in latest.items())
    history = (await client.get("/api/work-groups/history", headers=headers)).json()["history"]
    today = [key for key in history if not key.startswith("2025-")]
    assert len(today) == RUNS  # every run listed, one key each
    _report("same day", tally, chores, groups)


async def test_26_weekly_rotations(client: httpx.AsyncClient, db: Connection, auth_headers):
    headers = await auth_headers("user")
    chores, groups = _lodge()
    latest = await _import(db)
    # The people and chores of the imported rotation (in the work-groups house), by name.
    house = {"domain": "work-groups"}
    people = (await client.get("/api/entities/participant", params=house, headers=headers)).json()
    tasks = (
        await client.get("/api/entities/assignment_target", params=house, headers=headers)
    ).json()
    person_ids = {p["name"]: p["id"] for p in people if p["name"] in groups}
    assert len(person_ids) == 18
    # The single snapshot leaves six groups unknown; the house knows them (the folder).
    for name, group in groups.items():
        await db.execute(
            "UPDATE participants SET metadata = metadata || jsonb_build_object('group', %s::text)"
            " WHERE id = %s",
            (group, person_ids[name]),
        )
    tally: Counter[tuple[str, str]] = Counter()
    day = date(2025, 10, 20)
    for week in range(RUNS):
        body = {
            "domain": "work-groups",
            "participants": list(person_ids.values()),
            "targets": [t["id"] for t in tasks if t["name"] in chores],
            "assignment_date": (day + timedelta(weeks=week)).isoformat(),
        }
        r = await client.post("/api/assignments/generate", json=body, headers=headers)
        assert r.status_code == 201, r.text
        run = r.json()
        assert not run["metadata"]["relaxations"]
        by_chore: dict[str, list[str]] = {}
        for a in run["assignments"]:
            by_chore.setdefault(a["metadata"]["target_name"], []).append(
                a["metadata"]["participant_name"]
            )
        _check_rotation(by_chore, chores, groups, latest)
        latest = {name: chore for chore, names in by_chore.items() for name in names}
        tally.update((name, chore) for name, chore in latest.items())
    _report("weekly", tally, chores, groups)
