"""The digest section of open follow-up items of working-group visits (TCT-0001)."""

from __future__ import annotations

from datetime import datetime

from handlers.core.workcal import WorkingCalendar
from handlers.digest.text import DIFFICULTIES_SHOWN, say
from handlers.visits.followups import item_line, overdue
from storage import followups
from storage.db import Tx


async def followup_section(
    tx: Tx, supervisor_id: int, now: datetime, calendar: WorkingCalendar, lang: str
) -> list[str]:
    """The titled list of open follow-ups in this supervisor's digest (empty when none)."""
    items = await followups.open_followups_for_supervisor(tx, supervisor_id)
    if not items:
        return []
    today = now.astimezone(calendar.zone).date()
    late = [i for i in items if overdue(i, today, calendar)]
    # Overdue first, then the rest by due date: what needs chasing is at the top.
    ordered = late + [i for i in items if i not in late]
    lines = [say(lang, "digest.tct_title", count=len(items), overdue=len(late))]
    lines += [item_line(lang, i, today, calendar) for i in ordered[:DIFFICULTIES_SHOWN]]
    if len(items) > DIFFICULTIES_SHOWN:
        lines.append(say(lang, "digest.tct_more", count=len(items) - DIFFICULTIES_SHOWN))
    return lines
