"""The migration record: every applied number kept, on both backends, so a migration missing in
the middle is applied; SQLite files from before the record (PRAGMA user_version only) adopted."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from storage import Database, StorageError, health, rows
from storage.db import migrations, split_sql
from storage.pg import PgDatabase
from storage.schema import applied_migrations
from tests.helpers.storage import OpenDatabase
from tests.pgserver import PgServer

SHIPPED = [number for number, _ in migrations()]
NEWEST = max(SHIPPED)
# 0013 creates two tables and nothing else: easy to take out of a database again.
MIDDLE = 13
MIDDLE_TABLES = ("web_sessions", "web_links")


@pytest.fixture
def open_fresh(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> Iterator[OpenDatabase]:
    """Opens a Database on a store of its own (a new file, or a new PostgreSQL database)."""
    if backend == "postgresql":
        server: PgServer = request.getfixturevalue("pg_server")
        url = server.create(f"migr{id(tmp_path) % 100000}")

        async def open_pg() -> Database:
            return await PgDatabase(url).open()

        yield open_pg
        return
    path = tmp_path / "bietphai.sqlite3"

    async def open_sqlite() -> Database:
        return await Database(path).open()

    yield open_sqlite


def old_sqlite_file(path: Path, up_to: int) -> None:
    """A file as bietphai left it before the record: migrations ≤ up_to, user_version only."""
    with sqlite3.connect(path) as raw:
        for number, sql in migrations():
            if number > up_to:
                break
            for statement in split_sql(sql):
                raw.execute(statement)
            raw.execute(f"PRAGMA user_version = {number}")
        raw.execute(
            "INSERT INTO people (full_name, role, created_at) "
            "VALUES ('Nguyễn Văn An', 'official', '2026-11-01T00:00:00.000000+00:00')"
        )


def recorded_in_file(path: Path) -> tuple[list[int], int]:
    """(the numbers in the file's record, its user_version)."""
    with sqlite3.connect(path) as raw:
        numbers = [r[0] for r in raw.execute("SELECT version FROM schema_migrations ORDER BY 1")]
        return numbers, raw.execute("PRAGMA user_version").fetchone()[0]


@pytest.mark.both_backends
async def test_every_applied_migration_is_recorded_by_number(open_fresh: OpenDatabase) -> None:
    db = await open_fresh()
    try:
        async with db.read() as tx:
            assert sorted(await applied_migrations(tx)) == SHIPPED
        assert await db.schema_version() == NEWEST
    finally:
        await db.close()


@pytest.mark.both_backends
async def test_a_database_missing_a_middle_migration_gets_it(open_fresh: OpenDatabase) -> None:
    db = await open_fresh()
    try:
        assert db.migrations_applied == tuple(SHIPPED)
        # As if 0013 had landed after this database reached a higher number.
        async with db.transaction() as tx:
            for table in MIDDLE_TABLES:
                await tx.execute(f"DROP TABLE {table}")
            await tx.execute("DELETE FROM schema_migrations WHERE version = ?", (MIDDLE,))
        assert await db.schema_version() == NEWEST  # the highest number alone hides the gap
        async with db.read() as tx:
            assert await health.schema_behind(tx) == (NEWEST, NEWEST, [MIDDLE])
    finally:
        await db.close()
    again = await open_fresh()
    try:
        assert again.migrations_applied == (MIDDLE,)
        async with again.read() as tx:
            assert sorted(await applied_migrations(tx)) == SHIPPED
            assert set(MIDDLE_TABLES) <= set(await rows.table_names(tx))
            assert await health.schema_behind(tx) == (NEWEST, NEWEST, [])
    finally:
        await again.close()


async def test_an_sqlite_file_at_an_old_user_version_upgrades_cleanly(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    old_sqlite_file(path, up_to=10)
    db = await Database(path).open()
    try:
        assert await db.schema_version() == NEWEST
        async with db.read() as tx:
            assert await rows.row_count(tx, "people") == 1
            assert "schema_migrations" not in await rows.table_names(tx)
        # 0001–0010 counted as applied (running them again would fail: their tables exist).
        assert db.migration_backup == path.with_name("old.sqlite3.before-migration-0010")
    finally:
        await db.close()
    assert recorded_in_file(path) == (SHIPPED, NEWEST)


async def test_an_sqlite_file_already_at_the_newest_is_recorded_without_running_anything(
    tmp_path: Path,
) -> None:
    path = tmp_path / "old.sqlite3"
    old_sqlite_file(path, up_to=NEWEST)
    # Every script run again would fail (ALTER TABLE … ADD COLUMN twice, CREATE TABLE twice).
    db = await Database(path).open()
    try:
        assert await db.schema_version() == NEWEST
        assert db.migration_backup is None  # nothing in the schema changed but the record
    finally:
        await db.close()
    assert recorded_in_file(path) == (SHIPPED, NEWEST)


async def test_an_sqlite_file_from_a_newer_bietphai_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "new.sqlite3"
    db = await Database(path).open()
    await db.close()
    with sqlite3.connect(path) as raw:
        raw.execute("INSERT INTO schema_migrations VALUES (?, 'later')", (NEWEST + 1,))
    before = path.read_bytes()
    with pytest.raises(StorageError, match=f"phiên bản lược đồ {NEWEST + 1}"):
        await Database(path).open()
    assert path.read_bytes() == before
