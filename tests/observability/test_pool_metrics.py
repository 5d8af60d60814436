"""/metrics shows the database pool's state (psycopg_pool statistics)."""

import re

import httpx

from tests.conftest import make_settings
from vividshift.app import create_app


def sample(text: str, name: str) -> float:
    match = re.search(rf"^{name} (\S+)$", text, re.M)
    assert match, f"{name} not in /metrics"
    return float(match[1])


async def test_pool_gauges_follow_the_pool(database_url: str) -> None:
    app = create_app(make_settings(database_url, db_pool_min_size=0, db_pool_max_size=3))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            assert (await client.get("/ready")).status_code == 200
            text = (await client.get("/metrics")).text

            assert sample(text, "vividshift_db_pool_max_size") == 3
            assert sample(text, "vividshift_db_pool_min_size") == 0
            assert sample(text, "vividshift_db_pool_requests_total") >= 1
            assert sample(text, "vividshift_db_pool_connections_total") >= 1
            assert sample(text, "vividshift_db_pool_size") >= 1
            assert sample(text, "vividshift_db_pool_in_use") == 0  # /ready gave it back
            assert sample(text, "vividshift_db_pool_requests_waiting") == 0
            assert "# TYPE vividshift_db_pool_in_use gauge" in text

            async with app.state.pool.connection():
                text = (await client.get("/metrics")).text
            assert sample(text, "vividshift_db_pool_in_use") == 1
