"""Tổ công tác: visits and their follow-up items for the viewer's scope, the overdue ones marked
and only those (over plain HTTP; the visit is planned and recorded in the chat)."""

from __future__ import annotations

import pytest

from storage import followups
from storage.org_import import resolve_person
from tests.chat import local
from tests.helpers.dashboard import TOAN, Html, Site, add_group_leader
from tests.helpers.difficulty import TAM, THU
from tests.helpers.sample import THANH, MakeChat
from tests.helpers.visits import BINH, visit_with_outcome

COMMUNE_ITEM = "UBND xã hoàn thiện đề án vị trí việc làm"  # due Friday 04/12
DIVISION_ITEM = "Hướng dẫn xã tuyển dụng công chức địa chính"  # TCBC's, due 04/01/2027
PERSON_ITEM = "Gửi số liệu công chức của xã về Sở"  # Cường's, due Monday 30/11


@pytest.fixture
async def visited(site: Site, linked_chat: MakeChat) -> Site:
    """Thu's group 1 visited Xã Đèo Gió on 26/11; Bình recorded three follow-up items."""
    await visit_with_outcome(linked_chat)
    await add_group_leader(site.db)
    return site


def items(page: Html) -> dict[str, tuple[str, bool]]:
    """Each follow-up item's text: its status tag and whether it is marked overdue."""
    assert page.status == 200, page.main
    found = {}
    for li in page.document.all("li"):
        if li.attrs.get("class") is None or not li.all("strong"):
            continue
        [tag] = li.all("span", "tag")
        text = next(c for c in li.children if isinstance(c, str) and c.strip()).strip()
        marked = "overdue" in li.attrs["class"].split()
        assert marked == ("warn" in tag.attrs["class"].split()), li.text  # the row and its tag
        found[text] = (tag.text, marked)
    return found


async def test_overdue_items_are_marked_and_only_they(visited: Site) -> None:
    # The visit was last week; its open items still show this week.
    thu = await visited.at("2026-12-01 10:00").signed_in(THU)
    page = await thu.get("/to-cong-tac")
    [visit] = page.document.all("section", "visit")
    assert visit.all("h2")[0].text == "26/11/2026 — Xã Đèo Gió"
    assert f"Tổ công tác số 1 · Đã hoàn thành · {BINH}" in visit.text
    assert items(page) == {
        COMMUNE_ITEM: ("Đang mở", False),
        DIVISION_ITEM: ("Đang mở", False),
        PERSON_ITEM: ("Quá hạn", True),
    }
    # On its due day an item is not yet overdue.
    visited.at("2026-11-30 10:00")
    assert items(await thu.get("/to-cong-tac"))[PERSON_ITEM] == ("Đang mở", False)
    # Done, it is no longer overdue; the commune's item is overdue the day after its due day
    # (the chat's rule, handlers.visits.followups.overdue).
    async with visited.db.transaction() as tx:
        thu_id = await resolve_person(tx, THU)
        [item] = [
            f
            for f in await followups.open_followups_for_supervisor(tx, thu_id)
            if f.text == PERSON_ITEM
        ]
        await followups.mark_done(
            tx, item.id, await resolve_person(tx, BINH), local("2026-12-01 08:00")
        )
    visited.at("2026-12-04 10:00")
    assert items(await thu.get("/to-cong-tac")) == {
        COMMUNE_ITEM: ("Đang mở", False),
        DIVISION_ITEM: ("Đang mở", False),
        PERSON_ITEM: ("Đã xong", False),
    }
    visited.at("2026-12-05 10:00")
    assert items(await thu.get("/to-cong-tac"))[COMMUNE_ITEM] == ("Quá hạn", True)
    # A later period lists the items still open, not the one closed before it began.
    visited.at("2026-12-14 10:00")
    assert items(await thu.get("/to-cong-tac?ky=tuantruoc")) == {
        COMMUNE_ITEM: ("Quá hạn", True),
        DIVISION_ITEM: ("Đang mở", False),
    }


async def test_each_supervisor_sees_the_visit_as_the_chat_scopes_it(visited: Site) -> None:
    visited.at("2026-12-01 10:00")
    # Leadership sees everything; Tâm only the item her division owns, under its visit.
    thanh = await (await visited.signed_in(THANH)).get("/to-cong-tac")
    assert set(items(thanh)) == {COMMUNE_ITEM, DIVISION_ITEM, PERSON_ITEM}
    tam = await (await visited.signed_in(TAM)).get("/to-cong-tac")
    assert [s.all("h2")[0].text for s in tam.document.all("section", "visit")] == [
        "26/11/2026 — Xã Đèo Gió"
    ]
    assert items(tam) == {DIVISION_ITEM: ("Đang mở", False)}
    # Another group's leader sees nothing of it; an official has no such page.
    toan = await (await visited.signed_in(TOAN)).get("/to-cong-tac")
    assert toan.status == 200 and not toan.document.all("section", "visit")
    assert "Không có chuyến công tác" in toan.main
    assert (await (await visited.signed_in(BINH)).get("/to-cong-tac")).status == 404
