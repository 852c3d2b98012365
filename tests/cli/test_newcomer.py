"""A newcomer who wants to keep data: the real command line, as a separate process."""

from __future__ import annotations

import os
import pty
import select
import sqlite3
import subprocess
import sys
import termios
import time
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from bot.export.org import export_org
from bot.orgservice import ImportRejected, create_invite, import_org
from handlers.core.turn import HandlerConfig
from handlers.reminders.due import FIRST, reminder_message
from handlers.router import Router
from storage import Database
from storage.reminders import officials_without_entry_on
from tests.chat import ZONE, Chat, local
from tests.helpers.cli import OrgBook, bietphai_process, clean_env, main_in, query
from tests.helpers.sample import AN, LAN, LONG, SAMPLE_XLSX

NOW = local("2026-11-01 08:00")


def test_run_without_a_token_says_first_that_the_database_is_temporary(tmp_path: Path) -> None:
    code, out, err = bietphai_process(tmp_path, "run")
    assert code == 0, err
    first = "\n".join(out.splitlines()[:6])
    assert "TẠM" in first and "mất khi thoát" in first
    assert "bietphai import-org examples/org-sample.xlsx" in first
    assert 'bietphai chat --as "Nguyễn Văn An"' in first
    assert "Đang chat với tư cách:" in out and "Ctrl+D" in out
    # The newcomer's screen is the chat in Vietnamese: no operator log line (the demo keeps its
    # secret key in memory, so there is no "created the secret key file" to tell either).
    assert err == ""


def test_the_console_shows_no_operator_log_line_even_at_info(tmp_path: Path) -> None:
    db = tmp_path / "keep.sqlite3"
    assert main_in(tmp_path, db, "import-org", str(SAMPLE_XLSX)) == 0
    for command in (["run"], ["chat", "--as", AN]):
        code, out, err = bietphai_process(
            tmp_path, *command, stdin="/trogiup\n", db=db, env={"BOT_LOG_LEVEL": "INFO"}
        )
        assert code == 0, err
        assert "Đang chat với tư cách:" in out
        assert err == "", command


def test_chat_as_says_who_you_are_and_how_to_quit(tmp_path: Path) -> None:
    db = tmp_path / "keep.sqlite3"
    assert main_in(tmp_path, db, "import-org", str(SAMPLE_XLSX)) == 0
    code, out, err = bietphai_process(tmp_path, "chat", "--as", "0900000001", db=db)
    assert code == 0, err
    assert "Đang chat với tư cách: Nguyễn Văn An (cán bộ biệt phái, 0900000001)" in out
    assert "Ctrl+D" in out and "để thoát" in out


@pytest.mark.parametrize("command", [["chat", "--as", AN], ["digest"]])
def test_an_empty_database_says_to_import_the_organisation_first(
    tmp_path: Path, command: list[str]
) -> None:
    code, _, err = bietphai_process(tmp_path, *command, db=tmp_path / "new.sqlite3")
    assert code == 1
    assert "chưa có ai" in err and "bietphai import-org" in err, err
    assert "--supervisor" not in err
    assert "Traceback" not in err


def _drain(fd: int, until: bytes, seen: bytearray, timeout: float = 30.0) -> None:
    """Read the terminal's output until `until` has appeared (or fail after `timeout`)."""
    deadline = time.monotonic() + timeout
    while until not in seen:
        left = deadline - time.monotonic()
        assert left > 0, f"no {until!r} in {bytes(seen[-500:])!r}"
        ready, _, _ = select.select([fd], [], [], left)
        if ready:
            try:
                seen += os.read(fd, 65536)
            except OSError:
                return


def _wait_for_readline(fd: int, timeout: float = 30.0) -> None:
    """Wait until readline reads the terminal: it turns line mode off while it waits for a line.

    Text typed before that goes through the terminal's line mode, which keeps 4,095 characters.
    """
    deadline = time.monotonic() + timeout
    while termios.tcgetattr(fd)[3] & termios.ICANON:
        assert time.monotonic() < deadline, "the console never started reading with readline"
        time.sleep(0.01)


def test_a_pasted_text_longer_than_the_terminal_line_is_kept_whole(tmp_path: Path) -> None:
    today = datetime.now(ZONE).date()
    book = OrgBook.sample()
    book.set("waves", 3, start=today - timedelta(days=30), end=today + timedelta(days=30))
    book.set("assignments", 10, start=today - timedelta(days=30), end=today + timedelta(days=30))
    db = tmp_path / "keep.sqlite3"
    assert main_in(tmp_path, db, "import-org", str(book.save(tmp_path / "org.xlsx"))) == 0
    long_text = " ".join(f"Hướng dẫn hồ sơ số {n} cho UBND xã." for n in range(250))
    assert len(long_text) > 6000
    leader, follower = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "chat", "--as", AN],
        stdin=follower,
        stdout=follower,
        stderr=follower,
        env=clean_env() | {"BOT_DB_PATH": str(db), "TERM": "dumb"},
        cwd=tmp_path,
    )
    os.close(follower)
    seen = bytearray()
    try:
        _drain(leader, "để thoát".encode(), seen)
        _wait_for_readline(leader)
        os.write(leader, long_text.encode() + b"\r")
        _drain(leader, "Lưu nội dung này".encode(), seen)
        _wait_for_readline(leader)
        os.write(leader, b"1\r")
        _drain(leader, "Đã ghi nhật ký".encode(), seen)
        _wait_for_readline(leader)
        os.write(leader, b"\x04")
        assert process.wait(timeout=30) == 0
    finally:
        if process.poll() is None:
            process.kill()
        os.close(leader)
    with sqlite3.connect(db) as raw:
        texts = [r[0] for r in raw.execute("SELECT text FROM work_logs")]
    assert texts == [long_text]


# --- The organisation workbook ---


async def test_a_gender_column_makes_the_greeting_say_anh_or_chi(
    db: Database, tmp_path: Path
) -> None:
    book = OrgBook.sample()
    book.sheets["people"][0].append("gender")
    for row in book.sheets["people"][1:]:
        row.append(None)
    lan = next(i for i, r in enumerate(book.sheets["people"]) if r[0] == LAN) + 1
    an = next(i for i, r in enumerate(book.sheets["people"]) if r[0] == AN) + 1
    book.set("people", lan, gender="Nữ")
    book.set("people", an, gender="anh")
    await import_org(db, book.save(tmp_path / "org.xlsx"), NOW)
    router = Router(db, HandlerConfig(zone=ZONE))
    chat = Chat(router, "501")
    invite = await create_invite(db, LAN, chat.clock, timedelta(days=7))
    assert "Chào chị Lan!" in await chat.say(f"/start {invite.code}")
    assert "Chào chị Lan!" in await chat.say("/start")
    chat = Chat(router, "502")
    invite = await create_invite(db, AN, chat.clock, timedelta(days=7))
    assert "Chào anh An!" in await chat.say(f"/start {invite.code}")
    # Unknown (empty) stays "anh/chị"; export-org writes the column back, re-import is a no-op.
    chat = Chat(router, "503")
    invite = await create_invite(db, LONG, chat.clock, timedelta(days=7))
    assert "Chào anh/chị Long!" in await chat.say(f"/start {invite.code}")
    # The reminder greets the same way.
    async with db.read() as tx:
        due = {f.full_name: f for f in await officials_without_entry_on(tx, date(2026, 11, 25))}
    reminder = reminder_message(due[LAN], date(2026, 11, 25), FIRST, "vi")
    assert reminder.text.startswith("Chào chị Lan, hôm nay (Thứ Tư, 25/11/2026)")
    reminder = reminder_message(due[LONG], date(2026, 11, 25), FIRST, "vi")
    assert reminder.text.startswith("Chào anh/chị Long, hôm nay")
    async with db.read() as tx:
        await export_org(tx, tmp_path / "back.xlsx")
    assert (await import_org(db, tmp_path / "back.xlsx", NOW)).changed_rows == 0


async def test_a_bad_gender_is_one_line_naming_the_accepted_values(
    db: Database, tmp_path: Path
) -> None:
    book = OrgBook.sample()
    book.sheets["people"][0].append("gender")
    for row in book.sheets["people"][1:]:
        row.append(None)
    book.set("people", 2, gender="ông")
    with pytest.raises(ImportRejected) as rejected:
        await import_org(db, book.save(tmp_path / "org.xlsx"), NOW)
    assert rejected.value.problems == [
        "people, dòng 2: cột gender phải là nam/nữ hoặc anh/chị, không phải 'ông'"
    ]


@pytest.mark.sqlite_only("reads the SQLite file directly (query)")
async def test_assignments_and_working_groups_may_name_a_commune(
    db: Database, tmp_path: Path
) -> None:
    book = OrgBook.sample()
    book.set("assignments", 2, commune="xã rừng lim")  # XA17, no capitals, with diacritics
    book.set("working_groups", 2, communes="Xa Hoa Vang Tay;XA02;Xã Đèo Gió")
    await import_org(db, book.save(tmp_path / "org.xlsx"), NOW)
    assert query(
        db.path,
        "SELECT a.commune_code FROM assignments a JOIN people p ON p.id = a.person_id "
        "WHERE p.full_name = ? ORDER BY a.start_date LIMIT 1",
        AN,
    ) == [("XA17",)]
    assert query(
        db.path,
        "SELECT commune_code FROM working_group_communes c JOIN working_groups g "
        "ON g.id = c.group_id WHERE g.name = 'Tổ công tác số 1' ORDER BY commune_code",
    ) == [("XA01",), ("XA02",), ("XA03",)]
    book.set("assignments", 2, commune="Xã Không Có")
    with pytest.raises(ImportRejected) as rejected:
        await import_org(db, book.save(tmp_path / "org.xlsx"), NOW)
    assert rejected.value.problems == [
        "assignments, dòng 2: xã 'Xã Không Có' không có trong danh sách communes"
    ]


async def test_one_bad_date_in_waves_is_one_error_line(db: Database, tmp_path: Path) -> None:
    book = OrgBook.sample()
    book.set("waves", 2, start="31/09/2026")
    with pytest.raises(ImportRejected) as rejected:
        await import_org(db, book.save(tmp_path / "org.xlsx"), NOW)
    assert rejected.value.problems == [
        "waves, dòng 2: ngày '31/09/2026' ở cột start không đúng dạng dd/mm/yyyy"
    ]


def test_the_console_saves_every_file_it_receives_and_says_where(tmp_path: Path) -> None:
    db = tmp_path / "keep.sqlite3"
    assert main_in(tmp_path, db, "import-org", str(SAMPLE_XLSX)) == 0
    code, out, err = bietphai_process(
        tmp_path,
        "chat",
        "--as",
        "Trương Văn Thành",
        stdin="/baocao tuan\n/xuat 01/11/2026 30/11/2026\n",
        db=db,
    )
    assert code == 0, err
    saved = [line.removeprefix("Đã lưu tệp: ") for line in out.splitlines() if "Đã lưu tệp" in line]
    folder = (tmp_path / "console-files").resolve()
    assert f"Tệp bot gửi (Excel, Word, biểu đồ) được lưu vào {folder}" in out
    assert len(saved) == 2, out
    chart, workbook = (Path(p) for p in saved)
    assert chart.parent == folder and chart.read_bytes().startswith(b"\x89PNG")
    assert workbook == folder / "bietphai-01-11-2026-30-11-2026.xlsx"
    assert workbook.read_bytes().startswith(b"PK")
