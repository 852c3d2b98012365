"""What digests add to the router: /baocao and its choices."""

from __future__ import annotations

from handlers.core.routes import Flow, Routes
from handlers.digest import command

ROUTES = Routes(
    commands={"baocao": command.baocao, "digest": command.baocao},
    flows={command.DIGEST: Flow(command.digest_choice, command.digest_message)},
)
