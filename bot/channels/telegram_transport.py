"""Getting Telegram updates: long polling or a webhook, each update confirmed only once handled."""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import logging

from aiohttp import web
from telegram import Update
from telegram.error import InvalidToken, NetworkError, RetryAfter, TelegramError, TimedOut

from bot.channels.telegram import ALLOWED_UPDATES, TelegramChannel
from storage.db import Lease

log = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
# How often a standby process tries to take over polling from one that stopped.
TAKEOVER_SECONDS = 2.0
MAX_BODY_BYTES = 1_000_000


class TelegramPolling:
    """Long polling with backoff; the offset confirms only updates already handled."""

    def __init__(self, channel: TelegramChannel, *, timeout: int = 30) -> None:
        self.channel = channel
        self.timeout = timeout
        self._task: asyncio.Task[None] | None = None
        self._batch: asyncio.Future[None] | None = None
        self._stopping = asyncio.Event()

    async def start(self) -> None:
        """Drop any webhook (keeping pending updates) and start polling in the background."""
        await self.channel.application.bot.delete_webhook(drop_pending_updates=False)
        self._task = asyncio.create_task(self._run(), name="telegram-polling")

    async def stop(self) -> None:
        """Stop after the batch in hand is handled."""
        self._stopping.set()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if self._batch is not None:
            # Cancelling the loop leaves the shielded batch running: wait for it to commit.
            await asyncio.gather(self._batch, return_exceptions=True)

    async def _run(self) -> None:
        """Poll while this process holds the polling duty; wait to take it over otherwise.

        Telegram lets one getUpdates caller at a time; with several processes on one
        PostgreSQL database the duty is an advisory lock, freed by the server when its holder
        dies, so a standby process takes over within TAKEOVER_SECONDS. Nothing is lost: the
        offset is only confirmed for updates already committed.
        """
        db = self.channel.router.db
        waiting_logged = False
        while not self._stopping.is_set():
            async with db.exclusive("telegram:polling") as duty:
                if duty.held:
                    log.info("this process polls Telegram")
                    await self._poll(duty)
                    if self._stopping.is_set() or not await duty.still_held():
                        continue
                    return  # the token was refused: polling stopped for good
            if not waiting_logged:
                log.info("another process polls Telegram; this one takes over if it stops")
                waiting_logged = True
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), TAKEOVER_SECONDS)

    async def _poll(self, duty: Lease) -> None:
        bot = self.channel.application.bot
        offset: int | None = None
        backoff = 1.0
        while not self._stopping.is_set():
            if not await duty.still_held():
                log.warning("lost the Telegram polling duty (database connection); waiting")
                return
            try:
                updates = await bot.get_updates(
                    offset=offset, timeout=self.timeout, allowed_updates=ALLOWED_UPDATES
                )
            except RetryAfter as exc:
                await asyncio.sleep(seconds(exc.retry_after))
                continue
            except InvalidToken:
                # The token guard has said so and is stopping the bot (exit code 3).
                log.info("Telegram polling stopped: the token was refused")
                return
            except (TimedOut, NetworkError, TelegramError) as exc:
                log.warning("getUpdates failed (%s); retrying in %.0f s", exc, backoff)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 60.0)
                continue
            backoff = 1.0
            if not updates:
                continue
            # Shielded: a stop in the middle of a batch lets the batch finish and commit.
            self._batch = asyncio.ensure_future(self.channel.process_updates(list(updates)))
            await asyncio.shield(self._batch)
            offset = updates[-1].update_id + 1


class TelegramWebhook:
    """An aiohttp server for Telegram's webhook: secret checked first, 200 after handling."""

    def __init__(
        self,
        channel: TelegramChannel,
        *,
        url: str,
        secret: str,
        listen: str,
        port: int,
        path: str,
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
        """Listen, then tell Telegram where to send updates."""
        self._runner = web.AppRunner(self.web_app())
        await self._runner.setup()
        await web.TCPSite(self._runner, self.listen, self.port).start()
        await self.channel.application.bot.set_webhook(
            self.url, secret_token=self.secret, allowed_updates=ALLOWED_UPDATES
        )
        log.info("Telegram webhook listening on %s:%s%s", self.listen, self.port, self.path)

    async def stop(self) -> None:
        """Stop listening (the webhook stays registered, so Telegram keeps updates for us)."""
        if self._runner is not None:
            await self._runner.cleanup()

    async def _receive(self, request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), self.secret.encode()):
            log.warning("webhook request refused: wrong or missing secret token")
            return web.Response(status=403, text="forbidden")
        if request.content_length is not None and request.content_length > MAX_BODY_BYTES:
            return web.Response(status=413, text="too large")
        try:
            body = json.loads(await request.read())
            update = Update.de_json(body, self.channel.application.bot)
        except (ValueError, TypeError, KeyError, web.HTTPRequestEntityTooLarge) as exc:
            log.warning("webhook request refused: not a Telegram update (%s)", exc)
            return web.Response(status=400, text="bad request")
        if update is None:
            return web.Response(status=400, text="bad request")
        # Handled before answering: if we crash now, Telegram delivers the update again.
        await asyncio.shield(self.channel.process_updates([update]))
        return web.Response(status=200, text="ok")


def seconds(value: object) -> float:
    """retry_after is an int or a timedelta depending on PTB settings."""
    total = getattr(value, "total_seconds", None)
    return float(total()) if callable(total) else float(value)  # type: ignore[arg-type]
