"""This process's owner token and the duty it holds under it while it runs (see the README)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import secrets
import socket

from storage.db import Database, Lease
from storage.updates import liveness_duty

log = logging.getLogger(__name__)
# How often the duty is checked (and taken again after a lost database connection).
CHECK_SECONDS = 5.0


def owner_token() -> str:
    """A token no other process has had: host and pid for the operator, a random part for
    a pid used again."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"


class Liveness:
    """Holds `liveness_duty(token)` from start to stop, before any update is decided under it.

    Another process recovering unsent replies takes only those whose owner's duty is free: on
    PostgreSQL a session advisory lock, which the server frees when the process dies (an
    SQLite file has one process, so there it is always held).
    """

    def __init__(self, db: Database, token: str) -> None:
        self.db = db
        self.token = token
        self._task: asyncio.Task[None] | None = None
        self._taken = asyncio.Event()
        self._failed: BaseException | None = None

    async def start(self) -> None:
        """Take the duty (first thing: the channels decide updates under the token)."""
        self._task = asyncio.create_task(self._hold(), name="liveness")
        await self._taken.wait()
        if self._failed is not None:
            raise self._failed

    async def stop(self) -> None:
        """Free the duty (last thing: the channels have drained their replies)."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _hold(self) -> None:
        lost_logged = False
        while True:
            try:
                async with self.db.exclusive(liveness_duty(self.token)) as duty:
                    self._taken.set()
                    if duty.held:
                        lost_logged = False
                        await self._while_held(duty)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                if not self._taken.is_set():
                    self._failed = exc
                    self._taken.set()
                    return
            # Lost with the database connection: meanwhile another process may take this
            # one's unsent replies as a dead one's (at least once, at that edge).
            if not lost_logged:
                log.warning("this process's liveness lock was lost; taking it again")
                lost_logged = True
            await asyncio.sleep(CHECK_SECONDS)

    async def _while_held(self, duty: Lease) -> None:
        while True:
            await asyncio.sleep(CHECK_SECONDS)
            if not await duty.still_held():
                return
