"""The fairness page and the invitation page with bad input: a clear page message in
HTML with a 4xx, never a 500 or a JSON body."""

import uuid

from tests.factories import make_domain, make_member
from tests.web.conftest import SignIn
from vividshift.db import Connection


def _is_error_page(response, status: int) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("text/html")
    assert "<main" in response.text


async def test_the_fairness_page_answers_bad_input_with_a_page(
    browser_like: SignIn, db: Connection
) -> None:
    http, user = await browser_like("user")
    domain = await make_domain(db)
    await make_member(db, domain["id"], user["id"], "member")
    base = f"/houses/{domain['id']}/fairness"
    for query in (
        "date_from=0",
        "date_to=2026-12-01T00:00:00",
        "date_from=x",
        "date_to=2026-02-30",
    ):
        response = await http.get(f"{base}?{query}")
        _is_error_page(response, 400)
        assert "not valid" in response.text
    response = await http.get(f"{base}?date_from=2026-12-02&date_to=2026-12-01")
    _is_error_page(response, 422)
    assert "after" in response.text
    response = await http.get(f"{base}?date_to=9999-12-31")
    assert response.status_code == 200, response.text
    for path in ("/houses/not-a-uuid/fairness", f"/houses/{uuid.uuid4()}/fairness"):
        _is_error_page(await http.get(path), 404)
    response = await http.get(f"{base}?date_from=%00")
    assert response.status_code == 422 and "<main" in response.text


async def test_the_invitation_page_answers_bad_tokens_with_a_page(browser_like: SignIn) -> None:
    http, _ = await browser_like(None)
    for token in ("nonsense", f"{uuid.uuid4()}.forged", "x" * 500, "%20", "a.b.c"):
        _is_error_page(await http.get(f"/invite/{token}"), 404)
    response = await http.get("/invite/abc%00def")
    assert response.status_code == 422 and "<main" in response.text
