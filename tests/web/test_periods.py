"""The overview's period choices: each gives its date range and counts only what lies in it; a
period that cannot be used is said so in Vietnamese (over plain HTTP, no browser)."""

from __future__ import annotations

from datetime import date

import pytest

from tests.chat import local
from tests.helpers.dashboard import Html, Site, add_difficulty, add_entry
from tests.helpers.sample import AN, LAN, THANH

TODAY = "2026-12-02 10:00"  # a Wednesday of Đợt 2 (02/11–25/12)


@pytest.fixture
async def seeded(site: Site) -> Site:
    """Lan's entries on days that fall in some periods and not others, An's today, and a
    difficulty raised last week."""
    for day in ("2026-11-10", "2026-11-13", "2026-11-16", "2026-11-23", "2026-11-30", "2026-12-01"):
        await add_entry(site.db, LAN, "XA08", date.fromisoformat(day))
    # A Saturday is no working day: nothing is expected then, and the entry counts nowhere.
    await add_entry(site.db, LAN, "XA08", date(2026, 11, 21))
    await add_entry(site.db, AN, "XA01", date(2026, 12, 2))
    await add_difficulty(site.db, LAN, "XA08", "Thiếu hướng dẫn", local("2026-11-23 09:00"))
    return site.at(TODAY)


def summary(page: Html) -> tuple[str, str, list[str], str]:
    """The period's label, the rate card, the days of the trend table, the difficulties raised."""
    assert page.status == 200, page.main
    return (
        page["period"].text,
        page.document.all("section", "cards")[0].all("div", "card")[0].text,
        [row[0] for row in page.rows("days")],
        page.document.all("div", "card")[3].text,
    )


# 15 officials are assigned in Đợt 2, all of it; 24/11 is a public holiday (Ngày Văn hóa
# Việt Nam). Days after today are not counted yet.
@pytest.mark.parametrize(
    ("query", "label", "rate", "days", "raised"),
    [
        (
            "",
            "30/11/2026 – 06/12/2026",
            "7% tỷ lệ báo cáo (3/45 ngày-người, 3 ngày làm việc)",
            ["30/11/2026", "01/12/2026", "02/12/2026"],
            0,
        ),
        (
            "?ky=tuannay",
            "30/11/2026 – 06/12/2026",
            "7% tỷ lệ báo cáo (3/45 ngày-người, 3 ngày làm việc)",
            ["30/11/2026", "01/12/2026", "02/12/2026"],
            0,
        ),
        (
            "?ky=tuantruoc",
            "23/11/2026 – 29/11/2026",
            "2% tỷ lệ báo cáo (1/60 ngày-người, 4 ngày làm việc)",
            ["23/11/2026", "25/11/2026", "26/11/2026", "27/11/2026"],
            1,
        ),
        (
            "?ky=thangnay",
            "01/12/2026 – 31/12/2026",
            "7% tỷ lệ báo cáo (2/30 ngày-người, 2 ngày làm việc)",
            ["01/12/2026", "02/12/2026"],
            0,
        ),
        (
            "?ky=dotnay",
            "02/11/2026 – 25/12/2026",
            "2% tỷ lệ báo cáo (7/330 ngày-người, 22 ngày làm việc)",
            None,
            1,
        ),
        (
            "?ky=khac&tu=2026-11-13&den=2026-11-20",
            "13/11/2026 – 20/11/2026",
            "2% tỷ lệ báo cáo (2/90 ngày-người, 6 ngày làm việc)",
            [
                "13/11/2026",
                "16/11/2026",
                "17/11/2026",
                "18/11/2026",
                "19/11/2026",
                "20/11/2026",
            ],
            0,
        ),
    ],
    ids=["default", "this-week", "last-week", "this-month", "this-wave", "two-dates"],
)
async def test_each_period_gives_its_range_and_counts_only_inside_it(
    seeded: Site,
    query: str,
    label: str,
    rate: str,
    days: list[str] | None,
    raised: int,
) -> None:
    page = await (await seeded.signed_in(THANH)).get("/" + query)
    shown_label, shown_rate, shown_days, shown_raised = summary(page)
    assert shown_label.startswith(f"Kỳ: {label}.")
    assert shown_rate == rate
    if days is not None:
        assert shown_days == days
    else:
        assert shown_days[0] == "02/11/2026" and shown_days[-1] == "02/12/2026"
        assert len(shown_days) == 22 and "24/11/2026" not in shown_days
    assert f"(nêu mới: {raised})" in shown_raised
    assert not page.has("period-problem")
    # The form shows the range it used, and which choice.
    [chosen] = [o for o in page.document.all("option") if "selected" in o.attrs]
    assert chosen.attrs["value"] == (query.split("ky=")[1].split("&")[0] if query else "tuannay")


@pytest.mark.parametrize(
    ("query", "problem"),
    [
        (
            "?ky=khac&tu=2026-11-30&den=2026-11-01",
            "Ngày bắt đầu 30/11/2026 sau ngày kết thúc 01/11/2026. Anh/chị chọn lại ngày.",
        ),
        ("?ky=khac&tu=2026-11-01", "Anh/chị chọn cả ngày bắt đầu («Từ») và ngày kết thúc («Đến»)."),
        ("?ky=khac", "Anh/chị chọn cả ngày bắt đầu («Từ») và ngày kết thúc («Đến»)."),
        (
            "?ky=khac&tu=2026-02-30&den=2026-11-01",
            "Chưa hiểu ngày «2026-02-30». Anh/chị chọn lại ngày trên lịch.",
        ),
        (
            "?ky=khac&tu=hom-qua&den=2026-11-01",
            "Chưa hiểu ngày «hom-qua». Anh/chị chọn lại ngày trên lịch.",
        ),
        # Far dates would overflow the day after the period's end.
        (
            "?ky=khac&tu=9999-12-30&den=9999-12-31",
            "Chưa hiểu ngày «9999-12-30». Anh/chị chọn lại ngày trên lịch.",
        ),
        ("?ky=khac&tu=2025-01-01&den=2026-11-30", "Kỳ dài nhất 400 ngày."),
    ],
    ids=["reversed", "one-date", "no-dates", "no-such-day", "not-a-date", "year-9999", "too-long"],
)
async def test_a_period_that_cannot_be_used_is_said_so_and_this_week_shown(
    seeded: Site, query: str, problem: str
) -> None:
    visitor = await seeded.signed_in(THANH)
    page = await visitor.get("/" + query)
    assert page.status == 200
    said = page["period-problem"].text
    assert said.startswith(problem) and said.endswith("Đang hiển thị tuần này.")
    assert summary(page)[:2] == (
        "Kỳ: 30/11/2026 – 06/12/2026. Khi chọn ngày, đặt «Kỳ» là «Chọn ngày».",
        "7% tỷ lệ báo cáo (3/45 ngày-người, 3 ngày làm việc)",
    )
    # The same on the other pages with a period; a download is refused rather than made for
    # another period than the one asked for.
    for path in ("/to-cong-tac", "/tai-ve"):
        other = await visitor.get(path + query)
        assert other.status == 200 and other["period-problem"].text.startswith(problem)
    form = dict(pair.split("=", 1) for pair in query.lstrip("?").split("&") if "=" in pair)
    refused = await visitor.post("/tai-ve", form)
    assert refused.status == 400 and problem in refused.main
    async with seeded.db.read() as tx:
        assert await tx.value("SELECT count(*) FROM export_jobs") == 0


async def test_this_wave_outside_any_wave_says_so(site: Site) -> None:
    site.at("2026-12-29 10:00")  # after Đợt 2
    page = await (await site.signed_in(THANH)).get("/?ky=dotnay")
    assert page["period-problem"].text == (
        "Hôm nay không thuộc đợt biệt phái nào. Anh/chị chọn kỳ khác hoặc chọn ngày. "
        "Đang hiển thị tuần này."
    )
    assert page["period"].text.startswith("Kỳ: 28/12/2026 – 03/01/2027.")


@pytest.mark.parametrize("month", ["0001-01", "9999-12", "2026-13", "x"])
async def test_a_month_out_of_range_shows_this_month(site: Site, month: str) -> None:
    page = await (await site.signed_in(THANH)).get(f"/chuyen-can?thang={month}")
    assert page.status == 200 and "Tháng 11/2026" in page.main
