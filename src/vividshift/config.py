"""Settings, read from the environment (prefix VIVIDSHIFT_, plus DATABASE_URL)."""

from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

MIN_SECRET_BYTES = 32
PLACEHOLDER_SECRETS = {"changeme", "change-me", "secret", "your-secret-key"}


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
    jwt_secret: SecretStr | None = Field(
        default=None, description="HS256 key, at least 32 bytes; generated when unset"
    )
    db_pool_min_size: int = Field(default=1, ge=0)
    db_pool_max_size: int = Field(default=10, ge=1)
    db_connect_timeout: float = Field(default=5.0, gt=0)
    max_body_bytes: int = Field(default=10 * 1024 * 1024, ge=1024)
    metrics_enabled: bool = True
    migrate_on_start: bool = Field(default=True, description="apply pending migrations at start")

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

    @property
    def is_embedded(self) -> bool:
        return not self.database_url

    def resolved_data_dir(self) -> Path:
        return self.data_dir.expanduser().resolve()
