"""Stories of commune contacts asking to study at the department (/hoctap) and the division
heads confirming, moving and splitting the groups with one tap."""

from __future__ import annotations

import asyncio
from datetime import date

import pytest

from bot.app import handler_config
from bot.settings import Settings
from handlers.core.messages import Incoming, Kind
from handlers.core.turn import HandlerConfig
from handlers.router import Router
from storage import Database, study
from storage.org_import import OrgData, PersonRow, apply_org
from tests.chat import ZONE, Chat, local
from tests.helpers.difficulty import TAM, THU, inbox
from tests.helpers.sample import THANH, MakeChat
from tests.helpers.study import (
    VAN,
    XDCQ,
    XUAN,
    YEN,
    add_contact,
    card,
    contact,
    data_of,
    group,
    register,
)


async def test_three_communes_asking_for_a_full_week_are_moved_in_order_skipping_tet(
    linked_chat: MakeChat, org_db: Database
) -> None:
    await add_contact(org_db, VAN, "0900000303")
    when = "2027-01-11 09:00"  # Monday; Tết 2027 is 04/02–10/02
    xuan = await contact(linked_chat, XUAN, "Xã Đèo Gió", when)
    assert "Gửi danh sách cán bộ" in xuan.text  # no request yet: straight to registering
    yen = await contact(linked_chat, YEN, "Xã Pa Lang", when)
    van = await contact(linked_chat, VAN, "Xã Mốc Biên", when)
    await linked_chat(THU)

    reply = await register(xuan, group(5, "Lò"), [XDCQ], "27/01", "Tổ chức bộ máy")
    assert "Đã gửi đăng ký HT-0001 — Xã Đèo Gió, 5 người" in reply
    assert f"{XDCQ}: tuần 25/01–29/01/2027, chờ phòng xác nhận" in reply

    reply = await register(yen, group(3, "Hà"), [XDCQ], "25/01/2027", "Vị trí việc làm")
    assert "HT-0002" in reply
    # 01/02 and 08/02 are Tết weeks: never proposed.
    assert "tuần 25/01–29/01/2027 đã đủ chỗ; đề xuất tuần 15/02–19/02/2027" in reply
    reply = await register(van, group(3, "Sầm"), [XDCQ], "29/01", "Quản lý công chức")
    assert "đề xuất tuần 22/02–26/02/2027" in reply  # 15/02 has 2 places left, not 3
    reply = await register(xuan, group(3, "Vi"), [XDCQ], "25/01", "Lưu trữ")
    assert "HT-0004" in reply and "đề xuất tuần 01/03–05/03/2027" in reply

    notices = await inbox(org_db, THU)
    assert [n["key"] for n in notices] == [f"ht:{n}:new:{17}" for n in (1, 2, 3, 4)]
    moved = card(notices, "HT-0002")
    assert "Tuần mong muốn: tuần 25/01–29/01/2027, đã đủ chỗ" in moved["text"]
    assert "Hà Văn A — Công chức văn phòng" in moved["text"]
    labels = [label for label, _ in moved["choices"]]
    assert labels == ["Xác nhận tuần 15/02–19/02", "Chuyển sang tuần 22/02–26/02"]

    # The head's calendar: who comes per week and the room left; Tết weeks host nobody.
    thu = await linked_chat(THU)
    thu.at(when)
    reply = await thu.say("/hoctap")
    assert "Tuần 25/01–29/01/2027:" in reply
    assert f"{XDCQ}: 5 người, còn 0 chỗ" in reply
    assert "HT-0001 Xã Đèo Gió, 5 người (chờ xác nhận)" in reply
    assert "Tuần 01/02–05/02/2027:\n  tuần có ngày nghỉ lễ" in reply
    assert f"{XDCQ}: 3 người, còn 2 chỗ" in reply  # 15/02


async def test_a_contact_asking_for_the_tet_week_is_told_it_is_a_holiday_not_full(
    linked_chat: MakeChat, org_db: Database
) -> None:
    xuan = await contact(linked_chat, XUAN, "Xã Đèo Gió", "2027-01-11 09:00")
    await linked_chat(THU)
    reply = await register(xuan, group(2, "Lò"), [XDCQ], "09/02/2027", "Tổ chức bộ máy")
    assert (
        f"{XDCQ}: tuần 08/02–12/02/2027 là tuần có ngày nghỉ (Mùng ba Tết Nguyên Đán), Sở không "
        "đón đoàn; đề xuất tuần 15/02–19/02/2027, chờ phòng xác nhận."
    ) in reply
    assert "đủ chỗ" not in reply
    [notice] = await inbox(org_db, THU)
    assert (
        "Tuần mong muốn: tuần 08/02–12/02/2027, có ngày nghỉ (Mùng ba Tết Nguyên Đán), Sở không "
        "đón đoàn — đề xuất tuần 15/02–19/02/2027"
    ) in notice["text"]


async def test_confirm_move_and_split_with_one_tap_and_the_contact_is_told(
    linked_chat: MakeChat, org_db: Database
) -> None:
    when = "2026-11-25 09:00"
    xuan = await contact(linked_chat, XUAN, "Xã Đèo Gió", when)
    yen = await contact(linked_chat, YEN, "Xã Pa Lang", when)
    thu = await linked_chat(THU)
    thu.at(when)
    await register(xuan, group(4, "Lò"), [XDCQ, "Phòng Công chức"], "07/12", "Bộ máy")
    await register(yen, group(3, "Hà"), [XDCQ], "09/12", "Biên chế")
    notices = await inbox(org_db, THU)
    assert len(notices) == 3  # HT-0001 has a part for each division Thu heads
    # HT-0001, XDCQ: confirm the week it was placed in.
    first = notices[0]
    await thu.press_data(data_of(first, "Xác nhận tuần 07/12–11/12"))
    assert "Đã xác nhận HT-0001" in thu.text and "Đã báo: Đinh Văn Xuân." in thu.text
    [told] = await inbox(org_db, XUAN)
    assert "HT-0001: Phòng Xây dựng chính quyền đã xác nhận" in told["text"]
    assert (
        "tuần 07/12–11/12/2026 (Thứ Hai, 07/12/2026 – Thứ Sáu, 11/12/2026): 4 người" in told["text"]
    )
    assert "Địa điểm: Sở Nội vụ" in told["text"]
    assert "Người liên hệ: Cao Thị Thu, 0900000102" in told["text"]
    # HT-0001, CCVC: move to the next week with room.
    await thu.press_data(data_of(notices[1], "Chuyển sang tuần 14/12–18/12"))
    assert "Đã xác nhận HT-0001" in thu.text and "tuần 14/12–18/12/2026" in thu.text
    # HT-0002 (3 people) was proposed for 14/12 since 07/12 had 1 place left: split it.
    second = notices[2]
    assert "đề xuất tuần 14/12–18/12/2026" in second["text"]
    await thu.press_data(data_of(second, "Tách: 1 người 07/12, 2 người 14/12"))
    assert "1 người tuần 07/12–11/12/2026, 2 người tuần 14/12–18/12/2026" in thu.text
    [told] = await inbox(org_db, YEN)
    assert "tuần 07/12–11/12/2026" in told["text"] and "1 người — Hà Văn A" in told["text"]
    assert "2 người — Hà Văn B, Hà Văn C" in told["text"]
    # A button pressed again is told who confirmed; nothing changes.
    await thu.press_data(data_of(first, "Xác nhận"))
    assert "HT-0001 (Phòng Xây dựng chính quyền) đã được Cao Thị Thu xác nhận" in thu.text
    assert len(await inbox(org_db, XUAN)) == 2
    # The contact sees both requests' state.
    reply = await xuan.say("/hoctap")
    assert "đã xác nhận tuần 07/12–11/12/2026, 4 người; liên hệ Cao Thị Thu" in reply


async def test_zero_people_and_a_past_week_are_refused(linked_chat: MakeChat) -> None:
    xuan = await contact(linked_chat, XUAN, "Xã Đèo Gió", "2026-11-25 09:00")
    assert "cần ít nhất một người" in await xuan.say("0")
    assert "cần ít nhất một người" in await xuan.say("- \n  ")
    await xuan.say("Lò Văn Tư — Phó Chủ tịch UBND xã")
    await xuan.press(XDCQ)
    await xuan.press("Xong")
    reply = await xuan.say("16/11/2026")
    assert "Không chọn được tuần 16/11–20/11/2026: tuần này đã qua hoặc đã bắt đầu" in reply
    assert "Chọn từ tuần 30/11–04/12/2026 trở đi" in reply
    assert "đã qua hoặc đã bắt đầu" in await xuan.say("26/11")  # this week has started
    assert "Chưa đọc được tuần" in await xuan.say("tuần 49")  # week numbers are not used
    assert "Nội dung muốn học tập" in await xuan.say("02/12")
    assert "Đã gửi đăng ký HT-0001" in await xuan.say("Cải cách hành chính")


HOA = "Vi Thị Hoa"  # a second head of the XDCQ division, added by the test


@pytest.mark.both_backends
async def test_two_heads_confirming_at_once_one_wins_the_other_is_told(
    linked_chat: MakeChat, org_db: Database
) -> None:
    """Two heads of the same division tap «Xác nhận» at the same moment, each handled by its
    own bot instance on its own connection to the same file (as two running processes)."""
    async with org_db.transaction() as tx:
        row = PersonRow(HOA, "supervisor", "XDCQ", "0900000104", supervises=("XDCQ",))
        await apply_org(tx, OrgData(people=[row]), local("2026-11-01 08:00"))
    xuan = await contact(linked_chat, XUAN, "Xã Đèo Gió", "2026-11-25 09:00")
    await register(xuan, group(2, "Lò"), [XDCQ], "07/12", "Bộ máy")
    thu, hoa = await linked_chat(THU), await linked_chat(HOA)
    data = data_of((await inbox(org_db, THU))[0], "Xác nhận")
    assert data == data_of((await inbox(org_db, HOA))[0], "Xác nhận")
    now = local("2026-11-25 10:00")

    def press(chat: Chat) -> Incoming:
        return Incoming(
            channel="telegram",
            user_id=chat.user_id,
            chat_id=chat.user_id,
            update_key=f"race:{chat.user_id}",
            sent_at=now,
            kind=Kind.CHOICE,
            choice=data,
        )

    config = HandlerConfig(zone=ZONE, language="vi", backdate_days=7)
    first = await org_db.open_again()
    second = await org_db.open_again()
    try:
        answers = await asyncio.gather(
            Router(first, config).handle(press(thu), now=now),
            Router(second, config).handle(press(hoa), now=now),
        )
    finally:
        await first.close()
        await second.close()
    texts = {name: a[0].text for name, a in zip((THU, HOA), answers, strict=True)}
    [winner] = [name for name, text in texts.items() if "Đã xác nhận HT-0001" in text]
    [loser] = [name for name in texts if name != winner]
    assert f"HT-0001 ({XDCQ}) đã được {winner} xác nhận: tuần 07/12–11/12/2026." in texts[loser]
    told = [n for n in await inbox(org_db, XUAN) if "xác nhận" in n["text"]]
    assert len(told) == 1 and winner in told[0]["text"]


async def test_a_contact_never_sees_another_communes_request(
    linked_chat: MakeChat, org_db: Database
) -> None:
    xuan = await contact(linked_chat, XUAN, "Xã Đèo Gió", "2026-11-25 09:00")
    await register(xuan, group(2, "Lò"), [XDCQ], "07/12", "Bộ máy")
    yen = await contact(linked_chat, YEN, "Xã Pa Lang", "2026-11-25 09:00")
    assert "Không tìm thấy đăng ký HT-0001" in await yen.say("/hoctap 1")
    assert "Lò Văn" not in yen.text
    assert "Không tìm thấy đăng ký HT-0001" in await yen.say("/hoctap HT-0001")
    # A forged head button: refused, nothing confirmed.
    data = data_of((await inbox(org_db, THU))[0], "Xác nhận")
    assert "không có quyền xử lý HT-0001" in await yen.press_data(data)
    assert "chờ phòng xác nhận" in await xuan.say("/hoctap 1")
    # A head of other divisions sees neither the request nor it in the calendar.
    tam = await linked_chat(TAM)
    assert "Không tìm thấy đăng ký HT-0001" in await tam.say("/hoctap 1")
    tam.at("2026-11-25 09:00")
    reply = await tam.say("/hoctap")
    assert "Phòng Tổ chức biên chế" in reply and XDCQ not in reply and "HT-0001" not in reply
    assert "không có quyền xử lý" in await tam.press_data(data)


async def test_a_head_on_zalo_answers_by_number_for_the_right_division(
    linked_chat: MakeChat, org_db: Database
) -> None:
    xuan = await contact(linked_chat, XUAN, "Xã Đèo Gió", "2026-11-25 09:00")
    await register(xuan, group(2, "Lò"), [XDCQ, "Phòng Công chức"], "07/12", "Bộ máy")
    thu = await linked_chat(THU, numbered=True, channel="zalo")
    thu.at("2026-11-25 10:00")
    await thu.say("/hoctap 1")
    assert thu.buttons[:2] == [
        "CCVC: Xác nhận tuần 07/12–11/12",
        "CCVC: Chuyển sang tuần 14/12–18/12",
    ]
    assert thu.buttons[2] == "XDCQ: Xác nhận tuần 07/12–11/12"
    reply = await thu.say("4")  # XDCQ: move
    assert "Đã xác nhận HT-0001 — Phòng Xây dựng chính quyền" in reply
    assert "tuần 14/12–18/12/2026" in reply
    [told] = await inbox(org_db, XUAN)
    assert "Phòng Xây dựng chính quyền đã xác nhận" in told["text"]


async def test_a_stale_move_shows_fresh_buttons_and_a_late_head_is_told_who_confirmed(
    linked_chat: MakeChat, org_db: Database
) -> None:
    xuan = await contact(linked_chat, XUAN, "Xã Đèo Gió", "2026-11-25 09:00")
    yen = await contact(linked_chat, YEN, "Xã Pa Lang", "2026-11-25 09:00")
    assert "/hoctap (hoặc /study)" in await yen.say("/trogiup")
    await register(xuan, group(3, "Lò"), [XDCQ], "07/12", "Bộ máy")
    await register(yen, group(3, "Hà"), [XDCQ], "07/12", "Biên chế")  # proposed 14/12
    thu = await linked_chat(THU)
    thu.at("2026-11-25 10:00")
    first, second = await inbox(org_db, THU)
    await thu.press_data(data_of(second, "Xác nhận tuần 14/12–18/12"))
    # Xuân's notice offered a move to 14/12, which now has 2 places for 3 people.
    reply = await thu.press_data(data_of(first, "Chuyển sang tuần 14/12–18/12"))
    assert "tuần 14/12–18/12/2026 vừa hết chỗ" in reply
    assert "Chuyển sang tuần 21/12–25/12" in thu.buttons
    await thu.press("Chuyển sang tuần 21/12–25/12")
    assert "Đã xác nhận HT-0001" in thu.text and "tuần 21/12–25/12/2026" in thu.text
    # Leadership pressing the old button later is told who confirmed; nothing changes.
    thanh = await linked_chat(THANH)
    reply = await thanh.press_data(data_of(first, "Xác nhận"))
    assert "HT-0001 (Phòng Xây dựng chính quyền) đã được Cao Thị Thu xác nhận" in reply
    assert "tuần 21/12–25/12/2026" in reply
    assert len(await inbox(org_db, XUAN)) == 1


async def test_storage_refuses_a_second_confirm_or_split_of_a_confirmed_part(
    linked_chat: MakeChat, org_db: Database
) -> None:
    # Two heads pressing at once are serialised by the single writer, so the handler's own
    # check answers the later one; this guard is what holds if the check ever reads stale data.
    xuan = await contact(linked_chat, XUAN, "Xã Đèo Gió", "2026-11-25 09:00")
    await register(xuan, group(2, "Lò"), [XDCQ], "07/12", "Bộ máy")
    thu = await linked_chat(THU)
    await thu.press_data(data_of((await inbox(org_db, THU))[0], "Xác nhận"))
    assert "Đã xác nhận HT-0001" in thu.text
    now = local("2026-11-25 10:00")
    async with org_db.transaction() as tx:
        [part] = await study.parts_of_request(tx, 1)
        assert part.status == "confirmed"
        again = await study.confirm(
            tx, part.id, by=part.confirmed_by or 0, week=date(2026, 12, 14), place="x", now=now
        )
        split = await study.split(
            tx,
            part,
            [(date(2026, 12, 7), 1), (date(2026, 12, 14), 1)],
            by=part.confirmed_by or 0,
            place="x",
            now=now,
        )
    assert again is False and split is None
    async with org_db.read() as tx:
        [kept] = await study.parts_of_request(tx, 1)
    assert kept.week_start == date(2026, 12, 7) and kept.people == 2 and kept.place != "x"
    assert len(await inbox(org_db, XUAN)) == 1


async def test_study_in_english_is_the_same_command_as_hoctap(linked_chat: MakeChat) -> None:
    xuan = await contact(linked_chat, XUAN, "Xã Đèo Gió", "2026-11-25 09:00")
    await register(xuan, group(2, "Lò"), [XDCQ], "07/12", "Bộ máy")
    listed = await xuan.say("/hoctap")
    assert "HT-0001" in listed
    assert await xuan.say("/study") == listed
    assert await xuan.say("/study 1") == await xuan.say("/hoctap 1")


def test_hosting_capacity_defaults_to_five_people_per_division_and_week(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The issue fixes the default at 5; the handlers get it from the settings, not their own.
    monkeypatch.delenv("BOT_STUDY_CAPACITY_PER_WEEK", raising=False)
    settings = Settings(_env_file=None)
    assert handler_config(settings).study_capacity == 5
    monkeypatch.setenv("BOT_STUDY_CAPACITY_PER_WEEK", "3")
    assert handler_config(Settings(_env_file=None)).study_capacity == 3
