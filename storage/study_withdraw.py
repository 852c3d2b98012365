"""Withdrawing a study request: its parts whose week has not begun become 'cancelled'."""

from __future__ import annotations

from datetime import date, datetime

from storage.db import Tx
from storage.timefmt import from_db_time, to_db_date, to_db_time


async def withdraw(tx: Tx, request_id: int, *, by: int, today: date, now: datetime) -> list[int]:
    """Cancel the live parts whose week starts after today, and their unsent reminders; ids."""
    rows = await tx.all(
        "SELECT id FROM study_parts WHERE request_id = ? AND status IN ('waiting', 'confirmed') "
        "AND week_start > ? ORDER BY id",
        (request_id, to_db_date(today)),
    )
    ids = [int(r["id"]) for r in rows]
    for part_id in ids:
        await tx.execute(
            "UPDATE study_parts SET status = 'cancelled', withdrawn_by = ?, withdrawn_at = ? "
            "WHERE id = ? AND status IN ('waiting', 'confirmed')",
            (by, to_db_time(now), part_id),
        )
        await tx.execute(
            "DELETE FROM outbox WHERE key = ? AND status = 'pending'", (f"ht:{part_id}:remind",)
        )
    return ids


async def withdrawn_by(tx: Tx, part_id: int) -> tuple[str, datetime] | None:
    """Who withdrew this part and when, None when it was not withdrawn."""
    row = await tx.one(
        "SELECT p.full_name, sp.withdrawn_at FROM study_parts sp JOIN people p "
        "ON p.id = sp.withdrawn_by WHERE sp.id = ? AND sp.withdrawn_at IS NOT NULL",
        (part_id,),
    )
    if row is None:
        return None
    return str(row["full_name"]), from_db_time(row["withdrawn_at"])
