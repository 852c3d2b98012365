"""The storage work of one Telegram turn alone, on SQLite and on PostgreSQL, in the same run.

What bench.pg_throughput's turns do in the database, without the bot around it: read the
update key, the sender, the chat's state and the sender's communes of the day (one query),
store the next state and the update key, in one `Database.run` confined to the chat's own rows
(REPEATABLE READ on PostgreSQL, as the router runs them), N times on each backend
(rounds alternate). Reported per turn: the CPU of this process, the CPU of the PostgreSQL
server's processes of the bench database (read from /proc, so only with the server on this
machine) and the wall time.
The figure: PostgreSQL ÷ SQLite of the CPU (process + server) and of the wall time. It shows
where bench.pg_throughput's gap comes from (see the README's "PostgreSQL figures").

Run: python -m bench.pg_turn_cost [--turns 500] [--rounds 3] [--server URL]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.pg_throughput import DEFAULT_SERVER, create_database, database_url, drop_database
from bench.telegram_throughput import ZONE, prepare_database
from storage import conversation, turns, updates
from storage.db import Database, Tx
from storage.models import ConversationState
from storage.pg import PgDatabase

OFFICIALS = 50
STATE = ConversationState("worklog", "confirm", {"text": "Họp giao ban"}, "abc123", [["y", "Lưu"]])
TICKS = os.sysconf("SC_CLK_TCK")


@dataclass
class TurnCost:
    """Per turn, in ms: CPU of this process, CPU of the server's processes, wall time."""

    cpu: float
    server: float
    wall: float


def server_cpu(database: str) -> float:
    """CPU seconds of the local server processes serving `database` (0 if none is visible)."""
    total = 0.0
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
                if f" {database} ".encode() not in cmdline.read().replace(b"\0", b" "):
                    continue
            with open(f"/proc/{pid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue  # a process that ended meanwhile
        total += (int(fields[11]) + int(fields[12])) / TICKS
    return total


async def one_turn(tx: Tx, key: str, user_id: int, now: datetime) -> None:
    """A plain text offered for saving: the router's reads and writes, nothing else."""
    context = await turns.load_turn(
        tx,
        update_key=key,
        channel="telegram",
        user_id=str(user_id),
        chat_id=str(user_id),
        now=now,
        refresh=timedelta(minutes=10),
        day=now.astimezone(ZONE).date(),
    )
    assert context.person is not None and context.communes
    await conversation.save_state(tx, "telegram", str(user_id), context.person.id, STATE, now)
    await updates.record_update(tx, key, str(user_id), [{"text": "Lưu nội dung này?"}], now)


async def timed(db: Database, user_ids: list[int], count: int, tag: str, name: str) -> TurnCost:
    """`count` turns one after another, as the router decides a batch."""
    now = datetime.now(UTC)
    server_before = server_cpu(name) if name else 0.0
    cpu_before, started = time.process_time(), time.perf_counter()
    for n in range(count):
        user = user_ids[n % len(user_ids)]
        key = f"telegram:{tag}-{n}"

        async def body(tx: Tx, attempt: int, key: str = key, user: int = user) -> None:
            await one_turn(tx, key, user, now)

        await db.run(body, confined_to=turns.CHAT_BOOKKEEPING)
    wall = time.perf_counter() - started
    cpu = time.process_time() - cpu_before
    server = server_cpu(name) - server_before if name else 0.0
    return TurnCost(cpu / count * 1000, server / count * 1000, wall / count * 1000)


async def run_bench(server: str, count: int, rounds: int) -> dict[str, list[TurnCost]]:
    """Both backends, rounds alternating which goes first."""
    name = create_database(server)
    costs: dict[str, list[TurnCost]] = {"sqlite": [], "postgresql": []}
    try:
        with tempfile.TemporaryDirectory(prefix="bietphai-turn-cost-") as tmp:
            folder = Path(tmp)
            (folder / "lite").mkdir()
            (folder / "pg").mkdir()
            url = database_url(server, name)

            async def open_pg() -> Database:
                return await PgDatabase(url).open()

            lite_ids = await prepare_database(folder / "lite" / "b.sqlite3", OFFICIALS)
            pg_ids = await prepare_database(folder / "pg" / "b.sqlite3", OFFICIALS, open_pg)
            lite = await Database(folder / "lite" / "b.sqlite3").open()
            pg = await open_pg()
            try:
                await timed(lite, lite_ids, 20, "warm", "")
                await timed(pg, pg_ids, 20, "warm", name)
                for number in range(rounds):
                    order = ["postgresql", "sqlite"] if number % 2 else ["sqlite", "postgresql"]
                    for backend in order:
                        db, ids = (pg, pg_ids) if backend == "postgresql" else (lite, lite_ids)
                        tag = f"{backend}-{number}"
                        where = name if backend == "postgresql" else ""
                        costs[backend].append(await timed(db, ids, count, tag, where))
            finally:
                await lite.close()
                await pg.close()
    finally:
        drop_database(server, name)
    return costs


def report(costs: dict[str, list[TurnCost]]) -> str:
    """Medians per backend and the two ratios."""

    def median(backend: str, part: str) -> float:
        return float(statistics.median(getattr(c, part) for c in costs[backend]))

    lines = ["backend      CPU ms/turn   server CPU ms/turn   wall ms/turn"]
    for label, backend in (("SQLite", "sqlite"), ("PostgreSQL", "postgresql")):
        lines.append(
            f"{label:12s} {median(backend, 'cpu'):11.3f} {median(backend, 'server'):20.3f} "
            f"{median(backend, 'wall'):14.3f}"
        )
    lite_cpu = median("sqlite", "cpu")
    pg_cpu = median("postgresql", "cpu") + median("postgresql", "server")
    lines.append(
        f"PostgreSQL ÷ SQLite: CPU (process + server) {pg_cpu / lite_cpu:.1f}, "
        f"wall {median('postgresql', 'wall') / median('sqlite', 'wall'):.1f}; "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Run and print."""
    parser = argparse.ArgumentParser(prog="python -m bench.pg_turn_cost", description=__doc__)
    parser.add_argument("--turns", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--server", default=None, help="PostgreSQL server URL (a database in it)")
    args = parser.parse_args(argv)
    server = args.server or os.environ.get("BOT_TEST_DATABASE_URL") or DEFAULT_SERVER
    print(report(asyncio.run(run_bench(server, args.turns, args.rounds))))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
