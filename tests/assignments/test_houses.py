"""Two houses side by side (issue 12): "Oak House" and "Lodge", both with an "Ana" and a
"Kitchen". Generation in one never uses the other's people or chores; lists, exports,
jobs, schedules and "My turns" never mix them; another house's runs are 404."""

import json
from typing import Any

import httpx

from tests.assignments.helpers import member_of, user_id_of
from tests.factories import make_domain, make_participant, make_target
from vividshift.db import Connection

GEN = "/api/assignments/generate"
DAY = "2026-12-07"


async def _house(db: Connection, name: str, display: str, **config: Any) -> dict[str, Any]:
    domain = await make_domain(db, name=name, display_name=display, configuration=config)
    people = [
        await make_participant(db, name=n, domain_id=domain["id"]) for n in ("Ana", "Ben", "Cy")
    ]
    chores = [
        await make_target(db, name="Kitchen", required_count=2, domain_id=domain["id"]),
        await make_target(db, name="Hall", required_count=1, domain_id=domain["id"]),
    ]
    return domain | {
        "people": {str(p["id"]) for p in people},
        "chores": {str(c["id"]) for c in chores},
        "ana": people[0],
    }


async def _two_houses(db: Connection, auth_headers) -> tuple[dict, dict, dict, dict]:
    oak = await _house(db, "oak-house", "Oak House", timezone="Europe/Berlin")
    lodge = await _house(db, "lodge", "Lodge")
    oak_manager, lodge_manager = await auth_headers("user"), await auth_headers("user")
    await member_of(db, oak_manager, oak)
    await member_of(db, lodge_manager, lodge)
    return oak, lodge, oak_manager, lodge_manager


async def _generate(client, headers, house: dict[str, Any], **body: Any) -> dict[str, Any]:
    r = await client.post(
        GEN, json={"domain": house["name"], "assignment_date": DAY} | body, headers=headers
    )
    assert r.status_code == 201, r.text
    return r.json()


async def test_generation_uses_only_the_house_own_people_and_chores(
    client: httpx.AsyncClient, db: Connection, auth_headers
):
    oak, lodge, oak_manager, lodge_manager = await _two_houses(db, auth_headers)
    for house, headers in ((oak, oak_manager), (lodge, lodge_manager)):
        run = await _generate(client, headers, house)  # empty lists: all active of the house
        assert {a["participant_id"] for a in run["assignments"]} <= house["people"]
        assert {a["target_id"] for a in run["assignments"]} == house["chores"]
        assert len(run["assignments"]) == 3
        stored = (await client.get(f"/api/assignments/{run['id']}", headers=headers)).json()
        assert stored["domain_id"] == str(house["id"])
        assert stored["configuration"]["inputs"]["participant_count"] == 3

    # The other house's ids are unknown here, exactly like ids that do not exist.
    for field, ids in (("participants", lodge["people"]), ("targets", lodge["chores"])):
        r = await client.post(
            GEN,
            json={"domain": oak["name"], "assignment_date": "2026-12-14", field: sorted(ids)},
            headers=oak_manager,
        )
        assert r.status_code == 422, r.text
        assert r.json()["code"] == "VALIDATION_ERROR"
        assert set(r.json()["details"][f"unknown_{field}"]) == ids


async def test_a_manager_of_one_house_gets_404_on_the_other_house(
    client: httpx.AsyncClient, db: Connection, auth_headers
):
    oak, lodge, oak_manager, lodge_manager = await _two_houses(db, auth_headers)
    oak_run = await _generate(client, oak_manager, oak)
    lodge_run = await _generate(client, lodge_manager, lodge)

    listed = (await client.get("/api/assignments", headers=oak_manager)).json()
    assert [r["id"] for r in listed["items"]] == [oak_run["id"]]
    assert (await client.get("/api/assignments?domain=lodge", headers=oak_manager)).status_code == (
        404
    )
    assert (await client.get(f"/api/assignments?domain={oak['id']}", headers=oak_manager)).json()[
        "total"
    ] == 1

    rid = lodge_run["id"]
    detail = lodge_run["assignments"][0]
    for method, path, body in [
        ("get", f"/api/assignments/{rid}", None),
        ("get", f"/api/assignments/{rid}/history", None),
        ("get", f"/api/assignments/{rid}.csv", None),
        ("get", f"/api/assignments/{rid}.ics", None),
        ("patch", f"/api/assignments/{rid}", {"status": "completed"}),
        ("post", f"/api/assignments/{rid}/swap", {"first_detail_id": rid, "second_detail_id": rid}),
        ("get", f"/api/participants/{detail['participant_id']}/assignments", None),
        ("get", f"/api/domains/{lodge['id']}/schedule", None),
        ("post", f"/api/domains/{lodge['id']}/schedule/run", None),
        ("post", GEN, {"domain": "lodge", "assignment_date": "2026-12-21"}),
    ]:
        r = await client.request(method, path, json=body, headers=oak_manager)
        assert r.status_code == 404, (method, path, r.text)
        assert r.json()["code"] == "RESOURCE_NOT_FOUND"

    # The lodge's own manager reads and exports it; its CSV names only lodge rows.
    csv = await client.get(f"/api/assignments/{rid}.csv", headers=lodge_manager)
    assert csv.status_code == 200
    assert not any(i in csv.text for i in oak["people"] | oak["chores"])
    assert any(i in csv.text for i in lodge["people"])


async def test_readers_of_a_house_may_not_edit_its_runs(
    client: httpx.AsyncClient, db: Connection, auth_headers
):
    oak, _, oak_manager, _ = await _two_houses(db, auth_headers)
    run = await _generate(client, oak_manager, oak)
    member, global_viewer = await auth_headers("user"), await auth_headers("viewer")
    await member_of(db, member, oak, "member")
    await member_of(db, global_viewer, oak, "manager")  # a global viewer never writes
    for headers in (member, global_viewer):
        assert (await client.get(f"/api/assignments/{run['id']}", headers=headers)).status_code == (
            200
        )
        r = await client.patch(
            f"/api/assignments/{run['id']}", json={"name": "mine now"}, headers=headers
        )
        assert r.status_code == 403, r.text
    r = await client.post(GEN, json={"domain": oak["name"]}, headers=member)
    assert r.status_code == 403, r.text


async def test_async_jobs_are_of_their_house(
    client: httpx.AsyncClient, db: Connection, auth_headers
):
    oak, _, oak_manager, lodge_manager = await _two_houses(db, auth_headers)
    r = await client.post(
        GEN,
        json={"domain": oak["name"], "assignment_date": DAY, "async": True},
        headers=oak_manager,
    )
    assert r.status_code == 202, r.text
    job = r.json()
    assert job["domain_id"] == str(oak["id"])
    assert (await client.get(job["url"], headers=oak_manager)).status_code == 200
    assert (await client.get(job["url"], headers=lodge_manager)).status_code == 404


async def test_my_turns_lists_my_places_in_every_house_never_mixed(
    client: httpx.AsyncClient, db: Connection, auth_headers
):
    oak, lodge, oak_manager, lodge_manager = await _two_houses(db, auth_headers)
    ana_headers = await auth_headers("user", email="ana@example.org")
    ana = user_id_of(ana_headers)
    for house in (oak, lodge):
        await member_of(db, ana_headers, house, "member")
        await db.execute(
            "UPDATE participants SET user_id = %s WHERE id = %s", (ana, house["ana"]["id"])
        )
    # An account with the same email as a participant is not "me": only the link is.
    not_me = await make_participant(
        db, name="Not Ana", email="ana@example.org", domain_id=oak["id"], is_active=False
    )
    oak_run = await _generate(client, oak_manager, oak, assignment_date="2099-01-04")
    lodge_run = await _generate(client, lodge_manager, lodge, assignment_date="2099-01-05")
    past = await _generate(client, oak_manager, oak, assignment_date="2000-01-03")

    r = await client.get("/api/me/assignments", headers=ana_headers)
    assert r.status_code == 200, r.text
    page = r.json()
    assert page["total"] == 2 == len(page["items"])
    by_run = {p["assignment_id"]: p for p in page["items"]}
    assert set(by_run) == {oak_run["id"], lodge_run["id"]}
    assert [p["assignment_date"] for p in page["items"]] == ["2099-01-04", "2099-01-05"]
    for house, run in ((oak, oak_run), (lodge, lodge_run)):
        place = by_run[run["id"]]
        assert place["domain"] == {
            "id": str(house["id"]),
            "name": house["name"],
            "display_name": house["display_name"],
        }
        assert place["participant_id"] == str(house["ana"]["id"])
        assert place["target_id"] in house["chores"]
        assert {o["participant_id"] for o in place["others"]} <= house["people"]
        mates = [
            a["participant_id"]
            for a in run["assignments"]
            if a["target_id"] == place["target_id"]
            and a["participant_id"] != place["participant_id"]
        ]
        assert sorted(o["participant_id"] for o in place["others"]) == sorted(mates)
        [window] = place["windows"]
        assert window["all_day"] is True
        assert window["start"].startswith(place["assignment_date"] + "T00:00:00")
    assert by_run[oak_run["id"]]["timezone"] == "Europe/Berlin"
    assert by_run[oak_run["id"]]["windows"][0]["start"].endswith("+01:00")

    past_page = (await client.get("/api/me/assignments?when=past", headers=ana_headers)).json()
    assert [p["assignment_id"] for p in past_page["items"]] == [past["id"]]
    every = (
        await client.get("/api/me/assignments?when=all&limit=2&offset=1", headers=ana_headers)
    ).json()
    assert every["total"] == 3 and len(every["items"]) == 2
    assert (await client.get("/api/me/assignments?when=soon", headers=ana_headers)).status_code == (
        422
    )

    # Someone linked nowhere has no turns; a manager of one house sees nothing of Ana's.
    assert (await client.get("/api/me/assignments", headers=oak_manager)).json()["total"] == 0

    # The "My turns" page lists the same places (through the same client, bearer-signed).
    html = (await client.get("/me", headers=ana_headers | {"Accept": "text/html"})).text
    table = html.split('id="my-turns"')[1].split("</table>")[0]
    assert "Oak House" in table and "Lodge" in table
    assert f"/rotations/{oak_run['id']}" in table and f"/rotations/{lodge_run['id']}" in table
    assert f"/rotations/{past['id']}" not in table
    assert str(not_me["id"]) not in {p["participant_id"] for p in every["items"]}


async def test_the_dashboard_highlights_me_by_the_link_not_the_email(
    client: httpx.AsyncClient, db: Connection, auth_headers
):
    headers = await auth_headers("user", email="ana@example.org")
    oak = await _house(db, "oak-house", "Oak House")
    await member_of(db, headers, oak)
    # A participant with my email but no link is not me.
    await db.execute(
        "UPDATE participants SET email = 'ana@example.org' WHERE id = %s", (oak["ana"]["id"],)
    )
    from datetime import UTC, datetime

    today = datetime.now(UTC).date().isoformat()
    await _generate(client, headers, oak, assignment_date=today)
    html = (await client.get("/", headers=headers | {"Accept": "text/html"})).text
    mine = html.split('id="mine-h"')[1].split("</section>")[0]
    assert "Nothing for you" in mine
    await db.execute(
        "UPDATE participants SET user_id = %s WHERE id = %s",
        (user_id_of(headers), oak["ana"]["id"]),
    )
    html = (await client.get("/", headers=headers | {"Accept": "text/html"})).text
    mine = html.split('id="mine-h"')[1].split("</section>")[0]
    assert "Nothing for you" not in mine and ("Kitchen" in mine or "Hall" in mine)


async def test_one_house_stored_rules_it_cannot_read_stop_only_its_own_runs(
    client: httpx.AsyncClient, db: Connection, auth_headers
):
    """Oak's rules written by another program in a shape the API refuses: Oak's
    generation is a clear 422, the Lodge's — with a readable never-together rule — still
    runs and honours it; both houses list, with Oak's unreadable rules as stored."""
    oak, lodge, oak_manager, lodge_manager = await _two_houses(db, auth_headers)
    await db.execute(
        "UPDATE domains SET business_rules = %s WHERE id = %s",
        ('[{"type": "max_assignments_per_participant"}]', oak["id"]),
    )
    lodge_people = sorted(lodge["people"])
    apart = [{"type": "never_together", "participants": lodge_people[:2]}]
    await db.execute(
        "UPDATE domains SET business_rules = %s WHERE id = %s",
        (json.dumps(apart), lodge["id"]),
    )
    refused = await client.post(
        GEN, json={"domain": oak["name"], "assignment_date": DAY}, headers=oak_manager
    )
    assert refused.status_code == 422, refused.text
    assert refused.json()["error"] == "Stored domain data the engine cannot read"

    run = await _generate(client, lodge_manager, lodge)
    by_chore: dict[str, set[str]] = {}
    for a in run["assignments"]:
        by_chore.setdefault(a["target_id"], set()).add(a["participant_id"])
    assert not any(set(lodge_people[:2]) <= people for people in by_chore.values())
    assert {a["participant_id"] for a in run["assignments"]} <= lodge["people"]

    houses = await client.get("/api/domains", headers=oak_manager)
    assert houses.status_code == 200, houses.text
