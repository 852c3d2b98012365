"""Tải về without a browser: the form queues an export job, its page says it is being prepared
and reloads itself, then offers the file to the session that asked and to nobody else; a file
that could not be made, or is gone, is one Vietnamese line."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import aiohttp
import pytest
from openpyxl import load_workbook

from bot.http.server import Address, HttpServer
from bot.web import Dashboard, mount
from bot.web.app import COOKIE
from bot.web.photos import PhotoStore, Platforms
from handlers.core.turn import HandlerConfig, WebConfig
from handlers.web.links import keyed_hash, new_token
from storage import Database, export_jobs, web_sessions
from storage.org_import import resolve_person
from tests.chat import ZONE, local
from tests.helpers.difficulty import THU
from tests.helpers.sample import THANH

pytestmark = pytest.mark.both_backends

KEY = b"d" * 32
NOW = local("2026-11-25 10:00")
WEEK = {"ky": "khac", "tu": "2026-11-23", "den": "2026-11-29"}


@dataclass
class Browser:
    """A signed-in browser: its cookie, and the CSRF token its forms carry."""

    client: aiohttp.ClientSession
    csrf: str


@dataclass
class Served:
    """The dashboard (its export worker not started yet) on a local port."""

    dashboard: Dashboard
    site: str
    db: Database

    async def session(self, name: str) -> Browser:
        """A browser signed in as this person (a session of its own)."""
        token = new_token()
        async with self.db.transaction() as tx:
            person = await resolve_person(tx, name)
            await web_sessions.add_session(
                tx, keyed_hash(KEY, "session", token), person, NOW, NOW + timedelta(hours=8)
            )
        client = aiohttp.ClientSession(cookies={COOKIE: token})
        return Browser(client, keyed_hash(KEY, "csrf", token))

    async def ask(self, browser: Browser) -> str:
        """Send the form; the address of the download's page it leads to."""
        data = {"csrf": browser.csrf, **WEEK}
        async with browser.client.post(
            f"{self.site}/web/tai-ve", data=data, allow_redirects=False
        ) as r:
            assert r.status == 303, await r.text()
            return self.site + r.headers["Location"]

    async def settled(self, browser: Browser, url: str) -> str:
        """The download's page once it no longer says the file is being prepared."""
        async with asyncio.timeout(60):
            while True:
                async with browser.client.get(url) as page:
                    assert page.status == 200
                    text = await page.text()
                if "Đang chuẩn bị" not in text:
                    return text
                await asyncio.sleep(0.1)


@pytest.fixture
async def served(org_db: Database, tmp_path: Path) -> AsyncIterator[Served]:
    config = WebConfig("http://127.0.0.1", KEY)
    dashboard = Dashboard(
        org_db,
        config,
        HandlerConfig(zone=ZONE, web=config),
        PhotoStore(tmp_path / "photos", Platforms()),
        "",
        lambda: NOW,
        files=tmp_path / "files",
        # The real build, in a thread: these stories are about the pages, not the process.
        executor=lambda: ThreadPoolExecutor(max_workers=1),
    )
    server = HttpServer(Address("127.0.0.1", 0))
    server.mount_routes(lambda app: mount(app, dashboard))
    await server.start()
    try:
        yield Served(dashboard, f"http://127.0.0.1:{server.bound_port}", org_db)
    finally:
        await server.stop()
        await dashboard.stop()


def offered(page: str) -> str:
    """The file link on a download's page."""
    found = re.search(r'<a href="([^"]+)" id="export-file"', page)
    assert found is not None, page
    return found[1]


async def test_the_file_is_prepared_then_offered_to_the_session_that_asked_only(
    served: Served, tmp_path: Path
) -> None:
    thanh = await served.session(THANH)
    thanh_elsewhere = await served.session(THANH)  # the same person in another browser
    thu = await served.session(THU)
    try:
        # Without the form's CSRF token nothing is queued.
        async with thanh.client.post(f"{served.site}/web/tai-ve", data=WEEK) as refused:
            assert refused.status == 403
        async with served.db.read() as tx:
            assert await tx.value("SELECT count(*) FROM export_jobs") == 0
        url = await served.ask(thanh)
        # Asked again while it waits (a double click): the same job, the same page.
        assert await served.ask(thanh) == url
        # Nobody builds yet: the page says so, and reloads itself every few seconds.
        async with thanh.client.get(url) as page:
            text = await page.text()
        assert page.status == 200
        assert "Đang chuẩn bị tệp Excel 23/11/2026–29/11/2026 (toàn Sở)" in text
        assert '<meta http-equiv="refresh" content="3">' in text
        await served.dashboard.start()
        ready = await served.settled(thanh, url)
        assert "đã sẵn sàng" in ready and "http-equiv" not in ready
        link = offered(ready)
        assert link.endswith("/bietphai-23-11-2026-29-11-2026.xlsx")
        async with thanh.client.get(served.site + link) as answer:
            assert answer.status == 200
            assert (
                'filename="bietphai-23-11-2026-29-11-2026.xlsx"'
                in (answer.headers["Content-Disposition"])
            )
            (tmp_path / "got.xlsx").write_bytes(await answer.read())
        book = load_workbook(tmp_path / "got.xlsx", read_only=True)
        assert book.sheetnames[:3] == ["Tổng hợp", "Nhật ký", "Khó khăn"]
        # Another person, and the same person's other session, get the 404 of a missing page.
        for other in (thu, thanh_elsewhere):
            for address in (url, served.site + link):
                async with other.client.get(address) as answer:
                    assert answer.status == 404, address
                    assert "Không tìm thấy" in await answer.text()
        async with thanh.client.get(
            served.site + link.replace("bietphai-23", "bietphai-22")
        ) as answer:
            assert answer.status == 404
        # The file removed (after BOT_FILE_RETENTION_DAYS): the page says so, the link is 404.
        [kept] = (tmp_path / "files" / "exports").glob("*.xlsx")
        kept.unlink()
        async with thanh.client.get(url) as page:
            assert "không còn trên máy chủ" in await page.text()
        async with thanh.client.get(served.site + link) as answer:
            assert answer.status == 404
    finally:
        for browser in (thanh, thanh_elsewhere, thu):
            await browser.client.close()


async def test_a_file_that_cannot_be_made_is_one_line_without_a_traceback(
    served: Served, tmp_path: Path
) -> None:
    # A file where the exports' folder should be: every attempt fails.
    (tmp_path / "files").mkdir()
    (tmp_path / "files" / "exports").write_text("not a folder")
    thanh = await served.session(THANH)
    try:
        url = await served.ask(thanh)
        await served.dashboard.start()
        text = await served.settled(thanh, url)
        async with served.db.read() as tx:
            assert await export_jobs.status_of(tx, int(url.rsplit("/", 1)[1])) == "failed"
    finally:
        await thanh.client.close()
    assert (
        "Chưa lập được tệp Excel 23/11/2026–29/11/2026. Anh/chị lập lại ở trang «Tải về»; "
        "nếu vẫn không được, xin báo quản trị viên."
    ) in text
    assert "Traceback" not in text and "Error" not in text and "export-file" not in text
