"""What leave adds to the router: /nghi and its steps."""

from __future__ import annotations

from handlers.core.routes import Flow, Routes
from handlers.leave import command

ROUTES = Routes(
    commands={"nghi": command.nghi, "leave": command.nghi},
    flows={command.LEAVE: Flow(command.leave_choice, command.leave_message)},
)
