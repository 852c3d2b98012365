"""Chuyên cần: the per-diem rule and each official's per-diem days for the month, the very
figures of the export's «Công tác phí» sheet for the same scope (over plain HTTP)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from bot.export import ExportRequest, export_to
from bot.export.attendance import PER_DIEM_RULE
from handlers.core.workcal import calendar_from
from storage import calendar, leave
from storage.export import ExportFilter
from storage.org_import import resolve_person
from tests.chat import ZONE, local
from tests.helpers.dashboard import Site, add_entry
from tests.helpers.difficulty import TAM
from tests.helpers.sample import AN, LAN, LONG, THANH

NOVEMBER = date(2026, 11, 1), date(2026, 11, 30)
ON_SITE = "Số ngày công tác tại xã (tính công tác phí)"


@pytest.fixture
async def month(site: Site) -> Site:
    """November's entries: An at his commune, at another one, on leave and on the holiday;
    Long at each of his two communes; Lan once."""
    db = site.db
    for day in (2, 3, 4):
        await add_entry(db, AN, "XA01", date(2026, 11, day))
    await add_entry(db, AN, "XA02", date(2026, 11, 5))  # not his commune: no per-diem
    await add_entry(db, AN, "XA01", date(2026, 11, 10))  # on leave: leave, not per-diem
    await add_entry(db, AN, "XA01", date(2026, 11, 24))  # Ngày Văn hóa Việt Nam, a holiday
    for day, commune in ((2, "XA09"), (3, "XA16"), (4, "XA09"), (4, "XA16")):
        await add_entry(db, LONG, commune, date(2026, 11, day))
    await add_entry(db, LAN, "XA08", date(2026, 11, 6))
    async with db.transaction() as tx:
        an = await resolve_person(tx, AN)
        await leave.add_leave(
            tx, an, date(2026, 11, 9), date(2026, 11, 10), "Ốm", local("2026-11-08 20:00")
        )
    return site.at("2026-12-02 10:00")


async def export_per_diem(
    site: Site, supervisor: str, path: Path
) -> dict[str, tuple[int, int, int]]:
    """The export's per-diem sheet for November and this supervisor's scope: per official,
    (working days in the assignment, leave days, per-diem days)."""
    async with site.db.read() as tx:
        scope = ExportFilter(supervisor_id=await resolve_person(tx, supervisor))
        cal = calendar_from(ZONE, await calendar.declared_days(tx))
        await export_to(
            tx, ExportRequest(*NOVEMBER, scope, "phạm vi"), cal, path, site.dashboard.clock()
        )
    sheet = load_workbook(path)["Công tác phí"]
    assert sheet["A1"].value == PER_DIEM_RULE
    header = [c.value for c in sheet[3]]
    found = {}
    for values in sheet.iter_rows(min_row=4, values_only=True):
        row = dict(zip(header, values, strict=True))
        if row["Tháng"] == "11/2026":
            found[str(row["Cán bộ"])] = (
                int(row["Ngày làm việc trong thời gian biệt phái"]),
                int(row["Ngày nghỉ phép"]),
                int(row[ON_SITE]),
            )
    return found


@pytest.mark.parametrize("supervisor", [THANH, TAM], ids=["leadership", "division-head"])
async def test_per_diem_days_and_rule_match_the_export(
    month: Site, supervisor: str, tmp_path: Path
) -> None:
    page = await (await month.signed_in(supervisor)).get("/chuyen-can?thang=2026-11")
    assert page.status == 200, page.main
    assert page.document.all("p", "rule")[0].text == PER_DIEM_RULE
    shown = {row[0]: row for row in page.rows("per-diem")}
    # 21 weekdays of November from Monday 02/11 (the wave's start), less the 24th.
    assert shown[LONG] == [LONG, "Xã Đồi Sim; Xã Đá Vàng", "20", "0", "3"]
    assert shown[LAN] == [LAN, "Xã Pa Lang", "20", "0", "1"]
    if supervisor == THANH:
        assert shown[AN] == [AN, "Xã Hòa Vang Tây", "20", "2", "3"]
    else:
        assert AN not in shown  # XDCQ is not Tâm's
    exported = await export_per_diem(month, supervisor, tmp_path / "thang-11.xlsx")
    assert {n: (int(r[2]), int(r[3]), int(r[4])) for n, r in shown.items()} == exported
