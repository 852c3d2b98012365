"""The dashboard over plain HTTP: served on a local port with a clock the test sets, people
signed in through one-time links, pages read as HTML (no browser where none is needed)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from html.parser import HTMLParser

import aiohttp

from bot.web import Dashboard
from handlers.web.links import create_link
from storage import Database, difficulties, worklog
from storage.org_import import OrgData, PersonRow, WorkingGroupRow, apply_org, resolve_person
from storage.worklog import NewAttachment
from tests.chat import local

TOAN = "Mai Văn Toàn"  # leads working group 4 (Pa Lang, Đá Vàng), heads no division (added)
GROUP_4 = ("XA08", "XA16")  # Lan's commune; the second of Long's two communes
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


@dataclass
class Node:
    """An element of a page: its tag, attributes, children and text."""

    tag: str
    attrs: dict[str, str]
    children: list[Node | str] = field(default_factory=list)

    @property
    def text(self) -> str:
        """The text inside, whitespace collapsed."""
        parts: list[str] = []
        for child in self.children:
            parts.append(child if isinstance(child, str) else f" {child.text} ")
        return " ".join("".join(parts).split())

    def all(self, tag: str, cls: str | None = None) -> list[Node]:
        """Every element below with this tag (and class), in document order."""
        found: list[Node] = []
        for child in self.children:
            if isinstance(child, Node):
                if child.tag == tag and (
                    cls is None or cls in child.attrs.get("class", "").split()
                ):
                    found.append(child)
                found += child.all(tag, cls)
        return found

    def find(self, element_id: str) -> Node | None:
        """The element with this id, or None."""
        for child in self.children:
            if isinstance(child, Node):
                if child.attrs.get("id") == element_id:
                    return child
                if (below := child.find(element_id)) is not None:
                    return below
        return None


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


@dataclass
class Html:
    """A page answered: its status and its parsed document."""

    status: int
    body: str
    document: Node

    def __getitem__(self, element_id: str) -> Node:
        found = self.document.find(element_id)
        assert found is not None, f"no #{element_id} on the page:\n{self.main}"
        return found

    def has(self, element_id: str) -> bool:
        """Whether an element with this id is on the page."""
        return self.document.find(element_id) is not None

    @property
    def main(self) -> str:
        """The text of the page's main part."""
        [main] = self.document.all("main")
        return main.text

    def rows(self, table_id: str) -> list[list[str]]:
        """The body rows of a table, as the text of each cell."""
        [body] = self[table_id].all("tbody")
        return [[cell.text for cell in row.all("td")] for row in body.all("tr")]


def parse(status: int, body: str) -> Html:
    """Parse a page."""
    builder = _Builder()
    builder.feed(body)
    builder.close()
    return Html(status, body, builder.root)


@dataclass
class Visitor:
    """One signed-in person's HTTP client."""

    client: aiohttp.ClientSession
    web: str  # http://127.0.0.1:<port>/web

    async def get(self, path: str) -> Html:
        """A page of the dashboard (redirects followed), parsed."""
        async with self.client.get(self.web + path) as answer:
            return parse(answer.status, await answer.text())

    async def post(self, path: str, form: dict[str, str]) -> Html:
        """A form sent with the session's CSRF token (read from a page), redirects not followed."""
        page = await self.get("/nhat-ky")
        [csrf] = [i.attrs["value"] for i in page.document.all("input") if i.attrs["name"] == "csrf"]
        data = {**form, "csrf": csrf}
        async with self.client.post(self.web + path, data=data, allow_redirects=False) as answer:
            return parse(answer.status, await answer.text())

    async def fetch(self, path: str) -> tuple[int, bytes]:
        """A file of the dashboard: its status and body."""
        async with self.client.get(self.web + path) as answer:
            return answer.status, await answer.read()


@dataclass
class Site:
    """The dashboard alone on a local port (public URL plain http), its clock set by the test."""

    dashboard: Dashboard
    local: str  # http://127.0.0.1:<port>
    clients: list[aiohttp.ClientSession] = field(default_factory=list)

    @property
    def db(self) -> Database:
        """The dashboard's database."""
        return self.dashboard.db

    def at(self, when: str) -> Site:
        """Set the server's clock (local time, standing still)."""
        moment = local(when)
        self.dashboard.clock = lambda: moment
        return self

    async def signed_in(self, name: str) -> Visitor:
        """A fresh client signed in as this person with a one-time link."""
        async with self.db.transaction() as tx:
            person_id = await resolve_person(tx, name)
            link = await create_link(tx, self.dashboard.config, person_id, self.dashboard.clock())
        url = link.url.replace(self.dashboard.config.base_url, self.local)
        # unsafe: keep the cookies of an IP address host, as a browser does.
        client = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))
        self.clients.append(client)
        async with client.post(url) as answer:
            assert answer.status == 200, await answer.text()
        return Visitor(client, self.local + "/web")


async def add_entry(
    db: Database,
    name: str,
    commune: str,
    day: date,
    *,
    topic: str = "khac",
    text: str = "Làm việc tại xã",
    photo: str | None = None,
) -> int:
    """An entry of this person at a commune (code) on a day, sent at 16:00; its number."""
    sent = local(f"{day.isoformat()} 16:00")
    async with db.transaction() as tx:
        return await worklog.add_work_log(
            tx,
            person_id=await resolve_person(tx, name),
            commune_code=commune,
            work_date=day,
            topic=topic,
            text=text,
            channel="telegram",
            sent_at=sent,
            now=sent,
            attachments=(NewAttachment("photo", photo),) if photo else (),
        )


async def add_difficulty(
    db: Database, name: str, commune: str, text: str, at: datetime, *, hours: int = 4
) -> int:
    """A difficulty raised by this person at a commune (code), first response due in `hours`."""
    async with db.transaction() as tx:
        reporter = await resolve_person(tx, name)
        division = await tx.value("SELECT division_code FROM people WHERE id = ?", (reporter,))
        return await difficulties.add_difficulty(
            tx,
            reporter_id=reporter,
            commune_code=commune,
            division_code=division,
            topic="khac",
            kind="difficulty",
            urgency="urgent",
            description=text,
            now=at,
            first_response_due=at + timedelta(hours=hours),
            resolution_due=at + timedelta(days=5),
        )


async def add_group_leader(db: Database) -> None:
    """Toàn, a supervisor heading no division, leads working group 4 over GROUP_4."""
    extra = OrgData(
        people=[PersonRow(TOAN, "supervisor", None, "0900000199")],
        working_groups=[WorkingGroupRow("Tổ công tác số 4", TOAN, (), GROUP_4)],
    )
    async with db.transaction() as tx:
        await apply_org(tx, extra, local("2026-11-20 07:00"))
