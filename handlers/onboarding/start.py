"""Linking a chat account to a person: invite codes, shared phone numbers, greetings."""

from __future__ import annotations

import hashlib
import hmac
import math
import re
import secrets
from datetime import datetime, timedelta

from handlers.core.messages import Kind, Reply
from handlers.core.notify import release_held
from handlers.core.phone import normalize_phone
from handlers.core.turn import Turn
from handlers.onboarding.general import show_help
from storage import audit, invites, org
from storage.models import Person, Role

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I: codes are read aloud
# 12 characters of 32 = 60 bits, written in groups of 4: "K7QM-3XRT-W9PA". With at most 5 wrong
# tries per account in 10 minutes, guessing one of even a thousand open codes within their week
# is out of reach; offline, the stored HMAC is useless without the server's key.
CODE_LENGTH = 12
CODE_GROUP = 4
_CODE_SHAPE = re.compile(rf"^[{CODE_ALPHABET}]{{{CODE_LENGTH}}}$")
UNREGISTERED_AUDIT_EVERY = timedelta(hours=1)
# Wrong codes allowed per chat account, and per chat, in the window; then a wait.
WRONG_CODES_ALLOWED = 5
WRONG_CODES_WINDOW = timedelta(minutes=10)


def new_invite_code() -> str:
    """A random single-use code in groups of letters and digits (no look-alikes)."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(raw[i : i + CODE_GROUP] for i in range(0, CODE_LENGTH, CODE_GROUP))


def hash_code(code: str, key: bytes) -> str:
    """The stored form of a code: an HMAC with the server's secret key."""
    return hmac.new(key, clean_code(code).encode(), hashlib.sha256).hexdigest()


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
    """Link this account with the person the invite was made for (wrong codes are throttled)."""
    wait = await _throttled_for(turn)
    if wait is not None:
        await _audit_code(turn, "invite_throttled")
        minutes = max(1, math.ceil(wait.total_seconds() / 60))
        return turn.say("invite.throttled", minutes=minutes)
    invite = await invites.invite_by_hash(turn.tx, hash_code(code, turn.config.invite_key))
    if invite is None:
        # Only a code that never existed counts towards the wait: that is what guessing makes.
        await invites.add_invite_failure(
            turn.tx, account=_account(turn), chat=_chat(turn), now=turn.now
        )
        await _audit_code(turn, "invite_wrong")
        return [Reply(turn.t("invite.wrong"), ask_contact=True)]
    if invite.used_at is not None:
        return turn.say("invite.used")
    if invite.expires_at <= turn.now:
        return turn.say("invite.expired")
    if invite.revoked_at is not None:
        await _audit_code(turn, "invite_revoked")
        return turn.say("invite.revoked")
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


def _account(turn: Turn) -> str:
    return f"{turn.msg.channel}:{turn.msg.user_id}"


def _chat(turn: Turn) -> str:
    return f"{turn.msg.channel}:{turn.msg.chat_id}"


async def _throttled_for(turn: Turn) -> timedelta | None:
    """How long this account or chat must wait after too many wrong codes, or None."""
    since = turn.now - WRONG_CODES_WINDOW
    failures = await invites.invite_failures_since(
        turn.tx, account=_account(turn), chat=_chat(turn), since=since
    )
    if len(failures) < WRONG_CODES_ALLOWED:
        return None
    # Free again when enough of the failures have left the window.
    frees_at: datetime = failures[-WRONG_CODES_ALLOWED] + WRONG_CODES_WINDOW
    return frees_at - turn.now


async def _audit_code(turn: Turn, action: str) -> None:
    """Every refused code is an audit line (account, chat), never the code itself."""
    await audit.add_audit(
        turn.tx,
        at=turn.now,
        actor=_account(turn),
        action=action,
        subject=_account(turn),
        detail=f"chat {_chat(turn)}",
    )


async def _audit_unregistered(turn: Turn, action: str) -> None:
    """One audit line per account per hour: enough to follow up, not a log of their texts."""
    subject = f"{turn.msg.channel}:{turn.msg.user_id}"
    since = turn.now - UNREGISTERED_AUDIT_EVERY
    if await audit.audited_since(turn.tx, action=action, subject=subject, since=since):
        return
    await audit.add_audit(
        turn.tx, at=turn.now, actor=subject, action=action, subject=subject, detail=turn.msg.kind
    )
