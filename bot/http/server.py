"""The one aiohttp server of a running bot; features add routes or mount sub-applications."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from aiohttp import web

from bot.http.guard import LIMITS, ConnectionLimits, GuardedSite, one_request_per_connection

log = logging.getLogger(__name__)
# The largest body any route accepts (a Telegram update); routes may refuse smaller ones.
MAX_BODY_BYTES = 1_000_000


@dataclass(frozen=True)
class Address:
    """Where to listen, and the settings that chose it (named when the port is taken)."""

    listen: str
    port: int
    settings: str = "BOT_HTTP_LISTEN / BOT_HTTP_PORT"


class ListenError(OSError):
    """An address could not be listened on; `address` says which settings to check."""

    def __init__(self, address: Address, cause: OSError) -> None:
        super().__init__(cause.errno, cause.strerror or str(cause))
        self.address = address


class HttpServer:
    """One aiohttp application, served on one address (and the old ones still configured)."""

    def __init__(
        self,
        main: Address,
        extra: Iterable[Address] = (),
        limits: ConnectionLimits | None = None,
    ) -> None:
        self.limits = limits or ConnectionLimits()
        self.app = web.Application(
            client_max_size=MAX_BODY_BYTES, middlewares=[one_request_per_connection]
        )
        self.app[LIMITS] = self.limits
        self.addresses = [main]
        for address in extra:
            if all((a.listen, a.port) != (address.listen, address.port) for a in self.addresses):
                self.addresses.append(address)
        self._runner: web.AppRunner | None = None

    @property
    def listen(self) -> str:
        """The main listen address."""
        return self.addresses[0].listen

    @property
    def port(self) -> int:
        """The main port as configured (0 picks a free one; see `bound_port`)."""
        return self.addresses[0].port

    def add_routes(self, routes: Iterable[web.AbstractRouteDef]) -> None:
        """Serve these routes too (before `start`)."""
        self.app.add_routes(list(routes))

    def mount_routes(self, add: Callable[[web.Application], None]) -> None:
        """Let a feature add its routes to the application itself (before `start`)."""
        add(self.app)

    def mount(self, prefix: str, subapp: web.Application) -> None:
        """Serve a whole sub-application under `prefix` (e.g. "/web"), before `start`."""
        self.app.add_subapp(prefix, subapp)

    async def start(self) -> None:
        """Listen on every address; a taken port is a ListenError naming its settings."""
        # After an answer to an unread body (a 408, a 413), aiohttp keeps reading what the
        # client still sends for `lingering_time` (10 s by default): keep that short.
        self._runner = web.AppRunner(
            self.app, access_log=None, lingering_time=min(2.0, self.limits.body_seconds)
        )
        await self._runner.setup()
        for address in self.addresses:
            try:
                # Capped and with deadlines: half-sent requests cannot tie the server up.
                site = GuardedSite(self._runner, address.listen, address.port, self.limits)
                await site.start()
            except OSError as exc:
                raise ListenError(address, exc) from exc
            log.info("HTTP server listening on %s:%s", address.listen, address.port)

    async def stop(self) -> None:
        """Stop listening."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    @property
    def bound_port(self) -> int:
        """The port the main address actually listens on."""
        assert self._runner is not None, "server not started"
        return int(self._runner.addresses[0][1])
