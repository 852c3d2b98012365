"""Logging yesterday's work late, and the days that cannot be logged."""

from __future__ import annotations

from storage import Database
from tests.helpers.sample import AN, LAN, MakeChat
from tests.helpers.worklog import entries_of


async def test_hom_qua_logs_for_yesterday(linked_chat: MakeChat, org_db: Database) -> None:
    chat = await linked_chat(AN)
    reply = await chat.at("2026-11-26 07:30").say("hôm qua: Họp với Chủ tịch UBND xã")
    assert "Thứ Tư, 25/11/2026" in reply
    await chat.press("Lưu")
    [entry] = await entries_of(org_db, AN)
    assert entry.work_date.isoformat() == "2026-11-25"
    assert entry.text == "Họp với Chủ tịch UBND xã"


async def test_yesterday_in_english_and_a_command_with_a_date(
    linked_chat: MakeChat, org_db: Database
) -> None:
    chat = await linked_chat(AN)
    chat.at("2026-11-27 08:00")
    await chat.say("yesterday Visited the commune archive")
    await chat.press("Lưu")
    await chat.say("/nhatky 23/11 Hướng dẫn lập hồ sơ công chức")
    await chat.press("Quản lý công chức")
    days = sorted(e.work_date.isoformat() for e in await entries_of(org_db, AN))
    assert days == ["2026-11-23", "2026-11-26"]


async def test_future_dates_are_refused_with_the_reason(
    linked_chat: MakeChat, org_db: Database
) -> None:
    chat = await linked_chat(AN)
    reply = await chat.at("2026-11-25 10:00").say("/nhatky 27/11")
    assert "chưa tới" in reply
    reply = await chat.say("27/11 Họp dân")
    assert "chưa tới" in reply
    assert await entries_of(org_db, AN) == []


async def test_more_than_seven_days_back_is_refused(
    linked_chat: MakeChat, org_db: Database
) -> None:
    chat = await linked_chat(AN)
    reply = await chat.at("2026-11-25 10:00").say("/nhatky 17/11")
    assert "quá 7 ngày" in reply
    reply = await chat.say("/nhatky 18/11")
    assert "chọn lĩnh vực" in reply


async def test_a_day_outside_the_assignment_is_refused(
    linked_chat: MakeChat, org_db: Database
) -> None:
    chat = await linked_chat(LAN)  # assigned only in Đợt 2, from 02/11/2026
    reply = await chat.at("2026-11-03 09:00").say("/nhatky 01/11")
    assert "không có phân công" in reply
    assert await entries_of(org_db, LAN) == []


async def test_an_impossible_date_gets_a_clear_answer(linked_chat: MakeChat) -> None:
    chat = await linked_chat(AN)
    assert "không hợp lệ" in await chat.say("/nhatky 31/02")
