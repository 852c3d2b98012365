"""The export cost bench runs end to end at toy sizes (its figures are read by people)."""

from __future__ import annotations

from pathlib import Path

from bench.export_cost import format_report, run_export_bench


async def test_the_export_bench_reports_time_and_memory_per_period(tmp_path: Path) -> None:
    runs = await run_export_bench(officials=40, days=3, periods=(1, 3), cache=tmp_path)
    assert [r.days for r in runs] == [1, 3]
    assert [r.entries for r in runs] == [40, 120]
    assert all(r.officials == 40 and r.seconds > 0 and r.peak_mb >= r.baseline_mb for r in runs)
    report = format_report(40, runs)
    assert "peak RSS" in report and "memory added, 3 days vs 1 days" in report
