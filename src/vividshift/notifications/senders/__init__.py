"""The channels a delivery goes out on: webhooks, Apprise, email. Each `send` returns
an `Outcome` and never raises for a failure of the far side."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Outcome:
    """How one attempt went. `permanent`: trying again cannot help (a refused URL)."""

    ok: bool
    response_code: int | None = None
    error: str | None = None
    permanent: bool = False
