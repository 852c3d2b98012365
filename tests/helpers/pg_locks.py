"""A PostgreSQL transaction held open on purpose, and who waits for it, for the crash stories."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable

from storage.db import Tx
from storage.pg import PgDatabase


class _Rollback(Exception):
    """Ends the held transaction without committing it."""


@contextlib.asynccontextmanager
async def held_open(db: PgDatabase, work: Callable[[Tx], Awaitable[object]]) -> AsyncIterator[int]:
    """`work` done in a transaction left open (locks and all) until the block ends, then rolled
    back; yields that transaction's server backend pid."""
    held, release = asyncio.Event(), asyncio.Event()
    backend: list[int] = []

    async def hold() -> None:
        with contextlib.suppress(_Rollback):
            async with db.transaction() as tx:
                await work(tx)
                backend.append(int(await tx.value("SELECT pg_backend_pid()")))
                held.set()
                await release.wait()
                raise _Rollback

    task = asyncio.create_task(hold())
    await held.wait()
    try:
        yield backend[0]
    finally:
        release.set()
        await task


async def waiting_on(db: PgDatabase, backend: int) -> list[int]:
    """The client ports of the server connections that wait for the backend `backend`."""
    async with db.read() as tx:
        rows = await tx.all(
            "SELECT client_port FROM pg_stat_activity WHERE ? = ANY(pg_blocking_pids(pid))",
            (backend,),
        )
    return [int(r["client_port"]) for r in rows]
