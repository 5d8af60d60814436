"""The OpenAPI document lists every business route with its bodies and error statuses."""

import httpx

from vividshift.auth.deps import app_routes, route_permission
from vividshift.domains.routes import router as domains
from vividshift.entities.routes import definitions_router, entities_router
from vividshift.participants.routes import router as participants
from vividshift.targets.routes import router as targets

# The routes of issue 5 (other packages may add paths under the same prefixes).
OWN = {
    route.path
    for router in (domains, definitions_router, entities_router, participants, targets)
    for route in router.routes
}


async def test_business_routes_document_their_statuses(client: httpx.AsyncClient) -> None:
    spec = (await client.get("/openapi.json")).json()
    paths = {p: ops for p, ops in spec["paths"].items() if p in OWN}
    assert len(paths) == 19  # + /api/domains/{id}/members and …/members/{user_id}
    for path, operations in paths.items():
        for method, op in operations.items():
            statuses = set(op["responses"])
            expected = {"401", "403"} if op.get("parameters") is None else {"401", "403", "422"}
            assert expected <= statuses, (method, path, statuses)
            if "{" in path.replace("{entity_type}", ""):
                assert "404" in statuses, (method, path)
            if method in ("post", "put", "patch") and not path.endswith("/import"):
                assert "requestBody" in op, (method, path)
    imports = spec["paths"]["/api/participants/import"]["post"]["requestBody"]["content"]
    assert set(imports) == {"application/json", "text/csv"}
    key = [
        p
        for p in spec["paths"]["/api/participants"]["post"]["parameters"]
        if p["name"] == "Idempotency-Key"
    ]
    assert key and key[0]["in"] == "header"
    listing = spec["paths"]["/api/participants"]["get"]["parameters"]
    assert {
        "has_skill",
        "has_all_skills",
        "available",
        "active_only",
        "q",
        "sort",
        "limit",
        "offset",
    } <= {p["name"] for p in listing}


def test_every_business_route_declares_a_permission() -> None:
    from tests.conftest import make_settings
    from vividshift.app import create_app

    app = create_app(make_settings("postgresql://unused@localhost/unused"))
    business = [r for r in app_routes(app) if getattr(r, "path", "") in OWN]
    assert len(business) == 35  # + list, add and remove members
    for route in business:
        permission = route_permission(route)
        expected = (
            "admin"
            if route.path.endswith("/permanent")
            else "reader"
            if getattr(route, "route", route).methods == {"GET"}
            else "writer"
        )
        assert permission == expected, (route.path, route.methods, permission)
