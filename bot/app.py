"""Assembly: the database, the router and every configured channel, started and stopped together."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Protocol

from bot.channels.telegram import TelegramChannel, build_application
from bot.channels.telegram_outbox import TelegramOutbox, outbox_bot
from bot.channels.telegram_transport import TelegramPolling
from bot.export_worker import ExportWorker
from bot.http.files import FileRoutes
from bot.http.guard import ConnectionLimits
from bot.http.health import HealthRoutes
from bot.http.server import Address, HttpServer
from bot.http.webhooks import TelegramWebhook, ZaloWebhook
from bot.image_links import ImageLinks
from bot.jobs import Jobs, Schedule
from bot.liveness import Liveness, owner_token
from bot.monitor import Monitor
from bot.nightly_backup import nightly_backup_for
from bot.outbox_sender import OutboxSender, SenderSettings
from bot.reports import letterhead_from
from bot.reports.delivery import ReportPreparer
from bot.retention import Retention
from bot.scheduler import WEEKDAYS, SchedulerService
from bot.secret_key import load_secret_key
from bot.settings import Settings
from bot.startup import STARTUP_ERRORS, StartupError, startup_problem
from bot.token_guard import EXIT_TOKEN_REFUSED, TokenGuard
from bot.web import dashboard_for
from bot.web.config import web_config
from bot.zalo_app import zalo_services
from handlers.core.deadlines import DeadlinePolicy
from handlers.core.turn import HandlerConfig
from handlers.reminders.due import ReminderSchedule
from handlers.router import Router
from storage.db import Database, check_path_usable, open_database
from storage.instance_lock import InstanceLock

log = logging.getLogger(__name__)
# Shipped in the wheel (package data), so `bietphai run` with no channel works when installed.
SAMPLE_WORKBOOK = Path(__file__).resolve().parent / "samples" / "org-sample.xlsx"


class Service(Protocol):
    """Something started with the bot and stopped with it."""

    async def start(self) -> None: ...
    async def stop(self) -> None: ...


def handler_config(settings: Settings) -> HandlerConfig:
    """The part of the settings the handlers use."""
    return HandlerConfig(
        zone=settings.zone,
        language=settings.language,
        backdate_days=settings.backdate_days,
        reminder_first=settings.reminder_first,
        reminder_follow_up=settings.reminder_follow_up,
        study_capacity=settings.study_capacity_per_week,
        study_place=settings.study_place,
        difficulty_addition_minutes=settings.difficulty_addition_minutes,
        invite_key=load_secret_key(settings),
        deadlines=DeadlinePolicy(
            urgent_first_response_hours=settings.urgent_first_response_hours,
            normal_first_response_days=settings.normal_first_response_days,
            urgent_resolution_days=settings.urgent_resolution_days,
            normal_resolution_days=settings.normal_resolution_days,
        ),
        web=web_config(settings),
    )


@dataclass
class BotApp:
    """The running bot: database, router, the HTTP server and the services around them."""

    settings: Settings
    db: Database
    router: Router
    monitor: Monitor
    # The one HTTP server; other features add routes or mount sub-applications on it
    # (`http.add_routes`, `http.mount("/web", …)`) before `start`.
    http: HttpServer
    guard: TokenGuard = field(default_factory=TokenGuard)
    services: list[Service] = field(default_factory=list)
    # Those whose start was called (a failed start may have half-opened something).
    started: list[Service] = field(default_factory=list)

    async def start(self) -> None:
        """Start every service in order; a refused token or a taken port is a StartupError."""
        for service in self.services:
            self.started.append(service)
            try:
                await service.start()
            except STARTUP_ERRORS as exc:
                raise StartupError(startup_problem(service, exc)) from exc

    async def stop(self) -> None:
        """Stop the services started (or half-started), in reverse order, then close the db."""
        for service in reversed(self.started):
            try:
                await service.stop()
            except Exception:
                log.exception("error while stopping %s", type(service).__name__)
        await self.db.close()


def http_server(settings: Settings) -> HttpServer:
    """The one HTTP server on BOT_HTTP_LISTEN:BOT_HTTP_PORT (and old addresses still set)."""
    extra = [Address(listen, port, names) for listen, port, names in settings.legacy_addresses()]
    limits = ConnectionLimits(
        max_connections=settings.http_max_connections,
        header_seconds=settings.http_header_timeout,
        body_seconds=settings.http_body_timeout,
    )
    return HttpServer(Address(settings.http_listen, settings.http_port), extra, limits)


async def build_app(settings: Settings) -> BotApp:
    """Open the database and assemble the HTTP server and every configured channel."""
    db = await open_database(settings.db_path, settings.database_url).open()
    monitor = Monitor()
    owner = owner_token()
    router = Router(db, handler_config(settings), observe=monitor.update_handled, owner=owner)
    http = http_server(settings)
    app = BotApp(settings, db, router, monitor, http)
    guard = app.guard
    # First: health answers while the channels start (webhooks answer 503 until theirs is up).
    app.services.append(http)
    # Before anything decides an update under the token; freed after the replies are out.
    app.services.append(Liveness(db, owner))
    links = None
    if settings.public_base_url:
        http.add_routes(
            FileRoutes(db, path=settings.public_path, language=settings.language).routes()
        )
        lifetime = timedelta(hours=settings.image_link_hours)
        links = ImageLinks(db, settings.public_base_url, lifetime, settings.zone)
    # The web dashboard (BOT_PUBLIC_BASE_URL set) on the same server, under the public path.
    dashboard = dashboard_for(settings, db, router.config, monitor)
    if dashboard is not None:
        http.add_routes(dashboard.routes())
        app.services.append(dashboard)
    senders: list[OutboxSender] = []
    channels: list[str] = []
    if settings.telegram_bot_token:
        channels.append("telegram")
        senders.append(telegram_services(app, settings))
    if settings.zalo_bot_token:
        channels.append("zalo")
        zalo, zalo_sender = zalo_services(settings, db, router, links, guard=guard, monitor=monitor)
        for service in zalo:
            if isinstance(service, ZaloWebhook):
                http.add_routes(service.routes())
        app.services += zalo  # type: ignore[arg-type]
        senders.append(zalo_sender)
    nightly = nightly_backup_for(settings)
    if nightly is not None:
        app.services.append(nightly)
    http.add_routes(
        HealthRoutes(
            db,
            monitor,
            channels,
            metrics_enabled=settings.metrics_enabled,
            metrics_token=settings.metrics_token,
        ).routes()
    )
    if senders:

        def wake_senders() -> None:
            for each in senders:
                each.wake()

        app.services.append(
            ExportWorker(
                db,
                settings.files_folder,
                settings.timezone,
                monitor=monitor,
                queued=wake_senders,
                # The console's exports are built by `bietphai chat`, which saves them.
                channels=tuple(channels),
                database_url=settings.database_url,
                lease=timedelta(seconds=settings.export_lease_seconds),
            )
        )
        jobs = Jobs(db, settings.zone, settings.language, schedule(settings), queued=wake_senders)
        retention = Retention(
            db,
            settings.files_folder,
            update_keys=timedelta(days=settings.update_retention_days),
            outbox_payloads=timedelta(days=settings.outbox_retention_days),
            files=timedelta(days=settings.file_retention_days),
        )
        app.services.append(SchedulerService(jobs, settings.zone, monitor, retention))
    return app


def telegram_services(app: BotApp, settings: Settings) -> OutboxSender:
    """Add Telegram's channel, transport and outbox sender to the app; returns the sender."""
    assert settings.telegram_bot_token is not None
    application = build_application(
        settings.telegram_bot_token,
        settings.telegram_api_base_url,
        max_messages_per_second=settings.telegram_max_messages_per_second,
        guard=app.guard,
    )
    channel = TelegramChannel(
        application,
        app.router,
        settings.language,
        parallel_sends=settings.telegram_parallel_sends,
        monitor=app.monitor,
    )
    app.services.append(channel)
    if settings.telegram_webhook_url:
        assert settings.telegram_webhook_secret is not None
        webhook = TelegramWebhook(
            channel,
            url=settings.telegram_webhook_url,
            secret=settings.telegram_webhook_secret,
            path=settings.telegram_webhook_path,
            monitor=app.monitor,
        )
        app.http.add_routes(webhook.routes())
        app.services.append(webhook)
    else:
        app.services.append(
            TelegramPolling(channel, timeout=settings.telegram_poll_timeout, monitor=app.monitor)
        )
    delivery = TelegramOutbox(
        outbox_bot(settings.telegram_bot_token, settings.telegram_api_base_url, guard=app.guard)
    )
    app.services.append(delivery)
    sender_settings = SenderSettings(
        messages_per_second=settings.telegram_outbox_messages_per_second,
        chat_interval=settings.telegram_outbox_chat_interval,
        max_attempts=settings.outbox_max_attempts,
        lease=timedelta(seconds=settings.outbox_lease_seconds),
    )
    reports = ReportPreparer(
        settings.db_path,
        letterhead_from(settings),
        settings.timezone,
        database_url=settings.database_url,
    )
    sender = OutboxSender(app.db, delivery, sender_settings, prepare=reports, monitor=app.monitor)
    app.services.append(sender)
    return sender


def schedule(settings: Settings) -> Schedule:
    """The job times from settings."""
    return Schedule(
        reminders=ReminderSchedule(settings.reminder_first, settings.reminder_follow_up),
        daily_digest=settings.daily_digest_time,
        weekly_day=WEEKDAYS.index(settings.weekly_digest_day),
        weekly_time=settings.weekly_digest_time,
        escalation_every_minutes=settings.escalation_every_minutes,
        escalation_warning=timedelta(minutes=settings.escalation_warning_minutes),
        visit_reminder=settings.visit_reminder_time,
        monthly_report=(settings.monthly_report_time if settings.monthly_report_enabled else None),
    )


async def serve(settings: Settings) -> int:
    """Run the configured channels until SIGINT or SIGTERM (0) or a refused token (3)."""
    guard: contextlib.AbstractContextManager[object]
    if settings.database_url:
        # PostgreSQL: any number of bot processes share the database (the duties decide who
        # polls, sends and ticks), so there is no file to lock.
        guard = contextlib.nullcontext()
    else:
        check_path_usable(settings.db_path)
        # Held until the process ends: a second bot, or a restore, on this database is refused.
        guard = InstanceLock(settings.db_path)
    with guard:
        app = await build_app(settings)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError):
                loop.add_signal_handler(sig, stop.set)
        try:
            await app.start()
            app.guard.armed = True
            log.info("bietphai is running; press Ctrl+C to stop")
            stopped = asyncio.create_task(stop.wait())
            refused = asyncio.create_task(app.guard.refused.wait())
            await asyncio.wait((stopped, refused), return_when=asyncio.FIRST_COMPLETED)
            stopped.cancel()
            refused.cancel()
        finally:
            await app.stop()
    return EXIT_TOKEN_REFUSED if app.guard.refused.is_set() else 0
