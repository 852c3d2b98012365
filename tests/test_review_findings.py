"""Stories from a user review: nothing typed is lost, names people understand, lists shown once."""

from __future__ import annotations

import re

from handlers.router import choices_as_lines
from storage import Database
from tests.chat import Chat
from tests.helpers.difficulty import THU, raise_urgent
from tests.helpers.sample import AN, LAN, MakeChat
from tests.helpers.worklog import entries_of

ADMIN = "Lâm Thị Uyên"
COMMUNE_OFFICIAL = "Đinh Văn Xuân"
DB_ID = re.compile(r"(số|No\.) \d")


def screen(chat: Chat) -> str:
    """What a numbered channel (Zalo, console) shows for the latest replies."""
    return "\n\n".join(choices_as_lines(reply, "vi") for reply in chat.last)


# --- Entries are named by day and time, not by database id ---


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


# --- Nothing typed is lost ---


async def test_text_typed_at_the_topic_step_of_nhatky_is_kept_and_saved(
    linked_chat: MakeChat, org_db: Database
) -> None:
    an = await linked_chat(AN)
    await an.say("/nhatky")
    reply = await an.say("Hướng dẫn xã lập danh sách công chức")
    assert "Đã giữ nội dung anh/chị vừa gõ" in reply and "chọn lĩnh vực" in reply
    saved = await an.press("Quản lý công chức")
    assert saved.startswith("Đã ghi nhật ký ngày")
    [entry] = await entries_of(org_db, AN)
    assert entry.text == "Hướng dẫn xã lập danh sách công chức" and entry.topic == "ccvc"


async def test_a_photo_sent_at_the_topic_step_is_kept_with_the_entry(
    linked_chat: MakeChat, org_db: Database
) -> None:
    an = await linked_chat(AN)
    await an.say("/nhatky")
    assert "Đã giữ ảnh anh/chị vừa gửi" in await an.photo("")
    assert "gõ nội dung" in await an.press("Khác")
    await an.say("Ảnh buổi họp")
    [entry] = await entries_of(org_db, AN)
    assert entry.text == "Ảnh buổi họp" and entry.attachment_count == 1


async def test_text_typed_at_the_menus_of_khokhan_is_kept_as_the_description(
    linked_chat: MakeChat,
) -> None:
    an = await linked_chat(AN)
    await an.say("/khokhan")
    await an.press("Quản lý công chức")
    reply = await an.say("Xã chưa có hướng dẫn bố trí công chức")
    assert "Đã giữ nội dung" in reply and "xin ý kiến chỉ đạo" in reply
    await an.press("Khó khăn")
    reply = await an.say("cần gấp trong tuần")
    assert "Đã giữ nội dung" in reply and "Mức độ?" in reply
    saved = await an.press("Gấp")
    assert saved.startswith("Đã ghi nhận KK-0001")
    detail = await an.say("/khokhan 1")
    assert "Xã chưa có hướng dẫn bố trí công chức\ncần gấp trong tuần" in detail


async def test_a_second_plain_text_joins_the_pending_offer(
    linked_chat: MakeChat, org_db: Database
) -> None:
    an = await linked_chat(AN)
    await an.say("Buổi sáng họp với UBND xã")
    reply = await an.say("Buổi chiều rà soát hồ sơ")
    assert reply.startswith("Lưu nội dung này vào nhật ký ngày Thứ Tư, 25/11/2026?")
    assert "«Buổi sáng họp với UBND xã\nBuổi chiều rà soát hồ sơ»" in reply
    assert reply.endswith("Đã gộp tin nhắn này với nội dung anh/chị gửi trước (chưa lưu).")
    await an.photo("")  # a photo without caption joins the draft too
    await an.press("Lưu")
    [entry] = await entries_of(org_db, AN)
    assert entry.text == "Buổi sáng họp với UBND xã\nBuổi chiều rà soát hồ sơ"
    assert entry.attachment_count == 1


# --- People who keep no work log ---


async def test_plain_text_from_an_admin_says_what_an_admin_can_do(linked_chat: MakeChat) -> None:
    uyen = await linked_chat(ADMIN)
    reply = await uyen.say("Xin chào")
    assert reply.startswith("Chào anh/chị Uyên. Tin nhắn này không được lưu")
    assert "bietphai import-org" in reply and "bietphai invite" in reply
    assert "bietphai import-org" in await uyen.say("/trogiup")


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


# --- Supervisors' list of difficulties ---


async def test_dskhokhan_filters_read_with_diacritics_and_spaces(linked_chat: MakeChat) -> None:
    thu = await linked_chat(THU)
    an = await linked_chat(AN)
    await raise_urgent(an.at("2026-11-23 08:00"), "Khó khăn cũ")
    for words in ("quá hạn", "Quá Hạn", "qua han", "quahan"):
        assert "KK-0001" in await thu.at("2026-11-25 09:00").say(f"/dskhokhan {words}")
    assert "KK-0001" in await thu.say("/dskhokhan mới")
    assert "KK-0001" in await thu.say("/dskhokhan Hòa Vang Tây")
    assert "KK-0001" in await thu.say("/dskhokhan quá hạn xã hoa vang tay")
    assert "KK-0001" in await thu.say("/dskhokhan quản lý công chức, viên chức")
    assert "Không có khó khăn" in await thu.say("/dskhokhan đã trả lời")


async def test_an_unknown_filter_word_is_answered_with_the_valid_filters(
    linked_chat: MakeChat,
) -> None:
    thu = await linked_chat(THU)
    an = await linked_chat(AN)
    await raise_urgent(an)
    reply = await thu.say("/dskhokhan quáhạnn")
    assert reply.startswith("Không có bộ lọc «quáhạnn». Lọc được theo: quá hạn; gấp; trạng thái")
    assert "KK-0001" not in reply


async def test_ages_under_an_hour_are_in_minutes(linked_chat: MakeChat) -> None:
    thu = await linked_chat(THU)
    an = await linked_chat(AN)
    await raise_urgent(an.at("2026-11-25 09:00"))
    assert "· dưới 1 phút" in await thu.at("2026-11-25 09:00").say("/dskhokhan")
    reply = await thu.at("2026-11-25 09:20").say("/dskhokhan")
    assert "· 20 phút" in reply and "1 giờ" not in reply
    assert "· 2 giờ" in await thu.at("2026-11-25 11:05").say("/dskhokhan")


async def test_numbered_lists_of_difficulties_show_each_once(linked_chat: MakeChat) -> None:
    thu = await linked_chat(THU, numbered=True, channel="zalo")
    an = await linked_chat(AN)
    await raise_urgent(an, "Thiếu máy tính")
    await thu.say("/dskhokhan")
    assert screen(thu).count("Thiếu máy tính") == 1
    assert "Người nêu: Nguyễn Văn An" in await thu.say("1")


async def test_raise_new_comes_first_so_its_number_does_not_move(linked_chat: MakeChat) -> None:
    an = await linked_chat(AN, numbered=True, channel="zalo")
    await raise_urgent(an, "Thứ nhất")
    await an.say("/khokhan")
    assert an.buttons[0] == "Nêu khó khăn mới"
    await raise_urgent(an, "Thứ hai")
    await an.say("/khokhan")
    assert an.buttons[0] == "Nêu khó khăn mới" and len(an.buttons) == 3
    assert screen(an).count("Thứ nhất") == 1 and "\n1. Nêu khó khăn mới\n" in screen(an)
    assert "lĩnh vực" in await an.say("1")


async def test_the_reporter_sees_the_latest_answer_on_the_card(linked_chat: MakeChat) -> None:
    thu = await linked_chat(THU)
    an = await linked_chat(AN)
    number = await raise_urgent(an)
    await thu.at("2026-11-25 10:00").say(f"/khokhan {number}")
    await thu.press("Trả lời")
    await thu.say("Áp dụng Nghị định 33, bố trí theo vị trí việc làm")
    card = await an.at("2026-11-25 10:30").say(f"/khokhan {number}")
    assert "Trạng thái: Đã trả lời" in card
    assert (
        "Trả lời mới nhất — Cao Thị Thu, 10:00 25/11/2026:\n"
        "Áp dụng Nghị định 33, bố trí theo vị trí việc làm"
    ) in card


async def test_a_request_for_detail_shows_what_was_asked(linked_chat: MakeChat) -> None:
    thu = await linked_chat(THU)
    an = await linked_chat(AN)
    number = await raise_urgent(an)
    await thu.say(f"/khokhan {number}")
    await thu.press("Hỏi thêm")
    await thu.say("Xã có bao nhiêu công chức?")
    card = await an.say(f"/khokhan {number}")
    assert "Đề nghị bổ sung — Cao Thị Thu" in card and "Xã có bao nhiêu công chức?" in card


# --- /xuat and help texts ---


async def test_xuat_with_an_unknown_division_names_the_codes(linked_chat: MakeChat) -> None:
    thu = await linked_chat(THU)
    reply = await thu.say("/xuat tháng này ZZZ")
    assert reply == "Không có phòng mã ZZZ. Mã phòng: CCHC, CCVC, TCBC, VTLT, XDCQ."
    reply = await thu.say("/xuat ZZZ")
    assert reply.startswith("Chưa hiểu «ZZZ». /xuat nhận một kỳ: tuần này, tuần trước")
    assert "CCHC, CCVC, TCBC, VTLT, XDCQ" in reply


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
