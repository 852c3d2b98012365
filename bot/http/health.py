"""/healthz, /readyz and /metrics on the bot's HTTP server (see Monitoring in the README)."""

from __future__ import annotations

import asyncio
import hmac
import logging
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from aiohttp import web

from bot.channels.polling_duty import polling_duty
from bot.monitor import Monitor
from storage import health
from storage.db import Database

log = logging.getLogger(__name__)
# A channel that has not reached its platform for this long makes the bot not ready: polls
# return every TELEGRAM/ZALO_POLL_TIMEOUT (≤ 50 s), webhooks are checked every minute.
CONTACT_WINDOW_SECONDS = 300.0
# The classic text format, which every Prometheus server reads.
METRICS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
# A database write slower than this counts as failing (the write itself goes on).
WRITE_TIMEOUT_SECONDS = 5.0


class HealthRoutes:
    """The health, readiness and metrics routes of one running bot."""

    def __init__(
        self,
        db: Database,
        monitor: Monitor,
        channels: Sequence[str],
        *,
        metrics_enabled: bool = False,
        metrics_token: str | None = None,
    ) -> None:
        self.db = db
        self.monitor = monitor
        self.channels = list(channels)
        self.metrics_enabled = metrics_enabled
        self.metrics_token = metrics_token

    def routes(self) -> list[web.RouteDef]:
        """/healthz and /readyz; /metrics when enabled."""
        routes = [web.get("/healthz", self._healthz), web.get("/readyz", self._readyz)]
        if self.metrics_enabled:
            routes.append(web.get("/metrics", self._metrics))
        return routes

    async def _healthz(self, request: web.Request) -> web.Response:
        return web.json_response({"status": "alive"})

    async def _readyz(self, request: web.Request) -> web.Response:
        reasons = await self.not_ready_reasons()
        body: dict[str, Any] = (
            {"status": "not ready", "reasons": reasons} if reasons else {"status": "ready"}
        )
        standby = self.monitor.standby_duties()
        if standby:
            # Ready all the same: it serves HTTP and takes over if the holder stops.
            body["standby"] = standby
        return web.json_response(body, status=503 if reasons else 200)

    async def not_ready_reasons(self) -> list[str]:
        """Why the bot is not ready (empty when it is)."""
        reasons: list[str] = []
        # Shielded: a slow write is reported, never cancelled half-way through its transaction.
        probe = asyncio.ensure_future(self._write_probe())
        try:
            await asyncio.wait_for(asyncio.shield(probe), WRITE_TIMEOUT_SECONDS)
        except TimeoutError:
            reasons.append(f"database: no write within {WRITE_TIMEOUT_SECONDS:.0f} s")
        except Exception as exc:
            reasons.append(f"database: does not take a write ({_short(exc)})")
        if not reasons:
            reasons += await self._schema_reasons()
        for channel in self.channels:
            if self.monitor.stands_by(polling_duty(channel)):
                continue  # another process polls; this one does not reach the platform
            quiet = self.monitor.seconds_since_contact(channel)
            if quiet is None:
                reasons.append(f"{channel}: has not reached its platform yet")
            elif quiet > CONTACT_WINDOW_SECONDS:
                reasons.append(f"{channel}: no contact with its platform for {quiet:.0f} s")
        return reasons

    async def _schema_reasons(self) -> list[str]:
        """Why the schema is not the one this code needs (empty when it is)."""
        try:
            # Bounded as the write is: a database that stopped answering (PostgreSQL: the pool
            # waits 30 s for a connection) must not keep /readyz from answering.
            async with asyncio.timeout(WRITE_TIMEOUT_SECONDS), self.db.read() as tx:
                current, latest, missing = await health.schema_behind(tx)
        except TimeoutError:
            return [f"database: no read within {WRITE_TIMEOUT_SECONDS:.0f} s"]
        except Exception as exc:
            return [f"database: cannot be read ({_short(exc)})"]
        if current != latest:
            return [
                f"database: schema version {current}, this code needs {latest} "
                "(restart the bot or run bietphai migrate)"
            ]
        if missing:
            return [
                f"database: migrations {', '.join(map(str, missing))} not applied "
                "(restart the bot or run bietphai migrate)"
            ]
        return []

    async def _write_probe(self) -> None:
        async with self.db.transaction() as tx:
            await health.write_probe(tx, datetime.now(UTC))

    async def _metrics(self, request: web.Request) -> web.Response:
        if self.metrics_token is not None:
            given = request.headers.get("Authorization", "")
            expected = f"Bearer {self.metrics_token}"
            if not hmac.compare_digest(given.encode(), expected.encode()):
                return web.Response(
                    status=401, text="unauthorized", headers={"WWW-Authenticate": "Bearer"}
                )
        try:
            await self.monitor.refresh_outbox(self.db)
        except Exception:
            # The other figures are still worth serving.
            log.exception("could not read the outbox figures for /metrics")
        return web.Response(
            body=self.monitor.exposition(), headers={"Content-Type": METRICS_CONTENT_TYPE}
        )


def _short(exc: Any) -> str:
    """An exception in a few words, for the JSON reason."""
    return (str(exc) or type(exc).__name__)[:200]
