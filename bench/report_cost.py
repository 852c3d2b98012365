"""Report cost: time and peak memory of the department's summary for a month (a .docx in the
state's document format), on the sample organisation and on the 20,000-official database.

Uses the digest benchmark's databases (bench/digest_cost.py: the sample organisation, and the
same plus synthetic officials up to `--officials`, an entry a day each for 120 days ending
24/12/2026; generated once and cached). Each report is built in its own subprocess, as the bot
builds it (`bot.reports.worker`), so its peak resident memory (ru_maxrss) is its own; the
baseline (interpreter, python-docx, open database) is measured in the same process first.

Run: python -m bench.report_cost [--quick] [--officials 20000] [--fresh]
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from bench.digest_cost import QUICK_OFFICIALS, ZONE, cache_folder, prepared

DAYS = 120  # the digest bench's cached databases
SAMPLE_OFFICIALS = 15
FIRST, LAST = date(2026, 11, 1), date(2026, 11, 30)
DRAFTED = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)


@dataclass(frozen=True)
class ReportRun:
    """One summary built in its own process."""

    officials: int
    entries: int
    seconds: float
    baseline_mb: float
    peak_mb: float
    size_mb: float

    @property
    def added_mb(self) -> float:
        """Peak memory above the baseline: what building the report needed."""
        return self.peak_mb - self.baseline_mb


def _maxrss_mb() -> float:
    # Linux reports kilobytes.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def _report_once(db_path: Path) -> dict[str, float]:
    """The child's work: open the snapshot, note the baseline, build the summary (the steps of
    `bot.reports.build_report`, so the counts come along), note the peak."""
    from bot.reports import compose, layout
    from bot.reports.content import summary_report
    from handlers.core.workcal import calendar_from
    from handlers.reports.request import ReportRequest, period_label
    from storage import calendar, reports

    letterhead = layout.Letterhead(
        "UBND THÀNH PHỐ ĐÀ NẴNG", "SỞ NỘI VỤ", "Đà Nẵng", "SNV", "GIÁM ĐỐC", "TRƯỞNG PHÒNG",
        ("Lãnh đạo Sở", "Lưu: VT"),
    )  # fmt: skip
    request = ReportRequest(FIRST, LAST, period_label(FIRST, LAST))
    async with reports.snapshot(db_path) as tx:
        baseline = _maxrss_mb()
        started = time.perf_counter()
        cal = calendar_from(ZONE, await calendar.declared_days(tx))
        doc = layout.new_document()
        layout.header_block(doc, letterhead, 2026)
        report = await summary_report(tx, request, cal, DRAFTED)
        compose.write_summary(doc, report, letterhead)
        out = io.BytesIO()
        doc.save(out)
        seconds = time.perf_counter() - started
    return {
        "officials": len(report.officials),
        "entries": report.entries,
        "seconds": seconds,
        "baseline_mb": baseline,
        "peak_mb": _maxrss_mb(),
        "size_mb": len(out.getvalue()) / 1e6,
    }


def run_in_subprocess(db_path: Path) -> ReportRun:
    """Build November's department summary of the database in a fresh Python process."""
    out = subprocess.run(
        [sys.executable, "-m", "bench.report_cost", "--child", str(db_path)],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parent.parent,
    )
    figures = json.loads(out.stdout.strip().splitlines()[-1])
    return ReportRun(
        officials=int(figures["officials"]),
        entries=int(figures["entries"]),
        seconds=figures["seconds"],
        baseline_mb=figures["baseline_mb"],
        peak_mb=figures["peak_mb"],
        size_mb=figures["size_mb"],
    )


async def run_report_bench(officials: int, cache: Path, *, fresh: bool = False) -> list[ReportRun]:
    """Prepare (or reuse) both databases, then build the summary on each in its own process."""
    runs = []
    for size in (SAMPLE_OFFICIALS, officials):
        generated = await prepared(cache, size, DAYS, fresh=fresh)
        runs.append(run_in_subprocess(generated.path))
    return runs


def format_report(runs: Sequence[ReportRun]) -> str:
    """The README's table."""
    lines = [
        "department summary for November 2026 (30 days), built as the bot builds it:",
        "| officials | entries in the month | time | .docx | peak RSS | of which the report |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for run in runs:
        lines.append(
            f"| {run.officials:,} | {run.entries:,} | {run.seconds:.2f} s | "
            f"{run.size_mb:.2f} MB | {run.peak_mb:.0f} MB | {run.added_mb:.0f} MB |"
        )
    if len(runs) == 2 and runs[0].seconds > 0:
        small, large = runs
        times = large.seconds / small.seconds
        people = large.officials / small.officials
        lines.append(
            f"time ×{times:.0f} for ×{people:.0f} officials"
            f" ({1000 * large.seconds / large.officials:.2f} ms per official); "
            f"memory the report adds ×{large.added_mb / max(small.added_mb, 1):.1f}"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--officials", type=int, default=20_000)
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_OFFICIALS} officials")
    parser.add_argument("--fresh", action="store_true", help="regenerate the databases")
    parser.add_argument("--cache", type=Path, default=None)
    parser.add_argument("--child", type=Path, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child is not None:
        print(json.dumps(asyncio.run(_report_once(args.child))))
        return 0
    officials = QUICK_OFFICIALS if args.quick else args.officials
    cache = args.cache or cache_folder()
    with tempfile.TemporaryDirectory(prefix="bietphai-report-bench-"):
        runs = asyncio.run(run_report_bench(officials, cache, fresh=args.fresh))
    print(format_report(runs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
