"""What the rota tells the people concerned: one call per change, inside its transaction.

Each change writes its notification events (`vividshift.notifications.events`) on the
caller's connection, so a change rolled back tells nobody and a committed one is never
lost:
- `plan_published`: each run of the plan is published (its roster to the domain's
  channels, each person their own places);
- `replan_applied`: the places that changed hands, per run (`moves`: run id → [(detail,
  before, after)]); only the people on either side hear;
- `override` / `override_removed`: nothing more here — the override is a reassign, whose
  edit already tells the two people involved.
"""

from __future__ import annotations

from typing import Any, Literal
from uuid import UUID

from vividshift.db import Connection
from vividshift.notifications import events

RotaEvent = Literal["plan_published", "replan_applied", "override", "override_removed"]


async def rota_changed(
    conn: Connection, domain_id: UUID, event: RotaEvent, payload: dict[str, Any]
) -> None:
    """A published change of the rota (`payload`: runs, places, people concerned)."""
    del domain_id
    if event == "plan_published":
        for run_id in payload["runs"]:
            await events.run_published(conn, UUID(run_id))
    elif event == "replan_applied":
        for run_id, moved in payload["moves"].items():
            await events.place_changed(conn, UUID(run_id), moved, reason="replan")
