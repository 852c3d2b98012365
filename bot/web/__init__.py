"""The web dashboard for the department, served by the bot's own HTTP server under /web/."""

from __future__ import annotations

from datetime import timedelta

from bot.monitor import Monitor
from bot.settings import Settings
from bot.web.app import Dashboard, mount
from bot.web.config import photo_dir, web_config
from bot.web.photos import PhotoStore, Platforms
from handlers.core.turn import HandlerConfig
from storage.db import Database

__all__ = ["Dashboard", "dashboard_for", "mount"]


def dashboard_for(
    settings: Settings, db: Database, handlers: HandlerConfig, monitor: Monitor | None = None
) -> Dashboard | None:
    """The dashboard when BOT_PUBLIC_BASE_URL is set, else None (off)."""
    config = handlers.web or web_config(settings)
    if config is None:
        return None
    photos = PhotoStore(
        photo_dir(settings),
        Platforms(settings.telegram_api_base_url, settings.telegram_bot_token),
    )
    return Dashboard(
        db,
        config,
        handlers,
        photos,
        settings.public_path,
        files=settings.files_folder,
        lease=timedelta(seconds=settings.export_lease_seconds),
        file_retention_days=settings.file_retention_days,
        monitor=monitor,
    )
