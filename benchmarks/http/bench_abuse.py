"""Benchmark: what abusive requests get from `vividshift serve` on 127.0.0.1, next to
the figures the outside audit measured before (issue "Hardening"):

- a NUL byte in query strings and in the login form (before: 500);
- a 100 MB `Authorization` header (before: read for ~30 s while `/health` stalled 10 s);
- 200 connections that send half a request head and wait (before: open for 40 s+).

While the last two run, `/health` is asked every 50 ms: its slowest answer is printed.

    .venv/bin/python benchmarks/http/bench_abuse.py

Uses DATABASE_URL's server, else the embedded one (a scratch database either way).
"""

import asyncio
import socket
import statistics
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from scratch_db import scratch_database  # noqa: E402
from served import admin_token, served  # noqa: E402

NUL_QUERIES = [
    ("/api/participants", {"q": "a\x00b"}),
    ("/api/participants", {"has_skill": "a\x00b"}),
    ("/api/participants", {"has_all_skills": "a\x00b"}),
    ("/api/targets", {"q": "a\x00b"}),
    ("/api/targets", {"requires_skill": "a\x00b"}),
    ("/api/users", {"q": "a\x00b"}),
    ("/api/assignments", {"strategy": "a\x00b"}),
    ("/api/assignments", {"domain": "a\x00b"}),
]


class HealthProbe:
    """Asks /health every 50 ms in a thread; the slowest answer while it ran."""

    def __init__(self, base: str) -> None:
        self.base, self.times, self._stop = base, [], threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        with httpx.Client(base_url=self.base, timeout=60) as http:
            while not self._stop.is_set():
                started = time.perf_counter()
                http.get("/health")
                self.times.append(time.perf_counter() - started)
                time.sleep(0.05)

    def __enter__(self) -> "HealthProbe":
        self._thread.start()
        while not self.times:  # one answer before the abuse starts
            time.sleep(0.01)
        return self

    def __exit__(self, *exc: object) -> None:
        time.sleep(0.2)  # and a few while the server deals with what is left of it
        self._stop.set()
        self._thread.join()

    def summary(self) -> str:
        if not self.times:
            return "no answer"
        median = statistics.median(self.times) * 1000
        return f"/health median {median:.1f} ms, slowest {max(self.times) * 1000:.1f} ms"


def huge_header(port: int, size: int) -> tuple[str, float]:
    """Send a request whose Authorization header is `size` bytes; the answer and when."""
    started = time.perf_counter()
    with socket.create_connection(("127.0.0.1", port), timeout=60) as sock:
        sock.sendall(b"GET /api/me HTTP/1.1\r\nHost: bench\r\nAuthorization: Bearer ")
        chunk = b"a" * 65536
        sent = 0
        try:
            while sent < size:
                sock.sendall(chunk)
                sent += len(chunk)
            sock.sendall(b"\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server stopped reading: what it answered is below
        try:
            answer = sock.recv(200).split(b"\r\n", 1)[0].decode() or "closed"
        except (ConnectionResetError, TimeoutError):
            answer = "reset"
    return f"{answer} after {sent / 1e6:.1f} MB sent", time.perf_counter() - started


def half_sent(port: int, count: int, limit: float) -> tuple[int, float]:
    """Open `count` connections that send half a head; (closed by the server, seconds)."""
    socks = []
    for _ in range(count):
        sock = socket.create_connection(("127.0.0.1", port), timeout=limit)
        sock.sendall(b"GET /health HTTP/1.1\r\nHost: bench\r\n")
        socks.append(sock)
    started = time.perf_counter()
    closed = 0
    for sock in socks:
        remaining = max(0.01, limit - (time.perf_counter() - started))
        sock.settimeout(remaining)
        try:
            while sock.recv(4096):
                pass
            closed += 1
        except ConnectionResetError:
            closed += 1
        except TimeoutError:
            pass
        finally:
            sock.close()
    return closed, time.perf_counter() - started


def timed(probe_base: str, work: Callable[[], str]) -> str:
    with HealthProbe(probe_base) as probe:
        result = work()
    return f"{result}; {probe.summary()}"


def main() -> None:
    with scratch_database("vs_abuse") as url:
        token = asyncio.run(admin_token(url))
        with served(url) as port:
            report(port, token)


def report(port: int, token: str) -> None:
    base = f"http://127.0.0.1:{port}"
    print("case | before (audit) | now")
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}) as http:
        for path, params in NUL_QUERIES:
            (name,) = params
            print(f"NUL in {path}?{name} | 500 | {http.get(path, params=params).status_code}")
        login = http.post("/login", data={"username": "a\x00b", "password": "x"})
        print(f"NUL in POST /login form | 500 | {login.status_code}")

    def header() -> str:
        answer, seconds = huge_header(port, 100 * 1024 * 1024)
        return f"{answer} in {seconds:.2f} s"

    print(f"100 MB Authorization | ~30 s, /health stalled 10 s | {timed(base, header)}")

    def slow() -> str:
        closed, seconds = half_sent(port, 200, 60)
        return f"{closed}/200 closed by the server in {seconds:.1f} s"

    print(f"200 half-sent heads | open 40 s+ | {timed(base, slow)}")


if __name__ == "__main__":
    main()
