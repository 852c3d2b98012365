"""The storage contract: what every backend promises the handlers, asserted through storage.

A backend runs these tests by subclassing `StorageContract` and providing `open_database`
(tests/storage/test_sqlite.py does it for the SQLite file).
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

import storage
from bot.orgservice import create_invite
from handlers.onboarding.start import hash_code
from storage import Database, audit, conversation, invites, org, rows, turns, updates, worklog
from storage.constraints import CONSTRAINT_ERRORS
from storage.models import ConversationState
from storage.org_import import (
    AssignmentRow,
    CommuneRow,
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
            assert await rows.row_count(tx, "work_logs") == 0

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
            assert await rows.row_count(tx, "work_logs") == 0
            assert await rows.row_count(tx, "attachments") == 0
            assert await audit.audit_lines(tx) == []
        # The connection is usable again: the next transaction commits normally.
        await self.add_entry(database, an, "Làm lại")
        async with database.read() as tx:
            assert await worklog.count_work_logs(tx, an) == 1

    async def test_foreign_keys_are_enforced(self, database: Database, an: int) -> None:
        with pytest.raises(CONSTRAINT_ERRORS):
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
            [row] = [r for r in await rows.rows_of(tx, "work_logs") if r["id"] == entry_id]
            entry = await worklog.work_log_by_id(tx, entry_id)
        assert entry is not None
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

    async def test_a_turn_reads_the_senders_communes_of_the_day_with_it(
        self, database: Database
    ) -> None:
        wave = ORG.waves[0]
        two = replace(
            ORG,
            communes=[
                *ORG.communes,
                CommuneRow("XA09", "Xã A Lưới", "Khu vực Biên giới phía Tây", False),
            ],
            assignments=[
                *ORG.assignments,
                AssignmentRow(AN, "XA09", wave.name, wave.start, date(2026, 11, 30)),
                # Twice at one commune (two rows cover the day): named once.
                AssignmentRow(AN, "XA09", wave.name, date(2026, 11, 20), date(2026, 11, 26)),
            ],
        )
        async with database.transaction() as tx:
            await apply_org(tx, two, NOW)
            an = await resolve_person(tx, AN)
            await org.link_identity(
                tx,
                channel="telegram",
                user_id="42",
                chat_id="42",
                person_id=an,
                display_name="An",
                now=NOW,
            )

        async def load(user: str, day: date | None) -> turns.TurnContext:
            async with database.read() as tx:
                return await turns.load_turn(
                    tx,
                    update_key="telegram:1",
                    channel="telegram",
                    user_id=user,
                    chat_id=user,
                    now=NOW,
                    refresh=timedelta(days=1),
                    day=day,
                )

        day = date(2026, 11, 25)
        both = await load("42", day)
        async with database.read() as tx:
            assert both.communes == tuple(await org.communes_of_person_on(tx, an, day))
        assert both.person is not None and both.person.id == an
        assert [c.name for c in both.communes or ()] == ["Xã A Lưới", "Xã Pa Lang"]
        assert [c.code for c in (await load("42", date(2026, 12, 10))).communes or ()] == ["XA08"]
        assert (await load("42", date(2027, 1, 5))).communes == ()
        assert (await load("42", None)).communes is None
        stranger = await load("7", day)
        assert stranger.person is None and stranger.communes is None

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
                [stored] = await rows.rows_of(tx, "conversation_state")
            raw = stored["data"]
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
            assert await updates.awaiting_reply(tx, "telegram") == [
                updates.UnsentReplies("telegram:42", "42", replies)
            ]
            assert await updates.awaiting_reply(tx, "zalo") == []
        async with database.transaction() as tx:
            await updates.mark_replied(tx, ["telegram:42"], NOW)
        async with database.read() as tx:
            assert await updates.processed_update(tx, "telegram:42") == updates.ProcessedUpdate(
                [], replied=True
            )
            assert await updates.awaiting_reply(tx, "telegram") == []
        # Recording the same update twice is impossible: a redelivery cannot be stored twice.
        with pytest.raises(CONSTRAINT_ERRORS):
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
            [row] = [tuple(r.values()) for r in await rows.rows_of(tx, "invites")]
            stored = await invites.invite_by_hash(tx, hash_code(invite.code, b""))
        assert all(invite.code not in str(value) for value in row)
        assert hash_code(invite.code, b"") in row
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
