"""/docs and /redoc load every asset from the service itself: no CDN, so they work
offline and tell no third party about the visit."""

import re

import httpx


async def test_docs_pages_reference_only_local_assets(client: httpx.AsyncClient) -> None:
    for page in ("/docs", "/redoc"):
        html = (await client.get(page)).text
        assets = re.findall(r'(?:src|href)="([^"]+)"', html)
        assert assets, page
        assert all(a.startswith("/") for a in assets), (page, assets)
        assert "cdn" not in html.lower() and "fonts.googleapis" not in html
        for asset in assets:
            response = await client.get(asset)
            assert response.status_code == 200, asset
            assert len(response.content) > 0
