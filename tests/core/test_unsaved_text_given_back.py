"""Stories of a command typed in the middle of writing: what was typed is given back, not lost."""

from __future__ import annotations

from storage import Database
from tests.helpers.sample import AN, MakeChat
from tests.helpers.worklog import entries_of

NOT_SAVED = "Nội dung anh/chị đang soạn chưa được lưu"


async def test_a_command_during_an_offer_gives_the_text_back(
    linked_chat: MakeChat, org_db: Database
) -> None:
    an = await linked_chat(AN)
    await an.say("Hướng dẫn xã rà soát vị trí việc làm")
    assert "Lưu nội dung này" in an.text
    reply = await an.say("/khokhan")
    assert reply.startswith(NOT_SAVED)
    assert "«Hướng dẫn xã rà soát vị trí việc làm»" in reply
    # The command still does its own work after the note, and nothing was stored.
    assert reply.endswith("Thuộc lĩnh vực nào?") and "Vị trí việc làm" in an.buttons
    assert await entries_of(org_db, AN) == []


async def test_a_command_at_a_menu_step_quotes_the_kept_text(linked_chat: MakeChat) -> None:
    an = await linked_chat(AN)
    await an.say("/nhatky")
    await an.say("Họp giao ban với UBND xã")  # typed at the topic menu: kept as the draft
    reply = await an.say("/cuatoi")
    assert reply.startswith(NOT_SAVED) and "«Họp giao ban với UBND xã»" in reply


async def test_help_keeps_the_flow_and_cancel_still_shows_what_was_dropped(
    linked_chat: MakeChat,
) -> None:
    an = await linked_chat(AN)
    await an.say("/nhatky")
    await an.say("Kiểm tra hồ sơ cán bộ")
    topic_menu = an.last
    help_text = await an.say("/trogiup")
    assert NOT_SAVED not in help_text
    an.last = topic_menu  # the topic buttons are still on the phone above the help
    await an.press("Khác")  # the flow was kept: the kept text is saved with the topic
    assert an.text.startswith("Đã ghi nhật ký ngày")

    await an.say("/nhatky")
    await an.say("Tập huấn văn thư")
    reply = await an.say("/huy")
    assert reply.startswith(NOT_SAVED) and "«Tập huấn văn thư»" in reply and "Đã hủy" in reply


async def test_a_command_with_nothing_typed_has_no_note(linked_chat: MakeChat) -> None:
    an = await linked_chat(AN)
    await an.say("/nhatky")
    reply = await an.say("/cuatoi")
    # The command's own answer, and nothing before it (not merely "no note").
    assert reply == "Anh/chị chưa có nhật ký nào. Gõ /nhatky để ghi."
