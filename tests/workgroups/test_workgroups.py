"""The compatible work-groups endpoints, and the lodge's real data through them."""

import json
import os
import tomllib
from pathlib import Path

import httpx
import pytest

from vividshift.db import Connection
from vividshift.engine import infer_groups
from vividshift.workgroups.legacy import import_legacy_history

LODGE = Path(
    os.environ.get(
        "VIVIDSHIFT_LODGE_DATA", Path(__file__).resolve().parents[3] / "shared" / "data" / "lodge"
    )
)
RUN = "2025-10-13"
HISTORY = LODGE / f"history-{RUN}.json"
needs_lodge = pytest.mark.skipif(
    not HISTORY.exists(), reason=f"lodge data not found at {LODGE} (set VIVIDSHIFT_LODGE_DATA)"
)
GEN = "/api/work-groups/generate"


def lodge_inputs() -> tuple[dict[str, int], dict[str, list[str]], dict[str, str | None]]:
    chores = tomllib.loads((LODGE / "chores.toml").read_text())["work_assignments"]
    recent = json.loads(HISTORY.read_text())["assignments"]
    cutoff = RUN.replace("-", "") + "-999999"
    snapshots = [
        json.loads(f.read_text())["assignments"]
        for f in sorted((LODGE / "history").glob("*.json"))
        if f.name <= cutoff
    ]
    groups = infer_groups(snapshots, {"Toilet A": "A", "Toilet B": "B"})
    return chores, recent, groups


@needs_lodge
async def test_lodge_next_rotation_through_the_endpoint(
    client: httpx.AsyncClient, db: Connection, auth_headers
):
    headers = await auth_headers("user")
    chores, recent, groups = lodge_inputs()
    summary = await import_legacy_history(db, HISTORY.read_bytes(), source=HISTORY.name)
    assert (summary.runs_created, summary.details, summary.people) == (2, 36, 18)
    body = {
        "names_a": sorted(n for n, g in groups.items() if g == "A"),
        "names_b": sorted(n for n, g in groups.items() if g == "B"),
        "custom_assignments": chores,
    }
    r = await client.post(GEN, json=body, headers=headers)
    assert r.status_code == 200, r.text
    result = r.json()
    info = result["generation_info"]
    assert info["total_people"] == 18 and info["total_assignments"] == 18
    assert info["attempt_number"] == 1
    assignments = result["assignments"]
    assert list(assignments) == list(chores)
    for chore, n in chores.items():
        assert len(assignments[chore]) == n, chore  # every chore filled exactly
    chore_of = {p: c for c, people in assignments.items() for p in people}
    assert sorted(chore_of) == sorted(recent)  # everyone exactly once
    for person, chore in chore_of.items():
        window = 1 if chore == "Toilet B" else 2
        assert chore not in recent[person][:window], (person, chore)  # no recent repeat
        assert not (groups[person] == "A" and chore == "Toilet B"), person
        assert not (groups[person] == "B" and chore == "Toilet A"), person

    # The run is a normal assignment of the work-groups domain, with its validation.
    run = (await client.get(f"/api/assignments/{result['assignment_id']}", headers=headers)).json()
    assert run["configuration"]["domain"] == "work-groups"
    assert len(run["configuration"]["inputs"]["history_runs"]) == 2
    assert all(v["passed"] for v in run["metadata"]["validation_results"])
    assert run["metadata"]["relaxations"] == []

    history = (await client.get("/api/work-groups/history", headers=headers)).json()
    assert {RUN, "2025-10-12"} <= set(history["history"])
    latest = history["history"][RUN]["assignments"]
    assert sorted(p for ps in latest.values() for p in ps) == sorted(recent)
    assert all(latest[c] and recent[p][0] == c for c, ps in latest.items() for p in ps)
    assert history["last_updated"]
    today = max(history["history"])
    assert history["history"][today]["assignments"] == assignments


async def test_work_groups_basic_shape_and_bad_input(
    client: httpx.AsyncClient, db: Connection, auth_headers
):
    headers = await auth_headers("user")
    empty = (await client.get("/api/work-groups/history", headers=headers)).json()
    assert empty == {"history": {}, "last_updated": None}
    body = {
        "names_a": ["Ann", "Abe"],
        "names_b": ["Bea", "Bo"],
        "custom_assignments": {"Toilet A": 1, "Toilet B": 1, "Hall": 2},
    }
    r = await client.post(GEN, json=body, headers=headers)
    assert r.status_code == 200, r.text
    got = r.json()["assignments"]
    assert len(got["Toilet A"]) == 1 and got["Toilet A"][0] in ("Ann", "Abe")
    assert len(got["Toilet B"]) == 1 and got["Toilet B"][0] in ("Bea", "Bo")
    # Group B only, but Toilet A needs someone: infeasible, explained.
    r = await client.post(
        GEN, json={"names_b": ["Bea", "Bo"], "custom_assignments": {"Toilet A": 1}}, headers=headers
    )
    assert r.status_code == 422 and r.json()["code"] == "BUSINESS_LOGIC_ERROR", r.text
    assert "Toilet A" in r.json()["details"]["message"]
    bad = [
        {"names_a": "Ann"},
        {"names_a": ["Ann"], "names_b": ["Ann"]},
        {"names_a": ["Ann", "Ann"]},
        {"names_a": ["Ann"], "custom_assignments": {"Hall": 0}},
        {"names_a": ["Ann"], "custom_assignments": {"Hall": "two"}},
        {"names_a": ["A\u0000nn"]},
        {},
        {"extra": True},  # unknown fields are ignored (tests/compat), the rest still checked
    ]
    for payload in bad:
        r = await client.post(GEN, json=payload, headers=headers)
        assert r.status_code == 422 and r.json()["code"] == "VALIDATION_ERROR", (payload, r.text)
    viewer = await auth_headers("viewer")
    assert (await client.post(GEN, json=body, headers=viewer)).status_code == 403
    assert (await client.get("/api/work-groups/history", headers=viewer)).status_code == 200
