"""The database: one SQLite file (the default) or PostgreSQL; transactions, reads, migrations.

SQLite: a single writer connection, short BEGIN IMMEDIATE transactions. PostgreSQL lives in
`storage.pg` behind the same `Database` / `Tx` interface (`open_database` picks one).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sqlite3
import stat
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, Protocol, TypeVar

import aiosqlite

from storage.backup import backup_file
from storage.confined import OwnWrites
from storage.dialect import to_sqlite
from storage.errors import StorageError
from storage.schema import (
    POSTGRESQL,
    SQLITE,
    migrations,
    newer_schema_line,
    pending_migrations,
    record_migration,
    schema_version,
    split_sql,
)

__all__ = [
    "POSTGRESQL",
    "SQLITE",
    "ConstraintError",
    "Database",
    "Lease",
    "Row",
    "StorageError",
    "Tx",
    "migrations",
    "open_database",
    "split_sql",
]

Params = tuple[Any, ...] | dict[str, Any]
T = TypeVar("T")


class Row(Protocol):
    """A result row: by position (`row[0]`) and by column name (`row["id"]`)."""

    def __getitem__(self, key: int | str, /) -> Any:
        """The value at this position or of this column."""
        ...

    def __len__(self) -> int:
        """The number of columns."""
        ...

    def __iter__(self) -> Iterator[Any]:
        """The values in column order."""
        ...

    def keys(self) -> list[str]:
        """The column names."""
        ...


class ConstraintError(StorageError):
    """A write broke a constraint (a unique key, a foreign key, a check), on either backend."""


class Tx:
    """A connection inside an open transaction (or a read); storage functions take one."""

    dialect = SQLITE

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self.conn = conn

    async def lock(self, key: str) -> None:
        """Hold `key` until this transaction ends (a check-then-act on one thing).

        SQLite has one writer at a time (BEGIN IMMEDIATE), so there is nothing to do; on
        PostgreSQL this is a transaction-level advisory lock.
        """

    async def try_lock(self, key: str) -> bool:
        """Take `key` for this transaction if nobody holds it; False when someone does."""
        return True

    async def changes(self) -> int:
        """Rows changed on this connection so far (a difference of two calls counts a step)."""
        return int(await self.value("SELECT total_changes()"))

    # Each call is one hop to aiosqlite's thread: the hops, not SQLite, dominate a short
    # transaction, so reads fetch in the same hop and cursors are left to the garbage collector.

    async def execute(self, sql: str, params: Params = ()) -> int:
        """Run one statement and return the last inserted row id."""
        try:
            cursor = await self.conn.execute(sql, params)
        except sqlite3.IntegrityError as exc:
            raise ConstraintError(str(exc)) from exc
        return cursor.lastrowid or 0

    async def execute_count(self, sql: str, params: Params = ()) -> int:
        """Run one statement and return how many rows it changed."""
        try:
            cursor = await self.conn.execute(sql, params)
        except sqlite3.IntegrityError as exc:
            raise ConstraintError(str(exc)) from exc
        return cursor.rowcount

    async def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        """Run one statement for many parameter rows."""
        try:
            await self.conn.executemany(sql, rows)
        except sqlite3.IntegrityError as exc:
            raise ConstraintError(str(exc)) from exc

    async def one(self, sql: str, params: Params = ()) -> Row | None:
        """The first row of a query, or None."""
        if "FOR UPDATE" in sql:
            sql = to_sqlite(sql)
        rows = await self.conn.execute_fetchall(sql, params)
        return next(iter(rows), None)

    async def all(self, sql: str, params: Params = ()) -> list[Row]:
        """All rows of a query (row-lock clauses, PostgreSQL's, are dropped: one writer here)."""
        if "FOR UPDATE" in sql:
            sql = to_sqlite(sql)
        return list(await self.conn.execute_fetchall(sql, params))

    async def value(self, sql: str, params: Params = ()) -> Any:
        """The first column of the first row, or None."""
        row = await self.one(sql, params)
        return None if row is None else row[0]

    async def stream(self, sql: str, params: Params, batch: int) -> AsyncIterator[Row]:
        """The rows of one query, fetched `batch` at a time (never all at once)."""
        cursor = await self.conn.execute(sql, params)
        try:
            while rows := await cursor.fetchmany(batch):
                for row in rows:
                    yield row
        finally:
            await cursor.close()


def duty_lock_key(name: str) -> str:
    """The advisory-lock key `Database.exclusive(name)` holds (a `Tx.try_lock` of it fails then)."""
    return f"duty:{name}"


class Lease:
    """A named duty held by this process (`Database.exclusive`): `held` says whether we got it."""

    def __init__(self, held: bool) -> None:
        self.held = held

    async def still_held(self) -> bool:
        """Whether the duty is still ours (PostgreSQL: the connection holding it is alive)."""
        return self.held


class Database:
    """The bietphai database: open it once, then use `transaction()` to write and `read()`."""

    dialect = SQLITE

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
        # The migrations this open applied, in order (empty: the schema was already newest).
        self.migrations_applied: tuple[int, ...] = ()
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

    async def open_read_only(self) -> Database:
        """Open only the read connection, no migrations: for a worker that only reads."""
        if not self.path.is_file():
            raise StorageError(f"không có cơ sở dữ liệu {self.path} (BOT_DB_PATH)")
        self._reader = await self._connect(read_only=True)
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
            await conn.create_function("casefold", 1, casefold, deterministic=True)
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

    async def run(
        self, body: Callable[[Tx, int], Awaitable[T]], *, confined_to: OwnWrites | None = None
    ) -> T:
        """Run `body(tx, attempt)` in a write transaction, again if it lost a race.

        With SQLite one writer at a time means no race is lost; PostgreSQL runs it serializable
        and calls `body` again (attempt 1, 2, …) when another transaction conflicted with it, so
        every check-then-act inside sees the state the winner left. `confined_to` (the chat's
        own rows) lets PostgreSQL try a snapshot first (`storage.pg.PgDatabase.run`); SQLite's
        single writer needs nothing more.
        """
        async with self.transaction() as tx:
            return await body(tx, 0)

    @asynccontextmanager
    async def exclusive(self, name: str) -> AsyncIterator[Lease]:
        """Hold duty `name` (a scheduler tick, Telegram polling) unless another process does.

        An SQLite file has one writer and, by design, one bot process, so the duty is always
        ours here; PostgreSQL takes a session advisory lock that the server frees when the
        process holding it dies.
        """
        yield Lease(True)

    async def open_again(self) -> Database:
        """A second Database on the same store, with its own connections (as another process)."""
        return await Database(
            self.path,
            busy_timeout_ms=self.busy_timeout_ms,
            backup_before_migrating=self.backup_before_migrating,
        ).open()

    async def ping(self) -> None:
        """Raise StorageError unless the database answers a query now (for /readyz)."""
        try:
            async with self.read() as tx:
                await tx.value("SELECT 1")
        except (sqlite3.Error, ValueError) as exc:
            raise StorageError(f"cơ sở dữ liệu không trả lời: {exc}") from exc

    def describe(self) -> str:
        """Where the data is, for the operator (no password)."""
        return str(self.path)

    async def table_names(self) -> list[str]:
        """The bietphai tables, by name."""
        async with self.read() as tx:
            rows = await tx.all(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite_%' AND name <> 'schema_migrations' ORDER BY name"
            )
        return [str(r[0]) for r in rows]

    async def schema_version(self) -> int:
        """The highest migration applied (both backends keep the record `schema_migrations`)."""
        async with self.read() as tx:
            return await schema_version(tx)

    async def backup(self, target: Path) -> None:
        """Copy the database consistently into `target` (SQLite online backup)."""
        async with self._lock:
            dest = await aiosqlite.connect(target)
            try:
                await self.conn.backup(dest)
            finally:
                await dest.close()

    async def _migrate(self) -> None:
        """Apply the migrations this file has not recorded, all in one immediate transaction.

        Two processes opening a fresh file at once: the second waits on BEGIN IMMEDIATE (busy
        timeout) and then finds nothing left to do. A file from a newer bietphai is refused
        before anything is written; a file with data is backed up before it is changed.
        """
        scripts = migrations()
        version = await self._user_version()
        newest = max((number for number, _ in scripts), default=0)
        if version > newest:
            raise StorageError(newer_schema_line(self.path, version, newest))
        recorded = await self._recorded()
        if recorded is None:
            # No record yet (a new file, or one from before it): the files above user_version.
            due = [number for number, _ in scripts if number > version]
        else:
            if max(recorded, default=0) > newest:
                raise StorageError(newer_schema_line(self.path, max(recorded), newest))
            due = [number for number, _ in scripts if number not in recorded]
            if not due:
                return
        if due and version > 0 and self.backup_before_migrating:
            self.migration_backup = await self._backup_before_migration(version)
        async with self.transaction() as tx:
            # Another process may have migrated while we waited for the write lock.
            version = int(await tx.value("PRAGMA user_version"))
            pending = await pending_migrations(tx, scripts, self.path, legacy_version=version)
            for number, sql in pending:
                for statement in split_sql(sql):
                    await tx.execute(statement)
                await record_migration(tx, number)
            # Kept as the highest number applied, which is what backups, `restore` and older
            # bietphai versions read (an older one refuses a file from a newer one by it).
            await tx.execute(f"PRAGMA user_version = {await schema_version(tx)}")
        self.migrations_applied = tuple(number for number, _ in pending)

    async def _recorded(self) -> set[int] | None:
        """The numbers in the file's migration record, read without writing; None: no record."""
        cursor = await self.conn.execute(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'"
        )
        row = await cursor.fetchone()
        await cursor.close()
        if not row or not row[0]:
            return None
        cursor = await self.conn.execute("SELECT version FROM schema_migrations")
        recorded = {int(r[0]) for r in await cursor.fetchall()}
        await cursor.close()
        return recorded

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


def casefold(value: object) -> object:
    """SQLite's casefold() SQL function (PostgreSQL defines its own): text casefolded."""
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


def open_database(path: Path | str, url: str | None = None) -> Database:
    """PostgreSQL when `url` (BOT_DATABASE_URL) is set, else the SQLite file at `path`."""
    if url:
        from storage.pg import PgDatabase  # psycopg is imported only when it is used

        return PgDatabase(url)
    return Database(path)
