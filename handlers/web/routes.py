"""What the web dashboard adds to the router: /web."""

from __future__ import annotations

from handlers.core.routes import Routes
from handlers.web import command

ROUTES = Routes(commands={"web": command.web})
