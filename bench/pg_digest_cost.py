"""Digest cost on PostgreSQL: the same two databases as bench.digest_cost, copied to PostgreSQL.

bench.digest_cost generates (and caches) two SQLite files: the sample organisation, and the
same plus synthetic officials up to --officials, an entry a day each for --days days. This
bench copies each into its own PostgreSQL database with `copy-db`'s code (kept on the server
between runs, named after the size), runs ANALYZE, and times Hồ Văn Tâm's daily digest on
both: the ratio large ÷ small is the figure (goal ≤ 2, as on SQLite). Department leadership's
digest over every official is reported per official.

Run: python -m bench.pg_digest_cost [--quick] [--officials 20000] [--days 120] [--server URL]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import psycopg

from bench.digest_cost import (
    FORMAT_VERSION,
    LEADER,
    QUICK_DAYS,
    QUICK_OFFICIALS,
    SCOPED,
    _person,
    cache_folder,
    prepared,
    time_daily,
)
from bench.pg_throughput import DEFAULT_SERVER, database_url
from storage.copy import copy_database
from storage.db import Database
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
        await copy_database(source, target)
    finally:
        await source.close()
        await target.close()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("ANALYZE")
    return url, time.perf_counter() - started


async def run(server: str, officials: int, days: int, repeat: int, folder: Path) -> str:
    """Time the digests on both PostgreSQL copies; the report."""
    lines = [f"Daily digest cost on PostgreSQL ({server.rsplit('@', 1)[-1]})"]
    timings: dict[str, float] = {}
    sizes: dict[str, int] = {}
    for label, size in (("small", 0), ("large", officials)):
        generated = await prepared(folder, size, days)
        name = f"bietphai_digest_v{FORMAT_VERSION}_{size}x{days}"
        url, copy_seconds = await on_postgresql(server, generated.path, name)
        made = "cached" if not copy_seconds else f"copied in {copy_seconds:.0f} s"
        lines.append(f"  ({label}) {generated.entries:,} entries on PostgreSQL «{name}» ({made})")
        db = await PgDatabase(url).open()
        try:
            scoped = await _person(db, SCOPED)
            timings[label], sizes[label] = await time_daily(db, scoped, repeat)
            if label == "large":
                leader = await _person(db, LEADER)
                timings["leadership"], sizes["leadership"] = await time_daily(
                    db, leader, max(1, repeat // 10)
                )
        finally:
            await db.close()
    ratio = timings["large"] / timings["small"]
    lines.append(
        f"  {SCOPED} ({sizes['small']} officials in scope): (a) {timings['small']:.2f} ms, "
        f"(b) {timings['large']:.2f} ms, ratio {ratio:.2f} (goal ≤ 2)"
    )
    lines.append(
        f"  leadership ({sizes['leadership']:,} officials): {timings['leadership']:,.0f} ms = "
        f"{timings['leadership'] * 1000 / max(1, sizes['leadership']):.1f} µs per official"
    )
    return "\n".join(lines)


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
    print(asyncio.run(run(server, officials, days, args.repeat, args.cache_dir)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
