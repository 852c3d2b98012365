"""Limits on the HTTP server's connections: a cap on how many are open, and deadlines."""

from __future__ import annotations

import asyncio
import logging
import resource
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from aiohttp import web
from aiohttp.web_runner import BaseRunner, BaseSite

log = logging.getLogger(__name__)
HEADERS_END = b"\r\n\r\n"
SUMMARY_EVERY_SECONDS = 60.0


@dataclass(frozen=True)
class ConnectionLimits:
    """How many connections may be open and how long each part of a request may take."""

    max_connections: int = 100
    header_seconds: float = 10.0
    body_seconds: float = 30.0
    # Headers in: the body and the answer together (a webhook update is handled before 200).
    request_seconds: float = 120.0

    def capped(self) -> int:
        """The cap, kept under half the process's file-descriptor limit."""
        soft, _hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        if soft == resource.RLIM_INFINITY:
            return self.max_connections
        return max(1, min(self.max_connections, soft // 2))


class _Refusals:
    """Counts what was refused and logs it as one line a minute at most."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self.last_logged = 0.0

    def add(self, reason: str) -> None:
        self.counts[reason] += 1
        now = time.monotonic()
        if now - self.last_logged >= SUMMARY_EVERY_SECONDS:
            self.flush(now)

    def flush(self, now: float | None = None) -> None:
        if self.counts:
            said = ", ".join(f"{count} {reason}" for reason, count in sorted(self.counts.items()))
            log.warning("HTTP connections closed: %s", said)
            self.counts.clear()
        self.last_logged = time.monotonic() if now is None else now


class _Guard:
    """Shared by the connections of one site: the limits, the open count, the refusals."""

    def __init__(self, limits: ConnectionLimits) -> None:
        self.limits = limits
        self.cap = limits.capped()
        self.open = 0
        self.refusals = _Refusals()


class _GuardedConnection(asyncio.Protocol):
    """Wraps aiohttp's protocol for one connection: admits it, then enforces the deadlines."""

    def __init__(self, inner: asyncio.Protocol, guard: _Guard) -> None:
        self.inner = inner
        self.guard = guard
        self.transport: asyncio.Transport | None = None
        self.admitted = False
        self.awaiting_headers = True
        self.tail = b""
        self.deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        if self.guard.open >= self.guard.cap:
            self.guard.refusals.add("over the connection cap")
            transport.abort()
            return
        self.admitted = True
        self.guard.open += 1
        self._arm(self.guard.limits.header_seconds, "headers too slow")
        self.inner.connection_made(transport)

    def data_received(self, data: bytes) -> None:
        if not self.admitted:
            return
        if self.awaiting_headers:
            seen = self.tail + data
            if HEADERS_END in seen:
                self.awaiting_headers = False
                self._arm(self.guard.limits.request_seconds, "request too slow")
            else:
                self.tail = seen[-(len(HEADERS_END) - 1) :]
        self.inner.data_received(data)

    def eof_received(self) -> bool | None:
        if not self.admitted:
            return None
        return self.inner.eof_received()

    def connection_lost(self, exc: Exception | None) -> None:
        if self.deadline is not None:
            self.deadline.cancel()
        if not self.admitted:
            return
        self.admitted = False
        self.guard.open -= 1
        self.inner.connection_lost(exc)

    def pause_writing(self) -> None:
        self.inner.pause_writing()

    def resume_writing(self) -> None:
        self.inner.resume_writing()

    def _arm(self, seconds: float, reason: str) -> None:
        if self.deadline is not None:
            self.deadline.cancel()
        loop = asyncio.get_running_loop()
        self.deadline = loop.call_later(seconds, self._expire, reason)

    def _expire(self, reason: str) -> None:
        if self.transport is not None and not self.transport.is_closing():
            self.guard.refusals.add(reason)
            self.transport.abort()


class GuardedSite(BaseSite):
    """A TCP site of an aiohttp runner whose connections are capped and given deadlines."""

    def __init__(self, runner: BaseRunner, host: str, port: int, limits: ConnectionLimits) -> None:
        super().__init__(runner)
        self.host = host
        self.port = port
        self.guard = _Guard(limits)

    @property
    def name(self) -> str:
        """The address, as aiohttp names sites."""
        return f"http://{self.host}:{self.port}"

    async def start(self) -> None:
        """Listen; each accepted connection is wrapped before aiohttp sees it."""
        await super().start()
        factory = self._runner.server
        assert factory is not None, "runner not set up"
        guard = self.guard

        def protocol() -> asyncio.Protocol:
            return _GuardedConnection(factory(), guard)

        loop = asyncio.get_running_loop()
        self._server = await loop.create_server(
            protocol, self.host, self.port, backlog=self._backlog, reuse_address=True
        )

    async def stop(self) -> None:
        """Stop listening; say what was refused since the last summary."""
        self.guard.refusals.flush()
        await super().stop()


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
# The server's limits, for handlers that read a body (`read_body`).
LIMITS = web.AppKey("connection_limits", ConnectionLimits)


@web.middleware
async def one_request_per_connection(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Close the connection after each answer, so every request meets the header deadline."""
    try:
        response = await handler(request)
    except web.HTTPException as refusal:
        refusal.force_close()
        raise
    response.force_close()
    return response


async def read_body(request: web.Request) -> bytes:
    """The request body, or 408 when the client sends it slower than the body deadline allows."""
    limits = request.config_dict.get(LIMITS) or ConnectionLimits()
    seconds = limits.body_seconds
    try:
        async with asyncio.timeout(seconds):
            return await request.read()
    except TimeoutError:
        log.warning("HTTP request body not received within %.0f s; refused", seconds)
        raise web.HTTPRequestTimeout(text="request timeout") from None
