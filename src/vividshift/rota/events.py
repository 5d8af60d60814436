"""What the rota tells the people concerned: one call per change, inside its transaction.

Notifications (issue 16) connect here: an outbox row written in the same transaction as
the change, so nothing is sent for a change rolled back. Until then this records nothing
beyond the run's own history.
"""

from __future__ import annotations

from typing import Any, Literal
from uuid import UUID

from vividshift.db import Connection

RotaEvent = Literal["plan_published", "replan_applied", "override", "override_removed"]


async def rota_changed(
    conn: Connection, domain_id: UUID, event: RotaEvent, payload: dict[str, Any]
) -> None:
    """A published change of the rota (`payload`: runs, places, people concerned)."""
    del conn, domain_id, event, payload
