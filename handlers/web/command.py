"""/web: a personal one-time link to the dashboard; `/web thoát` ends every session."""

from __future__ import annotations

from datetime import datetime

from handlers.core.messages import Reply
from handlers.core.textfold import fold
from handlers.core.turn import Turn
from handlers.web.links import create_link
from storage import web_sessions

LOGOUT_WORDS = {"thoat", "dangxuat", "logout", "exit"}


async def web(turn: Turn) -> list[Reply]:
    """/web [thoát]."""
    config = turn.config.web
    word = fold(turn.msg.args).replace(" ", "")
    if word in LOGOUT_WORDS:
        ended = await web_sessions.end_sessions(turn.tx, turn.person_id, turn.now)
        return turn.say("web.logged_out" if ended else "web.no_session", count=ended)
    if config is None:
        return turn.say("web.off")
    link = await create_link(turn.tx, config, turn.person_id, turn.now)
    local = link.expires_at.astimezone(turn.config.zone)
    text = turn.t(
        "web.link", url=link.url, time=local.strftime("%H:%M"), hours=config.session_hours
    )
    live = await web_sessions.live_sessions(turn.tx, turn.person_id, turn.now)
    if live:
        lines = [turn.t("web.live", count=len(live))]
        for opened, expires in live:
            lines.append(
                turn.t("web.session", opened=_moment(turn, opened), expires=_moment(turn, expires))
            )
        text += "\n\n" + "\n".join(lines)
    # No preview: Telegram's servers would fetch the one-time link to draw one.
    return [Reply(text, link_preview=False)]


def _moment(turn: Turn, moment: datetime) -> str:
    """'08:05 25/11/2026' in the bot's zone."""
    return moment.astimezone(turn.config.zone).strftime("%H:%M %d/%m/%Y")
