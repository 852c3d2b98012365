"""Digest cost: a daily digest costs the same in a department of 15 as in one of 20,000."""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bench import bulk
from bench.bulk import BulkDifficulty, BulkEntry, BulkPerson
from bot.app import SAMPLE_WORKBOOK
from bot.orgservice import import_org
from handlers.core.topics import TOPICS
from handlers.core.workcal import WorkingCalendar
from handlers.digest.daily import daily_digest, weekly_digest
from storage import digest as digest_reads
from storage import org
from storage.db import Database, Tx
from storage.models import Person, Role

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
DIGEST_DAY = date(2026, 12, 24)  # a Thursday inside the sample's second wave
SCOPED = "Hồ Văn Tâm"  # heads TCBC, CCHC, VTLT and leads working group 2
LEADER = "Trương Văn Thành"  # supervises all
FORMAT_VERSION = 1  # bump when the generated content changes, so caches are rebuilt
OFFICIALS_PER_DIVISION = 15
OFFICIALS_PER_COMMUNE = 2
COMMUNES_PER_GROUP = 20
ENTRIES_PER_TRANSACTION = 200_000
FIRST_SYNTHETIC_ID = 1_000_000
QUICK_OFFICIALS, QUICK_DAYS = 2_000, 30
TEXTS = (
    "Hướng dẫn UBND xã rà soát vị trí việc làm của công chức văn phòng",
    "Họp với lãnh đạo xã về sắp xếp tổ chức bộ máy sau hợp nhất",
    "Kiểm tra hồ sơ lưu trữ, hướng dẫn lập danh mục hồ sơ năm",
    "Làm việc với bộ phận một cửa về cải cách thủ tục hành chính",
    "Tổng hợp số liệu biên chế, người hoạt động không chuyên trách",
)


@dataclass(frozen=True)
class GeneratedDatabase:
    """A generated database file and what it holds."""

    path: Path
    officials: int
    entries: int
    seconds: float  # time to generate (0 when taken from the cache)
    cached: bool

    @property
    def megabytes(self) -> float:
        """Size of the file."""
        return self.path.stat().st_size / 1e6


@dataclass(frozen=True)
class DigestCostResult:
    """The timed digests of one run."""

    small: GeneratedDatabase
    large: GeneratedDatabase
    scope_officials: int
    scoped_small_ms: float
    scoped_large_ms: float
    leadership_officials: int
    leadership_ms: float
    weekly_small_ms: float
    weekly_large_ms: float

    @property
    def ratio(self) -> float:
        """Time of the same scope's digest in the large database over the small one."""
        return self.scoped_large_ms / self.scoped_small_ms

    @property
    def leadership_us_per_official(self) -> float:
        """Leadership's digest time per official in scope."""
        return 1000 * self.leadership_ms / max(self.leadership_officials, 1)


def cache_folder() -> Path:
    """Where generated databases are kept between runs."""
    return Path(tempfile.gettempdir()) / "bietphai-bench"


async def generate(path: Path, officials: int, days: int, seed: int = 7) -> int:
    """Write a database: the sample organisation, synthetic officials up to `officials`, and an
    entry a day per official for `days` days ending on DIGEST_DAY. Returns the entry count."""
    rng = random.Random(seed)
    first_day = DIGEST_DAY - timedelta(days=days - 1)
    created = datetime.combine(first_day, datetime.min.time(), ZONE) - timedelta(days=30)
    db = await Database(path).open()
    try:
        await import_org(db, SAMPLE_WORKBOOK, created, actor="bench")
        async with db.transaction() as tx:
            sample = [p for p in await org.all_people(tx) if p.role == Role.OFFICIAL]
            sample_communes = {
                (p.id, day): await _commune_on(tx, p.id, day)
                for p in sample
                for day in _days(first_day, DIGEST_DAY)
            }
        synthetic = max(0, officials - len(sample))
        people = _synthetic_people(synthetic)
        commune_of = {
            p.id: f"BC{(i // OFFICIALS_PER_COMMUNE):05d}"
            for i, p in enumerate(p for p in people if p.role == "official")
        }
        async with db.transaction() as tx:
            await _write_synthetic_org(tx, people, commune_of, first_day, created, rng)
        entries = 0
        rows = _entries(sample, sample_communes, commune_of, first_day, rng)
        while True:
            batch = [row for _, row in zip(range(ENTRIES_PER_TRANSACTION), rows, strict=False)]
            if not batch:
                break
            async with db.transaction() as tx:
                await bulk.add_work_logs(tx, batch, "telegram")
            entries += len(batch)
        async with db.transaction() as tx:
            await bulk.add_difficulties(
                tx, _difficulties(sample, sample_communes, commune_of, people, first_day, rng)
            )
    finally:
        await db.close()
    return entries


async def _commune_on(tx: Tx, person_id: int, day: date) -> str | None:
    communes = await org.communes_of_person_on(tx, person_id, day)
    return communes[0].code if communes else None


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def _synthetic_people(count: int) -> list[BulkPerson]:
    """Officials in synthetic divisions, a head per division, a leader per working group."""
    people = [
        BulkPerson(
            FIRST_SYNTHETIC_ID + n,
            f"Cán bộ Thử Tải {n:05d}",
            "official",
            f"BX{n // OFFICIALS_PER_DIVISION:04d}",
            f"07{n:08d}",
        )
        for n in range(count)
    ]
    divisions = (count + OFFICIALS_PER_DIVISION - 1) // OFFICIALS_PER_DIVISION
    communes = (count + OFFICIALS_PER_COMMUNE - 1) // OFFICIALS_PER_COMMUNE
    groups = (communes + COMMUNES_PER_GROUP - 1) // COMMUNES_PER_GROUP
    base = FIRST_SYNTHETIC_ID + count
    people += [
        BulkPerson(base + d, f"Trưởng phòng Thử Tải {d:04d}", "supervisor", None, f"06{d:08d}")
        for d in range(divisions)
    ]
    base += divisions
    people += [
        BulkPerson(base + g, f"Tổ trưởng Thử Tải {g:04d}", "supervisor", None, f"05{g:08d}")
        for g in range(groups)
    ]
    return people


async def _write_synthetic_org(
    tx: Tx,
    people: list[BulkPerson],
    commune_of: dict[int, str],
    first_day: date,
    now: datetime,
    rng: random.Random,
) -> None:
    officials = [p for p in people if p.role == "official"]
    heads = [p for p in people if p.full_name.startswith("Trưởng phòng")]
    leaders = [p for p in people if p.full_name.startswith("Tổ trưởng")]
    division_codes = sorted({p.division_code for p in officials if p.division_code})
    commune_codes = sorted(set(commune_of.values()))
    await bulk.add_divisions(tx, ((code, f"Phòng Thử Tải {code}") for code in division_codes))
    await bulk.add_communes(tx, ((code, f"Xã Thử Tải {code}") for code in commune_codes))
    await bulk.add_people(tx, people, now)
    await bulk.add_supervised_divisions(
        tx, ((head.id, code) for head, code in zip(heads, division_codes, strict=True))
    )
    wave = await bulk.add_wave(tx, "Đợt thử tải", first_day, DIGEST_DAY + timedelta(days=30))
    await bulk.add_assignments(
        tx,
        wave,
        ((p.id, commune_of[p.id]) for p in officials),
        first_day,
        DIGEST_DAY + timedelta(days=30),
    )
    await bulk.add_working_groups(
        tx,
        (
            (
                10_000 + g,
                f"Tổ công tác Thử Tải {g:04d}",
                leader.id,
                tuple(commune_codes[g * COMMUNES_PER_GROUP : (g + 1) * COMMUNES_PER_GROUP]),
            )
            for g, leader in enumerate(leaders)
        ),
    )
    await bulk.add_identities(tx, ((p.id, rng.random() < 0.01) for p in people), "telegram", now)
    span = (DIGEST_DAY - first_day).days
    leaves = []
    for p in officials:
        if rng.random() < 0.05:
            start = first_day + timedelta(days=rng.randrange(span + 1))
            leaves.append((p.id, start, start + timedelta(days=2)))
    await bulk.add_leaves(tx, leaves, now)


def _entries(
    sample: list[Person],
    sample_communes: dict[tuple[int, date], str | None],
    commune_of: dict[int, str],
    first_day: date,
    rng: random.Random,
) -> Iterator[BulkEntry]:
    """One entry per official per day, day by day (as they arrive in production)."""
    topics = [t.code for t in TOPICS]
    for day in _days(first_day, DIGEST_DAY):
        base = datetime.combine(day, datetime.min.time(), ZONE) + timedelta(hours=8)
        for p in sample:
            commune = sample_communes[(p.id, day)] or "XA01"
            yield BulkEntry(
                p.id,
                commune,
                day,
                rng.choice(topics),
                rng.choice(TEXTS),
                base + timedelta(minutes=rng.randrange(600)),
            )
        for person_id, commune in commune_of.items():
            yield BulkEntry(
                person_id,
                commune,
                day,
                rng.choice(topics),
                rng.choice(TEXTS),
                base + timedelta(minutes=rng.randrange(600)),
            )


def _difficulties(
    sample: list[Person],
    sample_communes: dict[tuple[int, date], str | None],
    commune_of: dict[int, str],
    people: list[BulkPerson],
    first_day: date,
    rng: random.Random,
) -> Iterator[BulkDifficulty]:
    """About one difficulty per official per month; most resolved, a few open or overdue."""
    division = {p.id: p.division_code or "" for p in people}
    division.update({p.id: p.division_code or "" for p in sample})
    reporters = [(p.id, None) for p in sample] + list(commune_of.items())
    span_minutes = (DIGEST_DAY - first_day).days * 24 * 60
    start = datetime.combine(first_day, datetime.min.time(), ZONE)
    topics = [t.code for t in TOPICS]
    number = 0
    for person_id, commune in reporters:
        for _ in range(max(1, span_minutes // (30 * 24 * 60))):
            number += 1
            created = start + timedelta(minutes=rng.randrange(span_minutes))
            day = created.date()
            where = commune or sample_communes.get((person_id, day)) or "XA01"
            roll = rng.random()
            responded = created + timedelta(hours=rng.randrange(1, 48)) if roll < 0.9 else None
            resolved = created + timedelta(days=rng.randrange(1, 10)) if roll < 0.8 else None
            status = "resolved" if resolved else ("answered" if responded else "new")
            yield BulkDifficulty(
                id=number,
                reporter_id=person_id,
                commune_code=where,
                division_code=division[person_id],
                topic=rng.choice(topics),
                urgency="urgent" if rng.random() < 0.2 else "normal",
                description=rng.choice(TEXTS),
                status=status,
                created_at=created.astimezone(UTC),
                first_response_due=(created + timedelta(days=2)).astimezone(UTC),
                resolution_due=(created + timedelta(days=14)).astimezone(UTC),
                first_response_at=responded.astimezone(UTC) if responded else None,
                resolved_at=resolved.astimezone(UTC) if resolved else None,
            )


async def prepared(
    folder: Path, officials: int, days: int, *, fresh: bool = False
) -> GeneratedDatabase:
    """The cached database of this size, generated first if missing (or if `fresh`)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"digest-v{FORMAT_VERSION}-{officials}x{days}.sqlite3"
    if fresh:
        for old in folder.glob(path.name + "*"):
            old.unlink()
    if path.exists():
        db = await Database(path).open()
        try:
            async with db.read() as tx:
                entries = int(await tx.value("SELECT count(*) FROM work_logs"))
        finally:
            await db.close()
        return GeneratedDatabase(path, officials, entries, 0.0, cached=True)
    partial = path.with_name(path.name + ".partial")
    for old in folder.glob(partial.name + "*"):
        old.unlink()
    started = time.perf_counter()
    entries = await generate(partial, officials, days)
    partial.rename(path)  # only a complete database is ever cached
    return GeneratedDatabase(path, officials, entries, time.perf_counter() - started, False)


async def person_named(db: Database, name: str) -> Person:
    """The one person of this name (the benches' supervisors)."""
    async with db.read() as tx:
        [found] = await org.people_matching(tx, name)
    return found


async def time_daily(db: Database, supervisor: Person, repeat: int) -> tuple[float, int]:
    """Median milliseconds of the daily digest (after one untimed run) and officials in scope."""
    calendar = WorkingCalendar(ZONE)
    now = datetime.combine(DIGEST_DAY, datetime.min.time(), ZONE) + timedelta(hours=17)
    times = []
    for run in range(repeat + 1):
        started = time.perf_counter()
        async with db.read() as tx:
            await daily_digest(tx, supervisor, DIGEST_DAY, now, calendar, "vi")
        if run:
            times.append((time.perf_counter() - started) * 1000)
    async with db.read() as tx:
        in_scope = await digest_reads.officials_in_scope(tx, supervisor.id, DIGEST_DAY)
    return statistics.median(times), len(in_scope)


async def time_weekly(db: Database, supervisor: Person, repeat: int) -> float:
    """Median milliseconds of the weekly digest with its chart (after one untimed run)."""
    calendar = WorkingCalendar(ZONE)
    monday = DIGEST_DAY - timedelta(days=DIGEST_DAY.weekday())
    now = datetime.combine(DIGEST_DAY, datetime.min.time(), ZONE) + timedelta(hours=17)
    times = []
    for run in range(repeat + 1):
        started = time.perf_counter()
        async with db.read() as tx:
            await weekly_digest(tx, supervisor, monday, now, calendar, "vi")
        if run:
            times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


async def run_digest_bench(
    officials: int, days: int, folder: Path, *, repeat: int = 20, fresh: bool = False
) -> DigestCostResult:
    """Generate (or reuse) both databases and time the digests."""
    small = await prepared(folder, 0, days, fresh=fresh)
    large = await prepared(folder, officials, days, fresh=fresh)
    timings: dict[str, float] = {}
    sizes: dict[str, int] = {}
    for label, generated in (("small", small), ("large", large)):
        db = await Database(generated.path).open()
        try:
            scoped = await person_named(db, SCOPED)
            timings[label], sizes[label] = await time_daily(db, scoped, repeat)
            timings[f"weekly_{label}"] = await time_weekly(db, scoped, max(1, repeat // 5))
            if label == "large":
                leader = await person_named(db, LEADER)
                timings["leadership"], sizes["leadership"] = await time_daily(
                    db, leader, max(1, repeat // 10)
                )
        finally:
            await db.close()
    assert sizes["small"] == sizes["large"], "the scoped supervisor must see the same officials"
    return DigestCostResult(
        small=small,
        large=large,
        scope_officials=sizes["small"],
        scoped_small_ms=timings["small"],
        scoped_large_ms=timings["large"],
        leadership_officials=sizes["leadership"],
        leadership_ms=timings["leadership"],
        weekly_small_ms=timings["weekly_small"],
        weekly_large_ms=timings["weekly_large"],
    )


def format_report(result: DigestCostResult) -> str:
    """The printed summary."""

    def described(g: GeneratedDatabase, label: str) -> str:
        made = "cached" if g.cached else f"generated in {g.seconds:.1f} s"
        return (
            f"  database {label}: {g.entries:,} entries, {g.megabytes:,.0f} MB ({made}) — {g.path}"
        )

    verdict = "within goal" if result.ratio <= 2 else "ABOVE GOAL"
    return "\n".join(
        [
            f"Daily digest cost, digest of {DIGEST_DAY.strftime('%d/%m/%Y')}",
            described(result.small, "(a) sample org"),
            described(result.large, f"(b) {result.large.officials:,} officials"),
            f"  {SCOPED} ({result.scope_officials} officials in scope): "
            f"(a) {result.scoped_small_ms:.2f} ms, (b) {result.scoped_large_ms:.2f} ms, "
            f"ratio {result.ratio:.2f} (goal ≤ 2: {verdict})",
            f"  leadership ({LEADER}, {result.leadership_officials:,} officials): "
            f"{result.leadership_ms:,.0f} ms = {result.leadership_us_per_official:.1f} µs "
            "per official",
            f"  weekly digest with chart, {SCOPED}: (a) {result.weekly_small_ms:.0f} ms, "
            f"(b) {result.weekly_large_ms:.0f} ms",
        ]
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Run the bench and print its figures."""
    parser = argparse.ArgumentParser(prog="python -m bench.digest_cost", description=__doc__)
    parser.add_argument("--officials", type=int, default=20_000)
    parser.add_argument("--days", type=int, default=120)
    parser.add_argument("--repeat", type=int, default=20, help="timed runs per digest (median)")
    parser.add_argument("--quick", action="store_true", help="2,000 officials × 30 days")
    parser.add_argument("--fresh", action="store_true", help="regenerate the cached databases")
    parser.add_argument("--cache-dir", type=Path, default=cache_folder())
    args = parser.parse_args(argv)
    officials, days = (QUICK_OFFICIALS, QUICK_DAYS) if args.quick else (args.officials, args.days)
    result = asyncio.run(
        run_digest_bench(officials, days, args.cache_dir, repeat=args.repeat, fresh=args.fresh)
    )
    print(format_report(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
