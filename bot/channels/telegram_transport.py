"""Getting Telegram updates by long polling, each update confirmed only once handled."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from telegram.error import InvalidToken, NetworkError, RetryAfter, TelegramError, TimedOut

from bot.channels.polling_duty import poll_under_duty
from bot.channels.telegram import ALLOWED_UPDATES, TelegramChannel
from bot.monitor import Monitor
from storage.db import Lease

log = logging.getLogger(__name__)


class TelegramPolling:
    """Long polling with backoff; the offset confirms only updates already handled."""

    def __init__(
        self, channel: TelegramChannel, *, timeout: int = 30, monitor: Monitor | None = None
    ) -> None:
        self.channel = channel
        self.timeout = timeout
        self.monitor = monitor or Monitor()
        self._task: asyncio.Task[None] | None = None
        self._batch: asyncio.Future[None] | None = None
        self._stopping = asyncio.Event()

    async def start(self) -> None:
        """Drop any webhook (keeping pending updates) and start polling in the background."""
        await self.channel.application.bot.delete_webhook(drop_pending_updates=False)
        self.monitor.reached("telegram", "poll")
        self._task = asyncio.create_task(self._run(), name="telegram-polling")

    async def stop(self) -> None:
        """Stop after the batch in hand is handled."""
        self._stopping.set()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if self._batch is not None:
            # Cancelling the loop leaves the shielded batch running: wait for it to commit.
            await asyncio.gather(self._batch, return_exceptions=True)

    async def _run(self) -> None:
        """Poll while this process holds the polling duty (bot/channels/polling_duty.py).

        Nothing is lost: the offset is only confirmed for updates already committed, and the
        replies a dead poller had decided but not sent (in batches it had confirmed too) are
        queued in the outbox by the process that takes over, before it polls.
        """
        await poll_under_duty(
            self.channel.router.db,
            "telegram",
            self._stopping,
            self.monitor,
            recover=self.channel.recover_unsent,
            poll=self._poll,
            finish_in_hand=self._finish_in_hand,
        )

    async def _finish_in_hand(self) -> None:
        """Before the duty is released: the batch in hand commits and its replies go out.

        Otherwise the next poller would get the same updates again, or recover their
        replies, while this process is still sending them: each answer sent twice.
        """
        if self._batch is not None:
            await asyncio.gather(self._batch, return_exceptions=True)
        await self.channel.drain()

    async def _poll(self, duty: Lease) -> None:
        bot = self.channel.application.bot
        offset: int | None = None
        backoff = 1.0
        while not self._stopping.is_set():
            if not await duty.still_held():
                log.warning("lost the Telegram polling duty (database connection); waiting")
                return
            try:
                updates = await bot.get_updates(
                    offset=offset, timeout=self.timeout, allowed_updates=ALLOWED_UPDATES
                )
            except RetryAfter as exc:
                await asyncio.sleep(seconds(exc.retry_after))
                continue
            except InvalidToken:
                # The token guard has said so and is stopping the bot (exit code 3).
                log.info("Telegram polling stopped: the token was refused")
                return
            except (TimedOut, NetworkError, TelegramError) as exc:
                log.warning("getUpdates failed (%s); retrying in %.0f s", exc, backoff)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 60.0)
                continue
            backoff = 1.0
            self.monitor.reached("telegram", "poll")
            if not updates:
                continue
            # Shielded: a stop in the middle of a batch lets the batch finish and commit.
            self._batch = asyncio.ensure_future(self.channel.process_updates(list(updates)))
            await asyncio.shield(self._batch)
            offset = updates[-1].update_id + 1


def seconds(value: object) -> float:
    """retry_after is an int or a timedelta depending on PTB settings."""
    total = getattr(value, "total_seconds", None)
    return float(total()) if callable(total) else float(value)  # type: ignore[arg-type]
