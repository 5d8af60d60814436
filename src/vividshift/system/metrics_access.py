"""Who may scrape /metrics: anyone, or only holders of VIVIDSHIFT_METRICS_TOKEN.

/metrics is declared `Public` in the route matrix (it is no user route: no account or
session can open it); this check is its own. With the setting unset it lets every
request through; set, it wants `Authorization: Bearer <token>` and answers anything
else with 401 AUTHENTICATION_ERROR and `WWW-Authenticate: Bearer realm="metrics"`.
The comparison is constant-time (of SHA-256 digests, so not even the length leaks).
"""

import hashlib
import hmac

from fastapi import Request

from vividshift.errors import Unauthorized
from vividshift.http.openapi import Responses

CHALLENGE = {"WWW-Authenticate": 'Bearer realm="metrics"'}
# The route's own media type is text/plain, which FastAPI would give a `model` too: the
# JSON error body is named by reference (ErrorBody is a component of every app's schema,
# through the business routes' responses).
RESPONSES: Responses = {
    401: {
        "description": "VIVIDSHIFT_METRICS_TOKEN is set and the request lacks that bearer "
        "token (`Authorization: Bearer <token>`)",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}},
    }
}


def _digest(value: str) -> bytes:
    return hashlib.sha256(value.encode("utf-8", "surrogateescape")).digest()


def token_matches(header: str | None, token: str) -> bool:
    """Whether an Authorization header value carries `token` as its bearer token."""
    scheme, _, credentials = (header or "").strip().partition(" ")
    # Compare even when the scheme is wrong, so both paths take the same time.
    same = hmac.compare_digest(_digest(credentials.strip()), _digest(token))
    return scheme.lower() == "bearer" and same


async def require_metrics_token(request: Request) -> None:
    """Lets the scrape through when no token is configured or the right one is sent."""
    token = request.app.state.settings.metrics_token
    if token is None:
        return
    if not token_matches(request.headers.get("authorization"), token.get_secret_value()):
        raise Unauthorized("Missing or invalid metrics token", headers=CHALLENGE)
