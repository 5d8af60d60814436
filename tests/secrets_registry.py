"""Every password and token the tests use, so the log check can look for them."""

SECRETS: set[str] = set()


def remember(*values: str | None) -> None:
    for value in values:
        if value:
            SECRETS.add(value)
