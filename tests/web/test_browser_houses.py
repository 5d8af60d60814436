"""Two houses with overlapping names and skills, in Chromium (issue 12): the dashboard,
people, tasks, history and My turns show one house at a time and never mix them.

Oak House and Elm House both have an "Ana" with the skill "Kitchen" and a task
"Kitchen"; Oak also has Ben, Dan and "Garden", Elm has Cleo, Eve and "Porch". One
account manages both; another is Ana in both (linked by the manager)."""

from typing import Any

import httpx
import psycopg
import pytest

from tests.secrets_registry import remember
from tests.web.conftest import Live
from tests.web.test_browser import axe_violations, sign_in

HOUSES = {
    "oak-house": ("Oak House", ["Ben", "Dan"], "Garden"),
    "elm-house": ("Elm House", ["Cleo", "Eve"], "Porch"),
}


def _api(live: Live, role: str) -> httpx.Client:
    who = live.accounts[role]
    http = httpx.Client(base_url=live.url, timeout=30)
    token = http.post(
        "/auth/login", json={"username": who["username"], "password": who["password"]}
    ).json()["token"]
    remember(token)
    http.headers["Authorization"] = f"Bearer {token}"
    return http


def _ok(response: httpx.Response) -> Any:
    assert response.status_code in (200, 201), response.text
    return response.json()


@pytest.fixture(scope="module")
def houses(live: Live) -> dict[str, Any]:
    """Both houses made through the API by the `user` account, Ana of each linked to
    the `viewer` account, and one rotation each for today."""
    with psycopg.connect(live.db_url) as conn:
        resident = conn.execute(
            "SELECT id FROM users WHERE username = %s", (live.accounts["viewer"]["username"],)
        ).fetchone()[0]
    made: dict[str, Any] = {}
    http = _api(live, "user")
    try:
        for name, (display, others, chore) in HOUSES.items():
            _ok(http.post("/api/domains", json={"name": name, "display_name": display}))
            people = {}
            for person in ["Ana", *others]:
                people[person] = _ok(
                    http.post(
                        "/api/participants",
                        json={"name": person, "skills": ["Kitchen"], "domain": name},
                    )
                )
            for task, count in (("Kitchen", 2), (chore, 1)):
                _ok(
                    http.post(
                        "/api/targets",
                        json={"name": task, "required_count": count, "domain": name},
                    )
                )
            _ok(
                http.patch(
                    f"/api/participants/{people['Ana']['id']}", json={"user_id": str(resident)}
                )
            )
            run = _ok(http.post("/api/assignments/generate", json={"domain": name}))
            made[name] = {"people": people, "run": run}
    finally:
        http.close()
    return made


def _table_text(page: Any) -> str:
    return " ".join(page.locator("main table").all_inner_texts())


def test_dashboard_people_tasks_and_history_show_one_house(
    page: Any, live: Live, houses: dict[str, Any]
) -> None:
    sign_in(page, live, "user")
    page.goto("/?domain=oak-house")
    assert "Oak House" in page.locator("h1").inner_text()
    shown = _table_text(page)
    assert all(word in shown for word in ("Kitchen", "Garden"))
    assert not any(word in shown for word in ("Porch", "Cleo", "Eve"))
    assert sum(shown.count(n) for n in ("Ana", "Ben", "Dan")) == 3

    # The switcher: choose Elm House; the choice is remembered on the next pages.
    page.get_by_label("House", exact=True).select_option(label="Elm House")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**/?domain=elm-house")
    shown = _table_text(page)
    assert "Porch" in shown and "Garden" not in shown
    assert not any(name in shown for name in ("Ben", "Dan"))
    assert axe_violations(page) == []

    page.goto("/people")
    assert "Elm House" in page.locator("h1").inner_text()
    names = page.locator("main tbody tr td:first-child a").all_inner_texts()
    assert sorted(names) == ["Ana", "Cleo", "Eve"]
    page.goto("/tasks")
    tasks = page.locator("main tbody tr td:first-child a").all_inner_texts()
    assert sorted(tasks) == ["Kitchen", "Porch"]
    page.goto("/history")
    runs = page.locator("main tbody a").evaluate_all("els => els.map(e => e.href)")
    assert [r.rsplit("/", 1)[1] for r in runs] == [houses["elm-house"]["run"]["id"]]

    page.goto("/people?domain=oak-house")
    names = page.locator("main tbody tr td:first-child a").all_inner_texts()
    assert sorted(names) == ["Ana", "Ben", "Dan"]
    # Elm's Ana is not reachable from Oak House's list, and an unknown house is a 404 page.
    response = page.goto("/people?domain=no-such-house")
    assert response is not None and response.status == 404


def test_my_turns_lists_both_houses_without_mixing(
    page: Any, live: Live, houses: dict[str, Any]
) -> None:
    sign_in(page, live, "viewer")
    page.goto("/me?when=all")
    rows = page.locator("#my-turns tbody tr")
    assert rows.count() == 2
    seen = {}
    for i in range(2):
        cells = rows.nth(i).locator("td").all_inner_texts()
        seen[cells[3]] = cells
    assert set(seen) == {"Oak House", "Elm House"}
    oak_with, elm_with = seen["Oak House"][4], seen["Elm House"][4]
    assert not any(name in oak_with for name in ("Cleo", "Eve"))
    assert not any(name in elm_with for name in ("Ben", "Dan"))
    for display, _others, chore in HOUSES.values():
        assert seen[display][2] in ("Kitchen", chore)
    # The dashboard of each house marks Ana as "you" there, and only that house's run.
    for house, (_display, _others, chore) in HOUSES.items():
        page.goto(f"/?domain={house}")
        shown = _table_text(page)
        assert "(you)" in shown and chore in shown
        other = next(h for h in HOUSES if h != house)
        assert HOUSES[other][2] not in shown
