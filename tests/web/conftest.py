"""Fixtures of the dashboard stories: the server's clock, the whole bot with Chromium, and the
dashboard alone over plain HTTP."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import time_machine
from playwright.async_api import async_playwright

from bot.app import build_app
from bot.http.server import Address, HttpServer
from bot.orgservice import import_org
from bot.settings import Settings
from bot.web import Dashboard, mount
from bot.web.photos import PhotoStore, Platforms
from handlers.core.turn import HandlerConfig, WebConfig
from storage import Database
from storage.db import open_database
from testing.bot_process import free_port
from testing.fakes.telegram_api import FakeTelegramAPI
from tests.chat import ZONE, local
from tests.helpers.dashboard import Site
from tests.helpers.sample import SAMPLE_XLSX
from tests.helpers.web import (
    AN_PHOTO,
    LAUNCH_ARGS,
    NOW,
    TOKEN,
    Stack,
    chromium_path,
    jpeg,
    seed,
)


@pytest.fixture
def traveller() -> Iterator[time_machine.Traveller]:
    """The server's clock at 10:00 on Wednesday 25/11/2026, ticking."""
    with time_machine.travel(local(NOW), tick=True) as moving:
        yield moving


@pytest.fixture
async def stack(
    tmp_path: Path,
    traveller: time_machine.Traveller,
    backend: str,
    request: pytest.FixtureRequest,
) -> AsyncIterator[Stack]:
    """The seeded bot running with its dashboard (on this test's backend), and Chromium."""
    executable = chromium_path()
    port = free_port()
    database_url = request.getfixturevalue("pg_url") if backend == "postgresql" else None
    async with FakeTelegramAPI() as fake:
        fake.files[AN_PHOTO] = jpeg()
        settings = Settings(
            _env_file=None,
            BOT_DB_PATH=tmp_path / "bietphai.sqlite3",
            BOT_DATABASE_URL=database_url,
            TELEGRAM_BOT_TOKEN=TOKEN,
            TELEGRAM_API_BASE_URL=fake.base_url,
            TELEGRAM_POLL_TIMEOUT=1,
            BOT_PUBLIC_BASE_URL=f"http://127.0.0.1:{port}",
            # The one HTTP server, as in production; not the default 8443: other test runs on
            # this machine may be listening there.
            BOT_HTTP_PORT=port,
            BOT_WEB_PHOTO_DIR=tmp_path / "photos",
        )
        db = await open_database(settings.db_path, settings.database_url).open()
        try:
            await import_org(db, SAMPLE_XLSX, local("2026-11-01 08:00"))
            difficulty_id = await seed(db, settings)
        finally:
            await db.close()
        app = await build_app(settings)
        await app.start()
        try:
            async with async_playwright() as playwright:
                browser = await playwright.chromium.launch(
                    executable_path=executable, args=LAUNCH_ARGS, headless=True
                )
                running = Stack(app, fake, browser, settings, f"http://127.0.0.1:{port}", traveller)
                running.difficulty_id = difficulty_id
                try:
                    yield running
                finally:
                    for context in running.contexts:
                        await context.close()
                    await browser.close()
        finally:
            await app.stop()


@pytest.fixture
async def site(org_db: Database, tmp_path: Path) -> AsyncIterator[Site]:
    """The dashboard alone on the bot's HTTP server over the sample organisation; its clock
    stands at 10:00 on Wednesday 25/11/2026 until the test moves it (sessions last a year)."""
    # Placeholder public URL: links are rewritten to the local port before use.
    config = WebConfig("http://bot.test", b"k" * 32, session_hours=24 * 365)
    handlers = HandlerConfig(zone=ZONE, language="vi", backdate_days=7, web=config)
    photos = PhotoStore(tmp_path / "photos", Platforms())
    dashboard = Dashboard(org_db, config, handlers, photos, prefix="", files=tmp_path / "files")
    server = HttpServer(Address("127.0.0.1", 0))
    server.mount_routes(lambda app: mount(app, dashboard))
    await server.start()
    served = Site(dashboard, f"http://127.0.0.1:{server.bound_port}").at(NOW)
    try:
        yield served
    finally:
        for client in served.clients:
            await client.close()
        await dashboard.stop()
        await server.stop()
