"""The README documents every setting and keeps its two commands."""

from tests.conftest import ROOT
from vividshift.config import Settings

README = (ROOT / "README.md").read_text()


def test_every_setting_is_documented() -> None:
    missing = [
        f"VIVIDSHIFT_{name.upper()}"
        for name in Settings.model_fields
        if name != "database_url" and f"`VIVIDSHIFT_{name.upper()}`" not in README
    ]
    assert missing == []
    assert "`DATABASE_URL`" in README


def test_ci_runs_the_readme_test_command() -> None:
    command = ".venv/bin/pip install -q -e '.[dev]' && .venv/bin/python -m pytest"
    assert command in README
    assert command in (ROOT / ".ci" / "run").read_text()
