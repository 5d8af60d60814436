"""An app that is dropped is freed: nothing process-wide keeps it alive. FastAPI keeps
every endpoint callable it classified in a cache (up to 4096 entries), and /metrics is a
closure built per app; a reference from there to the app kept every app a process built
(one per test, per benchmark variant) with its routes and schemas, ~33 000 objects each,
and the garbage collector's pauses grew with them."""

import gc
import weakref

import httpx
from fastapi import FastAPI

from tests.conftest import make_settings
from vividshift.app import create_app


async def _used_and_dropped(database_url: str) -> weakref.ref[FastAPI]:
    app = create_app(make_settings(database_url))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
            assert (await http.get("/health")).status_code == 200
            metrics = await http.get("/metrics")
            assert metrics.status_code == 200
            assert "vividshift_db_pool_max_size" in metrics.text  # the collectors read it
    return weakref.ref(app)


async def test_dropped_apps_are_freed(database_url: str) -> None:
    """Three apps built, used and dropped in turn: at most one stays (one-time caches of
    the libraries may keep the first a process builds), not each."""
    apps = [await _used_and_dropped(database_url) for _ in range(3)]
    gc.collect()
    assert sum(app() is not None for app in apps) <= 1
