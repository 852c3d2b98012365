"""Steps several flows share: waiting for a description (with photos), and unreadable input."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from handlers.core.messages import Kind, Reply
from handlers.core.turn import Turn

UNREADABLE = {
    Kind.STICKER: "kind.sticker",
    Kind.VOICE: "kind.voice",
    Kind.LOCATION: "kind.location",
    Kind.CONTACT: "kind.contact",
    # A file is welcome with a description, not where a date or a reason is asked.
    Kind.FILE: "kind.file",
    Kind.OTHER: "kind.other",
}

Advance = Callable[[Turn, dict[str, Any]], Awaitable[list[Reply]]]


def unreadable(turn: Turn) -> list[Reply]:
    """The answer to a sticker, voice note, location or other message where text is expected."""
    what = turn.t(UNREADABLE.get(turn.msg.kind, "kind.other"))
    return turn.say("error.unsupported_kind", what=what)


async def description_step(turn: Turn, flow: str, advance: Advance, empty_key: str) -> list[Reply]:
    """A message in a flow that asks for buttons, then a description.

    While a button is expected, text or photos sent instead are kept as the description (after
    any already given, one per line) and the buttons come again with a word that nothing was
    lost; so a person who types first and picks later saves in one go. At the description
    step, photos and files gather in the flow's data until the text comes (a caption is the
    text); then `advance` goes on with it.
    """
    data = dict(turn.state.data)
    msg = turn.msg
    if turn.state.step != "text":
        if msg.kind not in (Kind.TEXT, Kind.PHOTO, Kind.FILE) or not (
            msg.text.strip() or msg.attachments
        ):
            return [Reply(turn.t("log.pick_again")), *await advance(turn, data)]
        _keep_draft(data, msg.text.strip(), [[a.kind, a.file_id] for a in msg.attachments])
        kept = "draft.kept" if msg.text.strip() else "draft.kept_photo"
        return [Reply(turn.t(kept)), *await advance(turn, data)]
    if msg.kind in (Kind.PHOTO, Kind.FILE):
        files: list[list[str]] = list(data.get("files", []))
        files += [[a.kind, a.file_id] for a in msg.attachments]
        data["files"] = files
        if not msg.text.strip():
            turn.go(flow, "text", **data)
            return turn.say("log.photo_received", count=len(files))
    elif msg.kind != Kind.TEXT:
        return unreadable(turn)
    if not msg.text.strip():
        return turn.say(empty_key)
    data["text"] = msg.text.strip()
    return await advance(turn, data)


def _keep_draft(data: dict[str, Any], text: str, files: list[list[str]]) -> None:
    """Add typed text and photos to the draft of a flow still waiting for a button."""
    if text:
        data["text"] = "\n".join(part for part in (str(data.get("text", "")).strip(), text) if part)
    if files:
        data["files"] = [*data.get("files", []), *files]
