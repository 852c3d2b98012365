"""A small client of the Zalo Bot API over httpx: JSON POST, `{ok, result, error_code}` envelope."""

from __future__ import annotations

from typing import Any

import httpx

from bot.token_guard import UNAUTHORIZED, TokenGuard

JSONDict = dict[str, Any]
MAX_TEXT_LENGTH = 2000
# getUpdates answers this when nothing new arrived during the long poll.
NOTHING_NEW = 408
QUOTA_EXCEEDED = 429


class ZaloError(Exception):
    """An error answer of the Zalo Bot API (or no answer at all: `error_code` 0)."""

    def __init__(self, error_code: int, description: str) -> None:
        super().__init__(f"{error_code}: {description}")
        self.error_code = error_code
        self.description = description


class ZaloClient:
    """The Bot API methods the bot uses; every call returns the envelope's `result`."""

    def __init__(
        self, token: str, base_url: str, *, timeout: float = 20.0, guard: TokenGuard | None = None
    ) -> None:
        self.endpoint = f"{base_url}{token}/"
        self.timeout = timeout
        self.guard = guard
        self._http: httpx.AsyncClient | None = None

    async def start(self) -> None:
        """Open the connection pool."""
        if self._http is None:
            self._http = httpx.AsyncClient(timeout=httpx.Timeout(self.timeout, connect=10.0))

    async def stop(self) -> None:
        """Close it."""
        if self._http is not None:
            await self._http.aclose()
            self._http = None

    async def call(self, method: str, params: JSONDict, *, wait: float | None = None) -> Any:
        """POST one method; raises ZaloError for an error answer or a network failure."""
        await self.start()
        assert self._http is not None
        try:
            response = await self._http.post(
                self.endpoint + method,
                json=params,
                timeout=httpx.USE_CLIENT_DEFAULT if wait is None else wait,
            )
        except httpx.HTTPError as exc:
            raise ZaloError(0, f"network error: {type(exc).__name__}") from exc
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            raise ZaloError(response.status_code, "answer is not a Zalo envelope")
        if not body.get("ok"):
            code = body.get("error_code") or response.status_code
            if int(code) == UNAUTHORIZED and self.guard is not None:
                self.guard.token_refused("Zalo", "ZALO_BOT_TOKEN")
            raise ZaloError(int(code), str(body.get("description", "")))
        return body.get("result")

    async def get_me(self) -> JSONDict:
        """The bot's own account."""
        return dict(await self.call("getMe", {}))

    async def get_updates(self, seconds: int) -> Any:
        """Wait up to `seconds` for one update (ZaloError 408 when none came)."""
        return await self.call("getUpdates", {"timeout": seconds}, wait=seconds + 10.0)

    async def set_webhook(self, url: str, secret_token: str) -> None:
        """Ask Zalo to POST updates to `url` with the secret in X-Bot-Api-Secret-Token."""
        await self.call("setWebhook", {"url": url, "secret_token": secret_token})

    async def delete_webhook(self) -> None:
        """Stop webhook delivery (polling needs it off)."""
        await self.call("deleteWebhook", {})

    async def get_webhook_info(self) -> JSONDict:
        """Where Zalo delivers updates now."""
        return dict(await self.call("getWebhookInfo", {}) or {})

    async def send_message(self, chat_id: str, text: str) -> JSONDict:
        """Send a text of 1–2000 characters."""
        return dict(await self.call("sendMessage", {"chat_id": chat_id, "text": text}) or {})

    async def send_photo(self, chat_id: str, photo_url: str, caption: str = "") -> JSONDict:
        """Send a picture that Zalo fetches from a public URL."""
        params = {"chat_id": chat_id, "photo": photo_url, "caption": caption}
        return dict(await self.call("sendPhoto", params) or {})

    async def send_chat_action(self, chat_id: str, action: str = "typing") -> None:
        """Show 'typing…' in the chat."""
        await self.call("sendChatAction", {"chat_id": chat_id, "action": action})
