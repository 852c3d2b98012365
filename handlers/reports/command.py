"""/baocao thang | thang truoc | dot: the report in the state's document format, as a .docx.

An official gets their own report, a supervisor the summary of their scope. The turn only
decides and queues the request in the outbox (in its own transaction, with the answer "đang
lập"); the outbox sender builds the document off the event loop on a read-only snapshot and
sends it, so a crash loses nothing and no write waits for a report.
"""

from __future__ import annotations

from datetime import date, timedelta

from handlers.core.messages import Reply
from handlers.core.textfold import fold
from handlers.core.turn import Turn
from handlers.digest.text import scope_label
from handlers.reports.request import ReportRequest, period_label, report_payload
from storage import digest as digest_reads
from storage import export as reads
from storage import outbox, scope
from storage.models import Role

THIS_MONTH = {"thang", "thangnay", "month", "thismonth"}
LAST_MONTH = {"thangtruoc", "lastmonth"}
WAVE = {"dot", "dotnay", "wave", "thiswave"}


def is_report_request(args: str) -> bool:
    """Whether '/baocao …' asks for a report document (not a digest)."""
    return fold(args).replace(" ", "") in THIS_MONTH | LAST_MONTH | WAVE


def _month(day: date) -> tuple[date, date]:
    first = day.replace(day=1)
    return first, (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)


async def report(turn: Turn) -> list[Reply]:
    """Queue the report asked for; the document follows when it is built."""
    person = turn.person
    if person is None:
        return turn.say("report.not_allowed")
    word = fold(turn.msg.args).replace(" ", "")
    wave = await reads.wave_on(turn.tx, turn.today)
    if word in WAVE:
        if wave is None:
            return turn.say("report.no_wave")
        first, last = wave[1], wave[2]
    elif word in LAST_MONTH:
        first, last = _month(turn.today.replace(day=1) - timedelta(days=1))
    else:
        first, last = _month(turn.today)
    label = period_label(first, last, wave)
    if person.role == Role.OFFICIAL:
        request = ReportRequest(first, last, label, person_id=person.id)
        key = "report.caption_official"
    elif await scope.is_supervisor(turn.tx, person.id):
        request = ReportRequest(
            first,
            last,
            label,
            supervisor_id=person.id,
            scope_label=scope_label("vi", await digest_reads.scope_of(turn.tx, person.id)),
            division_signer=not person.supervises_all,
        )
        key = "report.caption_summary"
    else:
        return turn.say("report.not_allowed")
    caption = turn.t(key, period=label, scope=request.scope_label)
    await outbox.enqueue_to_chat(
        turn.tx,
        key=f"report:{person.id}:{turn.msg.update_key}",
        channel=turn.msg.channel,
        chat_id=turn.msg.chat_id,
        payload=report_payload(caption, request),
        now=turn.now,
    )
    return turn.say("report.preparing", period=label)
