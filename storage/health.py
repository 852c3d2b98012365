"""What /readyz asks the database: does it take a write, are its migrations current."""

from __future__ import annotations

from datetime import datetime

from storage.db import Tx, migrations
from storage.schema import applied_migrations
from storage.timefmt import to_db_time


async def write_probe(tx: Tx, now: datetime) -> None:
    """Rewrite the one probe row (a real write, so a full disk or a lock shows)."""
    await tx.execute(
        "INSERT INTO health_probe (id, checked_at) VALUES (1, ?) "
        "ON CONFLICT (id) DO UPDATE SET checked_at = excluded.checked_at",
        (to_db_time(now),),
    )


async def schema_behind(tx: Tx) -> tuple[int, int, list[int]]:
    """(the database's schema version, the latest this code ships, shipped ones not applied)."""
    applied = await applied_migrations(tx)
    shipped = [number for number, _ in migrations(tx.dialect)]
    missing = [number for number in shipped if number not in applied]
    return max(applied, default=0), max(shipped), missing
