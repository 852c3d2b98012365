"""Stories of supervisors reading their daily and weekly digests (báo cáo tổng hợp)."""

from __future__ import annotations

import asyncio
import os
from datetime import date
from pathlib import Path

import pytest
import time_machine

from bot.channels.telegram import TelegramChannel, build_application
from bot.channels.telegram_outbox import TelegramOutbox, outbox_bot
from bot.cli import main
from bot.orgservice import import_org
from handlers.core.messages import Reply
from handlers.core.workcal import calendar_from
from handlers.digest.chart import ChartData, render_chart
from handlers.digest.command import DigestRequest, parse_request
from handlers.digest.daily import weekly_digest
from handlers.router import Router
from storage import Database, calendar, leave, org, outbox, worklog
from storage.org_import import (
    AssignmentRow,
    OrgData,
    PersonRow,
    WaveRow,
    WorkingGroupRow,
    apply_org,
    resolve_person,
)
from tests.chat import ZONE, Chat, local
from tests.helpers.difficulty import TAM, THU, raise_urgent
from tests.helpers.digest import CAL, daily, person
from tests.helpers.sample import AN, LAN, LONG, SAMPLE_XLSX, THANH, MakeChat

BINH = "Trần Thị Bình"  # official, XDCQ, Xã Suối Mây; Thu's scope
HUY = "Đặng Quốc Huy"  # official, TCBC, Xã Núi Rẫy; Tâm's scope
TOAN = "Mai Văn Toàn"  # a working-group leader who heads no division (added by a story)
MONDAY = date(2026, 11, 30)


async def log(chat: Chat, at: str, topic: str, text: str, commune: str | None = None) -> None:
    """An official logs work with /nhatky at a local time."""
    await chat.at(at).say("/nhatky")
    if commune:
        await chat.press(commune)
    await chat.press(topic)
    reply = await chat.say(text)
    assert "Đã ghi nhật ký" in reply, reply


async def add_entry(db: Database, name: str, day: date, text: str, at: str) -> None:
    """An entry stored directly (for volume), at the person's commune that day."""
    async with db.transaction() as tx:
        person_id = await resolve_person(tx, name)
        [commune, *_] = await org.communes_of_person_on(tx, person_id, day)
        await worklog.add_work_log(
            tx,
            person_id=person_id,
            commune_code=commune.code,
            work_date=day,
            topic="ccvc",
            text=text,
            channel="telegram",
            sent_at=local(at),
            now=local(at),
        )


def section(text: str, title: str) -> list[str]:
    """The lines of the section whose first line starts with `title` (up to a blank line)."""
    blocks = [block.splitlines() for block in text.split("\n\n")]
    for block in blocks:
        if block and block[0].startswith(title):
            return block
    raise AssertionError(f"no section {title!r} in:\n{text}")


async def test_leadership_sees_missing_names_first_then_entries_by_commune_with_time(
    linked_chat: MakeChat, org_db: Database
) -> None:
    an = await linked_chat(AN)
    lan = await linked_chat(LAN)
    await log(an, "2026-11-30 08:15", "Tổ chức bộ máy", "Họp   với UBND xã\nvề sắp xếp bộ máy")
    await log(lan, "2026-11-30 10:40", "Biên chế", "Rà soát biên chế công chức xã")
    digest = await daily(org_db, THANH, MONDAY, "2026-11-30 17:00")
    text = digest.text
    assert text.startswith("Báo cáo tổng hợp ngày Thứ Hai, 30/11/2026 — phạm vi: toàn Sở\n")
    assert "Số liệu tính đến 17:00 hôm nay." in text
    assert "Phải báo cáo: 15 · Đã ghi: 2 · Chưa ghi: 13 · Nghỉ phép: 0" in text
    missing = section(text, "Chưa ghi nhật ký (13):")
    assert "• Trần Thị Bình · Xã Suối Mây" in missing
    assert "• Đỗ Văn Long · Xã Đá Vàng, Xã Đồi Sim" in missing
    assert not any(AN in line or LAN in line for line in missing)
    # Missing names come before what was done.
    assert text.index("Chưa ghi nhật ký") < text.index("Nhật ký công tác (2):")
    assert section(text, "Xã Hòa Vang Tây (1):")[1] == (
        "• 08:15 · Nguyễn Văn An · Tổ chức bộ máy HĐND và UBND: Họp với UBND xã về sắp xếp bộ máy"
    )
    assert section(text, "Xã Pa Lang (1):")[1].startswith("• 10:40 · Bùi Thị Lan · Biên chế")
    assert digest.period == "2026-11-30" and digest.image is None and not digest.is_empty_scope


async def test_each_supervisor_sees_only_their_scope(
    linked_chat: MakeChat, org_db: Database
) -> None:
    an = await linked_chat(AN)
    lan = await linked_chat(LAN)
    await log(an, "2026-11-30 08:15", "Tổ chức bộ máy", "Họp với UBND xã")
    await log(lan, "2026-11-30 09:00", "Biên chế", "Rà soát biên chế")
    thu = (await daily(org_db, THU, MONDAY, "2026-11-30 17:00")).text
    assert "phạm vi: Phòng Công chức, viên chức; Phòng Xây dựng chính quyền; Tổ công tác số 1" in (
        thu
    )
    assert "Phải báo cáo: 6 · Đã ghi: 1 · Chưa ghi: 5" in thu
    assert AN in thu and LAN not in thu and "Xã Pa Lang" not in thu
    tam = (await daily(org_db, TAM, MONDAY, "2026-11-30 17:00")).text
    assert "Phải báo cáo: 9 · Đã ghi: 1 · Chưa ghi: 8" in tam
    assert LAN in tam and AN not in tam and "Xã Hòa Vang Tây" not in tam


async def test_a_group_leader_sees_the_groups_communes_whatever_the_division(
    linked_chat: MakeChat, org_db: Database
) -> None:
    # A leader of a new working group over Pa Lang (Lan, TCBC) and Đá Vàng (one of Long's two
    # communes), who heads no division.
    group = OrgData(
        people=[PersonRow(TOAN, "supervisor", None, "0900000199")],
        working_groups=[WorkingGroupRow("Tổ công tác số 4", TOAN, (), ("XA08", "XA16"))],
    )
    async with org_db.transaction() as tx:
        await apply_org(tx, group, local("2026-11-30 07:00"))
    long = await linked_chat(LONG)
    await log(long, "2026-11-30 08:00", "Biên chế", "Làm việc tại Đồi Sim", "Xã Đồi Sim")
    await log(long, "2026-11-30 14:00", "Biên chế", "Làm việc tại Đá Vàng", "Xã Đá Vàng")
    text = (await daily(org_db, TOAN, MONDAY, "2026-11-30 17:00")).text
    assert "phạm vi: Tổ công tác số 4" in text
    assert "Phải báo cáo: 2 · Đã ghi: 1 · Chưa ghi: 1" in text
    assert "• Bùi Thị Lan · Xã Pa Lang" in section(text, "Chưa ghi nhật ký (1):")
    # Long counts with the commune that is in the group; his work elsewhere is not shown.
    assert "Làm việc tại Đá Vàng" in text and "Làm việc tại Đồi Sim" not in text
    assert AN not in text


async def test_people_on_leave_are_on_leave_never_missing(org_db: Database) -> None:
    async with org_db.transaction() as tx:
        binh = await resolve_person(tx, BINH)
        await leave.add_leave(
            tx,
            binh,
            date(2026, 11, 30),
            date(2026, 12, 1),
            "Việc gia đình",
            local("2026-11-27 09:00"),
        )
    text = (await daily(org_db, THU, MONDAY, "2026-11-30 17:00")).text
    assert "Phải báo cáo: 6 · Đã ghi: 0 · Chưa ghi: 5 · Nghỉ phép: 1" in text
    assert section(text, "Nghỉ phép (1):") == ["Nghỉ phép (1):", "• Trần Thị Bình · Xã Suối Mây"]
    assert BINH not in "\n".join(section(text, "Chưa ghi nhật ký (5):"))
    # The day after the leave she is expected again.
    text = (await daily(org_db, THU, date(2026, 12, 2), "2026-12-02 17:00")).text
    assert BINH in "\n".join(section(text, "Chưa ghi nhật ký (6):"))


async def test_a_digest_is_written_even_when_nobody_reported(org_db: Database) -> None:
    digest = await daily(org_db, TAM, MONDAY, "2026-12-01 07:30")
    assert "Số liệu tính đến" not in digest.text  # yesterday's digest is complete
    assert "Phải báo cáo: 9 · Đã ghi: 0 · Chưa ghi: 9 · Nghỉ phép: 0" in digest.text
    assert len(section(digest.text, "Chưa ghi nhật ký (9):")) == 10
    assert "Nhật ký công tác: chưa có nhật ký nào." in digest.text
    assert not digest.is_empty_scope
    # Outside every wave nobody is expected, and the scope is reported empty.
    later = await daily(org_db, TAM, date(2027, 1, 4), "2027-01-04 17:00")
    assert "Không có cán bộ biệt phái nào trong phạm vi vào ngày này." in later.text
    assert later.is_empty_scope


async def test_new_waiting_and_overdue_difficulties_with_their_age(
    linked_chat: MakeChat, org_db: Database
) -> None:
    thu = await linked_chat(THU)
    an = await linked_chat(AN)
    overdue = await raise_urgent(an.at("2026-11-25 10:00"), "Xã chưa có hướng dẫn bố trí")
    waiting = await raise_urgent(an.at("2026-11-27 09:00"), "Thiếu biểu mẫu báo cáo")
    await thu.at("2026-11-27 10:00").press_data(f"k:ack:{waiting}")
    new = await raise_urgent(an.at("2026-11-30 08:30"), "Xã hỏi về   chế độ\nphụ cấp")
    text = (await daily(org_db, THU, MONDAY, "2026-11-30 09:00")).text
    assert section(text, "Khó khăn, vướng mắc mới trong ngày (1):")[1] == (
        f"• KK-{new:04d} · GẤP · Xã Hòa Vang Tây · Nguyễn Văn An · Mới, chờ tiếp nhận: "
        "Xã hỏi về chế độ phụ cấp"
    )
    assert section(text, "Khó khăn quá hạn (1):")[1] == (
        f"• KK-{overdue:04d} · GẤP · Mới, chờ tiếp nhận · QUÁ HẠN · Xã Hòa Vang Tây · 4 ngày: "
        "Xã chưa có hướng dẫn bố trí"
    )
    assert section(text, "Khó khăn đang chờ xử lý (1):")[1] == (
        f"• KK-{waiting:04d} · GẤP · Đã tiếp nhận · Xã Hòa Vang Tây · 3 ngày: "
        "Thiếu biểu mẫu báo cáo"
    )
    # Four office hours later (lunch excluded) the new one is overdue too, aged in hours.
    text = (await daily(org_db, THU, MONDAY, "2026-11-30 15:00")).text
    assert f"KK-{new:04d}" in "\n".join(section(text, "Khó khăn quá hạn (2):"))
    assert "· 6 giờ: Xã hỏi về" in text
    tam = (await daily(org_db, TAM, MONDAY, "2026-11-30 14:00")).text
    assert "KK-" not in tam
    assert "không có mục mới, quá hạn hay đang chờ xử lý" in tam


async def test_officials_the_bot_cannot_reach_are_named(
    linked_chat: MakeChat, org_db: Database
) -> None:
    lan = await linked_chat(LAN)
    now = local("2026-11-30 08:00")
    async with org_db.transaction() as tx:
        # Lan blocked the bot; Huy never linked a chat and a reminder could not be queued.
        await outbox.mark_chat_unreachable(tx, "telegram", lan.user_id, now)
        huy = await resolve_person(tx, HUY)
        await outbox.enqueue(
            tx, key="test:huy", person_id=huy, payload=Reply("Nhắc nhở").to_json(), now=now
        )
    text = (await daily(org_db, TAM, MONDAY, "2026-11-30 17:00")).text
    assert section(text, "Không liên lạc được qua bot (2):")[1:] == [
        "• Đặng Quốc Huy — chưa liên kết tài khoản với bot",
        "• Bùi Thị Lan — đã chặn bot hoặc không nhận được tin",
    ]
    assert "Không liên lạc được" not in (await daily(org_db, THU, MONDAY, "2026-11-30 17:00")).text
    # Lan writes to the bot again: she can be reached.
    await lan.at("2026-11-30 18:00").say("/trogiup")
    text = (await daily(org_db, TAM, MONDAY, "2026-11-30 18:30")).text
    assert section(text, "Không liên lạc được qua bot (1):")[1].startswith("• Đặng Quốc Huy")


async def test_a_weekend_is_a_day_off_and_entries_still_show(
    linked_chat: MakeChat, org_db: Database
) -> None:
    an = await linked_chat(AN)
    await log(an, "2026-11-29 09:00", "Khác", "Trực tiếp dân cuối tuần")
    text = (await daily(org_db, THU, date(2026, 11, 29), "2026-11-29 20:00")).text
    assert "Ngày nghỉ (Chủ Nhật): không tính thiếu nhật ký." in text
    assert "Có 1 cán bộ vẫn ghi nhật ký." in text
    assert "Chưa ghi nhật ký" not in text and "Phải báo cáo" not in text
    assert "• 09:00 · Nguyễn Văn An · Khác: Trực tiếp dân cuối tuần" in text


async def test_tet_is_a_day_off(org_db: Database) -> None:
    tet = OrgData(
        waves=[WaveRow("Đợt 3", date(2027, 1, 4), date(2027, 3, 31))],
        assignments=[AssignmentRow(AN, "XA01", "Đợt 3", date(2027, 1, 4), date(2027, 3, 31))],
    )
    async with org_db.transaction() as tx:
        await apply_org(tx, tet, local("2026-12-30 08:00"))
    day = date(2027, 2, 8)  # Monday, the third day of Tết Đinh Mùi
    holiday = CAL.holiday_name(day)
    assert holiday is not None and "Tết" in holiday
    text = (await daily(org_db, THANH, day, "2027-02-08 17:00")).text
    assert f"Ngày nghỉ ({holiday}): không tính thiếu nhật ký." in text
    assert "Chưa ghi nhật ký" not in text
    # The Monday after Tết, An is expected again.
    text = (await daily(org_db, THANH, date(2027, 2, 15), "2027-02-15 17:00")).text
    assert "Phải báo cáo: 1 · Đã ghi: 0 · Chưa ghi: 1" in text


async def test_a_make_up_saturday_counts_as_a_working_day(
    linked_chat: MakeChat, org_db: Database
) -> None:
    async with org_db.transaction() as tx:
        await calendar.add_declared_day(tx, date(2026, 11, 28), "workday", "Làm bù")
    thu = await linked_chat(THU)
    reply = await thu.at("2026-11-28 18:00").say("/baocao")
    assert "Báo cáo tổng hợp ngày Thứ Bảy, 28/11/2026" in reply
    assert "Ngày làm việc bù" in reply
    assert "Phải báo cáo: 6 · Đã ghi: 0 · Chưa ghi: 6" in reply
    # Without the declared day, the same Saturday is a day off.
    text = (await daily(org_db, THU, date(2026, 11, 28), "2026-11-28 18:00")).text
    assert "Ngày nghỉ (Thứ Bảy)" in text


async def test_a_long_digest_is_split_between_lines_never_inside_one(
    org_db: Database,
) -> None:
    people = [
        "Nguyễn Văn An",
        "Trần Thị Bình",
        "Phạm Thị Dung",
        "Bùi Thị Lan",
        "Ngô Thị Mai",
        "Vũ Thị Quỳnh",
    ]
    for n, name in enumerate(people):
        for k in range(6):
            text = f"Việc số {k} của {name}: " + "hướng dẫn xã rà soát hồ sơ công chức " * 8
            await add_entry(org_db, name, MONDAY, text, f"2026-11-30 {8 + k:02d}:{n:02d}")
    text = (await daily(org_db, THANH, MONDAY, "2026-11-30 17:00")).text
    assert len(text) > 2 * 4096
    lines = text.splitlines()
    assert all(len(line) < 300 for line in lines)
    delivery = TelegramOutbox(outbox_bot("1:TEST", "http://127.0.0.1:9/bot"))
    pieces = delivery.pieces(Reply(text))
    assert len(pieces) >= 3 and all(len(p.text) <= 4096 for p in pieces)
    # Every piece holds whole lines, and together they hold every line in order.
    rejoined = [line for p in pieces for line in p.text.splitlines() if line]
    assert rejoined == [line for line in lines if line]
    assert all(line in lines for p in pieces for line in p.text.splitlines())


async def test_weekly_digest_rates_median_first_response_and_chart(
    linked_chat: MakeChat, org_db: Database
) -> None:
    thu = await linked_chat(THU)
    an = await linked_chat(AN)
    binh = await linked_chat(BINH)
    async with org_db.transaction() as tx:
        binh_id = await resolve_person(tx, BINH)
        await leave.add_leave(
            tx, binh_id, date(2026, 12, 3), date(2026, 12, 4), "Phép năm", local("2026-11-30 07:00")
        )
    for day in ("2026-11-30", "2026-12-01", "2026-12-02"):
        await log(an, f"{day} 16:00", "Tổ chức bộ máy", f"Công việc ngày {day}")
        await log(binh, f"{day} 16:30", "Văn thư", f"Lưu trữ hồ sơ ngày {day}")
    # Three difficulties, first answered after 1, 2 and 5 hours: the median is 2 hours.
    first = await raise_urgent(an.at("2026-11-30 08:00"), "Câu hỏi một")
    await thu.at("2026-11-30 09:00").press_data(f"k:ack:{first}")
    second = await raise_urgent(an.at("2026-12-01 08:00"), "Câu hỏi hai")
    await thu.at("2026-12-01 10:00").press_data(f"k:ack:{second}")
    third = await raise_urgent(an.at("2026-12-02 08:00"), "Câu hỏi ba")
    await thu.at("2026-12-02 13:00").press_data(f"k:answer:{third}")
    await thu.say("Áp dụng hướng dẫn của Sở")
    await an.at("2026-12-02 15:00").press_data(f"k:confirm:{third}")

    supervisor = await person(org_db, THU)
    async with org_db.read() as tx:
        digest = await weekly_digest(tx, supervisor, MONDAY, local("2026-12-04 18:00"), CAL, "vi")
    text = digest.text
    assert text.startswith("Báo cáo tổng hợp tuần 49/2026 (30/11 – 06/12/2026) — phạm vi:")
    assert "Tỷ lệ báo cáo: 6/28 ngày công (21%) · 6 cán bộ · 5 ngày làm việc" in text
    officials = section(text, "Theo cán bộ")
    assert "• Nguyễn Văn An: 3/5 (60%)" in officials
    assert "• Trần Thị Bình: 3/3 (100%) · nghỉ phép 2 ngày" in officials
    assert officials[-1] == "• Trần Thị Bình: 3/3 (100%) · nghỉ phép 2 ngày"  # lowest first
    assert "• Xã Hòa Vang Tây: 3 nhật ký — Tổ chức bộ máy HĐND và UBND 3" in text
    assert "• Xã Suối Mây: 3 nhật ký — Văn thư, lưu trữ 3" in text
    assert "nêu mới 3 · đã trả lời 1 · đã giải quyết 1" in text
    assert "Thời gian phản hồi đầu tiên (trung vị): 2 giờ 0 phút, tính trên 3 khó khăn." in text
    oldest = section(text, "Khó khăn còn mở lâu nhất (2/2):")
    assert oldest[1].startswith(f"• KK-{first:04d} · GẤP · Đã tiếp nhận")
    assert digest.period == "2026-W49"
    assert digest.image is not None and digest.image.startswith(b"\x89PNG\r\n\x1a\n")
    assert "Biểu đồ kèm theo" in text
    # Tâm's week has none of it.
    tam = await person(org_db, TAM)
    async with org_db.read() as tx:
        other = await weekly_digest(tx, tam, MONDAY, local("2026-12-04 18:00"), CAL, "vi")
    assert "Tỷ lệ báo cáo: 0/45 ngày công (0%) · 9 cán bộ" in other.text
    assert "nêu mới 0" in other.text and AN not in other.text


async def test_baocao_is_for_supervisors_only(linked_chat: MakeChat) -> None:
    an = await linked_chat(AN)
    reply = await an.at("2026-11-30 10:00").say("/baocao")
    # An official is told digests are for supervisors, and what they can ask for instead.
    assert reply.startswith("Báo cáo tổng hợp ngày, tuần dành cho lãnh đạo.")
    assert "/baocao tháng (tháng này)" in reply
    assert "Báo cáo tổng hợp ngày, tuần dành cho" in await an.say("/digest tuan")
    xuan = await linked_chat("Đinh Văn Xuân")  # a commune contact
    assert (await xuan.say("/baocao")).startswith("Báo cáo tổng hợp dành cho lãnh đạo phòng")


async def test_baocao_today_another_day_and_the_week_with_its_chart(
    linked_chat: MakeChat,
) -> None:
    thu = await linked_chat(THU)
    reply = await thu.at("2026-11-30 10:00").say("/baocao")
    assert reply.startswith("Báo cáo tổng hợp ngày Thứ Hai, 30/11/2026")
    assert "Số liệu tính đến 10:00 hôm nay." in reply
    assert thu.buttons == ["Hôm qua", "Báo cáo tuần này"]
    reply = await thu.press("Hôm qua")
    assert reply.startswith("Báo cáo tổng hợp ngày Chủ Nhật, 29/11/2026")
    assert thu.buttons == ["Hôm nay", "Báo cáo tuần này"]
    await thu.press("Báo cáo tuần này")
    [weekly] = thu.last
    assert weekly.text.startswith("Báo cáo tổng hợp tuần 49/2026")
    assert weekly.image is not None and weekly.image.startswith(b"\x89PNG")
    assert thu.buttons == ["Hôm nay", "Tuần trước"]
    assert "tuần 48/2026" in await thu.press("Tuần trước")
    assert "ngày Thứ Sáu, 27/11/2026" in await thu.say("/baocao 27/11")
    assert "tuần 47/2026" in await thu.say("/baocao tuần 16/11")
    assert "tuần 48/2026" in await thu.say("/digest last week")
    assert "chưa tới" in await thu.say("/baocao 31/12/2026")
    assert "/baocao hôm qua" in await thu.say("/baocao ngày mai nhé")
    # A plain text after a digest is handled as usual (a supervisor does not log work).
    assert "Tin nhắn này không được lưu" in await thu.say("Cảm ơn")
    assert "/baocao (hoặc /digest) — báo cáo tổng hợp hôm nay" in await thu.say("/trogiup")


def test_what_baocao_understands() -> None:
    today = MONDAY
    assert parse_request("", today) == DigestRequest(today)
    assert parse_request("Hôm qua", today) == DigestRequest(date(2026, 11, 29))
    assert parse_request("27/11", today) == DigestRequest(date(2026, 11, 27))
    assert parse_request("tuần", today) == DigestRequest(today, weekly=True)
    assert parse_request("tuan truoc", today) == DigestRequest(date(2026, 11, 23), weekly=True)
    assert parse_request("week 2026-11-16", today) is None
    assert parse_request("week 16/11/2026", today) == DigestRequest(date(2026, 11, 16), True)
    assert parse_request("32/11", today) is None
    assert parse_request("abc", today) is None


async def test_a_weekly_chart_reaches_telegram_as_a_photo_then_the_text(
    org_db: Database,
) -> None:
    from testing.fakes.telegram_api import FakeTelegramAPI

    supervisor = await person(org_db, THANH)
    async with org_db.read() as tx:
        digest = await weekly_digest(tx, supervisor, MONDAY, local("2026-12-04 18:00"), CAL, "vi")
    assert digest.image is not None
    stored = Reply.from_json(Reply(digest.text, image=digest.image).to_json())
    assert stored.image == digest.image and stored.text == digest.text
    async with FakeTelegramAPI() as fake:
        delivery = TelegramOutbox(outbox_bot("123:ABC", fake.base_url, read_timeout=5.0))
        await delivery.start()
        try:
            pieces = delivery.pieces(stored)
            for piece in pieces:
                await delivery.deliver("4242", piece)
        finally:
            await delivery.stop()
        [photo] = fake.calls_of("sendPhoto")
        assert photo.params["caption"] == digest.text.splitlines()[0]
        assert photo.params["photo"]["size"] == len(digest.image)
        texts = [c.params["text"] for c in fake.calls_of("sendMessage")]
        assert "\n\n".join(texts) == digest.text
        sends = [c.method for c in fake.calls if c.method.startswith("send")]
        assert sends[0] == "sendPhoto" and len(sends) == len(pieces)


@pytest.fixture
def cli_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An operator's shell with BOT_DB_PATH set to a database holding the sample organisation."""
    for name in list(os.environ):
        if name.startswith(("BOT_", "TELEGRAM_", "ZALO_")):
            monkeypatch.delenv(name)
    path = tmp_path / "bietphai.sqlite3"
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("BOT_DB_PATH", str(path))
    return path


async def sample_database(path: Path) -> None:
    """The sample organisation and one entry of An on Monday 30/11/2026."""
    async with Database(path) as db:
        await import_org(db, SAMPLE_XLSX, local("2026-11-01 08:00"))
        await add_entry(db, AN, MONDAY, "Họp giao ban với UBND xã", "2026-11-30 08:15")


async def test_cli_prints_the_digest_and_refuses_bad_input(
    cli_db: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    await sample_database(cli_db)

    async def bietphai(*args: str) -> int:
        # The operator runs it on Friday 04/12/2026 in the evening.
        with time_machine.travel(local("2026-12-04 18:00"), tick=True):
            return await asyncio.to_thread(main, list(args))

    assert await bietphai("digest", "--date", "30/11/2026") == 0
    out = capsys.readouterr().out
    assert out.startswith("Báo cáo tổng hợp ngày Thứ Hai, 30/11/2026 — phạm vi: toàn Sở")
    assert "• 08:15 · Nguyễn Văn An · Quản lý công chức, viên chức: Họp giao ban" in out
    assert await bietphai("digest", "--date", "2026-11-30", "--supervisor", "0900000103") == 0
    out = capsys.readouterr().out
    assert "phạm vi: Phòng Cải cách hành chính; Phòng Tổ chức biên chế" in out and AN not in out
    chart = tmp_path / "tuan49.png"
    code = await bietphai("digest", "--weekly", "--date", "02/12/2026", "--chart", str(chart))
    assert code == 0
    assert capsys.readouterr().out.startswith("Báo cáo tổng hợp tuần 49/2026")
    assert chart.read_bytes().startswith(b"\x89PNG")
    for args, message in [
        (("--date", "31/02/2026"), "Lỗi: ngày '31/02/2026' không hợp lệ"),
        (("--date", "01/01/2099"), "Lỗi: ngày 01/01/2099 chưa tới"),
        (("--supervisor", AN), "Lỗi: Nguyễn Văn An không phụ trách"),
        (("--supervisor", "Không Có Ai"), "Lỗi: không tìm thấy ai"),
        (("--chart", "x.png"), "Lỗi: --chart chỉ dùng cùng --weekly"),
    ]:
        assert await bietphai("digest", *args) == 1
        captured = capsys.readouterr()
        assert captured.out == ""
        assert captured.err.startswith(message) and captured.err.count("\n") == 1, captured.err


async def test_digests_read_the_calendar_the_admin_declared(org_db: Database) -> None:
    async with org_db.transaction() as tx:
        await calendar.add_declared_day(tx, MONDAY, "off", "Nghỉ bù theo quyết định")
        declared = calendar_from(ZONE, await calendar.declared_days(tx))
    text = (await daily(org_db, THU, MONDAY, "2026-11-30 17:00", declared)).text
    assert "Ngày nghỉ (nghỉ theo lịch của Sở): không tính thiếu nhật ký." in text


async def test_a_reply_with_a_chart_is_answered_with_a_photo_then_the_text(
    router: Router,
) -> None:
    from testing.fakes.telegram_api import FakeTelegramAPI

    png = render_chart(ChartData([("Xã Pa Lang", 0.5)], [("Khác", 2)], "Tuần 49"), "vi")
    async with FakeTelegramAPI() as fake:
        application = build_application("123:ABC", fake.base_url)
        channel = TelegramChannel(application, router, "vi")
        await application.initialize()
        try:
            await channel.send("4242", Reply("Báo cáo tổng hợp tuần 49\n\nNội dung", image=png))
        finally:
            await application.shutdown()
        sends = [c for c in fake.calls if c.method.startswith("send")]
        assert [c.method for c in sends] == ["sendPhoto", "sendMessage"]
        assert sends[0].params["caption"] == "Báo cáo tổng hợp tuần 49"
        assert sends[1].params["text"] == "Báo cáo tổng hợp tuần 49\n\nNội dung"
