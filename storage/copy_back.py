"""`bietphai copy-db --from URL --to-sqlite FILE`: a PostgreSQL database back into an SQLite file.

The way back from a move to PostgreSQL. Both sides are brought to the same schema version first
(opening a Database migrates it). Every table is read from one PostgreSQL snapshot and written
into the empty file in one SQLite transaction; rows keep their ids, and with no AUTOINCREMENT
in the schema SQLite gives the next row the id after the largest one copied. Row counts are
compared table by table inside the transaction: any difference rolls everything back.
"""

from __future__ import annotations

import sqlite3
from typing import Any

import psycopg

from storage.copy import BATCH, CopiedTable, refuse_unless_ready, sqlite_tables
from storage.db import Database, StorageError, Tx
from storage.pg import PgDatabase


async def copy_back(source: PgDatabase, target: Database) -> list[CopiedTable]:
    """Copy every row of `source` into the empty SQLite `target`, all or nothing."""
    await refuse_unless_ready(
        source,
        target,
        target_named=f"tệp SQLite đích {target.path}",
        advice="hãy chép vào một tệp mới",
    )
    tables = await sqlite_tables(target)
    extra = sorted(set(await source.table_names()) - set(tables))
    if extra:
        raise StorageError(f"bảng {extra[0]} của PostgreSQL không có trong tệp SQLite")
    copied: list[CopiedTable] = []
    try:
        # One snapshot of PostgreSQL (REPEATABLE READ) into one SQLite write transaction.
        async with source.read() as rows_from, target.transaction() as tx:
            # Rows of one table may refer to each other in any order: checked at the end.
            await tx.execute("PRAGMA defer_foreign_keys = ON")
            for table in tables:
                copied.append(await _copy_table(rows_from, tx, table))
            broken = await tx.all("PRAGMA foreign_key_check")
            if broken:
                raise StorageError(f"bảng {broken[0][0]}: có dòng trỏ tới dòng không có")
    except (psycopg.Error, sqlite3.Error) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else repr(exc)
        raise StorageError(f"chép dữ liệu thất bại, tệp SQLite không đổi gì: {first}") from exc
    return copied


async def _copy_table(rows_from: Tx, tx: Tx, table: str) -> CopiedTable:
    """Stream one table in batches, then compare the counts on both sides."""
    columns = [r[1] for r in await tx.all(f"SELECT * FROM pragma_table_info('{table}')")]
    names = ", ".join(f'"{c}"' for c in columns)
    insert = f'INSERT INTO "{table}" ({names}) VALUES ({", ".join("?" for _ in columns)})'
    expected = int(await rows_from.value(f'SELECT count(*) FROM "{table}"'))
    batch: list[tuple[Any, ...]] = []
    async for row in rows_from.stream(f'SELECT {names} FROM "{table}"', (), BATCH):
        batch.append(tuple(row))
        if len(batch) >= BATCH:
            await tx.executemany(insert, batch)
            batch = []
    if batch:
        await tx.executemany(insert, batch)
    copied = int(await tx.value(f'SELECT count(*) FROM "{table}"'))
    if copied != expected:
        raise StorageError(f"bảng {table}: PostgreSQL có {expected} dòng, SQLite nhận {copied}")
    return CopiedTable(table, copied)
