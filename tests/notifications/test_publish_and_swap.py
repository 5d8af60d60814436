"""Publishing a run and changing places: exactly the expected messages reach exactly the
expected people, on a real SMTP server (aiosmtpd), a real webhook receiver that checks
the Standard Webhooks signature, and Apprise's json:// pointed at a local endpoint."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import httpx
import pytest

from tests.conftest import make_settings
from tests.notifications.helpers import add_channel, count, generate, house
from tests.notifications.receivers import (
    HttpReceiver,
    html_of,
    http_receiver,
    smtp_server,
    text_of,
    to_of,
)
from vividshift.app import create_app
from vividshift.assignments import generation
from vividshift.assignments.schemas import GenerateRequest
from vividshift.config import Settings
from vividshift.db import Connection, get_db
from vividshift.notifications.delivery import drain


@pytest.fixture
def receiver() -> Iterator[HttpReceiver]:
    with http_receiver() as r:
        yield r


@pytest.fixture
def smtp() -> Iterator[tuple[str, Any]]:
    with smtp_server() as s:
        yield s


@pytest.fixture
def notify_settings(database_url: str, smtp: tuple[str, Any]) -> Settings:
    return make_settings(
        database_url,
        smtp_url=smtp[0],
        smtp_starttls=False,
        allow_private_webhooks=True,
        notifications_in_process=False,
        public_url="https://rota.example.org",
    )


@pytest.fixture
async def nclient(notify_settings: Settings, db: Connection):
    app = create_app(notify_settings)

    async def test_db():
        yield db

    app.dependency_overrides[get_db] = test_db
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
            yield http


async def _setup(nclient, db, auth_headers, receiver: HttpReceiver) -> dict[str, Any]:
    """Oak House with a signed webhook, a house Apprise channel, and Ana's own one."""
    h = await house(db, auth_headers)
    hook = await add_channel(
        nclient, h, kind="webhook", name="house bot", url=f"{receiver.url}/hook"
    )
    assert hook["secret"].startswith("whsec_")
    receiver.secrets["/hook"] = hook["secret"]
    await add_channel(
        nclient, h, kind="apprise", name="discord", url=f"json://127.0.0.1:{receiver.port}/house"
    )
    r = await nclient.post(
        "/api/me/channels",
        json={"name": "my push", "url": f"json://127.0.0.1:{receiver.port}/ana"},
        headers=h["headers"]["Ana"],
    )
    assert r.status_code == 201, r.text
    return h | {"hook": hook}


def _places_by_name(run: dict[str, Any], h: dict[str, Any]) -> dict[str, set[str]]:
    """Person name → the target ids they hold in the run."""
    names = {str(p["id"]): name for name, p in h["people"].items()}
    out: dict[str, set[str]] = {}
    for a in run["assignments"]:
        out.setdefault(names[a["participant_id"]], set()).add(a["target_id"])
    return out


async def test_publish_tells_the_house_and_each_person_their_own_places(
    nclient, db: Connection, auth_headers, receiver: HttpReceiver, smtp, notify_settings
):
    h = await _setup(nclient, db, auth_headers, receiver)
    run = await generate(nclient, h)
    # Written with the run, nothing sent yet: the house's two channels, Ana's own one,
    # and an email to each linked person (Cy has no account).
    assert await count(db, "notification_events", "event_type = 'rotation.published.v1'") == 1
    assert await count(db, "notification_deliveries", "status = 'pending'") == 5
    assert receiver.received == [] and smtp[1].messages == []

    assert await drain(db, notify_settings) == 5
    assert await count(db, "notification_deliveries", "status = 'delivered'") == 5

    # The webhook: one signed POST (verified by the receiver), the whole roster.
    assert len(receiver.on("/hook")) == 1 and len(receiver.verified) == 1
    body = receiver.verified[0]
    assert body["type"] == "rotation.published.v1"
    assert body["data"]["run"]["id"] == run["id"]
    assert len(body["data"]["places"]) == 3
    delivery_id = receiver.on("/hook")[0].headers["webhook-id"]
    stored = await count(
        db, "notification_deliveries", "id = %s AND kind = 'webhook'", (delivery_id,)
    )
    assert stored == 1

    # The house channel: the predecessor's Discord post, one "task: names" line a task.
    house_post = receiver.on("/house")[0].json()
    by_task: dict[str, list[str]] = {}
    names = {str(p["id"]): n for n, p in h["people"].items()}
    tasks = {p["target_id"]: p["metadata"]["target_name"] for p in run["assignments"]}
    for a in run["assignments"]:
        by_task.setdefault(tasks[a["target_id"]], []).append(names[a["participant_id"]])
    lines = house_post["message"].splitlines()
    assert sorted(lines) == sorted(f"{t}: {', '.join(sorted(n))}" for t, n in by_task.items()) or (
        {line.split(": ")[0]: set(line.split(": ")[1].split(", ")) for line in lines}
        == {t: set(n) for t, n in by_task.items()}
    )

    # Ana's own channel: her places only.
    places = _places_by_name(run, h)
    ana_post = receiver.on("/ana")[0].json()["message"]
    for target_id, task in tasks.items():
        assert (f"\n{task}" in ana_post) == (target_id in places.get("Ana", set())), ana_post

    # Email: exactly Ana and Ben, each about their own places, text and HTML, with a
    # one-click unsubscribe; nobody else's address anywhere.
    mails = {to_of(m): m for m in smtp[1].messages}
    assert sorted(mails) == ["ana@example.org", "ben@example.org"]
    for name, address in (("Ana", "ana@example.org"), ("Ben", "ben@example.org")):
        mail, other = mails[address], "ben@example.org" if name == "Ana" else "ana@example.org"
        text, html = text_of(mail), html_of(mail)
        for target_id, task in tasks.items():
            assert (f"\n{task}" in text) == (target_id in places.get(name, set())), text
        assert other not in mail.as_string()
        assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        link = str(mail["List-Unsubscribe"]).strip("<>")
        assert link.startswith("https://rota.example.org/notifications/unsubscribe?")
        assert link.replace("&", "&amp;") in html
    # Nothing in any body is a secret: no password hash, no signing secret.
    everything = b"".join(r.body for r in receiver.received).decode()
    assert h["hook"]["secret"] not in everything and "password" not in everything
    assert "@example.org" not in everything


async def test_a_swap_tells_only_the_two_people_involved(
    nclient, db: Connection, auth_headers, receiver: HttpReceiver, smtp, notify_settings
):
    h = await _setup(nclient, db, auth_headers, receiver)
    run = await generate(nclient, h)
    await drain(db, notify_settings)
    receiver.received.clear()
    receiver.verified.clear()
    smtp[1].messages.clear()
    detail = await nclient.get(f"/api/assignments/{run['id']}", headers=h["manager"])
    details = detail.json()["details"]
    by_person = {d["participant_name"]: d for d in details}
    # Swap Ben's place with Cy's when they are on different tasks, else Ana's with Cy's.
    cy = by_person["Cy"]
    other = next(
        n for n in ("Ben", "Ana") if n in by_person and by_person[n]["target_id"] != cy["target_id"]
    )
    r = await nclient.post(
        f"/api/assignments/{run['id']}/swap",
        json={
            "first_detail_id": by_person[other]["id"],
            "second_detail_id": cy["id"],
            "force": True,
        },
        headers=h["manager"],
    )
    assert r.status_code == 200, r.text
    await drain(db, notify_settings)

    # Email: only the linked one of the two (Cy has no account); the third person hears nothing.
    address = f"{other.lower()}@example.org"
    assert [to_of(m) for m in smtp[1].messages] == [address]
    text = text_of(smtp[1].messages[0])
    assert f"You no longer have {by_person[other]['target_name']}" in text
    assert f"You now have {cy['target_name']}" in text
    # Ana's own channel hears only when Ana was involved.
    assert len(receiver.on("/ana")) == (1 if other == "Ana" else 0)
    # The house hears of the change, once per channel.
    assert len(receiver.on("/house")) == 1 and len(receiver.verified) == 1
    change = receiver.verified[0]
    assert change["type"] == "place.changed.v1" and change["data"]["reason"] == "swap"
    moved = {
        (c["from"]["participant_name"], c["to"]["participant_name"])
        for c in change["data"]["changes"]
    }
    assert moved == {(other, "Cy"), ("Cy", other)}


async def test_a_reassign_tells_the_one_taken_off_and_the_one_put_on(
    nclient, db: Connection, auth_headers, receiver: HttpReceiver, smtp, notify_settings
):
    h = await _setup(nclient, db, auth_headers, receiver)
    run = await generate(
        nclient,
        h,
        participants=[str(h["people"][n]["id"]) for n in ("Ana", "Cy")]
        + [str(h["people"]["Ben"]["id"])],
    )
    await drain(db, notify_settings)
    smtp[1].messages.clear()
    details = (await nclient.get(f"/api/assignments/{run['id']}", headers=h["manager"])).json()[
        "details"
    ]
    # A place held by Cy goes to whichever of Ana/Ben is not on that task.
    cy = next(d for d in details if d["participant_name"] == "Cy")
    on_task = {d["participant_name"] for d in details if d["target_id"] == cy["target_id"]}
    new = next(n for n in ("Ana", "Ben") if n not in on_task)
    r = await nclient.post(
        f"/api/assignments/{run['id']}/reassign",
        json={"detail_id": cy["id"], "participant_id": str(h["people"][new]["id"]), "force": True},
        headers=h["manager"],
    )
    assert r.status_code == 200, r.text
    await drain(db, notify_settings)
    assert [to_of(m) for m in smtp[1].messages] == [f"{new.lower()}@example.org"]


async def test_a_rolled_back_change_notifies_nobody(
    nclient, db: Connection, auth_headers, receiver: HttpReceiver, smtp, notify_settings
):
    h = await _setup(nclient, db, auth_headers, receiver)
    # A preview runs the real generation in a transaction that is rolled back; so does
    # any change whose transaction fails after the run was written.
    body = GenerateRequest(domain=h["domain"]["name"], assignment_date=date(2026, 12, 8))
    preview = await generation.preview(db, None, body)
    assert len(preview.assignments) == 3
    with pytest.raises(RuntimeError):
        async with db.transaction():
            await generation.generate(db, None, body)
            assert await count(db, "notification_deliveries") == 5  # written with the run
            raise RuntimeError("the caller's transaction fails after the run")
    assert await count(db, "notification_events") == 0
    # A generation refused half-way (the date already has an active run) leaves nothing.
    await generate(nclient, h)
    await drain(db, notify_settings)
    before = await count(db, "notification_deliveries")
    r = await nclient.post(
        "/api/assignments/generate",
        json={"domain": h["domain"]["name"], "assignment_date": "2026-12-07"},
        headers=h["manager"],
    )
    assert r.status_code == 409, r.text
    assert await count(db, "notification_events") == 1  # the one real run's
    assert await count(db, "notification_deliveries") == before
    assert await drain(db, notify_settings) == 0
    assert len(smtp[1].messages) == 2  # the real run's two emails, nothing more
