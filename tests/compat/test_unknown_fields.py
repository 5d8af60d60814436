"""Unknown fields on the compatible endpoints are ignored and reported; native ones
stay strict. Boolean `availability` on /api/entities maps to the native shape."""

import json

import httpx

from tests.compat.helpers import register_and_login
from tests.system.test_http_errors import assert_error

HEADER = "X-VividShift-Warnings"


async def test_work_groups_generate_ignores_unknown_fields(client: httpx.AsyncClient) -> None:
    headers = await register_and_login(client)
    r = await client.post(
        "/api/work-groups/generate",
        json={
            "names_a": ["Ann"],
            "names_b": ["Bo"],
            "custom_assignments": {"Hall": 2},
            "foo": 1,
            "weekly": {"nested": True},
        },
        headers=headers,
    )
    assert r.status_code == 200, r.text
    expected = ["unknown field 'foo' ignored", "unknown field 'weekly' ignored"]
    assert r.json()["warnings"] == expected
    assert json.loads(r.headers[HEADER]) == expected
    clean = await client.post(
        "/api/work-groups/generate",
        json={"names_a": ["Ann"], "names_b": ["Bo"], "custom_assignments": {"Hall": 2}},
        headers=headers,
    )
    assert clean.status_code == 200, clean.text
    assert "warnings" not in clean.json() and HEADER not in clean.headers


async def test_assignments_generate_ignores_unknown_fields(client: httpx.AsyncClient) -> None:
    headers = await register_and_login(client)
    p = await client.post(
        "/api/entities/participant", json={"name": "Ann", "availability": True}, headers=headers
    )
    t = await client.post("/api/entities/assignment_target", json={"name": "Hall"}, headers=headers)
    body = {
        "strategy": "balanced_rotation",
        "participants": [p.json()["id"]],
        "targets": [t.json()["id"]],
        "retry_on_failure": True,
        "priority": "high",
    }
    r = await client.post("/api/assignments/generate", json=body, headers=headers)
    assert r.status_code == 201, r.text
    expected = ["unknown field 'retry_on_failure' ignored", "unknown field 'priority' ignored"]
    assert r.json()["warnings"] == expected
    assert json.loads(r.headers[HEADER]) == expected
    # The ignored fields are not part of what was stored.
    run = (await client.get(f"/api/assignments/{r.json()['id']}", headers=headers)).json()
    assert "retry_on_failure" not in json.dumps(run["configuration"])
    # Known fields keep their rules (a wrong type is still 422), and so do nested objects.
    assert_error(
        await client.post(
            "/api/assignments/generate", json=body | {"participants": "all"}, headers=headers
        ),
        422,
        "VALIDATION_ERROR",
    )
    assert_error(
        await client.post(
            "/api/assignments/generate",
            json=body | {"constraints": [{"name": "max_assignments_per_participant", "x": 1}]},
            headers=headers,
        ),
        422,
        "VALIDATION_ERROR",
    )


async def test_many_or_long_unknown_fields_are_bounded(client: httpx.AsyncClient) -> None:
    headers = await register_and_login(client)
    body = {"names_a": ["Ann"], "custom_assignments": {"Hall": 1}}
    body |= {f"f{i}": i for i in range(50)} | {"é" * 300: 1, "line\nbreak": 2}
    r = await client.post("/api/work-groups/generate", json=body, headers=headers)
    assert r.status_code == 200, r.text
    warnings = r.json()["warnings"]
    assert len(warnings) == 21 and warnings[-1] == "and 32 more unknown fields ignored"
    header = r.headers[HEADER]
    assert header.isascii() and "\n" not in header and json.loads(header) == warnings


async def test_native_endpoints_stay_strict(client: httpx.AsyncClient) -> None:
    headers = await register_and_login(client)
    assert_error(
        await client.post("/api/participants", json={"name": "A", "foo": 1}, headers=headers),
        422,
        "VALIDATION_ERROR",
    )
    assert_error(
        await client.post("/api/targets", json={"name": "T", "foo": 1}, headers=headers),
        422,
        "VALIDATION_ERROR",
    )
    # Boolean availability is a compatible-only shape.
    assert_error(
        await client.post(
            "/api/participants", json={"name": "A", "availability": True}, headers=headers
        ),
        422,
        "VALIDATION_ERROR",
    )


async def test_boolean_availability(client: httpx.AsyncClient) -> None:
    headers = await register_and_login(client)
    r = await client.post(
        "/api/entities/participant",
        json={"name": "Ann", "availability": True},
        headers=headers,
    )
    assert r.status_code == 201, r.text
    pid = r.json()["id"]
    native = (await client.get(f"/api/participants/{pid}", headers=headers)).json()
    assert native["availability"] == {"available": True}
    url = f"/api/entities/participant/{pid}"

    # An object still works as before (replaces), a boolean only sets `available`.
    r = await client.put(
        url, json={"availability": {"monday": {"9:00": "available"}}}, headers=headers
    )
    assert r.status_code == 200, r.text
    r = await client.put(url, json={"availability": False}, headers=headers)
    assert r.status_code == 200, r.text
    assert r.json()["attributes"]["availability"] == {
        "monday": {"9:00": "available"},
        "available": False,
    }
    r = await client.put(url, json={"availability": True}, headers=headers)
    assert r.json()["attributes"]["availability"]["available"] is True

    for bad in ("yes", 1, None, ["monday"]):
        assert_error(
            await client.post(
                "/api/entities/participant",
                json={"name": "B", "availability": bad},
                headers=headers,
            ),
            422,
            "VALIDATION_ERROR",
        )
    missing = "00000000-0000-4000-8000-000000000000"
    assert_error(
        await client.put(
            f"/api/entities/participant/{missing}", json={"availability": False}, headers=headers
        ),
        404,
        "RESOURCE_NOT_FOUND",
    )
    # Targets have no availability column: the key stays a free attribute there.
    t = await client.post(
        "/api/entities/assignment_target",
        json={"name": "T", "availability": True},
        headers=headers,
    )
    assert t.status_code == 201 and t.json()["attributes"]["availability"] is True


async def test_openapi_documents_warnings(client: httpx.AsyncClient) -> None:
    spec = (await client.get("/openapi.json")).json()
    for path, status in (
        ("/api/work-groups/generate", "200"),
        ("/api/assignments/generate", "201"),
        ("/api/assignments/generate", "202"),
    ):
        response = spec["paths"][path]["post"]["responses"][status]
        assert HEADER in response["headers"], (path, status)
        assert "content" in response, (path, status)
    schemas = spec["components"]["schemas"]
    wg = spec["paths"]["/api/work-groups/generate"]["post"]["responses"]["200"]
    ref = wg["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    assert "warnings" in schemas[ref]["properties"]
    gen = spec["paths"]["/api/assignments/generate"]["post"]["responses"]["201"]
    ref = gen["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    assert "warnings" in schemas[ref]["properties"]
    assert {"id", "strategy_used", "assignments"} <= set(schemas[ref]["properties"])
    # Native bodies still say they refuse unknown fields.
    create = spec["paths"]["/api/participants"]["post"]["requestBody"]["content"]
    ref = create["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    assert schemas[ref].get("additionalProperties") is False
