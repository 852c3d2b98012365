"""`bietphai digest …`: print a supervisor's daily or weekly digest, the text sent in the chat."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from bot.person_lookup import not_one_person, people_named
from bot.settings import Settings
from handlers.core.texts import t
from handlers.core.workcal import calendar_from
from handlers.digest.daily import Digest, daily_digest, weekly_digest
from storage import calendar, org, scope
from storage.db import Tx, open_database
from storage.models import Person

DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d")
# A fresh database: nobody to chat as or report on until the organisation is imported.
EMPTY_DATABASE = (
    "cơ sở dữ liệu chưa có ai; chạy bietphai import-org FILE trước "
    "(ví dụ: bietphai import-org examples/org-sample.xlsx)"
)


class DigestInputError(Exception):
    """An argument the operator must write differently; printed as one line."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of `bietphai digest`."""
    parser.add_argument(
        "--date",
        metavar="D",
        help="ngày dd/mm/yyyy hoặc yyyy-mm-dd (mặc định: hôm nay); với --weekly: tuần chứa ngày đó",
    )
    parser.add_argument("--weekly", action="store_true", help="báo cáo tuần (thứ Hai đến Chủ Nhật)")
    parser.add_argument(
        "--supervisor",
        metavar="PERSON",
        help="họ tên hoặc số điện thoại người nhận báo cáo (mặc định: lãnh đạo Sở)",
    )
    parser.add_argument(
        "--chart", type=Path, metavar="FILE.png", help="với --weekly: lưu biểu đồ ra tệp PNG"
    )


def parse_date(text: str) -> date:
    """dd/mm/yyyy or yyyy-mm-dd."""
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue
    raise DigestInputError(
        f"ngày '{text}' không hợp lệ, hãy ghi dd/mm/yyyy (ví dụ 27/11/2026) hoặc yyyy-mm-dd"
    )


async def run(args: argparse.Namespace, settings: Settings) -> int:
    """Print the digest; a bad argument is one line on stderr and exit code 1."""
    try:
        digest = await _build(args, settings)
    except DigestInputError as exc:
        print(f"Lỗi: {exc}", file=sys.stderr)
        return 1
    text = digest.text
    if args.chart is None:
        # Without --chart no chart is written, so the text must not say one is attached.
        text = text.removesuffix("\n\n" + t(settings.language, "digest.chart_note"))
    print(text)
    if args.chart is not None and digest.image is not None:
        args.chart.write_bytes(digest.image)
        print(f"Đã lưu biểu đồ vào {args.chart}", file=sys.stderr)
    return 0


async def _build(args: argparse.Namespace, settings: Settings) -> Digest:
    now = datetime.now(UTC)
    today = now.astimezone(settings.zone).date()
    day = parse_date(args.date) if args.date else today
    if day > today:
        raise DigestInputError(f"ngày {day.strftime('%d/%m/%Y')} chưa tới, chưa có báo cáo")
    if args.chart is not None:
        if not args.weekly:
            raise DigestInputError("--chart chỉ dùng cùng --weekly (biểu đồ của báo cáo tuần)")
        if not args.chart.parent.exists():
            raise DigestInputError(f"thư mục {args.chart.parent} không tồn tại")
    db = await open_database(settings.db_path, settings.database_url).open()
    try:
        async with db.read() as tx:
            supervisor = await _supervisor(tx, args.supervisor)
            cal = calendar_from(settings.zone, await calendar.declared_days(tx))
            lang = settings.language
            if args.weekly:
                monday = day - timedelta(days=day.weekday())
                return await weekly_digest(tx, supervisor, monday, now, cal, lang)
            return await daily_digest(tx, supervisor, day, now, cal, lang)
    finally:
        await db.close()


async def _supervisor(tx: Tx, query: str | None) -> Person:
    """The person named, who must oversee something; by default the department's leadership."""
    if not await org.all_people(tx):
        raise DigestInputError(EMPTY_DATABASE)
    if query is None:
        leaders = await scope.department_leaders(tx)
        if not leaders:
            raise DigestInputError(
                "chưa có lãnh đạo Sở (cột supervises = all) trong dữ liệu; "
                "dùng --supervisor để chọn người nhận"
            )
        return leaders[0]
    matches = await people_named(tx, query)
    if len(matches) != 1:
        raise DigestInputError(not_one_person(query, matches))
    person = matches[0]
    if not await scope.is_supervisor(tx, person.id):
        raise DigestInputError(
            f"{person.full_name} không phụ trách phòng, tổ công tác nào nên không có báo cáo"
        )
    return person
