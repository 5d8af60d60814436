"""Rows of idempotency keys as the queries return them."""

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class StoredKey:
    """What a key's first use left: its request's hash and, once done, its response."""

    request_hash: str
    status_code: int | None
    response: Any
