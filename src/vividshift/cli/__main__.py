"""`python -m vividshift.cli`: the `vividshift` command."""

from vividshift.cli import app

app(prog_name="vividshift")
