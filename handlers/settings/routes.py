"""What settings add to the router: /caidat and its menu."""

from __future__ import annotations

from handlers.core.routes import Flow, Routes
from handlers.settings import command

ROUTES = Routes(
    commands={"caidat": command.show_settings, "settings": command.show_settings},
    flows={command.SETTINGS: Flow(command.settings_choice, command.settings_message)},
)
