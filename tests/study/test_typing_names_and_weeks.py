"""Stories found by using the study visits as a commune contact and a division head would: names
sent one message at a time, names on one line, "tuần sau", large groups and the help lines."""

from __future__ import annotations

from handlers.study.parse import parse_people
from storage import Database
from storage.org_import import OrgData, PersonRow, apply_org
from tests.chat import Chat, local
from tests.helpers.difficulty import THU, inbox
from tests.helpers.sample import MakeChat
from tests.helpers.study import XDCQ, XUAN, YEN, contact, group

WHEN = "2026-11-25 09:00"  # Wednesday; next week is 30/11–04/12/2026


async def divisions_step(chat: Chat, first_message: str) -> str:
    """Start a new request and send the first message of officials."""
    await chat.say("/hoctap mới")
    assert "Gửi danh sách cán bộ" in chat.text, chat.text
    return await chat.say(first_message)


async def test_names_sent_one_message_each_are_added_not_dropped(
    linked_chat: MakeChat, org_db: Database
) -> None:
    # On the console or Telegram on a computer, Enter sends each line as its own message.
    xuan = await contact(linked_chat, XUAN, "Xã Đèo Gió", WHEN)
    reply = await xuan.say("Lò Văn Tư - Phó Chủ tịch UBND xã")
    assert "Đoàn 1 người: Lò Văn Tư (Phó Chủ tịch UBND xã)" in reply
    assert "Còn người thì gửi thêm tên" in reply
    reply = await xuan.say("Hà Thị Mai, công chức văn hóa - xã hội")
    assert "Đã thêm 1 người vào đoàn." in reply
    assert "Đoàn 2 người: Lò Văn Tư (Phó Chủ tịch UBND xã), Hà Thị Mai (công chức văn" in reply
    # A division typed by name or code picks it; something else is not taken as a person.
    assert "Đã chọn: Phòng Xây dựng chính quyền" in await xuan.say("xây dựng chính quyền")
    reply = await xuan.say("Phòng Nội vụ")
    assert "vui lòng chọn một mục" in reply and "Đoàn 2 người" in reply
    assert "tuần nào" in await xuan.say("xong")
    await xuan.say("07/12")
    reply = await xuan.say("Bộ máy chính quyền hai cấp")
    assert "Đã gửi đăng ký HT-0001 — Xã Đèo Gió, 2 người" in reply
    [notice] = await inbox(org_db, THU)
    assert "1. Lò Văn Tư — Phó Chủ tịch UBND xã" in notice["text"]
    assert "2. Hà Thị Mai — công chức văn hóa - xã hội" in notice["text"]


async def test_names_on_one_line_are_several_people_and_the_list_can_be_typed_again(
    linked_chat: MakeChat,
) -> None:
    yen = await contact(linked_chat, YEN, "Xã Pa Lang", WHEN)
    reply = await yen.say("Nguyễn Văn A, Trần Thị B; Lò Văn C")
    assert "Đoàn 3 người: Nguyễn Văn A, Trần Thị B, Lò Văn C." in reply
    await yen.press(XDCQ)
    # Read wrong (or changed their mind): type the list again; the division stays chosen.
    assert "Gửi danh sách cán bộ" in await yen.press("Nhập lại danh sách")
    reply = await yen.say("Nguyễn Văn A, công chức địa chính")
    assert "Đoàn 1 người: Nguyễn Văn A (công chức địa chính)." in reply
    assert "Đã chọn: Phòng Xây dựng chính quyền" in reply
    # Thirty people: the first ten are read back, then how many more.
    await yen.press("Nhập lại danh sách")
    reply = await yen.say(group(26, "Hà") + "\n" + group(4, "Vi"))
    assert "Đoàn 30 người: Hà Văn A (Công chức văn phòng)," in reply
    assert "Hà Văn J (Công chức văn phòng) và 20 người nữa." in reply


def test_a_position_written_after_a_comma_stays_the_position() -> None:
    assert parse_people("Nguyễn Văn A, Phó Chủ tịch UBND") == [
        ("Nguyễn Văn A", "Phó Chủ tịch UBND")
    ]
    assert parse_people("1. Lò Văn Tư (Chủ tịch)\n2) Hà Thị Mai") == [
        ("Lò Văn Tư", "Chủ tịch"),
        ("Hà Thị Mai", ""),
    ]


async def test_tuan_sau_names_next_week_and_an_unread_week_shows_an_example(
    linked_chat: MakeChat,
) -> None:
    xuan = await contact(linked_chat, XUAN, "Xã Đèo Gió", WHEN)
    await xuan.say("Lò Văn Tư — Phó Chủ tịch UBND xã")
    await xuan.press(XDCQ)
    await xuan.press("Xong")
    reply = await xuan.say("tuần 49")
    assert "Chưa đọc được tuần trong «tuần 49»" in reply
    assert "(ví dụ 30/11) hay «tuần sau»" in reply
    assert "Nội dung muốn học tập" in await xuan.say("Tuần sau")
    reply = await xuan.say("Cải cách hành chính")
    assert f"{XDCQ}: tuần 30/11–04/12/2026, chờ phòng xác nhận" in reply


async def test_a_group_larger_than_a_week_is_shown_as_such_to_the_head(
    linked_chat: MakeChat, org_db: Database
) -> None:
    xuan = await contact(linked_chat, XUAN, "Xã Đèo Gió", WHEN)
    await xuan.say(group(7, "Lò"))
    await xuan.press(XDCQ)
    await xuan.press("Xong")
    await xuan.say("07/12")
    await xuan.say("Bộ máy")
    [notice] = await inbox(org_db, THU)
    assert "đoàn đông hơn 5 chỗ của một tuần" in notice["text"]
    assert "còn chỗ —" not in notice["text"]
    assert any(
        label.startswith("Tách: 5 người 07/12, 2 người 14/12") for label, _ in notice["choices"]
    )


async def test_help_tells_each_role_what_they_do_with_hoctap(linked_chat: MakeChat) -> None:
    xuan = await contact(linked_chat, XUAN, "Xã Đèo Gió", WHEN)
    reply = await xuan.say("/trogiup")
    assert "đăng ký đoàn cán bộ xã đến học tập kinh nghiệm tại Sở" in reply
    assert "/hoctap mới" in reply and "/hoctap moi" not in reply
    assert "lãnh đạo phòng" not in reply and "tách" not in reply
    await xuan.say("Nguyễn Văn A")  # /trogiup kept the registration going
    await xuan.press(XDCQ)
    await xuan.press("Xong")
    await xuan.say("07/12")
    await xuan.say("Bộ máy")
    await xuan.say("/hoctap")
    assert "Gõ /hoctap mới để đăng ký đoàn mới." in await xuan.say("cảm ơn")
    thu = await linked_chat(THU)
    reply = await thu.say("/trogiup")
    assert "/hoctap 7 để xác nhận, chuyển tuần hoặc tách đăng ký HT-0007" in reply
    assert "đăng ký đoàn cán bộ xã" not in reply


async def test_a_head_without_a_phone_is_named_without_a_dangling_comma(
    linked_chat: MakeChat, org_db: Database
) -> None:
    async with org_db.transaction() as tx:
        head = PersonRow("Mạc Văn Vinh", "supervisor", "VTLT", None, supervises=("VTLT",))
        await apply_org(tx, OrgData(people=[head]), local("2026-11-01 08:00"))
    xuan = await contact(linked_chat, XUAN, "Xã Đèo Gió", WHEN)
    await xuan.say("Lò Văn Tư — Phó Chủ tịch UBND xã")
    await xuan.press("Phòng Văn thư, lưu trữ")
    await xuan.press("Xong")
    await xuan.say("07/12")
    await xuan.say("Lưu trữ hồ sơ")
    vinh = await linked_chat("Mạc Văn Vinh")
    [notice] = await inbox(org_db, "Mạc Văn Vinh")
    await vinh.press_data(notice["choice_data"][0])
    assert "Đã xác nhận HT-0001" in vinh.text
    [told] = await inbox(org_db, XUAN)
    assert told["text"].endswith("Người liên hệ: Mạc Văn Vinh")
    reply = await xuan.say("/hoctap")
    assert "liên hệ Mạc Văn Vinh\n" in reply + "\n" and "Vinh," not in reply


async def test_officials_sent_right_after_the_list_start_a_new_request(
    linked_chat: MakeChat,
) -> None:
    xuan = await contact(linked_chat, XUAN, "Xã Đèo Gió", WHEN)
    await xuan.say("Lò Văn Tư — Phó Chủ tịch UBND xã")
    await xuan.press(XDCQ)
    await xuan.press("Xong")
    await xuan.say("07/12")
    await xuan.say("Bộ máy")
    assert "HT-0001" in await xuan.say("/hoctap")
    # Without pressing «Đăng ký đoàn mới», the officials of the next group are pasted at once.
    reply = await xuan.say("1. Hà Văn Năm - công chức tư pháp\n2. Vi Thị Sáu - văn thư")
    assert "Đoàn 2 người: Hà Văn Năm (công chức tư pháp), Vi Thị Sáu (văn thư)" in reply
    assert "phòng nào" in reply
    # Anything else after the list is not taken for people: the bot says how to register.
    await xuan.say("/hoctap")
    assert "Gõ /hoctap mới để đăng ký đoàn mới." in await xuan.say("cảm ơn")
