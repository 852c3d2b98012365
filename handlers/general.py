"""Help and cancel: the commands every role has."""

from __future__ import annotations

from handlers.messages import Reply
from handlers.turn import Turn
from storage.models import Role


async def show_help(turn: Turn) -> list[Reply]:
    """/trogiup: what this person's role can do."""
    keys = ["help.title"]
    if turn.person is not None and turn.person.role == Role.OFFICIAL:
        keys += ["help.nhatky", "help.plain", "help.cuatoi"]
    keys += ["help.huy", "help.trogiup"]
    if turn.person is not None and turn.person.role in (Role.SUPERVISOR, Role.ADMIN):
        keys.append("help.supervisor")
    lines = [turn.t(keys[0])] + ["• " + turn.t(k) for k in keys[1:]]
    return [Reply("\n".join(lines))]


async def cancel(turn: Turn) -> list[Reply]:
    """/huy: leave whatever flow the chat is in."""
    if turn.state.flow is None:
        return turn.say("nothing_to_cancel")
    turn.finish()
    return turn.say("cancelled")
