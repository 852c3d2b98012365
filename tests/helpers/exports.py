"""Running the export worker in a test: exports asked for in the chat, built and queued."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bot.export_worker import ExportWorker
from handlers.core.messages import Reply
from storage import outbox
from storage.db import Database


async def build_waiting_exports(db: Database, files: Path) -> list[Reply]:
    """Build every export waiting (the real build, in a thread); the replies queued for them."""
    worker = ExportWorker(
        db, files, "Asia/Ho_Chi_Minh", executor=lambda: ThreadPoolExecutor(max_workers=1)
    )
    try:
        while await worker.run_once():
            pass
    finally:
        await worker.stop()
    async with db.read() as tx:
        rows = await outbox.payloads_like(tx, "export:")
    return [Reply.from_json(payload) for _, _, payload in rows]
