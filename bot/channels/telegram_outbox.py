"""Delivering outbox messages on Telegram, translating its errors into retry decisions."""

from __future__ import annotations

import asyncio
from dataclasses import replace

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import MessageLimit
from telegram.error import BadRequest, Forbidden, RetryAfter, TelegramError

from bot.channels.telegram import link_preview_options
from bot.channels.telegram_transport import seconds
from bot.channels.textsplit import caption_of, split_text
from bot.outbox_sender import Rejected, RetryLater, Unreachable
from bot.token_guard import GuardedRequest, TokenGuard
from handlers.core.messages import Reply


def outbox_bot(
    token: str, base_url: str, *, read_timeout: float = 20.0, guard: TokenGuard | None = None
) -> Bot:
    """A plain Bot for the outbox: no PTB rate limiter, our sender paces and retries itself."""
    request = GuardedRequest(
        guard, connection_pool_size=64, read_timeout=read_timeout, connect_timeout=10.0
    )
    return Bot(token, base_url=base_url, request=request)


class TelegramOutbox:
    """The Telegram side of the outbox sender."""

    name = "telegram"

    def __init__(self, bot: Bot) -> None:
        self.bot = bot

    async def start(self) -> None:
        """Open the HTTP connection pool."""
        await self.bot.initialize()

    async def stop(self) -> None:
        """Close it."""
        await self.bot.shutdown()

    def pieces(self, reply: Reply) -> list[Reply]:
        """Texts of at most 4096 characters; the buttons go with the last one.

        A picture goes first, captioned with the text's first line; the full text follows; a
        document (the /xuat workbook) comes last.
        """
        texts = split_text(reply.text, MessageLimit.MAX_TEXT_LENGTH)
        photo = []
        if reply.image is not None:
            caption = caption_of(reply.text, MessageLimit.CAPTION_LENGTH)
            if not reply.text.strip():
                return [replace(reply, text=caption)]
            photo = [Reply(caption, image=reply.image)]
        last = len(texts) - 1
        document = [Reply("", document=reply.document)] if reply.document is not None else []
        return (
            photo
            + [
                Reply(
                    text,
                    reply.choices,
                    choice_data=reply.choice_data,
                    link_preview=reply.link_preview,
                )
                if i == last
                else Reply(text, link_preview=reply.link_preview)
                for i, text in enumerate(texts)
            ]
            + document
        )

    async def deliver(self, chat_id: str, piece: Reply) -> None:
        """Send one piece; errors say whether to retry, give up, or mark the chat unreachable."""
        markup = None
        if piece.choices:
            markup = InlineKeyboardMarkup(
                [
                    [InlineKeyboardButton(choice.label, callback_data=data)]
                    for choice, data in zip(piece.choices, piece.choice_data, strict=True)
                ]
            )
        try:
            if piece.image is not None:
                await self.bot.send_photo(
                    chat_id=chat_id, photo=piece.image, caption=piece.text, reply_markup=markup
                )
            elif piece.document is not None:
                # Read off the event loop: a workbook may be megabytes.
                content = await asyncio.to_thread(piece.document.read)
                await self.bot.send_document(
                    chat_id=chat_id, document=content, filename=piece.document.name
                )
            else:
                await self.bot.send_message(
                    chat_id=chat_id,
                    text=piece.text,
                    reply_markup=markup,
                    link_preview_options=link_preview_options(piece),
                )
        except RetryAfter as exc:
            raise RetryLater(str(exc), seconds(exc.retry_after)) from exc
        except Forbidden as exc:
            raise Unreachable(str(exc)) from exc
        except (BadRequest, FileNotFoundError) as exc:
            # A file removed by retention before it could be sent is refused like a bad request.
            raise Rejected(str(exc)) from exc
        except TelegramError as exc:  # NetworkError, TimedOut, 5xx
            raise RetryLater(str(exc)) from exc
