"""Stories of a leader on Zalo getting the weekly chart as a link served by the bot itself:
our real Zalo channel, outbox sender and file server, over real HTTP on 127.0.0.1.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from bot.app import build_app
from bot.channels.zalo import ZaloChannel
from bot.channels.zalo_api import ZaloClient
from bot.channels.zalo_outbox import ZaloOutbox
from bot.channels.zalo_transport import ZaloPolling
from bot.image_links import ImageLinks
from bot.jobs import Jobs, Schedule
from bot.settings import Settings
from handlers.router import Router
from storage import Database, image_links
from testing.bot_process import free_port
from testing.fakes.zalo_api import TOKEN, FakeZaloAPI
from tests.chat import ZONE, local
from tests.helpers.sample import THANH
from tests.helpers.zalo import LINK_LIFETIME, THANH_ZALO, ZaloBot, file_links, linked, until

LIFETIME = LINK_LIFETIME
LINK = re.compile(r"(http://127\.0\.0\.1:\d+/files/[A-Za-z0-9_-]+\.png)")
NOT_FOUND = "Không tìm thấy tệp. Liên kết có thể đã hết hạn"


@dataclass
class Clock:
    """The time the file server and the links go by; a test moves it."""

    now: datetime = field(default_factory=lambda: datetime.now(UTC))

    def __call__(self) -> datetime:
        return self.now


class LinkingZaloBot(ZaloBot):
    """The Zalo bot as `bietphai run` assembles it with BOT_PUBLIC_BASE_URL set."""

    def __init__(self, fake: FakeZaloAPI, router: Router, links: ImageLinks) -> None:
        super().__init__(fake, router)
        self.channel = ZaloChannel(ZaloClient(TOKEN, fake.base_url), router, "vi", links=links)
        self.polling = ZaloPolling(self.channel, timeout=1)
        self.delivery = ZaloOutbox(
            ZaloClient(TOKEN, fake.base_url), "vi", quota_pause=0.3, links=links
        )


@pytest.fixture
def clock() -> Clock:
    """A movable clock."""
    return Clock()


@pytest.fixture
async def links(org_db: Database, clock: Clock) -> AsyncIterator[ImageLinks]:
    """Links under http://127.0.0.1:<port>/files (the bot's HTTP server), valid a week."""
    async with file_links(org_db, clock) as made:
        yield made


@pytest.fixture
async def fake() -> AsyncIterator[FakeZaloAPI]:
    """The local fake of the Zalo Bot API."""
    async with FakeZaloAPI() as api:
        yield api


@pytest.fixture
async def linking_bot(
    fake: FakeZaloAPI, router: Router, links: ImageLinks
) -> AsyncIterator[LinkingZaloBot]:
    """The running bot with chart links, polling the fake."""
    running = LinkingZaloBot(fake, router, links)
    await running.start()
    yield running
    await running.stop()


async def fetch(url: str, method: str = "GET") -> httpx.Response:
    """One real HTTP request, as the phone's browser makes it."""
    async with httpx.AsyncClient() as client:
        return await client.request(method, url)


def link_in(text: str) -> str:
    """The chart link in a message."""
    found = LINK.search(text)
    assert found, text
    return found.group(1)


async def test_the_scheduled_weekly_digest_reaches_zalo_with_a_working_chart_link(
    linking_bot: LinkingZaloBot, fake: FakeZaloAPI, org_db: Database, clock: Clock
) -> None:
    thanh = await linked(linking_bot, org_db, THANH, THANH_ZALO, "Thành")
    friday = local("2026-11-27 16:05")
    jobs = Jobs(org_db, ZONE, "vi", Schedule(), clock=lambda: friday)
    assert await jobs.send_weekly_digests() > 0

    message = await thanh.receives("Biểu đồ báo cáo tuần: http://127.0.0.1:")
    url = link_in(message)
    expires = (clock.now + LIFETIME).astimezone(ZONE)
    assert f"đến {expires:%H:%M} ngày {expires:%d/%m/%Y}" in message
    digest = await thanh.receives("Báo cáo tổng hợp tuần 48/2026")
    assert "Biểu đồ chỉ xem được trên Telegram" not in digest
    texts = fake.texts_to(THANH_ZALO)
    assert texts.index(message) < texts.index(digest)  # the chart first, as on Telegram

    picture = await fetch(url)
    assert picture.status_code == 200 and picture.content.startswith(b"\x89PNG")
    assert picture.headers["Content-Type"] == "image/png"
    assert picture.headers["Cache-Control"].startswith("private")
    token = url.rsplit("/", 1)[1].removesuffix(".png")
    assert len(token) >= 43  # at least 256 bits of randomness, URL-safe base64


async def test_baocao_tuan_on_zalo_answers_with_the_chart_link(
    linking_bot: LinkingZaloBot, fake: FakeZaloAPI, org_db: Database
) -> None:
    thanh = await linked(linking_bot, org_db, THANH, THANH_ZALO, "Thành")
    answer = await thanh.says("/baocao tuan", at="2026-11-27 10:00")
    assert "Báo cáo tổng hợp tuần 48/2026" in answer
    picture = await fetch(link_in(answer))
    assert picture.status_code == 200 and picture.content.startswith(b"\x89PNG")
    # The numbered choices come last, so "2" still picks from the list just read.
    assert fake.texts_to(THANH_ZALO)[-1].rstrip().endswith("Trả lời bằng số thứ tự để chọn.")


async def test_wrong_and_expired_tokens_get_the_same_404(
    links: ImageLinks, clock: Clock, org_db: Database
) -> None:
    link = await links.link(b"\x89PNG chart of week 48")
    assert (await fetch(link.url)).status_code == 200

    wrong = link.url[:-10] + "AAAAAA.png"
    refused = await fetch(wrong)
    assert refused.status_code == 404 and refused.text.startswith(NOT_FOUND)
    assert refused.headers["Content-Type"].startswith("text/plain")
    assert (await fetch(link.url.removesuffix(".png"))).status_code == 404
    assert (await fetch(link.url, method="POST")).status_code == 405

    clock.now += LIFETIME + timedelta(minutes=1)
    expired = await fetch(link.url)
    assert (expired.status_code, expired.text) == (refused.status_code, refused.text)

    # The next picture stored clears the expired one from the database.
    await links.link(b"\x89PNG chart of week 49")
    async with org_db.read() as tx:
        assert await tx.value("SELECT count(*) FROM image_links") == 1


async def test_a_retried_picture_keeps_its_link(links: ImageLinks, clock: Clock) -> None:
    first = await links.link(b"\x89PNG same chart")
    clock.now += timedelta(minutes=5)
    assert (await links.link(b"\x89PNG same chart")).url == first.url
    assert (await links.link(b"\x89PNG another chart")).url != first.url
    # Past half its life a fresh link is made, so a new message never gets a link about to die.
    clock.now += LIFETIME / 2
    assert (await links.link(b"\x89PNG same chart")).url != first.url


async def test_without_a_public_url_zalo_gets_the_note(
    fake: FakeZaloAPI, router: Router, org_db: Database
) -> None:
    bot = ZaloBot(fake, router)
    await bot.start()
    try:
        thanh = await linked(bot, org_db, THANH, THANH_ZALO, "Thành")
        answer = await thanh.says("/baocao tuan", at="2026-11-27 10:00")
    finally:
        await bot.stop()
    assert "(Biểu đồ chỉ xem được trên Telegram; số liệu đầy đủ ở trên.)" in answer
    assert "http" not in answer


async def test_run_serves_the_file_links_at_the_path_of_the_public_url(
    fake: FakeZaloAPI, tmp_path: Path
) -> None:
    # The one HTTP server serves them; an old BOT_PUBLIC_PORT still set is listened on too.
    port, old_port = free_port(), free_port()
    settings = Settings(
        _env_file=None,
        BOT_DB_PATH=tmp_path / "bietphai.sqlite3",
        ZALO_BOT_TOKEN=TOKEN,
        ZALO_API_BASE_URL=fake.base_url,
        ZALO_POLL_TIMEOUT=1,
        BOT_PUBLIC_BASE_URL="https://bot.example.org/files/",
        BOT_HTTP_PORT=port,
        BOT_PUBLIC_PORT=old_port,
    )
    app = await build_app(settings)
    assert app.services[0] is app.http
    await app.start()
    try:
        zalo = next(s for s in app.services if isinstance(s, ZaloChannel))
        assert zalo.links is not None
        link = await zalo.links.link(b"\x89PNG served by bietphai run")
        assert link.url.startswith("https://bot.example.org/files/")
        local_url = link.url.replace("https://bot.example.org", f"http://127.0.0.1:{port}")
        served = await fetch(local_url)
        assert served.status_code == 200 and served.content == b"\x89PNG served by bietphai run"
        old = await fetch(local_url.replace(f":{port}/", f":{old_port}/"))
        assert old.status_code == 200 and old.content == served.content
        async with app.db.read() as tx:
            token = local_url.rsplit("/", 1)[1].removesuffix(".png")
            assert await image_links.image_by_token(tx, token, datetime.now(UTC)) is not None
        await until(lambda: fake.polls > 0)
    finally:
        await app.stop()


def test_the_public_url_must_be_http() -> None:
    with pytest.raises(ValueError, match="BOT_PUBLIC_BASE_URL"):
        Settings(_env_file=None, BOT_PUBLIC_BASE_URL="bot.example.org/files")
    assert Settings(_env_file=None, BOT_PUBLIC_BASE_URL="").public_base_url is None
