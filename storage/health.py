"""What /readyz asks the database: does it take a write, are its migrations current."""

from __future__ import annotations

from datetime import datetime

from storage.db import Tx, migrations
from storage.timefmt import to_db_time


async def write_probe(tx: Tx, now: datetime) -> None:
    """Rewrite the one probe row (a real write, so a full disk or a lock shows)."""
    await tx.execute(
        "INSERT INTO health_probe (id, checked_at) VALUES (1, ?) "
        "ON CONFLICT (id) DO UPDATE SET checked_at = excluded.checked_at",
        (to_db_time(now),),
    )


async def schema_behind(tx: Tx) -> tuple[int, int]:
    """(the schema version of the database, the latest migration this code ships)."""
    current = int(await tx.value("PRAGMA user_version"))
    latest = max(number for number, _ in migrations())
    return current, latest
