"""Stories of a commune contact withdrawing a study request before its week starts."""

from __future__ import annotations

from bot.jobs import Jobs, Schedule
from storage import Database
from tests.chat import ZONE, local
from tests.helpers.difficulty import THU, inbox
from tests.helpers.sample import THANH, MakeChat
from tests.helpers.study import (
    VAN,
    XDCQ,
    XUAN,
    YEN,
    add_contact,
    admin_confirms,
    contact,
    data_of,
    group,
    register,
)


async def test_a_contact_withdraws_a_confirmed_request_heads_are_told_and_places_free_up(
    linked_chat: MakeChat, org_db: Database
) -> None:
    when = "2026-11-25 09:00"
    xuan = await contact(linked_chat, XUAN, "Xã Đèo Gió", when)
    yen = await contact(linked_chat, YEN, "Xã Pa Lang", when)
    thu = await linked_chat(THU)
    thu.at(when)
    await register(xuan, group(5, "Lò"), [XDCQ], "07/12", "Bộ máy")  # the week is full
    await thu.press_data(data_of((await inbox(org_db, THU))[0], "Xác nhận"))
    assert "Đã xác nhận HT-0001" in thu.text
    # Xuân withdraws from the list under /hoctap, after saying no once.
    await xuan.say("/hoctap")
    await xuan.press("Rút đăng ký HT-0001")
    assert "Rút đăng ký HT-0001 (Bộ máy)?" in xuan.text
    await xuan.press("Không rút")
    assert "Giữ nguyên đăng ký HT-0001" in xuan.text
    await xuan.say("/hoctap")
    await xuan.press("Rút đăng ký HT-0001")
    confirm = xuan.button_data("Có, rút đăng ký")
    reply = await xuan.press("Có, rút đăng ký")
    assert "Đã rút đăng ký HT-0001. Đã báo: Cao Thị Thu" in reply
    withdrawn = [n for n in await inbox(org_db, THU) if n["key"] == "ht:1:withdrawn:17"]
    assert len(withdrawn) == 1
    assert "Đinh Văn Xuân (Xã Đèo Gió) đã rút đăng ký học tập HT-0001" in withdrawn[0]["text"]
    # A repeated tap changes nothing and tells nobody again.
    assert "đã cũ" in await xuan.press_data(confirm)
    assert "không còn phần nào rút được" in await xuan.press_data("htw:yes:1")
    assert len(await inbox(org_db, THU)) == 2
    assert "đã rút đăng ký" in await xuan.say("/hoctap")
    # The five places are free again: Yến's group fits the week of 07/12.
    reply = await register(yen, group(3, "Hà"), [XDCQ], "07/12", "Biên chế")
    assert f"{XDCQ}: tuần 07/12–11/12/2026, chờ phòng xác nhận" in reply
    # The reminder never fires for the withdrawn request.
    jobs = Jobs(org_db, ZONE, "vi", Schedule(), clock=lambda: local("2026-12-03 08:00"))
    assert await jobs.send_study_reminders() == 0
    assert not [m for m in await inbox(org_db, XUAN) if "remind" in m["key"]]


async def test_a_head_cannot_confirm_a_withdrawn_request_and_is_told_who_withdrew_it(
    linked_chat: MakeChat, org_db: Database
) -> None:
    xuan = await contact(linked_chat, XUAN, "Xã Đèo Gió", "2026-11-25 09:00")
    thu = await linked_chat(THU)
    await register(xuan, group(2, "Lò"), [XDCQ], "07/12", "Bộ máy")
    xuan.at("2026-11-26 10:30")
    assert "Rút đăng ký HT-0001 (Bộ máy)?" in await xuan.say("/hoctap hủy 1")
    assert "Đã rút đăng ký HT-0001" in await xuan.press("Có, rút đăng ký")
    reply = await thu.press_data(data_of((await inbox(org_db, THU))[0], "Xác nhận"))
    assert "HT-0001 đã được Đinh Văn Xuân rút đăng ký lúc 26/11/2026 10:30" in reply
    assert not [m for m in await inbox(org_db, XUAN) if "xác nhận" in m["text"]]


async def test_only_the_communes_contact_withdraws_and_only_before_the_week(
    linked_chat: MakeChat, org_db: Database
) -> None:
    when = "2026-11-25 09:00"
    xuan = await contact(linked_chat, XUAN, "Xã Đèo Gió", when)
    yen = await contact(linked_chat, YEN, "Xã Pa Lang", when)
    thu = await linked_chat(THU)
    await register(xuan, group(2, "Lò"), [XDCQ], "07/12", "Bộ máy")
    assert "Không thấy đăng ký HT-0001 của xã anh/chị" in await yen.say("/hoctap hủy HT-0001")
    assert "Không thấy đăng ký HT-0001" in await yen.press_data("htw:yes:1")
    assert "Không thấy đăng ký HT-0001" in await thu.press_data("htw:yes:1")
    assert "/hoctap hủy 7" in await xuan.say("/hoctap hủy")
    assert "Không thấy đăng ký HT-0009" in await xuan.say("/hoctap hủy 9")
    xuan.at("2026-12-07 08:00")  # Monday: its week has begun
    assert "không còn phần nào rút được" in await xuan.say("/hoctap rút 1")
    assert "Rút đăng ký" not in " ".join(xuan.buttons)
    await xuan.say("/hoctap")
    assert not any("Rút đăng ký" in b for b in xuan.buttons)
    assert len(await inbox(org_db, THU)) == 1


async def test_a_contact_on_zalo_withdraws_by_number(
    linked_chat: MakeChat, org_db: Database
) -> None:
    xuan = await linked_chat(XUAN, numbered=True, channel="zalo")
    xuan.at("2026-11-25 09:00")
    await xuan.say("/hoctap")
    await xuan.press("Xã Đèo Gió")
    await admin_confirms(xuan, XUAN)
    await register(xuan, group(2, "Lò"), [XDCQ], "07/12", "Bộ máy")
    await xuan.say("/hoctap")
    assert xuan.buttons == ["Đăng ký đoàn mới", "Rút đăng ký HT-0001"]
    assert "Rút đăng ký HT-0001 (Bộ máy)?" in await xuan.say("2")
    assert "Đã rút đăng ký HT-0001" in await xuan.say("1")


async def test_another_contact_withdraws_what_has_not_begun_and_everyone_concerned_is_told(
    linked_chat: MakeChat, org_db: Database
) -> None:
    when = "2026-11-25 09:00"
    xuan = await contact(linked_chat, XUAN, "Xã Đèo Gió", when)
    # A second contact of the same commune: the chat only asks, the admin's workbook sets it.
    await add_contact(org_db, VAN, "0900000303")
    van = await linked_chat(VAN)
    van.at(when)
    await van.say("/hoctap")
    reply = await van.press("Xã Đèo Gió")
    assert "Đã gửi quản trị viên đề nghị xác nhận anh/chị là đầu mối của Xã Đèo Gió" in reply
    assert f"Xã Đèo Gió hiện có đầu mối: {XUAN}" in reply
    assert "HT-" not in reply
    await van.say("/huy")
    await add_contact(org_db, VAN, "0900000303", commune="XA03")
    thu = await linked_chat(THU)
    thanh = await linked_chat(THANH)
    thanh.at(when)
    await register(xuan, group(2, "Lò"), [XDCQ, "Phòng Công chức"], "07/12", "Bộ máy")
    xdcq, ccvc = await inbox(org_db, THU)
    await thu.press_data(data_of(xdcq, "Xác nhận tuần 07/12–11/12"))
    await thanh.press_data(data_of(ccvc, "Chuyển sang tuần 14/12–18/12"))  # leadership confirms
    assert "Đã xác nhận HT-0001" in thanh.text
    # Thursday 10/12: the week of 07/12 has begun; the reminder of 14/12 is queued, not sent.
    jobs = Jobs(org_db, ZONE, "vi", Schedule(), clock=lambda: local("2026-12-10 08:00"))
    assert await jobs.send_study_reminders() == 1
    van.at("2026-12-10 09:00")
    await van.say("/hoctap hủy 1")
    reply = await van.press("Có, rút đăng ký")
    assert f"Đã rút đăng ký HT-0001. Đã báo: {THU}, {THANH}, {XUAN}." in reply
    assert "Phần ở Phòng Xây dựng chính quyền (tuần 07/12–11/12/2026) đã bắt đầu" in reply
    for name in (THU, THANH, XUAN):
        [told] = [n for n in await inbox(org_db, name) if ":withdrawn:" in n["key"]]
        assert "Sầm Thị Vân (Xã Đèo Gió) đã rút đăng ký học tập HT-0001" in told["text"]
        assert "Phòng Công chức" in told["text"] and "14/12–18/12/2026" in told["text"]
    assert not [n for n in await inbox(org_db, XUAN) if n["key"].endswith(":remind")]
    assert "đã rút đăng ký" in await xuan.say("/hoctap")


async def test_odd_withdraw_payloads_are_stale_not_errors(linked_chat: MakeChat) -> None:
    xuan = await contact(linked_chat, XUAN, "Xã Đèo Gió", "2026-11-25 09:00")
    await register(xuan, group(2, "Lò"), [XDCQ], "07/12", "Bộ máy")
    for data in ("htw:", "htw:yes", "htw:yes:²", "htw:yes:" + "9" * 30, "htw:drop:1"):
        assert "đã cũ" in await xuan.press_data(data), data
    assert "/hoctap hủy 7" in await xuan.say("/hoctap hủy " + "9" * 30)
