"""User-supplied delivery URLs may only reach the public internet (no SSRF).

A webhook or Apprise URL is refused when its host is, or resolves to, an address that
is not globally routable: loopback, private (RFC 1918, unique-local), link-local (where
cloud metadata services live, 169.254.169.254), carrier-grade NAT (100.64/10, Alibaba's
metadata), unspecified, multicast or reserved; IPv4-mapped IPv6 is read as its IPv4.
The check runs when a channel is saved and again before every attempt, on the
addresses the name resolves to then (a name may be re-pointed later), and on every
redirect a webhook answers with. `VIVIDSHIFT_ALLOW_PRIVATE_WEBHOOKS=true` lifts it
(tests, closed networks) — except for the cloud metadata services, refused always.
A webhook then connects to an address the check vetted (`pinned_request`), not to
whatever the name resolves to a moment later, so a resolver that answers differently
between the check and the connection (DNS rebinding) cannot steer it inside. Apprise
URLs are sent by Apprise's own HTTP stack, which resolves the name again: for them the
check narrows the window but does not close it.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import SplitResult, urlsplit, urlunsplit

# Names that are never public, whatever a resolver says.
METADATA_HOSTS = frozenset({"metadata.google.internal", "metadata", "instance-data"})
# Cloud metadata services (AWS/GCP/Azure/OpenStack, AWS over IPv6, Alibaba): refused even
# when private targets are allowed, since they hand out the machine's credentials.
METADATA_ADDRESSES = frozenset(
    ipaddress.ip_address(a) for a in ("169.254.169.254", "fd00:ec2::254", "100.100.100.200")
)


class UnsafeTarget(Exception):
    """The URL may not be used: it reaches a non-public address, or cannot be read."""


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
    address = ipaddress.ip_address(text.split("%", 1)[0])
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def is_public_address(text: str) -> bool:
    address = _address(text)
    return address.is_global and not address.is_multicast


def is_metadata_address(text: str) -> bool:
    return _address(text) in METADATA_ADDRESSES


async def resolve(host: str, port: int) -> list[str]:
    """The addresses `host` resolves to (an IP literal: itself)."""
    try:
        ipaddress.ip_address(host)
        return [host]
    except ValueError:
        pass
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise UnsafeTarget(f"the host {host!r} does not resolve") from exc
    return sorted({str(info[4][0]) for info in infos})


async def check_host(host: str | None, port: int | None, *, allow_private: bool) -> list[str]:
    """Refuse a host that is (or resolves to) a non-public address; the addresses it
    resolves to, all vetted."""
    if not host:
        raise UnsafeTarget("the URL names no host")
    host = host.strip("[]").lower().rstrip(".")
    if host in METADATA_HOSTS:
        raise UnsafeTarget(f"the host {host!r} is a cloud metadata service")
    if not allow_private and (host == "localhost" or host.endswith(".localhost")):
        raise UnsafeTarget(f"the host {host!r} is not a public address")
    addresses = await resolve(host, port or 443)
    for address in addresses:
        if is_metadata_address(address):
            raise UnsafeTarget(f"the host {host!r} is a cloud metadata service")
        if not allow_private and not is_public_address(address):
            raise UnsafeTarget(f"the host {host!r} resolves to a non-public address")
    return addresses


@dataclass(frozen=True)
class PinnedRequest:
    """Where to connect (`url`: the vetted address in place of the name) and what to
    tell the server: `host` for the Host header, `sni` for TLS, whose certificate is
    then checked against the name, not the address."""

    url: str
    host: str
    sni: str | None


def _split(url: str) -> SplitResult:
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 -- raises ValueError for a port that is not a number
    except ValueError as exc:
        raise UnsafeTarget("the URL cannot be read") from exc
    if parts.scheme not in ("http", "https"):
        raise UnsafeTarget("only http:// and https:// URLs are allowed")
    return parts


async def check_http_url(url: str, *, allow_private: bool) -> list[str]:
    """An http(s) URL whose host is public (see the module docstring); its vetted
    addresses."""
    parts = _split(url)
    return await check_host(parts.hostname, parts.port, allow_private=allow_private)


async def pinned_request(url: str, *, allow_private: bool) -> PinnedRequest:
    """Check `url` and name the vetted address to connect to (see the module docstring)."""
    parts = _split(url)
    address = (await check_host(parts.hostname, parts.port, allow_private=allow_private))[0]
    name = (parts.hostname or "").strip("[]")
    netloc = f"[{address}]" if ":" in address else address
    if parts.port is not None:
        netloc = f"{netloc}:{parts.port}"
    pinned = urlunsplit((parts.scheme, netloc, parts.path, parts.query, ""))
    host = parts.netloc.rsplit("@", 1)[-1]  # no user info in the Host header
    return PinnedRequest(pinned, host, name if parts.scheme == "https" else None)
