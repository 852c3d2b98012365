"""How statements reach PostgreSQL: prepared once, sent together, and still correct when a
table changes, a pipeline aborts or the server drops a connection."""

from __future__ import annotations

from collections.abc import AsyncIterator

import psycopg
import pytest

from storage import Tx
from storage.constraints import CONSTRAINT_ERRORS
from storage.dialect import PgStatement, to_postgres
from storage.pg import PgDatabase


def test_each_named_parameter_is_its_own_placeholder() -> None:
    statement = to_postgres("SELECT id FROM people WHERE (:division IS NULL OR d = :division)")
    assert statement == PgStatement(
        "SELECT id FROM people WHERE (CAST(%s AS TEXT) IS NULL OR d = %s)",
        ("division", "division"),
    )
    assert statement.values({"division": "XDCQ"}) == ("XDCQ", "XDCQ")


def test_only_a_parameter_tested_for_null_is_read_as_text() -> None:
    statement = to_postgres("SELECT ? IS NOT NULL, ?  is  null, x IS NULL, y = ? FROM t")
    assert statement.text == (
        "SELECT CAST(%s AS TEXT) IS NOT NULL, CAST(%s AS TEXT)  is  null, x IS NULL, y = %s FROM t"
    )
    assert statement.names is None


@pytest.fixture
async def pg(pg_url: str) -> AsyncIterator[PgDatabase]:
    """A database whose pool holds one connection, so each step reuses the same one."""
    db = await PgDatabase(pg_url, pool_size=1).open()
    yield db
    await db.close()


async def test_a_parameter_tested_for_null_takes_any_value(pg: PgDatabase) -> None:
    async with pg.transaction() as tx:
        await tx.execute("INSERT INTO divisions (code, name) VALUES ('A', 'a'), ('B', 'b')")
    query = "SELECT count(*) FROM divisions WHERE :code IS NULL OR code = :code"
    for _ in range(7):  # past the executions after which PostgreSQL may keep a generic plan
        async with pg.read() as tx:
            assert await tx.value(query, {"code": None}) == 2
            assert await tx.value(query, {"code": "A"}) == 1
            assert await tx.value("SELECT ? IS NULL, ? IS NULL", (5, None)) is False


def test_a_statement_reading_every_column_is_not_prepared() -> None:
    assert not to_postgres("SELECT * FROM divisions").prepare
    assert not to_postgres("SELECT d.*, p.full_name FROM d JOIN p ON p.id = d.p").prepare
    assert to_postgres("SELECT count(*), 2 * x FROM d WHERE '*' = ?").prepare


async def test_a_table_changed_by_another_process_does_not_break_a_prepared_turn(
    pg: PgDatabase, pg_url: str
) -> None:
    async def names(tx: Tx, attempt: int) -> list[str]:
        return [row["name"] for row in await tx.all("SELECT code, name FROM divisions")]

    async with pg.transaction() as tx:
        await tx.execute("INSERT INTO divisions (code, name) VALUES ('A', 'a')")
    assert await pg.run(names) == ["a"]
    # Another process migrates: the row type under the prepared statement changes, the
    # server refuses it once ("cached plan must not change result type"); the turn runs again.
    with psycopg.connect(pg_url, autocommit=True) as other:
        other.execute("ALTER TABLE divisions ALTER COLUMN name TYPE VARCHAR(200)")
    assert await pg.run(names) == ["a"]
    async with pg.read() as tx:
        assert [row["name"] for row in await tx.all("SELECT code, name FROM divisions")] == ["a"]
    # SELECT * is never prepared, so a new column does not even cost a retry.
    async with pg.read() as tx:
        assert len(await tx.all("SELECT * FROM divisions")) == 1
    with psycopg.connect(pg_url, autocommit=True) as other:
        other.execute("ALTER TABLE divisions ADD COLUMN note TEXT")
    async with pg.read() as tx:
        assert (await tx.all("SELECT * FROM divisions"))[0]["note"] is None


async def test_a_statement_sent_behind_a_failing_write_is_prepared_again_later(
    pg: PgDatabase,
) -> None:
    async with pg.transaction() as tx:
        await tx.execute("INSERT INTO divisions (code, name) VALUES ('A', 'a')")
    query = "SELECT name FROM divisions WHERE code = ? AND name IS NOT NULL"
    with pytest.raises(CONSTRAINT_ERRORS):
        async with pg.transaction() as tx:
            # Waits, then goes in one pipeline with the query, which the server skips.
            await tx.execute("INSERT INTO divisions (code, name) VALUES ('A', 'again')")
            await tx.one(query, ("A",))
    async with pg.read() as tx:
        assert await tx.value(query, ("A",)) == "a"


async def test_a_failing_write_sent_with_commit_rolls_back_the_whole_transaction(
    pg: PgDatabase,
) -> None:
    async with pg.transaction() as tx:
        await tx.execute("INSERT INTO divisions (code, name) VALUES ('A', 'a')")
    with pytest.raises(CONSTRAINT_ERRORS):
        async with pg.transaction() as tx:
            await tx.execute("INSERT INTO divisions (code, name) VALUES ('B', 'b')")
            await tx.execute("INSERT INTO divisions (code, name) VALUES ('A', 'again')")
    async with pg.read() as tx:
        assert [tuple(r) for r in await tx.all("SELECT code, name FROM divisions")] == [("A", "a")]
    # The connection is clean again for the next transaction.
    async with pg.transaction() as tx:
        await tx.execute("INSERT INTO divisions (code, name) VALUES ('B', 'b')")
        assert await tx.changes() == 1
    async with pg.read() as tx:
        assert await tx.value("SELECT count(*) FROM divisions") == 2


async def test_a_connection_the_server_dropped_while_idle_is_replaced(
    pg: PgDatabase, pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with pg.read() as tx:
        pid = await tx.value("SELECT pg_backend_pid()")
    with psycopg.connect(pg_url, autocommit=True) as other:
        other.execute("SELECT pg_terminate_backend(%s)", (pid,))
    # As if it had sat in the pool longer than the check's threshold.
    monkeypatch.setattr("storage.pg.CHECK_IDLE_AFTER", -1.0)
    async with pg.read() as tx:
        assert await tx.value("SELECT pg_backend_pid()") != pid
