"""/baocao (/digest): a supervisor asks for a digest of today, another day, or a week."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from handlers.core.dates import parse_leading_date
from handlers.core.messages import Choice, Reply
from handlers.core.textfold import fold
from handlers.core.turn import Turn
from handlers.difficulty.raising import working_calendar
from handlers.digest.daily import daily_digest, weekly_digest
from handlers.reports import command as report_command
from storage import scope
from storage.models import Role

DIGEST = "digest"
TODAY_WORDS = {"", "homnay", "today"}
YESTERDAY_WORDS = {"homqua", "yesterday"}
WEEK_WORDS = {"tuan", "tuannay", "week", "thisweek"}
LAST_WEEK_WORDS = {"tuantruoc", "lastweek"}


@dataclass(frozen=True)
class DigestRequest:
    """A day's digest, or the week (Monday to Sunday) containing `day`."""

    day: date
    weekly: bool = False


def parse_request(args: str, today: date) -> DigestRequest | None:
    """What '/baocao …' asks for: '', 'hôm qua', '27/11', 'tuan', 'tuan truoc', 'tuan 16/11'."""
    word = fold(args).replace(" ", "")
    if word in TODAY_WORDS:
        return DigestRequest(today)
    if word in YESTERDAY_WORDS:
        return DigestRequest(today - timedelta(days=1))
    if word in WEEK_WORDS:
        return DigestRequest(today, weekly=True)
    if word in LAST_WEEK_WORDS:
        return DigestRequest(today - timedelta(days=7), weekly=True)
    text, weekly = args.strip(), False
    for prefix in ("tuan", "week"):
        if fold(text).startswith(prefix + " "):
            text, weekly = text[len(prefix) + 1 :], True
    named = parse_leading_date(text, today)
    if named.day is None or named.rest:
        return None
    return DigestRequest(named.day, weekly)


async def baocao(turn: Turn) -> list[Reply]:
    """/baocao [hôm qua | dd/mm | tuan | tuan truoc]: the digest of this supervisor's scope;
    /baocao thang | thang truoc | dot: the report document (`handlers.report_command`)."""
    if report_command.is_report_request(turn.msg.args):
        return await report_command.report(turn)
    if turn.person is None or not await scope.is_supervisor(turn.tx, turn.person_id):
        if turn.person is not None and turn.person.role == Role.OFFICIAL:
            return turn.say("report.official_usage")
        return turn.say("digest.not_supervisor")
    request = parse_request(turn.msg.args, turn.today)
    if request is None:
        return turn.say("digest.usage")
    return await answer(turn, request)


async def answer(turn: Turn, request: DigestRequest) -> list[Reply]:
    """Build the digest asked for, with buttons for the neighbouring ones."""
    assert turn.person is not None
    if request.day > turn.today:
        return turn.say("digest.future", day=turn.day(request.day))
    calendar = await working_calendar(turn)
    today, yesterday = turn.today, turn.today - timedelta(days=1)
    if request.weekly:
        monday = request.day - timedelta(days=request.day.weekday())
        digest = await weekly_digest(turn.tx, turn.person, monday, turn.now, calendar, turn.lang)
        choices = [Choice(turn.t("digest.button_today"), f"d:{today.isoformat()}")]
        previous = monday - timedelta(days=7)
        choices.append(Choice(turn.t("digest.button_last_week"), f"w:{previous.isoformat()}"))
    else:
        digest = await daily_digest(
            turn.tx, turn.person, request.day, turn.now, calendar, turn.lang
        )
        choices = []
        if request.day != today:
            choices.append(Choice(turn.t("digest.button_today"), f"d:{today.isoformat()}"))
        if request.day != yesterday:
            choices.append(Choice(turn.t("digest.button_yesterday"), f"d:{yesterday.isoformat()}"))
        choices.append(Choice(turn.t("digest.button_week"), f"w:{today.isoformat()}"))
    turn.go(DIGEST, "view")
    return [Reply(digest.text, tuple(choices), image=digest.image)]


async def digest_choice(turn: Turn, value: str) -> list[Reply]:
    """A button under a digest: another day ('d:YYYY-MM-DD') or a week ('w:YYYY-MM-DD')."""
    kind, _, iso = value.partition(":")
    try:
        day = date.fromisoformat(iso)
    except ValueError:
        return turn.say("error.stale_choice")
    if kind not in ("d", "w") or turn.person is None:
        return turn.say("error.stale_choice")
    if not await scope.is_supervisor(turn.tx, turn.person_id):
        turn.finish()
        return turn.say("digest.not_supervisor")
    return await answer(turn, DigestRequest(day, weekly=kind == "w"))


async def digest_message(turn: Turn) -> list[Reply]:
    """Anything typed after a digest is handled as if no digest had been shown."""
    return await turn.as_new_message()
