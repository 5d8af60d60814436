"""Schema migrations: Alembic revisions, each running a plain-SQL file and its
`.down.sql` rollback (see migrations/versions/)."""

import sys
from pathlib import Path
from typing import TextIO

import psycopg
from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory

from vividshift.db import to_sqlalchemy_url

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def alembic_config(database_url: str) -> Config:
    config = Config(stdout=sys.stdout)  # the stream of now, not of import time
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    # Passed as an attribute, not an ini option: a URL may hold '%' characters.
    config.attributes["sqlalchemy_url"] = to_sqlalchemy_url(database_url)
    return config


def head_revision() -> str | None:
    """The revision `upgrade head` leads to."""
    return ScriptDirectory(str(MIGRATIONS_DIR)).get_current_head()


def upgrade(database_url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(database_url), revision)


def downgrade(database_url: str, revision: str) -> None:
    command.downgrade(alembic_config(database_url), revision)


def current(database_url: str) -> None:
    command.current(alembic_config(database_url), verbose=True)


def history(database_url: str) -> None:
    command.history(alembic_config(database_url), verbose=True)


def current_revision(database_url: str) -> str | None:
    """The revision the database is at; None for an empty (never migrated) one."""
    with psycopg.connect(database_url) as conn:
        row = conn.execute("SELECT to_regclass('alembic_version') IS NOT NULL").fetchone()
        if not row or not row[0]:
            return None
        version = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    return version[0] if version else None


def script(database_url: str, target: str, *, down: bool, out: TextIO) -> None:
    """The SQL that upgrading (or downgrading) from the current revision to `target`
    would run, written to `out`; nothing is run."""
    config = alembic_config(database_url)
    config.attributes["output_buffer"] = out
    start = current_revision(database_url) or "base"
    if down:
        command.downgrade(config, f"{start}:{target}", sql=True)
    else:
        command.upgrade(config, f"{start}:{target}", sql=True)
