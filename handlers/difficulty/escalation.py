"""Deadlines of difficulties as they approach and pass: warn, then escalate once."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from handlers.core.messages import Reply
from handlers.core.notify import standing
from handlers.core.texts import t
from handlers.difficulty.actions import action_choices
from handlers.difficulty.lifecycle import Actor, Status
from handlers.difficulty.views import detail_card, history_lines, when
from storage.difficulties import Difficulty, DifficultyEvent


class Step(StrEnum):
    """What a difficulty waiting for its first response needs now."""

    WARN = "warn"
    ESCALATE = "escalate"


def step_due(item: Difficulty, now: datetime, warning: timedelta) -> Step | None:
    """Escalate once the first-response deadline has passed; warn in the window before it."""
    if item.status == Status.RESOLVED or item.first_response_at is not None:
        return None
    if now >= item.first_response_due:
        return Step.ESCALATE
    if now >= item.first_response_due - warning:
        return Step.WARN
    return None


def warning_message(item: Difficulty, now: datetime, zone: ZoneInfo, lang: str) -> Reply:
    """To whoever should respond: the deadline is near."""
    text = t(
        lang,
        "escalation.warning",
        reference=item.reference,
        due=when(item.first_response_due, zone),
        detail=detail_card(lang, item, now, zone),
    )
    return standing(text, *action_choices(lang, item.id, Actor.SUPERVISOR, Status(item.status)))


def leadership_message(
    item: Difficulty,
    events: list[DifficultyEvent],
    names: dict[int, str],
    now: datetime,
    zone: ZoneInfo,
    lang: str,
) -> Reply:
    """To department leadership: overdue, with the history."""
    text = t(
        lang,
        "escalation.leader",
        reference=item.reference,
        due=when(item.first_response_due, zone),
        detail=detail_card(lang, item, now, zone),
        history=history_lines(lang, events, names, zone),
    )
    return standing(text, *action_choices(lang, item.id, Actor.SUPERVISOR, Status(item.status)))


def reporter_message(item: Difficulty, lang: str) -> Reply:
    """To the reporter: it was escalated."""
    return Reply(t(lang, "escalation.reporter", reference=item.reference))
