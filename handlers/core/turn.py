"""One incoming message being handled: the person, their state and the open transaction."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from handlers.core.dates import format_day, local_date
from handlers.core.deadlines import DeadlinePolicy
from handlers.core.messages import Choice, Incoming, Reply
from handlers.core.texts import TEXTS, t
from storage import org
from storage.db import Tx
from storage.models import Commune, ConversationState, Person


@dataclass(frozen=True)
class WebConfig:
    """Where the web dashboard is, the key its tokens are hashed with, how long a session lasts."""

    base_url: str  # BOT_PUBLIC_BASE_URL without the trailing slash
    key: bytes
    session_hours: int = 10

    @property
    def dashboard_url(self) -> str:
        """https://bot.example.org/web/."""
        return f"{self.base_url}/web/"

    @property
    def secure(self) -> bool:
        """Whether cookies must be marked Secure (the public URL is https)."""
        return self.base_url.startswith("https://")


@dataclass(frozen=True)
class HandlerConfig:
    """The settings handlers need."""

    zone: ZoneInfo
    language: str = "vi"
    backdate_days: int = 7
    deadlines: DeadlinePolicy = field(default_factory=DeadlinePolicy)
    # BOT_REMINDER_FIRST / BOT_REMINDER_FOLLOW_UP; an official moves the first with /nhacnho.
    reminder_first: time = time(16, 30)
    reminder_follow_up: time = time(20, 0)
    # BOT_STUDY_CAPACITY_PER_WEEK / BOT_STUDY_PLACE: study visits at the department.
    study_capacity: int = 5
    study_place: str = "Sở Nội vụ"
    # BOT_DIFFICULTY_ADDITION_MINUTES: after raising a difficulty, text and photos are offered
    # as an addition to it for this long.
    difficulty_addition_minutes: int = 10
    # The server's secret key: invite codes are looked up by their HMAC with it.
    invite_key: bytes = b""
    # BOT_PUBLIC_BASE_URL set: the web dashboard is on and /web hands out links.
    web: WebConfig | None = None


@dataclass
class Turn:
    """Everything a handler needs to answer one message."""

    msg: Incoming
    tx: Tx
    person: Person | None
    state: ConversationState
    config: HandlerConfig
    now: datetime
    # A handler that moves the conversation sets this; the router stores it.
    next_state: ConversationState | None = field(default=None)
    # The router's answer to a message outside any flow (plain text is offered as a log
    # entry); a flow hands back a message that is not for it through `as_new_message`.
    outside_flow: Callable[[Turn], Awaitable[list[Reply]]] | None = field(default=None)
    # The person's communes on `today`, read by the router with the turn (None: not read).
    communes_today: tuple[Commune, ...] | None = field(default=None)

    @property
    def lang(self) -> str:
        """The person's language, else the bot's default."""
        if self.person and self.person.language in ("vi", "en"):
            return self.person.language
        return self.config.language

    @property
    def today(self) -> date:
        """The local date on which the person sent this message."""
        return local_date(self.msg.sent_at, self.config.zone)

    async def communes_on(self, day: date) -> list[Commune]:
        """The person's communes on `day`; today's come with the turn's first read."""
        if day == self.today and self.communes_today is not None:
            return list(self.communes_today)
        return await org.communes_of_person_on(self.tx, self.person_id, day)

    def t(self, key: str, **values: object) -> str:
        """A catalog text in the person's language.

        Prompts for a date show an example that makes sense today: {soon} is tomorrow (a day
        to plan), {recent} yesterday (a day to log late), both dd/mm.
        """
        template = TEXTS[key][0]
        if "{soon}" in template:
            values.setdefault("soon", f"{self.today + timedelta(days=1):%d/%m}")
        if "{recent}" in template:
            values.setdefault("recent", f"{self.today - timedelta(days=1):%d/%m}")
        return t(self.lang, key, **values)

    def day(self, value: date) -> str:
        """A date as people read it: weekday and dd/mm/yyyy."""
        return format_day(value, self.lang, weekday=True)

    def addressed(self, person: Person) -> str:
        """A person greeted by name: "chị Thu", "anh/chị An" when not known; "Thu" in English."""
        if self.lang == "en":
            return person.given_name
        return f"{person.address} {person.given_name}"

    def say(self, key: str, *choices: Choice, **values: object) -> list[Reply]:
        """A single reply from the catalog."""
        return [Reply(self.t(key, **values), tuple(choices))]

    def go(self, flow: str, step: str, **data: Any) -> None:
        """Move the chat to a step of a flow, with the data collected so far."""
        self.next_state = ConversationState(flow, step, dict(data), "", [])

    def finish(self) -> None:
        """Leave any flow."""
        self.next_state = ConversationState(None, None, {}, "", [])

    async def as_new_message(self) -> list[Reply]:
        """Leave the flow and answer this message as if no flow had been open."""
        self.finish()
        assert self.outside_flow is not None, "turn built without the router's outside_flow"
        return await self.outside_flow(self)

    @property
    def person_id(self) -> int:
        """The id of the registered person (handlers behind the gate only)."""
        assert self.person is not None, "handler reached without a registered person"
        return self.person.id
