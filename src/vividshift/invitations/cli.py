"""`vividshift invite DOMAIN EMAIL`: an invitation link for an operator to pass on."""

from typing import Annotated, Any
from uuid import UUID

import typer
from pydantic import ValidationError

from vividshift.cli_context import run_on_database
from vividshift.config import Settings
from vividshift.db import Connection
from vividshift.domains.access import domain_access
from vividshift.invitations import service
from vividshift.invitations.schemas import InvitationCreate


def invite(
    domain: Annotated[str, typer.Argument(help="the domain's name or id")],
    email: Annotated[str, typer.Argument(help="where the link is meant to go")],
    role: Annotated[str, typer.Option(help="manager, member or viewer")] = "member",
    participant: Annotated[
        UUID | None, typer.Option(help="id of a person of the domain to link to the account")
    ] = None,
) -> None:
    """Create an invitation (7 days, single use) and print its link."""
    try:
        body = InvitationCreate(email=email, role=role, participant_id=participant)  # type: ignore[arg-type]
    except ValidationError as exc:
        for error in exc.errors():
            typer.echo(f"error: {'.'.join(map(str, error['loc']))}: {error['msg']}", err=True)
        raise typer.Exit(2) from None

    async def work(db: Connection, settings: Settings) -> Any:
        base = settings.site_url
        target = (await domain_access(db, None, domain)).domain_id
        return await service.create_invitation(db, None, target, body, base_url=base)

    created = run_on_database(work)
    until = f"{created.expires_at:%Y-%m-%d %H:%M} UTC"
    typer.echo(f"invited {created.email} as {created.role} of {domain}, until {until}")
    typer.echo(created.url)
