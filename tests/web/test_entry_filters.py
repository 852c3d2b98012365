"""Nhật ký's filters by commune, division and topic narrow the viewer's own scope, never widen
it (over plain HTTP; the person filter, the text search and photos are in test_dashboard.py)."""

from __future__ import annotations

from datetime import date

import pytest

from tests.helpers.dashboard import Html, Site, add_entry
from tests.helpers.difficulty import TAM, THU
from tests.helpers.sample import AN, LAN, LONG, THANH


@pytest.fixture
async def seeded(site: Site) -> Site:
    """Entries of the week at 25/11: An (XDCQ), Lan and Long (TCBC; Long at both his communes)."""
    await add_entry(site.db, AN, "XA01", date(2026, 11, 23), topic="bomay", text="An ở Hòa Vang")
    await add_entry(site.db, LAN, "XA08", date(2026, 11, 23), topic="bienche", text="Lan ở Pa Lang")
    await add_entry(site.db, LONG, "XA09", date(2026, 11, 25), topic="vitri", text="Long ở Đồi Sim")
    await add_entry(site.db, LONG, "XA16", date(2026, 11, 25), topic="khac", text="Long ở Đá Vàng")
    return site


def texts(page: Html) -> list[str]:
    """The entries' texts, in the page's order."""
    assert page.status == 200, page.main
    return [p.text for p in page["entries"].all("p", "text")]


def options(page: Html, name: str) -> list[tuple[str, str]]:
    """A filter's choices (value, label), without «Tất cả»."""
    [select] = [s for s in page.document.all("select") if s.attrs.get("name") == name]
    return [(o.attrs["value"], o.text) for o in select.all("option") if o.attrs["value"]]


def selected(page: Html, name: str) -> str:
    """The chosen value of a filter."""
    [select] = [s for s in page.document.all("select") if s.attrs.get("name") == name]
    return next((o.attrs["value"] for o in select.all("option") if "selected" in o.attrs), "")


async def test_commune_division_and_topic_filters_narrow_the_entries(seeded: Site) -> None:
    thanh = await seeded.signed_in(THANH)
    everything = await thanh.get("/nhat-ky")
    assert texts(everything) == [
        "Long ở Đá Vàng",
        "Long ở Đồi Sim",
        "Lan ở Pa Lang",
        "An ở Hòa Vang",
    ]

    by_commune = await thanh.get("/nhat-ky?xa=XA16")
    assert texts(by_commune) == ["Long ở Đá Vàng"]
    assert selected(by_commune, "xa") == "XA16"
    assert texts(await thanh.get("/nhat-ky?xa=XA09")) == ["Long ở Đồi Sim"]

    by_division = await thanh.get("/nhat-ky?phong=TCBC")
    assert texts(by_division) == ["Long ở Đá Vàng", "Long ở Đồi Sim", "Lan ở Pa Lang"]
    assert selected(by_division, "phong") == "TCBC"
    assert texts(await thanh.get("/nhat-ky?phong=XDCQ")) == ["An ở Hòa Vang"]

    by_topic = await thanh.get("/nhat-ky?linhvuc=vitri")
    assert texts(by_topic) == ["Long ở Đồi Sim"]
    assert selected(by_topic, "linhvuc") == "vitri"

    # Filters add up; nothing matching says so.
    assert texts(await thanh.get("/nhat-ky?phong=TCBC&xa=XA08")) == ["Lan ở Pa Lang"]
    nothing = await thanh.get("/nhat-ky?phong=XDCQ&xa=XA08")
    assert texts(nothing) == [] and nothing.has("no-entries")
    # The date range still applies under a filter: 23/11 only.
    assert texts(await thanh.get("/nhat-ky?phong=TCBC&tu=2026-11-23&den=2026-11-23")) == [
        "Lan ở Pa Lang"
    ]


async def test_the_choices_are_the_scopes_and_a_filter_outside_it_finds_nothing(
    seeded: Site,
) -> None:
    thu = await seeded.signed_in(THU)  # heads XDCQ and CCVC, leads group 1 (XA01–XA06)
    page = await thu.get("/nhat-ky")
    assert texts(page) == ["An ở Hòa Vang"]
    assert [code for code, _ in options(page, "phong")] == ["CCVC", "XDCQ"]
    communes = [code for code, _ in options(page, "xa")]
    assert communes and set(communes) <= {"XA01", "XA02", "XA03", "XA04", "XA05", "XA06"}
    assert "XA08" not in communes and "XA16" not in communes
    # Typing another scope's commune, division or topic in the address shows none of it.
    for query in ("xa=XA08", "phong=TCBC", "linhvuc=vitri", "xa=XA16&phong=TCBC"):
        assert texts(await thu.get(f"/nhat-ky?{query}")) == [], query

    tam = await seeded.signed_in(TAM)  # heads TCBC, CCHC, VTLT
    page = await tam.get("/nhat-ky?xa=XA16")
    assert texts(page) == ["Long ở Đá Vàng"]
    assert ("XA09", "Xã Đồi Sim") in options(page, "xa")
    assert texts(await tam.get("/nhat-ky?phong=XDCQ")) == []
