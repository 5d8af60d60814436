"""`vividshift serve` in a process of its own, on a free port of 127.0.0.1, for tests
whose figures are times: a server in the test process shares its interpreter (its
garbage collections, its other threads) with everything the suite left behind."""

import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from pydantic import SecretStr

from vividshift.config import Settings

BIN = Path(sys.executable).parent
START_ATTEMPTS = 3  # another process may take the free port before the server binds it


def environment(settings: Settings) -> dict[str, str]:
    """The environment variables that give `serve` the fields set in `settings`."""
    env: dict[str, str] = {}
    for name in settings.model_fields_set:
        value = getattr(settings, name)
        if value is None:
            continue
        if isinstance(value, SecretStr):
            value = value.get_secret_value()
        elif isinstance(value, bool):
            value = "true" if value else "false"
        key = "DATABASE_URL" if name == "database_url" else f"VIVIDSHIFT_{name.upper()}"
        env[key] = str(value)
    return env


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_until_up(server: subprocess.Popen[bytes], port: int) -> bool:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and server.poll() is None:
        try:
            httpx.get(f"http://127.0.0.1:{port}/health", timeout=1)
            return True
        except httpx.TransportError:
            time.sleep(0.1)
    return False


def _stop(server: subprocess.Popen[bytes]) -> None:
    server.terminate()
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


@contextmanager
def serving_process(settings: Settings) -> Iterator[tuple[str, int]]:
    """(host, port) of `vividshift serve` run with `settings`; stopped on exit."""
    base = {k: v for k, v in os.environ.items() if not k.startswith("VIVIDSHIFT_")}
    env = base | {"VIVIDSHIFT_LOG_FORMAT": "json"} | environment(settings)
    with tempfile.TemporaryFile() as log:
        for _ in range(START_ATTEMPTS):
            port = _free_port()
            server = subprocess.Popen(
                [str(BIN / "vividshift"), "serve", "--host", "127.0.0.1", "--port", str(port)],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
            if _wait_until_up(server, port):
                break
            _stop(server)
        else:
            log.seek(0)
            raise AssertionError("the server did not start:\n" + log.read().decode()[-4000:])
        try:
            yield "127.0.0.1", port
        finally:
            _stop(server)
