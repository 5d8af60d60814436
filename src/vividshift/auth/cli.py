"""`vividshift sessions …`: login sessions for operators (accounts: `users/cli.py`)."""

import typer

from vividshift.auth import service
from vividshift.cli_context import run_on_database

sessions_app = typer.Typer(help="Login sessions: purge ended ones.", no_args_is_help=True)


@sessions_app.command("cleanup")
def cleanup() -> None:
    """Delete revoked, expired and idle sessions, and failed logins past the window."""
    sessions, failures = run_on_database(service.cleanup)
    typer.echo(f"deleted {sessions} ended sessions and {failures} old failed logins")
