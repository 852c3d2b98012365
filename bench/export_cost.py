"""Export cost: time and peak memory of the department-wide export, one month against four."""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from bench.digest_cost import DIGEST_DAY, QUICK_OFFICIALS, ZONE, cache_folder, prepared

DAYS = 120  # the digest bench's cached database
QUICK_DAYS = 30


@dataclass(frozen=True)
class ExportRun:
    """One export in its own process."""

    days: int
    seconds: float
    baseline_mb: float
    peak_mb: float
    size_mb: float
    entries: int
    officials: int

    @property
    def added_mb(self) -> float:
        """Peak memory above the baseline: what the export itself needed."""
        return self.peak_mb - self.baseline_mb


def _maxrss_mb() -> float:
    # Linux reports kilobytes.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def _export_once(db_path: Path, first: date, last: date, target: Path) -> dict[str, float]:
    """The child's work: open the database, note the baseline, export everything, note the peak."""
    from bot.export import ExportRequest, export_to
    from handlers.core.workcal import WorkingCalendar
    from storage.db import Database
    from storage.export import ExportFilter

    db = await Database(db_path).open()
    try:
        baseline = _maxrss_mb()
        started = time.perf_counter()
        async with db.read() as tx:
            request = ExportRequest(first, last, ExportFilter(), "toàn Sở")
            result = await export_to(tx, request, WorkingCalendar(ZONE), target, datetime.now(UTC))
        seconds = time.perf_counter() - started
    finally:
        await db.close()
    return {
        "seconds": seconds,
        "baseline_mb": baseline,
        "peak_mb": _maxrss_mb(),
        "size_mb": target.stat().st_size / 1e6,
        "entries": result.entries,
        "officials": result.officials,
    }


def run_in_subprocess(db_path: Path, days: int, folder: Path) -> ExportRun:
    """Export the last `days` days of the database in a fresh Python process."""
    first = DIGEST_DAY - timedelta(days=days - 1)
    target = folder / f"export-{days}d.xlsx"
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.export_cost",
            "--child",
            str(db_path),
            first.isoformat(),
            DIGEST_DAY.isoformat(),
            str(target),
        ],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parent.parent,
    )
    figures = json.loads(out.stdout.strip().splitlines()[-1])
    target.unlink(missing_ok=True)
    return ExportRun(
        days=days,
        seconds=figures["seconds"],
        baseline_mb=figures["baseline_mb"],
        peak_mb=figures["peak_mb"],
        size_mb=figures["size_mb"],
        entries=int(figures["entries"]),
        officials=int(figures["officials"]),
    )


async def run_export_bench(
    officials: int, days: int, periods: Sequence[int], cache: Path, *, fresh: bool = False
) -> list[ExportRun]:
    """Prepare (or reuse) the database, then export each period in its own process."""
    generated = await prepared(cache, officials, days, fresh=fresh)
    with tempfile.TemporaryDirectory(prefix="bietphai-export-bench-") as folder:
        return [run_in_subprocess(generated.path, n, Path(folder)) for n in periods]


def format_report(officials: int, runs: Sequence[ExportRun]) -> str:
    """The printed figures."""
    lines = [f"Department-wide export, {officials:,} officials, period ending 24/12/2026"]
    for run in runs:
        lines.append(
            f"  {run.days:>3} days: {run.entries:,} entries, {run.officials:,} officials, "
            f"{run.seconds:.1f} s, file {run.size_mb:.1f} MB, peak RSS {run.peak_mb:.0f} MB "
            f"(baseline {run.baseline_mb:.0f} MB, export adds {run.added_mb:.0f} MB)"
        )
    if len(runs) >= 2:
        short, long = runs[0], runs[-1]
        ratio = long.added_mb / max(short.added_mb, 1.0)
        lines.append(
            f"  memory added, {long.days} days vs {short.days} days: ×{ratio:.2f} "
            f"(time ×{long.seconds / max(short.seconds, 1e-9):.2f}; goal: memory flat)"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the bench (or, with --child, one export) and print its figures."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] == "--child":
        db_path, first, last, target = args[1:5]
        figures = asyncio.run(
            _export_once(
                Path(db_path), date.fromisoformat(first), date.fromisoformat(last), Path(target)
            )
        )
        print(json.dumps(figures))
        return 0
    parser = argparse.ArgumentParser(prog="python -m bench.export_cost", description=__doc__)
    parser.add_argument("--officials", type=int, default=20_000)
    parser.add_argument("--quick", action="store_true", help="2,000 officials, 7 vs 28 days")
    parser.add_argument("--fresh", action="store_true", help="regenerate the cached database")
    parser.add_argument("--cache-dir", type=Path, default=cache_folder())
    options = parser.parse_args(args)
    if options.quick:
        officials, days, periods = QUICK_OFFICIALS, QUICK_DAYS, (7, 28)
    else:
        officials, days, periods = options.officials, DAYS, (30, 120)
    runs = asyncio.run(
        run_export_bench(officials, days, periods, options.cache_dir, fresh=options.fresh)
    )
    print(format_report(officials, runs))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
