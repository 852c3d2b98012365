"""The Telegram throughput bench still runs end to end (tiny sizes), so it cannot rot."""

from __future__ import annotations

from bench.telegram_throughput import format_report, parse_args, run_bench


async def test_bench_runs_both_bots_message_for_message() -> None:
    result = await run_bench(3, 6, with_press=True, warmup=1, rounds=1)

    assert result.bietphai.updates == 6
    assert result.echo.updates == 6
    assert result.press is not None
    assert result.press.updates == 12  # each log message plus its press on "Lưu"
    assert result.unexpected == 0
    assert result.ratio > 0
    assert all(latency >= 0 for latency in result.bietphai.latencies_ms)
    report = format_report(result)
    assert "ratio bietphai/echo" in report
    assert "peak RSS" in report


def test_quick_defaults() -> None:
    args = parse_args(["--quick"])
    assert (args.officials, args.messages, args.rounds) == (20, 100, 1)
    args = parse_args([])
    assert (args.officials, args.messages, args.rounds) == (200, 2000, 3)
