"""A large volunteer club through the HTTP API: 500 volunteers with two of ten skills and
Saturday slots, 120 shifts across the week needing one skill each — about 12 000
eligible pairs, a fifth of all, so the engine prunes them over the list of eligible
pairs. Every placement is checked against the data the club was built from (not with
the engine's validators), and a second club beside it keeps its own people."""

from datetime import date
from typing import Any

import httpx

from vividshift.db import Connection

GEN = "/api/assignments/generate"
SKILLS = [f"skill {k}" for k in range(10)]
DAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
SATURDAY = date(2026, 12, 5)  # the run's date: a Saturday; its shifts that day


async def _post(client: httpx.AsyncClient, path: str, body: Any, headers) -> Any:
    r = await client.post(path, json=body, headers=headers)
    assert r.status_code == 201, r.text
    return r.json()


def _volunteer(i: int, club: str) -> dict[str, Any]:
    # Every fifth volunteer cannot do Saturday afternoons.
    away = {"saturday": {"13:00": "unavailable"}} if i % 5 == 0 else {}
    return {
        "name": f"{club} volunteer {i}",
        "skills": [SKILLS[i % 10], SKILLS[(i * 3 + 1) % 10]],
        "availability": away,
        "domain": club,
    }


async def _club(client, headers, club: str, people: int, shifts: int):
    await _post(client, "/api/domains", {"name": club, "display_name": club.title()}, headers)
    rows = [_volunteer(i, club) for i in range(people)]
    ids = (await _post(client, "/api/participants/import", rows, headers))["ids"]
    targets = {}
    for j in range(shifts):
        start, end = ("13:00", "17:00") if j % 2 else ("09:00", "12:00")
        body = {
            "name": f"{club} shift {j}",
            "required_count": 1 + j % 2,
            "required_skills": [SKILLS[j % 10]],
            "constraints": {"time_window": {"start": start, "end": end, "days": [DAYS[j % 7]]}},
            "domain": club,
        }
        targets[(await _post(client, "/api/targets", body, headers))["id"]] = body
    return rows, ids, targets


async def test_a_large_club_is_planned_on_a_pruned_graph_and_keeps_every_rule(
    client: httpx.AsyncClient, db: Connection, auth_headers
) -> None:
    headers = await auth_headers("user")
    rows, ids, shifts = await _club(client, headers, "harbour", 500, 120)
    _, other_ids, _ = await _club(client, headers, "hillside", 50, 10)
    person = dict(zip(ids, rows, strict=True))

    body = {"domain": "harbour", "strategy": "optimal", "assignment_date": SATURDAY.isoformat()}
    run = await _post(client, GEN, body, headers)

    assert any("optimality certificate" in n for n in run["metadata"]["notes"]), run["metadata"]
    placed = [(a["participant_id"], a["target_id"]) for a in run["assignments"]]
    # Exact counts, nobody twice (max one place each by default), nobody of the other club.
    for tid, shift in shifts.items():
        assert sum(t == tid for _, t in placed) == shift["required_count"], shift["name"]
    assert len({p for p, _ in placed}) == len(placed)
    assert not {p for p, _ in placed} & set(other_ids)
    for pid, tid in placed:
        shift, volunteer = shifts[tid], person[pid]
        assert set(shift["required_skills"]) <= set(volunteer["skills"]), (shift, volunteer)
        window = shift["constraints"]["time_window"]
        saturday_afternoon = window["days"] == ["saturday"] and window["start"] == "13:00"
        assert not (saturday_afternoon and volunteer["availability"]), (shift, volunteer)
