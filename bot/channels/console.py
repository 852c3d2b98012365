"""The console channel: the same handlers in a terminal, choices as numbered lines."""

from __future__ import annotations

import asyncio
import sys
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from handlers.core.messages import Incoming, Kind, Reply
from handlers.core.texts import t
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


# A terminal in line mode keeps at most this many characters of a line (Linux N_TTY) and
# drops the rest without a word; a line this long may have been cut.
TTY_LINE_LIMIT = 4095


def render(reply: Reply, lang: str) -> str:
    """A reply as terminal text."""
    return choices_as_lines(reply, lang)


def save_files(reply: Reply, folder: Path, now: datetime) -> list[Path]:
    """Write the reply's picture and document into `folder`, never over an earlier file."""
    files: list[tuple[str, bytes]] = []
    if reply.image is not None:
        files.append((f"bietphai-bieu-do-{now:%Y%m%d-%H%M%S}.png", reply.image))
    if reply.document is not None:
        # Copied, so the console's folder has its own file.
        files.append((reply.document.name, reply.document.read()))
    saved = []
    for name, content in files:
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / Path(name).name
        stem, suffix, n = target.stem, target.suffix, 2
        while target.exists():
            target, n = folder / f"{stem}-{n}{suffix}", n + 1
        target.write_bytes(content)
        saved.append(target.resolve())
    return saved


def _read_line(stdin: TextIO) -> tuple[str, bool]:
    """One line, and whether the terminal may have cut it.

    On a terminal the line is read through GNU readline, which has no line limit (a long
    paste stays whole) and lets the person edit the line; without readline, a line as long
    as the terminal's limit is said to be possibly cut.
    """
    if stdin is sys.stdin and stdin.isatty():
        try:
            import readline  # noqa: F401  (importing it makes input() use GNU readline)
        except ImportError:
            line = stdin.readline()
            return line, len(line.rstrip("\n")) >= TTY_LINE_LIMIT
        try:
            return input() + "\n", False
        except EOFError:
            return "", False
    return stdin.readline(), False


class ConsoleOutbox:
    """The console's side of the outbox sender: what was queued for this terminal (a report
    asked with /baocao tháng) is written and its file saved, like a direct reply."""

    name = CHANNEL

    def __init__(self, lang: str, files: Path, write: Callable[[str], None] = print) -> None:
        self.lang = lang
        self.files = files
        self.write = write

    def pieces(self, reply: Reply) -> list[Reply]:
        """A terminal takes a reply whole."""
        return [reply]

    async def deliver(self, chat_id: str, piece: Reply) -> None:
        """Write the text, save the files and say where."""
        loop = asyncio.get_running_loop()
        self.write(render(piece, self.lang))
        for path in await loop.run_in_executor(
            None, save_files, piece, self.files, datetime.now(UTC)
        ):
            self.write(t(self.lang, "console.file_saved", path=path))
        self.write("")


async def chat_loop(
    router: Router,
    person: Person,
    lang: str,
    *,
    stdin: TextIO = sys.stdin,
    write: Callable[[str], None] = print,
    files: Path = Path("console-files"),
    queued: Callable[[], Awaitable[object]] | None = None,
) -> None:
    """Read lines until end of input, answering each one; files received are saved in `files`.

    `queued`, when given, delivers what a turn queued for the console (the outbox sender of
    `ConsoleOutbox`), after the turn's own replies."""
    loop = asyncio.get_running_loop()
    while True:
        line, cut = await loop.run_in_executor(None, _read_line, stdin)
        if not line:
            return
        if not line.strip():
            continue
        msg = console_incoming(person, line)
        for reply in await router.handle(msg):
            write(render(reply, lang))
            for path in await loop.run_in_executor(None, save_files, reply, files, msg.sent_at):
                write(t(lang, "console.file_saved", path=path))
            write("")
        await router.replied(msg)
        if queued is not None:
            await queued()
        if cut:
            write(t(lang, "console.line_cut", limit=TTY_LINE_LIMIT))
            write("")
