"""Signing in to the dashboard: /web in the chat, the admin's web-link, the session cookie."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
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
from testing.bot_process import free_port
from testing.fakes.telegram_api import FakeTelegramAPI
from testing.fakes.zalo_api import FakeZaloAPI
from tests.chat import ZONE, Chat, local
from tests.helpers.sample import THANH, MakeChat
from tests.helpers.telegram import PollingBot, linked_official
from tests.helpers.zalo import THANH_ZALO, ZaloBot, linked

KEY = b"k" * 32
PUBLIC = "https://bot.example.org"
SIGN_IN = local("2026-11-25 09:00")


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


async def test_web_on_telegram_is_sent_without_a_link_preview(
    org_db: Database, router: Router
) -> None:
    """Telegram's servers would otherwise fetch the one-time link to draw its preview."""
    web_router = Router(org_db, replace(router.config, web=WebConfig(PUBLIC, KEY)))
    async with FakeTelegramAPI() as fake:
        bot = PollingBot(fake, web_router)
        await bot.start()
        try:
            thanh = await linked_official(bot, org_db, THANH, 7001, "Thành")
            [answer] = await thanh.says("/web")
            [help_text] = await thanh.says("/trogiup")
        finally:
            await bot.stop()
    assert f"{PUBLIC}/web/vao/" in answer.text
    sent = [c.params for c in fake.calls_of("sendMessage") if c.ok]
    by_text = {str(params["text"]): params for params in sent}
    assert by_text[answer.text]["link_preview_options"] == {"is_disabled": True}
    # Other replies keep Telegram's default.
    assert "link_preview_options" not in by_text[help_text.text]


async def test_web_on_zalo_gives_a_link_that_outlives_zalos_preview(
    org_db: Database, router: Router, tmp_path: Path
) -> None:
    """Zalo's sendMessage has no way to turn previews off: the link page must survive them."""
    port = free_port()
    config = WebConfig(f"http://127.0.0.1:{port}", KEY)
    web_router = Router(org_db, replace(router.config, web=config))
    photos = PhotoStore(tmp_path, Platforms())
    dashboard = Dashboard(
        org_db, config, web_router.config, photos, prefix="", files=tmp_path / "files"
    )
    server = HttpServer(Address("127.0.0.1", port))
    server.mount_routes(lambda app: mount(app, dashboard))
    await server.start()
    try:
        async with FakeZaloAPI(link_previews=True) as fake:
            bot = ZaloBot(fake, web_router)
            await bot.start()
            try:
                thanh = await linked(bot, org_db, THANH, THANH_ZALO, "Thành")
                answer = await thanh.says("/web")
            finally:
                await bot.stop()
        [link] = [word for word in answer.split() if "/web/vao/" in word]
        # Zalo's servers opened the link when it was sent, and may again, before the tap.
        assert (link, 200) in fake.preview_fetches
        async with aiohttp.ClientSession() as preview_bot, preview_bot.get(link) as again:
            assert again.status == 200
        # unsafe: keep cookies of an IP address host (127.0.0.1), as a browser does.
        jar = aiohttp.CookieJar(unsafe=True)
        async with aiohttp.ClientSession(cookie_jar=jar) as person, person.post(link) as overview:
            assert overview.status == 200 and overview.url.path == "/web/"
            assert "Tổng quan" in await overview.text()
    finally:
        await server.stop()


async def test_a_session_lasts_the_working_day_set_then_ends(org_db: Database) -> None:
    now = local("2026-11-25 07:30")
    async with org_db.transaction() as tx:
        await web_sessions.add_session(tx, "h", 16, now, now + timedelta(hours=10))
    async with org_db.read() as tx:
        assert await web_sessions.session_person(tx, "h", now + timedelta(hours=9)) is not None
        assert await web_sessions.session_person(tx, "h", now + timedelta(hours=10)) is None


@dataclass
class Served:
    """The dashboard alone on a local port, as public `https://bot.example.org`."""

    dashboard: Dashboard
    config: WebConfig
    local: str  # http://127.0.0.1:<port>

    async def link(self, person_id: int = 16) -> str:
        """A fresh one-time link, rewritten to the local port."""
        async with self.dashboard.db.transaction() as tx:
            link = await create_link(tx, self.config, person_id, self.dashboard.clock())
        return link.url.replace(PUBLIC, self.local)


@pytest.fixture
async def served(org_db: Database, tmp_path: Path) -> AsyncIterator[Served]:
    """The dashboard on the bot's HTTP server, public URL https (so cookies are Secure)."""
    config = WebConfig(PUBLIC, KEY, session_hours=10)
    handlers = HandlerConfig(zone=ZONE, web=config)
    photos = PhotoStore(tmp_path, Platforms())
    dashboard = Dashboard(
        org_db,
        config,
        handlers,
        photos,
        prefix="",
        clock=lambda: SIGN_IN,
        files=tmp_path / "files",
    )
    server = HttpServer(Address("127.0.0.1", 0))
    server.mount_routes(lambda app: mount(app, dashboard))
    await server.start()
    try:
        yield Served(dashboard, config, f"http://127.0.0.1:{server.bound_port}")
    finally:
        await server.stop()


async def test_the_cookie_is_httponly_lax_and_secure_behind_https(served: Served) -> None:
    url = await served.link()
    async with aiohttp.ClientSession() as client:
        async with client.post(url, allow_redirects=False) as answer:
            assert answer.status == 303
            assert answer.headers["Location"] == "/web/"
            cookie = answer.headers["Set-Cookie"]
        for part in ("HttpOnly", "Secure", "SameSite=Lax", "Path=/web/", "Max-Age=36000"):
            assert part in cookie, cookie
        # Pages of an unknown session ask to sign in from the chat; no page is served.
        async with client.get(served.local + "/web/") as page:
            assert page.status == 401
            assert "gõ /web" in await page.text()


async def test_opening_the_link_spends_nothing_until_the_button_is_pressed(
    served: Served,
) -> None:
    """Telegram's and Zalo's servers GET a link to draw its preview: that must not use it up."""
    url = await served.link()
    async with aiohttp.ClientSession() as preview_bot:
        for _ in range(2):
            async with preview_bot.get(url, allow_redirects=False) as page:
                assert page.status == 200
                assert "set-cookie" not in page.headers
                html = await page.text()
        assert f'<form method="post" action="{url.removeprefix(served.local)}"' in html
        assert ">Đăng nhập</button>" in html and "Trương Văn Thành" in html
        assert "hết hạn lúc 09:10" in html
        # Nothing from outside the bot: the page's only resource is the dashboard's stylesheet.
        assert "http" not in html
    # The cookie is Secure (the public URL is https): this browser treats the local port as such.
    jar = aiohttp.CookieJar(unsafe=True, treat_as_secure_origin=[served.local])
    async with aiohttp.ClientSession(cookie_jar=jar) as person:
        async with person.post(url) as overview:
            # The session opened; the overview (or the official's page) is served.
            assert overview.status == 200, await overview.text()
            assert overview.url.path == "/web/"
            assert "Tổng quan" in await overview.text()
        # The button pressed again (a second tab, the back button): the link is spent.
        for method in (person.post, person.get):
            async with method(url, allow_redirects=False) as again:
                assert again.status == 403
                assert "đã hết hạn hoặc đã được dùng" in await again.text()
                assert "set-cookie" not in again.headers


async def test_unknown_and_expired_links_are_refused_alike_on_get_and_post(
    served: Served,
) -> None:
    url = await served.link()
    unknown = url.rsplit("/", 1)[0] + "/" + "x" * 43
    too_long = url.rsplit("/", 1)[0] + "/" + "x" * 129
    async with aiohttp.ClientSession() as client:
        for target in (unknown, too_long):
            for method in (client.get, client.post):
                async with method(target, allow_redirects=False) as answer:
                    assert answer.status == 403
                    assert "đã hết hạn hoặc đã được dùng" in await answer.text()
        later = served.dashboard.clock() + timedelta(minutes=10)
        served.dashboard.clock = lambda: later
        for method in (client.get, client.post):
            async with method(url, allow_redirects=False) as answer:
                assert answer.status == 403
                assert "đã hết hạn hoặc đã được dùng" in await answer.text()


async def test_a_sign_in_posted_from_another_site_is_refused_and_spends_nothing(
    served: Served,
) -> None:
    """Login CSRF: a page elsewhere must not sign the reader in with its author's link."""
    url = await served.link()
    foreign = (
        {"Sec-Fetch-Site": "cross-site", "Origin": "null"},
        {"Sec-Fetch-Site": "same-site", "Origin": "https://other.example.org"},
        {"Origin": "https://evil.example"},
    )
    async with aiohttp.ClientSession() as client:
        for headers in foreign:
            async with client.post(url, headers=headers, allow_redirects=False) as answer:
                assert answer.status == 403, headers
                assert "không đến từ trang của bot" in await answer.text()
                assert "set-cookie" not in answer.headers
        # Our own page's button: the browser says same-origin; Origin is the public one, or
        # "null" under the page's Referrer-Policy: no-referrer.
        own = {"Sec-Fetch-Site": "same-origin", "Origin": "null"}
        async with client.post(url, headers=own, allow_redirects=False) as answer:
            assert answer.status == 303
    again = await served.link()
    async with aiohttp.ClientSession() as client:
        headers = {"Origin": PUBLIC, "Sec-Fetch-Site": "same-origin"}
        async with client.post(again, headers=headers, allow_redirects=False) as answer:
            assert answer.status == 303


def test_web_link_needs_the_public_url(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("BOT_DB_PATH", str(tmp_path / "x.sqlite3"))
    monkeypatch.delenv("BOT_PUBLIC_BASE_URL", raising=False)
    monkeypatch.chdir(tmp_path)
    assert main(["web-link", "Trương Văn Thành"]) == 1
    assert "BOT_PUBLIC_BASE_URL" in capsys.readouterr().err
