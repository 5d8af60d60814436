"""`vividshift users …`: accounts for operators.

There are no default accounts: the first admin is made with
`vividshift users create --username … --email … --role admin`. The password is read
from a hidden prompt (asked twice) or, when stdin is not a terminal, from its first
line — never from a flag, where it would land in shell history and `ps`.
"""

import getpass
import sys
from typing import Annotated, Any
from uuid import UUID

import typer
from pydantic import TypeAdapter, ValidationError

from vividshift.auth import service as auth_service
from vividshift.auth.schemas import Email, Username
from vividshift.cli_context import run_on_database
from vividshift.config import Settings
from vividshift.db import Connection
from vividshift.errors import NotFound
from vividshift.users import queries, service

users_app = typer.Typer(
    help="User accounts: create, change role, deactivate.", no_args_is_help=True
)

RoleName = Annotated[str, typer.Argument(help="admin, user or viewer")]


def _read_password() -> str:
    if sys.stdin.isatty():
        first = getpass.getpass("Password: ")
        if getpass.getpass("Repeat password: ") != first:
            typer.echo("error: the passwords differ", err=True)
            raise typer.Exit(1)
        return first
    line = sys.stdin.readline()
    return line[:-1] if line.endswith("\n") else line


def _check_role(role: str) -> str:
    if role not in ("admin", "user", "viewer"):
        typer.echo("error: role must be admin, user or viewer", err=True)
        raise typer.Exit(2)
    return role


async def _user_id(db: Connection, username: str) -> UUID:
    user = await queries.get_user_by_username(db, username)
    if user is None:
        raise NotFound(f"no user named {username!r}")
    return user.id


@users_app.command("create")
def create_user(
    username: Annotated[str, typer.Option(help="login name, 3–50 of A-Z a-z 0-9 _ . -")],
    email: Annotated[str, typer.Option(help="email address")],
    role: Annotated[str, typer.Option(help="admin, user or viewer")] = "user",
) -> None:
    """Create a user; the password comes from a prompt or stdin."""
    _check_role(role)
    try:
        TypeAdapter(Username).validate_python(username)
        email = str(TypeAdapter(Email).validate_python(email))
    except ValidationError as exc:
        typer.echo(f"error: {exc.errors()[0]['msg']}", err=True)
        raise typer.Exit(2) from None
    password = _read_password()

    async def work(db: Connection, _: Settings) -> Any:
        return await auth_service.create_user(
            db, username=username, email=email, password=password, role=role
        )

    user = run_on_database(work)
    typer.echo(f"created {user.role} {user.username} ({user.id})")


@users_app.command("set-role")
def set_role(username: str, role: RoleName) -> None:
    """Change a user's role (effective from their next request)."""
    _check_role(role)

    async def work(db: Connection, _: Settings) -> Any:
        return await service.set_role(db, None, await _user_id(db, username), role)

    user = run_on_database(work)
    typer.echo(f"{user.username} is now {user.role}")


@users_app.command("deactivate")
def deactivate(username: str) -> None:
    """Deactivate a user and end all their sessions."""

    async def work(db: Connection, _: Settings) -> Any:
        return await service.deactivate(db, None, await _user_id(db, username))

    user = run_on_database(work)
    typer.echo(f"{user.username} is deactivated")


@users_app.command("reactivate")
def reactivate(username: str) -> None:
    """Let a deactivated user log in again."""

    async def work(db: Connection, _: Settings) -> Any:
        return await service.reactivate(db, None, await _user_id(db, username))

    user = run_on_database(work)
    typer.echo(f"{user.username} is active")
