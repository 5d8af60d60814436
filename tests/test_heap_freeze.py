"""Start-up freezes the heap it built, once per process: the cycle collector's full
passes then skip it during large requests."""

import gc

import httpx


async def test_a_started_app_has_frozen_its_start_up_heap(client: httpx.AsyncClient) -> None:
    assert gc.get_freeze_count() > 10_000  # modules, routes, schemas
    r = await client.get("/health")
    assert r.status_code == 200
    assert gc.isenabled()  # frozen, not switched off: the request's cycles are collected
