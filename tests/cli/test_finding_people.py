"""Stories of the command line finding a person however their name is typed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main
from tests.helpers.cli import OrgBook, clean_env


def test_invite_finds_a_name_typed_without_diacritics_or_capitals(
    sample_org: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["invite", "nguyen  van AN"]) == 0
    assert capsys.readouterr().out.startswith("Mã mời cho Nguyễn Văn An,")
    assert main(["invite", "CAO THI THU"]) == 0
    assert capsys.readouterr().out.startswith("Mã mời cho Cao Thị Thu,")


def _with_an_and_an_hat(tmp_path: Path) -> Path:
    """The sample plus "Nguyễn Văn Ân", who folds to the same name as An."""
    book = OrgBook.sample()
    book.append(
        "people", full_name="Nguyễn Văn Ân", role="official", division="XDCQ", phone="0900000398"
    )
    return book.save(tmp_path / "org.xlsx")


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
