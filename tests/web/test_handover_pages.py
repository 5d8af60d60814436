"""The swap and cover pages without a browser: bad input is a clear page message and
writes nothing; another house's place or person is a 404; the CSRF token is required;
a request taken twice says it is no longer open."""

import re
from datetime import date
from html import unescape
from uuid import uuid4

from tests.factories import insert_row, make_assignment, make_detail, make_domain, make_member
from tests.web.conftest import SignIn
from tests.web.helpers import csrf_of, post_forms
from vividshift.db import Connection


async def _house(db: Connection, user_id) -> dict:
    domain = await make_domain(db, display_name="The Lodge")
    await make_member(db, domain["id"], user_id, "member")
    me = await insert_row(
        db, "participants", {"name": "Ann", "domain_id": domain["id"], "user_id": user_id}
    )
    ben = await insert_row(db, "participants", {"name": "Ben", "domain_id": domain["id"]})
    toilet = await insert_row(
        db, "assignment_targets", {"name": "Toilet B", "domain_id": domain["id"], "effort": 3}
    )
    run = await make_assignment(db, domain_id=domain["id"], assignment_date=date(2026, 12, 10))
    mine = await make_detail(
        db, assignment_id=run["id"], participant_id=me["id"], target_id=toilet["id"]
    )
    return {"domain": domain, "run": run, "mine": mine, "ben": ben, "me": me}


async def _requests(db: Connection) -> int:
    cur = await db.execute("SELECT count(*) AS n FROM place_requests")
    row = await cur.fetchone()
    return row["n"]


async def test_bad_asks_are_page_messages_and_write_nothing(
    browser_like: SignIn, db: Connection
) -> None:
    http, user = await browser_like("user")
    house = await _house(db, user["id"])
    url = f"/rotations/{house['run']['id']}/places/{house['mine']['id']}"
    page = await http.get(url)
    assert page.status_code == 200
    assert "Who else could do this?" in page.text and "Ben" in page.text
    token = csrf_of(page.text)

    bad_kind = await http.post(url + "/ask", data={"csrf_token": token, "kind": "gift"})
    assert bad_kind.status_code == 422
    assert 'role="alert"' in bad_kind.text and "Please check the form" in bad_kind.text

    other = await make_domain(db)
    stranger = await insert_row(db, "participants", {"name": "Zed", "domain_id": other["id"]})
    foreign = await http.post(
        url + "/ask",
        data={"csrf_token": token, "kind": "cover", "participant_id": str(stranger["id"])},
    )
    assert foreign.status_code == 404
    assert "Participant not found in this domain" in foreign.text

    no_token = await http.post(url + "/ask", data={"kind": "cover"})
    assert no_token.status_code == 403
    assert await _requests(db) == 0

    unseen = await make_assignment(db, domain_id=other["id"])
    assert (await http.get(f"/rotations/{unseen['id']}/places/{uuid4()}")).status_code == 404
    assert (await http.get(f"/rotations/{house['run']['id']}/places/{uuid4()}")).status_code == 404


async def test_a_request_taken_twice_says_it_is_no_longer_open(
    browser_like: SignIn, db: Connection
) -> None:
    http, user = await browser_like("user")
    house = await _house(db, user["id"])
    # Ben's account takes Ann's cover: here the signed-in user is Ben's.
    await db.execute("UPDATE participants SET user_id = NULL WHERE id = %s", (house["me"]["id"],))
    await db.execute(
        "UPDATE participants SET user_id = %s WHERE id = %s", (user["id"], house["ben"]["id"])
    )
    request = await insert_row(
        db,
        "place_requests",
        {
            "domain_id": house["domain"]["id"],
            "assignment_id": house["run"]["id"],
            "detail_id": house["mine"]["id"],
            "kind": "cover",
            "requester_id": house["me"]["id"],
        },
    )
    page = await http.get("/requests")
    assert "Ann asks anyone who can to cover" in page.text
    action = f"/requests/{request['id']}/accept"
    form = post_forms(page.text, action)[0]
    taken = await http.post(action, data=form.hidden)
    assert taken.status_code == 303
    again = await http.post(action, data=form.hidden)
    assert again.status_code == 409
    assert "This request is no longer open" in again.text
    cur = await db.execute(
        "SELECT participant_id, rota_participant_id FROM assignment_details WHERE id = %s",
        (house["mine"]["id"],),
    )
    assert await cur.fetchone() == {
        "participant_id": house["ben"]["id"],
        "rota_participant_id": house["me"]["id"],
    }


async def test_only_a_manager_approves_or_refuses(browser_like: SignIn, db: Connection) -> None:
    http, user = await browser_like("user")
    house = await _house(db, user["id"])
    request = await insert_row(
        db,
        "place_requests",
        {
            "domain_id": house["domain"]["id"],
            "assignment_id": house["run"]["id"],
            "detail_id": house["mine"]["id"],
            "kind": "cover",
            "requester_id": house["me"]["id"],
            "status": "accepted",
            "accepted_participant_id": house["ben"]["id"],
        },
    )
    page = await http.get("/requests")
    assert "Waiting for your approval" not in page.text  # a member manages nothing
    assert "Ben accepted, waiting for a manager" in page.text  # but sees their own
    token = csrf_of(page.text)
    refused = await http.post(f"/requests/{request['id']}/approve", data={"csrf_token": token})
    assert refused.status_code == 403 and 'role="alert"' in refused.text
    cur = await db.execute("SELECT status FROM place_requests WHERE id = %s", (request["id"],))
    assert (await cur.fetchone())["status"] == "accepted"

    await db.execute(
        "UPDATE domain_members SET role = 'manager' WHERE domain_id = %s AND user_id = %s",
        (house["domain"]["id"], user["id"]),
    )
    page = await http.get("/requests")
    assert "Ben takes Ann's Toilet B" in unescape(re.sub(r"<[^>]+>", "", page.text))
    done = await http.post(f"/requests/{request['id']}/refuse", data={"csrf_token": token})
    assert done.status_code == 303
    cur = await db.execute("SELECT status FROM place_requests WHERE id = %s", (request["id"],))
    assert (await cur.fetchone())["status"] == "refused"
    cur = await db.execute(
        "SELECT participant_id FROM assignment_details WHERE id = %s", (house["mine"]["id"],)
    )
    assert (await cur.fetchone())["participant_id"] == house["me"]["id"]
