"""The nightly retention job: what the bot no longer needs is pruned, a batch per transaction."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from storage import file_links, image_links, outbox, updates
from storage.db import Database, Tx

log = logging.getLogger(__name__)
BATCH = 5000  # rows per write transaction, so chat messages are not held up


@dataclass(frozen=True)
class Pruned:
    """What one run removed."""

    update_keys: int
    outbox_payloads: int
    links: int
    files: int


class Retention:
    """Prunes what has outlived its use; `run` is the scheduled daily job."""

    def __init__(
        self,
        db: Database,
        files_folder: Path,
        *,
        update_keys: timedelta = timedelta(days=30),
        outbox_payloads: timedelta = timedelta(days=7),
        files: timedelta = timedelta(days=14),
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.db = db
        self.files_folder = files_folder
        self.update_keys = update_keys
        self.outbox_payloads = outbox_payloads
        self.files = files
        self.clock = clock

    async def run(self) -> int:
        """The scheduled job: prune, log what went, return how many things."""
        pruned = await self.prune()
        total = pruned.update_keys + pruned.outbox_payloads + pruned.links + pruned.files
        if total:
            log.info(
                "retention: %d update keys, %d outbox payloads, %d links, %d files removed",
                pruned.update_keys,
                pruned.outbox_payloads,
                pruned.links,
                pruned.files,
            )
        return total

    async def prune(self) -> Pruned:
        """Remove everything past its retention."""
        now = self.clock()
        keys = await self._in_batches(
            lambda tx: updates.forget_updates_before(tx, now - self.update_keys, BATCH)
        )
        payloads = await self._in_batches(
            lambda tx: outbox.prune_delivered_payloads(tx, now - self.outbox_payloads, BATCH)
        )
        async with self.db.transaction() as tx:
            links = await file_links.delete_expired(tx, now)
            links += await image_links.delete_expired(tx, now)
        files = await asyncio.to_thread(
            delete_files_before, self.files_folder, (now - self.files).timestamp()
        )
        return Pruned(keys, payloads, links, files)

    async def _in_batches(self, step: Callable[[Tx], Awaitable[int]]) -> int:
        total = 0
        while True:
            async with self.db.transaction() as tx:
                count = await step(tx)
            total += count
            if count < BATCH:
                return total
            await asyncio.sleep(0)  # let waiting chat transactions in between batches


def delete_files_before(folder: Path, before: float) -> int:
    """Delete files under `folder` last written before `before` (a Unix time); how many."""
    if not folder.is_dir():
        return 0
    removed = 0
    for path in folder.rglob("*"):
        try:
            if path.is_file() and path.stat().st_mtime < before:
                path.unlink()
                removed += 1
        except OSError as exc:  # removed meanwhile, or not ours to remove: try again tomorrow
            log.warning("retention: could not remove %s (%s)", path, exc)
    return removed
