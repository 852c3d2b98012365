"""The lifecycle of a difficulty: one explicit table of who may do what in which state."""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    """Where a difficulty stands."""

    NEW = "new"
    ACKNOWLEDGED = "acknowledged"
    ANSWERED = "answered"
    MORE_INFO = "more_info"
    FORWARDED = "forwarded"
    REOPENED = "reopened"
    RESOLVED = "resolved"


class Action(StrEnum):
    """Something a supervisor or the reporter does to a difficulty."""

    ACKNOWLEDGE = "ack"
    ANSWER = "answer"
    ASK_INFO = "ask"
    FORWARD = "forward"
    RESOLVE = "resolve"
    COMMENT = "comment"
    CONFIRM = "confirm"
    REOPEN = "reopen"


class Actor(StrEnum):
    """Who acts: a supervisor in scope, or the official who raised it."""

    SUPERVISOR = "supervisor"
    REPORTER = "reporter"


OPEN = frozenset(s for s in Status if s is not Status.RESOLVED)
_WAITING_FOR_SUPERVISOR = {Status.NEW, Status.ACKNOWLEDGED, Status.FORWARDED, Status.REOPENED}

# (actor, action, from) -> to. Anything not listed is refused.
TRANSITIONS: dict[tuple[Actor, Action, Status], Status] = {
    **{
        (Actor.SUPERVISOR, Action.ACKNOWLEDGE, s): Status.ACKNOWLEDGED
        for s in (Status.NEW, Status.FORWARDED, Status.REOPENED)
    },
    **{
        (Actor.SUPERVISOR, Action.ANSWER, s): Status.ANSWERED
        for s in _WAITING_FOR_SUPERVISOR | {Status.MORE_INFO, Status.ANSWERED}
    },
    **{
        (Actor.SUPERVISOR, Action.ASK_INFO, s): Status.MORE_INFO
        for s in _WAITING_FOR_SUPERVISOR | {Status.ANSWERED}
    },
    **{
        (Actor.SUPERVISOR, Action.FORWARD, s): Status.FORWARDED
        for s in _WAITING_FOR_SUPERVISOR | {Status.MORE_INFO}
    },
    **{(Actor.SUPERVISOR, Action.RESOLVE, s): Status.RESOLVED for s in OPEN},
    # The reporter's comment or photo keeps the status, except that it answers a request for info.
    **{(Actor.REPORTER, Action.COMMENT, s): s for s in OPEN - {Status.MORE_INFO}},
    (Actor.REPORTER, Action.COMMENT, Status.MORE_INFO): Status.ACKNOWLEDGED,
    (Actor.REPORTER, Action.CONFIRM, Status.ANSWERED): Status.RESOLVED,
    (Actor.REPORTER, Action.REOPEN, Status.ANSWERED): Status.REOPENED,
    (Actor.REPORTER, Action.REOPEN, Status.RESOLVED): Status.REOPENED,
}

# Actions that count as the first response from leadership.
FIRST_RESPONSE = frozenset(
    {Action.ACKNOWLEDGE, Action.ANSWER, Action.ASK_INFO, Action.FORWARD, Action.RESOLVE}
)


def next_status(actor: Actor, action: Action, current: Status) -> Status | None:
    """The status after the action, or None when the table does not allow it."""
    return TRANSITIONS.get((actor, action, current))


def allowed_actions(actor: Actor, current: Status) -> list[Action]:
    """What this actor may do now, in the table's order."""
    return [a for (who, a, s) in TRANSITIONS if who is actor and s is current]
