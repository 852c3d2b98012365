"""The web dashboard for the department, served by the bot's own HTTP server under /web/."""

from __future__ import annotations

from bot.settings import Settings
from bot.web.app import Dashboard, mount
from bot.web.config import photo_dir, web_config
from bot.web.photos import PhotoStore, Platforms
from handlers.core.turn import HandlerConfig
from storage.db import Database

__all__ = ["Dashboard", "dashboard_for", "mount"]


def dashboard_for(settings: Settings, db: Database, handlers: HandlerConfig) -> Dashboard | None:
    """The dashboard when BOT_PUBLIC_BASE_URL is set, else None (off)."""
    config = handlers.web or web_config(settings)
    if config is None:
        return None
    photos = PhotoStore(
        photo_dir(settings),
        Platforms(settings.telegram_api_base_url, settings.telegram_bot_token),
    )
    return Dashboard(db, config, handlers, photos, settings.public_path)
