"""Draining the outbox for one channel: paced, per-chat spaced, retried, claimed atomically."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import random
import socket
import uuid
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from bot.monitor import Monitor
from handlers.core.messages import Reply
from storage import outbox
from storage.db import Database, Lease
from storage.errors import first_line
from storage.outbox import OutboxMessage

log = logging.getLogger(__name__)


def sending_duty(channel: str) -> str:
    """The name of the duty to send a channel's outbox (`outbox:telegram`)."""
    return f"outbox:{channel}"


class DeliveryError(Exception):
    """Sending failed; the subclass says what to do about it."""


class RetryLater(DeliveryError):
    """A network error, a 5xx or a 429: try again (after `retry_after` seconds if given)."""

    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.retry_after = retry_after


class Unreachable(DeliveryError):
    """The person blocked the bot (Telegram 403): stop trying, report it in the digest."""


class Rejected(DeliveryError):
    """The platform refused this message for good (400)."""


class OutboxChannel(Protocol):
    """What the sender needs from a channel: its name and how to deliver one piece."""

    name: str

    def pieces(self, reply: Reply) -> list[Reply]:
        """The reply cut to the platform's message size (buttons on the last piece)."""
        ...

    async def deliver(self, chat_id: str, piece: Reply) -> None:
        """Send one piece; raise a DeliveryError subclass on failure."""
        ...


@dataclass(frozen=True)
class SenderSettings:
    """Limits and retry policy of one channel's sender."""

    messages_per_second: float = 25.0
    chat_interval: float = 1.0
    max_attempts: int = 8
    backoff_base: float = 2.0  # seconds before the first retry; doubles each attempt
    backoff_max: float = 600.0
    lease: timedelta = timedelta(seconds=120)
    batch: int = 50
    idle: float = 0.5


# How often a standing-by sender checks whether the sending duty is free.
STANDBY_SECONDS = 1.0
# A claim counts as ours for this share of the lease after it was taken or renewed (the rest
# covers the clocks of two machines and the time a renewal takes to commit).
OWN_SHARE = 0.8
# While the platform takes its time over a send, the claim is renewed every third of the lease.
RENEW_SHARE = 1 / 3
# How late after its slot a send may still go; later, the slot is given up (no catch-up burst).
LATE_TOLERANCE = 0.01


class Pacer:
    """Spaces sends evenly at a rate, without bursts.

    aiolimiter's leaky bucket lets a full bucket through at once, which a strict per-second
    limit on the other side (Telegram's flood control) answers with 429; even spacing does not.
    """

    def __init__(self, per_second: float, clock: Callable[[], float]) -> None:
        self.interval = 1.0 / per_second
        self.clock = clock
        self.next_slot = 0.0
        self.paused_until = 0.0

    async def wait(self) -> None:
        """Take the next slot, sleeping until it comes."""
        requeued = False
        while True:
            now = self.clock()
            slot = max(now, self.next_slot)
            self.next_slot = slot + self.interval
            if slot > now:
                await asyncio.sleep(slot - now)
            if slot < self.paused_until:
                continue  # a pause came while we slept: the slot fell inside it
            if requeued or self.clock() - slot <= LATE_TOLERANCE:
                return
            # Woke late, the event loop was busy (a long garbage collection, say): every send
            # due meanwhile would go at once. Queue again behind them, once, so a slow loop
            # still makes progress.
            requeued = True

    def pause(self, seconds: float) -> None:
        """Send nothing for a while (the platform asked us to slow down)."""
        self.paused_until = max(self.paused_until, self.clock() + seconds)
        self.next_slot = max(self.next_slot, self.paused_until)


# Turns a queued payload into the reply to send when it needs work first (a report's document
# is built when it is sent, not stored in the database); None: send the payload as it is.
Preparer = Callable[[dict[str, Any]], Awaitable[Reply | None]]


class OutboxSender:
    """One per channel and process; several processes may drain the same database safely."""

    def __init__(
        self,
        db: Database,
        channel: OutboxChannel,
        settings: SenderSettings | None = None,
        prepare: Preparer | None = None,
        *,
        monitor: Monitor | None = None,
    ) -> None:
        self.db = db
        self.channel = channel
        self.settings = settings or SenderSettings()
        self.prepare = prepare
        self.monitor = monitor or Monitor()
        self.worker = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        loop_clock = asyncio.get_running_loop().time
        self.pacer = Pacer(self.settings.messages_per_second, loop_clock)
        self.clock = loop_clock
        self._chat_free_at: dict[str, float] = defaultdict(float)
        self._task: asyncio.Task[None] | None = None
        self._stopping = asyncio.Event()
        self._wake = asyncio.Event()

    async def start(self) -> None:
        """Drain in the background until stopped."""
        self._task = asyncio.create_task(self._run(), name=f"outbox-{self.channel.name}")

    async def stop(self) -> None:
        """Finish the message in hand, then stop."""
        self._stopping.set()
        self._wake.set()
        if self._task is not None:
            await self._task

    def wake(self) -> None:
        """Something was queued: look now instead of at the next idle tick."""
        self._wake.set()

    async def _run(self) -> None:
        """Send while this process holds the channel's sending duty; stand by otherwise.

        With PostgreSQL several processes share one outbox: one of them sends for a channel
        at a time (`Database.exclusive`), so the pace towards the platform (Telegram: 30/s
        per bot) is one pace, not one per process; the others take over within
        STANDBY_SECONDS when it stops. Claims stay atomic (FOR UPDATE SKIP LOCKED), so even
        two senders never send one message twice. An SQLite file always grants the duty.
        """
        name = sending_duty(self.channel.name)
        outage_logged = False
        while not self._stopping.is_set():
            try:
                async with self.db.exclusive(name) as duty:
                    outage_logged = False
                    if duty.held:
                        self.monitor.standing_by(name, False)
                        await self._drain_while_held(duty)
                        continue
            except Exception as exc:
                # The database is unreachable: keep trying, or this process would never
                # send for the channel again, even after the database is back. One line
                # per outage, not one per try.
                if not outage_logged:
                    log.warning(
                        "outbox sender for %s: the database is unavailable (%s); trying again",
                        self.channel.name,
                        first_line(exc),
                    )
                    outage_logged = True
            # Another process sends for the channel (or the database is out and this one
            # waits to take the duty again): /readyz lists it.
            self.monitor.standing_by(name, True)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), STANDBY_SECONDS)

    async def _drain_while_held(self, duty: Lease) -> None:
        while not self._stopping.is_set():
            try:
                handled = await self.drain_once()
            except Exception:
                log.exception("outbox sender for %s failed; retrying", self.channel.name)
                handled = 0
            if handled == 0:
                if not await duty.still_held():
                    log.warning("lost the %s sending duty; standing by", self.channel.name)
                    return
                self._wake.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), self.settings.idle)

    async def drain_once(self) -> int:
        """Claim a batch of due messages and send them; returns how many were handled."""
        now = datetime.now(UTC)
        # Read before the claim commits: a slow commit must not stretch our share of the lease.
        claimed_at = self.clock()
        async with self.db.transaction() as tx:
            claimed = await outbox.claim_due(
                tx,
                channel=self.channel.name,
                worker=self.worker,
                now=now,
                limit=self.settings.batch,
                lease=self.settings.lease,
            )
        if not claimed:
            return 0
        # Past this moment another process may take the rows over: stop sending well before.
        own_until = claimed_at + self.settings.lease.total_seconds() * OWN_SHARE
        by_chat: dict[str, list[OutboxMessage]] = defaultdict(list)
        for message in claimed:
            by_chat[message.chat_id].append(message)
        await asyncio.gather(
            *(self._send_chat(messages, own_until) for messages in by_chat.values())
        )
        return len(claimed)

    async def _send_chat(self, messages: list[OutboxMessage], own_until: float) -> None:
        for index, message in enumerate(messages):
            if self._stopping.is_set() or not await self._send(message, own_until):
                # Give the rest back at once rather than after the lease (a long retry_after
                # or a slow platform must not let a second sender take them while we send).
                await self._give_back(messages[index:])
                return

    async def _give_back(self, messages: list[OutboxMessage]) -> None:
        async with self.db.transaction() as tx:
            for message in messages:
                await outbox.mark_retry(
                    tx, message.id, self.worker, datetime.now(UTC), "sender stopped"
                )

    async def _send(self, message: OutboxMessage, own_until: float) -> bool:
        """Send one row; False, without sending, when our claim is about to lapse."""
        reply = Reply.from_json(message.payload)
        if self.prepare is not None:
            try:
                prepared = await self.prepare(message.payload)
            except Exception as exc:
                log.exception("outbox %s: could not prepare the message", message.key)
                await self._retry(message, f"prepare: {exc}", None)
                return True
            if prepared is not None:
                reply = prepared
                # Building may have taken a while: hold the row afresh before sending it.
                renewed_at = self.clock()
                if not await self._renew(message):
                    return True  # taken over meanwhile: left to the sender holding it
                own_until = renewed_at + self.settings.lease.total_seconds() * OWN_SHARE
        pieces = self.channel.pieces(reply)
        try:
            for index in range(message.parts_sent, len(pieces)):
                await self._wait_for_chat(message.chat_id)
                await self.pacer.wait()
                if self.clock() > own_until:
                    return False
                if not await self._deliver_held(message, pieces[index]):
                    return True  # the row is no longer ours: nothing more of it is ours to do
                if index < len(pieces) - 1:
                    async with self.db.transaction() as tx:
                        await outbox.mark_parts_sent(tx, message.id, self.worker, index + 1)
        except RetryLater as exc:
            self.monitor.outbox_result(self.channel.name, "retry")
            await self._retry(message, str(exc), exc.retry_after)
            return True
        except Unreachable as exc:
            self.monitor.outbox_result(self.channel.name, "unreachable")
            log.warning(
                "outbox %s: %s blocked the bot; marked unreachable", message.key, message.chat_id
            )
            async with self.db.transaction() as tx:
                await outbox.mark_failed(tx, message.id, self.worker, str(exc), unreachable=True)
                await outbox.mark_chat_unreachable(
                    tx, self.channel.name, message.chat_id, datetime.now(UTC)
                )
            return True
        except Rejected as exc:
            self.monitor.outbox_result(self.channel.name, "failed")
            log.error("outbox %s refused by %s: %s", message.key, self.channel.name, exc)
            async with self.db.transaction() as tx:
                await outbox.mark_failed(tx, message.id, self.worker, str(exc))
            return True
        async with self.db.transaction() as tx:
            await outbox.mark_sent(tx, message.id, self.worker, datetime.now(UTC))
        self.monitor.outbox_result(self.channel.name, "delivered")
        return True

    async def _deliver_held(self, message: OutboxMessage, piece: Reply) -> bool:
        """Send one piece only while the row's claim is ours; False when it was lost.

        The claim is renewed just before the send (one UPDATE … WHERE claimed_by = us, which
        changes nothing once another sender has taken the row) and again every third of the
        lease while the platform is slow to answer, so no other sender can take the row over
        while it is on its way. When a renewal finds the row taken, the send is abandoned and
        the row left to the sender holding it. A deadline alone never abandons a send: after
        a slow moment of our own the answer may be in and the message out, and abandoning it
        then would only have it sent again.
        """
        if not await self._renew(message):
            log.warning("outbox %s: taken over by another sender before sending", message.key)
            return False
        finished = asyncio.Event()
        keeper = asyncio.create_task(self._keep_claim(message, finished))
        send = asyncio.ensure_future(self.channel.deliver(message.chat_id, piece))
        try:
            await asyncio.wait({send, keeper}, return_when=asyncio.FIRST_COMPLETED)
            if not send.done():
                # The keeper ended first: another sender has the row now.
                log.warning("outbox %s: taken over while sending; send abandoned", message.key)
                return False
            send.result()  # a DeliveryError goes to the caller
            return True
        finally:
            finished.set()
            # The keeper ends on its own, never cut off half-way through a transaction.
            await asyncio.gather(keeper, return_exceptions=True)
            if not send.done():
                send.cancel()
            await asyncio.gather(send, return_exceptions=True)

    async def _keep_claim(self, message: OutboxMessage, finished: asyncio.Event) -> None:
        """Renew the claim every third of the lease until `finished`; returns when it is lost."""
        every = self.settings.lease.total_seconds() * RENEW_SHARE
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(finished.wait(), every)
                return
            try:
                if not await self._renew(message):
                    return
            except Exception as exc:
                # The database did not answer: tried again at the next third, the send goes on.
                log.warning("outbox %s: could not renew the claim (%s)", message.key, exc)

    async def _renew(self, message: OutboxMessage) -> bool:
        """Hold the row for a whole lease from now; False when another sender has taken it."""
        now = datetime.now(UTC)
        async with self.db.transaction() as tx:
            return await outbox.renew_claim(tx, message.id, self.worker, now + self.settings.lease)

    async def _wait_for_chat(self, chat_id: str) -> None:
        """At most one message per chat per interval (Telegram: 1/s in a private chat)."""
        now = self.clock()
        free_at = self._chat_free_at[chat_id]
        self._chat_free_at[chat_id] = max(now, free_at) + self.settings.chat_interval
        if free_at > now:
            await asyncio.sleep(free_at - now)

    async def _retry(self, message: OutboxMessage, reason: str, retry_after: float | None) -> None:
        settings = self.settings
        if retry_after is not None:
            self.pacer.pause(retry_after)
            delay = retry_after
        else:
            delay = min(settings.backoff_base * 2 ** (message.attempts - 1), settings.backoff_max)
            delay *= random.uniform(0.8, 1.2)  # spread retries of many rows
        async with self.db.transaction() as tx:
            if retry_after is None and message.attempts >= settings.max_attempts:
                log.error(
                    "outbox %s: giving up after %d attempts: %s",
                    message.key,
                    message.attempts,
                    reason,
                )
                await outbox.mark_failed(tx, message.id, self.worker, reason)
                return
            next_at = datetime.now(UTC) + timedelta(seconds=delay)
            await outbox.mark_retry(tx, message.id, self.worker, next_at, reason)
