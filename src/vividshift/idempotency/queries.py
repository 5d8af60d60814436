"""SQL of idempotency keys."""

from typing import Any
from uuid import UUID

from psycopg.types.json import Jsonb

from vividshift.db import Connection, fetch_one
from vividshift.idempotency.rows import StoredKey


async def claim_key(
    conn: Connection, *, user_id: UUID, scope: str, key: str, request_hash: str, ttl_seconds: int
) -> bool:
    """Take the key for this request: True when new (or its old use had expired).

    A concurrent transaction holding the same key makes this wait until it ends, so of
    many parallel requests exactly one claims the key and the others see its result."""
    cur = await conn.execute(
        """
        INSERT INTO idempotency_keys (user_id, scope, key, request_hash, expires_at)
        VALUES (%(user_id)s, %(scope)s, %(key)s, %(hash)s,
                now() + make_interval(secs => %(ttl)s))
        ON CONFLICT (user_id, scope, key) DO UPDATE
           SET request_hash = EXCLUDED.request_hash, status_code = NULL, response = NULL,
               created_at = now(), expires_at = EXCLUDED.expires_at
         WHERE idempotency_keys.expires_at <= now()
        RETURNING key
        """,
        {"user_id": user_id, "scope": scope, "key": key, "hash": request_hash, "ttl": ttl_seconds},
    )
    return await cur.fetchone() is not None


async def get_key(conn: Connection, *, user_id: UUID, scope: str, key: str) -> StoredKey:
    row = await fetch_one(
        conn,
        StoredKey,
        "SELECT request_hash, status_code, response FROM idempotency_keys"
        " WHERE user_id = %s AND scope = %s AND key = %s",
        (user_id, scope, key),
    )
    assert row is not None, "a key that could not be claimed exists"
    return row


async def store_response(
    conn: Connection, *, user_id: UUID, scope: str, key: str, status_code: int, response: Any
) -> None:
    await conn.execute(
        "UPDATE idempotency_keys SET status_code = %s, response = %s"
        " WHERE user_id = %s AND scope = %s AND key = %s",
        (status_code, Jsonb(response), user_id, scope, key),
    )


async def delete_expired(conn: Connection) -> int:
    cur = await conn.execute("DELETE FROM idempotency_keys WHERE expires_at <= now()")
    return cur.rowcount
