"""Rows of reminders as the queries return them."""

from dataclasses import dataclass
from datetime import date, time
from typing import Any
from uuid import UUID

from vividshift.notifications.rows import PlaceSummary


@dataclass(frozen=True)
class UpcomingPlace:
    """A place of an active run held by someone with an account, with what deciding on a
    reminder needs: the run's window, the house's zone and the person's preferences."""

    detail_id: UUID
    position: int
    participant_id: UUID
    target_id: UUID
    participant_name: str
    user_id: UUID
    target_name: str
    target_window: Any  # the task's constraints.time_window, JSON as stored
    assignment_id: UUID
    assignment_date: date
    configuration: dict[str, Any] | None
    domain_timezone: str | None
    domain_reminder_hours: Any  # configuration.reminder_hours, JSON as stored
    reminder_hours: int | None
    quiet_hours_start: time | None
    quiet_hours_end: time | None
    person_timezone: str | None

    def run(self) -> dict[str, Any]:
        """The run's fields that the window of a place is read from, by key."""
        return {"assignment_date": self.assignment_date, "configuration": self.configuration}

    def place(self) -> PlaceSummary:
        """The place as the notification payload names it."""
        return PlaceSummary(
            detail_id=self.detail_id,
            target_id=self.target_id,
            target_name=self.target_name,
            position=self.position,
            participant_id=self.participant_id,
            participant_name=self.participant_name,
        )
