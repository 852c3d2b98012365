"""The department's export: its sheets written row by row from streamed reads."""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from bot.export.attendance import LEGEND, PER_DIEM_RULE, attendance, per_diem
from bot.export.sink import PERCENT, Cell, SheetSpec, Sink
from bot.export.study_sheet import write_study_sheet
from bot.export.visits_sheet import write_visits_sheet
from handlers.core.texts import t
from handlers.core.topics import topic_label
from handlers.core.workcal import WorkingCalendar
from storage import export as reads
from storage import org
from storage.db import Tx
from storage.difficulties import reference
from storage.export import ExportFilter

LANG = "vi"  # formal documents for the department are in Vietnamese
EMPTY_NOTE = "Không có dữ liệu trong phạm vi và khoảng thời gian này."
ROWS_PER_OFFICIAL_CHUNK = 10_000  # official-days read at once, so memory does not grow


@dataclass(frozen=True)
class ExportRequest:
    """What to export: a period (both ends included), whose data, and that scope in words."""

    first: date
    last: date
    scope: ExportFilter
    scope_label: str


@dataclass(frozen=True)
class ExportResult:
    """What was written, for the message that goes with the file."""

    officials: int
    entries: int
    difficulties: int

    @property
    def empty(self) -> bool:
        """Nothing at all in the scope and period."""
        return not (self.officials or self.entries or self.difficulties)


@dataclass
class _Tally:
    """Counts for one row of the summary (a division, a commune, or the whole scope)."""

    officials: set[int] = field(default_factory=set)
    expected: int = 0
    logged: int = 0
    entries: int = 0
    raised: int = 0
    resolved: int = 0

    def row(self, group: str, name: str) -> list[Cell]:
        rate = self.logged / self.expected if self.expected else None
        still_open = self.raised - self.resolved
        return [
            group,
            name,
            len(self.officials),
            self.expected,
            self.logged,
            rate,
            self.entries,
            self.raised,
            self.resolved,
            still_open,
        ]


SUMMARY_HEADER = (
    "Nhóm",
    "Tên",
    "Số cán bộ",
    "Ngày phải báo cáo",
    "Ngày đã ghi nhật ký",
    "Tỷ lệ báo cáo",
    "Số nhật ký",
    "Khó khăn nêu trong kỳ",
    "Đã giải quyết",
    "Còn mở",
)
ENTRY_HEADER = (
    "Ngày",
    "Cán bộ",
    "Phòng",
    "Xã",
    "Lĩnh vực",
    "Nội dung",
    "Số ảnh",
    "Thời gian gửi",
    "Đã sửa",
)
DIFFICULTY_HEADER = (
    "Số hiệu",
    "Ngày nêu",
    "Người nêu",
    "Xã",
    "Phòng",
    "Lĩnh vực",
    "Loại",
    "Mức độ",
    "Trạng thái",
    "Nội dung",
    "Phản hồi đầu tiên lúc",
    "Thời gian phản hồi đầu tiên (giờ)",
    "Giải quyết lúc",
    "Kết quả giải quyết",
    "Trả lời gần nhất",
)
EVENT_HEADER = (
    "Số hiệu",
    "Thời gian",
    "Người thực hiện",
    "Thao tác",
    "Trạng thái trước",
    "Trạng thái sau",
    "Nội dung",
    "Người được chuyển",
)
ATTENDANCE_HEADER = (
    "Cán bộ",
    "Phòng",
    "Xã",
    "Phải báo cáo",
    "Đã ghi",
    "Chưa ghi",
    "Nghỉ phép",
    "Tỷ lệ",
)
PER_DIEM_HEADER = (
    "Cán bộ",
    "Phòng",
    "Xã được phân công",
    "Tháng",
    "Từ ngày",
    "Đến ngày",
    "Ngày làm việc trong thời gian biệt phái",
    "Ngày nghỉ phép",
    "Ngày không có nhật ký tại xã",
    "Số ngày công tác tại xã (tính công tác phí)",
)


def _local(moment: datetime, calendar: WorkingCalendar) -> datetime:
    return moment.astimezone(calendar.zone)


def _label(key: str, fallback: str, **values: object) -> str:
    try:
        return t(LANG, key, **values)
    except KeyError:
        return fallback


def _hours(span: timedelta) -> float:
    return round(span.total_seconds() / 3600, 1)


async def write_export(
    tx: Tx, request: ExportRequest, calendar: WorkingCalendar, sink: Sink, now: datetime
) -> ExportResult:
    """Write every sheet of the export into `sink` (the caller commits or aborts it)."""
    first, last, scope = request.first, request.last, request.scope
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    working = frozenset(d for d in days if calendar.is_working_day(d))
    divisions = dict(await org.divisions(tx))
    whole = _Tally()
    by_division: dict[str, _Tally] = defaultdict(_Tally)
    by_commune: dict[str, _Tally] = defaultdict(_Tally)

    entry_sheet = sink.sheet(
        SheetSpec("Nhật ký", ENTRY_HEADER, frozen_columns=0, empty_note=EMPTY_NOTE)
    )
    entries = 0
    async for e in reads.entries(tx, scope, first, last):
        entries += 1
        whole.entries += 1
        by_division[e.division_name].entries += 1
        by_commune[e.commune_name].entries += 1
        entry_sheet.append(
            [
                e.work_date,
                e.full_name,
                e.division_name,
                e.commune_name,
                topic_label(e.topic, LANG),
                e.text,
                e.photos,
                _local(e.sent_at, calendar),
                "Có" if e.edited else "Không",
            ]
        )

    start = datetime.combine(first, time(0, 0), calendar.zone)
    end = datetime.combine(last + timedelta(days=1), time(0, 0), calendar.zone)
    difficulty_sheet = sink.sheet(
        SheetSpec("Khó khăn", DIFFICULTY_HEADER, formats={11: "0.0"}, empty_note=EMPTY_NOTE)
    )
    first_responses: list[timedelta] = []
    raised = 0
    async for d in reads.difficulties(tx, scope, start, end):
        raised += 1
        resolved = d.status == "resolved"
        division_name = divisions.get(d.division_code or "", d.division_code or "")
        for tally in (whole, by_division[division_name], by_commune[d.commune_name]):
            tally.raised += 1
            tally.resolved += int(resolved)
        response = d.first_response_at - d.created_at if d.first_response_at else None
        if response is not None:
            first_responses.append(response)
        difficulty_sheet.append(
            [
                reference(d.id),
                _local(d.created_at, calendar),
                d.reporter_name,
                d.commune_name,
                division_name,
                topic_label(d.topic, LANG),
                _label(f"kk.kind.{d.kind}", d.kind),
                _label(f"kk.urgency.{d.urgency}", d.urgency),
                _label(f"kk.status.{d.status}", d.status),
                d.description,
                _local(d.first_response_at, calendar) if d.first_response_at else None,
                _hours(response) if response is not None else None,
                _local(d.resolved_at, calendar) if d.resolved_at else None,
                d.resolution,
                d.last_answer,
            ]
        )
    history = sink.sheet(SheetSpec("Lịch sử", EVENT_HEADER, empty_note=EMPTY_NOTE))
    async for ev in reads.events(tx, scope, start, end):
        history.append(
            [
                reference(ev.difficulty_id),
                _local(ev.at, calendar),
                ev.actor_name,
                _label(f"kk.action.{ev.action}", ev.action, target=ev.target_name),
                _label(f"kk.status.{ev.from_status}", ev.from_status),
                _label(f"kk.status.{ev.to_status}", ev.to_status),
                ev.text,
                ev.target_name,
            ]
        )

    today = _local(now, calendar).date()
    officials = await _officials_sheets(
        tx, request, days, working, sink, whole, by_division, by_commune, today
    )
    await write_visits_sheet(tx, scope, first, last, calendar, sink, now)
    await write_study_sheet(tx, scope, first, last, calendar, sink)

    result = ExportResult(officials, entries, raised)
    median = (
        round(statistics.median(s.total_seconds() for s in first_responses) / 3600, 1)
        if first_responses
        else None
    )
    top: list[tuple[Cell, ...]] = [
        ("Báo cáo công tác của cán bộ biệt phái",),
        ("Từ ngày", first, "Đến ngày", last),
        ("Phạm vi", request.scope_label),
        ("Số ngày làm việc trong kỳ", len(working)),
        ("Số cán bộ", officials, "Số nhật ký", entries),
        (
            "Tỷ lệ báo cáo (%)",
            round(100 * whole.logged / whole.expected, 1) if whole.expected else None,
        ),
        (
            "Khó khăn nêu trong kỳ",
            raised,
            "Đã giải quyết",
            whole.resolved,
            "Còn mở",
            raised - whole.resolved,
        ),
        (
            "Thời gian phản hồi đầu tiên (trung vị, giờ)",
            median if median is not None else "chưa có",
        ),
        ("Lập lúc", _local(now, calendar)),
    ]
    if result.empty:
        top.append((EMPTY_NOTE,))
    # The summary is the first sheet but needs every figure: it is started last, at the front.
    summary = sink.sheet(
        SheetSpec("Tổng hợp", SUMMARY_HEADER, tuple(top), formats={5: PERCENT}), first=True
    )
    summary.append(whole.row("Toàn phạm vi", request.scope_label))
    for name in sorted(by_division):
        summary.append(by_division[name].row("Phòng", name or "(không thuộc phòng)"))
    for name in sorted(by_commune):
        summary.append(by_commune[name].row("Xã", name))
    return result


async def _officials_sheets(
    tx: Tx,
    request: ExportRequest,
    days: list[date],
    working: frozenset[date],
    sink: Sink,
    whole: _Tally,
    by_division: dict[str, _Tally],
    by_commune: dict[str, _Tally],
    today: date,
) -> int:
    """Chuyên cần and Công tác phí, a chunk of officials at a time; returns the official count."""
    first, last, scope = request.first, request.last, request.scope
    matrix = sink.sheet(
        SheetSpec(
            "Chuyên cần",
            (*ATTENDANCE_HEADER, *days),
            ((LEGEND,),),
            formats={7: PERCENT},
            frozen_columns=1,
            empty_note=EMPTY_NOTE,
            signatures=True,
        )
    )
    money = sink.sheet(
        SheetSpec(
            "Công tác phí",
            PER_DIEM_HEADER,
            ((PER_DIEM_RULE,),),
            frozen_columns=1,
            empty_note=EMPTY_NOTE,
            signatures=True,
        )
    )
    people = await reads.officials(tx, scope, first, last)
    chunk = max(1, min(1000, ROWS_PER_OFFICIAL_CHUNK // max(1, len(days))))
    for at in range(0, len(people), chunk):
        group = people[at : at + chunk]
        ids = [p.person_id for p in group]
        assignments: dict[int, list[reads.ExportAssignment]] = defaultdict(list)
        for a in await reads.assignments_of(tx, scope, first, last, ids):
            assignments[a.person_id].append(a)
        leaves: dict[int, list[tuple[date, date]]] = defaultdict(list)
        for person_id, start, end in await reads.leaves_of(tx, first, last, ids):
            leaves[person_id].append((start, end))
        logged: dict[int, set[date]] = defaultdict(set)
        logged_at: dict[int, set[tuple[date, str]]] = defaultdict(set)
        for day_log in await reads.day_logs_of(tx, first, last, ids):
            logged[day_log.person_id].add(day_log.work_date)
            logged_at[day_log.person_id].add((day_log.work_date, day_log.commune_code))
        for person in group:
            mine = assignments[person.person_id]
            communes = ", ".join(dict.fromkeys(a.commune_name for a in mine))
            result = attendance(
                days, working, mine, leaves[person.person_id], logged[person.person_id], today
            )
            matrix.append(
                [
                    person.full_name,
                    person.division_name,
                    communes,
                    result.expected,
                    result.logged,
                    result.missing,
                    result.leave,
                    result.rate,
                    *result.codes,
                ]
            )
            for tally in (whole, by_division[person.division_name]):
                tally.officials.add(person.person_id)
                tally.expected += result.expected
                tally.logged += result.logged
            for commune, expected, done in result.by_commune:
                tally = by_commune[commune]
                tally.officials.add(person.person_id)
                tally.expected += expected
                tally.logged += done
            for month in per_diem(
                days, working, mine, leaves[person.person_id], logged_at[person.person_id]
            ):
                money.append(
                    [
                        person.full_name,
                        person.division_name,
                        ", ".join(month.communes),
                        month.month.strftime("%m/%Y"),
                        month.first,
                        month.last,
                        month.working_days,
                        month.leave_days,
                        month.working_days - month.leave_days - month.on_site_days,
                        month.on_site_days,
                    ]
                )
    return len(people)
