"""Web dashboard cost: department leadership's overview page on 20,000 officials × 120 days
against the same page on the sample organisation, in the same run.

The databases are the digest bench's (bench/digest_cost.py), kept in their own cache folder
(this bench's migrations are applied to them). The overview of "this week" (Monday to the
digest bench's Thursday, 24/12/2026) is requested over HTTP from the dashboard mounted on the
bot's file server, as a signed-in leader's browser would, after one untimed request; the time
is from sending the request to the last byte of the page (charts included).

Run: python -m bench.web_overview [--quick] [--officials 20000] [--days 120] [--repeat 20]
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import statistics
import time
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


async def time_overview(generated: GeneratedDatabase, repeat: int, folder: Path) -> PageTimes:
    """Serve the dashboard on this database and time leadership's overview."""
    db = await Database(generated.path).open()
    now = datetime.combine(DIGEST_DAY, datetime.min.time(), ZONE) + timedelta(hours=17)
    config = WebConfig("http://127.0.0.1", KEY)
    handlers = HandlerConfig(zone=ZONE, web=config)
    dashboard = Dashboard(
        db, config, handlers, PhotoStore(folder, Platforms()), prefix="", clock=lambda: now
    )
    server = HttpServer(Address("127.0.0.1", 0))
    server.mount_routes(lambda app: mount(app, dashboard))
    token = new_token()
    try:
        async with db.transaction() as tx:
            [leader] = await org.people_matching(tx, LEADER)
            await web_sessions.add_session(
                tx, keyed_hash(KEY, "session", token), leader.id, now, now + timedelta(hours=1)
            )
        await server.start()
        url = f"http://127.0.0.1:{server.bound_port}/web/?ky=tuannay"
        times = []
        size = 0
        async with aiohttp.ClientSession(cookies={COOKIE: token}) as client:
            for run in range(repeat + 1):
                started = time.perf_counter()
                async with client.get(url) as answer:
                    body = await answer.read()
                    assert answer.status == 200, answer.status
                if run:
                    times.append((time.perf_counter() - started) * 1000)
                size = len(body)
        reads = [await time_reads(db, leader.id, now) for _ in range(len(times))]
        return PageTimes(generated, times, size, reads)
    finally:
        await server.stop()
        await db.close()


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
    """Both databases, small first (in `folder`, default this bench's cache)."""
    if folder is None:
        folder = own_folder()
        borrow(0, days)
        borrow(officials, days)
    small = await prepared(folder, 0, days)
    large = await prepared(folder, officials, days)
    photos = folder / "photos"
    return (
        await time_overview(small, repeat, photos),
        await time_overview(large, max(5, repeat // 2), photos),
    )


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
