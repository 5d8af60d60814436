"""`vividshift domains …` and `vividshift members …`: houses and teams for operators.

A domain is named by its name or id. The CLI acts as the system (no user): it may
manage every domain. A domain made here has no manager until one is named
(`--manager USER`, or `members add … --role manager`): the first house of a fresh
install is made this way, or by a signed-in user on the web page.
"""

from typing import Annotated, Any
from uuid import UUID

import typer
from pydantic import ValidationError

from vividshift.cli_context import run_on_database
from vividshift.config import Settings
from vividshift.db import Connection
from vividshift.domains import queries, service
from vividshift.domains.access import domain_access
from vividshift.domains.schemas import SORT_KEYS, DomainCreate, MemberCreate
from vividshift.errors import NotFound
from vividshift.http.paging import PageParams, parse_sort

domains_app = typer.Typer(help="Houses, clubs and teams: create, list.", no_args_is_help=True)
members_app = typer.Typer(
    help="Who belongs to a domain, with which role: add, remove, list.", no_args_is_help=True
)

DomainRef = Annotated[str, typer.Argument(help="the domain's name or id")]
Role = Annotated[str, typer.Option(help="manager, member or viewer")]


def _invalid(exc: ValidationError) -> typer.Exit:
    for error in exc.errors():
        where = ".".join(str(part) for part in error["loc"])
        typer.echo(f"error: {where}: {error['msg']}", err=True)
    return typer.Exit(2)


async def domain_id(db: Connection, ref: str) -> UUID:
    """The id of the domain named `ref` (name or id); NotFound otherwise."""
    return (await domain_access(db, None, ref)).domain_id


async def _user_id(db: Connection, username: str) -> UUID:
    user = await queries.find_active_user(db, username=username)
    if user is None:
        raise NotFound(f"no active user named {username!r}")
    return user.id


@domains_app.command("create")
def create(
    name: Annotated[str, typer.Argument(help="short name: letters, digits, - and _")],
    display_name: Annotated[str | None, typer.Option(help="shown on the page")] = None,
    description: Annotated[str | None, typer.Option()] = None,
    manager: Annotated[str | None, typer.Option(help="username of its first manager")] = None,
) -> None:
    """Create a domain (a house, a club, a team), optionally with its first manager."""
    try:
        body = DomainCreate(name=name, display_name=display_name or name, description=description)
    except ValidationError as exc:
        raise _invalid(exc) from None

    async def work(db: Connection, _: Settings) -> Any:
        manager_id = await _user_id(db, manager) if manager else None
        created, _replayed = await service.create_domain(db, None, body)
        if manager_id is not None:
            await service.add_member(
                db, None, created.id, MemberCreate(user_id=manager_id, role="manager")
            )
        return created

    domain = run_on_database(work)
    suffix = f", managed by {manager}" if manager else ""
    typer.echo(f"created domain {domain.name} ({domain.id}){suffix}")


@domains_app.command("list")
def list_domains() -> None:
    """Every domain: name, id, active or not, display name."""

    async def work(db: Connection, _: Settings) -> Any:
        found, page = [], PageParams(limit=500, offset=0)
        while True:
            chunk = await service.list_domains(
                db, None, active_only=False, sort=parse_sort("name", SORT_KEYS), page=page
            )
            found.extend(chunk.items)
            if len(found) >= chunk.total or not chunk.items:
                return found
            page = PageParams(limit=500, offset=len(found))

    for domain in run_on_database(work):
        state = "active" if domain.is_active else "inactive"
        typer.echo(f"{domain.name}\t{domain.id}\t{state}\t{domain.display_name}")


@members_app.command("add")
def add(domain: DomainRef, username: str, role: Role = "member") -> None:
    """Make an existing account a member of DOMAIN with ROLE (or change its role)."""
    try:
        body = MemberCreate(username=username, role=role)  # type: ignore[arg-type]
    except ValidationError as exc:
        raise _invalid(exc) from None

    async def work(db: Connection, _: Settings) -> Any:
        return await service.add_member(db, None, await domain_id(db, domain), body)

    member, created = run_on_database(work)
    verb = "added" if created else "changed"
    typer.echo(f"{verb}: {member.username} is {member.role} of {domain}")


@members_app.command("remove")
def remove(domain: DomainRef, username: str) -> None:
    """End USERNAME's membership of DOMAIN (the last manager stays)."""

    async def work(db: Connection, _: Settings) -> Any:
        target = await domain_id(db, domain)
        await service.remove_member(db, None, target, await _user_id(db, username))

    run_on_database(work)
    typer.echo(f"removed: {username} is no longer a member of {domain}")


@members_app.command("list")
def list_members(domain: DomainRef) -> None:
    """The members of DOMAIN: username, role, and the linked person's id if any."""

    async def work(db: Connection, _: Settings) -> Any:
        return await service.list_members(db, None, await domain_id(db, domain))

    for member in run_on_database(work):
        person = str(member.participant_id) if member.participant_id else "-"
        typer.echo(f"{member.username}\t{member.role}\t{person}")
