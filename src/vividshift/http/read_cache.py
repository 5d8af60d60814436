"""An in-process cache of two hot read responses, emptied by PostgreSQL NOTIFY (opt-in).

With `VIVIDSHIFT_READ_CACHE_SECONDS` > 0, the encoded JSON of `GET /api/me/assignments`
and `GET /api/participants` (200s only) is kept per caller (user id and role) and query,
for at most that long. It is looked up after authentication (the session is checked on
every request as without it) and dropped, all of it:

- when the database says something these responses read changed: statement-level
  triggers (migration 20261209_100000) NOTIFY channel `vividshift_reads` on every write
  to domains, domain_members, participants, assignment_targets, assignments and
  assignment_details, whoever made it; the shared `ChangeListener` reads what has
  arrived before every hit (non-blocking);
- when this process has answered any request other than GET or HEAD, before that answer
  leaves (`http.own_writes`): a client's own write shows on its very next request,
  without waiting for the notification;
- for an entry of "My turns", at the next local midnight of any of its houses' zones
  ("upcoming" changes then).

Fail closed: while the listening connection is down nothing is cached or served from
the cache. A response built while a change arrived (or the cache was dropped) is not
stored: its snapshot may predate the change (`generation`).

`vividshift_read_cache_lookups_total{result}` on /metrics counts the lookups: `hit`,
`miss`, `down` (not listening: built, not kept).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass
from datetime import UTC, datetime
from time import monotonic
from typing import Any, Protocol
from uuid import UUID

import orjson
from prometheus_client import Counter
from starlette.requests import Request

from vividshift.change_listener import ChangeListener

CHANNEL = "vividshift_reads"
MAX_BYTES = 64 * 1024 * 1024  # the oldest entries go first beyond this
LOOKUPS = Counter(
    "vividshift_read_cache_lookups",
    "Read cache lookups by result: hit, miss, down (not listening)",
    ["result"],
    registry=None,  # process-wide; each app's /metrics registry shows it
)

# What a cached read builds: the body, or the body and the instant it stops being true
# whatever is written (None: only the TTL and changes bound it).
Build = Callable[[], Awaitable[bytes | tuple[bytes, datetime | None]]]


class Caller(Protocol):
    """Whose entry it is (`auth.deps.Principal`)."""

    @property
    def id(self) -> UUID: ...

    @property
    def role(self) -> str: ...


@dataclass(frozen=True)
class _Entry:
    body: bytes
    until: float  # monotonic deadline


class ReadCache:
    """Response bodies by key, each kept until its deadline or any notified change."""

    def __init__(self, listener: ChangeListener, ttl_s: float, max_bytes: int = MAX_BYTES) -> None:
        self._listener, self._ttl, self._max_bytes = listener, ttl_s, max_bytes
        self._entries: dict[Hashable, _Entry] = {}
        self._bytes = 0
        self.generation = 0  # bumped whenever entries are dropped for a change
        listener.subscribe(CHANNEL, lambda _table: self.clear(), self.clear)

    @property
    def listening(self) -> bool:
        return self._listener.listening

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: Hashable) -> bytes | None:
        """The cached body, after applying every change notified (None: build it)."""
        if not self._listener.drain():
            return None
        entry = self._entries.get(key)
        if entry is None:
            return None
        if entry.until <= monotonic():
            self._drop(key)
            return None
        return entry.body

    async def put(
        self, key: Hashable, body: bytes, generation: int, until: datetime | None = None
    ) -> None:
        """Keep a body built from a read that began at `generation`, for the TTL (and
        never past `until`); not when a change came in since, or nobody listens."""
        if not self._listener.listening:
            await self._listener.reconnect_if_due()
            return  # nothing cached while changes could go unheard
        if generation != self.generation or len(body) > self._max_bytes:
            return
        seconds = self._ttl
        if until is not None:
            seconds = min(seconds, (until - datetime.now(UTC)).total_seconds())
        if seconds <= 0:
            return
        self._drop(key)
        self._entries[key] = _Entry(body, monotonic() + seconds)
        self._bytes += len(body)
        while self._bytes > self._max_bytes:  # insertion order: the oldest first
            self._drop(next(iter(self._entries)))

    def clear(self) -> None:
        """Drop every entry (a change was notified or made here, or the listener is new
        or lost)."""
        self.generation += 1
        self._entries.clear()
        self._bytes = 0

    def _drop(self, key: Hashable) -> None:
        entry = self._entries.pop(key, None)
        if entry is not None:
            self._bytes -= len(entry.body)


async def read_through(request: Request, caller: Caller, key: Any, build: Build) -> bytes:
    """The body for `caller` and `key` (any JSON-encodable value: the normalised query),
    from the cache when it is on and holds it, else from `build` (and then kept)."""
    cache: ReadCache | None = getattr(request.app.state, "read_cache", None)
    if cache is None:
        return _body_and_end(await build())[0]
    full_key = (caller.id, caller.role, orjson.dumps(key, option=orjson.OPT_SORT_KEYS))
    body = cache.get(full_key)
    LOOKUPS.labels("hit" if body is not None else "miss" if cache.listening else "down").inc()
    if body is None:
        generation = cache.generation
        body, until = _body_and_end(await build())  # raises on any non-200: nothing kept
        await cache.put(full_key, body, generation, until)
    return body


def _body_and_end(built: bytes | tuple[bytes, datetime | None]) -> tuple[bytes, datetime | None]:
    return (built, None) if isinstance(built, bytes) else built
