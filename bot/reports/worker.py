"""A report built in a process of its own: `python -m bot.reports.worker` reads the request as
JSON on stdin and writes the .docx to stdout.

The bot's process only waits for it: building a large document is CPU-bound Python (and lxml
serialising while holding the GIL), which in a thread still stalls the event loop for a large
scope; in its own process it never does, and its memory is given back when it ends.
"""

from __future__ import annotations

import asyncio
import json
import sys
from dataclasses import asdict
from datetime import datetime
from pathlib import Path
from typing import Any

from bot.reports import Letterhead, build_report
from handlers.reports.request import ReportRequest
from storage import reports
from storage.db import open_database


class ReportBuildError(Exception):
    """The worker failed; the message says why (for the log)."""


def job_json(
    db_path: Path,
    request: ReportRequest,
    letterhead: Letterhead,
    now: datetime,
    zone: str,
    database_url: str | None = None,
) -> bytes:
    """What the worker reads on stdin."""
    job: dict[str, Any] = {
        "db": str(db_path),
        "url": database_url,
        "request": request.to_json(),
        "letterhead": asdict(letterhead),
        "now": now.isoformat(),
        "zone": zone,
    }
    return json.dumps(job, ensure_ascii=False).encode()


async def _build(job: dict[str, Any]) -> bytes:
    letterhead = Letterhead(
        **{**job["letterhead"], "recipients": tuple(job["letterhead"]["recipients"])}
    )
    request = ReportRequest.from_json(job["request"])
    now = datetime.fromisoformat(job["now"])
    if job.get("url"):
        # PostgreSQL (BOT_DATABASE_URL): a read transaction of its own on the server.
        db = await open_database(Path(job["db"]), job["url"]).open()
        try:
            async with db.read() as tx:
                return await build_report(tx, request, letterhead, now, job["zone"])
        finally:
            await db.close()
    async with reports.snapshot(Path(job["db"])) as tx:
        return await build_report(tx, request, letterhead, now, job["zone"])


async def build_in_process(
    db_path: Path,
    request: ReportRequest,
    letterhead: Letterhead,
    now: datetime,
    zone: str,
    database_url: str | None = None,
) -> bytes:
    """Run the worker and return the document it wrote."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.reports.worker",
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    job = job_json(db_path, request, letterhead, now, zone, database_url)
    out, err = await process.communicate(job)
    if process.returncode != 0 or not out:
        last = err.decode(errors="replace").strip().splitlines()[-1:] or ["no output"]
        raise ReportBuildError(f"report worker exited with {process.returncode}: {last[0]}")
    return out


def main() -> int:
    """Read one job on stdin, write the .docx on stdout."""
    job = json.loads(sys.stdin.buffer.read())
    content = asyncio.run(_build(job))
    sys.stdout.buffer.write(content)
    sys.stdout.buffer.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
