"""What a person typed in a flow and has not saved yet, so a command that ends the flow gives it
back instead of dropping it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Draft = Callable[[dict[str, Any]], str]
# The quote stays readable on a phone; the rest is marked as cut.
MAX_QUOTE_CHARS = 1500


def typed_text(data: dict[str, Any]) -> str:
    """The text of a log entry, a difficulty or an offer being written."""
    return str(data.get("text", "")).strip()


def visit_agenda(data: dict[str, Any]) -> str:
    """The agenda of a visit being planned."""
    return str(data.get("agenda", "")).strip()


def visit_outcome(data: dict[str, Any]) -> str:
    """What was reviewed, the findings and the follow-up items of an outcome being recorded."""
    parts = [str(data.get("reviewed", "")).strip(), str(data.get("findings", "")).strip()]
    items = [*data.get("items", []), dict(data.get("current") or {})]
    parts += [str(item.get("text", "")).strip() for item in items if isinstance(item, dict)]
    return "\n".join(part for part in parts if part)


def study_request(data: dict[str, Any]) -> str:
    """The officials (name – position) and the topic of a study request being registered."""
    people = [
        " – ".join(str(x) for x in person if str(x).strip()) for person in data.get("people", [])
    ]
    parts = [*people, str(data.get("topic", "")).strip()]
    return "\n".join(part for part in parts if part)


def quote(text: str) -> str:
    """The unsaved text as it is quoted back, cut when very long."""
    if len(text) <= MAX_QUOTE_CHARS:
        return text
    return text[: MAX_QUOTE_CHARS - 1] + "…"
