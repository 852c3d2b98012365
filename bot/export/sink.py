"""Where export rows go: a streamed .xlsx workbook or a folder of CSV files, written atomically."""

from __future__ import annotations

import csv
import os
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import IO, Protocol

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from bot.export import printing
from handlers.core.textclean import FORMULA_START, xml_safe

Cell = str | int | float | date | datetime | None
DATE_FORMAT = "dd/mm/yyyy"
TIME_FORMAT = "dd/mm/yyyy hh:mm"
PERCENT = "0.0%"
SAMPLE_ROWS = 50  # rows looked at to fit column widths
MAX_WIDTH = 60


class ExportWriteError(Exception):
    """The output cannot be written; the message is for the operator."""


@dataclass(frozen=True)
class SheetSpec:
    """A sheet: name, header, optional lines above the header, formats per column index."""

    name: str
    header: tuple[Cell, ...]
    preamble: tuple[tuple[Cell, ...], ...] = ()
    formats: dict[int, str] = field(default_factory=dict)
    frozen_columns: int = 0
    empty_note: str = ""
    # End the sheet with the signature block of a paper the office signs (attendance, per-diem).
    signatures: bool = False


class SheetOut(Protocol):
    """One sheet being written."""

    def append(self, row: Sequence[Cell]) -> None:
        """Add a data row."""

    @property
    def rows(self) -> int:
        """Data rows written so far."""


class Sink(Protocol):
    """An export target: sheets, then commit (or abort)."""

    def sheet(self, spec: SheetSpec, *, first: bool = False) -> SheetOut:
        """Start a sheet (sheets appear in the order they are started, or first)."""

    def commit(self) -> None:
        """Finish every sheet and move the result into place."""

    def abort(self) -> None:
        """Drop everything written."""


def csv_text(value: str) -> str:
    """A text cell for a CSV file: a leading formula character gets a quote so nothing evaluates."""
    value = xml_safe(value)
    return f"'{value}" if value.startswith(FORMULA_START) else value


def _text(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def _header_width(value: Cell) -> float:
    """A day of the attendance grid is narrow (its date printed upwards); long headers wrap."""
    if isinstance(value, date):
        return printing.DATE_COLUMN_WIDTH
    return min(_width(value, None), printing.HEADER_WRAP_AT) + 2


def _width(value: Cell, number_format: str | None) -> int:
    if isinstance(value, datetime):
        return 17
    if isinstance(value, date):
        return 11
    if number_format == PERCENT:
        return 7
    longest = max((len(line) for line in _text(value).splitlines()), default=0)
    return min(MAX_WIDTH, longest)


class _XlsxSheet:
    """A write-only worksheet that holds its first rows back until it can fit the widths."""

    def __init__(self, ws: WriteOnlyWorksheet, spec: SheetSpec, heading: str = "") -> None:
        self.ws = ws
        self.spec = spec
        self.heading = heading
        self.widths: list[float] = []
        self._pending: list[Sequence[Cell]] = []
        self._started = False
        self.rows = 0
        self.header_row = len(spec.preamble) + (1 if spec.preamble else 0) + 1
        column = get_column_letter(spec.frozen_columns + 1)
        ws.freeze_panes = f"{column}{self.header_row + 1}"

    def append(self, row: Sequence[Cell]) -> None:
        self.rows += 1
        if self._started:
            self.ws.append(self._cells(row))
            return
        self._pending.append(row)
        if len(self._pending) >= SAMPLE_ROWS:
            self._start()

    def _start(self) -> None:
        widths: list[float] = [_header_width(h) for h in self.spec.header]
        # Label rows above the header (the summary's figures) count for the widths too, so a
        # label is not cut by the value beside it; one-cell notes span the sheet instead.
        labels = [line for line in self.spec.preamble if len(line) > 1]
        for row in [*labels, *self._pending]:
            for i, value in enumerate(row[: len(widths)]):
                widths[i] = max(widths[i], _width(value, self.spec.formats.get(i)) + 2)
        self.widths = [min(width, MAX_WIDTH + 2) for width in widths]
        for i, width in enumerate(self.widths, start=1):
            self.ws.column_dimensions[get_column_letter(i)].width = width
        # Before the first row: a write-only sheet writes its properties (fit to page) then.
        printing.set_up_page(self.ws, self.widths, self.header_row, self.heading)
        for number, line in enumerate(self.spec.preamble, start=1):
            if len(line) == 1 and isinstance(line[0], str):
                bold = number == 1 and len(self.spec.preamble) > 1  # the sheet's title
                self.ws.append(printing.note_row(self.ws, number, line[0], self.widths, bold=bold))
            else:
                self.ws.append(printing.label_row(self.ws, self._cells(line, formatted=False)))
        if self.spec.preamble:
            self.ws.append([])
        # Wrapped headers get the height of their longest one (spreadsheets do not grow a row
        # for wrapped text on their own when printing); a day's date is written upwards.
        self.ws.row_dimensions[self.header_row].height = printing.header_height(
            self.spec.header, self.widths
        )
        bold = Font(name=printing.FONT, bold=True)
        header = []
        for name in self.spec.header:
            cell = WriteOnlyCell(self.ws, value=xml_safe(name) if isinstance(name, str) else name)
            cell.font = bold
            cell.alignment = printing.WRAP_CENTER
            if isinstance(name, date):
                cell.number_format = "dd/mm"
                cell.alignment = Alignment(horizontal="center", text_rotation=90)
            header.append(cell)
        self.ws.append(header)
        self._started = True
        for row in self._pending:
            self.ws.append(self._cells(row))
        self._pending = []

    def _cells(self, row: Sequence[Cell], *, formatted: bool = True) -> list[object]:
        cells: list[object] = []
        for i, value in enumerate(row):
            wanted = self.spec.formats.get(i) if formatted else None
            if isinstance(value, datetime):
                cell = WriteOnlyCell(self.ws, value=value.replace(tzinfo=None))
                cell.number_format = wanted or TIME_FORMAT
                cells.append(cell)
            elif isinstance(value, date):
                cell = WriteOnlyCell(self.ws, value=value)
                cell.number_format = wanted or DATE_FORMAT
                cells.append(cell)
            elif wanted and isinstance(value, int | float):
                cell = WriteOnlyCell(self.ws, value=value)
                cell.number_format = wanted
                cells.append(cell)
            elif isinstance(value, str):
                text = self._text_cell(value)
                if i < len(self.widths) and len(value) > self.widths[i]:
                    # Longer than its column: wrapped, so it prints whole instead of being cut.
                    if isinstance(text, str):
                        text = WriteOnlyCell(self.ws, value=text)
                    text.alignment = printing.WRAP_TOP
                cells.append(text)
            else:
                cells.append(value)
        return cells

    def _text_cell(self, value: str) -> WriteOnlyCell | str:
        """A text as a string cell that no spreadsheet evaluates, whatever it starts with."""
        value = xml_safe(value)
        if not value.startswith(FORMULA_START):
            return value  # plain text: openpyxl writes it as a string cell
        # openpyxl turns a str starting with "=" into a formula; force the string type, and the
        # quote prefix keeps Excel from evaluating it even when someone edits the cell.
        cell = WriteOnlyCell(self.ws, value=value)
        cell.data_type = "s"
        cell.quotePrefix = True
        return cell

    def close(self) -> None:
        if self.rows == 0 and self.spec.empty_note:
            self._pending.append([self.spec.empty_note])
            self.rows = 1
        if not self._started:
            self._start()
        last = get_column_letter(max(1, len(self.spec.header)))
        self.ws.auto_filter.ref = f"A{self.header_row}:{last}{self.header_row + self.rows}"
        if self.spec.signatures:
            first = self.header_row + self.rows + 1
            for row in printing.signature_rows(self.ws, first, self.widths):
                self.ws.append(row)


class XlsxSink:
    """A streamed (write-only) workbook saved to a temp file beside `target`, then moved."""

    def __init__(self, target: Path, heading: str = "") -> None:
        self.target = target
        self.heading = heading  # printed on top of every page: the period and the scope
        self._temp = _temp_beside(target, suffix=".xlsx")
        self.book = Workbook(write_only=True)
        self._sheets: list[_XlsxSheet] = []

    def sheet(self, spec: SheetSpec, *, first: bool = False) -> _XlsxSheet:
        out = _XlsxSheet(
            self.book.create_sheet(spec.name, 0 if first else None), spec, self.heading
        )
        self._sheets.append(out)
        return out

    def commit(self) -> None:
        try:
            for out in self._sheets:
                out.close()
            self.book.save(self._temp)
            os.replace(self._temp, self.target)
        except OSError as exc:
            self.abort()
            raise ExportWriteError(f"không ghi được tệp {self.target}: {exc.strerror}") from exc

    def abort(self) -> None:
        Path(self._temp).unlink(missing_ok=True)


class _CsvSheet:
    def __init__(self, handle: IO[str], spec: SheetSpec) -> None:
        self.handle = handle
        self.spec = spec
        self.writer = csv.writer(handle)
        self.rows = 0
        for line in spec.preamble:
            self.writer.writerow([csv_text(_text(v)) for v in line])
        if spec.preamble:
            self.writer.writerow([])
        self.writer.writerow([csv_text(_text(h)) for h in spec.header])

    def append(self, row: Sequence[Cell]) -> None:
        self.rows += 1
        values = []
        for i, value in enumerate(row):
            if self.spec.formats.get(i) == PERCENT and isinstance(value, int | float):
                values.append(f"{value * 100:.1f}%")
            elif isinstance(value, str):
                values.append(csv_text(value))
            else:
                # Numbers (a real -5 too) and dates are written as they are.
                values.append(_text(value))
        self.writer.writerow(values)

    def close(self) -> None:
        if self.rows == 0 and self.spec.empty_note:
            self.writer.writerow([csv_text(self.spec.empty_note)])
        self.handle.close()


class CsvSink:
    """One CSV per sheet (UTF-8 with BOM, so Excel reads Vietnamese) in a folder `target`."""

    def __init__(self, target: Path) -> None:
        if target.exists() and (not target.is_dir() or any(target.iterdir())):
            raise ExportWriteError(f"{target} đã có và không phải thư mục trống, chọn tên khác")
        self.target = target
        parent = target.parent if str(target.parent) else Path(".")
        try:
            self._temp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=parent))
        except OSError as exc:
            raise ExportWriteError(f"không ghi được vào thư mục {parent}: {exc.strerror}") from exc
        self._sheets: list[_CsvSheet] = []

    def sheet(self, spec: SheetSpec, *, first: bool = False) -> _CsvSheet:
        handle = (self._temp / f"{spec.name}.csv").open("w", encoding="utf-8-sig", newline="")
        out = _CsvSheet(handle, spec)
        self._sheets.append(out)
        return out

    def commit(self) -> None:
        try:
            for out in self._sheets:
                out.close()
            os.replace(self._temp, self.target)
        except OSError as exc:
            self.abort()
            raise ExportWriteError(f"không ghi được {self.target}: {exc.strerror}") from exc

    def abort(self) -> None:
        for out in self._sheets:
            out.handle.close()
        shutil.rmtree(self._temp, ignore_errors=True)


def _temp_beside(target: Path, suffix: str) -> str:
    """A new temporary file in the target's folder (so os.replace is atomic)."""
    parent = target.parent if str(target.parent) else Path(".")
    if not parent.is_dir():
        raise ExportWriteError(f"thư mục {parent} không tồn tại")
    if target.is_dir():
        raise ExportWriteError(f"{target} là một thư mục, hãy ghi tên tệp .xlsx")
    try:
        handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=suffix, dir=parent)
    except OSError as exc:
        raise ExportWriteError(f"không ghi được vào thư mục {parent}: {exc.strerror}") from exc
    os.close(handle)
    return name
