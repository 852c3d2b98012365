"""A local fake of the Zalo Bot API served over real HTTP: records calls, enforces limits."""

from __future__ import annotations

import asyncio
import collections
import contextlib
import itertools
import json
import re
import time
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Self

import aiohttp
from aiohttp import web

JSONDict = dict[str, Any]
TOKEN = "zalo-test-token"
BOT_ID = "bot-4242"
MAX_TEXT_LENGTH = 2000
DEFAULT_DESCRIPTIONS = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    408: "Request timeout",
    429: "Quota exceeded",
    500: "Internal Server Error",
    502: "Bad Gateway",
    504: "Gateway Timeout",
}


@dataclass(frozen=True)
class Call:
    """One method call the bot made, with the answer it got."""

    method: str
    params: JSONDict
    status: int
    response: JSONDict
    at: float

    @property
    def ok(self) -> bool:
        """The call succeeded."""
        return bool(self.response.get("ok"))


class ZaloAPIError(Exception):
    """An error answer in Zalo's envelope."""

    def __init__(self, code: int, description: str | None = None) -> None:
        super().__init__(code)
        self.code = code
        self.description = description or DEFAULT_DESCRIPTIONS.get(code, "Error")


class FakeZaloAPI:
    """In-process HTTP server speaking the Zalo Bot API methods the bot uses."""

    def __init__(
        self, token: str = TOKEN, *, max_poll_seconds: float = 1.0, link_previews: bool = False
    ) -> None:
        self.token = token
        self.max_poll_seconds = max_poll_seconds
        # On: like Zalo's servers drawing a link preview, every http(s) URL in a sent text is
        # fetched with a GET before the message counts as sent; (url, status) noted here.
        self.link_previews = link_previews
        self.preview_fetches: list[tuple[str, int]] = []
        self.calls: list[Call] = []
        self.webhook_url = ""
        self.webhook_secret = ""
        self._updates: collections.deque[JSONDict] = collections.deque()
        # Message id -> the number of getUpdates calls when it was handed out.
        self._fetched: dict[str, int] = {}
        self.polls = 0
        self._message_ids = itertools.count(1)
        self._fail_next: dict[str, list[tuple[str | None, ZaloAPIError]]] = {}
        self._hangs: dict[str, float] = {}
        self._arrived = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self._port = 0
        self._handlers = {
            "getMe": self._get_me,
            "getUpdates": self._get_updates,
            "setWebhook": self._set_webhook,
            "deleteWebhook": self._delete_webhook,
            "getWebhookInfo": self._get_webhook_info,
            "sendMessage": self._send_message,
            "sendPhoto": self._send_photo,
            "sendChatAction": self._send_chat_action,
        }

    # ----------------------------------------------------------------- lifecycle

    async def start(self, port: int = 0) -> None:
        """Bind on 127.0.0.1, on `port` (0: a free one; the same one again after a stop)."""
        app = web.Application()
        app.router.add_post("/bot{token}/{method}", self._dispatch)
        # Fresh event so a fake started under another event loop still works.
        self._arrived = asyncio.Event()
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", port).start()
        self._port = int(self._runner.addresses[0][1])

    async def stop(self) -> None:
        """Release waiting long polls and stop serving."""
        self._arrived.set()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Self:
        """Start for an `async with` block."""
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Stop at the end of the block."""
        await self.stop()

    @property
    def base_url(self) -> str:
        """The value of ZALO_API_BASE_URL (the token and `/method` are appended)."""
        return f"http://127.0.0.1:{self._port}/bot"

    # ----------------------------------------------------------------- test controls

    def fail_next(
        self,
        method: str,
        *,
        status: int,
        count: int = 1,
        description: str | None = None,
        chat_id: str | None = None,
    ) -> None:
        """Answer the next `count` calls of `method` (into `chat_id`, if given) with an error."""
        queue = self._fail_next.setdefault(method, [])
        queue.extend((chat_id, ZaloAPIError(status, description)) for _ in range(count))

    def hang(self, method: str, seconds: float) -> None:
        """Let every call of `method` hang `seconds`, then fail with 504, undelivered (0 stops).

        A timeout the bot cannot tell from a slow success: a process killed meanwhile dies
        with the message unsent.
        """
        if seconds <= 0:
            self._hangs.pop(method, None)
        else:
            self._hangs[method] = seconds

    def enqueue(self, update: JSONDict) -> str:
        """A message for getUpdates to hand out; returns its message id."""
        self._updates.append(update)
        self._arrived.set()
        return str(update["message"]["message_id"])

    def pending(self) -> int:
        """Updates not fetched yet."""
        return len(self._updates)

    def fetched(self, message_id: str) -> bool:
        """Whether getUpdates has handed this message out."""
        return message_id in self._fetched

    def polled_after(self, message_id: str) -> bool:
        """The bot asked for more after this message: a polling bot has handled it."""
        return message_id in self._fetched and self.polls > self._fetched[message_id]

    def calls_of(self, method: str) -> list[Call]:
        """Every call of one method, oldest first."""
        return [c for c in self.calls if c.method == method]

    def texts_to(self, chat_id: str) -> list[str]:
        """Every text the bot managed to send into one chat, oldest first."""
        return [
            str(c.params["text"])
            for c in self.calls_of("sendMessage")
            if c.ok and c.params.get("chat_id") == chat_id
        ]

    # ----------------------------------------------------------------- updates

    def message(
        self,
        user_id: str,
        event_name: str,
        *,
        date_ms: int | None = None,
        display_name: str = "",
        chat_id: str | None = None,
        chat_type: str = "PRIVATE",
        message_id: str | None = None,
        **fields: Any,
    ) -> JSONDict:
        """An update as Zalo sends it (flat, as getUpdates' result and webhook bodies are)."""
        return {
            "event_name": event_name,
            "message": {
                "from": {"id": user_id, "display_name": display_name, "is_bot": False},
                "chat": {"id": chat_id or user_id, "chat_type": chat_type},
                "message_id": message_id or f"m{next(self._message_ids):06d}",
                "date": date_ms if date_ms is not None else int(time.time() * 1000),
                **fields,
            },
        }

    def text(self, user_id: str, text: str, **options: Any) -> JSONDict:
        """A text message."""
        return self.message(user_id, "message.text.received", text=text, **options)

    def image(self, user_id: str, photo_url: str, caption: str = "", **options: Any) -> JSONDict:
        """A picture with an optional caption."""
        return self.message(
            user_id, "message.image.received", photo_url=photo_url, caption=caption, **options
        )

    def sticker(self, user_id: str, **options: Any) -> JSONDict:
        """A sticker."""
        return self.message(user_id, "message.sticker.received", sticker="s-1", **options)

    def unsupported(self, user_id: str, **options: Any) -> JSONDict:
        """A voice note or anything else Zalo forwards without content."""
        return self.message(user_id, "message.unsupported.received", **options)

    # ----------------------------------------------------------------- HTTP

    async def _dispatch(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        try:
            params = json.loads(await request.read() or b"{}")
            if not isinstance(params, dict):
                raise ZaloAPIError(400, "Bad Request: body must be a JSON object")
            if request.match_info["token"] != self.token:
                raise ZaloAPIError(401)
            handler = self._handlers.get(method)
            if handler is None:
                raise ZaloAPIError(404, "Not Found: unknown method")
            hang = self._hangs.get(method)
            if hang:
                await asyncio.sleep(hang)
                raise ZaloAPIError(504)
            failures = self._fail_next.get(method, [])
            for index, (chat_id, failure) in enumerate(failures):
                if chat_id is None or chat_id == params.get("chat_id"):
                    del failures[index]
                    raise failure
            result = await handler(params)
            status, body = 200, {"ok": True, "result": result}
        except ValueError:
            params = {}
            status, body = 400, {"ok": False, "error_code": 400, "description": "Bad Request"}
        except ZaloAPIError as exc:
            status = exc.code
            body = {"ok": False, "error_code": exc.code, "description": exc.description}
        self.calls.append(Call(method, params, status, body, time.monotonic()))
        return web.json_response(body, status=status)

    async def _get_me(self, params: JSONDict) -> JSONDict:
        return {"id": BOT_ID, "account_name": "bot.bietphai", "display_name": "Biết Phải"}

    async def _get_updates(self, params: JSONDict) -> JSONDict:
        self.polls += 1
        if self.webhook_url:
            raise ZaloAPIError(409, "Conflict: webhook is set")
        wait = min(float(params.get("timeout", 0) or 0), self.max_poll_seconds)
        if not self._updates:
            self._arrived.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._arrived.wait(), wait)
        if not self._updates:
            raise ZaloAPIError(408)
        update = self._updates.popleft()  # one update per call, gone once handed out
        self._fetched[str(update["message"]["message_id"])] = self.polls
        return update

    async def _set_webhook(self, params: JSONDict) -> JSONDict:
        url, secret = params.get("url"), params.get("secret_token")
        if not isinstance(url, str) or not url.startswith("https://"):
            raise ZaloAPIError(400, "Bad Request: url must be https")
        if not isinstance(secret, str) or not 8 <= len(secret) <= 256:
            raise ZaloAPIError(400, "Bad Request: secret_token must be 8–256 characters")
        self.webhook_url, self.webhook_secret = url, secret
        return {"url": url, "updated_at": int(time.time() * 1000)}

    async def _delete_webhook(self, params: JSONDict) -> JSONDict:
        self.webhook_url = self.webhook_secret = ""
        return {"url": "", "updated_at": int(time.time() * 1000)}

    async def _get_webhook_info(self, params: JSONDict) -> JSONDict:
        return {"url": self.webhook_url, "updated_at": int(time.time() * 1000)}

    def _chat(self, params: JSONDict) -> str:
        chat_id = params.get("chat_id")
        if not isinstance(chat_id, str) or not chat_id:
            raise ZaloAPIError(400, "Bad Request: chat_id must be a non-empty string")
        return chat_id

    async def _send_message(self, params: JSONDict) -> JSONDict:
        self._chat(params)
        text = params.get("text")
        if not isinstance(text, str) or not 1 <= len(text) <= MAX_TEXT_LENGTH:
            raise ZaloAPIError(400, "Bad Request: text must be 1–2000 characters")
        if self.link_previews:
            await self._fetch_previews(text)
        return {"message_id": f"b{next(self._message_ids):06d}", "date": int(time.time() * 1000)}

    async def _fetch_previews(self, text: str) -> None:
        """GET each link of a text, as a preview crawler does (no cookies kept)."""
        async with aiohttp.ClientSession() as crawler:
            for url in re.findall(r"https?://\S+", text):
                async with crawler.get(url, allow_redirects=False) as answer:
                    self.preview_fetches.append((url, answer.status))

    async def _send_photo(self, params: JSONDict) -> JSONDict:
        self._chat(params)
        photo = params.get("photo")
        if not isinstance(photo, str) or not photo.startswith(("http://", "https://")):
            raise ZaloAPIError(400, "Bad Request: photo must be a URL")
        return {"message_id": f"b{next(self._message_ids):06d}", "date": int(time.time() * 1000)}

    async def _send_chat_action(self, params: JSONDict) -> bool:
        self._chat(params)
        return True
