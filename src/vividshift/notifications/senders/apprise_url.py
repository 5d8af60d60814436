"""Chat and push services through Apprise (Discord, Slack, Microsoft Teams, Telegram,
ntfy, Matrix, … and `json://`/`form://` to any HTTP endpoint).

Apprise is synchronous (requests), so a send runs in a worker thread. Redirects are not
followed (Apprise would not re-check them) and each URL gets `VIVIDSHIFT_NOTIFICATION_
TIMEOUT_SECONDS` as its connect and read time-outs. The host a URL reaches is checked
like a webhook's (`safety`), except for services whose address Apprise fixes itself
(discord:// goes to discord.com whatever the URL says).
"""

from __future__ import annotations

import threading
import warnings
from typing import Any

import anyio
import apprise

from vividshift.notifications.safety import UnsafeTarget, check_host
from vividshift.notifications.senders import Outcome

# Schemes whose plug-in talks to the service's own public host, never to the URL's.
FIXED_HOST_SCHEMES = frozenset(
    {
        "discord",
        "slack",
        "msteams",
        "tgram",
        "pover",
        "pbul",
        "join",
        "line",
        "twitter",
        "reddit",
        "pushme",
        "spush",
        "wxteams",
        "zulip",
        "gchat",
        "guilded",
        "revolt",
    }
)


_plugins_loaded = threading.Lock()
_loaded = False


def _load_plugins() -> None:
    """Apprise loads its plug-ins on first use; one of them imports the deprecated
    `imghdr` (Python 3.11–3.12), whose warning is Apprise's business, not ours."""
    global _loaded
    with _plugins_loaded:
        if _loaded:
            return
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            apprise.Apprise.instantiate("json://localhost", suppress_exceptions=True)
        _loaded = True


def parse(url: str) -> Any:
    """The Apprise plug-in of `url`; ValueError when Apprise cannot read it."""
    _load_plugins()
    plugin = apprise.Apprise.instantiate(url, suppress_exceptions=True)
    if not plugin:
        raise ValueError("Apprise does not recognise this URL")
    return plugin


def scheme(url: str) -> str:
    return url.split("://", 1)[0].lower()


async def check(url: str, *, allow_private: bool) -> Any:
    """The plug-in, when the URL reaches a public host (or a fixed service)."""
    try:
        plugin = parse(url)
    except ValueError as exc:
        raise UnsafeTarget(str(exc)) from None
    if scheme(url) in FIXED_HOST_SCHEMES or getattr(plugin, "mode", None) == "cloud":
        return plugin
    await check_host(
        getattr(plugin, "host", None), getattr(plugin, "port", None), allow_private=allow_private
    )
    return plugin


async def send(
    url: str, title: str, body: str, *, time_limit: float, allow_private: bool
) -> Outcome:
    """Notify through Apprise; Apprise reports success or not, no status code."""
    try:
        plugin = await check(url, allow_private=allow_private)
    except UnsafeTarget as exc:
        return Outcome(False, error=f"refused: {exc}", permanent=True)
    plugin.redirects = False
    plugin.socket_connect_timeout = time_limit
    plugin.socket_read_timeout = time_limit

    def notify() -> bool:
        return bool(plugin.notify(body=body or title, title=title))

    try:
        ok = await anyio.to_thread.run_sync(notify)
    except Exception as exc:  # noqa: BLE001 - a plug-in's own failure is the far side's
        return Outcome(False, error=f"{type(exc).__name__}: {exc}"[:500])
    return Outcome(ok, None, None if ok else "the service did not accept the notification")
