"""Build examples/org-sample.xlsx from the CSV files in examples/org-sample/."""

from __future__ import annotations

import csv
import datetime as dt
import shutil
import sys
import unicodedata
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

HERE = Path(__file__).resolve().parent
CSV_DIR = HERE / "org-sample"
OUTPUT = HERE / "org-sample.xlsx"
# The copy shipped inside the wheel, for `bietphai run` with no channel (tests keep them equal).
PACKAGED = HERE.parent / "bot" / "samples" / "org-sample.xlsx"
SHEET_ORDER = (
    "divisions",
    "communes",
    "people",
    "waves",
    "assignments",
    "working_groups",
    "calendar",
)
DATE_COLUMNS = frozenset({"start", "end", "date"})
DATE_FORMAT = "dd/mm/yyyy"
TEXT_FORMAT = "@"


def read_csv(path: Path) -> list[list[str]]:
    """Read a UTF-8 CSV file into rows of NFC-normalised strings."""
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    return [[unicodedata.normalize("NFC", cell.strip()) for cell in row] for row in rows]


def parse_date(text: str) -> dt.date:
    """Parse a dd/mm/yyyy string into a date."""
    return dt.datetime.strptime(text, "%d/%m/%Y").date()


def csv_files(csv_dir: Path) -> list[Path]:
    """List the CSV files, known sheets first in workbook order, then the rest by name."""
    files = {p.stem: p for p in csv_dir.glob("*.csv")}
    known = [files.pop(name) for name in SHEET_ORDER if name in files]
    return known + [files[name] for name in sorted(files)]


def fill_sheet(ws: Worksheet, rows: list[list[str]]) -> None:
    """Write rows to a sheet: bold frozen header, real dates, text elsewhere, fitted widths."""
    if not rows:
        return
    header, body = rows[0], rows[1:]
    bold = Font(bold=True)
    for col, name in enumerate(header, start=1):
        cell = ws.cell(row=1, column=col, value=name)
        cell.font = bold
    for r, row in enumerate(body, start=2):
        for col, name in enumerate(header, start=1):
            text = row[col - 1] if col - 1 < len(row) else ""
            cell = ws.cell(row=r, column=col)
            if name in DATE_COLUMNS and text:
                cell.value = parse_date(text)
                cell.number_format = DATE_FORMAT
            else:
                cell.value = text or None
                cell.number_format = TEXT_FORMAT
    for col, name in enumerate(header, start=1):
        widest = max([len(name)] + [len(row[col - 1]) for row in body if col - 1 < len(row)])
        ws.column_dimensions[get_column_letter(col)].width = min(widest + 2, 80)
    ws.freeze_panes = "A2"


def build(csv_dir: Path = CSV_DIR, output: Path = OUTPUT) -> Path:
    """Write one sheet per CSV file in csv_dir to the workbook at output."""
    wb = Workbook()
    wb.remove(wb.active)
    for path in csv_files(csv_dir):
        fill_sheet(wb.create_sheet(title=path.stem), read_csv(path))
    wb.save(output)
    return output


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point: make_org_sample.py [CSV_DIR [OUTPUT]]."""
    args = sys.argv[1:] if argv is None else argv
    csv_dir = Path(args[0]) if args else CSV_DIR
    output = Path(args[1]) if len(args) > 1 else OUTPUT
    print(f"wrote {build(csv_dir, output)}")
    if output == OUTPUT:
        shutil.copyfile(OUTPUT, PACKAGED)
        print(f"wrote {PACKAGED}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
