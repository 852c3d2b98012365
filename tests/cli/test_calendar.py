"""Stories of an admin keeping the working calendar: `bietphai calendar …` (add, remove, list)."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path

import pytest

from bot.app import handler_config
from bot.cli import main
from bot.settings import Settings
from handlers.router import Router
from storage import Database, calendar
from tests.chat import Chat
from tests.helpers.cli import OPERATOR_SETTINGS, bietphai, commands, invite_code
from tests.helpers.sample import AN, SAMPLE_XLSX
from tests.helpers.storage import OpenDatabase


@pytest.fixture
def db_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An operator's shell with BOT_DB_PATH set and the sample organisation imported."""
    for name in list(os.environ):
        if name.startswith(OPERATOR_SETTINGS):
            monkeypatch.delenv(name)
    path = tmp_path / "bietphai.sqlite3"
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("BOT_DB_PATH", str(path))
    assert main(["import-org", str(SAMPLE_XLSX)]) == 0
    return path


def declared(path: Path) -> list[tuple[str, str, str]]:
    """(day, kind, reason) of every declared day."""
    with sqlite3.connect(path) as raw:
        return raw.execute("SELECT day, kind, reason FROM calendar_days ORDER BY day").fetchall()


def audited(path: Path) -> list[tuple[str, str, str, str]]:
    """(actor, action, subject, detail) of the calendar lines of the audit trail."""
    with sqlite3.connect(path) as raw:
        return raw.execute(
            "SELECT actor, action, subject, detail FROM audit_log "
            "WHERE action LIKE 'calendar%' ORDER BY id"
        ).fetchall()


def test_admin_declares_a_day_off_and_a_make_up_working_day(
    db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert main(["calendar", "add-off", "02/12/2026", "--reason", "Nghỉ theo QĐ 123/QĐ-UBND"]) == 0
    out = capsys.readouterr().out
    assert out == ("Đã khai báo Thứ Tư, 02/12/2026 là ngày nghỉ (Nghỉ theo QĐ 123/QĐ-UBND).\n")
    assert main(["calendar", "add-workday", "2026-12-05"]) == 0
    assert capsys.readouterr().out == "Đã khai báo Thứ Bảy, 05/12/2026 là ngày làm việc.\n"
    assert ("2026-12-02", "off", "Nghỉ theo QĐ 123/QĐ-UBND") in declared(db_path)
    assert ("2026-12-05", "workday", "") in declared(db_path)
    assert audited(db_path) == [
        ("cli", "calendar_add_off", "2026-12-02", "Nghỉ theo QĐ 123/QĐ-UBND"),
        ("cli", "calendar_add_workday", "2026-12-05", ""),
    ]


def test_changing_a_declared_day_says_what_it_was_and_what_is_usual(
    db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    # The sample declares 26/12/2026 (a Saturday) a make-up working day.
    assert main(["calendar", "add-off", "26/12/2026"]) == 0
    out = capsys.readouterr().out
    assert "Trước đó ngày này được khai báo là ngày làm việc." in out
    assert "Lưu ý: theo lịch chung ngày này vốn là ngày nghỉ." in out
    assert ("2026-12-26", "off", "") in declared(db_path)


def test_admin_removes_a_declared_day(db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert main(["calendar", "remove", "31/12/2026"]) == 0
    assert "theo lịch chung trở lại" in capsys.readouterr().out
    assert [d for d, _, _ in declared(db_path)] == ["2026-12-26"]
    assert audited(db_path)[-1][:3] == ("cli", "calendar_remove", "2026-12-31")
    assert main(["calendar", "remove", "31/12/2026"]) == 1
    assert capsys.readouterr().err == (
        "Lỗi: ngày 31/12/2026 chưa được khai báo, không có gì để bỏ\n"
    )


def test_the_list_shows_holidays_by_their_vietnamese_names_and_marks_admin_days(
    db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert main(["calendar", "list", "--year", "2026"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("Lịch năm 2026 (dấu * là ngày quản trị viên khai báo")
    assert "  Thứ Năm, 01/01/2026" in lines[1] and "Tết Dương lịch" in lines[1]
    assert any("17/02/2026" in line and "Tết Nguyên Đán" in line for line in lines)
    assert any("02/09/2026" in line and "Quốc khánh" in line for line in lines)
    assert any(line.startswith("  Thứ Bảy, 22/08/2026") and "làm bù" in line for line in lines)
    admin = [line for line in lines if line.startswith("*")]
    assert admin == [
        "* Thứ Bảy, 26/12/2026    làm việc  Làm bù",
        "* Thứ Năm, 31/12/2026    nghỉ      Nghỉ bù theo quyết định của UBND thành phố",
    ]
    assert lines[-1] == "15 ngày theo lịch chung, 2 ngày khai báo."
    # Days are in date order.
    days = [line[2:].split(",")[1].split()[0] for line in lines[1:-1]]
    assert days == sorted(days, key=lambda d: (d[6:], d[3:5], d[:2]))


def test_the_list_of_another_year_has_that_years_tet(
    db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert main(["calendar", "list", "--year", "2027"]) == 0
    out = capsys.readouterr().out
    assert "06/02/2027" in out and "Tết Nguyên Đán" in out
    assert "*" not in out.split("\n", 1)[1]
    assert out.rstrip().endswith(", 0 ngày khai báo.")


@pytest.mark.parametrize(
    ("command", "error"),
    [
        (
            ["add-off", "31/02/2026"],
            "Lỗi: ngày '31/02/2026' không hợp lệ, hãy ghi dd/mm/yyyy (ví dụ 31/12/2026) "
            "hoặc yyyy-mm-dd\n",
        ),
        (
            ["add-workday", "mai"],
            "Lỗi: ngày 'mai' không hợp lệ, hãy ghi dd/mm/yyyy (ví dụ 31/12/2026) hoặc yyyy-mm-dd\n",
        ),
        (["list", "--year", "hai nghìn"], "Lỗi: năm 'hai nghìn' không hợp lệ, ví dụ --year 2026\n"),
    ],
    ids=["31-02", "a-word", "bad-year"],
)
def test_a_bad_date_is_one_line_and_exit_1(
    command: list[str], error: str, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = declared(db_path)
    capsys.readouterr()
    assert main(["calendar", *command]) == 1
    out, err = capsys.readouterr()
    assert out == "" and err == error
    assert declared(db_path) == before
    assert audited(db_path) == []


def test_every_calendar_action_explains_itself_in_vietnamese(
    capsys: pytest.CaptureFixture[str],
) -> None:
    for action in ("add-off", "add-workday", "remove", "list"):
        with pytest.raises(SystemExit) as exit_:
            main(["calendar", action, "--help"])
        assert exit_.value.code == 0
        out = capsys.readouterr().out
        assert out.startswith(f"cách dùng: bietphai calendar {action}")
    assert "ngày làm bù" in (commands()["calendar"].description or "")


async def test_a_day_off_declared_by_the_admin_shortens_a_leave(
    db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert await bietphai("calendar", "add-off", "02/12/2026") == 0
    assert await bietphai("invite", AN) == 0
    code = invite_code(capsys.readouterr().out)
    async with Database(db_path) as database:
        # The router as `bietphai run` builds it: the same secret key as `bietphai invite`.
        an = Chat(Router(database, handler_config(Settings())), "8001")
        await an.say(f"/start {code}")
        reply = await an.say("/nghi 01/12 03/12 Việc gia đình")
    assert "(2 ngày làm việc)" in reply


class CalendarStorageContract:
    """What every storage backend promises about declared days."""

    @pytest.fixture
    def open_database(self, tmp_path: Path) -> OpenDatabase:
        """Open a new Database object on the backend's store."""
        raise NotImplementedError

    @pytest.fixture
    async def database(self, open_database: OpenDatabase) -> AsyncIterator[Database]:
        """The open database under test."""
        database = await open_database()
        yield database
        await database.close()

    async def test_a_declared_day_is_replaced_and_removed(self, database: Database) -> None:
        async with database.transaction() as tx:
            assert await calendar.add_declared_day(tx, date(2026, 12, 2), "off", "QĐ 1") is None
            previous = await calendar.add_declared_day(tx, date(2026, 12, 2), "workday", "QĐ 2")
            assert previous is not None and (previous.kind, previous.reason) == ("off", "QĐ 1")
        async with database.read() as tx:
            assert await calendar.declared_days(tx) == [(date(2026, 12, 2), "workday")]
            [day] = await calendar.declared_days_in(tx, date(2026, 1, 1), date(2026, 12, 31))
            assert day.reason == "QĐ 2"
            assert await calendar.declared_days_in(tx, date(2027, 1, 1), date(2027, 12, 31)) == []
        async with database.transaction() as tx:
            assert await calendar.remove_declared_day(tx, date(2026, 12, 2)) is not None
            assert await calendar.remove_declared_day(tx, date(2026, 12, 2)) is None
            with pytest.raises(ValueError):
                await calendar.add_declared_day(tx, date(2026, 12, 3), "holiday", "")


class TestSQLiteCalendarStorage(CalendarStorageContract):
    """Declared days in the SQLite file backend."""

    @pytest.fixture
    def open_database(self, tmp_path: Path) -> OpenDatabase:
        """A SQLite file in the test's folder."""
        return Database(tmp_path / "bietphai.sqlite3").open
