"""What onboarding adds to the router: /start, /huy and /trogiup."""

from __future__ import annotations

from handlers.core.routes import Routes
from handlers.onboarding import general, start

ROUTES = Routes(
    commands={
        "start": start.start,
        "huy": general.cancel,
        "cancel": general.cancel,
        "trogiup": general.show_help,
        "help": general.show_help,
    },
    keeps_flow=frozenset({"trogiup", "help"}),
)
