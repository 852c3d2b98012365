"""The export's `Tổ công tác` sheet: working-group visits and their follow-up items, with status."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from bot.export.sink import Cell, SheetSpec, Sink
from handlers.core.workcal import WorkingCalendar
from handlers.visits.followups import overdue, owner_label
from storage import followups
from storage.db import Tx
from storage.export import ExportFilter
from storage.followups import FollowUp
from storage.visits import VisitInfo

LANG = "vi"
SHEET = "Tổ công tác"
EMPTY_NOTE = "Không có chuyến công tác nào trong phạm vi và khoảng thời gian này."
HEADER = (
    "Loại",
    "Số hiệu",
    "Tổ công tác",
    "Xã",
    "Ngày đến xã",
    "Thành viên đi",
    "Nội dung",
    "Đã rà soát",
    "Kết quả, phát hiện",
    "Giao cho",
    "Hạn",
    "Trạng thái",
    "Hoàn thành / ghi kết quả lúc",
    "Người ghi / xác nhận",
    "Tiến độ gần nhất",
)


def visit_status(visit: VisitInfo, today: date) -> str:
    """Đã lên lịch, Chưa ghi kết quả (the day has passed), Đã hoàn thành."""
    if visit.status == "done":
        return "Đã hoàn thành"
    return "Đã lên lịch" if visit.day >= today else "Chưa ghi kết quả"


def followup_status(item: FollowUp, today: date, calendar: WorkingCalendar) -> str:
    """Đã xong, Quá hạn, Đang mở."""
    if item.status == "done":
        return "Đã xong"
    return "Quá hạn" if overdue(item, today, calendar) else "Đang mở"


async def write_visits_sheet(
    tx: Tx,
    scope: ExportFilter,
    first: date,
    last: date,
    calendar: WorkingCalendar,
    sink: Sink,
    now: datetime,
) -> int:
    """Write the sheet; returns how many visits it lists."""
    zone = calendar.zone
    today = now.astimezone(zone).date()
    rows = await followups.export_rows(
        tx,
        supervisor_id=scope.supervisor_id,
        division=scope.division_code,
        commune=scope.commune_code,
        person=scope.person_id,
        first=first,
        last=last,
        start=datetime.combine(first, time(0, 0), zone),
        end=datetime.combine(last + timedelta(days=1), time(0, 0), zone),
    )
    sheet = sink.sheet(SheetSpec(SHEET, HEADER, frozen_columns=2, empty_note=EMPTY_NOTE))
    for visit, members, items in rows:
        outcome_at = visit.outcome_at.astimezone(zone) if visit.outcome_at else None
        sheet.append(
            [
                "Chuyến đến xã",
                None,
                visit.group_name,
                visit.commune_name,
                visit.day,
                ", ".join(members),
                visit.agenda,
                visit.reviewed,
                visit.findings,
                None,
                None,
                visit_status(visit, today),
                outcome_at,
                visit.outcome_by_name,
                None,
            ]
        )
        for item in items:
            sheet.append(_item_row(item, visit, today, calendar))
    return len(rows)


def _item_row(item: FollowUp, visit: VisitInfo, today: date, cal: WorkingCalendar) -> list[Cell]:
    done_at = item.done_at.astimezone(cal.zone) if item.done_at else None
    return [
        "Việc cần theo dõi",
        item.reference,
        visit.group_name,
        visit.commune_name,
        visit.day,
        None,
        item.text,
        None,
        None,
        owner_label(LANG, item),
        item.due,
        followup_status(item, today, cal),
        done_at,
        item.done_by_name,
        item.last_note,
    ]
