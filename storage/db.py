"""One SQLite file: a single writer connection, short BEGIN IMMEDIATE transactions, migrations."""

from __future__ import annotations

import asyncio
import contextlib
import os
import sqlite3
import stat
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiosqlite

from storage.backup import backup_file
from storage.errors import StorageError
from storage.schema import migrations, newer_schema_line, split_sql

__all__ = ["Database", "Row", "StorageError", "Tx", "migrations", "split_sql"]

Row = sqlite3.Row
Params = tuple[Any, ...] | dict[str, Any]


class Tx:
    """A connection inside an open transaction (or a read); storage functions take one."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self.conn = conn

    # Each call is one hop to aiosqlite's thread: the hops, not SQLite, dominate a short
    # transaction, so reads fetch in the same hop and cursors are left to the garbage collector.

    async def execute(self, sql: str, params: Params = ()) -> int:
        """Run one statement and return the last inserted row id."""
        cursor = await self.conn.execute(sql, params)
        return cursor.lastrowid or 0

    async def execute_count(self, sql: str, params: Params = ()) -> int:
        """Run one statement and return how many rows it changed."""
        cursor = await self.conn.execute(sql, params)
        return cursor.rowcount

    async def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        """Run one statement for many parameter rows."""
        await self.conn.executemany(sql, rows)

    async def one(self, sql: str, params: Params = ()) -> Row | None:
        """The first row of a query, or None."""
        rows = await self.conn.execute_fetchall(sql, params)
        return next(iter(rows), None)

    async def all(self, sql: str, params: Params = ()) -> list[Row]:
        """All rows of a query."""
        return list(await self.conn.execute_fetchall(sql, params))

    async def value(self, sql: str, params: Params = ()) -> Any:
        """The first column of the first row, or None."""
        row = await self.one(sql, params)
        return None if row is None else row[0]


class Database:
    """The bietphai database: open it once, then use `transaction()` to write and `read()`."""

    def __init__(
        self,
        path: Path | str,
        *,
        busy_timeout_ms: int = 10_000,
        backup_before_migrating: bool = True,
    ) -> None:
        self.path = Path(path)
        self.busy_timeout_ms = busy_timeout_ms
        # A database with data is copied aside before a migration changes it.
        self.backup_before_migrating = backup_before_migrating
        self.migration_backup: Path | None = None
        self._conn: aiosqlite.Connection | None = None
        self._reader: aiosqlite.Connection | None = None
        # One writer connection shared by every task: the lock keeps transactions from mixing.
        self._lock = asyncio.Lock()
        # A second, read-only connection: long reads (digests) never hold up the writer, and
        # WAL lets them see a consistent snapshot while writes go on.
        self._read_lock = asyncio.Lock()

    async def open(self) -> Database:
        """Open the file (creating it), set WAL and foreign keys, apply pending migrations."""
        check_path_usable(self.path)
        if not self.path.exists():
            # Owner-only from the first byte: it will hold phone numbers (WAL files inherit it).
            with contextlib.suppress(FileExistsError):
                os.close(os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        self._conn = await self._connect()
        try:
            await self._migrate()
            self._reader = await self._connect(read_only=True)
        except sqlite3.OperationalError as exc:
            await self.close()
            raise StorageError(f"không ghi được vào cơ sở dữ liệu {self.path}: {exc}") from exc
        except BaseException:
            # An open connection's thread would keep the process from exiting.
            await self.close()
            raise
        return self

    async def _connect(self, *, read_only: bool = False) -> aiosqlite.Connection:
        try:
            # The busy timeout is given to connect, so it holds from the very first statement.
            conn = await aiosqlite.connect(
                self.path, isolation_level=None, timeout=self.busy_timeout_ms / 1000
            )
        except sqlite3.Error as exc:
            raise StorageError(f"không mở được cơ sở dữ liệu {self.path}: {exc}") from exc
        try:
            conn.row_factory = sqlite3.Row
            await conn.execute(f"PRAGMA busy_timeout = {int(self.busy_timeout_ms)}")
            await _switch_to_wal(conn, self.busy_timeout_ms / 1000)
            await conn.execute("PRAGMA synchronous = NORMAL")
            await conn.execute("PRAGMA foreign_keys = ON")
            if read_only:
                await conn.execute("PRAGMA query_only = ON")
            # SQLite's lower() only folds ASCII; Vietnamese names need Unicode case folding.
            await conn.create_function("casefold", 1, _casefold, deterministic=True)
        except sqlite3.Error as exc:
            await conn.close()
            raise StorageError(f"không mở được cơ sở dữ liệu {self.path}: {exc}") from exc
        return conn

    async def close(self) -> None:
        """Close the connections; safe to call twice."""
        for conn in (self._reader, self._conn):
            if conn is not None:
                await conn.close()
        self._conn = self._reader = None

    async def __aenter__(self) -> Database:
        return await self.open()

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    @property
    def conn(self) -> aiosqlite.Connection:
        """The open connection."""
        if self._conn is None:
            raise StorageError("cơ sở dữ liệu chưa được mở")
        return self._conn

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Tx]:
        """A short write transaction: BEGIN IMMEDIATE, COMMIT on success, ROLLBACK on error."""
        async with self._lock:
            conn = self.conn
            await conn.execute("BEGIN IMMEDIATE")
            try:
                yield Tx(conn)
            except BaseException:
                await conn.execute("ROLLBACK")
                raise
            await conn.execute("COMMIT")

    @asynccontextmanager
    async def read(self) -> AsyncIterator[Tx]:
        """A consistent read on the read-only connection (a snapshot; writers are not held up)."""
        async with self._read_lock:
            conn = self._reader
            if conn is None:
                raise StorageError("cơ sở dữ liệu chưa được mở")
            await conn.execute("BEGIN")
            try:
                yield Tx(conn)
            finally:
                await conn.execute("ROLLBACK")

    async def schema_version(self) -> int:
        """The number of the last migration applied."""
        async with self.read() as tx:
            return int(await tx.value("PRAGMA user_version"))

    async def backup(self, target: Path) -> None:
        """Copy the database consistently into `target` (SQLite online backup)."""
        async with self._lock:
            dest = await aiosqlite.connect(target)
            try:
                await self.conn.backup(dest)
            finally:
                await dest.close()

    async def _migrate(self) -> None:
        """Apply the migrations newer than PRAGMA user_version, all in one immediate transaction.

        Two processes opening a fresh file at once: the second waits on BEGIN IMMEDIATE (busy
        timeout) and then finds nothing left to do. A file from a newer bietphai is refused
        before anything is written; a file with data is backed up before it is changed.
        """
        scripts = migrations()
        newest = max((number for number, _ in scripts), default=0)
        current = await self._user_version()
        if current > newest:
            raise StorageError(newer_schema_line(self.path, current, newest))
        if current == newest:
            return
        if current > 0 and self.backup_before_migrating:
            self.migration_backup = await self._backup_before_migration(current)
        async with self.transaction() as tx:
            # Another process may have migrated while we waited for the write lock.
            current = int(await tx.value("PRAGMA user_version"))
            if current > newest:
                raise StorageError(newer_schema_line(self.path, current, newest))
            for number, sql in scripts:
                if number > current:
                    for statement in split_sql(sql):
                        await tx.execute(statement)
            await tx.execute(f"PRAGMA user_version = {newest}")

    async def _user_version(self) -> int:
        cursor = await self.conn.execute("PRAGMA user_version")
        row = await cursor.fetchone()
        await cursor.close()
        return int(row[0]) if row else 0

    async def _backup_before_migration(self, version: int) -> Path:
        """Copy the database beside itself before a migration (once per schema version)."""
        target = self.path.with_name(f"{self.path.name}.before-migration-{version:04d}")
        if target.exists():
            return target
        try:
            # force: another process opening this file may have just made the same copy.
            await asyncio.to_thread(backup_file, self.path, target, force=True)
        except StorageError as exc:
            raise StorageError(f"không nâng cấp cơ sở dữ liệu vì chưa sao lưu được: {exc}") from exc
        return target


async def _switch_to_wal(conn: aiosqlite.Connection, patience: float) -> None:
    """PRAGMA journal_mode = WAL, retried: on a fresh file it can answer 'locked' at once.

    Changing the journal mode needs the file to itself, and SQLite does not always call the
    busy handler for it, so a second process starting at the same moment retries here.
    """
    waited = 0.0
    pause = 0.01
    while True:
        try:
            await conn.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or waited >= patience:
                raise
        await asyncio.sleep(pause)
        waited += pause
        pause = min(pause * 2, 0.2)


def _casefold(value: object) -> object:
    return value.casefold() if isinstance(value, str) else value


def check_path_usable(path: Path) -> None:
    """Fail early, with one clear line, when the database file cannot be created or written."""
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.exists():
        raise StorageError(f"thư mục chứa cơ sở dữ liệu không tồn tại: {folder} (BOT_DB_PATH)")
    if path.exists() and not path.is_file():
        raise StorageError(f"BOT_DB_PATH không phải là một tệp: {path}")
    # Root ignores permission bits, so also honour a file the operator marked read-only.
    if path.exists() and (
        not os.access(path, os.W_OK) or not path.stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP)
    ):
        raise StorageError(f"tệp cơ sở dữ liệu chỉ cho phép đọc (read-only): {path}")
    if not path.exists() and not os.access(folder, os.W_OK):
        raise StorageError(f"không ghi được vào thư mục chứa cơ sở dữ liệu: {folder}")
