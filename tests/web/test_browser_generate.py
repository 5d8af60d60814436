"""Generating in a real browser: back after saving does not make a second rotation, a
preview that breaks a rule is shown as such (a forced save for admins only), and next
week's rotation waits under "Upcoming". Its own server and database (module scope)."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.web.conftest import Live
from tests.web.test_browser import add_person, add_task, axe_violations, shoot, sign_in
from vividshift.engine import validators
from vividshift.engine.result import ValidationResult


def active_rows(page: Any) -> int:
    page.goto("/history?status=active")
    return page.locator("tbody tr").count()


def test_back_and_resend_after_saving_shows_the_saved_rotation(page: Any, live: Live) -> None:
    sign_in(page, live, "user")
    add_task(page, "Kitchen", 1)
    for name in ("Ana", "Ben"):
        add_person(page, name)
    page.goto("/")
    page.get_by_label("Name (optional)").fill("Week A")
    page.get_by_role("button", name="Preview").click()
    page.get_by_role("button", name="Save this rotation").click()
    page.wait_for_url("**/rotations/*")
    saved = page.url
    # Back to the preview: Chromium will not show a no-store POST result again without
    # sending it again ("Confirm form resubmission"); reloading sends it.
    try:
        page.go_back()
    except Exception as exc:  # net::ERR_CACHE_MISS, the resubmission page
        assert "ERR_CACHE_MISS" in str(exc)
    page.wait_for_timeout(300)
    page.reload()
    page.wait_for_url(saved)
    assert page.get_by_role("status").inner_text() == "This rotation was already saved."
    assert active_rows(page) == 1


def test_a_double_click_on_save_makes_one_rotation(page: Any, live: Live) -> None:
    sign_in(page, live, "admin")
    page.goto("/")
    page.get_by_label("Date").fill("2030-01-07")
    page.get_by_label("Name (optional)").fill("Week B")
    page.get_by_role("button", name="Generate and save").dblclick()
    page.wait_for_url("**/rotations/*")
    page.goto("/history?status=active&date_from=2030-01-07&date_to=2030-01-07")
    assert page.locator("tbody tr").count() == 1


def test_a_second_rotation_for_the_date_links_the_active_one(page: Any, live: Live) -> None:
    sign_in(page, live, "user")
    page.goto("/")
    page.get_by_label("Date").fill("2030-01-07")  # Week B's date
    page.get_by_role("button", name="Generate and save").click()
    alert = page.get_by_role("alert")
    assert "There is already an active rotation" in alert.inner_text()
    alert.get_by_role("link", name="Open the active rotation").click()
    page.wait_for_url("**/rotations/*")
    assert "Week B" in page.locator("h1").inner_text() or "Week B" in page.content()


@pytest.fixture
def a_rule_breaks(monkeypatch: pytest.MonkeyPatch) -> None:
    """skill_matching reports an error-level failure (the server runs in this process)."""
    real = validators.VALIDATORS["skill_matching"]

    def breach(*_: Any) -> ValidationResult:
        return ValidationResult("skill_matching", "error", False, ("Ana lacks forklift",))

    monkeypatch.setitem(validators.VALIDATORS, real.name, replace(real, check=breach))


@pytest.mark.usefixtures("a_rule_breaks")
def test_a_preview_that_breaks_a_rule(page: Any, live: Live, screenshots: Path) -> None:
    sign_in(page, live, "user")
    page.goto("/")
    page.get_by_label("Date").fill("2030-02-04")
    page.get_by_role("button", name="Preview").click()
    alert = page.get_by_role("alert")
    assert "breaks a rule, so it cannot be saved" in alert.inner_text()
    assert "lacks forklift" in alert.inner_text()
    assert page.get_by_role("button", name="Save this rotation").count() == 0
    assert page.get_by_role("button", name="Save anyway (forced)").count() == 0
    assert not axe_violations(page)
    shoot(page, screenshots, "preview-breaks-a-rule")

    page.get_by_role("button", name="Sign out").click()
    sign_in(page, live, "admin")
    page.get_by_label("Date").fill("2030-02-04")
    page.get_by_role("button", name="Preview").click()
    assert page.get_by_role("button", name="Save this rotation").count() == 0
    page.get_by_role("button", name="Save anyway (forced)").click()
    page.wait_for_url("**/rotations/*")
    assert page.get_by_role("status").inner_text() == "The rotation was generated."


def test_next_weeks_rotation_is_upcoming(page: Any, live: Live, screenshots: Path) -> None:
    today = datetime.now(UTC).date()
    sign_in(page, live, "user")
    page.goto("/")
    page.get_by_label("Date").fill((today + timedelta(days=7)).isoformat())
    page.get_by_label("Name (optional)").fill("Next week")
    page.get_by_role("button", name="Generate and save").click()
    page.wait_for_url("**/rotations/*")
    page.goto("/")
    current = page.locator("section[aria-labelledby=current-h]")
    assert "Next week" not in current.inner_text()
    assert "Week A" in current.inner_text()  # today's, from the first test
    upcoming = page.get_by_role("region", name="Upcoming")
    link = upcoming.get_by_role("link", name=f"{today + timedelta(days=7)} · Next week")
    assert link.is_visible()
    assert not axe_violations(page)
    shoot(page, screenshots, "dashboard-upcoming")
