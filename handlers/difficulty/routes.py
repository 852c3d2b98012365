"""What difficulties add to the router: /khokhan, /dskhokhan, their flows and `k:` buttons."""

from __future__ import annotations

from handlers.core import drafts
from handlers.core.routes import Flow, Routes, Standing
from handlers.core.texts import t
from handlers.difficulty import actions, raising

# Difficulty actions (`k:<action>:<id>`), valid in any flow.
PREFIX = "k:"


def numbered_hint(lang: str, data: str) -> str:
    """«Gõ /khokhan 42 để xử lý.»: the command that opens the difficulty's card."""
    number = data.split(":")[-1]
    return t(lang, "kk.numbered_hint", number=number) if number.isdigit() else ""


ROUTES = Routes(
    commands={
        "khokhan": raising.khokhan,
        "issue": raising.khokhan,
        "dskhokhan": actions.list_in_scope,
        "issues": actions.list_in_scope,
    },
    flows={
        raising.RAISE: Flow(raising.raise_choice, raising.raise_message, drafts.typed_text),
        raising.AFTER: Flow(raising.after_choice, raising.after_message),
        actions.ACT: Flow(actions.act_choice, actions.act_message),
    },
    standing={
        PREFIX: Standing(actions.on_action, numbered_hint),
        f"{PREFIX}new:": Standing(raising.new_button, numbered_hint),
    },
)
