"""`bietphai run` with a bad setting, a refused token or a taken port: one line, never a
traceback (operator contract: bad arguments and bad settings get one clear line)."""

from __future__ import annotations

import asyncio
import socket
import sys
from pathlib import Path

import pytest
from telegram.error import InvalidToken

from bot.channels.zalo_api import ZaloError
from bot.cli import main
from bot.settings import Settings
from bot.startup import startup_problem
from testing.bot_process import free_port
from testing.fakes.zalo_api import FakeZaloAPI
from tests.helpers.cli import VIETNAMESE, clean_env
from tests.helpers.sample import AN

WRONG_TOKEN = "123:not-the-token"


@pytest.mark.parametrize(
    ("settings", "named", "said"),
    [
        ({"ZALO_WEBHOOK_PORT": "99999"}, "ZALO_WEBHOOK_PORT", "không được quá 65535"),
        ({"TELEGRAM_WEBHOOK_PORT": "0"}, "TELEGRAM_WEBHOOK_PORT", "phải từ 1 trở lên"),
        ({"BOT_PUBLIC_PORT": "-1"}, "BOT_PUBLIC_PORT", "phải từ 1 trở lên"),
        ({"BOT_LOG_LEVEL": "LOUD"}, "BOT_LOG_LEVEL", "phải là DEBUG, INFO, WARNING"),
        (
            {
                "ZALO_BOT_TOKEN": WRONG_TOKEN,
                "ZALO_WEBHOOK_URL": "https://bot.example.org/zalo",
                "ZALO_WEBHOOK_SECRET": "short",
            },
            "ZALO_WEBHOOK_SECRET",
            "phải dài từ 8 đến 256 ký tự",
        ),
        (
            {
                "TELEGRAM_BOT_TOKEN": WRONG_TOKEN,
                "TELEGRAM_WEBHOOK_URL": "https://bot.example.org/tg",
                "TELEGRAM_WEBHOOK_SECRET": "has spaces",
            },
            "TELEGRAM_WEBHOOK_SECRET",
            "chỉ gồm chữ A-Z",
        ),
        (
            {
                "ZALO_WEBHOOK_URL": "https://bot.example.org/zalo",
                "ZALO_WEBHOOK_SECRET": "long-enough-secret",
            },
            "cấu hình",
            "đã đặt ZALO_WEBHOOK_URL thì phải đặt ZALO_BOT_TOKEN",
        ),
        (
            {
                "TELEGRAM_WEBHOOK_URL": "https://bot.example.org/tg",
                "TELEGRAM_WEBHOOK_SECRET": "long-enough-secret",
            },
            "cấu hình",
            "đã đặt TELEGRAM_WEBHOOK_URL thì phải đặt TELEGRAM_BOT_TOKEN",
        ),
    ],
)
def test_a_setting_run_cannot_use_is_one_line_before_anything_starts(
    settings: dict[str, str],
    named: str,
    said: str,
    db_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    for name, value in settings.items():
        monkeypatch.setenv(name, value)
    assert main(["run"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith(f"Lỗi cấu hình ({named}): ") and said in err
    assert err.count("\n") == 1
    assert "short" not in err and "has spaces" not in err and WRONG_TOKEN not in err
    assert not db_path.exists()


def test_the_log_level_may_be_written_in_small_letters() -> None:
    assert Settings(_env_file=None, BOT_LOG_LEVEL=" debug").log_level == "DEBUG"


async def run_bot(folder: Path, **settings: str) -> tuple[int, str]:
    """`python -m bot run` until it exits by itself; its exit code and stderr."""
    env = clean_env()
    env.update(
        BOT_DB_PATH=str(folder / "bietphai.sqlite3"),
        BOT_LOG_LEVEL="WARNING",
        BOT_HTTP_PORT=str(free_port()),
    )
    env.update(settings)
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        env=env,
        cwd=folder,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        _, err = await asyncio.wait_for(process.communicate(), 60)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    assert process.returncode is not None
    return process.returncode, err.decode()


async def test_a_zalo_token_zalo_refuses_is_one_line_and_exit_1(tmp_path: Path) -> None:
    async with FakeZaloAPI() as fake:
        code, err = await run_bot(
            tmp_path, ZALO_BOT_TOKEN=WRONG_TOKEN, ZALO_API_BASE_URL=fake.base_url
        )
    assert code == 1, err
    assert "Traceback" not in err
    assert err.splitlines()[-1] == (
        "Lỗi: Zalo không nhận ZALO_BOT_TOKEN (401: Unauthorized); kiểm tra mã của bot"
    )
    assert WRONG_TOKEN not in err


async def test_a_zalo_api_that_cannot_be_reached_is_one_line(tmp_path: Path) -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    code, err = await run_bot(
        tmp_path, ZALO_BOT_TOKEN=WRONG_TOKEN, ZALO_API_BASE_URL=f"http://127.0.0.1:{port}/bot"
    )
    assert code == 1, err
    assert "Traceback" not in err
    assert err.splitlines()[-1].startswith(
        "Lỗi: không kết nối được Zalo Bot API ở ZALO_API_BASE_URL"
    )


async def test_a_webhook_port_already_taken_is_one_line_naming_the_settings(
    tmp_path: Path,
) -> None:
    async with FakeZaloAPI() as fake:
        with socket.socket() as taken:
            taken.bind(("127.0.0.1", 0))
            taken.listen()
            port = taken.getsockname()[1]
            code, err = await run_bot(
                tmp_path,
                ZALO_BOT_TOKEN=fake.token,
                ZALO_API_BASE_URL=fake.base_url,
                ZALO_WEBHOOK_URL="https://bot.example.org/zalo",
                ZALO_WEBHOOK_SECRET="zalo-s3cret-token",
                ZALO_WEBHOOK_PORT=str(port),
            )
    assert code == 1, err
    assert "Traceback" not in err
    last = err.splitlines()[-1]
    assert last.startswith(f"Lỗi: không mở được cổng 127.0.0.1:{port} (")
    assert last.endswith("kiểm tra ZALO_WEBHOOK_LISTEN / ZALO_WEBHOOK_PORT")


async def test_the_http_port_already_taken_is_one_line_naming_its_settings(
    tmp_path: Path,
) -> None:
    async with FakeZaloAPI() as fake:
        with socket.socket() as taken:
            taken.bind(("127.0.0.1", 0))
            taken.listen()
            port = taken.getsockname()[1]
            code, err = await run_bot(
                tmp_path,
                ZALO_BOT_TOKEN=fake.token,
                ZALO_API_BASE_URL=fake.base_url,
                BOT_HTTP_PORT=str(port),
            )
    assert code == 1, err
    assert "Traceback" not in err
    last = err.splitlines()[-1]
    assert last.startswith(f"Lỗi: không mở được cổng 127.0.0.1:{port} (")
    assert last.endswith("kiểm tra BOT_HTTP_LISTEN / BOT_HTTP_PORT")


def test_a_telegram_token_refused_is_said_without_the_token() -> None:
    refused = InvalidToken(f"The token `{WRONG_TOKEN}` was rejected by the server.")
    line = startup_problem(object(), refused)
    assert "TELEGRAM_BOT_TOKEN" in line and WRONG_TOKEN not in line


def test_other_zalo_refusals_name_the_settings_to_check() -> None:
    line = startup_problem(object(), ZaloError(400, "Bad Request: url must be https"))
    assert line.startswith("Zalo Bot API từ chối (400: Bad Request")
    assert "ZALO_WEBHOOK_URL" in line


@pytest.mark.parametrize("command", [["export"], ["study", "list"]])
def test_the_period_options_say_both_date_forms_they_accept(
    command: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit):
        main([*command, "--help"])
    help_text = " ".join(capsys.readouterr().out.split())
    assert "--from D từ ngày (dd/mm/yyyy hoặc yyyy-mm-dd)" in help_text
    assert "--to D đến ngày (dd/mm/yyyy hoặc yyyy-mm-dd)" in help_text


@pytest.mark.parametrize(
    ("setting", "value", "said"),
    [
        ("BOT_LANGUAGE", "fr", "phải là 'vi' hoặc 'en' (đang đặt 'fr')"),
        ("BOT_INVITE_TTL_DAYS", "0", "phải từ 1 trở lên (đang đặt '0')"),
        ("BOT_INVITE_TTL_DAYS", "bảy", "phải là một số nguyên (đang đặt 'bảy')"),
        ("BOT_REMINDER_FIRST", "25:00", "phải là giờ dạng HH:MM, ví dụ 16:30 (đang đặt '25:00')"),
        ("BOT_TIMEZONE", "Asia/Hanoi", "không có múi giờ 'Asia/Hanoi', ví dụ Asia/Ho_Chi_Minh"),
        ("BOT_PUBLIC_BASE_URL", "bot.example.org", "phải bắt đầu bằng https:// (http:// chỉ"),
        ("BOT_PUBLIC_BASE_URL", "http://bot.example.org/files", "phải bắt đầu bằng https://"),
    ],
)
def test_a_bad_setting_is_said_in_vietnamese(
    setting: str,
    value: str,
    said: str,
    db_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv(setting, value)
    assert main(["invite", AN]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"Lỗi cấu hình ({setting}): ")
    assert said in err and err.count("\n") == 1
    assert "should" not in err and "must" not in err


def test_a_webhook_without_its_secret_is_said_in_vietnamese_and_no_token_is_shown(
    db_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("ZALO_BOT_TOKEN", "123:secret-token")
    monkeypatch.setenv("ZALO_WEBHOOK_URL", "https://bot.example.org/zalo")
    assert main(["run"]) == 2
    err = capsys.readouterr().err
    assert err == (
        "Lỗi cấu hình (cấu hình): đã đặt ZALO_WEBHOOK_URL thì phải đặt ZALO_WEBHOOK_SECRET\n"
    )
    assert VIETNAMESE.search(err) and "secret-token" not in err
