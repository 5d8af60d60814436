"""Structured logs: one JSON access line per request with its id, route, status and
duration; the id is echoed; secrets never reach the output."""

import io
import json
import logging
import uuid
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

from tests.conftest import make_settings
from tests.secrets_registry import remember
from vividshift.app import create_app
from vividshift.auth.deps import Public
from vividshift.observability.context import bind_user_id
from vividshift.observability.logs import JsonFormatter, TextFormatter, configure_logging

TOKEN = "eyJhbGciOiJIUzI1NiJ9.test-" + uuid.uuid4().hex  # a bearer value no log may show
remember(TOKEN)


@pytest.fixture
def log_output(database_url: str) -> Iterator[io.StringIO]:
    """Every log record of the test, as the service writes it in JSON mode."""
    stream = io.StringIO()
    root = logging.getLogger()
    level = root.level
    handler = configure_logging(make_settings(database_url, log_format="json"), stream)
    try:
        yield stream
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


def json_lines(stream: io.StringIO, logger: str | None = None) -> list[dict]:
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    return [line for line in lines if logger is None or line["logger"] == logger]


@pytest.fixture
async def app_client(database_url: str) -> AsyncIterator[httpx.AsyncClient]:
    """A client on an app whose requests use its real pool (no test connection)."""
    app = create_app(make_settings(database_url))

    @app.get("/_test/users/{user_id}", dependencies=[Public])
    async def bound(user_id: str) -> dict[str, str]:
        bind_user_id(user_id)
        logging.getLogger("vividshift.test").info("inside the request")
        return {"user_id": user_id}

    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
            yield http


async def test_access_line_has_id_route_status_duration_and_no_secret(
    client: httpx.AsyncClient, log_output: io.StringIO
) -> None:
    headers = {"Authorization": f"Bearer {TOKEN}", "X-Request-ID": "edge-7f3a.42:1"}
    response = await client.get("/health", headers=headers)
    assert response.status_code == 200
    assert response.headers["x-request-id"] == "edge-7f3a.42:1"

    [line] = json_lines(log_output, "vividshift.access")
    assert line["request_id"] == "edge-7f3a.42:1"
    assert line["route"] == "/health" and line["method"] == "GET"
    assert line["status"] == 200
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    assert line["level"] == "info" and line["message"].startswith("GET /health 200 ")
    assert TOKEN not in log_output.getvalue()
    assert "Bearer" not in log_output.getvalue()


async def test_an_unusable_request_id_is_replaced(
    client: httpx.AsyncClient, log_output: io.StringIO
) -> None:
    for given in ("x" * 129, "id with spaces", "<script>", ""):
        response = await client.get("/no/such/route", headers={"X-Request-ID": given})
        assert response.status_code == 404
        echoed = response.headers["x-request-id"]
        assert echoed != given and uuid.UUID(echoed)
    lines = json_lines(log_output, "vividshift.access")
    assert len(lines) == 4
    assert {line.get("route") for line in lines} == {None}  # unmatched: no template, no path
    assert all("no/such" not in json.dumps(line) for line in lines)


async def test_route_template_user_id_and_request_id_on_every_record(
    app_client: httpx.AsyncClient, log_output: io.StringIO
) -> None:
    user_id = str(uuid.uuid4())
    response = await app_client.get(f"/_test/users/{user_id}")
    assert response.status_code == 200
    request_id = response.headers["x-request-id"]

    [inner] = json_lines(log_output, "vividshift.test")
    assert inner["request_id"] == request_id
    [access] = json_lines(log_output, "vividshift.access")
    assert access["route"] == "/_test/users/{user_id}"
    assert access["user_id"] == user_id and access["request_id"] == request_id


async def test_an_authenticated_request_is_logged_with_its_user(
    client: httpx.AsyncClient, auth_headers, log_output: io.StringIO
) -> None:
    headers = await auth_headers("viewer")
    me = await client.get("/api/me", headers=headers)
    assert me.status_code == 200
    [access] = [
        line for line in json_lines(log_output, "vividshift.access") if line["route"] == "/api/me"
    ]
    assert access["user_id"] == me.json()["id"]


def make_record(message: str, *args: object, **extra: object) -> logging.LogRecord:
    record = logging.LogRecord("vividshift.x", logging.WARNING, __file__, 1, message, args, None)
    record.__dict__.update(extra)
    return record


def test_formatters_redact_secrets_a_library_might_log() -> None:
    remember("hunter2-pw", "s3cr3t-value", "abc.def.ghi")
    record = make_record(
        "connecting to %s with password=%s",
        "postgresql://app:hunter2-pw@db.example.org/app",
        "hunter2-pw",
        headers={"Authorization": "Bearer abc.def.ghi", "accept": "json"},
        jwt_secret="s3cr3t-value",
        count=3,
    )
    for formatter in (JsonFormatter(), TextFormatter()):
        text = formatter.format(record)
        for secret in ("hunter2-pw", "s3cr3t-value", "abc.def.ghi"):
            assert secret not in text
        assert "[redacted]" in text and "db.example.org" in text
    entry = json.loads(JsonFormatter().format(record))
    assert entry["headers"] == {"Authorization": "[redacted]", "accept": "json"}
    assert entry["count"] == 3 and entry["level"] == "warning"


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_auto_format_is_text_on_a_terminal_and_json_elsewhere(database_url: str) -> None:
    root = logging.getLogger()
    level = root.level
    settings = make_settings(database_url, log_format="auto")
    try:
        terminal, pipe = _Terminal(), io.StringIO()
        handler = configure_logging(settings, terminal)
        assert isinstance(handler.formatter, TextFormatter)
        handler = configure_logging(settings, pipe)  # replaces the first, not added to it
        assert isinstance(handler.formatter, JsonFormatter)
        logging.getLogger("vividshift.x").info("hello %s", "there", extra={"n": 1})
        assert terminal.getvalue() == ""
        assert json.loads(pipe.getvalue())["message"] == "hello there"
    finally:
        root.removeHandler(handler)
        root.setLevel(level)
