"""Stories of the department exporting its workbook: entries, difficulties, attendance, per-diem.

February 2027 holds Tết (04–10/02) and a make-up Saturday (20/02). An and Bình (Phòng Xây dựng
chính quyền, Cao Thị Thu's scope) are on site in Đợt 3; Bình takes leave 15–19/02; Lan
(Phòng Tổ chức biên chế) is in Hồ Văn Tâm's scope.
"""

from __future__ import annotations

import os
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from bot.channels.telegram import TelegramChannel, build_application
from bot.cli import main
from bot.export import ExportRequest, export_to
from bot.export import workbook as export_workbook
from bot.export.attendance import PER_DIEM_RULE, attendance
from bot.export.workbook import (
    ATTENDANCE_HEADER,
    DIFFICULTY_HEADER,
    EMPTY_NOTE,
    ENTRY_HEADER,
    EVENT_HEADER,
    PER_DIEM_HEADER,
    SUMMARY_HEADER,
)
from bot.orgservice import import_org
from handlers.core.messages import FileRef, Reply
from handlers.core.workcal import calendar_from
from handlers.router import Router
from storage import Database, calendar, leave, worklog
from storage.export import ExportAssignment, ExportFilter
from storage.org_import import AssignmentRow, OrgData, WaveRow, apply_org, resolve_person
from tests.chat import ZONE, Chat, local
from tests.helpers.cli import OPERATOR_SETTINGS, bietphai
from tests.helpers.difficulty import THU, raise_urgent
from tests.helpers.exports import build_waiting_exports
from tests.helpers.sample import AN, LAN, SAMPLE_XLSX, THANH, MakeChat

# Run on SQLite and on PostgreSQL (tests/conftest.py).
pytestmark = pytest.mark.both_backends

BINH = "Trần Thị Bình"
SHEETS = [
    "Tổng hợp",
    "Nhật ký",
    "Khó khăn",
    "Lịch sử",
    "Chuyên cần",
    "Công tác phí",
    "Tổ công tác",
    "Học tập",
]
FEB_FIRST, FEB_LAST = date(2027, 2, 1), date(2027, 2, 28)
MAKE_UP_SATURDAY = date(2027, 2, 20)


async def log(chat: Chat, at: str, text: str) -> None:
    """An official logs today's work with /nhatky at a local time."""
    await chat.at(at).say("/nhatky")
    await chat.press("Tổ chức bộ máy")
    assert "Đã ghi nhật ký" in await chat.say(text)


async def wave_three(db: Database) -> None:
    """Đợt 3 (2027): An in Hòa Vang Tây, Bình in Suối Mây, Lan in Pa Lang; the make-up Saturday."""
    data = OrgData(
        waves=[WaveRow("Đợt 3", date(2027, 1, 4), date(2027, 3, 31))],
        assignments=[
            AssignmentRow(AN, "XA01", "Đợt 3", date(2027, 1, 4), date(2027, 3, 31)),
            AssignmentRow(BINH, "XA02", "Đợt 3", date(2027, 1, 4), date(2027, 3, 31)),
            AssignmentRow(LAN, "XA08", "Đợt 3", date(2027, 1, 4), date(2027, 3, 31)),
        ],
    )
    async with db.transaction() as tx:
        await apply_org(tx, data, local("2026-12-30 08:00"))
        await calendar.add_declared_day(tx, MAKE_UP_SATURDAY, "workday", "Làm bù Tết")
        binh = await resolve_person(tx, BINH)
        await leave.add_leave(
            tx,
            binh,
            date(2027, 2, 15),
            date(2027, 2, 19),
            "Việc gia đình",
            local("2027-02-10 08:00"),
        )


async def february(linked_chat: MakeChat, db: Database) -> int:
    """The month as the officials lived it; returns the difficulty's number."""
    await wave_three(db)
    an, binh, lan, thu = [await linked_chat(n) for n in (AN, BINH, LAN, THU)]
    await log(an, "2027-02-01 09:00", "Họp với UBND xã về sắp xếp bộ máy")
    await log(an, "2027-02-08 09:30", "Trực Tết tại xã")  # Tết: a day off, logged anyway
    await log(an, "2027-02-20 08:00", "Làm bù: rà soát hồ sơ")  # the make-up Saturday
    await log(an, "2027-02-22 10:00", "Hướng dẫn văn thư")
    await log(binh, "2027-02-01 14:00", "Rà soát biên chế")
    await log(binh, "2027-02-16 09:00", "Xử lý việc gấp trong ngày nghỉ")  # on leave, logs
    await log(lan, "2027-02-01 15:00", "Làm việc tại Pa Lang")
    # An helps a neighbouring commune one day: not his assigned commune.
    async with db.transaction() as tx:
        an_id = await resolve_person(tx, AN)
        await worklog.add_work_log(
            tx,
            person_id=an_id,
            commune_code="XA05",
            work_date=date(2027, 2, 23),
            topic="ccvc",
            text="Hỗ trợ xã Trà Lĩnh Thượng",
            channel="telegram",
            sent_at=local("2027-02-23 16:00"),
            now=local("2027-02-23 16:00"),
        )
    number = await raise_urgent(an.at("2027-02-02 10:00"), "Xã chưa có hướng dẫn bố trí")
    await thu.at("2027-02-02 11:30").press_data(f"k:answer:{number}")
    assert "KK-" in await thu.say("Đã có hướng dẫn tại Công văn 12")
    return number


async def export_file(
    db: Database, path: Path, scope: ExportFilter, first: date, last: date, label: str = "toàn Sở"
) -> None:
    async with db.read() as tx:
        cal = calendar_from(ZONE, await calendar.declared_days(tx))
        await export_to(
            tx, ExportRequest(first, last, scope, label), cal, path, local("2027-03-01 08:00")
        )


def rows(ws: Worksheet, header_row: int = 1) -> list[dict[str, object]]:
    """Data rows below the header, keyed by header text (up to the blank row before the
    signature block of Chuyên cần and Công tác phí)."""
    header = [c.value for c in ws[header_row]]
    found = []
    for row in ws.iter_rows(min_row=header_row + 1, values_only=True):
        if all(value is None for value in row):
            break
        found.append({str(h): v for h, v in zip(header, row, strict=False)})
    return found


def header_cells(ws: Worksheet, header_row: int = 1) -> tuple[object, ...]:
    return tuple(c.value for c in ws[header_row])


async def test_the_workbook_of_february_holds_every_sheet_with_real_dates(
    linked_chat: MakeChat, org_db: Database, tmp_path: Path
) -> None:
    number = await february(linked_chat, org_db)
    path = tmp_path / "thang-2.xlsx"
    await export_file(org_db, path, ExportFilter(), FEB_FIRST, FEB_LAST)
    book = load_workbook(path)
    assert book.sheetnames == SHEETS

    entries = book["Nhật ký"]
    assert header_cells(entries) == ENTRY_HEADER
    assert entries.freeze_panes == "A2" and entries.auto_filter.ref == "A1:I9"
    logged = rows(entries)
    assert [(r["Ngày"], r["Cán bộ"]) for r in logged][:3] == [
        (datetime(2027, 2, 1), AN),
        (datetime(2027, 2, 1), BINH),
        (datetime(2027, 2, 1), LAN),
    ]
    assert entries["A2"].number_format == "dd/mm/yyyy"
    first = logged[0]
    assert first["Phòng"] == "Phòng Xây dựng chính quyền" and first["Xã"] == "Xã Hòa Vang Tây"
    assert first["Lĩnh vực"] == "Tổ chức bộ máy HĐND và UBND"
    assert first["Nội dung"] == "Họp với UBND xã về sắp xếp bộ máy"
    assert first["Số ảnh"] == 0 and first["Đã sửa"] == "Không"
    assert first["Thời gian gửi"] == datetime(2027, 2, 1, 9, 0)
    assert entries["H2"].number_format == "dd/mm/yyyy hh:mm"
    assert [r["Xã"] for r in logged if r["Ngày"] == datetime(2027, 2, 23)] == ["Xã Trà Lĩnh Thượng"]
    # Widths fit the content: the text column is wider than the photo count.
    assert entries.column_dimensions["F"].width > entries.column_dimensions["G"].width

    difficulties = book["Khó khăn"]
    assert header_cells(difficulties) == DIFFICULTY_HEADER
    [item] = rows(difficulties)
    assert item["Số hiệu"] == f"KK-{number:04d}" and item["Người nêu"] == AN
    assert item["Ngày nêu"] == datetime(2027, 2, 2, 10, 0)
    assert item["Mức độ"] == "Gấp" and item["Trạng thái"] == "Đã trả lời"
    assert item["Thời gian phản hồi đầu tiên (giờ)"] == 1.5
    assert item["Trả lời gần nhất"] == "Đã có hướng dẫn tại Công văn 12"
    history = book["Lịch sử"]
    assert header_cells(history) == EVENT_HEADER
    assert [(r["Người thực hiện"], r["Trạng thái sau"]) for r in rows(history)] == [
        (AN, "Mới, chờ tiếp nhận"),
        (THU, "Đã trả lời"),
    ]

    matrix = book["Chuyên cần"]
    head = header_cells(matrix, 3)
    assert head[: len(ATTENDANCE_HEADER)] == ATTENDANCE_HEADER
    days = head[len(ATTENDANCE_HEADER) :]
    assert days[0] == datetime(2027, 2, 1) and days[-1] == datetime(2027, 2, 28) and len(days) == 28
    assert matrix.freeze_panes == "B4"
    by_name = {r["Cán bộ"]: r for r in rows(matrix, 3)}

    def code(name: str, day: int) -> object:
        return by_name[name][str(datetime(2027, 2, day))]

    assert code(AN, 1) == "X" and code(AN, 3) == "V"
    assert code(AN, 8) == "L"  # Tết, even though he logged
    assert code(AN, 13) == "L"  # an ordinary Saturday
    assert code(AN, 20) == "X"  # the make-up Saturday counts
    assert code(BINH, 15) == "P" and code(BINH, 16) == "X"
    # 20 weekdays - 5 days of Tết + the make-up Saturday = 16 working days.
    an = by_name[AN]
    assert (an["Phải báo cáo"], an["Đã ghi"], an["Chưa ghi"], an["Nghỉ phép"]) == (16, 4, 12, 0)
    assert an["Tỷ lệ"] == pytest.approx(4 / 16)
    binh = by_name[BINH]
    assert (binh["Phải báo cáo"], binh["Đã ghi"], binh["Nghỉ phép"]) == (12, 2, 4)

    money = book["Công tác phí"]
    assert money["A1"].value == PER_DIEM_RULE
    assert header_cells(money, 3) == PER_DIEM_HEADER
    pay = {r["Cán bộ"]: r for r in rows(money, 3)}
    assert pay[AN]["Tháng"] == "02/2027" and pay[AN]["Từ ngày"] == datetime(2027, 2, 1)
    # On site: 01, 20 and 22/02; Tết does not count, nor the day at another commune.
    assert pay[AN]["Ngày làm việc trong thời gian biệt phái"] == 16
    assert pay[AN]["Số ngày công tác tại xã (tính công tác phí)"] == 3
    # Bình: the day she logged while on leave is leave, not a per-diem day.
    assert pay[BINH]["Ngày nghỉ phép"] == 5
    assert pay[BINH]["Số ngày công tác tại xã (tính công tác phí)"] == 1

    summary = book["Tổng hợp"]
    header_row = next(r[0].row for r in summary.iter_rows() if r[0].value == "Nhóm")
    assert header_cells(summary, header_row) == SUMMARY_HEADER
    assert summary["B2"].value == datetime(2027, 2, 1) and summary["D2"].value == datetime(
        2027, 2, 28
    )
    table = rows(summary, header_row)
    whole = table[0]
    assert whole["Nhóm"] == "Toàn phạm vi" and whole["Số cán bộ"] == 3
    assert whole["Số nhật ký"] == 8 and whole["Khó khăn nêu trong kỳ"] == 1
    communes = {r["Tên"]: r for r in table if r["Nhóm"] == "Xã"}
    assert communes["Xã Hòa Vang Tây"]["Ngày đã ghi nhật ký"] == 4
    assert communes["Xã Trà Lĩnh Thượng"]["Số nhật ký"] == 1
    median = next(r for r in summary.iter_rows(values_only=True) if r[0] and "trung vị" in r[0])
    assert median[1] == 1.5


async def test_a_supervisor_exports_only_their_scope_from_the_chat(
    linked_chat: MakeChat, org_db: Database, tmp_path: Path
) -> None:
    await february(linked_chat, org_db)
    thu = await linked_chat(THU)
    await thu.at("2027-02-26 16:00").say("/xuat")
    assert thu.buttons == ["Tuần này", "Tuần trước", "Tháng này", "Tháng trước", "Đợt này"]
    # The chat answers at once; the workbook is built apart and comes through the outbox.
    reply = await thu.press("Tháng này")
    assert reply.startswith("Đang lập tệp Excel 01/02/2027–28/02/2027, phạm vi: ")
    assert thu.last[0].document is None
    [done] = await build_waiting_exports(org_db, tmp_path / "files")
    assert "Tệp Excel 01/02/2027–28/02/2027" in done.text and "3 khó khăn" not in done.text
    assert done.document is not None
    assert done.document.name == "bietphai-01-02-2027-28-02-2027.xlsx"
    book = load_workbook(done.document.path)
    names = {r["Cán bộ"] for r in rows(book["Chuyên cần"], 3)}
    assert names == {AN, BINH}  # Lan (Tổ chức biên chế) is not Thu's
    # The queued message refers to the file on disk; it survives being stored.
    assert Path(done.document.path).is_relative_to(tmp_path / "files" / "exports")
    assert Reply.from_json(done.to_json()).document == done.document


async def test_a_supervisor_asking_for_another_division_is_refused(
    linked_chat: MakeChat, org_db: Database, tmp_path: Path
) -> None:
    await wave_three(org_db)
    thu = await linked_chat(THU)
    reply = await thu.at("2027-02-26 16:00").say("/xuat thang nay TCBC")
    assert reply == (
        "Anh/chị không phụ trách Phòng Tổ chức biên chế nên không xuất được dữ liệu của phòng này."
    )
    assert thu.last[0].document is None
    assert await build_waiting_exports(org_db, tmp_path) == []
    # Her own division is fine; leadership may ask for any.
    assert (await thu.say("/xuat thang nay xdcq")).startswith("Đang lập tệp Excel")
    thanh = await linked_chat(THANH)
    await thanh.at("2027-02-26 16:00").say("/xuat 01/02/2027 28/02/2027 TCBC")
    mine, leadership = await build_waiting_exports(org_db, tmp_path)
    assert mine.document is not None and leadership.document is not None
    book = load_workbook(leadership.document.path)
    assert {r["Cán bộ"] for r in rows(book["Chuyên cần"], 3)} == {LAN}
    # Officials cannot export.
    an = await linked_chat(AN)
    assert "dành cho lãnh đạo" in await an.say("/xuat")
    assert "sau ngày kết thúc" in await thu.say("/xuat 28/02/2027 01/02/2027")


async def test_an_empty_scope_gives_headers_and_a_note(org_db: Database, tmp_path: Path) -> None:
    path = tmp_path / "empty.xlsx"
    await export_file(org_db, path, ExportFilter(), date(2026, 1, 1), date(2026, 1, 31))
    book = load_workbook(path)
    assert book.sheetnames == SHEETS
    assert header_cells(book["Nhật ký"]) == ENTRY_HEADER
    assert book["Nhật ký"]["A2"].value == EMPTY_NOTE
    assert header_cells(book["Khó khăn"]) == DIFFICULTY_HEADER
    assert any(r[0] == EMPTY_NOTE for r in book["Tổng hợp"].iter_rows(values_only=True))


async def test_a_failed_export_leaves_nothing_behind(
    org_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = export_workbook._officials_sheets

    async def broken(*args: object, **kwargs: object) -> int:
        await real(*args, **kwargs)  # type: ignore[arg-type]
        raise RuntimeError("disk full")

    monkeypatch.setattr(export_workbook, "_officials_sheets", broken)
    path = tmp_path / "out.xlsx"
    with pytest.raises(RuntimeError):
        await export_file(org_db, path, ExportFilter(), date(2026, 11, 1), date(2026, 11, 30))
    # Neither the workbook nor its temporary file is left in the folder.
    assert not [p.name for p in tmp_path.iterdir() if "out.xlsx" in p.name]


# The command line


@pytest.fixture
def sample_org(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An operator's shell in tmp_path (BOT_DB_PATH only) with the sample organisation."""
    for name in list(os.environ):
        if name.startswith(OPERATOR_SETTINGS):
            monkeypatch.delenv(name)
    path = tmp_path / "data" / "bietphai.sqlite3"
    path.parent.mkdir()
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("BOT_DB_PATH", str(path))
    assert main(["import-org", str(SAMPLE_XLSX)]) == 0
    return path


async def test_cli_export_with_filters_and_csv(
    sample_org: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert (
        await bietphai("export", "--from", "2026-11-01", "--to", "30/11/2026", "-o", "a.xlsx") == 0
    )
    out = capsys.readouterr().out
    assert out.startswith("Đã xuất a.xlsx (01/11/2026–30/11/2026, toàn Sở): 15 cán bộ")
    args = ["--from", "01/11/2026", "--to", "30/11/2026", "--division", "tcbc"]
    assert await bietphai("export", *args, "-o", "b.xlsx") == 0
    assert "Phòng Tổ chức biên chế" in capsys.readouterr().out
    book = load_workbook(tmp_path / "b.xlsx")
    assert len(rows(book["Chuyên cần"], 3)) == 3
    assert await bietphai("export", *args, "--commune", "Xã Pa Lang", "-o", "c.xlsx") == 0
    assert await bietphai("export", *args, "--person", LAN, "-o", "d.xlsx") == 0
    assert {r["Cán bộ"] for r in rows(load_workbook(tmp_path / "d.xlsx")["Chuyên cần"], 3)} == {LAN}
    assert await bietphai("export", *args, "-o", "csv", "--format", "csv") == 0
    files = sorted(p.name for p in (tmp_path / "csv").iterdir())
    assert files == sorted(f"{name}.csv" for name in SHEETS)
    raw = (tmp_path / "csv" / "Nhật ký.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and "Ngày,Cán bộ,Phòng".encode() in raw


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "30/11/2026", "--to", "01/11/2026"], "--from 30/11/2026 sau --to 01/11/2026"),
        (["--from", "31/02/2026", "--to", "01/11/2026"], "ngày '31/02/2026' không hợp lệ"),
        (["--from", "01/11/2026", "--to", "30/11/2026", "--division", "XYZ"], "không có phòng"),
        (["--from", "01/11/2026", "--to", "30/11/2026", "--commune", "Xã Mơ"], "không có xã"),
        (["--from", "01/11/2026", "--to", "30/11/2026", "--person", "Ai Đó"], "không tìm thấy"),
    ],
)
async def test_cli_export_bad_arguments_are_one_line(
    sample_org: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    message: str,
) -> None:
    assert await bietphai("export", *args, "-o", "x.xlsx") == 1
    err = capsys.readouterr().err
    assert err.startswith("Lỗi: ") and message in err and err.count("\n") == 1
    assert not (tmp_path / "x.xlsx").exists()


async def test_cli_export_to_a_path_that_cannot_be_written(
    sample_org: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    period = ["--from", "01/11/2026", "--to", "30/11/2026"]
    assert await bietphai("export", *period, "-o", "missing/x.xlsx") == 1
    assert "thư mục missing không tồn tại" in capsys.readouterr().err
    (tmp_path / "afile").write_text("x")
    assert await bietphai("export", *period, "-o", "afile/x.xlsx") == 1
    assert capsys.readouterr().err.startswith("Lỗi: ")
    assert await bietphai("export", *period, "-o", "x.txt") == 1
    assert ".xlsx" in capsys.readouterr().err
    before = sorted(p.name for p in tmp_path.iterdir())
    assert not any(name.endswith(".tmp") or name.startswith(".x") for name in before)


async def test_cli_a_period_longer_than_a_year_is_streamed(
    sample_org: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        await bietphai("export", "--from", "01/09/2026", "--to", "31/12/2027", "-o", "y.xlsx") == 0
    )
    book = load_workbook(tmp_path / "y.xlsx", read_only=True)
    head = next(book["Chuyên cần"].iter_rows(min_row=3, max_row=3, values_only=True))
    assert len(head) == len(ATTENDANCE_HEADER) + 487
    months = {
        r[3] for r in book["Công tác phí"].iter_rows(min_row=4, values_only=True) if len(r) > 3
    }
    assert {"09/2026", "12/2026"} <= months


async def test_export_org_reimports_unchanged(
    sample_org: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert await bietphai("export-org", "-o", "org.xlsx") == 0
    assert "21 người" in capsys.readouterr().out
    db = await Database(sample_org).open()
    try:
        result = await import_org(db, tmp_path / "org.xlsx", local("2026-12-01 08:00"))
    finally:
        await db.close()
    assert result.changed_rows == 0
    assert await bietphai("export-org", "-o", "org-csv", "--format", "csv") == 0
    assert await bietphai("import-org", "org-csv") == 0
    assert "không có thay đổi" in capsys.readouterr().out


async def test_telegram_sends_the_workbook_as_a_document_after_the_text(
    router: Router, tmp_path: Path
) -> None:
    from testing.fakes.telegram_api import FakeTelegramAPI

    kept = tmp_path / "7-bietphai.xlsx"
    kept.write_bytes(b"PK\x03\x04 workbook")
    reply = Reply("Tệp Excel tháng 11", document=FileRef("bietphai.xlsx", str(kept)))
    async with FakeTelegramAPI() as fake:
        application = build_application("123:ABC", fake.base_url)
        channel = TelegramChannel(application, router, "vi")
        await application.initialize()
        try:
            await channel.send("4242", reply)
        finally:
            await application.shutdown()
        sends = [c for c in fake.calls if c.method.startswith("send")]
        assert [c.method for c in sends] == ["sendMessage", "sendDocument"]
        assert sends[1].params["document"]["file_name"] == "bietphai.xlsx"


def test_a_stored_reply_with_a_document_is_resent_with_the_document_last() -> None:
    from bot.channels.telegram_outbox import TelegramOutbox, outbox_bot

    reply = Reply("Tệp Excel tháng 11", document=FileRef("bietphai.xlsx", "/data/files/7.xlsx"))
    delivery = TelegramOutbox(outbox_bot("1:TEST", "http://127.0.0.1:9/bot"))
    stored = reply.to_json()
    # Only the file's name and place are stored, never its bytes.
    assert stored["document"] == {"name": "bietphai.xlsx", "path": "/data/files/7.xlsx"}
    pieces = delivery.pieces(Reply.from_json(stored))
    assert [p.text for p in pieces] == ["Tệp Excel tháng 11", ""]
    assert pieces[-1].document == FileRef("bietphai.xlsx", "/data/files/7.xlsx")


def test_days_still_to_come_are_neither_done_nor_missing() -> None:
    # "Tháng này" asked on Wednesday 25/11: Thursday and Friday have not happened yet.
    days = [date(2026, 11, d) for d in (25, 26, 27)]
    assignment = ExportAssignment(
        1, "XA01", "Xã Hòa Vang Tây", date(2026, 11, 2), date(2026, 12, 25)
    )
    result = attendance(
        days, frozenset(days), [assignment], [], {date(2026, 11, 25)}, date(2026, 11, 25)
    )
    assert result.codes == ("X", "", "")
    assert (result.expected, result.missing) == (1, 0)


async def test_xuat_with_an_unknown_division_names_the_codes(linked_chat: MakeChat) -> None:
    thu = await linked_chat(THU)
    reply = await thu.say("/xuat tháng này ZZZ")
    assert reply == "Không có phòng mã ZZZ. Mã phòng: CCHC, CCVC, TCBC, VTLT, XDCQ."
    reply = await thu.say("/xuat ZZZ")
    assert reply.startswith("Chưa hiểu «ZZZ». /xuat nhận một kỳ: tuần này, tuần trước")
    assert "CCHC, CCVC, TCBC, VTLT, XDCQ" in reply
