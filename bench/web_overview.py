"""Web dashboard cost: department leadership's overview page on 20,000 officials × 120 days
against the same page on the sample organisation, in the same run.

The databases are the digest bench's (bench/digest_cost.py), kept in their own cache folder
(this bench's migrations are applied to them). The overview of "this week" (Monday to the
digest bench's Thursday, 24/12/2026) is requested over HTTP from the dashboard mounted on the
bot's file server, as a signed-in leader's browser would, after one untimed request; the time
is from sending the request to the last byte of the page (charts included). The two pages are
requested in turn (both servers up at once), each followed by the page's storage reads alone.

Run: python -m bench.web_overview [--quick] [--officials 20000] [--days 120] [--repeat 20]
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import statistics
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import aiohttp

from bench.digest_cost import (
    DIGEST_DAY,
    FORMAT_VERSION,
    LEADER,
    QUICK_DAYS,
    QUICK_OFFICIALS,
    ZONE,
    GeneratedDatabase,
    cache_folder,
    prepared,
)
from bot.http.server import Address, HttpServer
from bot.web import Dashboard, mount
from bot.web.app import COOKIE
from bot.web.pages import ROWS_SHOWN
from bot.web.photos import PhotoStore, Platforms
from handlers.core.turn import HandlerConfig, WebConfig
from handlers.core.workcal import calendar_from
from handlers.export.command import named_period
from handlers.web.links import keyed_hash, new_token
from storage import calendar as calendar_reads
from storage import digest as digest_reads
from storage import org, web_overview, web_sessions
from storage.db import Database

KEY = b"bench-key-" * 4
GOAL = 3.0


@dataclass(frozen=True)
class PageTimes:
    """Milliseconds of each timed request for one database, and of the page's reads alone."""

    database: GeneratedDatabase
    times: list[float]
    size: int  # bytes of the page
    reads: list[float]  # the overview's storage reads, called directly (no HTTP, no charts)

    @property
    def median(self) -> float:
        """Median milliseconds."""
        return statistics.median(self.times)

    @property
    def reads_median(self) -> float:
        """Median milliseconds of the reads alone."""
        return statistics.median(self.reads)

    @property
    def p95(self) -> float:
        """95th percentile milliseconds (nearest rank)."""
        ordered = sorted(self.times)
        return ordered[max(0, round(0.95 * len(ordered)) - 1)]


def own_folder() -> Path:
    """This bench's copy of the generated databases (never the digest bench's files)."""
    return cache_folder() / "web"


def borrow(officials: int, days: int) -> None:
    """Copy a database the digest bench already generated, to save generating it again."""
    name = f"digest-v{FORMAT_VERSION}-{officials}x{days}.sqlite3"
    source, target = cache_folder() / name, own_folder() / name
    wal = source.with_name(name + "-wal")
    if target.exists() or not source.exists() or (wal.exists() and wal.stat().st_size):
        return
    own_folder().mkdir(parents=True, exist_ok=True)
    partial = target.with_name(name + ".copy")
    shutil.copyfile(source, partial)
    partial.rename(target)


class ServedOverview:
    """The dashboard served on one database, with a leader's session: one page at a time."""

    def __init__(self, generated: GeneratedDatabase, folder: Path) -> None:
        self.generated = generated
        self.folder = folder
        self.now = datetime.combine(DIGEST_DAY, datetime.min.time(), ZONE) + timedelta(hours=17)
        self.times: list[float] = []
        self.reads: list[float] = []
        self.size = 0

    @asynccontextmanager
    async def serving(self) -> AsyncIterator[ServedOverview]:
        """Open the database, store the session, start the server (and stop it after)."""
        self.db = await Database(self.generated.path).open()
        config = WebConfig("http://127.0.0.1", KEY)
        dashboard = Dashboard(
            self.db,
            config,
            HandlerConfig(zone=ZONE, web=config),
            PhotoStore(self.folder, Platforms()),
            prefix="",
            clock=lambda: self.now,
            files=self.folder / "files",
        )
        server = HttpServer(Address("127.0.0.1", 0))
        server.mount_routes(lambda app: mount(app, dashboard))
        token = new_token()
        try:
            async with self.db.transaction() as tx:
                [leader] = await org.people_matching(tx, LEADER)
                await web_sessions.add_session(
                    tx,
                    keyed_hash(KEY, "session", token),
                    leader.id,
                    self.now,
                    self.now + timedelta(hours=1),
                )
            self.leader_id = leader.id
            await server.start()
            self.url = f"http://127.0.0.1:{server.bound_port}/web/?ky=tuannay"
            async with aiohttp.ClientSession(cookies={COOKIE: token}) as self.client:
                await self.request(timed=False)
                yield self
        finally:
            await server.stop()
            await self.db.close()

    async def request(self, *, timed: bool = True) -> None:
        """GET the overview, to the last byte of the page."""
        started = time.perf_counter()
        async with self.client.get(self.url) as answer:
            body = await answer.read()
            assert answer.status == 200, answer.status
        if timed:
            self.times.append((time.perf_counter() - started) * 1000)
        self.size = len(body)

    async def read(self) -> None:
        """The page's storage reads alone."""
        self.reads.append(await time_reads(self.db, self.leader_id, self.now))

    def result(self) -> PageTimes:
        """The times so far."""
        return PageTimes(self.generated, self.times, self.size, self.reads)


async def time_reads(db: Database, leader_id: int, now: datetime) -> float:
    """Milliseconds of the overview's storage reads for this week, as the page makes them."""
    today = now.date()
    started = time.perf_counter()
    async with db.read() as tx:
        calendar = calendar_from(ZONE, await calendar_reads.declared_days(tx))
        found = named_period("tuannay", today)
        assert found is not None
        days = calendar.working_days(found[0], min(found[1], today))
        await digest_reads.scope_of(tx, leader_id)
        counts = await web_overview.rate_counts(tx, leader_id, days, today, lowest=ROWS_SHOWN)
        if counts.today is None:
            await web_overview.today(tx, leader_id, today)
        start = datetime.combine(found[0], datetime.min.time(), ZONE)
        await web_overview.difficulty_counts(tx, leader_id, now, start, start + timedelta(days=7))
        await digest_reads.unreachable_officials(tx, leader_id, today)
    return (time.perf_counter() - started) * 1000


async def run(
    officials: int, days: int, repeat: int, folder: Path | None = None
) -> tuple[PageTimes, PageTimes]:
    """Both databases (in `folder`, default this bench's cache), requests alternating."""
    if folder is None:
        folder = own_folder()
        borrow(0, days)
        borrow(officials, days)
    photos = folder / "photos"
    small = ServedOverview(await prepared(folder, 0, days), photos)
    large = ServedOverview(await prepared(folder, officials, days), photos)
    # The two alternate, spread evenly, so both medians see the machine's load of the same
    # minutes (20 sample and 10 large requests by default: sample, large, sample, sample, …).
    turns = sorted(
        [(n / repeat, small) for n in range(repeat)]
        + [(n / max(5, repeat // 2), large) for n in range(max(5, repeat // 2))],
        key=lambda turn: turn[0],
    )
    async with small.serving(), large.serving():
        for _, served in turns:
            await served.request()
            await served.read()  # beside the page, under the same load
    return small.result(), large.result()


def report(small: PageTimes, large: PageTimes) -> str:
    """The printed summary."""
    ratio = large.median / small.median
    verdict = "within goal" if ratio <= GOAL else "ABOVE GOAL"
    lines = [
        "Web dashboard: leadership's overview of this week (GET /web/?ky=tuannay)",
        f"  sample organisation ({small.database.entries:,} entries): median "
        f"{small.median:.1f} ms, p95 {small.p95:.1f} ms, page {small.size / 1000:.0f} kB",
        f"  {large.database.officials:,} officials ({large.database.entries:,} entries): median "
        f"{large.median:.1f} ms, p95 {large.p95:.1f} ms, page {large.size / 1000:.0f} kB",
        f"  ratio large/sample (medians): {ratio:.2f} (goal ≤ {GOAL:g}: {verdict})",
        f"  the page's database reads alone (medians): sample {small.reads_median:.1f} ms, "
        f"{large.database.officials:,} officials {large.reads_median:.1f} ms; the rest of the "
        f"page (charts, template, HTTP) {small.median - small.reads_median:.0f} ms and "
        f"{large.median - large.reads_median:.0f} ms",
    ]
    return "\n".join(lines)


def main() -> None:
    """Parse the arguments, run, print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--officials", type=int, default=20_000)
    parser.add_argument("--days", type=int, default=120)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--quick", action="store_true", help="2,000 officials × 30 days")
    args = parser.parse_args()
    if args.quick:
        args.officials, args.days, args.repeat = QUICK_OFFICIALS, QUICK_DAYS, 5
    small, large = asyncio.run(run(args.officials, args.days, args.repeat))
    print(report(small, large))


if __name__ == "__main__":
    main()
