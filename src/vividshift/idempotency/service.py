"""Idempotency-Key for POSTs that create.

A client may send `Idempotency-Key: <1–200 visible ASCII characters>` with a create
request. The key is scoped to the calling user and the endpoint. Within its lifetime of
**24 hours** from first use:
- the same key with the same body returns the first response (same status, same body,
  header `Idempotent-Replayed: true`) and writes nothing;
- the same key with a different body is refused with 422 VALIDATION_ERROR;
- parallel requests with one key wait for the first to finish, then replay it: exactly
  one row is created. If the first fails (rolls back) the key stays free.
After 24 hours the key may be used again as if new. Expired rows are reclaimed on reuse
and removed by `delete_expired_keys`, which the worker's hourly `purge_idempotency_keys`
job runs (vividshift.idempotency.tasks).

`run_idempotent` must run inside the caller's transaction: the key, the created rows
and the stored response commit together or not at all.
"""

import hashlib
import json
from collections.abc import Awaitable, Callable
from typing import Annotated, Any, TypedDict, TypeVar
from uuid import UUID

from fastapi import Header, Response
from pydantic import BaseModel

from vividshift.db import Connection
from vividshift.errors import ValidationFailed
from vividshift.idempotency import queries

KEY_LIFETIME_SECONDS = 24 * 3600
REPLAYED_HEADER = "Idempotent-Replayed"

M = TypeVar("M", bound=BaseModel)


class _KeyId(TypedDict):
    """What identifies a stored key (the keyword arguments of the key queries)."""

    user_id: UUID
    scope: str
    key: str


IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=200,
        pattern=r"^[\x21-\x7e]+$",
        description="Makes the create safe to retry for 24 h: same key + same body → the "
        "first result; same key + another body → 422",
    ),
]


def with_replay_header(response: Response, outcome: tuple[M, bool]) -> M:
    """The result of a (result, replayed) pair, with `Idempotent-Replayed: true` set on
    `response` when it is a replay."""
    result, replayed = outcome
    if replayed:
        response.headers[REPLAYED_HEADER] = "true"
    return result


def request_hash(body: Any) -> str:
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


async def run_idempotent(
    conn: Connection,
    key: str | None,
    *,
    user_id: UUID | None,
    scope: str,
    body: Any,
    model: type[M],
    create: Callable[[], Awaitable[M]],
    status_code: int = 201,
) -> tuple[M, bool]:
    """(result, replayed): `create()` once per key and body; a replay of the first result
    otherwise. Without a key, or without a user (the system: keys are per user), just
    `create()`."""
    if key is None or user_id is None:
        return await create(), False
    digest = request_hash(body)
    ids: _KeyId = {"user_id": user_id, "scope": scope, "key": key}
    if await queries.claim_key(conn, request_hash=digest, ttl_seconds=KEY_LIFETIME_SECONDS, **ids):
        result = await create()
        await queries.store_response(
            conn, status_code=status_code, response=result.model_dump(mode="json"), **ids
        )
        return result, False
    first = await queries.get_key(conn, **ids)
    if first.request_hash != digest:
        raise ValidationFailed(
            "Idempotency-Key reused with a different request",
            details="send a new Idempotency-Key for a different request body",
        )
    return model.model_validate(first.response), True


async def delete_expired_keys(conn: Connection) -> int:
    """Remove keys past their lifetime; returns how many."""
    return await queries.delete_expired(conn)
