"""`bietphai run` tells the truth about itself: one bot per database, and a revoked token ends it.

Real subprocesses against the local fakes: a second bot on the same SQLite file is refused with
one line (today both would answer, twice); a platform that starts answering 401 while the bot
runs ends the process with exit code 3 after one CRITICAL line, so systemd restarts it and the
operator hears of it, instead of a bot that lives on, silent.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.token_guard import EXIT_TOKEN_REFUSED
from testing.bot_process import BotProcess
from testing.fakes.telegram_api import FakeTelegramAPI
from testing.fakes.zalo_api import FakeZaloAPI

ZALO_TOKEN = "zalo-test-token-for-refusal"


async def until(
    condition: Callable[[], bool], what: str, bot: BotProcess, wait: float = 20
) -> None:
    """Wait for something the bot does; explain with its log if it does not happen."""
    try:
        async with asyncio.timeout(wait):
            while not condition():  # noqa: ASYNC110 - another process's doing
                await asyncio.sleep(0.05)
    except TimeoutError:
        pytest.fail(f"{what} did not happen within {wait} s\n{bot.log_tail()}")


async def exit_code(bot: BotProcess, wait: float = 20) -> int:
    """The exit code of a bot expected to stop on its own."""
    assert bot.process is not None
    try:
        async with asyncio.timeout(wait):
            return await bot.process.wait()
    except TimeoutError:
        await bot.kill()
        pytest.fail(f"the bot did not stop within {wait} s\n{bot.log_tail()}")


def output(bot: BotProcess) -> str:
    """Everything the bot wrote."""
    return "\n".join(path.read_text(errors="replace") for path in bot.logs)


async def test_a_second_bot_on_the_same_database_is_refused_with_one_line(tmp_path: Path) -> None:
    """The first bot keeps running; the second says who holds the database and exits 1."""
    async with FakeTelegramAPI() as telegram:
        first = BotProcess(tmp_path / "bot.sqlite3", telegram.base_url, tmp_path, name="first")
        second = BotProcess(tmp_path / "bot.sqlite3", telegram.base_url, tmp_path, name="second")
        await first.start()
        try:
            await until(lambda: bool(telegram.calls_of("getUpdates")), "first bot polling", first)
            await second.start()
            assert await exit_code(second) == 1
            lines = output(second).strip().splitlines()
            assert len(lines) == 1, output(second)
            assert lines[0].startswith("Lỗi: không thể chạy bot: một bot đang chạy trên")
            assert f"(PID {first.process.pid if first.process else 0})" in lines[0]
            assert first.process is not None and first.process.returncode is None
            telegram.enqueue_update(telegram.text_message(6001, "xin chào"))
            await telegram.wait_for_sent(1, chat_id=6001, timeout=20)
        finally:
            assert await first.terminate() == 0
        # Once the first has stopped, the database is free again.
        await second.start()
        try:
            await until(lambda: "bietphai is running" in output(second), "second start", second)
        finally:
            assert await second.terminate() == 0


async def test_telegram_refusing_the_token_mid_run_ends_the_process(tmp_path: Path) -> None:
    """getUpdates answers 401 after a while: one CRITICAL line, exit code 3."""
    async with FakeTelegramAPI() as telegram:
        bot = BotProcess(tmp_path / "bot.sqlite3", telegram.base_url, tmp_path)
        await bot.start()
        await until(lambda: "bietphai is running" in output(bot), "start-up", bot)
        telegram.fail_next("getUpdates", status=401, count=100)
        assert await exit_code(bot) == EXIT_TOKEN_REFUSED
    critical = [line for line in output(bot).splitlines() if " CRITICAL " in line]
    assert len(critical) == 1, output(bot)
    assert "Telegram refused TELEGRAM_BOT_TOKEN while running (401 Unauthorized)" in critical[0]
    assert "Traceback" not in output(bot)


async def test_telegram_refusing_a_send_ends_the_process(tmp_path: Path) -> None:
    """sendMessage answers 401 (token revoked between two calls): the bot stops the same way."""
    async with FakeTelegramAPI() as telegram:
        bot = BotProcess(tmp_path / "bot.sqlite3", telegram.base_url, tmp_path)
        await bot.start()
        await until(lambda: "bietphai is running" in output(bot), "start-up", bot)
        telegram.fail_next("sendMessage", status=401, count=100)
        telegram.enqueue_update(telegram.text_message(6002, "xin chào"))
        assert await exit_code(bot) == EXIT_TOKEN_REFUSED
    assert sum(" CRITICAL " in line for line in output(bot).splitlines()) == 1, output(bot)


async def test_zalo_refusing_the_token_mid_run_ends_the_process(tmp_path: Path) -> None:
    """Zalo's getUpdates answers 401 after a while: one CRITICAL line, exit code 3."""
    async with FakeZaloAPI(ZALO_TOKEN) as zalo:
        bot = BotProcess(
            tmp_path / "bot.sqlite3",
            "http://127.0.0.1:9/bot",
            tmp_path,
            settings={
                "TELEGRAM_BOT_TOKEN": "",
                "ZALO_BOT_TOKEN": ZALO_TOKEN,
                "ZALO_API_BASE_URL": zalo.base_url,
                "ZALO_POLL_TIMEOUT": "1",
            },
        )
        await bot.start()
        await until(lambda: zalo.polls > 0, "a Zalo poll", bot)
        # The operator regenerates the token in Zalo: the old one is refused from now on.
        zalo.token = "regenerated-token"
        assert await exit_code(bot) == EXIT_TOKEN_REFUSED
    critical = [line for line in output(bot).splitlines() if " CRITICAL " in line]
    assert len(critical) == 1, output(bot)
    assert "Zalo refused ZALO_BOT_TOKEN while running" in critical[0]
