"""/xuat (/export): a supervisor asks for the Excel workbook of a period, within their scope."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from handlers.core.dates import parse_leading_date
from handlers.core.messages import Choice, Reply
from handlers.core.textfold import fold
from handlers.core.turn import Turn
from handlers.digest.text import scope_label
from storage import digest as digest_reads
from storage import export as reads
from storage import export_jobs, org, scope

EXPORT = "export"
_DIVISION = re.compile(r"^[A-Za-z]{2,10}$")


@dataclass(frozen=True)
class ExportAsk:
    """A period (both ends included) and, optionally, one division."""

    first: date
    last: date
    division: str | None = None


def month_start(day: date) -> date:
    """The first day of the month of `day`."""
    return day.replace(day=1)


def named_period(word: str, today: date) -> tuple[date, date] | None:
    """This/last week (Monday to Sunday) or month, from a folded word without spaces."""
    monday = today - timedelta(days=today.weekday())
    if word in ("tuannay", "tuan", "thisweek", "week"):
        return monday, monday + timedelta(days=6)
    if word in ("tuantruoc", "lastweek"):
        return monday - timedelta(days=7), monday - timedelta(days=1)
    if word in ("thangnay", "thang", "thismonth", "month"):
        nxt = (month_start(today) + timedelta(days=32)).replace(day=1)
        return month_start(today), nxt - timedelta(days=1)
    if word in ("thangtruoc", "lastmonth"):
        end = month_start(today) - timedelta(days=1)
        return month_start(end), end
    return None


WAVE_WORDS = {"dotnay", "dot", "thiswave", "wave"}


async def xuat(turn: Turn) -> list[Reply]:
    """/xuat [kỳ] [mã phòng]: ask for the period, or export the one named."""
    if turn.person is None or not await scope.is_supervisor(turn.tx, turn.person_id):
        return turn.say("export.not_supervisor")
    args = turn.msg.args.strip()
    if not args:
        return await _offer_periods(turn)
    division = None
    words = args.split()
    known = dict(await org.divisions(turn.tx))
    if len(words) > 1 and _DIVISION.match(words[-1]) and words[-1].upper() in known:
        division, args = words[-1].upper(), " ".join(words[:-1])
    word = fold(args).replace(" ", "")
    if word in WAVE_WORDS:
        wave = await reads.wave_on(turn.tx, turn.today)
        if wave is None:
            return turn.say("export.no_wave")
        return await answer(turn, ExportAsk(wave[1], wave[2], division))
    period = named_period(word, turn.today)
    if period is None:
        period = _dates(args, turn.today)
    if period is None:
        return _not_understood(turn, words, known)
    first, last = period
    if first > last:
        return turn.say("export.reversed", first=turn.day(first), last=turn.day(last))
    return await answer(turn, ExportAsk(first, last, division))


def _not_understood(turn: Turn, words: list[str], known: dict[str, str]) -> list[Reply]:
    """Name what was not understood: a division code that does not exist, or the period.

    "/xuat tháng này ZZZ" has a good period and an unknown division: saying the period was
    not understood sent people the wrong way, so the division is named with the valid codes.
    """
    codes = ", ".join(sorted(known))
    rest = " ".join(words[:-1])
    if len(words) > 1 and _DIVISION.match(words[-1]):
        word = fold(rest).replace(" ", "")
        if word in WAVE_WORDS or named_period(word, turn.today) or _dates(rest, turn.today):
            return turn.say("export.unknown_division", code=words[-1], codes=codes)
    return turn.say("export.usage", args=" ".join(words), codes=codes)


def _dates(text: str, today: date) -> tuple[date, date] | None:
    """'01/11/2026 30/11/2026', '01/11/2026 - 30/11/2026', '1/11 đến 30/11'."""
    start = parse_leading_date(text, today)
    if start.day is None:
        return None
    rest = start.rest
    for joiner in ("-", "–", "đến", "den", "to"):
        if rest.startswith(joiner):
            rest = rest[len(joiner) :].strip()
            break
    end = parse_leading_date(rest, today)
    if end.day is None or end.rest:
        return None
    return start.day, end.day


async def _offer_periods(turn: Turn) -> list[Reply]:
    today = turn.today
    choices = []
    for key, word in (
        ("export.this_week", "tuannay"),
        ("export.last_week", "tuantruoc"),
        ("export.this_month", "thangnay"),
        ("export.last_month", "thangtruoc"),
    ):
        period = named_period(word, today)
        assert period is not None
        choices.append(Choice(turn.t(key), f"{period[0].isoformat()}:{period[1].isoformat()}"))
    wave = await reads.wave_on(turn.tx, today)
    if wave is not None:
        choices.append(
            Choice(turn.t("export.this_wave"), f"{wave[1].isoformat()}:{wave[2].isoformat()}")
        )
    turn.go(EXPORT, "period")
    return turn.say("export.ask_period", *choices)


async def export_choice(turn: Turn, value: str) -> list[Reply]:
    """A period button: 'YYYY-MM-DD:YYYY-MM-DD'."""
    first_text, _, last_text = value.partition(":")
    try:
        first, last = date.fromisoformat(first_text), date.fromisoformat(last_text)
    except ValueError:
        return turn.say("error.stale_choice")
    turn.finish()
    if turn.person is None or not await scope.is_supervisor(turn.tx, turn.person_id):
        return turn.say("export.not_supervisor")
    return await answer(turn, ExportAsk(first, last))


async def export_message(turn: Turn) -> list[Reply]:
    """Anything typed instead of a period is handled as if nothing had been asked."""
    return await turn.as_new_message()


async def answer(turn: Turn, ask: ExportAsk) -> list[Reply]:
    """Queue the workbook of the supervisor's scope (or one division of it); say so at once."""
    assert turn.person is not None
    label = scope_label(turn.lang, await digest_reads.scope_of(turn.tx, turn.person_id))
    division = ask.division
    if division is not None:
        names = dict(await org.divisions(turn.tx))
        if division not in names:
            codes = ", ".join(sorted(names))
            return turn.say("export.unknown_division", code=division, codes=codes)
        mine = await reads.supervised_division_codes(turn.tx, turn.person_id)
        if not turn.person.supervises_all and division not in mine:
            return turn.say("export.not_your_division", division=names[division])
        label = names[division]
    # Only the request is written here; the export worker builds the file off the event loop
    # and sends it through the outbox, so a department-wide export never holds up the chat.
    await export_jobs.request_export(
        turn.tx,
        person_id=turn.person_id,
        channel=turn.msg.channel,
        chat_id=turn.msg.chat_id,
        language=turn.lang,
        first=ask.first,
        last=ask.last,
        division_code=division,
        scope_label=label,
        now=turn.now,
    )
    return turn.say(
        "export.building",
        first=ask.first.strftime("%d/%m/%Y"),
        last=ask.last.strftime("%d/%m/%Y"),
        scope=label,
    )
