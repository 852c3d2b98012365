"""A person chatting with the bot in a test: `await chat.say("/nhatky")`, then read the reply."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from handlers.core.messages import Attachment, Incoming, Kind, Reply
from handlers.router import Router, choices_as_lines

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
_keys = itertools.count(1)


def local(text: str) -> datetime:
    """'2026-11-25 09:00' in Vietnam time."""
    return datetime.fromisoformat(text).replace(tzinfo=ZONE)


@dataclass
class Chat:
    """One chat account talking to the router, with a clock the test sets."""

    router: Router
    user_id: str
    channel: str = "telegram"
    clock: datetime = field(default_factory=lambda: local("2026-11-25 09:00"))
    numbered: bool = False
    last: list[Reply] = field(default_factory=list)
    history: list[Incoming] = field(default_factory=list)

    def at(self, when: str) -> Chat:
        """Move this person's clock (local time)."""
        self.clock = local(when)
        return self

    async def send(self, msg: Incoming) -> list[Reply]:
        """Deliver a message and keep the replies."""
        self.history.append(msg)
        self.last = await self.router.handle(msg, now=self.clock)
        await self.router.replied(msg)
        return self.last

    def _incoming(self, kind: Kind, **fields: object) -> Incoming:
        return Incoming(
            channel=self.channel,
            user_id=self.user_id,
            chat_id=self.user_id,
            update_key=f"{self.channel}:{next(_keys)}",
            sent_at=self.clock,
            kind=kind,
            numbered_choices=self.numbered,
            **fields,  # type: ignore[arg-type]
        )

    async def say(self, text: str) -> str:
        """Type a line (a command when it starts with '/'); returns all reply texts joined."""
        if text.startswith("/"):
            word, _, args = text[1:].partition(" ")
            msg = self._incoming(Kind.COMMAND, command=word, args=args, text=text)
        else:
            msg = self._incoming(Kind.TEXT, text=text)
        await self.send(msg)
        return self.text

    async def press(self, label: str) -> str:
        """Press the button whose label contains `label` in the latest reply that has buttons."""
        for reply in reversed(self.last):
            for choice, data in zip(reply.choices, reply.choice_data, strict=True):
                if label in choice.label:
                    await self.send(self._incoming(Kind.CHOICE, choice=data))
                    return self.text
        raise AssertionError(f"no button {label!r} in {self.buttons}")

    async def press_data(self, data: str) -> str:
        """Press a button with exactly this callback data (old or forged ones too)."""
        await self.send(self._incoming(Kind.CHOICE, choice=data))
        return self.text

    async def photo(self, caption: str = "", file_id: str = "photo-1") -> str:
        """Send a photo, optionally with a caption."""
        attachment = (Attachment("photo", file_id),)
        await self.send(self._incoming(Kind.PHOTO, text=caption, attachments=attachment))
        return self.text

    async def send_kind(self, kind: Kind, **fields: object) -> str:
        """Send a sticker, voice note, location, contact..."""
        await self.send(self._incoming(kind, **fields))
        return self.text

    def button_data(self, label: str) -> str:
        """The callback data of a button in the latest replies."""
        for reply in reversed(self.last):
            for choice, data in zip(reply.choices, reply.choice_data, strict=True):
                if label in choice.label:
                    return data
        raise AssertionError(f"no button {label!r} in {self.buttons}")

    @property
    def text(self) -> str:
        """All texts of the latest replies."""
        return "\n".join(r.text for r in self.last)

    @property
    def buttons(self) -> list[str]:
        """Labels of every button in the latest replies."""
        return [c.label for r in self.last for c in r.choices]


def screen(chat: Chat) -> str:
    """What a numbered channel (Zalo, console) shows for the latest replies."""
    return "\n\n".join(choices_as_lines(reply, "vi") for reply in chat.last)
