"""Signing in to the dashboard: /web in the chat, the admin's web-link, the session cookie."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import aiohttp
import pytest

from bot.cli import main
from bot.http.server import Address, HttpServer
from bot.web import Dashboard, mount
from bot.web.photos import PhotoStore, Platforms
from handlers.core.turn import HandlerConfig, WebConfig
from handlers.router import Router
from handlers.web.links import create_link, keyed_hash
from storage import Database, web_sessions
from tests.chat import ZONE, Chat, local
from tests.helpers.sample import THANH, MakeChat

KEY = b"k" * 32


async def test_web_says_how_to_turn_the_dashboard_on_when_it_is_off(
    linked_chat: MakeChat,
) -> None:
    chat = await linked_chat(THANH)
    reply = await chat.say("/web")
    assert "chưa được bật" in reply and "BOT_PUBLIC_BASE_URL" in reply
    assert "http" not in reply.split("ví dụ")[0]


async def test_web_gives_a_personal_link_stored_only_as_a_keyed_hash(
    org_db: Database, router: Router
) -> None:
    config = WebConfig("https://bot.example.org", KEY, session_hours=8)
    web_router = Router(org_db, replace(router.config, web=config))
    chat = Chat(web_router, "42")
    from bot.orgservice import create_invite

    invite = await create_invite(
        org_db, THANH, chat.clock, timedelta(days=1), key=router.config.invite_key
    )
    await chat.say(f"/start {invite.code}")
    reply = await chat.at("2026-11-25 09:00").say("/web")
    assert "https://bot.example.org/web/vao/" in reply
    assert "hết hạn lúc 09:10" in reply and "8 giờ" in reply
    token = reply.split("/web/vao/")[1].split()[0]
    async with org_db.read() as tx:
        stored = await tx.all("SELECT token_hash FROM web_links")
    assert [row[0] for row in stored] == [keyed_hash(KEY, "link", token)]
    assert token not in str([tuple(row) for row in stored])
    # `/web thoát` with nothing open says so.
    assert "không có phiên nào" in await chat.say("/web thoát")
    # An open session is listed under the next link, and `/web thoát` ends it.
    async with org_db.transaction() as tx:
        opened = local("2026-11-25 09:05")
        await web_sessions.add_session(tx, "s1", 16, opened, opened + timedelta(hours=8))
    reply = await chat.at("2026-11-25 10:00").say("/web")
    assert "đang có 1 phiên đăng nhập" in reply
    assert "• mở lúc 09:05 25/11/2026, hết hạn lúc 17:05 25/11/2026" in reply
    assert "Đã đăng xuất 1 phiên" in await chat.say("/web thoat")
    async with org_db.read() as tx:
        assert await web_sessions.session_person(tx, "s1", local("2026-11-25 10:01")) is None


async def test_a_session_lasts_the_working_day_set_then_ends(org_db: Database) -> None:
    now = local("2026-11-25 07:30")
    async with org_db.transaction() as tx:
        await web_sessions.add_session(tx, "h", 16, now, now + timedelta(hours=10))
    async with org_db.read() as tx:
        assert await web_sessions.session_person(tx, "h", now + timedelta(hours=9)) is not None
        assert await web_sessions.session_person(tx, "h", now + timedelta(hours=10)) is None


async def test_the_cookie_is_httponly_lax_and_secure_behind_https(
    org_db: Database, tmp_path: Path
) -> None:
    config = WebConfig("https://bot.example.org", KEY, session_hours=10)
    handlers = HandlerConfig(zone=ZONE, web=config)
    dashboard = Dashboard(org_db, config, handlers, PhotoStore(tmp_path, Platforms()), prefix="")
    server = HttpServer(Address("127.0.0.1", 0))
    server.mount_routes(lambda app: mount(app, dashboard))
    await server.start()
    try:
        async with org_db.transaction() as tx:
            link = await create_link(tx, config, 16, dashboard.clock())
        local_url = link.url.replace(
            "https://bot.example.org", f"http://127.0.0.1:{server.bound_port}"
        )
        async with aiohttp.ClientSession() as client:
            async with client.get(local_url, allow_redirects=False) as answer:
                assert answer.status == 302
                cookie = answer.headers["Set-Cookie"]
            for part in ("HttpOnly", "Secure", "SameSite=Lax", "Path=/web/", "Max-Age=36000"):
                assert part in cookie, cookie
            # Pages of an unknown session ask to sign in from the chat; no page is served.
            async with client.get(local_url.split("/vao/")[0] + "/") as page:
                assert page.status == 401
                assert "gõ /web" in await page.text()
    finally:
        await server.stop()


def test_web_link_needs_the_public_url(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("BOT_DB_PATH", str(tmp_path / "x.sqlite3"))
    monkeypatch.delenv("BOT_PUBLIC_BASE_URL", raising=False)
    monkeypatch.chdir(tmp_path)
    assert main(["web-link", "Trương Văn Thành"]) == 1
    assert "BOT_PUBLIC_BASE_URL" in capsys.readouterr().err
