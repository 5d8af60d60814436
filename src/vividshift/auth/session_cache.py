"""An in-process cache of live sessions, emptied by PostgreSQL NOTIFY (opt-in).

Checking the session row on every request costs a database round trip, most of what
an authenticated request that does little else spends. With
`VIVIDSHIFT_SESSION_CACHE_SECONDS` > 0, a session found live is trusted for that long
(never past its own expiry), and dropped as soon as the database says it changed:
triggers (migration 20261207_150000) NOTIFY channel `vividshift_auth` on every change
to a session row and to an account, whoever made it — this process, another one, the
CLI, psql. Each process LISTENs on one connection of its own (`ChangeListener`, shared
with the read cache) and reads what has arrived on it before every hit (non-blocking:
no round trip).

Fail closed: while that connection is down the cache is empty and unused (every
request checks the database); it reconnects on a later miss.
"""

from __future__ import annotations

from dataclasses import dataclass
from time import monotonic
from typing import TYPE_CHECKING
from uuid import UUID

from vividshift.change_listener import ChangeListener

if TYPE_CHECKING:
    from vividshift.auth.deps import Principal

CHANNEL = "vividshift_auth"


@dataclass(frozen=True)
class _Entry:
    principal: Principal
    until: float  # monotonic deadline


class SessionCache:
    """Live sessions by id, each trusted until its deadline or a notification."""

    def __init__(self, listener: ChangeListener, ttl_s: float) -> None:
        self._listener, self._ttl = listener, ttl_s
        self._entries: dict[UUID, _Entry] = {}
        listener.subscribe(CHANNEL, self._forget, self._entries.clear)

    @property
    def listening(self) -> bool:
        return self._listener.listening

    def get(self, session_id: UUID, user_id: UUID) -> Principal | None:
        """The cached principal of a live session, after applying every change notified."""
        if not self._listener.drain():
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
        if not self._listener.listening:
            await self._listener.reconnect_if_due()
            return  # nothing cached while changes could go unheard
        until = monotonic() + min(self._ttl, seconds_left)
        self._entries[principal.session_id] = _Entry(principal, until)

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
