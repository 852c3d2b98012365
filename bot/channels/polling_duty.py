"""Long polling held by one process at a time, handed over when it stops or dies (any channel)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

from bot.monitor import Monitor
from storage.db import Database, Lease
from storage.errors import first_line

log = logging.getLogger(__name__)
# How often a standby process tries to take over polling from one that stopped.
TAKEOVER_SECONDS = 2.0


def polling_duty(channel: str) -> str:
    """The name of the duty to poll a channel's platform (`telegram:polling`)."""
    return f"{channel}:polling"


async def poll_under_duty(
    db: Database,
    channel: str,
    stopping: asyncio.Event,
    monitor: Monitor,
    *,
    recover: Callable[[], Awaitable[object]],
    poll: Callable[[Lease], Awaitable[None]],
    finish_in_hand: Callable[[], Awaitable[None]],
) -> None:
    """Poll while this process holds `<channel>:polling`; wait to take it over otherwise.

    The platform lets one getUpdates caller at a time; with several processes on one
    PostgreSQL database the duty is an advisory lock, freed by the server when its holder
    dies, so a standby process takes over within TAKEOVER_SECONDS. The process taking over
    first queues in the outbox the replies a dead poller decided but never sent (`recover`),
    and a poller that stops frees the duty only once its batch in hand is committed and its
    replies are out (`finish_in_hand`): otherwise the next poller would get the same updates
    again, or recover their replies, while this one still sends them. `poll` returns when
    told to stop, when the duty is lost, or for good (a refused token).
    """
    name = polling_duty(channel)
    waiting_logged = outage_logged = False
    while not stopping.is_set():
        try:
            async with db.exclusive(name) as duty:
                outage_logged = False
                if duty.held:
                    if monitor.stands_by(name):
                        monitor.standing_by(name, False)
                        monitor.took_over_polling(channel)
                    log.info("this process polls %s", channel.capitalize())
                    try:
                        await recover()
                        await poll(duty)
                    finally:
                        await finish_in_hand()
                    if stopping.is_set() or not await duty.still_held():
                        continue
                    return  # the token was refused: polling stopped for good
        except Exception as exc:
            # The database is unreachable (an outage, a pool that waited in vain): keep
            # trying, or this process would stand by for good and never take polling over.
            # One line per outage, not one per try.
            if not outage_logged:
                log.warning(
                    "polling %s: the database is unavailable (%s); trying again",
                    channel,
                    first_line(exc),
                )
                outage_logged = True
        monitor.standing_by(name, True)
        if not waiting_logged:
            log.info(
                "another process polls %s; this one takes over if it stops", channel.capitalize()
            )
            waiting_logged = True
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stopping.wait(), TAKEOVER_SECONDS)
