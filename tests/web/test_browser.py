"""The page in a real browser (Debian's Chromium through Playwright): the coordinator's
whole flow, a viewer, a form error, keyboard use, 375-px phones, axe-core, screenshots."""

import csv
import io
from pathlib import Path
from typing import Any

import psycopg

from tests.secrets_registry import remember
from tests.web.conftest import DESKTOP, Live

PHONE = {"width": 375, "height": 740}
SERIOUS = {"serious", "critical"}


def sign_in(page: Any, live: Live, role: str) -> None:
    who = live.accounts[role]
    page.goto("/login")
    page.get_by_label("Username or email").fill(who["username"])
    page.get_by_label("Password").fill(who["password"])
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(live.url + "/")
    for cookie in page.context.cookies():
        remember(cookie["value"])


def add_task(page: Any, name: str, count: int = 1) -> None:
    page.goto("/tasks/new")
    page.get_by_label("Name", exact=True).fill(name)
    page.get_by_label("People needed").fill(str(count))
    page.get_by_role("button", name="Save").click()
    page.wait_for_url("**/tasks")
    assert page.get_by_role("link", name=name).is_visible()


def add_person(page: Any, name: str, email: str | None = None, group: str = "") -> None:
    page.goto("/people/new")
    page.get_by_label("Name", exact=True).fill(name)
    if email:
        page.get_by_label("Email").fill(email)
    page.get_by_label("Skills").fill("cleaning, cooking")
    page.get_by_label("Group").fill(group)
    page.get_by_label("Monday morning").select_option("available")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url("**/people")


def axe_violations(page: Any) -> list[dict[str, Any]]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [v for v in results.response["violations"] if v.get("impact") in SERIOUS]


def shoot(page: Any, directory: Path, name: str) -> None:
    """Desktop and phone screenshots; at 375 px nothing may scroll sideways."""
    page.set_viewport_size(DESKTOP)
    page.screenshot(path=str(directory / f"{name}-desktop.png"), full_page=True)
    page.set_viewport_size(PHONE)
    overflow = page.evaluate("document.documentElement.scrollWidth")
    page.screenshot(path=str(directory / f"{name}-phone.png"), full_page=True)
    page.set_viewport_size(DESKTOP)
    assert overflow <= PHONE["width"], f"{name}: the page scrolls sideways at 375 px ({overflow})"


def test_coordinator_flow(page: Any, live: Live, screenshots: Path) -> None:
    """Sign in, create people and tasks, preview and generate, open the rotation, swap,
    see the history entry, download CSV, sign out."""
    sign_in(page, live, "user")
    add_task(page, "Kitchen", 2)
    add_task(page, "Bathroom", 1)
    add_task(page, "Garden", 1)
    add_person(page, "Ana", email=live.accounts["user"]["email"], group="A")
    for name in ("Ben", "Chloé", "Dmitri"):
        add_person(page, name, group="B")
    # "Me" is the link of a participant to an account, never an email match.
    with psycopg.connect(live.db_url, autocommit=True) as conn:
        conn.execute(
            "UPDATE participants SET user_id = (SELECT id FROM users WHERE username = %s)"
            " WHERE name = 'Ana'",
            (live.accounts["user"]["username"],),
        )
    page.goto("/people?q=Chlo")
    assert page.get_by_role("link", name="Chloé").is_visible()

    page.goto("/")
    page.get_by_label("Name (optional)").fill("Week 1")
    page.get_by_role("button", name="Preview").click()
    assert page.get_by_role("heading", name="Preview (not saved)").is_visible()
    assert page.locator("text=Kitchen").count() >= 1
    page.get_by_role("button", name="Save this rotation").click()
    page.wait_for_url("**/rotations/*")
    assert page.get_by_role("status").inner_text() == "The rotation was generated."
    rotation_url = page.url
    assert page.get_by_role("heading", name="Who does what").is_visible()
    assert page.locator("tr.mine").count() == 1  # Ana is linked to me: highlighted

    # Swap the first two places that are on different tasks.
    options = page.locator("#f-first_detail_id option").all_inner_texts()[1:]
    first = options[0]
    second = next(o for o in options if o.split(" #")[0] != first.split(" #")[0])
    page.get_by_label("First place").select_option(label=first)
    page.get_by_label("Second place").select_option(label=second)
    page.get_by_label("Keep it even if a rule breaks").first.check()
    page.get_by_role("button", name="Swap", exact=True).click()
    page.wait_for_url(rotation_url + "#trail")
    assert page.get_by_role("status").inner_text() == "Swapped."
    trail = page.locator("#trail")
    assert trail.locator("td", has_text="swap").count() == 1
    assert live.accounts["user"]["username"] in trail.inner_text()
    first_person, second_person = first.split(" – ")[1], second.split(" – ")[1]
    assert f"{first_person} → {second_person}" in trail.inner_text()

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download CSV").click()
    download = download_info.value
    rows = list(csv.reader(io.StringIO(Path(download.path()).read_text("utf-8"))))
    assert len(rows) == 1 + 4  # header + Kitchen ×2, Bathroom, Garden
    assert download.suggested_filename.endswith(".csv")

    page.goto("/history")
    page.get_by_label("Status").select_option("active")
    page.get_by_role("button", name="Filter").click()
    assert page.get_by_role("link", name=rotation_url.rsplit("/", 1)[1]).count() == 0
    assert page.locator("tbody tr").count() == 1

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/login")
    assert page.get_by_role("status").inner_text() == "You are signed out."
    page.goto(rotation_url)
    assert page.url.startswith(live.url + "/login?next=")


def test_viewer_sees_no_write_actions(page: Any, live: Live) -> None:
    # Keyboard only: tab into the form, type, press Enter.
    page.goto("/login")
    page.keyboard.press("Tab")  # skip link
    page.keyboard.press("Tab")  # brand link
    page.keyboard.press("Tab")
    page.keyboard.type(live.accounts["viewer"]["username"])
    page.keyboard.press("Tab")
    page.keyboard.type(live.accounts["viewer"]["password"])
    page.keyboard.press("Enter")
    page.wait_for_url(live.url + "/")
    for cookie in page.context.cookies():
        remember(cookie["value"])
    assert page.get_by_role("heading", name="Generate now").count() == 0
    page.goto("/people")
    assert page.get_by_role("link", name="Add a person").count() == 0
    assert page.get_by_role("button", name="Import").count() == 0
    page.goto("/history")
    links = page.locator("tbody a")
    if links.count():
        links.first.click()
        assert page.get_by_role("button", name="Swap").count() == 0
        assert page.get_by_role("button", name="Reassign").count() == 0
    token = page.locator("input[name=csrf_token]").first.get_attribute("value")
    refused = page.request.post(
        "/people", form={"name": "Sneaky", "csrf_token": token}, headers={"Accept": "text/html"}
    )
    assert refused.status == 403


def test_a_form_error_is_shown_next_to_its_field(page: Any, live: Live) -> None:
    sign_in(page, live, "admin")
    page.goto("/admin/domains")
    page.get_by_label("Name", exact=True).fill("Not Valid!")
    page.get_by_label("Display name").fill("Bad name")
    page.get_by_role("button", name="Create domain").click()
    name = page.get_by_label("Name", exact=True)
    assert name.get_attribute("aria-invalid") == "true"
    error = page.locator("#e-name")
    assert error.is_visible() and "pattern" in error.inner_text()
    assert name.get_attribute("aria-describedby").split()[-1] == "e-name"
    assert page.evaluate("document.activeElement.id") == "f-name"  # focus lands on it


def test_a_form_post_without_its_token_is_refused(page: Any, live: Live) -> None:
    sign_in(page, live, "user")
    response = page.request.post("/tasks", form={"name": "Forged"}, headers={"Accept": "text/html"})
    assert response.status == 403
    assert "did not come from this site" in response.text()
    cookie = next(c for c in page.context.cookies() if c["name"] == "vividshift_session")
    assert cookie["httpOnly"] is True and cookie["sameSite"] == "Lax"
    assert cookie["secure"] is False  # plain http here; https sets Secure (test_forms)


def test_main_pages_pass_axe_and_are_photographed(page: Any, live: Live, screenshots: Path) -> None:
    page.goto("/login")
    pages: list[tuple[str, str]] = [("login", "/login")]
    found: dict[str, list[dict[str, Any]]] = {"login": axe_violations(page)}
    shoot(page, screenshots, "login")
    sign_in(page, live, "admin")
    add_task(page, "Hallway")
    add_person(page, "Eve")
    page.goto("/")
    page.get_by_label("Date").fill("2027-03-01")  # a date no other test's rotation holds
    page.get_by_role("button", name="Generate and save").click()
    page.wait_for_url("**/rotations/*")
    rotation = page.url.replace(live.url, "")
    page.goto("/people")
    person = page.locator("tbody a").first.get_attribute("href")
    page.goto("/tasks")
    task = page.locator("tbody a").first.get_attribute("href")
    page.goto("/admin/domains")
    page.get_by_label("Name", exact=True).fill("house")
    page.get_by_label("Display name").fill("The house")
    page.get_by_role("button", name="Create domain").click()
    domain = page.url.replace(live.url, "")
    pages += [
        ("dashboard", "/"),
        ("rotation", rotation),
        ("history", "/history"),
        ("people", "/people"),
        ("person", person),
        ("tasks", "/tasks"),
        ("task", task),
        ("users", "/admin/users"),
        ("domains", "/admin/domains"),
        ("domain", domain),
        ("notifications", "/notifications"),
    ]
    for name, url in pages[1:]:
        page.goto(url)
        found[name] = axe_violations(page)
        shoot(page, screenshots, name)
    serious = {
        name: [f"{v['id']} ({v['impact']}): {v['help']}" for v in violations]
        for name, violations in found.items()
        if violations
    }
    assert not serious, serious
