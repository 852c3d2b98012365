"""`bietphai calendar …`: the admin's days off and make-up working days, and a year's list."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, date, datetime

from bot.settings import Settings
from handlers.core.dates import format_day
from handlers.core.textclean import clean_text
from handlers.core.workcal import WorkingCalendar, public_holidays
from storage import audit, calendar
from storage.calendar import DeclaredDay
from storage.db import open_database

KIND_WORDS = {"off": "ngày nghỉ", "workday": "ngày làm việc"}
DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d")


class CalendarInputError(Exception):
    """A date or year the operator must write differently; printed as one line."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The actions of `bietphai calendar`, each with a Vietnamese description."""
    actions = parser.add_subparsers(
        dest="calendar_action", metavar="ACTION", required=True, help="việc cần làm với lịch"
    )

    def action(name: str, summary: str) -> argparse.ArgumentParser:
        return actions.add_parser(name, help=summary, description=summary)

    for name, summary in (
        ("add-off", "khai báo một ngày nghỉ (ví dụ nghỉ bù theo quyết định của thành phố)"),
        ("add-workday", "khai báo một ngày làm việc (ví dụ thứ Bảy làm bù)"),
    ):
        day = action(name, summary)
        day.add_argument("date", metavar="DATE", help="dd/mm/yyyy hoặc yyyy-mm-dd")
        day.add_argument("--reason", default="", metavar="TEXT", help="lý do, số quyết định")
    remove = action("remove", "bỏ một ngày đã khai báo (ngày đó theo lịch chung trở lại)")
    remove.add_argument("date", metavar="DATE", help="dd/mm/yyyy hoặc yyyy-mm-dd")
    listing = action("list", "liệt kê ngày lễ và ngày quản trị viên khai báo trong một năm")
    listing.add_argument("--year", metavar="YYYY", help="năm (mặc định: năm nay)")


def parse_date(text: str) -> date:
    """dd/mm/yyyy or yyyy-mm-dd."""
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue
    raise CalendarInputError(
        f"ngày '{text}' không hợp lệ, hãy ghi dd/mm/yyyy (ví dụ 31/12/2026) hoặc yyyy-mm-dd"
    )


def parse_year(text: str | None, settings: Settings) -> int:
    """The year asked for, this year by default."""
    if text is None:
        return datetime.now(settings.zone).year
    if not (text.isdigit() and 2000 <= int(text) <= 2100):
        raise CalendarInputError(f"năm '{text}' không hợp lệ, ví dụ --year 2026")
    return int(text)


async def run(args: argparse.Namespace, settings: Settings) -> int:
    """Run one calendar action; a bad date or year is one line on stderr and exit 1."""
    try:
        if args.calendar_action == "list":
            return await _list(settings, parse_year(args.year, settings))
        day = parse_date(args.date)
        if args.calendar_action == "remove":
            return await _remove(settings, day)
        kind = "off" if args.calendar_action == "add-off" else "workday"
        return await _add(settings, day, kind, " ".join(clean_text(args.reason).split()))
    except CalendarInputError as exc:
        print(f"Lỗi: {exc}", file=sys.stderr)
        return 1


async def _add(settings: Settings, day: date, kind: str, reason: str) -> int:
    async with open_database(settings.db_path, settings.database_url) as db, db.transaction() as tx:
        previous = await calendar.add_declared_day(tx, day, kind, reason)
        await audit.add_audit(
            tx,
            at=datetime.now(UTC),
            actor="cli",
            action=f"calendar_add_{kind}",
            subject=day.isoformat(),
            detail=reason,
        )
    line = f"Đã khai báo {format_day(day, weekday=True)} là {KIND_WORDS[kind]}"
    print(line + (f" ({reason})." if reason else "."))
    if previous is not None and previous.kind != kind:
        print(f"Trước đó ngày này được khai báo là {KIND_WORDS[previous.kind]}.")
    public = WorkingCalendar(settings.zone)
    if public.is_working_day(day) == (kind == "workday"):
        usual = KIND_WORDS["workday" if public.is_working_day(day) else "off"]
        print(f"Lưu ý: theo lịch chung ngày này vốn là {usual}.")
    return 0


async def _remove(settings: Settings, day: date) -> int:
    async with open_database(settings.db_path, settings.database_url) as db, db.transaction() as tx:
        removed = await calendar.remove_declared_day(tx, day)
        if removed is not None:
            await audit.add_audit(
                tx,
                at=datetime.now(UTC),
                actor="cli",
                action="calendar_remove",
                subject=day.isoformat(),
                detail=f"{removed.kind}: {removed.reason}",
            )
    if removed is None:
        raise CalendarInputError(f"ngày {format_day(day)} chưa được khai báo, không có gì để bỏ")
    print(f"Đã bỏ khai báo {format_day(day, weekday=True)}; ngày này theo lịch chung trở lại.")
    return 0


async def _list(settings: Settings, year: int) -> int:
    async with open_database(settings.db_path, settings.database_url) as db, db.read() as tx:
        declared = await calendar.declared_days_in(tx, date(year, 1, 1), date(year, 12, 31))
    for line in year_lines(year, declared):
        print(line)
    return 0


def year_lines(year: int, declared: list[DeclaredDay]) -> list[str]:
    """The year's public holidays, make-up Saturdays and declared days (marked *), by date."""
    holidays = public_holidays(year)
    rows: list[tuple[date, int, str]] = []
    for day, name in holidays.items():
        rows.append((day, 0, _row(" ", day, "nghỉ lễ", str(name))))
    for day in getattr(holidays, "weekend_workdays", ()):
        if day.year == year:
            rows.append((day, 0, _row(" ", day, "làm bù", "Ngày làm bù theo lịch nhà nước")))
    for item in declared:
        what = "nghỉ" if item.kind == "off" else "làm việc"
        rows.append((item.day, 1, _row("*", item.day, what, item.reason or "—")))
    public_count = len(rows) - len(declared)
    return [
        f"Lịch năm {year} (dấu * là ngày quản trị viên khai báo, được ưu tiên hơn lịch chung):",
        *(text for _, _, text in sorted(rows)),
        f"{public_count} ngày theo lịch chung, {len(declared)} ngày khai báo.",
    ]


def _row(mark: str, day: date, what: str, name: str) -> str:
    return f"{mark} {format_day(day, weekday=True):<22} {what:<9} {name}"
