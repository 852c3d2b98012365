"""Telegram through python-telegram-bot: updates in, neutral replies out."""

from __future__ import annotations

import asyncio
import logging
from contextvars import ContextVar
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from telegram import (
    BotCommand,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    LinkPreviewOptions,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)
from telegram.constants import MessageLimit
from telegram.error import TelegramError
from telegram.ext import AIORateLimiter, Application, ApplicationBuilder, ContextTypes, TypeHandler

from bot.channels.reply_queue import ReplyQueue, UnsentRecovery
from bot.channels.textsplit import caption_of, split_text
from bot.monitor import Monitor
from bot.token_guard import GuardedRequest, TokenGuard
from handlers.core.messages import Attachment, Incoming, Kind, Reply
from handlers.core.texts import COMMAND_MENU, t
from handlers.router import Router

log = logging.getLogger(__name__)
CHANNEL = "telegram"
ALLOWED_UPDATES = ["message", "callback_query"]


def build_application(
    token: str,
    base_url: str,
    *,
    max_messages_per_second: float = 30.0,
    guard: TokenGuard | None = None,
) -> Application:  # type: ignore[type-arg]
    """The PTB application used as transport only: no Updater, we fetch and confirm updates."""
    return (
        ApplicationBuilder()
        .token(token)
        .base_url(base_url)
        .base_file_url(base_url.replace("/bot", "/file/bot", 1))
        # PTB's own pool sizes, with the guard that stops the bot on a revoked token.
        .request(GuardedRequest(guard, connection_pool_size=256))
        .get_updates_request(GuardedRequest(guard, connection_pool_size=1))
        .rate_limiter(AIORateLimiter(overall_max_rate=max_messages_per_second, max_retries=3))
        .updater(None)
        .build()
    )


def to_incoming(update: Update) -> Incoming | None:
    """The neutral form of a Telegram update (None for updates we do not handle)."""
    key = f"{CHANNEL}:{update.update_id}"
    query = update.callback_query
    if query is not None:
        chat_id = query.message.chat.id if query.message else query.from_user.id
        return Incoming(
            channel=CHANNEL,
            user_id=str(query.from_user.id),
            chat_id=str(chat_id),
            update_key=key,
            sent_at=datetime.now(UTC),  # a button press carries no date of its own
            kind=Kind.CHOICE,
            choice=query.data or "",
            display_name=query.from_user.full_name,
        )
    message = update.message
    if message is None or message.from_user is None:
        return None
    base = Incoming(
        channel=CHANNEL,
        user_id=str(message.from_user.id),
        chat_id=str(message.chat.id),
        update_key=key,
        sent_at=message.date.astimezone(UTC),
        kind=Kind.OTHER,
        display_name=message.from_user.full_name,
    )
    return _message_fields(base, message)


def _message_fields(base: Incoming, message: Message) -> Incoming:
    text = message.text or ""
    if text.startswith("/"):
        word, _, args = text[1:].partition(" ")
        return replace(
            base,
            kind=Kind.COMMAND,
            command=word.split("@")[0].lower(),
            args=args.strip(),
            text=text,
        )
    if message.text is not None:
        return replace(base, kind=Kind.TEXT, text=text)
    caption = message.caption or ""
    if message.photo:
        best = message.photo[-1]
        return replace(
            base, kind=Kind.PHOTO, text=caption, attachments=(Attachment("photo", best.file_id),)
        )
    if message.document:
        doc = Attachment("document", message.document.file_id)
        return replace(base, kind=Kind.FILE, text=caption, attachments=(doc,))
    if message.video:
        video = Attachment("video", message.video.file_id)
        return replace(base, kind=Kind.FILE, text=caption, attachments=(video,))
    if message.contact:
        own = message.contact.user_id == message.from_user.id if message.from_user else False
        return replace(
            base,
            kind=Kind.CONTACT,
            contact_phone=message.contact.phone_number,
            contact_is_own=own,
        )
    if message.sticker:
        return replace(base, kind=Kind.STICKER)
    if message.voice or message.audio or message.video_note:
        return replace(base, kind=Kind.VOICE)
    if message.location or message.venue:
        return replace(base, kind=Kind.LOCATION)
    return base


def reply_markup(
    reply: Reply, lang: str, after_contact: bool
) -> InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove | None:
    """Choices as inline buttons; a contact button when asked; the contact keyboard removed."""
    if reply.choices:
        rows = [
            [InlineKeyboardButton(choice.label, callback_data=data)]
            for choice, data in zip(reply.choices, reply.choice_data, strict=True)
        ]
        return InlineKeyboardMarkup(rows)
    if reply.ask_contact:
        button = KeyboardButton(t(lang, "button.share_phone"), request_contact=True)
        return ReplyKeyboardMarkup([[button]], one_time_keyboard=True, resize_keyboard=True)
    if after_contact:
        return ReplyKeyboardRemove()
    return None


def link_preview_options(reply: Reply) -> LinkPreviewOptions | None:
    """Previews off when the reply asks (a one-time link); otherwise Telegram's default."""
    return None if reply.link_preview else LinkPreviewOptions(is_disabled=True)


@dataclass(frozen=True)
class Answer:
    """What the router decided for one update, waiting to be sent."""

    update: Update
    incoming: Incoming
    replies: list[Reply]


class TelegramChannel:
    """Feeds Telegram updates to the router and sends its replies."""

    def __init__(
        self,
        application: Application,  # type: ignore[type-arg]
        router: Router,
        language: str = "vi",
        *,
        parallel_sends: int = 8,
        monitor: Monitor | None = None,
        recover_at_start: bool = True,
    ) -> None:
        self.application = application
        self.router = router
        self.language = language
        # Only replies of dead processes are recovered, so this is safe in either mode; long
        # polling also recovers when it takes the polling duty (TelegramPolling).
        self.recover_at_start = recover_at_start
        self.replies: ReplyQueue[Answer] = ReplyQueue(
            router, self._deliver, parallel=parallel_sends, monitor=monitor
        )
        self.recovery = UnsentRecovery(router, CHANNEL)
        # The answers of the batch being decided (a context variable: webhook requests run
        # concurrently, each with its own batch).
        self._batch: ContextVar[list[Answer]] = ContextVar("telegram_batch")
        application.add_handler(TypeHandler(Update, self._on_update))

    async def start(self) -> None:
        """Initialise PTB, register the command menu, queue replies a crash interrupted."""
        await self.application.initialize()
        await self.application.start()
        try:
            await self.application.bot.set_my_commands(
                [BotCommand(name, vi) for name, vi, _ in COMMAND_MENU]
            )
            await self.application.bot.set_my_commands(
                [BotCommand(name, en) for name, _, en in COMMAND_MENU], language_code="en"
            )
        except TelegramError as exc:
            log.warning("could not register the command menu: %s", exc)
        if self.recover_at_start:
            await self.recovery.recover()
        self.recovery.keep_looking()

    async def recover_unsent(self) -> int:
        """Queue in the outbox the replies that dead processes decided but never sent."""
        return await self.recovery.recover()

    async def stop(self) -> None:
        """Finish sending what was decided, then stop PTB."""
        await self.recovery.stop()
        await self.drain()
        if self.application.running:
            await self.application.stop()
        await self.application.shutdown()

    async def drain(self) -> None:
        """Wait until every decided reply has been sent (or queued) and marked."""
        await self.replies.drain()

    async def process_updates(self, updates: list[Update]) -> None:
        """Decide the updates, in order within each chat (committed when this returns); replies
        follow.

        Updates of different chats are decided at once (the router runs several turns together
        on PostgreSQL; SQLite's one writer still takes them one by one). The caller confirms
        the batch to Telegram only when all are decided, and the replies go out in the
        background, in order within each chat. A reply that a crash interrupts is still in the
        database and is sent at the next start.
        """
        answers: list[Answer] = []
        token = self._batch.set(answers)
        try:
            chats = _by_chat(updates)
            if len(chats) == 1:
                await self._decide_in_order(updates)
            else:
                # Every chat's updates are decided (or failed) before this returns: tasks copy
                # the context, so they all append to `answers`.
                tasks = [asyncio.create_task(self._decide_in_order(u)) for u in chats]
                failed = [
                    r
                    for r in await asyncio.gather(*tasks, return_exceptions=True)
                    if isinstance(r, BaseException)
                ]
                if failed:
                    raise failed[0]
        finally:
            self._batch.reset(token)
        place = {id(update): index for index, update in enumerate(updates)}
        for answer in sorted(answers, key=lambda a: place.get(id(a.update), 0)):
            self.replies.send_soon(answer)

    async def _decide_in_order(self, updates: list[Update]) -> None:
        """Decide these updates (one chat's) one after another."""
        for update in updates:
            await self.application.process_update(update)

    async def _on_update(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Translate and route one update (PTB's handler); the batch sends the replies."""
        incoming = to_incoming(update)
        if incoming is None:
            return
        if update.effective_chat and update.effective_chat.type != "private":
            log.info("ignoring update %s from a group chat", update.update_id)
            return
        batch = self._batch.get()
        if any(a.incoming.update_key == incoming.update_key for a in batch):
            return  # the same update twice in one batch: answered once
        batch.append(Answer(update, incoming, await self.router.handle(incoming)))

    async def _deliver(self, answer: Answer) -> bool:
        """Send the replies of one update; what cannot be sent now goes to the outbox (False)."""
        incoming = answer.incoming
        if answer.update.callback_query is not None:
            await self._settle_button(answer.update)
        sent = 0
        try:
            for reply in answer.replies:
                await self.send(
                    incoming.chat_id, reply, after_contact=incoming.kind == Kind.CONTACT
                )
                sent += 1
        except TelegramError as exc:
            # The change is committed; the outbox retries the rest until it is delivered.
            log.error(
                "update %s: reply not sent (%s); queued in the outbox", incoming.update_key, exc
            )
            await self.router.reply_later(incoming, answer.replies[sent:])
            return False
        return True

    async def _settle_button(self, update: Update) -> None:
        """Stop the spinner and take the buttons off the pressed message (no double press)."""
        query = update.callback_query
        assert query is not None
        try:
            await query.answer()
            if query.message is not None:
                await query.edit_message_reply_markup(None)
        except TelegramError as exc:
            log.debug("could not settle button of update %s: %s", update.update_id, exc)

    async def send(self, chat_id: str, reply: Reply, *, after_contact: bool = False) -> None:
        """Send one reply, split within Telegram's limit; buttons go with the last piece.

        A picture goes first, captioned with the text's first line; the full text follows; a
        document (the /xuat workbook) comes last.
        """
        if reply.image is not None:
            caption = caption_of(reply.text, MessageLimit.CAPTION_LENGTH)
            alone = not reply.text.strip()
            await self.application.bot.send_photo(
                chat_id=chat_id,
                photo=reply.image,
                caption=caption,
                reply_markup=reply_markup(reply, self.language, after_contact) if alone else None,
            )
            if alone:
                return
        pieces = split_text(reply.text, MessageLimit.MAX_TEXT_LENGTH)
        for index, piece in enumerate(pieces):
            last = index == len(pieces) - 1
            markup = reply_markup(reply, self.language, after_contact) if last else None
            await self.application.bot.send_message(
                chat_id=chat_id,
                text=piece,
                reply_markup=markup,
                link_preview_options=link_preview_options(reply),
            )
        if reply.document is not None:
            content = await asyncio.to_thread(reply.document.read)
            await self.application.bot.send_document(
                chat_id=chat_id, document=content, filename=reply.document.name
            )


def _by_chat(updates: list[Update]) -> list[list[Update]]:
    """The updates grouped by chat, each group in the order received (an update without a chat
    is a group of its own)."""
    groups: dict[object, list[Update]] = {}
    for update in updates:
        chat = update.effective_chat
        key = chat.id if chat is not None else ("update", update.update_id)
        groups.setdefault(key, []).append(update)
    return list(groups.values())
