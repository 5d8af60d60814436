"""Where deliveries may go (no SSRF) and who manages channels, sees deliveries and
unsubscribes."""

from __future__ import annotations

import asyncio
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from tests.conftest import make_settings
from tests.factories import make_domain, make_user
from tests.notifications.helpers import count
from tests.notifications.receivers import http_receiver
from vividshift.db import Connection
from vividshift.notifications import events, queries, safety, unsubscribe
from vividshift.notifications.delivery import deliver_due
from vividshift.notifications.safety import UnsafeTarget, check_http_url, pinned_request
from vividshift.notifications.senders import apprise_url, webhook
from vividshift.notifications.service import new_webhook_secret

REFUSED = [
    "http://127.0.0.1/hook",
    "http://localhost:8080/hook",
    "http://[::1]/hook",
    "http://10.1.2.3/hook",
    "http://192.168.0.10/hook",
    "http://172.16.5.4/hook",
    "http://169.254.169.254/latest/meta-data/",
    "http://100.100.100.200/",
    "http://[fd00:ec2::254]/",
    "http://[::ffff:127.0.0.1]/",
    "http://0.0.0.0/",
    "http://metadata.google.internal/computeMetadata/v1/",
    "ftp://93.184.215.14/file",
    "http://no-such-host.invalid/hook",
]


@pytest.mark.parametrize("url", REFUSED)
async def test_private_and_metadata_addresses_are_refused(url: str) -> None:
    with pytest.raises(UnsafeTarget):
        await check_http_url(url, allow_private=False)


async def test_public_addresses_pass_and_allow_private_lifts_all_but_metadata() -> None:
    await check_http_url("https://93.184.215.14/hook", allow_private=False)
    await check_http_url("http://127.0.0.1:9/hook", allow_private=True)
    await check_http_url("http://10.0.0.1/hook", allow_private=True)
    with pytest.raises(UnsafeTarget):
        await check_http_url("http://169.254.169.254/", allow_private=True)


async def test_a_webhook_connects_to_the_address_the_check_vetted(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """DNS rebinding: the name answers a vetted address once; the connection must go
    there, not resolve the name again (this name resolves nowhere else here, so a second
    resolution would fail to connect)."""
    answers: list[str] = []

    async def resolve_once(host: str, port: int) -> list[str]:
        answers.append(host)
        return ["127.0.0.1"]

    monkeypatch.setattr(safety, "resolve", resolve_once)
    with http_receiver() as receiver:
        outcome = await webhook.send(
            f"http://hooks.rebind.invalid:{receiver.port}/hook",
            new_webhook_secret(),
            "msg_pin",
            {"type": "t", "timestamp": "x", "data": {}},
            time_limit=2,
            allow_private=True,
        )
    assert outcome.ok, outcome.error
    assert answers == ["hooks.rebind.invalid"]
    (received,) = receiver.on("/hook")
    assert received.headers["host"] == f"hooks.rebind.invalid:{receiver.port}"


async def test_a_pinned_request_keeps_the_name_for_host_and_tls() -> None:
    pin = await pinned_request("https://user@[::1]:8443/x?y=1", allow_private=True)
    assert (pin.url, pin.host, pin.sni) == ("https://[::1]:8443/x?y=1", "[::1]:8443", "::1")
    plain = await pinned_request("http://127.0.0.1/hook", allow_private=True)
    assert (plain.url, plain.host, plain.sni) == ("http://127.0.0.1/hook", "127.0.0.1", None)


async def test_apprise_urls_are_checked_on_their_host() -> None:
    with pytest.raises(UnsafeTarget):
        await apprise_url.check("json://127.0.0.1:9/x", allow_private=False)
    with pytest.raises(UnsafeTarget):
        await apprise_url.check("ntfy://10.0.0.5/topic", allow_private=False)
    with pytest.raises(UnsafeTarget):
        await apprise_url.check("not-a-service://x", allow_private=False)
    # Services at their own fixed public hosts need no look-up.
    await apprise_url.check("discord://123/token", allow_private=False)


async def test_a_redirect_to_a_metadata_address_is_refused_at_send_time() -> None:
    with http_receiver(
        behaviour=lambda r: ("redirect", "http://169.254.169.254/latest/meta-data/")
    ) as receiver:
        outcome = await webhook.send(
            f"{receiver.url}/hook",
            new_webhook_secret(),
            "msg_1",
            {"type": "t", "timestamp": "x", "data": {}},
            time_limit=2,
            allow_private=True,
        )
    assert not outcome.ok and outcome.permanent
    assert outcome.error is not None and "metadata" in outcome.error
    assert len(receiver.received) == 1


async def test_a_slow_receiver_times_out() -> None:
    def slow(received: Any) -> int:
        import time

        time.sleep(1.5)
        return 204

    with http_receiver(behaviour=slow) as receiver:
        outcome = await webhook.send(
            f"{receiver.url}/hook",
            new_webhook_secret(),
            "msg_2",
            {"type": "t", "timestamp": "x", "data": {}},
            time_limit=0.3,
            allow_private=True,
        )
    assert not outcome.ok and not outcome.permanent
    assert outcome.error == "timed out after 0.3 s"


async def test_a_url_made_private_after_it_was_saved_is_refused_when_sent(
    db: Connection, database_url: str
) -> None:
    domain = await make_domain(db)
    await queries.insert_channel(
        db,
        {
            "domain_id": domain["id"],
            "kind": "webhook",
            "name": "was public",
            "url": "http://127.0.0.1:9/hook",
            "secret": new_webhook_secret(),
        },
    )
    await events.emit(db, domain["id"], "generation.failed.v1", {})
    assert await deliver_due(db, make_settings(database_url)) == {"failed": 1}
    cur = await db.execute("SELECT last_error FROM notification_deliveries")
    row = await cur.fetchone()
    assert row is not None and row["last_error"].startswith("refused:")


async def test_channel_urls_are_checked_when_saved(
    client: httpx.AsyncClient, db: Connection, auth_headers
) -> None:
    domain = await make_domain(db)
    manager = await auth_headers("user", member_of={domain["id"]: "manager"})
    base = f"/api/domains/{domain['id']}/channels"
    for body in (
        {"kind": "webhook", "name": "h", "url": "http://127.0.0.1:8080/x"},
        {"kind": "webhook", "name": "h", "url": "http://169.254.169.254/"},
        {"kind": "apprise", "name": "a", "url": "json://10.0.0.1/x"},
        {"kind": "apprise", "name": "a", "url": "nonsense"},
    ):
        r = await client.post(base, json=body, headers=manager)
        assert r.status_code == 422, r.text
        assert r.json()["code"] == "VALIDATION_ERROR"
    assert await count(db, "notification_channels") == 0


async def test_secret_shown_once_members_see_cut_urls_others_get_404(
    client: httpx.AsyncClient, db: Connection, auth_headers
) -> None:
    domain, elsewhere = await make_domain(db), await make_domain(db)
    manager = await auth_headers("user", member_of={domain["id"]: "manager"})
    member = await auth_headers("user", member_of={domain["id"]: "member"})
    stranger = await auth_headers("user", member_of={elsewhere["id"]: "manager"})
    base = f"/api/domains/{domain['id']}/channels"
    r = await client.post(
        base,
        json={"kind": "apprise", "name": "discord", "url": "discord://123/secret-token"},
        headers=manager,
    )
    assert r.status_code == 201, r.text
    created = r.json()
    assert created["secret"] is None  # Apprise carries its own credentials
    listed = (await client.get(base, headers=manager)).json()
    assert [c["url"] for c in listed] == ["discord://123/secret-token"]
    assert "secret" not in listed[0]
    seen = (await client.get(base, headers=member)).json()
    assert [c["url"] for c in seen] == ["discord://123/…"]
    for method in ("GET", "POST"):
        r = await client.request(
            method,
            base,
            json={"kind": "apprise", "name": "x", "url": "discord://1/t"},
            headers=stranger,
        )
        assert r.status_code == 404 and r.json()["code"] == "RESOURCE_NOT_FOUND"
    r = await client.post(
        base, json={"kind": "apprise", "name": "x", "url": "discord://1/t"}, headers=member
    )
    assert r.status_code == 403
    r = await client.patch(
        f"{base}/{created['id']}", json={"events": ["rotation.published.v1"]}, headers=manager
    )
    assert r.status_code == 200 and r.json()["events"] == ["rotation.published.v1"]
    r = await client.patch(f"{base}/{created['id']}", json={"name": "x"}, headers=stranger)
    assert r.status_code == 404
    r = await client.get(f"/api/domains/{elsewhere['id']}/deliveries", headers=manager)
    assert r.status_code == 404
    assert (await client.delete(f"{base}/{created['id']}", headers=manager)).status_code == 204
    assert (await client.get(base, headers=manager)).json() == []


async def test_members_see_only_their_own_deliveries(
    client: httpx.AsyncClient, db: Connection, auth_headers
) -> None:
    domain = await make_domain(db)
    manager = await auth_headers("user", member_of={domain["id"]: "manager"})
    member_headers = await auth_headers("user", member_of={domain["id"]: "member"})
    member = (await client.get("/api/me", headers=member_headers)).json()
    other = await make_user(db)
    await queries.insert_channel(
        db, {"domain_id": domain["id"], "kind": "apprise", "name": "c", "url": "json://x"}
    )
    from uuid import UUID

    await events.emit(
        db, domain["id"], "generation.failed.v1", {}, people={UUID(member["id"]), other["id"]}
    )
    url = f"/api/domains/{domain['id']}/deliveries"
    everything = (await client.get(url, headers=manager)).json()
    assert everything["total"] == 3  # the channel's, and an email to each person
    own = (await client.get(url, headers=member_headers)).json()
    assert [(d["kind"], d["user_id"]) for d in own["items"]] == [("email", member["id"])]
    pending = (await client.get(url + "?status=delivered", headers=manager)).json()
    assert pending["total"] == 0
    r = await client.get(url + "?status=nonsense", headers=manager)
    assert r.status_code == 422


async def test_preferences_choose_email_events_and_unsubscribe_is_one_click(
    client: httpx.AsyncClient, db: Connection, auth_headers, settings
) -> None:
    headers = await auth_headers("user")
    me = (await client.get("/api/me", headers=headers)).json()
    prefs = (await client.get("/api/me/notifications", headers=headers)).json()
    assert "place.changed.v1" in prefs["email_events"] and prefs["channels"] == []
    r = await client.put(
        "/api/me/notifications",
        json={
            "reminder_hours": 12,
            "quiet_hours_start": "22:00",
            "quiet_hours_end": "07:00",
            "timezone": "Europe/Berlin",
        },
        headers=headers,
    )
    assert r.status_code == 200, r.text
    assert r.json()["reminder_hours"] == 12 and r.json()["quiet_hours_start"] == "22:00"
    for bad in (
        {"timezone": "Mars/Base"},
        {"quiet_hours_start": "22:00"},
        {"email_events": ["nope.v1"]},
        {"reminder_hours": 1000},
    ):
        r = await client.put("/api/me/notifications", json=bad, headers=headers)
        assert r.status_code == 422, (bad, r.text)

    from tests.conftest import TEST_SECRET

    link = unsubscribe.link("https://x.example", TEST_SECRET.encode(), me["id"], "place.changed.v1")
    query = parse_qs(urlsplit(link).query)
    params = {k: v[0] for k, v in query.items()}
    r = await client.post("/notifications/unsubscribe", params=params)
    assert r.status_code == 204, r.text
    r = await client.get("/notifications/unsubscribe", params=params)  # twice is fine
    assert r.status_code == 200 and "Unsubscribed" in r.text
    prefs = (await client.get("/api/me/notifications", headers=headers)).json()
    assert "place.changed.v1" not in prefs["email_events"]
    assert "rotation.published.v1" in prefs["email_events"]
    forged = params | {"event": "rotation.published.v1"}
    r = await client.post("/notifications/unsubscribe", params=forged)
    assert r.status_code == 404 and r.json()["code"] == "RESOURCE_NOT_FOUND"
    await asyncio.sleep(0)


async def test_personal_channels_belong_to_their_owner(
    client: httpx.AsyncClient, db: Connection, auth_headers
) -> None:
    ana, ben = await auth_headers("user"), await auth_headers("viewer")
    r = await client.post(
        "/api/me/channels", json={"name": "push", "url": "discord://9/tok"}, headers=ana
    )
    assert r.status_code == 201, r.text
    channel = r.json()
    r = await client.post(
        "/api/me/channels", json={"name": "push", "url": "json://127.0.0.1/x"}, headers=ben
    )
    assert r.status_code == 422  # private target refused for everyone
    assert (
        await client.delete(f"/api/me/channels/{channel['id']}", headers=ben)
    ).status_code == 404
    mine = (await client.get("/api/me/notifications", headers=ana)).json()["channels"]
    assert [c["id"] for c in mine] == [channel["id"]]


def test_a_lease_shorter_than_an_attempt_is_refused(database_url: str) -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="LEASE_SECONDS"):
        make_settings(database_url, notification_lease_seconds=5, notification_timeout_seconds=10)
