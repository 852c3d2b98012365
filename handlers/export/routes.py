"""What the export adds to the router: /xuat and its choices."""

from __future__ import annotations

from handlers.core.routes import Flow, Routes
from handlers.export import command

ROUTES = Routes(
    commands={"xuat": command.xuat, "export": command.xuat},
    flows={command.EXPORT: Flow(command.export_choice, command.export_message)},
)
