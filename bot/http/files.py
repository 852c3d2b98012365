"""File links: GET <path>/<token>.png (a chart), .xlsx (a workbook) or .docx (a report) until the
link expires."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

from aiohttp import web

from handlers.core.texts import t
from storage import file_links, image_links
from storage.db import Database

log = logging.getLogger(__name__)
# secrets.token_urlsafe output: URL-safe base64 without padding, then the kind of file.
NAME_PATTERN = re.compile(r"(?P<token>[A-Za-z0-9_-]{32,128})\.(?P<ext>png|xlsx|docx)")
MAX_AGE_SECONDS = 3600
COMMON_HEADERS = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"}


class FileRoutes:
    """The GET route of the file links, under the public path."""

    def __init__(
        self,
        db: Database,
        *,
        path: str,
        language: str = "vi",
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.db = db
        self.path = path.rstrip("/")
        self.language = language
        self.clock = clock

    def routes(self) -> list[web.RouteDef]:
        """One GET route (no HEAD: a link is opened, not probed)."""
        return [web.get(self.path + "/{name}", self._serve, allow_head=False)]

    async def _serve(self, request: web.Request) -> web.StreamResponse:
        match = NAME_PATTERN.fullmatch(request.match_info["name"])
        if match is None:
            return self._not_found()
        token, now = match["token"], self.clock()
        if match["ext"] == "png":
            async with self.db.read() as tx:
                image = await image_links.image_by_token(tx, token, now)
            if image is None:
                return self._not_found()
            headers = self._cache_headers(image.expires_at, now)
            return web.Response(body=image.body, content_type=image.content_type, headers=headers)
        async with self.db.read() as tx:
            link = await file_links.file_by_token(tx, token, now)
        if link is None or not Path(link.path).is_file():
            return self._not_found()
        headers = {
            **self._cache_headers(link.expires_at, now),
            "Content-Type": link.content_type,
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(link.file_name)}",
        }
        return web.FileResponse(link.path, headers=headers)

    def _cache_headers(self, expires_at: datetime, now: datetime) -> dict[str, str]:
        remaining = int((expires_at - now).total_seconds())
        return {
            **COMMON_HEADERS,
            "Cache-Control": f"private, max-age={max(0, min(remaining, MAX_AGE_SECONDS))}",
        }

    def _not_found(self) -> web.Response:
        return web.Response(
            status=404,
            text=t(self.language, "image.not_found"),
            content_type="text/plain",
            charset="utf-8",
            headers={**COMMON_HEADERS, "Cache-Control": "private, no-store"},
        )
