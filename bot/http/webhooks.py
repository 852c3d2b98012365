"""Webhook requests from Telegram and Zalo on the bot's one HTTP server (notes in the README)."""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import logging
from typing import Any

from aiohttp import web
from telegram import Update
from telegram.error import TelegramError

from bot.channels.telegram import ALLOWED_UPDATES, TelegramChannel
from bot.channels.zalo import ZaloChannel
from bot.channels.zalo_api import ZaloError
from bot.channels.zalo_events import NotAnUpdate, parse_update
from bot.http.guard import read_body
from bot.monitor import Monitor

log = logging.getLogger(__name__)
TELEGRAM_SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
ZALO_SECRET_HEADER = "X-Bot-Api-Secret-Token"
TELEGRAM_MAX_BODY_BYTES = 1_000_000
ZALO_MAX_BODY_BYTES = 256_000  # a Zalo text message is at most a few kilobytes
# Without a request for this long, the webhook asks the platform whether it is still set.
CHECK_EVERY_SECONDS = 60.0


class _Webhook:
    """What both webhooks share: the started flag and the periodic check."""

    channel_name = ""

    def __init__(self, path: str, monitor: Monitor | None) -> None:
        self.path = path
        self.monitor = monitor or Monitor()
        self.started = False
        self._check_task: asyncio.Task[None] | None = None

    def routes(self) -> list[web.RouteDef]:
        """The route to add to the HTTP server."""
        return [web.post(self.path, self._receive)]

    async def _receive(self, request: web.Request) -> web.Response:
        raise NotImplementedError

    async def register(self) -> None:
        """Tell the platform where to send updates."""
        raise NotImplementedError

    async def check(self) -> None:
        """Ask the platform about the webhook (proves it is reachable)."""
        raise NotImplementedError

    async def start(self) -> None:
        """Accept requests, register with the platform, then check it now and then."""
        self.started = True
        await self.register()
        self.monitor.reached(self.channel_name, "webhook")
        self._check_task = asyncio.create_task(self._keep_checking(), name=f"{self.path}-check")

    async def stop(self) -> None:
        """Stop checking (the webhook stays registered, so the platform keeps updates for us)."""
        self.started = False
        if self._check_task is not None:
            self._check_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._check_task

    async def _keep_checking(self) -> None:
        while True:
            await asyncio.sleep(CHECK_EVERY_SECONDS / 4)
            quiet = self.monitor.seconds_since_contact(self.channel_name)
            if quiet is not None and quiet < CHECK_EVERY_SECONDS:
                continue
            try:
                await self.check()
            except (TelegramError, ZaloError) as exc:
                log.warning("%s webhook check failed (%s)", self.channel_name, exc)
                continue
            self.monitor.reached(self.channel_name, "check")

    def _not_started(self) -> web.Response | None:
        if self.started:
            return None
        return web.Response(status=503, text="starting")


def _secret_matches(given: str, secret: str) -> bool:
    # aiohttp keeps header bytes that are not UTF-8 as surrogates; they never match, and must
    # not raise (a 500 with a traceback) on the way.
    return hmac.compare_digest(given.encode("utf-8", "surrogateescape"), secret.encode())


def _json_body(raw: bytes) -> Any:
    """The parsed body; ValueError for invalid JSON or nesting too deep for the parser."""
    try:
        return json.loads(raw)
    except RecursionError as exc:
        raise ValueError("JSON nested too deeply") from exc


def _short(exc: BaseException) -> str:
    """An exception in a few words for a one-line log (never the body)."""
    return f"{type(exc).__name__}: {str(exc)[:80]}"


class TelegramWebhook(_Webhook):
    """Telegram's webhook: a wrong or missing secret gets 403, then the update is handled."""

    channel_name = "telegram"

    def __init__(
        self,
        channel: TelegramChannel,
        *,
        url: str,
        secret: str,
        path: str,
        monitor: Monitor | None = None,
    ) -> None:
        super().__init__(path, monitor)
        self.channel = channel
        self.url = url
        self.secret = secret

    async def register(self) -> None:
        """setWebhook with the URL and the secret."""
        await self.channel.application.bot.set_webhook(
            self.url, secret_token=self.secret, allowed_updates=ALLOWED_UPDATES
        )
        log.info("Telegram webhook registered; served at %s", self.path)

    async def check(self) -> None:
        """getWebhookInfo."""
        await self.channel.application.bot.get_webhook_info()

    async def _receive(self, request: web.Request) -> web.Response:
        if not _secret_matches(request.headers.get(TELEGRAM_SECRET_HEADER, ""), self.secret):
            log.warning("webhook request refused: wrong or missing secret token")
            return web.Response(status=403, text="forbidden")
        refused = self._not_started()
        if refused is not None:
            return refused
        if request.content_length is not None and request.content_length > TELEGRAM_MAX_BODY_BYTES:
            return web.Response(status=413, text="too large")
        try:
            body = _json_body(await read_body(request))
        except web.HTTPRequestEntityTooLarge:
            return web.Response(status=413, text="too large")
        except ValueError as exc:
            log.warning("webhook request refused: not JSON (%s)", _short(exc))
            return web.Response(status=400, text="bad request")
        if not isinstance(body, dict) or not isinstance(body.get("update_id"), int):
            log.warning("webhook request refused: not a Telegram update (no update_id)")
            return web.Response(status=400, text="bad request")
        try:
            update = Update.de_json(body, self.channel.application.bot)
        except Exception as exc:  # untrusted input: any failure to read it is a 400
            log.warning("webhook request refused: not a Telegram update (%s)", _short(exc))
            return web.Response(status=400, text="bad request")
        if update is None:
            log.warning("webhook request refused: empty Telegram update")
            return web.Response(status=400, text="bad request")
        self.monitor.reached(self.channel_name, "webhook")
        # Handled before answering: if we crash now, Telegram delivers the update again.
        await asyncio.shield(self.channel.process_updates([update]))
        return web.Response(status=200, text="ok")


class ZaloWebhook(_Webhook):
    """Zalo's webhook: no secret 401, a wrong one 403, non-JSON 400, over 256 kB 413."""

    channel_name = "zalo"

    def __init__(
        self,
        channel: ZaloChannel,
        *,
        url: str,
        secret: str,
        path: str,
        monitor: Monitor | None = None,
    ) -> None:
        super().__init__(path, monitor)
        self.channel = channel
        self.url = url
        self.secret = secret

    async def register(self) -> None:
        """setWebhook with the URL and the secret."""
        await self.channel.client.set_webhook(self.url, self.secret)
        log.info("Zalo webhook registered; served at %s", self.path)

    async def check(self) -> None:
        """getWebhookInfo."""
        await self.channel.client.get_webhook_info()

    async def _receive(self, request: web.Request) -> web.Response:
        given = request.headers.get(ZALO_SECRET_HEADER)
        if given is None:
            log.warning("Zalo webhook request refused: no secret token")
            return web.Response(status=401, text="unauthorized")
        if not _secret_matches(given, self.secret):
            log.warning("Zalo webhook request refused: wrong secret token")
            return web.Response(status=403, text="forbidden")
        refused = self._not_started()
        if refused is not None:
            return refused
        if request.content_length is not None and request.content_length > ZALO_MAX_BODY_BYTES:
            return web.Response(status=413, text="too large")
        try:
            raw = await read_body(request)
        except web.HTTPRequestEntityTooLarge:
            return web.Response(status=413, text="too large")
        if len(raw) > ZALO_MAX_BODY_BYTES:
            return web.Response(status=413, text="too large")
        try:
            body: Any = _json_body(raw)
        except ValueError as exc:
            log.warning("Zalo webhook request refused: not JSON (%s)", _short(exc))
            return web.Response(status=400, text="bad request")
        try:
            update = parse_update(body)
        except NotAnUpdate as exc:
            log.warning("Zalo webhook request refused: not a Zalo update (%s)", exc)
            return web.Response(status=400, text="bad request")
        except (RecursionError, TypeError, ValueError) as exc:
            log.warning("Zalo webhook request refused: not a Zalo update (%s)", _short(exc))
            return web.Response(status=400, text="bad request")
        self.monitor.reached(self.channel_name, "webhook")
        if update is not None:
            # Handled before answering: if we crash now, Zalo may deliver the message again.
            await asyncio.shield(self.channel.process_updates([update]))
        return web.Response(status=200, text="ok")
