"""The domain settings page: its number field is read as a whole number (the domain
schema's integers are strict), and a number that is not one is shown next to its field."""

from tests.factories import make_domain
from tests.web.conftest import SignIn
from tests.web.helpers import csrf_of
from vividshift.db import Connection


async def test_most_tasks_per_person_is_saved_as_a_number(
    browser_like: SignIn, db: Connection
) -> None:
    domain = await make_domain(db, name="house", display_name="The house")
    http, _ = await browser_like("admin")
    url = f"/admin/domains/{domain['id']}"
    form = {"display_name": "The house", "is_active": "on", "validators": []}

    page = (await http.get(url)).text
    sent = form | {"csrf_token": csrf_of(page), "max_assignments_per_participant": "3"}
    response = await http.post(url, data=sent)
    assert response.status_code == 303, response.text
    cur = await db.execute(
        "SELECT configuration->'constraints'->'max_assignments_per_participant' AS n "
        "FROM domains WHERE id = %s",
        (domain["id"],),
    )
    assert (await cur.fetchone())["n"] == 3

    page = (await http.get(url)).text
    sent = form | {"csrf_token": csrf_of(page), "max_assignments_per_participant": "three"}
    response = await http.post(url, data=sent)
    assert response.status_code == 422
    assert 'id="e-max_assignments_per_participant"' in response.text
