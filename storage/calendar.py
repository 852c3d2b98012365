"""Admin-declared days off and make-up working days."""

from __future__ import annotations

from datetime import date

from storage.db import Tx


async def declared_days(tx: Tx) -> list[tuple[date, str]]:
    """(day, 'off' | 'workday') for every declared day."""
    rows = await tx.all("SELECT day, kind FROM calendar_days ORDER BY day")
    return [(date.fromisoformat(r["day"]), r["kind"]) for r in rows]
