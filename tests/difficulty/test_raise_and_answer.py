"""Stories of raising a difficulty and of leadership answering it from the chat."""

from __future__ import annotations

from storage import Database, difficulties
from tests.helpers.difficulty import TAM, THU, button, inbox, raise_urgent, stored
from tests.helpers.sample import AN, LAN, THANH, MakeChat


async def test_an_official_raises_an_urgent_difficulty_and_leaders_in_scope_hear_at_once(
    linked_chat: MakeChat, org_db: Database
) -> None:
    thu = await linked_chat(THU)
    await linked_chat(THANH)
    an = await linked_chat(AN)
    number = await raise_urgent(an.at("2026-11-25 10:00"))
    assert "KK-0001" in an.text and "Gấp" in an.text
    assert "phản hồi trước 16:00 25/11/2026" in an.text  # 4 office hours, lunch excluded
    assert "Trương Văn Thành" in an.text and "Cao Thị Thu" in an.text
    [notice] = await inbox(org_db, THU)
    assert notice["status"] == "pending" and "[GẤP] KK-0001" in notice["text"]
    assert [label for label, _ in notice["choices"]] == [
        "Đã nhận",
        "Trả lời",
        "Hỏi thêm",
        "Chuyển người khác",
        "Đã giải quyết",
    ]
    assert len(await inbox(org_db, THANH)) == 1
    assert await inbox(org_db, TAM) == []  # another division, another working group
    item = await stored(org_db, number)
    assert item.status == "new" and item.division_code == "XDCQ" and item.commune_code == "XA01"
    assert thu.user_id  # Thu's chat exists: the notice went to her last-used channel


async def test_a_leader_answers_from_the_notice_and_the_reporter_is_told(
    linked_chat: MakeChat, org_db: Database
) -> None:
    thu = await linked_chat(THU)
    an = await linked_chat(AN)
    number = await raise_urgent(an)
    [notice] = await inbox(org_db, THU)
    await thu.press_data(button(notice, "Trả lời"))
    assert "gõ nội dung trả lời cho KK-0001" in thu.text
    reply = await thu.say("Áp dụng Nghị định 33/2023, bố trí theo vị trí việc làm.")
    assert reply == (
        "Đã gửi trả lời KK-0001 cho anh/chị An.\nGõ /dskhokhan để xem các khó khăn còn mở."
    )
    item = await stored(org_db, number)
    assert item.status == "answered" and item.first_response_at is not None
    [told] = await inbox(org_db, AN)
    assert "KK-0001: Cao Thị Thu trả lời" in told["text"] and "Nghị định 33/2023" in told["text"]
    await an.press_data(button(told, "Xác nhận đã giải quyết"))
    assert (await stored(org_db, number)).status == "resolved"
    async with org_db.read() as tx:
        history = [(e.action, e.to_status) for e in await difficulties.events_of(tx, number)]
    assert history == [("raise", "new"), ("answer", "answered"), ("confirm", "resolved")]


async def test_forwarding_to_another_leader_who_then_answers(
    linked_chat: MakeChat, org_db: Database
) -> None:
    thanh = await linked_chat(THANH)
    tam = await linked_chat(TAM)
    an = await linked_chat(AN)
    number = await raise_urgent(an)
    # Tâm oversees neither An's division nor his commune: he may not act yet.
    assert "không có quyền" in await tam.press_data(f"k:ack:{number}")
    [notice] = await inbox(org_db, THANH)
    await thanh.press_data(button(notice, "Chuyển người khác"))
    await thanh.press(TAM)
    await thanh.say("Anh Tâm nắm rõ quy định này, nhờ anh trả lời.")
    assert (await stored(org_db, number)).status == "forwarded"
    [forwarded] = await inbox(org_db, TAM)
    assert "Trương Văn Thành chuyển KK-0001 cho anh/chị" in forwarded["text"]
    await tam.press_data(button(forwarded, "Trả lời"))
    await tam.say("Đã có hướng dẫn tại Công văn 123.")
    item = await stored(org_db, number)
    assert item.status == "answered" and item.assignee_id is not None
    told = await inbox(org_db, AN)
    assert [m["text"].split(":")[1].strip()[:30] for m in told][-1].startswith("Hồ Văn Tâm")


async def test_the_loser_of_a_race_is_told_it_is_already_resolved(
    linked_chat: MakeChat, org_db: Database
) -> None:
    thu = await linked_chat(THU)
    thanh = await linked_chat(THANH)
    an = await linked_chat(AN)
    number = await raise_urgent(an)
    await thu.press_data(f"k:answer:{number}")
    await thanh.press_data(f"k:resolve:{number}")
    reply = await thu.say("Câu trả lời đến muộn một giây")
    assert 'KK-0001 đang ở trạng thái "Đã giải quyết"' in reply
    item = await stored(org_db, number)
    assert item.status == "resolved"
    async with org_db.read() as tx:
        actions = [e.action for e in await difficulties.events_of(tx, number)]
    assert actions == ["raise", "resolve"]


async def test_forged_buttons_for_missing_or_out_of_scope_difficulties(
    linked_chat: MakeChat, org_db: Database
) -> None:
    tam = await linked_chat(TAM)
    an = await linked_chat(AN)
    number = await raise_urgent(an)
    assert "không có quyền xem" in await tam.press_data("k:resolve:9999")
    assert "không có quyền xem" in await tam.press_data(f"k:view:{number}")
    assert "đã cũ" in await tam.press_data("k:explode:1")
    lan = await linked_chat(LAN)
    assert "không có quyền xem" in await lan.press_data(f"k:comment:{number}")
    assert (await stored(org_db, number)).status == "new"


async def test_empty_and_very_long_answers(linked_chat: MakeChat, org_db: Database) -> None:
    thu = await linked_chat(THU)
    an = await linked_chat(AN)
    number = await raise_urgent(an)
    await thu.press_data(f"k:answer:{number}")
    assert "đang trống" in await thu.say("   ")
    long_answer = "Hướng dẫn chi tiết. " * 200
    await thu.say(long_answer)
    [told] = await inbox(org_db, AN)
    assert long_answer.strip() in told["text"]


async def test_reporter_adds_detail_and_photos_then_reopens(
    linked_chat: MakeChat, org_db: Database
) -> None:
    thu = await linked_chat(THU)
    an = await linked_chat(AN)
    number = await raise_urgent(an)
    assert "Đã đính kèm vào KK-0001" in await an.photo(file_id="scan-1")
    await thu.press_data(f"k:ask:{number}")
    await thu.say("Anh gửi thêm quyết định thành lập của xã.")
    assert (await stored(org_db, number)).status == "more_info"
    await an.press_data(f"k:comment:{number}")
    await an.photo("Quyết định số 12/QĐ-UBND", file_id="scan-2")
    item = await stored(org_db, number)
    assert item.status == "acknowledged" and item.attachment_count == 2
    await thu.press_data(f"k:resolve:{number}")
    await an.press_data(f"k:reopen:{number}")
    await an.say("Xã vẫn chưa làm được vì thiếu biểu mẫu.")
    assert (await stored(org_db, number)).status == "reopened"
    told_thu = await inbox(org_db, THU)
    assert "mở lại" in told_thu[-1]["text"] and "thiếu biểu mẫu" in told_thu[-1]["text"]


async def test_normal_difficulties_respect_digest_only(
    linked_chat: MakeChat, org_db: Database
) -> None:
    thu = await linked_chat(THU)
    await thu.say("/caidat")
    assert "Khó khăn thường: Chỉ trong báo cáo tổng hợp" in thu.buttons
    await thu.press("Chỉ trong báo cáo tổng hợp")
    await linked_chat(THANH)
    an = await linked_chat(AN)
    await an.say("/khokhan")
    await an.press("Khác")
    await an.press("Xin ý kiến")
    await an.press("Thường")
    await an.say("Xin ý kiến về lịch tiếp công dân")
    assert await inbox(org_db, THU) == []
    assert len(await inbox(org_db, THANH)) == 1
    await raise_urgent(an)
    assert len(await inbox(org_db, THU)) == 1  # urgent ones always come at once


async def test_plain_text_can_become_a_difficulty(linked_chat: MakeChat, org_db: Database) -> None:
    an = await linked_chat(AN)
    await an.say("Xã chưa có người làm văn thư")
    await an.press("Đây là khó khăn")
    await an.press("Văn thư")
    await an.press("Khó khăn")
    reply = await an.press("Thường")
    assert "Đã ghi nhận KK-0001" in reply
    item = await stored(org_db, 1)
    assert item.description == "Xã chưa có người làm văn thư" and item.urgency == "normal"


async def test_open_difficulties_show_in_khokhan_and_cuatoi(linked_chat: MakeChat) -> None:
    an = await linked_chat(AN)
    await raise_urgent(an)
    reply = await an.say("/khokhan")
    assert "KK-0001 · GẤP · Mới, chờ tiếp nhận" in reply and "Nêu khó khăn mới" in an.buttons
    assert "KK-0001" in await an.say("/cuatoi")


async def test_supervisor_list_is_scoped_filtered_and_shows_overdue(
    linked_chat: MakeChat, org_db: Database
) -> None:
    thu = await linked_chat(THU)
    tam = await linked_chat(TAM)
    an = await linked_chat(AN)
    lan = await linked_chat(LAN)
    await raise_urgent(an.at("2026-11-23 08:00"), "Khó khăn của An")
    await raise_urgent(lan.at("2026-11-25 08:00"), "Khó khăn của Lan")
    reply = await thu.at("2026-11-25 09:00").say("/dskhokhan")
    assert "KK-0001" in reply and "KK-0002" not in reply
    assert "QUÁ HẠN" in reply and "2 ngày" in reply
    reply = await tam.at("2026-11-25 09:00").say("/dskhokhan")
    assert "KK-0002" in reply and "KK-0001" not in reply
    assert "QUÁ HẠN" not in reply
    assert "Không có khó khăn" in await tam.say("/dskhokhan quahan")
    assert "KK-0002" in await tam.say("/dskhokhan XA08")
    assert "dành cho lãnh đạo" in await an.say("/dskhokhan")


async def test_a_deactivated_reporter_is_reported_to_the_leader(
    linked_chat: MakeChat, org_db: Database
) -> None:
    thu = await linked_chat(THU)
    an = await linked_chat(AN)
    number = await raise_urgent(an)
    async with org_db.transaction() as tx:
        await tx.execute("UPDATE people SET active = 0 WHERE full_name = ?", (AN,))
    await thu.press_data(f"k:answer:{number}")
    reply = await thu.say("Trả lời dù anh An đã về Sở")
    assert "Anh/chị An hiện không nhận được tin trên bot" in reply
    assert (await stored(org_db, number)).status == "answered"


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


async def test_khokhan_with_text_keeps_the_text_as_the_description(
    linked_chat: MakeChat, org_db: Database
) -> None:
    lan = await linked_chat(LAN, numbered=True, channel="zalo")
    asked = await lan.say("/khokhan Xã chưa có hướng dẫn về biên chế")
    assert asked.startswith("Thuộc lĩnh vực nào?")
    await lan.say("2")  # Biên chế, số lượng người làm việc
    await lan.say("1")  # Khó khăn, vướng mắc
    saved = await lan.say("2")  # Gấp
    assert saved.startswith("Đã ghi nhận KK-0001 (Khó khăn, vướng mắc, Gấp).")
    # With one open already, text after /khokhan still raises a new one (not the list).
    await lan.say("/khokhan Xin ý kiến về vị trí việc làm")
    assert lan.text.startswith("Thuộc lĩnh vực nào?")
    assert (await stored(org_db, 1)).description == "Xã chưa có hướng dẫn về biên chế"
