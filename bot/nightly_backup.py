"""The nightly backup (BOT_BACKUP_DIR): a checked copy each night, the last BOT_BACKUP_KEEP kept."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger

from bot.settings import Settings
from storage import backup as backups
from storage.errors import StorageError
from storage.pg_tools import dump_command

log = logging.getLogger(__name__)
JOB_ID = "nightly_backup"


class NightlyBackup:
    """Started with the bot; copies the database into `folder` every night at `at`."""

    def __init__(self, db_path: Path, folder: Path, at: time, keep: int, zone: ZoneInfo) -> None:
        self.db_path = db_path
        self.folder = folder
        self.keep = keep
        self.zone = zone
        self.scheduler = AsyncIOScheduler(timezone=zone)
        self.scheduler.add_job(
            self.back_up,
            CronTrigger(hour=at.hour, minute=at.minute, timezone=zone),
            id=JOB_ID,
            name=JOB_ID,
            coalesce=True,
            max_instances=1,
            misfire_grace_time=3600,  # a bot restarted at 02:40 still makes the 02:30 copy
        )

    async def start(self) -> None:
        """Schedule the nightly job."""
        self.scheduler.start()

    async def stop(self) -> None:
        """Stop scheduling (a copy in progress finishes in its thread)."""
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)

    async def back_up(self, now: datetime | None = None) -> Path | None:
        """One checked copy, then the old ones pruned; a failure is logged, never raised."""
        moment = now or datetime.now(self.zone)
        target = self.folder / backups.stamped_name(moment.astimezone(self.zone))
        try:
            # Off the event loop: a copy of a large database takes a while.
            copied = await asyncio.to_thread(backups.backup_file, self.db_path, target)
            removed = await asyncio.to_thread(backups.prune, self.folder, self.keep)
        except StorageError as exc:
            log.error("nightly backup failed: %s", exc)
            return None
        log.info(
            "nightly backup written to %s (%d people, %d work logs); %d old copies removed",
            target,
            copied.rows.get("people", 0),
            copied.rows.get("work_logs", 0),
            len(removed),
        )
        return target


def nightly_backup_for(settings: Settings) -> NightlyBackup | None:
    """The nightly copy BOT_BACKUP_DIR asks for; None when unset, or on PostgreSQL (one warning)."""
    if settings.backup_dir is None:
        return None
    if settings.database_url:
        # A copy of BOT_DB_PATH would be a stale file (or an error every night), not a backup.
        log.warning(
            "BOT_BACKUP_DIR is ignored with PostgreSQL (BOT_DATABASE_URL): no nightly copy is "
            "made; back up the database with %s (from cron or a systemd timer; see Restore in "
            "the README)",
            dump_command(settings.database_url, str(settings.backup_dir / "bietphai.dump")),
        )
        return None
    return NightlyBackup(
        settings.db_path,
        settings.backup_dir,
        settings.backup_time,
        settings.backup_keep,
        settings.zone,
    )
