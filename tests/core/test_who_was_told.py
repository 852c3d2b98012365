"""The bot never claims what did not happen: who was told, per person, and what comes next."""

from __future__ import annotations

from datetime import timedelta

from bot.orgservice import create_invite
from storage import Database, outbox
from tests.chat import Chat
from tests.helpers.cli import query
from tests.helpers.difficulty import THU, inbox, raise_urgent
from tests.helpers.sample import AN, MakeChat
from tests.helpers.visits import BINH, CUONG


async def test_answering_a_reporter_who_never_linked_says_they_are_told_on_linking(
    linked_chat: MakeChat, org_db: Database
) -> None:
    thu = await linked_chat(THU)
    # An tries the bot from the operator's console: the console never receives notices.
    an = await linked_chat(AN, channel="console")
    number = await raise_urgent(an)
    await thu.press_data(f"k:answer:{number}")
    assert "người nêu sẽ nhận được ngay" not in thu.text
    reply = await thu.say("Áp dụng Nghị định 33/2023.")
    assert "Đã gửi trả lời" not in reply
    assert "Anh/chị An chưa liên kết bot nên sẽ nhận được khi liên kết" in reply
    assert "bietphai invite" in reply and "Gõ /dskhokhan" in reply
    [held] = await inbox(org_db, AN)
    assert held["status"] == "unreachable"
    # When An links Telegram, the answer that waited goes out.
    telegram = Chat(thu.router, "an-telegram")
    invite = await create_invite(org_db, AN, telegram.clock, timedelta(days=7))
    await telegram.say(f"/start {invite.code}")
    [sent] = await inbox(org_db, AN)
    assert sent["status"] == "pending" and "Nghị định 33/2023" in sent["text"]
    assert query(org_db.path, "SELECT channel, chat_id FROM outbox WHERE key = ?", sent["key"]) == [
        ("telegram", "an-telegram")
    ]


async def test_every_supervisor_step_says_what_happened_and_what_next(
    linked_chat: MakeChat, org_db: Database
) -> None:
    thu = await linked_chat(THU)
    an = await linked_chat(AN)
    first = await raise_urgent(an)
    assert await thu.press_data(f"k:ack:{first}") == (
        "Đã tiếp nhận KK-0001 và báo anh/chị An.\nGõ /dskhokhan để xem các khó khăn còn mở."
    )
    await thu.press_data(f"k:ask:{first}")
    assert "Đã gửi đề nghị bổ sung thông tin KK-0001 cho anh/chị An." in await thu.say(
        "Gửi kèm danh sách công chức."
    )
    await an.say("/huy")
    second = await raise_urgent(an, "Chưa rõ thẩm quyền ký")
    await thu.press_data(f"k:resolve:{second}")
    assert "Đã đánh dấu KK-0002 đã giải quyết và báo anh/chị An." in thu.text


async def test_a_reporter_who_blocked_the_bot_cannot_be_reached_and_the_leader_is_told(
    linked_chat: MakeChat, org_db: Database
) -> None:
    thu = await linked_chat(THU)
    an = await linked_chat(AN)
    number = await raise_urgent(an)
    async with org_db.transaction() as tx:
        await outbox.mark_chat_unreachable(tx, "telegram", an.user_id, thu.clock)
    await thu.press_data(f"k:answer:{number}")
    reply = await thu.say("Áp dụng Nghị định 33/2023.")
    assert "Anh/chị An hiện không nhận được tin trên bot" in reply and "bietphai invite" in reply


async def test_planning_a_visit_says_per_person_who_is_told_and_who_waits(
    linked_chat: MakeChat, org_db: Database
) -> None:
    thu = await linked_chat(THU)
    await linked_chat(AN)
    cuong = await linked_chat(CUONG)
    async with org_db.transaction() as tx:
        await outbox.mark_chat_unreachable(tx, "telegram", cuong.user_id, thu.clock)
    thu.at("2026-11-25 09:00")
    await thu.say("/tocongtac moi")
    await thu.press("Xã Đèo Gió")
    await thu.say("27/11")
    await thu.press(AN)
    await thu.press(BINH)  # never linked the bot
    await thu.press("Xong")
    reply = await thu.say("Kiểm tra hồ sơ một cửa")
    assert "Đã báo: Nguyễn Văn An." in reply
    assert "sẽ nhận thông báo khi liên kết: Trần Thị Bình" in reply
    assert "Không liên lạc được: Lê Hoàng Cường" in reply
    assert "Đã báo: Nguyễn Văn An, Trần Thị Bình" not in reply
    assert reply.endswith("Gõ /tocongtac để xem lịch của tổ.")


async def test_an_unknown_difficulty_is_named(linked_chat: MakeChat) -> None:
    thanh = await linked_chat(THU)
    assert "Không tìm thấy KK-0099" in await thanh.say("/khokhan 99")


async def test_for_a_few_minutes_after_raising_a_text_is_offered_as_an_addition(
    linked_chat: MakeChat, org_db: Database
) -> None:
    an = await linked_chat(AN)
    an.at("2026-11-25 10:00")
    number = await raise_urgent(an)
    assert "Trong 10 phút tới" in an.text
    an.at("2026-11-25 10:03")
    reply = await an.say("Xã có 12 công chức chưa được bố trí")
    assert "Bổ sung vào KK-0001?" in reply
    assert an.buttons == ["Bổ sung vào KK-0001", "Ghi nhật ký"]
    assert "Đã ghi: KK-0001 — bổ sung" in await an.press("Bổ sung vào KK-0001")
    assert query(
        org_db.path,
        "SELECT action, text FROM difficulty_events WHERE difficulty_id = ? ORDER BY id",
        number,
    )[-1] == ("comment", "Xã có 12 công chức chưa được bố trí")
    # A photo is offered the same way; "Ghi nhật ký" makes the text today's entry instead.
    await an.say("/khokhan")
    await an.press("Nêu khó khăn mới")
    await an.press("Quản lý công chức")
    await an.press("Khó khăn")
    await an.press("Gấp")
    await an.say("Thiếu máy tính")
    an.at("2026-11-25 10:05")
    assert "Bổ sung vào KK-0002?" in await an.photo("Ảnh phòng làm việc")
    reply = await an.press("Ghi nhật ký")
    assert "Lưu nội dung này vào nhật ký ngày Thứ Tư, 25/11/2026?" in reply
    await an.press("Lưu")
    assert query(org_db.path, "SELECT text FROM work_logs") == [("Ảnh phòng làm việc",)]
    # After the window, a text is a plain log offer again.
    await an.say("/khokhan")
    await an.press("Nêu khó khăn mới")
    await an.press("Quản lý công chức")
    await an.press("Khó khăn")
    await an.press("Gấp")
    await an.say("Chưa có con dấu")
    an.at("2026-11-25 10:30")
    assert "Lưu nội dung này vào nhật ký" in await an.say("Tiếp dân buổi chiều")


async def test_a_reopened_difficulty_shows_the_reason_beside_its_status(
    linked_chat: MakeChat,
) -> None:
    thu = await linked_chat(THU)
    an = await linked_chat(AN)
    number = await raise_urgent(an)
    await thu.press_data(f"k:answer:{number}")
    await thu.say("Áp dụng Nghị định 33/2023.")
    await an.press_data(f"k:reopen:{number}")
    await an.say("Nghị định 33 không nói về công chức cấp xã")
    card = await thu.say(f"/khokhan {number}")
    assert "Trạng thái: Mở lại — lý do mở lại: «Nghị định 33 không nói về công chức cấp xã»" in card
