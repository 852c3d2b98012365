"""The working calendar: Vietnamese public holidays (Tết included), weekends, admin days,
and arithmetic in working time for deadlines."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

import holidays

# Office hours of a People's Committee (giờ hành chính): 07:30–11:30 and 13:30–17:00.
DEFAULT_OFFICE_HOURS: tuple[tuple[time, time], ...] = (
    (time(7, 30), time(11, 30)),
    (time(13, 30), time(17, 0)),
)


@dataclass(frozen=True)
class WorkingCalendar:
    """Which days are working days, and how long a working day is."""

    zone: ZoneInfo
    days_off: frozenset[date] = frozenset()
    extra_workdays: frozenset[date] = frozenset()
    office_hours: tuple[tuple[time, time], ...] = DEFAULT_OFFICE_HOURS

    def _holidays(self, year: int) -> holidays.HolidayBase:
        return public_holidays(year)

    def holiday_name(self, day: date) -> str | None:
        """The name of the public holiday on this day, if any."""
        name = self._holidays(day.year).get(day)
        return str(name) if name else None

    def is_working_day(self, day: date) -> bool:
        """Admin days first, then the public calendar (weekends, holidays, make-up Saturdays)."""
        if day in self.extra_workdays:
            return True
        if day in self.days_off:
            return False
        return bool(self._holidays(day.year).is_working_day(day))

    def working_days(self, start: date, end: date) -> list[date]:
        """Working days from start to end, both included."""
        days = []
        day = start
        while day <= end:
            if self.is_working_day(day):
                days.append(day)
            day += timedelta(days=1)
        return days

    def next_working_day(self, day: date) -> date:
        """The first working day after `day`."""
        day += timedelta(days=1)
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day

    @property
    def minutes_per_day(self) -> int:
        """Working minutes in one working day."""
        return sum(_minutes(start, end) for start, end in self.office_hours)

    def add_working_minutes(self, moment: datetime, minutes: int) -> datetime:
        """The moment `minutes` of office time after `moment`, skipping time off."""
        local = moment.astimezone(self.zone)
        day = local.date()
        clock = local.time()
        remaining = minutes
        while True:
            if self.is_working_day(day):
                for start, end in self.office_hours:
                    begin = max(start, clock)
                    if begin >= end:
                        continue
                    available = _minutes(begin, end)
                    if remaining <= available:
                        at = datetime.combine(day, begin, self.zone) + timedelta(minutes=remaining)
                        return at
                    remaining -= available
            day += timedelta(days=1)
            clock = time(0, 0)

    def add_working_days(self, moment: datetime, days: int) -> datetime:
        """`days` whole working days of office time after `moment`."""
        return self.add_working_minutes(moment, days * self.minutes_per_day)


@cache
def public_holidays(year: int) -> holidays.HolidayBase:
    """Vietnam's public holidays of one year, with Vietnamese names (built once per year)."""
    return holidays.country_holidays("VN", years=year, language="vi")


def _minutes(start: time, end: time) -> int:
    return (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)


def calendar_from(zone: ZoneInfo, declared: Iterable[tuple[date, str]]) -> WorkingCalendar:
    """A calendar with the admin-declared days (kind 'off' or 'workday')."""
    declared = list(declared)
    return WorkingCalendar(
        zone,
        days_off=frozenset(d for d, kind in declared if kind == "off"),
        extra_workdays=frozenset(d for d, kind in declared if kind == "workday"),
    )
