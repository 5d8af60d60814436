"""RFC 8725 attack set: every forged, stale or misused token is 401, never 500."""

import base64
import hashlib
import hmac
import json
import time
import uuid
import warnings
from collections.abc import Callable
from dataclasses import dataclass

import httpx
import jwt
import pytest
from jwt.warnings import InsecureKeyLengthWarning

from tests.conftest import TEST_SECRET
from tests.factories import make_user
from tests.secrets_registry import remember
from vividshift.auth.service import ClientInfo, IssuedTokens, open_session
from vividshift.auth.tokens import resolve_signing_key
from vividshift.config import Settings
from vividshift.db import Connection

KEY = TEST_SECRET.encode()


@dataclass
class Ctx:
    settings: Settings
    issued: IssuedTokens
    db: Connection

    @property
    def claims(self) -> dict:
        return jwt.decode(self.issued.access_token, options={"verify_signature": False})


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def compact(header: dict, payload: dict, signature: str = "") -> str:
    return f"{b64(json.dumps(header).encode())}.{b64(json.dumps(payload).encode())}.{signature}"


def signed(claims: dict, key: bytes = KEY, algorithm: str = "HS256", **headers: str) -> str:
    with warnings.catch_warnings():  # the real key is short for HS512: fine for an attack
        warnings.simplefilter("ignore", InsecureKeyLengthWarning)
        return jwt.encode(claims, key, algorithm=algorithm, headers=headers or None)


def with_claims(ctx: Ctx, **changes: object) -> dict:
    claims = ctx.claims | changes
    return {k: v for k, v in claims.items() if v is not None}


def alg_none(name: str) -> Callable[[Ctx], str]:
    return lambda ctx: compact({"alg": name, "typ": "JWT"}, ctx.claims)


def tampered(ctx: Ctx) -> str:
    header, _, signature = ctx.issued.access_token.split(".")
    other = ctx.claims | {"sub": str(uuid.uuid4())}
    return f"{header}.{b64(json.dumps(other).encode())}.{signature}"


def resigned_with_other_header(ctx: Ctx) -> str:
    _, payload, signature = ctx.issued.access_token.split(".")
    return f"{b64(json.dumps({'alg': 'HS512', 'typ': 'JWT'}).encode())}.{payload}.{signature}"


def now() -> int:
    return int(time.time())


async def _deleted(ctx: Ctx) -> None:
    await ctx.db.execute("DELETE FROM users WHERE id = %s", (ctx.claims["sub"],))


async def _deactivated(ctx: Ctx) -> None:
    await ctx.db.execute("UPDATE users SET is_active = false WHERE id = %s", (ctx.claims["sub"],))


async def _revoked(ctx: Ctx) -> None:
    await ctx.db.execute(
        "UPDATE user_sessions SET is_revoked = true WHERE id = %s", (ctx.claims["sid"],)
    )


async def _session_expired(ctx: Ctx) -> None:
    await ctx.db.execute(
        "UPDATE user_sessions SET expires_at = now() - interval '1 second' WHERE id = %s",
        (ctx.claims["sid"],),
    )


async def _session_idle(ctx: Ctx) -> None:
    await ctx.db.execute(
        "UPDATE user_sessions SET idle_expires_at = now() - interval '1 second' WHERE id = %s",
        (ctx.claims["sid"],),
    )


async def _other_users_session(ctx: Ctx) -> str:
    other = await make_user(ctx.db)
    issued = await open_session(ctx.db, ctx.settings, KEY, other, ClientInfo(None, None))
    remember(issued.access_token, issued.refresh_token)
    claims = jwt.decode(issued.access_token, options={"verify_signature": False})
    return signed(ctx.claims | {"sid": claims["sid"]})


def valid(ctx: Ctx) -> str:
    return ctx.issued.access_token


# (id, token builder, optional database change before the request)
CASES: list[tuple[str, Callable[[Ctx], str], object]] = [
    ("alg-none", alg_none("none"), None),
    ("alg-None", alg_none("None"), None),
    ("alg-NONE", alg_none("NONE"), None),
    ("alg-nOnE", alg_none("nOnE"), None),
    ("alg-none-with-signature", lambda c: alg_none("none")(c) + "c2ln", None),
    ("alg-HS512", lambda c: signed(c.claims, algorithm="HS512"), None),
    ("alg-HS384", lambda c: signed(c.claims, algorithm="HS384"), None),
    ("alg-RS256-key-confusion", lambda c: hmac_signed(c.claims, alg="RS256"), None),
    ("alg-HS256-lowercase", lambda c: hmac_signed(c.claims, alg="hs256"), None),
    ("header-alg-swapped", resigned_with_other_header, None),
    ("tampered-payload", tampered, None),
    ("bad-signature", lambda c: signed(c.claims, key=b"k" * 40), None),
    ("empty-signature", lambda c: c.issued.access_token.rsplit(".", 1)[0] + ".", None),
    ("jku-header-other-key", lambda c: signed(c.claims, b"e" * 40, jku="http://x/j"), None),
    ("kid-injection", lambda c: signed(c.claims, b"e" * 40, kid="../../dev/null"), None),
    ("expired", lambda c: signed(with_claims(c, exp=now() - 60, iat=now() - 120)), None),
    ("not-yet-valid", lambda c: signed(with_claims(c, nbf=now() + 3600)), None),
    ("issued-in-future", lambda c: signed(with_claims(c, iat=now() + 3600)), None),
    ("missing-exp", lambda c: signed(with_claims(c, exp=None)), None),
    ("wrong-aud", lambda c: signed(with_claims(c, aud="another-api")), None),
    ("aud-list-with-ours", lambda c: signed(with_claims(c, aud=["vividshift-api", "x"])), None),
    ("missing-aud", lambda c: signed(with_claims(c, aud=None)), None),
    ("wrong-iss", lambda c: signed(with_claims(c, iss="https://evil.example")), None),
    ("missing-iss", lambda c: signed(with_claims(c, iss=None)), None),
    ("missing-typ", lambda c: signed(with_claims(c, typ=None)), None),
    ("unknown-typ", lambda c: signed(with_claims(c, typ="id")), None),
    ("missing-sid", lambda c: signed(with_claims(c, sid=None)), None),
    ("sid-not-uuid", lambda c: signed(with_claims(c, sid="1 OR 1=1")), None),
    ("sub-not-uuid", lambda c: signed(with_claims(c, sub="admin")), None),
    ("sub-other-user", lambda c: signed(with_claims(c, sub=str(uuid.uuid4()))), None),
    ("sid-of-other-user", None, _other_users_session),
    ("refresh-as-access", lambda c: c.issued.refresh_token, None),
    ("user-deleted", valid, _deleted),
    ("user-deactivated", valid, _deactivated),
    ("after-logout", valid, _revoked),
    ("session-expired", valid, _session_expired),
    ("session-idle", valid, _session_idle),
    ("malformed-empty", lambda c: "", None),
    ("malformed-one-part", lambda c: "abc", None),
    ("malformed-two-parts", lambda c: "abc.def", None),
    ("malformed-four-parts", lambda c: c.issued.access_token + ".x", None),
    ("malformed-dots", lambda c: "...", None),
    ("malformed-not-base64", lambda c: "!!!.???.###", None),
    ("malformed-header-not-json", lambda c: f"{b64(b'{nope')}.{b64(b'{}')}.c2ln", None),
    ("malformed-payload-array", lambda c: signed_raw(b"[1,2]"), None),
    ("malformed-payload-string", lambda c: signed_raw(b'"x"'), None),
    ("non-utf8-header", lambda c: f"{b64(bytes([255, 254, 253]))}.{b64(b'{}')}.c2ln", None),
    ("non-utf8-payload", lambda c: signed_raw(bytes([0xC3, 0x28, 0xFF])), None),
    ("oversized", lambda c: signed(with_claims(c, pad="x" * 5000)), None),
]


def hmac_signed(claims: dict, alg: str) -> str:
    """An HMAC-SHA256 signature made with the real key under a header claiming `alg`."""
    return signed_raw(json.dumps(claims).encode(), alg=alg)


def signed_raw(payload: bytes, alg: str = "HS256") -> str:
    """A correct HMAC-SHA256 signature (real key) over an arbitrary payload segment."""
    head = b64(json.dumps({"alg": alg, "typ": "JWT"}).encode())
    body = b64(payload)
    mac = hmac.new(KEY, f"{head}.{body}".encode(), hashlib.sha256).digest()
    return f"{head}.{body}.{b64(mac)}"


@pytest.fixture
async def ctx(settings: Settings, db: Connection) -> Ctx:
    user = await make_user(db)
    issued = await open_session(
        db, settings, resolve_signing_key(settings), user, ClientInfo(None, None)
    )
    remember(issued.access_token, issued.refresh_token)
    return Ctx(settings, issued, db)


def assert_401(response: httpx.Response) -> None:
    assert response.status_code == 401, response.text
    assert response.json()["code"] == "AUTHENTICATION_ERROR"
    assert response.headers["www-authenticate"] == "Bearer"


async def test_the_valid_token_works(client: httpx.AsyncClient, ctx: Ctx) -> None:
    response = await client.get("/api/me", headers={"Authorization": f"Bearer {valid(ctx)}"})
    assert response.status_code == 200


@pytest.mark.parametrize(("build", "prepare"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
async def test_attack_is_401(client: httpx.AsyncClient, ctx: Ctx, build, prepare) -> None:
    if build is None:
        token = await prepare(ctx)
    else:
        token = build(ctx)
        if prepare is not None:
            await prepare(ctx)
    remember(token if len(token) > 20 else None)
    response = await client.get("/api/me", headers={"Authorization": f"Bearer {token}"})
    assert_401(response)


async def test_access_token_is_not_a_refresh_token(client: httpx.AsyncClient, ctx: Ctx) -> None:
    response = await client.post("/auth/refresh", json={"refresh_token": valid(ctx)})
    assert_401(response)
    still = await client.get("/api/me", headers={"Authorization": f"Bearer {valid(ctx)}"})
    assert still.status_code == 200  # a failed attempt does not end the session


async def test_forged_refresh_tokens_are_401(client: httpx.AsyncClient, ctx: Ctx) -> None:
    refresh_claims = jwt.decode(ctx.issued.refresh_token, options={"verify_signature": False})
    for token in (
        compact({"alg": "none"}, refresh_claims),
        signed(refresh_claims, key=b"k" * 40),
        signed(refresh_claims | {"aud": "x"}),
        signed(refresh_claims | {"exp": now() - 10}),
        "not-a-token",
        "\u00e9t\u00e9.x.y",
    ):
        assert_401(await client.post("/auth/refresh", json={"refresh_token": token}))


@pytest.mark.parametrize(
    "raw",
    [
        b"Bearer \xff\xfe\xfd.abc.def",
        b"Bearer " + "\u00e9".encode("latin-1") * 10,
        b"Bearer",
        b"Bearer ",
        b"bearer",
    ],
    ids=["latin1-bytes", "latin1-accents", "scheme-only", "scheme-space", "lowercase-only"],
)
async def test_non_ascii_authorization_header_is_401(client: httpx.AsyncClient, raw: bytes) -> None:
    assert_401(await client.get("/api/me", headers=[(b"Authorization", raw)]))


@pytest.mark.parametrize("scheme", ["Basic", "Token", "JWT", "Bearer:"])
async def test_other_schemes_are_401(client: httpx.AsyncClient, ctx: Ctx, scheme: str) -> None:
    response = await client.get("/api/me", headers={"Authorization": f"{scheme} {valid(ctx)}"})
    assert_401(response)


async def test_scheme_is_case_insensitive(client: httpx.AsyncClient, ctx: Ctx) -> None:
    response = await client.get("/api/me", headers={"Authorization": f"bearer {valid(ctx)}"})
    assert response.status_code == 200


@pytest.mark.parametrize("name", ["access_token", "token", "jwt", "authorization"])
async def test_token_in_query_string_is_ignored(
    client: httpx.AsyncClient, ctx: Ctx, name: str
) -> None:
    assert_401(await client.get("/api/me", params={name: valid(ctx)}))


async def test_token_in_cookie_is_ignored(client: httpx.AsyncClient, ctx: Ctx) -> None:
    client.cookies.set("access_token", valid(ctx))
    try:
        assert_401(await client.get("/api/me"))
    finally:
        client.cookies.clear()


def test_attack_case_count() -> None:
    """The closing note quotes this number; keep it honest."""
    assert len(CASES) == 49
