"""The webhook workers bench still runs end to end on PostgreSQL (tiny sizes), so it cannot rot."""

from __future__ import annotations

from bench.pg_webhook_workers import format_report, parse_args, run_bench
from tests.pgserver import PgServer


async def test_one_and_two_webhook_processes_answer_every_update(pg_server: PgServer) -> None:
    result = await run_bench(pg_server.url, officials=3, messages=6, rounds=1, warmup=1)

    assert [phase.result.updates for phase in result.one_runs + result.two_runs] == [6, 6]
    assert result.unexpected == 0
    assert result.ratio > 0
    assert result.two.cpu.bots > 0  # both processes' CPU was read from /proc
    report = format_report(result)
    assert "two processes ÷ one" in report
    assert "2 processes" in report
    assert "CPU ms per update" in report
    assert "turns run again after losing a race" in report
    assert "run again serializable" in report
    assert all(phase.retried >= 0 for phase in result.one_runs + result.two_runs)


def test_quick_and_default_sizes() -> None:
    args = parse_args(["--quick"])
    assert (args.officials, args.messages, args.rounds) == (10, 60, 1)
    args = parse_args([])
    assert (args.officials, args.messages, args.rounds) == (50, 600, 2)
