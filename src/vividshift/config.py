"""Settings, read from the environment (prefix VIVIDSHIFT_, plus DATABASE_URL)."""

import ipaddress
import re
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

MIN_SECRET_BYTES = 32
PLACEHOLDER_SECRETS = {"changeme", "change-me", "secret", "your-secret-key"}
MIN_METRICS_TOKEN_CHARS = 16
_TOKEN_CHARS = re.compile(r"[\x21-\x7e]+")  # visible ASCII: sendable as a bearer token


class Settings(BaseSettings):
    """Every setting of the service; the README lists them with their defaults."""

    model_config = SettingsConfigDict(env_prefix="VIVIDSHIFT_", extra="ignore")

    database_url: str | None = Field(
        default=None,
        validation_alias=AliasChoices("DATABASE_URL", "VIVIDSHIFT_DATABASE_URL"),
        description="postgresql:// URL of an existing server; unset = embedded PostgreSQL",
    )
    data_dir: Path = Field(
        default=Path(".vividshift"),
        description="folder for the embedded cluster and generated secrets",
    )
    host: str = "127.0.0.1"
    port: int = Field(default=8080, ge=1, le=65535)
    log_level: Literal["debug", "info", "warning", "error", "critical"] = "info"
    log_format: Literal["auto", "json", "text"] = Field(
        default="auto", description="auto = text on a terminal, JSON lines otherwise"
    )
    jwt_secret: SecretStr | None = Field(
        default=None, description="HS256 key, at least 32 bytes; generated when unset"
    )
    db_pool_min_size: int = Field(default=1, ge=0)
    db_pool_max_size: int = Field(default=10, ge=1)
    db_connect_timeout: float = Field(default=5.0, gt=0)
    db_pool_timeout_seconds: float = Field(
        default=5.0,
        gt=0,
        le=300,
        description="longest wait of a request for a free pooled connection, then 503",
    )
    session_cache_seconds: float = Field(
        default=0.0,
        ge=0,
        le=300,
        description="trust a session found live this long, unless the database notifies "
        "a change to it or its account (0: check the database on every request)",
    )
    read_cache_seconds: float = Field(
        default=0.0,
        ge=0,
        le=300,
        description="keep the bodies of GET /api/me/assignments and GET /api/participants "
        "this long, unless the database notifies a change to what they read (0: off)",
    )
    max_body_bytes: int = Field(default=10 * 1024 * 1024, ge=1024)
    # Slow or oversized requests (vividshift.http.server_protocol, http.body_limit).
    max_header_bytes: int = Field(
        default=64 * 1024,
        ge=4096,
        le=1024 * 1024,
        description="largest request head (request line and header fields) `serve` reads, else 431",
    )
    max_header_field_bytes: int = Field(
        default=16 * 1024,
        ge=1024,
        le=1024 * 1024,
        description="largest request line or single header field `serve` reads, else 431",
    )
    header_timeout_seconds: float = Field(
        default=10.0,
        gt=0,
        le=3600,
        description="time a connection has to send a complete request head, else 408",
    )
    body_timeout_seconds: float = Field(
        default=30.0,
        gt=0,
        le=3600,
        description="longest wait for the next piece of a request body, else 408",
    )
    keep_alive_timeout_seconds: int = Field(
        default=5, ge=1, le=3600, description="an idle kept-alive connection is closed after this"
    )
    metrics_enabled: bool = True
    metrics_token: SecretStr | None = Field(
        default=None,
        description="when set, /metrics needs `Authorization: Bearer <token>` (≥ 16 visible "
        "ASCII characters); unset = public",
    )
    forwarded_allow_ips: str = Field(
        default="",
        description="comma-separated addresses/networks of proxies whose X-Forwarded-For and "
        "X-Forwarded-Proto `serve` trusts; `*` = any peer; empty (default) = none",
    )
    history_retention_days: int = Field(
        default=0, ge=0, description="worker deletes assignment_history older than this; 0 = off"
    )
    notification_retention_days: int = Field(
        default=90,
        ge=0,
        description="worker deletes notification deliveries that ended longer ago than this "
        "(and events no delivery refers to); 0 = off",
    )
    migrate_on_start: bool = Field(default=True, description="apply pending migrations at start")
    # Background generations and schedules (vividshift.assignments.jobs, vividshift.schedules).
    async_generation_threshold: int = Field(
        default=200_000,
        ge=0,
        description="participants × targets above which a generation runs as a job; 0 = never",
    )
    in_process_job_timeout_seconds: int = Field(
        default=900,
        ge=30,
        le=86400,
        description="an in-process job (no worker) still open this long after it started is "
        "abandoned: the API re-runs it once, then fails it",
    )
    worker_stale_seconds: int = Field(
        default=60,
        ge=15,
        le=3600,
        description="a worker silent (no heartbeat) this long is gone: not counted, jobs retried",
    )
    # Reaching people (vividshift.notifications, vividshift.feeds); links use site_url.
    smtp_url: SecretStr | None = Field(
        default=None,
        description="smtp://[user:password@]host[:port] (smtps:// = TLS from the start); "
        "unset = no email",
    )
    smtp_sender: str = Field(
        default="VividShift <vividshift@localhost>", description="From: of every email"
    )
    smtp_starttls: bool = Field(
        default=True, description="upgrade smtp:// connections with STARTTLS (required)"
    )
    smtp_verify_certificates: bool = Field(
        default=True, description="check the SMTP server's TLS certificate"
    )
    allow_private_webhooks: bool = Field(
        default=False,
        description="let webhook and Apprise URLs reach loopback, private, link-local and "
        "metadata addresses (tests, closed networks)",
    )
    notifications_in_process: bool = Field(
        default=True,
        description="the API process sends notifications while no worker is running",
    )
    notification_backoff_seconds: float = Field(
        default=60.0,
        gt=0,
        le=3600,
        description="wait after a failed delivery's first attempt; doubled after each one",
    )
    notification_max_attempts: int = Field(
        default=7, ge=1, le=20, description="attempts of a delivery before it is failed"
    )
    notification_timeout_seconds: float = Field(
        default=10.0, gt=0, le=60, description="time-out of one delivery attempt"
    )
    notification_disable_after_hours: float = Field(
        default=24.0, gt=0, description="a channel failing this long is disabled"
    )
    notification_lease_seconds: float = Field(
        default=60.0,
        ge=1,
        le=3600,
        description="a claimed delivery whose sender vanished is tried again after this",
    )
    # Accounts and security (vividshift.auth; decisions in its module docstrings).
    registration: Literal["open", "invite", "closed"] = Field(
        default="open",
        description="POST /auth/register: open to anyone, only with an invitation token, "
        "or closed (accounts come from the CLI, an admin or invitations)",
    )
    registration_role: Literal["user", "viewer"] = Field(
        default="user",
        description="global role of a self-registered account (admins come from the CLI only)",
    )
    public_url: str | None = Field(
        default=None,
        pattern=r"^https?://[^\s/?#]+(/[^\s?#]*)?$",
        max_length=500,
        description="the address users reach the service at, for invitation, calendar feed "
        "and unsubscribe links; unset = the address of the request, else http://HOST:PORT",
    )
    jwt_issuer: str = Field(default="vividshift", min_length=1)
    jwt_audience: str = Field(default="vividshift-api", min_length=1)
    jwt_leeway_seconds: int = Field(default=5, ge=0, le=300, description="clock skew allowed")
    access_token_ttl_seconds: int = Field(default=15 * 60, ge=30, le=24 * 3600)
    session_idle_timeout_seconds: int = Field(
        default=30 * 60, ge=60, description="a session not refreshed for this long ends"
    )
    session_absolute_lifetime_seconds: int = Field(
        default=12 * 3600, ge=60, description="a session ends this long after login, always"
    )
    refresh_reuse_grace_seconds: int = Field(
        default=10,
        ge=0,
        le=60,
        description="a refresh token replaced this recently gets the winner's pair (racing "
        "tabs); reused later it revokes the session. 0 = strict",
    )
    login_failure_window_seconds: int = Field(default=3600, ge=60)
    registration_max_per_address: int = Field(
        default=20, ge=1, description="self-registrations per client address in the window"
    )
    login_max_failures_per_account: int = Field(default=100, ge=1)
    login_max_failures_per_address: int = Field(default=1000, ge=1)
    login_free_failures: int = Field(
        default=5, ge=0, description="failures per account before delays start"
    )
    login_max_delay_seconds: int = Field(
        default=60, ge=0, description="cap of the growing delay between failures (0 = none)"
    )

    @field_validator("jwt_secret")
    @classmethod
    def refuse_weak_secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None:
            return None
        raw = value.get_secret_value()
        if len(raw.encode()) < MIN_SECRET_BYTES:
            raise ValueError(f"VIVIDSHIFT_JWT_SECRET must be at least {MIN_SECRET_BYTES} bytes")
        if raw.lower() in PLACEHOLDER_SECRETS:
            raise ValueError("VIVIDSHIFT_JWT_SECRET is a placeholder")
        return value

    @field_validator("metrics_token")
    @classmethod
    def refuse_weak_metrics_token(cls, value: SecretStr | None) -> SecretStr | None:
        """Set means required: an empty or short value is refused, not taken as unset."""
        if value is None:
            return None
        raw = value.get_secret_value()
        if len(raw) < MIN_METRICS_TOKEN_CHARS:
            raise ValueError(
                f"VIVIDSHIFT_METRICS_TOKEN must be at least {MIN_METRICS_TOKEN_CHARS} characters"
            )
        if not _TOKEN_CHARS.fullmatch(raw):
            raise ValueError("VIVIDSHIFT_METRICS_TOKEN may hold visible ASCII characters only")
        return value

    @field_validator("forwarded_allow_ips")
    @classmethod
    def check_forwarded_allow_ips(cls, value: str) -> str:
        """Empty (trust no proxy), `*`, or IP addresses and networks (`10.0.0.0/8`),
        comma-separated; normalised. Refused otherwise: uvicorn would take a typo as a
        name that never matches."""
        if not value.strip():
            return ""
        items = [item.strip() for item in value.split(",")]
        if items == ["*"]:
            return "*"
        for item in items:
            try:
                if "/" in item:
                    ipaddress.ip_network(item)  # strict, as uvicorn parses it
                else:
                    ipaddress.ip_address(item)
            except ValueError:
                raise ValueError(
                    f"VIVIDSHIFT_FORWARDED_ALLOW_IPS: {item!r} is not an IP address or network"
                    " (or `*` alone)"
                ) from None
        return ",".join(items)

    @model_validator(mode="after")
    def check_notification_lease(self) -> "Settings":
        """A lease shorter than an attempt would let a second sender start while the
        first is still waiting for its answer."""
        if self.notification_lease_seconds < self.notification_timeout_seconds:
            raise ValueError(
                "VIVIDSHIFT_NOTIFICATION_LEASE_SECONDS may not be less than "
                "VIVIDSHIFT_NOTIFICATION_TIMEOUT_SECONDS"
            )
        return self

    @model_validator(mode="after")
    def check_header_limits(self) -> "Settings":
        if self.max_header_field_bytes > self.max_header_bytes:
            raise ValueError(
                "VIVIDSHIFT_MAX_HEADER_FIELD_BYTES may not exceed VIVIDSHIFT_MAX_HEADER_BYTES"
            )
        return self

    @property
    def site_url(self) -> str:
        """Where links in emails, feeds and the CLI point: `public_url`, else this
        process's own address."""
        return (self.public_url or f"http://{self.host}:{self.port}").rstrip("/")

    @property
    def is_embedded(self) -> bool:
        return not self.database_url

    def resolved_data_dir(self) -> Path:
        """VIVIDSHIFT_DATA_DIR when set; else the nearest `.vividshift` holding a cluster
        in the working folder or one above it (as git finds `.git`), so a command run
        from a subfolder uses the project's database instead of a new empty one; else
        `.vividshift` here."""
        if "data_dir" in self.model_fields_set:
            return self.data_dir.expanduser().resolve()
        found = find_data_dir(Path.cwd(), self.data_dir)
        return found or self.data_dir.expanduser().resolve()


def has_cluster(data_dir: Path) -> bool:
    """Whether `data_dir` holds an initialised embedded cluster."""
    return (data_dir / "pgdata" / "PG_VERSION").is_file()


def find_data_dir(start: Path, name: Path) -> Path | None:
    """The first `start/name`, `start/../name`, … that holds a cluster."""
    if name.is_absolute():
        return name if has_cluster(name) else None
    for folder in (start, *start.parents):
        candidate = (folder / name).resolve()
        if has_cluster(candidate):
            return candidate
    return None
