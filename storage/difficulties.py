"""Difficulties and questions for leadership (khó khăn, vướng mắc; xin ý kiến) and their events."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from storage.db import Row, Tx
from storage.timefmt import from_db_time, to_db_time


@dataclass(frozen=True)
class Difficulty:
    """One difficulty or question, as stored."""

    id: int
    reporter_id: int
    reporter_name: str
    commune_code: str
    commune_name: str
    division_code: str | None
    topic: str
    kind: str
    urgency: str
    description: str
    status: str
    assignee_id: int | None
    created_at: datetime
    first_response_due: datetime
    resolution_due: datetime
    first_response_at: datetime | None
    resolved_at: datetime | None
    attachment_count: int

    @property
    def reference(self) -> str:
        """The number people quote: KK-0042."""
        return reference(self.id)

    def overdue(self, now: datetime) -> bool:
        """Past its first-response deadline without a response, or past its resolution deadline."""
        if self.status == "resolved":
            return False
        if self.first_response_at is None and now > self.first_response_due:
            return True
        return now > self.resolution_due


@dataclass(frozen=True)
class DifficultyEvent:
    """One step in a difficulty's history."""

    at: datetime
    actor_id: int
    actor_name: str
    action: str
    from_status: str
    to_status: str
    text: str
    target_id: int | None


def reference(difficulty_id: int) -> str:
    """KK-0042 for id 42."""
    return f"KK-{difficulty_id:04d}"


# A difficulty's row with the names beside it, as `difficulty_from_row` reads it (the digest's
# reads add their own WHERE).
SELECT_DIFFICULTY = (
    "SELECT d.*, p.full_name AS reporter_name, c.name AS commune_name, "
    "(SELECT count(*) FROM attachments a WHERE a.owner_kind = 'difficulty' "
    "AND a.owner_id = d.id) AS attachment_count "
    "FROM difficulties d JOIN people p ON p.id = d.reporter_id "
    "JOIN communes c ON c.code = d.commune_code "
)


def difficulty_from_row(row: Row) -> Difficulty:
    """The difficulty in a row of SELECT_DIFFICULTY."""

    def opt(name: str) -> datetime | None:
        return from_db_time(row[name]) if row[name] else None

    return Difficulty(
        id=row["id"],
        reporter_id=row["reporter_id"],
        reporter_name=row["reporter_name"],
        commune_code=row["commune_code"],
        commune_name=row["commune_name"],
        division_code=row["division_code"],
        topic=row["topic"],
        kind=row["kind"],
        urgency=row["urgency"],
        description=row["description"],
        status=row["status"],
        assignee_id=row["assignee_id"],
        created_at=from_db_time(row["created_at"]),
        first_response_due=from_db_time(row["first_response_due"]),
        resolution_due=from_db_time(row["resolution_due"]),
        first_response_at=opt("first_response_at"),
        resolved_at=opt("resolved_at"),
        attachment_count=row["attachment_count"],
    )


async def add_difficulty(
    tx: Tx,
    *,
    reporter_id: int,
    commune_code: str,
    division_code: str | None,
    topic: str,
    kind: str,
    urgency: str,
    description: str,
    now: datetime,
    first_response_due: datetime,
    resolution_due: datetime,
) -> int:
    """Store a new difficulty (status new) with its first event; returns its id."""
    difficulty_id = await tx.execute(
        "INSERT INTO difficulties (reporter_id, commune_code, division_code, topic, kind, "
        "urgency, description, status, created_at, updated_at, first_response_due, "
        "resolution_due) VALUES (?, ?, ?, ?, ?, ?, ?, 'new', ?, ?, ?, ?)",
        (
            reporter_id,
            commune_code,
            division_code,
            topic,
            kind,
            urgency,
            description,
            to_db_time(now),
            to_db_time(now),
            to_db_time(first_response_due),
            to_db_time(resolution_due),
        ),
    )
    await add_event(
        tx,
        difficulty_id,
        actor_id=reporter_id,
        action="raise",
        from_status="",
        to_status="new",
        text=description,
        now=now,
    )
    return difficulty_id


async def difficulty_by_id(tx: Tx, difficulty_id: int) -> Difficulty | None:
    """One difficulty."""
    row = await tx.one(SELECT_DIFFICULTY + "WHERE d.id = ?", (difficulty_id,))
    return None if row is None else difficulty_from_row(row)


async def change_status(
    tx: Tx,
    difficulty_id: int,
    *,
    expected: str,
    to: str,
    now: datetime,
    first_response: bool,
    assignee_id: int | None = None,
) -> bool:
    """Move from `expected` to `to`; False when someone changed it first (the loser is told)."""
    changed = await tx.execute_count(
        "UPDATE difficulties SET status = ?, updated_at = ?, "
        "first_response_at = CASE WHEN ? AND first_response_at IS NULL THEN ? "
        "ELSE first_response_at END, "
        "resolved_at = CASE WHEN ? = 'resolved' THEN ? ELSE NULL END, "
        "assignee_id = coalesce(?, assignee_id) "
        "WHERE id = ? AND status = ?",
        (
            to,
            to_db_time(now),
            int(first_response),
            to_db_time(now),
            to,
            to_db_time(now),
            assignee_id,
            difficulty_id,
            expected,
        ),
    )
    return changed == 1


async def add_event(
    tx: Tx,
    difficulty_id: int,
    *,
    actor_id: int,
    action: str,
    from_status: str,
    to_status: str,
    text: str,
    now: datetime,
    target_id: int | None = None,
) -> None:
    """Append one step to a difficulty's history."""
    await tx.execute(
        "INSERT INTO difficulty_events (difficulty_id, at, actor_id, action, from_status, "
        "to_status, text, target_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (difficulty_id, to_db_time(now), actor_id, action, from_status, to_status, text, target_id),
    )


async def events_of(tx: Tx, difficulty_id: int) -> list[DifficultyEvent]:
    """The full history of a difficulty, oldest first."""
    rows = await tx.all(
        "SELECT e.*, p.full_name AS actor_name FROM difficulty_events e "
        "JOIN people p ON p.id = e.actor_id WHERE e.difficulty_id = ? ORDER BY e.id",
        (difficulty_id,),
    )
    return [
        DifficultyEvent(
            at=from_db_time(r["at"]),
            actor_id=r["actor_id"],
            actor_name=r["actor_name"],
            action=r["action"],
            from_status=r["from_status"],
            to_status=r["to_status"],
            text=r["text"],
            target_id=r["target_id"],
        )
        for r in rows
    ]


async def open_difficulties_of_reporter(tx: Tx, reporter_id: int) -> list[Difficulty]:
    """The reporter's difficulties that are not resolved, oldest first."""
    rows = await tx.all(
        SELECT_DIFFICULTY + "WHERE d.reporter_id = ? AND d.status != 'resolved' ORDER BY d.id",
        (reporter_id,),
    )
    return [difficulty_from_row(r) for r in rows]


async def open_difficulties(tx: Tx) -> list[Difficulty]:
    """Every difficulty that is not resolved, oldest first (scope is decided by the caller)."""
    rows = await tx.all(
        SELECT_DIFFICULTY + "WHERE d.status != 'resolved' ORDER BY d.created_at, d.id"
    )
    return [difficulty_from_row(r) for r in rows]


async def people_names(tx: Tx, ids: set[int]) -> dict[int, str]:
    """Full names of these people."""
    if not ids:
        return {}
    marks = ",".join("?" for _ in ids)
    rows = await tx.all(f"SELECT id, full_name FROM people WHERE id IN ({marks})", tuple(ids))
    return {r["id"]: r["full_name"] for r in rows}


async def last_event_id(tx: Tx, difficulty_id: int) -> int:
    """The id of the newest event of a difficulty (for outbox keys)."""
    return int(
        await tx.value(
            "SELECT max(id) FROM difficulty_events WHERE difficulty_id = ?", (difficulty_id,)
        )
    )


async def open_difficulties_in_scope(tx: Tx, supervisor_id: int) -> list[Difficulty]:
    """Open difficulties this supervisor oversees, oldest first."""
    rows = await tx.all(
        SELECT_DIFFICULTY + "JOIN people me ON me.id = :me WHERE d.status != 'resolved' AND ("
        "me.supervises_all = 1 OR d.assignee_id = me.id "
        "OR EXISTS (SELECT 1 FROM supervised_divisions s WHERE s.person_id = me.id "
        "AND s.division_code = d.division_code) "
        "OR EXISTS (SELECT 1 FROM working_groups g JOIN working_group_communes gc "
        "ON gc.group_id = g.id WHERE g.leader_id = me.id AND gc.commune_code = d.commune_code)) "
        "ORDER BY d.created_at, d.id",
        {"me": supervisor_id},
    )
    return [difficulty_from_row(r) for r in rows]


async def open_difficulties_awaiting_response(tx: Tx) -> list[Difficulty]:
    """Open difficulties nobody in leadership has responded to yet, oldest deadline first."""
    rows = await tx.all(
        SELECT_DIFFICULTY + "WHERE d.status != 'resolved' AND d.first_response_at IS NULL "
        "ORDER BY d.first_response_due, d.id"
    )
    return [difficulty_from_row(r) for r in rows]
