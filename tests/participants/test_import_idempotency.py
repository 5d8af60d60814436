"""Bulk import (all or nothing), Idempotency-Key, and no 500 on any create body."""

import asyncio
import json

import httpx
import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from psycopg.rows import dict_row

from tests.conftest import make_settings
from tests.factories import make_user
from tests.system.test_http_errors import assert_error
from vividshift.app import create_app
from vividshift.auth.service import ClientInfo, open_session
from vividshift.auth.tokens import resolve_signing_key
from vividshift.db import Connection


def _row(i: int) -> dict:
    return {
        "name": f"person {i}",
        "email": f"p{i}@example.org",
        "skills": ["cleaning", f"s{i % 10}"],
        "availability": {"monday": {"9:00": "available"}},
        "metadata": {"group": "AB"[i % 2]},
    }


async def _count(db: Connection) -> int:
    return (await (await db.execute("SELECT count(*) AS n FROM participants")).fetchone())["n"]


@pytest.mark.slow
async def test_import_10000_rows(client, auth_headers, db: Connection) -> None:
    headers = await auth_headers("user")
    before = await _count(db)
    response = await client.post(
        "/api/participants/import", json=[_row(i) for i in range(10_000)], headers=headers
    )
    assert response.status_code == 201, response.text[:500]
    body = response.json()
    assert body["created"] == 10_000 and len(set(body["ids"])) == 10_000
    assert await _count(db) == before + 10_000
    first = await client.get(f"/api/participants/{body['ids'][0]}", headers=headers)
    assert first.json()["name"] == "person 0"
    assert first.json()["metadata"] == {"group": "A"}


@pytest.mark.slow
async def test_one_bad_row_in_10000_writes_nothing(client, auth_headers, db: Connection) -> None:
    headers = await auth_headers("user")
    rows = [_row(i) for i in range(10_000)]
    rows[6_789]["skills"] = "not a list"
    before = await _count(db)
    response = await client.post("/api/participants/import", json=rows, headers=headers)
    body = assert_error(response, 422, "VALIDATION_ERROR")
    assert [e["row"] for e in body["details"]] == [6_790]
    assert body["details"][0]["errors"][0]["loc"] == ["skills"]
    assert await _count(db) == before


async def test_import_limits_and_shapes(client, auth_headers) -> None:
    headers = await auth_headers("user")
    too_many = [{"name": "x"}] * 10_001
    assert_error(
        await client.post("/api/participants/import", json=too_many, headers=headers),
        422,
        "VALIDATION_ERROR",
    )
    for body in ([], {"rows": []}, [1, "x"]):
        response = await client.post("/api/participants/import", json=body, headers=headers)
        assert_error(response, 422, "VALIDATION_ERROR")
    xml = await client.post(
        "/api/participants/import",
        content=b"<a/>",
        headers=headers | {"content-type": "application/xml"},
    )
    assert_error(xml, 415, "VALIDATION_ERROR")


async def test_import_csv(client, auth_headers) -> None:
    headers = await auth_headers("user") | {"content-type": "text/csv"}
    csv_text = (
        "name,email,skills,availability,metadata,is_active\n"
        'Ana,ana@example.org,cleaning;cooking,"{""monday"": {""9:00"": ""available""}}",'
        '"{""group"": ""A""}",true\n'
        'Bob,,"[""driving""]",,,false\n'
    )
    response = await client.post("/api/participants/import", content=csv_text, headers=headers)
    assert response.status_code == 201, response.text
    ana, bob = [
        (await client.get(f"/api/participants/{i}", headers=headers)).json()
        for i in response.json()["ids"]
    ]
    assert ana["skills"] == ["cleaning", "cooking"]
    assert ana["availability"] == {"monday": {"9:00": "available"}}
    assert ana["metadata"] == {"group": "A"}
    assert (bob["skills"], bob["email"], bob["is_active"]) == (["driving"], None, False)


@pytest.mark.parametrize(
    ("csv_text", "bad_rows"),
    [
        ("name,skills\nAna,a\n,b\nCid,c\n", [2]),
        ("name,availability\nAna,{not json}\n", [1]),
        ("name,unknown\nAna,1\n", [1]),
        ("name\nAna,extra\n", [1]),
        ("name,is_active\nAna,perhaps\nBob,true\nCid,2\n", [1, 3]),
    ],
)
async def test_import_csv_names_bad_rows(
    client, auth_headers, db: Connection, csv_text: str, bad_rows: list[int]
) -> None:
    headers = await auth_headers("user") | {"content-type": "text/csv"}
    before = await _count(db)
    response = await client.post("/api/participants/import", content=csv_text, headers=headers)
    body = assert_error(response, 422, "VALIDATION_ERROR")
    assert [e["row"] for e in body["details"]] == bad_rows
    assert await _count(db) == before


@pytest.mark.parametrize("raw", [b"name\nA\x00\n", b"name\n\xff\xfe\n"])
async def test_import_csv_refuses_nul_and_bad_encoding(client, auth_headers, raw) -> None:
    headers = await auth_headers("user") | {"content-type": "text/csv"}
    response = await client.post("/api/participants/import", content=raw, headers=headers)
    assert_error(response, 422, "VALIDATION_ERROR")


async def test_idempotency_key_replays(client, auth_headers, db: Connection) -> None:
    headers = await auth_headers("user") | {"Idempotency-Key": "create-alice-1"}
    before = await _count(db)
    first = await client.post("/api/participants", json={"name": "Alice"}, headers=headers)
    again = await client.post("/api/participants", json={"name": "Alice"}, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert await _count(db) == before + 1

    other = await client.post("/api/participants", json={"name": "Bob"}, headers=headers)
    assert_error(other, 422, "VALIDATION_ERROR")
    assert await _count(db) == before + 1

    # Keys are per user: another user's identical key is a new request.
    stranger = await auth_headers("user") | {"Idempotency-Key": "create-alice-1"}
    third = await client.post("/api/participants", json={"name": "Alice"}, headers=stranger)
    assert third.status_code == 201 and third.json()["id"] != first.json()["id"]


@pytest.mark.parametrize("key", ["", "x" * 201, "with space", "é"])
async def test_bad_idempotency_key_is_422(client, auth_headers, key: str) -> None:
    headers = await auth_headers("user")
    response = await client.post(
        "/api/participants",
        json={"name": "A"},
        headers=headers | {"Idempotency-Key": key.encode()},
    )
    assert_error(response, 422, "VALIDATION_ERROR")


async def test_expired_key_is_reusable(client, auth_headers, db: Connection) -> None:
    headers = await auth_headers("user") | {"Idempotency-Key": "k-expiring"}
    first = await client.post("/api/participants", json={"name": "A"}, headers=headers)
    await db.execute("UPDATE idempotency_keys SET expires_at = now() - interval '1 second'")
    second = await client.post("/api/participants", json={"name": "B"}, headers=headers)
    assert second.status_code == 201
    assert second.json()["id"] != first.json()["id"]


async def test_20_parallel_posts_with_one_key_create_one_row(fresh_db_url: str) -> None:
    """Real commits and 20 pooled connections racing on one Idempotency-Key."""
    settings_ = make_settings(fresh_db_url, db_pool_max_size=20)
    async with await psycopg.AsyncConnection.connect(
        fresh_db_url, autocommit=True, row_factory=dict_row
    ) as conn:
        user = await make_user(conn, role="user")
        issued = await open_session(
            conn, settings_, resolve_signing_key(settings_), user, ClientInfo("127.0.0.1", "t")
        )
    headers = {"Authorization": f"Bearer {issued.access_token}", "Idempotency-Key": "race-1"}
    app = create_app(settings_)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
            responses = await asyncio.gather(
                *(
                    http.post("/api/participants", json={"name": "Racer"}, headers=headers)
                    for _ in range(20)
                )
            )
    assert [r.status_code for r in responses] == [201] * 20
    assert len({r.json()["id"] for r in responses}) == 1
    assert sum(r.headers.get("Idempotent-Replayed") == "true" for r in responses) == 19
    async with await psycopg.AsyncConnection.connect(fresh_db_url, row_factory=dict_row) as conn:
        cur = await conn.execute("SELECT count(*) AS n FROM participants WHERE name = 'Racer'")
        assert (await cur.fetchone())["n"] == 1


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=20,
)
FIELDS = st.sampled_from(
    ["name", "email", "phone", "skills", "availability", "preferences", "metadata", "is_active"]
)
BODIES = st.one_of(
    JSON,
    st.dictionaries(FIELDS | st.text(max_size=10), JSON, max_size=6),
    st.fixed_dictionaries(
        {"name": st.text(max_size=250)},
        optional={
            "skills": st.lists(st.text(max_size=120), max_size=5) | JSON,
            "availability": st.dictionaries(
                st.sampled_from(["monday", "sunday", "available", "unavailable", "x"]),
                JSON | st.dictionaries(st.text(max_size=6), st.text(max_size=12), max_size=3),
                max_size=3,
            ),
            "email": st.text(max_size=260) | JSON,
            "metadata": JSON,
        },
    ),
)


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(body=BODIES)
async def test_no_create_body_gives_500(client, auth_headers, body) -> None:
    headers = await auth_headers("user")
    for path in ("/api/participants", "/api/entities/participant"):
        response = await client.post(
            path, content=json.dumps(body), headers=headers | {"content-type": "application/json"}
        )
        assert response.status_code in (201, 422), (path, response.text)
