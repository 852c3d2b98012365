"""The one HTTP server as `bietphai run` assembles it: Telegram's and Zalo's webhooks on their
paths beside /healthz, old per-channel ports still answered, nothing handled before start."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from bot.app import build_app
from bot.channels.telegram import TelegramChannel, build_application
from bot.http.server import Address, HttpServer
from bot.http.webhooks import (
    TELEGRAM_SECRET_HEADER,
    ZALO_SECRET_HEADER,
    TelegramWebhook,
)
from bot.settings import Settings
from handlers.router import Router
from testing.bot_process import free_port
from testing.fakes.telegram_api import FakeTelegramAPI
from testing.fakes.zalo_api import FakeZaloAPI
from tests.helpers.zalo import until

TG_SECRET = "tg-s3cret"
WEBHOOK_URL = "https://bot.example.org/tg"
ZALO_SECRET = "zalo-s3cret-token"
STRANGER = 777002


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


async def post(url: str, body: object, headers: dict[str, str]) -> int:
    """POST JSON as a platform does; the status."""
    async with (
        aiohttp.ClientSession() as http,
        http.post(url, data=json.dumps(body), headers=headers) as response,
    ):
        return response.status


async def test_both_webhooks_and_health_share_one_port_and_old_ports_still_answer(
    telegram: FakeTelegramAPI, zalo: FakeZaloAPI, tmp_path: Path
) -> None:
    port, old_telegram_port = free_port(), free_port()
    settings = Settings(
        _env_file=None,
        BOT_DB_PATH=tmp_path / "bietphai.sqlite3",
        BOT_HTTP_PORT=port,
        TELEGRAM_BOT_TOKEN="123:ABC",
        TELEGRAM_API_BASE_URL=telegram.base_url,
        TELEGRAM_WEBHOOK_URL="https://bot.example.org/tg",
        TELEGRAM_WEBHOOK_SECRET=TG_SECRET,
        # An operator who set this before the one server keeps a working reverse proxy.
        TELEGRAM_WEBHOOK_PORT=old_telegram_port,
        ZALO_BOT_TOKEN=zalo.token,
        ZALO_API_BASE_URL=zalo.base_url,
        ZALO_WEBHOOK_URL="https://bot.example.org/zalo",
        ZALO_WEBHOOK_SECRET=ZALO_SECRET,
    )
    app = await build_app(settings)
    await app.start()
    try:
        base = f"http://127.0.0.1:{port}"
        [registered] = telegram.calls_of("setWebhook")
        assert registered.params["url"] == "https://bot.example.org/tg"
        assert [c.params["url"] for c in zalo.calls_of("setWebhook")] == [
            "https://bot.example.org/zalo"
        ]

        update = telegram.text_message(STRANGER, "Xin chào", first_name="Khách")
        tg = {TELEGRAM_SECRET_HEADER: TG_SECRET, "Content-Type": "application/json"}
        assert await post(f"{base}/tg", {**update, "update_id": 1}, tg) == 200
        assert await post(f"{base}/tg", {**update, "update_id": 2}, {}) == 403
        old = f"http://127.0.0.1:{old_telegram_port}/tg"
        assert await post(old, {**update, "update_id": 3}, tg) == 200
        await telegram.wait_for_sent(chat_id=STRANGER, count=2)

        message = zalo.text("zalo-user-1", "Xin chào", display_name="Khách")
        zh = {ZALO_SECRET_HEADER: ZALO_SECRET, "Content-Type": "application/json"}
        assert await post(f"{base}/zalo", message, zh) == 200
        assert await post(f"{base}/zalo", message, {}) == 401
        await until(lambda: bool(zalo.texts_to("zalo-user-1")))

        async with (
            aiohttp.ClientSession() as http,
            http.get(f"{base}/healthz") as response,
        ):
            assert response.status == 200
        async with (
            aiohttp.ClientSession() as http,
            http.get(f"{base}/readyz") as response,
        ):
            # Both platforms were reached by setWebhook and by their requests.
            assert response.status == 200, await response.text()
    finally:
        await app.stop()


async def test_a_webhook_request_before_the_channel_started_gets_503(
    telegram: FakeTelegramAPI, router: Router
) -> None:
    channel = TelegramChannel(build_application("123:ABC", telegram.base_url), router, "vi")
    webhook = TelegramWebhook(
        channel, url="https://bot.example.org/tg", secret=TG_SECRET, path="/tg"
    )
    server = HttpServer(Address("127.0.0.1", 0))
    server.add_routes(webhook.routes())
    await server.start()
    try:
        url = f"http://127.0.0.1:{server.bound_port}/tg"
        update = {**telegram.text_message(STRANGER, "Sớm quá"), "update_id": 9}
        # Telegram retries a 503 later; a wrong secret is still refused first.
        assert await post(url, update, {TELEGRAM_SECRET_HEADER: TG_SECRET}) == 503
        assert await post(url, update, {TELEGRAM_SECRET_HEADER: "wrong"}) == 403
        assert telegram.sent_messages == []
    finally:
        await server.stop()
