"""`bietphai study list --from D --to D`: the study-visit calendar for the operator, the same
lines a division head sees with /hoctap, for every division."""

from __future__ import annotations

import argparse
import sys

from bot.digest_cli import DigestInputError, parse_date
from bot.settings import Settings
from handlers.core.texts import t
from handlers.core.workcal import calendar_from
from handlers.study.calendar import calendar_lines, weeks_between
from handlers.study.weeks import week_of
from storage import calendar, study
from storage.db import Database

MAX_WEEKS = 156


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The sub-commands of `bietphai study`."""
    actions = parser.add_subparsers(
        dest="study_action", metavar="ACTION", required=True, help="việc cần làm"
    )
    listing = actions.add_parser(
        "list",
        help="in lịch học tập: các đoàn theo tuần và phòng, số chỗ còn lại",
        description="in lịch học tập: các đoàn theo tuần và phòng, số chỗ còn lại",
    )
    listing.add_argument(
        "--from",
        dest="first",
        required=True,
        metavar="D",
        help="từ ngày (dd/mm/yyyy hoặc yyyy-mm-dd)",
    )
    listing.add_argument(
        "--to",
        dest="last",
        required=True,
        metavar="D",
        help="đến ngày (dd/mm/yyyy hoặc yyyy-mm-dd)",
    )


async def run(args: argparse.Namespace, settings: Settings) -> int:
    """Print the calendar; a bad date is one line on stderr and exit code 1."""
    try:
        first, last = parse_date(args.first), parse_date(args.last)
    except DigestInputError as exc:
        print(f"Lỗi: {exc}", file=sys.stderr)
        return 1
    if last < first:
        print("Lỗi: ngày --to phải từ ngày --from trở đi", file=sys.stderr)
        return 1
    weeks = weeks_between(first, last)
    if len(weeks) > MAX_WEEKS:
        print(f"Lỗi: tối đa {MAX_WEEKS} tuần mỗi lần in", file=sys.stderr)
        return 1
    db = await Database(settings.db_path).open()
    try:
        async with db.read() as tx:
            divisions = await study.divisions(tx)
            parts = await study.parts_between(tx, week_of(first), weeks[-1])
            cal = calendar_from(settings.zone, await calendar.declared_days(tx))
    finally:
        await db.close()
    lang = settings.language
    capacity = settings.study_capacity_per_week
    print(
        t(
            lang,
            "ht.cal.cli_title",
            first=first.strftime("%d/%m/%Y"),
            last=last.strftime("%d/%m/%Y"),
            capacity=capacity,
        )
    )
    for line in calendar_lines(weeks, divisions, parts, capacity, cal, lang):
        print(line)
    return 0
