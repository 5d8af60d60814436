"""The Notifications page: email choices, reminders and quiet hours, the calendar feed,
a person's own channels and, for managers, their houses' channels."""

from __future__ import annotations

import re

from tests.factories import make_domain, make_member
from tests.web.conftest import SignIn
from tests.web.helpers import csrf_of
from vividshift.db import Connection


async def _prefs(db: Connection, user_id) -> dict:
    cur = await db.execute("SELECT * FROM notification_preferences WHERE user_id = %s", (user_id,))
    row = await cur.fetchone()
    assert row is not None
    return row


async def test_preferences_feed_and_own_channels(browser_like: SignIn, db: Connection) -> None:
    http, user = await browser_like("viewer")
    page = await http.get("/notifications")
    assert page.status_code == 200 and "<h1>Notifications</h1>" in page.text
    token = csrf_of(page.text)

    r = await http.post(
        "/notifications/preferences",
        data={
            "csrf_token": token,
            "email_events": ["turn.reminder.v1", "place.changed.v1"],
            "reminder_hours": "6",
            "quiet_hours_start": "22:00",
            "quiet_hours_end": "07:00",
            "timezone": "Europe/Berlin",
        },
    )
    assert r.status_code == 303, r.text
    prefs = await _prefs(db, user["id"])
    assert sorted(prefs["email_events"]) == ["place.changed.v1", "turn.reminder.v1"]
    assert prefs["reminder_hours"] == 6 and prefs["timezone"] == "Europe/Berlin"
    r = await http.post(
        "/notifications/preferences", data={"csrf_token": token, "timezone": "Mars/Base"}
    )
    assert r.status_code == 422 and "unknown time zone" in r.text
    r = await http.post("/notifications/preferences", data={"reminder_hours": "6"})
    assert r.status_code == 403  # no CSRF token

    r = await http.post("/notifications/feed", data={"csrf_token": token})
    assert r.status_code == 200
    url = re.search(r'<code id="feed-url">([^<]+)</code>', r.text)
    assert url, r.text
    feed = await http.get("/" + url.group(1).split("/", 3)[3])
    assert feed.status_code == 200 and feed.headers["content-type"].startswith("text/calendar")
    r = await http.post("/notifications/feed/revoke", data={"csrf_token": token})
    assert r.status_code == 303
    assert (await http.get("/" + url.group(1).split("/", 3)[3])).status_code == 404

    r = await http.post(
        "/notifications/channels",
        data={"csrf_token": token, "name": "my discord", "url": "discord://1/tok"},
    )
    assert r.status_code == 303, r.text
    r = await http.post(
        "/notifications/channels",
        data={"csrf_token": token, "name": "sneaky", "url": "json://127.0.0.1:5432/x"},
    )
    assert r.status_code == 422 and "This URL may not be used" in r.text
    page = await http.get("/notifications")
    assert "my discord" in page.text and "sneaky" not in page.text
    assert "Houses I manage" not in page.text


async def test_a_manager_adds_a_signed_webhook_and_sees_its_secret_once(
    browser_like: SignIn, db: Connection
) -> None:
    http, user = await browser_like("user")
    domain = await make_domain(db, display_name="Oak House")
    await make_member(db, domain["id"], user["id"], "manager")
    page = await http.get("/notifications")
    assert "Houses I manage" in page.text and "Oak House" in page.text
    r = await http.post(
        f"/notifications/domains/{domain['id']}/channels",
        data={
            "csrf_token": csrf_of(page.text),
            "kind": "webhook",
            "name": "house bot",
            "url": "https://93.184.215.14/hook",
        },
    )
    assert r.status_code == 200, r.text
    secret = re.search(r'<code id="webhook-secret">(whsec_[^<]+)</code>', r.text)
    assert secret
    again = await http.get("/notifications")
    assert "house bot" in again.text and secret.group(1) not in again.text
    other = await make_domain(db)
    r = await http.post(
        f"/notifications/domains/{other['id']}/channels",
        data={
            "csrf_token": csrf_of(page.text),
            "kind": "apprise",
            "name": "x",
            "url": "discord://1/t",
        },
    )
    assert r.status_code == 404


async def test_a_reminder_lead_time_that_is_not_a_whole_number_is_a_field_error(
    browser_like: SignIn, db: Connection
) -> None:
    http, user = await browser_like("viewer")
    token = csrf_of((await http.get("/notifications")).text)
    for typed in ("six", "6.5", "9" * 40):
        r = await http.post(
            "/notifications/preferences", data={"csrf_token": token, "reminder_hours": typed}
        )
        assert r.status_code == 422, typed
        assert 'id="e-reminder_hours"' in r.text
    cur = await db.execute(
        "SELECT 1 FROM notification_preferences WHERE user_id = %s", (user["id"],)
    )
    assert await cur.fetchone() is None
