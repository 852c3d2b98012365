"""The workbook prints: every sheet's page setup read back from the file, and the sample
organisation's month converted to PDF by LibreOffice — few pages, A4, nothing cut."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from bench.digest_cost import TEXTS, generate
from bot.export import ExportRequest, export_to
from bot.export.attendance import LEGEND, PER_DIEM_RULE
from bot.export.printing import DATE_LINE, NAME_LINE, PORTRAIT_MAX_WIDTH, SIGN_HINT, SIGNERS
from bot.export.workbook import PER_DIEM_HEADER, SUMMARY_HEADER
from handlers.core.workcal import calendar_from
from storage import Database, calendar
from storage.export import ExportFilter
from tests.chat import ZONE
from tests.helpers import office

NOV_FIRST, NOV_LAST = date(2026, 11, 1), date(2026, 11, 30)
HEADING = "Từ ngày 01/11/2026 – 30/11/2026 — toàn Sở"
MAX_PAGES = 16  # measured: 14 (Nhật ký 7, every other sheet 1); 76 before the print setup
WIDE = {"Nhật ký", "Khó khăn", "Chuyên cần", "Công tác phí", "Tổ công tác", "Học tập"}


@pytest.fixture(scope="module")
def month_export(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample organisation (15 officials, an entry a day each), November exported."""
    import asyncio

    folder = tmp_path_factory.mktemp("print")

    async def build() -> Path:
        db_path = folder / "sample.sqlite3"
        await generate(db_path, 15, 54)  # 01/11 – 24/12/2026
        db = await Database(db_path).open()
        target = folder / "thang-11.xlsx"
        try:
            async with db.read() as tx:
                cal = calendar_from(ZONE, await calendar.declared_days(tx))
                request = ExportRequest(NOV_FIRST, NOV_LAST, ExportFilter(), "toàn Sở")
                await export_to(tx, request, cal, target, datetime(2026, 12, 1, tzinfo=UTC))
        finally:
            await db.close()
        return target

    return asyncio.run(build())


def _header_row(ws: object) -> int:
    titles = str(ws.print_title_rows)  # type: ignore[attr-defined]
    return int(titles.split(":")[0].strip("$"))


def test_every_sheet_has_its_print_setup(month_export: Path) -> None:
    book = load_workbook(month_export)
    assert len(book.sheetnames) == 8
    for ws in book.worksheets:
        setup = ws.page_setup
        assert int(setup.paperSize) == 9, ws.title  # A4
        # Landscape where the columns are wider than a portrait page reads well.
        total = sum(d.width or 0 for d in ws.column_dimensions.values())
        expected = "landscape" if total > PORTRAIT_MAX_WIDTH else "portrait"
        assert setup.orientation == expected, (ws.title, total)
        if ws.title in WIDE:
            assert expected == "landscape", ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        assert setup.fitToWidth == 1 and setup.fitToHeight == 0, ws.title  # one page wide
        header_row = _header_row(ws)
        assert ws.print_title_rows == f"${header_row}:${header_row}", ws.title
        assert ws.cell(header_row, 1).value in ("Nhóm", "Ngày", "Số hiệu", "Cán bộ", "Loại", "Mã")
        assert ws.oddHeader.left.text == HEADING, ws.title
        assert ws.oddHeader.right.text == ws.title
        assert ws.oddFooter.center.text == "Trang &P / &N"
        # Long header labels wrap instead of widening the column.
        assert ws.cell(header_row, 1).alignment.wrap_text, ws.title


def test_rules_labels_and_signatures(month_export: Path) -> None:
    book = load_workbook(month_export)
    money = book["Công tác phí"]
    # The rule spans the sheet, wrapped, tall enough for its lines.
    assert money["A1"].value == PER_DIEM_RULE and money["A1"].alignment.wrap_text
    assert f"A1:{chr(ord('A') + len(PER_DIEM_HEADER) - 1)}1" in {
        str(r) for r in money.merged_cells.ranges
    }
    assert (money.row_dimensions[1].height or 0) >= 30
    grid = book["Chuyên cần"]
    assert grid["A1"].value == LEGEND and grid["A1"].alignment.wrap_text
    summary = book["Tổng hợp"]
    # Labels above the table wrap in a column wide enough for them.
    label = "Thời gian phản hồi đầu tiên (trung vị, giờ)"
    [cell] = [c for row in summary.iter_rows() for c in row if c.value == label]
    assert cell.alignment.wrap_text
    assert (summary.column_dimensions[cell.column_letter].width or 0) >= len(label)
    assert summary.cell(_header_row(summary), 1).value == SUMMARY_HEADER[0]
    for ws in (grid, money):
        values = [[c.value for c in row] for row in ws.iter_rows()]
        last_official = max(i for i, row in enumerate(values) if row[0] == "Đỗ Văn Long")
        below = [v for row in values[last_official + 1 :] for v in row if v]
        assert [v for v in below if v in SIGNERS] == list(SIGNERS), ws.title
        assert below.count(SIGN_HINT) == 3 and below.count(NAME_LINE) == 3
        assert DATE_LINE in below
        # The signature block is below the table, outside its filter.
        last_filtered = int(ws.auto_filter.ref.split(":")[1].lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
        assert last_filtered == last_official + 1, ws.title


def test_the_month_prints_on_few_a4_pages_with_nothing_cut(
    month_export: Path, tmp_path: Path
) -> None:
    pdf = office.to_pdf(month_export, tmp_path)
    pages = int(office.info(pdf)["Pages"])
    assert pages <= MAX_PAGES, pages
    for page in range(1, pages + 1):
        width, height = sorted(office.page_size_pt(pdf, page))
        assert abs(width - 595.3) < 1 and abs(height - 841.9) < 1, page  # A4 either way
    text = " ".join(office.reading_text(pdf).split())
    # Whole sentences: a cell cut at the page edge or by its neighbour loses its end.
    for sentence in (
        PER_DIEM_RULE,
        LEGEND,
        "Thời gian phản hồi đầu tiên (trung vị, giờ)",
        "Số ngày công tác tại xã (tính công tác phí)",
        "Ngày làm việc trong thời gian biệt phái",
        *SIGNERS,
        *TEXTS,
        "Phòng Công chức, viên chức",
        "Trang 1 / ",
        HEADING,
    ):
        assert " ".join(sentence.split()) in text, sentence
    office.screenshot(pdf, "export-cong-tac-phi", page=pages - 2)
