"""Building an export away from the event loop and the write transaction (its own snapshot)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.export import ExportRequest, ExportResult, export_to
from handlers.core.workcal import calendar_from
from storage import calendar
from storage.db import Database, open_database


@dataclass(frozen=True)
class BuildOrder:
    """Everything a worker needs (plain values: it crosses a process boundary)."""

    db_path: str
    request: ExportRequest
    zone: str
    target: str
    fmt: str = "xlsx"
    database_url: str | None = None  # BOT_DATABASE_URL: PostgreSQL instead of the file
    now: datetime | None = None  # the asker's clock (the dashboard's); else the worker's


def build(order: BuildOrder) -> ExportResult:
    """Write the export described by `order`; its own event loop, its own connection."""
    return asyncio.run(_build(order))


async def _build(order: BuildOrder) -> ExportResult:
    if order.database_url:
        db = await open_database(order.db_path, order.database_url).open()
    else:
        db = await Database(order.db_path).open_read_only()
    try:
        async with db.read() as tx:
            cal = calendar_from(ZoneInfo(order.zone), await calendar.declared_days(tx))
            return await export_to(
                tx,
                order.request,
                cal,
                Path(order.target),
                order.now or datetime.now(UTC),
                order.fmt,
            )
    finally:
        await db.close()
