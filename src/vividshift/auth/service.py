"""Accounts and sessions: register, login, refresh, logout, password change, cleanup.

Sessions and refresh tokens (RFC 9700 §4.14): a login opens one `user_sessions` row,
which is one refresh-token family. The row's `token_hash` is the SHA-256 of the one
refresh token that is valid now; `POST /auth/refresh` swaps it atomically (the UPDATE
matches on the old hash, so of concurrent refreshes with one token exactly one wins).
A signed refresh token of the session that is not the current one has been used
before: the whole session is revoked (reason `refresh_reuse`), ending the access
tokens of whoever holds the newer one as well.

Reuse grace: two tabs refreshing with the same token race; the loser would revoke the
winner's session. So the token just replaced, presented again within
VIVIDSHIFT_REFRESH_REUSE_GRACE_SECONDS (10 s) of its rotation, gets the winner's own
refresh token (and a new access token) instead: the rotated token is deterministic — its
`jti` is an HMAC of the replaced token's hash, its `iat` the rotation second — so it is
re-signed, not stored. Only the one token just replaced qualifies; after the grace, or
any older token, reuse revokes the family as before.

Timeouts: `expires_at` is the absolute end (login + 12 h by default); `idle_expires_at`
moves to now + 30 min at each refresh (never past `expires_at`). Access tokens live
15 min, so an active client refreshes well within the idle timeout. Every request
checks both, so either ending is effective at once.
"""

import hashlib
import hmac
import ipaddress
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from vividshift.auth import passwords, queries, throttle
from vividshift.auth.deps import Principal
from vividshift.auth.events import security_event
from vividshift.auth.rows import Account, RaceWinner, TokenUser, UserRow
from vividshift.auth.schemas import SessionRead
from vividshift.auth.tokens import decode_token, encode_token, hash_token
from vividshift.config import Settings
from vividshift.db import Connection, transaction
from vividshift.errors import NotFound, RateLimited, Unauthorized, ValidationFailed

LOGIN_FAILED = "Invalid username or password"
MAX_USER_AGENT = 512


@dataclass(frozen=True)
class ClientInfo:
    ip_address: str | None
    user_agent: str | None

    @classmethod
    def of(cls, host: str | None, user_agent: str | None) -> "ClientInfo":
        try:
            ip = str(ipaddress.ip_address(host)) if host else None
        except ValueError:
            ip = None
        agent = user_agent.replace("\x00", "")[:MAX_USER_AGENT] if user_agent else None
        return cls(ip, agent)


@dataclass(frozen=True)
class IssuedTokens:
    access_token: str
    refresh_token: str
    access_expires_at: datetime
    session_expires_at: datetime
    session_id: UUID
    user: TokenUser


def _password_error(field: str, problem: str) -> ValidationFailed:
    return ValidationFailed(
        "Validation failed",
        details=[{"loc": ["body", field], "msg": f"Password {problem}", "type": "password"}],
    )


def check_new_password(password: str, field: str = "password") -> None:
    problem = passwords.policy_problem(password)
    if problem:
        raise _password_error(field, problem)


async def create_user(
    db: Connection,
    *,
    username: str,
    email: str,
    password: str,
    role: str = "user",
    then: Callable[[Connection, UserRow], Awaitable[Any]] | None = None,
) -> UserRow:
    """A new account (any role: the CLI creates admins; registration never does).
    `then(db, user)` runs in the same transaction: when it raises, no account is made."""
    check_new_password(password)
    password_hash = await passwords.hash_password_async(password)
    async with transaction(db):
        user = await queries.insert_user(
            db, username=username, email=email.lower(), password_hash=password_hash, role=role
        )
        if then is not None:
            await then(db, user)
    security_event("user.created", user_id=user.id, username=username, role=role)
    return user


REGISTRATION_TAKEN = "This username or email is already registered"


async def count_registration(db: Connection, settings: Settings, client: ClientInfo) -> None:
    """Count a self-registration from the client's address: at most
    REGISTRATION_MAX_PER_ADDRESS in the login window, else 429 (a refused attempt counts
    too). Its own transaction, serialised per address so concurrent registrations cannot
    overrun the limit."""
    window = settings.login_failure_window_seconds
    async with transaction(db):
        await queries.lock_registrations(db, client.ip_address)
        seen = await queries.count_registrations(db, client.ip_address, window)
        if seen.n >= settings.registration_max_per_address:
            assert seen.oldest is not None  # there are registrations, so an oldest one
            retry = max(1, int(seen.oldest + window - seen.now) + 1)
            security_event("registration.refused", ip_address=client.ip_address)
            raise RateLimited(
                "Too many registrations from this address; try again later",
                details={"retry_after": retry},
                headers={"Retry-After": str(retry)},
            )
        await queries.insert_registration(db, client.ip_address)


def _now() -> datetime:
    return datetime.now(UTC)


def token_user(account: Account | UserRow) -> TokenUser:
    """The part of an account that tokens are minted for."""
    return TokenUser(id=account.id, username=account.username, role=account.role)


async def _open_session(
    db: Connection, settings: Settings, key: bytes, user: TokenUser, client: ClientInfo
) -> IssuedTokens:
    """Insert a session and mint its tokens (inside the caller's transaction)."""
    now = _now()
    session_id = uuid.uuid4()
    expires = now + timedelta(seconds=settings.session_absolute_lifetime_seconds)
    idle = min(expires, now + timedelta(seconds=settings.session_idle_timeout_seconds))
    refresh = encode_token(
        settings,
        key,
        typ="refresh",
        user_id=user["id"],
        session_id=session_id,
        expires_at=int(expires.timestamp()),
    )
    await queries.insert_session(
        db,
        session_id=session_id,
        user_id=user["id"],
        token_hash=hash_token(refresh),
        expires_at=expires,
        idle_expires_at=idle,
        user_agent=client.user_agent,
        ip_address=client.ip_address,
    )
    return _with_access(settings, key, user, session_id, refresh, expires, now)


def _with_access(
    settings: Settings,
    key: bytes,
    user: TokenUser,
    session_id: UUID,
    refresh: str,
    session_expires: datetime,
    now: datetime,
) -> IssuedTokens:
    access_expires = min(
        session_expires, now + timedelta(seconds=settings.access_token_ttl_seconds)
    )
    access = encode_token(
        settings,
        key,
        typ="access",
        user_id=user["id"],
        session_id=session_id,
        expires_at=int(access_expires.timestamp()),
        now=int(now.timestamp()),
    )
    return IssuedTokens(access, refresh, access_expires, session_expires, session_id, user)


async def open_session(
    db: Connection, settings: Settings, key: bytes, user: TokenUser, client: ClientInfo
) -> IssuedTokens:
    """A new session for `user` without a password check (tests, trusted tooling)."""
    async with transaction(db, acting_user=user["id"]):
        return await _open_session(db, settings, key, user, client)


def _account_key(user: Account | None, login: str) -> str:
    return str(user.id) if user else "name:" + login.lower()[:250]


async def _checked_attempt(
    db: Connection,
    settings: Settings,
    *,
    user: Account | None,
    account_key: str,
    password: str,
    client: ClientInfo,
) -> bool:
    """Throttle, then verify (inside the caller's transaction, under the account lock).
    A failure is recorded; a refusal raises before the password is looked at."""
    await queries.lock_login_account(db, account_key)
    stats = await queries.get_failure_stats(
        db,
        account_key=account_key,
        ip_address=client.ip_address,
        window_seconds=settings.login_failure_window_seconds,
        account_limit=settings.login_max_failures_per_account,
        address_limit=settings.login_max_failures_per_address,
        since=user.last_login_at if user else None,
    )
    refusal = throttle.check(settings, stats)
    if refusal is not None:
        security_event(
            "login.refused",
            user_id=user.id if user else None,
            ip_address=client.ip_address,
            reason=refusal.reason,
            retry_after=refusal.retry_after,
        )
        raise RateLimited(
            "Too many failed attempts; try again later",
            details={"retry_after": refusal.retry_after},
            headers={"Retry-After": str(refusal.retry_after)},
        )
    ok = await passwords.verify_password_async(user.password_hash if user else None, password)
    if not ok or user is None or not user.is_active:
        await queries.insert_login_failure(db, account_key, client.ip_address)
        return False
    return True


async def login(
    db: Connection,
    settings: Settings,
    key: bytes,
    *,
    login: str,
    password: str,
    client: ClientInfo,
) -> IssuedTokens:
    """Check the credentials (username or email) and open a session.
    Unknown user, wrong password and disabled account fail alike (401, same body)."""
    user = await queries.find_user_by_login(db, login)
    account_key = _account_key(user, login)
    async with transaction(db, acting_user=user.id if user else None):
        ok = await _checked_attempt(
            db, settings, user=user, account_key=account_key, password=password, client=client
        )
        if ok:
            assert user is not None
            if passwords.needs_rehash(user.password_hash):
                await queries.update_password_hash(
                    db, user.id, await passwords.hash_password_async(password)
                )
            await queries.update_last_login(db, user.id)
            issued = await _open_session(db, settings, key, token_user(user), client)
    if not ok:
        security_event(
            "login.failed", user_id=user.id if user else None, ip_address=client.ip_address
        )
        raise Unauthorized(LOGIN_FAILED)
    security_event(
        "login.succeeded",
        user_id=issued.user["id"],
        session_id=issued.session_id,
        ip_address=client.ip_address,
    )
    return issued


async def refresh(
    db: Connection, settings: Settings, key: bytes, *, refresh_token: str, client: ClientInfo
) -> IssuedTokens:
    """Rotate the session's refresh token; a used one revokes the session (family)."""
    claims = decode_token(settings, key, refresh_token, "refresh")
    if claims is None:
        raise Unauthorized("Invalid or expired refresh token")
    now = _now().replace(microsecond=0)  # the rotation second is the new token's `iat`
    old_hash = hash_token(refresh_token)
    async with transaction(db, acting_user=claims.user_id):
        new_refresh = _rotated_token(settings, key, claims, old_hash, now)
        row = await queries.rotate_session(
            db,
            session_id=claims.session_id,
            user_id=claims.user_id,
            old_hash=old_hash,
            new_hash=hash_token(new_refresh),
            idle_expires_at=now + timedelta(seconds=settings.session_idle_timeout_seconds),
            rotated_at=now,
        )
        reused = False
        if row is None and settings.refresh_reuse_grace_seconds:
            winner = await _race_winner(db, settings, key, claims, old_hash, now)
            if winner is not None:
                session, token = winner
                user = TokenUser(id=session.user_id, username=session.username, role=session.role)
                issued = _with_access(
                    settings, key, user, session.id, token, session.expires_at, now
                )
                security_event(
                    "session.refresh_race",
                    user_id=claims.user_id,
                    session_id=claims.session_id,
                    ip_address=client.ip_address,
                )
                return issued
        if row is None:
            current = await queries.get_session(db, claims.session_id)
            if current is not None and current.token_hash != hash_token(refresh_token):
                reused = await queries.revoke_session(db, claims.session_id, "refresh_reuse")
    if row is None:
        if reused:
            security_event(
                "session.refresh_reuse",
                user_id=claims.user_id,
                session_id=claims.session_id,
                ip_address=client.ip_address,
            )
        raise Unauthorized("Invalid or expired refresh token")
    user = TokenUser(id=row.user_id, username=row.username, role=row.role)
    security_event(
        "session.refreshed",
        user_id=row.user_id,
        session_id=row.id,
        ip_address=client.ip_address,
    )
    return _with_access(settings, key, user, row.id, new_refresh, row.expires_at, now)


def _rotated_token(
    settings: Settings, key: bytes, claims: Any, old_hash: str, rotated_at: datetime
) -> str:
    """The refresh token that replaces the one hashed `old_hash` at `rotated_at`: the
    same for every caller, so a racing loser can be handed the winner's token."""
    jti = hmac.new(key, f"refresh-rotation:{old_hash}".encode(), hashlib.sha256).hexdigest()
    return encode_token(
        settings,
        key,
        typ="refresh",
        user_id=claims.user_id,
        session_id=claims.session_id,
        expires_at=claims.expires_at,
        now=int(rotated_at.timestamp()),
        jti=jti[:32],
    )


async def _race_winner(
    db: Connection, settings: Settings, key: bytes, claims: Any, old_hash: str, now: datetime
) -> tuple[RaceWinner, str] | None:
    """(session, its current refresh token) when `old_hash` was replaced within the grace
    and the current token is the one that replaced it; else None."""
    since = now - timedelta(seconds=settings.refresh_reuse_grace_seconds)
    row = await queries.get_rotated_session(db, claims.session_id, old_hash, since)
    if row is None:
        return None
    token = _rotated_token(settings, key, claims, old_hash, row.rotated_at)
    return (row, token) if hash_token(token) == row.token_hash else None


async def logout(db: Connection, principal: Principal) -> None:
    """End the caller's current session."""
    async with transaction(db, acting_user=principal.id):
        await queries.revoke_session(db, principal.session_id, "logout")
    security_event("session.logout", user_id=principal.id, session_id=principal.session_id)


async def logout_all(db: Connection, principal: Principal) -> int:
    """End every session of the caller, this one included."""
    async with transaction(db, acting_user=principal.id):
        count = await queries.revoke_user_sessions(db, principal.id, "logout_all")
    security_event("session.logout_all", user_id=principal.id, count=count)
    return count


async def list_sessions(db: Connection, principal: Principal) -> list[SessionRead]:
    """The caller's live sessions, the current one marked."""
    rows = await queries.list_live_sessions(db, principal.id)
    return [
        SessionRead(
            id=row.id,
            created_at=row.created_at,
            last_refreshed_at=row.updated_at,
            expires_at=row.expires_at,
            idle_expires_at=row.idle_expires_at,
            user_agent=row.user_agent,
            ip_address=row.ip_address,
            current=row.id == principal.session_id,
        )
        for row in rows
    ]


async def end_session(db: Connection, principal: Principal, session_id: UUID) -> None:
    """End one of the caller's own live sessions (404 for anyone else's)."""
    async with transaction(db, acting_user=principal.id):
        ended = await queries.revoke_session(db, session_id, "ended", user_id=principal.id)
    if not ended:
        raise NotFound("No such session")
    security_event("session.ended", user_id=principal.id, session_id=session_id)


async def verify_current_password(
    db: Connection, settings: Settings, principal: Principal, password: str, client: ClientInfo
) -> Account | None:
    """The caller's account when `password` is theirs (throttled like a login), else None.
    Runs inside the caller's transaction, which must commit before the caller raises
    `wrong_current_password()`: the failed attempt is recorded and must stay counted."""
    user = await queries.get_user_for_update(db, principal.id)
    if user is None:
        raise Unauthorized("Session ended")
    ok = await _checked_attempt(
        db, settings, user=user, account_key=str(user.id), password=password, client=client
    )
    if not ok:
        security_event("password.check_failed", user_id=principal.id, ip_address=client.ip_address)
    return user if ok else None


def wrong_current_password() -> ValidationFailed:
    return ValidationFailed(
        "Validation failed",
        details=[
            {"loc": ["body", "current_password"], "msg": "Incorrect password", "type": "password"}
        ],
    )


async def change_password(
    db: Connection,
    settings: Settings,
    principal: Principal,
    *,
    current_password: str,
    new_password: str,
    client: ClientInfo,
) -> int:
    """Set a new password (the current one is required) and end the other sessions."""
    check_new_password(new_password, "new_password")
    new_hash = await passwords.hash_password_async(new_password)
    async with transaction(db, acting_user=principal.id):
        user = await verify_current_password(db, settings, principal, current_password, client)
        if user is not None:
            await queries.update_password_hash(db, principal.id, new_hash)
            ended = await queries.revoke_user_sessions(
                db, principal.id, "password_changed", keep=principal.session_id
            )
    if user is None:
        raise wrong_current_password()
    security_event(
        "password.changed", user_id=principal.id, session_id=principal.session_id, count=ended
    )
    return ended


async def cleanup(db: Connection, settings: Settings) -> tuple[int, int]:
    """Purge dead sessions and failed logins older than the window."""
    async with transaction(db):
        sessions = await queries.delete_dead_sessions(db)
        failures = await queries.delete_old_login_failures(
            db, settings.login_failure_window_seconds
        )
        await queries.delete_old_registrations(db, settings.login_failure_window_seconds)
    security_event("session.cleanup", count=sessions)
    return sessions, failures
