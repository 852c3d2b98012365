"""Raising a difficulty or a question for leadership (/khokhan) and following one's own."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from handlers.core.deadlines import DeadlinePolicy
from handlers.core.messages import Attachment, Choice, Kind, Reply
from handlers.core.notify import notify, standing, told_text
from handlers.core.steps import description_step
from handlers.core.texts import t
from handlers.core.topics import TOPICS, is_topic, topic_label
from handlers.core.turn import Turn
from handlers.core.workcal import WorkingCalendar, calendar_from
from handlers.difficulty import actions as difficulty_actions
from handlers.difficulty.actions import action_choices
from handlers.difficulty.lifecycle import Action, Actor, Status
from handlers.difficulty.views import summary_line, when
from storage import calendar, difficulties, org, prefs, scope
from storage.difficulties import Difficulty, reference
from storage.models import Person, Role
from storage.worklog import NewAttachment, add_attachment

RAISE = "kk"
AFTER = "kk_after"
KINDS = ("difficulty", "question")
URGENCIES = ("normal", "urgent")


async def working_calendar(turn: Turn) -> WorkingCalendar:
    """The working calendar with the days the admin declared."""
    return calendar_from(turn.config.zone, await calendar.declared_days(turn.tx))


async def start_raise(
    turn: Turn, text: str = "", files: list[list[str]] | None = None
) -> list[Reply]:
    """Start raising a difficulty (optionally with the text already given)."""
    if turn.person is None or turn.person.role != Role.OFFICIAL:
        return turn.say("not_official")
    data: dict[str, Any] = {"text": text, "files": files or []}
    return await advance(turn, data)


async def new_button(turn: Turn, value: str) -> list[Reply]:
    """The «raise a new one» button (`k:new:0`) under the list of one's open difficulties."""
    turn.finish()
    return await start_raise(turn)


async def khokhan(turn: Turn) -> list[Reply]:
    """/khokhan: open one (`/khokhan 42`), raise one (`/khokhan <text>`) or list open ones."""
    number = parse_reference(turn.msg.args)
    if number is not None:
        return await difficulty_actions.show(turn, number)
    if turn.person is not None and turn.person.role != Role.OFFICIAL:
        return await difficulty_actions.list_in_scope(turn)
    if turn.msg.args.strip():
        # "/khokhan <description>" as people write it: the words are the description, kept.
        return await start_raise(turn, turn.msg.args.strip())
    mine = await difficulties.open_difficulties_of_reporter(turn.tx, turn.person_id)
    if not mine:
        return await start_raise(turn)
    return [my_open_list(turn, mine, with_new_button=True)]


def my_open_list(turn: Turn, items: list[Difficulty], *, with_new_button: bool) -> Reply:
    """The person's open difficulties with their status, each one a button.

    "Nêu khó khăn mới" comes first, so on numbered channels its number is always 1 however
    many are open; there the numbered choices are the list itself (shown once, not twice).
    """
    choices = [Choice(turn.t("kk.new_button"), "k:new:0")] if with_new_button else []
    lines = [turn.t("kk.mine_title")]
    for item in items[:10]:
        line = summary_line(turn.lang, item, turn.now)
        if turn.msg.numbered_choices:
            choices.append(Choice(line, f"k:view:{item.id}"))
        else:
            lines.append(line)
            choices.append(Choice(item.reference, f"k:view:{item.id}"))
    return Reply("\n".join(lines), tuple(choices))


def parse_reference(text: str) -> int | None:
    """42 from '42', 'KK-0042', 'kk42'."""
    digits = text.strip().upper().removeprefix("KK").lstrip("-").strip()
    return int(digits) if digits.isdigit() else None


async def advance(turn: Turn, data: dict[str, Any]) -> list[Reply]:
    """Ask for what is missing (commune, topic, kind, urgency, text), or save."""
    communes = await turn.communes_on(turn.today)
    if not communes:
        # An official between assignments may still raise about their last commune.
        communes = await org.current_and_next_communes(turn.tx, turn.person_id, turn.today)
    if not communes:
        turn.finish()
        return turn.say("log.no_assignment", day=turn.day(turn.today))
    if data.get("commune") not in {c.code for c in communes}:
        if len(communes) == 1:
            data["commune"] = communes[0].code
        else:
            turn.go(RAISE, "commune", **data)
            return turn.say("kk.pick_commune", *[Choice(c.name, f"c:{c.code}") for c in communes])
    if not is_topic(str(data.get("topic", ""))):
        turn.go(RAISE, "topic", **data)
        return turn.say(
            "kk.pick_topic", *[Choice(t.label(turn.lang), f"t:{t.code}") for t in TOPICS]
        )
    if data.get("kind") not in KINDS:
        turn.go(RAISE, "kind", **data)
        return turn.say("kk.pick_kind", *[Choice(turn.t(f"kk.kind.{k}"), f"k_{k}") for k in KINDS])
    if data.get("urgency") not in URGENCIES:
        turn.go(RAISE, "urgency", **data)
        choices = [Choice(turn.t(f"kk.urgency.{u}"), f"u_{u}") for u in URGENCIES]
        return turn.say("kk.pick_urgency", *choices)
    if not str(data.get("text", "")).strip():
        turn.go(RAISE, "text", **data)
        return turn.say(
            "kk.ask_text",
            kind=turn.t(f"kk.kind.{data['kind']}"),
            urgency=turn.t(f"kk.urgency.{data['urgency']}"),
        )
    return await save(turn, data)


async def save(turn: Turn, data: dict[str, Any]) -> list[Reply]:
    """Store the difficulty, queue the notices to supervisors, and answer with its reference."""
    person = turn.person
    assert person is not None
    cal = await working_calendar(turn)
    policy: DeadlinePolicy = turn.config.deadlines
    first_due, resolution_due = policy.due(cal, turn.now, data["urgency"])
    difficulty_id = await difficulties.add_difficulty(
        turn.tx,
        reporter_id=person.id,
        commune_code=data["commune"],
        division_code=person.division_code,
        topic=data["topic"],
        kind=data["kind"],
        urgency=data["urgency"],
        description=str(data["text"]).strip(),
        now=turn.now,
        first_response_due=first_due,
        resolution_due=resolution_due,
    )
    for kind, file_id in data.get("files", []):
        await add_attachment(
            turn.tx,
            "difficulty",
            difficulty_id,
            turn.msg.channel,
            NewAttachment(kind, file_id),
            turn.now,
        )
    item = await difficulties.difficulty_by_id(turn.tx, difficulty_id)
    assert item is not None
    watchers = await scope.supervisors_for(turn.tx, item.division_code, item.commune_code)
    told = await notify_new(turn, item, watchers)
    until = turn.now + timedelta(minutes=turn.config.difficulty_addition_minutes)
    turn.go(AFTER, "attach", id=difficulty_id, until=until.isoformat())
    lines = [
        turn.t(
            "kk.saved",
            reference=reference(difficulty_id),
            kind=turn.t(f"kk.kind.{item.kind}"),
            urgency=turn.t(f"kk.urgency.{item.urgency}"),
            due=when(first_due, turn.config.zone),
        )
    ]
    if told:
        lines.append(await told_text(turn, told))
    later = [p.full_name for p in watchers if p.id not in told]
    if later or not watchers:
        names = ", ".join(later) or turn.t("kk.nobody")
        lines.append(turn.t("kk.in_digest", names=names))
    lines.append(
        turn.t(
            "kk.more_now",
            reference=reference(difficulty_id),
            minutes=turn.config.difficulty_addition_minutes,
        )
        if turn.config.difficulty_addition_minutes
        else turn.t("kk.follow")
    )
    return [Reply("\n".join(lines))]


async def notify_new(turn: Turn, item: Difficulty, watchers: list[Person]) -> dict[int, str]:
    """Push a new difficulty to supervisors in scope (normal ones unless 'digest only');
    returns who was sent a notice."""
    told: dict[int, str] = {}
    for supervisor in watchers:
        if item.urgency != "urgent":
            mode = await prefs.notify_mode(turn.tx, supervisor.id)
            if mode == "digest":
                continue
        lang = supervisor.language or turn.config.language
        text = t(
            lang,
            "kk.notify.new",
            urgent_mark=t(lang, "kk.notify.urgent_mark") if item.urgency == "urgent" else "",
            reference=item.reference,
            reporter=item.reporter_name,
            commune=item.commune_name,
            kind=t(lang, f"kk.kind.{item.kind}"),
            topic=topic_label(item.topic, lang),
            description=item.description,
            first_due=when(item.first_response_due, turn.config.zone),
        )
        choices = action_choices(lang, item.id, Actor.SUPERVISOR, Status.NEW)
        await notify(
            turn, supervisor.id, f"kk:{item.id}:new:{supervisor.id}", standing(text, *choices)
        )
        told[supervisor.id] = supervisor.full_name
    return told


async def raise_choice(turn: Turn, value: str) -> list[Reply]:
    """A commune, topic, kind or urgency picked while raising."""
    data = dict(turn.state.data)
    step = turn.state.step
    if step == "commune" and value.startswith("c:"):
        data["commune"] = value[2:]
    elif step == "topic" and value.startswith("t:") and is_topic(value[2:]):
        data["topic"] = value[2:]
    elif step == "kind" and value.removeprefix("k_") in KINDS:
        data["kind"] = value.removeprefix("k_")
    elif step == "urgency" and value.removeprefix("u_") in URGENCIES:
        data["urgency"] = value.removeprefix("u_")
    else:
        return turn.say("error.stale_choice")
    return await advance(turn, data)


async def raise_message(turn: Turn) -> list[Reply]:
    """The description (with photos) while raising; anything else shows the choices again."""
    return await description_step(turn, RAISE, advance, "kk.empty")


async def after_choice(turn: Turn, value: str) -> list[Reply]:
    """A text sent right after raising: added to the difficulty, or offered as a log entry."""
    data = turn.state.data
    if turn.state.step != "confirm" or value not in ("add", "log"):
        return turn.say("error.stale_choice")
    text, files = str(data.get("text", "")), list(data.get("files", []))
    if value == "add":
        return await difficulty_actions.apply(
            turn, int(data["id"]), Action.COMMENT, text=text, files=files
        )
    # As if the message had come with no difficulty just raised: the plain-text offer.
    turn.msg = replace(
        turn.msg,
        kind=Kind.PHOTO if files and not text else Kind.TEXT,
        text=text,
        attachments=tuple(Attachment(str(kind), str(file_id)) for kind, file_id in files),
        sent_at=datetime.fromisoformat(str(data["sent_at"])),
    )
    return await turn.as_new_message()


def _short(text: str, limit: int = 300) -> str:
    """The start of a text for a question, cut at a word."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[:limit].rsplit(" ", 1)[0] + " …"


async def after_message(turn: Turn) -> list[Reply]:
    """Right after raising (BOT_DIFFICULTY_ADDITION_MINUTES), text and photos are offered as an
    addition to the difficulty, one tap either way; later, anything is a fresh message."""
    msg = turn.msg
    until = turn.state.data.get("until")
    if (
        until
        and turn.now < datetime.fromisoformat(str(until))
        and msg.kind in (Kind.TEXT, Kind.PHOTO, Kind.FILE)
        # A photo without words attaches at once (it cannot be a log entry); words are asked.
        and (msg.text.strip() or (msg.attachments and turn.state.step == "confirm"))
        and turn.person is not None
        and turn.person.role == Role.OFFICIAL
    ):
        data = dict(turn.state.data)
        if turn.state.step == "confirm":
            # A second message joins the first, as a plain-text offer does.
            data["text"] = "\n".join(p for p in (str(data.get("text", "")), msg.text.strip()) if p)
            data["files"] = [
                *data.get("files", []),
                *([a.kind, a.file_id] for a in msg.attachments),
            ]
        else:
            data["text"] = msg.text.strip()
            data["files"] = [[a.kind, a.file_id] for a in msg.attachments]
            data["sent_at"] = msg.sent_at.isoformat()
        turn.go(AFTER, "confirm", **data)
        ref = reference(int(data["id"]))
        question = turn.t(
            "kk.add_or_log",
            reference=ref,
            preview=_short(str(data["text"])) or turn.t("kk.files_only", count=len(data["files"])),
        )
        choices = (
            Choice(turn.t("kk.button.add_to", reference=ref), "add"),
            Choice(turn.t("kk.button.log_instead"), "log"),
        )
        return [Reply(question, choices)]
    if msg.kind in (Kind.PHOTO, Kind.FILE) and not msg.text.strip():
        difficulty_id = int(turn.state.data["id"])
        for attachment in msg.attachments:
            await add_attachment(
                turn.tx,
                "difficulty",
                difficulty_id,
                msg.channel,
                NewAttachment(attachment.kind, attachment.file_id),
                turn.now,
            )
        item = await difficulties.difficulty_by_id(turn.tx, difficulty_id)
        count = item.attachment_count if item else 0
        return turn.say("kk.attached", reference=reference(difficulty_id), count=count)
    return await turn.as_new_message()
