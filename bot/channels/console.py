"""The console channel: the same handlers in a terminal, choices as numbered lines."""

from __future__ import annotations

import asyncio
import sys
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TextIO

from handlers.core.messages import Incoming, Kind, Reply
from handlers.router import Router, choices_as_lines
from storage import org
from storage.db import Database
from storage.models import Person

CHANNEL = "console"


def console_incoming(person: Person, line: str) -> Incoming:
    """A typed line as a neutral message (commands start with '/')."""
    line = line.rstrip("\n")
    kind, command, args = Kind.TEXT, "", ""
    if line.startswith("/"):
        word, _, rest = line[1:].partition(" ")
        kind, command, args = Kind.COMMAND, word.lower(), rest.strip()
    identity = f"person-{person.id}"
    return Incoming(
        channel=CHANNEL,
        user_id=identity,
        chat_id=identity,
        update_key=f"{CHANNEL}:{uuid.uuid4().hex}",
        sent_at=datetime.now(UTC),
        kind=kind,
        text=line,
        command=command,
        args=args,
        display_name=person.full_name,
        numbered_choices=True,
    )


async def link_console(db: Database, person: Person) -> None:
    """The operator chats as this person: link the console account to them."""
    async with db.transaction() as tx:
        await org.link_identity(
            tx,
            channel=CHANNEL,
            user_id=f"person-{person.id}",
            chat_id=f"person-{person.id}",
            person_id=person.id,
            display_name=person.full_name,
            now=datetime.now(UTC),
        )


def render(reply: Reply, lang: str) -> str:
    """A reply as terminal text."""
    return choices_as_lines(reply, lang)


async def chat_loop(
    router: Router,
    person: Person,
    lang: str,
    *,
    stdin: TextIO = sys.stdin,
    write: Callable[[str], None] = print,
) -> None:
    """Read lines until end of input, answering each one."""
    loop = asyncio.get_running_loop()
    while True:
        line = await loop.run_in_executor(None, stdin.readline)
        if not line:
            return
        if not line.strip():
            continue
        msg = console_incoming(person, line)
        for reply in await router.handle(msg):
            write(render(reply, lang))
            write("")
        await router.replied(msg)
