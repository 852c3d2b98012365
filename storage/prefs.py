"""Per-person preferences: a supervisor's notification mode, an official's reminder time."""

from __future__ import annotations

from datetime import date, time
from typing import NamedTuple

from storage.db import Tx
from storage.timefmt import from_db_date, to_db_date


async def notify_mode(tx: Tx, person_id: int) -> str:
    """'instant' (default) or 'digest'."""
    value = await tx.value(
        "SELECT notify_mode FROM supervisor_prefs WHERE person_id = ?", (person_id,)
    )
    return str(value) if value else "instant"


async def set_notify_mode(tx: Tx, person_id: int, mode: str) -> None:
    """Choose how normal difficulties reach this supervisor."""
    await tx.execute(
        "INSERT INTO supervisor_prefs (person_id, notify_mode) VALUES (?, ?) "
        "ON CONFLICT (person_id) DO UPDATE SET notify_mode = excluded.notify_mode",
        (person_id, mode),
    )


class ReminderPrefs(NamedTuple):
    """An official's own reminder time (None: the default) and pause (last paused day)."""

    reminder_time: time | None
    paused_until: date | None


async def reminder_prefs(tx: Tx, person_id: int) -> ReminderPrefs:
    """The person's reminder time and pause; (None, None) when never set."""
    row = await tx.one(
        "SELECT reminder_time, paused_until FROM reminder_prefs WHERE person_id = ?",
        (person_id,),
    )
    if row is None:
        return ReminderPrefs(None, None)
    return ReminderPrefs(
        time.fromisoformat(row["reminder_time"]) if row["reminder_time"] else None,
        from_db_date(row["paused_until"]) if row["paused_until"] else None,
    )


async def set_reminder_time(tx: Tx, person_id: int, value: time | None) -> None:
    """Remind this official at `value` (local HH:MM); None goes back to the default."""
    text = value.strftime("%H:%M") if value is not None else None
    await tx.execute(
        "INSERT INTO reminder_prefs (person_id, reminder_time) VALUES (?, ?) "
        "ON CONFLICT (person_id) DO UPDATE SET reminder_time = excluded.reminder_time",
        (person_id, text),
    )


async def set_paused_until(tx: Tx, person_id: int, until: date | None) -> None:
    """No reminders up to and including `until`; None resumes them."""
    text = to_db_date(until) if until is not None else None
    await tx.execute(
        "INSERT INTO reminder_prefs (person_id, paused_until) VALUES (?, ?) "
        "ON CONFLICT (person_id) DO UPDATE SET paused_until = excluded.paused_until",
        (person_id, text),
    )
