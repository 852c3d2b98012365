"""The channel-neutral message model: what arrives and what the bot answers."""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any


class Kind(StrEnum):
    """What a person sent."""

    TEXT = "text"
    COMMAND = "command"
    CHOICE = "choice"
    CONTACT = "contact"
    PHOTO = "photo"
    FILE = "file"
    STICKER = "sticker"
    VOICE = "voice"
    LOCATION = "location"
    OTHER = "other"


@dataclass(frozen=True)
class Attachment:
    """A photo or file kept on the platform; we store its id."""

    kind: str
    file_id: str


@dataclass(frozen=True)
class Incoming:
    """One message or button press, as every channel reports it."""

    channel: str
    user_id: str
    chat_id: str
    update_key: str
    sent_at: datetime
    kind: Kind
    text: str = ""
    command: str = ""
    args: str = ""
    choice: str = ""
    display_name: str = ""
    contact_phone: str = ""
    contact_is_own: bool = True
    attachments: tuple[Attachment, ...] = ()
    # Channels without buttons (Zalo, console) answer a list with its number.
    numbered_choices: bool = False


# Telegram's limit on a button's callback data, in UTF-8 bytes: checked here for every channel,
# so a button too long fails while its turn is handled (nothing saved), never at the platform.
MAX_CHOICE_DATA_BYTES = 64


@dataclass(frozen=True)
class Choice:
    """One option offered to the person; `value` comes back when it is picked."""

    label: str
    value: str

    def __post_init__(self) -> None:
        # Every choice starts with a capital (a week, "tuần 07/12–11/12", is "Tuần …").
        object.__setattr__(self, "label", self.label[:1].upper() + self.label[1:])


@dataclass(frozen=True)
class FileRef:
    """A file the bot made: kept on disk (an export) or just built (a report being sent).

    Replies refer to it and never carry its bytes into the database: `to_json` keeps the name and
    the path only.
    """

    name: str  # the name the person sees
    path: str = ""  # where it is on disk ("" when only built in memory)
    content: bytes | None = field(default=None, compare=False, repr=False)

    def read(self) -> bytes:
        """Its bytes (from disk when not held; blocking: call it off the event loop)."""
        if self.content is not None:
            return self.content
        with open(self.path, "rb") as handle:
            return handle.read()


@dataclass(frozen=True)
class Reply:
    """One message back to the person."""

    text: str
    choices: tuple[Choice, ...] = ()
    ask_contact: bool = False
    # Filled by the router: the callback data of each choice, in order.
    choice_data: tuple[str, ...] = field(default=())
    # A picture to send before the text (the weekly digest's PNG chart).
    image: bytes | None = None
    # A file to send after the text (the /xuat workbook): by reference, so neither the stored
    # reply nor the outbox row holds its bytes.
    document: FileRef | None = None
    # False: the channel must not draw a preview of a link in the text (a one-time link, which
    # the platform's servers would otherwise fetch). Channels that cannot turn it off ignore it.
    link_preview: bool = True

    def __post_init__(self) -> None:
        """Refuse button data a platform would refuse."""
        for data in self.choice_data:
            if len(data.encode("utf-8")) > MAX_CHOICE_DATA_BYTES:
                raise ValueError(f"button data over {MAX_CHOICE_DATA_BYTES} bytes: {data!r}")

    def to_json(self) -> dict[str, Any]:
        """A plain form to store with the update, for resending after a crash."""
        return {
            "text": self.text,
            "choices": [[c.label, c.value] for c in self.choices],
            "choice_data": list(self.choice_data),
            "ask_contact": self.ask_contact,
            "image": base64.b64encode(self.image).decode("ascii") if self.image else None,
            "document": (
                {"name": self.document.name, "path": self.document.path} if self.document else None
            ),
            "link_preview": self.link_preview,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Reply:
        """The reply stored by `to_json`."""
        return cls(
            text=data["text"],
            choices=tuple(Choice(label, value) for label, value in data["choices"]),
            choice_data=tuple(data["choice_data"]),
            ask_contact=bool(data["ask_contact"]),
            # Rows stored before images existed have no "image" key.
            image=base64.b64decode(data["image"]) if data.get("image") else None,
            # Rows stored before files were kept on disk held the bytes: those are not resent.
            document=(
                FileRef(data["document"]["name"], data["document"]["path"])
                if isinstance(data.get("document"), dict)
                else None
            ),
            # Rows stored before the flag existed were all sent with previews.
            link_preview=bool(data.get("link_preview", True)),
        )
