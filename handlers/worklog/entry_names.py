"""How a person's own work log entries are named to them: by day and time, never by row id."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from handlers.core.texts import t


def entry_stamp(lang: str, work_date: date, sent_at: datetime, zone: ZoneInfo) -> str:
    """'28/11/2026 09:15', or '27/11/2026, ghi bù 28/11 09:15' for a late entry."""
    sent = sent_at.astimezone(zone)
    if sent.date() == work_date:
        return f"{work_date:%d/%m/%Y} {sent:%H:%M}"
    return t(lang, "entry.late", day=f"{work_date:%d/%m/%Y}", when=f"{sent:%d/%m %H:%M}")


def entry_short(work_date: date, sent_at: datetime, zone: ZoneInfo) -> str:
    """'28/11 09:15': a button label (the day the entry is for, the time it was sent)."""
    return f"{work_date:%d/%m} {sent_at.astimezone(zone):%H:%M}"
