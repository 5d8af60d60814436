"""The page without a browser (always runs): session cookie flags, sign-in and sign-out
on `user_sessions`, CSRF refusals, permissions, readable errors, JSON for API clients."""

import httpx
import pytest

from tests.factories import make_participant, make_user
from tests.secrets_registry import remember
from tests.web.conftest import HTML, SignIn
from tests.web.helpers import account, csrf_of, new_password
from vividshift.db import Connection
from vividshift.web.session import SESSION_COOKIE


def _set_cookie(response: httpx.Response, name: str) -> str:
    for header in response.headers.get_list("set-cookie"):
        if header.startswith(name + "="):
            return header
    raise AssertionError(f"no Set-Cookie for {name}")


async def test_sign_in_sets_a_session_cookie_bound_to_a_session_row(
    browser_like: SignIn, db: Connection
) -> None:
    http, user = await browser_like("user")
    cur = await db.execute(
        "SELECT id, is_revoked FROM user_sessions WHERE user_id = %s", (user["id"],)
    )
    sessions = await cur.fetchall()
    assert len(sessions) == 1 and not sessions[0]["is_revoked"]
    page = await http.get("/")
    assert page.status_code == 200 and user["username"] in page.text
    signed_out = await http.post("/logout", data={"csrf_token": csrf_of(page.text)})
    assert signed_out.status_code == 303 and signed_out.headers["location"] == "/login"
    cur = await db.execute(
        "SELECT is_revoked FROM user_sessions WHERE id = %s", (sessions[0]["id"],)
    )
    assert (await cur.fetchone())["is_revoked"] is True
    again = await http.get("/")
    assert again.status_code == 303 and again.headers["location"].startswith("/login")


@pytest.mark.parametrize("scheme", ["http", "https"])
async def test_session_cookie_flags(browser_like: SignIn, db: Connection, scheme: str) -> None:
    http, _ = await browser_like(None, base_url=f"{scheme}://test")
    password = new_password()
    user = await make_user(db, **account("viewer", password))
    page = await http.get("/login")
    response = await http.post(
        "/login",
        data={"username": user["username"], "password": password, "csrf_token": csrf_of(page.text)},
    )
    assert response.status_code == 303
    cookie = _set_cookie(response, SESSION_COOKIE).lower()
    remember(http.cookies.get(SESSION_COOKIE))
    assert "httponly" in cookie
    assert "samesite=lax" in cookie
    assert "path=/" in cookie
    assert ("; secure" in cookie) is (scheme == "https")
    assert "max-age" not in cookie and "expires" not in cookie  # ends with the browser


async def test_a_wrong_password_is_shown_on_the_form(browser_like: SignIn, db: Connection) -> None:
    http, _ = await browser_like(None)
    user = await make_user(db, **account("user", new_password()))
    page = await http.get("/login")
    response = await http.post(
        "/login",
        data={"username": user["username"], "password": "nope", "csrf_token": csrf_of(page.text)},
    )
    assert response.status_code == 401
    assert "That username or password is not right." in response.text
    assert SESSION_COOKIE not in response.headers.get("set-cookie", "")


async def test_a_form_without_its_csrf_token_is_refused(
    browser_like: SignIn, db: Connection
) -> None:
    http, _ = await browser_like("user")
    response = await http.post("/people", data={"name": "Mallory"})
    assert response.status_code == 403
    assert "text/html" in response.headers["content-type"]
    assert "did not come from this site" in response.text
    wrong = await http.post("/people", data={"name": "Mallory", "csrf_token": "x" * 64})
    assert wrong.status_code == 403
    cur = await db.execute("SELECT count(*) AS n FROM participants WHERE name = 'Mallory'")
    assert (await cur.fetchone())["n"] == 0


async def test_sign_in_without_its_csrf_token_is_refused(
    browser_like: SignIn, db: Connection
) -> None:
    http, _ = await browser_like(None)
    password = new_password()
    user = await make_user(db, **account("user", password))
    response = await http.post("/login", data={"username": user["username"], "password": password})
    assert response.status_code == 403
    assert SESSION_COOKIE not in response.headers.get("set-cookie", "")


async def test_a_token_of_another_session_is_refused(browser_like: SignIn) -> None:
    first, _ = await browser_like("user")
    second, _ = await browser_like("user")
    token = csrf_of((await first.get("/people/new")).text)
    response = await second.post("/people", data={"name": "Eve", "csrf_token": token})
    assert response.status_code == 403


async def test_viewers_see_no_write_actions_and_are_refused(
    browser_like: SignIn, db: Connection
) -> None:
    http, _ = await browser_like("viewer")
    await make_participant(db, name="Vera")
    people = await http.get("/people")
    assert people.status_code == 200 and "Vera" in people.text
    assert "Add a person" not in people.text and "Import" not in people.text
    dashboard = await http.get("/")
    assert "Generate now" not in dashboard.text
    token = csrf_of(dashboard.text)  # the sign-out form's token: valid for this session
    refused = await http.post("/people", data={"name": "Sneaky", "csrf_token": token})
    assert refused.status_code == 403
    assert "does not allow" in refused.text
    assert (await http.get("/people/new")).status_code == 403
    assert (await http.get("/admin/users")).status_code == 403


async def test_a_field_error_is_shown_next_to_its_field(browser_like: SignIn) -> None:
    http, _ = await browser_like("user")
    token = csrf_of((await http.get("/people/new")).text)
    response = await http.post(
        "/people", data={"name": "", "metadata": "{oops", "csrf_token": token, "is_active": "on"}
    )
    assert response.status_code == 422
    assert 'id="f-name"' in response.text and 'aria-describedby="e-name"' in response.text
    assert 'id="e-name" class="error"' in response.text
    assert 'id="e-metadata" class="error">Not valid JSON' in response.text


async def test_service_errors_are_readable_pages(browser_like: SignIn) -> None:
    http, _ = await browser_like("user")
    missing = await http.get("/rotations/00000000-0000-0000-0000-000000000000")
    assert missing.status_code == 404
    assert "text/html" in missing.headers["content-type"]
    assert "Assignment not found" in missing.text or "not found" in missing.text.lower()
    bad = await http.get("/rotations/not-a-uuid")
    assert bad.status_code == 404 and "no such page" in bad.text
    nowhere = await http.get("/no/such/page")
    assert nowhere.status_code == 404 and "<html" in nowhere.text


async def test_api_clients_keep_json_errors(client: httpx.AsyncClient) -> None:
    response = await client.get("/")
    assert response.status_code == 401
    assert response.json()["code"] == "AUTHENTICATION_ERROR"
    browser = await client.get("/", headers=HTML)
    assert browser.status_code == 303 and browser.headers["location"] == "/login"
    deep = await client.get("/history?status=active", headers=HTML)
    assert deep.headers["location"] == "/login?next=%2Fhistory%3Fstatus%3Dactive"


async def test_sign_in_returns_only_to_local_pages(browser_like: SignIn, db: Connection) -> None:
    http, _ = await browser_like(None)
    password = new_password()
    user = await make_user(db, **account("user", password))
    page = await http.get("/login?next=//evil.example/x")
    response = await http.post(
        "/login",
        data={
            "username": user["username"],
            "password": password,
            "next": "https://evil.example/",
            "csrf_token": csrf_of(page.text),
        },
    )
    assert response.status_code == 303 and response.headers["location"] == "/"
    remember(http.cookies.get(SESSION_COOKIE))


async def test_static_files_are_served(client: httpx.AsyncClient) -> None:
    css = await client.get("/static/app.css")
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
    assert (await client.get("/static/secret.py")).status_code == 404


async def test_dashboard_shows_the_next_scheduled_run(browser_like: SignIn, db: Connection) -> None:
    from tests.factories import make_domain
    from vividshift.domains.queries import upsert_member

    chores = await make_domain(
        db,
        display_name="Chores",
        configuration={"schedule": {"cron": "0 6 * * 1", "timezone": "UTC"}},
    )
    shifts = await make_domain(db, display_name="Shifts")
    http, viewer = await browser_like("viewer")
    for house in (chores, shifts):  # the dashboard shows one of the houses one is in
        await upsert_member(db, house["id"], viewer["id"], "viewer", None)
    page = (await http.get("/", params={"domain": chores["name"]})).text
    assert "Chores:" in page and "run dated" in page and "Shifts:" not in page
    page = (await http.get("/", params={"domain": shifts["name"]})).text
    assert "Shifts:" in page and "no schedule" in page and "Chores:" not in page
