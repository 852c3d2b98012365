"""Digest cost on PostgreSQL: the same two databases as bench.digest_cost, copied to PostgreSQL.

bench.digest_cost generates (and caches) two SQLite files: the sample organisation, and the
same plus synthetic officials up to --officials, an entry a day each for --days days. This
bench copies each into its own PostgreSQL database with `copy-db`'s code, which ends with
ANALYZE (kept on the server between runs, named after the size), and times Hồ Văn Tâm's daily
digest on both, the two alternating: the ratio large ÷ small is the figure (goal ≤ 2, as on SQLite).
Department leadership's digest over every official is reported per official.

Run: python -m bench.pg_digest_cost [--quick] [--officials 20000] [--days 120] [--server URL]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import psycopg

from bench.digest_cost import (
    DIGEST_DAY,
    FORMAT_VERSION,
    LEADER,
    QUICK_DAYS,
    QUICK_OFFICIALS,
    SCOPED,
    ZONE,
    cache_folder,
    person_named,
    prepared,
    time_daily,
)
from bench.pg_throughput import DEFAULT_SERVER, database_url
from handlers.core.workcal import WorkingCalendar
from handlers.digest.daily import daily_digest
from storage import digest as digest_reads
from storage.copy import copy_database
from storage.db import Database
from storage.models import Person
from storage.pg import PgDatabase


async def on_postgresql(server: str, sqlite_path: Path, name: str) -> tuple[str, float]:
    """The URL of a PostgreSQL copy of the SQLite file (made once), and seconds spent copying."""
    with psycopg.connect(server, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
    url = database_url(server, name)
    target = await PgDatabase(url).open()
    source = await Database(sqlite_path).open()
    started = time.perf_counter()
    try:
        if exists and await target.table_names():
            async with target.read() as tx:
                if int(await tx.value("SELECT count(*) FROM work_logs")):
                    return url, 0.0
        await copy_database(source, target)  # which ends with ANALYZE of every table it filled
    finally:
        await source.close()
        await target.close()
    return url, time.perf_counter() - started


@dataclass(frozen=True)
class PgDigestResult:
    """The timed digests of one run on PostgreSQL."""

    lines: list[str]  # how each database was made
    scope_officials: int
    small_ms: float
    large_ms: float
    leadership_officials: int
    leadership_ms: float
    load: tuple[float, float]  # 1-minute load average at the start and at the end

    @property
    def ratio(self) -> float:
        """The same scope's digest in the large database over the small one."""
        return self.large_ms / self.small_ms


async def _once(db: PgDatabase, supervisor: Person) -> float:
    """Milliseconds of one daily digest, in its own read transaction."""
    calendar = WorkingCalendar(ZONE)
    now = datetime.combine(DIGEST_DAY, datetime.min.time(), ZONE) + timedelta(hours=17)
    started = time.perf_counter()
    async with db.read() as tx:
        await daily_digest(tx, supervisor, DIGEST_DAY, now, calendar, "vi")
    return (time.perf_counter() - started) * 1000


async def run(
    server: str,
    officials: int,
    days: int,
    repeat: int,
    folder: Path,
    prefix: str = "bietphai_digest",
) -> PgDigestResult:
    """Copy both databases to PostgreSQL (once) and time the digests on them."""
    lines: list[str] = []
    urls: dict[str, str] = {}
    for label, size in (("small", 0), ("large", officials)):
        generated = await prepared(folder, size, days)
        name = f"{prefix}_v{FORMAT_VERSION}_{size}x{days}"
        urls[label], copy_seconds = await on_postgresql(server, generated.path, name)
        made = "cached" if not copy_seconds else f"copied in {copy_seconds:.0f} s"
        lines.append(f"  ({label}) {generated.entries:,} entries on PostgreSQL «{name}» ({made})")
    load_before = os.getloadavg()[0]
    small = await PgDatabase(urls["small"]).open()
    large = await PgDatabase(urls["large"]).open()
    try:
        in_small, in_large = await person_named(small, SCOPED), await person_named(large, SCOPED)
        await _once(small, in_small)
        await _once(large, in_large)
        # Small and large alternate, so that both medians see the same load from the rest of
        # the machine (a busy stretch during one database's runs alone would skew the ratio).
        small_times, large_times = [], []
        for _ in range(repeat):
            small_times.append(await _once(small, in_small))
            large_times.append(await _once(large, in_large))
        async with small.read() as tx:
            scope_small = len(await digest_reads.officials_in_scope(tx, in_small.id, DIGEST_DAY))
        async with large.read() as tx:
            scope_large = len(await digest_reads.officials_in_scope(tx, in_large.id, DIGEST_DAY))
        assert scope_small == scope_large, "the scoped supervisor must see the same officials"
        leader = await person_named(large, LEADER)
        leadership_ms, leadership_officials = await time_daily(large, leader, max(1, repeat // 10))
    finally:
        await small.close()
        await large.close()
    return PgDigestResult(
        lines=lines,
        scope_officials=scope_small,
        small_ms=statistics.median(small_times),
        large_ms=statistics.median(large_times),
        leadership_officials=leadership_officials,
        leadership_ms=leadership_ms,
        load=(load_before, os.getloadavg()[0]),
    )


def format_report(result: PgDigestResult, server: str) -> str:
    """The printed summary."""
    return "\n".join(
        [
            f"Daily digest cost on PostgreSQL ({server.rsplit('@', 1)[-1]})",
            *result.lines,
            f"  {SCOPED} ({result.scope_officials} officials in scope): "
            f"(a) {result.small_ms:.2f} ms, (b) {result.large_ms:.2f} ms, "
            f"ratio {result.ratio:.2f} (goal ≤ 2)",
            f"  leadership ({result.leadership_officials:,} officials): "
            f"{result.leadership_ms:,.0f} ms = "
            f"{result.leadership_ms * 1000 / max(1, result.leadership_officials):.1f} µs "
            "per official",
            f"  load average (1 min): {result.load[0]:.2f} at the start, "
            f"{result.load[1]:.2f} at the end",
        ]
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Run and print."""
    parser = argparse.ArgumentParser(prog="python -m bench.pg_digest_cost", description=__doc__)
    parser.add_argument("--officials", type=int, default=20_000)
    parser.add_argument("--days", type=int, default=120)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--quick", action="store_true", help="2,000 officials × 30 days")
    parser.add_argument("--server", default=None, help="PostgreSQL server URL")
    parser.add_argument("--cache-dir", type=Path, default=cache_folder())
    args = parser.parse_args(argv)
    officials, days = (QUICK_OFFICIALS, QUICK_DAYS) if args.quick else (args.officials, args.days)
    server = args.server or os.environ.get("BOT_TEST_DATABASE_URL") or DEFAULT_SERVER
    result = asyncio.run(run(server, officials, days, args.repeat, args.cache_dir))
    print(format_report(result, server))
    return 0


if __name__ == "__main__":
    sys.exit(main())
