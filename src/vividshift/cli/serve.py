"""`vividshift serve`: the API under uvicorn."""

from contextlib import suppress
from typing import Annotated

import typer
import uvicorn
from uvicorn.main import STARTUP_FAILURE

from vividshift import cli_context
from vividshift.config import Settings


def server_config(
    settings: Settings, *, host: str | None = None, port: int | None = None
) -> uvicorn.Config:
    """What `serve` runs: the app under uvicorn, built but not started.

    The client address (login throttling, sessions' `ip_address`) and scheme come from
    `X-Forwarded-For` / `X-Forwarded-Proto` only when the connecting peer is one of
    VIVIDSHIFT_FORWARDED_ALLOW_IPS (uvicorn's ProxyHeadersMiddleware); from any other
    peer those headers are ignored and the socket's address counts. Unset, no peer is
    trusted (not even 127.0.0.1: any local process could claim any address).

    Request heads are limited in size and time by our protocol (http.server_protocol);
    the same head limit is given to h11 in case it is chosen, and idle kept-alive
    connections close after VIVIDSHIFT_KEEP_ALIVE_TIMEOUT_SECONDS."""
    # Imported here, not for a cycle (the app never imports the CLI) but for speed: the
    # app loads every router and page (~0.35 s) that no other command needs.
    from vividshift.app import create_app
    from vividshift.http.server_protocol import limited_protocol

    return uvicorn.Config(
        create_app(settings),
        host=host or settings.host,
        port=port or settings.port,
        log_level=settings.log_level,
        log_config=None,  # keep our log format (configure_logging) for uvicorn's records
        access_log=False,  # the app logs each request itself, with its request id
        proxy_headers=bool(settings.forwarded_allow_ips),
        forwarded_allow_ips=settings.forwarded_allow_ips or None,
        http=limited_protocol(
            max_head_bytes=settings.max_header_bytes,
            max_field_bytes=settings.max_header_field_bytes,
            head_timeout=settings.header_timeout_seconds,
        ),
        h11_max_incomplete_event_size=settings.max_header_bytes,
        timeout_keep_alive=settings.keep_alive_timeout_seconds,
    )


def serve(
    host: Annotated[str | None, typer.Option(help="address to listen on")] = None,
    port: Annotated[int | None, typer.Option(help="port to listen on")] = None,
) -> None:
    """Serve the API (on the embedded PostgreSQL when DATABASE_URL is unset)."""
    server = uvicorn.Server(server_config(cli_context.settings(), host=host, port=port))
    with suppress(KeyboardInterrupt):
        server.run()
    if not server.started:  # as uvicorn.run: a failed startup exits non-zero
        raise typer.Exit(STARTUP_FAILURE)
