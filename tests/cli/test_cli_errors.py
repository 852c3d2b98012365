"""Stories of an operator mistyping `bietphai …`: one Vietnamese line, a hint, a non-zero exit."""

from __future__ import annotations

import argparse
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.cli import main, parser
from tests.helpers.cli import VIETNAMESE, clean_env
from tests.helpers.sample import SAMPLE_XLSX

ENGLISH = ("usage:", "error:", "required", "invalid choice", "Traceback", "positional", "options")


def bietphai(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The real command line in its own process, as an operator's shell runs it."""
    env = clean_env()
    env["BOT_DB_PATH"] = str(cwd / "bietphai.sqlite3")
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
    )


def assert_one_vietnamese_line(result: subprocess.CompletedProcess[str], command: str) -> str:
    """The error is one line on stderr, Vietnamese, with a hint to --help; nothing on stdout."""
    assert result.returncode != 0
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    line = lines[0]
    assert line.startswith("Lỗi: ") and VIETNAMESE.search(line), line
    assert f"Gõ {command} --help" in line, line
    assert not any(word in line for word in ENGLISH), line
    return line


def test_no_command_names_every_command(tmp_path: Path) -> None:
    line = assert_one_vietnamese_line(bietphai(cwd=tmp_path), "bietphai")
    assert "chưa có lệnh" in line and "import-org" in line and "digest" in line


def test_an_unknown_command_is_named_with_the_commands_there_are(tmp_path: Path) -> None:
    result = bietphai("nhapto", "x.xlsx", cwd=tmp_path)
    assert result.returncode == 2
    line = assert_one_vietnamese_line(result, "bietphai")
    assert "không có lệnh 'nhapto'" in line and "import-org" in line


def test_a_missing_required_option_names_the_options(tmp_path: Path) -> None:
    result = bietphai("export", "--from", "01/11/2026", cwd=tmp_path)
    assert result.returncode == 2
    line = assert_one_vietnamese_line(result, "bietphai export")
    assert "thiếu --to, -o/--output" in line


def test_a_missing_action_lists_the_actions(tmp_path: Path) -> None:
    line = assert_one_vietnamese_line(bietphai("calendar", cwd=tmp_path), "bietphai calendar")
    assert "add-off, add-workday, remove, list" in line


def test_an_option_without_its_value_says_so(tmp_path: Path) -> None:
    line = assert_one_vietnamese_line(bietphai("digest", "--date", cwd=tmp_path), "bietphai digest")
    assert "--date cần một giá trị" in line


def test_a_value_out_of_its_choices_is_named(tmp_path: Path) -> None:
    result = bietphai("export-org", "-o", "x.pdf", "--format", "pdf", cwd=tmp_path)
    line = assert_one_vietnamese_line(result, "bietphai export-org")
    assert "'pdf'" in line and "--format" in line


def test_an_extra_argument_is_named(tmp_path: Path) -> None:
    line = assert_one_vietnamese_line(bietphai("backup", "a", "b", cwd=tmp_path), "bietphai")
    assert "không hiểu tham số: b" in line


def test_a_bad_date_is_one_line_with_the_format_to_use(tmp_path: Path) -> None:
    result = bietphai("digest", "--date", "32/13/2026", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.strip() == (
        "Lỗi: ngày '32/13/2026' không hợp lệ, hãy ghi dd/mm/yyyy (ví dụ 27/11/2026) hoặc yyyy-mm-dd"
    )


@pytest.mark.parametrize("args", [["--help"], ["export", "--help"], ["calendar", "list", "-h"]])
def test_help_reads_in_vietnamese(args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(args)
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("cách dùng: bietphai")
    assert "tùy chọn:" in out
    assert "xem hướng dẫn này rồi thoát" in out
    for english in ("usage:", "options:", "positional arguments:", "show this help"):
        assert english not in out


def test_a_weekly_digest_mentions_the_chart_only_when_it_is_written(tmp_path: Path) -> None:
    assert bietphai("import-org", str(SAMPLE_XLSX), cwd=tmp_path).returncode == 0
    plain = bietphai("digest", "--weekly", cwd=tmp_path)
    assert plain.returncode == 0, plain.stderr
    assert plain.stdout.startswith("Báo cáo tổng hợp tuần")
    assert "Biểu đồ" not in plain.stdout and plain.stderr == ""
    chart = tmp_path / "tuan.png"
    with_chart = bietphai("digest", "--weekly", "--chart", str(chart), cwd=tmp_path)
    assert with_chart.returncode == 0, with_chart.stderr
    assert "Biểu đồ kèm theo" in with_chart.stdout
    assert chart.read_bytes().startswith(b"\x89PNG")
    assert with_chart.stderr.strip() == f"Đã lưu biểu đồ vào {chart}"


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
