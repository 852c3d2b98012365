"""Attack: a raw HTTP client against the bot's one HTTP server (webhooks, files, health).

The server runs as `bietphai run` assembles it (both webhooks configured, fake Bot APIs behind
them) and is driven with raw sockets and plain HTTP: bodies that are JSON but not updates,
nesting deep enough to break a recursive parser, a secret header that is not UTF-8, requests
sent halfway and left open, and a flood of connections. Each gets a short status and at most one
log line, never a traceback, and the server keeps answering real requests.
"""

from __future__ import annotations

import asyncio
import json
import logging
import socket
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.app import BotApp, build_app
from bot.http.webhooks import TELEGRAM_SECRET_HEADER, ZALO_SECRET_HEADER
from bot.settings import Settings
from testing.bot_process import free_port
from testing.fakes.telegram_api import FakeTelegramAPI
from testing.fakes.zalo_api import FakeZaloAPI

TG_SECRET = "tg-s3cret"
ZALO_SECRET = "zalo-s3cret-token"
CAP = 20
NOT_UPDATES = ["[]", "1", '"x"', "null", '{"message": "x"}', '{"update_id": "x"}']
DEEP = "[" * 100_000 + "]" * 100_000
DEEP_OBJECT = '{"a":' * 30_000 + "1" + "}" * 30_000  # under Zalo's 256 kB


@pytest.fixture
async def server(tmp_path: Path) -> AsyncIterator[tuple[BotApp, int]]:
    """The bot with both webhooks on its one HTTP server, short deadlines, a small cap."""
    async with FakeTelegramAPI() as telegram, FakeZaloAPI() as zalo:
        port = free_port()
        settings = Settings(
            _env_file=None,
            BOT_DB_PATH=tmp_path / "bietphai.sqlite3",
            BOT_HTTP_PORT=port,
            BOT_HTTP_MAX_CONNECTIONS=CAP,
            BOT_HTTP_HEADER_TIMEOUT_SECONDS=1,
            BOT_HTTP_BODY_TIMEOUT_SECONDS=1,
            TELEGRAM_BOT_TOKEN="123:ABC",
            TELEGRAM_API_BASE_URL=telegram.base_url,
            TELEGRAM_WEBHOOK_URL="https://bot.example.org/tg",
            TELEGRAM_WEBHOOK_SECRET=TG_SECRET,
            ZALO_BOT_TOKEN=zalo.token,
            ZALO_API_BASE_URL=zalo.base_url,
            ZALO_WEBHOOK_URL="https://bot.example.org/zalo",
            ZALO_WEBHOOK_SECRET=ZALO_SECRET,
        )
        app = await build_app(settings)
        await app.start()
        try:
            yield app, port
        finally:
            await app.stop()


def raw_request(port: int, data: bytes, timeout: float = 10.0) -> bytes:
    """Send bytes on a fresh connection and read until the server closes it."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(data)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
        return b"".join(chunks)


def post_bytes(path: str, body: bytes, headers: dict[str, bytes]) -> bytes:
    """A complete HTTP/1.1 POST as bytes (headers may hold any bytes)."""
    lines = [f"POST {path} HTTP/1.1".encode(), b"Host: bot", b"Connection: close"]
    lines += [name.encode() + b": " + value for name, value in headers.items()]
    lines += [b"Content-Type: application/json", f"Content-Length: {len(body)}".encode()]
    return b"\r\n".join(lines) + b"\r\n\r\n" + body


def status_of(answer: bytes) -> int:
    """The status code of a raw HTTP answer (0 when the server closed without one)."""
    if not answer.startswith(b"HTTP/1.1 "):
        return 0
    return int(answer[9:12])


async def status(port: int, data: bytes) -> int:
    """Send one raw request from a thread (the server runs on this event loop)."""
    return status_of(await asyncio.to_thread(raw_request, port, data))


def closed_by_server(sock: socket.socket, timeout: float) -> bool:
    """Whether the server closed (or reset) this connection within `timeout` seconds."""
    sock.settimeout(timeout)
    try:
        return sock.recv(100) == b""
    except ConnectionResetError:
        return True
    except TimeoutError:
        return False


def problems(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    """Log records with a traceback, or at ERROR and above."""
    return [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]


async def test_json_that_is_not_an_update_gets_400_with_one_line_on_both_webhooks(
    server: tuple[BotApp, int], caplog: pytest.LogCaptureFixture
) -> None:
    _app, port = server
    caplog.set_level(logging.INFO)
    for body in [*NOT_UPDATES, DEEP, DEEP_OBJECT]:
        for path, header, secret in (
            ("/tg", TELEGRAM_SECRET_HEADER, TG_SECRET),
            ("/zalo", ZALO_SECRET_HEADER, ZALO_SECRET),
        ):
            caplog.clear()
            request = post_bytes(path, body.encode(), {header: secret.encode()})
            assert await status(port, request) == 400, (path, body[:20])
            lines = [r for r in caplog.records if r.name.startswith("bot.")]
            assert len(lines) == 1, [r.getMessage() for r in lines]
            assert problems(caplog) == []


async def test_a_secret_header_that_is_not_utf8_gets_403(
    server: tuple[BotApp, int], caplog: pytest.LogCaptureFixture
) -> None:
    _app, port = server
    body = json.dumps({"update_id": 1}).encode()
    for path, header in (("/tg", TELEGRAM_SECRET_HEADER), ("/zalo", ZALO_SECRET_HEADER)):
        request = post_bytes(path, body, {header: b"\xff\xfe\xc3("})
        assert await status(port, request) == 403
    assert problems(caplog) == []


async def test_half_sent_requests_are_closed_and_do_not_tie_the_server_up(
    server: tuple[BotApp, int], caplog: pytest.LogCaptureFixture
) -> None:
    _app, port = server
    half = [socket.create_connection(("127.0.0.1", port)) for _ in range(CAP // 2)]
    try:
        for sock in half:
            sock.sendall(b"POST /tg HTTP/1.1\r\nHost: bot\r\nContent-Le")
        # Real requests still get through while they hang.
        assert await status(port, b"GET /healthz HTTP/1.1\r\nHost: bot\r\n\r\n") == 200
        started = time.monotonic()
        for sock in half:
            assert await asyncio.to_thread(closed_by_server, sock, 5)
        assert time.monotonic() - started < 4
    finally:
        for sock in half:
            sock.close()
    # A body announced and never sent in full: refused within the body deadline.
    slow_body = post_bytes("/tg", b"", {TELEGRAM_SECRET_HEADER: TG_SECRET.encode()})
    slow_body = slow_body.replace(b"Content-Length: 0", b"Content-Length: 500") + b'{"upd'
    started = time.monotonic()
    answer = await asyncio.to_thread(raw_request, port, slow_body)
    assert status_of(answer) in (0, 408) and time.monotonic() - started < 4
    assert problems(caplog) == []


async def test_a_flood_of_connections_is_capped_quietly_and_the_server_recovers(
    server: tuple[BotApp, int], caplog: pytest.LogCaptureFixture
) -> None:
    _app, port = server
    caplog.set_level(logging.INFO)
    # Opened from a thread: the server accepts on this event loop meanwhile.
    flood = await asyncio.to_thread(
        lambda: [socket.create_connection(("127.0.0.1", port)) for _ in range(CAP * 10)]
    )
    try:
        await asyncio.sleep(0.3)
        closed = 0
        for sock in flood:
            closed += await asyncio.to_thread(closed_by_server, sock, 0.05)
        # Everything above the cap was closed at once; at most the cap stays open.
        assert closed >= CAP * 9
    finally:
        for sock in flood:
            sock.close()
    await asyncio.sleep(0.3)
    assert await status(port, b"GET /healthz HTTP/1.1\r\nHost: bot\r\n\r\n") == 200
    guard_lines = [r for r in caplog.records if r.name == "bot.http.guard"]
    assert len(guard_lines) <= 1
    assert problems(caplog) == []
