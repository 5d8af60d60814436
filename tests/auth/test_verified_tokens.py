"""A token once verified is remembered: never past its expiry, never for another key,
issuer, audience or type, and a token differing by one character is verified anew."""

import time
import uuid

import jwt

from tests.conftest import make_settings
from vividshift.auth import tokens
from vividshift.auth.tokens import decode_token, encode_token

KEY_A = b"a" * 40
KEY_B = b"b" * 40


def _token(settings, key: bytes, expires_in: int = 600) -> str:  # type: ignore[no-untyped-def]
    return encode_token(
        settings,
        key,
        typ="access",
        user_id=uuid.uuid4(),
        session_id=uuid.uuid4(),
        expires_at=int(time.time()) + expires_in,
    )


def test_a_verified_token_is_remembered_for_its_key_and_type_only() -> None:
    settings = make_settings("postgresql://localhost/unused")
    token = _token(settings, KEY_A)
    first = decode_token(settings, KEY_A, token, "access")
    assert first is not None
    assert decode_token(settings, KEY_A, token, "access") == first
    assert any(k[0] == token for k in tokens._verified)
    assert decode_token(settings, KEY_B, token, "access") is None
    assert decode_token(settings, KEY_A, token, "refresh") is None
    other_audience = make_settings("postgresql://localhost/unused", jwt_audience="elsewhere")
    assert decode_token(other_audience, KEY_A, token, "access") is None


def test_a_changed_signature_is_refused_after_the_token_was_verified() -> None:
    settings = make_settings("postgresql://localhost/unused")
    token = _token(settings, KEY_A)
    assert decode_token(settings, KEY_A, token, "access") is not None
    head, payload, signature = token.split(".")
    flipped = signature[:-2] + ("AA" if signature[-2:] != "AA" else "BB")
    assert decode_token(settings, KEY_A, f"{head}.{payload}.{flipped}", "access") is None


def test_a_remembered_token_expires_with_its_exp() -> None:
    settings = make_settings("postgresql://localhost/unused", jwt_leeway_seconds=0)
    token = _token(settings, KEY_A, expires_in=2)
    assert decode_token(settings, KEY_A, token, "access") is not None
    expires_at = jwt.decode(token, options={"verify_signature": False})["exp"]
    time.sleep(max(0.0, expires_at - time.time()) + 0.05)
    assert decode_token(settings, KEY_A, token, "access") is None


def test_the_memory_is_bounded(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(tokens, "_verified", {k: v for k, v in tokens._verified.items()})
    monkeypatch.setattr(tokens, "VERIFIED_CACHE_SIZE", 3)
    settings = make_settings("postgresql://localhost/unused")
    for _ in range(5):
        assert decode_token(settings, KEY_A, _token(settings, KEY_A), "access") is not None
    assert len(tokens._verified) <= 3


async def test_a_remembered_token_of_a_revoked_session_is_refused_on_the_next_request(
    client, db, auth_headers
) -> None:  # type: ignore[no-untyped-def]
    """The token's signature is remembered, its session is not: it is checked each time."""
    headers = await auth_headers("user")
    for _ in range(3):
        assert (await client.get("/api/me", headers=headers)).status_code == 200
    token = headers["Authorization"].split()[1]
    assert any(k[0] == token for k in tokens._verified)
    sid = jwt.decode(token, options={"verify_signature": False})["sid"]
    await db.execute("UPDATE user_sessions SET is_revoked = true WHERE id = %s", (sid,))
    refused = await client.get("/api/me", headers=headers)
    assert refused.status_code == 401
    assert refused.json()["code"] == "AUTHENTICATION_ERROR"
