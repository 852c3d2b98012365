"""The export-latency bench keeps working (tiny sizes; the real figures are in the README)."""

from __future__ import annotations

from pathlib import Path

from bench.export_latency import format_report, run_export_latency


async def test_the_export_latency_bench_runs_at_a_tiny_size(tmp_path: Path) -> None:
    result = await run_export_latency(
        officials=4, population=60, baseline_seconds=1.0, mode="process", cache=tmp_path, days=5
    )
    assert result.baseline.latencies_ms and result.during.latencies_ms
    assert result.baseline.unexpected == result.during.unexpected == 0
    assert result.entries_exported > 0
    report = format_report(result)
    assert "p95 during ÷ without:" in report
