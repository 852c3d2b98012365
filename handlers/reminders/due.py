"""Which reminder is due for an official at a moment, and what it says."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from handlers.core.dates import format_day
from handlers.core.messages import Choice, Reply
from handlers.core.notify import standing
from handlers.core.texts import t
from handlers.core.workcal import WorkingCalendar
from storage.reminders import ReminderFacts

FIRST = "first"
FOLLOW_UP = "followup"


@dataclass(frozen=True)
class ReminderSchedule:
    """When reminders go out (local time); an official may move the first one (/nhacnho)."""

    first: time = time(16, 30)
    follow_up: time = time(20, 0)


def slot_due(
    now_local: datetime, facts: ReminderFacts, calendar: WorkingCalendar, schedule: ReminderSchedule
) -> str | None:
    """The reminder slot to send now, or None.

    The facts already exclude people on leave, outside their assignment, and people who
    logged. What is left: only working days, not while paused, the first reminder from its
    time until the follow-up time, the follow-up from its time until midnight. A first
    reminder missed during downtime is not sent once the follow-up time has come (stale),
    and yesterday's are never sent.
    """
    day = now_local.date()
    if not calendar.is_working_day(day):
        return None
    if facts.paused_until is not None and day <= facts.paused_until:
        return None
    clock = now_local.timetz().replace(tzinfo=None)
    if clock >= schedule.follow_up:
        return None if FOLLOW_UP in facts.sent_slots else FOLLOW_UP
    first = facts.reminder_time or schedule.first
    if clock >= first and FIRST not in facts.sent_slots:
        return FIRST
    return None


def reminder_key(person_id: int, day: date, slot: str) -> str:
    """The outbox key that makes a reminder unique: reminder:<person>:<date>:<slot>."""
    return f"reminder:{person_id}:{day.isoformat()}:{slot}"


def reminder_message(facts: ReminderFacts, day: date, slot: str, lang: str) -> Reply:
    """The reminder with one-tap 'log now' and 'on leave today'."""
    given = facts.full_name.split()[-1] if facts.full_name.split() else facts.full_name
    if lang != "en":
        given = f"{facts.address_form or 'anh/chị'} {given}"
    key = "reminder.first" if slot == FIRST else "reminder.follow_up"
    text = t(lang, key, name=given, day=format_day(day, lang, weekday=True))
    return standing(
        text,
        Choice(t(lang, "reminder.log_now"), f"r:log:{day.isoformat()}"),
        Choice(t(lang, "reminder.on_leave"), f"r:leave:{day.isoformat()}"),
    )
