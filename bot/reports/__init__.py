"""Reports in the state's document format (Nghị định 30/2020/NĐ-CP), drafted from the data.

`build_report` reads (inside a read transaction the caller holds) and returns the .docx bytes;
`bot.reports.worker` does it in a process of its own, on a read-only snapshot of the database
file, so neither the event loop nor the writer waits for it. The CLI, `/baocao thang` and the
monthly job all use them. No channel library here.
"""

from __future__ import annotations

import io
import os
import tempfile
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.reports import compose, layout
from bot.reports.content import official_report, summary_report
from bot.reports.layout import Letterhead
from bot.settings import Settings
from handlers.core.workcal import calendar_from
from handlers.reports.request import ReportRequest, period_label
from storage import calendar
from storage.db import Tx

__all__ = [
    "Letterhead",
    "ReportRequest",
    "ReportWriteError",
    "build_report",
    "file_name",
    "letterhead_from",
    "period_label",
    "write_report",
]


def letterhead_from(settings: Settings) -> Letterhead:
    """The letterhead settings (BOT_REPORT_*)."""
    return Letterhead(
        parent_body=settings.report_parent_body,
        issuing_body=settings.report_issuing_body,
        place=settings.report_place,
        number_suffix=settings.report_number_suffix,
        signer_title=settings.report_signer_title,
        division_signer_title=settings.report_division_signer_title,
        recipients=tuple(r.strip() for r in settings.report_recipients.split(";") if r.strip()),
    )


class ReportWriteError(Exception):
    """The output cannot be written; the message is for the operator."""


def file_name(request: ReportRequest) -> str:
    """A file name that says what and when: bao-cao-01-11-2026-30-11-2026.docx."""
    kind = "bao-cao-ca-nhan" if request.is_official else "bao-cao-tong-hop"
    return f"{kind}-{request.first:%d-%m-%Y}-{request.last:%d-%m-%Y}.docx"


async def build_report(
    tx: Tx, request: ReportRequest, letterhead: Letterhead, now: datetime, zone_name: str
) -> bytes:
    """The .docx of the report asked for, read through `tx`."""
    cal = calendar_from(ZoneInfo(zone_name), await calendar.declared_days(tx))
    doc = layout.new_document()
    layout.header_block(doc, letterhead, now.astimezone(cal.zone).year)
    if request.is_official:
        compose.write_official(doc, await official_report(tx, request, cal, now), letterhead)
    else:
        compose.write_summary(doc, await summary_report(tx, request, cal, now), letterhead)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def write_report(content: bytes, target: Path) -> None:
    """Write the file atomically: a temporary file beside the target, then moved into place."""
    parent = target.parent if str(target.parent) else Path(".")
    if not parent.is_dir():
        raise ReportWriteError(f"thư mục {parent} không tồn tại")
    if target.is_dir():
        raise ReportWriteError(f"{target} là một thư mục, hãy ghi tên tệp .docx")
    try:
        handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".docx", dir=parent)
        with os.fdopen(handle, "wb") as out:
            out.write(content)
        os.replace(name, target)
    except OSError as exc:
        raise ReportWriteError(f"không ghi được tệp {target}: {exc.strerror}") from exc
