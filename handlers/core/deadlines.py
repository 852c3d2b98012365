"""Response and resolution deadlines of difficulties, in working time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from handlers.core.workcal import WorkingCalendar


@dataclass(frozen=True)
class DeadlinePolicy:
    """How long leadership has to respond and to resolve, by urgency (settings)."""

    urgent_first_response_hours: float = 4
    normal_first_response_days: int = 2
    urgent_resolution_days: int = 2
    normal_resolution_days: int = 10

    def due(
        self, calendar: WorkingCalendar, raised_at: datetime, urgency: str
    ) -> tuple[datetime, datetime]:
        """(first response due, resolution due) for a difficulty raised at this moment."""
        if urgency == "urgent":
            first = calendar.add_working_minutes(
                raised_at, round(self.urgent_first_response_hours * 60)
            )
            return first, calendar.add_working_days(raised_at, self.urgent_resolution_days)
        first = calendar.add_working_days(raised_at, self.normal_first_response_days)
        return first, calendar.add_working_days(raised_at, self.normal_resolution_days)
