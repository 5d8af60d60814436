"""`vividshift seed-demo`: the lodge's chore rotation as a demo, in one command.

It creates the `work-groups` domain with the lodge rules (the work-groups layer's
own defaults: balanced rotation without repeating one of the last two chores, Toilet
B only the latest; group A never does Toilet B, group B never Toilet A), 18 invented
residents in groups A and B, the lodge's 7 chores with their counts (18 places), one
generated rotation for today, and a weekly schedule (Mondays 07:00 UTC) so
`GET /api/domains/{id}/schedule` shows its next runs. Everything goes through the
services the API uses, in one transaction; attributed to no user (the system).

Refused (exit 1, nothing written) when the `work-groups` domain already has runs.
"""

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from vividshift.db import Connection, transaction
from vividshift.domains import service as domains
from vividshift.domains.schemas import DomainConfiguration, DomainUpdate
from vividshift.stored_json import stored_object
from vividshift.workgroups import queries as wg_queries
from vividshift.workgroups import service as workgroups
from vividshift.workgroups.schemas import WorkGroupsRequest

GROUP_A = ["Amara", "Bastien", "Chidi", "Dario", "Elif", "Femi", "Gustav", "Hana", "Ines"]
GROUP_B = ["Jonas", "Kofi", "Lucia", "Mateo", "Nadia", "Oskar", "Priya", "Quentin", "Rosa"]
CHORES = {
    "Parlor": 5,
    "Frontyard": 3,
    "Backyard": 1,
    "Tank": 2,
    "Toilet B": 4,
    "Toilet A": 2,
    "Bin": 1,
}
SCHEDULE = {
    "cron": "0 7 * * 1",
    "timezone": "UTC",
    "participants": {"metadata": {"domain": workgroups.DOMAIN}},
    "targets": {"metadata": {"domain": workgroups.DOMAIN}},
}


class AlreadySeeded(Exception):
    """The demo domain already holds runs."""


@dataclass(frozen=True)
class DemoSummary:
    domain_id: UUID
    people: int
    chores: int
    assignment_id: UUID
    placements: int
    rotation: dict[str, list[str]]

    def line(self) -> str:
        return (
            f"seed-demo: domain {workgroups.DOMAIN} ({self.domain_id}), {self.people} people, "
            f"{self.chores} chores, rotation {self.assignment_id} with {self.placements} "
            "placements, weekly schedule Mondays 07:00 UTC"
        )


async def _has_runs(conn: Connection) -> bool:
    return bool(await wg_queries.latest_runs_per_day(conn, workgroups.DOMAIN, 1))


async def seed(conn: Connection, progress: Any = None) -> DemoSummary:
    """Create the demo (see the module docstring); `progress(step_name)` per step."""

    def step(name: str) -> None:
        if progress is not None:
            progress(name)

    async with transaction(conn):
        if await _has_runs(conn):
            raise AlreadySeeded(f"the {workgroups.DOMAIN} domain already has runs")
        step("domain and residents")
        result = await workgroups.generate(
            conn,
            None,  # the system: no acting user
            WorkGroupsRequest(names_a=GROUP_A, names_b=GROUP_B, custom_assignments=CHORES),
        )
        step("rotation")
        domain = await workgroups.ensure_domain(conn)
        configuration = dict(stored_object(domain.configuration)) | {"schedule": SCHEDULE}
        await domains.update_domain(
            conn,
            None,  # the system
            domain.id,
            DomainUpdate(configuration=DomainConfiguration.model_validate(configuration)),
        )
        step("schedule")
    return DemoSummary(
        domain_id=domain.id,
        people=len(GROUP_A) + len(GROUP_B),
        chores=len(CHORES),
        assignment_id=UUID(result.assignment_id),
        placements=result.generation_info.total_assignments,
        rotation=result.assignments,
    )
