"""The web dashboard: an aiohttp route table mounted on the bot's HTTP server.

Every request finds the person from the session cookie and decides what they may see from
their scope again (nothing is remembered in the browser but the session token). Pages are
rendered on the server with Jinja2; nothing is loaded from outside the bot.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from concurrent.futures import Executor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import jinja2
from aiohttp import web
from yarl import URL

from bot.export_worker import LEASE, ExportWorker, spawn_executor
from bot.monitor import Monitor
from bot.web import pages
from bot.web.photos import PhotoStore
from handlers.core.turn import HandlerConfig, WebConfig
from handlers.web.links import keyed_hash, new_token
from storage import scope, web_sessions
from storage.db import Database
from storage.models import Person

log = logging.getLogger(__name__)
COOKIE = "bietphai_phien"
# A download asked here wakes this worker at once; the poll finds those asked elsewhere, and
# those whose worker died (after the lease).
IDLE_SECONDS = 5.0
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    # No scripts at all; matplotlib's SVG carries style attributes, hence inline styles.
    "Content-Security-Policy": (
        "default-src 'none'; img-src 'self'; style-src 'self' 'unsafe-inline'; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "Cache-Control": "private, no-store",
}


@dataclass(frozen=True)
class Viewer:
    """The signed-in person on this request, and what the session allows."""

    person: Person
    supervisor: bool
    session_hash: str
    csrf: str


class Dashboard:
    """The dashboard's state: database, settings, templates, photo store."""

    def __init__(
        self,
        db: Database,
        config: WebConfig,
        handlers: HandlerConfig,
        photos: PhotoStore,
        prefix: str,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        *,
        files: Path,
        lease: timedelta = LEASE,
        file_retention_days: int = 14,
        monitor: Monitor | None = None,
        executor: Callable[[], Executor] = spawn_executor,
    ) -> None:
        self.db = db
        self.config = config
        self.handlers = handlers
        self.photos = photos
        self.prefix = prefix.rstrip("/") + "/web"
        self.clock = clock
        self.file_retention_days = file_retention_days
        # Downloads are export jobs of their own channel, built by a worker (and a process) of
        # the dashboard's own, one at a time, so a department's month neither stalls this
        # process's chat nor waits behind a /xuat. Any process may build or show a job.
        self.exports = ExportWorker(
            db,
            files,
            str(handlers.zone),
            monitor=monitor,
            executor=executor,
            idle=IDLE_SECONDS,
            channels=(pages.WEB_CHANNEL,),
            lease=lease,
            send=False,
        )
        self.templates = jinja2.Environment(
            loader=jinja2.PackageLoader("bot.web", "templates"),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            enable_async=False,
        )

    async def start(self) -> None:
        """Start looking for downloads to build (the worker process starts with the first)."""
        await self.exports.start()

    async def stop(self) -> None:
        """Stop building; a download being built is given back (built again at the next start
        here, or by another process sharing the database)."""
        await self.exports.stop()

    def routes(self) -> list[web.RouteDef]:
        """Every route of the dashboard, under <public path>/web/."""
        p = self.prefix
        page = self._page
        return [
            web.get(p, self._to_home, allow_head=False),
            web.get(p + "/", page(pages.overview), allow_head=False),
            web.get(p + "/vao/{token}", self._sign_in_page, allow_head=False),
            web.post(p + "/vao/{token}", self._sign_in),
            web.post(p + "/thoat", self._sign_out),
            web.get(p + "/nhat-ky", page(pages.entries), allow_head=False),
            web.get(p + "/anh/{id}", self._photo, allow_head=False),
            web.get(p + "/kho-khan", page(pages.difficulties_board), allow_head=False),
            web.get(p + "/kho-khan/{id}", page(pages.difficulty), allow_head=False),
            web.post(p + "/kho-khan/{id}", page(pages.act_on_difficulty)),
            web.get(p + "/chuyen-can", page(pages.attendance_page), allow_head=False),
            web.get(p + "/to-cong-tac", page(pages.visits_page), allow_head=False),
            web.get(p + "/hoc-tap", page(pages.study_page), allow_head=False),
            web.get(p + "/tai-ve", page(pages.downloads), allow_head=False),
            web.post(p + "/tai-ve", page(pages.start_export)),
            web.get(p + "/tai-ve/tep/{id}", page(pages.export_status), allow_head=False),
            web.get(p + "/tai-ve/tep/{id}/{name}", page(pages.export_file), allow_head=False),
            web.get(p + "/tai-ve/bieu-do-tuan.png", page(pages.weekly_chart), allow_head=False),
            web.get(p + "/style.css", self._style, allow_head=False),
        ]

    # ------------------------------------------------------------------ rendering

    def render(
        self,
        request: web.Request,
        name: str,
        *,
        status: int = 200,
        viewer: Viewer | None = None,
        **values: Any,
    ) -> web.Response:
        """A page from its template, with the headers every page gets."""
        html = self.templates.get_template(name).render(
            prefix=self.prefix, viewer=viewer, path=request.path, **values
        )
        return web.Response(
            text=html, status=status, content_type="text/html", headers=SECURITY_HEADERS
        )

    def message(
        self,
        request: web.Request,
        status: int,
        title: str,
        text: str,
        viewer: Viewer | None = None,
    ) -> web.Response:
        """A page that only says something (not found, sign in first, link refused)."""
        return self.render(
            request, "message.html", status=status, viewer=viewer, title=title, text=text
        )

    def not_found(self, request: web.Request, viewer: Viewer | None = None) -> web.Response:
        """The one answer for anything missing or outside the viewer's scope."""
        return self.message(
            request,
            404,
            "Không tìm thấy",
            "Trang này không có, hoặc nằm ngoài phạm vi anh/chị được xem.",
            viewer,
        )

    # ------------------------------------------------------------------ sessions

    def _page(
        self, handler: Callable[[Dashboard, web.Request, Viewer], Awaitable[web.StreamResponse]]
    ) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
        async def serve(request: web.Request) -> web.StreamResponse:
            viewer = await self._viewer(request)
            if viewer is None:
                return self.message(
                    request,
                    401,
                    "Cần đăng nhập",
                    "Anh/chị gõ /web trong chat với bot để nhận đường link đăng nhập "
                    "(dùng một lần, trong 10 phút).",
                )
            if request.method == "POST":
                form = await request.post()
                if form.get("csrf") != viewer.csrf:
                    return self.message(
                        request,
                        403,
                        "Không thực hiện được",
                        "Biểu mẫu đã cũ. Anh/chị tải lại trang rồi làm lại.",
                        viewer,
                    )
            try:
                return await handler(self, request, viewer)
            except pages.NotFound:
                return self.not_found(request, viewer)

        return serve

    async def _viewer(self, request: web.Request) -> Viewer | None:
        token = request.cookies.get(COOKIE, "")
        if not token or len(token) > 128:
            return None
        session_hash = keyed_hash(self.config.key, "session", token)
        async with self.db.read() as tx:
            person = await web_sessions.session_person(tx, session_hash, self.clock())
            if person is None:
                return None
            supervisor = await scope.is_supervisor(tx, person.id)
        csrf = keyed_hash(self.config.key, "csrf", token)
        return Viewer(person, supervisor, session_hash, csrf)

    async def _to_home(self, request: web.Request) -> web.StreamResponse:
        raise web.HTTPFound(self.prefix + "/")

    def _link_refused(self, request: web.Request) -> web.Response:
        """The one answer for a link that is unknown, expired or already used."""
        return self.message(
            request,
            403,
            "Đường link không dùng được",
            "Đường link này đã hết hạn hoặc đã được dùng. Anh/chị gõ /web trong chat với "
            "bot để nhận đường link mới.",
        )

    async def _sign_in_page(self, request: web.Request) -> web.StreamResponse:
        """The link opened: a page with one button; nothing is spent.

        Telegram's and Zalo's servers GET a link to draw its preview, so a GET that spent the
        link would use it up before the person taps it.
        """
        token = request.match_info["token"]
        pending = None
        if len(token) <= 128:
            async with self.db.read() as tx:
                pending = await web_sessions.pending_link(
                    tx, keyed_hash(self.config.key, "link", token), self.clock()
                )
        if pending is None:
            return self._link_refused(request)
        person, expires = pending
        return self.render(
            request,
            "sign_in.html",
            title="Đăng nhập",
            full_name=person.full_name,
            expires=expires.astimezone(self.handlers.zone).strftime("%H:%M"),
        )

    async def _sign_in(self, request: web.Request) -> web.StreamResponse:
        """The button pressed: spend the link, open a session, go to the overview."""
        if not same_origin(request, self.config.base_url):
            return self.message(
                request,
                403,
                "Không đăng nhập được",
                "Yêu cầu đăng nhập này không đến từ trang của bot. Anh/chị mở lại đường link "
                "trong tin nhắn của bot rồi bấm «Đăng nhập».",
            )
        token = request.match_info["token"]
        now = self.clock()
        session = new_token()
        person_id = None
        if len(token) <= 128:
            async with self.db.transaction() as tx:
                person_id = await web_sessions.use_link(
                    tx, keyed_hash(self.config.key, "link", token), now
                )
                if person_id is not None:
                    expires = now + timedelta(hours=self.config.session_hours)
                    await web_sessions.add_session(
                        tx, keyed_hash(self.config.key, "session", session), person_id, now, expires
                    )
        if person_id is None:
            return self._link_refused(request)
        # 303: the browser follows with a GET, so reloading the overview never posts again.
        response = web.HTTPSeeOther(self.prefix + "/")
        response.set_cookie(
            COOKIE,
            session,
            max_age=self.config.session_hours * 3600,
            path=self.prefix + "/",
            httponly=True,
            samesite="Lax",
            secure=self.config.secure,
        )
        response.headers.update(SECURITY_HEADERS)
        raise response

    async def _sign_out(self, request: web.Request) -> web.StreamResponse:
        viewer = await self._viewer(request)
        form = await request.post()
        if viewer is not None and form.get("csrf") == viewer.csrf:
            async with self.db.transaction() as tx:
                await web_sessions.end_session(tx, viewer.session_hash, self.clock())
        response = self.message(
            request, 200, "Đã đăng xuất", "Gõ /web trong chat với bot khi cần vào lại."
        )
        response.del_cookie(COOKIE, path=self.prefix + "/")
        return response

    # ------------------------------------------------------------------ files

    async def _photo(self, request: web.Request) -> web.StreamResponse:
        viewer = await self._viewer(request)
        raw = request.match_info["id"]
        if viewer is None or not raw.isdigit():
            return self.not_found(request)
        photo = await pages.visible_photo(self, viewer, int(raw))
        if photo is None:
            return self.not_found(request)
        body = await self.photos.get(photo, thumbnail=request.query.get("co") == "nho")
        if body is None:
            return self.message(
                request, 404, "Chưa lấy được ảnh", "Ảnh chưa tải được từ nền tảng chat."
            )
        kind = "image/png" if body.startswith(b"\x89PNG") else "image/jpeg"
        headers = {**SECURITY_HEADERS, "Cache-Control": "private, max-age=3600"}
        return web.Response(body=body, content_type=kind, headers=headers)

    async def _style(self, request: web.Request) -> web.StreamResponse:
        css = self.templates.loader.get_source(self.templates, "style.css")[0]  # type: ignore[union-attr]
        headers = {**SECURITY_HEADERS, "Cache-Control": "private, max-age=3600"}
        return web.Response(text=css, content_type="text/css", headers=headers)


def same_origin(request: web.Request, base_url: str) -> bool:
    """Whether a sign-in POST came from the dashboard's own page (no login CSRF).

    There is no session yet, so no CSRF token: the browser's own word is used instead. A page
    elsewhere could otherwise post a link of its author's and sign the reader in as someone
    else. `Sec-Fetch-Site` is sent by every current browser; `Origin` is "null" from our own
    page (Referrer-Policy: no-referrer), so only a real foreign origin counts against it.
    Clients that send neither (old browsers, scripts) are let through: the token is the secret.
    """
    site = request.headers.get("Sec-Fetch-Site")
    if site is not None and site not in ("same-origin", "none"):
        return False
    origin = request.headers.get("Origin")
    if origin is None or origin == "null":
        return True
    try:
        theirs = URL(origin).origin()
    except ValueError:  # not an absolute URL
        return False
    return str(theirs) == str(URL(base_url).origin())


def mount(app: web.Application, dashboard: Dashboard) -> None:
    """Add the dashboard's routes to the bot's HTTP server."""
    app.add_routes(dashboard.routes())
