"""The dashboard stories' world: the seeded sample organisation, the running bot, Chromium."""

from __future__ import annotations

import io
import re
import shutil
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from PIL import Image
from playwright.async_api import Browser, BrowserContext, Page

from bot.app import BotApp, handler_config
from bot.orgservice import create_invite
from bot.settings import Settings
from handlers.router import Router
from storage import Database
from testing.fakes.telegram_api import FakeTelegramAPI
from tests.chat import Chat
from tests.helpers.difficulty import THU
from tests.helpers.sample import AN, LAN, THANH

TOKEN = "123:ABC"
# Telegram user ids of the people in the stories.
USERS = {THANH: 7001, THU: 7002, AN: 5001, LAN: 5002}
NOW = "2026-11-25 10:00"  # a Wednesday of Đợt 2
AN_PHOTO = "an-photo-1"
LINK = re.compile(r"http://\S+/web/vao/[A-Za-z0-9_-]+")


def jpeg(width: int = 800, height: int = 600) -> bytes:
    """A real JPEG picture, as a phone would send."""
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (40, 120, 180)).save(buffer, format="JPEG")
    return buffer.getvalue()


@dataclass
class Stack:
    """The running bot, its fake Bot API, the browser and the seeded facts."""

    app: BotApp
    fake: FakeTelegramAPI
    browser: Browser
    settings: Settings
    base_url: str
    traveller: time_machine.Traveller
    difficulty_id: int = 0
    updates: int = 0
    contexts: list[BrowserContext] = field(default_factory=list)

    @property
    def web(self) -> str:
        """The dashboard's address."""
        return f"{self.base_url}/web"

    async def link_from_chat(self, name: str) -> str:
        """`/web` sent on Telegram by this person; the link in the bot's answer."""
        user = USERS[name]
        before = len(self.fake.messages_to(user))
        self.send(user, "/web")

        def answered(_calls: object) -> bool:
            # The scheduler's start-up catch-up (a digest) may reach a leader first.
            return any(LINK.search(m.get("text", "")) for m in self.fake.messages_to(user)[before:])

        await self.fake.wait_for(answered, timeout=10)
        [link] = [
            found.group(0)
            for m in self.fake.messages_to(user)[before:]
            if (found := LINK.search(m.get("text", "")))
        ]
        return link

    def send(self, user: int, text: str) -> None:
        """A command typed on Telegram (update ids far above the seeded chats' keys)."""
        update = self.fake.command(user, text)
        self.updates += 1
        update["update_id"] = 900_000 + self.updates
        self.fake.enqueue_update(update)

    async def page(self, viewport: dict[str, int] | None = None) -> Page:
        """A fresh browser context (no cookies) and a page in it."""
        context = await self.browser.new_context(
            viewport=viewport or {"width": 1280, "height": 900},  # type: ignore[arg-type]
            accept_downloads=True,
            locale="vi-VN",
        )
        self.contexts.append(context)
        return await context.new_page()

    async def signed_in(self, name: str) -> Page:
        """A page signed in as this person through a link from the chat."""
        page = await self.page()
        await sign_in(page, await self.link_from_chat(name))
        return page


async def sign_in(page: Page, link: str) -> None:
    """Open a one-time link and press its «Đăng nhập» button (the press spends the link)."""
    await page.goto(link)
    async with page.expect_navigation():
        await page.click("#sign-in")


async def seed(db: Database, settings: Settings) -> int:
    """Links four people on Telegram, logs a few days of work, raises one difficulty."""
    config = handler_config(settings)
    router = Router(db, config)
    chats = {}
    for name, user in USERS.items():
        chat = Chat(router, str(user)).at("2026-11-23 08:00")
        invite = await create_invite(db, name, chat.clock, timedelta(days=7), key=config.invite_key)
        await chat.say(f"/start {invite.code}")
        assert "Chào anh/chị" in chat.text, chat.text
        chats[name] = chat
    an, lan = chats[AN], chats[LAN]
    for day, text in (
        ("2026-11-23 16:00", "Hướng dẫn UBND xã rà soát hồ sơ đất đai"),
        ("2026-11-24 16:00", "Họp giao ban với công chức văn phòng xã"),
    ):
        await an.at(day).say("/nhatky")
        await an.press("Khác")
        assert "Đã ghi nhật ký" in await an.say(text), an.text
    await an.at("2026-11-25 09:00").photo("Kiểm tra bộ phận một cửa của xã", file_id=AN_PHOTO)
    assert "1 ảnh/tệp" in await an.press("Lưu"), an.text
    await lan.at("2026-11-25 09:30").say("/nhatky")
    await lan.press("Khác")
    assert "Đã ghi nhật ký" in await lan.say("Rà soát biên chế công chức xã Pa Lang")
    await lan.at("2026-11-25 09:40").say("/khokhan")
    await lan.press("Quản lý công chức")
    await lan.press("Khó khăn")
    await lan.press("Gấp")
    reply = await lan.say("Xã chưa có hướng dẫn bố trí công chức địa chính")
    assert "Đã ghi nhận KK-" in reply, reply
    return int(reply.split("KK-")[1][:4])


CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ROOT = Path(__file__).resolve().parents[2]
# Written by every run for a reviewer to look at; git-ignored.
SCREENSHOTS = ROOT / "test-output" / "screenshots"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 740}


def chromium_path() -> str:
    """The browser, or a failure saying how to install it (never a silent skip)."""
    if not CHROMIUM.exists():
        pytest.fail(
            "Chromium is missing: run `apt-get install -y chromium` (make test installs it)",
            pytrace=False,
        )
    return str(CHROMIUM)


async def screenshot(page: Page, name: str) -> Path:
    """Save the whole page as test-output/screenshots/<name>.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    target = SCREENSHOTS / f"{name}.png"
    await page.screenshot(path=str(target), full_page=True)
    return target


async def both_widths(
    browser: Browser,
    cookies: list[dict[str, object]],
    url: str,
    name: str,
    requested: list[str] | None = None,
) -> int:
    """Screenshots of a page at desktop and phone width; returns the phone's horizontal overflow.

    Every URL the browser asks for while the page loads is added to `requested`, if given.
    """
    overflow = 0
    for label, size in (("desktop", DESKTOP), ("phone", PHONE)):
        context = await browser.new_context(viewport=size, locale="vi-VN")  # type: ignore[arg-type]
        await context.add_cookies(cookies)  # type: ignore[arg-type]
        page = await context.new_page()
        if requested is not None:
            page.on("request", lambda request: requested.append(request.url))
        await page.goto(url)
        await screenshot(page, f"{name}-{label}")
        if label == "phone":
            overflow = int(
                await page.evaluate(
                    "document.documentElement.scrollWidth - document.documentElement.clientWidth"
                )
            )
        await context.close()
    return overflow


def forget(folder: Path) -> None:
    """Remove a folder of screenshots from an earlier run."""
    shutil.rmtree(folder, ignore_errors=True)
