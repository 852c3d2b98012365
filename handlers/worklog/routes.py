"""What the work log adds to the router: /nhatky, /cuatoi and their flows."""

from __future__ import annotations

from handlers.core import drafts
from handlers.core.routes import Flow, Routes
from handlers.worklog import log, mine

ROUTES = Routes(
    commands={
        "nhatky": log.start_log,
        "log": log.start_log,
        "cuatoi": mine.show_list,
        "mine": mine.show_list,
    },
    flows={
        log.LOG: Flow(log.log_choice, log.log_message, drafts.typed_text),
        log.OFFER: Flow(log.offer_choice, log.offer, drafts.typed_text),
        mine.MINE: Flow(mine.mine_choice, mine.mine_message),
    },
)
