"""bietphai's Telegram stack on PostgreSQL beside the same stack on SQLite, in the same run.

The same conversation as bench.telegram_throughput (M officials, each sends a plain text and
waits for the offer), once on a fresh SQLite file and once on a fresh PostgreSQL database on
the server named by --server (default: BOT_TEST_DATABASE_URL, else the local server). Rounds
alternate which backend goes first; the median of each is compared. Goal: PostgreSQL ≥ 0.8 of
SQLite's updates/s with the server on the same machine.

Run: python -m bench.pg_throughput [--officials 200] [--messages 2000] [--rounds 3] [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import secrets
import tempfile
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg

from bench.telegram_throughput import BotResult, median_run, run_bietphai
from storage.db import Database
from storage.pg import PgDatabase

GOAL = 0.8
DEFAULT_SERVER = "postgresql://postgres@127.0.0.1:5432/test"


def database_url(server: str, name: str) -> str:
    """The URL of database `name` on the server of `server`."""
    return urlunsplit(urlsplit(server)._replace(path=f"/{name}"))


def create_database(server: str) -> str:
    """A new empty database on the server; returns its name."""
    name = f"bietphai_bench_{secrets.token_hex(4)}"
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return name


def drop_database(server: str, name: str) -> None:
    """Drop a bench database."""
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def one_round(
    folder: Path, server: str, officials: int, messages: int, warmup: int, pg_first: bool
) -> tuple[BotResult, BotResult]:
    """One SQLite run and one PostgreSQL run, in the order asked."""
    name = create_database(server)
    url = database_url(server, name)

    async def open_pg() -> Database:
        return await PgDatabase(url).open()

    try:
        runs: dict[str, BotResult] = {}
        for backend in ("postgresql", "sqlite") if pg_first else ("sqlite", "postgresql"):
            opener = open_pg if backend == "postgresql" else None
            runs[backend] = await run_bietphai(
                folder / backend, officials, messages, warmup, press=False, open_db=opener
            )
        return runs["sqlite"], runs["postgresql"]
    finally:
        drop_database(server, name)


async def run_bench(
    server: str, officials: int, messages: int, rounds: int, warmup: int = 10
) -> tuple[BotResult, BotResult]:
    """The median SQLite and PostgreSQL runs over `rounds` alternating rounds."""
    sqlite_runs: list[BotResult] = []
    pg_runs: list[BotResult] = []
    with tempfile.TemporaryDirectory(prefix="bietphai-pg-bench-") as tmp:
        for number in range(rounds):
            lite, pg = await one_round(
                Path(tmp) / f"round-{number + 1}",
                server,
                officials,
                messages,
                min(warmup, officials),
                pg_first=number % 2 == 1,
            )
            sqlite_runs.append(lite)
            pg_runs.append(pg)
    return median_run(sqlite_runs), median_run(pg_runs)


def report(lite: BotResult, pg: BotResult) -> str:
    """The comparison as a small table and the ratio against the goal."""
    ratio = pg.per_second / lite.per_second if lite.per_second else 0.0
    lines = [
        "backend      updates/s   p50 ms   p95 ms   CPU ms/update (this process)",
        f"SQLite       {lite.per_second:9.1f} {lite.p50:8.1f} {lite.p95:8.1f} "
        f"{lite.cpu_ms_per_update:8.2f}",
        f"PostgreSQL   {pg.per_second:9.1f} {pg.p50:8.1f} {pg.p95:8.1f} "
        f"{pg.cpu_ms_per_update:8.2f}",
        f"PostgreSQL ÷ SQLite = {ratio:.2f} (goal ≥ {GOAL})",
    ]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Run and print the comparison."""
    parser = argparse.ArgumentParser(prog="python -m bench.pg_throughput", description=__doc__)
    parser.add_argument("--server", default=None, help="PostgreSQL server URL (a database in it)")
    parser.add_argument("--officials", type=int, default=None)
    parser.add_argument("--messages", type=int, default=None)
    parser.add_argument("--rounds", type=int, default=None)
    parser.add_argument("--quick", action="store_true", help="20 officials, 100 messages, 1 round")
    args = parser.parse_args(argv)
    officials, messages, rounds = (20, 100, 1) if args.quick else (200, 2000, 3)
    server = args.server or os.environ.get("BOT_TEST_DATABASE_URL") or DEFAULT_SERVER
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    from storage.pg import ESCALATIONS, RETRIES

    lite, pg = asyncio.run(
        run_bench(
            server,
            args.officials or officials,
            args.messages or messages,
            args.rounds or rounds,
        )
    )
    print(report(lite, pg))
    print(f"turns run again after a lost race on PostgreSQL: {RETRIES[0]}")
    print(f"turns run again serializable (they wrote beyond the chat's rows): {ESCALATIONS[0]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
