"""Bulk writes for benchmarks: whole tables of synthetic rows in large `executemany` batches."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from storage.db import Tx
from storage.timefmt import to_db_date, to_db_time


@dataclass(frozen=True)
class BulkPerson:
    """A synthetic person with a chosen id."""

    id: int
    full_name: str
    role: str
    division_code: str | None
    phone: str


@dataclass(frozen=True)
class BulkEntry:
    """A synthetic work log entry."""

    person_id: int
    commune_code: str
    work_date: date
    topic: str
    text: str
    sent_at: datetime


@dataclass(frozen=True)
class BulkDifficulty:
    """A synthetic difficulty in its final state (no event history beyond what is given)."""

    id: int
    reporter_id: int
    commune_code: str
    division_code: str
    topic: str
    urgency: str
    description: str
    status: str
    created_at: datetime
    first_response_due: datetime
    resolution_due: datetime
    first_response_at: datetime | None
    resolved_at: datetime | None


async def add_divisions(tx: Tx, rows: Iterable[tuple[str, str]]) -> None:
    """(code, name) rows."""
    await tx.executemany("INSERT INTO divisions (code, name) VALUES (?, ?)", rows)


async def add_communes(tx: Tx, rows: Iterable[tuple[str, str]]) -> None:
    """(code, name) rows."""
    await tx.executemany("INSERT INTO communes (code, name) VALUES (?, ?)", rows)


async def add_wave(tx: Tx, name: str, start: date, end: date) -> int:
    """A wave; returns its id."""
    return await tx.execute(
        "INSERT INTO waves (name, start_date, end_date) VALUES (?, ?, ?)",
        (name, to_db_date(start), to_db_date(end)),
    )


async def add_people(tx: Tx, rows: Iterable[BulkPerson], now: datetime) -> None:
    """People with chosen ids."""
    created = to_db_time(now)
    await tx.executemany(
        "INSERT INTO people (id, full_name, role, division_code, phone, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        ((p.id, p.full_name, p.role, p.division_code, p.phone, created) for p in rows),
    )


async def add_supervised_divisions(tx: Tx, rows: Iterable[tuple[int, str]]) -> None:
    """(person id, division code) rows: division heads."""
    await tx.executemany(
        "INSERT INTO supervised_divisions (person_id, division_code) VALUES (?, ?)", rows
    )


async def add_assignments(
    tx: Tx, wave_id: int, rows: Iterable[tuple[int, str]], start: date, end: date
) -> None:
    """(person id, commune code) rows, all in one wave from start to end."""
    first, last = to_db_date(start), to_db_date(end)
    await tx.executemany(
        "INSERT INTO assignments (person_id, commune_code, wave_id, start_date, end_date) "
        "VALUES (?, ?, ?, ?, ?)",
        ((person_id, commune, wave_id, first, last) for person_id, commune in rows),
    )


async def add_working_groups(tx: Tx, rows: Iterable[tuple[int, str, int, tuple[str, ...]]]) -> None:
    """(group id, name, leader id, commune codes) rows."""
    groups = list(rows)
    await tx.executemany(
        "INSERT INTO working_groups (id, name, leader_id) VALUES (?, ?, ?)",
        ((gid, name, leader) for gid, name, leader, _ in groups),
    )
    await tx.executemany(
        "INSERT INTO working_group_communes (group_id, commune_code) VALUES (?, ?)",
        ((gid, code) for gid, _, _, codes in groups for code in codes),
    )


async def add_identities(
    tx: Tx, rows: Iterable[tuple[int, bool]], channel: str, now: datetime
) -> None:
    """(person id, unreachable) rows: one chat per person, user and chat id from the person id."""
    at = to_db_time(now)
    await tx.executemany(
        "INSERT INTO channel_identities (channel, user_id, person_id, chat_id, linked_at, "
        "last_seen_at, unreachable_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            (channel, str(pid), pid, str(pid), at, at, at if unreachable else None)
            for pid, unreachable in rows
        ),
    )


async def add_leaves(tx: Tx, rows: Iterable[tuple[int, date, date]], now: datetime) -> None:
    """(person id, first day, last day) rows."""
    at = to_db_time(now)
    await tx.executemany(
        "INSERT INTO leaves (person_id, start_date, end_date, created_at) VALUES (?, ?, ?, ?)",
        ((pid, to_db_date(first), to_db_date(last), at) for pid, first, last in rows),
    )


async def add_work_logs(tx: Tx, rows: Iterable[BulkEntry], channel: str) -> None:
    """Work log entries, created when sent."""

    def values(e: BulkEntry) -> tuple[object, ...]:
        sent = to_db_time(e.sent_at)
        day = to_db_date(e.work_date)
        return (e.person_id, e.commune_code, day, e.topic, e.text, channel, sent, sent)

    await tx.executemany(
        "INSERT INTO work_logs (person_id, commune_code, work_date, topic, text, channel, "
        "sent_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (values(e) for e in rows),
    )


async def add_difficulties(tx: Tx, rows: Iterable[BulkDifficulty]) -> None:
    """Difficulties in their final state, each with its 'raise' event."""
    items = list(rows)

    def opt(moment: datetime | None) -> str | None:
        return to_db_time(moment) if moment else None

    await tx.executemany(
        "INSERT INTO difficulties (id, reporter_id, commune_code, division_code, topic, kind, "
        "urgency, description, status, created_at, updated_at, first_response_due, "
        "resolution_due, first_response_at, resolved_at) "
        "VALUES (?, ?, ?, ?, ?, 'difficulty', ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            (
                d.id,
                d.reporter_id,
                d.commune_code,
                d.division_code,
                d.topic,
                d.urgency,
                d.description,
                d.status,
                to_db_time(d.created_at),
                to_db_time(d.resolved_at or d.first_response_at or d.created_at),
                to_db_time(d.first_response_due),
                to_db_time(d.resolution_due),
                opt(d.first_response_at),
                opt(d.resolved_at),
            )
            for d in items
        ),
    )
    await tx.executemany(
        "INSERT INTO difficulty_events (difficulty_id, at, actor_id, action, from_status, "
        "to_status, text) VALUES (?, ?, ?, 'raise', '', 'new', ?)",
        ((d.id, to_db_time(d.created_at), d.reporter_id, d.description) for d in items),
    )
