"""Prometheus metrics: request counts and latency histograms by route template."""

import httpx


async def test_metrics_count_requests_by_route_template(client: httpx.AsyncClient) -> None:
    await client.get("/health")
    await client.get("/health")
    await client.get("/no/such/route")
    response = await client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    text = response.text
    assert 'http_requests_total{handler="/health",method="GET",status="200"} 2.0' in text
    assert 'handler="none"' in text  # unknown paths are grouped, not one series each
    assert "/no/such/route" not in text
    assert 'http_request_duration_seconds_bucket{handler="/health"' in text
