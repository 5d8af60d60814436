"""The FastAPI application factory."""

import asyncio
import contextlib
import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI
from fastapi.responses import PlainTextResponse
from prometheus_client import CollectorRegistry
from prometheus_fastapi_instrumentator import Instrumentator

from vividshift import __version__, migrate
from vividshift.api import include_routers
from vividshift.assignments.jobs.recovery import sweep_forever
from vividshift.assignments.metrics import GENERATION_DURATION, SOLVER_STATUS
from vividshift.auth import passwords
from vividshift.auth.deps import public
from vividshift.auth.session_cache import SessionCache
from vividshift.auth.tokens import resolve_signing_key
from vividshift.change_listener import ChangeListener
from vividshift.config import Settings
from vividshift.db import create_pool
from vividshift.embedded import EmbeddedPostgres
from vividshift.errors import install_error_handlers
from vividshift.http.body_limit import BodyLimitMiddleware
from vividshift.http.methods import ImplicitMethodsMiddleware
from vividshift.http.nul_guard import NulGuardMiddleware
from vividshift.http.openapi_nul import install_no_nul_schema
from vividshift.http.own_writes import ForgetOnWriteMiddleware
from vividshift.http.read_cache import LOOKUPS as READ_CACHE_LOOKUPS
from vividshift.http.read_cache import ReadCache
from vividshift.http.routing import StrictJSONRoute
from vividshift.http.security_headers import NoSniffMiddleware
from vividshift.notifications import dispatcher as notification_dispatcher
from vividshift.observability.middleware import RequestLogMiddleware
from vividshift.observability.pool_metrics import PoolCollector
from vividshift.reminders import in_process as in_process_reminders
from vividshift.system.metrics_access import RESPONSES as METRICS_RESPONSES
from vividshift.system.metrics_access import require_metrics_token
from vividshift.web.render import install_page_errors
from vividshift.worker.metrics import QueueCollector

log = logging.getLogger("vividshift")
_heap_frozen = False


def _freeze_startup_heap() -> None:
    """Keep what start-up built (modules, routes, schemas: most of the heap, and alive
    for the whole process) out of the cycle collector's full passes, which otherwise
    walk it again during every large request — most of a 10 000-person generation's
    load phase. Once per process: a later app's objects stay collectable."""
    global _heap_frozen
    if not _heap_frozen:
        _heap_frozen = True
        gc.collect()
        gc.freeze()


def _make_caches(app: FastAPI, url: str, settings: Settings) -> ChangeListener | None:
    """The opt-in session and read caches, on one listening connection (None: both off)."""
    if settings.session_cache_seconds <= 0 and settings.read_cache_seconds <= 0:
        return None
    listener = app.state.change_listener = ChangeListener(url)
    if settings.session_cache_seconds > 0:
        app.state.session_cache = SessionCache(listener, settings.session_cache_seconds)
    if settings.read_cache_seconds > 0:
        app.state.read_cache = ReadCache(listener, settings.read_cache_seconds)
    return listener


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    settings: Settings = app.state.settings
    embedded = None
    try:
        url = settings.database_url
        if not url:
            # No server given: run our own, migrated to the latest schema.
            embedded = EmbeddedPostgres(settings.resolved_data_dir())
            url = embedded.database_url()
        if settings.migrate_on_start:
            migrate.upgrade(url)
        pool = create_pool(url, settings)
        await pool.open(wait=False)
        app.state.pool = pool
        app.state.database_url = url  # for the job-queue metrics' own short connections
        # Notifications are sent, and reminders written, from here while no worker runs.
        sender = reminder = None
        if settings.notifications_in_process:
            sender = asyncio.create_task(notification_dispatcher.run(url, settings))
            reminder = asyncio.create_task(in_process_reminders.run(url, settings))
        # In-process jobs of a dead API process: re-run or failed by any live one.
        sweeper = asyncio.create_task(sweep_forever(pool, settings))
        listener = _make_caches(app, url, settings)
        if listener is not None:
            await listener.open()
        _freeze_startup_heap()
        try:
            yield
        finally:
            if listener is not None:
                await listener.close()
            for task in (sweeper, sender, reminder):
                if task is not None:
                    task.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await task
            await pool.close()
    finally:
        # Also when start-up fails (a migration error): never leave our server running.
        if embedded is not None:
            embedded.stop()


def create_app(settings: Settings) -> FastAPI:
    """Build the application: routes, error handlers, metrics and the database lifespan.
    The database (pool, and the embedded server when no URL is set) starts with the app."""
    app = FastAPI(
        docs_url=None,  # served by system.docs, with local assets
        redoc_url=None,
        title="VividShift",
        version=__version__,
        description="Fair, valid assignments of participants to targets, with full history.",
        lifespan=_lifespan,
    )
    app.router.route_class = StrictJSONRoute
    app.state.settings = settings
    app.add_middleware(ImplicitMethodsMiddleware)  # OPTIONS and HEAD on every path
    app.add_middleware(NulGuardMiddleware)  # inside the body limit: reads bounded bodies
    app.add_middleware(
        BodyLimitMiddleware,
        max_bytes=settings.max_body_bytes,
        timeout_seconds=settings.body_timeout_seconds,
    )
    app.add_middleware(NoSniffMiddleware)
    if settings.session_cache_seconds > 0 or settings.read_cache_seconds > 0:
        app.add_middleware(ForgetOnWriteMiddleware)  # a write empties the caches
    app.add_middleware(RequestLogMiddleware)  # added last = outermost: sees every request
    install_error_handlers(app)
    install_page_errors(app)  # browsers get HTML error pages; the API keeps its JSON body
    app.state.jwt_key = resolve_signing_key(settings)  # refuses a weak or placeholder key
    passwords.warm_up()
    include_routers(app)  # every router, in /openapi.json order: vividshift.api
    install_no_nul_schema(app)
    if settings.metrics_enabled:
        registry = CollectorRegistry()
        registry.register(PoolCollector(app))
        registry.register(QueueCollector(app))
        registry.register(GENERATION_DURATION)  # process-wide; every app's registry shows them
        registry.register(SOLVER_STATUS)
        registry.register(READ_CACHE_LOOKUPS)
        Instrumentator(
            registry=registry,
            should_group_status_codes=False,
            should_group_untemplated=True,
        ).instrument(app).expose(
            app,
            endpoint="/metrics",
            tags=["system"],
            summary="Prometheus metrics",
            description="Prometheus text format. Public unless VIVIDSHIFT_METRICS_TOKEN is "
            "set; then only with `Authorization: Bearer <that token>`.",
            response_class=PlainTextResponse,
            # Public in the route matrix (no user route); VIVIDSHIFT_METRICS_TOKEN, when
            # set, is checked by require_metrics_token.
            dependencies=[Depends(public), Depends(require_metrics_token)],
            responses=METRICS_RESPONSES,
        )
    return app
