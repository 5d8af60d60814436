"""The `vividshift` command: every domain's commands, assembled in one place.

Each command lives with what it serves; this module only names and groups them:

    vividshift serve                          cli/serve.py
    vividshift worker                         worker/cli.py
    vividshift export                         ops/cli.py
    vividshift seed-demo                      workgroups/cli.py
    vividshift db upgrade|downgrade|current|history
                                              cli/migrations.py
    vividshift db backup|restore|stats|status|validate|maintenance
                                              ops/cli.py
    vividshift cleanup                        ops/cli.py
    vividshift users …                        users/cli.py
    vividshift sessions …                     auth/cli.py
    vividshift import participants            participants/cli.py
    vividshift import legacy-history          workgroups/cli.py
    vividshift domains create|list            domains/cli.py
    vividshift members add|remove|list        domains/cli.py
    vividshift invite                         invitations/cli.py

Commands read their settings and database through `vividshift.cli_context`.
"""

from typing import Annotated

import typer

from vividshift import cli_context
from vividshift.auth.cli import sessions_app
from vividshift.cli import migrations
from vividshift.cli.serve import serve
from vividshift.domains.cli import domains_app, members_app
from vividshift.invitations.cli import invite
from vividshift.observability.logs import configure_logging
from vividshift.ops import cli as ops_cli
from vividshift.participants import cli as participants_cli
from vividshift.users.cli import users_app
from vividshift.worker.cli import worker
from vividshift.workgroups import cli as workgroups_cli

app = typer.Typer(help="VividShift: fair, valid assignments over PostgreSQL.", no_args_is_help=True)


@app.callback()
def _configure_logging(
    ctx: typer.Context,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="show the database server's steps")
    ] = False,
) -> None:
    configure_logging(cli_context.settings())
    # A service's log says when its database starts; a one-shot command keeps quiet.
    cli_context.quiet_libraries(verbose, service=ctx.invoked_subcommand in ("serve", "worker"))


app.command()(serve)
app.command()(worker)
app.command("export")(ops_cli.export_command)
app.command("seed-demo")(workgroups_cli.seed_demo)
app.command("cleanup")(ops_cli.cleanup)

db_app = typer.Typer(
    help="Migrations, backup/restore and statistics on DATABASE_URL or the embedded server."
)
db_app.command("upgrade")(migrations.upgrade)
db_app.command("downgrade")(migrations.downgrade)
db_app.command("current")(migrations.current)
db_app.command("history")(migrations.history)
db_app.command("backup")(ops_cli.db_backup)
db_app.command("restore")(ops_cli.db_restore)
db_app.command("stats")(ops_cli.db_stats)
db_app.command("status")(ops_cli.db_status)
db_app.command("validate")(ops_cli.db_validate)
db_app.command("maintenance")(ops_cli.db_maintenance)
app.add_typer(db_app, name="db")

app.add_typer(users_app, name="users")
app.add_typer(domains_app, name="domains")
app.add_typer(members_app, name="members")
app.command("invite")(invite)
app.add_typer(sessions_app, name="sessions")

import_app = typer.Typer(help="Bulk imports (all or nothing).", no_args_is_help=True)
import_app.command("participants")(participants_cli.import_participants)
import_app.command("legacy-history")(workgroups_cli.legacy_history_command)
app.add_typer(import_app, name="import")
