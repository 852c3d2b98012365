"""/cuatoi: the person's own entries, with edit and delete (only the author may)."""

from __future__ import annotations

from handlers.core.messages import Choice, Kind, Reply
from handlers.core.steps import unreadable
from handlers.core.topics import topic_label
from handlers.core.turn import Turn
from handlers.difficulty.raising import my_open_list
from handlers.difficulty.views import summary_line
from handlers.worklog import log as log_flow
from handlers.worklog.entry_names import entry_short, entry_stamp
from storage import difficulties, worklog
from storage.difficulties import Difficulty
from storage.models import Role, WorkLog

MINE = "mine"
PAGE = 10


async def show_list(turn: Turn, offset: int = 0) -> list[Reply]:
    """The latest entries, ten at a time, each one a choice (listed once on every channel)."""
    if turn.person is None or turn.person.role != Role.OFFICIAL:
        return turn.say("not_official")
    total = await worklog.count_work_logs(turn.tx, turn.person_id)
    entries = await worklog.recent_work_logs(turn.tx, turn.person_id, PAGE, offset)
    open_items = await difficulties.open_difficulties_of_reporter(turn.tx, turn.person_id)
    tail = [_open_tail(turn, open_items)] if open_items and not offset else []
    if not entries:
        turn.finish()
        return [*turn.say("mine.empty"), *tail]
    title = turn.t("mine.title", shown=offset + len(entries), total=total)
    lines, choices = [title], []
    for n, entry in enumerate(entries, start=offset + 1):
        line = turn.t(
            "mine.line",
            stamp=_stamp(turn, entry),
            commune=entry.commune_name,
            topic=topic_label(entry.topic, turn.lang),
            flags=_flags(turn, entry),
            preview=log_flow.preview(entry.text, 80),
        )
        if turn.msg.numbered_choices:
            # Without buttons the numbered choices are the list: showing both repeats it.
            choices.append(Choice(line, f"o:{entry.id}"))
            continue
        lines.append(f"{n}. {line}")
        short = entry_short(entry.work_date, entry.sent_at, turn.config.zone)
        choices.append(Choice(turn.t("mine.choice", n=n, stamp=short), f"o:{entry.id}"))
    if offset + len(entries) < total:
        choices.append(Choice(turn.t("mine.more"), f"m:{offset + PAGE}"))
    turn.go(MINE, "list", offset=offset)
    return [Reply("\n".join(lines), tuple(choices)), *tail]


def _open_tail(turn: Turn, items: list[Difficulty]) -> Reply:
    """The open difficulties under the entries; without buttons, named by /khokhan N.

    On numbered channels only the last numbered list answers a number, so a second list
    would steal the numbers of the entries: there each difficulty says how to open it.
    """
    if not turn.msg.numbered_choices:
        return my_open_list(turn, items, with_new_button=False)
    lines = [turn.t("kk.mine_title")]
    lines += [summary_line(turn.lang, item, turn.now) for item in items[:PAGE]]
    lines.append(turn.t("kk.open_by_number", number=items[0].id))
    return Reply("\n".join(lines))


def _stamp(turn: Turn, entry: WorkLog) -> str:
    return entry_stamp(turn.lang, entry.work_date, entry.sent_at, turn.config.zone)


def _flags(turn: Turn, entry: WorkLog) -> str:
    flags = turn.t("mine.edited") if entry.edited else ""
    if entry.attachment_count:
        flags += turn.t("log.saved_attachments", count=entry.attachment_count)
    return flags


async def mine_choice(turn: Turn, value: str) -> list[Reply]:
    """Open, edit, delete or page through entries."""
    action, _, arg = value.partition(":")
    if action == "m" and arg.isdigit():
        return await show_list(turn, int(arg))
    if action == "b":
        return await show_list(turn, int(str(turn.state.data.get("offset", 0))))
    if action not in ("o", "e", "d", "y", "n") or not arg.isdigit():
        return turn.say("error.stale_choice")
    entry = await worklog.work_log_by_id(turn.tx, int(arg))
    if entry is None or entry.deleted:
        return turn.say("mine.gone")
    if entry.person_id != turn.person_id:
        return turn.say("mine.not_yours")
    offset = turn.state.data.get("offset", 0)
    if action == "o":
        turn.go(MINE, "entry", offset=offset)
        text = turn.t(
            "mine.entry",
            stamp=_stamp(turn, entry),
            commune=entry.commune_name,
            topic=topic_label(entry.topic, turn.lang),
            flags=_flags(turn, entry),
            text=entry.text,
        )
        choices = (
            Choice(turn.t("mine.edit"), f"e:{entry.id}"),
            Choice(turn.t("mine.delete"), f"d:{entry.id}"),
            Choice(turn.t("mine.back"), "b"),
        )
        return [Reply(text, choices)]
    if action == "e":
        turn.go(MINE, "edit", entry=entry.id, offset=offset)
        return turn.say("mine.ask_new_text", stamp=_stamp(turn, entry))
    if action == "d":
        turn.go(MINE, "confirm_delete", entry=entry.id, offset=offset)
        return turn.say(
            "mine.confirm_delete",
            Choice(turn.t("mine.confirm_yes"), f"y:{entry.id}"),
            Choice(turn.t("mine.confirm_no"), f"n:{entry.id}"),
            stamp=_stamp(turn, entry),
        )
    turn.finish()
    if action == "y":
        await worklog.delete_work_log(turn.tx, entry.id, by=turn.person_id, now=turn.now)
        return turn.say("mine.deleted", stamp=_stamp(turn, entry))
    return turn.say("mine.kept", stamp=_stamp(turn, entry))


async def mine_message(turn: Turn) -> list[Reply]:
    """The new text of an entry being edited; anything else is a fresh message."""
    if turn.state.step != "edit":
        turn.finish()
        return await log_flow.offer(turn)
    if turn.msg.kind != Kind.TEXT:
        return unreadable(turn)
    text = turn.msg.text.strip()
    if not text:
        return turn.say("log.empty")
    entry_id = int(str(turn.state.data["entry"]))
    entry = await worklog.work_log_by_id(turn.tx, entry_id)
    if entry is None or entry.deleted:
        turn.finish()
        return turn.say("mine.gone")
    if entry.person_id != turn.person_id:
        turn.finish()
        return turn.say("mine.not_yours")
    await worklog.edit_work_log(
        turn.tx, entry_id, text=text, topic=None, by=turn.person_id, now=turn.now
    )
    turn.finish()
    return turn.say("mine.edited_ok", stamp=_stamp(turn, entry))
