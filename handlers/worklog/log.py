"""Logging work: /nhatky step by step, and plain text offered as today's entry."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, timedelta
from typing import Any

from handlers.core.dates import LeadingDate, format_day, parse_leading_date
from handlers.core.messages import Choice, Kind, Reply
from handlers.core.steps import description_step, unreadable
from handlers.core.topics import OTHER, TOPICS, is_topic, topic_label
from handlers.core.turn import Turn
from handlers.difficulty.raising import start_raise
from handlers.onboarding.role_answers import plain_text_answer
from storage import worklog
from storage.models import Role
from storage.worklog import NewAttachment

# A text that starts with a written date ("27/11 …"), which is a day even when not yet come.
_NUMERIC = re.compile(r"^\s*(?:ngày\s+|ngay\s+)?\d", re.IGNORECASE)
LOG = "log"
OFFER = "offer"
PREVIEW_CHARS = 300
# A phone screen: more lines than this are cut with "…" (the whole text is still saved).
PREVIEW_LINES = 8
# The confirmation quotes the start of the entry, so the person sees which text was saved.
SAVED_PREVIEW_CHARS = 60


def preview(text: str, limit: int = PREVIEW_CHARS, max_lines: int = PREVIEW_LINES) -> str:
    """The start of a long text, cut at a word, keeping its line breaks.

    Two messages joined into one offer are two lines: run together they read as one
    sentence ("…bộ máy Chiều hướng dẫn…"). Runs of spaces and blank lines are dropped.
    """
    lines = [" ".join(line.split()) for line in text.splitlines()]
    lines = [line for line in lines if line]
    kept = "\n".join(lines[:max_lines])
    if len(kept) <= limit and len(lines) <= max_lines:
        return kept
    if len(kept) > limit:
        head = kept[:limit]
        cut = max(head.rfind(" "), head.rfind("\n"))
        kept = head[:cut] if cut > 0 else head
    return kept.rstrip() + " …"


async def start_log(turn: Turn) -> list[Reply]:
    """/nhatky [hôm qua | dd/mm] [text]: start a work log entry."""
    if turn.person is None or turn.person.role != Role.OFFICIAL:
        return turn.say("not_official")
    named = parse_leading_date(turn.msg.args, turn.today)
    if named.invalid:
        turn.finish()
        return turn.say("log.bad_date")
    return await start_log_on(turn, named.day or turn.today, named.content)


async def start_log_on(turn: Turn, day: date, text: str = "") -> list[Reply]:
    """Start a work log entry for `day` (/nhatky, a reminder button); refuse a day out of reach."""
    if turn.person is None or turn.person.role != Role.OFFICIAL:
        return turn.say("not_official")
    refusal = await check_day(turn, day)
    if refusal:
        turn.finish()
        return refusal
    data: dict[str, Any] = {"day": day.isoformat(), "sent_at": turn.msg.sent_at.isoformat()}
    if text:
        data["text"] = text
    return await advance(turn, data)


async def check_day(turn: Turn, day: date) -> list[Reply] | None:
    """Why this day cannot be logged (future, too long ago, outside assignments), or None."""
    limit = turn.config.backdate_days
    if day > turn.today:
        return turn.say("log.future", day=turn.day(day), days=limit)
    if turn.today - day > timedelta(days=limit):
        return turn.say("log.too_old", day=turn.day(day), days=limit)
    if not await turn.communes_on(day):
        return turn.say("log.no_assignment", day=turn.day(day))
    return None


async def advance(turn: Turn, data: dict[str, Any]) -> list[Reply]:
    """Ask for whatever the entry still lacks (commune, topic, text), or save it."""
    day = date.fromisoformat(data["day"])
    communes = await turn.communes_on(day)
    if not communes:
        turn.finish()
        return turn.say("log.no_assignment", day=turn.day(day))
    if data.get("commune") not in {c.code for c in communes}:
        if len(communes) == 1:
            data["commune"] = communes[0].code
        else:
            turn.go(LOG, "commune", **data)
            choices = [Choice(c.name, f"c:{c.code}") for c in communes]
            return turn.say("log.pick_commune", *choices, day=turn.day(day))
    commune = next(c for c in communes if c.code == data["commune"])
    if not is_topic(str(data.get("topic", ""))):
        turn.go(LOG, "topic", **data)
        choices = [Choice(t.label(turn.lang), f"t:{t.code}") for t in TOPICS]
        return turn.say("log.pick_topic", *choices, day=turn.day(day), commune=commune.name)
    if not str(data.get("text", "")).strip():
        turn.go(LOG, "text", **data)
        return turn.say(
            "log.ask_text", day=turn.day(day), topic=topic_label(data["topic"], turn.lang)
        )
    return await save(turn, data, commune.name)


async def save(turn: Turn, data: dict[str, Any], commune_name: str) -> list[Reply]:
    """Store the entry; the confirmation is only sent after the router commits."""
    day = date.fromisoformat(data["day"])
    attachments = tuple(NewAttachment(kind, file_id) for kind, file_id in data.get("files", []))
    sent_at = datetime.fromisoformat(data["sent_at"])
    await worklog.add_work_log(
        turn.tx,
        person_id=turn.person_id,
        commune_code=data["commune"],
        work_date=day,
        topic=data["topic"],
        text=str(data["text"]).strip(),
        channel=turn.msg.channel,
        sent_at=sent_at,
        now=turn.now,
        attachments=attachments,
    )
    turn.finish()
    extra = turn.t("log.saved_attachments", count=len(attachments)) if attachments else ""
    sent_local = sent_at.astimezone(turn.config.zone)
    # A late entry names both days, so nobody mistakes the day it counts for.
    late = sent_local.date() != day
    return turn.say(
        "log.saved_late" if late else "log.saved",
        day=turn.day(day),
        sent_day=format_day(sent_local.date(), turn.lang, weekday=True, year=False),
        time=f"{sent_local:%H:%M}",
        preview=preview(str(data["text"]), SAVED_PREVIEW_CHARS),
        commune=commune_name,
        topic=topic_label(data["topic"], turn.lang),
        attachments=extra,
    )


async def log_choice(turn: Turn, value: str) -> list[Reply]:
    """A commune or topic picked in the /nhatky flow."""
    data = dict(turn.state.data)
    if value.startswith("c:") and turn.state.step == "commune":
        data["commune"] = value[2:]
    elif value.startswith("t:") and turn.state.step == "topic" and is_topic(value[2:]):
        data["topic"] = value[2:]
    else:
        return turn.say("error.stale_choice")
    return await advance(turn, data)


async def log_message(turn: Turn) -> list[Reply]:
    """Text, photos or anything else sent during the /nhatky flow."""
    return await description_step(turn, LOG, advance, "log.empty")


async def offer(turn: Turn) -> list[Reply]:
    """Plain text (or a captioned photo) outside a flow: offer to save it as an entry.

    A second message while an offer is still open joins the first (nothing typed is lost):
    the texts are kept in order, one per line, photos gather, and a day named in the new
    message moves the joined draft to that day.
    """
    msg = turn.msg
    if turn.person is None:
        return turn.say("not_official")
    if turn.person.role != Role.OFFICIAL:
        return await plain_text_answer(turn)
    if msg.kind not in (Kind.TEXT, Kind.PHOTO, Kind.FILE):
        return unreadable(turn)
    pending = dict(turn.state.data) if turn.state.flow == OFFER else None
    named = parse_leading_date(msg.text, turn.today)
    if named.day is not None and named.day > turn.today and not _NUMERIC.match(msg.text):
        # "Mai Châu …", "Ngày mai họp …" at the start of a note: a plan or a name, not a day
        # to log for; the whole text is offered for today.
        named = LeadingDate(None, unicodedata.normalize("NFC", msg.text).strip())
    if named.invalid:
        return turn.say("log.bad_date")
    files = [[a.kind, a.file_id] for a in msg.attachments]
    text = named.content
    if named.day is not None and not text and not files and not (pending and pending.get("text")):
        return await ask_text_for(turn, named.day)
    if not text and not (pending and files):
        if msg.kind in (Kind.PHOTO, Kind.FILE):
            return turn.say("offer.photo_needs_text")
        return turn.say("log.empty")
    day = named.day or turn.today
    joined = bool(pending and pending.get("text"))
    if pending:
        text = "\n".join(part for part in (str(pending.get("text", "")), text) if part)
        files = [*pending.get("files", []), *files]
        day = named.day or date.fromisoformat(str(pending["day"]))
    sent_at = str(pending.get("sent_at", msg.sent_at.isoformat())) if pending else None
    return await offer_text(turn, day, text, files, sent_at=sent_at, joined=joined)


async def offer_text(
    turn: Turn,
    day: date,
    text: str,
    files: list[list[str]],
    *,
    sent_at: str | None = None,
    joined: bool = False,
) -> list[Reply]:
    """Ask whether to save this text (and files) as the entry of `day`."""
    refusal = await check_day(turn, day)
    if refusal:
        return refusal
    data: dict[str, Any] = {
        "day": day.isoformat(),
        "sent_at": sent_at or turn.msg.sent_at.isoformat(),
        "text": text,
        "files": files,
    }
    turn.go(OFFER, "confirm", **data)
    question = turn.t("offer.question", day=turn.day(day), preview=preview(text))
    if joined:
        question += "\n\n" + turn.t("offer.joined")
    choices = (
        Choice(turn.t("offer.save"), "save"),
        Choice(turn.t("offer.topic"), "topic"),
        Choice(turn.t("offer.difficulty"), "kk"),
        Choice(turn.t("offer.cancel"), "drop"),
    )
    return [Reply(question, choices)]


async def ask_text_for(turn: Turn, day: date) -> list[Reply]:
    """A day named alone ("hôm qua", "04/12"): the next text is the entry for that day."""
    refusal = await check_day(turn, day)
    if refusal:
        return refusal
    turn.go(OFFER, "text", day=day.isoformat())
    return turn.say("log.ask_day_text", day=turn.day(day))


async def offer_choice(turn: Turn, value: str) -> list[Reply]:
    """Save the offered text, choose its topic first, or drop it."""
    data = dict(turn.state.data)
    if value == "save":
        data["topic"] = OTHER
        return await advance(turn, data)
    if value == "topic":
        return await advance(turn, data)
    if value == "kk":
        turn.finish()
        return await start_raise(turn, str(data["text"]), list(data.get("files", [])))
    if value == "drop":
        turn.finish()
        return turn.say("offer.dropped")
    return turn.say("error.stale_choice")
