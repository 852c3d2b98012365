"""What working-group visits add to the router: /tocongtac, its flows and buttons."""

from __future__ import annotations

from handlers.core import drafts
from handlers.core.routes import Flow, Routes, Standing
from handlers.core.texts import t
from handlers.visits import changes, followups, outcome, planning


def numbered_hint(lang: str, data: str) -> str:
    """«/tocongtac TCT-0001» opens the item's card (`tct:<action>:<item>`)."""
    number = data.split(":")[-1]
    reference = f"TCT-{int(number):04d}" if number.isdigit() else ""
    return t(lang, "tct.numbered_hint", reference=reference) if reference else ""


ROUTES = Routes(
    commands={"tocongtac": planning.tocongtac, "visit": planning.tocongtac},
    flows={
        planning.VISIT: Flow(planning.visit_choice, planning.visit_message, drafts.visit_agenda),
        outcome.OUTCOME: Flow(
            outcome.outcome_choice, outcome.outcome_message, drafts.visit_outcome
        ),
        followups.NOTE: Flow(followups.note_choice, followups.note_message),
        changes.MOVE: Flow(changes.move_choice, changes.move_message),
    },
    standing={
        followups.PREFIX: Standing(followups.on_button, numbered_hint),
        followups.OUTCOME_PREFIX: Standing(outcome.on_button, numbered_hint),
        # Cancel and move buttons are answered by number on Zalo.
        changes.PREFIX: Standing(changes.on_button),
    },
)
