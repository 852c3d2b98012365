"""Drive the fake Bot API with the real python-telegram-bot client."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
import pytest_asyncio
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, EndPointNotFound, NetworkError, RetryAfter

from testing.fakes.telegram_api import Call, FakeTelegramAPI

pytestmark = [
    pytest.mark.asyncio,
    # PTB 22.2+ warns inside RetryAfter itself that retry_after will become a timedelta.
    pytest.mark.filterwarnings("ignore:.*retry_after.*:DeprecationWarning"),
]

TOKEN = "123456:TEST-token"


def retry_seconds(exc: RetryAfter) -> float:
    """Read RetryAfter.retry_after as seconds, whether PTB gives an int or a timedelta."""
    value = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


@pytest_asyncio.fixture
async def api() -> AsyncIterator[FakeTelegramAPI]:
    """A running fake for one test."""
    async with FakeTelegramAPI() as fake:
        yield fake


@pytest_asyncio.fixture
async def bot(api: FakeTelegramAPI) -> AsyncIterator[Bot]:
    """A real PTB Bot pointed at the fake."""
    async with Bot(TOKEN, base_url=api.base_url, base_file_url=api.base_file_url) as client:
        yield client


async def test_get_me(api: FakeTelegramAPI, bot: Bot) -> None:
    me = await bot.get_me()
    assert me.is_bot
    assert me.username == "bietphai_test_bot"
    assert api.token == TOKEN
    assert api.calls[0].method == "getMe"


async def test_send_message_records_inline_keyboard(api: FakeTelegramAPI, bot: Bot) -> None:
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("Có", callback_data="yes:1")]])
    sent = await bot.send_message(chat_id=42, text="123", reply_markup=markup)

    assert sent.text == "123"
    assert sent.chat.id == 42
    assert sent.reply_markup == markup
    [params] = api.messages_to(42)
    assert params["chat_id"] == 42
    assert params["text"] == "123"  # numeric-looking text must stay a str
    assert params["reply_markup"] == {
        "inline_keyboard": [[{"text": "Có", "callback_data": "yes:1"}]]
    }
    second = await bot.send_message(chat_id=42, text="again")
    assert second.message_id > sent.message_id


async def test_edit_and_callback_round_trip(api: FakeTelegramAPI, bot: Bot) -> None:
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("OK", callback_data="ok")]])
    sent = await bot.send_message(chat_id=7, text="Chọn", reply_markup=markup)
    update = api.callback(7, "ok")
    assert update["callback_query"]["message"]["message_id"] == sent.message_id

    edited = await bot.edit_message_text("Đã chọn", chat_id=7, message_id=sent.message_id)
    assert isinstance(edited, type(sent))
    assert edited.reply_markup is None  # omitting reply_markup drops the keyboard
    with pytest.raises(BadRequest, match="not modified"):
        await bot.edit_message_text("Đã chọn", chat_id=7, message_id=sent.message_id)


async def test_long_polling_and_offset_confirmation(api: FakeTelegramAPI, bot: Bot) -> None:
    async def push_later() -> None:
        await asyncio.sleep(0.2)
        api.enqueue_update(api.command(5, "/start hello"))

    pusher = asyncio.create_task(push_later())
    started = time.monotonic()
    updates = await bot.get_updates(timeout=3)
    elapsed = time.monotonic() - started
    await pusher

    assert 0.15 < elapsed < 2.0
    [update] = updates
    assert update.update_id == 1
    assert update.message is not None
    assert update.message.text == "/start hello"
    assert update.message.entities[0].length == len("/start")

    # Confirming with offset drops it for good; an empty poll honours the short timeout.
    assert await bot.get_updates(offset=update.update_id + 1, timeout=0) == ()
    assert api.pending_updates() == []
    assert api.confirmed_offset == 2
    assert await bot.get_updates(timeout=0) == ()


async def test_429_raises_retry_after(api: FakeTelegramAPI, bot: Bot) -> None:
    api.fail_next("sendMessage", status=429, retry_after=7)
    with pytest.raises(RetryAfter) as info:
        await bot.send_message(chat_id=1, text="hi")
    assert retry_seconds(info.value) == 7
    assert api.calls[-1].status == 429
    assert api.sent_messages == []
    await bot.send_message(chat_id=1, text="hi")  # only the next call failed
    assert len(api.sent_messages) == 1


async def test_500_raises_network_error(api: FakeTelegramAPI, bot: Bot) -> None:
    api.fail_next("sendMessage", status=500)
    with pytest.raises(NetworkError):
        await bot.send_message(chat_id=1, text="hi")
    assert [c.status for c in api.calls_of("sendMessage")] == [500]


async def test_rate_limit_counts_too_many_requests() -> None:
    async with (
        FakeTelegramAPI(rate_limit_per_second=3) as api,
        Bot(TOKEN, base_url=api.base_url) as bot,
    ):
        rejected = 0
        for i in range(5):
            try:
                await bot.send_message(chat_id=9, text=f"m{i}")
            except RetryAfter as exc:
                assert retry_seconds(exc) == 1
                rejected += 1
        assert rejected == 2
        assert api.too_many_requests == 2
        assert len(api.messages_to(9)) == 3


async def test_wait_for_sent_and_timeout(api: FakeTelegramAPI, bot: Bot) -> None:
    async def send_later() -> None:
        await asyncio.sleep(0.05)
        await bot.send_message(chat_id=3, text="xin chào")

    task = asyncio.create_task(send_later())
    [params] = await api.wait_for_sent(1, chat_id=3, timeout=2)
    await task
    assert params["text"] == "xin chào"

    def never(calls: list[Call]) -> bool:
        return False

    with pytest.raises(TimeoutError, match="never"):
        await api.wait_for(never, timeout=0.05)


async def test_unknown_method_is_404(api: FakeTelegramAPI, bot: Bot) -> None:
    with pytest.raises(EndPointNotFound):
        await bot.do_api_request("noSuchMethod")
    last = api.calls[-1]
    assert (last.method, last.status) == ("noSuchMethod", 404)
    assert last.response == {
        "ok": False,
        "error_code": 404,
        "description": "Not Found: method not found",
    }
