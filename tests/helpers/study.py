"""Helpers for study-visit stories: commune contacts, registering a group, reading a notice."""

from __future__ import annotations

from typing import Any

from storage import Database, study
from storage.org_import import OrgData, PersonRow, apply_org, resolve_person
from tests.chat import Chat, local
from tests.helpers.sample import MakeChat

XUAN = "Đinh Văn Xuân"  # commune contact, no commune yet in the sample


YEN = "Triệu Thị Yến"  # commune contact


VAN = "Sầm Thị Vân"  # a third commune contact, added by `add_contact`


XDCQ = "Phòng Xây dựng chính quyền"


async def add_contact(db: Database, name: str, phone: str, commune: str | None = None) -> None:
    """Add a commune contact to the organisation, as a workbook row would (commune: its code)."""
    row = PersonRow(name, "commune_official", None, phone, commune_code=commune)
    async with db.transaction() as tx:
        await apply_org(tx, OrgData(people=[row]), local("2026-11-01 08:00"))


async def contact(linked_chat: MakeChat, name: str, commune: str, when: str) -> Chat:
    """A linked commune contact who claimed their commune at the first /hoctap, which the admin
    then confirmed (`bietphai study confirm-contact`); back at /hoctap."""
    chat = await linked_chat(name)
    chat.at(when)
    reply = await chat.say("/hoctap")
    assert "đầu mối của xã/phường nào" in reply, reply
    await chat.press(commune)
    assert "Đã gửi quản trị viên đề nghị xác nhận anh/chị là đầu mối của" in chat.text
    await admin_confirms(chat, name)
    await chat.say("/hoctap")
    return chat


async def admin_confirms(chat: Chat, name: str) -> None:
    """The admin grants the commune a contact claimed in the chat (as confirm-contact does)."""
    async with chat.router.db.transaction() as tx:
        person = await resolve_person(tx, name)
        [claim] = await study.commune_claims(tx, person)
        await study.put_contact_commune(tx, person, claim.commune.code)
        await study.drop_commune_claim(tx, person)


async def register(chat: Chat, people: str, divisions: list[str], weeks: str, topic: str) -> str:
    """Fill in the request from the step asking for the officials; returns the last reply."""
    if "Gửi danh sách cán bộ" not in chat.text:
        await chat.say("/hoctap mới")
    await chat.say(people)
    for division in divisions:
        await chat.press(division)
    await chat.press("Xong")
    assert "tuần nào" in chat.text, chat.text
    await chat.say(weeks)
    assert "Nội dung muốn học tập" in chat.text, chat.text
    return await chat.say(topic)


def group(n: int, prefix: str) -> str:
    """n officials, one per line, with positions."""
    return "\n".join(f"{prefix} Văn {chr(65 + i)} — Công chức văn phòng" for i in range(n))


def card(notices: list[dict[str, Any]], ref: str) -> dict[str, Any]:
    """The notice about this reference."""
    return next(n for n in notices if ref in n["text"])


def data_of(notice: dict[str, Any], label: str) -> str:
    """The callback data of a notice's button."""
    for (text, _), data in zip(notice["choices"], notice["choice_data"], strict=True):
        if label in text:
            return str(data)
    raise AssertionError(f"no button {label!r} in {notice['choices']}")
