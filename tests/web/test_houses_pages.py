"""The pages of houses (issue 12): the first-house empty state and its CSV templates,
the house switcher's 404, linking or inviting a person's account, and the invitation
page (accept signed in, or register with it; 410 when used)."""

import re
import uuid
from html import unescape

from tests.factories import make_domain, make_user
from tests.secrets_registry import remember
from tests.web.conftest import SignIn
from tests.web.helpers import csrf_of, key_of, new_password, post_forms
from vividshift.db import Connection
from vividshift.web.domain_choice import DOMAIN_COOKIE
from vividshift.web.session import SESSION_COOKIE

LINK = re.compile(r'id="f-invite-link" type="text" readonly value="([^"]+)"')


async def _empty_default(db: Connection) -> None:
    """An install with nothing yet (rolled back with the test)."""
    for table in ("assignment_details", "assignments", "participants", "assignment_targets"):
        await db.execute(f"DELETE FROM {table}")  # noqa: S608 - fixed names
    await db.execute("DELETE FROM domains WHERE name NOT IN ('default', 'work-groups')")


async def test_a_first_time_admin_is_led_to_create_a_house(
    browser_like: SignIn, db: Connection
) -> None:
    await _empty_default(db)
    http, _ = await browser_like("admin")
    page = (await http.get("/")).text
    assert "Set up your first house" in page
    for step in ("Create the house", "Add people", "Add tasks"):
        assert step in page
    assert 'href="/people/template.csv"' in page and 'href="/tasks/template.csv"' in page
    created = await http.post(
        "/houses",
        data={
            "csrf_token": csrf_of(page),
            "idempotency_key": key_of(page, "/houses"),
            "display_name": "Oak House",
            "name": "",
        },
    )
    assert created.status_code == 303 and created.headers["location"] == "/people"
    cur = await db.execute("SELECT id FROM domains WHERE name = 'oak-house'")
    house = await cur.fetchone()
    assert house is not None and http.cookies.get(DOMAIN_COOKIE) == str(house["id"])
    people = (await http.get("/people")).text
    assert "Oak House" in people and "No people here yet." in people
    # With a house, the empty state is gone.
    assert "Set up your first house" not in (await http.get("/")).text


async def test_the_csv_templates_import_as_they_are(browser_like: SignIn, db: Connection) -> None:
    house = await make_domain(db, name=f"h{uuid.uuid4().hex[:8]}", display_name="Template House")
    http, user = await browser_like("user")
    await db.execute(
        "INSERT INTO domain_members (domain_id, user_id, role) VALUES (%s, %s, 'manager')",
        (house["id"], user["id"]),
    )
    for kind, path in (("people", "/people"), ("tasks", "/tasks")):
        template = await http.get(f"{path}/template.csv")
        assert template.status_code == 200
        assert template.headers["content-type"].startswith("text/csv")
        assert f'filename="{kind}-template.csv"' in template.headers["content-disposition"]
        page = (await http.get(path, params={"domain": house["name"]})).text
        (form,) = post_forms(page, f"{path}/import")
        assert form.hidden["domain"] == house["name"]
        imported = await http.post(
            f"{path}/import",
            data=form.hidden,
            files={"file": (f"{kind}.csv", template.content, "text/csv")},
        )
        assert imported.status_code == 303, imported.text
    cur = await db.execute(
        "SELECT (SELECT array_agg(name) FROM participants WHERE domain_id = %(d)s) AS people,"
        " (SELECT array_agg(name) FROM assignment_targets WHERE domain_id = %(d)s) AS tasks",
        {"d": house["id"]},
    )
    row = await cur.fetchone()
    assert row["people"] == ["Ana Example"] and row["tasks"] == ["Kitchen"]


async def test_an_unseen_house_is_a_404_page(browser_like: SignIn, db: Connection) -> None:
    hidden = await make_domain(db, display_name="Secret House")
    http, _ = await browser_like("user")
    for path in ("/", "/people", "/tasks", "/history"):
        for ref in (hidden["name"], str(hidden["id"]), "no-such-house"):
            response = await http.get(path, params={"domain": ref})
            assert response.status_code == 404, (path, ref)
            assert hidden["display_name"] not in response.text


async def test_a_manager_links_or_invites_from_the_person_page(
    browser_like: SignIn, db: Connection
) -> None:
    http, manager = await browser_like("user")
    house = await make_domain(db, display_name="Oak House")
    await db.execute(
        "INSERT INTO domain_members (domain_id, user_id, role) VALUES (%s, %s, 'manager')",
        (house["id"], manager["id"]),
    )
    cur = await db.execute(
        "INSERT INTO participants (name, domain_id, email)"
        " VALUES ('Ana', %(d)s, 'ana@example.org'), ('Ben', %(d)s, NULL) RETURNING id, name",
        {"d": house["id"]},
    )
    ana, ben = await cur.fetchall()
    resident = await make_user(db)
    page = (await http.get(f"/people/{ana['id']}")).text
    assert "Not linked to an account yet" in page
    linked = await http.post(
        f"/people/{ana['id']}/link",
        data={"csrf_token": csrf_of(page), "username": resident["username"]},
    )
    assert linked.status_code == 303
    page = (await http.get(f"/people/{ana['id']}")).text
    assert f"linked to the account <strong>{resident['username']}</strong>" in page
    cur = await db.execute(
        "SELECT role FROM domain_members WHERE domain_id = %s AND user_id = %s",
        (house["id"], resident["id"]),
    )
    assert (await cur.fetchone())["role"] == "member"
    unknown = await http.post(
        f"/people/{ben['id']}/link", data={"csrf_token": csrf_of(page), "username": "nobody-x"}
    )
    assert unknown.status_code == 422 and "No active account" in unknown.text

    invited = await http.post(
        f"/people/{ben['id']}/invite",
        data={"csrf_token": csrf_of(page), "invite_email": "ben@example.org", "role": "member"},
    )
    assert invited.status_code == 201, invited.text
    url = unescape(LINK.search(invited.text).group(1))
    remember(url)
    assert url.startswith("http://test/invite/")
    cur = await db.execute(
        "SELECT participant_id, email FROM domain_invitations WHERE domain_id = %s",
        (house["id"],),
    )
    assert await cur.fetchall() == [{"participant_id": ben["id"], "email": "ben@example.org"}]
    bad = await http.post(
        f"/people/{ben['id']}/invite",
        data={"csrf_token": csrf_of(page), "invite_email": "nope", "role": "member"},
    )
    assert bad.status_code == 422


async def _invitation_link(http, db: Connection, manager: dict, house: dict) -> tuple[str, str]:
    cur = await db.execute(
        "INSERT INTO participants (name, domain_id) VALUES ('Cleo', %s) RETURNING id",
        (house["id"],),
    )
    cleo = await cur.fetchone()
    page = (await http.get(f"/people/{cleo['id']}")).text
    invited = await http.post(
        f"/people/{cleo['id']}/invite",
        data={"csrf_token": csrf_of(page), "invite_email": "cleo@example.org", "role": "member"},
    )
    url = unescape(LINK.search(invited.text).group(1))
    remember(url)
    return url.removeprefix("http://test"), cleo["id"]


async def test_the_invitation_page_registers_and_accepts(
    browser_like: SignIn, db: Connection
) -> None:
    manager_http, manager = await browser_like("user")
    house = await make_domain(db, display_name="Oak House")
    await db.execute(
        "INSERT INTO domain_members (domain_id, user_id, role) VALUES (%s, %s, 'manager')",
        (house["id"], manager["id"]),
    )
    path, cleo = await _invitation_link(manager_http, db, manager, house)
    newcomer, _ = await browser_like(None)
    page = await newcomer.get(path)
    assert page.status_code == 200
    assert "Join Oak House" in page.text and "as Cleo" in page.text
    assert "sign in to accept" in page.text
    password = new_password()
    name = f"cleo{uuid.uuid4().hex[:6]}"
    weak = await newcomer.post(
        f"{path}/register",
        data={
            "csrf_token": csrf_of(page.text),
            "username": name,
            "email": "c@example.org",
            "password": "password1",
        },
    )
    assert weak.status_code == 422 and "too common" in weak.text
    done = await newcomer.post(
        f"{path}/register",
        data={
            "csrf_token": csrf_of(page.text),
            "username": name,
            "email": "c@example.org",
            "password": password,
        },
    )
    assert done.status_code == 303 and done.headers["location"] == "/"
    remember(newcomer.cookies.get(SESSION_COOKIE))
    assert newcomer.cookies.get(DOMAIN_COOKIE) == str(house["id"])
    home = await newcomer.get("/")
    assert home.status_code == 200 and "Oak House" in home.text and name in home.text
    cur = await db.execute(
        "SELECT p.user_id, u.username, u.role FROM participants p JOIN users u ON u.id = p.user_id"
        " WHERE p.id = %s",
        (cleo,),
    )
    assert await cur.fetchone() == {
        "user_id": (await _id(db, name)),
        "username": name,
        "role": "user",
    }
    # Used: the link now shows the 410 page.
    again = await newcomer.get(path)
    assert again.status_code == 410 and "used already" in again.text


async def _id(db: Connection, username: str):
    cur = await db.execute("SELECT id FROM users WHERE username = %s", (username,))
    return (await cur.fetchone())["id"]


async def test_a_signed_in_user_accepts_on_the_page(browser_like: SignIn, db: Connection) -> None:
    manager_http, manager = await browser_like("user")
    house = await make_domain(db, display_name="Oak House")
    await db.execute(
        "INSERT INTO domain_members (domain_id, user_id, role) VALUES (%s, %s, 'manager')",
        (house["id"], manager["id"]),
    )
    path, cleo = await _invitation_link(manager_http, db, manager, house)
    resident_http, resident = await browser_like("user")
    page = await resident_http.get(path)
    assert "Accept and join" in page.text and "Make an account" not in page.text
    # The accept form needs the CSRF token like every form.
    refused = await resident_http.post(path, data={"accept": "1"})
    assert refused.status_code == 403
    accepted = await resident_http.post(path, data={"csrf_token": csrf_of(page.text)})
    assert accepted.status_code == 303
    cur = await db.execute("SELECT user_id FROM participants WHERE id = %s", (cleo,))
    assert (await cur.fetchone())["user_id"] == resident["id"]
    # Signed out, a revoked or unknown link shows a readable error page.
    stranger, _ = await browser_like(None)
    assert (await stranger.get(path)).status_code == 410
    assert (await stranger.get("/invite/" + uuid.uuid4().hex + ".x")).status_code == 404
