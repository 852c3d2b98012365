"""Getting Zalo messages by long polling (development; the webhook is in bot/http/webhooks.py)."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from bot.channels.polling_duty import poll_under_duty
from bot.channels.zalo import ZaloChannel
from bot.channels.zalo_api import NOTHING_NEW, ZaloError
from bot.channels.zalo_events import NotAnUpdate, parse_update
from bot.monitor import Monitor
from storage.db import Lease

log = logging.getLogger(__name__)
UNAUTHORIZED = 401


class ZaloPolling:
    """getUpdates in a loop: one update per call, 408 means nothing new, backoff on errors."""

    def __init__(
        self, channel: ZaloChannel, *, timeout: int = 30, monitor: Monitor | None = None
    ) -> None:
        self.channel = channel
        self.timeout = timeout
        self.monitor = monitor or Monitor()
        self._task: asyncio.Task[None] | None = None
        self._batch: asyncio.Future[None] | None = None
        self._stopping = asyncio.Event()

    async def start(self) -> None:
        """Drop any webhook (Zalo refuses getUpdates while one is set), then poll."""
        self._stopping.clear()
        await self.channel.client.delete_webhook()
        self.monitor.reached("zalo", "poll")
        self._task = asyncio.create_task(self._run(), name="zalo-polling")

    async def stop(self) -> None:
        """Stop after the message in hand is handled."""
        self._stopping.set()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if self._batch is not None:
            await asyncio.gather(self._batch, return_exceptions=True)

    async def _run(self) -> None:
        """Poll while this process holds the duty `zalo:polling` (one getUpdates caller: Zalo
        hands each message out once, to whoever asks); stand by otherwise."""
        await poll_under_duty(
            self.channel.router.db,
            "zalo",
            self._stopping,
            self.monitor,
            recover=self.channel.recover_unsent,
            poll=self._poll,
            finish_in_hand=self._finish_in_hand,
        )

    async def _finish_in_hand(self) -> None:
        """Before the duty is released: the message in hand commits and its replies go out."""
        if self._batch is not None:
            await asyncio.gather(self._batch, return_exceptions=True)
        await self.channel.drain()

    async def _poll(self, duty: Lease) -> None:
        backoff = 1.0
        while not self._stopping.is_set():
            if not await duty.still_held():
                log.warning("lost the Zalo polling duty (database connection); waiting")
                return
            try:
                result = await self.channel.client.get_updates(self.timeout)
            except ZaloError as exc:
                if exc.error_code == NOTHING_NEW:
                    backoff = 1.0
                    self.monitor.reached("zalo", "poll")
                    continue
                if exc.error_code == UNAUTHORIZED:
                    # The token guard has said so and is stopping the bot (exit code 3).
                    log.info("Zalo polling stopped: the token was refused")
                    return
                log.warning("Zalo getUpdates failed (%s); retrying in %.0f s", exc, backoff)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 60.0)
                continue
            backoff = 1.0
            self.monitor.reached("zalo", "poll")
            try:
                update = parse_update(result)
            except NotAnUpdate as exc:
                log.warning("ignoring a Zalo update we cannot read (%s)", exc)
                continue
            if update is None:
                continue
            # Shielded: a stop in the middle lets the message finish and commit.
            self._batch = asyncio.ensure_future(self.channel.process_updates([update]))
            await asyncio.shield(self._batch)
