"""What reminders add to the router: /nhacnho and the buttons on reminders."""

from __future__ import annotations

from handlers.core.routes import Flow, Routes, Standing
from handlers.core.texts import t
from handlers.reminders import buttons, prefs


def numbered_hint(lang: str, data: str) -> str:
    """The commands that do what a reminder's buttons do."""
    return t(lang, "zalo.reminder_hint")


ROUTES = Routes(
    commands={"nhacnho": prefs.nhacnho, "remind": prefs.nhacnho},
    flows={prefs.REMIND: Flow(prefs.remind_choice, prefs.remind_message)},
    standing={buttons.PREFIX: Standing(buttons.on_button, numbered_hint)},
)
