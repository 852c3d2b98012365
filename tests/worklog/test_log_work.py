"""Stories of a seconded official logging the day's work."""

from __future__ import annotations

from storage import Database
from tests.helpers.sample import AN, LONG, MakeChat
from tests.helpers.worklog import entries_of


async def test_official_logs_work_with_nhatky_step_by_step(
    linked_chat: MakeChat, org_db: Database
) -> None:
    chat = await linked_chat(AN)
    reply = await chat.say("/nhatky")
    assert "chọn lĩnh vực" in reply and "Xã Hòa Vang Tây" in reply
    await chat.press("Vị trí việc làm")
    assert "gõ nội dung" in chat.text
    reply = await chat.say("Hướng dẫn UBND xã rà soát đề án vị trí việc làm")
    assert reply.startswith("Đã ghi nhật ký ngày Thứ Tư, 25/11/2026 (gửi lúc 09:00)")
    assert "Thứ Tư, 25/11/2026" in reply
    [entry] = await entries_of(org_db, AN)
    assert entry.text == "Hướng dẫn UBND xã rà soát đề án vị trí việc làm"
    assert entry.topic == "vitri" and entry.commune_code == "XA01"
    assert entry.work_date.isoformat() == "2026-11-25"
    assert f"«{entry.text}»" in reply and "số" not in reply.split("\n")[0]


async def test_official_with_two_communes_picks_the_commune_first(
    linked_chat: MakeChat, org_db: Database
) -> None:
    chat = await linked_chat(LONG)
    reply = await chat.say("/nhatky")
    assert "chọn xã" in reply
    assert sorted(chat.buttons) == ["Xã Đá Vàng", "Xã Đồi Sim"]
    await chat.press("Xã Đá Vàng")
    await chat.press("Biên chế")
    await chat.say("Rà soát biên chế của xã")
    [entry] = await entries_of(org_db, LONG)
    assert entry.commune_code == "XA16" and entry.topic == "bienche"


async def test_plain_text_is_offered_and_saved_in_one_tap(
    linked_chat: MakeChat, org_db: Database
) -> None:
    chat = await linked_chat(AN)
    reply = await chat.say("Làm việc với công chức văn phòng UBND xã về hồ sơ lưu trữ")
    assert "Lưu nội dung này vào nhật ký ngày Thứ Tư, 25/11/2026?" in reply
    assert chat.buttons == ["Lưu", "Chọn lĩnh vực", "Đây là khó khăn", "Không lưu"]
    assert await entries_of(org_db, AN) == []
    reply = await chat.press("Lưu")
    assert "Đã ghi nhật ký" in reply and "Lĩnh vực: Khác" in reply
    [entry] = await entries_of(org_db, AN)
    assert entry.topic == "khac"


async def test_plain_text_can_get_a_topic_or_be_dropped(
    linked_chat: MakeChat, org_db: Database
) -> None:
    chat = await linked_chat(AN)
    await chat.say("Hướng dẫn quy trình một cửa")
    await chat.press("Chọn lĩnh vực")
    reply = await chat.press("Cải cách hành chính")
    assert "Đã ghi nhật ký" in reply and "Cải cách hành chính" in reply
    await chat.say("Nội dung gõ nhầm")
    reply = await chat.press("Không lưu")
    assert "không lưu" in reply
    [entry] = await entries_of(org_db, AN)
    assert entry.text == "Hướng dẫn quy trình một cửa" and entry.topic == "cchc"


async def test_entry_belongs_to_the_day_the_message_was_sent(
    linked_chat: MakeChat, org_db: Database
) -> None:
    chat = await linked_chat(AN)
    # Sent at 23:50 on Tuesday over a weak signal; the button is pressed after midnight.
    await chat.at("2026-11-24 23:50").say("Tổng hợp số liệu biên chế của xã")
    reply = await chat.at("2026-11-25 00:20").press("Lưu")
    assert "24/11/2026" in reply
    [entry] = await entries_of(org_db, AN)
    assert entry.work_date.isoformat() == "2026-11-24"


async def test_photo_with_caption_attaches_to_the_entry(
    linked_chat: MakeChat, org_db: Database
) -> None:
    chat = await linked_chat(AN)
    reply = await chat.photo("Buổi họp giao ban tại UBND xã", file_id="AgACAgIAAx")
    assert "Lưu nội dung này" in reply
    reply = await chat.press("Lưu")
    assert "1 ảnh/tệp" in reply
    [entry] = await entries_of(org_db, AN)
    assert entry.attachment_count == 1 and entry.text == "Buổi họp giao ban tại UBND xã"


async def test_photos_before_the_text_wait_for_it(linked_chat: MakeChat, org_db: Database) -> None:
    chat = await linked_chat(AN)
    await chat.say("/nhatky")
    await chat.press("Khác")
    assert "Đã nhận 1 ảnh" in await chat.photo(file_id="p1")
    assert "Đã nhận 2 ảnh" in await chat.photo(file_id="p2")
    await chat.say("Kiểm tra hồ sơ lưu trữ")
    [entry] = await entries_of(org_db, AN)
    assert entry.attachment_count == 2


async def test_photo_without_caption_outside_a_flow_asks_for_a_caption(
    linked_chat: MakeChat, org_db: Database
) -> None:
    chat = await linked_chat(AN)
    assert "kèm chú thích" in await chat.photo()
    assert await entries_of(org_db, AN) == []


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


async def test_two_joined_messages_are_previewed_on_two_lines(
    linked_chat: MakeChat, org_db: Database
) -> None:
    an = await linked_chat(AN)
    await an.say("Sáng họp với UBND xã về   sắp xếp bộ máy")
    joined = await an.say("Chiều hướng dẫn  văn thư lưu trữ")
    assert "«Sáng họp với UBND xã về sắp xếp bộ máy\nChiều hướng dẫn văn thư lưu trữ»" in joined
    saved = await an.press("Lưu")
    assert saved.startswith("Đã ghi nhật ký ngày Thứ Tư, 25/11/2026")
    [entry] = await entries_of(org_db, AN)
    assert (
        entry.text == "Sáng họp với UBND xã về   sắp xếp bộ máy\nChiều hướng dẫn  văn thư lưu trữ"
    )


async def test_a_long_list_of_lines_is_cut_on_a_phone_screen(linked_chat: MakeChat) -> None:
    an = await linked_chat(AN)
    for n in range(1, 11):
        await an.say(f"Việc số {n}")
    quoted = an.text.split("«")[1].split("»")[0]
    assert quoted == "\n".join(f"Việc số {n}" for n in range(1, 9)) + " …"
