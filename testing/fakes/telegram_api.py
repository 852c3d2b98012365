"""A local fake of the Telegram Bot API served over real HTTP, for tests and benchmarks."""

from __future__ import annotations

import asyncio
import collections
import contextlib
import copy
import itertools
import json
import mimetypes
import random
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Self

from aiohttp import web

JSONDict = dict[str, Any]

BOT_ID = 7000000001
BOT_USERNAME = "bietphai_test_bot"
BOT_FIRST_NAME = "Biết Phải"

# Methods whose successful calls count as "sent messages".
SENT_MESSAGE_METHODS = frozenset({"sendMessage", "sendDocument", "sendPhoto"})

# Methods throttled by the optional rate limiter (Telegram floods on sends and edits).
RATE_LIMITED_METHODS = frozenset(
    {"sendMessage", "sendDocument", "sendPhoto", "editMessageText", "editMessageReplyMarkup"}
)

# Free-text or file-id parameters: never JSON-decode them, so a message text "123" stays a str.
TEXT_PARAMS = frozenset(
    {
        "text",
        "caption",
        "parse_mode",
        "callback_query_id",
        "inline_message_id",
        "url",
        "secret_token",
        "ip_address",
        "action",
        "language_code",
        "description",
        "short_description",
        "name",
        "title",
        "file_name",
        "emoji",
        "message_effect_id",
        "business_connection_id",
        "document",
        "photo",
        "thumbnail",
    }
)

MAX_TEXT_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024
MAX_CALLBACK_DATA_BYTES = 64

_DEFAULT_DESCRIPTIONS = {
    400: "Bad Request: injected failure",
    401: "Unauthorized",
    403: "Forbidden: bot was blocked by the user",
    404: "Not Found",
    409: "Conflict: terminated by other getUpdates request",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
}


class TelegramAPIError(Exception):
    """An error answer in Telegram's envelope, raised inside method handlers."""

    def __init__(self, status: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.retry_after = retry_after


@dataclass
class Call:
    """One recorded Bot API call."""

    method: str
    params: JSONDict
    at: float
    status: int = 200
    response: JSONDict | None = None

    @property
    def ok(self) -> bool:
        """Whether the call was answered successfully."""
        return self.status == 200


@dataclass
class _Failure:
    """An injected error answer."""

    status: int
    retry_after: int | None
    description: str


@dataclass
class _FailureRate:
    """Random injected failures for one method."""

    rate: float
    failure: _Failure
    rng: random.Random


class _Pulse:
    """Wakes every current waiter; usable from sync code, unlike asyncio.Condition."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def wake(self) -> None:
        """Release everyone waiting now and arm a fresh event for later waiters."""
        self._event.set()
        self._event = asyncio.Event()

    async def wait(self) -> None:
        """Wait for the next wake()."""
        await self._event.wait()


def _error_envelope(failure: _Failure) -> JSONDict:
    """Build Telegram's error body."""
    body: JSONDict = {
        "ok": False,
        "error_code": failure.status,
        "description": failure.description,
    }
    if failure.retry_after is not None:
        body["parameters"] = {"retry_after": failure.retry_after}
    return body


def _make_failure(status: int, retry_after: int | None, description: str | None) -> _Failure:
    """Fill in Telegram-like defaults for an injected failure."""
    if status == 429 and retry_after is None:
        retry_after = 1  # PTB only raises RetryAfter when retry_after is present
    if description is None:
        if status == 429:
            description = f"Too Many Requests: retry after {retry_after}"
        else:
            description = _DEFAULT_DESCRIPTIONS.get(status, f"Error {status}")
    return _Failure(status=status, retry_after=retry_after, description=description)


def _decode_value(key: str, raw: str, *, structured_only: bool) -> Any:
    """Decode a JSON-serialized parameter value the way the Bot API does."""
    if key in TEXT_PARAMS:
        return raw
    # JSON bodies already carry real numbers; only nested JSON strings need decoding there.
    if structured_only and not raw.lstrip().startswith(("{", "[")):
        return raw
    try:
        return json.loads(raw)
    except ValueError:
        return raw  # e.g. chat_id "@channel" or a file_id


def _chat_key(chat_id: Any) -> str:
    """Normalize chat ids so 42 and "42" compare equal."""
    return str(chat_id)


def _chat_object(chat_id: Any, first_name: str | None = None) -> JSONDict:
    """Build a Chat object for a chat id."""
    if isinstance(chat_id, str) and not chat_id.lstrip("-").isdigit():
        # A "@username" target: pretend it is a channel with a stable id.
        name = chat_id.lstrip("@")
        fake_id = -1001000000000 - zlib.crc32(name.encode()) % 1000000
        return {"id": fake_id, "type": "channel", "title": name, "username": name}
    numeric = int(chat_id)
    if numeric > 0:
        chat: JSONDict = {"id": numeric, "type": "private"}
        if first_name:
            chat["first_name"] = first_name
        return chat
    kind = "supergroup" if str(numeric).startswith("-100") else "group"
    return {"id": numeric, "type": kind, "title": f"Group {numeric}"}


def _user_object(user_id: int, first_name: str) -> JSONDict:
    """Build a human User object."""
    return {"id": user_id, "is_bot": False, "first_name": first_name, "language_code": "vi"}


def _bot_user() -> JSONDict:
    """Build the User object of the fake bot."""
    return {"id": BOT_ID, "is_bot": True, "first_name": BOT_FIRST_NAME, "username": BOT_USERNAME}


def _is_inline_markup(markup: Any) -> bool:
    """Whether a reply_markup is an inline keyboard (the only kind Telegram echoes back)."""
    return isinstance(markup, dict) and "inline_keyboard" in markup


def _check_inline_markup(markup: Any) -> None:
    """Reject callback_data the real API rejects, so bots hit the same limits in tests."""
    if not _is_inline_markup(markup):
        return
    for row in markup["inline_keyboard"]:
        for button in row:
            data = button.get("callback_data")
            if data is None:
                continue
            size = len(str(data).encode())
            if size < 1 or size > MAX_CALLBACK_DATA_BYTES:
                raise TelegramAPIError(400, "Bad Request: BUTTON_DATA_INVALID")


class FakeTelegramAPI:
    """In-process HTTP server speaking enough of the Bot API for python-telegram-bot."""

    def __init__(self, *, rate_limit_per_second: float | None = None) -> None:
        """Create a stopped fake; call start() or use `async with`."""
        self.rate_limit_per_second = rate_limit_per_second
        self.rate_limited_methods: set[str] = set(RATE_LIMITED_METHODS)
        self.token: str | None = None
        self.calls: list[Call] = []
        self.too_many_requests = 0
        self.confirmed_offset = 0
        self.webhook_url = ""
        self.commands: dict[str, list[JSONDict]] = {}
        # Files the bot may download (getFile, then GET /file/bot<token>/<path>), by file_id.
        self.files: dict[str, bytes] = {}
        self.file_downloads: list[str] = []
        self._updates: list[JSONDict] = []
        self._next_update_id = 1
        self._message_ids = itertools.count(1)
        self._callback_ids = itertools.count(1)
        self._file_ids = itertools.count(1)
        # Bot-authored messages by (chat key, message_id), so edits behave like Telegram's.
        self._messages: dict[tuple[str, int], JSONDict] = {}
        self._last_bot_message: dict[str, int] = {}
        self._fail_next: dict[str, collections.deque[_Failure | None]] = {}
        self._failure_rates: dict[str, _FailureRate] = {}
        self._delays: dict[str, float] = {}
        self._timeouts: dict[str, tuple[float, float, random.Random]] = {}
        self._rate_window: collections.deque[float] = collections.deque()
        self._calls_pulse = _Pulse()
        self._updates_pulse = _Pulse()
        self._closing = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self._host = "127.0.0.1"
        self._port = 0
        self._handlers: dict[str, Callable[[JSONDict], Any]] = {
            "getMe": self._get_me,
            "getUpdates": self._get_updates,
            "deleteWebhook": self._delete_webhook,
            "setWebhook": self._set_webhook,
            "getWebhookInfo": self._get_webhook_info,
            "setMyCommands": self._set_my_commands,
            "getMyCommands": self._get_my_commands,
            "deleteMyCommands": self._delete_my_commands,
            "sendMessage": self._send_message,
            "editMessageText": self._edit_message_text,
            "editMessageReplyMarkup": self._edit_message_reply_markup,
            "answerCallbackQuery": self._return_true,
            "sendDocument": self._send_document,
            "sendPhoto": self._send_photo,
            "sendChatAction": self._return_true,
            "getFile": self._get_file,
            "close": self._return_true,
            "logOut": self._return_true,
        }
        # The real API matches method names case-insensitively.
        self._canonical = {name.lower(): name for name in self._handlers}

    # ----------------------------------------------------------------- lifecycle

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> None:
        """Bind the HTTP server (port 0 picks a free ephemeral port)."""
        if self._runner is not None:
            raise RuntimeError("FakeTelegramAPI is already running")
        # Fresh primitives so a fake restarted under another event loop still works.
        self._closing = asyncio.Event()
        self._calls_pulse = _Pulse()
        self._updates_pulse = _Pulse()
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        app.router.add_get("/file/bot{token}/{path:.+}", self._download)
        # Pending long polls are woken in stop(), so a short shutdown timeout is enough.
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await runner.setup()
        site = web.TCPSite(runner, host, port)
        await site.start()
        self._runner = runner
        self._host = host
        self._port = int(runner.addresses[0][1])

    async def stop(self) -> None:
        """Release long pollers and delayed calls, then shut the server down."""
        if self._runner is None:
            return
        self._closing.set()
        self._updates_pulse.wake()
        runner, self._runner = self._runner, None
        await runner.cleanup()

    async def __aenter__(self) -> Self:
        """Start the server for an `async with` block."""
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Stop the server at the end of an `async with` block."""
        await self.stop()

    @property
    def port(self) -> int:
        """The bound TCP port."""
        if self._runner is None:
            raise RuntimeError("FakeTelegramAPI is not running; call start() first")
        return self._port

    @property
    def base_url(self) -> str:
        """Value for PTB's `base_url` (the token and `/method` are appended)."""
        return f"http://{self._host}:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        """Value for PTB's `base_file_url`."""
        return f"http://{self._host}:{self.port}/file/bot"

    # ----------------------------------------------------------------- recording

    @property
    def sent_messages(self) -> list[JSONDict]:
        """Params of every successful sendMessage/sendDocument/sendPhoto call, in order."""
        return [c.params for c in self.calls if c.ok and c.method in SENT_MESSAGE_METHODS]

    def messages_to(self, chat_id: int | str) -> list[JSONDict]:
        """Params of the successful sends addressed to one chat."""
        key = _chat_key(chat_id)
        return [p for p in self.sent_messages if _chat_key(p.get("chat_id")) == key]

    def calls_of(self, method: str) -> list[Call]:
        """Every recorded call of one method."""
        return [c for c in self.calls if c.method == method]

    def clear_calls(self) -> None:
        """Forget the recorded calls (counters and state are kept)."""
        self.calls.clear()

    # A timeout argument is the point of these helpers, hence the ASYNC109 waivers.
    async def wait_for(
        self,
        predicate: Callable[[list[Call]], bool],
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> list[Call]:
        """Wait until predicate(calls) holds; raise TimeoutError describing the last calls."""
        try:
            async with asyncio.timeout(timeout):
                while not predicate(self.calls):
                    await self._calls_pulse.wait()
        except TimeoutError:
            recent = ", ".join(f"{c.method}[{c.status}]" for c in self.calls[-10:]) or "none"
            name = getattr(predicate, "__name__", repr(predicate))
            raise TimeoutError(
                f"condition {name} not met within {timeout}s; "
                f"{len(self.calls)} calls recorded, last: {recent}"
            ) from None
        return self.calls

    async def wait_for_sent(
        self,
        count: int,
        chat_id: int | str | None = None,
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> list[JSONDict]:
        """Wait until at least `count` messages were sent (to chat_id if given); return them."""

        def enough(_calls: list[Call]) -> bool:
            return len(self._sent_filtered(chat_id)) >= count

        target = "" if chat_id is None else f" to chat {chat_id}"
        try:
            await self.wait_for(enough, timeout)
        except TimeoutError as exc:
            got = len(self._sent_filtered(chat_id))
            raise TimeoutError(
                f"expected {count} sent messages{target}, got {got}; {exc}"
            ) from None
        return self._sent_filtered(chat_id)

    def _sent_filtered(self, chat_id: int | str | None) -> list[JSONDict]:
        """Sent messages, optionally restricted to one chat."""
        return self.sent_messages if chat_id is None else self.messages_to(chat_id)

    def _record(self, call: Call) -> None:
        """Store a call and wake wait_for() callers."""
        self.calls.append(call)
        self._calls_pulse.wake()

    # ----------------------------------------------------------------- updates

    def enqueue_update(self, update: JSONDict) -> int:
        """Queue an update for getUpdates, assigning update_id if missing; returns the id."""
        update = copy.deepcopy(update)  # later mutation by the caller must not leak in
        if "update_id" in update:
            update_id = int(update["update_id"])
        else:
            update_id = self._next_update_id
            update["update_id"] = update_id
        self._next_update_id = max(self._next_update_id, update_id + 1)
        self._updates.append(update)
        self._updates.sort(key=lambda u: int(u["update_id"]))
        self._updates_pulse.wake()
        return update_id

    def pending_updates(self) -> list[JSONDict]:
        """Updates not yet confirmed by an offset."""
        return [copy.deepcopy(u) for u in self._updates]

    def text_message(
        self,
        user_id: int,
        text: str,
        *,
        date: int | None = None,
        first_name: str = "An",
        chat_id: int | None = None,
        message_id: int | None = None,
    ) -> JSONDict:
        """Build an update carrying a plain text message from a user."""
        return self._message_update(
            user_id,
            {"text": text},
            date=date,
            first_name=first_name,
            chat_id=chat_id,
            message_id=message_id,
        )

    def command(
        self,
        user_id: int,
        text: str,
        *,
        date: int | None = None,
        first_name: str = "An",
        chat_id: int | None = None,
        message_id: int | None = None,
    ) -> JSONDict:
        """Build a text message update, tagging a leading /command with a bot_command entity."""
        content: JSONDict = {"text": text}
        if text.startswith("/"):
            word = text.split(maxsplit=1)[0]
            # Entity offsets are in UTF-16 code units, as in the real API.
            length = len(word.encode("utf-16-le")) // 2
            content["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
        return self._message_update(
            user_id,
            content,
            date=date,
            first_name=first_name,
            chat_id=chat_id,
            message_id=message_id,
        )

    def callback(
        self,
        user_id: int,
        data: str,
        *,
        message_id: int | None = None,
        chat_id: int | None = None,
        first_name: str = "An",
    ) -> JSONDict:
        """Build a callback_query update; the message defaults to the bot's last one in the chat."""
        chat = user_id if chat_id is None else chat_id
        key = _chat_key(chat)
        if message_id is None:
            message_id = self._last_bot_message.get(key)
        if message_id is None:
            message_id = next(self._message_ids)
        message = self._messages.get((key, message_id))
        if message is None:
            # Register a bot message so later edits of it succeed like in real chats.
            message = {
                "message_id": message_id,
                "date": int(time.time()),
                "chat": _chat_object(chat),
                "from": _bot_user(),
                "text": "…",
            }
            self._messages[(key, message_id)] = message
        return {
            "callback_query": {
                "id": str(next(self._callback_ids) + 4000000000000000000),
                "from": _user_object(user_id, first_name),
                "chat_instance": str(zlib.crc32(key.encode()) * 1000003),
                "data": data,
                "message": copy.deepcopy(message),
            }
        }

    def contact(
        self,
        user_id: int,
        phone: str,
        *,
        contact_user_id: int | None = None,
        first_name: str = "An",
        date: int | None = None,
    ) -> JSONDict:
        """Build a shared-contact update; contact_user_id defaults to the sender (own number)."""
        contact: JSONDict = {
            "phone_number": phone,
            "first_name": first_name,
            "user_id": user_id if contact_user_id is None else contact_user_id,
        }
        return self._message_update(user_id, {"contact": contact}, date=date, first_name=first_name)

    def photo(
        self, user_id: int, caption: str | None = None, *, chat_id: int | None = None
    ) -> JSONDict:
        """Build a photo message update with three thumbnail sizes."""
        base = self._file_id("AgACAgIAAxkBAAI")
        sizes = [
            {
                "file_id": f"{base}_{width}",
                "file_unique_id": f"AQAD{base[-6:]}{width}",
                "width": width,
                "height": width * 3 // 4,
                "file_size": width * 60,
            }
            for width in (90, 320, 1280)
        ]
        content: JSONDict = {"photo": sizes}
        if caption is not None:
            content["caption"] = caption
        return self._message_update(user_id, content, chat_id=chat_id)

    def sticker(self, user_id: int, *, emoji: str = "👍") -> JSONDict:
        """Build a sticker message update."""
        file_id = self._file_id("CAACAgIAAxkBAAI")
        sticker = {
            "file_id": file_id,
            "file_unique_id": f"AgAD{file_id[-6:]}",
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": emoji,
            "set_name": "bietphai_test_set",
            "file_size": 24000,
        }
        return self._message_update(user_id, {"sticker": sticker})

    def voice(self, user_id: int, *, duration: int = 3) -> JSONDict:
        """Build a voice note message update."""
        file_id = self._file_id("AwACAgUAAxkBAAI")
        voice = {
            "file_id": file_id,
            "file_unique_id": f"AgAD{file_id[-6:]}",
            "duration": duration,
            "mime_type": "audio/ogg",
            "file_size": duration * 4000,
        }
        return self._message_update(user_id, {"voice": voice})

    def location(
        self, user_id: int, *, latitude: float = 21.028511, longitude: float = 105.804817
    ) -> JSONDict:
        """Build a location message update (defaults to central Hanoi)."""
        location = {"latitude": latitude, "longitude": longitude}
        return self._message_update(user_id, {"location": location})

    def document(
        self,
        user_id: int,
        file_name: str,
        *,
        caption: str | None = None,
        file_size: int = 12345,
    ) -> JSONDict:
        """Build a document message update with a mime type guessed from the file name."""
        file_id = self._file_id("BQACAgIAAxkBAAI")
        mime_type = mimetypes.guess_type(file_name)[0] or "application/octet-stream"
        content: JSONDict = {
            "document": {
                "file_id": file_id,
                "file_unique_id": f"AgAD{file_id[-6:]}",
                "file_name": file_name,
                "mime_type": mime_type,
                "file_size": file_size,
            }
        }
        if caption is not None:
            content["caption"] = caption
        return self._message_update(user_id, content)

    def _file_id(self, prefix: str) -> str:
        """Make a unique, realistic-looking file_id."""
        return f"{prefix}{next(self._file_ids):06d}"

    def _message_update(
        self,
        user_id: int,
        content: JSONDict,
        *,
        date: int | None = None,
        first_name: str = "An",
        chat_id: int | None = None,
        message_id: int | None = None,
    ) -> JSONDict:
        """Wrap message content into a `message` update from a user."""
        chat = user_id if chat_id is None else chat_id
        message: JSONDict = {
            "message_id": next(self._message_ids) if message_id is None else message_id,
            "from": _user_object(user_id, first_name),
            "chat": _chat_object(chat, first_name),
            "date": int(time.time()) if date is None else date,
        }
        message.update(content)
        return {"message": message}

    # ----------------------------------------------------------------- fault injection

    def fail_next(
        self,
        method: str,
        *,
        status: int,
        retry_after: int | None = None,
        count: int = 1,
        description: str | None = None,
        after: int = 0,
    ) -> None:
        """Answer `count` calls of `method` with an error, after letting `after` calls through."""
        failure = _make_failure(status, retry_after, description)
        queue = self._fail_next.setdefault(method, collections.deque())
        queue.extend([None] * after)
        queue.extend([failure] * count)

    def set_failure_rate(
        self,
        method: str,
        rate: float,
        status: int,
        retry_after: int | None = None,
        seed: int = 0,
        description: str | None = None,
    ) -> None:
        """Fail a random fraction of `method` calls (seeded, reproducible); rate 0 disables."""
        if rate <= 0:
            self._failure_rates.pop(method, None)
            return
        failure = _make_failure(status, retry_after, description)
        self._failure_rates[method] = _FailureRate(rate, failure, random.Random(seed))

    def set_delay(self, method: str, seconds: float) -> None:
        """Delay every answer of `method` (0 removes the delay), e.g. to provoke client timeouts."""
        if seconds <= 0:
            self._delays.pop(method, None)
        else:
            self._delays[method] = seconds

    def set_timeout_rate(self, method: str, rate: float, seconds: float, seed: int = 0) -> None:
        """Let a random fraction of calls hang `seconds` and then fail with 504, undelivered.

        This is a timeout the client cannot tell from a slow success; the message is not
        delivered, so a sender that retries it delivers it exactly once.
        """
        if rate <= 0:
            self._timeouts.pop(method, None)
        else:
            self._timeouts[method] = (rate, seconds, random.Random(seed))

    def _injected_failure(self, method: str) -> _Failure | None:
        """Pick the failure to answer with, if any, in priority order."""
        queue = self._fail_next.get(method)
        if queue:
            planned = queue.popleft()
            if planned is not None:
                return planned
        rate = self._failure_rates.get(method)
        if rate is not None and rate.rng.random() < rate.rate:
            return rate.failure
        if self.rate_limit_per_second is not None and method in self.rate_limited_methods:
            now = time.monotonic()
            while self._rate_window and now - self._rate_window[0] >= 1.0:
                self._rate_window.popleft()
            if len(self._rate_window) >= self.rate_limit_per_second:
                return _make_failure(429, 1, None)
            # Only accepted calls fill the window, so the accepted rate stays at the limit.
            self._rate_window.append(now)
        return None

    # ----------------------------------------------------------------- HTTP

    async def _handle(self, request: web.Request) -> web.Response:
        """Serve one Bot API call: parse, inject faults, dispatch, record."""
        at = time.monotonic()
        self.token = request.match_info["token"]
        raw_method = request.match_info["method"]
        method = self._canonical.get(raw_method.lower(), raw_method)
        params = await self._read_params(request)

        hang = self._timeouts.get(method)
        if hang is not None and hang[2].random() < hang[0]:
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(hang[1]):
                    await self._closing.wait()
            hung = _error_envelope(_Failure(504, None, "Gateway Timeout"))
            self._record(Call(method=method, params=params, at=at, status=504, response=hung))
            return web.json_response(hung, status=504)

        delay = self._delays.get(method)
        if delay:
            # Wake early on stop() so shutdown never waits for the delay.
            try:
                async with asyncio.timeout(delay):
                    await self._closing.wait()
            except TimeoutError:
                pass

        status = 200
        body: JSONDict
        try:
            handler = self._handlers.get(method)
            if handler is None:
                raise TelegramAPIError(404, "Not Found: method not found")
            failure = self._injected_failure(method)
            if failure is not None:
                raise TelegramAPIError(failure.status, failure.description, failure.retry_after)
            result = handler(params)
            if asyncio.iscoroutine(result):
                result = await result
            body = {"ok": True, "result": result}
        except TelegramAPIError as exc:
            status = exc.status
            body = _error_envelope(_Failure(exc.status, exc.retry_after, exc.description))
        if status == 429:
            self.too_many_requests += 1
        self._record(Call(method=method, params=params, at=at, status=status, response=body))
        return web.json_response(body, status=status)

    async def _read_params(self, request: web.Request) -> JSONDict:
        """Merge query string and body (JSON, urlencoded or multipart) into decoded params."""
        params: JSONDict = {
            key: _decode_value(key, value, structured_only=False)
            for key, value in request.query.items()
        }
        if not request.can_read_body:
            return params
        if request.content_type == "application/json":
            data = await request.json()
            if isinstance(data, dict):
                for key, value in data.items():
                    if isinstance(value, str):
                        value = _decode_value(key, value, structured_only=True)
                    params[key] = value
            return params
        form = await request.post()
        files: JSONDict = {}
        for key, value in form.items():
            if isinstance(value, web.FileField):
                content = value.file.read()
                files[key] = {
                    "file_name": value.filename,
                    "content_type": value.content_type,
                    "size": len(content),
                    # Kept so a test can open what the bot sent (a report, a workbook).
                    "content": content,
                }
            else:
                raw = value if isinstance(value, str) else bytes(value).decode()
                params[key] = _decode_value(key, raw, structured_only=False)
        for key, info in files.items():
            params.setdefault(key, info)
        # Resolve "attach://name" references to the uploaded part they point at.
        for key, value in list(params.items()):
            if isinstance(value, str) and value.startswith("attach://"):
                params[key] = files.get(value.removeprefix("attach://"), value)
        return params

    # ----------------------------------------------------------------- methods

    def _return_true(self, params: JSONDict) -> bool:
        """Answer methods whose only result is True."""
        return True

    def _get_me(self, params: JSONDict) -> JSONDict:
        """getMe."""
        return {
            **_bot_user(),
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    async def _get_updates(self, params: JSONDict) -> list[JSONDict]:
        """getUpdates with offset confirmation, limit and real long polling."""
        if self.webhook_url:
            raise TelegramAPIError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        offset = int(params.get("offset") or 0)
        limit = max(1, min(100, int(params.get("limit") or 100)))
        timeout = max(0.0, float(params.get("timeout") or 0))
        if offset > 0:
            self._updates = [u for u in self._updates if int(u["update_id"]) >= offset]
            self.confirmed_offset = max(self.confirmed_offset, offset)
        elif offset < 0:
            # Negative offsets keep only the last -offset updates, as documented by Telegram.
            self._updates = self._updates[offset:]

        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not self._updates and not self._closing.is_set():
            remaining = deadline - loop.time()
            if remaining <= 0:
                break
            try:
                async with asyncio.timeout(remaining):
                    await self._updates_pulse.wait()
            except TimeoutError:
                break
        return copy.deepcopy(self._updates[:limit])

    def _delete_webhook(self, params: JSONDict) -> bool:
        """deleteWebhook, optionally dropping pending updates."""
        self.webhook_url = ""
        if params.get("drop_pending_updates"):
            self._updates.clear()
        return True

    def _set_webhook(self, params: JSONDict) -> bool:
        """setWebhook (only remembered; nothing is pushed)."""
        self.webhook_url = str(params.get("url") or "")
        if params.get("drop_pending_updates"):
            self._updates.clear()
        return True

    def _get_webhook_info(self, params: JSONDict) -> JSONDict:
        """getWebhookInfo."""
        return {
            "url": self.webhook_url,
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }

    @staticmethod
    def _commands_key(params: JSONDict) -> str:
        """Key commands by scope and language, like the real API."""
        scope = params.get("scope") or {"type": "default"}
        return f"{json.dumps(scope, sort_keys=True)}|{params.get('language_code') or ''}"

    def _set_my_commands(self, params: JSONDict) -> bool:
        """setMyCommands."""
        commands = params.get("commands")
        if not isinstance(commands, list):
            raise TelegramAPIError(400, "Bad Request: commands must be a JSON array")
        self.commands[self._commands_key(params)] = commands
        return True

    def _get_my_commands(self, params: JSONDict) -> list[JSONDict]:
        """getMyCommands."""
        return self.commands.get(self._commands_key(params), [])

    def _delete_my_commands(self, params: JSONDict) -> bool:
        """deleteMyCommands."""
        self.commands.pop(self._commands_key(params), None)
        return True

    def _new_bot_message(self, params: JSONDict, content: JSONDict) -> JSONDict:
        """Create, store and return a Message authored by the bot."""
        chat_id = params.get("chat_id")
        if chat_id is None or chat_id == "":
            raise TelegramAPIError(400, "Bad Request: chat_id is empty")
        markup = params.get("reply_markup")
        _check_inline_markup(markup)
        message: JSONDict = {
            "message_id": next(self._message_ids),
            "from": _bot_user(),
            "chat": _chat_object(chat_id),
            "date": int(time.time()),
            **content,
        }
        if _is_inline_markup(markup):
            message["reply_markup"] = markup
        key = _chat_key(chat_id)
        self._messages[(key, message["message_id"])] = message
        self._last_bot_message[key] = message["message_id"]
        return message

    @staticmethod
    def _caption_content(params: JSONDict) -> JSONDict:
        """Validate and copy an optional caption."""
        caption = params.get("caption")
        if caption is None:
            return {}
        if len(str(caption)) > MAX_CAPTION_LENGTH:
            raise TelegramAPIError(400, "Bad Request: message caption is too long")
        return {"caption": str(caption)}

    def _send_message(self, params: JSONDict) -> JSONDict:
        """sendMessage."""
        text = params.get("text")
        if text is None or str(text).strip() == "":
            raise TelegramAPIError(400, "Bad Request: message text is empty")
        if len(str(text)) > MAX_TEXT_LENGTH:
            raise TelegramAPIError(400, "Bad Request: message is too long")
        return self._new_bot_message(params, {"text": str(text)})

    def _send_document(self, params: JSONDict) -> JSONDict:
        """sendDocument (uploads or file_id)."""
        doc = params.get("document")
        if doc is None:
            raise TelegramAPIError(400, "Bad Request: there is no document in the request")
        file_id = self._file_id("BQACAgIAAxkBAAI")
        document: JSONDict = {"file_id": file_id, "file_unique_id": f"AgAD{file_id[-6:]}"}
        if isinstance(doc, dict):
            document["file_name"] = doc.get("file_name")
            document["mime_type"] = doc.get("content_type")
            document["file_size"] = doc.get("size")
        else:
            document["file_id"] = str(doc)
        document = {k: v for k, v in document.items() if v is not None}
        return self._new_bot_message(
            params, {"document": document, **self._caption_content(params)}
        )

    def _get_file(self, params: JSONDict) -> JSONDict:
        """getFile: where a stored file can be downloaded."""
        file_id = str(params.get("file_id", ""))
        if file_id not in self.files:
            raise TelegramAPIError(400, "Bad Request: invalid file_id")
        return {
            "file_id": file_id,
            "file_unique_id": f"U{file_id[-8:]}",
            "file_size": len(self.files[file_id]),
            "file_path": f"photos/{file_id}.jpg",
        }

    async def _download(self, request: web.Request) -> web.Response:
        """The file behind a getFile path, when the token is the bot's."""
        path = request.match_info["path"]
        file_id = path.removeprefix("photos/").removesuffix(".jpg")
        if request.match_info["token"] != self.token or file_id not in self.files:
            return web.Response(status=404, text="Not Found")
        self.file_downloads.append(file_id)
        return web.Response(body=self.files[file_id], content_type="image/jpeg")

    def _send_photo(self, params: JSONDict) -> JSONDict:
        """sendPhoto (uploads or file_id)."""
        if params.get("photo") is None:
            raise TelegramAPIError(400, "Bad Request: there is no photo in the request")
        base = self._file_id("AgACAgIAAxkBAAI")
        sizes = [
            {
                "file_id": f"{base}_{width}",
                "file_unique_id": f"AQAD{base[-6:]}{width}",
                "width": width,
                "height": width * 3 // 4,
            }
            for width in (90, 320, 800)
        ]
        return self._new_bot_message(params, {"photo": sizes, **self._caption_content(params)})

    def _find_bot_message(self, params: JSONDict) -> JSONDict | None:
        """Find the message an edit targets; None for inline messages."""
        if params.get("inline_message_id"):
            return None
        chat_id, message_id = params.get("chat_id"), params.get("message_id")
        if chat_id is None or message_id is None:
            raise TelegramAPIError(400, "Bad Request: message identifier is not specified")
        message = self._messages.get((_chat_key(chat_id), int(message_id)))
        if message is None:
            raise TelegramAPIError(400, "Bad Request: message to edit not found")
        return message

    def _edit_message_text(self, params: JSONDict) -> JSONDict | bool:
        """editMessageText; like Telegram, omitting reply_markup removes the inline keyboard."""
        text = params.get("text")
        if text is None or str(text).strip() == "":
            raise TelegramAPIError(400, "Bad Request: message text is empty")
        if len(str(text)) > MAX_TEXT_LENGTH:
            raise TelegramAPIError(400, "Bad Request: message is too long")
        markup = params.get("reply_markup")
        _check_inline_markup(markup)
        message = self._find_bot_message(params)
        if message is None:
            return True
        new_markup = markup if _is_inline_markup(markup) else None
        if message.get("text") == str(text) and message.get("reply_markup") == new_markup:
            raise TelegramAPIError(
                400,
                "Bad Request: message is not modified: specified new message content and "
                "reply markup are exactly the same as a current content and reply markup "
                "of the message",
            )
        return self._apply_edit(message, {"text": str(text)}, new_markup)

    def _edit_message_reply_markup(self, params: JSONDict) -> JSONDict | bool:
        """editMessageReplyMarkup; no reply_markup means remove the keyboard."""
        markup = params.get("reply_markup")
        _check_inline_markup(markup)
        message = self._find_bot_message(params)
        if message is None:
            return True
        new_markup = markup if _is_inline_markup(markup) else None
        if message.get("reply_markup") == new_markup:
            raise TelegramAPIError(
                400,
                "Bad Request: message is not modified: specified new message content and "
                "reply markup are exactly the same as a current content and reply markup "
                "of the message",
            )
        return self._apply_edit(message, {}, new_markup)

    @staticmethod
    def _apply_edit(message: JSONDict, content: JSONDict, markup: JSONDict | None) -> JSONDict:
        """Update a stored message in place and return a copy with edit_date set."""
        message.update(content)
        if markup is None:
            message.pop("reply_markup", None)
        else:
            message["reply_markup"] = markup
        message["edit_date"] = int(time.time())
        return copy.deepcopy(message)
