"""An in-process cache of live sessions, emptied by PostgreSQL NOTIFY (opt-in).

Checking the session row on every request costs a database round trip, most of what
an authenticated request that does little else spends. With
`VIVIDSHIFT_SESSION_CACHE_SECONDS` > 0, a session found live is trusted for that long
(never past its own expiry), and dropped as soon as the database says it changed:
triggers (migration 20261207_150000) NOTIFY channel `vividshift_auth` on every change
to a session row and to an account, whoever made it — this process, another one, the
CLI, psql. Each process LISTENs on one connection of its own and reads what has
arrived on it before every hit (non-blocking: no round trip).

Fail closed: while that connection is down the cache is empty and unused (every
request checks the database); it reconnects on a later miss.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from time import monotonic
from typing import TYPE_CHECKING
from uuid import UUID

import psycopg

if TYPE_CHECKING:
    from vividshift.auth.deps import Principal

CHANNEL = "vividshift_auth"
RECONNECT_AFTER_S = 5.0  # between attempts while the listening connection is down

log = logging.getLogger("vividshift.auth")


@dataclass(frozen=True)
class _Entry:
    principal: Principal
    until: float  # monotonic deadline


class SessionCache:
    """Live sessions by id, each trusted until its deadline or a notification."""

    def __init__(self, url: str, ttl_s: float) -> None:
        self._url, self._ttl = url, ttl_s
        self._entries: dict[UUID, _Entry] = {}
        self._listener: psycopg.AsyncConnection | None = None
        self._next_attempt = 0.0

    @property
    def listening(self) -> bool:
        return self._listener is not None

    async def open(self) -> None:
        """Connect and LISTEN (a failure leaves the cache off until a later attempt)."""
        self._next_attempt = monotonic() + RECONNECT_AFTER_S
        try:
            conn = await psycopg.AsyncConnection.connect(self._url, autocommit=True)
            await conn.execute(f"LISTEN {CHANNEL}")
        except psycopg.Error as exc:
            log.warning("session cache off: cannot listen for changes (%s)", type(exc).__name__)
            return
        self._entries.clear()
        self._listener = conn

    async def close(self) -> None:
        conn, self._listener = self._listener, None
        self._entries.clear()
        if conn is not None:
            await conn.close()

    def get(self, session_id: UUID, user_id: UUID) -> Principal | None:
        """The cached principal of a live session, after applying every change notified."""
        if not self._drain():
            return None
        entry = self._entries.get(session_id)
        if entry is None or entry.principal.id != user_id:
            return None
        if entry.until <= monotonic():
            del self._entries[session_id]
            return None
        return entry.principal

    async def put(self, principal: Principal, seconds_left: float) -> None:
        """Remember a session just found live (for at most `seconds_left` more)."""
        if self._listener is None:
            if monotonic() >= self._next_attempt:
                await self.open()
            return  # nothing cached while changes could go unheard
        until = monotonic() + min(self._ttl, seconds_left)
        self._entries[principal.session_id] = _Entry(principal, until)

    def _drain(self) -> bool:
        """Apply the notifications that have arrived; False when not listening."""
        conn = self._listener
        if conn is None:
            return False
        pgconn = conn.pgconn
        try:
            pgconn.consume_input()  # reads what the socket holds, never waits
        except psycopg.Error:
            log.warning("session cache off: the listening connection was lost")
            self._listener = None
            self._entries.clear()
            return False
        while (note := pgconn.notifies()) is not None:
            self._forget(note.extra.decode())
        return True

    def _forget(self, payload: str) -> None:
        kind, _, raw = payload.partition(":")
        try:
            key = UUID(raw)
        except ValueError:
            self._entries.clear()  # not ours to parse: drop everything, to be safe
            return
        if kind == "s":
            self._entries.pop(key, None)
        else:
            for sid in [s for s, e in self._entries.items() if e.principal.id == key]:
                del self._entries[sid]
