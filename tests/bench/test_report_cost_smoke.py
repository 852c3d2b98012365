"""The report benchmark runs end to end on a small database and prints its table."""

from __future__ import annotations

from pathlib import Path

from bench.digest_cost import prepared
from bench.report_cost import DAYS, format_report, run_in_subprocess


async def test_the_report_bench_builds_the_summary_in_its_own_process(tmp_path: Path) -> None:
    generated = await prepared(tmp_path, 15, DAYS)
    run = run_in_subprocess(generated.path)
    assert run.officials == 15 and run.entries == 15 * 30
    assert run.seconds > 0 and run.peak_mb >= run.baseline_mb > 0 and run.size_mb > 0
    table = format_report([run, run])
    assert "| 15 | 450 |" in table and "time ×1 for ×1 officials" in table
