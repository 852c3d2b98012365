"""Reports sent through the outbox: the queued row holds the request, the file is built when
the row is sent, in a process of its own on a read-only snapshot (never in a write transaction,
never on the event loop), and is not stored in the database."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.reports import Letterhead, file_name
from bot.reports.worker import build_in_process
from handlers.core.messages import FileRef, Reply
from handlers.reports.request import REPORT_KEY, ReportRequest


class ReportPreparer:
    """The outbox sender's hook that attaches a report's document to its message."""

    def __init__(
        self,
        db_path: Path,
        letterhead: Letterhead,
        zone: str,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        *,
        build: bool = True,
        database_url: str | None = None,
    ) -> None:
        self.db_path = db_path
        self.letterhead = letterhead
        self.zone = zone
        self.clock = clock
        # A channel that cannot deliver files (Zalo today) gets the message and a note, and the
        # document is not built for nothing.
        self.build = build
        self.database_url = database_url  # BOT_DATABASE_URL: PostgreSQL instead of the file

    async def __call__(self, payload: dict[str, Any]) -> Reply | None:
        """The reply with the document built, or None for a message without a report."""
        data = payload.get(REPORT_KEY)
        if data is None:
            return None
        request = ReportRequest.from_json(data)
        if not self.build:
            return replace(
                Reply.from_json(payload), document=FileRef(file_name(request), content=b"")
            )
        content = await build_in_process(
            self.db_path, request, self.letterhead, self.clock(), self.zone, self.database_url
        )
        return replace(
            Reply.from_json(payload), document=FileRef(file_name(request), content=content)
        )
