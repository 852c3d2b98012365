"""Rows as stored, for checks that look past the storage functions (backups, the contract tests)."""

from __future__ import annotations

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
