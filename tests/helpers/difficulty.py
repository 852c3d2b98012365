"""Helpers for difficulty stories: the leaders' names, their inbox, raising an urgent one."""

from __future__ import annotations

import json
from typing import Any

from storage import Database, difficulties
from storage.difficulties import Difficulty
from storage.org_import import resolve_person
from tests.chat import Chat

THU = "Cao Thị Thu"  # heads XDCQ and CCVC, leads working group 1 (XA01-XA06)


TAM = "Hồ Văn Tâm"  # heads TCBC, CCHC, VTLT, leads working group 2 (XA07-XA13)


async def inbox(db: Database, name: str) -> list[dict[str, Any]]:
    """What the outbox holds for a person, oldest first."""
    async with db.read() as tx:
        person_id = await resolve_person(tx, name)
        rows = await tx.all(
            "SELECT key, payload, status FROM outbox WHERE person_id = ? ORDER BY id", (person_id,)
        )
    return [{"key": r["key"], "status": r["status"], **json.loads(r["payload"])} for r in rows]


async def stored(db: Database, difficulty_id: int) -> Difficulty:
    """A difficulty as stored now."""
    async with db.read() as tx:
        item = await difficulties.difficulty_by_id(tx, difficulty_id)
    assert item is not None
    return item


def button(message: dict[str, Any], label: str) -> str:
    """The callback data of a button in a queued message."""
    for (text, _value), data in zip(message["choices"], message["choice_data"], strict=True):
        if label in text:
            return str(data)
    raise AssertionError(f"no {label!r} in {message['choices']}")


async def raise_urgent(chat: Chat, text: str = "Xã chưa có hướng dẫn bố trí công chức") -> int:
    """Raise an urgent difficulty through /khokhan; returns its id."""
    await chat.say("/khokhan")
    if "Nêu khó khăn mới" in chat.buttons:
        await chat.press("Nêu khó khăn mới")
    await chat.press("Quản lý công chức")
    await chat.press("Khó khăn")
    await chat.press("Gấp")
    reply = await chat.say(text)
    assert "Đã ghi nhận KK-" in reply, reply
    return int(reply.split("KK-")[1][:4])
