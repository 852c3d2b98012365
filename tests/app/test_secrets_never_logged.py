"""No token and no webhook secret is ever written: not at DEBUG, not in errors or tracebacks.

`bietphai run` runs as a real subprocess at BOT_LOG_LEVEL=DEBUG against the local fakes, in the
four ways a bot talks to its platforms (Telegram polling and webhook, Zalo polling and webhook),
while the fakes answer 5xx and disappear for a moment (connection refused). Every line the
process writes to stdout and stderr is searched for the secrets.
"""

from __future__ import annotations

import asyncio
import io
import json
import logging
from collections.abc import Callable, Iterator
from pathlib import Path

import aiohttp
import pytest

from bot import logs
from handlers.core import logcontext
from testing.bot_process import PATIENCE, BotProcess, free_port
from testing.fakes.telegram_api import FakeTelegramAPI
from testing.fakes.zalo_api import FakeZaloAPI

TELEGRAM_TOKEN = "7000000001:AAHsecretTelegramTokenValue_xyz"
ZALO_TOKEN = "zalo-secret-token-QWERTY123"
TELEGRAM_SECRET = "tg-webhook-secret-ABC123"
ZALO_SECRET = "zalo-webhook-secret-789XYZ"
SECRETS = (TELEGRAM_TOKEN, ZALO_TOKEN, TELEGRAM_SECRET, ZALO_SECRET)


async def until(condition: Callable[[], bool], what: str, bot: BotProcess) -> None:
    """Wait for a condition the bot's actions make true; explain with the bot's log if not.

    The deadline is generous (a loaded machine is slow, and the wait ends as soon as the
    condition holds); a bot that has exited fails the test at once.
    """
    try:
        async with asyncio.timeout(PATIENCE):
            # The condition is in another process's output or a fake's records: poll it.
            while not condition():
                assert bot.process is not None
                if bot.process.returncode is not None:
                    pytest.fail(f"the bot exited before {what}\n{bot.log_tail()}")
                await asyncio.sleep(0.05)
    except TimeoutError:
        pytest.fail(f"{what} did not happen within {PATIENCE:.0f} s\n{bot.log_tail()}")


def leaked_lines(bot: BotProcess) -> list[str]:
    """Every output line that contains a secret, or a piece of one."""
    pieces = [*SECRETS, TELEGRAM_TOKEN.split(":")[1]]
    return [
        line
        for path in bot.logs
        for line in path.read_text(errors="replace").splitlines()
        if any(piece in line for piece in pieces)
    ]


def output(bot: BotProcess) -> str:
    """Everything the bot wrote."""
    return "\n".join(path.read_text(errors="replace") for path in bot.logs)


async def post(url: str, body: object, header: str, secret: str) -> int:
    """POST a webhook body as the platform does; returns the HTTP status."""
    async with (
        aiohttp.ClientSession() as session,
        session.post(url, json=body, headers={header: secret}) as response,
    ):
        return response.status


async def test_telegram_polling_and_zalo_webhook_write_no_secret(tmp_path: Path) -> None:
    """Errors on both sides, at DEBUG: the output says what happened but holds no secret."""
    zalo_port = free_port()
    async with FakeTelegramAPI() as telegram, FakeZaloAPI(ZALO_TOKEN) as zalo:
        bot = BotProcess(
            tmp_path / "bot.sqlite3",
            telegram.base_url,
            tmp_path,
            settings={
                "BOT_LOG_LEVEL": "DEBUG",
                "TELEGRAM_BOT_TOKEN": TELEGRAM_TOKEN,
                "ZALO_BOT_TOKEN": ZALO_TOKEN,
                "ZALO_API_BASE_URL": zalo.base_url,
                "ZALO_WEBHOOK_URL": "https://bot.example.org/zalo-hook",
                "ZALO_WEBHOOK_SECRET": ZALO_SECRET,
                "ZALO_WEBHOOK_PORT": str(zalo_port),
            },
        )
        await bot.start()
        try:
            await until(lambda: bool(zalo.calls_of("setWebhook")), "Zalo setWebhook", bot)
            await until(lambda: bool(telegram.calls_of("getUpdates")), "first getUpdates", bot)
            # A 5xx from Telegram, then Telegram unreachable for a moment.
            telegram.fail_next("getUpdates", status=500)
            await until(
                lambda: any(c.status == 500 for c in telegram.calls_of("getUpdates")),
                "a 500 on getUpdates",
                bot,
            )
            port = telegram.port
            await telegram.stop()
            await until(lambda: "getUpdates failed" in output(bot), "a network error", bot)
            await telegram.start(port=port)
            telegram.enqueue_update(telegram.text_message(5001, "xin chào"))
            await until(lambda: bool(telegram.messages_to(5001)), "a Telegram reply", bot)
            # Zalo: a refused webhook call, then a message whose first reply gets a 5xx.
            hook = f"http://127.0.0.1:{zalo_port}/zalo-hook"
            assert await post(hook, zalo.text("z1", "chào"), "X-Bot-Api-Secret-Token", "no") == 403
            zalo.fail_next("sendMessage", status=502)
            body = zalo.text("z1", "xin chào")
            assert await post(hook, body, "X-Bot-Api-Secret-Token", ZALO_SECRET) == 200
            await until(lambda: bool(zalo.texts_to("z1")), "a Zalo reply after the 502", bot)
        finally:
            code = await bot.terminate()
    text = output(bot)
    assert code == 0, bot.log_tail()
    assert " DEBUG " in text and " WARNING " in text, "the run must have logged at every level"
    assert leaked_lines(bot) == []


async def test_telegram_webhook_and_zalo_polling_write_no_secret(tmp_path: Path) -> None:
    """The other two ways of receiving, with the same errors: still no secret in the output."""
    telegram_port = free_port()
    async with FakeTelegramAPI() as telegram, FakeZaloAPI(ZALO_TOKEN) as zalo:
        bot = BotProcess(
            tmp_path / "bot.sqlite3",
            telegram.base_url,
            tmp_path,
            settings={
                "BOT_LOG_LEVEL": "DEBUG",
                "TELEGRAM_BOT_TOKEN": TELEGRAM_TOKEN,
                "TELEGRAM_WEBHOOK_URL": "https://bot.example.org/tg-hook",
                "TELEGRAM_WEBHOOK_SECRET": TELEGRAM_SECRET,
                "TELEGRAM_WEBHOOK_PORT": str(telegram_port),
                "ZALO_BOT_TOKEN": ZALO_TOKEN,
                "ZALO_API_BASE_URL": zalo.base_url,
                "ZALO_POLL_TIMEOUT": "1",
            },
        )
        await bot.start()
        try:
            await until(lambda: bool(telegram.calls_of("setWebhook")), "setWebhook", bot)
            await until(lambda: zalo.polls > 0, "a Zalo poll", bot)
            zalo.fail_next("getUpdates", status=500)
            await until(lambda: "Zalo getUpdates failed" in output(bot), "a Zalo 500", bot)
            port = int(zalo.base_url.split(":")[2].split("/")[0])
            await zalo.stop()
            await until(lambda: "network error" in output(bot), "a Zalo network error", bot)
            await zalo.start(port=port)
            zalo.enqueue(zalo.text("z2", "xin chào"))
            await until(lambda: bool(zalo.texts_to("z2")), "a Zalo reply", bot)
            hook = f"http://127.0.0.1:{telegram_port}/tg-hook"
            header = "X-Telegram-Bot-Api-Secret-Token"
            update = telegram.text_message(5002, "xin chào")
            update["update_id"] = 77
            assert await post(hook, update, header, "wrong") == 403
            telegram.fail_next("sendMessage", status=502)
            assert await post(hook, update, header, TELEGRAM_SECRET) == 200
            await until(lambda: bool(telegram.messages_to(5002)), "a Telegram reply", bot)
        finally:
            code = await bot.terminate()
    text = output(bot)
    assert code == 0, bot.log_tail()
    assert " DEBUG " in text and " WARNING " in text, "the run must have logged at every level"
    assert leaked_lines(bot) == []


@pytest.fixture
def captured() -> Iterator[io.StringIO]:
    """The root logger configured as `bietphai run` does, writing into a string."""
    stream = io.StringIO()
    root = logging.getLogger()
    before = (list(root.handlers), root.level)
    yield stream
    for handler in list(root.handlers):
        root.removeHandler(handler)
    for handler in before[0]:
        root.addHandler(handler)
    root.setLevel(before[1])


def test_a_secret_in_a_message_its_arguments_or_a_traceback_is_redacted(
    captured: io.StringIO,
) -> None:
    """However a library writes the token, the line shows *** instead."""
    logs.configure("DEBUG", [TELEGRAM_TOKEN, ZALO_SECRET, None], stream=captured)
    log = logging.getLogger("some.library")
    url = f"https://api.telegram.org/bot{TELEGRAM_TOKEN}/getUpdates"
    log.debug("HTTP Request: POST %s", url)
    log.warning(f"secret header was {ZALO_SECRET}")
    log.info("encoded %s", TELEGRAM_TOKEN.replace(":", "%3A"))
    try:
        raise ConnectionError(f"cannot reach {url}")
    except ConnectionError:
        log.exception("call failed")
    text = captured.getvalue()
    assert TELEGRAM_TOKEN not in text and ZALO_SECRET not in text
    assert TELEGRAM_TOKEN.split(":")[1] not in text
    assert "https://api.telegram.org/bot***/getUpdates" in text
    assert "ConnectionError: cannot reach" in text  # the traceback is kept, redacted


def test_an_unconfigured_token_in_a_bot_api_url_is_redacted_too(captured: io.StringIO) -> None:
    """A token the settings do not know (another bot's) still never shows in a URL."""
    logs.configure("INFO", [], stream=captured)
    logging.getLogger("x").warning("GET https://api.telegram.org/bot123:Zz-9_q/getMe failed")
    assert "123:Zz-9_q" not in captured.getvalue()


def test_json_lines_name_the_update_and_the_person_and_hold_no_secret(
    captured: io.StringIO,
) -> None:
    """BOT_LOG_FORMAT=json: one object a line: time, level, logger, message, update, person."""
    logs.configure("INFO", [ZALO_TOKEN], "json", stream=captured)
    log = logging.getLogger("handlers.router")
    log.info("outside a turn")
    with logcontext.about_update("zalo:m000042"):
        logcontext.about_person(17)
        log.warning("token %s refused", ZALO_TOKEN)
    lines = [json.loads(line) for line in captured.getvalue().splitlines()]
    assert [set(line) for line in lines] == [
        {"time", "level", "logger", "message"},
        {"time", "level", "logger", "message", "update_key", "person_id"},
    ]
    assert lines[1]["update_key"] == "zalo:m000042" and lines[1]["person_id"] == 17
    assert lines[1]["message"] == "token *** refused" and lines[1]["level"] == "WARNING"
    assert lines[0]["time"].endswith("+00:00")


def test_the_default_format_stays_readable_text(captured: io.StringIO) -> None:
    """Without BOT_LOG_FORMAT, a line reads 'time LEVEL logger: message'."""
    logs.configure("INFO", [], stream=captured)
    logging.getLogger("bot.app").info("bietphai is running")
    assert captured.getvalue().rstrip().endswith(" INFO bot.app: bietphai is running")


def test_apschedulers_minute_lines_show_only_at_debug(captured: io.StringIO) -> None:
    """'Running job …' every minute is noise at INFO; at DEBUG it is shown, as DEBUG."""
    logs.configure("INFO", [], stream=captured)
    scheduler_log = logging.getLogger("apscheduler.executors.default")
    scheduler_log.info('Running job "tick" (scheduled at 2026-12-01 07:30:00+07:00)')
    scheduler_log.warning("Run time of job was missed")
    assert "Running job" not in captured.getvalue()
    assert "Run time of job was missed" in captured.getvalue()
    logs.configure("DEBUG", [], stream=captured)
    scheduler_log.info('Running job "tick"')
    assert 'DEBUG apscheduler.executors.default: Running job "tick"' in captured.getvalue()
