"""The signing key: at least 32 bytes, or generated once in the data folder (0600)."""

import stat
from pathlib import Path

import pytest
from pydantic import ValidationError

from tests.conftest import make_settings
from vividshift.app import create_app
from vividshift.auth.tokens import WeakSecretError, resolve_signing_key
from vividshift.config import Settings


@pytest.mark.parametrize("secret", ["short", "x" * 31, "é" * 15])
def test_short_secret_refuses_to_start(database_url: str, secret: str) -> None:
    with pytest.raises(ValidationError, match="at least 32 bytes"):
        make_settings(database_url, jwt_secret=secret)


def test_generated_secret_is_kept_in_the_data_folder(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data", jwt_secret=None)
    first = resolve_signing_key(settings)
    path = tmp_path / "data" / "jwt_secret"
    assert len(first) >= 32
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert resolve_signing_key(settings) == first  # reused across restarts
    other = Settings(data_dir=tmp_path / "elsewhere", jwt_secret=None)
    assert resolve_signing_key(other) != first


def test_short_generated_secret_file_refuses_to_start(tmp_path: Path, database_url: str) -> None:
    (tmp_path / "jwt_secret").write_text("too-short")
    (tmp_path / "jwt_secret").chmod(0o600)
    with pytest.raises(WeakSecretError):
        create_app(make_settings(database_url, jwt_secret=None, data_dir=tmp_path))


def test_configured_secret_wins(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, jwt_secret="s" * 40)
    assert resolve_signing_key(settings) == b"s" * 40
    assert not (tmp_path / "jwt_secret").exists()
