"""Access and refresh tokens (PyJWT, HS256) and the signing key.

Both tokens are JWTs signed with the one service key, told apart by `typ`
("access" / "refresh"); each carries `iss`, `aud`, `sub` (user id), `sid` (session id),
`iat`, `nbf`, `exp` and a random `jti`. Only HS256 is accepted on decode (no `alg`
from the token is trusted), every registered claim is required, and anything that
is not a well-formed token of the expected type is `None` to the caller, never an
exception.

Verifying an HS256 signature and the claims costs about a tenth of an authenticated
request that does little else, so a token once verified is remembered (per process,
bounded, keyed by the token and everything it was checked against) until its own
expiry: a token is only ever as good as its signature and `exp`; whether its session
is still live is checked separately, on every request (`deps`).

The refresh token is the session's credential: `user_sessions.token_hash` holds its
SHA-256 (hex), never the token. The key is `VIVIDSHIFT_JWT_SECRET` (at least 32 bytes,
checked by Settings) or, when unset, a random key generated once in the data folder
(`<data_dir>/jwt_secret`, mode 0600) and reused across restarts.
"""

import hashlib
import logging
import os
import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Literal
from uuid import UUID

import jwt

from vividshift.config import MIN_SECRET_BYTES, Settings

log = logging.getLogger("vividshift.auth")

ALGORITHM = "HS256"
MAX_TOKEN_CHARS = 4096
TokenType = Literal["access", "refresh"]
_REQUIRED = ["exp", "iat", "nbf", "iss", "aud", "sub", "sid", "typ", "jti"]


class WeakSecretError(RuntimeError):
    """The signing key is missing or shorter than 32 bytes: the service must not start."""


def resolve_signing_key(settings: Settings) -> bytes:
    """The HS256 key: the configured secret, else the generated one in the data folder."""
    if settings.jwt_secret is not None:
        key = settings.jwt_secret.get_secret_value().encode()
    else:
        key = _load_or_create_key_file(settings.resolved_data_dir() / "jwt_secret")
    if len(key) < MIN_SECRET_BYTES:
        raise WeakSecretError(f"the JWT secret must be at least {MIN_SECRET_BYTES} bytes")
    return key


def _load_or_create_key_file(path: Path) -> bytes:
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        if path.stat().st_mode & 0o077:
            log.warning("%s is readable by other users; chmod 600 it", path)
        return path.read_bytes().strip()
    with os.fdopen(fd, "wb") as out:
        out.write(secrets.token_urlsafe(48).encode())
    log.info("generated a new JWT signing key in %s", path)
    return path.read_bytes().strip()


def hash_token(token: str) -> str:
    """What `user_sessions.token_hash` stores: SHA-256 hex of a high-entropy token."""
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class TokenClaims:
    user_id: UUID
    session_id: UUID
    typ: TokenType
    expires_at: int


def encode_token(
    settings: Settings,
    key: bytes,
    *,
    typ: TokenType,
    user_id: UUID,
    session_id: UUID,
    expires_at: int,
    now: int | None = None,
    jti: str | None = None,
) -> str:
    issued = int(time.time()) if now is None else now
    payload = {
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
        "sub": str(user_id),
        "sid": str(session_id),
        "typ": typ,
        "iat": issued,
        "nbf": issued,
        "exp": expires_at,
        "jti": jti or secrets.token_urlsafe(16),
    }
    return jwt.encode(payload, key, algorithm=ALGORITHM, headers={"typ": "JWT"})


VERIFIED_CACHE_SIZE = 4096  # tokens; the oldest is dropped past this
_verified: dict[tuple[str, bytes, str, str, str], TokenClaims] = {}


def decode_token(settings: Settings, key: bytes, token: str, typ: TokenType) -> TokenClaims | None:
    """The claims of a valid token of type `typ`, or None for anything else."""
    if not token or len(token) > MAX_TOKEN_CHARS or not token.isascii():
        return None
    cache_key = (token, key, settings.jwt_issuer, settings.jwt_audience, typ)
    known = _verified.get(cache_key)
    if known is not None:
        # As PyJWT decides: valid while now < exp + leeway.
        if time.time() < known.expires_at + settings.jwt_leeway_seconds:
            return known
        del _verified[cache_key]
        return None
    claims = _verify(settings, key, token, typ)
    if claims is not None:
        while len(_verified) >= VERIFIED_CACHE_SIZE:  # the oldest first
            del _verified[next(iter(_verified))]
        _verified[cache_key] = claims
    return claims


def _verify(settings: Settings, key: bytes, token: str, typ: TokenType) -> TokenClaims | None:
    """Signature and every claim checked by PyJWT: the claims, or None."""
    try:
        claims = jwt.decode(
            token,
            key,
            algorithms=[ALGORITHM],
            audience=settings.jwt_audience,
            issuer=settings.jwt_issuer,
            options={"require": _REQUIRED, "strict_aud": True},
            leeway=settings.jwt_leeway_seconds,
        )
    except (jwt.InvalidTokenError, ValueError, TypeError, KeyError):
        return None
    if claims.get("typ") != typ:
        return None
    try:
        return TokenClaims(
            user_id=UUID(str(claims["sub"])),
            session_id=UUID(str(claims["sid"])),
            typ=typ,
            expires_at=int(claims["exp"]),
        )
    except (ValueError, TypeError):
        return None
