"""Weeks of study visits: Monday–Friday weeks, holiday weeks, room per division, the nearest
week with room, splitting a group over weeks, and the reminder day. Pure functions."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from handlers.core.workcal import WorkingCalendar

# How far ahead the nearest week with room is looked for (two years of weeks).
SEARCH_WEEKS = 104

Booked = Callable[[date], int]


def week_of(day: date) -> date:
    """The Monday of the week this day is in."""
    return day - timedelta(days=day.weekday())


def week_days(monday: date) -> list[date]:
    """Monday to Friday of a week."""
    return [monday + timedelta(days=n) for n in range(5)]


def format_week(monday: date, lang: str = "vi") -> str:
    """'tuần 12/01–16/01/2027' ('week 12/01–16/01/2027' in English)."""
    friday = monday + timedelta(days=4)
    word = "week" if lang == "en" else "tuần"
    return f"{word} {monday:%d/%m}–{friday:%d/%m/%Y}"


def is_holiday_week(monday: date, cal: WorkingCalendar) -> bool:
    """Whether any weekday of this week is a day off (public holiday, Tết, admin day off)."""
    return any(not cal.is_working_day(day) for day in week_days(monday))


def day_off_in_week(monday: date, cal: WorkingCalendar) -> str | None:
    """Why a holiday week hosts nobody: the first holiday's name, '' for an unnamed day off."""
    off = [day for day in week_days(monday) if not cal.is_working_day(day)]
    if not off:
        return None
    return next((name for day in off if (name := cal.holiday_name(day))), "")


def room_left(monday: date, booked: Booked, capacity: int, cal: WorkingCalendar) -> int:
    """People the division can still host that week (none in a holiday week)."""
    if is_holiday_week(monday, cal):
        return 0
    return max(capacity - booked(monday), 0)


def fits(room: int, people: int, capacity: int) -> bool:
    """Whether a group of this size may be placed in a week with this much room."""
    return room >= people or (people > capacity and room >= capacity)


def nearest_week_with_room(
    start: date, people: int, booked: Booked, capacity: int, cal: WorkingCalendar
) -> date:
    """The first week from `start` on where the whole group fits (never a holiday week)."""
    monday = week_of(start)
    for _ in range(SEARCH_WEEKS):
        if fits(room_left(monday, booked, capacity, cal), people, capacity):
            return monday
        monday += timedelta(days=7)
    # Two years fully booked cannot happen with a positive capacity; keep the asked week.
    return week_of(start)


def split_plan(
    start: date, people: int, booked: Booked, capacity: int, cal: WorkingCalendar
) -> list[tuple[date, int]]:
    """(week, how many) filling the room of each week from `start` on until all are placed."""
    plan: list[tuple[date, int]] = []
    monday, remaining = week_of(start), people
    for _ in range(SEARCH_WEEKS):
        if remaining <= 0:
            break
        room = room_left(monday, booked, capacity, cal)
        if room > 0:
            take = min(room, remaining)
            plan.append((monday, take))
            remaining -= take
        monday += timedelta(days=7)
    return plan


def first_week_with_some_room(
    start: date, booked: Booked, capacity: int, cal: WorkingCalendar
) -> date | None:
    """The first week from `start` on with any room at all."""
    monday = week_of(start)
    for _ in range(SEARCH_WEEKS):
        if room_left(monday, booked, capacity, cal) > 0:
            return monday
        monday += timedelta(days=7)
    return None


def reminder_day(monday: date, cal: WorkingCalendar) -> date:
    """The second working day before the week starts (Thursday before, in a plain week)."""
    day, counted = monday, 0
    while counted < 2:
        day -= timedelta(days=1)
        if cal.is_working_day(day):
            counted += 1
    return day
