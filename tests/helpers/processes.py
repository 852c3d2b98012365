"""Several real `bietphai run` processes on one PostgreSQL database, for the crash stories."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

from testing.bot_process import BotProcess


def bots_on_one_database(
    count: int,
    base_url: str,
    folder: Path,
    pg_url: str,
    zone: ZoneInfo,
    settings: dict[str, str],
) -> list[BotProcess]:
    """Processes bot1 … bot`count` (not started) on `pg_url`, in `zone`, plus `settings`."""
    return [
        BotProcess(
            folder / "unused.sqlite3",
            base_url,
            folder,
            name=f"bot{n}",
            settings={
                "BOT_DATABASE_URL": pg_url,
                "BOT_TIMEZONE": zone.key,
                # The fake does not throttle; these tests are about crashes, not flood limits.
                "TELEGRAM_MAX_MESSAGES_PER_SECOND": "1000",
                "TELEGRAM_OUTBOX_MESSAGES_PER_SECOND": "1000",
                # An outbox row claimed by a killed process is taken over after this.
                "OUTBOX_LEASE_SECONDS": "5",
            }
            | settings,
        )
        for n in range(1, count + 1)
    ]
