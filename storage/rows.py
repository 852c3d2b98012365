"""Rows as stored, for checks that look past the storage functions (backups, the contract tests)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from storage.db import POSTGRESQL, Tx


async def table_names(tx: Tx) -> list[str]:
    """Every table of the schema, by name (the migration record left out)."""
    if tx.dialect == POSTGRESQL:
        rows = await tx.all(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = "
            "current_schema() AND table_type = 'BASE TABLE' "
            "AND table_name <> 'schema_migrations' ORDER BY table_name"
        )
    else:
        rows = await tx.all(
            "SELECT name FROM sqlite_master WHERE type = 'table' "
            "AND name NOT LIKE 'sqlite_%' AND name <> 'schema_migrations' ORDER BY name"
        )
    return [str(r[0]) for r in rows]


async def rows_of(tx: Tx, table: str) -> list[dict[str, Any]]:
    """Every row of one table, column name to stored value."""
    if table not in await table_names(tx):
        raise ValueError(f"no table named {table!r}")
    rows = await tx.all(f"SELECT * FROM {table}")
    return [dict(zip(row.keys(), tuple(row), strict=True)) for row in rows]


async def row_count(tx: Tx, table: str) -> int:
    """How many rows one table holds."""
    return len(await rows_of(tx, table))


async def snapshot(tx: Tx) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, sorted: two stores with equal snapshots hold the same data."""
    return {
        table: sorted(tuple(row.values()) for row in await rows_of(tx, table))
        for table in await table_names(tx)
    }


@dataclass(frozen=True)
class PlannerStatistics:
    """What PostgreSQL's planner knows of one table: when ANALYZE last ran and its row estimate."""

    analysed_at: datetime | None  # an ANALYZE command's, not autovacuum's
    estimated_rows: float  # pg_class.reltuples: -1 until the table was first analysed


async def planner_statistics(tx: Tx) -> dict[str, PlannerStatistics]:
    """The planner's statistics of every table of the schema (PostgreSQL only)."""
    if tx.dialect != POSTGRESQL:
        raise ValueError("planner statistics are PostgreSQL's")
    rows = await tx.all(
        "SELECT s.relname, s.last_analyze, c.reltuples FROM pg_stat_user_tables s "
        "JOIN pg_class c ON c.oid = s.relid WHERE s.schemaname = current_schema()"
    )
    return {str(r[0]): PlannerStatistics(r[1], float(r[2])) for r in rows}
