"""Delivering outbox messages on Zalo, translating its errors into retry decisions."""

from __future__ import annotations

from bot.channels.zalo import piece_text, zalo_pieces
from bot.channels.zalo_api import QUOTA_EXCEEDED, ZaloClient, ZaloError
from bot.image_links import ImageLinks
from bot.outbox_sender import Rejected, RetryLater, Unreachable
from handlers.core.messages import Reply

FORBIDDEN = 403
UNAUTHORIZED = 401


class ZaloOutbox:
    """The Zalo side of the outbox sender: plain texts of at most 2,000 characters."""

    name = "zalo"

    def __init__(
        self,
        client: ZaloClient,
        language: str = "vi",
        *,
        quota_pause: float = 5.0,
        links: ImageLinks | None = None,
    ):
        self.client = client
        self.language = language
        # Set when BOT_PUBLIC_BASE_URL is: the weekly chart goes out as a link.
        self.links = links
        # Zalo's 429 "Quota exceeded" carries no retry_after: every chat waits this long.
        self.quota_pause = quota_pause

    async def start(self) -> None:
        """Open the HTTP connection pool."""
        await self.client.start()

    async def stop(self) -> None:
        """Close it."""
        await self.client.stop()

    def pieces(self, reply: Reply) -> list[Reply]:
        """The reply as texts: choices numbered or replaced by a command hint, a chart as a link."""
        return zalo_pieces(reply, self.language, chart_links=self.links is not None)

    async def deliver(self, chat_id: str, piece: Reply) -> None:
        """Send one piece; errors say whether to retry, give up, or mark the chat unreachable."""
        try:
            text = await piece_text(piece, self.links, self.language)
            await self.client.send_message(chat_id, text)
        except ZaloError as exc:
            code = exc.error_code
            if code == QUOTA_EXCEEDED:
                raise RetryLater(str(exc), self.quota_pause) from exc
            if code == FORBIDDEN:
                raise Unreachable(str(exc)) from exc
            if 400 <= code < 500 and code != UNAUTHORIZED:
                raise Rejected(str(exc)) from exc
            # Network failures (code 0), 5xx, and a token being fixed (401): try again.
            raise RetryLater(str(exc)) from exc
