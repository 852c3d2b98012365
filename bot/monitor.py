"""What the running bot knows about itself: channel contact times and Prometheus metrics."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily
from prometheus_client.registry import Collector

from storage import outbox
from storage.db import Database
from storage.pg import ESCALATIONS, RETRIES

# Handling one update is a short transaction; anything past a second is worth seeing.
HANDLING_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
EXPORT_BUCKETS = (1.0, 5.0, 15.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1800.0)
OUTBOX_STATUSES = ("pending", "sending", "sent", "failed", "unreachable")


class Monitor:
    """One per running bot; every part reports here, /readyz and /metrics read from here.

    A private registry (not prometheus_client's global one), so several bots in one test
    process count apart.
    """

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self.clock = clock
        self.registry = CollectorRegistry()
        registry = self.registry
        self._contacts: dict[str, float] = {}
        self._standby: set[str] = set()
        self.updates = Counter(
            "bietphai_updates",
            "Updates handled, by channel and outcome (handled, duplicate, unregistered, failed).",
            ["channel", "outcome"],
            registry=registry,
        )
        self.handling = Histogram(
            "bietphai_update_handling_seconds",
            "Time to decide and commit one update.",
            ["channel"],
            buckets=HANDLING_BUCKETS,
            registry=registry,
        )
        self.replies = Counter(
            "bietphai_replies",
            "Direct replies: sent at once, or failed and handed to the outbox.",
            ["channel", "result"],
            registry=registry,
        )
        self.outbox_results = Counter(
            "bietphai_outbox_messages",
            "Outbox messages by channel and result (delivered, retry, failed, unreachable).",
            ["channel", "result"],
            registry=registry,
        )
        self.outbox_rows = Gauge(
            "bietphai_outbox_rows", "Outbox rows by status.", ["status"], registry=registry
        )
        self.outbox_oldest = Gauge(
            "bietphai_outbox_oldest_pending_age_seconds",
            "Age of the oldest outbox row not yet delivered (0 when none).",
            registry=registry,
        )
        self.contact = Gauge(
            "bietphai_channel_last_contact_timestamp_seconds",
            "Last successful poll, webhook request or webhook check, by channel.",
            ["channel", "via"],
            registry=registry,
        )
        self.job_last_run = Gauge(
            "bietphai_job_last_run_timestamp_seconds",
            "When each scheduled job last ran.",
            ["job"],
            registry=registry,
        )
        self.job_last_success = Gauge(
            "bietphai_job_last_run_success",
            "1 when the job's last run succeeded, 0 when it failed.",
            ["job"],
            registry=registry,
        )
        self.exports = Counter(
            "bietphai_exports", "Exports built, by outcome.", ["outcome"], registry=registry
        )
        self.export_seconds = Histogram(
            "bietphai_export_seconds",
            "Time to build one export workbook.",
            buckets=EXPORT_BUCKETS,
            registry=registry,
        )
        registry.register(_Retries())

    # Reported by the parts of the bot --------------------------------------------------

    def update_handled(self, channel: str, outcome: str, seconds: float) -> None:
        """The router decided one update."""
        self.updates.labels(channel, outcome).inc()
        self.handling.labels(channel).observe(seconds)

    def reply(self, channel: str, *, sent: bool) -> None:
        """A direct reply was sent, or failed and went to the outbox."""
        self.replies.labels(channel, "sent" if sent else "failed").inc()

    def outbox_result(self, channel: str, result: str) -> None:
        """The outbox sender delivered a message, will retry it, or gave up."""
        self.outbox_results.labels(channel, result).inc()

    def reached(self, channel: str, via: str) -> None:
        """The channel's platform answered (a poll, a webhook request, a webhook check)."""
        now = self.clock()
        self._contacts[channel] = now
        self.contact.labels(channel, via).set(now)

    def standing_by(self, duty: str, standby: bool) -> None:
        """Another process holds this duty while this one waits to take it over (True), or
        this one holds it now (False)."""
        if standby:
            self._standby.add(duty)
        else:
            self._standby.discard(duty)

    def took_over_polling(self, channel: str) -> None:
        """This process polls the channel after standing by: its contact window starts now."""
        # A standby process last reached the platform when it started, maybe long ago:
        # readiness counts from the takeover, as it does from the start.
        self._contacts[channel] = max(self._contacts.get(channel, 0.0), self.clock())

    def job_ran(self, job: str, *, ok: bool) -> None:
        """A scheduled job finished."""
        self.job_last_run.labels(job).set(self.clock())
        self.job_last_success.labels(job).set(1 if ok else 0)

    def export_done(self, seconds: float, *, ok: bool) -> None:
        """An export was built (or failed)."""
        self.exports.labels("done" if ok else "failed").inc()
        if ok:
            self.export_seconds.observe(seconds)

    # Read by /readyz and /metrics -------------------------------------------------------

    def stands_by(self, duty: str) -> bool:
        """Whether another process holds this duty while this one waits to take it over."""
        return duty in self._standby

    def standby_duties(self) -> list[str]:
        """Every duty this process stands by for, sorted."""
        return sorted(self._standby)

    def seconds_since_contact(self, channel: str) -> float | None:
        """How long ago the channel last reached its platform or took over polling (None: never)."""
        last = self._contacts.get(channel)
        return None if last is None else max(0.0, self.clock() - last)

    async def refresh_outbox(self, db: Database) -> None:
        """Read the outbox figures (on the read connection) just before a scrape."""
        now = datetime.now(UTC)
        async with db.read() as tx:
            counts = await outbox.outbox_counts(tx)
            oldest = await outbox.oldest_undelivered_at(tx)
        for status in OUTBOX_STATUSES:
            self.outbox_rows.labels(status).set(counts.get(status, 0))
        age = (now - oldest).total_seconds() if oldest is not None else 0.0
        self.outbox_oldest.set(max(0.0, age))

    def exposition(self) -> bytes:
        """Every metric in the Prometheus text format."""
        return generate_latest(self.registry)


class _Retries(Collector):
    """Transactions run again after losing a race, and chat turns run again serializable
    (PostgreSQL), read at a scrape."""

    def collect(self) -> Iterator[CounterMetricFamily]:
        yield CounterMetricFamily(
            "bietphai_database_retries",
            "Transactions this process ran again after losing a race to another (PostgreSQL).",
            value=RETRIES[0],
        )
        yield CounterMetricFamily(
            "bietphai_database_escalations",
            "Chat turns this process began at snapshot isolation and ran again serializable, "
            "as they wrote more than the chat's own rows (PostgreSQL).",
            value=ESCALATIONS[0],
        )
