"""Helpers for working-group visit stories: members, planning, outcomes, the scheduler tick."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from openpyxl import load_workbook

from bot.export import ExportRequest, export_to
from bot.export.visits_sheet import HEADER
from bot.jobs import Jobs, Schedule
from handlers.core.workcal import calendar_from
from storage import Database, calendar
from storage.export import ExportFilter
from tests.chat import ZONE, Chat, local
from tests.helpers.difficulty import THU
from tests.helpers.sample import MakeChat

BINH = "Trần Thị Bình"  # official, member of working group 1


DUNG = "Phạm Thị Dung"  # official, member of working group 1


CUONG = "Lê Hoàng Cường"  # official assigned to XA03 (Xã Đèo Gió) in Đợt 2, in no group


async def plan_to_members(thu: Chat, commune: str, day: str) -> None:
    """Start planning, pick the commune and type the day (a working day)."""
    await thu.say("/tocongtac moi")
    await thu.press(commune)
    reply = await thu.say(day)
    assert "Thành viên nào đi?" in reply, reply


HUY = "Đặng Quốc Huy"  # official, member of working group 2, TCBC


async def tick(db: Database, at: str) -> int:
    """Run the real visit-reminder job once with the clock at `at` (local time)."""
    jobs = Jobs(db, ZONE, "vi", Schedule(), clock=lambda: local(at))
    return await jobs.send_visit_reminders()


async def plan(thu: Chat, day: str, *members: str) -> None:
    """Thu plans group 1's visit to Xã Đèo Gió (XA03) on `day` with these members."""
    await plan_to_members(thu, "Xã Đèo Gió", day)
    for name in members:
        await thu.press(name)
    await thu.press("Xong")
    assert "Đã lên lịch" in await thu.say("Rà soát sắp xếp cán bộ theo Đề án 1342")


async def record_outcome(binh: Chat) -> str:
    """Bình records the outcome with three items: commune, division (due on a holiday), Cường."""
    await binh.say("/tocongtac ketqua")
    return await record_outcome_steps(binh)


async def record_outcome_steps(binh: Chat) -> str:
    """The steps after the outcome was started."""
    assert "Đoàn đã rà soát" in binh.text, binh.text
    assert "phát hiện" in await binh.say("Đề án vị trí việc làm, biên chế công chức xã")
    await binh.say("Xã còn thiếu 2 công chức địa chính - xây dựng")
    assert "Không có việc cần theo dõi" in binh.buttons
    await binh.say("UBND xã hoàn thiện đề án vị trí việc làm")
    assert {"UBND Xã Đèo Gió", CUONG, "Phòng Tổ chức biên chế"} <= set(binh.buttons)
    await binh.press("UBND Xã Đèo Gió")
    reply = await binh.say("04/12")
    assert "Đã thêm việc 1: UBND xã hoàn thiện đề án vị trí việc làm" in reply
    assert "hạn Thứ Sáu, 04/12/2026" in reply and "Xong, lưu kết quả" in binh.buttons
    await binh.say("Hướng dẫn xã tuyển dụng công chức địa chính")
    await binh.press("Phòng Tổ chức biên chế")
    reply = await binh.say("01/01")  # New Year's Day: moves to the next working day
    assert "Thứ Sáu, 01/01/2027 là ngày nghỉ" in reply
    assert "hạn chuyển sang ngày làm việc tiếp theo: Thứ Hai, 04/01/2027" in reply
    await binh.say("Gửi số liệu công chức của xã về Sở")
    await binh.press(CUONG)
    assert "đã qua" in await binh.say("20/11")  # a due date in the past is refused
    await binh.say("30/11")
    return await binh.press("Xong, lưu kết quả")


async def export_sheet(db: Database, path: Path, scope: ExportFilter) -> list[dict[str, object]]:
    """The rows of the `Tổ công tác` sheet of November's export, made on 01/12 at noon."""
    async with db.read() as tx:
        cal = calendar_from(ZONE, await calendar.declared_days(tx))
        request = ExportRequest(date(2026, 11, 1), date(2026, 11, 30), scope, "phạm vi")
        await export_to(tx, request, cal, path, local("2026-12-01 12:00"))
    sheet = load_workbook(path)["Tổ công tác"]
    header = [c.value for c in sheet[1]]
    assert tuple(header) == HEADER
    return [dict(zip(header, r, strict=True)) for r in sheet.iter_rows(min_row=2, values_only=True)]


async def visit_with_outcome(linked_chat: MakeChat) -> Chat:
    """Thu's visit to Xã Đèo Gió on 26/11, recorded by Bình with the three items; Thu's chat."""
    thu = await linked_chat(THU)
    binh = await linked_chat(BINH)
    await linked_chat(CUONG)
    thu.at("2026-11-25 09:00")
    await plan(thu, "26/11", BINH)
    binh.at("2026-11-27 16:00")
    assert "Đã ghi kết quả" in await record_outcome(binh)
    return thu
