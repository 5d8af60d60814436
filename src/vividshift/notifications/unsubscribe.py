"""One-click unsubscribe links: signed, so they need no session and no stored token.

The link names an account and an event type and carries an HMAC-SHA256 of both under
the service's signing key (the JWT secret): it cannot be forged for another person or
category, and it keeps working (unsubscribing twice changes nothing).
"""

from __future__ import annotations

import hashlib
import hmac
from urllib.parse import urlencode
from uuid import UUID


def signature(key: bytes, user_id: UUID, event_type: str) -> str:
    message = f"unsubscribe:{user_id}:{event_type}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def is_valid(key: bytes, user_id: UUID, event_type: str, sig: str) -> bool:
    # Compared as UTF-8 bytes: compare_digest raises on a str that is not ASCII.
    expected = signature(key, user_id, event_type).encode()
    return hmac.compare_digest(expected, sig.encode("utf-8", "surrogatepass"))


def link(public_url: str, key: bytes, user_id: UUID, event_type: str) -> str:
    query = urlencode(
        {"user": str(user_id), "event": event_type, "sig": signature(key, user_id, event_type)}
    )
    return f"{public_url.rstrip('/')}/notifications/unsubscribe?{query}"
