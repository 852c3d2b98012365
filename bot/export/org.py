"""`export-org`: the organisation as the workbook `import-org` reads, so it re-imports unchanged."""

from __future__ import annotations

from pathlib import Path

from bot.export.sink import CsvSink, SheetSpec, Sink, XlsxSink
from bot.orgbook import OPTIONAL_COLUMNS, SHEETS
from storage.db import Tx
from storage.export import org_rows


async def export_org(tx: Tx, target: Path, fmt: str = "xlsx") -> dict[str, int]:
    """Write every organisation sheet with its exact import headers; returns rows per sheet."""
    rows = await org_rows(tx)
    sink: Sink = CsvSink(target) if fmt == "csv" else XlsxSink(target)
    try:
        for name, header in SHEETS.items():
            sheet = sink.sheet(SheetSpec(name, header + OPTIONAL_COLUMNS.get(name, ())))
            for row in rows[name]:
                sheet.append(row)
    except BaseException:
        sink.abort()
        raise
    sink.commit()
    return {name: len(found) for name, found in rows.items()}
