"""Admin-declared days off and make-up working days."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from storage.db import Tx
from storage.timefmt import from_db_date, to_db_date

KINDS = ("off", "workday")


@dataclass(frozen=True)
class DeclaredDay:
    """A day the admin made a day off or a working day, and why."""

    day: date
    kind: str
    reason: str


async def declared_days(tx: Tx) -> list[tuple[date, str]]:
    """(day, 'off' | 'workday') for every declared day."""
    rows = await tx.all("SELECT day, kind FROM calendar_days ORDER BY day")
    return [(date.fromisoformat(r["day"]), r["kind"]) for r in rows]


async def declared_days_in(tx: Tx, start: date, end: date) -> list[DeclaredDay]:
    """The declared days from start to end (inclusive), with their reasons, in date order."""
    rows = await tx.all(
        "SELECT day, kind, reason FROM calendar_days WHERE day BETWEEN ? AND ? ORDER BY day",
        (to_db_date(start), to_db_date(end)),
    )
    return [DeclaredDay(from_db_date(r["day"]), r["kind"], r["reason"]) for r in rows]


async def add_declared_day(tx: Tx, day: date, kind: str, reason: str) -> DeclaredDay | None:
    """Declare a day 'off' or 'workday' (replacing what it was); returns the previous one."""
    if kind not in KINDS:
        raise ValueError(f"calendar day kind must be one of {KINDS}, not {kind!r}")
    found = await declared_days_in(tx, day, day)
    previous = found[0] if found else None
    await tx.execute(
        "INSERT INTO calendar_days (day, kind, reason) VALUES (?, ?, ?) "
        "ON CONFLICT (day) DO UPDATE SET kind = excluded.kind, reason = excluded.reason",
        (to_db_date(day), kind, reason),
    )
    return previous


async def remove_declared_day(tx: Tx, day: date) -> DeclaredDay | None:
    """Undeclare a day (it follows the public calendar again); returns what was removed."""
    found = await declared_days_in(tx, day, day)
    previous = found[0] if found else None
    await tx.execute("DELETE FROM calendar_days WHERE day = ?", (to_db_date(day),))
    return previous
