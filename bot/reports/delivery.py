"""Reports sent through the outbox: the queued row holds the request, the file is built when
the row is sent, in a process of its own on a read-only snapshot (never in a write transaction,
never on the event loop), and is not stored in the database."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.reports import Letterhead, file_name
from bot.reports.worker import build_in_process
from handlers.core.messages import FileRef, Reply
from handlers.reports.request import REPORT_KEY, ReportRequest

# Under the files folder (BOT_FILES_DIR), beside the exports, pruned by the same retention.
REPORTS_FOLDER = "reports"


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
        keep_in: Path | None = None,
        database_url: str | None = None,
    ) -> None:
        self.db_path = db_path
        self.letterhead = letterhead
        self.zone = zone
        self.clock = clock
        # A channel that cannot deliver files (Zalo today) gets the message and a note, and the
        # document is not built for nothing.
        self.build = build
        # A channel that sends links instead of files (Zalo with BOT_PUBLIC_BASE_URL) gets the
        # document kept in this folder (pruned with the exports), never in the database.
        self.keep_in = keep_in
        self.database_url = database_url  # BOT_DATABASE_URL: PostgreSQL instead of the file

    async def __call__(self, payload: dict[str, Any]) -> Reply | None:
        """The reply with the document built, or None for a message without a report."""
        data = payload.get(REPORT_KEY)
        if data is None:
            return None
        request = ReportRequest.from_json(data)
        if not self.build and self.keep_in is None:
            return replace(
                Reply.from_json(payload), document=FileRef(file_name(request), content=b"")
            )
        content = await build_in_process(
            self.db_path, request, self.letterhead, self.clock(), self.zone, self.database_url
        )
        name = file_name(request)
        if self.keep_in is not None:
            path = await asyncio.to_thread(keep_file, self.keep_in, name, content)
            return replace(Reply.from_json(payload), document=FileRef(name, path=str(path)))
        return replace(Reply.from_json(payload), document=FileRef(name, content=content))


def keep_file(folder: Path, name: str, content: bytes) -> Path:
    """Write a built report under the files folder with an unguessable prefix; its path."""
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = folder / f"{secrets.token_hex(8)}-{name}"
    path.write_bytes(content)
    path.chmod(0o600)
    return path
