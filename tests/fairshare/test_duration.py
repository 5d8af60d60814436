"""Effort weighted by turn length (`configuration.fair_share.weight_by_duration`): a
place is worth its target's effort × its hours — in the ledger, the fairness view and
CSV, and generation's objective."""

import io
from csv import DictReader
from datetime import datetime

import httpx
import pytest

from tests.fairshare.helpers import details, generate, make_house
from tests.system.test_http_errors import assert_error
from vividshift.db import Connection
from vividshift.engine import DailyWindow, RunWindow
from vividshift.ledger.duration import hours_of

DAY = RunWindow(datetime(2026, 11, 2), datetime(2026, 11, 3))


def test_a_place_lasts_its_window_else_the_run_else_a_day() -> None:
    assert hours_of(DailyWindow(12 * 60, 14 * 60), DAY) == 2
    assert hours_of(DailyWindow(22 * 60, 6 * 60), DAY) == 8  # past midnight
    assert hours_of(RunWindow(datetime(2026, 11, 2, 9), datetime(2026, 11, 4, 9)), DAY) == 48
    assert hours_of(None, RunWindow(datetime(2026, 11, 2), datetime(2026, 11, 2, 6))) == 6
    assert hours_of(None, None) == 24
    empty = RunWindow(datetime(2026, 11, 2), datetime(2026, 11, 2))
    assert hours_of(empty, DAY) == 24  # a zero-length window counts as absent


CHORES = {"Lunch": 3, "Night": 1, "Dishes": 1}
WINDOWS = {
    "Lunch": {"start": "12:00", "end": "14:00"},  # 2 h × 3 = 6
    "Night": {"start": "22:00", "end": "06:00"},  # 8 h × 1 = 8
    "Dishes": {"start": "18:00", "end": "19:00"},
}


async def _lived(client: httpx.AsyncClient, db: Connection, auth_headers, weighted: bool):
    """Ann did Lunch (3 points, 2 h), Ben did Night (1 point, 8 h)."""
    manager = await auth_headers("user")
    house = await make_house(
        client,
        manager,
        ["Ann", "Ben"],
        CHORES,
        configuration={"fair_share": {"weight_by_duration": weighted}},
        chore_fields={c: {"constraints": {"time_window": w}} for c, w in WINDOWS.items()},
    )
    for day, person, chore in (("2026-11-02", "Ann", "Lunch"), ("2026-11-09", "Ben", "Night")):
        run = await generate(
            client,
            house,
            day,
            participants=[house.people[person]],
            targets=[house.chores[chore]],
        )
        await db.execute(
            "UPDATE assignment_details SET outcome = 'done', outcome_at = now()"
            " WHERE assignment_id = %s",
            (run["id"],),
        )
    return house


@pytest.mark.parametrize(("weighted", "done"), [(True, (6, 8)), (False, (3, 1))])
async def test_the_ledger_and_the_fairness_view_count_hours(
    client: httpx.AsyncClient, db: Connection, auth_headers, weighted: bool, done: tuple
) -> None:
    house = await _lived(client, db, auth_headers, weighted)
    url = f"/api/domains/{house.id}/fairness?from=2026-11-01&to=2026-11-14"
    view = (await client.get(url, headers=house.headers)).json()
    by_name = {p["name"]: p for p in view["people"]}
    assert (by_name["Ann"]["done"], by_name["Ben"]["done"]) == done
    assert view["total_effort"] == sum(done)
    csv = await client.get(
        f"/api/domains/{house.id}/fairness.csv?from=2026-11-01&to=2026-11-14",
        headers=house.headers,
    )
    assert csv.status_code == 200
    rows = {r["name"]: r for r in DictReader(io.StringIO(csv.text))}
    assert (float(rows["Ann"]["done"]), float(rows["Ben"]["done"])) == done


@pytest.mark.parametrize(("weighted", "taker"), [(True, "Ann"), (False, "Ben")])
async def test_generation_plans_against_hours(
    client: httpx.AsyncClient, db: Connection, auth_headers, weighted: bool, taker: str
) -> None:
    """Counted in points Ann is ahead (3 vs 1), in points × hours Ben is (8 vs 6): the one
    behind takes the Dishes."""
    house = await _lived(client, db, auth_headers, weighted)
    for seed in range(3):
        run = await generate(
            client,
            house,
            f"2026-11-{16 + seed:02d}",
            targets=[house.chores["Dishes"]],
            seed=seed,
        )
        (place,) = await details(client, house, run["id"])
        assert place["participant_id"] == house.people[taker], seed
        await client.patch(
            f"/api/assignments/{run['id']}", json={"status": "cancelled"}, headers=house.headers
        )


async def test_the_setting_is_a_json_boolean(client: httpx.AsyncClient, auth_headers) -> None:
    manager = await auth_headers("user")
    body = {
        "name": "strict",
        "display_name": "strict",
        "configuration": {"fair_share": {"weight_by_duration": "yes"}},
    }
    assert_error(
        await client.post("/api/domains", json=body, headers=manager), 422, "VALIDATION_ERROR"
    )
