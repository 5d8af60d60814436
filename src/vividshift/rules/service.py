"""What the engine can do, for the pages: its strategies by name (the API's
`/api/rules` lists them with their parameter schemas)."""

from vividshift.engine import describe_strategies


def strategy_names() -> list[str]:
    """The strategies a run may use, by name, in alphabetical order."""
    return sorted(s["name"] for s in describe_strategies())
