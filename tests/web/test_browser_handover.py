"""Swaps and covers in a real browser, in a house of two members and a manager: Ann asks
Ben to cover her Toilet B, Ben takes it in one click, the place moves and the ledger
credits Ben; a cover that breaks a hard rule names the rule; with approval required the
manager approves; the pages pass axe."""

from pathlib import Path
from typing import Any

import psycopg
from psycopg.types.json import Jsonb

from tests.web.conftest import Live, browser_context
from tests.web.helpers import account, new_password
from tests.web.test_browser import axe_violations, shoot


def _person(conn: psycopg.Connection, domain: Any, name: str, role: str | None) -> dict:
    """A participant of the house, with an account and a membership when `role`."""
    user = None
    password = new_password()
    if role is not None:
        values = account("user", password, name=f"{name.lower()}-{str(domain)[:6]}")
        user = conn.execute(
            "INSERT INTO users (username, email, password_hash, role)"
            " VALUES (%(username)s, %(email)s, %(password_hash)s, %(role)s) RETURNING id",
            values,
        ).fetchone()[0]
        conn.execute(
            "INSERT INTO domain_members (domain_id, user_id, role) VALUES (%s, %s, %s)",
            (domain, user, role),
        )
    skills = ["first_aid"] if name in ("Ann", "Cid") else []
    pid = conn.execute(
        "INSERT INTO participants (name, domain_id, user_id, skills) VALUES (%s, %s, %s, %s)"
        " RETURNING id",
        (name, domain, user if role == "member" else None, Jsonb(skills)),
    ).fetchone()[0]
    username = values["username"] if role is not None else ""
    return {"id": pid, "username": username, "password": password}


def _house(db_url: str) -> dict[str, Any]:
    """Ann and Ben (members, linked), Cid (no account), Mia (the manager); Toilet B (3),
    Bin (1), First aid (needs first_aid, which Ben lacks); two active runs."""
    with psycopg.connect(db_url, autocommit=True) as conn:
        domain = conn.execute(
            "INSERT INTO domains (name, display_name) VALUES ('swap-house', 'Swap house')"
            " RETURNING id"
        ).fetchone()[0]
        people = {
            "Ann": _person(conn, domain, "Ann", "member"),
            "Ben": _person(conn, domain, "Ben", "member"),
            "Cid": _person(conn, domain, "Cid", None),
            "Mia": _person(conn, domain, "Mia", "manager"),
        }
        tasks = {
            name: conn.execute(
                "INSERT INTO assignment_targets (name, domain_id, effort, required_skills)"
                " VALUES (%s, %s, %s, %s) RETURNING id",
                (name, domain, effort, Jsonb(skills)),
            ).fetchone()[0]
            for name, effort, skills in (
                ("Toilet B", 3, []),
                ("Bin", 1, []),
                ("First aid", 1, ["first_aid"]),
            )
        }
        places = {}
        for day, pairs in (
            ("2026-12-10", [("Ann", "Toilet B"), ("Cid", "First aid")]),
            ("2026-12-17", [("Ann", "First aid"), ("Cid", "Toilet B"), ("Mia", "Bin")]),
        ):
            run = conn.execute(
                "INSERT INTO assignments (strategy_used, domain_id, assignment_date)"
                " VALUES ('balanced_rotation', %s, %s) RETURNING id",
                (domain, day),
            ).fetchone()[0]
            for who, task in pairs:
                places[(day, task)] = conn.execute(
                    "INSERT INTO assignment_details (assignment_id, participant_id, target_id)"
                    " VALUES (%s, %s, %s) RETURNING id",
                    (run, people[who]["id"], tasks[task]),
                ).fetchone()[0]
                places[(day, task, "run")] = run
    return {"domain": domain, "people": people, "places": places}


def _doer(db_url: str, detail: Any) -> tuple[Any, Any]:
    with psycopg.connect(db_url) as conn:
        return conn.execute(
            "SELECT participant_id, rota_participant_id FROM assignment_details WHERE id = %s",
            (detail,),
        ).fetchone()


def _signed_in(browser: Any, live: Live, who: dict) -> Any:
    page = browser_context(browser, live).new_page()
    page.goto("/login")
    page.get_by_label("Username or email").fill(who["username"])
    page.get_by_label("Password").fill(who["password"])
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(live.url + "/")
    return page


def _serious(page: Any) -> list[str]:
    return [f"{v['id']} ({v['impact']}): {v['help']}" for v in axe_violations(page)]


def test_ask_take_approve_and_a_refusal_that_names_the_rule(
    browser: Any, live: Live, screenshots: Path
) -> None:
    house = _house(live.db_url)
    people, places = house["people"], house["places"]
    toilet = places[("2026-12-10", "Toilet B")]
    ann = _signed_in(browser, live, people["Ann"])
    ben = _signed_in(browser, live, people["Ben"])

    # Ann, from My turns: her Toilet B → the place page, who else could do it, ask Ben.
    ann.goto("/me")
    ann.get_by_role("link", name="Swap, cover or who else could do Toilet B").click()
    ann.wait_for_url(f"**/places/{toilet}")
    assert "Ben" in ann.locator("#alternatives").inner_text()
    assert not _serious(ann)
    shoot(ann, screenshots, "place-handover")
    ann.get_by_label("Cover: someone takes my place").check()
    ann.get_by_label("Whom").select_option(label="Ben")
    ann.get_by_role("button", name="Ask").click()
    assert "Asked the person you chose to cover this place" in ann.content()
    assert "Ann asked Ben to cover this place" in ann.locator("#place-request").inner_text()

    # Ben sees it on Swaps and takes it in one click.
    ben.goto("/requests")
    assert "Ann asks you to cover Toilet B" in ben.locator("#to-take").inner_text()
    assert not _serious(ben)
    shoot(ben, screenshots, "requests")
    ben.get_by_role("button", name="Take Toilet B").click()
    assert "Taken: the place is yours." in ben.content()
    assert _doer(live.db_url, toilet) == (people["Ben"]["id"], people["Ann"]["id"])

    # Done: the ledger credits Ben with the cover (the fairness page, as the manager sees).
    with psycopg.connect(live.db_url, autocommit=True) as conn:
        conn.execute(
            "UPDATE assignment_details SET outcome = 'done', outcome_at = now() WHERE id = %s",
            (toilet,),
        )
    mia = _signed_in(browser, live, people["Mia"])
    mia.goto(f"/houses/{house['domain']}/fairness?date_from=2026-12-01&date_to=2026-12-31")
    rows = {
        r.locator("th").inner_text(): r.locator("td").all_inner_texts()
        for r in mia.locator("#fairness-people tbody tr").all()
    }
    assert (rows["Ben"][2], rows["Ben"][4]) == ("3.0", "3.0")  # done, covered for others
    assert rows["Ann"][5] == "3.0"  # covered for her

    # Ann asks Ben by name to cover First aid, which needs a skill Ben lacks: refused, named.
    aid = places[("2026-12-17", "First aid")]
    ann.goto(f"/rotations/{places[('2026-12-17', 'First aid', 'run')]}/places/{aid}")
    ann.get_by_label("Whom").select_option(label="Ben (cannot: lacks first_aid)")
    ann.get_by_role("button", name="Ask").click()
    ben.goto("/requests")
    ben.get_by_role("button", name="Take First aid").click()
    problem = ben.get_by_role("alert").inner_text()
    assert "Ben cannot take First aid: lacks first_aid" in problem and "Rule: skills" in problem
    assert _doer(live.db_url, aid)[0] == people["Ann"]["id"]
    assert not _serious(ben)
    # Ann withdraws it.
    ann.goto("/requests")
    ann.get_by_role("button", name="Withdraw the request for First aid").click()
    assert "Request withdrawn." in ann.content()

    # With approval required: Ann asks anyone to cover Toilet B of the 17th... it is Cid's;
    # Mia (the manager) asks for Cid, Ben takes it, it waits, Mia approves.
    with psycopg.connect(live.db_url, autocommit=True) as conn:
        conn.execute(
            "UPDATE domains SET configuration = %s WHERE id = %s",
            (Jsonb({"fair_share": {"swaps_need_approval": True}}), house["domain"]),
        )
    second = places[("2026-12-17", "Toilet B")]
    mia.goto(f"/rotations/{places[('2026-12-17', 'Toilet B', 'run')]}")
    mia.get_by_role("link", name="Who else could do Toilet B instead of Cid").click()
    mia.wait_for_url(f"**/places/{second}")
    mia.get_by_role("button", name="Ask").click()  # anyone who can
    ben.goto("/requests")
    assert "Cid asks anyone who can to cover Toilet B" in ben.locator("#to-take").inner_text()
    ben.get_by_role("button", name="Take Toilet B").click()
    assert "Accepted: it waits for a manager's approval." in ben.content()
    assert _doer(live.db_url, second)[0] == people["Cid"]["id"]
    mia.goto("/requests")
    assert "Ben takes Cid's Toilet B" in mia.locator("#to-approve").inner_text()
    assert not _serious(mia)
    mia.get_by_role("button", name="Approve: Ben takes Toilet B").click()
    assert "Approved: the place moved." in mia.content()
    assert _doer(live.db_url, second) == (people["Ben"]["id"], people["Cid"]["id"])
    for page in (ann, ben, mia):
        page.context.close()
