"""The app as `vividshift serve` runs it (`server_config`: uvicorn with the service's
limits and time-outs), in a thread on a free port of 127.0.0.1, for tests that speak to
it over raw sockets."""

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn

from vividshift.cli.serve import server_config
from vividshift.config import Settings


@contextmanager
def serving(settings: Settings) -> Iterator[tuple[str, int]]:
    """(host, port) of the running server; stopped on exit."""
    config = server_config(settings)
    config.lifespan = "on"
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "the server did not start"
        time.sleep(0.05)
    try:
        yield sock.getsockname()
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        sock.close()
