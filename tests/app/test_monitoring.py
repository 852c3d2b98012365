"""Stories of an operator watching the bot: /healthz, /readyz and /metrics on the one HTTP
server, asked over real HTTP while the real bot (`build_app`) polls the local fakes."""

from __future__ import annotations

import asyncio
import re
import sqlite3
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from bot.app import BotApp, build_app
from bot.http.health import HealthRoutes
from bot.http.server import Address, HttpServer
from bot.monitor import Monitor
from bot.orgservice import import_org
from bot.scheduler import SchedulerService
from bot.settings import Settings
from storage import Database, export_jobs, outbox
from storage.db import migrations
from storage.org_import import resolve_person
from testing.bot_process import PATIENCE, BotProcess, free_port
from testing.fakes.telegram_api import FakeTelegramAPI
from testing.fakes.zalo_api import FakeZaloAPI
from tests.chat import local
from tests.helpers.sample import SAMPLE_XLSX, THANH

METRICS_TOKEN = "metrics-t0ken"
STRANGER = 777001
LEADER_CHAT = "555001"


async def until(condition: Callable[[], Any], timeout: float = 30.0) -> None:  # noqa: ASYNC109
    """Wait until a (possibly async) condition holds."""
    async with asyncio.timeout(timeout):
        while True:
            result = condition()
            if asyncio.iscoroutine(result):
                result = await result
            if result:
                return
            await asyncio.sleep(0.05)


@dataclass
class Running:
    """The bot as `bietphai run` assembles it, and an HTTP client for its server."""

    app: BotApp
    base: str
    http: aiohttp.ClientSession

    async def get(self, path: str, **headers: str) -> tuple[int, str, str]:
        """Status, body text and content type of a GET."""
        async with self.http.get(self.base + path, headers=headers) as response:
            return response.status, await response.text(), response.headers["Content-Type"]

    async def status(self, path: str) -> tuple[int, str, str]:
        """Status, body and media type (without parameters) of a GET."""
        async with self.http.get(self.base + path) as response:
            return response.status, await response.text(), response.content_type

    async def metrics(self) -> str:
        """The /metrics text, with the token."""
        status, body, _ = await self.get("/metrics", Authorization=f"Bearer {METRICS_TOKEN}")
        assert status == 200, body
        return body


def metric(text: str, name: str, **labels: str) -> float | None:
    """The value of one sample in Prometheus text (None when absent)."""
    wanted = ",".join(f'{key}="{value}"' for key, value in labels.items())
    pattern = re.escape(name) + (r"\{" + re.escape(wanted) + r"\}" if labels else "")
    found = re.search(rf"^{pattern} (\S+)$", text, re.MULTILINE)
    return float(found.group(1)) if found else None


@pytest.fixture
async def telegram() -> AsyncIterator[FakeTelegramAPI]:
    """The local fake of the Telegram Bot API."""
    async with FakeTelegramAPI() as fake:
        yield fake


@pytest.fixture
async def zalo() -> AsyncIterator[FakeZaloAPI]:
    """The local fake of the Zalo Bot API."""
    async with FakeZaloAPI() as fake:
        yield fake


async def sample_database(path: Path) -> Path:
    """A database file with the sample organisation."""
    db = await Database(path).open()
    try:
        await import_org(db, SAMPLE_XLSX, local("2026-11-01 08:00"))
    finally:
        await db.close()
    return path


@pytest.fixture
async def running(
    telegram: FakeTelegramAPI, zalo: FakeZaloAPI, tmp_path: Path
) -> AsyncIterator[Running]:
    """Both channels polling their fakes, metrics on with a token, on a free port."""
    port = free_port()
    settings = Settings(
        _env_file=None,
        BOT_DB_PATH=await sample_database(tmp_path / "bietphai.sqlite3"),
        TELEGRAM_BOT_TOKEN="123:ABC",
        TELEGRAM_API_BASE_URL=telegram.base_url,
        TELEGRAM_POLL_TIMEOUT=1,
        ZALO_BOT_TOKEN=zalo.token,
        ZALO_API_BASE_URL=zalo.base_url,
        ZALO_POLL_TIMEOUT=1,
        BOT_HTTP_PORT=port,
        BOT_METRICS_ENABLED=True,
        BOT_METRICS_TOKEN=METRICS_TOKEN,
    )
    app = await build_app(settings)
    await app.start()
    try:
        async with aiohttp.ClientSession() as http:
            yield Running(app, f"http://127.0.0.1:{port}", http)
    finally:
        await app.stop()


async def test_health_and_readiness_on_the_one_port_while_both_channels_poll(
    running: Running,
) -> None:
    assert await running.status("/healthz") == (200, '{"status": "alive"}', "application/json")

    async def ready() -> bool:
        return (await running.get("/readyz"))[0] == 200

    await until(ready)
    assert (await running.get("/readyz"))[1] == '{"status": "ready"}'


async def test_metrics_need_the_bearer_token(running: Running) -> None:
    assert (await running.get("/metrics"))[0] == 401
    assert (await running.get("/metrics", Authorization="Bearer wrong"))[0] == 401
    assert (await running.get("/metrics", Authorization=METRICS_TOKEN))[0] == 401
    status, body, content_type = await running.get(
        "/metrics", Authorization=f"Bearer {METRICS_TOKEN}"
    )
    assert status == 200
    assert content_type.startswith("text/plain; version=0.0.4")
    assert "# TYPE bietphai_updates_total counter" in body
    # PostgreSQL's lost races, counted for the whole process (0 while only SQLite runs).
    assert re.search(r"^bietphai_database_retries_total \d+\.0$", body, re.MULTILINE)
    # Chat turns that wrote beyond their own rows and were run serializable (PostgreSQL).
    assert re.search(r"^bietphai_database_escalations_total \d+\.0$", body, re.MULTILINE)
    assert METRICS_TOKEN not in body


async def test_metrics_count_what_the_bot_does(running: Running, telegram: FakeTelegramAPI) -> None:
    db = running.app.db
    # Someone the bot does not know writes: one update handled, one reply sent.
    telegram.enqueue_update(telegram.text_message(STRANGER, "Xin chào", first_name="Khách"))
    await telegram.wait_for_sent(chat_id=STRANGER, count=1)

    async def counted() -> bool:
        text = await running.metrics()
        return metric(text, "bietphai_replies_total", channel="telegram", result="sent") == 1.0

    await until(counted)
    text = await running.metrics()
    assert metric(text, "bietphai_updates_total", channel="telegram", outcome="unregistered") == 1
    assert metric(text, "bietphai_update_handling_seconds_count", channel="telegram") == 1
    for channel in ("telegram", "zalo"):
        last_poll = metric(
            text, "bietphai_channel_last_contact_timestamp_seconds", channel=channel, via="poll"
        )
        assert last_poll is not None and abs(last_poll - datetime.now(UTC).timestamp()) < 30

    # A message waiting on a channel nobody drains: the oldest pending row ages.
    now = datetime.now(UTC)
    async with db.transaction() as tx:
        await outbox.enqueue_to_chat(
            tx, key="test:waiting", channel="console", chat_id="x", payload={}, now=now
        )
        # The leader's export, asked from Telegram: built in the worker process, then sent.
        async with db.read() as read:
            leader = await resolve_person(read, THANH)
        await export_jobs.request_export(
            tx,
            person_id=leader,
            channel="telegram",
            chat_id=LEADER_CHAT,
            language="vi",
            first=date(2026, 11, 1),
            last=date(2026, 11, 30),
            division_code=None,
            scope_label="toàn Sở",
            now=now,
        )
    await telegram.wait_for(lambda calls: any(c.method == "sendDocument" for c in calls), 60)
    [document] = telegram.calls_of("sendDocument")
    assert document.params["document"]["file_name"] == "bietphai-01-11-2026-30-11-2026.xlsx"

    async def delivered() -> bool:
        text = await running.metrics()
        return (
            metric(text, "bietphai_outbox_messages_total", channel="telegram", result="delivered")
            == 1.0
        )

    await until(delivered)
    text = await running.metrics()
    assert metric(text, "bietphai_exports_total", outcome="done") == 1.0
    assert metric(text, "bietphai_export_seconds_count") == 1.0
    assert metric(text, "bietphai_outbox_rows", status="pending") == 1.0
    assert metric(text, "bietphai_outbox_rows", status="sent") == 1.0
    oldest = metric(text, "bietphai_outbox_oldest_pending_age_seconds")
    assert oldest is not None and 0 < oldest < 120

    # A scheduled job's run and its outcome.
    scheduler = next(s for s in running.app.services if isinstance(s, SchedulerService))
    scheduler.scheduler.get_job("reminders").modify(next_run_time=datetime.now(UTC))
    scheduler.scheduler.wakeup()

    async def job_ran() -> bool:
        text = await running.metrics()
        return metric(text, "bietphai_job_last_run_success", job="reminders") == 1.0

    await until(job_ran)
    text = await running.metrics()
    ran_at = metric(text, "bietphai_job_last_run_timestamp_seconds", job="reminders")
    assert ran_at is not None and abs(ran_at - datetime.now(UTC).timestamp()) < 30


async def test_metrics_are_off_unless_enabled(telegram: FakeTelegramAPI, tmp_path: Path) -> None:
    port = free_port()
    settings = Settings(
        _env_file=None,
        BOT_DB_PATH=tmp_path / "bietphai.sqlite3",
        TELEGRAM_BOT_TOKEN="123:ABC",
        TELEGRAM_API_BASE_URL=telegram.base_url,
        TELEGRAM_POLL_TIMEOUT=1,
        BOT_HTTP_PORT=port,
    )
    app = await build_app(settings)
    await app.start()
    try:
        async with aiohttp.ClientSession() as http:
            async with http.get(f"http://127.0.0.1:{port}/metrics") as response:
                assert response.status == 404
            async with http.get(f"http://127.0.0.1:{port}/healthz") as response:
                assert response.status == 200
    finally:
        await app.stop()


@dataclass
class Clock:
    """Seconds since the epoch, moved by the test."""

    now: float = 1_000_000.0

    def __call__(self) -> float:
        return self.now


async def readiness(server: HttpServer) -> tuple[int, dict[str, Any]]:
    """GET /readyz: status and JSON."""
    async with (
        aiohttp.ClientSession() as http,
        http.get(f"http://127.0.0.1:{server.bound_port}/readyz") as response,
    ):
        return response.status, await response.json()


@asynccontextmanager
async def serving_health(
    db: Database, monitor: Monitor, channels: list[str]
) -> AsyncIterator[HttpServer]:
    """Only /healthz and /readyz, on a free port, for the channels named."""
    server = HttpServer(Address("127.0.0.1", 0))
    server.add_routes(HealthRoutes(db, monitor, channels).routes())
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


async def test_readiness_says_why_it_is_not_ready(tmp_path: Path) -> None:
    path = tmp_path / "bietphai.sqlite3"
    clock = Clock()
    monitor = Monitor(clock=clock)
    # A short busy timeout, so a database someone else holds answers quickly.
    async with (
        Database(path, busy_timeout_ms=100) as db,
        serving_health(db, monitor, ["telegram", "zalo"]) as server,
    ):
        monitor.reached("telegram", "poll")
        monitor.reached("zalo", "webhook")
        assert await readiness(server) == (200, {"status": "ready"})

        # Polling stopped answering five minutes ago; Zalo's webhook was checked just now.
        clock.now += 301
        monitor.reached("zalo", "check")
        status, body = await readiness(server)
        assert status == 503
        assert body["reasons"] == ["telegram: no contact with its platform for 301 s"]

        # Another process holds the database's write lock.
        monitor.reached("telegram", "poll")
        holder = sqlite3.connect(path, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        try:
            status, body = await readiness(server)
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        assert status == 503
        assert body["reasons"] == ["database: does not take a write (database is locked)"]

        # A migration in the middle not applied (the numbers landed out of order).
        with sqlite3.connect(path) as older:
            older.execute("DELETE FROM schema_migrations WHERE version = 12")
        status, body = await readiness(server)
        assert (status, body["reasons"]) == (
            503,
            ["database: migrations 12 not applied (restart the bot or run bietphai migrate)"],
        )

        # A database whose schema is behind the code (an older copy restored, say).
        with sqlite3.connect(path) as older:
            older.execute("DELETE FROM schema_migrations WHERE version > 10")
        status, body = await readiness(server)
        latest = max(number for number, _ in migrations())
        assert status == 503 and body["reasons"][0].startswith(
            f"database: schema version 10, this code needs {latest}"
        )


async def test_a_process_standing_by_for_polling_is_ready_and_says_so(tmp_path: Path) -> None:
    # With several processes on PostgreSQL one polls Telegram; the others wait to take over,
    # reach no platform meanwhile, and must not be taken out of the load balancer for it.
    clock = Clock()
    monitor = Monitor(clock=clock)
    async with (
        Database(tmp_path / "bietphai.sqlite3") as db,
        serving_health(db, monitor, ["telegram"]) as server,
    ):
        monitor.reached("telegram", "poll")
        monitor.standing_by("telegram:polling", True)
        clock.now += 3600
        assert await readiness(server) == (
            200,
            {"status": "ready", "standby": ["telegram:polling"]},
        )

        # It takes over: ready, no longer standing by, and the contact window starts now.
        monitor.standing_by("telegram:polling", False)
        monitor.took_over_polling("telegram")
        assert await readiness(server) == (200, {"status": "ready"})
        clock.now += 301
        status, body = await readiness(server)
        assert status == 503
        assert body["reasons"] == ["telegram: no contact with its platform for 301 s"]


async def test_a_process_standing_by_only_for_sending_must_still_reach_its_platform(
    tmp_path: Path,
) -> None:
    # It polls (or serves the webhook) while another process sends the outbox: listed as a
    # standby for sending, held to the 5 minutes for its platform all the same.
    clock = Clock()
    monitor = Monitor(clock=clock)
    async with (
        Database(tmp_path / "bietphai.sqlite3") as db,
        serving_health(db, monitor, ["telegram"]) as server,
    ):
        monitor.reached("telegram", "poll")
        monitor.standing_by("outbox:telegram", True)
        assert await readiness(server) == (200, {"status": "ready", "standby": ["outbox:telegram"]})
        clock.now += 301
        assert await readiness(server) == (
            503,
            {
                "status": "not ready",
                "reasons": ["telegram: no contact with its platform for 301 s"],
                "standby": ["outbox:telegram"],
            },
        )


async def test_two_processes_on_postgresql_one_polls_the_other_stands_by_both_ready(
    pg_url: str, tmp_path: Path
) -> None:
    async with FakeTelegramAPI() as telegram, aiohttp.ClientSession() as http:
        bots = [
            BotProcess(
                tmp_path / "unused.sqlite3",
                telegram.base_url,
                tmp_path,
                name=f"bot{n}",
                settings={"BOT_DATABASE_URL": pg_url},
            )
            for n in (1, 2)
        ]

        async def ready(bot: BotProcess) -> dict[str, Any] | None:
            # A process that has exited never becomes ready: fail now, not at the deadline.
            assert bot.process is not None and bot.process.returncode is None, bot.log_tail()
            try:
                async with http.get(f"http://127.0.0.1:{bot.http_port}/readyz") as response:
                    return await response.json() if response.status == 200 else None
            except aiohttp.ClientError:
                return None

        for bot in bots:
            await bot.start()
        try:
            answers: list[dict[str, Any] | None] = [None, None]

            def standby(answer: dict[str, Any] | None) -> list[str]:
                return list((answer or {}).get("standby", []))

            async def both_ready() -> bool:
                # Each duty held by one of them, the other standing by for it (which one
                # holds which is a race between the two starts).
                answers[:] = [await ready(bot) for bot in bots]
                waited_for = sorted(standby(answers[0]) + standby(answers[1]))
                return all(answers) and waited_for == ["outbox:telegram", "telegram:polling"]

            # Two starts take tens of seconds on a loaded machine; the wait ends once both are.
            try:
                await until(both_ready, timeout=PATIENCE)
            except TimeoutError:
                failure = (
                    f"not both ready with each duty held once within {PATIENCE:.0f} s: {answers}"
                )
                raise AssertionError(failure) from None
            poller, waiting = bots if "telegram:polling" not in standby(answers[0]) else bots[::-1]

            await poller.kill()  # the server frees its polling duty; the other takes it over

            async def took_over() -> bool:
                return await ready(waiting) == {"status": "ready"}

            await until(took_over, timeout=PATIENCE)
        finally:
            for bot in bots:
                await bot.kill()


async def test_a_channel_that_never_reached_its_platform_is_named(tmp_path: Path) -> None:
    async with (
        Database(tmp_path / "bietphai.sqlite3") as db,
        serving_health(db, Monitor(), ["zalo"]) as server,
    ):
        assert await readiness(server) == (
            503,
            {"status": "not ready", "reasons": ["zalo: has not reached its platform yet"]},
        )


async def test_another_feature_mounts_its_pages_on_the_same_server(tmp_path: Path) -> None:
    async def page(request: web.Request) -> web.Response:
        return web.Response(text="bảng điều khiển")

    dashboard = web.Application()
    dashboard.router.add_get("/", page)
    server = HttpServer(Address("127.0.0.1", 0))
    server.mount("/web", dashboard)
    await server.start()
    try:
        async with (
            aiohttp.ClientSession() as http,
            http.get(f"http://127.0.0.1:{server.bound_port}/web/") as response,
        ):
            assert (response.status, await response.text()) == (200, "bảng điều khiển")
    finally:
        await server.stop()
