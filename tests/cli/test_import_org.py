"""Stories of an admin loading the organisation with `bietphai import-org`."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from bot.cli import main
from bot.orgbook import WorkbookError
from bot.orgservice import ImportRejected, create_invite, import_org
from storage import Database
from tests.chat import local
from tests.helpers.cli import OrgBook, query
from tests.helpers.sample import SAMPLE_CSV, SAMPLE_XLSX

NOW = local("2026-11-01 08:00")
# These stories check the result by reading the SQLite file itself (query, table_rows).
FILE_CHECKS = pytest.mark.sqlite_only("reads the SQLite file directly")
SAMPLE_COUNTS = {
    "divisions": 5,
    "communes": 19,
    "people": 21,
    "waves": 2,
    "assignments": 24,
    "working_groups": 3,
    "calendar_days": 2,
}


def table_rows(
    path: Path, *, without: tuple[str, ...] = ("audit_log", "schema_migrations")
) -> dict[str, list[str]]:
    """Every row of every table of a database file, sorted, to compare two states."""
    with sqlite3.connect(path) as raw:
        tables = [
            r[0]
            for r in raw.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
            if r[0] not in without
        ]
        return {t: sorted(repr(r) for r in raw.execute(f"SELECT * FROM {t}")) for t in tables}


@pytest.fixture
def db_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """BOT_DB_PATH for the command line, in a clean folder without a .env file."""
    path = tmp_path / "bietphai.sqlite3"
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("BOT_DB_PATH", str(path))
    return path


# --- The sample organisation ---


@FILE_CHECKS
async def test_the_sample_workbook_imports_the_whole_organisation(db: Database) -> None:
    result = await import_org(db, SAMPLE_XLSX, NOW)
    assert result.counts == SAMPLE_COUNTS
    assert result.changed_rows > 0
    assert query(
        db.path,
        "SELECT c.name, a.start_date, a.end_date FROM assignments a "
        "JOIN people p ON p.id = a.person_id JOIN communes c ON c.code = a.commune_code "
        "WHERE p.full_name = 'Nguyễn Văn An' ORDER BY a.start_date",
    ) == [
        # Đợt 1 has no dates in the row, so the wave's dates apply.
        ("Xã Rừng Lim", "2026-09-15", "2026-10-31"),
        ("Xã Hòa Vang Tây", "2026-11-02", "2026-12-25"),
    ]
    assert query(
        db.path,
        "SELECT p.full_name, p.supervises_all, group_concat(s.division_code, ';') "
        "FROM people p LEFT JOIN (SELECT * FROM supervised_divisions ORDER BY division_code) s "
        "ON s.person_id = p.id WHERE p.role = 'supervisor' GROUP BY p.id ORDER BY p.id",
    ) == [
        ("Trương Văn Thành", 1, None),
        ("Cao Thị Thu", 0, "CCVC;XDCQ"),
        ("Hồ Văn Tâm", 0, "CCHC;TCBC;VTLT"),
    ]
    assert query(db.path, "SELECT name, border FROM communes WHERE code IN ('XA01', 'XA08')") == [
        ("Xã Hòa Vang Tây", 0),
        ("Xã Pa Lang", 1),
    ]
    assert query(db.path, "SELECT day, kind FROM calendar_days ORDER BY day") == [
        ("2026-12-26", "workday"),
        ("2026-12-31", "off"),
    ]


@FILE_CHECKS
async def test_importing_the_same_workbook_twice_changes_nothing(db: Database) -> None:
    first = await import_org(db, SAMPLE_XLSX, NOW)
    before = table_rows(db.path)
    second = await import_org(db, SAMPLE_XLSX, NOW + timedelta(days=3))
    assert second.changed_rows == 0
    assert second.counts == SAMPLE_COUNTS
    assert table_rows(db.path) == before
    # Only the audit trail grows: one line per import, with how many rows it changed.
    assert query(db.path, "SELECT action, detail FROM audit_log ORDER BY id") == [
        ("import_org", str(first.changed_rows)),
        ("import_org", "0"),
    ]


@FILE_CHECKS
async def test_the_csv_folder_gives_the_same_organisation_as_the_workbook(
    db: Database, tmp_path: Path
) -> None:
    await import_org(db, SAMPLE_XLSX, NOW)
    async with Database(tmp_path / "from-csv.sqlite3") as from_csv:
        result = await import_org(from_csv, SAMPLE_CSV, NOW)
    assert result.counts == SAMPLE_COUNTS
    assert table_rows(tmp_path / "from-csv.sqlite3") == table_rows(db.path)
    # And the CSV files on top of the workbook change nothing.
    assert (await import_org(db, SAMPLE_CSV, NOW)).changed_rows == 0


def test_the_command_line_reports_the_counts_then_no_change(
    db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["import-org", str(SAMPLE_XLSX)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Đã nhập org-sample.xlsx: ")
    assert "5 phòng, 19 xã, 21 người, 2 đợt, 24 phân công, 3 tổ công tác, 2 ngày lịch riêng" in out
    assert main(["import-org", str(SAMPLE_CSV)]) == 0
    assert capsys.readouterr().out.rstrip().endswith("không có thay đổi.")


# --- A workbook with mistakes ---


@FILE_CHECKS
async def test_a_workbook_with_bad_rows_is_rejected_and_every_row_reported(
    db: Database, tmp_path: Path
) -> None:
    await import_org(db, SAMPLE_XLSX, NOW)  # last month's organisation is in place
    before = table_rows(db.path, without=())
    book = OrgBook.sample()
    book.set("people", 20, role="quản trị")  # Lâm Thị Uyên
    book.set("people", 21, division="PHONGX")  # Đinh Văn Xuân
    book.set("people", 22, phone="0900000001")  # Triệu Thị Yến given An's phone
    book.set("assignments", 3, start="15/13/2026")  # Trần Thị Bình
    book.set("assignments", 5, start="31/10/2026", end="15/09/2026")  # Đặng Quốc Huy
    book.set("assignments", 6, commune="XA99")  # Ngô Thị Mai
    stranger = book.append(
        "assignments", person="Nguyễn Văn Không Có", commune="XA01", wave="Đợt 2"
    )

    with pytest.raises(ImportRejected) as rejected:
        await import_org(db, book.save(tmp_path / "org-sửa.xlsx"), NOW)

    expected = {
        "people, dòng 20": "vai trò 'quản trị' không hợp lệ",
        "people, dòng 21": "phòng 'PHONGX' không có",
        "people, dòng 22": "số điện thoại 0900000001 trùng với dòng 2",
        "assignments, dòng 3": "ngày '15/13/2026' ở cột start không đúng dạng dd/mm/yyyy",
        "assignments, dòng 5": "ngày bắt đầu sau ngày kết thúc",
        "assignments, dòng 6": "xã 'XA99' không có",
        f"assignments, dòng {stranger}": "người 'Nguyễn Văn Không Có' không có",
    }
    problems = rejected.value.problems
    assert [line.split(":")[0] for line in problems] == list(expected)
    for line, (where, what) in zip(problems, expected.items(), strict=True):
        assert line.startswith(f"{where}: ") and what in line, line
    assert table_rows(db.path, without=()) == before


def test_the_command_line_lists_every_bad_row_and_imports_nothing(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    book = OrgBook.sample()
    book.set("people", 5, role="chuyên viên")
    book.set("waves", 3, start="02/11/2026", end="25/13/2026")
    book.set("communes", 9, code=None)
    assert main(["import-org", str(book.save(tmp_path / "org.xlsx"))]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    lines = err.splitlines()
    assert lines[0] == f"Không nhập gì: tệp có {len(lines) - 1} lỗi."
    assert "  - communes, dòng 9: cần đủ mã (code) và tên (name)" in lines
    assert any(line.startswith("  - people, dòng 5: vai trò 'chuyên viên'") for line in lines)
    assert any(line.startswith("  - waves, dòng 3: ngày '25/13/2026'") for line in lines)
    assert "Traceback" not in err
    assert query(db_path, "SELECT count(*) FROM people") == [(0,)]


@FILE_CHECKS
async def test_a_workbook_without_a_required_sheet_is_rejected(
    db: Database, tmp_path: Path
) -> None:
    book = OrgBook.sample()
    del book.sheets["waves"]
    with pytest.raises(ImportRejected) as rejected:
        await import_org(db, book.save(tmp_path / "org.xlsx"), NOW)
    assert rejected.value.problems[0] == "waves: thiếu trang (sheet) này"
    assert query(db.path, "SELECT count(*) FROM people") == [(0,)]


async def test_optional_sheets_may_be_left_out(db: Database, tmp_path: Path) -> None:
    book = OrgBook.sample()
    del book.sheets["working_groups"], book.sheets["calendar"]
    result = await import_org(db, book.save(tmp_path / "org.xlsx"), NOW)
    assert result.counts == SAMPLE_COUNTS | {"working_groups": 0, "calendar_days": 0}


async def test_a_missing_header_column_names_the_sheet_and_the_column(
    db: Database, tmp_path: Path
) -> None:
    book = OrgBook.sample()
    book.drop_column("people", "phone")
    with pytest.raises(WorkbookError, match=r"^people: thiếu cột phone"):
        await import_org(db, book.save(tmp_path / "org.xlsx"), NOW)


def damaged_copies(folder: Path) -> dict[str, Path]:
    """A few ways an .xlsx arrives broken: not a workbook, cut short, or damaged inside."""
    sample = SAMPLE_XLSX.read_bytes()
    inside = bytearray(sample)
    inside[3000:3200] = b"\x55" * 200  # the zip directory survives, a sheet does not
    files = {
        "garbage.xlsx": b"\x00\x13 not a workbook",
        "truncated.xlsx": sample[: len(sample) // 2],
        "damaged.xlsx": bytes(inside),
    }
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return {name: folder / name for name in files}


@pytest.mark.parametrize("name", ["garbage.xlsx", "truncated.xlsx", "damaged.xlsx"])
def test_a_broken_xlsx_gets_one_clear_line_and_exit_1(
    name: str, db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = damaged_copies(tmp_path)[name]
    assert main(["import-org", str(broken)]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err.count("\n") == 1, err
    assert err.startswith(f"Lỗi: tệp .xlsx bị hỏng hoặc không đọc được: {broken}")
    assert "Traceback" not in err


def test_a_file_that_does_not_exist_gets_one_clear_line(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "to-chuc-2026.xlsx"
    assert main(["import-org", str(missing)]) == 1
    out, err = capsys.readouterr()
    assert (out, err) == ("", f"Lỗi: không tìm thấy tệp: {missing}\n")


def test_a_missing_column_on_the_command_line_is_one_line(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    book = OrgBook.sample()
    book.drop_column("assignments", "wave")
    assert main(["import-org", str(book.save(tmp_path / "org.xlsx"))]) == 1
    assert capsys.readouterr().err == "Lỗi: assignments: thiếu cột wave (dòng 1)\n"


# --- Cells as Excel writes them ---


@FILE_CHECKS
async def test_a_phone_typed_as_a_number_keeps_its_leading_zero(
    db: Database, tmp_path: Path
) -> None:
    book = OrgBook.sample()
    book.set("people", 2, phone=900000001)  # Excel drops the 0 of 0900000001
    book.set("people", 3, phone=900000002.0)
    await import_org(db, book.save(tmp_path / "org.xlsx"), NOW)
    assert query(db.path, "SELECT full_name, phone FROM people WHERE id <= 2 ORDER BY id") == [
        ("Nguyễn Văn An", "0900000001"),
        ("Trần Thị Bình", "0900000002"),
    ]
    invite = await create_invite(db, "0900000001", NOW, timedelta(days=7))
    assert invite.person.full_name == "Nguyễn Văn An"


@FILE_CHECKS
async def test_an_assignment_may_name_the_person_by_phone(db: Database, tmp_path: Path) -> None:
    book = OrgBook.sample()
    book.set("assignments", 10, person=900000001)  # An's Đợt 2 row, phone typed as a number
    book.set("assignments", 24, person="+84 90 000 0014")  # Vũ Thị Quỳnh
    await import_org(db, book.save(tmp_path / "org.xlsx"), NOW)
    by_person = "SELECT a.commune_code FROM assignments a JOIN people p ON p.id = a.person_id "
    by_person += "WHERE p.full_name = ? ORDER BY a.commune_code"
    assert query(db.path, by_person, "Nguyễn Văn An") == [("XA01",), ("XA17",)]
    assert query(db.path, by_person, "Vũ Thị Quỳnh") == [("XA12",), ("XA14",)]
    # The sample itself names Lê Hoàng Cường and Lý Thị Oanh by phone only.
    assert query(db.path, by_person, "Lê Hoàng Cường") == [("XA03",)]
    assert query(db.path, by_person, "Lý Thị Oanh") == [("XA12",)]


@FILE_CHECKS
async def test_dates_may_be_real_excel_dates_or_text(db: Database, tmp_path: Path) -> None:
    book = OrgBook.sample()
    book.set("waves", 2, start=datetime(2026, 9, 15), end="31/10/2026")
    book.set("waves", 3, start=date(2026, 11, 2), end="2026-12-25")
    book.set("assignments", 3, start=datetime(2026, 9, 16), end="30/10/2026")
    book.set("calendar", 2, date=datetime(2026, 12, 26))
    await import_org(db, book.save(tmp_path / "org.xlsx"), NOW)
    assert query(db.path, "SELECT name, start_date, end_date FROM waves ORDER BY id") == [
        ("Đợt 1", "2026-09-15", "2026-10-31"),
        ("Đợt 2", "2026-11-02", "2026-12-25"),
    ]
    assert query(
        db.path,
        "SELECT a.start_date, a.end_date FROM assignments a JOIN people p ON p.id = a.person_id "
        "WHERE p.full_name = 'Trần Thị Bình' AND a.commune_code = 'XA03'",
    ) == [("2026-09-16", "2026-10-30")]
    assert query(db.path, "SELECT day FROM calendar_days ORDER BY day") == [
        ("2026-12-26",),
        ("2026-12-31",),
    ]
    # The same organisation with text dates changes nothing but Bình's own dates.
    assert (await import_org(db, SAMPLE_CSV, NOW)).changed_rows == 1
