"""Help per role, cancelling, and picking choices by number on channels without buttons."""

from __future__ import annotations

import re

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


ADMIN = "Lâm Thị Uyên"


async def test_plain_text_from_an_admin_says_what_an_admin_can_do(linked_chat: MakeChat) -> None:
    uyen = await linked_chat(ADMIN)
    reply = await uyen.say("Xin chào")
    assert reply.startswith("Chào anh/chị Uyên. Tin nhắn này không được lưu")
    assert "bietphai import-org" in reply and "bietphai invite" in reply
    assert "bietphai import-org" in await uyen.say("/trogiup")


COMMUNE_OFFICIAL = "Đinh Văn Xuân"


async def test_plain_text_from_a_commune_official_says_what_they_can_do(
    linked_chat: MakeChat,
) -> None:
    xuan = await linked_chat(COMMUNE_OFFICIAL)
    reply = await xuan.say("Xin chào")
    assert reply.startswith("Chào anh/chị Xuân. Tin nhắn này không được lưu")
    assert "/hoctap" in reply
    assert reply.count("/hoctap (hoặc /study)") == 1


async def test_plain_text_from_a_supervisor_lists_the_leaders_commands(
    linked_chat: MakeChat,
) -> None:
    thu = await linked_chat(THU)
    reply = await thu.say("Cảm ơn")
    assert "không được lưu" in reply and "/baocao" in reply and "/dskhokhan" in reply


RAW_WORDS = re.compile(r"\b(quahan|tuan|truoc|moi|datiepnhan|datraloi|canbosung|molai)\b")


# /hoctap belongs to the study-visit feature, whose texts are written there.
OTHER_FEATURES = ("/hoctap",)


async def test_help_reads_in_vietnamese_for_every_role(linked_chat: MakeChat) -> None:
    for name in (AN, THU, ADMIN, COMMUNE_OFFICIAL, "Trương Văn Thành"):
        chat = await linked_chat(name)
        lines = (await chat.say("/trogiup")).splitlines()
        reply = "\n".join(
            x for x in lines if not x.startswith(tuple(f"• {c}" for c in OTHER_FEATURES))
        )
        assert not RAW_WORDS.search(reply), (name, RAW_WORDS.findall(reply))
    thu = await linked_chat(THU)
    help_text = await thu.say("/trogiup")
    assert "tuần hoặc tuần trước" in help_text and "/dskhokhan quá hạn" in help_text
    assert "/tocongtac mới" in help_text
    assert "/dskhokhan quá hạn | gấp | mới, đã tiếp nhận" in await thu.say("/dskhokhan")
