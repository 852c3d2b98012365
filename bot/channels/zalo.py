"""Zalo through our own Bot API client: messages in, neutral replies out as plain texts."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from bot.channels.reply_queue import ReplyQueue, UnsentRecovery
from bot.channels.textsplit import split_text
from bot.channels.zalo_api import MAX_TEXT_LENGTH, ZaloClient, ZaloError
from bot.channels.zalo_events import CHANNEL, ZaloUpdate, to_incoming
from bot.image_links import ImageLinks
from bot.monitor import Monitor
from handlers.core.messages import Incoming, Reply
from handlers.core.texts import t
from handlers.router import Router, button_hint, choices_as_lines

log = logging.getLogger(__name__)


def zalo_texts(
    reply: Reply, lang: str, *, chart_linked: bool = False, file_linked: bool = False
) -> list[str]:
    """A reply as Zalo texts of 1–2000 characters, cut on paragraph or line boundaries."""
    hints = [button_hint(data, lang) for data in reply.choice_data]
    standing = bool(hints) and all(hint is not None for hint in hints)
    # Buttons that carry their own meaning cannot be answered with a later "2": say instead
    # which command does the same.
    if standing:
        parts = [reply.text, *dict.fromkeys(hint for hint in hints if hint)]
    else:
        parts = [choices_as_lines(reply, lang)]
    if reply.ask_contact:
        parts.append(t(lang, "zalo.no_contact_button"))
    if reply.image is not None and not chart_linked:
        # The digest must not announce a chart that does not come: the note says where it is.
        parts[0] = parts[0].replace("\n\n" + t(lang, "digest.chart_note"), "")
        parts.append(t(lang, "zalo.chart_note"))
    if reply.document is not None and not file_linked:
        # Zalo's Bot API sends no files (the /xuat workbook, a /baocao report) and no link can
        # be made.
        word = reply.document.name.lower().endswith(".docx")
        parts.append(t(lang, "zalo.report_note" if word else "zalo.document_note"))
    text = "\n\n".join(p.strip() for p in parts if p.strip())
    return [piece for piece in split_text(text, MAX_TEXT_LENGTH) if piece.strip()]


def zalo_pieces(reply: Reply, lang: str, *, chart_links: bool) -> list[Reply]:
    """The messages of one reply: the chart's link piece first (links on), the texts, then the
    file's link piece.

    A link piece carries the picture or the file reference and no text; `piece_text` makes the
    link when it is sent, so an outbox row keeps only the reference until then.
    """
    # Only a file kept on disk (a workbook) can be linked; a report is built for one send.
    file_linked = chart_links and reply.document is not None and bool(reply.document.path)
    texts = zalo_texts(reply, lang, chart_linked=chart_links, file_linked=file_linked)
    pieces = [Reply(text) for text in texts]
    if reply.image is not None and chart_links:
        pieces.insert(0, Reply("", image=reply.image))
    if reply.document is not None and file_linked:
        pieces.append(Reply("", document=reply.document))
    return pieces


async def piece_text(piece: Reply, links: ImageLinks | None, lang: str) -> str:
    """What to send for one piece: its text, or the link to its picture or file."""
    if piece.image is not None and links is not None:
        return await links.chart_text(piece.image, lang)
    if piece.document is not None and links is not None:
        return await links.file_text(piece.document, lang)
    return piece.text


@dataclass(frozen=True)
class Answer:
    """What was decided for one message, waiting to be sent."""

    incoming: Incoming
    replies: list[Reply]


class ZaloChannel:
    """Feeds Zalo messages to the router and sends its replies, in order within each chat."""

    def __init__(
        self,
        client: ZaloClient,
        router: Router,
        language: str = "vi",
        *,
        parallel_sends: int = 4,
        links: ImageLinks | None = None,
        monitor: Monitor | None = None,
    ) -> None:
        self.client = client
        self.router = router
        self.language = language
        # Set when BOT_PUBLIC_BASE_URL is: pictures are sent as links to the bot's file server.
        self.links = links
        self.replies: ReplyQueue[Answer] = ReplyQueue(
            router, self._deliver, parallel=parallel_sends, monitor=monitor
        )
        self.recovery = UnsentRecovery(router, CHANNEL)
        # Group chats told once (per running process) that the bot works in private chats.
        self._refused_groups: set[str] = set()

    async def start(self) -> None:
        """Open the client and queue replies that dead processes left unsent."""
        await self.client.start()
        await self.recovery.recover()
        self.recovery.keep_looking()

    async def recover_unsent(self) -> int:
        """Queue in the outbox the replies that dead processes decided but never sent."""
        return await self.recovery.recover()

    async def stop(self) -> None:
        """Finish sending what was decided, then close the client."""
        await self.recovery.stop()
        await self.drain()
        await self.client.stop()

    async def drain(self) -> None:
        """Wait until every decided reply has been sent (or queued in the outbox) and marked."""
        await self.replies.drain()

    async def process_updates(self, updates: list[ZaloUpdate]) -> None:
        """Decide each message in order (committed when this returns); replies follow."""
        answers: list[Answer] = []
        for update in updates:
            answer = await self._decide(update)
            if answer is not None and not any(
                a.incoming.update_key == answer.incoming.update_key for a in answers
            ):
                answers.append(answer)
        for answer in answers:
            self.replies.send_soon(answer)

    async def _decide(self, update: ZaloUpdate) -> Answer | None:
        incoming = to_incoming(update)
        if update.in_group:
            # Nothing from a group is stored: logs and difficulties are personal.
            if update.chat_id in self._refused_groups:
                return None
            self._refused_groups.add(update.chat_id)
            log.info("Zalo message %s from a group chat refused", update.message_id)
            return Answer(incoming, [Reply(t(self.language, "zalo.group_refusal"))])
        return Answer(incoming, await self.router.handle(incoming))

    async def _deliver(self, answer: Answer) -> bool:
        """Send the replies of one message; what cannot be sent now goes to the outbox (False)."""
        incoming = answer.incoming
        sent = 0
        try:
            for reply in answer.replies:
                await self.send(incoming.chat_id, reply)
                sent += 1
        except ZaloError as exc:
            # The change is committed; the outbox retries (and paces) the rest.
            log.error(
                "Zalo message %s: reply not sent (%s); queued in the outbox",
                incoming.update_key,
                exc,
            )
            await self.router.reply_later(incoming, answer.replies[sent:])
            return False
        return True

    async def send(self, chat_id: str, reply: Reply) -> None:
        """Send one reply as one or more texts (a picture as a link, when links are on)."""
        for piece in zalo_pieces(reply, self.language, chart_links=self.links is not None):
            await self.client.send_message(
                chat_id, await piece_text(piece, self.links, self.language)
            )
