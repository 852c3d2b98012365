"""The overview's tables: reporting rates per division, per commune and per day."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from storage.web_overview import DayCount, PeriodCounts


@dataclass(frozen=True)
class Rate:
    """Official-days expected and logged for one row of a table."""

    label: str
    expected: int
    logged: int

    @property
    def percent(self) -> int | None:
        """Logged / expected in whole percent, or None when nothing was expected."""
        return round(100 * self.logged / self.expected) if self.expected else None


@dataclass
class Rates:
    """The period's rates: the whole scope, the lowest divisions and communes, each working day."""

    total: Rate = field(default_factory=lambda: Rate("", 0, 0))
    divisions: list[Rate] = field(default_factory=list)
    communes: list[Rate] = field(default_factory=list)
    days: list[tuple[date, Rate]] = field(default_factory=list)
    division_count: int = 0  # divisions with an official expected, listed or not
    commune_count: int = 0


def rates(counts: PeriodCounts, working_days: list[date]) -> Rates:
    """The tables of the overview from the database's counts, lowest rate first."""
    by_day = {c.day: c for c in counts.days}
    days = [(day, Rate("", *_tally(by_day.get(day)))) for day in working_days]
    return Rates(
        total=Rate("", sum(r.expected for _, r in days), sum(r.logged for _, r in days)),
        divisions=sorted(
            (Rate(c.name or c.code or "—", c.expected, c.logged) for c in counts.divisions),
            key=_lowest_first,
        ),
        communes=sorted(
            (Rate(c.name or c.code or "—", c.expected, c.logged) for c in counts.communes),
            key=_lowest_first,
        ),
        days=days,
        division_count=counts.division_count,
        commune_count=counts.commune_count,
    )


def _tally(count: DayCount | None) -> tuple[int, int]:
    return (count.expected, count.logged) if count else (0, 0)


def _lowest_first(rate: Rate) -> tuple[float, str]:
    return (rate.logged / rate.expected if rate.expected else 1.0, rate.label)
