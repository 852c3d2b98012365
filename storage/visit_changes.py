"""Cancelling and moving planned working-group visits; who and when are kept on the visit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from storage.db import Tx
from storage.timefmt import from_db_time, to_db_date, to_db_time


@dataclass(frozen=True)
class Change:
    """What was changed on a visit: how often it was moved, who cancelled it and when."""

    moves: int
    cancelled_by_name: str
    cancelled_at: datetime | None


async def change_of(tx: Tx, visit_id: int) -> Change | None:
    """The moves and cancellation of a visit, None when there is no such visit."""
    row = await tx.one(
        "SELECT v.moves, coalesce(p.full_name, '') AS name, v.cancelled_at FROM wg_visits v "
        "LEFT JOIN people p ON p.id = v.cancelled_by WHERE v.id = ?",
        (visit_id,),
    )
    if row is None:
        return None
    at = from_db_time(row["cancelled_at"]) if row["cancelled_at"] else None
    return Change(int(row["moves"]), row["name"], at)


async def cancel_visit(tx: Tx, visit_id: int, *, by: int, now: datetime) -> bool:
    """Cancel a planned visit and drop its unsent reminders; False when no longer planned."""
    changed = await tx.execute_count(
        "UPDATE wg_visits SET status = 'cancelled', cancelled_by = ?, cancelled_at = ? "
        "WHERE id = ? AND status = 'planned'",
        (by, to_db_time(now), visit_id),
    )
    if changed == 1:
        await _drop_unsent_reminders(tx, visit_id)
    return changed == 1


async def move_visit(tx: Tx, visit_id: int, *, day: date, now: datetime) -> int | None:
    """Move a planned visit (unsent reminders dropped); the move's number, None if not planned."""
    changed = await tx.execute_count(
        "UPDATE wg_visits SET visit_date = ?, moves = moves + 1, moved_at = ? "
        "WHERE id = ? AND status = 'planned' AND visit_date != ?",
        (to_db_date(day), to_db_time(now), visit_id, to_db_date(day)),
    )
    if changed != 1:
        return None
    await _drop_unsent_reminders(tx, visit_id)
    return int(await tx.value("SELECT moves FROM wg_visits WHERE id = ?", (visit_id,)))


async def last_planned_at(tx: Tx, visit_id: int) -> tuple[datetime, int]:
    """When the visit's day was last set (planned or moved) and how often it was moved."""
    row = await tx.one(
        "SELECT coalesce(moved_at, created_at) AS at, moves FROM wg_visits WHERE id = ?",
        (visit_id,),
    )
    assert row is not None
    return from_db_time(row["at"]), int(row["moves"])


async def _drop_unsent_reminders(tx: Tx, visit_id: int) -> None:
    """Drop the visit's reminders not sent yet (say, retried after a 429): their day is gone."""
    await tx.execute(
        "DELETE FROM outbox WHERE status = 'pending' AND key LIKE ?",
        (f"wgrem:{visit_id}:%",),
    )
