"""Personal leave (nghỉ phép): days on which an official is away and expects no reminder."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from storage.db import Row, Tx
from storage.timefmt import from_db_date, from_db_time, to_db_date, to_db_time

_COLUMNS = "id, person_id, start_date, end_date, reason, created_at, cancelled_at"


@dataclass(frozen=True)
class Leave:
    """One stretch of leave, both ends included."""

    id: int
    person_id: int
    start: date
    end: date
    reason: str
    created_at: datetime
    cancelled_at: datetime | None

    @property
    def days(self) -> int:
        """Calendar days covered, both ends included."""
        return (self.end - self.start).days + 1


def _leave(row: Row) -> Leave:
    return Leave(
        id=row["id"],
        person_id=row["person_id"],
        start=from_db_date(row["start_date"]),
        end=from_db_date(row["end_date"]),
        reason=row["reason"],
        created_at=from_db_time(row["created_at"]),
        cancelled_at=from_db_time(row["cancelled_at"]) if row["cancelled_at"] else None,
    )


async def add_leave(
    tx: Tx, person_id: int, start: date, end: date, reason: str, now: datetime
) -> int:
    """Record leave from `start` to `end` (inclusive); returns its id."""
    return await tx.execute(
        "INSERT INTO leaves (person_id, start_date, end_date, reason, created_at) "
        "VALUES (?, ?, ?, ?, ?)",
        (person_id, to_db_date(start), to_db_date(end), reason, to_db_time(now)),
    )


async def leave_by_id(tx: Tx, leave_id: int) -> Leave | None:
    """One leave, cancelled or not."""
    row = await tx.one(f"SELECT {_COLUMNS} FROM leaves WHERE id = ?", (leave_id,))
    return None if row is None else _leave(row)


async def leaves_of(tx: Tx, person_id: int, from_date: date) -> list[Leave]:
    """A person's leaves not cancelled that end on or after `from_date`, earliest first."""
    rows = await tx.all(
        f"SELECT {_COLUMNS} FROM leaves WHERE person_id = ? AND end_date >= ? "
        "AND cancelled_at IS NULL ORDER BY start_date, id",
        (person_id, to_db_date(from_date)),
    )
    return [_leave(r) for r in rows]


async def overlapping_leaves(tx: Tx, person_id: int, start: date, end: date) -> list[Leave]:
    """A person's leaves not cancelled that share at least one day with start..end."""
    rows = await tx.all(
        f"SELECT {_COLUMNS} FROM leaves WHERE person_id = ? AND start_date <= ? "
        "AND end_date >= ? AND cancelled_at IS NULL ORDER BY start_date, id",
        (person_id, to_db_date(end), to_db_date(start)),
    )
    return [_leave(r) for r in rows]


async def is_on_leave(tx: Tx, person_id: int, day: date) -> bool:
    """Whether the person has leave (not cancelled) covering this day."""
    return bool(await overlapping_leaves(tx, person_id, day, day))


async def people_on_leave(tx: Tx, day: date) -> set[int]:
    """Ids of everyone with leave (not cancelled) covering this day."""
    rows = await tx.all(
        "SELECT DISTINCT person_id FROM leaves WHERE start_date <= ? AND end_date >= ? "
        "AND cancelled_at IS NULL",
        (to_db_date(day), to_db_date(day)),
    )
    return {int(r["person_id"]) for r in rows}


async def cancel_leave(tx: Tx, leave_id: int, person_id: int, now: datetime) -> bool:
    """Cancel one's own leave (the row stays, marked); False if not theirs or already cancelled."""
    changed = await tx.execute_count(
        "UPDATE leaves SET cancelled_at = ? WHERE id = ? AND person_id = ? "
        "AND cancelled_at IS NULL",
        (to_db_time(now), leave_id, person_id),
    )
    return changed == 1
