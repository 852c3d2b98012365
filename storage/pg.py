"""PostgreSQL behind the same `Database` / `Tx` interface: psycopg 3 and its connection pool.

Statements are written once, in the SQLite style, and translated by `storage.dialect`.
Parameters are bound on the client side (psycopg's `AsyncClientCursor`) as untyped literals,
so PostgreSQL infers each one's type from where it stands, as SQLite's loose typing lets the
same statements do: `? IS NULL`, a `1` compared with a text column, a Python bool stored in an
INTEGER column.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import itertools
import logging
import random
import time
import weakref
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Iterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

import psycopg
from psycopg import AsyncConnection, AsyncCursor, errors
from psycopg.abc import AdaptContext
from psycopg.adapt import Dumper
from psycopg.conninfo import conninfo_to_dict
from psycopg.pq import TransactionStatus
from psycopg.rows import RowMaker
from psycopg_pool import AsyncConnectionPool, PoolTimeout

from storage.confined import NeedsSerializable, OwnWrites
from storage.db import (
    POSTGRESQL,
    ConstraintError,
    Database,
    Lease,
    Params,
    Row,
    StorageError,
    T,
    Tx,
    duty_lock_key,
    migrations,
    split_sql,
)
from storage.dialect import PgStatement, ddl_to_postgres, to_postgres
from storage.errors import first_line
from storage.pg_tools import dump_command, restore_command
from storage.schema import pending_migrations, record_migration

log = logging.getLogger(__name__)

# Races a serializable transaction may lose; the whole transaction is run again.
RETRYABLE = (errors.SerializationFailure, errors.DeadlockDetected)
MAX_ATTEMPTS = 12
# One number for "the migrations are being applied" across every process on this database.
MIGRATION_LOCK = 0x6269_6574  # "biet"
_CURSOR_NUMBERS = itertools.count(1)
# Turns run again after losing a race, since the process started (printed by the benches).
RETRIES = [0]
# Confined turns (REPEATABLE READ) that wrote beyond their chat and were run serializable.
ESCALATIONS = [0]
_WRITES = ("INSERT", "UPDATE", "DELETE")
PREPARED_MAX = 500
# PostgreSQL's words when a table changed under a prepared statement (another process migrated).
STALE_PLAN = "cached plan must not change result type"
# Connections per process: the duties each hold one (liveness, polling and sending per
# channel), the router decides up to 4 turns at once (handlers.router.PARALLEL_TURNS), and
# replies are marked, recovered, claimed from the outbox beside them. Opened as needed.
POOL_SIZE = 16
# A pooled connection idle longer than this is checked before use (seconds).
CHECK_IDLE_AFTER = 2.0
_RETURNED: weakref.WeakKeyDictionary[AsyncConnection[Any], float] = weakref.WeakKeyDictionary()


class PgRow:
    """A row by position and by column name, like sqlite3.Row."""

    __slots__ = ("_index", "_values")

    def __init__(self, values: Sequence[Any], index: dict[str, int]) -> None:
        self._values = tuple(values)
        self._index = index

    def __getitem__(self, key: int | str, /) -> Any:
        """The value at this position or of this column."""
        if isinstance(key, str):
            return self._values[self._index[key]]
        return self._values[key]

    def __len__(self) -> int:
        return len(self._values)

    def __iter__(self) -> Iterator[Any]:
        return iter(self._values)

    def keys(self) -> list[str]:
        """The column names."""
        return list(self._index)

    def __repr__(self) -> str:
        return f"PgRow{self._values!r}"


# Column names → positions, one dict per distinct result shape (a statement's), reused by
# every row and every execution: psycopg's `description` builds column objects each time.
_INDEXES: dict[tuple[bytes | None, ...], dict[str, int]] = {}


def _row_factory(cursor: Any) -> RowMaker[PgRow]:
    result = cursor.pgresult
    names = tuple(result.fname(i) for i in range(result.nfields)) if result is not None else ()
    index = _INDEXES.get(names)
    if index is None:
        if len(_INDEXES) > 4096:
            _INDEXES.clear()
        index = {column.name: i for i, column in enumerate(cursor.description or ())}
        _INDEXES[names] = index

    def make(values: Sequence[Any]) -> PgRow:
        return PgRow(values, index)

    return make


class _UntypedInt(Dumper):
    """An int as an untyped literal ('5'): PostgreSQL reads it as the column's type."""

    oid = 0

    def dump(self, obj: Any) -> bytes:
        """The decimal digits."""
        return str(int(obj)).encode()


class _UntypedBool(Dumper):
    """A bool as '1' / '0': an INTEGER flag column takes it, and so does a boolean test."""

    oid = 0

    def dump(self, obj: Any) -> bytes:
        """1 or 0."""
        return b"1" if obj else b"0"


def _adapt(context: AdaptContext) -> None:
    context.adapters.register_dumper(int, _UntypedInt)
    context.adapters.register_dumper(bool, _UntypedBool)


def lock_number(key: str) -> int:
    """A stable signed 64-bit number for an advisory lock named `key`."""
    return int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest(), "big", signed=True)


class PgTx(Tx):
    """A PostgreSQL connection inside a transaction; remembers a lost race for `run`.

    Round trips, not PostgreSQL's work, make most of a short turn's time, so statements whose
    answer nobody reads (BEGIN, an INSERT or UPDATE run by `execute` that returns no id) wait
    and go to the server in one pipeline with the next statement that needs an answer, or
    with COMMIT. An error in one of them is raised there, still inside this transaction, and
    the whole transaction fails as it would have.
    """

    dialect = POSTGRESQL

    def __init__(
        self, conn: AsyncConnection[PgRow], id_tables: frozenset[str], begin: str | None = None
    ) -> None:
        self.pg = conn
        self.id_tables = id_tables
        self.lost_race: BaseException | None = None
        self.changed = 0
        # Set by `run` for a confined attempt: the only writes it may make.
        self.confined: OwnWrites | None = None
        # Tables of the chat's own rows (set for every attempt of a confined run).
        self.confined_tables: frozenset[str] = frozenset()
        # A confined attempt asked for more: it is rolled back and run serializable, even if
        # the body caught the signal and went on.
        self.escalated = False
        # Statements sent with the next one that needs an answer; BEGIN waits first.
        self._opening: list[tuple[PgStatement, Params | None]] = (
            [] if begin is None else [(_command(begin), None)]
        )
        self._waiting = list(self._opening)

    async def changes(self) -> int:
        """Rows changed by this transaction's statements so far."""
        await self._send(None, None)
        return self.changed

    def _confine(self, sql: str) -> None:
        """Signal `run` before a statement a confined attempt may not send is sent."""
        if self.confined is None:
            return
        if self.escalated or not self.confined.allows(sql):
            self.escalated = True
            raise NeedsSerializable(sql.split(None, 3)[:3])

    def _integrity(self, exc: psycopg.IntegrityError) -> ConstraintError:
        """The ConstraintError for `exc`; a key of the chat's own rows taken by a concurrent
        transaction (the update key, stored by another process) is a lost race."""
        if (
            self.confined_tables
            and isinstance(exc, errors.UniqueViolation)
            and exc.diag.table_name in self.confined_tables
        ):
            self.lost_race = exc
        return ConstraintError(first_line(exc))

    def _count(self, cursor: AsyncCursor[PgRow]) -> None:
        if cursor.rowcount > 0 and (cursor.statusmessage or "").startswith(_WRITES):
            self.changed += cursor.rowcount

    async def _send(
        self, statement: PgStatement | None, params: Params | None
    ) -> AsyncCursor[PgRow] | None:
        """The waiting statements, then `statement` (if any), in one round trip."""
        waiting, self._waiting = self._waiting, []
        if statement is not None:
            waiting.append((statement, params))
        if not waiting:
            return None
        cursors = [AsyncCursor(self.pg, row_factory=_row_factory) for _ in waiting]
        try:
            if len(waiting) == 1:
                await _run(cursors[0], *waiting[0])
            else:
                async with self.pg.pipeline():
                    for cursor, (text, values) in zip(cursors, waiting, strict=True):
                        await _run(cursor, text, values)
        except RETRYABLE as exc:
            self.lost_race = exc
            raise
        except errors.FeatureNotSupported as exc:
            if STALE_PLAN not in str(exc):
                raise
            # Another process changed a table under a statement prepared here: the rollback
            # drops this connection's prepared statements, and the turn runs again.
            self.lost_race = exc
            raise
        except psycopg.IntegrityError as exc:
            raise self._integrity(exc) from exc
        for cursor in cursors:
            self._count(cursor)
        return cursors[-1] if statement is not None else None

    async def _cursor(self, statement: PgStatement, params: Params | None) -> AsyncCursor[PgRow]:
        cursor = await self._send(statement, params)
        assert cursor is not None
        return cursor

    async def finish(self, command: str) -> None:
        """End the transaction (COMMIT or ROLLBACK) with what still waits, in one round trip."""
        if self._waiting == self._opening:
            self._waiting = []  # nothing ran: BEGIN and COMMIT need not travel
            return
        await self._send(_command(command), None)

    async def execute(self, sql: str, params: Params = ()) -> int:
        """Run one statement; for an INSERT into a table with an `id`, return the new id."""
        self._confine(sql)
        statement = to_postgres(sql)
        table = _inserted_table(sql)
        if table in self.id_tables and " RETURNING " not in statement.text.upper():
            cursor = await self._cursor(statement.returning_id(), params)
            row = await cursor.fetchone()
            return int(row[0]) if row is not None else 0
        if not self._opening:
            # Not a transaction of ours (a migration's): nothing would send what waits.
            await self._send(statement, params)
            return 0
        # Nothing is read back: it goes with the next statement that needs an answer.
        self._waiting.append((statement, params))
        return 0

    async def execute_count(self, sql: str, params: Params = ()) -> int:
        """Run one statement and return how many rows it changed."""
        self._confine(sql)
        cursor = await self._cursor(to_postgres(sql), params)
        return max(cursor.rowcount, 0)

    async def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        """Run one statement for many parameter rows."""
        self._confine(sql)
        statement = to_postgres(sql)
        await self._send(None, None)
        cursor = AsyncCursor(self.pg, row_factory=_row_factory)
        try:
            await cursor.executemany(statement.text, [statement.values(row) for row in rows])
        except RETRYABLE as exc:
            self.lost_race = exc
            raise
        except psycopg.IntegrityError as exc:
            raise self._integrity(exc) from exc
        self.changed += max(cursor.rowcount, 0)

    async def one(self, sql: str, params: Params = ()) -> Row | None:
        """The first row of a query, or None."""
        self._confine(sql)
        cursor = await self._cursor(to_postgres(sql), params)
        return await cursor.fetchone()

    async def all(self, sql: str, params: Params = ()) -> list[Row]:
        """All rows of a query."""
        self._confine(sql)
        cursor = await self._cursor(to_postgres(sql), params)
        return list(await cursor.fetchall())

    async def stream(self, sql: str, params: Params, batch: int) -> AsyncIterator[Row]:
        """The rows of one query, fetched `batch` at a time through a server-side cursor."""
        self._confine(sql)
        name = f"bietphai_stream_{next(_CURSOR_NUMBERS)}"
        query = to_postgres(sql)
        declare = replace(query, text=f"DECLARE {name} NO SCROLL CURSOR FOR {query.text}")
        await self._cursor(replace(declare, prepare=False), params)
        try:
            while rows := await (
                await self._cursor(_command(f"FETCH {int(batch)} FROM {name}"), None)
            ).fetchall():
                for row in rows:
                    yield row
        finally:
            if self.pg.info.transaction_status == TransactionStatus.INTRANS:
                await self._cursor(_command(f"CLOSE {name}"), None)

    async def lock(self, key: str) -> None:
        """Hold `key` until this transaction ends (other processes wait for it)."""
        self._confine("LOCK")
        await self._cursor(_LOCK, (lock_number(key),))

    async def try_lock(self, key: str) -> bool:
        """Take `key` for this transaction unless another transaction holds it."""
        self._confine("LOCK")
        cursor = await self._cursor(_TRY_LOCK, (lock_number(key),))
        row = await cursor.fetchone()
        return bool(row and row[0])


_LOCK = PgStatement("SELECT pg_advisory_xact_lock(%s)")
_SERIALIZABLE = "BEGIN ISOLATION LEVEL SERIALIZABLE"
_TRY_LOCK = PgStatement("SELECT pg_try_advisory_xact_lock(%s)")


def _command(text: str) -> PgStatement:
    """BEGIN, COMMIT, FETCH …: sent as they are, never prepared."""
    return PgStatement(text, prepare=False)


async def _run(cursor: AsyncCursor[PgRow], statement: PgStatement, params: Params | None) -> None:
    """Execute on the server's side: a statement is parsed and planned once per connection."""
    await cursor.execute(statement.text, statement.values(params), prepare=statement.prepare)


def _inserted_table(sql: str) -> str | None:
    head = sql.lstrip()[:80].split()
    if len(head) >= 3 and head[0].upper() == "INSERT":
        index = 2 if head[1].upper() == "INTO" else 4  # INSERT OR IGNORE INTO t
        if index < len(head):
            return head[index].split("(")[0].lower()
    return None


def describe_url(url: str) -> str:
    """host:port/name of a PostgreSQL URL, without user or password."""
    try:
        parts = conninfo_to_dict(url)
    except psycopg.ProgrammingError:
        return "?"
    host = parts.get("host") or "localhost"
    port = parts.get("port") or "5432"
    return f"{host}:{port}/{parts.get('dbname') or parts.get('user') or ''}"


class PgDatabase(Database):
    """The bietphai database on a PostgreSQL server, shared by any number of processes."""

    dialect = POSTGRESQL

    def __init__(self, url: str, *, pool_size: int = POOL_SIZE) -> None:
        # No file: a path in a folder that cannot exist, so nothing SQLite-only ever creates one.
        super().__init__(Path("/nonexistent/bietphai-on-postgresql"))
        self.url = url
        self.pool_size = pool_size
        self._pool: AsyncConnectionPool[AsyncConnection[PgRow]] | None = None
        self._id_tables: frozenset[str] = frozenset()
        self._serializable = asyncio.Lock()

    def describe(self) -> str:
        """host:port/name, for the operator."""
        return f"PostgreSQL {describe_url(self.url)}"

    async def _connect_once(self) -> AsyncConnection[PgRow]:
        """One connection, with every failure turned into one Vietnamese line."""
        where = describe_url(self.url)
        try:
            conninfo_to_dict(self.url)
        except psycopg.ProgrammingError as exc:
            raise StorageError(f"BOT_DATABASE_URL không hợp lệ: {first_line(exc)}") from exc
        try:
            conn = await AsyncConnection.connect(
                self.url, autocommit=True, connect_timeout=10, row_factory=_row_factory
            )
        except psycopg.OperationalError as exc:
            text = first_line(exc)
            if "does not exist" in text and "database" in text:
                name = where.split("/", 1)[-1]
                raise StorageError(
                    f"máy chủ PostgreSQL {where.split('/')[0]} chưa có cơ sở dữ liệu «{name}»; "
                    f"tạo nó trước (createdb {name}) rồi chạy lại"
                ) from exc
            raise StorageError(
                f"không kết nối được PostgreSQL {where} (BOT_DATABASE_URL): {text}"
            ) from exc
        except psycopg.Error as exc:
            raise StorageError(f"không kết nối được PostgreSQL {where}: {first_line(exc)}") from exc
        _adapt(conn)
        return conn

    async def open(self) -> PgDatabase:
        """Check the server answers, apply pending migrations, then open the pool."""
        first = await self._connect_once()
        try:
            await self._migrate_on(first)
            self._id_tables = await self._tables_with_id(first)
        except psycopg.Error as exc:
            raise StorageError(f"không áp dụng được migration trên PostgreSQL: {exc}") from exc
        finally:
            await first.close()
        pool: AsyncConnectionPool[AsyncConnection[PgRow]] = AsyncConnectionPool(
            self.url,
            min_size=1,
            max_size=self.pool_size,
            kwargs={"autocommit": True, "row_factory": _row_factory},
            configure=self._configure,
            check=_check_if_idle,
            reset=_mark_returned,
            open=False,
            name="bietphai",
        )
        try:
            await pool.open(wait=True, timeout=15)
        except PoolTimeout as exc:
            await pool.close()
            raise StorageError(
                f"không mở được kết nối tới PostgreSQL {describe_url(self.url)}"
            ) from exc
        self._pool = pool
        return self

    async def _configure(self, conn: AsyncConnection[PgRow]) -> None:
        _adapt(conn)
        # Room for every statement the bot runs, so none is prepared twice on a connection.
        conn.prepared_max = PREPARED_MAX

    async def close(self) -> None:
        """Close the pool; safe to call twice."""
        if self._pool is not None:
            await self._pool.close()
        self._pool = None

    async def open_again(self) -> PgDatabase:
        """A second Database on the same server database (as another process)."""
        return await PgDatabase(self.url, pool_size=self.pool_size).open()

    @property
    def pool(self) -> AsyncConnectionPool[AsyncConnection[PgRow]]:
        """The open pool."""
        if self._pool is None:
            raise StorageError("cơ sở dữ liệu chưa được mở")
        return self._pool

    @asynccontextmanager
    async def _tx(self, begin: str) -> AsyncIterator[PgTx]:
        async with self.pool.connection() as conn:
            tx = PgTx(conn, self._id_tables, begin)
            try:
                yield tx
            except BaseException:
                await _rollback(conn)
                raise
            if conn.info.transaction_status == TransactionStatus.INERROR:
                # A statement failed and the body went on: committing would silently roll back.
                await _rollback(conn)
                raise tx.lost_race or StorageError("giao dịch bị hủy do một lệnh SQL lỗi")
            try:
                await tx.finish("COMMIT")
            except BaseException:
                # A waiting statement failed before COMMIT (or COMMIT lost a race).
                await _rollback(conn)
                raise

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Tx]:
        """A short write transaction (READ COMMITTED); statements in it are atomic one by one.

        Check-then-act steps use `run` (serializable, retried) or `Tx.lock`.
        """
        async with self._tx("BEGIN") as tx:
            yield tx

    @asynccontextmanager
    async def read(self) -> AsyncIterator[Tx]:
        """A consistent read-only snapshot (REPEATABLE READ), like SQLite's read transaction."""
        async with self.pool.connection() as conn:
            tx = PgTx(conn, self._id_tables, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            try:
                yield tx
            finally:
                if conn.info.transaction_status == TransactionStatus.INTRANS:
                    # Nothing to undo; COMMIT keeps psycopg's prepared statements, which it
                    # forgets after any ROLLBACK.
                    await tx.finish("COMMIT")
                else:
                    await _rollback(conn)

    async def run(
        self, body: Callable[[Tx, int], Awaitable[T]], *, confined_to: OwnWrites | None = None
    ) -> T:
        """Run `body(tx, attempt)` serializable; again (attempt + 1) when it lost a race.

        With `confined_to`, the first attempt runs at REPEATABLE READ (a snapshot, no predicate
        locks) and may write only those rows, the chat's own: a concurrent change of one of
        them is a lost race, as is its key taken by a concurrent insert. A write beyond them
        (or a lock) escalates before it is sent: rolled back, the body runs again serializable
        (attempt + 1), one such run at a time in this process.
        """
        confined = confined_to
        attempt = races = 0
        while True:
            tx: PgTx | None = None
            try:
                if confined is not None:
                    async with self._tx("BEGIN ISOLATION LEVEL REPEATABLE READ") as tx:
                        tx.confined = confined
                        tx.confined_tables = confined.inserts
                        result = await body(tx, attempt)
                        if tx.escalated:
                            raise NeedsSerializable("the body went on after the signal")
                        return result
                # Serializable turns of one process would lose races to one another (the
                # predicate locks of the small shared tables cover whole pages): one at a time.
                async with self._serializable, self._tx(_SERIALIZABLE) as tx:
                    if confined_to is not None:
                        tx.confined_tables = confined_to.inserts
                    return await body(tx, attempt)
            except Exception as exc:
                if tx is not None and tx.escalated:
                    log.debug("turn run again serializable: %s", exc)
                    ESCALATIONS[0] += 1
                    confined = None
                    attempt += 1
                    continue
                if tx is None or tx.lost_race is None or races == MAX_ATTEMPTS - 1:
                    raise
            RETRIES[0] += 1
            races += 1
            attempt += 1
            # Jitter, so the two that collided do not collide again at once.
            await asyncio.sleep(random.uniform(0, 0.005 * 2 ** min(races - 1, 6)))

    @asynccontextmanager
    async def exclusive(self, name: str) -> AsyncIterator[Lease]:
        """Hold duty `name` across every process on this database (a session advisory lock)."""
        async with self.pool.connection() as conn:
            number = lock_number(duty_lock_key(name))
            row = await (
                await conn.execute("SELECT pg_try_advisory_lock(%s)", (number,))
            ).fetchone()
            lease = _PgLease(conn, bool(row and row[0]))
            try:
                yield lease
            finally:
                if lease.held and not conn.closed:
                    with contextlib.suppress(psycopg.Error):
                        await conn.execute("SELECT pg_advisory_unlock(%s)", (number,))

    async def ping(self) -> None:
        """Raise StorageError unless the server answers a query now (for /readyz)."""
        try:
            async with self.pool.connection(timeout=5) as conn:
                await conn.execute("SELECT 1")
        except (psycopg.Error, PoolTimeout) as exc:
            raise StorageError(f"PostgreSQL không trả lời: {first_line(exc)}") from exc

    async def table_names(self) -> list[str]:
        """The bietphai tables on the server (the migration record left out)."""
        async with self.read() as tx:
            rows = await tx.all(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = "
                "current_schema() AND table_type = 'BASE TABLE' "
                "AND table_name <> 'schema_migrations' ORDER BY table_name"
            )
        return [str(r[0]) for r in rows]

    async def backup(self, target: Path) -> None:
        """PostgreSQL is backed up with its own tools, not by bietphai."""
        raise StorageError(backup_hint(self.url))

    async def _tables_with_id(self, conn: AsyncConnection[PgRow]) -> frozenset[str]:
        rows = await (
            await conn.execute(
                "SELECT table_name FROM information_schema.columns "
                "WHERE table_schema = current_schema() AND column_name = 'id'"
            )
        ).fetchall()
        return frozenset(str(r[0]) for r in rows)

    async def _migrate_on(self, conn: AsyncConnection[PgRow]) -> None:
        """Apply the migrations not yet recorded, each in its own transaction.

        Processes starting together on one database: each takes the migration lock first (a
        session advisory lock), so one creates and migrates while the others wait, then find
        nothing left to do.
        """
        await conn.execute("SELECT pg_advisory_lock(%s)", (MIGRATION_LOCK,))
        try:
            await self._migrate_locked(conn)
        finally:
            if not conn.closed:
                await _rollback(conn)
                await conn.execute("SELECT pg_advisory_unlock(%s)", (MIGRATION_LOCK,))

    async def _migrate_locked(self, conn: AsyncConnection[PgRow]) -> None:
        # SQLite gets casefold() from Python; PostgreSQL's lower() folds Unicode letters too.
        await conn.execute(
            "CREATE OR REPLACE FUNCTION casefold(text) RETURNS text LANGUAGE sql IMMUTABLE "
            "STRICT PARALLEL SAFE AS 'SELECT lower($1)'"
        )
        record = PgTx(conn, frozenset())
        # Written by a newer bietphai: refused untouched, as an SQLite file is.
        pending = await pending_migrations(record, migrations(POSTGRESQL), Path(self.describe()))
        for number, script in pending:
            async with conn.transaction():
                for statement in split_sql(script):
                    await conn.execute(ddl_to_postgres(statement))
                await record_migration(record, number)
            self.migrations_applied += (number,)
            log.info("PostgreSQL migration %04d applied", number)


async def _mark_returned(conn: AsyncConnection[Any]) -> None:
    """Remember when the pool got this connection back (see `_check_if_idle`)."""
    _RETURNED[conn] = time.monotonic()


async def _check_if_idle(conn: AsyncConnection[Any]) -> None:
    """Check a connection that sat idle in the pool; one used a moment ago is alive.

    Checking each one handed out costs a round trip per transaction; a connection the server
    dropped while idle (a restart, a network cut) is what the check is for.
    """
    if time.monotonic() - _RETURNED.get(conn, 0.0) > CHECK_IDLE_AFTER:
        await AsyncConnectionPool.check_connection(conn)


async def _rollback(conn: AsyncConnection[Any]) -> None:
    if conn.info.transaction_status != TransactionStatus.IDLE and not conn.closed:
        # A broken connection cannot roll back: the pool throws it away.
        with contextlib.suppress(psycopg.Error):
            await conn.execute("ROLLBACK")


class _PgLease(Lease):
    """A duty held by a session advisory lock on one pooled connection."""

    def __init__(self, conn: AsyncConnection[PgRow], held: bool) -> None:
        super().__init__(held)
        self.conn = conn

    async def still_held(self) -> bool:
        """False once the connection holding the lock is gone (the server freed the lock)."""
        if not self.held:
            return False
        try:
            await self.conn.execute("SELECT 1")
        except psycopg.Error:
            self.held = False
        return self.held


def backup_hint(url: str) -> str:
    """The one line `bietphai backup` / `restore` say with PostgreSQL."""
    return (
        f"dữ liệu nằm trên PostgreSQL ({describe_url(url)}): sao lưu bằng {dump_command(url)}, "
        f"khôi phục bằng {restore_command(url)} (xem mục Restore trong README)"
    )


__all__ = ["PgDatabase", "PgRow", "backup_hint", "describe_url", "lock_number"]
