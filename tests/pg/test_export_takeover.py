"""A dashboard download whose process dies mid-build is built by another process after its
lease, once; its page and its file are served by whichever process the browser reaches.

Two real `bietphai run` processes on one PostgreSQL database, one files folder (as several
machines share one), a short export lease (BOT_EXPORT_LEASE_SECONDS). The test holds an
exclusive lock on the table the build reads first, so the first process's build waits on it
for sure; the browser's form goes to that process, which is killed (SIGKILL, its worker process
with it, as a machine's death takes both) while it builds. The second process takes the job
over once the lease has run out; the lock is let go and the file is made, by it, once.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import signal
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import aiohttp
import pytest
from openpyxl import load_workbook

from bot.orgservice import import_org
from bot.web.app import COOKIE
from handlers.web.links import keyed_hash, new_token
from storage import export_jobs, web_sessions
from storage.db import Tx
from storage.org_import import resolve_person
from storage.pg import PgDatabase
from testing.bot_process import PATIENCE, BotProcess
from testing.fakes.telegram_api import FakeTelegramAPI
from tests.helpers.pg_locks import held_open, waiting_on
from tests.helpers.processes import bots_on_one_database
from tests.helpers.sample import SAMPLE_XLSX, THANH

pytestmark = [pytest.mark.filterwarnings("ignore:.*retry_after.*:DeprecationWarning")]

SECRET_KEY = "e" * 32
LEASE_SECONDS = 4
RUNNING = "bietphai is running"
# Read first by every build (the working calendar), and by nothing the form's request reads.
FIRST_READ = "calendar_days"


async def until(condition: Callable[[], Awaitable[bool]], what: str) -> None:
    """Wait until `condition()` is true."""
    try:
        async with asyncio.timeout(PATIENCE):
            while not await condition():  # noqa: ASYNC110 (another process decides)
                await asyncio.sleep(0.2)
    except TimeoutError:
        pytest.fail(f"not within {PATIENCE:.0f} s: {what}")


def descendants(pid: int) -> list[int]:
    """Every process below `pid` (from /proc, Linux)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                # "pid (name) state ppid ...": the name may hold spaces, so split after ")".
                parents[int(entry.name)] = int(
                    (entry / "stat").read_text().rsplit(")", 1)[1].split()[1]
                )
    found, todo = [], [pid]
    while todo:
        parent = todo.pop()
        children = [child for child, p in parents.items() if p == parent]
        found += children
        todo += children
    return found


async def lock_first_read(tx: Tx) -> None:
    """Work for `held_open`: an exclusive lock on the table the build reads first."""
    await tx.execute(f"LOCK TABLE {FIRST_READ} IN ACCESS EXCLUSIVE MODE")


async def job_row(db: PgDatabase, job_id: int) -> tuple[str, int]:
    """(status, attempts) of an export job."""
    async with db.read() as tx:
        row = await tx.one("SELECT status, attempts FROM export_jobs WHERE id = ?", (job_id,))
    assert row is not None
    return str(row["status"]), int(row["attempts"])


def running(bot: BotProcess) -> Callable[[], Awaitable[bool]]:
    async def check() -> bool:
        return any(RUNNING in p.read_text(errors="replace") for p in bot.logs[-1:] if p.exists())

    return check


async def test_a_download_whose_process_dies_is_built_once_by_another(
    pg_url: str, tmp_path: Path
) -> None:
    db = await PgDatabase(pg_url).open()
    token = new_token()
    now = datetime.now(UTC)
    try:
        await import_org(db, SAMPLE_XLSX, now)
        async with db.transaction() as tx:
            leader = await resolve_person(tx, THANH)
            await web_sessions.add_session(
                tx,
                keyed_hash(SECRET_KEY.encode(), "session", token),
                leader,
                now,
                now + timedelta(hours=8),
            )
        files = tmp_path / "files"  # one folder for both, as machines would share it
        async with FakeTelegramAPI() as telegram:
            bots = bots_on_one_database(
                2,
                telegram.base_url,
                tmp_path,
                pg_url,
                ZoneInfo("Asia/Ho_Chi_Minh"),
                {
                    "BOT_SECRET_KEY": SECRET_KEY,
                    "BOT_FILES_DIR": str(files),
                    "BOT_EXPORT_LEASE_SECONDS": str(LEASE_SECONDS),
                },
            )
            for bot in bots:
                bot.env["BOT_PUBLIC_BASE_URL"] = f"http://127.0.0.1:{bot.http_port}"
            first, second = bots
            browser: aiohttp.ClientSession | None = None
            try:
                await first.start()
                await until(running(first), "the first process is running")
                browser = aiohttp.ClientSession(cookies={COOKIE: token})
                async with held_open(db, lock_first_read) as holder:
                    site = f"http://127.0.0.1:{first.http_port}"
                    form = {
                        "csrf": keyed_hash(SECRET_KEY.encode(), "csrf", token),
                        "ky": "khac",
                        "tu": "2026-11-23",
                        "den": "2026-11-29",
                    }
                    async with browser.post(
                        f"{site}/web/tai-ve", data=form, allow_redirects=False
                    ) as asked:
                        assert asked.status == 303, await asked.text()
                        page = asked.headers["Location"]
                    job_id = int(page.rsplit("/", 1)[1])

                    async def first_builds() -> bool:
                        return await job_row(db, job_id) == ("building", 1) and (
                            bool(await waiting_on(db, holder))
                        )

                    await until(first_builds, "the first process builds, waiting on the lock")
                    assert first.process is not None
                    for pid in descendants(first.process.pid):
                        with contextlib.suppress(ProcessLookupError):
                            os.kill(pid, signal.SIGKILL)
                    await first.kill()
                    await second.start()
                    other = f"http://127.0.0.1:{second.http_port}"
                    shown: list[str] = []

                    async def second_serves() -> bool:
                        # (Its start goes on behind the lock: the scheduler's catch-up reads the
                        # calendar too; the HTTP server and the dashboard come first.)
                        with contextlib.suppress(aiohttp.ClientConnectionError):
                            async with browser.get(other + page) as status:
                                shown.append(await status.text())
                                return status.status == 200
                        return False

                    await until(second_serves, "the second process serves the dashboard")
                    # The other process shows the page of a job asked of the dead one.
                    assert "Đang chuẩn bị tệp Excel" in shown[-1]

                    async def taken_over() -> bool:
                        return await job_row(db, job_id) == ("building", 2)

                    await until(taken_over, "the second process takes the job over")
                # The lock let go: the second process's build goes on.

                async def ready() -> bool:
                    async with browser.get(other + page) as status:
                        return "export-file" in await status.text()

                await until(ready, "the file is offered")
                async with browser.get(other + page) as status:
                    found = re.search(r'<a href="([^"]+)" id="export-file"', await status.text())
                assert found is not None
                async with browser.get(other + found[1]) as answer:
                    assert answer.status == 200
                    (tmp_path / "got.xlsx").write_bytes(await answer.read())
            finally:
                if browser is not None:
                    await browser.close()
                for bot in bots:
                    await bot.kill()
        # Made once: by the second attempt, one file in the folder, and it opens.
        assert await job_row(db, job_id) == ("done", 2)
        assert [p.name for p in (files / "exports").iterdir()] == [
            f"{job_id}-bietphai-23-11-2026-29-11-2026.xlsx"
        ]
        async with db.read() as tx:
            progress = await export_jobs.progress(tx, job_id)
        assert progress is not None and progress.file_path is not None
        book = load_workbook(tmp_path / "got.xlsx", read_only=True)
        assert book.sheetnames[:3] == ["Tổng hợp", "Nhật ký", "Khó khăn"]
    finally:
        await db.close()
