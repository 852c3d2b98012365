"""Help per role, cancelling, and picking choices by number on channels without buttons."""

from __future__ import annotations

from storage import Database
from tests.helpers.difficulty import THU
from tests.helpers.sample import AN, THANH, MakeChat
from tests.helpers.worklog import entries_of


async def test_help_lists_what_an_official_can_do(linked_chat: MakeChat) -> None:
    chat = await linked_chat(AN)
    reply = await chat.say("/trogiup")
    assert "/nhatky (hoặc /log)" in reply and "/cuatoi (hoặc /mine)" in reply
    assert await chat.say("/help") == reply


async def test_help_for_a_supervisor_does_not_offer_logging(linked_chat: MakeChat) -> None:
    chat = await linked_chat(THANH)
    reply = await chat.say("/trogiup")
    assert "/nhatky" not in reply and "/huy" in reply
    assert "dành cho cán bộ biệt phái" in await chat.say("/nhatky")
    reply = await chat.say("Một tin nhắn")
    assert "không được lưu" in reply and "/baocao" in reply


async def test_greeting_names_the_person_and_their_commune(linked_chat: MakeChat) -> None:
    chat = await linked_chat(AN)
    assert "Chào anh/chị An" in chat.text and "Xã Hòa Vang Tây" in chat.text
    assert "Chào anh/chị An!" in await chat.say("/start")


async def test_cancel_leaves_the_flow(linked_chat: MakeChat, org_db: Database) -> None:
    chat = await linked_chat(AN)
    await chat.say("/nhatky")
    assert "Đã hủy. Gõ /nhatky để ghi nhật ký" in await chat.say("/huy")
    assert "Không có thao tác nào" in await chat.say("/cancel")
    # After cancelling, text is a new message again, not the entry's text.
    assert "Lưu nội dung này" in await chat.say("Họp")
    assert await entries_of(org_db, AN) == []


async def test_a_supervisor_who_cancels_is_not_told_to_log_work(linked_chat: MakeChat) -> None:
    thu = await linked_chat(THU)
    thu.at("2026-11-25 09:00")
    await thu.say("/tocongtac moi")
    reply = await thu.say("/huy")
    assert reply == "Đã hủy. Gõ /trogiup để xem hướng dẫn."


async def test_help_in_the_middle_of_a_flow_keeps_the_flow(
    linked_chat: MakeChat, org_db: Database
) -> None:
    chat = await linked_chat(AN)
    await chat.say("/nhatky")
    await chat.press("Khác")
    await chat.say("/trogiup")
    assert "Đã ghi" in await chat.say("Nội dung sau khi xem hướng dẫn")


async def test_numbered_choices_work_without_buttons(
    linked_chat: MakeChat, org_db: Database
) -> None:
    chat = await linked_chat(AN, numbered=True, channel="zalo")
    await chat.say("/nhatky")
    reply = await chat.say("9")
    assert "từ 1 đến 8" in reply
    await chat.say("3")  # Vị trí việc làm
    await chat.say("Rà soát vị trí việc làm")
    await chat.say("Họp tổ dân phố")
    await chat.say("luu")  # the label typed without diacritics
    topics = sorted(e.topic for e in await entries_of(org_db, AN))
    assert topics == ["khac", "vitri"]


async def test_typing_instead_of_pressing_shows_the_buttons_again(linked_chat: MakeChat) -> None:
    chat = await linked_chat(AN)
    await chat.say("/nhatky")
    reply = await chat.say("cải cách")
    assert "vui lòng chọn" in reply
    assert "Cải cách hành chính" in chat.buttons
