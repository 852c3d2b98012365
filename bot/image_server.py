"""The bot's small file server: GET <path>/<token>.png answers a stored picture until it expires."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from functools import partial

from aiohttp import web

from bot.image_links import ImageLinks
from bot.settings import Settings
from bot.web import dashboard_for, mount
from handlers.core.texts import t
from handlers.core.turn import HandlerConfig
from storage import image_links
from storage.db import Database

log = logging.getLogger(__name__)
# secrets.token_urlsafe output: URL-safe base64 without padding.
TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{32,128}")
MAX_AGE_SECONDS = 3600
COMMON_HEADERS = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"}


class ImageServer:
    """Serves stored pictures by token; `bietphai run` starts it with BOT_PUBLIC_BASE_URL set."""

    def __init__(
        self,
        db: Database,
        *,
        path: str,
        listen: str,
        port: int,
        language: str = "vi",
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        mounts: Sequence[Callable[[web.Application], None]] = (),
    ) -> None:
        self.db = db
        # Other route tables served by this server (the web dashboard).
        self.mounts = list(mounts)
        self.path = path.rstrip("/")
        self.listen = listen
        self.port = port
        self.language = language
        self.clock = clock
        self._runner: web.AppRunner | None = None

    def web_app(self) -> web.Application:
        """The aiohttp application: one GET route under the public path."""
        # Requests carry no body worth reading (the dashboard's forms are short text).
        app = web.Application(client_max_size=64 * 1024 if self.mounts else 1024)
        for add_routes in self.mounts:
            add_routes(app)
        app.router.add_get(self.path + "/{name}", self._serve, allow_head=False)
        return app

    async def start(self) -> None:
        """Listen (port 0 picks a free port; `bound_port` tells which)."""
        self._runner = web.AppRunner(self.web_app(), access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, self.listen, self.port).start()
        log.info("file server listening on %s:%s%s/", self.listen, self.bound_port, self.path)

    async def stop(self) -> None:
        """Stop listening."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    @property
    def bound_port(self) -> int:
        """The port actually listened on."""
        assert self._runner is not None, "server not started"
        return int(self._runner.addresses[0][1])

    async def _serve(self, request: web.Request) -> web.Response:
        name = request.match_info["name"]
        token = name.removesuffix(".png")
        if token == name or not TOKEN_PATTERN.fullmatch(token):
            return self._not_found()
        now = self.clock()
        async with self.db.read() as tx:
            image = await image_links.image_by_token(tx, token, now)
        if image is None:
            return self._not_found()
        remaining = int((image.expires_at - now).total_seconds())
        headers = {
            **COMMON_HEADERS,
            "Cache-Control": f"private, max-age={max(0, min(remaining, MAX_AGE_SECONDS))}",
        }
        return web.Response(body=image.body, content_type=image.content_type, headers=headers)

    def _not_found(self) -> web.Response:
        return web.Response(
            status=404,
            text=t(self.language, "image.not_found"),
            content_type="text/plain",
            charset="utf-8",
            headers={**COMMON_HEADERS, "Cache-Control": "private, no-store"},
        )


def file_server(
    settings: Settings, db: Database, handlers: HandlerConfig
) -> tuple[ImageServer, ImageLinks] | None:
    """The file server (with the web dashboard) and its links, when BOT_PUBLIC_BASE_URL is set."""
    if not settings.public_base_url:
        return None
    dashboard = dashboard_for(settings, db, handlers)
    server = ImageServer(
        db,
        path=settings.public_path,
        listen=settings.public_listen,
        port=settings.public_port,
        language=settings.language,
        mounts=[partial(mount, dashboard=dashboard)] if dashboard else [],
    )
    lifetime = timedelta(hours=settings.image_link_hours)
    return server, ImageLinks(db, settings.public_base_url, lifetime, settings.zone)
