"""Invitation tokens: `<invitation id>.<secret>`, the secret 256 random bits.

Only the SHA-256 of the secret is stored (`domain_invitations.token_hash`): a copy of
the database lets no one accept an invitation. The id part finds the row; the secret is
then compared with `hmac.compare_digest`, so the time taken tells nothing about it.
"""

import hashlib
import hmac
import secrets
from uuid import UUID

SECRET_BYTES = 32
MAX_TOKEN_CHARS = 200


def new_token(invitation_id: UUID) -> tuple[str, bytes]:
    """A fresh token for the invitation with this id, and the hash to store."""
    secret = secrets.token_urlsafe(SECRET_BYTES)
    return f"{invitation_id.hex}.{secret}", secret_hash(secret)


def secret_hash(secret: str) -> bytes:
    return hashlib.sha256(secret.encode()).digest()


def parse_token(token: str) -> tuple[UUID, str] | None:
    """(invitation id, secret) of a well-formed token, else None."""
    if len(token) > MAX_TOKEN_CHARS:
        return None
    head, dot, secret = token.partition(".")
    if not dot or not secret:
        return None
    try:
        return UUID(hex=head), secret
    except ValueError:
        return None


def matches(stored_hash: bytes, secret: str) -> bool:
    """Whether `secret` is the one whose hash was stored (constant time)."""
    return hmac.compare_digest(bytes(stored_hash), secret_hash(secret))
