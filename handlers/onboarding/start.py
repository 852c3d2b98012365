"""Linking a chat account to a person: invite codes, shared phone numbers, greetings."""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import timedelta

from handlers.core.messages import Kind, Reply
from handlers.core.notify import release_held
from handlers.core.phone import normalize_phone
from handlers.core.turn import Turn
from handlers.onboarding.general import show_help
from storage import audit, invites, org
from storage.models import Person, Role

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I: codes are read aloud
CODE_LENGTH = 8
_CODE_SHAPE = re.compile(rf"^[{CODE_ALPHABET}]{{{CODE_LENGTH}}}$")
UNREGISTERED_AUDIT_EVERY = timedelta(hours=1)


def new_invite_code() -> str:
    """A random single-use code."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def hash_code(code: str) -> str:
    """The stored form of a code."""
    return hashlib.sha256(clean_code(code).encode()).hexdigest()


def clean_code(text: str) -> str:
    """A code as typed, without spaces or dashes, upper case."""
    return re.sub(r"[\s\-]", "", text).upper()


def looks_like_code(text: str) -> bool:
    """Whether a bare message is probably an invite code (Zalo has no /start)."""
    return bool(_CODE_SHAPE.match(clean_code(text)))


async def unregistered(turn: Turn) -> list[Reply]:
    """Someone whose account is not linked: redeem a code or a phone, else explain."""
    msg = turn.msg
    if msg.kind == Kind.COMMAND and msg.command == "start" and msg.args.strip():
        return await redeem_code(turn, msg.args)
    if msg.kind == Kind.TEXT and looks_like_code(msg.text):
        return await redeem_code(turn, msg.text)
    if msg.kind == Kind.CONTACT:
        return await link_by_phone(turn)
    await _audit_unregistered(turn, "unregistered_message")
    return [Reply(turn.t("unregistered"), ask_contact=True)]


async def redeem_code(turn: Turn, code: str) -> list[Reply]:
    """Link this account with the person the invite was made for."""
    invite = await invites.invite_by_hash(turn.tx, hash_code(code))
    if invite is None:
        await _audit_unregistered(turn, "invite_wrong")
        return [Reply(turn.t("invite.wrong"), ask_contact=True)]
    if invite.used_at is not None:
        return turn.say("invite.used")
    if invite.expires_at <= turn.now:
        return turn.say("invite.expired")
    linked_to = await org.identity_person_id(turn.tx, turn.msg.channel, turn.msg.user_id)
    if linked_to is not None and linked_to != invite.person_id:
        return turn.say("invite.other_person")
    person = await org.person_by_id(turn.tx, invite.person_id)
    if person is None or not person.active:
        return turn.say("invite.wrong")
    await invites.use_invite(turn.tx, invite.id, channel=turn.msg.channel, now=turn.now)
    return await _link(turn, person, how="invite")


async def link_by_phone(turn: Turn) -> list[Reply]:
    """Link this account when the shared phone matches exactly one person."""
    if not turn.msg.contact_is_own:
        return [Reply(turn.t("contact.not_own"), ask_contact=True)]
    phone = normalize_phone(turn.msg.contact_phone)
    matches = await org.people_with_phone(turn.tx, phone) if phone else []
    if len(matches) != 1:
        await _audit_unregistered(turn, "phone_unknown")
        return turn.say("contact.no_match", phone=turn.msg.contact_phone)
    return await _link(turn, matches[0], how="phone")


async def _link(turn: Turn, person: Person, *, how: str) -> list[Reply]:
    msg = turn.msg
    await org.link_identity(
        turn.tx,
        channel=msg.channel,
        user_id=msg.user_id,
        chat_id=msg.chat_id,
        person_id=person.id,
        display_name=msg.display_name,
        now=turn.now,
    )
    await release_held(turn, person.id)
    await audit.add_audit(
        turn.tx,
        at=turn.now,
        actor=f"person:{person.id}",
        action="link_account",
        subject=f"{msg.channel}:{msg.user_id}",
        detail=how,
    )
    turn.person = person
    turn.finish()
    return [await greeting(turn, first_time=True)]


async def greeting(turn: Turn, *, first_time: bool = False) -> Reply:
    """Hello by name, the person's communes and what they can do."""
    person = turn.person
    assert person is not None
    lines = []
    if first_time:
        channel = (
            turn.t(f"channel.{turn.msg.channel}")
            if turn.msg.channel in ("telegram", "zalo", "console")
            else turn.msg.channel
        )
        lines.append(turn.t("greeting", name=turn.addressed(person), channel=channel))
    else:
        lines.append(turn.t("greeting.again", name=turn.addressed(person)))
    if person.role == Role.OFFICIAL:
        communes = await org.current_and_next_communes(turn.tx, person.id, turn.today)
        if communes:
            lines.append(turn.t("greeting.communes", communes=", ".join(c.name for c in communes)))
        else:
            lines.append(turn.t("greeting.no_commune"))

    lines.append((await show_help(turn))[0].text)
    return Reply("\n".join(lines))


async def start(turn: Turn) -> list[Reply]:
    """/start from someone already linked: greet again."""
    turn.finish()
    return [await greeting(turn)]


async def _audit_unregistered(turn: Turn, action: str) -> None:
    """One audit line per account per hour: enough to follow up, not a log of their texts."""
    subject = f"{turn.msg.channel}:{turn.msg.user_id}"
    since = turn.now - UNREGISTERED_AUDIT_EVERY
    if await audit.audited_since(turn.tx, action=action, subject=subject, since=since):
        return
    await audit.add_audit(
        turn.tx, at=turn.now, actor=subject, action=action, subject=subject, detail=turn.msg.kind
    )
