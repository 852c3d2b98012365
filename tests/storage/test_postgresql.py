"""The storage contract on a PostgreSQL database, plus what only PostgreSQL shows."""

from __future__ import annotations

from pathlib import Path

import pytest

from storage import Database, StorageError
from storage.db import migrations
from storage.pg import PgDatabase
from tests.helpers.storage import OpenDatabase
from tests.storage.contract import StorageContract


class TestPostgreSQLStorage(StorageContract):
    """The contract on one server database (tests/pgserver.py: emptied before each test)."""

    @pytest.fixture
    def open_database(self, pg_url: str) -> OpenDatabase:
        """Open a new Database object on the same server database."""

        async def open_() -> Database:
            return await PgDatabase(pg_url).open()

        return open_

    async def test_backup_names_the_servers_own_tools(
        self, database: Database, tmp_path: Path
    ) -> None:
        target = tmp_path / "bietphai.sqlite3"
        with pytest.raises(StorageError, match="pg_dump") as error:
            await database.backup(target)
        assert "pg_restore" in str(error.value)
        assert not target.exists()

    async def test_applied_migrations_are_recorded(self, database: Database) -> None:
        async with database.read() as tx:
            numbers = [r[0] for r in await tx.all("SELECT version FROM schema_migrations")]
        assert sorted(numbers) == [number for number, _ in migrations("postgresql")]
