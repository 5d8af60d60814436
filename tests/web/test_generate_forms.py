"""Forms that create, through the HTTP client: sent twice they create once (idempotency
key per form), a second run for a (domain, date) is a readable 409 with a link, a run
that breaks an error-level rule is saved only by an admin's forced save, and the
dashboard keeps runs dated after today (in the house's zone) under "Upcoming"."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

import httpx
import pytest

from tests.factories import make_assignment, make_domain, make_participant, make_target
from tests.web.conftest import SignIn
from tests.web.helpers import csrf_of, key_of, post_forms
from vividshift.db import Connection
from vividshift.domains.queries import upsert_member
from vividshift.engine import validators
from vividshift.engine.result import ValidationResult

FIELDS = ("strategy", "domain", "assignment_date", "name", "seed")


async def count(db: Connection, table: str, where: str = "TRUE", *args: Any) -> int:
    cur = await db.execute(f"SELECT count(*) AS n FROM {table} WHERE {where}", args)
    return (await cur.fetchone())["n"]


async def small_house(db: Connection, **target: Any) -> dict[str, Any]:
    """The house with its chore and people (rows of its own domain)."""
    domain = await make_domain(db, name="house", display_name="The house")
    await make_target(db, name="Kitchen", required_count=1, domain_id=domain["id"], **target)
    for name in ("Ana", "Ben"):
        await make_participant(db, name=name, domain_id=domain["id"])
    return domain


async def manages(db: Connection, house: dict[str, Any], user: dict[str, Any]) -> None:
    """The signed-in user manages the house (issue 12: runs need a manager)."""
    await upsert_member(db, house["id"], user["id"], "manager", None)


def generate_form(page: str, **values: str) -> dict[str, str]:
    """What the dashboard's "Generate now" form sends (its own key and token)."""
    return {
        "csrf_token": csrf_of(page),
        "idempotency_key": key_of(page, "/generate", "Generate and save"),
        "strategy": "",
        "domain": "house",
        "assignment_date": "2026-03-02",
        "name": "Week 10",
        "seed": "",
    } | values


def save_form_of(page: str, button: str) -> dict[str, str]:
    """The hidden fields of the preview's save form with `button`, as the browser sends."""
    for form in post_forms(page, "/generate"):
        if button in form.buttons:
            return form.hidden | {"action": "save"}
    raise AssertionError(f"no {button!r} form")


def run_id_of(response: httpx.Response) -> UUID:
    assert response.status_code == 303, response.text
    location = response.headers["location"]
    assert location.startswith("/rotations/")
    return UUID(location.removeprefix("/rotations/"))


# --- 1. the same form sent twice creates once ----------------------------------------


async def test_every_create_form_carries_a_fresh_key(browser_like: SignIn) -> None:
    http, _ = await browser_like("admin")
    for url, action in (
        ("/", "/generate"),
        ("/people/new", "/people"),
        ("/tasks/new", "/tasks"),
        ("/people", "/people/import"),
        ("/tasks", "/tasks/import"),
        ("/admin/domains", "/admin/domains"),
    ):
        first = key_of((await http.get(url)).text, action)
        second = key_of((await http.get(url)).text, action)
        assert first != second and len(first) >= 20, url


async def test_saving_the_generate_form_twice_replays_the_first_run(
    browser_like: SignIn, db: Connection
) -> None:
    house = await small_house(db)
    http, user = await browser_like("user")
    await manages(db, house, user)
    form = generate_form((await http.get("/")).text, action="save")
    first = run_id_of(await http.post("/generate", data=form))
    again = await http.post("/generate", data=form)  # back button + save, or a double click
    assert run_id_of(again) == first
    page = await http.get(again.headers["location"])
    assert "This rotation was already saved." in page.text
    assert await count(db, "assignments") == 1


async def test_back_to_the_preview_and_save_again_replays_the_first_run(
    browser_like: SignIn, db: Connection
) -> None:
    house = await small_house(db)
    http, user = await browser_like("user")
    await manages(db, house, user)
    form = generate_form((await http.get("/")).text, action="preview")
    preview = await http.post("/generate", data=form)
    assert preview.status_code == 200 and "Preview (not saved)" in preview.text
    save = save_form_of(preview.text, "Save this rotation")
    saved = run_id_of(await http.post("/generate", data=save))
    # Back to the preview: the browser sends the preview again, or its save form again.
    again = await http.post("/generate", data=form)
    assert run_id_of(again) == saved
    assert "This rotation was already saved." in (await http.get(f"/rotations/{saved}")).text
    assert run_id_of(await http.post("/generate", data=save)) == saved
    assert await count(db, "assignments") == 1


@pytest.mark.parametrize(
    ("new_page", "action", "fields", "table"),
    [
        ("/people/new", "/people", {"name": "Chloé", "is_active": "on"}, "participants"),
        ("/tasks/new", "/tasks", {"name": "Garden", "required_count": "1"}, "assignment_targets"),
        ("/admin/domains", "/admin/domains", {"name": "lodge", "display_name": "L"}, "domains"),
    ],
)
async def test_a_create_form_sent_twice_creates_once(
    browser_like: SignIn,
    db: Connection,
    new_page: str,
    action: str,
    fields: dict[str, str],
    table: str,
) -> None:
    http, _ = await browser_like("admin")
    page = (await http.get(new_page)).text
    form = {"csrf_token": csrf_of(page), "idempotency_key": key_of(page, action)} | fields
    before = await count(db, table)
    first = await http.post(action, data=form)
    second = await http.post(action, data=form)
    assert first.status_code == second.status_code == 303, second.text
    assert first.headers["location"] == second.headers["location"]
    assert await count(db, table) == before + 1


@pytest.mark.parametrize(
    ("list_page", "csv", "table"),
    [
        ("/people", b"name,skills\nDara,cooking\nEli,\n", "participants"),
        ("/tasks", b"name,required_count\nHall,1\nStairs,2\n", "assignment_targets"),
    ],
)
async def test_an_import_sent_twice_imports_once(
    browser_like: SignIn, db: Connection, list_page: str, csv: bytes, table: str
) -> None:
    http, _ = await browser_like("user")
    page = (await http.get(list_page)).text
    action = list_page + "/import"
    form = {"csrf_token": csrf_of(page), "idempotency_key": key_of(page, action)}
    for _ in range(2):
        response = await http.post(action, data=form, files={"file": ("rows.csv", csv, "text/csv")})
        assert response.status_code == 303, response.text
    assert await count(db, table) == 2


async def test_one_form_key_with_other_values_is_refused_readably(
    browser_like: SignIn, db: Connection
) -> None:
    http, _ = await browser_like("user")
    page = (await http.get("/people/new")).text
    form = {"csrf_token": csrf_of(page), "idempotency_key": key_of(page, "/people")}
    assert (await http.post("/people", data=form | {"name": "Fay"})).status_code == 303
    other = await http.post("/people", data=form | {"name": "Gus"})
    assert other.status_code == 422
    assert "already sent with other values" in other.text
    assert "Idempotency-Key" not in other.text
    assert key_of(other.text, "/people") != form["idempotency_key"]  # a fresh form
    assert await count(db, "participants", "name = ANY(%s)", ["Fay", "Gus"]) == 1


async def test_a_second_save_for_the_same_domain_and_date_names_the_active_run(
    browser_like: SignIn, db: Connection
) -> None:
    house = await small_house(db)
    http, user = await browser_like("user")
    await manages(db, house, user)
    first = run_id_of(await http.post("/generate", data=generate_form((await http.get("/")).text)))
    form = generate_form((await http.get("/")).text, name="Week 10 again", action="save")
    second = await http.post("/generate", data=form)
    assert second.status_code == 409
    assert "text/html" in second.headers["content-type"]
    assert "There is already an active rotation for this domain on that date" in second.text
    assert f'<a href="/rotations/{first}">Open the active rotation</a>' in second.text
    assert "Generate now" in second.text  # the dashboard, not an error page
    assert await count(db, "assignments") == 1


# --- 2. error-level failures are not saved (unless an admin forces it) ----------------


@pytest.fixture
def a_rule_breaks(monkeypatch: pytest.MonkeyPatch) -> None:
    """skill_matching reports an error-level failure on every run. (The engine's own
    validators agree with its solver, so a generated run breaks a rule only when the
    data or the rules change under it; this stands in for that.)"""
    real = validators.VALIDATORS["skill_matching"]

    def breach(*_: Any) -> ValidationResult:
        return ValidationResult("skill_matching", "error", False, ("Ana lacks forklift",))

    monkeypatch.setitem(validators.VALIDATORS, real.name, replace(real, check=breach))


@pytest.mark.usefixtures("a_rule_breaks")
async def test_a_preview_that_breaks_a_rule_shows_it_and_offers_no_save(
    browser_like: SignIn, db: Connection
) -> None:
    house = await small_house(db)
    http, user = await browser_like("user")
    await manages(db, house, user)
    preview = await http.post(
        "/generate", data=generate_form((await http.get("/")).text, action="preview")
    )
    assert preview.status_code == 200, preview.text
    assert "Preview (not saved)" in preview.text
    assert "This rotation breaks a rule, so it cannot be saved." in preview.text
    assert "skill matching: " in preview.text and "lacks forklift" in preview.text
    buttons = [b for f in post_forms(preview.text, "/generate") for b in f.buttons]
    assert "Save this rotation" not in buttons
    assert "Save anyway (forced)" not in buttons
    assert "Only an admin can save a rotation that breaks a rule." in preview.text
    assert await count(db, "assignments") == 0


@pytest.mark.usefixtures("a_rule_breaks")
async def test_a_save_that_breaks_a_rule_shows_the_failures_not_an_error_page(
    browser_like: SignIn, db: Connection
) -> None:
    house = await small_house(db)
    http, user = await browser_like("user")
    await manages(db, house, user)
    page = (await http.get("/")).text
    saved = await http.post("/generate", data=generate_form(page, action="save"))
    assert saved.status_code == 422
    assert "This rotation breaks a rule, so it was not saved." in saved.text
    assert "skill_matching: " in saved.text and "lacks forklift" in saved.text
    assert "Generate now" in saved.text
    assert "Save anyway (forced)" not in saved.text
    forced = await http.post("/generate", data=generate_form(page, action="save", force="true"))
    assert forced.status_code == 403 and "Only an admin" in forced.text
    assert await count(db, "assignments") == 0


@pytest.mark.usefixtures("a_rule_breaks")
async def test_an_admin_may_save_anyway_and_the_run_says_it_was_forced(
    browser_like: SignIn, db: Connection
) -> None:
    house = await small_house(db)
    http, user = await browser_like("admin")
    await manages(db, house, user)
    page = (await http.get("/")).text
    preview = await http.post("/generate", data=generate_form(page, action="preview"))
    assert "unless you force it" in preview.text
    assert "Save this rotation" not in preview.text
    forced_form = save_form_of(preview.text, "Save anyway (forced)")
    assert forced_form["force"] == "true"
    refused = await http.post("/generate", data=generate_form(page, action="save"))
    assert refused.status_code == 422
    assert "Save anyway (forced)" in refused.text  # offered after a refused save, too
    run = run_id_of(await http.post("/generate", data=forced_form))
    cur = await db.execute("SELECT metadata FROM assignments WHERE id = %s", (run,))
    assert (await cur.fetchone())["metadata"].get("forced") is True


# --- 3. the dashboard shows today's run, not next week's ------------------------------


async def test_the_dashboard_keeps_a_later_run_under_upcoming(
    browser_like: SignIn, db: Connection
) -> None:
    today = datetime.now(UTC).date()
    domain = await make_domain(db, name="house", display_name="The house")
    config = {"domain": domain["name"]}
    await make_assignment(db, name="This week", assignment_date=today, configuration=config)
    nxt = await make_assignment(
        db, name="Next week", assignment_date=today + timedelta(days=7), configuration=config
    )
    http, _ = await browser_like("viewer")
    page = (await http.get("/")).text
    current = page.split('id="current-h"')[1].split("</section>")[0]
    assert "This week" in current and "Next week" not in current
    upcoming = page.split('id="upcoming-h"')[1].split("</section>")[0]
    day = (today + timedelta(days=7)).isoformat()
    assert f'<a href="/rotations/{nxt["id"]}">{day} · Next week</a>' in upcoming


async def test_the_dashboard_reads_today_in_the_house_zone(
    browser_like: SignIn, db: Connection
) -> None:
    """The house's date, not UTC's: in UTC+14 a run dated tomorrow (UTC) is already
    current; in UTC−12 a run dated today (UTC) is still upcoming."""
    now = datetime.now(UTC)
    if now.hour >= 11:  # Kiritimati (UTC+14) is on tomorrow's date from 10:00 UTC
        zone, run_date, shown_in = "Pacific/Kiritimati", now.date() + timedelta(days=1), "current"
    else:  # UTC−12 is on yesterday's date until 12:00 UTC
        zone, run_date, shown_in = "Etc/GMT+12", now.date(), "upcoming"
    house = await make_domain(
        db, name="house", display_name="The house", configuration={"timezone": zone}
    )
    await make_assignment(
        db,
        name="Zoned run",
        assignment_date=run_date,
        configuration={"domain": "house"},
        domain_id=house["id"],
    )
    http, viewer = await browser_like("viewer")
    await upsert_member(db, house["id"], viewer["id"], "viewer", None)
    page = (await http.get("/")).text
    section = page.split(f'id="{shown_in}-h"')[1].split("</section>")[0]
    assert "Zoned run" in section


@pytest.mark.parametrize("zone", ["Pacific/Kiritimati", "Etc/GMT+11"])
async def test_the_generate_form_proposes_today_in_the_house_zone(
    browser_like: SignIn, db: Connection, zone: str
) -> None:
    """UTC+14 and UTC−11 are never both on UTC's date, so one of the two cases fails
    whenever the form proposes UTC's date."""
    house = await make_domain(
        db, name="house", display_name="The house", configuration={"timezone": zone}
    )
    http, manager = await browser_like("user")
    await manages(db, house, manager)
    page = (await http.get("/", params={"domain": "house"})).text
    today_there = datetime.now(ZoneInfo(zone)).date().isoformat()
    assert f'name="assignment_date" type="date" value="{today_there}"' in page
