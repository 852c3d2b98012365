"""Bad input gets a clear Vietnamese answer; nothing is lost and nothing is stored twice."""

from __future__ import annotations

import unicodedata
from datetime import timedelta

from bot.orgservice import create_invite
from handlers.core.messages import Attachment, Kind
from handlers.core.turn import HandlerConfig
from handlers.router import Router
from storage import Database, audit
from tests.chat import ZONE, Chat
from tests.helpers.sample import AN, MakeChat
from tests.helpers.worklog import entries_of


async def test_empty_or_blank_text_is_not_saved(linked_chat: MakeChat, org_db: Database) -> None:
    chat = await linked_chat(AN)
    assert "đang trống" in await chat.say("   ")
    await chat.say("/nhatky")
    await chat.press("Khác")
    assert "đang trống" in await chat.say(" \n\t ")
    assert await entries_of(org_db, AN) == []
    await chat.say("Bây giờ mới có nội dung")
    assert len(await entries_of(org_db, AN)) == 1


async def test_four_thousand_characters_are_kept_whole(
    linked_chat: MakeChat, org_db: Database
) -> None:
    chat = await linked_chat(AN)
    long_text = ("Hướng dẫn nghiệp vụ văn thư cho cán bộ xã. " * 100)[:4000]
    reply = await chat.say(long_text)
    assert len(reply) < 1000  # the offer shows a preview, not the whole text
    await chat.press("Lưu")
    [entry] = await entries_of(org_db, AN)
    assert entry.text == long_text.strip()


async def test_vietnamese_nfd_and_emoji_are_stored_as_nfc(
    linked_chat: MakeChat, org_db: Database
) -> None:
    chat = await linked_chat(AN)
    nfd = unicodedata.normalize("NFD", "Tập huấn nghiệp vụ cho công chức xã 👍")
    await chat.say(nfd)
    await chat.press("Lưu")
    [entry] = await entries_of(org_db, AN)
    assert entry.text == unicodedata.normalize("NFC", nfd)
    assert unicodedata.is_normalized("NFC", entry.text)
    assert entry.text.endswith("👍")


async def test_text_that_looks_like_sql_is_just_text(
    linked_chat: MakeChat, org_db: Database
) -> None:
    chat = await linked_chat(AN)
    evil = "'); DROP TABLE work_logs; -- Robert"
    await chat.say(evil)
    await chat.press("Lưu")
    [entry] = await entries_of(org_db, AN)
    assert entry.text == evil


async def test_stickers_voice_locations_and_files_where_text_is_expected(
    linked_chat: MakeChat, org_db: Database
) -> None:
    chat = await linked_chat(AN)
    assert "nhãn dán" in await chat.send_kind(Kind.STICKER)
    assert "tin nhắn thoại" in await chat.send_kind(Kind.VOICE)
    assert "vị trí" in await chat.send_kind(Kind.LOCATION)
    await chat.say("/cuatoi")
    await chat.say("/nhatky")
    await chat.press("Khác")
    assert "nhãn dán" in await chat.send_kind(Kind.STICKER)
    # The flow is still waiting for the text: nothing was lost.
    await chat.say("Nội dung thật")
    assert len(await entries_of(org_db, AN)) == 1


async def test_unknown_commands_point_to_help(linked_chat: MakeChat) -> None:
    chat = await linked_chat(AN)
    assert "Không có lệnh /abc" in await chat.say("/abc")
    assert "/trogiup" in chat.text


async def test_a_button_pressed_twice_saves_once(linked_chat: MakeChat, org_db: Database) -> None:
    chat = await linked_chat(AN)
    await chat.say("Họp giao ban")
    save = chat.button_data("Lưu")
    assert "Đã ghi" in await chat.press_data(save)
    assert "đã cũ" in await chat.press_data(save)
    assert len(await entries_of(org_db, AN)) == 1


async def test_an_old_button_from_a_finished_flow_is_stale(
    linked_chat: MakeChat, org_db: Database
) -> None:
    chat = await linked_chat(AN)
    await chat.say("/nhatky")
    old_topic = chat.button_data("Khác")
    await chat.say("/huy")
    assert "đã cũ" in await chat.press_data(old_topic)
    await chat.say("Việc mới")
    assert "đã cũ" in await chat.press_data(old_topic)
    assert await entries_of(org_db, AN) == []


async def test_a_redelivered_update_is_stored_once(linked_chat: MakeChat, org_db: Database) -> None:
    chat = await linked_chat(AN)
    await chat.say("Kiểm tra hồ sơ")
    press = chat._incoming(Kind.CHOICE, choice=chat.button_data("Lưu"))
    first = await chat.router.handle(press, now=chat.clock)
    # The bot crashed before the reply went out: the same update comes again.
    again = await chat.router.handle(press, now=chat.clock)
    assert [r.text for r in again] == [r.text for r in first]
    await chat.router.replied(press)
    assert await chat.router.handle(press, now=chat.clock) == []
    assert len(await entries_of(org_db, AN)) == 1


async def test_someone_not_registered_is_told_how_and_nothing_is_kept(
    router: Router, org_db: Database
) -> None:
    stranger = Chat(router, "777")
    reply = await stranger.say("Xin chào, tôi muốn ghi nhật ký")
    assert "chưa đăng ký" in reply and "/start" in reply
    assert stranger.last[0].ask_contact
    await stranger.say("Tin thứ hai")
    async with org_db.read() as tx:
        lines = await audit.audit_lines(tx, "unregistered_message")
        states = await tx.value("SELECT count(*) FROM conversation_state")
        keys = await tx.value("SELECT count(*) FROM processed_updates")
    assert len(lines) == 1  # rate-limited: one line per hour
    assert "Xin chào" not in str(lines)
    assert states == 0 and keys == 0


async def test_wrong_used_and_expired_invite_codes(router: Router, org_db: Database) -> None:
    first = Chat(router, "801")
    assert "không đúng" in await first.say("/start ABCDEFGH")
    invite = await create_invite(org_db, AN, first.clock, timedelta(days=7))
    assert "Chào anh/chị An" in await first.say(f"/start {invite.code}")
    second = Chat(router, "802")
    assert "đã được sử dụng" in await second.say(f"/start {invite.code}")
    late = Chat(router, "803").at("2026-12-03 09:00")
    old = await create_invite(org_db, AN, first.clock, timedelta(days=7))
    assert "hết hạn" in await late.say(f"/start {old.code}")


async def test_a_failure_inside_a_handler_saves_nothing_and_says_so(
    linked_chat: MakeChat, org_db: Database
) -> None:
    chat = await linked_chat(AN)
    await chat.say("Bản đầu")
    await chat.press("Lưu")
    async with org_db.transaction() as tx:
        # Break the history table so that an edit fails halfway.
        await tx.execute("DROP TABLE work_log_revisions")
    await chat.say("/cuatoi")
    await chat.press("1. ")
    await chat.press("Sửa nội dung")
    reply = await chat.say("Bản sửa")
    assert reply == "Chưa lưu được, anh/chị vui lòng gửi lại."
    [entry] = await entries_of(org_db, AN)
    assert entry.text == "Bản đầu" and not entry.edited


async def test_a_restart_in_the_middle_of_a_flow_loses_nothing(
    linked_chat: MakeChat, org_db: Database
) -> None:
    chat = await linked_chat(AN)
    await chat.say("/nhatky")
    await chat.press("Văn thư")
    # The bot restarts: a new router on the same database file.
    await org_db.close()
    reopened = await org_db.open_again()
    try:
        chat.router = Router(reopened, HandlerConfig(zone=ZONE))
        assert "Đã ghi" in await chat.say("Chỉnh lý hồ sơ lưu trữ")
        [entry] = await entries_of(reopened, AN)
        assert entry.topic == "vanthu"
    finally:
        await reopened.close()


async def test_a_file_sent_where_a_date_is_asked_is_called_a_file(linked_chat: MakeChat) -> None:
    an = await linked_chat(AN)
    await an.say("/nghi")
    attachment = (Attachment("document", "f1"),)
    reply = await an.send_kind(Kind.FILE, attachments=attachment)
    assert reply.startswith("Bot chưa đọc được tệp đính kèm ở bước này.")
