"""The body of each report, written into the administrative layout (`bot.reports.layout`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from docx.document import Document as DocxDocument

from bot.reports import layout
from bot.reports.content import (
    LANG,
    OfficialReport,
    SummaryReport,
    WorkLine,
)
from handlers.core.texts import t
from handlers.visits.followups import owner_label
from storage.difficulties import reference
from storage.export import ExportDifficulty

ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X")
SMALL_APPENDIX_PT = 12


def _day(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def _days(days: Sequence[date]) -> str:
    """'03/11/2026' or '03/11, 04/11 và 10/11/2026' (the year once, at the end, when shared)."""
    if len(days) == 1:
        return _day(days[0])
    if len({d.year for d in days}) == 1:
        parts = [d.strftime("%d/%m") for d in days]
        return ", ".join(parts[:-1]) + f" và {parts[-1]}/{days[-1].year}"
    return ", ".join(_day(d) for d in days)


def _percent(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{100 * value:.1f}".replace(".", ",") + " %"


def _hours(value: float) -> str:
    return f"{value:.1f}".replace(".", ",") + " giờ"


def _status(code: str) -> str:
    return t(LANG, f"kk.status.{code}")


def _kind(code: str) -> str:
    return t(LANG, f"kk.kind.{code}")


def _quote(value: str, limit: int = 300) -> str:
    words = " ".join(value.split())
    return words if len(words) <= limit else words[: limit - 1].rstrip() + "…"


def _line(line: WorkLine, several_communes: bool) -> str:
    where = f", tại {', '.join(line.communes)}" if several_communes else ""
    return f"- {line.text} (ngày {_days(line.days)}{where})."


def _proposals(doc: DocxDocument, still_open: Sequence[ExportDifficulty], number: str) -> None:
    """ "Đề xuất, kiến nghị": one line per open difficulty or question, for the drafter to edit."""
    layout.heading(doc, f"{number}. ĐỀ XUẤT, KIẾN NGHỊ")
    if not still_open:
        layout.body(doc, "Không có khó khăn, vướng mắc hay đề nghị xin ý kiến nào còn mở.")
        return
    questions = [d for d in still_open if d.kind == "question"]
    difficulties = [d for d in still_open if d.kind != "question"]
    if questions:
        layout.body(doc, "Đề nghị Lãnh đạo Sở cho ý kiến chỉ đạo về các nội dung sau:")
        for d in questions:
            layout.body(doc, f"- {_quote(d.description)} ({reference(d.id)}, {d.commune_name}).")
    if difficulties:
        layout.body(doc, "Đề nghị Lãnh đạo Sở quan tâm, tháo gỡ các khó khăn, vướng mắc sau:")
        for d in difficulties:
            layout.body(
                doc,
                f"- {_quote(d.description)} ({reference(d.id)}, {d.commune_name}; "
                f"{_status(d.status).lower()}).",
            )


def write_official(
    doc: DocxDocument, report: OfficialReport, letterhead: layout.Letterhead
) -> None:
    """An official's report: work by topic, difficulties and answers, proposals, attendance."""
    request = report.request
    layout.title(doc, "BÁO CÁO", [f"Kết quả công tác biệt phái {request.period_label}"])
    communes = ", ".join(dict.fromkeys(f"UBND {a.commune_name}" for a in report.assignments))
    division = f", {report.division_name}" if report.division_name else ""
    layout.body(
        doc,
        f"Tôi là {report.full_name}{division}, được cử biệt phái tại "
        f"{communes or '(chưa có phân công trong kỳ)'}. Tôi báo cáo kết quả công tác "
        f"từ ngày {_day(request.first)} đến ngày {_day(request.last)} như sau:",
    )

    layout.heading(doc, "I. KẾT QUẢ CÔNG TÁC")
    layout.heading(doc, "1. Thời gian công tác")
    for a in report.assignments:
        layout.body(
            doc,
            f"- Biệt phái tại UBND {a.commune_name} từ ngày {_day(a.start)} "
            f"đến ngày {_day(a.end)}.",
        )
    at = report.attendance
    layout.body(
        doc,
        f"- Số ngày làm việc trong thời gian biệt phái: {at.assigned_working_days} ngày; "
        f"số ngày có ghi nhật ký công tác: {at.logged}/{at.expected} ngày phải báo cáo "
        f"(tỷ lệ {_percent(at.rate)}); nghỉ phép: {at.leave} ngày.",
    )
    layout.body(doc, f"- Số ngày công tác tại xã (tính công tác phí): {at.per_diem_days} ngày.")

    layout.heading(doc, "2. Công việc đã thực hiện")
    if not report.work:
        layout.body(doc, "Không có nhật ký công tác nào trong kỳ.")
    several = len(report.assignments) > 1
    for index, topic in enumerate(report.work):
        letter = "abcdefghijklmnopqrstuvwxyz"[index % 26]
        layout.heading(doc, f"{letter}) {topic.topic} ({topic.entries} nhật ký)")
        for line in topic.lines:
            layout.body(doc, _line(line, several))

    layout.heading(doc, "II. KHÓ KHĂN, VƯỚNG MẮC VÀ KẾT QUẢ GIẢI QUYẾT")
    if not report.raised:
        layout.body(doc, "Trong kỳ không nêu khó khăn, vướng mắc hay đề nghị xin ý kiến nào.")
    for d in report.raised:
        layout.body(
            doc,
            f"- {reference(d.id)} ({_kind(d.kind).lower()}, ngày "
            f"{_day(d.created_at.date())}, {d.commune_name}): {_quote(d.description)}",
        )
        answer = d.resolution or d.last_answer
        outcome = f"Trả lời: {_quote(answer)}" if answer else "Chưa có trả lời"
        layout.body(doc, f"{outcome} (tình trạng: {_status(d.status).lower()}).", italic=True)

    _proposals(doc, report.still_open, "III")

    if report.photos:
        layout.heading(doc, "PHỤ LỤC: NHẬT KÝ CÓ ẢNH KÈM THEO")
        layout.body(
            doc,
            "Ảnh được lưu cùng nhật ký trên ứng dụng nhắn tin; danh sách dưới đây để đối chiếu.",
            italic=True,
        )
        layout.grid(
            doc,
            ("Ngày", "Lĩnh vực", "Nội dung", "Số ảnh"),
            [(_day(p.day), p.topic, _quote(p.text, 120), str(p.photos)) for p in report.photos],
            (25, 40, 85, 15),
            size=SMALL_APPENDIX_PT - 1,
        )

    recipients = list(letterhead.recipients)
    if report.division_name:
        recipients.insert(max(0, len(recipients) - 1), report.division_name)
    layout.closing(doc, recipients, ["NGƯỜI BÁO CÁO"], report.full_name)


def write_summary(doc: DocxDocument, report: SummaryReport, letterhead: layout.Letterhead) -> None:
    """A division's or the department's summary for the Director."""
    request = report.request
    layout.title(
        doc,
        "BÁO CÁO",
        [
            "Kết quả công tác của cán bộ, công chức biệt phái",
            f"{request.period_label} ({request.scope_label})",
        ],
    )
    layout.body(
        doc,
        f"Tổng hợp từ nhật ký công tác, khó khăn, vướng mắc và các hoạt động do cán bộ, công chức "
        f"biệt phái ghi nhận từ ngày {_day(request.first)} đến ngày {_day(request.last)} "
        f"({report.working_days} ngày làm việc), kết quả như sau:",
    )
    layout.heading(doc, "I. TÌNH HÌNH CHUNG")
    layout.heading(doc, "1. Phân công cán bộ, công chức biệt phái")
    names = {row.full_name for row in report.officials}
    communes = {a.commune_name for _, _, a in report.assignments}
    layout.body(
        doc,
        f"Trong kỳ có {len(names)} cán bộ, công chức biệt phái tại {len(communes)} xã, phường:",
    )
    if report.assignments:
        layout.grid(
            doc,
            ("TT", "Họ và tên", "Phòng", "Xã, phường", "Thời gian"),
            [
                (str(i), name, division, a.commune_name, f"{_day(a.start)} – {_day(a.end)}")
                for i, (name, division, a) in enumerate(report.assignments, start=1)
            ],
            (10, 42, 42, 32, 39),
        )
    layout.heading(doc, "2. Tình hình báo cáo")
    layout.body(
        doc,
        f"Tỷ lệ báo cáo: {report.logged}/{report.expected} ngày phải báo cáo có nhật ký công tác "
        f"({_percent(report.rate)}); tổng số {report.entries} nhật ký.",
    )
    low = sorted(
        (r for r in report.officials if r.attendance.rate is not None),
        key=lambda r: (r.attendance.rate or 0.0, r.full_name),
    )
    missing = [r for r in low if r.attendance.missing]
    if missing:
        shown = ", ".join(f"{r.full_name} ({r.attendance.missing} ngày)" for r in missing[:20])
        more = f" và {len(missing) - 20} người khác" if len(missing) > 20 else ""
        layout.body(doc, f"Còn ngày chưa ghi nhật ký: {shown}{more}.")

    layout.heading(doc, "II. KẾT QUẢ CÔNG TÁC THEO LĨNH VỰC")
    layout.body(
        doc,
        "Mỗi lĩnh vực nêu số nhật ký theo xã và tối đa ba nhật ký tiêu biểu: các nhật ký dài "
        "nhất (nhiều thông tin nhất) của những người khác nhau; bằng nhau thì lấy nhật ký "
        "gần đây hơn.",
        italic=True,
    )
    if not report.topics:
        layout.body(doc, "Không có nhật ký công tác nào trong kỳ.")
    for index, topic in enumerate(report.topics, start=1):
        where = ", ".join(f"{name}: {count}" for name, count in topic.by_commune[:15])
        others = len(topic.by_commune) - 15
        if others > 0:
            where += f" và {others} xã khác"
        layout.heading(doc, f"{index}. {topic.topic}: {topic.entries} nhật ký")
        layout.body(doc, f"Theo xã: {where}.")
        for e in topic.examples:
            layout.body(
                doc, f"- {_quote(e.text)} ({e.full_name}, {e.commune_name}, {_day(e.work_date)})."
            )

    layout.heading(doc, "III. KHÓ KHĂN, VƯỚNG MẮC")
    median = report.median_first_response_hours
    layout.body(
        doc,
        f"Trong kỳ nêu {report.raised} khó khăn, vướng mắc và đề nghị xin ý kiến; đã giải quyết "
        f"{report.resolved}; thời gian phản hồi đầu tiên (trung vị): "
        f"{_hours(median) if median is not None else 'chưa có'}.",
    )
    layout.heading(doc, "1. Khó khăn, vướng mắc theo lĩnh vực")
    if not report.difficulty_topics:
        layout.body(doc, "Không có.")
    else:
        layout.grid(
            doc,
            ("Lĩnh vực", "Số đã nêu", "Tình trạng"),
            [
                (
                    d.topic,
                    str(d.raised),
                    "; ".join(f"{_status(code)}: {n}" for code, n in d.by_status),
                )
                for d in report.difficulty_topics
            ],
            (60, 20, 85),
        )
    layout.heading(doc, "2. Xin ý kiến chỉ đạo chưa được trả lời")
    if not report.unanswered:
        layout.body(doc, "Không có.")
    for d in report.unanswered:
        layout.body(
            doc,
            f"- {reference(d.id)} ({_day(d.created_at.date())}, {d.reporter_name}, "
            f"{d.commune_name}): {_quote(d.description)}",
        )

    layout.heading(doc, "IV. HOẠT ĐỘNG CỦA CÁC TỔ CÔNG TÁC")
    if not report.visits:
        layout.body(doc, "Không có chuyến công tác nào trong kỳ.")
    for visit, members, items in report.visits:
        went = f"; thành viên: {', '.join(members)}" if members else ""
        layout.body(
            doc,
            f"- {visit.group_name} đến {visit.commune_name} ngày {_day(visit.day)}: "
            f"{_quote(visit.agenda, 200)}{went}.",
        )
        if visit.findings:
            layout.body(doc, f"Kết quả: {_quote(visit.findings, 300)}", italic=True)
        for item in items:
            state = "đã xong" if item.status == "done" else f"hạn {_day(item.due)}"
            layout.body(
                doc,
                f"+ {item.reference}: {_quote(item.text, 200)} "
                f"(giao {owner_label(LANG, item)}; {state}).",
            )

    layout.heading(doc, "V. ĐÓN ĐOÀN HỌC TẬP KINH NGHIỆM TẠI SỞ")
    if not report.study_parts:
        layout.body(doc, "Không có đoàn nào trong kỳ.")
    for part in report.study_parts:
        layout.body(
            doc,
            f"- {part.reference}: {part.commune_name}, {part.people} người, "
            f"{part.division_name}, tuần từ {_day(part.week_start)} "
            f"({t(LANG, f'ht.status.{part.status}').lower()}); nội dung: "
            f"{_quote(part.topic, 200)}.",
        )

    layout.heading(doc, "VI. SỐ NGÀY CÔNG TÁC TẠI XÃ (CÔNG TÁC PHÍ)")
    layout.body(
        doc,
        f"Tổng số {report.per_diem_days} ngày; chi tiết theo từng cán bộ (ngày làm việc trong "
        "thời gian biệt phái có nhật ký ghi tại xã được phân công, trừ ngày nghỉ phép):",
    )
    if report.officials:
        layout.grid(
            doc,
            (
                "TT",
                "Họ và tên",
                "Xã, phường",
                "Phải báo cáo",
                "Đã ghi",
                "Nghỉ phép",
                "Công tác phí",
            ),
            [
                (
                    str(i),
                    r.full_name,
                    r.communes,
                    str(r.attendance.expected),
                    str(r.attendance.logged),
                    str(r.attendance.leave),
                    str(r.attendance.per_diem_days),
                )
                for i, r in enumerate(report.officials, start=1)
            ],
            (10, 45, 40, 18, 16, 17, 19),
        )

    _proposals(doc, report.still_open, "VII")
    title = letterhead.division_signer_title if request.division_signer else letterhead.signer_title
    layout.closing(doc, letterhead.recipients, [line.strip() for line in title.split(";")])
