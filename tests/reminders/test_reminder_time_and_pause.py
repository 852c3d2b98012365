"""Stories of an official choosing when the bot reminds them to log (/nhacnho)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date, time, timedelta
from pathlib import Path

import pytest

from bot.orgservice import create_invite
from handlers.core.turn import HandlerConfig
from handlers.reminders.prefs import parse_clock
from handlers.router import Router
from storage import Database, prefs
from storage.org_import import apply_org, resolve_person
from storage.prefs import ReminderPrefs
from tests.chat import ZONE, Chat
from tests.helpers.sample import AN, THANH, MakeChat
from tests.helpers.storage import NOW, ORG, OpenDatabase


async def prefs_of(db: Database, name: str) -> ReminderPrefs:
    """The stored reminder time and pause of a person."""
    async with db.read() as tx:
        return await prefs.reminder_prefs(tx, await resolve_person(tx, name))


async def test_the_card_shows_the_default_times_and_what_can_be_changed(
    linked_chat: MakeChat, org_db: Database
) -> None:
    chat = await linked_chat(AN)
    reply = await chat.say("/nhacnho")
    assert reply.startswith("Nhắc nhở ghi nhật ký: lúc 16:30 (giờ mặc định)")
    assert "nhắc lại lúc 20:00" in reply
    assert chat.buttons == ["Đổi giờ nhắc", "Tạm dừng 1 ngày", "Tạm dừng 3 ngày", "Tạm dừng 7 ngày"]
    assert await prefs_of(org_db, AN) == (None, None)


async def test_official_moves_the_reminder_and_goes_back_to_the_default(
    linked_chat: MakeChat, org_db: Database
) -> None:
    chat = await linked_chat(AN)
    await chat.say("/remind")
    reply = await chat.press("Đổi giờ nhắc")
    assert "ví dụ 17:00 hoặc 17h (từ 06:00 đến 19:00)" in reply
    reply = await chat.say("17h")
    assert reply.startswith("Đã đổi giờ nhắc sang 17:00.")
    assert await prefs_of(org_db, AN) == (time(17, 0), None)

    reply = await chat.say("/nhacnho")
    assert "lúc 17:00 (giờ anh/chị chọn)" in reply
    reply = await chat.press("Về giờ mặc định (16:30)")
    assert reply == "Đã về giờ nhắc mặc định 16:30."
    assert await prefs_of(org_db, AN) == (None, None)


async def test_a_time_can_be_given_with_the_command(
    linked_chat: MakeChat, org_db: Database
) -> None:
    chat = await linked_chat(AN)
    assert "sang 17:30" in await chat.say("/nhacnho 17h30")
    assert await prefs_of(org_db, AN) == (time(17, 30), None)


async def test_a_time_outside_the_window_or_unreadable_is_asked_again(
    linked_chat: MakeChat, org_db: Database
) -> None:
    chat = await linked_chat(AN)
    await chat.say("/nhacnho")
    await chat.press("Đổi giờ nhắc")
    reply = await chat.say("5h")
    assert "Giờ nhắc phải từ 06:00 đến 19:00 (trước giờ nhắc lại 20:00" in reply
    assert "Giờ nhắc phải từ 06:00 đến 19:00" in await chat.say("19:30")
    assert "Chưa đọc được giờ" in await chat.say("chiều nay")
    assert "Chưa đọc được giờ" in await chat.say("25:00")
    assert await prefs_of(org_db, AN) == (None, None)
    # One hour before the follow-up is the latest allowed.
    assert "sang 19:00" in await chat.say("19 giờ")
    assert await prefs_of(org_db, AN) == (time(19, 0), None)


async def test_official_pauses_reminders_and_resumes_them(
    linked_chat: MakeChat, org_db: Database
) -> None:
    chat = await linked_chat(AN)  # Wednesday 25/11/2026
    await chat.say("/nhacnho")
    reply = await chat.press("Tạm dừng 3 ngày")
    assert reply.startswith("Đã tạm dừng nhắc nhở đến hết Thứ Sáu, 27/11/2026.")
    assert await prefs_of(org_db, AN) == (None, date(2026, 11, 27))

    chat.at("2026-11-26 10:00")
    reply = await chat.say("/nhacnho")
    assert "Đang tạm dừng nhắc nhở đến hết Thứ Sáu, 27/11/2026." in reply
    reply = await chat.press("Nhắc lại như thường")
    assert reply == "Đã bật lại nhắc nhở: lúc 16:30 nếu anh/chị chưa ghi nhật ký."
    assert await prefs_of(org_db, AN) == (None, None)


async def test_a_one_day_pause_is_today_only_and_then_ends_by_itself(
    linked_chat: MakeChat, org_db: Database
) -> None:
    chat = await linked_chat(AN)
    await chat.say("/nhacnho")
    assert "đến hết Thứ Tư, 25/11/2026" in await chat.press("Tạm dừng 1 ngày")
    chat.at("2026-11-26 08:00")
    reply = await chat.say("/nhacnho")
    assert "tạm dừng" not in reply.lower()
    assert "Nhắc lại như thường" not in chat.buttons


async def test_a_week_pause_keeps_a_personal_time(linked_chat: MakeChat, org_db: Database) -> None:
    chat = await linked_chat(AN)
    await chat.say("/nhacnho 7h")
    await chat.say("/nhacnho")
    assert "đến hết Thứ Ba, 01/12/2026" in await chat.press("Tạm dừng 7 ngày")
    assert await prefs_of(org_db, AN) == (time(7, 0), date(2026, 12, 1))


async def test_the_window_follows_the_configured_follow_up_time(
    org_db: Database,
) -> None:
    config = HandlerConfig(zone=ZONE, reminder_first=time(17, 0), reminder_follow_up=time(21, 30))
    chat = Chat(Router(org_db, config), "5001")
    invite = await create_invite(org_db, AN, chat.clock, timedelta(days=7))
    await chat.say(f"/start {invite.code}")
    reply = await chat.say("/nhacnho")
    assert "lúc 17:00 (giờ mặc định)" in reply and "nhắc lại lúc 21:30" in reply
    assert "sang 20:30" in await chat.say("/nhacnho 20:30")
    assert "từ 06:00 đến 20:30" in await chat.say("/nhacnho 20:31")


async def test_reminder_settings_are_for_officials(linked_chat: MakeChat) -> None:
    chat = await linked_chat(THANH)
    assert "dành cho cán bộ biệt phái" in await chat.say("/nhacnho")


@pytest.mark.parametrize(
    ("written", "meant"),
    [
        ("17:00", time(17, 0)),
        ("17h", time(17, 0)),
        ("17H30", time(17, 30)),
        ("17.45", time(17, 45)),
        ("7g", time(7, 0)),
        ("17 giờ 15", time(17, 15)),
        ("18", time(18, 0)),
        ("24:00", None),
        ("17:75", None),
        ("5 giờ chiều", None),
    ],
)
def test_times_are_read_as_people_write_them(written: str, meant: time | None) -> None:
    assert parse_clock(written) == meant


class ReminderPrefsContract:
    """What every storage backend promises about reminder preferences."""

    @pytest.fixture
    def open_database(self, tmp_path: Path) -> OpenDatabase:
        """Open a new Database object on the backend's store."""
        raise NotImplementedError

    @pytest.fixture
    async def database(self, open_database: OpenDatabase) -> AsyncIterator[Database]:
        """The open database under test."""
        database = await open_database()
        yield database
        await database.close()

    async def test_time_and_pause_are_kept_apart(self, database: Database) -> None:
        async with database.transaction() as tx:
            await apply_org(tx, ORG, NOW)
            an = await resolve_person(tx, AN)
            await prefs.set_paused_until(tx, an, date(2026, 11, 27))
            await prefs.set_reminder_time(tx, an, time(17, 15))
        async with database.read() as tx:
            assert await prefs.reminder_prefs(tx, an) == (time(17, 15), date(2026, 11, 27))
        async with database.transaction() as tx:
            await prefs.set_paused_until(tx, an, None)
        async with database.read() as tx:
            stored = await prefs.reminder_prefs(tx, an)
            assert stored.reminder_time == time(17, 15) and stored.paused_until is None
            # Stored as HH:MM, the form the scheduler reads.
            assert await tx.value("SELECT reminder_time FROM reminder_prefs") == "17:15"


class TestSQLiteReminderPrefs(ReminderPrefsContract):
    """Reminder preferences in the SQLite file backend."""

    @pytest.fixture
    def open_database(self, tmp_path: Path) -> OpenDatabase:
        """A SQLite file in the test's folder."""
        return Database(tmp_path / "bietphai.sqlite3").open
