"""A platform that refuses the bot's token while it runs ends the process, loudly.

A revoked token (401 from any Bot API call) never heals by retrying: polling would spin or stop
silently and the outbox would pile up. The guard sees every answer at the HTTP edge of both
channels, writes one CRITICAL line naming the setting, and wakes `serve`, which stops the bot
with a non-zero exit so systemd restarts it and the operator is alerted.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from telegram.request import HTTPXRequest

log = logging.getLogger("bietphai")
UNAUTHORIZED = 401
EXIT_TOKEN_REFUSED = 3


class TokenGuard:
    """Remembers the first refused token once the bot is running; `refused` is awaited by serve."""

    def __init__(self) -> None:
        self.refused = asyncio.Event()
        self.reason: str | None = None
        # Before start-up is complete a refusal is a StartupError with its own line.
        self.armed = False

    def token_refused(self, platform: str, setting: str) -> None:
        """A Bot API call answered 401: log it once and ask the process to stop."""
        if not self.armed or self.reason is not None:
            return
        self.reason = f"{platform} refused {setting}"
        log.critical(
            "%s refused %s while running (401 Unauthorized); stopping with exit code %d — "
            "check the token (revoked or regenerated?)",
            platform,
            setting,
            EXIT_TOKEN_REFUSED,
        )
        self.refused.set()


class GuardedRequest(HTTPXRequest):
    """PTB's HTTP transport that tells the guard about a 401 before PTB raises InvalidToken."""

    def __init__(self, guard: TokenGuard | None, **options: Any) -> None:
        super().__init__(**options)
        self.guard = guard

    async def do_request(self, *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        """One HTTP call to the Bot API."""
        status, payload = await super().do_request(*args, **kwargs)
        if status == UNAUTHORIZED and self.guard is not None:
            self.guard.token_refused("Telegram", "TELEGRAM_BOT_TOKEN")
        return status, payload
