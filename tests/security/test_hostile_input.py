"""Attack: input built to hide, to mislead or to tie the importer up.

Through the real Telegram stack: a message of zero-width characters is not offered as an entry,
and right-to-left overrides are removed from texts and names before they are stored. Through the
real command line on real files: a workbook claiming a cell at XFD1048576 is refused at once, a
100,000-character name is refused by row, and a file that is not a workbook gets a Vietnamese line.
"""

from __future__ import annotations

import csv
import io
import time
import zipfile
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from openpyxl import load_workbook

from bot.cli import main
from bot.orgbook import MAX_ROWS
from handlers.core.textclean import clean_text, is_blank
from handlers.router import Router
from storage import Database
from testing.fakes.telegram_api import FakeTelegramAPI
from tests.helpers.cli import OrgBook, query
from tests.helpers.sample import AN
from tests.helpers.telegram import Official, PollingBot, entries_of, invite_code, linked_official

DAY = "2026-11-25 09:00"
INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u3164 \u2800\u00ad"
RLO = "\u202e"


@pytest.fixture
async def bot(router: Router) -> AsyncIterator[PollingBot]:
    """The running bot on the fake Bot API, on the sample organisation."""
    async with FakeTelegramAPI() as fake:
        running = PollingBot(fake, router)
        await running.start()
        yield running
        await running.stop()


async def test_invisible_text_is_not_offered_as_an_entry(bot: PollingBot, org_db: Database) -> None:
    an = await linked_official(bot, org_db, AN, 7101, "An")
    for text in ["\u200b", INVISIBLE, f"hôm qua {INVISIBLE}"]:
        [answer] = await an.says(text, at=DAY)
        assert not answer.text.startswith("Lưu nội dung này"), answer.text
        assert answer.buttons == []
    [topics] = [m for m in await an.says("/nhatky", at=DAY) if m.buttons]
    await an.presses("Khác", topics)
    [again] = await an.says(INVISIBLE, at=DAY)
    assert "Đã ghi" not in again.text
    assert await entries_of(org_db, AN) == []


async def test_bidi_overrides_are_removed_from_texts_and_names(
    bot: PollingBot, org_db: Database
) -> None:
    # "Họp ‮gnáhc‬" would display as "Họp cháng"; the stored text is what was typed, no controls.
    an = Official(bot, 7102, f"An{RLO}nimdA")
    [greeting] = await an.says(f"/start {await invite_code(org_db, AN)}")
    assert greeting.text.startswith("Chào anh/chị An!") and RLO not in greeting.text
    [offer] = await an.says(f"Họp {RLO}gnáhc\u202c với \u2067UBND\u2069", at=DAY)
    assert RLO not in offer.text
    await an.presses("Lưu", offer)
    [entry] = await entries_of(org_db, AN)
    assert entry.text == "Họp gnáhc với UBND"
    [(name,)] = query(
        Path(org_db.path), "SELECT display_name FROM channel_identities WHERE user_id = '7102'"
    )
    assert name == "AnnimdA"


def test_every_bidi_control_and_xml_control_is_cleaned() -> None:
    controls = "".join(chr(c) for c in [*range(0x202A, 0x202F), *range(0x2066, 0x206A)])
    assert clean_text(f"a{controls}b") == "ab"
    assert clean_text("dòng một\x0bdòng hai\x00\x1f") == "dòng một\ndòng hai"
    assert clean_text("Ho\u0323p") == "Họp"  # NFC
    assert is_blank(INVISIBLE) and not is_blank("👍\u200d")
    assert clean_text(INVISIBLE) == ""


# --- import-org ---


@pytest.fixture
def db_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """BOT_DB_PATH for the command line, in a clean folder without a .env file."""
    path = tmp_path / "bietphai.sqlite3"
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("BOT_DB_PATH", str(path))
    return path


def one_line_error(capsys: pytest.CaptureFixture[str]) -> str:
    """The single stderr line of a refused command, after checking it is one line."""
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1 and "Traceback" not in err, err
    return err


def with_far_cell(path: Path) -> Path:
    """The sample workbook with one cell at XFD1048576 in the people sheet."""
    book = load_workbook(path)
    book["people"]["XFD1048576"] = "x"
    book.save(path)
    return path


def test_a_sheet_claiming_a_cell_at_xfd1048576_is_refused_at_once(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = with_far_cell(OrgBook.sample().save(tmp_path / "org.xlsx"))
    started = time.monotonic()
    assert main(["import-org", str(path)]) == 1
    assert time.monotonic() - started < 10
    err = one_line_error(capsys)
    assert err.startswith("Lỗi: people, dòng 1048576: trang có 1048576 dòng × 16384 cột")


def test_a_sheet_whose_stated_size_lies_is_still_bounded(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = with_far_cell(OrgBook.sample().save(tmp_path / "org.xlsx"))
    lying = tmp_path / "lying.xlsx"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(lying, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            target.writestr(item, data.replace(b'ref="A1:XFD1048576"', b'ref="A1:E20"'))
    started = time.monotonic()
    assert main(["import-org", str(lying)]) == 1
    assert time.monotonic() - started < 20
    assert f"people, dòng {MAX_ROWS + 1}: " in one_line_error(capsys)


def test_names_and_fields_over_their_limit_are_refused_by_row(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    book = OrgBook.sample()
    row = book.append("people", full_name="A" * 100_000, role="official", division="XDCQ")
    code_row = book.append("divisions", code="X" * 40, name="Phòng thử")
    assert main(["import-org", str(book.save(tmp_path / "org.xlsx"))]) == 1
    out, err = capsys.readouterr()
    # An .xlsx cell holds at most 32,767 characters; a CSV file has no limit.
    assert f"people, dòng {row}: cột full_name dài 32767 ký tự, tối đa 200" in err
    assert f"divisions, dòng {code_row}: cột code dài 40 ký tự, tối đa 32" in err
    assert "A" * 300 not in err + out
    folder = tmp_path / "org-csv"
    folder.mkdir()
    for name, rows in book.sheets.items():
        with (folder / f"{name}.csv").open("w", encoding="utf-8", newline="") as handle:
            csv.writer(handle).writerows(rows)
    assert main(["import-org", str(folder)]) == 1
    out, err = capsys.readouterr()
    assert f"people, dòng {row}: cột full_name dài 100000 ký tự, tối đa 200" in err
    assert not db_path.exists() or query(db_path, "SELECT count(*) FROM people") == [(0,)]


def test_a_file_that_is_not_a_workbook_gets_a_vietnamese_line(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = tmp_path / "to-chuc.xlsx"
    fake.write_bytes(b"%PDF-1.7 not a workbook")
    assert main(["import-org", str(fake)]) == 1
    err = one_line_error(capsys)
    assert "không phải tệp Excel .xlsx" in err
    assert "zip" not in err.lower() and "File is not" not in err


def test_names_from_the_workbook_lose_their_bidi_controls(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    book = OrgBook.sample()
    book.append("people", full_name=f"Lê {RLO}nahT\u202c Hải", role="official", division="XDCQ")
    assert main(["import-org", str(book.save(tmp_path / "org.xlsx"))]) == 0
    names = [r[0] for r in query(db_path, "SELECT full_name FROM people")]
    assert "Lê nahT Hải" in names and not any(RLO in str(n) for n in names)


def test_export_org_csv_round_trips_a_phone_with_a_plus(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    book = OrgBook.sample()
    book.append("people", full_name="Lê Văn Hải", role="official", phone="+84 912 000 111")
    assert main(["import-org", str(book.save(tmp_path / "org.xlsx"))]) == 0
    assert main(["export-org", "-o", "org-csv", "--format", "csv"]) == 0
    raw = (tmp_path / "org-csv" / "people.csv").read_text(encoding="utf-8-sig")
    assert not any(line.startswith(("=", "+", "-", "@")) for line in io.StringIO(raw))
    capsys.readouterr()
    assert main(["import-org", "org-csv"]) == 0
    assert "không có thay đổi" in capsys.readouterr().out


def test_a_csv_cell_beyond_the_csv_readers_limit_is_a_vietnamese_line(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "org-csv"
    folder.mkdir()
    for name, rows in OrgBook.sample().sheets.items():
        with (folder / f"{name}.csv").open("w", encoding="utf-8", newline="") as handle:
            csv.writer(handle).writerows(rows)
    with (folder / "people.csv").open("a", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerow(["B" * 300_000, "official", "XDCQ", "", ""])
    assert main(["import-org", str(folder)]) == 1
    err = one_line_error(capsys)
    assert "people.csv: không đọc được (có ô quá dài" in err and "field" not in err
    (folder / "divisions.csv").write_bytes(b"code,name\nXD,\xff\xfe\n")
    assert main(["import-org", str(folder)]) == 1
    err = one_line_error(capsys)
    assert "divisions.csv: không đọc được, cần lưu dạng CSV UTF-8" in err and "codec" not in err
