"""How long the event loop kept a short sleep waiting: what a blocked loop costs the chat."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator

TICK = 0.01  # seconds each probe sleeps


@contextlib.asynccontextmanager
async def loop_lags() -> AsyncIterator[list[float]]:
    """While the block runs, each probe's delay beyond its TICK, in seconds."""
    lags: list[float] = []

    async def probe() -> None:
        while True:
            before = time.perf_counter()
            await asyncio.sleep(TICK)
            lags.append(time.perf_counter() - before - TICK)

    ticker = asyncio.create_task(probe())
    try:
        yield lags
    finally:
        ticker.cancel()
        await asyncio.gather(ticker, return_exceptions=True)
