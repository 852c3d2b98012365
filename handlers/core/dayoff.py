"""Why a day is not a working day, said the way a person would: the holiday's name, the
admin's reason for a declared day off, or "cuối tuần" (weekend)."""

from __future__ import annotations

from datetime import date

from handlers.core.turn import Turn
from handlers.core.workcal import WorkingCalendar, calendar_from
from storage import calendar


async def working_calendar(turn: Turn) -> WorkingCalendar:
    """The working calendar with the days the admin declared."""
    return calendar_from(turn.config.zone, await calendar.declared_days(turn.tx))


async def why_off(turn: Turn, cal: WorkingCalendar, day: date) -> str | None:
    """None on a working day; else why the day is off, for "là ngày nghỉ ({why})"."""
    if cal.is_working_day(day):
        return None
    holiday = cal.holiday_name(day)
    if holiday:
        return holiday
    if day in cal.days_off:
        declared = await calendar.declared_days_in(turn.tx, day, day)
        reason = declared[0].reason.strip() if declared and declared[0].reason else ""
        return reason or turn.t("wg.day_off_admin")
    if day.weekday() >= 5:
        return turn.t("wg.weekend")
    return turn.t("wg.day_off")
