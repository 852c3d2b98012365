"""Helpers for Zalo stories: the bot on the fake Zalo API, a person on Zalo, linking."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.channels.zalo import ZaloChannel
from bot.channels.zalo_api import ZaloClient
from bot.channels.zalo_outbox import ZaloOutbox
from bot.channels.zalo_transport import ZaloPolling
from bot.http.files import FileRoutes
from bot.http.server import Address, HttpServer
from bot.image_links import ImageLinks
from bot.orgservice import create_invite
from bot.outbox_sender import OutboxSender, SenderSettings
from handlers.core.messages import Reply
from handlers.router import Router
from storage import Database
from testing.fakes.zalo_api import TOKEN, FakeZaloAPI
from tests.chat import ZONE, local

JSONDict = dict[str, Any]


MORNING = "2026-11-25 09:00"  # a Wednesday in Đợt 2


AN_ZALO = "7a1e5c0ffee0an"


THANH_ZALO = "7a1e5c0ffee0thanh"


# How long a file link works: BOT_IMAGE_LINK_HOURS by default.
LINK_LIFETIME = timedelta(hours=168)


FAST = SenderSettings(messages_per_second=50, chat_interval=0.0, idle=0.05, backoff_base=0.1)


def ms(when: str) -> int:
    """A local (Vietnam) time in milliseconds, as Zalo puts it in `date`."""
    return int(local(when).timestamp() * 1000)


async def until(condition: Callable[[], bool], timeout: float = 10.0) -> None:  # noqa: ASYNC109
    """Wait until a condition about the fake or the bot holds."""
    async with asyncio.timeout(timeout):
        while not condition():  # noqa: ASYNC110
            await asyncio.sleep(0.01)


def number_of(text: str, label: str) -> str:
    """The number in front of a choice in a numbered list ('2. Lưu' -> '2')."""
    for line in text.splitlines():
        found = re.match(r"^(\d+)\. (.*)$", line)
        if found and label in found.group(2):
            return found.group(1)
    raise AssertionError(f"no choice {label!r} in {text!r}")


class ZaloBot:
    """The bot as `bietphai run` assembles it for Zalo in polling mode, on the fake API."""

    def __init__(self, fake: FakeZaloAPI, router: Router) -> None:
        self.fake = fake
        self.router = router
        self.channel = ZaloChannel(ZaloClient(TOKEN, fake.base_url), router, "vi")
        self.polling = ZaloPolling(self.channel, timeout=1)
        self.delivery = ZaloOutbox(ZaloClient(TOKEN, fake.base_url), "vi", quota_pause=0.3)
        self.sender: OutboxSender | None = None

    async def start(self) -> None:
        """Channel, polling loop and outbox sender."""
        self.sender = OutboxSender(self.router.db, self.delivery, FAST)
        for service in (self.channel, self.polling, self.delivery, self.sender):
            await service.start()

    async def stop(self) -> None:
        """Everything, in reverse order."""
        assert self.sender is not None
        for service in (self.sender, self.delivery, self.polling, self.channel):
            await service.stop()

    async def deliver(self, update: JSONDict, chat_id: str) -> list[str]:
        """Hand one message to Zalo; once the bot handled it, what it answered in that chat."""
        before = len(self.fake.texts_to(chat_id))
        message_id = self.fake.enqueue(update)
        await until(lambda: self.fake.polled_after(message_id))
        await self.channel.drain()
        return self.fake.texts_to(chat_id)[before:]


@dataclass
class ZaloUser:
    """A person with Zalo on their phone."""

    bot: ZaloBot
    user_id: str
    name: str

    async def says(self, text: str, at: str = MORNING) -> str:
        """Type a message; returns everything the bot answered, joined."""
        update = self.bot.fake.text(self.user_id, text, date_ms=ms(at), display_name=self.name)
        return "\n".join(await self.bot.deliver(update, self.user_id))

    async def picks(self, label: str, offered: str) -> str:
        """Answer a numbered list with the number of one choice."""
        return await self.says(number_of(offered, label))

    async def receives(self, wanted: str) -> str:
        """Wait for a message the bot sends on its own (through the outbox)."""
        await until(lambda: any(wanted in t for t in self.bot.fake.texts_to(self.user_id)))
        return next(t for t in self.bot.fake.texts_to(self.user_id) if wanted in t)


async def invite_code(db: Database, name: str) -> str:
    """A fresh invite code, as `bietphai invite` prints it on its last line."""
    return (await create_invite(db, name, datetime.now(UTC), timedelta(days=7))).code


async def linked(bot: ZaloBot, db: Database, name: str, user_id: str, given: str) -> ZaloUser:
    """A person who sent their invite code as a plain message."""
    person = ZaloUser(bot, user_id, given)
    greeting = await person.says(await invite_code(db, name))
    assert greeting.startswith(f"Chào anh/chị {given}! Tài khoản Zalo đã được liên kết"), greeting
    return person


@asynccontextmanager
async def file_links(
    db: Database, clock: Callable[[], datetime] = lambda: datetime.now(UTC)
) -> AsyncIterator[ImageLinks]:
    """The bot's HTTP server on a free port of 127.0.0.1 serving /files, and links into it."""
    server = HttpServer(Address("127.0.0.1", 0))
    server.add_routes(FileRoutes(db, path="/files", clock=clock).routes())
    await server.start()
    try:
        base = f"http://127.0.0.1:{server.bound_port}/files"
        yield ImageLinks(db, base, LINK_LIFETIME, ZONE, clock=clock)
    finally:
        await server.stop()


async def delivered_on_zalo(links: ImageLinks, reply: Reply, chat_id: str) -> list[str]:
    """The texts a Zalo chat receives when the outbox sends this reply with file links on."""
    async with FakeZaloAPI() as fake:
        delivery = ZaloOutbox(ZaloClient(TOKEN, fake.base_url), "vi", links=links)
        await delivery.start()
        try:
            for piece in delivery.pieces(reply):
                await delivery.deliver(chat_id, piece)
        finally:
            await delivery.stop()
        return fake.texts_to(chat_id)
