"""How each sheet of the workbook prints: A4, landscape when wide, one page wide, the header row
on every page, the period and scope on top, page numbers below, wrapped notes, and the signature
block the accounting office pays per-diem from.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell as SheetCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.page import PageMargins

A4 = 9  # the paper size code of the spreadsheet formats
FONT = "Calibri"  # the workbook's default font: styled cells keep it
PORTRAIT_MAX_WIDTH = 110  # column-width units that still read well on portrait A4 at fit-to-width
LINE_HEIGHT_PT = 15.0  # one wrapped line of the default 11 pt font
DATE_COLUMN_WIDTH = 4.0  # a day of the attendance grid, its date written upwards
HEADER_WRAP_AT = 14  # a header longer than this wraps instead of widening a numeric column
SIGNERS = ("Người lập biểu", "Trưởng phòng", "Thủ trưởng đơn vị")
SIGN_HINT = "(Ký, ghi rõ họ tên)"
NAME_LINE = "……………………………"
DATE_LINE = "Ngày …… tháng …… năm ……"
WRAP_TOP = Alignment(wrap_text=True, vertical="top")
WRAP_CENTER = Alignment(wrap_text=True, horizontal="center", vertical="center")


def _escape(text: str) -> str:
    """Header and footer codes start with '&': a literal one is doubled."""
    return text.replace("&", "&&")


def set_up_page(
    ws: WriteOnlyWorksheet, widths: Sequence[float], header_row: int, heading: str
) -> None:
    """A4, landscape when wide, fit to one page wide (any number of pages tall), the header row
    repeated, the heading (period and scope) and the sheet's name on top, page numbers below."""
    setup = ws.page_setup
    setup.paperSize = A4
    setup.orientation = "landscape" if sum(widths) > PORTRAIT_MAX_WIDTH else "portrait"
    setup.fitToWidth = 1
    setup.fitToHeight = 0  # as many pages tall as the rows need
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins = PageMargins(left=0.4, right=0.4, top=0.7, bottom=0.6, header=0.3, footer=0.3)
    ws.print_options.horizontalCentered = True
    ws.print_title_rows = f"{header_row}:{header_row}"
    if heading:
        ws.oddHeader.left.text = _escape(heading)
        ws.oddHeader.left.size = 9
    ws.oddHeader.right.text = _escape(ws.title)
    ws.oddHeader.right.size = 9
    ws.oddFooter.center.text = "Trang &P / &N"
    ws.oddFooter.center.size = 9


def header_height(header: Sequence[object], widths: Sequence[float]) -> float:
    """Points for the header row: enough lines for the longest wrapped label."""
    lines = 1
    upright = 0.0
    for value, width in zip(header, widths, strict=False):
        if isinstance(value, str):
            lines = max(lines, math.ceil(len(value) * 1.15 / max(1.0, width - 1)))
        else:
            upright = 36.0  # "dd/mm" written upwards
    return max(LINE_HEIGHT_PT * lines + 3, upright)


def note_row(
    ws: WriteOnlyWorksheet, row: int, text: str, widths: Sequence[float], *, bold: bool = False
) -> list[object]:
    """A sentence across the sheet's width (a title, a legend, a rule): merged, wrapped, and as
    tall as its lines, so it is never cut at the page edge."""
    span = max(1, len(widths))
    across = sum(widths) or 10.0
    ws.merged_cells.add(f"A{row}:{get_column_letter(span)}{row}")
    # About 1.1 characters per width unit for the default font; never less than one line.
    lines = max(1, math.ceil(len(text) * 1.1 / across))
    ws.row_dimensions[row].height = LINE_HEIGHT_PT * lines + 2
    cell = WriteOnlyCell(ws, value=text)
    cell.alignment = WRAP_TOP
    if bold:
        cell.font = Font(name=FONT, bold=True)
    return [cell]


def label_row(ws: WriteOnlyWorksheet, values: Sequence[object]) -> list[object]:
    """A row of label / value pairs (the summary's figures): labels wrap inside their cells."""
    cells: list[object] = []
    for value in values:
        if isinstance(value, str):
            cell = WriteOnlyCell(ws, value=value)
            cell.alignment = WRAP_TOP
            cells.append(cell)
        elif isinstance(value, SheetCell) and value.data_type == "s":
            value.alignment = WRAP_TOP  # a text kept from being read as a formula
            cells.append(value)
        else:
            cells.append(value)
    return cells


def _thirds(widths: Sequence[float]) -> list[tuple[int, int]]:
    """Three runs of columns (1-based, inclusive) of about equal printed width."""
    total = sum(widths)
    bounds: list[tuple[int, int]] = []
    acc, start = 0.0, 1
    for index, width in enumerate(widths, start=1):
        acc += width
        if len(bounds) < 2 and acc >= total * (len(bounds) + 1) / 3 and index < len(widths):
            bounds.append((start, index))
            start = index + 1
    bounds.append((start, len(widths)))
    while len(bounds) < 3:  # fewer than three columns: share the last one
        bounds.append(bounds[-1])
    return bounds[:3]


def signature_rows(
    ws: WriteOnlyWorksheet, first_row: int, widths: Sequence[float]
) -> list[list[object]]:
    """The signature block under a sheet: "Người lập biểu", "Trưởng phòng", "Thủ trưởng đơn vị",
    each with "(Ký, ghi rõ họ tên)", room to sign and a line for the name; the date above the
    last. `first_row` is the row the block starts on (a blank row comes first)."""
    groups = _thirds(widths)
    width = len(widths)
    merged: set[tuple[int, int]] = set()

    def line(texts: Sequence[str], *, bold: bool = False, italic: bool = False) -> list[object]:
        row: list[object] = [None] * width
        for (start, _end), text in zip(groups, texts, strict=True):
            if not text:
                continue
            cell = WriteOnlyCell(ws, value=text)
            cell.alignment = WRAP_CENTER
            cell.font = Font(name=FONT, bold=bold, italic=italic)
            row[start - 1] = cell
        return row

    def merge(row: int) -> None:
        for start, end in groups:
            if end > start and (row, start) not in merged:
                ws.merged_cells.add(
                    f"{get_column_letter(start)}{row}:{get_column_letter(end)}{row}"
                )
                merged.add((row, start))

    rows: list[list[object]] = [[]]
    layout = [
        line(("", "", DATE_LINE), italic=True),
        line(SIGNERS, bold=True),
        line((SIGN_HINT,) * 3, italic=True),
        [],
        [],
        [],
        line((NAME_LINE,) * 3),
    ]
    for offset, row in enumerate(layout, start=1):
        if row:
            merge(first_row + offset)
        rows.append(row)
    return rows
