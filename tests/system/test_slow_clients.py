"""Request heads are limited in size and time, bodies in time, by the server `serve`
runs (issue 17): `vividshift serve` in its own process (uvicorn as `server_config`
builds it), on 127.0.0.1, spoken to over raw sockets."""

import json
import socket
import time
from collections.abc import Iterator
from contextlib import closing, suppress

import httpx
import pytest

from tests.conftest import make_settings
from tests.system.served_process import serving_process
from vividshift.cli.serve import server_config

HEADER_TIMEOUT = 1.0
BODY_TIMEOUT = 1.0


@pytest.fixture(scope="module")
def served(database_url: str) -> Iterator[tuple[str, int]]:
    """(host, port) of the app as `serve` runs it, with short time-outs."""
    settings = make_settings(
        database_url,
        header_timeout_seconds=HEADER_TIMEOUT,
        body_timeout_seconds=BODY_TIMEOUT,
        keep_alive_timeout_seconds=5,
    )
    with serving_process(settings) as address:
        yield address


def connect(address: tuple[str, int]) -> socket.socket:
    conn = socket.create_connection(address, timeout=5)
    conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return conn


def read_response(conn: socket.socket, timeout: float = 5) -> tuple[int, dict[str, str], bytes]:
    """Status, headers and body of one response (the connection is then closed)."""
    conn.settimeout(timeout)
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            break
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    if not head:
        return 0, {}, b""
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines[1:])
    headers = {k.lower(): v for k, v in headers.items()}
    while len(body) < int(headers.get("content-length", 0)):
        chunk = conn.recv(65536)
        if not chunk:
            break
        body += chunk
    return int(lines[0].split()[1]), headers, body


def head(*fields: str, target: str = "/health") -> bytes:
    lines = [f"GET {target} HTTP/1.1", "Host: 127.0.0.1", *fields]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def test_a_100_kb_header_gets_431_quickly(served: tuple[str, int]) -> None:
    started = time.monotonic()
    with closing(connect(served)) as conn:
        # The server may answer and close before all of it is sent.
        with suppress(BrokenPipeError, ConnectionResetError):
            conn.sendall(head("Authorization: Bearer " + "a" * 100_000))
        status, headers, body = read_response(conn)
    assert time.monotonic() - started < 2
    assert status == 431
    assert headers["connection"] == "close"
    assert json.loads(body)["code"] == "VALIDATION_ERROR"


def test_100_mb_of_header_is_not_read(served: tuple[str, int]) -> None:
    started = time.monotonic()
    sent = 0
    with closing(connect(served)) as conn:
        conn.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ")
        try:
            while sent < 100 * 1024 * 1024:
                conn.sendall(b"a" * 65536)
                sent += 65536
        except (BrokenPipeError, ConnectionResetError):
            pass
        status, _, _ = read_response(conn)
    assert status in (0, 431)  # the answer may be lost to the reset; the point is the stop
    assert sent < 10 * 1024 * 1024
    assert time.monotonic() - started < 5


@pytest.mark.parametrize(
    "fields",
    [
        ["X-One: " + "b" * 17_000],  # one field over 16 KiB, the head under 64 KiB
        [f"X-Field-{i}: " + "c" * 15_000 for i in range(5)],  # fields fine, head > 64 KiB
    ],
)
def test_header_field_and_head_limits(served: tuple[str, int], fields: list[str]) -> None:
    with closing(connect(served)) as conn:
        conn.sendall(head(*fields))
        status, _, body = read_response(conn)
    assert status == 431
    assert "at most" in json.loads(body)["details"]


def test_a_long_request_line_gets_431(served: tuple[str, int]) -> None:
    with closing(connect(served)) as conn:
        conn.sendall(head(target="/health?x=" + "d" * 20_000))
        assert read_response(conn)[0] == 431


def test_requests_within_the_limits_pass_and_keep_alive(served: tuple[str, int]) -> None:
    with closing(connect(served)) as conn:
        for _ in range(3):  # the count starts again for each request on the connection
            conn.sendall(head("Cookie: a=" + "e" * 15_000, "X-Other: " + "f" * 15_000))
            status, headers, body = read_response(conn)
            assert status == 200, body
            assert headers.get("connection") != "close"
    # A small head with a large body, sent in one go, is not taken for a large head.
    payload = json.dumps({"username": "ann", "password": "p" * 300_000}).encode()
    with closing(connect(served)) as conn:
        conn.sendall(
            b"POST /auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            + f"Content-Length: {len(payload)}\r\n\r\n".encode()
            + payload
        )
        assert read_response(conn)[0] in (401, 422)


def test_health_answers_while_50_half_sent_requests_wait(served: tuple[str, int]) -> None:
    slow = [connect(served) for _ in range(50)]
    try:
        for conn in slow:
            conn.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        started = time.monotonic()
        response = httpx.get(f"http://{served[0]}:{served[1]}/health", timeout=5)
        assert response.status_code == 200
        assert time.monotonic() - started < 1
        # Each half-sent request is answered 408 and closed once its time is up.
        for conn in slow:
            status, headers, body = read_response(conn, timeout=HEADER_TIMEOUT + 4)
            assert status == 408
            assert headers["connection"] == "close"
            assert conn.recv(1) == b""
        assert time.monotonic() - started < HEADER_TIMEOUT + 4
    finally:
        for conn in slow:
            conn.close()


def test_a_silent_connection_is_closed(served: tuple[str, int]) -> None:
    with closing(connect(served)) as conn:
        started = time.monotonic()
        conn.settimeout(HEADER_TIMEOUT + 4)
        assert conn.recv(1) == b""
        assert time.monotonic() - started < HEADER_TIMEOUT + 3


def test_a_slow_body_gets_408(served: tuple[str, int]) -> None:
    with closing(connect(served)) as conn:
        started = time.monotonic()
        conn.sendall(
            b"POST /auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Content-Length: 100\r\n\r\n" + b'{"username": '
        )
        status, headers, body = read_response(conn, timeout=BODY_TIMEOUT + 4)
        assert status == 408
        assert headers["connection"] == "close"
        assert json.loads(body)["code"] == "VALIDATION_ERROR"
        assert time.monotonic() - started < BODY_TIMEOUT + 3


def test_serve_passes_the_limits_to_uvicorn(database_url: str) -> None:
    settings = make_settings(database_url, max_header_bytes=32_768, keep_alive_timeout_seconds=7)
    config = server_config(settings)
    assert config.h11_max_incomplete_event_size == 32_768
    assert config.timeout_keep_alive == 7
    protocol = config.http
    assert not isinstance(protocol, str)
    assert protocol.max_head_bytes == 32_768  # type: ignore[attr-defined]
    assert protocol.max_field_bytes == 16_384  # type: ignore[attr-defined]
    assert protocol.head_timeout == 10  # type: ignore[attr-defined]


def test_a_field_limit_over_the_head_limit_is_refused(database_url: str) -> None:
    with pytest.raises(ValueError, match="MAX_HEADER_FIELD_BYTES"):
        make_settings(database_url, max_header_bytes=8192, max_header_field_bytes=16384)
