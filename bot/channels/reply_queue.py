"""Sending decided replies in the background, the same way on every channel."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Generic, Protocol, TypeVar

from bot.monitor import Monitor
from handlers.core.messages import Incoming
from handlers.router import Router

log = logging.getLogger(__name__)
# Replies interrupted by a crash are still sent after a restart within this time.
RECOVER_WITHIN = timedelta(hours=12)
# How often a running process looks for replies a dead process left unsent: with several
# processes on one PostgreSQL database (webhook mode) nobody may restart the dead one.
RECOVER_EVERY_SECONDS = 5.0


class Decided(Protocol):
    """What a channel decided for one incoming message."""

    @property
    def incoming(self) -> Incoming: ...


A = TypeVar("A", bound=Decided)


class ReplyQueue(Generic[A]):
    """In order within a chat, a few chats at once, marked sent in one transaction per burst.

    A reply that never gets marked (a crash) is re-queued once, by its key, once its process
    has died (`UnsentRecovery`).
    """

    def __init__(
        self,
        router: Router,
        deliver: Callable[[A], Awaitable[bool]],
        *,
        parallel: int,
        monitor: Monitor | None = None,
    ) -> None:
        self.router = router
        # True when every reply went out; False when the rest went to the outbox.
        self.deliver = deliver
        self.monitor = monitor
        # Replies in flight at once, across chats: enough to hide the platform's round trip;
        # more only adds HTTP connection-pool churn (measured in bench/).
        self._parallel = asyncio.Semaphore(parallel)
        # The latest sending task of each chat: the next one waits for it, keeping order.
        self._tails: dict[str, asyncio.Task[None]] = {}
        self._sent: list[Incoming] = []
        self._flush_task: asyncio.Task[None] | None = None

    def send_soon(self, answer: A) -> None:
        """Send after whatever this chat is still sending."""
        chat = answer.incoming.chat_id
        task = asyncio.create_task(self._send_after(self._tails.get(chat), answer))
        self._tails[chat] = task

        def forget(done: asyncio.Task[None]) -> None:
            if self._tails.get(chat) is done:
                del self._tails[chat]

        task.add_done_callback(forget)

    async def drain(self) -> None:
        """Wait until every queued reply has been sent (or handed to the outbox) and marked."""
        while self._tails:
            await asyncio.wait(list(self._tails.values()))
        if self._flush_task is not None:
            await asyncio.wait([self._flush_task])
        await self._flush()

    async def _send_after(self, previous: asyncio.Task[None] | None, answer: A) -> None:
        if previous is not None:
            await asyncio.wait([previous])
        try:
            async with self._parallel:
                sent = await self.deliver(answer)
        except Exception:
            log.exception("update %s: sending failed", answer.incoming.update_key)
            self._count(answer, sent=False)
            return
        self._count(answer, sent=sent)
        self._sent.append(answer.incoming)
        if self._flush_task is None:
            self._flush_task = asyncio.create_task(self._flush_soon())

    def _count(self, answer: A, *, sent: bool) -> None:
        if self.monitor is not None and answer.incoming.channel:
            self.monitor.reply(answer.incoming.channel, sent=sent)

    async def _flush_soon(self) -> None:
        # A short pause gathers the marks of many chats into one transaction.
        await asyncio.sleep(0.05)
        self._flush_task = None
        await self._flush()

    async def _flush(self) -> None:
        done, self._sent = self._sent, []
        if not done:
            return
        try:
            await self.router.replied(*done)
        except Exception:
            # Not fatal: an unmarked reply is only re-queued (once, by its key) after a restart.
            log.exception("could not mark %d replies as sent", len(done))


class UnsentRecovery:
    """Queues in the outbox the replies of a channel that a process decided and died before
    sending: at start, every RECOVER_EVERY_SECONDS, and when a process takes polling over.

    Each update is stored with the token of the process that decided it, and a running
    process holds a duty under its token (bot/liveness.py): replies of a live process, still
    on their way out, are never taken (`storage.updates.unsent_replies`).
    """

    def __init__(self, router: Router, channel: str) -> None:
        self.router = router
        self.channel = channel
        self._task: asyncio.Task[None] | None = None

    async def recover(self) -> int:
        """Queue what dead processes left unsent now; returns how many updates."""
        try:
            return await self.router.recover_unsent(
                self.channel, datetime.now(UTC) - RECOVER_WITHIN
            )
        except Exception:
            # Answering matters more; the next look tries again.
            log.exception("could not queue the replies interrupted by a crash")
            return 0

    def keep_looking(self) -> None:
        """Look again every RECOVER_EVERY_SECONDS, in a process that has an owner token.

        Without one (tests, `bietphai chat`) this process's own replies would look like a
        dead process's: it recovers at start only, as before owners.
        """
        if self.router.owner and self._task is None:
            self._task = asyncio.create_task(self._loop(), name=f"{self.channel}-recovery")

    async def stop(self) -> None:
        """Stop looking."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _loop(self) -> None:
        while True:
            await asyncio.sleep(RECOVER_EVERY_SECONDS)
            await self.recover()
