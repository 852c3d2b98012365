"""Buttons on reminders, valid whatever flow the person is in: `r:log:<YYYY-MM-DD>` starts the
work log for that day, `r:leave:<YYYY-MM-DD>` records leave for that one day."""

from __future__ import annotations

from datetime import date

from handlers.core.messages import Reply
from handlers.core.turn import Turn
from handlers.leave import command as leave
from handlers.worklog import log as worklog
from storage.models import Role

PREFIX = "r:"


async def on_button(turn: Turn, value: str) -> list[Reply]:
    """A reminder's button: log that day now, or record that day as leave."""
    _, action, arg = [*value.split(":", 2), "", ""][:3]
    try:
        day = date.fromisoformat(arg)
    except ValueError:
        return turn.say("error.stale_choice")
    if action == "leave":
        return await leave.leave_for_day(turn, day)
    if action != "log":
        return turn.say("error.stale_choice")
    if turn.person is not None and turn.person.role == Role.OFFICIAL:
        # A day out of reach is refused without ending whatever the person was doing.
        refusal = await worklog.check_day(turn, day)
        if refusal:
            return refusal
    return await worklog.start_log_on(turn, day)
