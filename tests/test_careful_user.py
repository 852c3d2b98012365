"""Stories of small things a careful user notices: urgent marks, line breaks, loose typing."""

from __future__ import annotations

import argparse
import subprocess
import sys
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from bot.cli import main, parser
from bot.orgservice import create_invite
from handlers.core.codes import match_code
from handlers.core.messages import Attachment, Kind
from handlers.core.turn import HandlerConfig
from handlers.router import Router
from storage import Database
from tests.chat import ZONE, Chat
from tests.helpers.cli import VIETNAMESE, OrgBook, clean_env
from tests.helpers.difficulty import THU, raise_urgent
from tests.helpers.sample import AN, MakeChat
from tests.helpers.study import XUAN
from tests.helpers.worklog import entries_of

# --- /dskhokhan shows which difficulties cannot wait ---


async def test_dskhokhan_marks_urgent_difficulties_as_the_digests_do(
    linked_chat: MakeChat,
) -> None:
    thu = await linked_chat(THU)
    an = await linked_chat(AN)
    await raise_urgent(an, "Việc gấp về bố trí công chức")
    await an.say("/khokhan Việc thường về hồ sơ")
    await an.press("Quản lý công chức")
    await an.press("Khó khăn")
    assert "KK-0002" in await an.press("Thường")
    listed = await thu.say("/dskhokhan")
    lines = {line.split(" · ")[0]: line for line in listed.splitlines() if "KK-" in line}
    assert lines["KK-0001"].startswith("KK-0001 · GẤP · Mới"), lines
    assert "GẤP" not in lines["KK-0002"], lines
    # The official's own list (/khokhan) reads the same.
    await an.say("/khokhan")
    assert "KK-0001 · GẤP · " in an.text and "KK-0002 · GẤP" not in an.text


# --- Two messages joined into one offer keep their line breaks ---


async def test_two_joined_messages_are_previewed_on_two_lines(
    linked_chat: MakeChat, org_db: Database
) -> None:
    an = await linked_chat(AN)
    await an.say("Sáng họp với UBND xã về   sắp xếp bộ máy")
    joined = await an.say("Chiều hướng dẫn  văn thư lưu trữ")
    assert "«Sáng họp với UBND xã về sắp xếp bộ máy\nChiều hướng dẫn văn thư lưu trữ»" in joined
    saved = await an.press("Lưu")
    assert saved.startswith("Đã ghi nhật ký ngày Thứ Tư, 25/11/2026")
    [entry] = await entries_of(org_db, AN)
    assert (
        entry.text == "Sáng họp với UBND xã về   sắp xếp bộ máy\nChiều hướng dẫn  văn thư lưu trữ"
    )


async def test_a_long_list_of_lines_is_cut_on_a_phone_screen(linked_chat: MakeChat) -> None:
    an = await linked_chat(AN)
    for n in range(1, 11):
        await an.say(f"Việc số {n}")
    quoted = an.text.split("«")[1].split("»")[0]
    assert quoted == "\n".join(f"Việc số {n}" for n in range(1, 9)) + " …"


# --- The command line finds people however their name is typed ---


def _with_an_and_an_hat(tmp_path: Path) -> Path:
    """The sample plus "Nguyễn Văn Ân", who folds to the same name as An."""
    book = OrgBook.sample()
    book.append(
        "people", full_name="Nguyễn Văn Ân", role="official", division="XDCQ", phone="0900000398"
    )
    return book.save(tmp_path / "org.xlsx")


def test_invite_finds_a_name_typed_without_diacritics_or_capitals(
    sample_org: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["invite", "nguyen  van AN"]) == 0
    assert capsys.readouterr().out.startswith("Mã mời cho Nguyễn Văn An,")
    assert main(["invite", "CAO THI THU"]) == 0
    assert capsys.readouterr().out.startswith("Mã mời cho Cao Thị Thu,")


def test_two_people_folding_to_one_name_are_named_and_the_phone_asked_for(
    db_path: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["import-org", str(_with_an_and_an_hat(tmp_path))]) == 0
    capsys.readouterr()
    assert main(["invite", "nguyen van an"]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err == (
        "Lỗi: có 2 người ứng với 'nguyen van an': Nguyễn Văn An (0900000001), "
        "Nguyễn Văn Ân (0900000398); hãy dùng số điện thoại\n"
    )
    # Typed with its diacritics, the name is exact and picks one person; so does the phone.
    assert main(["invite", "Nguyễn Văn Ân"]) == 0
    assert capsys.readouterr().out.startswith("Mã mời cho Nguyễn Văn Ân,")
    assert main(["invite", "0900 000 398"]) == 0
    assert capsys.readouterr().out.startswith("Mã mời cho Nguyễn Văn Ân,")


def test_export_digest_and_chat_find_people_the_same_way(
    db_path: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["import-org", str(_with_an_and_an_hat(tmp_path))]) == 0
    capsys.readouterr()
    out_file = str(tmp_path / "an.xlsx")
    period = ["--from", "01/11/2026", "--to", "30/11/2026", "-o", out_file]
    assert main(["export", *period, "--person", "nguyen van an"]) == 1
    assert "có 2 người ứng với 'nguyen van an': Nguyễn Văn An" in capsys.readouterr().err
    assert main(["export", *period, "--person", "bui thi lan"]) == 0
    assert "Bùi Thị Lan" in capsys.readouterr().out
    assert main(["digest", "--date", "25/11/2026", "--supervisor", "cao thi thu"]) == 0
    # Thu's scope, not the department leadership's (the default recipient).
    assert "phạm vi: Phòng Công chức, viên chức; Phòng Xây dựng" in capsys.readouterr().out
    assert main(["chat", "--as", "nguyen van an"]) == 1
    assert "hãy dùng số điện thoại" in capsys.readouterr().err
    done = subprocess.run(
        [sys.executable, "-m", "bot", "chat", "--as", "bui thi lan"],
        input=b"/trogiup\n",
        capture_output=True,
        env=clean_env() | {"BOT_DB_PATH": str(db_path)},
        cwd=tmp_path,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode()
    assert "/nhatky" in done.stdout.decode()


# --- Every argument of every command explains itself in --help ---


def _arguments(
    top: argparse.ArgumentParser, path: str = "bietphai"
) -> Iterator[tuple[str, argparse.Action]]:
    """Every argument of a parser and of its sub-commands, with the command it belongs to."""
    for action in top._actions:
        yield path, action
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from _arguments(sub, f"{path} {name}")


def test_every_argument_and_option_has_vietnamese_help() -> None:
    missing = [
        f"{path} {'/'.join(a.option_strings) or a.metavar or a.dest}"
        for path, a in _arguments(parser())
        if not (isinstance(a.help, str) and VIETNAMESE.search(a.help))
    ]
    assert missing == []


@pytest.mark.parametrize("command", ["import-org", "backup"])
def test_the_file_argument_is_explained(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main([command, "--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert "FILE tệp " in out


# --- Commune codes typed without the zero ---


def test_a_code_without_its_zero_means_the_one_code_that_fits() -> None:
    codes = ["XA01", "XA03", "XA10"]
    assert [match_code(typed, codes) for typed in ("xa1", "XA 3", "Xa-03", "xa10")] == [
        "XA01",
        "XA03",
        "XA03",
        "XA10",
    ]
    assert match_code("xa2", codes) is None
    assert match_code("hoa vang", codes) is None
    # Two codes that read the same loosely: neither is guessed, the exact one still works.
    assert match_code("xa 001", ["XA1", "XA01"]) is None
    assert match_code("xa01", ["XA1", "XA01"]) == "XA01"
    assert match_code("xa1", ["XA1", "XA01"]) == "XA1"


async def test_dskhokhan_filters_by_a_commune_code_typed_without_the_zero(
    linked_chat: MakeChat,
) -> None:
    thu = await linked_chat(THU)
    an = await linked_chat(AN)
    await raise_urgent(an)  # Xã Hòa Vang Tây, XA01
    for words in ("xa1", "XA 1", "xa1 gấp"):
        assert "KK-0001" in await thu.say(f"/dskhokhan {words}"), words
    assert "Không có khó khăn" in await thu.say("/dskhokhan xa2")


async def test_tocongtac_takes_a_commune_code_typed_without_the_zero(
    linked_chat: MakeChat,
) -> None:
    thu = await linked_chat(THU)  # leads working group 1 (XA01-XA06)
    assert (await thu.say("/tocongtac xa3")).startswith("Tổ đến Xã Đèo Gió ngày nào?")


async def test_a_commune_contact_types_the_code_without_the_zero(linked_chat: MakeChat) -> None:
    xuan = await linked_chat(XUAN)
    assert "đầu mối của xã/phường nào" in await xuan.say("/hoctap")
    reply = await xuan.say("xa 8")
    assert "Đã gửi quản trị viên đề nghị xác nhận anh/chị là đầu mối của Xã Pa Lang." in reply


def test_export_commune_takes_a_loose_code_or_a_name_without_diacritics(
    sample_org: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    period = ["--from", "01/11/2026", "--to", "30/11/2026"]
    for typed in ("xa1", "XA 01", "xa hoa vang tay"):
        out_file = str(tmp_path / f"{typed}.xlsx")
        assert main(["export", *period, "-o", out_file, "--commune", typed]) == 0, typed
        assert "Xã Hòa Vang Tây" in capsys.readouterr().out
    assert main(["export", *period, "-o", str(tmp_path / "x.xlsx"), "--commune", "xa99"]) == 1
    assert capsys.readouterr().err == "Lỗi: không có xã 'xa99'\n"


# --- English counts read right for one ---


async def test_an_english_reader_sees_one_photo_not_one_photos(org_db: Database) -> None:
    router = Router(org_db, HandlerConfig(zone=ZONE, language="en", backdate_days=1))
    an = Chat(router, "4001")
    invite = await create_invite(org_db, AN, an.clock, timedelta(days=7))
    assert (await an.say(f"/start {invite.code}")).startswith("Hello An!")
    await an.say("/log")
    await an.press("Other")
    assert (await an.photo(file_id="p1")).startswith("1 photo or file received.")
    assert (await an.photo(file_id="p2")).startswith("2 photos or files received.")
    saved = await an.say("Checked the archive records")
    assert " · 2 photos or files" in saved
    # A day two days back is out of reach with one day of back-dating.
    assert "more than 1 day ago" in await an.say("/log 23/11 Meeting")


# --- A file where a date or a reason is asked is named as a file ---


async def test_a_file_sent_where_a_date_is_asked_is_called_a_file(linked_chat: MakeChat) -> None:
    an = await linked_chat(AN)
    await an.say("/nghi")
    attachment = (Attachment("document", "f1"),)
    reply = await an.send_kind(Kind.FILE, attachments=attachment)
    assert reply.startswith("Bot chưa đọc được tệp đính kèm ở bước này.")
