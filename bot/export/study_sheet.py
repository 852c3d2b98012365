"""The `Học tập` sheet of the export: study visits at the department whose week falls in the
period, one row per part (division and week), with the officials and who confirmed."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from bot.export.sink import SheetSpec, Sink
from handlers.core.texts import t
from handlers.core.workcal import WorkingCalendar
from handlers.study.weeks import week_of
from storage import study
from storage.db import Tx
from storage.export import ExportFilter

HEADER = (
    "Mã",
    "Xã/phường",
    "Đầu mối",
    "Phòng",
    "Từ ngày",
    "Đến ngày",
    "Tuần mong muốn (từ ngày)",
    "Số người",
    "Danh sách",
    "Nội dung",
    "Trạng thái",
    "Người xác nhận",
    "Xác nhận lúc",
    "Địa điểm",
)
EMPTY_NOTE = "Không có đoàn học tập nào trong kỳ và phạm vi này."


async def write_study_sheet(
    tx: Tx, scope: ExportFilter, first: date, last: date, calendar: WorkingCalendar, sink: Sink
) -> int:
    """Write the sheet; returns how many rows it has."""
    sheet = sink.sheet(SheetSpec("Học tập", HEADER, empty_note=EMPTY_NOTE))
    if scope.person_id is not None:
        return 0
    divisions: list[str] | None = None
    if scope.supervisor_id is not None:
        divisions = await study.supervised_divisions(tx, scope.supervisor_id)
    if scope.division_code is not None:
        divisions = [d for d in (divisions or [scope.division_code]) if d == scope.division_code]
    parts = await study.parts_between(tx, week_of(first), last, divisions)
    rows = 0
    for part in parts:
        if scope.commune_code is not None and part.commune_code != scope.commune_code:
            continue
        rows += 1
        names = "; ".join(
            m.full_name + (f" — {m.job_title}" if m.job_title else "") for m in part.members
        )
        sheet.append(
            [
                part.reference,
                part.commune_name,
                part.contact_name,
                part.division_name,
                part.week_start,
                part.week_start + timedelta(days=4),
                part.preferred_week,
                part.people,
                names,
                part.topic,
                t("vi", f"ht.status.{part.status}"),
                part.confirmed_by_name or None,
                _local(part.confirmed_at, calendar),
                part.place or None,
            ]
        )
    return rows


def _local(moment: datetime | None, calendar: WorkingCalendar) -> datetime | None:
    return moment.astimezone(calendar.zone) if moment else None
