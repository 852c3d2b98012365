"""Domain values read from storage (frozen dataclasses)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any


class Role(StrEnum):
    """What a person does in the organisation."""

    OFFICIAL = "official"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"
    COMMUNE_OFFICIAL = "commune_official"


@dataclass(frozen=True)
class Person:
    """Someone in the organisation (seconded official, supervisor, admin, commune contact)."""

    id: int
    full_name: str
    role: Role
    division_code: str | None
    phone: str | None
    supervises_all: bool
    language: str | None
    active: bool
    # "anh" or "chị" from the workbook's `gender` column; None when not known.
    address_form: str | None = None

    @property
    def address(self) -> str:
        """How the bot addresses this person: "anh", "chị", or "anh/chị" when not known."""
        return self.address_form or "anh/chị"

    @property
    def given_name(self) -> str:
        """The given name, which Vietnamese write last ("Nguyễn Văn An" → "An")."""
        parts = self.full_name.split()
        return parts[-1] if parts else self.full_name


@dataclass(frozen=True)
class Commune:
    """A commune or ward whose People's Committee (UBND) hosts seconded officials."""

    code: str
    name: str
    district: str
    border: bool


@dataclass(frozen=True)
class WorkLog:
    """One work log entry (nhật ký công tác)."""

    id: int
    person_id: int
    commune_code: str
    commune_name: str
    work_date: date
    topic: str
    text: str
    sent_at: datetime
    edited: bool
    deleted: bool
    attachment_count: int


@dataclass(frozen=True)
class ConversationState:
    """Where a chat is in a flow; `token` marks the buttons of the latest reply."""

    flow: str | None
    step: str | None
    data: dict[str, Any]
    token: str
    offered: list[list[str]]


@dataclass(frozen=True)
class Invite:
    """A stored invite (the code itself is never stored)."""

    id: int
    person_id: int
    expires_at: datetime
    used_at: datetime | None
    revoked_at: datetime | None = None
