"""/cuatoi: seeing, editing and deleting one's own entries — and nobody else's."""

from __future__ import annotations

import re

from storage import Database, worklog
from tests.chat import Chat
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
