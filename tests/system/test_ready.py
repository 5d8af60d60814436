"""/ready follows the database: 503 while it is down, 200 again once it is back."""

import asyncio
import time

import httpx

from tests.conftest import ROOT, make_settings
from vividshift.app import create_app
from vividshift.embedded import EmbeddedPostgres

# A cluster of this test's own (embedded binaries, whatever DATABASE_URL says), so it
# can be stopped and started without disturbing the other tests.
CLUSTER_DIR = ROOT / ".pytest-pg" / "ready-cluster"


async def ready_status(client: httpx.AsyncClient) -> tuple[int, dict]:
    response = await client.get("/ready")
    return response.status_code, response.json()


async def test_ready_goes_503_and_back() -> None:
    server = EmbeddedPostgres(CLUSTER_DIR)
    try:
        app = create_app(make_settings(server.database_url("postgres"), db_pool_min_size=1))
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
                ready = (200, {"status": "ready", "database": "connected"})
                assert await ready_status(client) == ready

                server.stop()
                status, body = await ready_status(client)
                assert status == 503
                assert body["status"] == "unavailable" and body["database"] == "unreachable"
                assert body["code"] == "SERVICE_UNAVAILABLE"

                server = EmbeddedPostgres(CLUSTER_DIR)
                started = time.monotonic()
                while (await ready_status(client))[0] != 200:
                    assert time.monotonic() - started < 30, "not ready 30 s after the restart"
                    await asyncio.sleep(0.2)
                assert await ready_status(client) == ready
    finally:
        server.stop()
