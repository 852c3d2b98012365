"""Unsent replies with several processes on one PostgreSQL database: only a dead one's are taken.

A process that decided an update and committed it sends its replies in the background. Until
they are marked sent they are its own: a process that starts meanwhile (webhook mode, every
process serves the webhook) must leave them alone, and when their process dies another one
must send them, once. Zalo long polling is one process's duty, handed over when it dies.
Real `bietphai run` processes (SIGKILL is a real death) and the local fake APIs.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import aiohttp
import pytest
from pydantic import SecretStr

from bot.app import BotApp, build_app
from bot.channels.reply_queue import RECOVER_EVERY_SECONDS
from bot.http.webhooks import TELEGRAM_SECRET_HEADER
from bot.orgservice import import_org
from bot.settings import Settings
from storage import org, outbox, updates
from storage.org_import import resolve_person
from storage.pg import PgDatabase
from testing.bot_process import PATIENCE, BotProcess, free_port
from testing.fakes.telegram_api import FakeTelegramAPI
from testing.fakes.zalo_api import TOKEN as ZALO_TOKEN
from testing.fakes.zalo_api import FakeZaloAPI
from tests.helpers.sample import AN, LAN, SAMPLE_XLSX, THANH
from tests.helpers.telegram import TOKEN, messages_in, until

pytestmark = [pytest.mark.filterwarnings("ignore:.*retry_after.*:DeprecationWarning")]

SECRET_KEY = "k" * 32
WEBHOOK_URL = "https://bot.example.org/tg"
WEBHOOK_SECRET = "tg-webhook-s3cret"
USER_ID = 8201
HELP = "/trogiup"
# The answer to /trogiup: one per message, whatever else the conversation holds.
ANSWER = "Anh/chị có thể dùng các lệnh sau"
WAIT = 60.0  # seconds for an answer across a death and a takeover, on a loaded machine
POLLING = "this process polls Zalo"
STANDING_BY = "another process polls Zalo"


@pytest.fixture
async def store(pg_url: str) -> AsyncIterator[PgDatabase]:
    """The sample organisation on the test's PostgreSQL database."""
    db = await PgDatabase(pg_url).open()
    await import_org(db, SAMPLE_XLSX, datetime.now(UTC))
    yield db
    await db.close()


async def link(db: PgDatabase, channel: str, user_id: str, name: str) -> None:
    """Link a chat account to a person of the sample, as an invite would."""
    async with db.transaction() as tx:
        await org.link_identity(
            tx,
            channel=channel,
            user_id=user_id,
            chat_id=user_id,
            person_id=await resolve_person(tx, name),
            display_name=name,
            now=datetime.now(UTC),
        )


async def replied(db: PgDatabase, key: str) -> bool:
    """Whether the update was decided and its replies marked sent."""
    async with db.read() as tx:
        seen = await updates.processed_update(tx, key)
    assert seen is not None, f"{key} was not decided"
    return seen.replied


async def recovered(db: PgDatabase) -> list[tuple[str, str]]:
    """(key, status) of the replies queued in the outbox by recovery (or a failed send)."""
    async with db.read() as tx:
        return [(key, status) for key, status, _ in await outbox.payloads_like(tx, "reply:")]


async def decided(db: PgDatabase, key: str) -> bool:
    """Whether some process has committed this update."""
    async with db.read() as tx:
        return await updates.processed_update(tx, key) is not None


def webhook_settings(pg_url: str, telegram: FakeTelegramAPI, tmp_path: Path) -> Settings:
    """A Telegram webhook process on the shared database, as `bietphai run` reads them."""
    return Settings(
        _env_file=None,
        BOT_DB_PATH=tmp_path / "unused.sqlite3",
        BOT_DATABASE_URL=pg_url,
        BOT_SECRET_KEY=SecretStr(SECRET_KEY),
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_API_BASE_URL=telegram.base_url,
        TELEGRAM_WEBHOOK_URL=WEBHOOK_URL,
        TELEGRAM_WEBHOOK_SECRET=WEBHOOK_SECRET,
        BOT_HTTP_PORT=free_port(),
    )


async def post_help(port: int, telegram: FakeTelegramAPI, update_id: int) -> str:
    """/trogiup through a process's webhook; answered 200 once decided and committed."""
    update = {**telegram.text_message(USER_ID, HELP, date=int(time.time())), "update_id": update_id}
    async with (
        aiohttp.ClientSession() as http,
        http.post(
            f"http://127.0.0.1:{port}/tg",
            json=update,
            headers={TELEGRAM_SECRET_HEADER: WEBHOOK_SECRET},
        ) as response,
    ):
        assert response.status == 200, await response.text()
    return f"telegram:{update_id}"


def answers_on_telegram(telegram: FakeTelegramAPI) -> int:
    """How many answers to /trogiup reached the user."""
    return sum(ANSWER in m.text for m in messages_in(telegram, USER_ID))


async def test_a_starting_webhook_process_leaves_a_live_ones_replies_and_sends_a_dead_ones_once(
    store: PgDatabase, pg_url: str, tmp_path: Path
) -> None:
    await link(store, "telegram", str(USER_ID), AN)
    async with FakeTelegramAPI() as telegram:
        first = BotProcess(
            tmp_path / "unused.sqlite3",
            telegram.base_url,
            tmp_path,
            name="first",
            settings={
                "BOT_DATABASE_URL": pg_url,
                "BOT_SECRET_KEY": SECRET_KEY,
                "TELEGRAM_WEBHOOK_URL": WEBHOOK_URL,
                "TELEGRAM_WEBHOOK_SECRET": WEBHOOK_SECRET,
            },
        )
        await first.start()
        second: BotApp | None = None
        try:
            await until(lambda: bool(telegram.calls_of("setWebhook")), timeout=PATIENCE)
            # Assembled now, started below while the first is sending: a start is then quick.
            second = await build_app(webhook_settings(pg_url, telegram, tmp_path))

            # 1. The first process is sending its answer (Telegram takes 4 s, below PTB's 5 s
            # read timeout) when a second process starts: the answer is the first's to send.
            telegram.set_delay("sendMessage", 4.0)
            live = await post_help(first.http_port, telegram, 1)
            await second.start()
            assert await recovered(store) == []
            assert not await replied(store, live), (
                "the first process's answer went out before the second started: nothing tested"
            )
            telegram.set_delay("sendMessage", 0)
            await until(lambda: answers_on_telegram(telegram) == 1, timeout=WAIT)
            # The second process also looks now and then: still nothing of a live process.
            await asyncio.sleep(RECOVER_EVERY_SECONDS + 1)
            assert answers_on_telegram(telegram) == 1
            assert await recovered(store) == []

            # 2. The first process dies while Telegram holds its answer (which then fails,
            # undelivered): the second sends it, once, through the outbox.
            telegram.set_timeout_rate("sendMessage", 1.0, 3.0)
            dead = await post_help(first.http_port, telegram, 2)
            await first.kill()
            telegram.set_timeout_rate("sendMessage", 0, 0)
            await until(lambda: answers_on_telegram(telegram) == 2, timeout=WAIT)
            await asyncio.sleep(RECOVER_EVERY_SECONDS + 1)
            assert answers_on_telegram(telegram) == 2
            assert await recovered(store) == [(f"reply:{dead}:0", "sent")]
        except BaseException:
            print(first.log_tail())
            raise
        finally:
            await first.kill()
            if second is not None:
                await second.stop()


def zalo_process(tmp_path: Path, n: int, pg_url: str, telegram: str, zalo: str) -> BotProcess:
    """A `bietphai run` process with Zalo long polling on the shared database."""
    return BotProcess(
        tmp_path / "unused.sqlite3",
        telegram,
        tmp_path,
        name=f"bot{n}",
        settings={
            "BOT_DATABASE_URL": pg_url,
            "BOT_SECRET_KEY": SECRET_KEY,
            "ZALO_BOT_TOKEN": ZALO_TOKEN,
            "ZALO_API_BASE_URL": zalo,
            "ZALO_POLL_TIMEOUT": "1",
        },
    )


def log_of(process: BotProcess) -> str:
    """Everything the process has logged so far."""
    return "\n".join(p.read_text(errors="replace") for p in process.logs if p.exists())


def answers_on_zalo(zalo: FakeZaloAPI, chat: str) -> int:
    """How many answers to /trogiup reached one Zalo chat."""
    return sum(ANSWER in text for text in zalo.texts_to(chat))


async def test_one_process_polls_zalo_and_another_takes_over_when_it_is_killed(
    store: PgDatabase, pg_url: str, tmp_path: Path
) -> None:
    chats = {"zalo-an": AN, "zalo-lan": LAN, "zalo-thanh": THANH}
    for chat, name in chats.items():
        await link(store, "zalo", chat, name)
    sent = dict.fromkeys(chats, 0)

    asked: list[str] = []

    async def ask(chat: str) -> None:
        """/trogiup from one chat, answered before the next."""
        asked.append(f"zalo:{zalo.enqueue(zalo.text(chat, HELP))}")
        sent[chat] += 1
        await until(lambda: answers_on_zalo(zalo, chat) == sent[chat], timeout=WAIT)

    async with FakeTelegramAPI() as telegram, FakeZaloAPI() as zalo:
        processes = [
            zalo_process(tmp_path, n, pg_url, telegram.base_url, zalo.base_url) for n in (1, 2)
        ]
        for process in processes:
            await process.start()
        try:
            await until(
                lambda: all(POLLING in log_of(p) or STANDING_BY in log_of(p) for p in processes),
                timeout=PATIENCE,
            )
            [poller] = [p for p in processes if POLLING in log_of(p)]
            [other] = [p for p in processes if p is not poller]
            for _ in range(2):
                for chat in chats:
                    await ask(chat)

            # The poller has decided An's message and is sending the answer when it is killed.
            # Its earlier answers are marked sent first: one Zalo took in the very moment its
            # process died, before the mark, is sent again (at least once, at that edge).
            for key in asked:
                await until_replied(store, key)
            zalo.hang("sendMessage", 3.0)
            killed = zalo.enqueue(zalo.text("zalo-an", HELP))
            sent["zalo-an"] += 1
            await until(lambda: zalo.fetched(killed), timeout=WAIT)
            await until_decided(store, f"zalo:{killed}")
            await poller.kill()
            zalo.hang("sendMessage", 0)
            # Zalo hands a message to whichever getUpdates is open, the dead poller's too until
            # it ends (no offset to confirm): Lan writes once that long poll is over, maybe
            # before anyone has taken polling over (the message waits at Zalo).
            await asyncio.sleep(zalo.max_poll_seconds + 0.5)
            await ask("zalo-lan")
            assert POLLING in log_of(other)
            await until(lambda: answers_on_zalo(zalo, "zalo-an") == sent["zalo-an"], timeout=WAIT)
            for chat in chats:
                await ask(chat)

            await asyncio.sleep(RECOVER_EVERY_SECONDS + 1)
            assert {c: answers_on_zalo(zalo, c) for c in chats} == sent
            assert await recovered(store) == [(f"reply:zalo:{killed}:0", "sent")]
            assert STANDING_BY in log_of(other)
        except BaseException:
            for process in processes:
                print(process.log_tail())
            print("sent", sent, "asked", asked)
            for chat in chats:
                print(chat, zalo.texts_to(chat))
            print([(c.method, c.status, c.params.get("chat_id")) for c in zalo.calls[-40:]])
            raise
        finally:
            for process in processes:
                await process.kill()


async def until_decided(db: PgDatabase, key: str) -> None:
    """Wait until a process has committed this update."""
    deadline = time.monotonic() + WAIT
    while not await decided(db, key):
        assert time.monotonic() < deadline, f"{key} never decided"
        await asyncio.sleep(0.05)


async def until_replied(db: PgDatabase, key: str) -> None:
    """Wait until the replies of this update are marked sent."""
    deadline = time.monotonic() + WAIT
    while not await replied(db, key):
        assert time.monotonic() < deadline, f"{key} never marked sent"
        await asyncio.sleep(0.05)
