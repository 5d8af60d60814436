"""One PostgreSQL LISTEN connection per process, shared by the in-process caches.

Triggers NOTIFY a channel when a change commits, whoever made it (this process, another
one, the CLI, psql). Each cache subscribes to its channel with two callbacks: one for
each payload, one for "changes may have gone unheard" (the connection was lost, or is
new: empty everything). `drain()` reads what has arrived on the socket without waiting
(no round trip) and hands every payload to its channel's cache; a cache calls it before
every hit, so it applies the changes of every channel, not only its own.

Fail closed: while the connection is down `listening` is False, the caches hold nothing
and use nothing; `reconnect_if_due()` (called on a cache miss) tries again at most every
`RECONNECT_AFTER_S` seconds.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from time import monotonic

import psycopg

RECONNECT_AFTER_S = 5.0  # between attempts while the listening connection is down
APPLICATION_NAME = "vividshift listener"  # how operators (and tests) tell it apart

log = logging.getLogger("vividshift.listener")


@dataclass(frozen=True)
class _Subscriber:
    on_notify: Callable[[str], None]  # one payload of the channel
    on_lost: Callable[[], None]  # changes may have gone unheard: forget everything


class ChangeListener:
    """LISTENs on its subscribers' channels; dispatches payloads by channel."""

    def __init__(self, url: str) -> None:
        self._url = url
        self._subscribers: dict[str, _Subscriber] = {}
        self._conn: psycopg.AsyncConnection | None = None
        self._next_attempt = 0.0

    def subscribe(
        self, channel: str, on_notify: Callable[[str], None], on_lost: Callable[[], None]
    ) -> None:
        """Register a channel's cache (before `open`)."""
        self._subscribers[channel] = _Subscriber(on_notify, on_lost)

    @property
    def listening(self) -> bool:
        return self._conn is not None

    async def open(self) -> None:
        """Connect and LISTEN (a failure leaves every cache off until a later attempt)."""
        self._next_attempt = monotonic() + RECONNECT_AFTER_S
        try:
            conn = await psycopg.AsyncConnection.connect(
                self._url, autocommit=True, application_name=APPLICATION_NAME
            )
            for channel in self._subscribers:
                await conn.execute(f"LISTEN {channel}")
        except psycopg.Error as exc:
            log.warning("caches off: cannot listen for changes (%s)", type(exc).__name__)
            return
        self.forget_all()  # what was cached before could have missed changes
        self._conn = conn

    async def reconnect_if_due(self) -> None:
        """Try to listen again when down and the last attempt is old enough."""
        if self._conn is None and monotonic() >= self._next_attempt:
            await self.open()

    async def close(self) -> None:
        conn, self._conn = self._conn, None
        self.forget_all()
        if conn is not None:
            await conn.close()

    def drain(self) -> bool:
        """Apply every notification that has arrived; False when not listening."""
        conn = self._conn
        if conn is None:
            return False
        pgconn = conn.pgconn
        try:
            pgconn.consume_input()  # reads what the socket holds, never waits
        except psycopg.Error:
            log.warning("caches off: the listening connection was lost")
            self._conn = None
            self.forget_all()
            return False
        while (note := pgconn.notifies()) is not None:
            subscriber = self._subscribers.get(note.relname.decode())
            if subscriber is not None:
                subscriber.on_notify(note.extra.decode())
        return True

    def forget_all(self) -> None:
        """Empty every cache (changes may have gone unheard, or this process just wrote)."""
        for subscriber in self._subscribers.values():
            subscriber.on_lost()
