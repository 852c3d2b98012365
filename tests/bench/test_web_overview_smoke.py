"""The dashboard bench runs end to end at toy sizes (its figures are read by people)."""

from __future__ import annotations

from pathlib import Path

from bench.web_overview import report, run


async def test_the_overview_bench_serves_the_page_on_both_databases(tmp_path: Path) -> None:
    small, large = await run(officials=80, days=3, repeat=2, folder=tmp_path)
    assert small.database.entries == 15 * 3 and large.database.entries == 80 * 3
    assert len(small.times) == 2 and len(large.times) == 5
    assert small.size > 10_000 and large.size > 10_000
    assert "ratio large/sample" in report(small, large)
    assert len(small.reads) == 2 and "database reads alone" in report(small, large)
