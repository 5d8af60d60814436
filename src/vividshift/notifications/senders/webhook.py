"""Outbound webhooks signed per the Standard Webhooks specification.

Headers `webhook-id` (the delivery's stable id: the same on every retry, so receivers
drop duplicates), `webhook-timestamp` (seconds, of this attempt) and `webhook-signature`
(`v1,<base64 HMAC-SHA256>` of `id.timestamp.body` with the endpoint's secret, by the
`standardwebhooks` package). The body is JSON `{type, timestamp, data}`. Any 2xx is a
success; anything else, a time-out or a refused connection is retried. Redirects are
followed (at most 3), each target checked like the first and connected to at the
address the check vetted (`safety.pinned_request`: no DNS rebinding).
"""

from __future__ import annotations

import json
import ssl
from datetime import UTC, datetime
from functools import cache
from typing import Any
from urllib.parse import urljoin

import certifi
import httpx
from standardwebhooks.webhooks import Webhook

from vividshift import __version__
from vividshift.notifications.safety import UnsafeTarget, pinned_request
from vividshift.notifications.senders import Outcome

MAX_REDIRECTS = 3
REDIRECTS = {301, 302, 303, 307, 308}


@cache
def _tls() -> ssl.SSLContext:
    """One TLS context for every send: building one (as each new client would) costs
    milliseconds of CPU, more than a local delivery itself."""
    return ssl.create_default_context(cafile=certifi.where())


def signed_headers(secret: str, message_id: str, body: bytes, now: datetime) -> dict[str, str]:
    signature = Webhook(secret).sign(message_id, now, body.decode())
    return {
        "content-type": "application/json",
        "user-agent": f"VividShift-Webhooks/{__version__}",
        "webhook-id": message_id,
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": signature,
    }


async def send(
    url: str,
    secret: str,
    message_id: str,
    body: dict[str, Any],
    *,
    time_limit: float,
    allow_private: bool,
) -> Outcome:
    """POST the signed body to `url` (see the module docstring)."""
    data = json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode()
    headers = signed_headers(secret, message_id, data, datetime.now(UTC))
    async with httpx.AsyncClient(
        timeout=time_limit, follow_redirects=False, trust_env=False, verify=_tls()
    ) as http:
        for _ in range(MAX_REDIRECTS + 1):
            try:
                pin = await pinned_request(url, allow_private=allow_private)
            except UnsafeTarget as exc:
                return Outcome(False, error=f"refused: {exc}", permanent=True)
            try:
                response = await http.post(
                    pin.url,
                    content=data,
                    headers=headers | {"host": pin.host},
                    extensions={"sni_hostname": pin.sni} if pin.sni else None,
                )
            except httpx.TimeoutException:
                return Outcome(False, error=f"timed out after {time_limit:g} s")
            except httpx.HTTPError as exc:
                return Outcome(False, error=f"{type(exc).__name__}: {exc}"[:500])
            if response.status_code in REDIRECTS and "location" in response.headers:
                url = urljoin(url, response.headers["location"])
                continue
            ok = 200 <= response.status_code < 300
            return Outcome(ok, response.status_code, None if ok else f"HTTP {response.status_code}")
    return Outcome(False, error=f"more than {MAX_REDIRECTS} redirects")
