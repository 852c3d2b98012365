"""`bietphai export …` and `bietphai export-org …`: the department's workbook, the organisation."""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import date
from pathlib import Path

from bot.digest_cli import DigestInputError, parse_date
from bot.export import ExportRequest, ExportWriteError
from bot.export.build import BuildOrder, build
from bot.export.org import export_org
from bot.person_lookup import not_one_person, people_named
from bot.settings import Settings
from handlers.core.codes import match_code
from handlers.core.textfold import fold
from storage import export as reads
from storage import org
from storage.db import Tx, open_database
from storage.export import ExportFilter

FORMATS = ("xlsx", "csv")


class ExportInputError(Exception):
    """An argument the operator must write differently; printed as one line."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of `bietphai export`."""
    parser.add_argument(
        "--from",
        dest="first",
        required=True,
        metavar="D",
        help="từ ngày (dd/mm/yyyy hoặc yyyy-mm-dd)",
    )
    parser.add_argument(
        "--to",
        dest="last",
        required=True,
        metavar="D",
        help="đến ngày (dd/mm/yyyy hoặc yyyy-mm-dd)",
    )
    parser.add_argument("--division", metavar="CODE", help="chỉ một phòng (mã phòng, ví dụ XDCQ)")
    parser.add_argument("--commune", metavar="NAME", help="chỉ một xã (tên hoặc mã xã)")
    parser.add_argument("--person", metavar="PERSON", help="chỉ một cán bộ (họ tên hoặc số ĐT)")
    _output_arguments(parser, "tệp .xlsx (với --format csv: thư mục chứa các tệp .csv)")


def add_org_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of `bietphai export-org`."""
    _output_arguments(parser, "tệp .xlsx (với --format csv: thư mục, như import-org đọc)")


def _output_arguments(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument("-o", "--output", dest="output", type=Path, required=True, help=what)
    parser.add_argument(
        "--format", choices=FORMATS, default="xlsx", help="xlsx (mặc định) hoặc csv (UTF-8 BOM)"
    )
    parser.add_argument("--force", action="store_true", help="ghi đè tệp .xlsx đã có")


def refuse_existing(path: Path, force: bool) -> None:
    """A file already there is kept unless --force: one someone sent round is not replaced."""
    if path.exists() and not force:
        raise ExportInputError(f"tệp {path} đã có; chọn tên khác hoặc thêm --force để ghi đè")


def _check_output(path: Path, fmt: str, force: bool) -> None:
    if fmt == "xlsx" and path.suffix.lower() != ".xlsx":
        raise ExportInputError(f"tệp xuất phải có đuôi .xlsx: {path} (hoặc dùng --format csv)")
    if fmt == "xlsx":
        refuse_existing(path, force)


async def run(args: argparse.Namespace, settings: Settings) -> int:
    """Write the export; a bad argument or an unwritable path is one line and exit code 1."""
    try:
        first, last = parse_period(args.first, args.last)
        _check_output(args.output, args.format, args.force)
        db = await open_database(settings.db_path, settings.database_url).open()
        try:
            async with db.read() as tx:
                scope, label = await _scope(tx, args)
        finally:
            await db.close()
        # Built in a thread with its own read snapshot: never in a write transaction, never
        # on an event loop (the same build the bot's export worker runs in a process).
        order = BuildOrder(
            str(settings.db_path),
            ExportRequest(first, last, scope, label),
            settings.timezone,
            str(args.output),
            args.format,
            database_url=settings.database_url,
        )
        result = await asyncio.to_thread(build, order)
    except (ExportInputError, ExportWriteError) as exc:
        print(f"Lỗi: {exc}", file=sys.stderr)
        return 1
    period = f"{first.strftime('%d/%m/%Y')}–{last.strftime('%d/%m/%Y')}"
    print(
        f"Đã xuất {args.output} ({period}, {label}): {result.officials} cán bộ, "
        f"{result.entries} nhật ký, {result.difficulties} khó khăn."
    )
    if result.empty:
        print("Không có dữ liệu trong phạm vi và khoảng thời gian này (tệp chỉ có tiêu đề).")
    return 0


async def run_org(args: argparse.Namespace, settings: Settings) -> int:
    """Write the organisation workbook."""
    try:
        if args.format == "xlsx":
            refuse_existing(args.output, args.force)
        db = await open_database(settings.db_path, settings.database_url).open()
        try:
            async with db.read() as tx:
                counts = await export_org(tx, args.output, args.format)
        finally:
            await db.close()
    except (ExportInputError, ExportWriteError) as exc:
        print(f"Lỗi: {exc}", file=sys.stderr)
        return 1
    print(
        f"Đã xuất tổ chức ra {args.output}: {counts['divisions']} phòng, {counts['communes']} xã, "
        f"{counts['people']} người, {counts['waves']} đợt, {counts['assignments']} phân công, "
        f"{counts['working_groups']} tổ công tác, {counts['calendar']} ngày lịch riêng."
    )
    return 0


def parse_period(first_text: str, last_text: str) -> tuple[date, date]:
    """--from and --to as dates, the first not after the last."""
    try:
        first, last = parse_date(first_text), parse_date(last_text)
    except DigestInputError as exc:
        raise ExportInputError(str(exc)) from exc
    if first > last:
        raise ExportInputError(
            f"--from {first.strftime('%d/%m/%Y')} sau --to {last.strftime('%d/%m/%Y')}"
        )
    return first, last


async def _scope(tx: Tx, args: argparse.Namespace) -> tuple[ExportFilter, str]:
    """Everything, narrowed by the options given, and that scope in words."""
    words = []
    division = None
    if args.division:
        division = args.division.strip().upper()
        names = dict(await org.divisions(tx))
        if division not in names:
            raise ExportInputError(f"không có phòng mã '{args.division}'")
        words.append(names[division])
    commune = None
    if args.commune:
        found = await reads.commune_by_name(tx, args.commune) or await _loose_commune(
            tx, args.commune
        )
        if not found:
            raise ExportInputError(f"không có xã '{args.commune}'")
        if len(found) > 1:
            raise ExportInputError(f"có {len(found)} xã tên '{args.commune}', hãy ghi mã xã")
        commune = found[0][0]
        words.append(found[0][1])
    person = None
    if args.person:
        matches = await people_named(tx, args.person)
        if len(matches) != 1:
            raise ExportInputError(not_one_person(args.person, matches))
        person = matches[0].id
        words.append(matches[0].full_name)
    label = "; ".join(words) if words else "toàn Sở"
    return ExportFilter(None, division, commune, person), label


async def _loose_commune(tx: Tx, typed: str) -> list[tuple[str, str]]:
    """A commune typed loosely: "xa1" for XA01, or its name without diacritics."""
    communes = await org.all_communes(tx)
    code = match_code(typed, [c.code for c in communes])
    wanted = " ".join(fold(typed).split())
    return [(c.code, c.name) for c in communes if c.code == code or fold(c.name) == wanted]
