"""The fair-share page in a real browser: axe-core finds nothing serious, and on a
375-px phone nothing scrolls sideways (screenshots saved)."""

from pathlib import Path
from typing import Any

import psycopg

from tests.web.conftest import Live
from tests.web.test_browser import axe_violations, shoot, sign_in


def _house(db_url: str) -> str:
    """A house with a finished rotation of six people and four tasks."""
    with psycopg.connect(db_url, autocommit=True) as conn:
        domain = conn.execute(
            "INSERT INTO domains (name, display_name) VALUES ('fair-lodge', 'Fair lodge')"
            " RETURNING id"
        ).fetchone()[0]
        people = [
            conn.execute(
                "INSERT INTO participants (name, domain_id) VALUES (%s, %s) RETURNING id",
                (name, domain),
            ).fetchone()[0]
            for name in ("Ann", "Ben", "Cid", "Dee", "Eve", "Fay")
        ]
        tasks = [
            conn.execute(
                "INSERT INTO assignment_targets (name, domain_id, effort, required_count)"
                " VALUES (%s, %s, %s, 2) RETURNING id",
                (name, domain, effort),
            ).fetchone()[0]
            for name, effort in (("Toilet B", 3), ("Bin", 1), ("Parlor", 1), ("Tank", 2))
        ]
        for week in range(3):
            run = conn.execute(
                "INSERT INTO assignments (strategy_used, domain_id, assignment_date)"
                " VALUES ('balanced_rotation', %s, %s) RETURNING id",
                (domain, f"2026-10-{5 + 7 * week:02d}"),
            ).fetchone()[0]
            for k, person in enumerate(people):
                outcome = "missed" if (k + week) % 5 == 0 else "done"
                conn.execute(
                    "INSERT INTO assignment_details (assignment_id, participant_id, target_id,"
                    " outcome, outcome_at) VALUES (%s, %s, %s, %s, now())",
                    (run, person, tasks[(k + week) % 4], outcome),
                )
    return str(domain)


def test_the_fairness_page_passes_axe_on_desktop_and_phone(
    page: Any, live: Live, screenshots: Path
) -> None:
    domain = _house(live.db_url)
    sign_in(page, live, "admin")
    page.goto(f"/houses/{domain}/fairness?date_from=2026-10-01&date_to=2026-10-31")
    assert page.locator("svg.chart").count() == 2
    assert page.get_by_role("img", name="Each person's balance").is_visible()
    assert page.locator("#fairness-people tbody tr").count() == 6
    found = axe_violations(page)
    shoot(page, screenshots, "fairness")
    serious = [f"{v['id']} ({v['impact']}): {v['help']}" for v in found]
    assert not serious, serious
