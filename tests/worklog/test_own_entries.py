"""/cuatoi: seeing, editing and deleting one's own entries — and nobody else's."""

from __future__ import annotations

import re

from storage import Database, worklog
from tests.chat import Chat, screen
from tests.helpers.difficulty import raise_urgent
from tests.helpers.sample import AN, LAN, MakeChat
from tests.helpers.worklog import entries_of

ENTRY_BUTTON = re.compile(r"^\d+\. \d\d/\d\d \d\d:\d\d$")


async def log(chat_text: str, chat: Chat) -> None:
    """Log one entry through the plain-text offer."""
    await chat.say(chat_text)
    await chat.press("Lưu")


async def test_cuatoi_shows_the_last_ten_and_offers_more(linked_chat: MakeChat) -> None:
    chat = await linked_chat(AN)
    for n in range(12):
        await log(f"Việc số {n}", chat)
    reply = await chat.say("/cuatoi")
    assert "10/12 mục" in reply
    assert "Việc số 11" in reply and "Việc số 1\n" not in reply
    assert len([b for b in chat.buttons if ENTRY_BUTTON.match(b)]) == 10
    reply = await chat.press("Xem thêm")
    assert "12/12 mục" in reply and "Việc số 0" in reply


async def test_edit_keeps_the_previous_version(linked_chat: MakeChat, org_db: Database) -> None:
    chat = await linked_chat(AN)
    await log("Họp với xã về biên chế", chat)
    await chat.say("/cuatoi")
    await chat.press("1. ")
    await chat.press("Sửa nội dung")
    reply = await chat.say("Họp với UBND xã về biên chế năm 2027")
    assert "Đã sửa" in reply
    [entry] = await entries_of(org_db, AN)
    assert entry.text == "Họp với UBND xã về biên chế năm 2027" and entry.edited
    async with org_db.read() as tx:
        history = await worklog.revisions_of(tx, entry.id)
    assert history == [("edit", "khac", "Họp với xã về biên chế")]
    assert "(đã sửa)" in await chat.say("/cuatoi")


async def test_delete_asks_first_and_keeps_history(linked_chat: MakeChat, org_db: Database) -> None:
    chat = await linked_chat(AN)
    await log("Ghi nhầm", chat)
    [entry] = await entries_of(org_db, AN)
    await chat.say("/cuatoi")
    await chat.press("1. ")
    reply = await chat.press("Xóa")
    assert "Xóa nhật ký 25/11/2026 09:00?" in reply
    await chat.press("Không xóa")
    assert len(await entries_of(org_db, AN)) == 1
    await chat.say("/cuatoi")
    await chat.press("1. ")
    await chat.press("Xóa")
    assert "Đã xóa" in await chat.press("Xóa nhật ký này")
    assert await entries_of(org_db, AN) == []
    async with org_db.read() as tx:
        assert await worklog.revisions_of(tx, entry.id) == [("delete", "khac", "Ghi nhầm")]
    assert "chưa có nhật ký" in await chat.say("/cuatoi")


async def test_another_persons_entry_cannot_be_touched(
    linked_chat: MakeChat, org_db: Database
) -> None:
    an = await linked_chat(AN)
    await log("Nhật ký của An", an)
    [an_entry] = await entries_of(org_db, AN)
    lan = await linked_chat(LAN)
    await log("Nhật ký của Lan", lan)
    # A forged button naming An's entry, with Lan's own valid token: never offered, refused.
    for action in ("o", "e", "d", "y"):
        await lan.say("/cuatoi")
        token = lan.button_data("1. ").split(":")[0]
        reply = await lan.press_data(f"{token}:{action}:{an_entry.id}")
        assert "không có trong danh sách bot vừa đưa ra" in reply
    [still] = await entries_of(org_db, AN)
    assert still.text == "Nhật ký của An" and not still.deleted


async def test_a_missing_entry_id_is_answered_politely(
    linked_chat: MakeChat, org_db: Database
) -> None:
    chat = await linked_chat(AN)
    await log("Một việc", chat)
    await chat.say("/cuatoi")
    # The entry offered in the list is deleted meanwhile (from another chat of An's).
    [entry] = await entries_of(org_db, AN)
    async with org_db.transaction() as tx:
        assert await worklog.delete_work_log(tx, entry.id, by=entry.person_id, now=chat.clock)
    assert "không còn" in await chat.press("1. ")


DB_ID = re.compile(r"(số|No\.) \d")


async def test_entries_are_named_by_day_and_time_never_by_database_id(
    linked_chat: MakeChat, org_db: Database
) -> None:
    lan = await linked_chat(LAN)
    await lan.say("Việc của Lan")
    await lan.press("Lưu")  # Lan's entry takes database id 1, so An's first one is id 2
    an = await linked_chat(AN)
    await an.at("2026-11-25 09:05").say("Họp với UBND xã về biên chế")
    saved = await an.press("Lưu")
    assert saved.startswith("Đã ghi nhật ký ngày Thứ Tư, 25/11/2026 (gửi lúc 09:05)")
    assert "«Họp với UBND xã về biên chế»" in saved and not DB_ID.search(saved)
    await an.at("2026-11-26 08:00").say("hôm qua Kiểm tra hồ sơ")
    await an.press("Lưu")
    listing = await an.say("/cuatoi")
    assert "1. 25/11/2026, ghi bù 26/11 08:00 · Xã Hòa Vang Tây" in listing
    assert "2. 25/11/2026 09:05 · Xã Hòa Vang Tây" in listing
    assert an.buttons[:2] == ["1. 25/11 08:00", "2. 25/11 09:05"]
    assert not DB_ID.search(listing)
    opened = await an.press("2. 25/11 09:05")
    assert opened.startswith("Nhật ký 25/11/2026 09:05\n")
    assert "nhật ký 25/11/2026 09:05" in await an.press("Sửa nội dung")
    assert (await an.say("Họp với UBND xã về biên chế 2027")).startswith(
        "Đã sửa nhật ký 25/11/2026 09:05."
    )
    await an.say("/cuatoi")
    await an.press("2. ")
    assert await an.press("Xóa") == "Xóa nhật ký 25/11/2026 09:05?"
    assert await an.press("Xóa nhật ký này") == "Đã xóa nhật ký 25/11/2026 09:05."
    assert [e.text for e in await entries_of(org_db, AN)] == ["Kiểm tra hồ sơ"]


async def test_on_numbered_channels_own_entries_are_listed_once(linked_chat: MakeChat) -> None:
    an = await linked_chat(AN, numbered=True, channel="zalo")
    await an.say("Rà soát đề án vị trí việc làm")
    await an.say("1")
    await an.say("/cuatoi")
    assert screen(an).count("Rà soát đề án vị trí việc làm") == 1
    [listing] = an.last
    assert listing.choices[0].label.startswith("25/11/2026 09:00 · Xã Hòa Vang Tây")
    assert "Nhật ký 25/11/2026 09:00" in await an.say("1")


async def test_open_difficulties_under_own_entries_do_not_steal_the_numbers(
    linked_chat: MakeChat,
) -> None:
    an = await linked_chat(AN, numbered=True, channel="zalo")
    await raise_urgent(an, "Thiếu máy tính")
    an.at("2026-11-25 10:00")  # past the minutes when a text is asked about as an addition
    await an.say("Họp giao ban")
    await an.say("1")
    await an.say("/cuatoi")
    assert "KK-0001" in screen(an) and "/khokhan 1" in screen(an)
    assert [r.choices == () for r in an.last] == [False, True]
    assert "Nhật ký 25/11/2026 10:00" in await an.say("1")
