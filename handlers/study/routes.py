"""What study visits add to the router: /hoctap, its flow and the division heads' buttons."""

from __future__ import annotations

from handlers.core import drafts
from handlers.core.routes import Flow, Routes, Standing
from handlers.core.texts import t
from handlers.study import actions, command, withdraw


def numbered_hint(lang: str, data: str) -> str:
    """The command that opens the request (`h:<action>:<request>:<part>[:<week>]`)."""
    return t(lang, "ht.numbered_hint", number=data.split(":")[2])


ROUTES = Routes(
    commands={"hoctap": command.hoctap, "study": command.hoctap},
    flows={command.FLOW: Flow(command.study_choice, command.study_message, drafts.study_request)},
    standing={
        actions.PREFIX: Standing(actions.on_button, numbered_hint),
        # Withdrawing is answered by number on Zalo.
        withdraw.PREFIX: Standing(withdraw.on_button),
    },
)
