"""Exports for the department: the report workbook (or CSV files) and the organisation workbook."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from bot.export.sink import CsvSink, ExportWriteError, Sink, XlsxSink
from bot.export.workbook import ExportRequest, ExportResult, write_export
from handlers.core.workcal import WorkingCalendar
from storage.db import Tx

__all__ = ["ExportRequest", "ExportResult", "ExportWriteError", "export_to", "open_sink"]


def open_sink(target: Path, fmt: str, heading: str = "") -> Sink:
    """An .xlsx workbook (fmt 'xlsx', `heading` on top of every printed page) or a folder of
    CSV files (fmt 'csv') at `target`."""
    return CsvSink(target) if fmt == "csv" else XlsxSink(target, heading)


async def export_to(
    tx: Tx,
    request: ExportRequest,
    calendar: WorkingCalendar,
    target: Path,
    now: datetime,
    fmt: str = "xlsx",
) -> ExportResult:
    """Write the export to `target`; nothing is left behind if it fails half-way."""
    period = f"{request.first:%d/%m/%Y} – {request.last:%d/%m/%Y}"
    sink = open_sink(target, fmt, f"Từ ngày {period} — {request.scope_label}")
    try:
        result = await write_export(tx, request, calendar, sink, now)
    except BaseException:
        sink.abort()
        raise
    sink.commit()
    return result
