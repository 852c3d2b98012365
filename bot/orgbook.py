"""Reading and checking the organisation workbook (.xlsx, or a folder of .csv files)."""

from __future__ import annotations

import csv
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from xml.etree.ElementTree import ParseError

from openpyxl import load_workbook

from handlers.core.phone import normalize_phone
from handlers.core.textclean import FORMULA_START, clean_text
from handlers.core.textfold import fold
from storage.org_import import (
    AssignmentRow,
    CalendarRow,
    CommuneRow,
    DivisionRow,
    OrgData,
    PersonRow,
    WaveRow,
    WorkingGroupRow,
)

# Sheet name -> the exact header names it needs, in the order of the operator contract.
SHEETS: dict[str, tuple[str, ...]] = {
    "divisions": ("code", "name"),
    "communes": ("code", "name", "district", "border"),
    "people": ("full_name", "role", "division", "phone", "supervises"),
    "waves": ("name", "start", "end"),
    "assignments": ("person", "commune", "wave", "start", "end"),
    "working_groups": ("name", "leader", "members", "communes"),
    "calendar": ("date", "kind", "reason"),
}
OPTIONAL_SHEETS = {"calendar", "working_groups"}
# Columns a sheet may have but older workbooks lack; export-org writes them after the others.
# `people.commune`: the commune a commune contact (commune_official) speaks for (study visits).
# `people.gender`: how the bot addresses the person, "anh" or "chị" (see ADDRESS_FORMS).
OPTIONAL_COLUMNS: dict[str, tuple[str, ...]] = {"people": ("commune", "gender")}
# Folded values of the `gender` column and the form of address each one means.
ADDRESS_FORMS = {
    "nam": "anh",
    "anh": "anh",
    "male": "anh",
    "m": "anh",
    "nu": "chị",
    "chi": "chị",
    "female": "chị",
    "f": "chị",
}
ROLES = ("official", "supervisor", "admin", "commune_official")
# Longest text a column may hold (names, codes, lists); a longer cell is refused by row.
NAME_LIMIT = 200
CODE_LIMIT = 32
LIST_LIMIT = 4000
LIMITS: dict[str, int] = {
    "code": CODE_LIMIT,
    "name": NAME_LIMIT,
    "district": NAME_LIMIT,
    "border": CODE_LIMIT,
    "full_name": NAME_LIMIT,
    "role": CODE_LIMIT,
    "division": CODE_LIMIT,
    "phone": CODE_LIMIT,
    "supervises": LIST_LIMIT,
    "commune": NAME_LIMIT,
    "person": NAME_LIMIT,
    "wave": NAME_LIMIT,
    "start": CODE_LIMIT,
    "end": CODE_LIMIT,
    "leader": NAME_LIMIT,
    "members": LIST_LIMIT,
    "communes": LIST_LIMIT,
    "date": CODE_LIMIT,
    "kind": CODE_LIMIT,
    "reason": NAME_LIMIT,
    "gender": CODE_LIMIT,
}
# A sheet bigger than this is refused before its rows are read: a sheet claiming a cell at
# XFD1048576 would otherwise have openpyxl fill in billions of empty cells.
MAX_ROWS = 50_000
MAX_COLUMNS = 100
YES = {"có", "co", "yes", "y", "x", "1", "true"}
NO = {"không", "khong", "no", "n", "0", "false", ""}

Cell = str | int | float | date | datetime | None
# What a damaged or truncated .xlsx raises from zipfile, zlib or the XML parser.
UNREADABLE_XLSX = (
    zipfile.BadZipFile,
    zlib.error,
    ParseError,
    EOFError,
    NotImplementedError,
    KeyError,
    OSError,
    ValueError,
)


class WorkbookError(Exception):
    """The file cannot be read as an organisation workbook; the message is for the operator."""


@dataclass
class SheetRow:
    """One data row with its sheet name and 1-based row number as the operator sees it."""

    sheet: str
    number: int
    values: dict[str, Cell]

    def text(self, column: str) -> str:
        """The cell as cleaned, trimmed NFC text ('' when empty)."""
        value = self.values.get(column)
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return clean_text(str(value))


@dataclass
class Problems:
    """Every bad row found, reported together."""

    lines: list[str] = field(default_factory=list)

    def add(self, row: SheetRow, message: str) -> None:
        """Record a problem on a row."""
        self.lines.append(f"{row.sheet}, dòng {row.number}: {message}")


@dataclass(frozen=True)
class KnownOrg:
    """What the database already holds, so a workbook may refer to it."""

    divisions: frozenset[str] = frozenset()
    communes: frozenset[str] = frozenset()
    waves: frozenset[str] = frozenset()
    person_keys: dict[str, int] = field(default_factory=dict)
    # (code, name) of stored communes, so a row may name a commune instead of giving its code.
    commune_names: tuple[tuple[str, str], ...] = ()


class CommuneNames:
    """Find a commune's code from its code or its name (case and diacritics ignored)."""

    def __init__(self, codes: set[str], named: list[tuple[str, str]]) -> None:
        self.codes = codes
        self.by_name: dict[str, set[str]] = {}
        for code, name in named:
            self.by_name.setdefault(fold(name), set()).add(code)

    def code(self, row: SheetRow, written: str, where: str, problems: Problems) -> str | None:
        """The code of the commune written in a cell, or None after reporting why not."""
        if written.upper() in self.codes:
            return written.upper()
        found = self.by_name.get(fold(written), set())
        if len(found) == 1:
            return next(iter(found))
        if found:
            codes = ", ".join(sorted(found))
            problems.add(row, f"xã '{written}'{where} trùng tên nhiều xã ({codes}), hãy ghi mã")
        else:
            listed = "communes" if where else "danh sách communes"
            problems.add(row, f"xã '{written}'{where} không có trong {listed}")
        return None


def read_sheets(path: Path) -> dict[str, list[SheetRow]]:
    """Rows of every known sheet in an .xlsx file or a folder of CSV files."""
    if not path.exists():
        raise WorkbookError(f"không tìm thấy tệp: {path}")
    if path.is_dir():
        return _read_csv_folder(path)
    if path.suffix.lower() == ".csv":
        return _read_csv_folder(path.parent, only=path.stem)
    if path.suffix.lower() != ".xlsx":
        raise WorkbookError(f"chỉ nhận tệp .xlsx hoặc thư mục .csv: {path}")
    return _read_xlsx(path)


def _read_xlsx(path: Path) -> dict[str, list[SheetRow]]:
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except UNREADABLE_XLSX as exc:
        raise WorkbookError(_unreadable(path, exc)) from exc
    try:
        sheets: dict[str, list[SheetRow]] = {}
        for name in SHEETS:
            if name not in book.sheetnames:
                continue
            sheet = book[name]
            rows, columns = sheet.max_row or 0, sheet.max_column or 0
            if rows > MAX_ROWS or columns > MAX_COLUMNS:
                raise WorkbookError(_too_big(name, rows, columns))
            # Bounded even when the sheet's stated size is missing or lies.
            bounded = sheet.iter_rows(max_row=MAX_ROWS + 1, max_col=MAX_COLUMNS, values_only=True)
            sheets[name] = _rows_with_header(name, bounded)
        return sheets
    except UNREADABLE_XLSX as exc:
        raise WorkbookError(_unreadable(path, exc)) from exc
    finally:
        book.close()


def _unreadable(path: Path, exc: Exception) -> str:
    """The refusal of a file that is not a readable workbook, in words (not the library's)."""
    if isinstance(exc, zipfile.BadZipFile):
        why = "đây không phải tệp Excel .xlsx"
    else:
        why = "nội dung tệp bị hỏng"
    return f"tệp .xlsx bị hỏng hoặc không đọc được: {path} ({why}; hãy mở bằng Excel và lưu lại)"


def _too_big(sheet: str, rows: int, columns: int) -> str:
    """The refusal of a sheet with more rows or columns than an organisation needs."""
    return (
        f"{sheet}, dòng {rows}: trang có {rows} dòng × {columns} cột, quá giới hạn "
        f"{MAX_ROWS} dòng × {MAX_COLUMNS} cột (xóa các ô thừa ở cuối trang rồi lưu lại)"
    )


def _unquoted(row: list[str]) -> list[str]:
    """CSV cells without the quote export-org puts before a leading = + - @ (formula guard)."""
    return [c[1:] if c[:1] == "'" and c[1:].startswith(FORMULA_START) else c for c in row]


def _read_csv_folder(folder: Path, only: str | None = None) -> dict[str, list[SheetRow]]:
    sheets: dict[str, list[SheetRow]] = {}
    for name in SHEETS:
        if only and name != only:
            continue
        file = folder / f"{name}.csv"
        if not file.exists():
            continue
        try:
            # utf-8-sig: Excel writes a BOM in front of UTF-8 CSV files.
            with file.open(encoding="utf-8-sig", newline="") as handle:
                reader = (_unquoted(row) for row in csv.reader(handle))
                sheets[name] = _rows_with_header(name, reader)
        except UnicodeDecodeError as exc:
            raise WorkbookError(f"{file.name}: không đọc được, cần lưu dạng CSV UTF-8") from exc
        except csv.Error as exc:
            # The library's words are English; a cell over its limit is the usual cause.
            raise WorkbookError(
                f"{file.name}: không đọc được (có ô quá dài hoặc dấu ngoặc kép không đóng)"
            ) from exc
    return sheets


def _rows_with_header(
    sheet: str, rows: Iterator[tuple[Cell, ...]] | Iterator[list[str]]
) -> list[SheetRow]:
    header_row = next(rows, None)
    if header_row is None:
        raise WorkbookError(f"{sheet}: trang trống, thiếu dòng tiêu đề")
    header = [clean_text(str(h)) if h is not None else "" for h in header_row]
    missing = [col for col in SHEETS[sheet] if col not in header]
    if missing:
        raise WorkbookError(f"{sheet}: thiếu cột {', '.join(missing)} (dòng 1)")
    result = []
    for number, raw in enumerate(rows, start=2):
        if number > MAX_ROWS:
            raise WorkbookError(_too_big(sheet, number, len(raw)))
        values = {col: raw[i] if i < len(raw) else None for i, col in enumerate(header) if col}
        if all(v is None or str(v).strip() == "" for v in values.values()):
            continue
        result.append(SheetRow(sheet, number, values))
    return result


def parse_day(row: SheetRow, column: str, problems: Problems, *, required: bool) -> date | None:
    """A date cell: a real Excel date, dd/mm/yyyy text, or ISO yyyy-mm-dd."""
    value = row.values.get(column)
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = row.text(column)
    if not text:
        if required:
            problems.add(row, f"thiếu ngày ở cột {column}")
        return None
    for fmt in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    problems.add(row, f"ngày '{text}' ở cột {column} không đúng dạng dd/mm/yyyy")
    return None


def split_list(text: str) -> tuple[str, ...]:
    """`a; b;c` → ('a', 'b', 'c')."""
    return tuple(part.strip() for part in text.split(";") if part.strip())


def check_org(sheets: dict[str, list[SheetRow]], known: KnownOrg) -> tuple[OrgData, list[str]]:
    """Validate every row; returns the data and the list of problems (empty when all is well)."""
    problems = Problems()
    for name in SHEETS:
        if name not in sheets and name not in OPTIONAL_SHEETS:
            problems.lines.append(f"{name}: thiếu trang (sheet) này")
    sheets = {name: _within_limits(rows, problems) for name, rows in sheets.items()}
    org = OrgData()
    division_codes = set(known.divisions)
    for row in sheets.get("divisions", []):
        code, name = row.text("code").upper(), row.text("name")
        if not code or not name:
            problems.add(row, "cần đủ mã (code) và tên (name)")
            continue
        division_codes.add(code)
        org.divisions.append(DivisionRow(code, name))
    commune_codes = set(known.communes)
    named_communes = list(known.commune_names)
    for row in sheets.get("communes", []):
        code, name = row.text("code").upper(), row.text("name")
        border = row.text("border").lower()
        if not code or not name:
            problems.add(row, "cần đủ mã (code) và tên (name)")
            continue
        if border not in YES | NO:
            problems.add(row, f"cột border phải là có/không, không phải '{row.text('border')}'")
            continue
        commune_codes.add(code)
        named_communes = [(c, n) for c, n in named_communes if c != code] + [(code, name)]
        org.communes.append(CommuneRow(code, name, row.text("district"), border in YES))
    communes = CommuneNames(commune_codes, named_communes)
    person_keys = dict(known.person_keys)
    _check_people(sheets.get("people", []), division_codes, problems, org, person_keys, communes)
    wave_names = set(known.waves)
    wave_dates: dict[str, tuple[date, date]] = {}
    # Waves whose row was already reported: their assignments are not reported again.
    reported_waves: set[str] = set()
    for row in sheets.get("waves", []):
        name = row.text("name")
        start = parse_day(row, "start", problems, required=True)
        end = parse_day(row, "end", problems, required=True)
        if not name:
            problems.add(row, "thiếu tên đợt")
            continue
        if start is None or end is None:
            reported_waves.add(name)
        if start and end:
            if start > end:
                problems.add(row, "ngày bắt đầu sau ngày kết thúc")
                reported_waves.add(name)
                continue
            wave_names.add(name)
            wave_dates[name] = (start, end)
            org.waves.append(WaveRow(name, start, end))

    def person_ok(row: SheetRow, key: str, what: str) -> bool:
        count = person_keys.get(_person_key(key), 0)
        if count == 1:
            return True
        if count == 0:
            problems.add(row, f"{what} '{key}' không có trong danh sách people")
        else:
            problems.add(row, f"{what} '{key}' trùng tên với nhiều người, hãy ghi số điện thoại")
        return False

    for row in sheets.get("assignments", []):
        if row.text("wave") in reported_waves - wave_names:
            continue
        _check_assignment(row, org, problems, person_ok, communes, wave_names, wave_dates)
    for row in sheets.get("working_groups", []):
        name = row.text("name")
        leader = row.text("leader") or None
        members = split_list(row.text("members"))
        ok = bool(name)
        if not ok:
            problems.add(row, "thiếu tên tổ")
        group_communes = []
        for written in split_list(row.text("communes")):
            found = communes.code(row, written, "", problems)
            ok = found is not None and ok
            if found is not None:
                group_communes.append(found)
        if leader and not person_ok(row, leader, "tổ trưởng"):
            ok = False
        for member in members:
            ok = person_ok(row, member, "thành viên") and ok
        if ok:
            org.working_groups.append(
                WorkingGroupRow(
                    name, _ref(leader), tuple(_ref(m) for m in members), tuple(group_communes)
                )
            )
    for row in sheets.get("calendar", []):
        day = parse_day(row, "date", problems, required=True)
        kind = row.text("kind").lower()
        if kind not in ("off", "workday"):
            problems.add(row, f"cột kind phải là off hoặc workday, không phải '{row.text('kind')}'")
            continue
        if day:
            org.calendar.append(CalendarRow(day, kind, row.text("reason")))
    return org, problems.lines


def _within_limits(rows: list[SheetRow], problems: Problems) -> list[SheetRow]:
    """The rows whose cells fit their column's length limit; each other row is one problem."""
    kept = []
    for row in rows:
        too_long = [
            f"cột {column} dài {len(row.text(column))} ký tự, tối đa {LIMITS[column]}"
            for column in row.values
            if column in LIMITS and len(row.text(column)) > LIMITS[column]
        ]
        if too_long:
            problems.add(row, "; ".join(too_long))
        else:
            kept.append(row)
    return kept


def _check_people(
    rows: list[SheetRow],
    division_codes: set[str],
    problems: Problems,
    org: OrgData,
    person_keys: dict[str, int],
    communes: CommuneNames,
) -> None:
    seen_phones: dict[str, int] = {}
    for row in rows:
        full_name = " ".join(row.text("full_name").split())
        role = row.text("role").lower()
        division = row.text("division").upper() or None
        raw_phone = row.text("phone")
        phone = normalize_phone(raw_phone) if raw_phone else None
        supervises = split_list(row.text("supervises"))
        commune = row.text("commune") or None
        gender = row.text("gender")
        address_form = ADDRESS_FORMS.get(fold(gender)) if gender else None
        bad = False
        if commune and role != "commune_official":
            problems.add(row, "cột commune chỉ ghi cho đầu mối xã (commune_official)")
            bad = True
        elif commune:
            commune = communes.code(row, commune, " ở cột commune", problems)
            bad = commune is None
        if gender and address_form is None:
            # Reported, but the person still counts, so their other rows are not reported too.
            problems.add(row, f"cột gender phải là nam/nữ hoặc anh/chị, không phải '{gender}'")
        if not full_name:
            problems.add(row, "thiếu họ tên (full_name)")
            bad = True
        if role not in ROLES:
            problems.add(row, f"vai trò '{row.text('role')}' không hợp lệ ({', '.join(ROLES)})")
            bad = True
        if division and division not in division_codes:
            problems.add(row, f"phòng '{division}' không có trong danh sách divisions")
            bad = True
        if raw_phone and phone is None:
            problems.add(row, f"số điện thoại '{raw_phone}' không hợp lệ")
            bad = True
        if phone and phone in seen_phones:
            problems.add(row, f"số điện thoại {phone} trùng với dòng {seen_phones[phone]}")
            bad = True
        supervises_all = any(s.lower() == "all" for s in supervises)
        codes = tuple(s.upper() for s in supervises if s.lower() != "all")
        for code in codes:
            if code not in division_codes:
                problems.add(row, f"phòng '{code}' ở cột supervises không có trong divisions")
                bad = True
        if bad:
            continue
        if phone:
            seen_phones[phone] = row.number
        org.people.append(
            PersonRow(
                full_name, role, division, phone, codes, supervises_all, commune, address_form
            )
        )
    # A person named in a later sheet may match a stored person or one from this sheet.
    stored_names = dict(person_keys)
    for person in org.people:
        name_key = person.full_name.lower()
        already = stored_names.get(name_key, 0) > 0 or (
            person.phone is not None and stored_names.get(person.phone, 0) > 0
        )
        if not already:
            person_keys[name_key] = person_keys.get(name_key, 0) + 1
        if person.phone and not stored_names.get(person.phone):
            person_keys[person.phone] = 1


def _check_assignment(
    row: SheetRow,
    org: OrgData,
    problems: Problems,
    person_ok: Callable[[SheetRow, str, str], bool],
    communes: CommuneNames,
    wave_names: set[str],
    wave_dates: dict[str, tuple[date, date]],
) -> None:
    person = row.text("person")
    commune = communes.code(row, row.text("commune"), "", problems)
    wave = row.text("wave")
    ok = bool(person)
    if not ok:
        problems.add(row, "thiếu người (person)")
    if person and not person_ok(row, person, "người"):
        ok = False
    if commune is None:
        ok = False
    if wave not in wave_names:
        problems.add(row, f"đợt '{wave}' không có trong danh sách waves")
        ok = False
    start = parse_day(row, "start", problems, required=False)
    end = parse_day(row, "end", problems, required=False)
    if not ok or commune is None:
        return
    if wave in wave_dates:
        start = start or wave_dates[wave][0]
        end = end or wave_dates[wave][1]
    if start is None or end is None:
        problems.add(row, "cần ghi ngày bắt đầu và kết thúc (đợt đã có sẵn trong dữ liệu)")
        return
    if start > end:
        problems.add(row, "ngày bắt đầu sau ngày kết thúc")
        return
    org.assignments.append(AssignmentRow(_ref(person), commune, wave, start, end))


def _person_key(key: str) -> str:
    phone = normalize_phone(key)
    return phone if phone else " ".join(key.split()).lower()


def _ref(key: str | None) -> str:
    """A person reference as storage resolves it: normalised phone, or the name as written."""
    if key is None:
        return ""
    phone = normalize_phone(key)
    return phone if phone else " ".join(key.split())
