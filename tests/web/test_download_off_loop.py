"""The dashboard's "Tải về" builds the workbook in a worker process, in the background: while a
big period is being built, the chat of the same process keeps answering, and the file the status
page then offers is the export's."""

from __future__ import annotations

import asyncio
import re
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from datetime import date, datetime, timedelta
from pathlib import Path

import aiohttp
import pytest
from openpyxl import load_workbook

from bench.digest_cost import DIGEST_DAY, ZONE, generate
from bot.export import ExportRequest
from bot.export_worker import WorkbookBuilder
from bot.http.server import Address, HttpServer
from bot.orgservice import create_invite
from bot.web import Dashboard, mount
from bot.web.app import COOKIE
from bot.web.photos import PhotoStore, Platforms
from handlers.core.turn import HandlerConfig, WebConfig
from handlers.router import Router
from handlers.web.links import keyed_hash, new_token
from storage import web_sessions
from storage.db import Database
from storage.export import ExportFilter
from storage.org_import import resolve_person
from tests.chat import Chat
from tests.helpers.loop import loop_lags
from tests.helpers.sample import AN, THANH

KEY = b"test-key-" * 4
OFFICIALS, DAYS = 150, 12


async def test_the_chat_keeps_answering_while_a_big_download_is_built(tmp_path: Path) -> None:
    path = tmp_path / "big.sqlite3"
    entries = await generate(path, OFFICIALS, DAYS)
    first = DIGEST_DAY - timedelta(days=DAYS - 1)
    now = datetime.combine(DIGEST_DAY, datetime.min.time(), ZONE) + timedelta(hours=17)
    db = await Database(path).open()
    config = WebConfig("http://127.0.0.1", KEY)
    handlers = HandlerConfig(zone=ZONE, language="vi", backdate_days=7, web=config)
    dashboard = Dashboard(
        db,
        config,
        handlers,
        PhotoStore(tmp_path / "photos", Platforms()),
        "",
        lambda: now,
        files=tmp_path / "files",
    )
    server = HttpServer(Address("127.0.0.1", 0))
    server.mount_routes(lambda app: mount(app, dashboard))
    router = Router(db, handlers)
    an = Chat(router, "9002").at("2026-12-25 09:00")  # the day after the period
    token = new_token()
    try:
        async with db.transaction() as tx:
            leader = await resolve_person(tx, THANH)
            await web_sessions.add_session(
                tx, keyed_hash(KEY, "session", token), leader, now, now + timedelta(hours=1)
            )
        invite = await create_invite(db, AN, an.clock, timedelta(days=7))
        await an.say(f"/start {invite.code}")
        await dashboard.start()
        await server.start()
        site = f"http://127.0.0.1:{server.bound_port}"
        form = {
            "csrf": keyed_hash(KEY, "csrf", token),
            "ky": "khac",
            "tu": first.isoformat(),
            "den": DIGEST_DAY.isoformat(),
        }

        async def download(client: aiohttp.ClientSession) -> bytes:
            """As the browser does: ask, then reload the status page until the file is offered."""
            async with client.post(f"{site}/web/tai-ve", data=form) as answer:
                assert answer.status == 200, await answer.text()
                status_url = str(answer.url)
            while True:
                async with client.get(status_url) as status:
                    page = await status.text()
                offered = re.search(r'<a href="([^"]+)" id="export-file"', page)
                if offered is not None:
                    break
                assert "Đang chuẩn bị tệp Excel" in page, page
                await asyncio.sleep(0.5)
            async with client.get(site + offered[1]) as answer:
                assert answer.status == 200, await answer.text()
                return await answer.read()

        answered_while_building = 0
        async with loop_lags() as lags, aiohttp.ClientSession(cookies={COOKIE: token}) as client:
            started = time.perf_counter()
            building = asyncio.create_task(download(client))
            async with asyncio.timeout(300):
                while not building.done():
                    reply = await an.say(
                        f"Hướng dẫn xã rà soát hồ sơ lần {answered_while_building}"
                    )
                    assert "Lưu nội dung này" in reply, reply
                    assert (await an.press("Lưu")).startswith("Đã ghi nhật ký")
                    if not building.done():
                        answered_while_building += 1
                    await asyncio.sleep(0.05)  # an official's pace, not a flood
                body = await building
            took = time.perf_counter() - started
    finally:
        await server.stop()
        await dashboard.stop()
        await db.close()
    worst = max(lags)
    print(f"built in {took:.1f} s; loop lag max {worst:.3f} s; {answered_while_building} turns")
    # The chat was answered, turn after turn, before the file came ...
    assert answered_while_building >= 2
    # ... and the loop never waited on the workbook: on the loop, openpyxl holds it for about a
    # fifth of the build at a time (saving the workbook); here it is the machine's own jitter.
    assert worst < took / 20, f"the event loop stalled {worst:.2f} s of a {took:.1f} s build"
    workbook_path = tmp_path / "download.xlsx"
    workbook_path.write_bytes(body)
    book = load_workbook(workbook_path, read_only=True)
    assert book.sheetnames[:3] == ["Tổng hợp", "Nhật ký", "Khó khăn"]
    rows = sum(1 for _ in book["Nhật ký"].iter_rows(min_row=2))
    # Every generated entry (those An saved meanwhile are dated after the period).
    assert rows == entries, (rows, entries)


async def test_a_builder_whose_process_died_starts_another(
    org_db: Database, tmp_path: Path
) -> None:
    builder = WorkbookBuilder(org_db, str(ZONE))
    async with org_db.read() as tx:
        leader = await resolve_person(tx, THANH)
    week = ExportRequest(date(2026, 11, 23), date(2026, 11, 29), ExportFilter(leader), "toàn Sở")
    try:
        first = asyncio.ensure_future(builder.build(week, tmp_path / "a.xlsx"))
        await asyncio.sleep(0)  # submitted: the worker process exists
        executor = builder._executor
        assert isinstance(executor, ProcessPoolExecutor)
        for process in list((executor._processes or {}).values()):
            process.kill()  # as the kernel's OOM killer would
        with pytest.raises(BrokenProcessPool):
            await first
        # The next download gets a new process instead of the broken pool's error.
        result = await builder.build(week, tmp_path / "b.xlsx")
    finally:
        builder.close()
    assert result.entries == 0
    assert load_workbook(tmp_path / "b.xlsx", read_only=True).sheetnames[0] == "Tổng hợp"
