"""The page refuses U+0000 in its addresses and forms, also before sign-in, with its
error message (issue 17; `vividshift.http.nul_guard`)."""

import httpx
import pytest

from tests.factories import make_user
from tests.system.test_nul_bytes import NUL, assert_refused
from tests.web.conftest import SignIn
from tests.web.helpers import account, csrf_of, new_password
from vividshift.db import Connection


def assert_page_refused(response: httpx.Response) -> None:
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("text/html")
    assert "NUL characters" in response.text


@pytest.mark.parametrize(
    ("role", "url"),
    [
        ("user", f"/people?q={NUL}"),
        ("user", f"/people?skill={NUL}"),
        ("user", f"/tasks?q={NUL}"),
        ("user", f"/tasks?skill={NUL}"),
        ("admin", f"/admin/users?q={NUL}"),
        ("user", f"/people/{NUL}"),
    ],
)
async def test_pages_refuse_nul_in_the_address(browser_like: SignIn, role: str, url: str) -> None:
    http, _ = await browser_like(role)
    assert_page_refused(await http.get(url))


@pytest.mark.parametrize(
    ("url", "fields"),
    [
        ("/people", {"name": "a\x00b"}),
        ("/tasks", {"name": "a\x00b", "required_count": "1"}),
        ("/people", {"name": "Ann", "skills": "cook\x00ing"}),
    ],
)
async def test_page_forms_refuse_nul(browser_like: SignIn, url: str, fields: dict) -> None:
    http, _ = await browser_like("user")
    page = await http.get(url + "/new")
    response = await http.post(url, data=fields | {"csrf_token": csrf_of(page.text)})
    assert_page_refused(response)


async def test_admin_forms_refuse_nul(browser_like: SignIn, db: Connection) -> None:
    http, _ = await browser_like("admin")
    other = await make_user(db)
    page = await http.get("/admin/users")
    response = await http.post(
        f"/admin/users/{other['id']}/role",
        data={"role": "vie\x00wer", "csrf_token": csrf_of(page.text)},
    )
    assert_page_refused(response)


async def test_sign_in_refuses_nul_before_authentication(
    browser_like: SignIn, db: Connection
) -> None:
    http, _ = await browser_like(None)
    password = new_password()
    user = await make_user(db, **account("user", password))
    page = await http.get("/login")
    for fields in ({"username": user["username"] + "\x00"}, {"password": password + "\x00"}):
        response = await http.post(
            "/login",
            data={"username": user["username"], "password": password}
            | fields
            | {"csrf_token": csrf_of(page.text)},
        )
        assert_page_refused(response)
    # A form encoded by hand: %00 in the urlencoded body.
    response = await http.post(
        "/login",
        content=f"username=a%00&password=x&csrf_token={csrf_of(page.text)}",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert_page_refused(response)


async def test_page_csv_import_refuses_nul(browser_like: SignIn) -> None:
    http, _ = await browser_like("user")
    page = await http.get("/people")
    response = await http.post(
        "/people/import",
        data={"csrf_token": csrf_of(page.text)},
        files={"file": ("people.csv", b"name\nAnn\x00\n", "text/csv")},
    )
    assert_page_refused(response)


async def test_api_clients_of_pages_get_the_json_body(browser_like: SignIn) -> None:
    http, _ = await browser_like("user")
    response = await http.get(f"/people?q={NUL}", headers={"Accept": "application/json"})
    assert_refused(response, "query")
