"""Helpers for Telegram stories: the bot on the fake Bot API, an official in a chat, linking."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from pydantic import SecretStr

from bot.app import BotApp, build_app
from bot.channels.telegram import TelegramChannel, build_application
from bot.channels.telegram_transport import TelegramPolling
from bot.orgservice import create_invite
from bot.settings import Settings
from handlers.router import Router
from storage import Database, worklog
from storage.models import WorkLog
from storage.org_import import resolve_person
from testing.bot_process import free_port
from testing.fakes.telegram_api import Call, FakeTelegramAPI
from tests.chat import local

JSONDict = dict[str, Any]


TOKEN = "123:ABC"


@contextlib.asynccontextmanager
async def pg_bot_process(
    url: str, telegram: FakeTelegramAPI, tmp_path: Path
) -> AsyncIterator[BotApp]:
    """A process on the PostgreSQL database at `url`, as `bietphai run` assembles and starts it."""
    settings = Settings(
        _env_file=None,
        BOT_DB_PATH=tmp_path / "unused.sqlite3",
        BOT_DATABASE_URL=url,
        BOT_SECRET_KEY=SecretStr("k" * 32),
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_API_BASE_URL=telegram.base_url,
        TELEGRAM_POLL_TIMEOUT=1,
        BOT_HTTP_PORT=free_port(),
    )
    app = await build_app(settings)
    try:
        await app.start()
        yield app
    finally:
        await app.stop()


MORNING = "2026-11-25 09:00"  # a Wednesday in Đợt 2 (02/11/2026–25/12/2026)


def unix(when: str) -> int:
    """The unix timestamp of a local (Vietnam) time, as Telegram puts it in `date`."""
    return int(local(when).timestamp())


async def until(condition: Callable[[], bool], timeout: float = 10.0) -> None:  # noqa: ASYNC109
    """Wait until a condition about the fake or the database holds."""
    # Polled: the fake sets its offset when getUpdates arrives but records the call only when
    # the long poll ends, so there is no event to wait on.
    async with asyncio.timeout(timeout):
        while not condition():  # noqa: ASYNC110
            await asyncio.sleep(0.01)


@dataclass(frozen=True)
class BotMessage:
    """A message the bot sent into a chat, as the person sees it."""

    message_id: int
    text: str
    markup: JSONDict | None

    @classmethod
    def of(cls, call: Call) -> BotMessage:
        """The message a successful sendMessage call created."""
        assert call.response is not None
        result = call.response["result"]
        return cls(result["message_id"], call.params["text"], call.params.get("reply_markup"))

    @property
    def buttons(self) -> list[str]:
        """Labels of the inline buttons under the message."""
        rows = (self.markup or {}).get("inline_keyboard", [])
        return [button["text"] for row in rows for button in row]

    def button_data(self, label: str) -> str:
        """The callback data of the inline button with this label."""
        for row in (self.markup or {}).get("inline_keyboard", []):
            for button in row:
                if button["text"] == label:
                    return str(button["callback_data"])
        raise AssertionError(f"no button {label!r} under {self.text!r}: {self.buttons}")


def messages_in(fake: FakeTelegramAPI, chat_id: int) -> list[BotMessage]:
    """Every message the bot managed to send into one chat, oldest first."""
    return [
        BotMessage.of(c)
        for c in fake.calls_of("sendMessage")
        if c.ok and str(c.params.get("chat_id")) == str(chat_id)
    ]


class PollingBot:
    """The bot as `bietphai run` assembles it in polling mode, on the fake API."""

    def __init__(self, fake: FakeTelegramAPI, router: Router) -> None:
        self.fake = fake
        self.router = router
        self.channel: TelegramChannel | None = None
        self.polling: TelegramPolling | None = None
        self.last_update_id = 0

    async def start(self) -> None:
        """Start PTB, the command menu and long polling."""
        application = build_application(TOKEN, self.fake.base_url)
        self.channel = TelegramChannel(application, self.router, "vi")
        self.polling = TelegramPolling(self.channel, timeout=1)
        await self.channel.start()
        await self.polling.start()

    async def stop(self) -> None:
        """Stop polling, then PTB."""
        if self.polling is not None:
            await self.polling.stop()
        if self.channel is not None:
            await self.channel.stop()
        self.polling = self.channel = None

    async def deliver(self, update: JSONDict, chat_id: int) -> list[BotMessage]:
        """Hand one update to Telegram; once the bot confirmed it, the replies in that chat."""
        before = len(messages_in(self.fake, chat_id))
        update_id = self.last_update_id = self.fake.enqueue_update(update)
        # The offset moves past an update only after the bot handled (committed) it; the
        # replies follow in the background.
        await until(lambda: self.fake.confirmed_offset > update_id)
        assert self.channel is not None
        await self.channel.drain()
        return messages_in(self.fake, chat_id)[before:]


@dataclass
class Official:
    """A person with Telegram on their phone, talking to the bot."""

    bot: PollingBot
    user_id: int
    first_name: str

    @property
    def fake(self) -> FakeTelegramAPI:
        """Telegram's side of the conversation."""
        return self.bot.fake

    async def says(self, text: str, at: str = MORNING) -> list[BotMessage]:
        """Type a message (or a /command) at a local time; returns the bot's replies."""
        update = self.fake.command(self.user_id, text, date=unix(at), first_name=self.first_name)
        return await self.bot.deliver(update, self.user_id)

    async def presses(self, label: str, message: BotMessage) -> list[BotMessage]:
        """Tap an inline button under one of the bot's messages."""
        update = self.press_update(label, message)
        return await self.bot.deliver(update, self.user_id)

    def press_update(self, label: str, message: BotMessage) -> JSONDict:
        """The callback_query update Telegram sends for a tap on that button."""
        data = message.button_data(label)
        return self.fake.callback(
            self.user_id, data, message_id=message.message_id, first_name=self.first_name
        )

    async def sends(self, update: JSONDict) -> list[BotMessage]:
        """Send something other than text (sticker, voice, contact...)."""
        return await self.bot.deliver(update, self.user_id)


async def invite_code(db: Database, name: str) -> str:
    """A fresh invite code for a sample person, as `bietphai invite` prints it."""
    invite = await create_invite(db, name, datetime.now(UTC), timedelta(days=7))
    return invite.code


async def linked_official(
    bot: PollingBot, db: Database, name: str, user_id: int, first_name: str
) -> Official:
    """An official who redeemed an invite with /start CODE."""
    person = Official(bot, user_id, first_name)
    [greeting] = await person.says(f"/start {await invite_code(db, name)}")
    assert greeting.text.startswith(f"Chào anh/chị {first_name}!"), greeting.text
    return person


async def entries_of(db: Database, name: str) -> list[WorkLog]:
    """Every stored entry of a person, newest first."""
    async with db.read() as tx:
        return await worklog.recent_work_logs(tx, await resolve_person(tx, name), limit=1000)
