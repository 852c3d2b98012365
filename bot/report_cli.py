"""`bietphai report …`: a report in the state's document format (.docx) for the office."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path

from bot.export_cli import ExportInputError, parse_period, refuse_existing
from bot.person_lookup import not_one_person, people_named
from bot.reports import (
    ReportRequest,
    ReportWriteError,
    build_report,
    letterhead_from,
    period_label,
    write_report,
)
from bot.settings import Settings
from storage import export as reads
from storage import org
from storage.db import StorageError, Tx, open_database
from storage.models import Role


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of `bietphai report`."""
    parser.add_argument(
        "--from", dest="first", required=True, metavar="D", help="từ ngày (dd/mm/yyyy)"
    )
    parser.add_argument("--to", dest="last", required=True, metavar="D", help="đến ngày")
    whose = parser.add_mutually_exclusive_group()
    whose.add_argument(
        "--person", metavar="PERSON", help="báo cáo của một cán bộ (họ tên hoặc số ĐT)"
    )
    whose.add_argument(
        "--division", metavar="CODE", help="báo cáo tổng hợp của một phòng (mã phòng)"
    )
    parser.add_argument(
        "-o", "--output", dest="output", type=Path, required=True, help="tệp .docx cần ghi"
    )
    parser.add_argument("--force", action="store_true", help="ghi đè tệp .docx đã có")


async def _request(tx: Tx, args: argparse.Namespace) -> ReportRequest:
    first, last = parse_period(args.first, args.last)
    wave = await reads.wave_on(tx, first)
    label = period_label(first, last, wave)
    if args.person:
        matches = await people_named(tx, args.person)
        if len(matches) != 1:
            raise ExportInputError(not_one_person(args.person, matches))
        person = matches[0]
        if person.role != Role.OFFICIAL:
            raise ExportInputError(
                f"{person.full_name} không phải cán bộ biệt phái; báo cáo cá nhân chỉ dành cho "
                "cán bộ biệt phái (bỏ --person để lập báo cáo tổng hợp)"
            )
        return ReportRequest(first, last, label, person_id=person.id)
    if args.division:
        code = args.division.strip().upper()
        names = dict(await org.divisions(tx))
        if code not in names:
            raise ExportInputError(
                f"không có phòng mã '{args.division}' (có: {', '.join(sorted(names))})"
            )
        return ReportRequest(
            first, last, label, division_code=code, scope_label=names[code], division_signer=True
        )
    return ReportRequest(first, last, label)


async def run(args: argparse.Namespace, settings: Settings) -> int:
    """Write the report; a bad argument or an unwritable path is one line and exit code 1."""
    try:
        if args.output.suffix.lower() != ".docx":
            raise ExportInputError(f"tệp báo cáo phải có đuôi .docx: {args.output}")
        # Checked before the report is built, as `export` does, so a refusal costs nothing.
        refuse_existing(args.output, args.force)
        db = await open_database(settings.db_path, settings.database_url).open()
        try:
            async with db.read() as tx:
                request = await _request(tx, args)
                content = await build_report(
                    tx, request, letterhead_from(settings), datetime.now(UTC), settings.timezone
                )
        finally:
            await db.close()
        write_report(content, args.output)
    except (ExportInputError, ReportWriteError, StorageError) as exc:
        print(f"Lỗi: {exc}", file=sys.stderr)
        return 1
    what = "báo cáo cá nhân" if request.is_official else f"báo cáo tổng hợp ({request.scope_label})"
    print(f"Đã lập {what} {request.period_label}: {args.output}")
    return 0
