"""SQL of reminders: the upcoming places of people with accounts."""

from __future__ import annotations

from datetime import date

from vividshift.db import Connection, fetch_all
from vividshift.reminders.rows import UpcomingPlace


async def upcoming_places(conn: Connection, first: date, last: date) -> list[UpcomingPlace]:
    """Places of active runs dated `first`..`last` held by participants linked to an
    active account, with what deciding on a reminder needs."""
    return await fetch_all(
        conn,
        UpcomingPlace,
        """
        SELECT d.id AS detail_id, d.position, d.participant_id, d.target_id,
               p.name AS participant_name, p.user_id, t.name AS target_name,
               t.constraints->'time_window' AS target_window,
               a.id AS assignment_id, a.assignment_date, a.configuration,
               dm.configuration->>'timezone' AS domain_timezone,
               dm.configuration->'reminder_hours' AS domain_reminder_hours,
               np.reminder_hours, np.quiet_hours_start, np.quiet_hours_end,
               coalesce(np.timezone, up.timezone) AS person_timezone
          FROM assignments AS a
          JOIN domains AS dm ON dm.id = a.domain_id
          JOIN assignment_details AS d ON d.assignment_id = a.id
          JOIN participants AS p ON p.id = d.participant_id
          JOIN users AS u ON u.id = p.user_id AND u.is_active
          JOIN assignment_targets AS t ON t.id = d.target_id
          LEFT JOIN notification_preferences AS np ON np.user_id = u.id
          LEFT JOIN user_profiles AS up ON up.user_id = u.id
         WHERE a.status = 'active' AND a.assignment_date BETWEEN %s AND %s
         ORDER BY a.assignment_date, d.id
        """,
        (first, last),
    )
