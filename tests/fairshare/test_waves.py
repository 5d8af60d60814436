"""Finding cover automatically: ask the best-ranked eligible people in waves, stop at the
first acceptance."""

from datetime import UTC, datetime, timedelta

import httpx

from tests.fairshare.helpers import details, generate, make_house
from vividshift.db import Connection
from vividshift.fairshare.waves import ask_next_waves

PEOPLE = ["Ann", "Ben", "Cid", "Dee", "Eve", "Fay", "Gus"]


async def test_cover_is_sought_in_waves_until_someone_accepts(
    client: httpx.AsyncClient, db: Connection, auth_headers
) -> None:
    manager = await auth_headers("user")
    house = await make_house(
        client,
        manager,
        PEOPLE,
        {"Bin": 1},
        configuration={"fair_share": {"cover_wave_size": 2, "cover_wave_minutes": 30}},
    )
    run = await generate(client, house, "2026-11-02")
    place = (await details(client, house, run["id"]))[0]
    ranked = (
        await client.get(
            f"/api/assignments/{run['id']}/details/{place['id']}/alternatives", headers=manager
        )
    ).json()["candidates"]
    assert len(ranked) == 6
    request = (
        await client.post(
            f"/api/assignments/{run['id']}/details/{place['id']}/requests",
            json={"kind": "cover", "auto_find": True},
            headers=manager,
        )
    ).json()

    async def asked() -> list[str]:
        r = await client.get(f"/api/place-requests/{request['id']}", headers=manager)
        return [e["participant_id"] for e in r.json()["events"] if e["action"] == "asked"]

    assert await ask_next_waves(db) == {"requests": 1, "asked": 2}
    assert await asked() == [c["participant_id"] for c in ranked[:2]]
    assert (await ask_next_waves(db))["asked"] == 0  # the next wave is not due yet
    later = datetime.now(UTC) + timedelta(minutes=31)
    assert (await ask_next_waves(db, later))["asked"] == 2
    assert await asked() == [c["participant_id"] for c in ranked[:4]]

    r = await client.post(
        f"/api/place-requests/{request['id']}/accept",
        json={"participant_id": ranked[1]["participant_id"]},
        headers=manager,
    )
    assert r.status_code == 200, r.text
    assert await ask_next_waves(db, later + timedelta(hours=2)) == {"requests": 0, "asked": 0}
    assert len(await asked()) == 4
