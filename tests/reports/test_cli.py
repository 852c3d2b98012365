"""`bietphai report`: the office drafts a report from the command line; bad input is one line."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from docx import Document

from bot.cli import main
from tests.helpers.cli import OPERATOR_SETTINGS
from tests.helpers.reports import docx_text
from tests.helpers.sample import SAMPLE_XLSX


@pytest.fixture
def sample_org(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An operator's shell in tmp_path (BOT_DB_PATH only) with the sample organisation."""
    for name in list(os.environ):
        if name.startswith(OPERATOR_SETTINGS):
            monkeypatch.delenv(name)
    path = tmp_path / "data" / "bietphai.sqlite3"
    path.parent.mkdir()
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("BOT_DB_PATH", str(path))
    assert main(["import-org", str(SAMPLE_XLSX)]) == 0
    return path


def _one_error_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


def test_the_office_drafts_the_department_summary_an_officials_report_and_a_division(
    sample_org: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    summary = tmp_path / "tong-hop.docx"
    assert main(["report", "--from", "01/11/2026", "--to", "30/11/2026", "-o", str(summary)]) == 0
    out = capsys.readouterr().out
    assert out.strip() == f"Đã lập báo cáo tổng hợp (toàn Sở) tháng 11/2026: {summary}"
    text = docx_text(summary.read_bytes())
    assert "tháng 11/2026 (toàn Sở)" in text and "GIÁM ĐỐC" in text

    mine = tmp_path / "an.docx"
    assert (
        main(
            [
                "report",
                "--from",
                "2026-11-02",
                "--to",
                "25/12/2026",
                "--person",
                "nguyen van an",
                "-o",
                str(mine),
            ]
        )
        == 0
    )
    assert "Đã lập báo cáo cá nhân Đợt 2 (02/11/2026 – 25/12/2026)" in capsys.readouterr().out
    text = docx_text(mine.read_bytes())
    assert "Kết quả công tác biệt phái Đợt 2 (02/11/2026 – 25/12/2026)" in text
    assert "Tôi là Nguyễn Văn An" in text

    division = tmp_path / "xdcq.docx"
    assert (
        main(
            [
                "report",
                "--from",
                "01/11/2026",
                "--to",
                "30/11/2026",
                "--division",
                "xdcq",
                "-o",
                str(division),
            ]
        )
        == 0
    )
    capsys.readouterr()
    text = docx_text(division.read_bytes())
    assert "tháng 11/2026 (Phòng Xây dựng chính quyền)" in text
    assert "Nguyễn Văn An" in text and "Bùi Thị Lan" not in text  # Lan is TCBC
    assert "TRƯỞNG PHÒNG" in text
    Document(io.BytesIO(division.read_bytes()))  # opens


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--from", "01/11/2026", "--to", "30/11/2026"], "-o/--output"),
        (["--from", "31/11/2026", "--to", "30/12/2026", "-o", "x.docx"], "31/11/2026"),
        (["--from", "30/11/2026", "--to", "01/11/2026", "-o", "x.docx"], "sau --to"),
        (["--from", "01/11/2026", "--to", "30/11/2026", "-o", "x.pdf"], "đuôi .docx"),
        (
            ["--from", "01/11/2026", "--to", "30/11/2026", "--division", "ZZ", "-o", "x.docx"],
            "không có phòng mã 'ZZ'",
        ),
        (
            ["--from", "01/11/2026", "--to", "30/11/2026", "--person", "Ai Đó", "-o", "x.docx"],
            "Ai Đó",
        ),
        (
            [
                "--from",
                "01/11/2026",
                "--to",
                "30/11/2026",
                "--person",
                "Trương Văn Thành",
                "-o",
                "x.docx",
            ],
            "không phải cán bộ biệt phái",
        ),
        (
            [
                "--from",
                "01/11/2026",
                "--to",
                "30/11/2026",
                "--person",
                "Nguyễn Văn An",
                "--division",
                "XDCQ",
                "-o",
                "x.docx",
            ],
            "--division",
        ),
        (
            ["--from", "01/11/2026", "--to", "30/11/2026", "-o", "no-such-folder/x.docx"],
            "không tồn tại",
        ),
    ],
)
def test_bad_arguments_get_one_clear_line_and_a_non_zero_exit(
    sample_org: Path,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    says: str,
) -> None:
    try:
        code = main(["report", *args])
    except SystemExit as exc:  # the parser's own refusals exit with 2
        code = int(exc.code or 0)
    assert code != 0
    line = _one_error_line(capsys.readouterr().err)
    assert line.startswith("Lỗi"), line
    assert says in line, line
    assert not Path("x.docx").exists()
