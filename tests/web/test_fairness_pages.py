"""Fair share on the web: one click marks my place done, my balance on the dashboard,
the house's balance as SVG charts with table alternatives."""

from datetime import date

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
    bin_ = await insert_row(
        db, "assignment_targets", {"name": "Bin", "domain_id": domain["id"], "effort": 1}
    )
    run = await make_assignment(db, domain_id=domain["id"], assignment_date=date(2026, 11, 2))
    mine = await make_detail(
        db, assignment_id=run["id"], participant_id=me["id"], target_id=toilet["id"]
    )
    theirs = await make_detail(
        db, assignment_id=run["id"], participant_id=ben["id"], target_id=bin_["id"]
    )
    return {"domain": domain, "run": run, "mine": mine, "theirs": theirs}


async def test_one_click_marks_my_place_done_and_the_dashboard_says_where_i_stand(
    browser_like: SignIn, db: Connection
) -> None:
    http, user = await browser_like("user")
    house = await _house(db, user["id"])
    page = await http.get("/me?when=past")
    assert page.status_code == 200
    action = f"/me/places/{house['run']['id']}/{house['mine']['id']}/done"
    forms = post_forms(page.text, action)
    assert forms and forms[0].buttons == ["Done"]
    # Someone else's place has no button.
    assert f"/{house['theirs']['id']}/done" not in page.text

    done = await http.post(action, data=forms[0].hidden)
    assert done.status_code == 303
    cur = await db.execute(
        "SELECT outcome, outcome_by FROM assignment_details WHERE id = %s", (house["mine"]["id"],)
    )
    assert await cur.fetchone() == {"outcome": "done", "outcome_by": user["id"]}
    cur = await db.execute(
        "SELECT changed_by FROM assignment_history WHERE assignment_id = %s AND action = 'outcome'",
        (house["run"]["id"],),
    )
    assert [r["changed_by"] for r in await cur.fetchall()] == [user["id"]]
    after = await http.get("/me?when=past")
    assert action not in after.text and ">done<" in after.text

    # Ben's Bin is marked done by the worker's rule; Ann (3 points) is ahead by 1 of 2 each.
    await db.execute(
        "UPDATE assignment_details SET outcome = 'done', outcome_at = now() WHERE id = %s",
        (house["theirs"]["id"],),
    )
    dashboard = await http.get("/")
    assert "The Lodge: you are 1 point ahead of your share" in dashboard.text
    # Without the CSRF token the click is refused.
    refused = await http.post(action, data={"csrf_token": "forged"})
    assert refused.status_code == 403


async def test_the_fairness_page_draws_bars_and_a_heat_map_with_tables(
    browser_like: SignIn, db: Connection
) -> None:
    http, user = await browser_like("user")
    house = await _house(db, user["id"])
    await db.execute(
        "UPDATE assignment_details SET outcome = 'done', outcome_at = now()"
        " WHERE assignment_id = %s",
        (house["run"]["id"],),
    )
    page = await http.get(
        f"/houses/{house['domain']['id']}/fairness?date_from=2026-11-01&date_to=2026-11-30"
    )
    assert page.status_code == 200, page.text
    html = page.text
    assert html.count("<svg") == 2 and 'role="img"' in html
    assert 'id="fairness-people"' in html and 'id="fairness-tasks"' in html
    assert "<title>Ann: 1.0</title>" in html and "<title>Ben: -1.0</title>" in html
    assert "style=" not in html.split("<main", 1)[1]  # the page's CSP allows no inline style
    assert "<script" not in html.split("<main", 1)[1]
    csrf_of(html)  # signed-in page (sign-out form)

    stranger, _ = await browser_like("user")
    other = await stranger.get(f"/houses/{house['domain']['id']}/fairness")
    assert other.status_code == 404
