"""Getting Zalo messages: a webhook (production) or long polling (development)."""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import logging

from aiohttp import web

from bot.channels.zalo import ZaloChannel
from bot.channels.zalo_api import NOTHING_NEW, ZaloError
from bot.channels.zalo_events import NotAnUpdate, parse_update

log = logging.getLogger(__name__)
SECRET_HEADER = "X-Bot-Api-Secret-Token"
MAX_BODY_BYTES = 256_000  # a text message is at most a few kilobytes
UNAUTHORIZED = 401


class ZaloPolling:
    """getUpdates in a loop: one update per call, 408 means nothing new, backoff on errors."""

    def __init__(self, channel: ZaloChannel, *, timeout: int = 30) -> None:
        self.channel = channel
        self.timeout = timeout
        self._task: asyncio.Task[None] | None = None
        self._batch: asyncio.Future[None] | None = None
        self._stopping = asyncio.Event()

    async def start(self) -> None:
        """Drop any webhook (Zalo refuses getUpdates while one is set), then poll."""
        self._stopping.clear()
        await self.channel.client.delete_webhook()
        self._task = asyncio.create_task(self._run(), name="zalo-polling")

    async def stop(self) -> None:
        """Stop after the message in hand is handled."""
        self._stopping.set()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if self._batch is not None:
            await asyncio.gather(self._batch, return_exceptions=True)

    async def _run(self) -> None:
        backoff = 1.0
        while not self._stopping.is_set():
            try:
                result = await self.channel.client.get_updates(self.timeout)
            except ZaloError as exc:
                if exc.error_code == NOTHING_NEW:
                    backoff = 1.0
                    continue
                if exc.error_code == UNAUTHORIZED:
                    # The token guard has said so and is stopping the bot (exit code 3).
                    log.info("Zalo polling stopped: the token was refused")
                    return
                log.warning("Zalo getUpdates failed (%s); retrying in %.0f s", exc, backoff)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 60.0)
                continue
            backoff = 1.0
            try:
                update = parse_update(result)
            except NotAnUpdate as exc:
                log.warning("ignoring a Zalo update we cannot read (%s)", exc)
                continue
            if update is None:
                continue
            # Shielded: a stop in the middle lets the message finish and commit.
            self._batch = asyncio.ensure_future(self.channel.process_updates([update]))
            await asyncio.shield(self._batch)


class ZaloWebhook:
    """An aiohttp server for Zalo's webhook: secret checked first, 200 after the commit."""

    def __init__(
        self, channel: ZaloChannel, *, url: str, secret: str, listen: str, port: int, path: str
    ) -> None:
        self.channel = channel
        self.url = url
        self.secret = secret
        self.listen = listen
        self.port = port
        self.path = path
        self._runner: web.AppRunner | None = None

    def web_app(self) -> web.Application:
        """The aiohttp application serving the webhook path."""
        app = web.Application(client_max_size=MAX_BODY_BYTES)
        app.router.add_post(self.path, self._receive)
        return app

    async def start(self) -> None:
        """Listen, then tell Zalo where to send messages."""
        self._runner = web.AppRunner(self.web_app())
        await self._runner.setup()
        await web.TCPSite(self._runner, self.listen, self.port).start()
        await self.channel.client.set_webhook(self.url, self.secret)
        log.info("Zalo webhook listening on %s:%s%s", self.listen, self.port, self.path)

    async def stop(self) -> None:
        """Stop listening (the webhook stays registered with Zalo)."""
        if self._runner is not None:
            await self._runner.cleanup()

    async def _receive(self, request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER)
        if given is None:
            log.warning("Zalo webhook request refused: no secret token")
            return web.Response(status=401, text="unauthorized")
        if not hmac.compare_digest(given.encode(), self.secret.encode()):
            log.warning("Zalo webhook request refused: wrong secret token")
            return web.Response(status=403, text="forbidden")
        if request.content_length is not None and request.content_length > MAX_BODY_BYTES:
            return web.Response(status=413, text="too large")
        try:
            body = json.loads(await request.read())
        except web.HTTPRequestEntityTooLarge:
            return web.Response(status=413, text="too large")
        except ValueError:
            log.warning("Zalo webhook request refused: not JSON")
            return web.Response(status=400, text="bad request")
        try:
            update = parse_update(body)
        except NotAnUpdate as exc:
            log.warning("Zalo webhook request refused: not a Zalo update (%s)", exc)
            return web.Response(status=400, text="bad request")
        if update is not None:
            # Handled before answering: if we crash now, Zalo may deliver the message again.
            await asyncio.shield(self.channel.process_updates([update]))
        return web.Response(status=200, text="ok")
