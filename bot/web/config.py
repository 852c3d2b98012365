"""The web dashboard's settings: on when BOT_PUBLIC_BASE_URL is set."""

from __future__ import annotations

from pathlib import Path

from bot.secret_key import load_secret_key
from bot.settings import Settings
from handlers.core.turn import WebConfig


def web_config(settings: Settings) -> WebConfig | None:
    """The dashboard's configuration, or None when BOT_PUBLIC_BASE_URL is unset (off).

    Its tokens are hashed with the server's secret key, the one invite codes use: the chat
    (/web), the CLI (web-link) and the server all find it (setting or key file).
    """
    if not settings.public_base_url:
        return None
    return WebConfig(
        settings.public_base_url, load_secret_key(settings), settings.web_session_hours
    )


def photo_dir(settings: Settings) -> Path:
    """Where fetched photos are kept."""
    return settings.web_photo_dir or settings.db_path.parent / "photos"
