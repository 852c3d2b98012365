"""Handing Telegram long polling from one process to another on one PostgreSQL database.

Two bots share the database, as two `bietphai run` processes do: the first polls, the second
is a whole app as `bietphai run` assembles it (build_app), standing by. Only the poller
handles Telegram updates, so the replies it decided but has not sent yet are its own: the
second process must not touch them while it stands by, must not take polling over before
they are out when the first stops, and must send them (once) when the first died with them.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.app import BotApp
from bot.channels.telegram import TelegramChannel, build_application
from bot.channels.telegram_transport import TelegramPolling
from bot.liveness import Liveness, owner_token
from bot.orgservice import import_org
from handlers.core.messages import Incoming, Kind
from handlers.core.turn import HandlerConfig
from handlers.router import Router
from storage import org, outbox
from storage.org_import import resolve_person
from storage.pg import PgDatabase
from testing.fakes.telegram_api import FakeTelegramAPI
from tests.chat import ZONE, local
from tests.helpers.sample import AN, SAMPLE_XLSX
from tests.helpers.telegram import TOKEN, messages_in, pg_bot_process, until

pytestmark = [pytest.mark.filterwarnings("ignore:.*retry_after.*:DeprecationWarning")]

USER_ID = 8101
CONFIG = HandlerConfig(zone=ZONE, language="vi", backdate_days=7)
NOTE = "Hướng dẫn UBND xã rà soát hồ sơ công chức"


@dataclass
class Poller:
    """The first process: the router, Telegram channel and long polling on its own pool."""

    db: PgDatabase
    liveness: Liveness
    channel: TelegramChannel
    polling: TelegramPolling

    async def stop(self) -> None:
        """SIGTERM's path: stop polling, then the channel."""
        await self.polling.stop()
        await self.channel.stop()
        await self.liveness.stop()
        await self.db.close()


@pytest.fixture
async def first(pg_url: str, telegram: FakeTelegramAPI) -> AsyncIterator[Poller]:
    """The sample organisation with An linked on Telegram, and a process polling it."""
    db = await PgDatabase(pg_url).open()
    await import_org(db, SAMPLE_XLSX, local("2026-11-01 08:00"))
    async with db.transaction() as tx:
        await org.link_identity(
            tx,
            channel="telegram",
            user_id=str(USER_ID),
            chat_id=str(USER_ID),
            person_id=await resolve_person(tx, AN),
            display_name=AN,
            now=datetime.now(UTC),
        )
    # As `bietphai run` runs: the updates it decides are stored under its token.
    liveness = Liveness(db, owner_token())
    await liveness.start()
    router = Router(db, CONFIG, owner=liveness.token)
    channel = TelegramChannel(build_application(TOKEN, telegram.base_url), router, "vi")
    polling = TelegramPolling(channel, timeout=1)
    await channel.start()
    await polling.start()
    poller = Poller(db, liveness, channel, polling)
    await until(lambda: bool(telegram.calls_of("getUpdates")))
    yield poller
    if polling._task is not None and not polling._task.done():
        await poller.stop()
    elif channel.application.running:
        await channel.stop()  # the test made it die: only PTB is left to stop


@pytest.fixture
async def telegram() -> AsyncIterator[FakeTelegramAPI]:
    """The fake Bot API both processes talk to."""
    async with FakeTelegramAPI() as fake:
        yield fake


async def handled_not_sent(first: Poller, update_id: int) -> str:
    """An update the first process decided (committed) and whose offer it has not sent."""
    router = Router(first.db, CONFIG, owner=first.liveness.token)
    key = f"telegram:{update_id}"
    replies = await router.handle(
        Incoming(
            channel="telegram",
            user_id=str(USER_ID),
            chat_id=str(USER_ID),
            update_key=key,
            sent_at=local("2026-11-25 09:00"),
            kind=Kind.TEXT,
            text=NOTE,
        )
    )
    assert replies and replies[0].text.startswith("Lưu nội dung này"), replies
    return f"reply:{key}:0"


async def queued(db: PgDatabase, key: str) -> bool:
    """Whether the outbox holds a message under this key."""
    async with db.read() as tx:
        return await outbox.is_queued(tx, key)


async def test_a_process_that_starts_leaves_the_pollers_replies_and_sends_them_if_it_dies(
    first: Poller, telegram: FakeTelegramAPI, pg_url: str, tmp_path: Path
) -> None:
    key = await handled_not_sent(first, 900_001)
    async with pg_bot_process(pg_url, telegram, tmp_path):
        # The second process is up and standing by: the offer is the poller's to send.
        await asyncio.sleep(2.5)
        assert not await queued(first.db, key)
        assert messages_in(telegram, USER_ID) == []

        # The poller dies with it unsent (its database session ends, freeing the duty): the
        # second process takes polling over and sends the offer, once.
        assert first.polling._task is not None
        first.polling._task.cancel()
        await first.liveness.stop()
        await first.db.close()
        await until(lambda: len(messages_in(telegram, USER_ID)) == 1, timeout=15)
        [offer] = messages_in(telegram, USER_ID)
        assert offer.text.startswith("Lưu nội dung này") and NOTE in offer.text
        await asyncio.sleep(1.5)
        assert len(messages_in(telegram, USER_ID)) == 1


async def test_a_poller_that_stops_hands_over_after_its_answers_are_out(
    first: Poller, telegram: FakeTelegramAPI, pg_url: str, tmp_path: Path
) -> None:
    async with pg_bot_process(pg_url, telegram, tmp_path) as second:
        await hand_over_while_answering(first, second, telegram)


async def hand_over_while_answering(
    first: Poller, second: BotApp, telegram: FakeTelegramAPI
) -> None:
    """The first stops while Telegram holds its answer; the second stands by."""
    # Telegram is slow to take the answer; meanwhile the poller is told to stop (SIGTERM).
    telegram.set_delay("sendMessage", 3.0)
    update_id = telegram.enqueue_update(
        telegram.text_message(USER_ID, NOTE, date=int(local("2026-11-25 09:00").timestamp()))
    )
    await until(lambda: telegram.confirmed_offset > update_id)
    await first.stop()
    telegram.set_delay("sendMessage", 0)
    # The second process takes over only now (within 2 s), with nothing left to recover;
    # the offer went out once, from the first.
    await asyncio.sleep(3)
    offers = [m for m in messages_in(telegram, USER_ID) if m.text.startswith("Lưu nội dung")]
    assert len(offers) == 1
    async with second.db.read() as tx:
        assert await outbox.payloads_like(tx, "reply:") == []
