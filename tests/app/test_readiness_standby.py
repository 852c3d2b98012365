"""/readyz with two bot processes on one PostgreSQL database: the one that polls Telegram and
sends its outbox is ready, the one standing by for both duties is ready too and names them, and
a process that loses its way to the database is not ready, and says so in time for a load
balancer."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import aiohttp
import pytest

from bot.app import BotApp
from bot.channels.polling_duty import polling_duty
from bot.outbox_sender import sending_duty
from handlers.core.messages import Reply
from storage import outbox
from testing.bot_process import free_port
from testing.fakes.telegram_api import FakeTelegramAPI
from tests.helpers.telegram import pg_bot_process, until

pytestmark = [pytest.mark.filterwarnings("ignore:.*retry_after.*:DeprecationWarning")]

# A load balancer's health-check timeout: /readyz must answer within it, ready or not.
PROBE_TIMEOUT = 10.0
# An outage longer than the connection pool's 30 s wait for a connection.
OUTAGE_SECONDS = 35.0
# The duties a second process waits for while the first polls Telegram and sends its outbox.
BOTH_DUTIES = ["outbox:telegram", "telegram:polling"]


class CuttableLink:
    """A TCP relay to the database server that the test cuts (a network failure) and mends."""

    def __init__(self, host: str, port: int) -> None:
        self.host = host
        self.port = port
        self.listen_port = free_port()
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()

    async def mend(self) -> None:
        """Accept connections (again), on the same port."""
        self._server = await asyncio.start_server(self._relay, "127.0.0.1", self.listen_port)

    async def cut(self) -> None:
        """Refuse new connections and break every open one."""
        if self._server is not None:
            self._server.close()
            self._server = None
        for writer in list(self._writers):
            writer.transport.abort()
        self._writers.clear()

    async def _relay(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        up_reader, up_writer = await asyncio.open_connection(self.host, self.port)
        self._writers |= {writer, up_writer}
        await asyncio.gather(
            _copy(reader, up_writer), _copy(up_reader, writer), return_exceptions=True
        )
        for each in (writer, up_writer):
            self._writers.discard(each)
            each.transport.abort()


async def _copy(source: asyncio.StreamReader, target: asyncio.StreamWriter) -> None:
    while data := await source.read(65536):
        target.write(data)
        await target.drain()


@pytest.fixture
async def telegram() -> AsyncIterator[FakeTelegramAPI]:
    """The fake Bot API both processes talk to."""
    async with FakeTelegramAPI() as fake:
        yield fake


@pytest.fixture
async def link(pg_url: str) -> AsyncIterator[CuttableLink]:
    """The second process's way to the database server."""
    parts = urlsplit(pg_url)
    relay = CuttableLink(parts.hostname or "127.0.0.1", parts.port or 5432)
    await relay.mend()
    yield relay
    await relay.cut()


async def readiness(app: BotApp) -> tuple[int, dict[str, Any]]:
    """GET /readyz on the app's HTTP server, with a load balancer's patience: status and JSON."""
    url = f"http://127.0.0.1:{app.settings.http_port}/readyz"
    patience = aiohttp.ClientTimeout(total=PROBE_TIMEOUT)
    async with aiohttp.ClientSession(timeout=patience) as http, http.get(url) as response:
        return response.status, await response.json()


async def test_a_process_that_cannot_reach_the_database_is_not_ready_the_standby_is(
    pg_url: str, telegram: FakeTelegramAPI, link: CuttableLink, tmp_path: Path
) -> None:
    parts = urlsplit(pg_url)
    user = f"{parts.username}@" if parts.username else ""
    through_link = urlunsplit(parts._replace(netloc=f"{user}127.0.0.1:{link.listen_port}"))
    async with pg_bot_process(pg_url, telegram, tmp_path) as first:
        # Only the process holding the polling duty calls getUpdates.
        await until(lambda: bool(telegram.calls_of("getUpdates")))
        async with pg_bot_process(through_link, telegram, tmp_path) as second:
            await until(lambda: second.monitor.standby_duties() == BOTH_DUTIES)
            assert await readiness(first) == (200, {"status": "ready"})
            assert await readiness(second) == (200, {"status": "ready", "standby": BOTH_DUTIES})

            # The standby loses its way to the database: not ready, and says so in time for
            # a load balancer's probe (the database checks are bounded, the read not tried
            # after the write failed); the first stays ready.
            await link.cut()
            # The first probe finds the pool's connections broken, the second finds none to
            # be had (the pool would wait 30 s for one).
            for _ in range(2):
                status, body = await readiness(second)
                assert (status, body["standby"]) == (503, BOTH_DUTIES)
                [reason] = body["reasons"]
                assert reason.startswith("database: "), reason
            assert await readiness(first) == (200, {"status": "ready"})

            # Mended: ready again once its pool has reconnected.
            await link.mend()
            for _ in range(150):
                if (await readiness(second))[0] == 200:
                    break
                await asyncio.sleep(0.2)
            assert await readiness(second) == (200, {"status": "ready", "standby": BOTH_DUTIES})


async def test_a_standby_names_the_duties_it_waits_for_until_it_takes_them_over(
    pg_url: str, telegram: FakeTelegramAPI, tmp_path: Path
) -> None:
    # Polling and sending are separate duties, each held by one process at a time: the
    # process waiting lists each one it waits for, and none once it holds them.
    async with contextlib.AsyncExitStack() as holder:
        first = await holder.enter_async_context(pg_bot_process(pg_url, telegram, tmp_path))
        await until(lambda: bool(telegram.calls_of("getUpdates")))
        async with pg_bot_process(pg_url, telegram, tmp_path) as second:
            await until(lambda: second.monitor.stands_by(sending_duty("telegram")))
            await until(lambda: second.monitor.stands_by(polling_duty("telegram")))
            assert await readiness(second) == (200, {"status": "ready", "standby": BOTH_DUTIES})
            assert await readiness(first) == (200, {"status": "ready"})

            await holder.aclose()  # the first stops; the second takes both duties over
            await until(lambda: second.monitor.standby_duties() == [], timeout=30)
            assert await readiness(second) == (200, {"status": "ready"})


async def test_a_standby_cut_off_from_the_database_still_takes_polling_over_afterwards(
    pg_url: str, telegram: FakeTelegramAPI, link: CuttableLink, tmp_path: Path
) -> None:
    # A database outage must not end the standby's wait for the polling duty (nor the
    # outbox sender's): once the database is back, the standby takes over when the poller
    # stops, instead of calling itself a healthy standby that never will.
    parts = urlsplit(pg_url)
    user = f"{parts.username}@" if parts.username else ""
    through_link = urlunsplit(parts._replace(netloc=f"{user}127.0.0.1:{link.listen_port}"))
    async with contextlib.AsyncExitStack() as poller:
        await poller.enter_async_context(pg_bot_process(pg_url, telegram, tmp_path))
        await until(lambda: bool(telegram.calls_of("getUpdates")))
        async with pg_bot_process(through_link, telegram, tmp_path) as second:
            await until(lambda: second.monitor.stands_by(polling_duty("telegram")))
            await link.cut()
            # Longer than the pool waits for a connection: every try of the duty fails.
            await asyncio.sleep(OUTAGE_SECONDS)
            await link.mend()
            await poller.aclose()  # the poller stops; the standby takes polling over
            await until(lambda: not second.monitor.stands_by(polling_duty("telegram")), timeout=60)
            # And it sends: its outbox sender also outlived the outage.
            async with second.db.transaction() as tx:
                await outbox.enqueue_to_chat(
                    tx,
                    key="after-the-outage",
                    channel="telegram",
                    chat_id="4242",
                    payload=Reply("Sau sự cố cơ sở dữ liệu").to_json(),
                    now=datetime.now(UTC),
                )
            await until(
                lambda: any(
                    c.params.get("text") == "Sau sự cố cơ sở dữ liệu"
                    for c in telegram.calls_of("sendMessage")
                ),
                timeout=60,
            )
