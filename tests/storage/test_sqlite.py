"""The storage contract on one SQLite file, plus what only a file on disk shows."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from bot.orgservice import create_invite
from handlers.onboarding.start import hash_code
from storage import Database, StorageError, audit, rows, worklog
from storage.db import check_path_usable
from storage.worklog import NewAttachment
from tests.chat import local
from tests.helpers.storage import AN, NOW, OpenDatabase
from tests.storage.contract import StorageContract, last_migration_number


async def snapshot(database: Database) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table, sorted, to compare two databases."""
    async with database.read() as tx:
        return await rows.snapshot(tx)


class TestSQLiteStorage(StorageContract):
    """The contract on one SQLite file, plus what only a file on disk shows."""

    @pytest.fixture
    def path(self, tmp_path: Path) -> Path:
        """The database file."""
        return tmp_path / "bietphai.sqlite3"

    @pytest.fixture
    def open_database(self, path: Path) -> OpenDatabase:
        """Open a new Database object on the same file."""

        async def open_() -> Database:
            return await Database(path).open()

        return open_

    async def test_user_version_pragma_records_the_last_migration(
        self, database: Database, path: Path
    ) -> None:
        with sqlite3.connect(path) as raw:
            assert raw.execute("PRAGMA user_version").fetchone()[0] == last_migration_number()

    async def test_wal_journal_and_foreign_keys_are_on(
        self, database: Database, path: Path
    ) -> None:
        async with database.read() as tx:
            assert await tx.value("PRAGMA foreign_keys") == 1
        # WAL is a property of the file: any other connection sees it too.
        with sqlite3.connect(path) as raw:
            assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"

    async def test_a_writer_waits_for_the_other_instance_to_commit(
        self, database: Database, open_database: OpenDatabase, an: int
    ) -> None:
        other = await open_database()
        try:
            async with database.transaction() as tx:
                # BEGIN IMMEDIATE takes the write lock at once, before this transaction writes.
                second = asyncio.create_task(self.add_entry(other, an, "Ghi từ tiến trình khác"))
                await asyncio.sleep(0.3)
                assert not second.done(), "the second writer should wait for the first"
                await worklog.add_work_log(
                    tx,
                    person_id=an,
                    commune_code="XA08",
                    work_date=date(2026, 11, 25),
                    topic="khac",
                    text="Ghi trước",
                    channel="telegram",
                    sent_at=NOW,
                    now=NOW,
                )
            await asyncio.wait_for(second, timeout=5)
            async with other.read() as tx:
                texts = [e.text for e in await worklog.recent_work_logs(tx, an)]
            assert sorted(texts) == ["Ghi trước", "Ghi từ tiến trình khác"]
        finally:
            await other.close()

    async def test_a_writer_gives_up_after_its_busy_timeout(
        self, database: Database, path: Path, an: int
    ) -> None:
        impatient = await Database(path, busy_timeout_ms=100).open()
        try:
            async with database.transaction():
                started = time.monotonic()
                with pytest.raises(sqlite3.OperationalError, match="locked"):
                    async with impatient.transaction() as tx:
                        await audit.add_audit(tx, at=NOW, actor="t", action="never")
                waited = time.monotonic() - started
            assert 0.05 <= waited < 3
            # Once the lock is free the impatient instance writes normally.
            async with impatient.transaction() as tx:
                await audit.add_audit(tx, at=NOW, actor="t", action="later")
            async with database.read() as tx:
                assert await audit.audit_lines(tx) == [("t", "later", "", "")]
        finally:
            await impatient.close()

    async def test_an_invite_code_never_reaches_the_file(
        self, database: Database, path: Path, an: int
    ) -> None:
        invite = await create_invite(database, AN, NOW, timedelta(days=7))
        await database.close()  # checkpoints the WAL into the main file
        on_disk = b"".join(
            p.read_bytes() for p in path.parent.iterdir() if p.name.startswith(path.name)
        )
        assert hash_code(invite.code, b"").encode() in on_disk
        assert invite.code.encode() not in on_disk

    def test_a_missing_folder_is_one_clear_error(self, tmp_path: Path) -> None:
        path = tmp_path / "chưa-tạo" / "bietphai.sqlite3"
        with pytest.raises(StorageError, match="thư mục chứa cơ sở dữ liệu không tồn tại") as error:
            check_path_usable(path)
        assert str(path.parent) in str(error.value)
        assert not path.parent.exists()

    async def test_opening_in_a_missing_folder_fails_without_creating_it(
        self, tmp_path: Path
    ) -> None:
        path = tmp_path / "chưa-tạo" / "bietphai.sqlite3"
        with pytest.raises(StorageError, match="thư mục chứa cơ sở dữ liệu không tồn tại"):
            await Database(path).open()
        assert not path.parent.exists()

    async def test_a_read_only_file_is_refused(self, database: Database, path: Path) -> None:
        await database.close()
        os.chmod(path, 0o444)
        try:
            # Tests may run as root, which ignores permission bits: the mode is checked too.
            with pytest.raises(StorageError, match="chỉ cho phép đọc") as error:
                await Database(path).open()
            assert str(path) in str(error.value)
        finally:
            os.chmod(path, 0o644)

    def test_a_folder_in_place_of_the_file_is_refused(self, tmp_path: Path) -> None:
        with pytest.raises(StorageError, match="không phải là một tệp"):
            check_path_usable(tmp_path)

    async def test_stored_times_sort_as_text_in_time_order(self, database: Database) -> None:
        # 07:30 in Vietnam (00:30 UTC) comes before 01:00 UTC; indexes compare the text.
        vietnam_morning = local("2026-11-25 07:30")
        one_am_utc = datetime(2026, 11, 25, 1, tzinfo=UTC)
        async with database.transaction() as tx:
            await audit.add_audit(tx, at=one_am_utc, actor="t", action="second")
            await audit.add_audit(tx, at=vietnam_morning, actor="t", action="first")
        async with database.read() as tx:
            ordered = [r[0] for r in await tx.all("SELECT action FROM audit_log ORDER BY at")]
        assert ordered == ["first", "second"]

    # --- Backup ---

    async def test_a_backup_opens_with_the_same_data(
        self, database: Database, an: int, tmp_path: Path
    ) -> None:
        await self.add_entry(
            database, an, "Họp với UBND xã", attachments=(NewAttachment("photo", "p"),)
        )
        await create_invite(database, AN, NOW, timedelta(days=7))
        target = tmp_path / "backup" / "bietphai-2026-11-25.sqlite3"
        target.parent.mkdir()
        await database.backup(target)
        copy = await Database(target).open()
        try:
            assert await copy.schema_version() == last_migration_number()
            assert await snapshot(copy) == await snapshot(database)
            async with copy.read() as tx:
                [entry] = await worklog.recent_work_logs(tx, an)
            assert entry.text == "Họp với UBND xã" and entry.attachment_count == 1
        finally:
            await copy.close()
