"""Reads behind the reports in the state's document format that the export does not already have.

The reports reuse the export's streamed reads (`storage.export`) for entries, difficulties
raised in the period, officials, assignments, leave and days logged; here are the few more a
report needs: difficulties still open at the time of drafting (any raised before the period
ended), a person's name and division, and a read-only snapshot of the database that a report
is built from in a worker thread.
"""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path

import aiosqlite

from storage.db import StorageError, Tx, casefold
from storage.export import ExportDifficulty, ExportFilter, difficulty_rows
from storage.timefmt import to_db_time


async def open_difficulties(tx: Tx, f: ExportFilter, end: datetime) -> list[ExportDifficulty]:
    """Difficulties in scope raised before `end` and not resolved now, oldest first."""
    return [
        d
        async for d in difficulty_rows(
            tx,
            f,
            "d.created_at < :end AND d.status <> 'resolved'",
            {"start": None, "end": to_db_time(end)},
        )
    ]


async def person_and_division(tx: Tx, person_id: int) -> tuple[str, str] | None:
    """A person's full name and division name (empty when none)."""
    row = await tx.one(
        "SELECT p.full_name, coalesce(d.name, '') FROM people p "
        "LEFT JOIN divisions d ON d.code = p.division_code WHERE p.id = ?",
        (person_id,),
    )
    return None if row is None else (row[0], row[1])


@asynccontextmanager
async def snapshot(path: Path) -> AsyncIterator[Tx]:
    """A consistent read of the database file on a connection of its own (for a worker thread).

    The bot's own read connection belongs to its event loop; a report built in another thread
    opens this one, read-only, and never takes the write lock.
    """
    try:
        conn = await aiosqlite.connect(f"file:{path}?mode=ro", uri=True, isolation_level=None)
    except sqlite3.Error as exc:
        raise StorageError(f"không mở được cơ sở dữ liệu {path}: {exc}") from exc
    try:
        conn.row_factory = sqlite3.Row
        await conn.execute("PRAGMA busy_timeout = 10000")
        await conn.create_function("casefold", 1, casefold, deterministic=True)
        await conn.execute("BEGIN")
        try:
            yield Tx(conn)
        finally:
            await conn.execute("ROLLBACK")
    finally:
        await conn.close()
