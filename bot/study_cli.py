"""`bietphai study …`: the operator's study-visit calendar (`list`) and which commune each contact
speaks for (`contacts`, `confirm-contact`, `set-contact`)."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime

from bot.digest_cli import DigestInputError, parse_date
from bot.person_lookup import not_one_person, people_named
from bot.settings import Settings
from handlers.core.codes import match_code
from handlers.core.messages import Reply
from handlers.core.textfold import fold
from handlers.core.texts import t
from handlers.core.workcal import calendar_from
from handlers.study.calendar import calendar_lines, weeks_between
from handlers.study.weeks import week_of
from storage import audit, calendar, org, outbox, study
from storage.db import Tx, open_database
from storage.models import Commune, Person, Role

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

    actions.add_parser(
        "contacts",
        help="in các đầu mối xã và các đề nghị làm đầu mối đang chờ xác nhận",
        description="in các đầu mối xã và các đề nghị làm đầu mối đang chờ xác nhận",
    )
    confirm = actions.add_parser(
        "confirm-contact",
        help="xác nhận đề nghị làm đầu mối xã mà người này gửi trong chat",
        description="xác nhận đề nghị làm đầu mối xã mà người này gửi trong chat",
    )
    confirm.add_argument("person", metavar="PERSON", help="họ tên đầy đủ hoặc số điện thoại")
    assign = actions.add_parser(
        "set-contact",
        help="ghi xã mà một đầu mối (commune_official) phụ trách",
        description="ghi xã mà một đầu mối (commune_official) phụ trách",
    )
    assign.add_argument("person", metavar="PERSON", help="họ tên đầy đủ hoặc số điện thoại")
    assign.add_argument("commune", metavar="COMMUNE", help="mã hoặc tên xã/phường")


async def run(args: argparse.Namespace, settings: Settings) -> int:
    """One study action; a bad argument is one line on stderr and exit code 1."""
    if args.study_action == "list":
        return await _list(args, settings)
    db = await open_database(settings.db_path, settings.database_url).open()
    try:
        async with db.transaction() as tx:
            if args.study_action == "contacts":
                return await _contacts(tx, settings)
            return await _grant(tx, settings, args)
    except _Refused as exc:
        print(f"Lỗi: {exc}", file=sys.stderr)
        return 1
    finally:
        await db.close()


class _Refused(Exception):
    """A contact command that cannot be done; the message is the line to print."""


async def _contacts(tx: Tx, settings: Settings) -> int:
    for person, commune in await study.contacts(tx):
        print(f"{commune.code}\t{commune.name}\t{person.full_name}\t{person.phone or ''}")
    claims = await study.commune_claims(tx)
    if claims:
        print("Đang chờ xác nhận (bietphai study confirm-contact PERSON):")
    for claim in claims:
        when = claim.claimed_at.astimezone(settings.zone).strftime("%d/%m/%Y %H:%M")
        person = claim.person
        print(f"  {claim.commune.name}\t{person.full_name}\t{person.phone or ''}\t{when}")
    return 0


async def _grant(tx: Tx, settings: Settings, args: argparse.Namespace) -> int:
    """confirm-contact (the person's claim) or set-contact (the commune given)."""
    matches = await people_named(tx, args.person)
    if len(matches) != 1:
        raise _Refused(not_one_person(args.person, matches))
    person = matches[0]
    if person.role != Role.COMMUNE_OFFICIAL:
        raise _Refused(f"{person.full_name} không phải đầu mối xã (commune_official)")
    if args.study_action == "confirm-contact":
        claims = await study.commune_claims(tx, person.id)
        if not claims:
            raise _Refused(f"{person.full_name} không có đề nghị nào đang chờ xác nhận")
        commune = claims[0].commune
    else:
        commune = _commune(args.commune, await org.all_communes(tx))
    now = datetime.now(UTC)
    await study.put_contact_commune(tx, person.id, commune.code)
    await study.drop_commune_claim(tx, person.id)
    await audit.add_audit(
        tx,
        at=now,
        actor="cli",
        action="commune_contact",
        subject=f"person:{person.id}",
        detail=commune.code,
    )
    await _tell(tx, settings, person, commune, now)
    print(f"Đã ghi: {person.full_name} là đầu mối của {commune.name}.")
    return 0


def _commune(text: str, communes: list[Commune]) -> Commune:
    wanted = fold(text).strip()
    exact = [c for c in communes if wanted in (fold(c.code), fold(c.name))]
    if exact:
        return exact[0]
    code = match_code(text, [c.code for c in communes])
    if code is None:
        raise _Refused(f"không có xã/phường '{text}'")
    return next(c for c in communes if c.code == code)


async def _tell(
    tx: Tx, settings: Settings, person: Person, commune: Commune, now: datetime
) -> None:
    """The contact learns that the admin granted the commune (through the outbox)."""
    text = t(person.language or settings.language, "ht.claim_confirmed", commune=commune.name)
    await outbox.enqueue(
        tx,
        key=f"htcontact:{person.id}:{commune.code}:{now.isoformat()}",
        person_id=person.id,
        payload=Reply(text).to_json(),
        now=now,
    )


async def _list(args: argparse.Namespace, settings: Settings) -> int:
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
    db = await open_database(settings.db_path, settings.database_url).open()
    try:
        async with db.read() as tx:
            divisions = await org.divisions(tx)
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
