"""Assembly of the Zalo channel: client, adapter, webhook or polling, and its outbox sender."""

from __future__ import annotations

from datetime import timedelta

from bot.channels.zalo import ZaloChannel
from bot.channels.zalo_api import ZaloClient
from bot.channels.zalo_outbox import ZaloOutbox
from bot.channels.zalo_transport import ZaloPolling
from bot.http.webhooks import ZaloWebhook
from bot.image_links import ImageLinks
from bot.monitor import Monitor
from bot.outbox_sender import OutboxSender, SenderSettings
from bot.reports import letterhead_from
from bot.reports.delivery import REPORTS_FOLDER, ReportPreparer
from bot.settings import Settings
from bot.token_guard import TokenGuard
from handlers.router import Router
from storage.db import Database


def zalo_services(
    settings: Settings,
    db: Database,
    router: Router,
    links: ImageLinks | None = None,
    guard: TokenGuard | None = None,
    monitor: Monitor | None = None,
) -> tuple[list[object], OutboxSender]:
    """The services to start for Zalo (in order) and its outbox sender (the last of them).

    `links` (BOT_PUBLIC_BASE_URL set) makes the weekly chart, export files and reports links
    instead of notes. A ZaloWebhook among the services has routes to add to the HTTP server.
    """
    assert settings.zalo_bot_token is not None
    token, base = settings.zalo_bot_token, settings.zalo_api_base_url
    channel = ZaloChannel(
        ZaloClient(token, base, guard=guard),
        router,
        settings.language,
        links=links,
        monitor=monitor,
    )
    services: list[object] = [channel]
    if settings.zalo_webhook_url:
        assert settings.zalo_webhook_secret is not None
        services.append(
            ZaloWebhook(
                channel,
                url=settings.zalo_webhook_url,
                secret=settings.zalo_webhook_secret,
                path=settings.zalo_webhook_path,
                monitor=monitor,
            )
        )
    else:
        services.append(ZaloPolling(channel, timeout=settings.zalo_poll_timeout, monitor=monitor))
    delivery = ZaloOutbox(
        ZaloClient(token, base, guard=guard),
        settings.language,
        quota_pause=settings.zalo_outbox_quota_pause,
        links=links,
    )
    sender = OutboxSender(
        db,
        delivery,
        monitor=monitor,
        settings=SenderSettings(
            messages_per_second=settings.zalo_outbox_messages_per_second,
            chat_interval=settings.zalo_outbox_chat_interval,
            max_attempts=settings.outbox_max_attempts,
            lease=timedelta(seconds=settings.outbox_lease_seconds),
        ),
        # Zalo sends no files: with links on, a report is kept as a file and sent as a link;
        # without, its message goes with a note and the file is not built.
        prepare=ReportPreparer(
            settings.db_path,
            letterhead_from(settings),
            settings.timezone,
            build=False,
            keep_in=settings.files_folder / REPORTS_FOLDER if links is not None else None,
            database_url=settings.database_url,
        ),
    )
    services += [delivery, sender]
    return services, sender
