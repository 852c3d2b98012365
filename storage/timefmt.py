"""How times and dates are written in the database: UTC ISO-8601 and ISO dates."""

from __future__ import annotations

from datetime import UTC, date, datetime


def to_db_time(moment: datetime) -> str:
    """A timezone-aware moment as a UTC ISO string (sortable)."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime: store only timezone-aware moments")
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def from_db_time(text: str) -> datetime:
    """A stored UTC ISO string as an aware datetime."""
    return datetime.fromisoformat(text).astimezone(UTC)


def to_db_date(day: date) -> str:
    """A local date as YYYY-MM-DD."""
    return day.isoformat()


def from_db_date(text: str) -> date:
    """A stored YYYY-MM-DD as a date."""
    return date.fromisoformat(text)
