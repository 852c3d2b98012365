"""Stories of a seconded official recording personal leave (/nghi) and answering a reminder."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path

import pytest

from handlers.leave.rules import parse_line
from storage import Database, leave, worklog
from storage.leave import Leave
from storage.org_import import apply_org, resolve_person
from tests.chat import local
from tests.helpers.sample import AN, THANH, MakeChat
from tests.helpers.storage import ORG, OpenDatabase

NOW = local("2026-11-25 09:00")  # a Wednesday; 24/11 is a public holiday (Ngày Văn hóa)


async def leaves_of(db: Database, name: str) -> list[Leave]:
    """A person's leave not cancelled, from the start of the sample's second wave."""
    async with db.read() as tx:
        person_id = await resolve_person(tx, name)
        return await leave.leaves_of(tx, person_id, date(2026, 11, 1))


async def all_rows(db: Database) -> list[tuple[str, str, str, bool]]:
    """(start, end, reason, cancelled) of every leave row ever written."""
    async with db.read() as tx:
        rows = await tx.all("SELECT start_date, end_date, reason, cancelled_at FROM leaves")
    return [(r[0], r[1], r[2], r[3] is not None) for r in rows]


# --- Recording leave ---


async def test_official_records_leave_in_one_line(linked_chat: MakeChat, org_db: Database) -> None:
    chat = await linked_chat(AN)
    reply = await chat.say("/nghi 01/12 03/12 Việc gia đình")
    assert reply.startswith(
        "Đã ghi nghỉ phép từ Thứ Ba, 01/12/2026 đến Thứ Năm, 03/12/2026 (3 ngày làm việc)."
    )
    assert "Lý do: Việc gia đình" in reply
    [recorded] = await leaves_of(org_db, AN)
    assert (recorded.start, recorded.end, recorded.reason) == (
        date(2026, 12, 1),
        date(2026, 12, 3),
        "Việc gia đình",
    )
    async with org_db.read() as tx:
        assert await leave.is_on_leave(tx, recorded.person_id, date(2026, 12, 2))
        assert not await leave.is_on_leave(tx, recorded.person_id, date(2026, 12, 4))
        assert await leave.people_on_leave(tx, date(2026, 12, 3)) == {recorded.person_id}
        assert await leave.people_on_leave(tx, date(2026, 11, 30)) == set()


async def test_only_working_days_are_counted(linked_chat: MakeChat, org_db: Database) -> None:
    chat = await linked_chat(AN)
    # Friday to Monday: the weekend is not leave that has to be taken.
    reply = await chat.say("/leave 27/11 - 30/11 Về quê")
    assert "từ Thứ Sáu, 27/11/2026 đến Thứ Hai, 30/11/2026 (2 ngày làm việc)" in reply


async def test_leave_over_new_year_counts_the_holiday_and_the_admin_day_off(
    linked_chat: MakeChat, org_db: Database
) -> None:
    chat = await linked_chat(AN)
    chat.at("2026-12-28 08:00")
    # 31/12 is declared off in the sample calendar, 01/01 is a holiday, then a weekend.
    reply = await chat.say("/nghi 31/12 đến 05/01 Về quê")
    assert "đến Thứ Ba, 05/01/2027 (2 ngày làm việc)" in reply
    [recorded] = await leaves_of(org_db, AN)
    assert recorded.end == date(2027, 1, 5)


async def test_official_records_leave_step_by_step(linked_chat: MakeChat, org_db: Database) -> None:
    chat = await linked_chat(AN)
    reply = await chat.say("/nghi")
    assert "nghỉ phép từ ngày nào" in reply
    assert chat.buttons == ["Hôm nay (25/11)", "Ngày mai (26/11)"]
    reply = await chat.press("Ngày mai")
    assert "Nghỉ từ Thứ Năm, 26/11/2026. Anh/chị nghỉ đến hết ngày nào?" in reply
    assert chat.buttons == ["Ngày mai (26/11)"]
    reply = await chat.say("27/11")
    assert "Nghỉ từ Thứ Năm, 26/11/2026 đến Thứ Sáu, 27/11/2026" in reply
    assert "lý do" in reply
    assert await leaves_of(org_db, AN) == []
    reply = await chat.say("Đi khám bệnh ở bệnh viện huyện")
    assert "(2 ngày làm việc)" in reply
    [recorded] = await leaves_of(org_db, AN)
    assert recorded.reason == "Đi khám bệnh ở bệnh viện huyện"


async def test_one_date_and_a_reason_is_one_day(linked_chat: MakeChat, org_db: Database) -> None:
    chat = await linked_chat(AN)
    reply = await chat.say("/nghi mai Đi khám bệnh")
    assert reply.startswith("Đã ghi nghỉ phép ngày Thứ Năm, 26/11/2026 (1 ngày làm việc).")
    [recorded] = await leaves_of(org_db, AN)
    assert recorded.start == recorded.end == date(2026, 11, 26)


async def test_one_date_alone_asks_for_the_last_day_then_the_reason(
    linked_chat: MakeChat, org_db: Database
) -> None:
    chat = await linked_chat(AN)
    await chat.say("/nghi 07/12")
    assert chat.buttons == ["Chỉ một ngày (07/12)"]
    await chat.press("Chỉ một ngày")
    reply = await chat.say("Dự tập huấn tại Sở")
    assert "ngày Thứ Hai, 07/12/2026 (1 ngày làm việc)" in reply


async def test_a_leave_forgotten_yesterday_can_still_be_recorded(
    linked_chat: MakeChat, org_db: Database
) -> None:
    chat = await linked_chat(AN)
    reply = await chat.say("/nghi 23/11 Ốm")
    assert "ngày Thứ Hai, 23/11/2026 (1 ngày làm việc)" in reply
    # 24/11 is the new public holiday: there is nothing to take leave from.
    reply = await chat.say("/nghi hôm qua Ốm")
    assert "không có ngày làm việc nào" in reply
    assert [r.start for r in await leaves_of(org_db, AN)] == [date(2026, 11, 23)]


# --- Bad dates ---


async def test_an_end_before_the_start_asks_for_the_end_again_keeping_the_rest(
    linked_chat: MakeChat, org_db: Database
) -> None:
    chat = await linked_chat(AN)
    reply = await chat.say("/nghi 03/12 01/12 Việc gia đình")
    assert "Ngày kết thúc Thứ Ba, 01/12/2026 ở trước ngày bắt đầu Thứ Năm, 03/12/2026." in reply
    assert "nghỉ đến hết ngày nào?" in reply
    assert await leaves_of(org_db, AN) == []
    reply = await chat.say("04/12")
    assert "từ Thứ Năm, 03/12/2026 đến Thứ Sáu, 04/12/2026 (2 ngày làm việc)" in reply
    assert "Lý do: Việc gia đình" in reply


@pytest.mark.parametrize(
    ("line", "answer"),
    [
        ("/nghi 10/11 12/11 Ốm", "Ngày Thứ Ba, 10/11/2026 đã quá 7 ngày"),
        ("/nghi 31/02 Ốm", "Ngày 31/02 không có trên lịch"),
        ("/nghi 01/12 31/04 Ốm", "Ngày 31/04 không có trên lịch"),
        ("/nghi 01/12 15/02 Đi học", "tối đa 60 ngày (từ Thứ Ba, 01/12/2026 đến Thứ Hai"),
        ("/nghi 01/12/2027 Ốm", "còn xa quá (hơn 180 ngày nữa)"),
        ("/nghi ốm mấy hôm", "Chưa đọc được ngày"),
    ],
    ids=["far-past", "31-02", "bad-end", "too-long", "too-far-ahead", "no-date"],
)
async def test_bad_dates_are_refused_with_the_reason(
    line: str, answer: str, linked_chat: MakeChat, org_db: Database
) -> None:
    chat = await linked_chat(AN)
    reply = await chat.say(line)
    assert answer in reply
    assert "Đã ghi" not in reply
    assert await all_rows(org_db) == []


async def test_a_long_reason_is_refused_and_a_short_one_accepted(
    linked_chat: MakeChat, org_db: Database
) -> None:
    chat = await linked_chat(AN)
    await chat.say("/nghi 01/12 02/12")
    reply = await chat.say("Lý do " + "rất dài " * 40)
    assert "tối đa 200 ký tự" in reply
    assert "Đã ghi nghỉ phép" in await chat.say("Việc gia đình")


async def test_a_written_date_is_read_as_the_nearest_one_across_the_new_year(
    linked_chat: MakeChat, org_db: Database
) -> None:
    chat = await linked_chat(AN)
    chat.at("2026-12-20 10:00")
    reply = await chat.say("/nghi 05/01 06/01 Việc gia đình")
    assert "từ Thứ Ba, 05/01/2027 đến Thứ Tư, 06/01/2027" in reply


# --- Overlaps and cancelling ---


async def test_overlapping_leave_is_not_merged_the_person_chooses(
    linked_chat: MakeChat, org_db: Database
) -> None:
    chat = await linked_chat(AN)
    await chat.say("/nghi 01/12 03/12 Việc gia đình")
    reply = await chat.say("/nghi 03/12 04/12 Ốm")
    assert "trùng với nghỉ phép đã ghi: từ 01/12/2026 đến 03/12/2026" in reply
    assert chat.buttons == ["Thay bằng khoảng mới", "Giữ nguyên"]
    assert "Đã giữ nguyên" in await chat.press("Giữ nguyên")
    assert [(r.start.day, r.end.day) for r in await leaves_of(org_db, AN)] == [(1, 3)]

    await chat.say("/nghi 03/12 04/12 Ốm")
    reply = await chat.press("Thay bằng khoảng mới")
    assert "Đã ghi nghỉ phép từ Thứ Năm, 03/12/2026 đến Thứ Sáu, 04/12/2026" in reply
    assert [(r.start.day, r.end.day) for r in await leaves_of(org_db, AN)] == [(3, 4)]
    # The replaced leave stays in the table, marked cancelled.
    assert sorted(await all_rows(org_db)) == [
        ("2026-12-01", "2026-12-03", "Việc gia đình", True),
        ("2026-12-03", "2026-12-04", "Ốm", False),
    ]


async def test_the_same_leave_sent_twice_is_recorded_once(
    linked_chat: MakeChat, org_db: Database
) -> None:
    chat = await linked_chat(AN)
    await chat.say("/nghi 01/12 03/12 Việc gia đình")
    reply = await chat.say("/nghi 01/12 03/12 Việc gia đình")
    assert "đã ghi nghỉ phép từ Thứ Ba, 01/12/2026 đến Thứ Năm, 03/12/2026 rồi" in reply
    assert len(await all_rows(org_db)) == 1


async def test_nghi_alone_lists_leave_ahead_and_cancels_one(
    linked_chat: MakeChat, org_db: Database
) -> None:
    chat = await linked_chat(AN)
    await chat.say("/nghi 23/11 Ốm")  # already past: not listed
    await chat.say("/nghi 01/12 03/12 Việc gia đình")
    await chat.say("/nghi 10/12 Dự đám cưới")
    reply = await chat.say("/nghi")
    assert "1. từ 01/12/2026 đến 03/12/2026 (3 ngày làm việc) · Việc gia đình" in reply
    assert "2. ngày 10/12/2026 (1 ngày làm việc) · Dự đám cưới" in reply
    assert "23/11" not in reply
    assert chat.buttons == ["Hủy 01/12–03/12", "Hủy 10/12", "Ghi nghỉ phép mới"]
    reply = await chat.press("Hủy 01/12–03/12")
    # Asked once more, as deleting an entry is; "Không hủy" keeps it.
    assert reply.startswith("Hủy nghỉ phép từ Thứ Ba, 01/12/2026 đến Thứ Năm, 03/12/2026")
    assert chat.buttons == ["Hủy nghỉ phép này", "Không hủy"]
    assert "Giữ nguyên nghỉ phép" in await chat.press("Không hủy")
    assert len(await leaves_of(org_db, AN)) == 3
    await chat.say("/nghi")
    await chat.press("Hủy 01/12–03/12")
    reply = await chat.press("Hủy nghỉ phép này")
    assert reply.startswith("Đã hủy nghỉ phép từ 01/12/2026 đến 03/12/2026.")
    assert [r.start.day for r in await leaves_of(org_db, AN)] == [23, 10]
    async with org_db.read() as tx:
        assert await leave.people_on_leave(tx, date(2026, 12, 2)) == set()
    # The list's old buttons are stale now.
    reply = await chat.press_data(chat.history[-1].choice)
    assert "Lựa chọn này đã cũ" in reply


async def test_from_the_list_new_leave_can_be_typed_or_started(
    linked_chat: MakeChat, org_db: Database
) -> None:
    chat = await linked_chat(AN)
    await chat.say("/nghi 10/12 Dự đám cưới")
    await chat.say("/nghi")
    reply = await chat.say("14/12 15/12 Tập huấn")
    assert "Đã ghi nghỉ phép từ Thứ Hai, 14/12/2026" in reply
    await chat.say("/nghi")
    assert "nghỉ phép từ ngày nào" in await chat.press("Ghi nghỉ phép mới")


async def test_leave_step_by_step_by_numbers_on_zalo(
    linked_chat: MakeChat, org_db: Database
) -> None:
    chat = await linked_chat(AN, numbered=True, channel="zalo")
    await chat.say("/nghi")
    assert chat.buttons == ["Hôm nay (25/11)", "Ngày mai (26/11)"]
    await chat.say("1")
    await chat.say("1")  # today again: one day
    reply = await chat.say("Ốm")
    assert "ngày Thứ Tư, 25/11/2026 (1 ngày làm việc)" in reply


async def test_leave_is_for_officials(linked_chat: MakeChat) -> None:
    chat = await linked_chat(THANH)
    assert "dành cho cán bộ biệt phái" in await chat.say("/nghi 01/12 Ốm")


async def test_help_shows_leave_and_reminder_commands_to_officials(
    linked_chat: MakeChat,
) -> None:
    reply = await (await linked_chat(AN)).say("/trogiup")
    assert "/nghi (hoặc /leave)" in reply and "/nhacnho (hoặc /remind)" in reply
    reply = await (await linked_chat(THANH)).say("/trogiup")
    assert "/nghi" not in reply and "/nhacnho" not in reply


# --- The buttons on a reminder ---


async def test_on_leave_button_pressed_twice_records_once(
    linked_chat: MakeChat, org_db: Database
) -> None:
    chat = await linked_chat(AN)
    reply = await chat.press_data("r:leave:2026-11-25")
    assert reply.startswith("Đã ghi nghỉ phép ngày Thứ Tư, 25/11/2026 (1 ngày làm việc).")
    assert "Lý do: Nghỉ phép" in reply
    reply = await chat.press_data("r:leave:2026-11-25")
    assert "Anh/chị đã ghi nghỉ phép ngày Thứ Tư, 25/11/2026 rồi" in reply
    assert await all_rows(org_db) == [("2026-11-25", "2026-11-25", "Nghỉ phép", False)]


async def test_on_leave_button_works_in_the_middle_of_another_flow(
    linked_chat: MakeChat, org_db: Database
) -> None:
    chat = await linked_chat(AN)
    await chat.say("/khokhan")
    other_topic = chat.button_data("Khác")
    await chat.press_data("r:leave:2026-11-26")
    assert "Đã ghi nghỉ phép ngày Thứ Năm, 26/11/2026" in chat.text
    # The difficulty being raised still waits for its topic.
    assert "khó khăn, vướng mắc hay xin ý kiến" in await chat.press_data(other_topic)
    assert len(await all_rows(org_db)) == 1


async def test_log_button_starts_the_log_for_the_reminders_day(
    linked_chat: MakeChat, org_db: Database
) -> None:
    chat = await linked_chat(AN)
    chat.at("2026-11-26 07:10")  # the morning after the reminder
    reply = await chat.press_data("r:log:2026-11-25")
    assert "Nhật ký ngày Thứ Tư, 25/11/2026 tại Xã Hòa Vang Tây" in reply
    await chat.press("Khác")
    reply = await chat.say("Họp với UBND xã về đề án vị trí việc làm")
    assert "Đã ghi nhật ký" in reply and "25/11/2026" in reply
    async with org_db.read() as tx:
        [entry] = await worklog.recent_work_logs(tx, await resolve_person(tx, AN))
    assert entry.work_date == date(2026, 11, 25)


async def test_an_old_reminder_button_is_refused_politely(
    linked_chat: MakeChat, org_db: Database
) -> None:
    chat = await linked_chat(AN)
    chat.at("2026-12-07 08:00")
    reply = await chat.press_data("r:log:2026-11-25")
    assert "Ngày Thứ Tư, 25/11/2026 đã quá 7 ngày, không ghi bổ sung được nữa" in reply
    reply = await chat.press_data("r:leave:2026-11-25")
    assert "đã quá 7 ngày" in reply
    assert await all_rows(org_db) == []
    assert "Lựa chọn này đã cũ" in await chat.press_data("r:log:hôm-qua")


# --- The storage contract of leave ---


class LeaveStorageContract:
    """What every storage backend promises about leave; subclasses provide `database`."""

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

    @pytest.fixture
    async def an(self, database: Database) -> int:
        """The id of the one official of the small organisation."""
        async with database.transaction() as tx:
            await apply_org(tx, ORG, NOW)
            return await resolve_person(tx, AN)

    async def test_cancelled_leave_no_longer_counts(self, database: Database, an: int) -> None:
        async with database.transaction() as tx:
            first = await leave.add_leave(tx, an, date(2026, 12, 1), date(2026, 12, 3), "A", NOW)
            await leave.add_leave(tx, an, date(2026, 12, 10), date(2026, 12, 10), "B", NOW)
        async with database.transaction() as tx:
            assert not await leave.cancel_leave(tx, first, an + 1, NOW)  # not theirs
            assert await leave.cancel_leave(tx, first, an, NOW)
            assert not await leave.cancel_leave(tx, first, an, NOW)  # already cancelled
        async with database.read() as tx:
            assert not await leave.is_on_leave(tx, an, date(2026, 12, 2))
            assert await leave.people_on_leave(tx, date(2026, 12, 10)) == {an}
            assert [x.reason for x in await leave.leaves_of(tx, an, date(2026, 12, 1))] == ["B"]
            cancelled = await leave.leave_by_id(tx, first)
            assert cancelled is not None and cancelled.cancelled_at == NOW

    async def test_leaves_of_keeps_leave_ending_on_the_day(
        self, database: Database, an: int
    ) -> None:
        async with database.transaction() as tx:
            await leave.add_leave(tx, an, date(2026, 11, 20), date(2026, 11, 25), "A", NOW)
            await leave.add_leave(tx, an, date(2026, 11, 2), date(2026, 11, 3), "B", NOW)
        async with database.read() as tx:
            found = await leave.leaves_of(tx, an, date(2026, 11, 25))
            assert [(x.start, x.end, x.days) for x in found] == [
                (date(2026, 11, 20), date(2026, 11, 25), 6)
            ]
            overlaps = await leave.overlapping_leaves(tx, an, date(2026, 11, 3), date(2026, 11, 20))
            assert [x.reason for x in overlaps] == ["B", "A"]


class TestSQLiteLeaveStorage(LeaveStorageContract):
    """Leave in the SQLite file backend."""

    @pytest.fixture
    def open_database(self, tmp_path: Path) -> OpenDatabase:
        """A SQLite file in the test's folder."""
        return Database(tmp_path / "bietphai.sqlite3").open


@pytest.mark.parametrize(
    ("written", "start", "end", "reason"),
    [
        ("01/12-03/12 Ốm", date(2026, 12, 1), date(2026, 12, 3), "Ốm"),
        ("01/12 – 03/12", date(2026, 12, 1), date(2026, 12, 3), ""),
        ("ngày 01/12 đến ngày 03/12 Tập huấn", date(2026, 12, 1), date(2026, 12, 3), "Tập huấn"),
        ("01/12 đến", date(2026, 12, 1), None, ""),
        ("01/12 toàn bộ buổi sáng", date(2026, 12, 1), None, "toàn bộ buổi sáng"),
        ("hôm nay", date(2026, 11, 25), None, ""),
        ("mai Đi khám", date(2026, 11, 26), None, "Đi khám"),
        ("31/12/2026 05/01 Về quê", date(2026, 12, 31), date(2027, 1, 5), "Về quê"),
    ],
)
def test_a_leave_line_is_read_as_people_write_it(
    written: str, start: date, end: date | None, reason: str
) -> None:
    line = parse_line(written, NOW.date())
    assert (line.start, line.end, line.reason, line.invalid) == (start, end, reason, "")
