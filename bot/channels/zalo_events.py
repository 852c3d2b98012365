"""Typed parsing of Zalo Bot API events, tolerant of the documented variants."""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from handlers.core.messages import Attachment, Incoming, Kind

log = logging.getLogger(__name__)
CHANNEL = "zalo"

TEXT = "message.text.received"
IMAGE = "message.image.received"
STICKER = "message.sticker.received"
UNSUPPORTED = "message.unsupported.received"
KNOWN_EVENTS = frozenset({TEXT, IMAGE, STICKER, UNSUPPORTED})
# Voice notes, files and other things Zalo forwards without content.
_KINDS = {TEXT: Kind.TEXT, IMAGE: Kind.PHOTO, STICKER: Kind.STICKER, UNSUPPORTED: Kind.OTHER}


class NotAnUpdate(ValueError):
    """The body is JSON but not a Zalo update."""


@dataclass(frozen=True)
class ZaloUpdate:
    """One message event: who, in which chat, what, and when they sent it."""

    event_name: str
    message_id: str
    user_id: str
    display_name: str
    chat_id: str
    chat_type: str
    sent_at: datetime
    text: str = ""
    photo_url: str = ""

    @property
    def in_group(self) -> bool:
        """Sent in a group chat rather than a 1:1 chat with the bot."""
        return self.chat_type.upper() not in ("", "PRIVATE", "USER")


def parse_update(body: Any) -> ZaloUpdate | None:
    """The update in a webhook body or getUpdates result; None for events we do not handle.

    Accepts the body flat or wrapped in `{ok, result}`; `display_name` or `first_name`;
    `photo` or `photo_url`; ids as strings or numbers; `date` in milliseconds.
    """
    if isinstance(body, dict) and "result" in body and "event_name" not in body:
        body = body["result"]
    if isinstance(body, list) and len(body) == 1:
        body = body[0]
    if not isinstance(body, dict):
        raise NotAnUpdate("not an object")
    event = body.get("event_name")
    if not isinstance(event, str):
        raise NotAnUpdate("no event_name")
    if event not in KNOWN_EVENTS:
        log.info("ignoring Zalo event %r", event)
        return None
    message = body.get("message")
    if not isinstance(message, dict):
        raise NotAnUpdate("no message")
    sender, chat = message.get("from"), message.get("chat")
    if not isinstance(sender, dict) or not isinstance(chat, dict):
        raise NotAnUpdate("no from or chat")
    message_id, user_id, chat_id = message.get("message_id"), sender.get("id"), chat.get("id")
    if not all(isinstance(v, str | int) and str(v) for v in (message_id, user_id, chat_id)):
        raise NotAnUpdate("missing ids")
    name = sender.get("display_name") or sender.get("first_name") or ""
    return ZaloUpdate(
        event_name=event,
        message_id=str(message_id),
        user_id=str(user_id),
        display_name=str(name),
        chat_id=str(chat_id),
        chat_type=str(chat.get("chat_type") or ""),
        sent_at=_sent_at(message.get("date")),
        text=_text(message.get("text")) or _text(message.get("caption")),
        photo_url=_text(message.get("photo") or message.get("photo_url")),
    )


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _sent_at(value: Any) -> datetime:
    """`date` is in milliseconds; a missing or absurd one means 'now'."""
    try:
        return datetime.fromtimestamp(float(value) / 1000, UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        return datetime.now(UTC)


def to_incoming(update: ZaloUpdate) -> Incoming:
    """The neutral form of a Zalo message; choices come back as numbers (no buttons)."""
    base = Incoming(
        channel=CHANNEL,
        user_id=update.user_id,
        chat_id=update.chat_id,
        # Zalo has no update id: the message id identifies a redelivery.
        update_key=f"{CHANNEL}:{update.message_id}",
        sent_at=update.sent_at,
        kind=_KINDS[update.event_name],
        text=update.text,
        display_name=update.display_name,
        numbered_choices=True,
    )
    if base.kind == Kind.PHOTO:
        photo = (Attachment("photo", update.photo_url),) if update.photo_url else ()
        return replace(base, attachments=photo)
    if base.kind == Kind.TEXT and update.text.startswith("/"):
        word, _, args = update.text[1:].partition(" ")
        return replace(base, kind=Kind.COMMAND, command=word.lower(), args=args.strip())
    return base
