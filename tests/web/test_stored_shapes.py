"""A participant, task, house or run row whose JSON columns hold a shape the API never
stores (written by another program or by hand: skills with numbers or as a string, an
array where an object belongs, NULL columns) reads as empty where it cannot be read, on
the API and on the pages; each was a 500 on reading the person, the task, the houses or
a run, the people, tasks, rotation and history pages, the task's candidates, a rename,
a generation or the run's .ics."""

from typing import Any

import httpx
import pytest

from tests.web.conftest import SignIn
from tests.web.helpers import csrf_of
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


TASK_STORED = {
    "required skills with numbers": ("required_skills = '[1, null, \"c\"]'", ["c"], {}),
    "required skills as a string": ("required_skills = '\"abc\"'", [], {}),
    "required skills graded": ("required_skills = '{\"c\": 1}'", ["c"], {}),
    "constraints as an array": ("constraints = '[1]'", [], {}),
    "metadata as an array": ("metadata = '[1]'", [], {}),
    "every JSON column NULL": (
        "required_skills = NULL, constraints = NULL, metadata = NULL",
        [],
        {},
    ),
}


@pytest.mark.parametrize("case", list(TASK_STORED))
async def test_a_task_row_in_a_shape_the_api_never_stores_reads_as_empty(
    browser_like: SignIn, client: httpx.AsyncClient, db: Connection, auth_headers, case: str
) -> None:
    assignment, skills, constraints = TASK_STORED[case]
    headers = await auth_headers("admin")
    post = client.post
    for name in ("Ann", "Bob"):
        person = {"name": name, "skills": ["c"]}
        await _id(await post("/api/participants", json=person, headers=headers))
    dishes = await _id(await post("/api/targets", json={"name": "Dishes"}, headers=headers))
    await _id(await post("/api/targets", json={"name": "Trash"}, headers=headers))
    await db.execute(f"UPDATE assignment_targets SET {assignment} WHERE id = %s", (dishes,))

    one = await client.get(f"/api/targets/{dishes}", headers=headers)
    assert one.status_code == 200, one.text
    task: dict[str, Any] = one.json()
    assert (task["required_skills"], task["constraints"]) == (skills, constraints)
    listed = (await client.get("/api/targets", headers=headers)).json()["items"]
    assert [t for t in listed if t["id"] == dishes] == [task]
    candidates = await client.get(f"/api/targets/{dishes}/candidates", headers=headers)
    assert candidates.status_code == 200, candidates.text
    run = await _id(await post("/api/assignments/generate", json={}, headers=headers))
    renamed = await client.patch(f"/api/targets/{dishes}", json={"name": "Dish"}, headers=headers)
    assert renamed.status_code == 200, renamed.text

    page, _ = await browser_like("admin")
    for path in ("/tasks", f"/tasks/{dishes}", f"/rotations/{run}", f"/rotations/{run}.ics"):
        response = await page.get(path)
        assert response.status_code == 200, (path, response.text[:300])
        assert "Dish" in response.text, path


@pytest.mark.parametrize(
    "constraints",
    ['{"time_window": 5}', '{"excluded_groups": 5}', '{"no_repeat_window": "x"}'],
)
async def test_unreadable_task_rules_are_a_clear_422_and_the_task_page_still_opens(
    browser_like: SignIn, client: httpx.AsyncClient, db: Connection, auth_headers, constraints
) -> None:
    headers = await auth_headers("admin")
    await _id(await client.post("/api/participants", json={"name": "Ann"}, headers=headers))
    dishes = await _id(await client.post("/api/targets", json={"name": "Dishes"}, headers=headers))
    await db.execute(
        "UPDATE assignment_targets SET constraints = %s::jsonb WHERE id = %s", (constraints, dishes)
    )
    generated = await client.post("/api/assignments/generate", json={}, headers=headers)
    assert generated.status_code == 422, generated.text
    assert generated.json()["error"] == "Stored target data the engine cannot read"
    page, _ = await browser_like("admin")
    response = await page.get(f"/tasks/{dishes}")
    assert response.status_code == 200 and "Dishes" in response.text


async def test_saving_the_person_form_keeps_stored_skill_levels(
    browser_like: SignIn, client: httpx.AsyncClient, db: Connection, auth_headers
) -> None:
    """Skill levels (a `skills` object, which the engine reads and the API cannot
    write) stay when the person's page is saved with the same skills, say to change a
    phone number; changing the skills on the page writes the names it shows."""
    headers = await auth_headers("admin")
    ann = await _id(await client.post("/api/participants", json={"name": "Ann"}, headers=headers))
    graded = '{"first_aid": 0.5, "cooking": 1}'
    await db.execute("UPDATE participants SET skills = %s WHERE id = %s", (graded, ann))
    page, _ = await browser_like("admin")

    async def save(skills: str) -> Any:
        form = (await page.get(f"/people/{ann}")).text
        sent = {"csrf_token": csrf_of(form), "name": "Ann", "phone": "555-0100", "skills": skills}
        response = await page.post(f"/people/{ann}", data=sent)
        assert response.status_code == 303, response.text[:300]
        cur = await db.execute("SELECT skills, phone FROM participants WHERE id = %s", (ann,))
        return await cur.fetchone()

    kept = await save("cooking, first_aid")
    assert kept["skills"] == {"first_aid": 0.5, "cooking": 1} and kept["phone"] == "555-0100"
    changed = await save("first_aid, driving")
    assert changed["skills"] == ["first_aid", "driving"]


RUN_STORED = {
    "domain configuration as an array": "UPDATE domains SET configuration = '[1]'",
    "domain rules as an object": "UPDATE domains SET business_rules = '{\"a\": 1}'",
    "run metadata as an array": "UPDATE assignments SET metadata = '[1]'",
    "run configuration as a number": "UPDATE assignments SET configuration = '5'",
    "detail metadata as an array": "UPDATE assignment_details SET metadata = '[1]'",
}


@pytest.mark.parametrize("case", list(RUN_STORED))
async def test_domain_and_run_rows_in_shapes_the_api_never_stores_read_as_empty(
    browser_like: SignIn, client: httpx.AsyncClient, db: Connection, auth_headers, case: str
) -> None:
    """A house's configuration or rules, a run's or a place's metadata in another shape
    than the API stores: the house list, the runs, a run, its history, generating and
    the pages were 500s."""
    headers = await auth_headers("admin")
    for name in ("Ann", "Bob", "Cid"):
        await _id(await client.post("/api/participants", json={"name": name}, headers=headers))
    task = {"name": "Dishes", "required_count": 1}
    await _id(await client.post("/api/targets", json=task, headers=headers))
    run = await _id(await client.post("/api/assignments/generate", json={}, headers=headers))
    await db.execute(RUN_STORED[case])

    houses = await client.get("/api/domains", headers=headers)
    assert houses.status_code == 200, houses.text
    for house in houses.json()["items"]:
        assert isinstance(house["configuration"], dict)
        assert isinstance(house["business_rules"], list)
    one = await client.get(f"/api/assignments/{run}", headers=headers)
    assert one.status_code == 200, one.text
    assert isinstance(one.json()["metadata"], dict)
    assert isinstance(one.json()["configuration"], dict)
    assert all(isinstance(d["metadata"], dict) for d in one.json()["details"])
    for path in ("/api/assignments", f"/api/assignments/{run}/history"):
        response = await client.get(path, headers=headers)
        assert response.status_code == 200, (path, response.text)
    again = await client.post(
        "/api/assignments/generate", json={"assignment_date": "2027-01-05"}, headers=headers
    )
    assert again.status_code == 201, again.text

    page, _ = await browser_like("admin")
    for path in ("/", "/people", "/tasks", f"/rotations/{run}", "/history"):
        response = await page.get(path)
        assert response.status_code == 200, (path, response.text[:300])


@pytest.mark.parametrize(
    "rules",
    [
        '[1, "x"]',
        '[{"type": "max_assignments_per_participant"}]',
        '[{"type": "never_together", "participants": 5}]',
        '[{"type": "group_exclusion", "group": "a"}]',
    ],
)
async def test_unreadable_domain_rules_are_a_clear_422(
    client: httpx.AsyncClient, db: Connection, auth_headers, rules: str
) -> None:
    """Rules the API would refuse, stored by another program: a 422 naming the rule, and
    nothing written (it was a 500)."""
    headers = await auth_headers("admin")
    await _id(await client.post("/api/participants", json={"name": "Ann"}, headers=headers))
    await _id(await client.post("/api/targets", json={"name": "Dishes"}, headers=headers))
    await db.execute("UPDATE domains SET business_rules = %s", (rules,))
    response = await client.post("/api/assignments/generate", json={}, headers=headers)
    assert response.status_code == 422, response.text
    assert response.json()["error"] == "Stored domain data the engine cannot read"
    assert "business rule" in response.json()["details"]
    cur = await db.execute("SELECT count(*) AS n FROM assignments")
    assert (await cur.fetchone())["n"] == 0
