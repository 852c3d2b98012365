"""`bietphai copy-db`: a whole SQLite database into an empty PostgreSQL one, in one transaction.

Both sides are brought to the same schema version first (opening a Database migrates it), so
the tables and columns match. Rows keep their ids; afterwards every identity sequence starts
after the largest id copied, so new rows never collide with copied ones. Row counts are
compared table by table inside the transaction: any difference rolls everything back. Once
committed, the copied tables are analysed, so the first queries are planned with statistics.
"""

from __future__ import annotations

import graphlib
from dataclasses import dataclass
from typing import Any

import psycopg
from psycopg import AsyncConnection

from storage import rows
from storage.db import Database, StorageError
from storage.pg import PgDatabase

# Rows sent to PostgreSQL per COPY write, so a large table is streamed, not held in memory.
BATCH = 2_000


@dataclass(frozen=True)
class CopiedTable:
    """One table copied: its name and how many rows it holds on both sides."""

    name: str
    rows: int


async def sqlite_tables(source: Database) -> list[str]:
    """The tables of the SQLite database, parents before the tables that refer to them."""
    async with source.read() as tx:
        names = [
            r[0]
            for r in await tx.all(
                # The migration record is each side's own (same version checked above).
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite_%' AND name <> 'schema_migrations' ORDER BY name"
            )
        ]
        graph: dict[str, set[str]] = {}
        for name in names:
            refs = await tx.all(f"SELECT \"table\" FROM pragma_foreign_key_list('{name}')")
            graph[name] = {r[0] for r in refs if r[0] != name}
    return list(graphlib.TopologicalSorter(graph).static_order())


async def target_is_empty(target: Database) -> tuple[str, int] | None:
    """None when no table of the target holds a row, else the first table found and its rows."""
    async with target.read() as tx:
        for name in await rows.table_names(tx):
            count = int(await tx.value(f'SELECT count(*) FROM "{name}"'))
            if count:
                return name, count
    return None


async def refuse_unless_ready(
    source: Database, target: Database, *, target_named: str, advice: str
) -> None:
    """Refuse (StorageError) a copy across schema versions or into a target that holds a row.

    The refusal for a target with rows reads "<target_named> không trống (bảng …); <advice>".
    """
    if await source.schema_version() != await target.schema_version():
        raise StorageError("hai cơ sở dữ liệu không cùng phiên bản lược đồ; chạy lại bản mới")
    found = await target_is_empty(target)
    if found is not None:
        table, rows = found
        raise StorageError(f"{target_named} không trống (bảng {table} có {rows} dòng); {advice}")


async def copy_database(source: Database, target: PgDatabase) -> list[CopiedTable]:
    """Copy every row of `source` into the empty `target`, all or nothing, then ANALYZE it."""
    await refuse_unless_ready(
        source,
        target,
        target_named="cơ sở dữ liệu đích",
        advice="hãy chép vào một cơ sở dữ liệu PostgreSQL mới, chưa có dữ liệu",
    )
    tables = await sqlite_tables(source)
    wanted = set(await target.table_names())
    copied: list[CopiedTable] = []
    async with target.pool.connection() as conn:
        try:
            async with conn.transaction():
                for table in tables:
                    if table not in wanted:
                        raise StorageError(f"bảng {table} không có trên PostgreSQL")
                    copied.append(await _copy_table(source, conn, table))
                await _restart_identities(conn)
        except psycopg.Error as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else repr(exc)
            raise StorageError(f"chép dữ liệu thất bại, PostgreSQL không đổi gì: {first}") from exc
        await _analyze(conn, [t.name for t in copied])
    return copied


async def _analyze(conn: AsyncConnection[Any], tables: list[str]) -> None:
    """Statistics for the copied tables now, not when autovacuum first comes by.

    Rows written by COPY leave the planner without estimates (reltuples -1, no histograms), and
    the digest queries choose their plans from those estimates.
    """
    if not tables:
        return
    try:
        # Autocommit connection, after the commit: ANALYZE sees the copied rows.
        await conn.execute("ANALYZE " + ", ".join(f'"{t}"' for t in tables))
    except psycopg.Error as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else repr(exc)
        raise StorageError(
            "đã chép xong và giữ nguyên dữ liệu trên PostgreSQL, nhưng chưa cập nhật được "
            f"thống kê: {first}; hãy chạy ANALYZE trên cơ sở dữ liệu đó (psql) trước khi dùng"
        ) from exc


async def _copy_table(source: Database, conn: AsyncConnection[Any], table: str) -> CopiedTable:
    """Stream one table with COPY, then compare the counts on both sides."""
    async with source.read() as tx:
        columns = [r[1] for r in await tx.all(f"SELECT * FROM pragma_table_info('{table}')")]
        expected = int(await tx.value(f'SELECT count(*) FROM "{table}"'))
        names = ", ".join(f'"{c}"' for c in columns)
        async with (
            conn.cursor() as cursor,
            cursor.copy(f'COPY "{table}" ({names}) FROM STDIN') as copy,
        ):
            async for row in tx.stream(f'SELECT {names} FROM "{table}"', (), BATCH):
                await copy.write_row(tuple(row))
    counted = await (await conn.execute(f'SELECT count(*) FROM "{table}"')).fetchone()
    copied = int(counted[0]) if counted else -1
    if copied != expected:
        raise StorageError(f"bảng {table}: SQLite có {expected} dòng, PostgreSQL nhận {copied}")
    return CopiedTable(table, copied)


async def _restart_identities(conn: AsyncConnection[Any]) -> None:
    """Every identity sequence continues after the largest id copied."""
    cursor = await conn.execute(
        "SELECT table_name, column_name FROM information_schema.columns "
        "WHERE table_schema = current_schema() AND is_identity = 'YES'"
    )
    for table, column in [(r[0], r[1]) for r in await cursor.fetchall()]:
        await conn.execute(
            f"SELECT setval(pg_get_serial_sequence('\"{table}\"', '{column}'), "
            f'coalesce((SELECT max("{column}") FROM "{table}"), 0) + 1, false)'
        )
