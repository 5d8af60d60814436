"""Generating in a real browser: back after saving does not make a second rotation, a
preview that breaks a rule is shown as such (a forced save for admins only), and next
week's rotation waits under "Upcoming". Its own server and database (module scope); each
test makes the runs it reads, on dates of its own, so any order works."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
import pytest

from tests.web.conftest import Live
from tests.web.test_browser import axe_violations, shoot, sign_in
from vividshift.engine import validators
from vividshift.engine.result import ValidationResult


@pytest.fixture(autouse=True, scope="module")
def house(live: Live) -> None:
    """A task for one and two people for it, in the default domain (once per module)."""
    with psycopg.connect(live.db_url, autocommit=True) as conn:
        conn.execute(
            "INSERT INTO assignment_targets (name, required_count) SELECT 'Kitchen', 1"
            " WHERE NOT EXISTS (SELECT 1 FROM assignment_targets WHERE name = 'Kitchen')"
        )
        for name in ("Ana", "Ben"):
            conn.execute(
                "INSERT INTO participants (name, skills) SELECT %s, '[\"cleaning\"]'"
                " WHERE NOT EXISTS (SELECT 1 FROM participants WHERE name = %s)",
                (name, name),
            )


def active_rows(page: Any, day: str) -> int:
    page.goto(f"/history?status=active&date_from={day}&date_to={day}")
    return page.locator("tbody tr").count()


def generate_and_save(page: Any, day: str, name: str) -> None:
    page.goto("/")
    page.get_by_label("Date").fill(day)
    page.get_by_label("Name (optional)").fill(name)
    page.get_by_role("button", name="Generate and save").click()
    page.wait_for_url("**/rotations/*")


def test_back_and_resend_after_saving_shows_the_saved_rotation(page: Any, live: Live) -> None:
    sign_in(page, live, "user")
    page.goto("/")
    page.get_by_label("Date").fill("2030-03-04")
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
    assert active_rows(page, "2030-03-04") == 1


def test_a_double_click_on_save_makes_one_rotation(page: Any, live: Live) -> None:
    sign_in(page, live, "admin")
    page.goto("/")
    page.get_by_label("Date").fill("2030-01-07")
    page.get_by_label("Name (optional)").fill("Week B")
    page.get_by_role("button", name="Generate and save").dblclick()
    page.wait_for_url("**/rotations/*")
    assert active_rows(page, "2030-01-07") == 1


def test_a_second_rotation_for_the_date_links_the_active_one(page: Any, live: Live) -> None:
    sign_in(page, live, "user")
    generate_and_save(page, "2030-01-14", "Week C")
    page.goto("/")
    page.get_by_label("Date").fill("2030-01-14")
    page.get_by_role("button", name="Generate and save").click()
    alert = page.get_by_role("alert")
    assert "There is already an active rotation" in alert.inner_text()
    alert.get_by_role("link", name="Open the active rotation").click()
    page.wait_for_url("**/rotations/*")
    assert "Week C" in page.locator("h1").inner_text() or "Week C" in page.content()


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
    generate_and_save(page, today.isoformat(), "This week")
    generate_and_save(page, (today + timedelta(days=7)).isoformat(), "Next week")
    page.goto("/")
    current = page.locator("section[aria-labelledby=current-h]")
    assert "Next week" not in current.inner_text()
    assert "This week" in current.inner_text()
    upcoming = page.get_by_role("region", name="Upcoming")
    link = upcoming.get_by_role("link", name=f"{today + timedelta(days=7)} · Next week")
    assert link.is_visible()
    assert not axe_violations(page)
    shoot(page, screenshots, "dashboard-upcoming")
