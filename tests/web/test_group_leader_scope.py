"""A working-group leader who heads no division sees the group's communes, whatever the
officials' divisions, and nothing else: overview, entries, photos, difficulties (the chat's rule,
storage.scope); a division head sees her divisions' officials wherever they work."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from storage import difficulties
from tests.chat import local
from tests.helpers.dashboard import TOAN, Html, Site, add_difficulty, add_entry, add_group_leader
from tests.helpers.difficulty import TAM
from tests.helpers.sample import AN, LAN, LONG
from tests.helpers.web import jpeg

pytestmark = pytest.mark.both_backends


@dataclass
class Group:
    """The site with Toàn's group 4 (Pa Lang XA08, Đá Vàng XA16) and what was seeded."""

    site: Site
    photo_in: int  # of Long's entry at Đá Vàng
    photo_out: int  # of Long's entry at Đồi Sim (his other commune, not the group's)
    kk_in: list[int]
    kk_out: int


@pytest.fixture
async def group(site: Site) -> Group:
    """Entries of the week at 25/11 and difficulties at Lan's and both of Long's communes."""
    db = site.db
    await add_group_leader(db)
    await add_entry(db, LAN, "XA08", date(2026, 11, 23), text="Lan ở Pa Lang")
    inside = await add_entry(db, LONG, "XA16", date(2026, 11, 23), text="Long ở Đá Vàng", photo="a")
    outside = await add_entry(
        db, LONG, "XA09", date(2026, 11, 25), text="Long ở Đồi Sim", photo="b"
    )
    await add_entry(db, AN, "XA01", date(2026, 11, 25), text="An ở Hòa Vang")
    kk_in = [
        await add_difficulty(db, LAN, "XA08", "Pa Lang thiếu hướng dẫn", local("2026-11-24 09:00")),
        await add_difficulty(db, LONG, "XA16", "Đá Vàng thiếu mẫu", local("2026-11-25 09:30")),
    ]
    kk_out = await add_difficulty(
        db, LONG, "XA09", "Đồi Sim thiếu người", local("2026-11-24 09:00")
    )
    photos = {}
    async with db.read() as tx:
        for entry in (inside, outside):
            photos[entry] = await tx.value(
                "SELECT id FROM attachments WHERE owner_kind = 'work_log' AND owner_id = ?",
                (entry,),
            )
    # Both photos already fetched from the platform: only the scope decides what is served.
    folder = site.dashboard.photos.folder
    folder.mkdir(parents=True, exist_ok=True)
    for attachment in photos.values():
        (folder / f"{attachment}.jpg").write_bytes(jpeg(40, 30))
    return Group(site, int(photos[inside]), int(photos[outside]), kk_in, kk_out)


def table(page: Html, table_id: str) -> list[list[str]]:
    """A table's rows, the page answered."""
    assert page.status == 200, page.main
    return page.rows(table_id)


async def test_the_overview_counts_the_groups_communes_only(group: Group) -> None:
    page = await (await group.site.signed_in(TOAN)).get("/")
    assert page.document.all("p", "scope")[0].text == "Phạm vi: Tổ công tác số 4"
    # Lan at Pa Lang and Long at Đá Vàng, 23 and 25/11 (24/11 a holiday): Long's entry at
    # Đồi Sim on the 25th makes his day logged (the digest's rule), Lan has not logged today.
    cards = page.document.all("div", "card")
    assert cards[0].text == "75% tỷ lệ báo cáo (3/4 ngày-người, 2 ngày làm việc)"
    assert sorted(table(page, "communes")) == [
        ["Xã Pa Lang", "2", "1", "50%"],
        ["Xã Đá Vàng", "2", "2", "100%"],
    ]
    assert table(page, "divisions") == [["Phòng Tổ chức biên chế", "4", "3", "75%"]]
    assert page["missing-count"].text == "1 / 2 cán bộ chưa ghi."
    assert [li.text for li in page["missing"].all("li")] == [f"{LAN} — Xã Pa Lang"]
    # The Pa Lang difficulty is past its first response; the one at Đồi Sim is not his.
    assert (page["kk-open"].text, page["kk-overdue"].text) == ("2", "1")

    # Tâm, who heads Long's and Lan's division, sees Long at both communes and her other
    # divisions' officials: the same week is not the group's.
    tam = await (await group.site.signed_in(TAM)).get("/")
    communes = [row[0] for row in table(tam, "communes")]
    assert "Xã Đồi Sim" in communes and len(communes) > 2
    assert (tam["kk-open"].text, tam["kk-overdue"].text) == ("3", "2")


async def test_entries_and_photos_of_the_group_only(group: Group) -> None:
    toan = await group.site.signed_in(TOAN)
    page = await toan.get("/nhat-ky")
    assert [p.text for p in page["entries"].all("p", "text")] == [
        "Long ở Đá Vàng",
        "Lan ở Pa Lang",
    ]
    communes = [
        o.attrs["value"] for o in page.document.all("option") if o.attrs["value"][:2] == "XA"
    ]
    assert sorted(communes) == ["XA08", "XA16"]
    assert (await toan.fetch(f"/anh/{group.photo_in}"))[0] == 200
    status, body = await toan.fetch(f"/anh/{group.photo_out}")
    assert status == 404 and b"Long" not in body
    # Asking for the other commune by its code shows nothing either.
    assert (await toan.get("/nhat-ky?xa=XA09")).has("no-entries")

    tam = await group.site.signed_in(TAM)
    assert "Long ở Đồi Sim" in (await tam.get("/nhat-ky")).main
    assert (await tam.fetch(f"/anh/{group.photo_out}"))[0] == 200


async def test_difficulties_of_the_group_only_and_404_outside_it(group: Group) -> None:
    toan = await group.site.signed_in(TOAN)
    board = await toan.get("/kho-khan")
    shown = [a.attrs["href"].rsplit("/", 1)[1] for a in board.document.all("a", "ticket")]
    assert sorted(shown) == sorted(str(n) for n in group.kk_in)
    for number in group.kk_in:
        page = await toan.get(f"/kho-khan/{number}")
        assert page.status == 200 and page.document.all("form", "action")
    refused = await toan.get(f"/kho-khan/{group.kk_out}")
    assert refused.status == 404 and "Đồi Sim" not in refused.main
    # A step posted on it (with a good CSRF token) is refused the same way, and nothing changes.
    forged = await toan.post(f"/kho-khan/{group.kk_out}", {"action": "resolve"})
    assert forged.status == 404
    async with group.site.db.read() as tx:
        item = await difficulties.difficulty_by_id(tx, group.kk_out)
    assert item is not None and item.status == "new"
    # The group's own difficulty takes the step.
    done = await toan.post(f"/kho-khan/{group.kk_in[0]}", {"action": "ack"})
    assert done.status == 303
    async with group.site.db.read() as tx:
        item = await difficulties.difficulty_by_id(tx, group.kk_in[0])
    assert item is not None and item.status == "acknowledged"
