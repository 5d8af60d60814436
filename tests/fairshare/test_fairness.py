"""GET /api/domains/{id}/fairness (and .csv): the ledger per person and per task."""

import csv
import io

import httpx

from tests.fairshare.helpers import details, generate, make_house
from tests.system.test_http_errors import assert_error
from vividshift.db import Connection


async def _house_with_a_week(client, db: Connection, auth_headers):
    manager = await auth_headers("user")
    house = await make_house(
        client, manager, ["Ann", "Ben", "Cid", "=Dee"], {"Toilet B": 3, "Bin": 1}
    )
    run = await generate(client, house, "2026-11-02", participants=list(house.people.values())[:3])
    places = await details(client, house, run["id"])
    for d in places:
        outcome = "missed" if d["target_id"] == house.chores["Bin"] else "done"
        r = await client.post(
            f"/api/assignments/{run['id']}/details/{d['id']}/outcome",
            json={"outcome": outcome},
            headers=manager,
        )
        assert r.status_code == 200, r.text
    # Dee is away the whole period.
    await db.execute(
        "INSERT INTO participant_absences (participant_id, domain_id, starts_at, ends_at)"
        " VALUES (%s, %s, '2026-11-01T00:00Z', '2026-11-08T00:00Z')",
        (house.people["=Dee"], house.id),
    )
    return house, manager, places


async def test_the_fairness_view(client: httpx.AsyncClient, db: Connection, auth_headers) -> None:
    house, manager, places = await _house_with_a_week(client, db, auth_headers)
    url = f"/api/domains/{house.id}/fairness?from=2026-11-01&to=2026-11-07"
    r = await client.get(url, headers=manager)
    assert r.status_code == 200, r.text
    view = r.json()
    assert (view["from"], view["to"], view["total_effort"]) == ("2026-11-01", "2026-11-07", 3)
    people = {p["name"]: p for p in view["people"]}
    toilet = next(d for d in places if d["target_id"] == house.chores["Toilet B"])
    bin_ = next(d for d in places if d["target_id"] == house.chores["Bin"])
    doer = next(n for n, i in house.people.items() if i == toilet["participant_id"])
    no_show = next(n for n, i in house.people.items() if i == bin_["participant_id"])
    assert people["=Dee"]["present_days"] == 0 and people["=Dee"]["fair_share"] == 0
    assert people[doer]["done"] == 3 and people[doer]["fair_share"] == 1
    assert people[doer]["balance"] == 2
    assert people[no_show]["missed"] == 1 and people[no_show]["balance"] == -1
    assert round(sum(p["balance"] for p in view["people"]), 6) == 0
    by_task = {t["name"]: t for t in view["targets"]}
    assert by_task["Toilet B"]["effort"] == 3
    assert by_task["Toilet B"]["done_by"] == [
        {"participant_id": toilet["participant_id"], "name": doer, "count": 1}
    ]
    assert by_task["Bin"]["done_by"] == []

    # Before the run: nothing done, nobody owes.
    early = await client.get(
        f"/api/domains/{house.id}/fairness?from=2026-10-01&to=2026-10-31", headers=manager
    )
    assert {p["balance"] for p in early.json()["people"]} == {0}

    text = await client.get(
        f"/api/domains/{house.id}/fairness.csv?from=2026-11-01&to=2026-11-07", headers=manager
    )
    assert text.status_code == 200
    assert text.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(text.text)))
    assert {r["name"] for r in rows} == {"Ann", "Ben", "Cid", "'=Dee"}
    assert next(r for r in rows if r["name"] == doer)["balance"] == "2.0"


async def test_fairness_errors(client: httpx.AsyncClient, db: Connection, auth_headers) -> None:
    house, manager, _ = await _house_with_a_week(client, db, auth_headers)
    assert_error(
        await client.get(
            f"/api/domains/{house.id}/fairness?from=2026-11-08&to=2026-11-01", headers=manager
        ),
        422,
        "VALIDATION_ERROR",
    )
    assert_error(
        await client.get(f"/api/domains/{house.id}/fairness?from=soon", headers=manager),
        422,
        "VALIDATION_ERROR",
    )
    stranger = await auth_headers("user")
    for path in ("fairness", "fairness.csv"):
        assert_error(
            await client.get(f"/api/domains/{house.id}/{path}", headers=stranger),
            404,
            "RESOURCE_NOT_FOUND",
        )
    member = await auth_headers("user", member_of={house.id: "viewer"})
    assert (
        await client.get(f"/api/domains/{house.id}/fairness", headers=member)
    ).status_code == 200


async def test_the_fairness_view_is_documented(client: httpx.AsyncClient) -> None:
    spec = (await client.get("/openapi.json")).json()
    op = spec["paths"]["/api/domains/{domain_id}/fairness"]["get"]
    assert {"200", "401", "404", "422", "503"} <= set(op["responses"])
    assert {p["name"] for p in op["parameters"]} >= {"from", "to"}
    outcome = spec["paths"]["/api/assignments/{assignment_id}/details/{detail_id}/outcome"]
    assert {"200", "403", "404", "409", "422"} <= set(outcome["post"]["responses"])
    props = spec["components"]["schemas"]["FairnessRead"]["properties"]
    assert "from" in props
    accept = spec["paths"]["/api/place-requests/{request_id}/accept"]["post"]
    assert {"200", "403", "404", "409", "422", "503"} <= set(accept["responses"])
    ask = spec["paths"]["/api/assignments/{assignment_id}/details/{detail_id}/requests"]["post"]
    assert {"201", "403", "404", "409", "422"} <= set(ask["responses"])
    alternatives = spec["paths"][
        "/api/assignments/{assignment_id}/details/{detail_id}/alternatives"
    ]["get"]
    schema = alternatives["responses"]["200"]["content"]["application/json"]["schema"]
    assert schema["$ref"].endswith("/AlternativesRead")
