"""How difficulties read on a phone: one-line summaries, the detail card, the history."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from handlers.core.texts import t
from handlers.core.topics import topic_label
from storage.difficulties import Difficulty, DifficultyEvent

PREVIEW = 80


def when(moment: datetime, zone: ZoneInfo) -> str:
    """16:30 25/11/2026 in local time."""
    return moment.astimezone(zone).strftime("%H:%M %d/%m/%Y")


def status_label(lang: str, status: str) -> str:
    """The status in words."""
    return t(lang, f"kk.status.{status}")


def summary_line(lang: str, item: Difficulty, now: datetime) -> str:
    """KK-0042 · GẤP · Đã tiếp nhận · QUÁ HẠN · Xã … and a preview."""
    text = " ".join(item.description.split())
    preview = text if len(text) <= PREVIEW else text[:PREVIEW].rsplit(" ", 1)[0] + " …"
    return t(
        lang,
        "kk.line",
        reference=item.reference,
        # Marked as in the digests, so a supervisor scanning the list sees what cannot wait.
        urgent=t(lang, "kk.urgent") if item.urgency == "urgent" else "",
        status=status_label(lang, item.status),
        overdue=t(lang, "kk.overdue") if item.overdue(now) else "",
        commune=item.commune_name,
        preview=preview,
    )


def detail_card(
    lang: str,
    item: Difficulty,
    now: datetime,
    zone: ZoneInfo,
    events: list[DifficultyEvent] | None = None,
) -> str:
    """Everything about one difficulty, on one screen; with its events, a reopened one shows
    the reporter's reason beside the status."""
    status = status_label(lang, item.status)
    reopens = [e for e in events or [] if e.action == "reopen" and e.text]
    if item.status == "reopened" and reopens:
        status += t(lang, "kk.reopen_reason", text=reopens[-1].text)
    return t(
        lang,
        "kk.detail",
        reference=item.reference,
        kind=t(lang, f"kk.kind.{item.kind}"),
        urgency=t(lang, f"kk.urgency.{item.urgency}"),
        commune=item.commune_name,
        topic=topic_label(item.topic, lang),
        reporter=item.reporter_name,
        created=when(item.created_at, zone),
        status=status,
        overdue=t(lang, "kk.overdue") if item.overdue(now) else "",
        first_due=when(item.first_response_due, zone),
        resolution_due=when(item.resolution_due, zone),
        description=item.description,
    )


def action_words(lang: str, action: str, target_name: str = "") -> str:
    """'trả lời', 'chuyển cho …' — what an event did, in words."""
    return t(lang, f"kk.action.{action}", target=target_name)


def history_lines(
    lang: str, events: list[DifficultyEvent], names: dict[int, str], zone: ZoneInfo
) -> str:
    """The history of a difficulty, one line per event."""
    lines = [t(lang, "kk.history_title")]
    for event in events:
        target = names.get(event.target_id or 0, "")
        text = f": {event.text}" if event.text and event.action != "raise" else ""
        lines.append(
            t(
                lang,
                "kk.history_line",
                at=when(event.at, zone),
                actor=event.actor_name,
                action=action_words(lang, event.action, target),
                text=text,
            )
        )
    return "\n".join(lines)


def latest_answer(
    lang: str, status: str, events: list[DifficultyEvent], zone: ZoneInfo
) -> str | None:
    """The latest answer (who, when, text), and what was asked while detail is awaited.

    The reporter opens a difficulty to read what leadership said: that belongs on the card,
    not only under "Xem lịch sử". Supervisors see the same card, so they see it too.
    """
    wanted = ["answer", "ask"] if status == "more_info" else ["answer"]
    lines = []
    for action in wanted:
        found = [e for e in events if e.action == action and e.text]
        if found:
            last = found[-1]
            key = "kk.latest_answer" if action == "answer" else "kk.latest_ask"
            lines.append(
                t(lang, key, actor=last.actor_name, at=when(last.at, zone), text=last.text)
            )
    return "\n\n".join(lines) or None
