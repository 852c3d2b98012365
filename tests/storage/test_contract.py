"""The storage contract: what every storage backend promises the handlers.

`StorageContract` holds the tests; a backend runs them by subclassing it and providing
`open_database` (aiogram's tests/test_fsm/storage do the same). `TestSQLiteStorage` is the
SQLite file backend and adds what only a file on disk can show.
"""

from __future__ import annotations

import asyncio
import os
import re
import sqlite3
import time
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

import storage
from bot.orgservice import create_invite
from handlers.onboarding.start import hash_code
from storage import Database, StorageError, audit, conversation, invites, updates, worklog
from storage.db import check_path_usable
from storage.models import ConversationState
from storage.org_import import (
    apply_org,
    resolve_person,
)
from storage.worklog import NewAttachment
from tests.chat import local
from tests.helpers.storage import AN, NOW, ORG, OpenDatabase

MIGRATIONS = Path(storage.__file__).parent / "migrations"


def last_migration_number() -> int:
    """The number in the name of the newest migration file (0001_initial.sql → 1)."""
    numbers = [int(p.name[:4]) for p in MIGRATIONS.glob("*.sql") if re.match(r"\d{4}_", p.name)]
    return max(numbers)


async def snapshot(database: Database) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table, sorted, to compare two databases."""
    async with database.read() as tx:
        tables = [
            r[0]
            for r in await tx.all(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        ]
        return {t: sorted(tuple(r) for r in await tx.all(f"SELECT * FROM {t}")) for t in tables}


class StorageContract:
    """Tests every storage backend must pass; subclasses provide `open_database`."""

    @pytest.fixture
    def open_database(self, tmp_path: Path) -> OpenDatabase:
        """Open a new Database object on the backend's one store (called more than once)."""
        raise NotImplementedError

    @pytest.fixture
    async def database(self, open_database: OpenDatabase) -> AsyncIterator[Database]:
        """The open database under test."""
        database = await open_database()
        yield database
        await database.close()

    @pytest.fixture
    async def an(self, database: Database) -> int:
        """The id of Nguyễn Văn An, official at Xã Pa Lang in Đợt 2."""
        async with database.transaction() as tx:
            await apply_org(tx, ORG, NOW)
            return await resolve_person(tx, AN)

    async def add_entry(
        self,
        database: Database,
        person_id: int,
        text: str,
        attachments: tuple[NewAttachment, ...] = (),
    ) -> int:
        """A work log at Xã Pa Lang for 25/11/2026, sent at 09:00 Vietnam time."""
        async with database.transaction() as tx:
            return await worklog.add_work_log(
                tx,
                person_id=person_id,
                commune_code="XA08",
                work_date=date(2026, 11, 25),
                topic="vitri",
                text=text,
                channel="telegram",
                sent_at=NOW,
                now=NOW,
                attachments=attachments,
            )

    # --- Schema and opening ---

    async def test_a_new_database_has_every_migration_applied(self, database: Database) -> None:
        assert await database.schema_version() == last_migration_number()
        async with database.read() as tx:
            assert await tx.value("SELECT count(*) FROM work_logs") == 0

    async def test_opening_the_same_store_again_keeps_data_and_version(
        self, database: Database, open_database: OpenDatabase, an: int
    ) -> None:
        await self.add_entry(database, an, "Họp với UBND xã")
        await database.close()
        again = await open_database()
        try:
            assert await again.schema_version() == last_migration_number()
            async with again.read() as tx:
                [entry] = await worklog.recent_work_logs(tx, an)
            assert entry.text == "Họp với UBND xã"
        finally:
            await again.close()

    async def test_two_instances_opening_a_fresh_store_at_once_both_succeed(
        self, open_database: OpenDatabase
    ) -> None:
        # The bot and an admin's `bietphai import-org` may start together on a new file.
        first, second = await asyncio.gather(open_database(), open_database())
        try:
            assert await first.schema_version() == last_migration_number()
            assert await second.schema_version() == last_migration_number()
        finally:
            await first.close()
            await second.close()

    # --- Transactions ---

    async def test_an_error_inside_a_transaction_leaves_nothing_behind(
        self, database: Database, an: int
    ) -> None:
        with pytest.raises(RuntimeError, match="mất sóng"):
            async with database.transaction() as tx:
                await worklog.add_work_log(
                    tx,
                    person_id=an,
                    commune_code="XA08",
                    work_date=date(2026, 11, 25),
                    topic="khac",
                    text="Nửa chừng",
                    channel="telegram",
                    sent_at=NOW,
                    now=NOW,
                    attachments=(NewAttachment("photo", "photo-1"),),
                )
                await audit.add_audit(tx, at=NOW, actor="test", action="half_done")
                raise RuntimeError("mất sóng")
        async with database.read() as tx:
            assert await tx.value("SELECT count(*) FROM work_logs") == 0
            assert await tx.value("SELECT count(*) FROM attachments") == 0
            assert await audit.audit_lines(tx) == []
        # The connection is usable again: the next transaction commits normally.
        await self.add_entry(database, an, "Làm lại")
        async with database.read() as tx:
            assert await worklog.count_work_logs(tx, an) == 1

    async def test_foreign_keys_are_enforced(self, database: Database, an: int) -> None:
        with pytest.raises(sqlite3.IntegrityError):
            async with database.transaction() as tx:
                await worklog.add_work_log(
                    tx,
                    person_id=an,
                    commune_code="XA99",
                    work_date=date(2026, 11, 25),
                    topic="khac",
                    text="Xã không có trong danh sách",
                    channel="telegram",
                    sent_at=NOW,
                    now=NOW,
                )

    # --- Work logs ---

    async def test_editing_and_deleting_an_entry_keeps_every_old_version(
        self, database: Database, an: int
    ) -> None:
        entry_id = await self.add_entry(database, an, "Họp với UBND xã")
        async with database.transaction() as tx:
            assert await worklog.edit_work_log(
                tx, entry_id, text="Họp với UBND xã Pa Lang", topic=None, by=an, now=NOW
            )
        async with database.transaction() as tx:
            assert await worklog.edit_work_log(
                tx, entry_id, text="Họp rà soát đề án", topic="khac", by=an, now=NOW
            )
        async with database.read() as tx:
            entry = await worklog.work_log_by_id(tx, entry_id)
        assert entry is not None
        assert (entry.text, entry.topic, entry.edited, entry.deleted) == (
            "Họp rà soát đề án",
            "khac",
            True,
            False,
        )
        async with database.transaction() as tx:
            assert await worklog.delete_work_log(tx, entry_id, by=an, now=NOW)
            # Deleting twice (a double tap) is refused, and so is editing a deleted entry.
            assert not await worklog.delete_work_log(tx, entry_id, by=an, now=NOW)
            assert not await worklog.edit_work_log(
                tx, entry_id, text="muộn", topic=None, by=an, now=NOW
            )
        async with database.read() as tx:
            gone = await worklog.work_log_by_id(tx, entry_id)
            assert await worklog.recent_work_logs(tx, an) == []
            assert await worklog.count_work_logs(tx, an) == 0
            history = await worklog.revisions_of(tx, entry_id)
        assert gone is not None and gone.deleted
        assert history == [
            ("edit", "vitri", "Họp với UBND xã"),
            ("edit", "vitri", "Họp với UBND xã Pa Lang"),
            ("delete", "khac", "Họp rà soát đề án"),
        ]

    async def test_times_are_stored_in_utc_and_work_dates_as_local_dates(
        self, database: Database, an: int
    ) -> None:
        # 06:30 on 25/11 in Vietnam is still 24/11 in UTC: the work date stays the local one.
        sent = local("2026-11-25 06:30")
        async with database.transaction() as tx:
            entry_id = await worklog.add_work_log(
                tx,
                person_id=an,
                commune_code="XA08",
                work_date=date(2026, 11, 25),
                topic="khac",
                text="Đi sớm lên xã",
                channel="zalo",
                sent_at=sent,
                now=sent,
            )
        async with database.read() as tx:
            row = await tx.one(
                "SELECT work_date, sent_at, created_at FROM work_logs WHERE id = ?", (entry_id,)
            )
            entry = await worklog.work_log_by_id(tx, entry_id)
        assert row is not None and entry is not None
        assert row["work_date"] == "2026-11-25"
        assert row["sent_at"] == "2026-11-24T23:30:00.000000+00:00"
        assert row["created_at"] == row["sent_at"]
        assert entry.work_date == date(2026, 11, 25)
        assert entry.sent_at == sent and entry.sent_at.utcoffset() == timedelta(0)

    async def test_a_time_without_a_zone_is_refused(self, database: Database, an: int) -> None:
        with pytest.raises(ValueError, match="naive"):
            async with database.transaction() as tx:
                await audit.add_audit(tx, at=datetime(2026, 11, 25, 9), actor="t", action="x")

    async def test_attachments_are_counted_per_entry(self, database: Database, an: int) -> None:
        photos = (NewAttachment("photo", "photo-1", "Biên bản họp"), NewAttachment("photo", "p-2"))
        with_photos = await self.add_entry(database, an, "Họp", attachments=photos)
        without = await self.add_entry(database, an, "Soạn báo cáo")
        async with database.transaction() as tx:
            await worklog.add_attachment(
                tx, "work_log", with_photos, "telegram", NewAttachment("document", "doc-1"), NOW
            )
        async with database.read() as tx:
            counts = {e.id: e.attachment_count for e in await worklog.recent_work_logs(tx, an)}
        assert counts == {with_photos: 3, without: 0}

    # --- Conversation state, update keys, invites, audit ---

    async def test_conversation_state_survives_a_restart_with_vietnamese_text(
        self, database: Database, open_database: OpenDatabase, an: int
    ) -> None:
        state = ConversationState(
            flow="log",
            step="text",
            data={"day": "2026-11-25", "text": "Hướng dẫn xã rà soát đề án vị trí việc làm"},
            token="k3",
            offered=[["Vị trí việc làm", "log:vitri"], ["Khác", "log:khac"]],
        )
        async with database.transaction() as tx:
            assert await conversation.load_state(tx, "telegram", "1001") == conversation.EMPTY
            await conversation.save_state(tx, "telegram", "1001", an, state, NOW)
        await database.close()
        again = await open_database()
        try:
            async with again.read() as tx:
                assert await conversation.load_state(tx, "telegram", "1001") == state
                # The same chat id on another channel is another conversation.
                assert await conversation.load_state(tx, "zalo", "1001") == conversation.EMPTY
                raw = await tx.value("SELECT data FROM conversation_state")
            assert "Hướng dẫn xã" in raw  # readable in the database, not \\u escapes
            finished = ConversationState(None, None, {}, "", [])
            async with again.transaction() as tx:
                await conversation.save_state(tx, "telegram", "1001", an, finished, NOW)
            async with again.read() as tx:
                assert await conversation.load_state(tx, "telegram", "1001") == finished
        finally:
            await again.close()

    async def test_a_processed_update_is_recognised_with_its_unsent_replies(
        self, database: Database
    ) -> None:
        replies = [{"text": "Đã ghi nhật ký số 1 ngày 25/11/2026."}]
        async with database.transaction() as tx:
            assert await updates.processed_update(tx, "telegram:42") is None
            await updates.record_update(tx, "telegram:42", "42", replies, NOW)
        async with database.read() as tx:
            assert await updates.processed_update(tx, "telegram:42") == updates.ProcessedUpdate(
                replies, replied=False
            )
            assert await updates.processed_update(tx, "zalo:42") is None
        async with database.transaction() as tx:
            await updates.mark_replied(tx, ["telegram:42"], NOW)
        async with database.read() as tx:
            assert await updates.processed_update(tx, "telegram:42") == updates.ProcessedUpdate(
                [], replied=True
            )
        # Recording the same update twice is impossible: a redelivery cannot be stored twice.
        with pytest.raises(sqlite3.IntegrityError):
            async with database.transaction() as tx:
                await updates.record_update(tx, "telegram:42", "42", [], NOW)

    async def test_old_update_keys_are_forgotten(self, database: Database) -> None:
        async with database.transaction() as tx:
            await updates.record_update(tx, "telegram:1", "1", [], NOW - timedelta(days=3))
            await updates.record_update(tx, "telegram:2", "2", [], NOW)
        async with database.transaction() as tx:
            assert await updates.forget_updates_before(tx, NOW - timedelta(days=1)) == 1
        async with database.read() as tx:
            assert await updates.processed_update(tx, "telegram:1") is None
            assert await updates.processed_update(tx, "telegram:2") is not None

    async def test_an_invite_is_stored_only_as_a_hash_and_used_once(
        self, database: Database, an: int
    ) -> None:
        invite = await create_invite(database, AN, NOW, timedelta(days=7))
        async with database.read() as tx:
            rows = [tuple(r) for r in await tx.all("SELECT * FROM invites")]
            stored = await invites.invite_by_hash(tx, hash_code(invite.code, b""))
        assert len(rows) == 1
        assert all(invite.code not in str(value) for value in rows[0])
        assert hash_code(invite.code, b"") in rows[0]
        assert stored is not None and stored.person_id == an and stored.used_at is None
        assert stored.expires_at == NOW + timedelta(days=7)
        async with database.transaction() as tx:
            assert await invites.use_invite(tx, stored.id, channel="telegram", now=NOW)
            assert not await invites.use_invite(tx, stored.id, channel="zalo", now=NOW)
        async with database.read() as tx:
            used = await invites.invite_by_hash(tx, hash_code(invite.code.lower(), b""))
            assert await invites.invite_by_hash(tx, hash_code("ABCD2345", b"")) is None
        assert used is not None and used.used_at == NOW

    async def test_the_audit_trail_keeps_lines_in_order(self, database: Database) -> None:
        async with database.transaction() as tx:
            await audit.add_audit(
                tx, at=NOW, actor="cli", action="import_org", subject="org.xlsx", detail="111"
            )
            await audit.add_audit(tx, at=NOW, actor="cli", action="invite", subject="person:1")
            await audit.add_audit(
                tx, at=NOW + timedelta(hours=2), actor="telegram:9", action="invite_wrong"
            )
        async with database.read() as tx:
            assert await audit.audit_lines(tx) == [
                ("cli", "import_org", "org.xlsx", "111"),
                ("cli", "invite", "person:1", ""),
                ("telegram:9", "invite_wrong", "", ""),
            ]
            assert await audit.audit_lines(tx, "invite") == [("cli", "invite", "person:1", "")]
            assert await audit.audited_since(
                tx, action="invite", subject="person:1", since=NOW - timedelta(minutes=1)
            )
            assert not await audit.audited_since(
                tx, action="invite", subject="person:1", since=NOW + timedelta(minutes=1)
            )

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
