"""A participant row whose JSON columns hold a shape the API never stores (written by
another program or by hand: skills with numbers or as a string, availability or
metadata as an array, NULL columns) reads as empty where it cannot be read, on the API
and on the pages; each was a 500 on reading the person, the people page, the rotation
page and the task's candidates."""

from typing import Any

import httpx
import pytest

from tests.web.conftest import SignIn
from vividshift.db import Connection

STORED = {
    "skills with numbers": ('skills = \'[1, null, "c", {"x": 1}]\'', {"skills": ["c"]}),
    "skills as a string": ("skills = '\"abc\"'", {"skills": []}),
    "skills graded": ('skills = \'{"c": 0.5, "d": "high"}\'', {"skills": ["c", "d"]}),
    "availability as an array": ("availability = '[1]'", {"availability": {}}),
    "metadata as an array": ("metadata = '[1]'", {"metadata": {}}),
    "preferences as a number": ("preferences = '5'", {"preferences": {}}),
    "every JSON column NULL": (
        "skills = NULL, availability = NULL, preferences = NULL, metadata = NULL",
        {"skills": [], "availability": {}, "preferences": {}, "metadata": {}},
    ),
}


async def _id(response: httpx.Response) -> str:
    assert response.status_code == 201, response.text
    return response.json()["id"]


@pytest.mark.parametrize("case", list(STORED))
async def test_a_row_in_a_shape_the_api_never_stores_reads_as_empty(
    browser_like: SignIn, client: httpx.AsyncClient, db: Connection, auth_headers, case: str
) -> None:
    assignment, reads_as = STORED[case]
    headers = await auth_headers("admin")
    post = client.post
    ann = await _id(await post("/api/participants", json={"name": "Ann"}, headers=headers))
    await _id(await post("/api/participants", json={"name": "Bob"}, headers=headers))
    task = {"name": "Dishes", "required_count": 2}
    dishes = await _id(await post("/api/targets", json=task, headers=headers))
    await db.execute(f"UPDATE participants SET {assignment} WHERE id = %s", (ann,))

    one = await client.get(f"/api/participants/{ann}", headers=headers)
    assert one.status_code == 200, one.text
    person: dict[str, Any] = one.json()
    assert {key: person[key] for key in reads_as} == reads_as
    listed = (await client.get("/api/participants", headers=headers)).json()["items"]
    assert [p for p in listed if p["id"] == ann] == [person]
    candidates = await client.get(f"/api/targets/{dishes}/candidates", headers=headers)
    assert candidates.status_code == 200, candidates.text
    run = await _id(await post("/api/assignments/generate", json={}, headers=headers))
    renamed = await client.patch(
        f"/api/participants/{ann}", json={"name": "Ann B"}, headers=headers
    )
    assert renamed.status_code == 200, renamed.text

    page, _ = await browser_like("admin")
    for path in ("/people", f"/people/{ann}", f"/rotations/{run}", "/"):
        response = await page.get(path)
        assert response.status_code == 200, (path, response.text[:300])
        assert "Ann" in response.text, path
