"""Stories of a department-wide export that never stalls the chat: /xuat answers at once, the
workbook is built in another process from a read snapshot, and the file comes through the
outbox (on Zalo as an expiring link), surviving redelivery, a crash and a stop."""

from __future__ import annotations

import asyncio
import re
import sys
import threading
import time
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from openpyxl import load_workbook

from bench.digest_cost import generate
from bot.channels.zalo_api import ZaloClient
from bot.channels.zalo_outbox import ZaloOutbox
from bot.export_worker import LEASE, ExportWorker
from bot.orgservice import create_invite
from handlers.core.messages import Kind, Reply
from handlers.core.turn import HandlerConfig
from handlers.router import Router
from storage import Database, export_jobs, outbox
from testing.fakes.zalo_api import TOKEN
from tests.chat import ZONE, Chat
from tests.helpers.cli import clean_env
from tests.helpers.exports import build_waiting_exports
from tests.helpers.loop import loop_lags
from tests.helpers.sample import AN, THANH, MakeChat
from tests.helpers.zalo import delivered_on_zalo, file_links

PERIOD = "/xuat 25/11/2026 24/12/2026"  # the generated database's last month


async def linked(router: Router, db: Database, name: str, user_id: str) -> Chat:
    """A sample person's Telegram chat, linked with an invite code."""
    chat = Chat(router, user_id).at("2026-12-24 10:00")
    invite = await create_invite(db, name, chat.clock, timedelta(days=7))
    await chat.say(f"/start {invite.code}")
    return chat


async def job_status(db: Database) -> str | None:
    """The status of the first export job."""
    async with db.read() as tx:
        return await export_jobs.status_of(tx, 1)


@pytest.fixture
async def big_db(tmp_path: Path) -> AsyncIterator[Database]:
    """The sample organisation plus 150 generated officials, an entry a day for 30 days."""
    path = tmp_path / "big.sqlite3"
    await generate(path, 150, 30)
    db = await Database(path).open()
    yield db
    await db.close()


async def test_officials_keep_saving_while_leadership_exports_the_department(
    big_db: Database, tmp_path: Path
) -> None:
    router = Router(big_db, HandlerConfig(zone=ZONE, language="vi", backdate_days=7))
    thanh = await linked(router, big_db, THANH, "9001")
    an = await linked(router, big_db, AN, "9002")
    # The worker as `bietphai run` has it: the build goes to a fresh process.
    worker = ExportWorker(big_db, tmp_path / "files", "Asia/Ho_Chi_Minh", idle=0.05)

    started = time.perf_counter()
    assert (await thanh.say(PERIOD)).startswith("Đang lập tệp Excel 25/11/2026–24/12/2026")
    # Answered at once: the request is a row, not a workbook.
    assert time.perf_counter() - started < 1.0

    await worker.start()
    saved_while_building = 0
    try:
        async with loop_lags() as lags, asyncio.timeout(120):
            while (status := await job_status(big_db)) != "done":
                reply = await an.say(f"Hướng dẫn xã rà soát hồ sơ lần {saved_while_building + 1}")
                assert "Lưu nội dung này" in reply, reply
                assert (await an.press("Lưu")).startswith("Đã ghi nhật ký")
                if status == "building" and await job_status(big_db) == "building":
                    saved_while_building += 1
    finally:
        await worker.stop()
    print(f"saved while building: {saved_while_building}, loop lag max {max(lags):.3f} s")
    assert saved_while_building >= 1
    # The event loop never waited on the workbook (openpyxl in the loop blocks it for seconds).
    assert max(lags) < 0.5, f"the event loop stalled {max(lags):.2f} s"
    async with big_db.read() as tx:
        [(key, status, payload)] = await outbox.payloads_like(tx, "export:")
    done = Reply.from_json(payload)
    assert key == "export:1" and status == "pending" and done.document is not None
    book = load_workbook(done.document.path, read_only=True)
    assert sum(1 for _ in book["Nhật ký"].iter_rows(min_row=2)) > 150 * 20


async def test_a_redelivered_xuat_queues_one_export_and_says_the_same(
    linked_chat: MakeChat, org_db: Database, tmp_path: Path
) -> None:
    thanh = await linked_chat(THANH)
    asked = thanh._incoming(
        Kind.COMMAND,
        command="xuat",
        args="01/11/2026 30/11/2026",
        text="/xuat 01/11/2026 30/11/2026",
    )
    first = await thanh.router.handle(asked, now=thanh.clock)
    # Telegram delivers the update again (a crash came before its reply was confirmed): the
    # stored reply is sent again, and it holds no file, only the text.
    again = await thanh.router.handle(asked, now=thanh.clock)
    assert again == first and first[0].text.startswith("Đang lập tệp Excel 01/11/2026")
    assert again[0].document is None
    # Asked once more, as a new message, while it waits: still one export.
    await thanh.say("/xuat 01/11/2026 30/11/2026")
    [done] = await build_waiting_exports(org_db, tmp_path)
    assert done.document is not None and Path(done.document.path).is_file()


async def test_an_export_whose_builder_vanished_is_built_again_after_its_lease(
    linked_chat: MakeChat, org_db: Database, tmp_path: Path
) -> None:
    thanh = await linked_chat(THANH)
    await thanh.say("/xuat 01/11/2026 30/11/2026")
    now = datetime.now(UTC)
    async with org_db.transaction() as tx:
        taken = await export_jobs.claim_next(tx, now=now, lease=LEASE)
    assert taken is not None  # ... and the process that took it dies here.
    async with org_db.transaction() as tx:
        assert await export_jobs.claim_next(tx, now=now + LEASE / 2, lease=LEASE) is None
    async with org_db.transaction() as tx:
        again = await export_jobs.claim_next(tx, now=now + LEASE * 1.1, lease=LEASE)
    assert again is not None and again.id == taken.id and again.attempts == 2
    async with org_db.transaction() as tx:
        await export_jobs.give_back(tx, again.id)
    [done] = await build_waiting_exports(org_db, tmp_path)
    assert done.document is not None


async def test_stopping_the_bot_mid_build_gives_the_export_back(
    linked_chat: MakeChat, org_db: Database, tmp_path: Path
) -> None:
    thanh = await linked_chat(THANH)
    await thanh.say("/xuat 01/11/2026 30/11/2026")
    # A build that does not end before the bot is stopped.
    release = threading.Event()

    class Stuck(ThreadPoolExecutor):
        def submit(self, fn, /, *args, **kwargs):  # type: ignore[no-untyped-def]
            return super().submit(release.wait)

    worker = ExportWorker(org_db, tmp_path, "Asia/Ho_Chi_Minh", executor=lambda: Stuck(1))
    await worker.start()
    try:
        async with asyncio.timeout(10):
            while await job_status(org_db) != "building":  # noqa: ASYNC110
                await asyncio.sleep(0.02)
        await worker.stop()
    finally:
        release.set()
    assert await job_status(org_db) == "pending"


async def test_an_export_that_keeps_failing_is_tried_three_times_then_the_person_is_told(
    linked_chat: MakeChat, org_db: Database, tmp_path: Path
) -> None:
    thanh = await linked_chat(THANH)
    await thanh.say("/xuat 01/11/2026 30/11/2026")
    blocked = tmp_path / "files"
    blocked.write_text("a file where the folder should be")
    [told] = await build_waiting_exports(org_db, blocked)
    assert told.document is None
    assert told.text == (
        "Chưa lập được tệp Excel 01/11/2026–30/11/2026. Anh/chị vui lòng gõ /xuat để thử lại; "
        "nếu vẫn không được, xin báo quản trị viên."
    )
    assert await job_status(org_db) == "failed"


async def test_zalo_gets_the_workbook_as_an_expiring_link(
    linked_chat: MakeChat, org_db: Database, tmp_path: Path
) -> None:
    thanh = await linked_chat(THANH)
    await thanh.say("/xuat 01/11/2026 30/11/2026")
    [done] = await build_waiting_exports(org_db, tmp_path / "files")
    assert done.document is not None
    async with file_links(org_db) as links:
        texts = await delivered_on_zalo(links, done, "zalo-thanh")
        assert texts[0].startswith("Tệp Excel 01/11/2026–30/11/2026")
        assert "Zalo chưa gửi được tệp" not in "\n".join(texts)
        found = re.search(r"Tải tệp Excel: (\S+\.xlsx)\n\(Liên kết dùng được đến", texts[-1])
        assert found, texts
        async with httpx.AsyncClient() as http:
            response = await http.get(found.group(1))
            assert response.status_code == 200
            assert response.content == Path(done.document.path).read_bytes()
            assert "bietphai-01-11-2026-30-11-2026.xlsx" in response.headers["content-disposition"]
            assert response.headers["cache-control"].startswith("private")
            # A guessed token gets the same 404 as an expired one.
            wrong = await http.get(f"{links.base_url}/{'A' * 43}.xlsx")
            assert wrong.status_code == 404


async def test_without_a_public_address_zalo_is_told_where_to_get_the_file(
    linked_chat: MakeChat, org_db: Database, tmp_path: Path
) -> None:
    thanh = await linked_chat(THANH)
    await thanh.say("/xuat 01/11/2026 30/11/2026")
    [done] = await build_waiting_exports(org_db, tmp_path / "files")
    pieces = ZaloOutbox(ZaloClient(TOKEN, "http://127.0.0.1:9/bot"), "vi").pieces(done)
    assert "Zalo chưa gửi được tệp Excel" in pieces[-1].text


async def test_the_console_chat_saves_the_workbook_when_ready(
    org_db: Database, tmp_path: Path
) -> None:
    env = clean_env() | {"BOT_DB_PATH": str(org_db.path)}
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "chat",
        "--as",
        THANH,
        env=env,
        cwd=tmp_path,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    assert process.stdin is not None and process.stdout is not None
    process.stdin.write(b"/xuat 01/11/2026 30/11/2026\n")
    await process.stdin.drain()
    lines: list[str] = []
    try:
        async with asyncio.timeout(60):
            while not any(line.startswith("Đã lưu tệp: ") for line in lines):
                raw = await process.stdout.readline()
                assert raw, "\n".join(lines)
                lines.append(raw.decode().rstrip("\n"))
    finally:
        process.stdin.close()
        _, err = await process.communicate()
    assert process.returncode == 0, err.decode()
    text = "\n".join(lines)
    assert "Đang lập tệp Excel 01/11/2026–30/11/2026" in text
    assert "Tệp Excel 01/11/2026–30/11/2026" in text
    # Saved in the console's folder, as a file sent by the bot in the chat is.
    path = Path(lines[-1].removeprefix("Đã lưu tệp: "))
    assert path == (tmp_path / "console-files" / "bietphai-01-11-2026-30-11-2026.xlsx").resolve()
    assert path.read_bytes().startswith(b"PK")
